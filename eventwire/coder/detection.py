"""The news detector of coder.plover.v5: the features of a candidate event and the model that
scores them.

The detector is three logistic regressions over sparse features of the candidate (its type,
trigger word and the word before it, the parties' sectors, how far its stated date lies from
publication, where it came from, the classifier's probability of the type with the
candidate's actors marked, the outlet, how the trigger and the parties sit in the parse): one
says whether the candidate is an event the sentence reports; the second, given that, whether
it is a background reference; the third, given that, whether its target is the event's.

The other words of the sentence are not features. Over the train and dev splits, five-fold
cross-validated by article, they added nothing (type + source F1 0.239 with them, 0.242
without, L2 10 at 0.15), and what they learnt was the corpora's topics ("korea", "sunday",
"abbas"): fitted on one corpus and scored on the other, the detector without them read
KCNA better (type + source F1 0.134 -> 0.152, detection 0.354 -> 0.437) and NewsArticles
2017 as well (0.192 -> 0.194).

None reads the candidate's polarity or modality (nor the trigger's negation and auxiliary
words in the parse): the detector judges whether the sentence speaks of the event at all, and
the polarity rules (:mod:`eventwire.coder.polarity`) flag what is negated, future or
hypothetical, which the news stream does not count. With those features it learnt that modal
news sentences are seldom annotated and dropped "Venezuela will arrest the journalists"
outright (train-only fits: dev type + source F1 0.237 with them, 0.243 without; 43 and 45 of
the polarity suite's 65 cases).

What the sentence as a whole says is read by a frozen sentence encoder
(:mod:`eventwire.coder.encoder`) and linear heads over its embedding, fitted on the news gold:
one for "the sentence speaks of an event" (new, a reference, negated or planned), one per
event type for "... an event of this type". Each candidate gets the first head's logit and its
own type's (:func:`sentence_features`).
Unlike the sentence's words, the embedding carries what the sentence means rather than its
topic's names; five-fold by article, type + source F1 rose from 0.243 to 0.272 with heads
fitted on new events alone (the per-type heads gave most of it; 0.269 as fitted now), and a
detector fitted on NewsArticles 2017 read KCNA at 0.230 against 0.126 (0.225 now;
docs/BENCHMARKS.md). The heads carry no intercept (training/sentence_heads.py).

Weights are in ``detector.json`` beside this module; ``training/train_detector.py`` fits
all three with :func:`fit_logistic` (``make train``). The coder that asks it is
:class:`~eventwire.coder.detector.DetectedCoder`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np

from eventwire.coder.candidates import Candidate
from eventwire.coder.classifier import ClassifierInput
from eventwire.errors import ModelError
from eventwire.model import Article, Event
from eventwire.nlp import doc_text

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "DEFAULT_DETECTOR",
    "EVENT_HEAD",
    "Detector",
    "candidate_features",
    "fit_logistic",
    "is_target_variant",
    "sentence_features",
    "pair_input",
    "syntax_features",
    "target_route_features",
    "with_sentence_features",
]

# The shipped weights: eventwire/coder/detector.json, beside this module.
DEFAULT_DETECTOR: Final = Path(__file__).with_name("detector.json")

# The sentence head for "speaks of an event" (the others are named by event type).
EVENT_HEAD: Final = "event"

_WORD: Final = re.compile(r"[a-z][a-z'-]+")


def _span(text: str, mention: str) -> tuple[int, int] | None:
    if not mention:
        return None
    i = text.find(mention)
    return (i, i + len(mention)) if i >= 0 else None


def pair_input(ev: Event, text: str) -> ClassifierInput:
    """The classifier's input for a candidate: its sentence with source and target marked."""
    return ClassifierInput(
        text,
        _span(text, ev.actor[0].text if ev.actor else ""),
        _span(text, ev.recipient[0].text if ev.recipient else ""),
    )


def _bucket(x: float, edges: Sequence[float]) -> int:
    return sum(x >= e for e in edges)


def candidate_features(
    cand: Candidate, sentence: str, sentence_index: int, article: Article
) -> dict[str, float]:
    """The sparse features of one candidate (name -> value)."""
    ev = cand.event
    t = cand.event_type
    trig = ev.evidence.trigger.lower()
    f: dict[str, float] = {"bias": 1.0, f"type={t}": 1.0, f"trig={trig}": 1.0}
    f[f"type|trig={t}|{trig}"] = 1.0
    f["typeprob"] = cand.type_prob
    f[f"type|typeprob={t}"] = cand.type_prob
    f[f"top={cand.top_type}"] = 1.0
    f["agree" if cand.top_type == t else "disagree"] = 1.0
    f[f"same_as_coder={t == ev.event_type}"] = 1.0
    f[f"conf={_bucket(ev.confidence, (0.3, 0.5, 0.7, 0.9))}"] = 1.0
    src = ev.actor[0] if ev.actor else None
    tgt = ev.recipient[0] if ev.recipient else None
    f[f"src_sector={src.sector if src else 'none'}"] = 1.0
    f[f"src_code={'yes' if src and src.code else 'no'}"] = 1.0
    f[f"tgt={'code' if tgt and tgt.code else 'text' if tgt else 'none'}"] = 1.0
    f[f"type|tgt={t}|{'yes' if tgt else 'no'}"] = 1.0
    if src and tgt and src.code and src.code == tgt.code:
        f["same_country"] = 1.0
    f[f"speaker={'yes' if ev.speaker else 'no'}"] = 1.0
    f[f"date_res={ev.date_resolution}"] = 1.0
    if ev.date and article.published:
        gap = (article.published - ev.date).days
        f[f"gap={_bucket(gap, (-1, 2, 8, 32, 366))}"] = 1.0
    f[f"pos={min(sentence_index, 3)}"] = 1.0
    f[f"len={_bucket(len(sentence), (60, 120, 200, 300))}"] = 1.0
    if article.outlet:
        f[f"outlet={article.outlet}"] = 1.0
    i = ev.evidence.trigger_start - ev.evidence.start
    before = _WORD.findall(sentence[max(0, i - 30) : max(0, i)].lower())
    if before:
        f[f"prev={before[-1]}"] = 1.0
    if re.search(r"\b(1[89]\d\d|20[01]\d)\b", sentence):
        f["year_in_sentence"] = 1.0
    return f


def sentence_features(scores: Mapping[str, float], event_type: str) -> dict[str, float]:
    """A candidate's view of the sentence heads' logits (:meth:`Detector.sentence_scores`):
    whether the sentence speaks of an event, and of one of the candidate's type. A type too
    rare in the gold to have a head says so."""
    if not scores:
        return {}
    own = scores.get(event_type)
    f = {"sent": scores[EVENT_HEAD]}
    f |= {"sent_type": own} if own is not None else {"sent_type=none": 1.0}
    return f


def with_sentence_features(
    scored: Sequence[Sequence[tuple[Candidate, dict[str, float]]]],
    scores_of: Callable[[str], Mapping[str, float]],
) -> list[list[tuple[Candidate, dict[str, float]]]]:
    """Each typed reading with the :func:`sentence_features` of the sentence it was read in
    (its evidence): ``scores_of`` gives a sentence's head logits, asked once per sentence."""
    seen: dict[str, Mapping[str, float]] = {}

    def read(text: str) -> Mapping[str, float]:
        if text not in seen:
            seen[text] = scores_of(text)
        return seen[text]

    return [
        [(c, f | sentence_features(read(c.event.evidence.sentence), c.event_type)) for c, f in opts]
        for opts in scored
    ]


def target_route_features(event_type: str, route: str) -> dict[str, float]:
    """The features of a candidate whose target's country was imputed (its routes: "source",
    "place", "article"): only the target scorer is fitted on them."""
    return {f"timp={route}": 1.0, f"type|timp={event_type}|{route}": 1.0}


def is_target_variant(feats: Mapping[str, float]) -> bool:
    """Whether these are the features of a candidate whose target's country was imputed."""
    return any(k.startswith("timp=") for k in feats)


def _root(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand") if 0 <= start < end else None
    return span.root if span is not None and len(span) else None


def _path(a: Token, b: Token) -> int:
    """Dependency arcs from ``a`` up to ``b`` (9 where ``b`` does not govern ``a``)."""
    for n, anc in enumerate(a.ancestors, start=1):
        if anc.i == b.i:
            return n
    return 9


def syntax_features(doc: Doc, ev: Event) -> dict[str, float]:
    """How the candidate sits in the sentence's parse: the trigger's role and tag, and how its
    source and target attach to it. Grammatical, not lexical: what tells "Kenya sent aid to
    Somalia" from "a report on the aid it sent"."""
    text = doc_text(doc)
    off = ev.evidence.trigger_start - ev.evidence.start
    trig = (
        _root(doc, off, off + len(ev.evidence.trigger))
        if text[off:].startswith(ev.evidence.trigger)
        else None
    )
    if trig is None:
        return {"syn=none": 1.0}
    f: dict[str, float] = {f"tdep={trig.dep_}": 1.0, f"ttag={trig.tag_}": 1.0}
    f[f"tdep|tag={trig.dep_}|{trig.tag_}"] = 1.0
    f[f"tdepth={min(sum(1 for _ in trig.ancestors), 3)}"] = 1.0
    if trig.dep_ != "ROOT":
        f[f"thead={trig.head.dep_}|{trig.head.pos_}"] = 1.0
    for role, ent in (("src", ev.actor[0] if ev.actor else None),
                      ("tgt", ev.recipient[0] if ev.recipient else None)):  # fmt: skip
        if ent is None:
            continue
        i = text.find(ent.text) if ent.text else -1
        tok = _root(doc, i, i + len(ent.text)) if i >= 0 else None
        if tok is None:
            f[f"{role}=unparsed"] = 1.0
            continue
        f[f"{role}dep={tok.dep_}"] = 1.0
        arcs = _path(tok, trig)
        f[f"{role}path={min(arcs, 4) if arcs < 9 else 'no'}"] = 1.0
        f[f"{role}side={'before' if tok.i < trig.i else 'after'}"] = 1.0
        if arcs == 1:
            f[f"{role}arg={tok.dep_}"] = 1.0
    return f


class Detector:
    """Three linear scorers over candidate features: the candidate is an event the sentence
    reports (``event``); given that, a background reference (``reference``); and given that,
    whether its target is the event's (``target``: the gold target's country, or none where
    the gold names none), which picks among the candidates that read one event with
    different targets. A detector fitted before the target scorer has none (every target
    scores alike).

    ``sentence`` holds the sentence heads (name -> bias then one weight per embedding
    dimension, see :func:`sentence_features`); a detector fitted without them has none, and
    its candidates carry no sentence features."""

    def __init__(
        self,
        event: Mapping[str, float],
        reference: Mapping[str, float],
        *,
        target: Mapping[str, float] | None = None,
        sentence: Mapping[str, Sequence[float]] | None = None,
        threshold: float = 0.5,
        reference_threshold: float = 0.5,
        info: Mapping[str, object] | None = None,
    ) -> None:
        self.event = dict(event)
        self.reference = dict(reference)
        self.target = dict(target or {})
        self.sentence = sentence or {}
        self.threshold = threshold
        self.reference_threshold = reference_threshold
        self.info = dict(info or {})

    @staticmethod
    def _prob(weights: Mapping[str, float], feats: Mapping[str, float]) -> float:
        z = sum(weights.get(k, 0.0) * v for k, v in feats.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def event_prob(self, feats: Mapping[str, float]) -> float:
        return self._prob(self.event, feats)

    def reference_prob(self, feats: Mapping[str, float]) -> float:
        return self._prob(self.reference, feats)

    def target_prob(self, feats: Mapping[str, float]) -> float:
        return self._prob(self.target, feats)

    @property
    def sentence(self) -> dict[str, list[float]]:
        return self._sentence

    @sentence.setter
    def sentence(self, heads: Mapping[str, Sequence[float]]) -> None:
        """New heads (training fits them after the scorers), read as one matrix."""
        self._sentence = {k: list(v) for k, v in heads.items()}
        names = sorted(self._sentence)
        self._heads = (names, np.asarray([self._sentence[k] for k in names], np.float64))

    def sentence_scores(self, embedding: np.ndarray) -> dict[str, float]:
        """Each sentence head's logit for one sentence embedding (none without heads)."""
        if not self._sentence:
            return {}
        names, w = self._heads
        z = w[:, 0] + w[:, 1:] @ np.asarray(embedding, np.float64)
        return {k: round(float(v), 4) for k, v in zip(names, z, strict=True)}

    @classmethod
    def load(cls, path: Path | None = None) -> Detector:
        where = path or DEFAULT_DETECTOR
        try:
            data = json.loads(where.read_text(encoding="utf-8"))
            return cls(
                data["event"],
                data["reference"],
                target=data.get("target", {}),
                sentence=data.get("sentence", {}),
                threshold=float(data["threshold"]),
                reference_threshold=float(data["reference_threshold"]),
                info=data.get("info", {}),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(
                f"Could not read the news detector {where}: {exc}",
                cause="the file is missing or is not one training/train_detector.py wrote",
                fix="point [pipeline] detector at a directory that `make retrain` wrote, "
                "or leave it empty for the shipped detector",
            ) from exc

    def save(self, path: Path) -> None:
        data = {
            "info": self.info,
            "threshold": self.threshold,
            "reference_threshold": self.reference_threshold,
            "event": dict(sorted(self.event.items())),
            "reference": dict(sorted(self.reference.items())),
            "target": dict(sorted(self.target.items())),
        }
        text = json.dumps(data, indent=1)
        # One line per sentence head: 385 numbers each, unreadable one per line.
        heads = ",\n".join(
            f"  {json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(self.sentence.items())
        )
        text = text[: text.rindex("}")].rstrip() + ',\n "sentence": {\n' + heads + "\n }\n}"
        path.write_text(text + "\n", encoding="utf-8")


def fit_logistic(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[bool],
    *,
    l2: float = 1.0,
    steps: int = 300,
    lr: float = 0.1,
    min_count: int = 2,
    weights: Sequence[float] | None = None,
) -> dict[str, float]:
    """A binary logistic regression by full-batch Adam (deterministic). Features seen in
    fewer than ``min_count`` rows are dropped."""
    counts: dict[str, int] = {}
    for f in rows:
        for k in f:
            counts[k] = counts.get(k, 0) + 1
    names = sorted(k for k, n in counts.items() if n >= min_count or k == "bias")
    index = {k: i for i, k in enumerate(names)}
    x = np.zeros((len(rows), len(names)), dtype=np.float64)
    for r, f in enumerate(rows):
        for k, v in f.items():
            j = index.get(k)
            if j is not None:
                x[r, j] = v
    y = np.asarray(labels, dtype=np.float64)
    sw = np.asarray(weights if weights is not None else [1.0] * len(rows), dtype=np.float64)
    w = np.zeros(len(names))
    m = np.zeros_like(w)
    v2 = np.zeros_like(w)
    n = max(1.0, float(sw.sum()))
    for step in range(1, steps + 1):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ ((p - y) * sw) / n + l2 * w / n
        m = 0.9 * m + 0.1 * grad
        v2 = 0.999 * v2 + 0.001 * grad * grad
        w -= lr * (m / (1 - 0.9**step)) / (np.sqrt(v2 / (1 - 0.999**step)) + 1e-8)
    return {k: round(float(w[i]), 5) for k, i in index.items() if abs(w[i]) >= 1e-5}
