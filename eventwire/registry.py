"""Named, versioned pipeline stages, resolved lazily.

Stages are registered as import paths (``"module:attribute"``) so that nothing is imported
until a config asks for it; users add their own with :func:`register`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from eventwire.errors import ConfigError

__all__ = ["names", "register", "resolve"]

_BUILTIN: dict[str, str] = {
    "coder.plover.v1": "eventwire.coder.rules:RuleCoder",
    "coder.plover.v5": "eventwire.coder.detector:DetectedCoder",
    "actors.kb.v1": "eventwire.actors:get_resolver",
    "geo.gazetteer.v1": "eventwire.geo:get_gazetteer",
    "geo.none.v1": "eventwire.registry:_no_places",
    "classifier.minilm.v1": "eventwire.coder.classifier:minilm",
    "classifier.minilm-l3.v1": "eventwire.coder.classifier:minilm_l3",
}
_USER: dict[str, Callable[..., Any]] = {}


def _no_places() -> None:
    return None


def register(name: str, factory: Callable[..., Any]) -> None:
    """Register ``factory`` under ``name`` (e.g. ``"coder.mine.v1"``)."""
    if "." not in name:
        raise ConfigError(
            f"Stage name {name!r} has no kind prefix.", fix="use 'kind.name.vN', e.g. coder.mine.v1"
        )
    _USER[name] = factory


def names() -> list[str]:
    return sorted({*_BUILTIN, *_USER})


def resolve(name: str) -> Callable[..., Any]:
    """The factory registered under ``name``."""
    if name in _USER:
        return _USER[name]
    if name not in _BUILTIN:
        kind = name.split(".", 1)[0]
        same_kind = [n for n in names() if n.startswith(kind + ".")] or names()
        raise ConfigError(
            f"Nothing is registered under {name!r}.", fix=f"use one of: {', '.join(same_kind)}"
        )
    module, _, attr = _BUILTIN[name].partition(":")
    factory: Callable[..., Any] = getattr(importlib.import_module(module), attr)
    return factory
