"""The configuration: one commented default (``default.toml``) and a strict schema.

Unknown sections or keys and wrongly typed values are :class:`ConfigError` with the valid
options listed, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

from eventwire.errors import ConfigError

__all__ = ["CoderConfig", "Config", "IngestConfig", "NlpConfig", "PipelineConfig", "load_config"]


@dataclass(frozen=True, slots=True, kw_only=True)
class PipelineConfig:
    coder: str = "coder.plover.v5"
    actors: str = "actors.kb.v1"
    places: str = "geo.gazetteer.v1"
    classifier: str = "classifier.minilm.v1"
    detector: str = ""
    batch_size: int = 64


@dataclass(frozen=True, slots=True, kw_only=True)
class NlpConfig:
    model: str = "auto"
    prefilter: bool = True
    max_sentence_chars: int = 2000
    ner_every_sentence: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestConfig:
    max_article_chars: int = 200_000
    languages: tuple[str, ...] = ("en",)
    dedupe_threshold: float = 0.8
    dedupe_window: int = 20_000


@dataclass(frozen=True, slots=True, kw_only=True)
class CoderConfig:
    min_confidence: float = 0.0
    keep_negated: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class Config:
    pipeline: PipelineConfig = PipelineConfig()
    nlp: NlpConfig = NlpConfig()
    ingest: IngestConfig = IngestConfig()
    coder: CoderConfig = CoderConfig()


_SECTIONS: dict[str, type] = {
    "pipeline": PipelineConfig,
    "nlp": NlpConfig,
    "ingest": IngestConfig,
    "coder": CoderConfig,
}


def default_config_text() -> str:
    """The commented default configuration, as shipped."""
    return resources.files("eventwire").joinpath("default.toml").read_text(encoding="utf-8")


def _coerce(section: str, key: str, value: Any, default: Any) -> Any:
    where = f"[{section}] {key}"
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{where} must be true or false, not {value!r}.")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where} must be an integer, not {value!r}.")
        if value <= 0:
            raise ConfigError(f"{where} must be positive, not {value}.")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where} must be a number, not {value!r}.")
        return float(value)
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of strings, not {value!r}.")
        return tuple(value)
    if not isinstance(value, str):
        raise ConfigError(f"{where} must be a string, not {value!r}.")
    return value


def config_from_dict(data: dict[str, Any]) -> Config:
    """Build a :class:`Config` from parsed TOML, rejecting unknown keys."""
    config = Config()
    for section, values in data.items():
        if section not in _SECTIONS:
            raise ConfigError(
                f"Unknown config section [{section}].",
                fix=f"use one of: {', '.join(f'[{s}]' for s in _SECTIONS)}",
            )
        if not isinstance(values, dict):
            raise ConfigError(f"[{section}] must be a table of keys.")
        current = getattr(config, section)
        valid = {f.name: getattr(current, f.name) for f in fields(current)}
        changes: dict[str, Any] = {}
        for key, value in values.items():
            if key not in valid:
                raise ConfigError(
                    f"Unknown key {key!r} in [{section}].",
                    fix=f"valid keys: {', '.join(valid)}",
                )
            changes[key] = _coerce(section, key, value, valid[key])
        config = replace(config, **{section: replace(current, **changes)})
    return config


def load_config(path: str | Path | None = None) -> Config:
    """The default config, overlaid with the TOML file at ``path`` when given."""
    base = config_from_dict(tomllib.loads(default_config_text()))
    if path is None:
        return base
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"Config file {p} does not exist.", fix="check the path") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read config file {p}.", cause=str(exc)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Config file {p} is not valid TOML.", cause=str(exc)) from exc
    return config_from_dict(data)
