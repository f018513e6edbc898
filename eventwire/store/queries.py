"""Reading events back: filtered, parametrised queries that stream in chunks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from eventwire.errors import StoreError

__all__ = ["EventFilter", "iter_event_batches", "select_events"]


@dataclass(frozen=True, slots=True, kw_only=True)
class EventFilter:
    """Which events to read. ``include_all`` also returns negated and hypothetical ones."""

    actor: str | None = None
    recipient: str | None = None
    event_type: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    include_all: bool = False
    limit: int | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("actor_code", self.actor),
            ("recipient_code", self.recipient),
            ("event_type", self.event_type),
        ):
            if value:
                clauses.append(f"{column} = ?")
                params.append(value.upper())
        if self.since:
            clauses.append("date >= ?")
            params.append(self.since)
        if self.until:
            clauses.append("date <= ?")
            params.append(self.until)
        if not self.include_all:
            clauses.append("polarity = 'asserted' AND modality IN ('actual', 'historical')")
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def select_events(con: duckdb.DuckDBPyConnection, flt: EventFilter) -> list[dict[str, Any]]:
    """Events matching ``flt`` as dicts, newest first."""
    return [row for batch in iter_event_batches(con, flt) for row in batch.to_pylist()]


def iter_event_batches(
    con: duckdb.DuckDBPyConnection, flt: EventFilter, *, batch_rows: int = 50_000
) -> Iterator[pa.RecordBatch]:
    """Stream matching events as Arrow record batches (bounded memory for any size)."""
    where, params = flt.where()
    sql = (
        "SELECT e.*, a.url AS article_url, a.outlet AS article_outlet, a.title AS article_title,"
        " a.story_id AS story_id FROM events e LEFT JOIN articles a ON a.id = e.article_id"
        + where.replace(" date ", " e.date ")
        + " ORDER BY e.date DESC NULLS LAST, e.id"
    )
    if flt.limit:
        sql += f" LIMIT {int(flt.limit)}"
    try:
        # A cursor of its own: the stream must not hold the caller's connection busy.
        cur = con.cursor()
        reader: pa.RecordBatchReader = cur.sql(sql, params=params).to_arrow_reader(batch_rows)
        yield from reader
    except duckdb.Error as exc:
        raise StoreError("Reading events failed.", cause=str(exc).splitlines()[0]) from exc
