"""coder.plover.v5: a detector learnt from annotated news decides which candidate events a
sentence reports.

On a news stream most sentences report no political event, even where they carry an event
word ("a report on the Paris attacks", "he attacked the referee's decision"). v4 reads every
trigger word it finds as an event; this coder takes v4's events as *candidates* and lets a
detector, fitted on the news gold's training split (``data/news_gold``), decide for each:

- whether it is an event the sentence reports (NONE is a real outcome), with the type that v4
  gave it or the one the classifier prefers for its actors, whichever the detector scores
  higher;
- whether it is new or a background reference (stored with modality ``historical``).

The detector is two logistic regressions over sparse features of the candidate (its type,
trigger word, the words of the sentence, the parties' sectors, polarity, modality, how far
its stated date lies from publication, the classifier's probability of the type with the
candidate's actors marked, the outlet); weights in ``detector.json``, fitted by
``training/train_detector.py`` with numpy alone.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np

from eventwire.coder.classifier import YIELD_TYPES, ClassifierInput, EventClassifier
from eventwire.coder.context import ArticleMemory
from eventwire.coder.pairs import PairRanker
from eventwire.coder.ranked import RankedCoder, _clip, _governing_trigger, _key, checked
from eventwire.coder.rules import ActorLookup, PlaceLookup, event_id
from eventwire.model import Article, Event
from eventwire.nlp import Sentence, doc_text
from eventwire.ontology.plover import cameo_root, intensity, quad

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "DEFAULT_DETECTOR",
    "VERSION",
    "Candidate",
    "DetectedCoder",
    "Detector",
    "candidate_features",
    "fit_logistic",
]

VERSION: Final = "coder.plover.v5"
DEFAULT_DETECTOR: Final = Path(__file__).with_name("detector.json")
# The ranker's best pairs that become candidates, and the least pair probability.
TOP_PAIRS: Final = 3
MIN_PAIR: Final = 0.05

_WORD: Final = re.compile(r"[a-z][a-z'-]+")
_STOP: Final = frozenset(
    "the a an of to in on and or for with at by from as is was were be been are it its this "
    "that which who whom has have had but not".split()
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate event with the type under test and the classifier's view of its actors."""

    event: Event
    event_type: str
    type_prob: float
    top_type: str


def _span(text: str, mention: str) -> tuple[int, int] | None:
    if not mention:
        return None
    i = text.find(mention)
    return (i, i + len(mention)) if i >= 0 else None


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
    f[f"pol={ev.polarity}"] = 1.0
    f[f"mod={ev.modality}"] = 1.0
    f[f"type|mod={t}|{ev.modality}"] = 1.0
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
    low = sentence.lower()
    words = {w for w in _WORD.findall(low) if w not in _STOP}
    for w in words:
        f[f"w={w}"] = 1.0
    i = ev.evidence.trigger_start - ev.evidence.start
    before = _WORD.findall(low[max(0, i - 30) : max(0, i)])
    if before:
        f[f"prev={before[-1]}"] = 1.0
    if re.search(r"\b(1[89]\d\d|20[01]\d)\b", sentence):
        f["year_in_sentence"] = 1.0
    return f


class Detector:
    """Two linear scorers over candidate features: the candidate is an event the sentence
    reports (``event``), and, given that, a background reference (``reference``)."""

    def __init__(
        self,
        event: Mapping[str, float],
        reference: Mapping[str, float],
        *,
        threshold: float = 0.5,
        reference_threshold: float = 0.5,
        info: Mapping[str, object] | None = None,
    ) -> None:
        self.event = dict(event)
        self.reference = dict(reference)
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

    @classmethod
    def load(cls, path: Path | None = None) -> Detector:
        data = json.loads((path or DEFAULT_DETECTOR).read_text(encoding="utf-8"))
        return cls(
            data["event"],
            data["reference"],
            threshold=float(data["threshold"]),
            reference_threshold=float(data["reference_threshold"]),
            info=data.get("info", {}),
        )

    def save(self, path: Path) -> None:
        data = {
            "info": self.info,
            "threshold": self.threshold,
            "reference_threshold": self.reference_threshold,
            "event": dict(sorted(self.event.items())),
            "reference": dict(sorted(self.reference.items())),
        }
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


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


class DetectedCoder:
    """``coder.plover.v5``: v4's events as candidates, kept, retyped and flagged by the news
    detector (see the module docstring)."""

    ranks_events: Final = True

    def __init__(
        self,
        *,
        actors: ActorLookup,
        places: PlaceLookup | None = None,
        classifier: EventClassifier | None = None,
        ranker: PairRanker | None = None,
        detector: Detector | None = None,
    ) -> None:
        self.candidates: RankedCoder = checked(
            actors=actors, places=places, classifier=classifier, ranker=ranker
        )
        self._detector = detector
        self.version: str = VERSION

    @property
    def detector(self) -> Detector:
        if self._detector is None:
            self._detector = Detector.load()
        return self._detector

    @property
    def classifier(self) -> EventClassifier:
        return self.candidates.classifier

    def needs_entities(self, doc: Doc) -> bool:
        return self.candidates.needs_entities(doc)

    def with_actors(self, actors: ActorLookup) -> DetectedCoder:
        return DetectedCoder(
            actors=actors,
            places=self.candidates._rules.places,
            classifier=self.candidates.classifier,
            ranker=self.candidates.ranker,
            detector=self._detector,
        )

    def typed_candidates(self, events: Sequence[Event], text: str) -> list[list[Candidate]]:
        """Each event with the types under test: its own, and the classifier's best for its
        actors where that differs."""
        if not events:
            return []
        items = [
            ClassifierInput(
                text,
                _span(text, ev.actor[0].text if ev.actor else ""),
                _span(text, ev.recipient[0].text if ev.recipient else ""),
            )
            for ev in events
        ]
        clf = self.classifier
        probs = clf.predict_proba(items)
        labels = list(clf.labels)
        out = []
        for ev, row in zip(events, probs, strict=True):
            by_type: dict[str, float] = {}
            for label, p in zip(labels, row, strict=True):
                for t in YIELD_TYPES.get(label, (label,)):
                    by_type[t] = float(p)
            top = max(by_type, key=lambda k: by_type[k])
            types = [ev.event_type] + ([top] if top != ev.event_type else [])
            out.append([Candidate(ev, t, by_type.get(t, 0.0), top) for t in types])
        return out

    def events(
        self, doc: Doc, sentence: Sentence, article: Article, memory: ArticleMemory
    ) -> list[tuple[Event, str]]:
        """The candidate events of a sentence, each with where it came from: the rules'
        events, then the classifier's reading of the ranker's best pairs (up to
        :data:`TOP_PAIRS`), without repeats."""
        v4 = self.candidates
        an, pairs = v4.pairs(doc, sentence, article, memory)
        out: list[tuple[Event, str]] = [(ev, "rules") for ev in an.events]
        if not pairs:
            return out
        ranked = [(p, pair) for p, pair in v4.ranker.rank(pairs)[:TOP_PAIRS] if p >= MIN_PAIR]
        if not ranked:
            return out
        n = len(sentence.text)
        preds = v4.classifier.predict(
            [
                ClassifierInput(sentence.text, _clip(pair.source, n), _clip(pair.target, n))
                for _, pair in ranked
            ]
        )
        seen = {_key(ev) for ev, _ in out}
        for k, ((prob, pair), pred) in enumerate(zip(ranked, preds, strict=True)):
            trig = _governing_trigger(doc, pair, an.candidates)
            ev = v4._event(trig, pair, pred.label, an, sentence, article)
            ev = replace(ev, confidence=round(prob * pred.score, 3))
            if _key(ev) not in seen:
                seen.add(_key(ev))
                out.append((ev, f"ranked{k}"))
        return out

    def score_candidates(
        self, doc: Doc, sentence: Sentence, article: Article, memory: ArticleMemory
    ) -> list[list[tuple[Candidate, dict[str, float]]]]:
        """The sentence's candidate events, each with its typed variants and their features."""
        found = self.events(doc, sentence, article, memory)
        text = doc_text(doc)
        out = []
        for (_, origin), options in zip(
            found, self.typed_candidates([ev for ev, _ in found], text), strict=True
        ):
            scored = []
            for c in options:
                f = candidate_features(c, sentence.text, sentence.index, article)
                f[f"from={origin}"] = 1.0
                f[f"type|from={c.event_type}|{origin[:6]}"] = 1.0
                scored.append((c, f))
            out.append(scored)
        return out

    def decide(
        self, scored: Sequence[Sequence[tuple[Candidate, dict[str, float]]]], article: Article
    ) -> list[Event]:
        """The events the detector keeps, retyped and flagged (see the module docstring)."""
        det = self.detector
        out: list[Event] = []
        for options in scored:
            if not options:
                continue
            p, cand, feats = max(((det.event_prob(f), c, f) for c, f in options),
                                 key=lambda s: s[0])  # fmt: skip
            if p < det.threshold:
                continue
            ev = cand.event
            if cand.event_type != ev.event_type:
                ev = replace(
                    ev,
                    event_type=cand.event_type,
                    mode=None,
                    quad=quad(cand.event_type),
                    cameo_root=cameo_root(cand.event_type),
                    intensity=intensity(cand.event_type, None),
                )
            if ev.modality == "actual" and det.reference_prob(feats) >= det.reference_threshold:
                ev = replace(ev, modality="historical")
            ev = replace(
                ev,
                id=event_id(article.id, ev.sentence_index, len(out), VERSION),
                event_index=len(out),
                confidence=round(p, 3),
                coder_version=VERSION,
            )
            out.append(ev)
        return out

    def code_sentence(
        self, doc: Doc, sentence: Sentence, article: Article, memory: ArticleMemory
    ) -> list[Event]:
        return self.decide(self.score_candidates(doc, sentence, article, memory), article)
