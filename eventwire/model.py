"""The data model: the contract between pipeline stages.

Plain frozen dataclasses with no logic beyond conversion to plain dicts. Every stage reads and
writes these; the store and the exporters flatten them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "Article",
    "Entity",
    "Event",
    "Evidence",
    "Place",
    "Rejected",
    "DateResolution",
    "Polarity",
    "Modality",
]

DateResolution = Literal["stated", "relative", "month", "year", "publication", "unknown"]
Polarity = Literal["asserted", "negated"]
Modality = Literal["actual", "future", "hypothetical", "historical"]


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as read from the input.

    ``id`` is a stable content hash unless the input gave one. ``source`` and ``line`` say where
    the article came from (file path and 1-based line or record number) so that every record
    can be accounted for.
    """

    id: str
    text: str
    title: str = ""
    url: str | None = None
    outlet: str | None = None
    published: dt.date | None = None
    language: str | None = None
    story_id: str | None = None
    source: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    """An actor: a country, organisation, group or person, resolved to PLOVER codes.

    ``code`` is an ISO-3 country code or an IGO/non-state code (``None`` when unknown);
    ``sector`` a PLOVER sector such as GOV, MIL, REB; ``name`` the canonical name; ``id`` a
    knowledge-base identifier (a Wikidata QID where known).
    """

    text: str
    code: str | None = None
    sector: str | None = None
    name: str | None = None
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved location. ``resolution`` says how precise it is (city, admin1, country) and
    how it was chosen."""

    text: str
    name: str | None = None
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    resolution: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The text supporting an event: the sentence, its character offsets into the article
    text, and the trigger span (offsets into the article text too)."""

    sentence: str
    start: int
    end: int
    trigger: str
    trigger_start: int
    trigger_end: int

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class Event:
    """One coded event: who did what to whom, when, where, and according to whom.

    ``id`` is stable: derived from the article id, sentence index, event index and coder
    version, so coding the same article again yields the same ids.
    """

    id: str
    article_id: str
    event_type: str
    quad: int
    cameo_root: str
    intensity: float
    evidence: Evidence
    coder_version: str
    date: dt.date | None = None
    date_resolution: DateResolution = "unknown"
    mode: str | None = None
    context: str | None = None
    actor: tuple[Entity, ...] = ()
    recipient: tuple[Entity, ...] = ()
    place: Place | None = None
    polarity: Polarity = "asserted"
    modality: Modality = "actual"
    speaker: Entity | None = None
    confidence: float = 1.0
    sentence_index: int = 0
    event_index: int = 0
    # The actor (its first entity) is implied, not named as acting: a state outlet's own
    # voice, or a country given to a source the text names without one ("the judge").
    actor_implied: bool = False
    # The recipient (its first entity) is implied: the act names none, and the coder gave it
    # the source's own country (an arrest, a ruling, a ban: most acts with no named target are
    # domestic).
    recipient_implied: bool = False

    @property
    def actor_code(self) -> str | None:
        """The first actor's code (what a dyad is keyed on), or None."""
        return self.actor[0].code if self.actor else None

    @property
    def recipient_code(self) -> str | None:
        """The first recipient's code, or None."""
        return self.recipient[0].code if self.recipient else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings)."""
        d = dataclasses.asdict(self)
        d["date"] = self.date.isoformat() if self.date else None
        return d


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input record that could not be read or coded, with the reason. Nothing is dropped
    silently: every record ends as coded, skipped or rejected. ``status`` is ``rejected`` for
    bad input and ``skipped`` for input deliberately not coded (a non-English article, a
    duplicate)."""

    source: str
    reason: str
    line: int | None = None
    article_id: str | None = None
    status: Literal["rejected", "skipped"] = "rejected"
    detail: str = field(default="")
