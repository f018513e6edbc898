"""The classifier's training data: PLV train, the extra sources (NGEC synthetic stories,
PLOVER GSR records, ConfliBERT's quad-labelled sentences, news inputs for distillation, an
analyst's corrections) and the CV folds shared with benchmarks/coder_bench.py."""

from __future__ import annotations

import csv
import json
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from eventwire.coder.classifier import ClassifierInput, EventClassifier
from eventwire.newsgold import GoldSentence

# PLV's labels: the 16 PLOVER types with CONCEDE and RETREAT merged as YIELD.
LABELS: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "YIELD", "COOPERATE", "AID",
    "REQUEST", "ACCUSE", "REJECT", "THREATEN", "SANCTION",
    "PROTEST", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip
# The synthetic stories' (and old PLOVER's) types onto PLV's labels.
LABEL_MAP = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}


@dataclass(frozen=True)
class Example:
    item: ClassifierInput
    label: int
    group: str  # sentences with the same text share a group and a CV fold
    synthetic: bool = False


def log(msg: str) -> None:
    # A training run's progress on stdout: this package is the training CLI's, not the library.
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
                    norm_text(text),
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
    pipe = Pipeline(replace(cfg, pipeline=replace(cfg.pipeline, coder="coder.plover.v1")))
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


def correction_examples(sentences: Sequence[GoldSentence]) -> list[Example]:
    """An analyst's corrected sentences (``eventwire.store.corrections.read_corrections``) as
    classifier examples: one per event whose type maps onto LABELS, its source and target
    marked where their text is found in the sentence, as PLV's are.

    A reciprocal event (both sides act: "X and Y agreed") is also an example the other way
    round, so that the type does not depend on which side the coder marks as the source. A
    sentence without events adds nothing: the classifier has no label for "no event" (the
    detector learns that from the same corrections).
    """
    out: list[Example] = []
    for s in sentences:
        for g in s.events:
            label = LABEL_MAP.get(g.type, g.type)
            if label not in LABELS:
                continue
            src, tgt = find_span(s.text, g.source), find_span(s.text, g.target)
            pairs = [(src, tgt)] + ([(tgt, src)] if g.reciprocal and tgt is not None else [])
            out += [
                Example(ClassifierInput(s.text, a, b), LABELS.index(label), norm_text(s.text))
                for a, b in pairs
            ]
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


# The seed of the CV split, shared with benchmarks/coder_bench.py.
FOLD_SEED = 13


def plv_folds(
    texts: Sequence[str], labels: Sequence[str], *, k: int = 5, seed: int = FOLD_SEED
) -> list[int]:
    """The fold (0-based) of each PLV row: StratifiedGroupKFold (shuffled, ``seed``),
    stratified by the label string and grouped by sentence text.

    The one split shared by the CV (cv.py) and benchmarks/coder_bench.py, so that a fold's
    model never saw the sentences the bench codes with it. Rows whose texts differ only in
    case or whitespace share a group; a group is keyed by the raw text of its first row, which
    keeps the folds the rule coder's lexicon was tuned against (folds 1-4, fold 5 held out)
    exactly as they were, because the splitter's shuffle depends on the sorted group keys.
    Labels must be strings for the same reason: the splitter encodes them in sorted order.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    first: dict[str, str] = {}
    groups = [first.setdefault(norm_text(t), t.strip()) for t in texts]
    out = [0] * len(texts)
    split = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    for f, (_, ev) in enumerate(split.split(np.zeros(len(texts)), list(labels), groups)):
        for i in ev:
            out[i] = f
    return out
