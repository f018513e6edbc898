"""coder.plover.v5: a detector learnt from annotated news decides which candidate events a
sentence reports.

On a news stream most sentences report no political event, even where they carry an event
word ("a report on the Paris attacks", "he attacked the referee's decision"). v5 takes
candidate events (:mod:`eventwire.coder.candidates`: the rules', the ranked pairs', each
actor mention's where no trigger word is found, a state outlet's voice, imputed source
countries) and lets a detector, fitted on the news gold's training split
(``data/news_gold``), decide for each:

- whether it is an event the sentence reports (NONE is a real outcome), with the type it came
  with or one the classifier prefers for its actors, whichever the detector scores higher;
- whether it is new or a background reference (stored with modality ``historical``, and
  undated unless the text gives a date).

The detector is two logistic regressions over sparse features of the candidate (its type,
trigger word, the words of the sentence, the parties' sectors, polarity, modality, how far
its stated date lies from publication, where it came from, the classifier's probability of
the type with the candidate's actors marked, the outlet) and the news event model's
probabilities for the pair (``models/news-detector``: the classifier with a NONE label,
fine-tuned on the news gold); weights in ``detector.json``. ``training/train_detector.py``
fits both (``make train``).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np

from eventwire.coder.base import ActorLookup, PlaceLookup, event_id
from eventwire.coder.candidates import Candidate, found_events, imputed, main_country
from eventwire.coder.classifier import YIELD_TYPES, ClassifierInput, EventClassifier
from eventwire.coder.context import ArticleMemory
from eventwire.coder.pairs import PairRanker
from eventwire.coder.ranked import RankedCoder, checked
from eventwire.errors import ModelError
from eventwire.model import Article, Event
from eventwire.nlp import Sentence, doc_text
from eventwire.ontology.plover import cameo_root, intensity, quad

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "DEFAULT_DETECTOR",
    "NEWS_MODEL_DIR",
    "VERSION",
    "DetectedCoder",
    "Detector",
    "candidate_features",
    "fit_logistic",
    "news_features",
    "pair_input",
]

VERSION: Final = "coder.plover.v5"
DEFAULT_DETECTOR: Final = Path(__file__).with_name("detector.json")
# The news event model (the classifier with a NONE label, fine-tuned on the news gold):
# training/news_model.py writes it; without it the detector reads no news-model features.
NEWS_MODEL_DIR: Final = Path(__file__).resolve().parents[2] / "models" / "news-detector"
# The classifier's second-best type is tested too where at least this likely.
SECOND_TYPE: Final = 0.1

_WORD: Final = re.compile(r"[a-z][a-z'-]+")
_STOP: Final = frozenset(
    "the a an of to in on and or for with at by from as is was were be been are it its this "
    "that which who whom has have had but not".split()
)


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


def news_features(probs: Mapping[str, float], event_type: str) -> dict[str, float]:
    """What the news event model says of a candidate pair typed ``event_type``."""
    none = probs.get("NONE", 0.0)
    label = "YIELD" if event_type in YIELD_TYPES["YIELD"] else event_type
    p = probs.get(label, 0.0)
    best = max((k for k in probs if k != "NONE"), key=lambda k: probs[k], default="")
    return {
        "nm_event": 1.0 - none,
        "nm_type": p,
        f"nm_type|{event_type}": p,
        "nm_best" if best == label else "nm_not_best": 1.0,
        f"nm_none={_bucket(none, (0.2, 0.4, 0.6, 0.8, 0.95))}": 1.0,
    }


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
        where = path or DEFAULT_DETECTOR
        try:
            data = json.loads(where.read_text(encoding="utf-8"))
            return cls(
                data["event"],
                data["reference"],
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
        news_model_dir: Path | None = NEWS_MODEL_DIR,
        model_dir: Path | None = None,
    ) -> None:
        self.candidates: RankedCoder = checked(
            actors=actors, places=places, classifier=classifier, ranker=ranker
        )
        if model_dir is not None:
            # A retrained detector (`[pipeline] detector`): its weights and its news model.
            detector = detector or Detector.load(model_dir / "detector.json")
            # Fitted without the news model (train_detector.py --no-news-model): none to read.
            uses_news = bool(detector.info.get("news_model", True))
            news_model_dir = model_dir / "news-detector" if uses_news else None
        self._detector = detector
        # None: no news-model features (training collects the candidates so).
        self.news_model_dir = news_model_dir
        self._news_model: EventClassifier | None = None
        self.version: str = VERSION

    @property
    def news_model(self) -> EventClassifier | None:
        if self.news_model_dir is None or not self.detector.info.get("news_model", True):
            return None
        if self._news_model is None:
            self._news_model = EventClassifier.load(self.news_model_dir)
        return self._news_model

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
            news_model_dir=self.news_model_dir,
        )

    def typed_candidates(self, events: Sequence[Event], text: str) -> list[list[Candidate]]:
        """Each event with the types under test: its own, and the classifier's best for its
        actors where that differs."""
        if not events:
            return []
        items = [pair_input(ev, text) for ev in events]
        clf = self.classifier
        probs = clf.predict_proba(items)
        labels = list(clf.labels)
        out = []
        for ev, row in zip(events, probs, strict=True):
            by_type: dict[str, float] = {}
            for label, p in zip(labels, row, strict=True):
                for t in YIELD_TYPES.get(label, (label,)):
                    by_type[t] = float(p)
            ranked = sorted(by_type, key=lambda k: -by_type[k])
            top = ranked[0]
            wanted = [t for t in ranked[:2] if t == top or by_type[t] >= SECOND_TYPE]
            types = [ev.event_type] + [t for t in wanted if t != ev.event_type]
            out.append([Candidate(ev, t, by_type.get(t, 0.0), top) for t in types])
        return out

    def events(
        self, doc: Doc, sentence: Sentence, article: Article, memory: ArticleMemory
    ) -> list[tuple[Event, str]]:
        """The sentence's candidate events with where each came from (:func:`found_events`)."""
        return found_events(self.candidates, doc, sentence, article, memory)

    def score_candidates(
        self, doc: Doc, sentence: Sentence, article: Article, memory: ArticleMemory
    ) -> list[list[tuple[Candidate, dict[str, float]]]]:
        """The sentence's candidate events, each with its typed variants and their features."""
        found = self.events(doc, sentence, article, memory)
        text = doc_text(doc)
        main = main_country(memory)
        nm = self.news_model
        news: list[dict[str, float] | None] = [None] * len(found)
        if nm is not None and found:
            rows = nm.predict_proba([pair_input(ev, text) for ev, _ in found])
            news = [dict(zip(nm.labels, map(float, row), strict=True)) for row in rows]
        out = []
        for (_, origin), options, probs in zip(
            found, self.typed_candidates([ev for ev, _ in found], text), news, strict=True
        ):
            scored = []
            for typed in options:
                for c, route in imputed(typed, main):
                    f = candidate_features(c, sentence.text, sentence.index, article)
                    if probs is not None:
                        f.update(news_features(probs, c.event_type))
                    f[f"from={origin}"] = 1.0
                    f[f"type|from={c.event_type}|{origin[:6]}"] = 1.0
                    if route:
                        f[f"imp={route}"] = 1.0
                        f[f"type|imp={c.event_type}|{route}"] = 1.0
                    scored.append((c, f))
            out.append(scored)
        return out

    def decide(
        self, scored: Sequence[Sequence[tuple[Candidate, dict[str, float]]]], article: Article
    ) -> list[Event]:
        """The events the detector keeps, retyped and flagged (see the module docstring)."""
        det = self.detector
        out: list[Event] = []
        kept: set[tuple[str, str, str]] = set()
        for options in scored:
            if not options:
                continue
            p, cand, feats = max(((det.event_prob(f), c, f) for c, f in options),
                                 key=lambda s: s[0])  # fmt: skip
            if p < det.threshold:
                continue
            ev = cand.event
            said = (cand.event_type, ev.actor_code or "", ev.recipient_code or "")
            if said in kept:
                continue  # two readings of one event: the first stands
            kept.add(said)
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
                if ev.date_resolution == "publication":
                    # A reference to an earlier act happened before the report, not on its
                    # date: undated unless the text says when.
                    ev = replace(ev, date=None, date_resolution="unknown")
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
