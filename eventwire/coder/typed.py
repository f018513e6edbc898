"""The classifier's label as a PLOVER type, and what the classifier-backed coders share.

The classifier knows 15 labels (CONCEDE and RETREAT merged as YIELD) and sees no parse; the
rules read the trigger word and its tense. :func:`codebook_type` puts the two together as the
codebook asks. :class:`RulesAndClassifier` holds the rules that read each sentence and the
classifier, loaded on first use (coders v3, v4 and v5 build on it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from eventwire.coder.base import ActorLookup, PlaceLookup
from eventwire.coder.classifier import EventClassifier
from eventwire.coder.compose import COOPERATIVE
from eventwire.coder.lexicon import NOUNS, VERBS
from eventwire.coder.rules import RuleCoder

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["RulesAndClassifier", "codebook_type", "yield_type"]

_RETREAT_WORDS: Final = frozenset(
    w for table in (VERBS, NOUNS) for w, (t, _) in table.items() if t == "RETREAT"
)


class RulesAndClassifier:
    """What the classifier-backed coders (v3, v4, v5) share: the rules that read each sentence,
    and the classifier, loaded on first use."""

    def __init__(
        self,
        *,
        actors: ActorLookup,
        places: PlaceLookup | None,
        classifier: EventClassifier | None,
    ) -> None:
        # Public: v5's candidates (coder.candidates) build events with the same rules.
        self.rules = RuleCoder(actors=actors, places=places)
        self._classifier = classifier

    @property
    def classifier(self) -> EventClassifier:
        if self._classifier is None:
            self._classifier = EventClassifier.load()
        return self._classifier

    def needs_entities(self, doc: Doc) -> bool:
        """Events come only from sentences the rules find a trigger word in: see
        :meth:`RuleCoder.needs_entities`."""
        return self.rules.needs_entities(doc)


def codebook_type(label: str, *, rule_type: str, trigger: str, modality: str) -> str:
    """The classifier's label with what the rules read off the trigger applied, as the
    codebook asks: YIELD split by :func:`yield_type`; cooperation in the future tense, or only
    intended ("eager for talks", "sought to resume diplomacy"), is AGREE (the parse sees that,
    the classifier does not). Shared by coders v3, v4 and v5."""
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
