"""The range of dates that holds the bulk of a store's events.

Why this exists: a news corpus covers a few months, but its sentences also state dates long
past ("signed the Treaty of Rome on March 25, 1957"). Coded as events of those dates, a few
dozen of them stretch a timeline over a century and squeeze the months of news into its last
pixels. Views therefore open on the **bulk span** and say how many events they leave out;
asking for all dates shows everything.

The bulk span is computed over the counted events (asserted and actual) of the whole store:

1. the core runs from the 1st to the 99th percentile of their dates (``lower``, ``upper``),
   so that a handful of far-off dates cannot move it;
2. it is then widened, at each end, over further dates that continue it with no gap longer
   than ``gap_days`` (default 7): the thin first and last days of a collection belong to it,
   dates separated from it by weeks or centuries do not.

A store with few events keeps its whole range (the percentiles of ten dates are their
minimum and maximum).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import duckdb

from eventwire.analysis._common import COUNTED_SQL, duckdb_errors
from eventwire.errors import UsageError

__all__ = ["DateSpan", "Outside", "bulk_span", "clip_to_span", "dated_outside"]


@dataclass(frozen=True, slots=True)
class DateSpan:
    """The bulk span ``first``..``last`` (inclusive) of a store's counted, dated events;
    ``earliest`` and ``latest`` are the extreme dates, ``events`` the number of such events
    and ``outside`` how many of them lie outside the bulk span."""

    first: dt.date
    last: dt.date
    earliest: dt.date
    latest: dt.date
    events: int
    outside: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "earliest": self.earliest.isoformat(),
            "latest": self.latest.isoformat(),
            "events": self.events,
            "outside": self.outside,
        }


@dataclass(frozen=True, slots=True)
class Outside:
    """Events of a view dated outside the range it shows: how many, and their extremes."""

    events: int
    earliest: dt.date | None
    latest: dt.date | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "earliest": self.earliest.isoformat() if self.earliest else None,
            "latest": self.latest.isoformat() if self.latest else None,
        }


def bulk_span(
    con: duckdb.DuckDBPyConnection,
    *,
    lower: float = 0.01,
    upper: float = 0.99,
    gap_days: int = 7,
) -> DateSpan | None:
    """The bulk span of the store's counted, dated events (see the module docstring); None
    when no counted event has a date."""
    if not 0 <= lower <= upper <= 1:
        raise UsageError(
            f"Percentiles must satisfy 0 <= lower <= upper <= 1; got {lower}, {upper}."
        )
    if gap_days < 0:
        raise UsageError(f"gap_days must not be negative; got {gap_days}.")
    with duckdb_errors("Finding the span of the dates"):
        rows: list[tuple[dt.date, int]] = con.execute(
            f"""SELECT date, count(*) FROM corrected_events WHERE {COUNTED_SQL} AND date IS NOT NULL
                GROUP BY date ORDER BY date"""
        ).fetchall()
    if not rows:
        return None
    dates = [d for d, _ in rows]
    total = sum(n for _, n in rows)
    # Ranks into the sorted events: floor at the low end and ceil at the high one, so that
    # the core never excludes an event the percentile itself would keep.
    lo_rank, hi_rank = math.floor(lower * (total - 1)), math.ceil(upper * (total - 1))
    lo = hi = -1
    seen = 0
    for i, (_, n) in enumerate(rows):
        if lo < 0 and seen + n > lo_rank:
            lo = i
        if seen + n > hi_rank:
            hi = i
            break
        seen += n
    gap = dt.timedelta(days=gap_days)
    while lo > 0 and dates[lo] - dates[lo - 1] <= gap:
        lo -= 1
    while hi < len(dates) - 1 and dates[hi + 1] - dates[hi] <= gap:
        hi += 1
    inside = sum(n for _, n in rows[lo : hi + 1])
    return DateSpan(
        first=dates[lo],
        last=dates[hi],
        earliest=dates[0],
        latest=dates[-1],
        events=total,
        outside=total - inside,
    )


def clip_to_span(
    span: DateSpan | None, since: dt.date | None, until: dt.date | None
) -> tuple[dt.date | None, dt.date | None]:
    """The range a view shows: ``since``..``until`` where the user gave them, the bulk span
    at an open end. A bound the user gave is theirs to keep, even outside the bulk span;
    when it lies beyond the span, the other end stays open rather than making the range
    empty."""
    if span is None:
        return since, until
    lo = since if since is not None else span.first
    hi = until if until is not None else span.last
    if lo > hi:
        return since, until
    return lo, hi


def dated_outside(
    con: duckdb.DuckDBPyConnection,
    where: str,
    params: dict[str, Any],
    since: dt.date | None,
    until: dt.date | None,
) -> Outside:
    """How many events matching ``where`` (SQL built from constants, values bound in
    ``params``) are dated outside ``since``..``until``, with their earliest and latest date.

    ``params`` must not use the names ``$span_since`` and ``$span_until``."""
    bounds: list[str] = []
    args = dict(params)
    if since is not None:
        bounds.append("date < $span_since")
        args["span_since"] = since
    if until is not None:
        bounds.append("date > $span_until")
        args["span_until"] = until
    if not bounds:
        return Outside(0, None, None)
    with duckdb_errors("Counting events outside the shown dates"):
        row = con.execute(
            f"""SELECT count(*), min(date), max(date) FROM corrected_events
                WHERE ({where}) AND date IS NOT NULL AND ({" OR ".join(bounds)})""",
            args,
        ).fetchone()
    if not row or not row[0]:
        return Outside(0, None, None)
    return Outside(int(row[0]), row[1], row[2])
