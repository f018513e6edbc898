"""Dating an event from its sentence and the article's publication date.

Expressions that name a day are resolved ("on Sunday", "yesterday", "last week", "on March
6", "4 October 2007"); failing those, a month or a year ("in September", "March 2016", "in
2015", "last year") is resolved to its first day; everything else falls back to the
publication date. Each result says how it was resolved: ``stated`` (an explicit calendar
date), ``relative`` (a weekday or offset counted from publication), ``month`` or ``year``
(the first day of the month or year named: the event lies somewhere in it), ``publication``
(no usable expression), or ``unknown`` (no publication date either). A month named without
its year is the one nearest publication, the past one on a tie ("in September" in a March
article is last September; "in June" is this June). A regex pass is used instead of
dateparser: it is two orders of magnitude faster and its rules can be stated in a docstring.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from eventwire.model import DateResolution

__all__ = ["ResolvedDate", "resolve_date"]

_WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS: Final = {
    name: i + 1
    for i, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec"))
    )
    for name in names
}  # fmt: skip
_MONTH_RE: Final = "|".join(sorted(_MONTHS, key=len, reverse=True))

_DAY_MONTH_YEAR = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\.?,?\s+(\d{{4}})\b", re.I
)
_MONTH_DAY_YEAR = re.compile(
    rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b(?!\s*(?:%|percent))",
    re.I,
)
# What a number counts ("2000 troops", "2000 dollars"): a plural word after it.
_COUNTED: Final = r"(?!has\b|was\b)[a-z]{2,}s\b"
# "in September", "since March 2016", "last October": a month, with its year or after a
# preposition (a bare "March" is too often a name or a verb, "may" always).
_MONTH_YEAR = re.compile(rf"\b({_MONTH_RE})\.?,?\s+((?:19|20)\d\d)\b(?!\s+{_COUNTED})", re.I)
_IN_MONTH = re.compile(
    rf"\b(?:in|since|during|until|through|by|from|last|early|late|mid-?|of)\s+({_MONTH_RE})\b"
    r"(?!\s*\d)",
    re.I,
)
# "in 2015", not "a force of 2000 troops" nor "in 2000 dollars": a count is followed by
# what it counts.
_YEAR = re.compile(
    rf"\b(?:in|since|during|until|through|from)\s+((?:19|20)\d\d)\b(?!\s*%|\s+{_COUNTED})", re.I
)
_LAST_YEAR = re.compile(r"\blast\s+year\b", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WEEKDAY = re.compile(rf"\b(last\s+|this\s+|next\s+|on\s+)?({'|'.join(_WEEKDAYS)})\b", re.I)
_RELATIVE: Final = {
    "today": 0, "yesterday": -1, "tomorrow": 1, "last week": -7, "last month": -30,
    "next week": 7, "earlier this week": -2, "last night": -1, "this morning": 0,
    "on friday night": 0,
}  # fmt: skip
_RELATIVE_RE = re.compile(r"\b(" + "|".join(_RELATIVE) + r")\b", re.I)


@dataclass(frozen=True, slots=True)
class ResolvedDate:
    date: dt.date | None
    resolution: DateResolution
    text: str = ""


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def resolve_date(sentence: str, published: dt.date | None) -> ResolvedDate:
    """Resolve the day a sentence's event happened (see the module docstring)."""
    if m := _ISO.search(sentence):
        d = _safe_date(int(m[1]), int(m[2]), int(m[3]))
        if d:
            return ResolvedDate(d, "stated", m[0])
    if m := _DAY_MONTH_YEAR.search(sentence):
        d = _safe_date(int(m[3]), _MONTHS[m[2].lower()], int(m[1]))
        if d:
            return ResolvedDate(d, "stated", m[0])
    if (m := _MONTH_DAY_YEAR.search(sentence)) and (m[3] or published):
        if _is_month(m[1]):
            year = int(m[3]) if m[3] else published.year if published else 0
            d = _safe_date(year, _MONTHS[m[1].lower()], int(m[2]))
            if d and not m[3] and published and d > published + dt.timedelta(days=7):
                # "on December 30" in a January article is last year's December.
                d = _safe_date(year - 1, d.month, d.day)
            if d:
                return ResolvedDate(d, "stated", m[0])
    if published is None:
        return ResolvedDate(None, "unknown")
    if m := _RELATIVE_RE.search(sentence):
        return ResolvedDate(
            published + dt.timedelta(days=_RELATIVE[m[1].lower()]), "relative", m[0]
        )
    if m := _WEEKDAY.search(sentence):
        qualifier = (m[1] or "").strip().lower()
        target = _WEEKDAYS.index(m[2].lower())
        delta = (published.weekday() - target) % 7
        if qualifier == "next":
            ahead = (target - published.weekday()) % 7 or 7
            return ResolvedDate(published + dt.timedelta(days=ahead), "relative", m[0])
        if qualifier == "last" and delta == 0:
            delta = 7
        # News reports the past: a bare weekday is the most recent one, today included.
        return ResolvedDate(published - dt.timedelta(days=delta), "relative", m[0])
    return _month_or_year(sentence, published) or ResolvedDate(published, "publication")


def _is_month(word: str) -> bool:
    """A month name as matched: "may" is also a verb, so May needs its capital M."""
    return word.lower() != "may" or word[0] == "M"


def _month_or_year(sentence: str, published: dt.date) -> ResolvedDate | None:
    """The month or year a sentence names, at its first day (see the module docstring)."""
    if m := _MONTH_YEAR.search(sentence):
        if _is_month(m[1]):
            return ResolvedDate(dt.date(int(m[2]), _MONTHS[m[1].lower()], 1), "month", m[0])
    for m in _IN_MONTH.finditer(sentence):
        if not _is_month(m[1]):
            continue
        month = _MONTHS[m[1].lower()]
        # Nearer ahead than back (under six months to the next one): this year's or next
        # year's; otherwise, the same month included, the last one.
        if 0 < (month - published.month) % 12 < 6:
            year = published.year + (month < published.month)
        else:
            year = published.year - (month > published.month)
        return ResolvedDate(dt.date(year, month, 1), "month", m[0])
    if m := _YEAR.search(sentence):
        return ResolvedDate(dt.date(int(m[1]), 1, 1), "year", m[0])
    if m := _LAST_YEAR.search(sentence):
        return ResolvedDate(dt.date(published.year - 1, 1, 1), "year", m[0])
    return None
