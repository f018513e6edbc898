"""A dyad's time series: what A did to B and B to A, period by period.

Per period and direction the series holds the event count, counts by quad and by PLOVER type,
and the **net cooperation-conflict score**: the sum of the PLOVER intensities (-10 most
conflictual .. +10 most cooperative) of the counted events, with their mean alongside. The sum
grows with the volume of interaction (ten accusations weigh more than one), which is what an
analyst following escalation wants; the mean says how hostile a typical event was.

Only new events (asserted and actual) count (see ``_common``); those set aside are
tallied in ``DyadSeries.set_aside`` and events without a date in ``DyadSeries.undated``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import duckdb

from eventwire.analysis._common import (
    COUNTED_SQL,
    Freq,
    check_freq,
    date_clauses,
    duckdb_errors,
    normalise_code,
    period_range,
)
from eventwire.errors import UsageError
from eventwire.ontology.plover import EVENT_TYPES

__all__ = [
    "DirectionCounts",
    "DyadPeriod",
    "DyadSeries",
    "dyad_series",
    "series_csv",
    "series_json",
    "series_rows",
]

_EMPTY_TYPES: Mapping[str, int] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class DirectionCounts:
    """One direction (A→B or B→A) in one period."""

    events: int = 0
    by_quad: tuple[int, int, int, int] = (0, 0, 0, 0)
    by_type: Mapping[str, int] = field(default_factory=lambda: _EMPTY_TYPES)
    net: float = 0.0

    @property
    def mean(self) -> float | None:
        """Mean intensity of the period's events; ``None`` when there were none."""
        return self.net / self.events if self.events else None


@dataclass(frozen=True, slots=True)
class DyadPeriod:
    """One period: ``start`` is its first day (weeks start on Monday)."""

    start: dt.date
    ab: DirectionCounts
    ba: DirectionCounts

    @property
    def events(self) -> int:
        return self.ab.events + self.ba.events

    @property
    def net(self) -> float:
        """Net score of both directions together."""
        return self.ab.net + self.ba.net

    @property
    def mean(self) -> float | None:
        return self.net / self.events if self.events else None


@dataclass(frozen=True, slots=True)
class DyadSeries:
    """The time series of dyad ``a``–``b``, one :class:`DyadPeriod` per period with no gaps
    between the first and last period (from ``since``/``until`` when given, else from the
    dyad's first and last dated event)."""

    a: str
    b: str
    freq: Freq
    periods: tuple[DyadPeriod, ...]
    since: dt.date | None = None
    until: dt.date | None = None
    set_aside: int = 0  # negated, future or hypothetical events of the dyad in range
    undated: int = 0  # counted-kind events of the dyad with no resolved date

    @property
    def total_events(self) -> int:
        return sum(p.events for p in self.periods)


def dyad_series(
    con: duckdb.DuckDBPyConnection,
    a: str,
    b: str,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    freq: Freq = "week",
) -> DyadSeries:
    """Count the events between actor codes ``a`` and ``b`` (both directions) per period.

    ``since`` and ``until`` are inclusive dates. Raises :class:`UsageError` for a bad period
    name, equal codes or a reversed range, and :class:`StoreError` when the query fails.
    """
    freq = check_freq(freq)
    a, b = normalise_code(a, what="first"), normalise_code(b, what="second")
    if a == b:
        raise UsageError(f"A dyad needs two different actors; got {a} twice.")
    pair = (
        "((actor_code = $a AND recipient_code = $b) OR (actor_code = $b AND recipient_code = $a))"
    )
    params: dict[str, Any] = {"a": a, "b": b}
    in_range = "".join(f" AND {c}" for c in date_clauses(since, until, params))
    with duckdb_errors("Reading the dyad's events"):
        rows = con.execute(
            f"""SELECT date_trunc('{freq}', date)::DATE AS period, actor_code = $a AS forward,
                       event_type, quad, count(*) AS n, sum(intensity) AS net
                FROM corrected_events
                WHERE {pair} AND {COUNTED_SQL} AND date IS NOT NULL{in_range}
                GROUP BY ALL ORDER BY period""",
            params,
        ).fetchall()
        # Undated events cannot be placed in a range, so they are reported whatever the range.
        aside_row = con.execute(
            f"""SELECT count(*) FILTER (WHERE NOT ({COUNTED_SQL}) {in_range}),
                       count(*) FILTER (WHERE ({COUNTED_SQL}) AND date IS NULL)
                FROM corrected_events WHERE {pair}""",
            params,
        ).fetchone()
    set_aside, undated = (int(aside_row[0]), int(aside_row[1])) if aside_row else (0, 0)

    # Accumulate per (period, direction) before freezing: DuckDB hands back one row per type.
    acc: dict[tuple[dt.date, bool], dict[str, Any]] = {}
    for period, forward, event_type, quad, n, net in rows:
        slot = acc.setdefault(
            (period, bool(forward)), {"events": 0, "quad": [0, 0, 0, 0], "types": {}, "net": 0.0}
        )
        slot["events"] += int(n)
        if quad in (1, 2, 3, 4):
            slot["quad"][quad - 1] += int(n)
        slot["types"][event_type] = slot["types"].get(event_type, 0) + int(n)
        slot["net"] += float(net or 0.0)

    starts = [p for p, _ in acc]
    first = since or (min(starts) if starts else None)
    last = until or (max(starts) if starts else None)
    periods: list[DyadPeriod] = []
    if first is not None and last is not None:
        for start in period_range(first, last, freq):
            periods.append(
                DyadPeriod(start=start, ab=_freeze(acc.get((start, True))),
                           ba=_freeze(acc.get((start, False))))
            )  # fmt: skip
    return DyadSeries(
        a=a,
        b=b,
        freq=freq,
        periods=tuple(periods),
        since=since,
        until=until,
        set_aside=set_aside,
        undated=undated,
    )


def _freeze(slot: dict[str, Any] | None) -> DirectionCounts:
    if slot is None:
        return DirectionCounts()
    q = slot["quad"]
    return DirectionCounts(
        events=slot["events"],
        by_quad=(q[0], q[1], q[2], q[3]),
        by_type=MappingProxyType(dict(sorted(slot["types"].items()))),
        net=slot["net"],
    )


def series_rows(series: DyadSeries, *, types: bool = True) -> list[dict[str, Any]]:
    """Flat, JSON- and CSV-ready rows, one per period.

    Columns: ``period`` (ISO date), then for each direction ``ab_`` (A→B) and ``ba_`` (B→A):
    ``events``, ``q1``..``q4``, ``net``, ``mean`` and (with ``types``) one column per PLOVER
    type; then ``events``, ``net`` and ``mean`` for both directions together.
    """
    out: list[dict[str, Any]] = []
    for p in series.periods:
        row: dict[str, Any] = {"period": p.start.isoformat()}
        for prefix, d in (("ab", p.ab), ("ba", p.ba)):
            row[f"{prefix}_events"] = d.events
            for i, n in enumerate(d.by_quad, start=1):
                row[f"{prefix}_q{i}"] = n
            row[f"{prefix}_net"] = round(d.net, 3)
            row[f"{prefix}_mean"] = None if d.mean is None else round(d.mean, 3)
            if types:
                for t in EVENT_TYPES:
                    row[f"{prefix}_{t}"] = d.by_type.get(t, 0)
        row["events"] = p.events
        row["net"] = round(p.net, 3)
        row["mean"] = None if p.mean is None else round(p.mean, 3)
        out.append(row)
    return out


def series_json(series: DyadSeries, *, types: bool = True) -> dict[str, Any]:
    """The whole series as a JSON-ready dict: header fields plus ``rows``."""
    return {
        "a": series.a,
        "b": series.b,
        "freq": series.freq,
        "since": series.since.isoformat() if series.since else None,
        "until": series.until.isoformat() if series.until else None,
        "set_aside": series.set_aside,
        "undated": series.undated,
        "rows": series_rows(series, types=types),
    }


def series_csv(series: DyadSeries, out: Path | None = None, *, types: bool = True) -> str:
    """The rows as CSV text; also written to ``out`` when given."""
    rows = series_rows(series, types=types)
    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    text = buf.getvalue()
    if out is not None:
        out.write_text(text, encoding="utf-8")
    return text
