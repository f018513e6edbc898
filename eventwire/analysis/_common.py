"""Shared pieces of the analyses: which events count, period arithmetic, error translation.

Every analysis counts only *new* events as reported: ``polarity = 'asserted'`` and
``modality = 'actual'``. A background reference ("since the army deposed the president last
year", stored as ``historical``) is not news of its article's period, and it was reported
when it happened, so counting it again would double it. Negated events ("did not
attack"), future ones ("will meet") and hypothetical ones ("could strike") describe no
interaction in that period; they are counted separately (``DyadSeries.set_aside``) so the
user can see how much was left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final, Literal, get_args

import duckdb

from eventwire.errors import StoreError, UsageError

__all__ = [
    "COUNTED_SQL",
    "SURENESS_SQL",
    "date_clauses",
    "write_output",
    "Freq",
    "check_freq",
    "check_range",
    "duckdb_errors",
    "next_period",
    "normalise_code",
    "period_range",
    "period_start",
]

Freq = Literal["day", "week", "month"]

# Inlined as SQL text only from this constant; never from user input.
COUNTED_SQL: Final = "polarity = 'asserted' AND modality = 'actual'"
# How sure the store is of a ``corrected_events`` row ``e``: the coder's confidence, or
# certain once an analyst has reviewed it. The events shown to explain a score are ranked by
# what they are expected to add to it, intensity times this: by intensity alone a doubtful
# accusation outranked a sure one (the demo's week of 13 March 2017 showed four sentences
# the detector had scored below 0.35 among its top five).
SURENESS_SQL: Final = "CASE WHEN e.reviewed THEN 1.0 ELSE coalesce(e.confidence, 1.0) END"


def check_freq(freq: str) -> Freq:
    """Return ``freq`` if it is a valid period name, else raise :class:`UsageError`.

    The period name is interpolated into ``date_trunc`` (DuckDB wants a constant there), so it
    must come from this whitelist.
    """
    if freq not in get_args(Freq):
        raise UsageError(
            f"Unknown period {freq!r}.", fix=f"Use one of: {', '.join(get_args(Freq))}."
        )
    return freq  # type: ignore[return-value]


def normalise_code(code: str, *, what: str) -> str:
    """Actor codes are stored upper-case (ISO-3 / IGO); accept any case from the user."""
    cleaned = code.strip().upper()
    if not cleaned:
        raise UsageError(f"The {what} actor code is empty.", fix="Pass a code such as USA or PRK.")
    return cleaned


def period_start(day: dt.date, freq: Freq) -> dt.date:
    """The first day of the period holding ``day``; weeks start on Monday (ISO, as DuckDB)."""
    if freq == "day":
        return day
    if freq == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def next_period(start: dt.date, freq: Freq) -> dt.date:
    if freq == "day":
        return start + dt.timedelta(days=1)
    if freq == "week":
        return start + dt.timedelta(days=7)
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def period_range(first: dt.date, last: dt.date, freq: Freq) -> list[dt.date]:
    """Every period start from the period of ``first`` to that of ``last`` inclusive: quiet
    periods must appear as zeros, or baselines and plots would skip over them."""
    out: list[dt.date] = []
    cur, end = period_start(first, freq), period_start(last, freq)
    while cur <= end:
        out.append(cur)
        cur = next_period(cur, freq)
    return out


def check_range(since: dt.date | None, until: dt.date | None) -> None:
    if since is not None and until is not None and since > until:
        raise UsageError(
            f"The start date {since} is after the end date {until}.",
            fix="Swap the dates or widen the range.",
        )


def date_clauses(
    since: dt.date | None,
    until: dt.date | None,
    params: dict[str, Any],
    *,
    column: str = "date",
) -> list[str]:
    """SQL conditions bounding ``column`` to [since, until] (either may be open); the dates
    are added to ``params`` as ``$since`` and ``$until``."""
    check_range(since, until)
    clauses: list[str] = []
    if since is not None:
        clauses.append(f"{column} >= $since")
        params["since"] = since
    if until is not None:
        clauses.append(f"{column} <= $until")
        params["until"] = until
    return clauses


def write_output(path: Path, data: str | bytes, what: str) -> Path:
    """Write a plot or report to ``path``, turning OS errors into a message with a fix."""
    try:
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
    except OSError as exc:
        raise UsageError(
            f"Cannot write the {what} to {path}.",
            cause=str(exc),
            fix="Check the directory exists and is writable.",
        ) from exc
    return path


@contextmanager
def duckdb_errors(what: str) -> Iterator[None]:
    """Translate DuckDB's exceptions into :class:`StoreError` with a fix to try."""
    try:
        yield
    except duckdb.CatalogException as exc:
        raise StoreError(
            f"{what} failed: the database has no eventwire tables.",
            cause=str(exc).splitlines()[0],
            fix="point at a database written by `eventwire code`",
        ) from exc
    except duckdb.Error as exc:
        raise StoreError(f"{what} failed.", cause=str(exc).splitlines()[0]) from exc
