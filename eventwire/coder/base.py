"""What a coder is to the rest of eventwire, the lookups it is handed, and what coders share.

The pipeline builds a coder from the registry (``[pipeline] coder``) and asks it only what
:class:`Coder` declares; evaluation asks more of some coders, and each such capability is a
protocol of its own (:class:`GivenActorsCoder`, :class:`ClassifiedCoder`,
:class:`RankingCoder`) so that a user's coder needs none of them to run in the pipeline.

The coders share two things beyond these: :class:`Analysis`, the rules' reading of a sentence
that the ranked stage and coder v5 build their candidates from, and :func:`event_id`, the stable id
every coder gives its events.

The capability protocols are ``runtime_checkable``: evaluation tests them with ``isinstance``.
On Python 3.11 that test reads each member with ``hasattr``, so testing for a member that is
a lazy property (``classifier``) loads it; test for one only where it is about to be used.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from eventwire.coder.classifier import EventClassifier
    from eventwire.coder.compose import Candidate
    from eventwire.coder.context import ArticleMemory
    from eventwire.model import Article, Entity, Event, Place
    from eventwire.nlp import Sentence

__all__ = [
    "ActorLookup",
    "Analysis",
    "ClassifiedCoder",
    "Coder",
    "ContextActorLookup",
    "GivenActorsCoder",
    "PlaceLookup",
    "RankingCoder",
    "VoiceCoder",
    "event_id",
]


class ActorLookup(Protocol):
    """Names to actors: the registry's ``actors`` stage (:class:`ActorResolver`)."""

    def resolve(self, mention: str, *, date: object = None) -> Entity | None: ...

    def find_mentions(self, text: str) -> list[tuple[int, int, Entity]]: ...


class ContextActorLookup(ActorLookup, Protocol):
    """A lookup that also reads mentions in their sentence (:class:`ActorResolver` does). The
    rule coder uses it when the lookup has ``read_in``; others get the mention-alone path."""

    def find_mentions(
        self, text: str, *, date: dt.date | None = None
    ) -> list[tuple[int, int, Entity]]: ...

    def read_in(
        self,
        text: str,
        spans: Sequence[tuple[int, int]],
        *,
        found: Sequence[tuple[int, int, Entity]] | None = None,
        date: dt.date | None = None,
        places: Sequence[bool] | None = None,
        borrow: bool = True,
    ) -> list[Entity | None]: ...


class PlaceLookup(Protocol):
    """Sentences to places: the registry's ``places`` stage (a gazetteer, or none)."""

    def locate(self, sentence: str, *, default_country: str | None = None) -> Place | None: ...


@runtime_checkable
class Coder(Protocol):
    """What the pipeline needs of a coder (a registry ``coder.*`` stage, built with
    ``actors=`` and ``places=`` keywords, and ``classifier=`` where its factory takes one)."""

    # Read-only, so that a class constant (``version: Final = ...``) satisfies it.
    @property
    def version(self) -> str:
        """The stage name it codes as (``coder.plover.v1``), stored with every event."""
        ...

    def needs_entities(self, doc: Doc) -> bool:
        """Whether spaCy's named entities of ``doc`` can change its events: the pipeline
        runs the entity recognizer only on those parses (unless ``nlp.ner_every_sentence``)."""
        ...

    def code_sentence(
        self, doc: Doc, sentence: Sentence, article: Article, memory: ArticleMemory
    ) -> list[Event]:
        """The events of one parsed sentence of ``article``; may update ``memory``, which the
        article's later sentences are coded with."""
        ...


@runtime_checkable
class GivenActorsCoder(Coder, Protocol):
    """A coder that can be handed the actors to read (``eventwire eval --given-actors``
    hands it the gold source and target as mentions)."""

    def with_actors(self, actors: ActorLookup) -> GivenActorsCoder:
        """The same coder (and models) over another actor lookup."""
        ...


@runtime_checkable
class ClassifiedCoder(Coder, Protocol):
    """A coder whose event types come from the classifier: given actors, evaluation scores
    the classifier's type of the sentence with the gold spans marked."""

    @property
    def classifier(self) -> EventClassifier: ...


@runtime_checkable
class VoiceCoder(Coder, Protocol):
    """A coder that hears a state outlet's own voice: such a sentence may hold no trigger word
    ("The U.S. is attempting to revive the UN Command", in KCNA's voice, accuses the US), so
    the pipeline parses every sentence of the articles it names, prefilter or not."""

    def reads_every_sentence(self, article: Article) -> bool: ...


@runtime_checkable
class RankingCoder(Coder, Protocol):
    """A coder that may put a sentence's events in order, primary first; evaluation then
    takes its first event as the sentence's (other coders' events are ordered for it)."""

    @property
    def ranks_events(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class Analysis:
    """What :meth:`~eventwire.coder.rules.RuleCoder.analyse` read in a sentence: the events it
    codes, and the mentions, speaker and trigger candidates (after composition) it coded them
    from. The ranked stage and coder v5 rank, type and detect from it."""

    events: list[Event]
    mentions: tuple[tuple[int, int, Entity], ...]
    speaker: Entity | None
    candidates: list[Candidate]


def event_id(article_id: str, sentence_index: int, event_index: int, version: str) -> str:
    """The stable id of an event: article, sentence, position in the sentence, and the
    coder's ``version`` (so two coders' events of one sentence never share an id)."""
    raw = f"{article_id}:{sentence_index}:{event_index}:{version}"
    return hashlib.sha1(raw.encode()).hexdigest()[:20]
