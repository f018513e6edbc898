"""From torch to the shipped directory: the model written with fewer ONNX operators (and,
with the "rows" and "mid" heads, its last layer run on a few rows), the fp32 export checked
against the training form, then model.onnx, tokenizer.json, labels.json and config.json."""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import fields
from pathlib import Path
from typing import Any

from eventwire.coder.classifier import EncodedBatch, Markers
from training.classifier.data import LABELS
from training.classifier.model import (
    BASE_MODEL,
    HEADS,
    TrainConfig,
    additive_mask,
    encoder_shape,
)
from training.classifier.quantize import HEAD_PROP, check_inputs, quantized_name, to_onnx

# The ONNX model's inputs, as the classifier feeds them (EncodedBatch.feed).
EXPORT_INPUTS = tuple(f.name for f in fields(EncodedBatch))


def _for_export(model: Any) -> Any:
    """``model``'s function (eval mode) written with fewer ONNX operators.

    The pooling as one matrix product (mean weights and one-hot marker rows times the states)
    instead of gather/expand/squeeze, and the token types given as zeros instead of sliced
    from a buffer: about 40 small operators fewer, ~3% faster per sentence (interleaved A/B).
    With the "rows" and "mid" heads the last layer is written out (_attention,
    _feed_forward) so that it runs on the rows the head reads.
    Training keeps the plain form; export_fp32 checks that both give the same logits.
    """
    import torch

    kind = model.head_kind
    top = kind != "mean"  # the last layer written out, to run part of it on a few rows

    class Export(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            src_pos: torch.Tensor,
            tgt_pos: torch.Tensor,
        ) -> torch.Tensor:
            enc = self.model.encoder
            layers = enc.encoder.layer
            if top:  # the stock encoder (whose attention the fusion finds) without its top
                enc.encoder.layer = torch.nn.ModuleList(list(layers)[:-1])
            try:
                h = enc(
                    input_ids=input_ids,
                    attention_mask=attention_mask,
                    token_type_ids=torch.zeros_like(input_ids),
                )[0]
            finally:
                enc.encoder.layer = layers
            pos = torch.arange(h.size(1))
            m = attention_mask.to(h.dtype)
            mean = m / m.sum(1, keepdim=True).clamp(min=1.0)
            src = (pos[None, :] == src_pos[:, None]).to(h.dtype)
            tgt = (pos[None, :] == tgt_pos[:, None]).to(h.dtype)
            if kind == "mean":
                # (batch, 3, hidden) flattened: [mean; source state; target state].
                w = torch.stack([mean, src, tgt], 1)
                return self.model.head(torch.matmul(w, h).flatten(1))
            last = layers[-1]
            if kind == "rows":
                # [mean of the layer below; [CLS]; source; target] of the last layer.
                cls = (pos[None, :] == 0).to(h.dtype).expand_as(src)
                rows = torch.matmul(torch.stack([cls, src, tgt], 1), h)
                pooled = torch.matmul(mean[:, None, :], h)
                out = _feed_forward(last, _attention(last, h, attention_mask, rows))
            else:
                # [mean of the last attention output; source; target] of the last layer.
                a = _attention(last, h, attention_mask, h)
                pooled = torch.matmul(mean[:, None, :], a)
                out = _feed_forward(last, torch.matmul(torch.stack([src, tgt], 1), a))
            return self.model.head(torch.cat([pooled, out], 1).flatten(1))

    return Export().eval()


def _attention(layer: Any, h: Any, attention_mask: Any, x: Any) -> Any:
    """BERT ``layer``'s attention block (eval mode) at the rows ``x`` (batch, rows, hidden)
    taken from ``h`` (batch, seq, hidden): queries from ``x``, keys and values from all of
    ``h``, then the output projection and layer norm with ``x`` as the skip connection."""
    import math

    import torch

    sa = layer.attention.self
    batch, _, hidden = h.shape
    heads = int(sa.num_attention_heads)
    size = hidden // heads

    def split(t: torch.Tensor) -> torch.Tensor:  # (batch, n, hidden) -> (batch, heads, n, size)
        return t.view(batch, -1, heads, size).transpose(1, 2)

    q, k, v = split(sa.query(x)), split(sa.key(h)), split(sa.value(h))
    masked = additive_mask(attention_mask, h.dtype)
    p = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(size) + masked, dim=-1)
    ctx = torch.matmul(p, v).transpose(1, 2).reshape(batch, -1, hidden)
    return layer.attention.output.LayerNorm(layer.attention.output.dense(ctx) + x)


def _feed_forward(layer: Any, a: Any) -> Any:
    """BERT ``layer``'s feed-forward block (eval mode) on its attention output ``a``: where a
    layer spends most of its time, so run only on the rows a head reads."""
    return layer.output.LayerNorm(layer.output.dense(layer.intermediate(a)) + a)


def export_fp32(model: Any, path: Path) -> None:
    """torch.onnx export of ``model`` (eval mode) to ``path``, fp32, dynamic batch and length."""
    import torch

    # Eager attention exports to plain ONNX ops that the fusion below recognises.
    model.encoder.set_attn_implementation("eager")
    ids = torch.ones(2, 12, dtype=torch.int64)
    mask = torch.ones(2, 12, dtype=torch.int64)
    pos = torch.tensor([1, 3], dtype=torch.int64)
    lean = _for_export(model)
    with torch.inference_mode():
        for feed in check_inputs(int(model.encoder.config.vocab_size)):
            args = [torch.from_numpy(feed[k]) for k in EXPORT_INPUTS]
            diff = float((model(*args) - lean(*args)).abs().max())
            if diff > 1e-4:
                raise RuntimeError(f"the export form differs from the model: max |diff| {diff}")
    try:
        torch.onnx.export(
            lean,
            (ids, mask, pos, pos),
            str(path),
            input_names=list(EXPORT_INPUTS),
            output_names=["logits"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "seq"},
                "attention_mask": {0: "batch", 1: "seq"},
                "src_pos": {0: "batch"},
                "tgt_pos": {0: "batch"},
                "logits": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
    finally:
        model.encoder.set_attn_implementation("sdpa")
    import onnx

    # The head, for the fusion to know how many layers' attention it must find.
    exported = onnx.load(str(path))
    onnx.helper.set_model_props(exported, {HEAD_PROP: model.head_kind})
    onnx.save(exported, str(path))


def export(
    model: Any,
    out: Path,
    *,
    base_dir: Path,
    cfg: TrainConfig,
    quantize: bool,
    keep_fp32: Path | None = None,
) -> dict[str, Any]:
    """Write model.onnx (fused + int8 as ``cfg`` says), tokenizer.json, labels.json,
    config.json into ``out``; with ``keep_fp32``, the plain fp32 export is kept there."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as td:
        fp32 = keep_fp32 if keep_fp32 is not None else Path(td) / "model_fp32.onnx"
        export_fp32(model, fp32)
        to_onnx(
            fp32,
            out / "model.onnx",
            fuse=cfg.fuse,
            quantize=quantize,
            per_channel=cfg.quant_per_channel,
            reduce_range=cfg.quant_reduce_range,
            **encoder_shape(model),
        )
        fp32_size = fp32.stat().st_size
    shutil.copyfile(base_dir / "tokenizer.json", out / "tokenizer.json")
    (out / "labels.json").write_text(json.dumps(list(LABELS), indent=1) + "\n", encoding="utf-8")
    config = {
        "format": 1,
        "base_model": BASE_MODEL,
        "max_len": cfg.max_len,
        "markers": Markers().to_config(),
        "head": HEADS[cfg.head],
        "inputs": list(EXPORT_INPUTS),
        "absent_marker_position": 0,
        "quantized": (
            quantized_name(
                fuse=cfg.fuse,
                per_channel=cfg.quant_per_channel,
                reduce_range=cfg.quant_reduce_range,
            )
            if quantize
            else "fp32" + (" (fused attention)" if cfg.fuse else "")
        ),
        "yield_types": ["CONCEDE", "RETREAT"],
        "train": {k: getattr(cfg, k) for k in cfg.__dataclass_fields__},
    }
    (out / "config.json").write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    return {"fp32_bytes": fp32_size, "onnx_bytes": (out / "model.onnx").stat().st_size}
