"""The knowledge base's records: plain frozen dataclasses, no logic beyond small helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any, Literal

__all__ = ["ActorRecord", "Kind", "Term", "reduce_frozen"]


def reduce_frozen(obj: Any) -> tuple[Any, ...]:
    """``__reduce__`` for the frozen dataclasses of the modules setup.py compiles: pickle
    through the constructor. mypyc restores a compiled instance attribute by attribute, which
    a frozen class refuses ("cannot assign to field"); the constructor works either way."""
    return type(obj), tuple(getattr(obj, f.name) for f in fields(obj))


Kind = Literal["country", "capital", "seat", "demonym", "organisation", "person"]


@dataclass(frozen=True, slots=True)
class Term:
    """A dated role: an office held by a person, or a period a group governed (Taliban 2021-).

    ``end`` is None while the term runs. ``code`` overrides the record's code for the term
    (Ban Ki-moon: KOR as foreign minister, UNO as Secretary-General)."""

    start: dt.date
    end: dt.date | None
    sector: str | None
    code: str | None = None
    office: str | None = None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def __reduce__(self) -> tuple[Any, ...]:
        return reduce_frozen(self)


@dataclass(frozen=True, slots=True)
class ActorRecord:
    """One knowledge-base entry as reached through one alias.

    A country yields several records (the country itself with no sector, its capital with
    GOV, each seat of government with its sector, its demonym); ``kind`` says which.
    """

    name: str
    code: str | None
    kind: Kind
    sector: str | None = None
    id: str | None = None
    terms: tuple[Term, ...] = ()
    source: str = "built-in"

    def __reduce__(self) -> tuple[Any, ...]:
        return reduce_frozen(self)
