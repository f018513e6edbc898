"""Reading events back: filtered, parametrised queries that stream in chunks, and the
syndicated view of them (one row per event of a story, with GDELT-style counts)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow as pa

from eventwire.errors import StoreError, UsageError
from eventwire.store.schema import SYNDICATION_COLUMNS, SYNDICATION_WINDOW

__all__ = [
    "EventFilter",
    "InputCounts",
    "RejectedGroup",
    "Story",
    "input_counts",
    "iter_event_batches",
    "list_stories",
    "rejected_groups",
    "select_events",
    "select_story_events",
]


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

    def where(self, *, table: str = "") -> tuple[str, list[Any]]:
        """A `` WHERE ...`` clause (or "") and its parameters; ``table`` qualifies columns.

        Values are always parameters, never spliced into the SQL. Every column filtered on
        here is part of schema.STORY_KEY: keep it so (syndication counts rely on it).
        """
        q = f"{table}." if table else ""
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("actor_code", self.actor),
            ("recipient_code", self.recipient),
            ("event_type", self.event_type),
        ):
            if value:
                clauses.append(f"{q}{column} = ?")
                params.append(value.upper())
        if self.since:
            clauses.append(f"{q}date >= ?")
            params.append(self.since)
        if self.until:
            clauses.append(f"{q}date <= ?")
            params.append(self.until)
        if not self.include_all:
            clauses.append(f"{q}polarity = 'asserted' AND {q}modality = 'actual'")
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def select_events(
    con: duckdb.DuckDBPyConnection, flt: EventFilter, *, one_per_story: bool = False
) -> list[dict[str, Any]]:
    """Events matching ``flt`` as dicts, newest first (see :func:`iter_event_batches`)."""
    batches = iter_event_batches(con, flt, one_per_story=one_per_story)
    return [row for batch in batches for row in batch.to_pylist()]


def iter_event_batches(
    con: duckdb.DuckDBPyConnection,
    flt: EventFilter,
    *,
    batch_rows: int = 10_000,
    one_per_story: bool = False,
) -> Iterator[pa.RecordBatch]:
    """Stream matching events as Arrow record batches (bounded memory for any size).

    Each row carries its syndication: ``story_key`` (the story, or the article when it has
    none), ``story_event_id`` (the story's representative of this event), ``num_articles``,
    ``num_sources`` (distinct outlets) and ``num_mentions``. With ``one_per_story`` only
    representatives are returned: each event once however many copies reported it.
    """
    where, params = flt.where(table="e")
    # The filter runs before the counting windows: sound because every filtered column is in
    # the window's partition key, so a group is either kept whole or dropped whole.
    sql = (
        "SELECT * FROM (SELECT e.*, a.url AS article_url, a.outlet AS article_outlet,"
        " a.title AS article_title, a.story_id AS story_id, "
        + SYNDICATION_COLUMNS
        + " FROM corrected_events e LEFT JOIN articles a ON a.id = e.article_id"
        + where
        + " "
        + SYNDICATION_WINDOW
        + ")"
        + (" WHERE id = story_event_id" if one_per_story else "")
        + " ORDER BY date DESC NULLS LAST, id"
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


def select_story_events(
    con: duckdb.DuckDBPyConnection,
    flt: EventFilter | None = None,
    *,
    story_id: str | None = None,
    min_articles: int = 1,
) -> list[dict[str, Any]]:
    """Events counted once per story (the ``story_events`` view) as dicts: the key columns,
    ``id`` (the representative event), ``num_articles``, ``num_sources``, ``num_mentions``,
    ``article_ids``, ``outlets``, ``first_published``. Most widely reported first."""
    flt = flt or EventFilter(include_all=True)
    where, params = flt.where()
    clauses = [where[len(" WHERE ") :]] if where else []
    if story_id is not None:
        clauses.append("story_id = ?")
        params.append(story_id)
    clauses.append("num_articles >= ?")
    params.append(int(min_articles))
    sql = (
        "SELECT * FROM story_events WHERE "
        + " AND ".join(clauses)
        + " ORDER BY num_articles DESC, num_sources DESC, date DESC NULLS LAST, id"
    )
    if flt.limit:
        sql += f" LIMIT {int(flt.limit)}"
    return _fetch_dicts(con, sql, params, what="story events")


@dataclass(frozen=True, slots=True, kw_only=True)
class Story:
    """A story: the articles grouped as near-duplicates (syndicated copies) of one report."""

    story_id: str
    title: str
    first_published: dt.date | None
    num_articles: int
    num_sources: int
    num_events: int
    article_ids: tuple[str, ...]
    outlets: tuple[str, ...]


def list_stories(
    con: duckdb.DuckDBPyConnection, *, limit: int | None = 50, min_articles: int = 2
) -> list[Story]:
    """Stories with at least ``min_articles`` articles, most widely syndicated first.

    ``num_events`` counts the story's events once each (``story_events``), not once per copy;
    ``title`` is the earliest article's.
    """
    if min_articles < 1:
        raise UsageError(f"min_articles must be at least 1, not {min_articles}.")
    sql = """
        WITH s AS (
            SELECT coalesce(story_id, id) AS story_id,
                   arg_min(title, (published IS NULL, published, id)) AS title,
                   min(published) AS first_published,
                   count(*) AS num_articles,
                   count(DISTINCT coalesce(lower(outlet), '#' || id)) AS num_sources,
                   list(id ORDER BY published NULLS LAST, id) AS article_ids,
                   list(DISTINCT outlet ORDER BY outlet) FILTER (WHERE outlet IS NOT NULL)
                       AS outlets
            FROM articles GROUP BY ALL HAVING count(*) >= ?
        ), n AS (SELECT story_id, count(*) AS num_events FROM story_events GROUP BY ALL)
        SELECT s.*, coalesce(n.num_events, 0) AS num_events
        FROM s LEFT JOIN n USING (story_id)
        ORDER BY num_articles DESC, num_sources DESC, first_published DESC NULLS LAST, story_id
    """
    params: list[Any] = [int(min_articles)]
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return [
        Story(
            story_id=r["story_id"],
            title=r["title"] or "",
            first_published=r["first_published"],
            num_articles=int(r["num_articles"]),
            num_sources=int(r["num_sources"]),
            num_events=int(r["num_events"]),
            article_ids=tuple(r["article_ids"] or ()),
            outlets=tuple(r["outlets"] or ()),
        )
        for r in _fetch_dicts(con, sql, params, what="stories")
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
class InputCounts:
    """What became of one input's records: ``records = articles + skipped + rejected``."""

    source: str
    records: int
    articles: int
    events: int
    skipped: int
    rejected: int


def input_counts(con: duckdb.DuckDBPyConnection) -> list[InputCounts]:
    """Per input (file path, or "(text)" for articles coded without one), its records'
    fate: every record read ends as an article or a skipped or rejected row."""
    sql = """
        WITH a AS (
            SELECT coalesce(source, '(text)') AS source, count(*) AS articles,
                   coalesce(sum(n_events), 0) AS events
            FROM articles GROUP BY ALL
        ), r AS (
            SELECT coalesce(source, '(text)') AS source,
                   count(*) FILTER (WHERE status = 'skipped') AS skipped,
                   count(*) FILTER (WHERE status <> 'skipped') AS rejected
            FROM rejected GROUP BY ALL
        )
        SELECT source, coalesce(articles, 0) AS articles, coalesce(events, 0) AS events,
               coalesce(skipped, 0) AS skipped, coalesce(rejected, 0) AS rejected
        FROM a FULL OUTER JOIN r USING (source) ORDER BY source
    """
    return [
        InputCounts(
            source=r["source"],
            records=int(r["articles"] + r["skipped"] + r["rejected"]),
            articles=int(r["articles"]),
            events=int(r["events"]),
            skipped=int(r["skipped"]),
            rejected=int(r["rejected"]),
        )
        for r in _fetch_dicts(con, sql, [], what="input counts")
    ]


@dataclass(frozen=True, slots=True, kw_only=True)
class RejectedGroup:
    """Skipped or rejected records of one input with one reason."""

    source: str
    status: str
    reason: str
    records: int
    first_line: int | None


def rejected_groups(con: duckdb.DuckDBPyConnection) -> list[RejectedGroup]:
    """Skipped and rejected records grouped by input, status and reason."""
    sql = """SELECT coalesce(source, '(text)') AS source, status, reason, count(*) AS records,
                    min(line) AS first_line
             FROM rejected GROUP BY ALL ORDER BY ALL"""
    return [
        RejectedGroup(
            source=r["source"],
            status=r["status"],
            reason=r["reason"],
            records=int(r["records"]),
            first_line=r["first_line"],
        )
        for r in _fetch_dicts(con, sql, [], what="rejected records")
    ]


def _fetch_dicts(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any], *, what: str
) -> list[dict[str, Any]]:
    try:
        cur = con.cursor()  # fetchall on a cursor of its own: leaves ``con`` free
        try:
            cur.execute(sql, params)
            names = [d[0] for d in cur.description or ()]
            return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        finally:
            cur.close()
    except duckdb.Error as exc:
        raise StoreError(f"Reading {what} failed.", cause=str(exc).splitlines()[0]) from exc
