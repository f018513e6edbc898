"""Opening the DuckDB store and writing coded articles in batches.

Writes go through Arrow tables (DuckDB loads them at millions of rows/s; ``executemany`` is
three orders of magnitude slower). Each batch is one transaction: an article's old events
are deleted and its new ones inserted together, so re-coding replaces and a crash mid-batch
leaves the previous state intact.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import duckdb
import pyarrow as pa

from eventwire.errors import StoreError
from eventwire.model import Article, Event, Rejected
from eventwire.store.corrections import CORRECTIONS_DDL
from eventwire.store.schema import (
    ADDED_EVENT_COLUMNS,
    DDL,
    EVENT_COLUMNS,
    SCHEMA_VERSION,
    view_ddl,
)

__all__ = ["Store", "connect", "open_error", "optimize", "prepare", "schema_version"]

_EVENT_NAMES = tuple(name for name, _ in EVENT_COLUMNS)
# The schema this code creates, as a digest recorded in meta (see _schema_current).
_SCHEMA_DIGEST: Final = hashlib.sha256(
    "\n".join((str(SCHEMA_VERSION), *DDL, *view_ddl())).encode()
).hexdigest()[:16]


def connect(path: str | Path = ":memory:", *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and, unless read-only, create or migrate) a store; return the DuckDB connection.

    A file written by an older eventwire is migrated in place when opened writable (one
    transaction). Opened read-only, it is migrated too when it can be written (readers use
    cursors, which do not see temporary views, and every reader reads the view
    ``corrected_events`` of version 3); when it cannot (no write access, another process
    holds it), it is read through temporary views, on this connection only. Raises
    :class:`StoreError` when the file is locked by another process, is not a DuckDB file,
    or was written by a newer eventwire.
    """
    target = str(path)
    if read_only and target != ":memory:" and not Path(target).exists():
        raise StoreError(
            f"No eventwire database at {target}.",
            cause="nothing has been coded into it yet, or the path is wrong",
            fix="run `eventwire code INPUT --db PATH` first, or pass the right --db",
        )
    con, found = _open(target, read_only=read_only)
    if read_only and target != ":memory:" and found is not None and found < SCHEMA_VERSION:
        con.close()
        with contextlib.suppress(StoreError):
            connect(target).close()  # migrates it
        con, _ = _open(target, read_only=True)  # the file as it is now (migrated or not)
    return con


def _open(target: str, *, read_only: bool) -> tuple[duckdb.DuckDBPyConnection, int | None]:
    """The file opened and prepared (:func:`prepare`), with the schema version a read-only
    open found in it; every failure as a :class:`StoreError`."""
    try:
        con = duckdb.connect(target, read_only=read_only and target != ":memory:")
    except duckdb.Error as exc:
        raise open_error(target, exc) from exc
    try:
        found = prepare(con, target, read_only=read_only)
    except BaseException:
        con.close()
        raise
    return con, found


def open_error(target: str, exc: duckdb.Error) -> StoreError:
    """The :class:`StoreError` for a file DuckDB would not open (``exc``): in use by another
    process, or not a DuckDB file."""
    msg = str(exc)
    # DuckDB takes an exclusive file lock for a writer (and a shared one for readers): a
    # second process gets "Could not set lock on file ... Conflicting lock is held in ...".
    if isinstance(exc, duckdb.IOException) and "lock" in msg.lower():
        return StoreError(
            f"The database {target} is in use by another eventwire process.",
            cause=msg.splitlines()[0],
            fix="wait for the other run to finish, or use a different --db",
        )
    return _not_eventwire(target, exc)


def _not_eventwire(target: str, exc: duckdb.Error) -> StoreError:
    return StoreError(
        f"Cannot open the database {target}.",
        cause=str(exc).splitlines()[0],
        fix="check that the path is an eventwire DuckDB file",
    )


def prepare(con: duckdb.DuckDBPyConnection, target: str, *, read_only: bool) -> int | None:
    """Create the schema (writable), check the version, and migrate or adapt an older file.
    Returns, read-only, the version found (None for a file without one; writable, None):
    read once per open, as the server opens the file once per burst of requests. Every
    failure as a :class:`StoreError` (``con`` is the caller's to close)."""
    try:
        return _prepare(con, target, read_only=read_only)
    except duckdb.Error as exc:
        raise _not_eventwire(target, exc) from exc


def _prepare(con: duckdb.DuckDBPyConnection, target: str, *, read_only: bool) -> int | None:
    if not read_only:
        if _schema_current(con):
            return None
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in DDL:
                con.execute(statement)
            found = schema_version(con)
            if found is None or found < SCHEMA_VERSION:
                # Views are (re)created by view_ddl() below; columns added since a file was
                # written are added here, in this same transaction.
                kinds = dict(EVENT_COLUMNS)
                for column in ADDED_EVENT_COLUMNS.values():
                    con.execute(
                        f"ALTER TABLE events ADD COLUMN IF NOT EXISTS {column} {kinds[column]}"
                    )
                con.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                    [str(SCHEMA_VERSION)],
                )
            elif found > SCHEMA_VERSION:
                raise _too_new(target, found)
            for statement in view_ddl():
                con.execute(statement)
            con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_digest', ?)", [_SCHEMA_DIGEST])
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise
        return None
    found = schema_version(con) if _has_table(con, "meta") else None
    if found is not None and found > SCHEMA_VERSION:
        raise _too_new(target, found)
    if found is not None and found < SCHEMA_VERSION:
        # An empty corrections table (and its sequence) for the views to read.
        for statement in CORRECTIONS_DDL:
            if not statement.startswith("CREATE INDEX"):
                con.execute(statement.replace("CREATE ", "CREATE TEMPORARY ", 1))
        for statement in view_ddl(temporary=True):
            con.execute(statement)
    return found


def _schema_current(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the file holds this code's schema already: ``meta`` records this version and
    this code's digest of its DDL and views (written in the transaction that ran them). A
    writable open then skips the DDL: re-creating the views cost about 30 ms of every write
    (a third of a correction's round trip at a million events, docs/CORRECTIONS.md). One
    query on ``meta`` (2 ms): the catalog functions (duckdb_views()) cost 9 ms on a fresh
    connection."""
    try:
        rows = con.execute(
            "SELECT key, value FROM meta WHERE key IN ('schema_version', 'schema_digest')"
        ).fetchall()
    except duckdb.CatalogException:  # no meta table: a new file
        return False
    return dict(rows) == {"schema_version": str(SCHEMA_VERSION), "schema_digest": _SCHEMA_DIGEST}


def _too_new(target: str, found: int) -> StoreError:
    return StoreError(
        f"{target} has schema version {found}; this eventwire understands {SCHEMA_VERSION}.",
        cause="the file was written by a newer eventwire",
        fix="upgrade eventwire (pip install -U eventwire)",
    )


def schema_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version recorded in the store (None for a file without one)."""
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    return int(rows[0][0]) if rows else None


def optimize(con: duckdb.DuckDBPyConnection) -> int:
    """Rewrite ``events`` in date order and checkpoint; returns the number of events.

    Each batch is inserted sorted by date, but batches interleave dates; a full re-sort makes
    DuckDB's per-row-group min/max statistics skip most of the table on date-range queries.
    One transaction: a crash leaves the old order, never a half-copied table. It holds a copy
    of the events in memory (spilling to disk when large), so run it now and then, not per
    batch.
    """
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(
                "CREATE TEMPORARY TABLE _sorted AS"
                " SELECT * FROM events ORDER BY date NULLS LAST, id"
            )
            con.execute("DELETE FROM events")
            con.execute("INSERT INTO events SELECT * FROM _sorted ORDER BY date NULLS LAST, id")
            n = con.execute("SELECT count(*) FROM _sorted").fetchall()[0][0]
            con.execute("DROP TABLE _sorted")
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise
        con.execute("CHECKPOINT")
    except duckdb.Error as exc:
        raise StoreError("Optimizing the database failed.", cause=str(exc).splitlines()[0]) from exc
    return int(n)


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    # duckdb_tables(), not information_schema: the view costs ~50 ms on a fresh connection,
    # and the server opens one per burst of requests (see store/access.py).
    rows = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]
    ).fetchall()
    return bool(rows and rows[0][0])


def _event_row(event: Event) -> dict[str, Any]:
    actor = event.actor[0] if event.actor else None
    recipient = event.recipient[0] if event.recipient else None
    place = event.place
    ev = event.evidence
    return {
        "id": event.id,
        "article_id": event.article_id,
        "sentence_index": event.sentence_index,
        "event_index": event.event_index,
        "date": event.date,
        "date_resolution": event.date_resolution,
        "event_type": event.event_type,
        "mode": event.mode,
        "context": event.context,
        "quad": event.quad,
        "cameo_root": event.cameo_root,
        "intensity": event.intensity,
        "actor_code": actor.code if actor else None,
        "actor_sector": actor.sector if actor else None,
        "actor_name": actor.name if actor else None,
        "actor_text": actor.text if actor else None,
        "actor_implied": event.actor_implied,
        "recipient_implied": event.recipient_implied,
        "recipient_code": recipient.code if recipient else None,
        "recipient_sector": recipient.sector if recipient else None,
        "recipient_name": recipient.name if recipient else None,
        "recipient_text": recipient.text if recipient else None,
        "place_text": place.text if place else None,
        "place_name": place.name if place else None,
        "place_country": place.country if place else None,
        "place_admin1": place.admin1 if place else None,
        "place_lat": place.lat if place else None,
        "place_lon": place.lon if place else None,
        "place_resolution": place.resolution if place else None,
        "polarity": event.polarity,
        "modality": event.modality,
        "speaker_text": event.speaker.text if event.speaker else None,
        "speaker_code": event.speaker.code if event.speaker else None,
        "speaker_name": event.speaker.name if event.speaker else None,
        "sentence": ev.sentence,
        "sentence_start": ev.start,
        "sentence_end": ev.end,
        "trigger": ev.trigger,
        "trigger_start": ev.trigger_start,
        "trigger_end": ev.trigger_end,
        "confidence": event.confidence,
        "coder_version": event.coder_version,
    }


_EVENT_SCHEMA = pa.schema(
    [
        (name, {
            "INTEGER": pa.int32(), "DOUBLE": pa.float64(), "DATE": pa.date32(),
            "BOOLEAN": pa.bool_(),
        }.get(kind.split()[0], pa.string()))
        for name, kind in EVENT_COLUMNS
    ]
)  # fmt: skip


class Store:
    """A writable eventwire database. Use as a context manager.

    ``write_batch`` stores a batch of coded articles with their events and the rejected
    records of that batch in one transaction.
    """

    def __init__(self, path: str | Path = ":memory:") -> None:
        self.path = str(path)
        self.con = connect(path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    @contextlib.contextmanager
    def session(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """The connection for one unit of work: the held one here; one opened for it alone
        in :class:`eventwire.store.access.SharedStore`."""
        yield self.con

    def coded_article_ids(self, ids: Sequence[str]) -> set[str]:
        """The subset of ``ids`` already coded: lets a re-run skip them."""
        if not ids:
            return set()
        rows = self.con.execute(
            "SELECT id FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))", [list(ids)]
        ).fetchall()
        return {r[0] for r in rows}

    def write_batch(
        self,
        coded: Sequence[tuple[Article, Sequence[Event]]],
        rejected: Iterable[Rejected] = (),
    ) -> None:
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        rejected = list(rejected)
        ids = [a.id for a, _ in coded]
        events = [e for _, evs in coded for e in evs]
        art_table = pa.table(
            {
                "id": ids,
                "url": [a.url for a, _ in coded],
                "outlet": [a.outlet for a, _ in coded],
                "published": pa.array([a.published for a, _ in coded], pa.date32()),
                "title": [a.title for a, _ in coded],
                "text": [a.text for a, _ in coded],
                "language": [a.language for a, _ in coded],
                "story_id": [a.story_id for a, _ in coded],
                "source": [a.source for a, _ in coded],
                "line": pa.array([a.line for a, _ in coded], pa.int32()),
                "n_events": pa.array([len(evs) for _, evs in coded], pa.int32()),
                "coded_at": pa.array([now] * len(coded), pa.timestamp("us")),
            }
        )
        ev_table = pa.Table.from_pylist([_event_row(e) for e in events], schema=_EVENT_SCHEMA)
        ent_rows = [
            {
                "event_id": e.id,
                "article_id": e.article_id,
                "role": role,
                "position": i,
                "text": ent.text,
                "code": ent.code,
                "sector": ent.sector,
                "name": ent.name,
                "kb_id": ent.id,
            }
            for e in events
            for role, ents in (
                ("actor", e.actor),
                ("recipient", e.recipient),
                ("speaker", (e.speaker,) if e.speaker else ()),
            )
            for i, ent in enumerate(ents)
        ]
        ent_schema = pa.schema(
            [(n, pa.int32() if n == "position" else pa.string())
             for n in ("event_id", "article_id", "role", "position", "text", "code",
                       "sector", "name", "kb_id")]
        )  # fmt: skip
        ent_table = pa.Table.from_pylist(ent_rows, schema=ent_schema)
        rej_table = pa.table(
            {
                "source": [r.source for r in rejected],
                "line": pa.array([r.line for r in rejected], pa.int32()),
                "article_id": pa.array([r.article_id for r in rejected], pa.string()),
                "status": [r.status for r in rejected],
                "reason": [r.reason for r in rejected],
                "detail": [r.detail for r in rejected],
                "recorded_at": pa.array([now] * len(rejected), pa.timestamp("us")),
            }
        )
        con = self.con
        try:
            con.execute("BEGIN TRANSACTION")
            con.register("_ids", pa.table({"id": ids}))
            con.execute("DELETE FROM entities WHERE article_id IN (SELECT id FROM _ids)")
            con.execute("DELETE FROM events WHERE article_id IN (SELECT id FROM _ids)")
            con.execute("DELETE FROM articles WHERE id IN (SELECT id FROM _ids)")
            con.register("_articles", art_table)
            con.execute("INSERT INTO articles SELECT * FROM _articles")
            con.register("_events", ev_table)
            # Sorted by date within the batch: row groups then span narrow date ranges and
            # date-range queries skip most of them (see optimize() for a full re-sort).
            con.execute(
                f"INSERT INTO events ({', '.join(_EVENT_NAMES)}) SELECT * FROM _events"
                " ORDER BY date NULLS LAST, id"
            )
            con.register("_entities", ent_table)
            con.execute("INSERT INTO entities SELECT * FROM _entities")
            con.register("_rejected", rej_table)
            # A re-run reports the same bad input again: keep the first row per (source, line,
            # reason), untouched (a re-run changes nothing, recorded_at included).
            con.execute(
                """INSERT INTO rejected SELECT * FROM _rejected r
                   WHERE NOT EXISTS (SELECT 1 FROM rejected x WHERE x.source = r.source
                       AND coalesce(x.line, -1) = coalesce(r.line, -1) AND x.reason = r.reason)
                   QUALIFY row_number() OVER (
                       PARTITION BY source, coalesce(line, -1), reason) = 1"""
            )
            con.execute("COMMIT")
        except BaseException as exc:
            # Whatever interrupted the batch (a DuckDB error, Ctrl-C), none of it is kept.
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            if isinstance(exc, duckdb.Error):
                raise StoreError(
                    "Writing a batch to the database failed.", cause=str(exc).splitlines()[0]
                ) from exc
            raise
        finally:
            for name in ("_ids", "_articles", "_events", "_entities", "_rejected"):
                con.unregister(name)
