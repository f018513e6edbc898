"""coder.plover.v2: the rule coder's events, re-typed by the trained classifier.

The rules are good at what a parse shows (who is the source and the target, whether the
event is negated, hypothetical or future, who says so, several events in one sentence) and
weak at telling close types apart (AGREE/SUPPORT, COERCE/ASSAULT); the classifier is the
reverse. So the rules find each event and its arguments, and the classifier, shown the
sentence with the source and target marked, decides the type when it is confident. Rule
decisions the codebook ties to grammar are kept: cooperation in the future tense is AGREE.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Final

from eventwire.coder.classifier import ClassifierInput, EventClassifier, Prediction
from eventwire.coder.compose import COOPERATIVE
from eventwire.coder.context import ArticleMemory
from eventwire.coder.lexicon import NOUNS, VERBS
from eventwire.coder.rules import ActorLookup, PlaceLookup, RuleCoder, event_id
from eventwire.model import Article, Entity, Event
from eventwire.nlp import Sentence
from eventwire.ontology import cameo_root, intensity, quad
from eventwire.ontology.plover import MODES

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["VERSION", "HybridCoder", "RulesAndClassifier", "codebook_type", "yield_type"]

VERSION: Final = "coder.plover.v2"
_RETREAT_WORDS: Final = frozenset(
    w for table in (VERBS, NOUNS) for w, (t, _) in table.items() if t == "RETREAT"
)


class RulesAndClassifier:
    """What the classifier-backed coders (v2, v3) share: the rules that read each sentence,
    and the classifier, loaded on first use."""

    def __init__(
        self,
        *,
        actors: ActorLookup,
        places: PlaceLookup | None,
        classifier: EventClassifier | None,
    ) -> None:
        self._rules = RuleCoder(actors=actors, places=places)
        self._classifier = classifier

    @property
    def classifier(self) -> EventClassifier:
        if self._classifier is None:
            self._classifier = EventClassifier.load()
        return self._classifier

    def needs_entities(self, doc: Doc) -> bool:
        """Events come only from sentences the rules find a trigger word in: see
        :meth:`RuleCoder.needs_entities`."""
        return self._rules.needs_entities(doc)


class HybridCoder(RulesAndClassifier):
    """Rules for events and arguments, the classifier for types (``coder.plover.v2``)."""

    version: Final = VERSION

    def __init__(
        self,
        *,
        actors: ActorLookup,
        places: PlaceLookup | None = None,
        classifier: EventClassifier | None = None,
        min_score: float = 0.6,
        same_quad: bool = True,
    ) -> None:
        super().__init__(actors=actors, places=places, classifier=classifier)
        self._min_score = min_score
        self._same_quad = same_quad

    def with_actors(self, actors: ActorLookup) -> HybridCoder:
        """The same coder and classifier over another actor lookup (evaluation uses this to
        hand the coder gold actors)."""
        return HybridCoder(
            actors=actors,
            places=self._rules.places,
            classifier=self.classifier,
            min_score=self._min_score,
            same_quad=self._same_quad,
        )

    def code_sentence(
        self, doc: Doc, sentence: Sentence, article: Article, memory: ArticleMemory
    ) -> list[Event]:
        events = self._rules.code_sentence(doc, sentence, article, memory)
        if not events:
            return events
        # The classifier sees the sentence with the source and target marked, not the
        # trigger: where one pair holds several events ("eager for talks with North Korea,
        # but sees testing as destabilizing") it cannot tell them apart, so the rules decide.
        pairs = Counter(_pair(e) for e in events)
        # It was trained on sentences with both a source and a target; without a target
        # ("North Korea resumed its tests") its guess is not worth the rule's.
        ask = [i for i, e in enumerate(events) if pairs[_pair(e)] == 1 and e.recipient]
        predictions = dict(
            zip(
                ask,
                self.classifier.predict([_input(sentence, events[i]) for i in ask]),
                strict=True,
            )
        )
        out: list[Event] = []
        seen: set[tuple[object, ...]] = set()
        for i, event in enumerate(events):
            pred = predictions.get(i)
            typed = event if pred is None else self._retype(event, pred)
            key = (
                typed.event_type,
                tuple(a.code for a in typed.actor),
                tuple(r.code for r in typed.recipient),
                typed.polarity,
                typed.modality,
            )
            if key in seen:
                continue
            seen.add(key)
            index = len(out)
            out.append(
                replace(
                    typed,
                    id=event_id(article.id, sentence.index, index, VERSION),
                    event_index=index,
                    coder_version=VERSION,
                )
            )
        return out

    def _retype(self, event: Event, pred: Prediction) -> Event:
        if pred.score < self._min_score:
            return event
        label = codebook_type(
            pred.label,
            rule_type=event.event_type,
            trigger=event.evidence.trigger,
            modality=event.modality,
        )
        if label == event.event_type:
            return replace(event, confidence=round(max(event.confidence, pred.score), 2))
        if self._same_quad and quad(label) != event.quad:
            # The rules read cooperation versus conflict, words versus deeds, off the trigger
            # itself ("lodged a protest" is a complaint, not a march); the classifier only
            # refines within that: AGREE/SUPPORT, COERCE/ASSAULT, THREATEN/ACCUSE.
            return event
        mode = event.mode if event.mode in MODES[label] else None
        return replace(
            event,
            event_type=label,
            mode=mode,
            quad=quad(label),
            cameo_root=cameo_root(label, mode),
            intensity=intensity(label, mode),
            confidence=round(pred.score, 2),
        )


def _pair(event: Event) -> tuple[tuple[str | None, ...], tuple[str | None, ...]]:
    return tuple(a.code for a in event.actor), tuple(r.code for r in event.recipient)


def codebook_type(label: str, *, rule_type: str, trigger: str, modality: str) -> str:
    """The classifier's label with what the rules read off the trigger applied, as the
    codebook asks: YIELD split by :func:`yield_type`; cooperation in the future tense, or only
    intended ("eager for talks", "sought to resume diplomacy"), is AGREE (the parse sees that,
    the classifier does not). Shared by coder v2 and v3."""
    label = yield_type(label, rule_type, trigger)
    if label in COOPERATIVE and (modality == "future" or rule_type == "AGREE"):
        return "AGREE"
    return label


def yield_type(label: str, rule_type: str, trigger: str) -> str:
    """The classifier's merged YIELD as a PLOVER type: the rules' own when they read CONCEDE
    or RETREAT, else RETREAT for a retreat word ("withdrew", "released"), else CONCEDE;
    other labels unchanged."""
    if label != "YIELD":
        return label
    if rule_type in ("CONCEDE", "RETREAT"):
        return rule_type
    return "RETREAT" if _lemma_like(trigger.lower(), _RETREAT_WORDS) else "CONCEDE"


def _lemma_like(word: str, lemmas: frozenset[str]) -> bool:
    return any(word.startswith(lemma[: max(4, len(lemma) - 2)]) for lemma in lemmas)


def _span(sentence: Sentence, ents: Sequence[Entity], anchor: int) -> tuple[int, int] | None:
    """Where the first entity's text sits in the sentence, nearest the trigger."""
    if not ents or not ents[0].text:
        return None
    text, needle = sentence.text, ents[0].text
    best: tuple[int, int] | None = None
    start = text.find(needle)
    while start >= 0:
        if best is None or abs(start - anchor) < abs(best[0] - anchor):
            best = (start, start + len(needle))
        start = text.find(needle, start + 1)
    return best


def _input(sentence: Sentence, event: Event) -> ClassifierInput:
    anchor = event.evidence.trigger_start - sentence.start
    return ClassifierInput(
        text=sentence.text,
        source=_span(sentence, event.actor, anchor),
        target=_span(sentence, event.recipient, anchor),
    )
