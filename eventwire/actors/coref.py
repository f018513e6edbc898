"""A small rule-based coreference helper for one article.

:class:`ArticleContext` remembers the actors resolved so far, in reading order, and links
anaphoric mentions to the most recent compatible one:

* "he", "she", "him", "her" -> the most recent person;
* "the official", "the spokesman", "officials", "the minister" -> the most recent actor with
  sector GOV (people and seats included), else the most recent country, as GOV;
* "the regime", "the government", "the administration", "the leadership" -> the most
  recent country-level actor (any kind but a person's own identity), as GOV;
* "the country", "the nation", "it", "its" -> the most recent country or organisation;
* "the military", "the army", "the troops" -> the most recent country, as MIL.

Anything else goes to the resolver. It is deliberately small: it does not weigh syntax or
distance, so the coder should prefer explicit mentions and use this for leftovers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from eventwire.model import Entity

from .records import Kind
from .resolver import ActorResolver
from .text import fold

__all__ = ["ArticleContext"]

_PERSON = frozenset({"he", "she", "him", "her", "his"})
_OFFICIAL = frozenset(
    "official officials spokesman spokeswoman spokesperson minister diplomat envoy "
    "senior official".split()
)
_GOVERNMENT = frozenset("regime government administration leadership authorities".split())
_COUNTRY = frozenset("country nation state it its".split())
_MILITARY = frozenset("military army troops forces".split())
_LEAD = ("the ", "a ", "senior ", "that ", "this ")


@dataclass(frozen=True, slots=True)
class _Seen:
    entity: Entity
    kind: Kind | None


class ArticleContext:
    """Actors seen so far in one article, for resolving "the official", "the regime", "he"."""

    def __init__(self, resolver: ActorResolver, *, date: dt.date | None = None) -> None:
        self._resolver = resolver
        self._date = date
        self._seen: list[_Seen] = []

    def observe(self, entity: Entity, *, kind: Kind | None = None) -> None:
        """Record an actor the coder resolved itself (e.g. from a spaCy span)."""
        self._seen.append(_Seen(entity, kind))

    def resolve(self, mention: str) -> Entity | None:
        """Resolve a mention, using the article's earlier actors for anaphora. Resolved
        mentions are remembered for later ones."""
        anaphor = self._anaphor(mention)
        if anaphor is not None:
            return anaphor
        r = self._resolver.explain(mention, date=self._date)
        if r is None:
            return None
        self._seen.append(_Seen(r.entity, r.kind))
        return r.entity

    def _last(self, *, person: bool | None = None, gov: bool = False) -> _Seen | None:
        for s in reversed(self._seen):
            if s.entity.code is None:
                continue
            if person is True and s.kind != "person":
                continue
            if person is False and s.kind == "person":
                continue
            if gov and s.entity.sector != "GOV":
                continue
            return s
        return None

    def _anaphor(self, mention: str) -> Entity | None:
        m = fold(mention).strip(" .,;:")
        for lead in _LEAD:
            while m.startswith(lead):
                m = m[len(lead) :]
        s: _Seen | None
        if m in _PERSON:
            s = self._last(person=True)
            return replace(s.entity, text=mention) if s else None
        if m in _OFFICIAL:
            s = self._last(gov=True) or self._last(person=False)
            if s is None:
                return None
            return Entity(text=mention, code=s.entity.code, sector="GOV")
        if m in _GOVERNMENT:
            s = self._last(person=False)
            return Entity(text=mention, code=s.entity.code, sector="GOV") if s else None
        if m in _MILITARY:
            s = self._last(person=False)
            return Entity(text=mention, code=s.entity.code, sector="MIL") if s else None
        if m in _COUNTRY:
            s = self._last(person=False)
            if s is None:
                return None
            return Entity(text=mention, code=s.entity.code, name=s.entity.name)
        return None
