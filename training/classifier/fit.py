"""Training: the frozen lower layers run once over every input and cached, a teacher's
probabilities added for distillation, and the loop that fine-tunes the top layers and the
head on PLV train and the extra sources."""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from eventwire.coder.classifier import (
    ClassifierInput,
    EventClassifier,
    Markers,
    encode,
    load_tokenizer,
)
from training.classifier.data import LABELS, Example, log
from training.classifier.model import TrainConfig, additive_mask, build_model, init_from_teacher


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
            ext = additive_mask(mask, h.dtype)
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
    corrections: list[Cached] = field(default_factory=list)  # marked, hard labels
    corrections_unmarked: list[Cached] = field(default_factory=list)


def build_caches(
    plv: list[Example],
    synthetic: list[Example],
    cfg: TrainConfig,
    *,
    base_dir: Path,
    gsr: Sequence[Example] = (),
    conflibert: Sequence[tuple[Example, tuple[int, ...]]] = (),
    transfer: Sequence[Example] = (),
    corrections: Sequence[Example] = (),
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
        run(list(corrections), markers=True, max_len=cfg.max_len),
        run(list(corrections), markers=False, max_len=cfg.max_len)
        if corrections and cfg.marker_dropout > 0
        else [],
    )
    log(
        f"cached frozen layers 0-{cfg.frozen_layers - 1} for {len(plv)} PLV sentences (x2), "
        f"{len(pool)} synthetic stories, {len(gsr_ex)} GSR records, {len(cb)} ConfliBERT "
        f"sentences and {len(corrections)} corrected events in {time.time() - t0:.0f} s"
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


def _marker_dropout(
    marked: Sequence[Cached],
    unmarked: Sequence[Cached],
    idx: Iterable[int],
    rng: random.Random,
    p: float,
) -> list[Cached]:
    """Items ``idx`` of ``marked``, each swapped with probability ``p`` for its ``unmarked``
    twin (none when ``unmarked`` is empty: then ``rng`` is not drawn from)."""
    return [unmarked[i] if unmarked and rng.random() < p else marked[i] for i in idx]


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
    n_real = len(train_idx) + len(caches.gsr) + len(caches.corrections) * cfg.corrections_repeat
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
        drop = cfg.marker_dropout
        real = _marker_dropout(caches.marked, caches.unmarked, train_idx, rng, drop)
        real += _marker_dropout(caches.gsr, caches.gsr_unmarked, range(len(caches.gsr)), rng, drop)
        repeated = list(range(len(caches.corrections))) * cfg.corrections_repeat
        real += _marker_dropout(
            caches.corrections, caches.corrections_unmarked, repeated, rng, drop
        )
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


def predict_cached(model: Any, cached: Sequence[Cached], *, cfg: TrainConfig) -> list[int]:
    import torch

    preds: list[int] = []
    with torch.inference_mode():
        for b in range(0, len(cached), 64):
            h, m, sp, tp = _pad(cached[b : b + 64])
            preds += model.upper(h, m, sp, tp, first_layer=cfg.frozen_layers).argmax(1).tolist()
    return preds
