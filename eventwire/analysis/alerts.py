"""Escalation alerts: periods where a dyad's conflict departs from its own recent past.

Method (also in ``README.md`` next to this file):

1. For each undirected dyad {A, B} and period, the **conflict intensity** is the sum of
   ``-intensity`` over its counted quad 3 and quad 4 events (verbal and material conflict),
   in both directions; positive intensities in those quads (none in PLOVER today) add
   nothing. Counted events are new: asserted and actual.
2. The series runs without gaps over the bulk span of the store's dates (``span``; or
   ``since``..``until`` where given), whatever dyad is asked for, so a dyad that was silent
   has a baseline of zeros.
3. For period *t* with at least ``window`` earlier periods, the baseline is the previous
   ``window`` periods: median *m* and median absolute deviation *MAD*. The robust z-score is
   ``z = (x_t - m) / s`` with ``s = max(1.4826 * MAD, 0.1 * |m|, min_scale)``. 1.4826 makes
   MAD estimate a standard deviation under normality; the two floors stop a flat baseline
   (MAD 0) from turning any small change into an infinite z: a change must be at least
   ``threshold * min_scale`` intensity points and ``threshold`` tenths of the usual level.
   ``min_scale`` defaults to 3.0, one accusation (ACCUSE scores -3): against a silent
   baseline a z of 1 is one such event more, not one intensity point (the floor was 1.0,
   and a burst of six attacks read "z 57").
4. A zero baseline is only evidence of calm if news was being collected then. A period
   **holds data** when the whole store (every dyad) has at least a tenth of its typical
   period volume of counted events in it, and at least one; "typical" is the volume of the
   period an event typically falls in (half of the events lie in periods at least that
   busy), so a long thin tail of periods does not pull it down. Baseline periods without
   data are unknown, not zeros: the median and MAD are taken over the others. The alert's
   ``history`` is the number of its ``window`` baseline periods that hold data; it needs at
   least ``min_history`` (default: half the window, 4 of 8). Without this, in the demo, the
   first week of full collection (2017-02-06: RUS–TUR, conflict 57 vs baseline 0) was
   scored against weeks of a thin trickle, or before collection began.
5. An alert is raised when ``z >= threshold``, the history suffices, and the period holds at
   least ``min_events`` conflict events (one dramatic sentence is not a trend). Only rises
   are reported: this is an escalation detector.

Each alert carries its evidence: the period's most conflictual events of the dyad with their
sentences and sources.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from eventwire.analysis._common import (
    COUNTED_SQL,
    SURENESS_SQL,
    Freq,
    check_freq,
    date_clauses,
    duckdb_errors,
    next_period,
    normalise_code,
    period_range,
)
from eventwire.analysis.evidence import EVIDENCE_COLUMNS, EvidenceEvent, evidence_from_row
from eventwire.analysis.span import bulk_span, clip_to_span
from eventwire.errors import UsageError

__all__ = ["Alert", "detect_alerts"]

_MAD_TO_SD = 1.4826
_RELATIVE_FLOOR = 0.1
# A period holds data when the store has at least this share of its typical period volume.
_DATA_SHARE = 0.1
_CHUNK = 2048  # dyads per numpy block: bounds memory of the window view copies


@dataclass(frozen=True, slots=True)
class Alert:
    """One escalation: dyad ``a``–``b`` in the period starting ``period`` (to ``period_end``,
    exclusive) had conflict intensity ``value`` against a baseline median ``baseline`` with
    scale ``scale``: robust z-score ``z``. ``history`` of the ``window`` baseline periods
    held data (news was being collected). ``evidence`` holds the events that drove it."""

    a: str
    b: str
    freq: Freq
    period: dt.date
    period_end: dt.date
    value: float
    events: int
    baseline: float
    mad: float
    scale: float
    z: float
    history: int = 0
    window: int = 0
    evidence: tuple[EvidenceEvent, ...] = ()

    @property
    def event_ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.evidence)

    def summary(self) -> str:
        """One line for people: the values, the z-score and the history behind it."""
        return (
            f"conflict {self.value:.1f} vs baseline {self.baseline:.1f} (z {self.z:.1f}, "
            f"{self.events} events; {self.history} of {self.window} baseline "
            f"{self.freq}s with data)"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "freq": self.freq,
            "period": self.period.isoformat(),
            "period_end": self.period_end.isoformat(),
            "value": round(self.value, 3),
            "events": self.events,
            "baseline": round(self.baseline, 3),
            "mad": round(self.mad, 3),
            "scale": round(self.scale, 3),
            "z": round(self.z, 3),
            "history": self.history,
            "window": self.window,
            "evidence": [e.to_dict() for e in self.evidence],
        }


def detect_alerts(
    con: duckdb.DuckDBPyConnection,
    *,
    a: str | None = None,
    b: str | None = None,
    freq: Freq = "week",
    window: int = 8,
    threshold: float = 2.0,
    min_events: int = 3,
    min_scale: float = 3.0,
    min_history: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    evidence: int = 5,
    limit: int | None = None,
) -> list[Alert]:
    """Find escalations (see the module docstring for the method).

    With ``a`` and ``b`` only that dyad is examined; with one of them, every dyad involving
    it; with neither, every dyad. Returns alerts sorted by period then descending z; with
    ``limit`` only the ``limit`` highest z-scores are kept. ``evidence`` is the number of
    supporting events attached to each alert. ``min_history`` is the number of baseline
    periods that must hold data (default: all ``window`` of them).
    """
    freq = check_freq(freq)
    if window < 2:
        raise UsageError(f"window must be at least 2 periods; got {window}.")
    need = (window + 1) // 2 if min_history is None else min_history
    if not 1 <= need <= window:
        raise UsageError(
            f"min_history must be between 1 and the window ({window}); got {need}.",
            fix="lower min_history or widen the window",
        )
    if threshold <= 0 or min_scale <= 0:
        raise UsageError("threshold and min_scale must be positive.")
    if min_events < 1 or evidence < 0 or (limit is not None and limit < 0):
        raise UsageError("min_events must be at least 1; evidence and limit non-negative.")

    # Like the timeline and the report, alerts look at the bulk span of the store's dates
    # where the caller leaves the range open: the weeks of far-off stated dates (1957) hold
    # no news to compare with, and a daily series from 1904 would only cost memory.
    span = bulk_span(con)
    since, until = clip_to_span(span, since, until)

    where = [COUNTED_SQL, "date IS NOT NULL", "actor_code IS NOT NULL",
             "recipient_code IS NOT NULL", "actor_code <> recipient_code"]  # fmt: skip
    params: dict[str, Any] = {}
    codes = [normalise_code(c, what=w) for c, w in ((a, "first"), (b, "second")) if c]
    if len(codes) == 2:
        if codes[0] == codes[1]:
            raise UsageError(f"A dyad needs two different actors; got {codes[0]} twice.")
        where.append("least(actor_code, recipient_code) = least($a, $b)")
        where.append("greatest(actor_code, recipient_code) = greatest($a, $b)")
        params.update(a=codes[0], b=codes[1])
    elif codes:
        where.append("(actor_code = $a OR recipient_code = $a)")
        params["a"] = codes[0]
    where += date_clauses(since, until, params)
    cond = " AND ".join(where)
    # The series spans the whole store's dates whatever the dyad filter, as without one:
    # a dyad's silence before its first event is part of its baseline.
    span_params: dict[str, Any] = {}
    span_cond = " AND ".join(
        [COUNTED_SQL, "date IS NOT NULL", *date_clauses(since, until, span_params)]
    )

    with duckdb_errors("Detecting alerts"):
        bounds = con.execute(
            f"SELECT min(date), max(date) FROM corrected_events WHERE {span_cond}", span_params
        )
        first, last = bounds.fetchone() or (None, None)
        if first is None or last is None:
            return []
        # Only dyads that reach min_events in some period can alert: prune the rest in SQL.
        rows = con.execute(
            f"""WITH p AS (
                    SELECT least(actor_code, recipient_code) AS lo,
                           greatest(actor_code, recipient_code) AS hi,
                           date_trunc('{freq}', date)::DATE AS period,
                           sum(greatest(-intensity, 0)) AS value, count(*) AS n
                    FROM corrected_events WHERE {cond} AND quad IN (3, 4)
                    GROUP BY ALL)
                SELECT lo, hi, period, value, n FROM p
                QUALIFY max(n) OVER (PARTITION BY lo, hi) >= $min_events
                ORDER BY lo, hi, period""",
            {**params, "min_events": min_events},
        ).fetchall()
    periods = period_range(since or first, until or last, freq)
    if len(periods) <= window or not rows:
        return []
    has_data = _periods_with_data(con, periods, freq)
    index = {p: i for i, p in enumerate(periods)}
    dyads = sorted({(r[0], r[1]) for r in rows})
    dindex = {d: i for i, d in enumerate(dyads)}
    values = np.zeros((len(dyads), len(periods)))
    counts = np.zeros((len(dyads), len(periods)), dtype=np.int64)
    for lo, hi, period, value, n in rows:
        values[dindex[(lo, hi)], index[period]] = float(value or 0.0)
        counts[dindex[(lo, hi)], index[period]] = int(n)

    # history[k]: how many of the baseline periods of period k + window hold data.
    history = sliding_window_view(has_data, window)[:-1].sum(axis=1)
    # A period without data is unknown, not calm: NaN, left out of the medians.
    unknown = np.where(has_data, 0.0, np.nan)
    found: list[tuple[int, int, float, float, float, float]] = []  # dyad, period, m, mad, s, z
    for start in range(0, len(dyads), _CHUNK):
        block = values[start : start + _CHUNK]
        # Window k covers periods k..k+window-1 and is the baseline of period k+window.
        base = sliding_window_view(block + unknown, window, axis=1)[:, :-1, :]
        with warnings.catch_warnings():  # windows without any data: NaN, never an alert
            warnings.simplefilter("ignore", RuntimeWarning)
            med = np.nanmedian(base, axis=2)
            mad = np.nanmedian(np.abs(base - med[:, :, None]), axis=2)
        scale = np.maximum(np.maximum(_MAD_TO_SD * mad, _RELATIVE_FLOOR * np.abs(med)), min_scale)
        current = block[:, window:]
        z = (current - med) / scale
        hits = np.argwhere(
            (z >= threshold)
            & (counts[start : start + _CHUNK, window:] >= min_events)
            & (history >= need)[None, :]
        )
        for di, k in hits:
            found.append((start + int(di), int(k) + window, float(med[di, k]), float(mad[di, k]),
                          float(scale[di, k]), float(z[di, k])))  # fmt: skip
    if limit is not None:
        found = sorted(found, key=lambda f: -f[5])[:limit]
    found.sort(key=lambda f: (periods[f[1]], -f[5], dyads[f[0]]))

    ev = _evidence(con, [(dyads[d], periods[t], freq) for d, t, *_ in found], evidence)
    ordered = (codes[0], codes[1]) if len(codes) == 2 else None
    alerts: list[Alert] = []
    for i, (d, t, med_v, mad_v, scale_v, z_v) in enumerate(found):
        lo, hi = dyads[d]
        pa_, pb_ = ordered if ordered else (lo, hi)
        alerts.append(
            Alert(a=pa_, b=pb_, freq=freq, period=periods[t],
                  period_end=next_period(periods[t], freq), value=float(values[d, t]),
                  events=int(counts[d, t]), baseline=med_v, mad=mad_v, scale=scale_v, z=z_v,
                  history=int(history[t - window]), window=window,
                  evidence=tuple(ev.get(i, ())))
        )  # fmt: skip
    return alerts


def _periods_with_data(
    con: duckdb.DuckDBPyConnection, periods: list[dt.date], freq: Freq
) -> np.ndarray:
    """Whether each of ``periods`` holds data (1) or not (0): the store's counted events in
    it number at least ``_DATA_SHARE`` of the typical volume, and at least one.

    The typical volume is that of the period an event typically falls in (half of the
    events lie in periods at least that busy): unlike the median period, it is not pulled
    down by a long thin tail (the demo: ~40 articles a week for two months, then 300 to
    1,000). Counted over the whole store, whatever the dyad and date filters: a dyad's
    quiet weeks are real zeros when the rest of the news was being collected."""
    with duckdb_errors("Measuring the data behind the baselines"):
        rows = con.execute(
            f"""SELECT date_trunc('{freq}', date)::DATE AS period, count(*) FROM corrected_events
                WHERE {COUNTED_SQL} AND date IS NOT NULL GROUP BY ALL"""
        ).fetchall()
    volume = {p: int(n) for p, n in rows}
    busiest_first = sorted(volume.values(), reverse=True)
    cumulative = np.cumsum(busiest_first)
    typical = 0.0
    if busiest_first:
        typical = busiest_first[int(np.searchsorted(cumulative, cumulative[-1] / 2))]
    needed = max(1.0, _DATA_SHARE * typical)
    return np.array([volume.get(p, 0) >= needed for p in periods], dtype=np.int64)


def _evidence(
    con: duckdb.DuckDBPyConnection,
    keys: list[tuple[tuple[str, str], dt.date, Freq]],
    n: int,
) -> dict[int, list[EvidenceEvent]]:
    """The ``n`` counted events behind each alert that add most conflict to its value,
    intensity times how sure the coder was (``SURENESS_SQL``), in one query."""
    if not keys or n == 0:
        return {}
    args = {
        "k": list(range(len(keys))),
        "lo": [k[0][0] for k in keys],
        "hi": [k[0][1] for k in keys],
        "ps": [k[1] for k in keys],
        "pe": [next_period(k[1], k[2]) for k in keys],
        "n": n,
    }
    with duckdb_errors("Reading the alerts' evidence"):
        rows = con.execute(
            f"""WITH k AS (SELECT unnest($k::INTEGER[]) AS k, unnest($lo::VARCHAR[]) AS lo,
                                  unnest($hi::VARCHAR[]) AS hi, unnest($ps::DATE[]) AS ps,
                                  unnest($pe::DATE[]) AS pe)
                SELECT k.k, {EVIDENCE_COLUMNS}
                FROM k JOIN corrected_events e
                  ON least(e.actor_code, e.recipient_code) = k.lo
                 AND greatest(e.actor_code, e.recipient_code) = k.hi
                 AND e.date >= k.ps AND e.date < k.pe
                LEFT JOIN articles a ON a.id = e.article_id
                WHERE e.polarity = 'asserted' AND e.modality = 'actual'
                  AND e.quad IN (3, 4)
                QUALIFY row_number() OVER (
                    PARTITION BY k.k ORDER BY e.intensity * {SURENESS_SQL}, e.id) <= $n
                ORDER BY k.k, e.intensity * {SURENESS_SQL}, e.id""",
            args,
        ).fetchall()
    out: dict[int, list[EvidenceEvent]] = {}
    for row in rows:
        out.setdefault(int(row[0]), []).append(evidence_from_row(row[1:]))
    return out
