"""The news event model of coder.plover.v5 (``models/news-detector``): the event-type
classifier taught that most candidate (source, target) pairs in news report no event.

It is the shipped classifier (``models/plover-minilm``) with a sixteenth label, ``NONE``,
fine-tuned on:

- every candidate pair v5 finds in the news gold's training split, labelled with the type of
  the gold event whose source country it names (or ``NONE``);
- PLV's training sentences (each an event, its actors marked), so that typing is not
  forgotten.

It starts from the shipped classifier's weights (read back from its int8 file), keeps the
base's bottom three layers frozen as that model does, and is exported in the classifier's
format (fused int8 ONNX), so :class:`eventwire.coder.classifier.EventClassifier` loads it.
Used by ``training/train_detector.py``; torch is needed (``make train`` installs it).
"""

from __future__ import annotations

import json
import random
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eventwire.coder.classifier import DEFAULT_MODEL_DIR as TEACHER
from eventwire.coder.classifier import ClassifierInput, Markers, encode, load_tokenizer
from eventwire.coder.detection import pair_input
from eventwire.newsgold import GoldSentence
from training.classifier.data import LABELS, find_span
from training.classifier.export import export
from training.classifier.model import (
    TrainConfig,
    additive_mask,
    base_model_dir,
    build_model,
    init_from_teacher,
)

NONE = "NONE"
NEWS_LABELS: tuple[str, ...] = (*LABELS, NONE)
_TO_LABEL = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}


@dataclass(frozen=True)
class NewsExample:
    item: ClassifierInput
    label: int
    group: str  # the article: folds never split one


@dataclass(frozen=True)
class Recipe:
    epochs: int = 2
    # The two fold models only score the other half of the train split for the detector's
    # fitting: one epoch each keeps `make train` within minutes on two cores.
    fold_epochs: int = 1
    # PLV sentences drawn (seeded) into each run: enough to keep typing, few enough that the
    # news candidates dominate.
    plv: int = 400
    batch_size: int = 16
    lr: float = 5e-5
    head_lr: float = 1e-3
    frozen_layers: int = 3
    max_len: int = 128
    seed: int = 13


def label_index(event_type: str | None) -> int:
    if event_type is None:
        return NEWS_LABELS.index(NONE)
    return NEWS_LABELS.index(_TO_LABEL.get(event_type, event_type))


def candidate_examples(
    scored: Mapping[str, tuple[Any, Sequence[Sequence[tuple[Any, Mapping[str, float]]]]]],
    gold: Mapping[str, GoldSentence],
) -> list[NewsExample]:
    """One example per distinct (source, target) pair of each sentence's candidates: the type
    of the gold event whose source country one of the candidate's readings names (the one
    whose target matches too, where two do), else NONE."""
    out: list[NewsExample] = []
    for sid, (article, found) in scored.items():
        s = gold[sid]
        by_pair: dict[ClassifierInput, int] = {}
        for options in found:
            if not options:
                continue
            ev = options[0][0].event
            text = ev.evidence.sentence
            item = pair_input(ev, text)
            codes = {c.event.actor[0].code for c, _ in options if c.event.actor}
            tcode = ev.recipient[0].code if ev.recipient else None
            match = [g for g in s.events if g.source_code in codes or (
                g.reciprocal and g.target_code in codes)]  # fmt: skip
            match.sort(key=lambda g: g.target_code != tcode)
            y = label_index(match[0].type if match else None)
            if by_pair.get(item, label_index(None)) == label_index(None):
                by_pair[item] = y
        out += [NewsExample(item, y, article.id) for item, y in by_pair.items()]
    return out


def plv_examples(path: Path) -> list[NewsExample]:
    import csv

    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text = row["text"]
            item = ClassifierInput(
                text, find_span(text, row["source"]), find_span(text, row["target"])
            )
            out.append(NewsExample(item, label_index(row["label"]), f"plv{row['sentence_id']}"))
    return out


def _tensors(tok: Any, items: Sequence[ClassifierInput], max_len: int) -> tuple[Any, ...]:
    import torch

    enc = encode(tok, items, markers=Markers(), max_len=max_len)
    return tuple(
        torch.from_numpy(a) for a in (enc.input_ids, enc.attention_mask, enc.src_pos, enc.tgt_pos)
    )


def fit(examples: Sequence[NewsExample], recipe: Recipe, log: Callable[[str], None] = print) -> Any:
    """The fine-tuned torch model (starting from the shipped classifier)."""
    import torch

    torch.manual_seed(recipe.seed)
    rng = random.Random(recipe.seed)
    base = base_model_dir()
    model = build_model(base, len(LABELS), layers=6, head="mean")
    init_from_teacher(model, TEACHER, list(range(6)), base_dir=base)
    old = model.head
    model.head = torch.nn.Linear(old.in_features, len(NEWS_LABELS))
    with torch.no_grad():
        model.head.weight.zero_()
        model.head.weight[: len(LABELS)] = old.weight
        model.head.bias.zero_()
        model.head.bias[: len(LABELS)] = old.bias
    for p in model.encoder.embeddings.parameters():
        p.requires_grad = False
    for layer in model.encoder.encoder.layer[: recipe.frozen_layers]:
        for p in layer.parameters():
            p.requires_grad = False
    enc_params = [p for p in model.encoder.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(
        [
            {"params": enc_params, "lr": recipe.lr},
            {"params": model.head.parameters(), "lr": recipe.head_lr},
        ],
        weight_decay=0.01,
    )  # fmt: skip
    tok = load_tokenizer(TEACHER / "tokenizer.json", max_len=recipe.max_len)
    loss_fn = torch.nn.CrossEntropyLoss()
    order = list(range(len(examples)))
    for epoch in range(recipe.epochs):
        model.train()
        rng.shuffle(order)
        # Similar lengths in a batch: less padding.
        chunks = [order[i : i + 256] for i in range(0, len(order), 256)]
        batches = []
        for chunk in chunks:
            chunk.sort(key=lambda i: len(examples[i].item.text))
            batches += [
                chunk[i : i + recipe.batch_size] for i in range(0, len(chunk), recipe.batch_size)
            ]
        rng.shuffle(batches)
        t0, total = time.time(), 0.0
        for b in batches:
            ids, mask, src, tgt = _tensors(tok, [examples[i].item for i in b], recipe.max_len)
            y = torch.tensor([examples[i].label for i in b])
            with torch.no_grad():
                h = model.encoder.embeddings(input_ids=ids)
                ext = additive_mask(mask, h.dtype)
                for layer in model.encoder.encoder.layer[: recipe.frozen_layers]:
                    out = layer(h, attention_mask=ext)
                    h = out[0] if isinstance(out, tuple) else out
            logits = model.upper(h, mask, src, tgt, first_layer=recipe.frozen_layers)
            loss = loss_fn(logits, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(b)
        log(f"epoch {epoch + 1}: loss {total / len(order):.4f} ({time.time() - t0:.0f} s)")
    model.eval()
    return model


def predict(model: Any, items: Sequence[ClassifierInput], max_len: int = 128) -> np.ndarray:
    """Probabilities over :data:`NEWS_LABELS` from the torch model."""
    import torch

    tok = load_tokenizer(TEACHER / "tokenizer.json", max_len=max_len)
    out = np.zeros((len(items), len(NEWS_LABELS)), dtype=np.float32)
    order = sorted(range(len(items)), key=lambda i: len(items[i].text))
    with torch.inference_mode():
        for k in range(0, len(order), 64):
            idx = order[k : k + 64]
            logits = model(*_tensors(tok, [items[i] for i in idx], max_len))
            out[idx] = torch.softmax(logits, -1).numpy()
    return out


def save(model: Any, out: Path, info: Mapping[str, Any]) -> None:
    """Write the model in the classifier's format (fused int8 ONNX), with a model card."""
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    export(model, tmp, base_dir=base_model_dir(), cfg=TrainConfig(), quantize=True)
    (tmp / "labels.json").write_text(
        json.dumps(list(NEWS_LABELS), indent=1) + "\n", encoding="utf-8"
    )
    cfg = json.loads((tmp / "config.json").read_text(encoding="utf-8"))
    cfg["task"] = "news event detection: the event type of a candidate pair, or NONE"
    cfg["train"] = dict(info)
    (tmp / "config.json").write_text(json.dumps(cfg, indent=1) + "\n", encoding="utf-8")
    (tmp / "MODEL_CARD.md").write_text(model_card(info), encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)


def model_card(info: Mapping[str, Any]) -> str:
    rows = "\n".join(f"| {k} | {json.dumps(v)} |" for k, v in info.items())
    return f"""# news-detector: the news event model of coder.plover.v5

**What it does.** Given a news sentence with a candidate source (marked `@ ... @`) and target
(`# ... #`), it gives the probability of each PLOVER type (CONCEDE and RETREAT as YIELD) and
of `NONE`: the pair reports no event. coder.plover.v5's detector (`eventwire/coder/
detector.json`) reads these with the candidate's other features to keep, retype or drop it.

**How it was made.** `training/train_detector.py` (run by `make train`): the shipped
classifier `models/plover-minilm` (all-MiniLM-L6-v2 fine-tuned on PLV), with a `NONE` row
added to its head, fine-tuned on the candidate pairs that v5 finds in the news gold's train
split (`data/news_gold`, labels by reading, see docs/ANNOTATION.md) and on PLV's training
sentences; layers 0-2 frozen. Exported as fused int8 ONNX (dynamic quantisation, 7-bit
per-channel weights), as the classifier is.

**Data it never saw.** The news gold's dev split chooses the detector's threshold; its test
split gives the figures in docs/BENCHMARKS.md.

**Limits.** About 1,700 annotated news sentences (annotated by model instances, checked for
agreement: data/news_gold/AGREEMENT.md), mostly English wire and broadcaster copy of early
2017. It sees the sentence only: whether a speaker's country or an implied actor is right is
left to the detector's other features.

| training | value |
|---|---|
{rows}
"""
