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
  undated unless the text gives a date);
- where candidates read one act with different targets, which target (one event per type
  and source in a sentence).

The detector, its features and its weights (``detector.json``) are in
:mod:`eventwire.coder.detection`; ``training/train_detector.py`` fits it (``make train``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Final

from eventwire.actors.outlets import state_outlet
from eventwire.coder.base import ActorLookup, PlaceLookup, event_id
from eventwire.coder.candidates import (
    Candidate,
    found_events,
    imputed,
    imputed_target,
    main_country,
)
from eventwire.coder.classifier import YIELD_TYPES, EventClassifier
from eventwire.coder.context import ArticleMemory
from eventwire.coder.detection import (
    Detector,
    candidate_features,
    pair_input,
    syntax_features,
    target_route_features,
    with_sentence_features,
)
from eventwire.coder.encoder import SentenceEncoder
from eventwire.coder.pairs import PairRanker
from eventwire.coder.ranked import RankedCoder, checked
from eventwire.errors import ModelError
from eventwire.model import Article, Event
from eventwire.nlp import Sentence, doc_text
from eventwire.ontology.plover import cameo_root, intensity, quad

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["CLASSIFIER_SUBDIR", "VERSION", "DetectedCoder", "Scored", "retrained_classifier"]

VERSION: Final = "coder.plover.v5"
# A sentence's scored candidates: per candidate event, its typed readings with their features.
Scored = list[list[tuple[Candidate, dict[str, float]]]]
# Where in a retrained model directory (`[pipeline] detector`) its classifier lives.
CLASSIFIER_SUBDIR: Final = "classifier"
# The classifier's next-best types (up to TYPES_TRIED in all) are tested too where at least
# this likely. Chosen on dev (type + source F1 of the train-only fit): the best two at 0.1
# 0.219, the best three at 0.05 0.228, the best four at 0.02 0.224.
SECOND_TYPE: Final = 0.05
TYPES_TRIED: Final = 3


class DetectedCoder:
    """``coder.plover.v5``: candidate events kept, retyped and flagged by the news
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
        encoder: SentenceEncoder | None = None,
        model_dir: Path | None = None,
    ) -> None:
        if model_dir is not None:
            # A classifier retrained with the detector (`make retrain`) types the candidates
            # the detector was fitted on: it replaces the configured one.
            classifier = retrained_classifier(model_dir) or classifier
        self.candidates: RankedCoder = checked(
            actors=actors, places=places, classifier=classifier, ranker=ranker
        )
        if model_dir is not None:
            # A retrained detector (`[pipeline] detector`).
            detector = detector or Detector.load(model_dir / "detector.json")
            _refuse_news_model_weights(detector, model_dir)
        self._detector = detector
        self._encoder = encoder
        self.version: str = VERSION

    @property
    def detector(self) -> Detector:
        if self._detector is None:
            self._detector = Detector.load()
        return self._detector

    @detector.setter
    def detector(self, detector: Detector) -> None:
        """Another detector for the same candidates: training tries fit after fit."""
        self._detector = detector

    @property
    def encoder(self) -> SentenceEncoder:
        """The sentence encoder the detector's sentence heads read (opened on first use)."""
        if self._encoder is None:
            self._encoder = SentenceEncoder.load()
        return self._encoder

    def sentence_scores(self, sentence: str) -> dict[str, float]:
        """The detector's sentence heads' logits for one sentence (none where it has none)."""
        det = self.detector
        if not det.sentence:
            return {}
        return det.sentence_scores(self.encoder.encode([sentence])[0])

    @property
    def classifier(self) -> EventClassifier:
        return self.candidates.classifier

    def needs_entities(self, doc: Doc) -> bool:
        return self.candidates.needs_entities(doc)

    def reads_every_sentence(self, article: Article) -> bool:
        """A state outlet's article: its own voice needs no trigger word (outlet_events)."""
        return state_outlet(article) is not None

    def with_actors(self, actors: ActorLookup) -> DetectedCoder:
        """The same coder and models over another actor lookup. The detector is loaded here,
        as the classifier and ranker are, so that copies (one per gold row under
        ``eval --given-actors``) share it rather than each reading detector.json."""
        return DetectedCoder(
            actors=actors,
            places=self.candidates.rules.places,
            classifier=self.candidates.classifier,
            ranker=self.candidates.ranker,
            detector=self.detector,
            encoder=self._encoder,
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
            wanted = [t for t in ranked[:TYPES_TRIED] if t == top or by_type[t] >= SECOND_TYPE]
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
    ) -> Scored:
        """The sentence's candidate events, each with its typed variants and their features,
        the sentence heads' among them. The encoder reads only sentences with a candidate:
        most have none."""
        scored = self.candidates_of(doc, sentence, article, memory)
        if not scored or not self.detector.sentence:
            return scored
        return with_sentence_features(scored, self.sentence_scores)

    def candidates_of(
        self, doc: Doc, sentence: Sentence, article: Article, memory: ArticleMemory
    ) -> Scored:
        """:meth:`score_candidates` without the sentence heads' features, which training
        adds from heads that did not see the sentence (training/sentence_heads.py)."""
        found = self.events(doc, sentence, article, memory)
        text = doc_text(doc)
        main = main_country(memory)
        out: Scored = []
        for (_, origin), options in zip(
            found, self.typed_candidates([ev for ev, _ in found], text), strict=True
        ):
            # One list of readings per target the event may have (the named one, and those
            # imputed to an uncoded target): the event scorer picks a type and source in
            # each, the target scorer among them (_one_per_doer).
            by_target: dict[str, list[tuple[Candidate, dict[str, float]]]] = {}
            # The parse features of one candidate event differ only by its source (an
            # imputed variant's has no text), not by the type under test.
            syntax: dict[str | None, dict[str, float]] = {}
            for typed in options:
                for sourced, route in imputed(typed, main):
                    f = candidate_features(sourced, sentence.text, sentence.index, article)
                    src = sourced.event.actor[0].text if sourced.event.actor else None
                    if src not in syntax:
                        syntax[src] = syntax_features(doc, sourced.event)
                    f |= syntax[src]
                    f[f"from={origin}"] = 1.0
                    f[f"type|from={sourced.event_type}|{origin[:6]}"] = 1.0
                    if route:
                        f[f"imp={route}"] = 1.0
                        f[f"type|imp={sourced.event_type}|{route}"] = 1.0
                    # An imputed target is the target scorer's to judge: the event scorer
                    # sees the candidate as named (the target features, to it, are unseen).
                    for c, to in imputed_target(sourced, main):
                        cf = f | target_route_features(c.event_type, to) if to else f
                        by_target.setdefault(c.event.recipient_code or "", []).append((c, cf))
            out.extend(by_target.values())
        return out

    def decide(
        self, scored: Sequence[Sequence[tuple[Candidate, dict[str, float]]]], article: Article
    ) -> list[Event]:
        """The events the detector keeps, retyped and flagged (see the module docstring)."""
        det = self.detector
        best = [
            max(((det.event_prob(f), c, f) for c, f in options), key=lambda s: s[0])
            for options in scored
            if options
        ]
        # One trigger word with one source and target reports one event: where candidates
        # read it as different types ("eager for talks": AGREE, CONSULT), the likeliest (the
        # first of equals) stands.
        top: dict[tuple[int, str, str], float] = {}
        for p, cand, _ in best:
            key = _reading(cand.event)
            top[key] = max(p, top.get(key, 0.0))
        chosen: list[tuple[float, Candidate, dict[str, float]]] = []
        kept: set[tuple[str, str, str]] = set()
        read: set[tuple[int, str, str]] = set()
        for p, cand, feats in best:
            ev = cand.event
            reading = _reading(ev)
            if p < det.threshold or p < top[reading] or reading in read:
                continue
            said = (cand.event_type, ev.actor_code or "", ev.recipient_code or "")
            if said in kept:
                continue  # two readings of one event: the first stands
            kept.add(said)
            read.add(reading)
            chosen.append((p, cand, feats))
        out: list[Event] = []
        for p, cand, feats in _one_per_doer(chosen, det):
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


def _one_per_doer(
    chosen: Sequence[tuple[float, Candidate, dict[str, float]]], det: Detector
) -> list[tuple[float, Candidate, dict[str, float]]]:
    """One event per type and source (country and sector) in a sentence: where kept
    candidates read it with different targets (the ranker's pairs, another trigger word), the
    target scorer picks one. The news gold holds two events of one type and source country 14
    times among its train and dev splits' 929 new events; such duplicates were a sixth of
    v5's dev events (train-only fit: dev type + source F1 0.244 with them, 0.263 without)."""
    best: dict[tuple[str, str, str], tuple[float, int]] = {}
    for i, (_, cand, feats) in enumerate(chosen):
        ev = cand.event
        doer = ev.actor[0] if ev.actor else None
        key = (
            cand.event_type,
            ev.actor_code or "text:" + (doer.text if doer else ""),
            (doer.sector or "") if doer else "",
        )
        score = det.target_prob(feats)
        if key not in best or score > best[key][0]:
            best[key] = (score, i)
    keep = {i for _, i in best.values()}
    return [c for i, c in enumerate(chosen) if i in keep]


def _reading(ev: Event) -> tuple[int, str, str]:
    """An event's trigger word, source and target country."""
    return (ev.evidence.trigger_start, ev.actor_code or "", ev.recipient_code or "")


def retrained_classifier(model_dir: Path) -> EventClassifier | None:
    """The event classifier ``make retrain`` trained into ``model_dir/classifier`` (before the
    detector, which was then fitted on the candidates it types), or None where there is none."""
    path = model_dir / CLASSIFIER_SUBDIR
    return EventClassifier.load(path) if path.is_dir() else None


def _refuse_news_model_weights(detector: Detector, model_dir: Path) -> None:
    """A detector directory fitted by an earlier version with the news event model (a second
    classifier, removed: the detector scored better on dev without it) holds weights for its
    features (``nm_*``). v5 no longer computes them, so that detector's probabilities and
    threshold no longer hold: refused rather than run quietly worse. (The shipped
    detector.json ships with the code that reads it.)"""
    retired = sum(k.startswith("nm_") for k in (*detector.event, *detector.reference))
    if retired:
        raise ModelError(
            f"The news detector in {model_dir} was fitted with the news event model, which "
            f"coder.plover.v5 no longer has ({retired} of its weights are for that model's "
            "features).",
            cause="the directory was written by `make retrain` or train_detector.py before "
            "the news event model was removed",
            fix="retrain it (make retrain CORRECTIONS=FILE OUT=DIR), or leave [pipeline] "
            "detector empty for the shipped detector",
        )
