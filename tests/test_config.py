from __future__ import annotations

from pathlib import Path

import pytest

from eventwire import registry
from eventwire.config import Config, config_from_dict, load_config
from eventwire.errors import ConfigError


def test_default_config_matches_the_schema_defaults() -> None:
    assert load_config() == Config()


def test_unknown_key_is_an_error_listing_valid_keys() -> None:
    with pytest.raises(ConfigError) as err:
        config_from_dict({"pipeline": {"batchsize": 3}})
    assert "batch_size" in str(err.value)


def test_unknown_section_is_an_error() -> None:
    with pytest.raises(ConfigError, match=r"\[pipeline\]"):
        config_from_dict({"pipelines": {}})


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"pipeline": {"batch_size": "8"}}, "integer"),
        ({"pipeline": {"batch_size": 0}}, "positive"),
        ({"nlp": {"prefilter": "yes"}}, "true or false"),
        ({"ingest": {"languages": "en"}}, "list of strings"),
    ],
)
def test_wrong_types_are_errors(data: dict[str, dict[str, object]], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        config_from_dict(data)


def test_user_file_overrides_defaults(tmp_path: Path) -> None:
    path = tmp_path / "my.toml"
    path.write_text("[pipeline]\nbatch_size = 8\n[ingest]\nlanguages = ['en', 'de']\n")
    cfg = load_config(path)
    assert cfg.pipeline.batch_size == 8
    assert cfg.ingest.languages == ("en", "de")
    assert cfg.nlp == Config().nlp


def test_bad_toml_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[pipeline\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_registry_names_unknown_stage_with_options() -> None:
    with pytest.raises(ConfigError) as err:
        registry.resolve("coder.nope.v9")
    assert "coder.plover.v1" in str(err.value)


def test_registry_is_lazy_and_extensible() -> None:
    registry.register("coder.test.v1", dict)
    assert registry.resolve("coder.test.v1") is dict
    assert "coder.test.v1" in registry.names()


def test_unknown_classifier_fails_when_the_pipeline_is_built() -> None:
    from eventwire.pipeline import Pipeline

    cfg = config_from_dict({"pipeline": {"classifier": "classifier.nope.v1"}})
    with pytest.raises(ConfigError) as err:
        Pipeline(cfg)  # the rule coder needs no classifier, but a typo is still caught
    assert "classifier.minilm.v1" in str(err.value)
    assert "classifier.minilm-l3.v1" in str(err.value)


@pytest.mark.parametrize(
    ("name", "model"),
    [("classifier.minilm.v1", "plover-minilm"), ("classifier.minilm-l3.v1", "plover-minilm-l3")],
)
def test_classifier_key_chooses_the_model_of_coders_that_use_one(name: str, model: str) -> None:
    from eventwire.coder.classifier import DEFAULT_MODEL_DIR
    from eventwire.pipeline import Pipeline

    if not (DEFAULT_MODEL_DIR.parent / model / "model.onnx").is_file():
        pytest.skip(f"models/{model} is not in this checkout")
    cfg = config_from_dict({"pipeline": {"coder": "coder.plover.v5", "classifier": name}})
    pipe = Pipeline(cfg)
    assert pipe.coder.classifier.path.name == model
    assert pipe.coder.classifier._session is None  # nothing opened before the first sentence
