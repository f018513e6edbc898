"""The ONNX side of the export: onnxruntime's transformer fusion (checked against the
unfused graph), dynamic int8 quantisation, and the rewrites the shipped file gets (skip
connections split back into plain ops, a probabilities output)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from eventwire.coder.classifier import ClassifierInput, EventClassifier, Prediction

# The fp32 export's metadata key for its TrainConfig.head.
HEAD_PROP = "eventwire.head"


def check_inputs(vocab_size: int) -> list[dict[str, np.ndarray]]:
    """Inputs that exercise padding, both marker positions and the [CLS] fallback."""
    rng = np.random.default_rng(0)
    out = []
    for batch, width in ((1, 7), (1, 40), (3, 25), (2, 128)):
        ids = rng.integers(1000, vocab_size, size=(batch, width), dtype=np.int64)
        ids[:, 0], ids[:, -1] = 101, 102
        mask = np.ones((batch, width), dtype=np.int64)
        for i in range(1, batch):  # shorter rows padded with zeros
            n = width - 5 * i
            ids[i, n:] = 0
            mask[i, n:] = 0
        out.append(
            {
                "input_ids": ids,
                "attention_mask": mask,
                "src_pos": np.array([min(2, width - 1)] * batch, dtype=np.int64),
                "tgt_pos": np.array([0] + [min(5, width - 2)] * (batch - 1), dtype=np.int64),
            }
        )
    return out


def run_onnx(path: Path, feeds: Sequence[dict[str, np.ndarray]]) -> list[np.ndarray]:
    """The graph's first output (the classifier's logits, the sentence encoder's embedding)
    for each feed, given only the inputs the graph has."""
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = {i.name for i in sess.get_inputs()}
    first = sess.get_outputs()[0].name
    return [np.asarray(sess.run([first], {k: v for k, v in f.items() if k in names})[0])
            for f in feeds]  # fmt: skip


def fuse_transformer(fp32: Path, out: Path, *, num_heads: int, hidden_size: int) -> None:
    """onnxruntime's BERT fusion of ``fp32`` into ``out`` (still fp32).

    Fails unless every layer's attention (but the last with the "rows" head), both layer
    norms and the GELU were fused, and unless the fused graph gives the unfused graph's
    logits (to 1e-3) on padded and unpadded inputs.
    """
    import onnx
    from onnxruntime.transformers.optimizer import optimize_model

    graph = onnx.load(str(fp32), load_external_data=False)
    n_layers = sum(1 for n in graph.graph.node if n.op_type == "Softmax")
    # With the "rows" head the last layer's attention is written out (export._for_export) with
    # queries from three rows only: no pattern the fusion knows, so it stays plain
    # MatMul/Softmax (quantised all the same). The "mid" head's, over every row, is found.
    head = next((p.value for p in graph.metadata_props if p.key == HEAD_PROP), "mean")
    opt = optimize_model(str(fp32), model_type="bert", num_heads=num_heads, hidden_size=hidden_size)
    stats = opt.get_fused_operator_statistics()
    want = {
        "Attention": n_layers - (head == "rows"),
        "SkipLayerNormalization": 2 * n_layers,
        "BiasGelu": n_layers,
        "EmbedLayerNormalization": 1,
    }
    got = {k: stats.get(k, 0) for k in want}
    if got != want:
        raise RuntimeError(f"transformer fusion incomplete: fused {got}, expected {want}")
    opt.save_model_to_file(str(out))
    vocab = next(
        int(t.dims[0]) for t in onnx.load(str(out)).graph.initializer
        if t.name.endswith("word_embeddings.weight")
    )  # fmt: skip
    feeds = check_inputs(vocab)
    for a, b in zip(run_onnx(fp32, feeds), run_onnx(out, feeds), strict=True):
        diff = float(np.abs(a - b).max())
        if diff > 1e-3:
            raise RuntimeError(f"fused graph differs from the unfused export: max |diff| {diff}")


def to_onnx(
    fp32: Path,
    out: Path,
    *,
    fuse: bool,
    quantize: bool,
    per_channel: bool,
    reduce_range: bool,
    num_heads: int,
    hidden_size: int,
    probabilities: bool = True,
) -> None:
    """The shipped ONNX file from the fp32 export: optionally fused, optionally int8, with
    a ``probs`` output (:func:`add_probabilities`) unless ``probabilities`` is off (the
    sentence encoder, whose output is no logits)."""
    with tempfile.TemporaryDirectory() as td:
        src = fp32
        if fuse:
            src = Path(td) / "fused.onnx"
            fuse_transformer(fp32, src, num_heads=num_heads, hidden_size=hidden_size)
        if not quantize:
            shutil.copyfile(src, out)
        else:
            import onnx
            from onnxruntime.quantization import QuantType, quantize_dynamic

            quantize_dynamic(
                str(src),
                str(out),
                weight_type=QuantType.QInt8,
                per_channel=per_channel,
                reduce_range=reduce_range,
                # The fused contrib ops have no ONNX shape inference: their outputs are float.
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT} if fuse else None,
            )
        if fuse:
            split_skip_layer_norm(out)
        if probabilities:
            add_probabilities(out)


def quantized_name(*, fuse: bool, per_channel: bool, reduce_range: bool) -> str:
    return (
        f"int8 (dynamic, QInt8 weights{', per channel' if per_channel else ''}"
        f"{', 7-bit (reduce_range)' if reduce_range else ''}"
        f"{'; fused attention, QAttention' if fuse else ''})"
    )


def add_probabilities(path: Path) -> None:
    """Give the ONNX file at ``path`` a second output, ``probs``: the softmax of ``logits``.

    Computed inside the session it costs one small kernel; in numpy after each call it cost
    ~15 us in a tight loop and over 100 us per sentence in real use (the caches cold after
    the model ran). The classifier reads ``probs`` when the file has it.
    """
    import onnx
    from onnx import helper

    model = onnx.load(str(path))
    if any(o.name == "probs" for o in model.graph.output):
        return
    model.graph.node.append(helper.make_node("Softmax", ["logits"], ["probs"], axis=-1))
    probs = onnx.ValueInfoProto()
    probs.CopyFrom(next(o for o in model.graph.output if o.name == "logits"))
    probs.name = "probs"
    model.graph.output.append(probs)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def split_skip_layer_norm(path: Path) -> int:
    """Rewrite every SkipLayerNormalization in the ONNX file at ``path`` as Add (the skip),
    Add (the bias) and LayerNormalization; return how many.

    The fusion is needed to find the attention, but onnxruntime's SkipLayerNormalization
    kernel is slow on the CPUs measured: a 36x384 one took ~95 us against ~20 us for the
    three plain ops, and the rewrite made whole models 7-8% faster (interleaved A/B, PLV).
    The skip is added before the bias because onnxruntime re-fuses Add(bias)-Add(skip)-LN at
    load time; the classifier also disables that fusion (EventClassifier).
    """
    import onnx
    from onnx import helper

    model = onnx.load(str(path))
    used = {i for n in model.graph.node for i in n.input} | {o.name for o in model.graph.output}
    nodes: list[Any] = []
    n_split = 0
    for n in model.graph.node:
        if n.op_type != "SkipLayerNormalization":
            nodes.append(n)
            continue
        if any(o in used for o in n.output[1:]):
            raise RuntimeError(f"{n.name}: SkipLayerNormalization's extra outputs are used")
        x, skip, gamma, beta = n.input[:4]
        bias = n.input[4] if len(n.input) > 4 else ""
        eps = next(a.f for a in n.attribute if a.name == "epsilon")
        total = f"{n.name}_sum"
        nodes.append(helper.make_node("Add", [x, skip], [total], name=f"{n.name}_skip"))
        if bias:
            nodes.append(helper.make_node("Add", [total, bias], [f"{total}_bias"], name=n.name))
            total = f"{total}_bias"
        nodes.append(
            helper.make_node(
                "LayerNormalization",
                [total, gamma, beta],
                [n.output[0]],
                name=f"{n.name}_ln",
                axis=-1,
                epsilon=eps,
            )
        )
        n_split += 1
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return n_split


def predict_exported(
    fp32: Path,
    model_dir: Path,
    items: Sequence[ClassifierInput],
    *,
    fuse: bool,
    per_channel: bool,
    reduce_range: bool,
    num_heads: int,
    hidden_size: int,
) -> list[Prediction]:
    """Predictions for ``items`` of the int8 file :func:`to_onnx` makes from ``fp32`` with
    these options, run beside ``model_dir``'s tokenizer, labels and config (a scratch copy)."""
    with tempfile.TemporaryDirectory() as td:
        for name in ("tokenizer.json", "labels.json", "config.json"):
            shutil.copyfile(model_dir / name, Path(td) / name)
        to_onnx(
            fp32,
            Path(td) / "model.onnx",
            fuse=fuse,
            quantize=True,
            per_channel=per_channel,
            reduce_range=reduce_range,
            num_heads=num_heads,
            hidden_size=hidden_size,
        )
        return EventClassifier.load(Path(td), intra_op_num_threads=1).predict(items)
