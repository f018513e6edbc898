"""Store.write_batch, the schema version and its migration, optimize()."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from storekit import article, event

from eventwire.errors import StoreError
from eventwire.model import Rejected
from eventwire.store import SCHEMA_VERSION, Store, connect, optimize, schema_version


def _count(store: Store, table: str) -> int:
    return int(store.con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def test_recoding_an_article_replaces_its_events(store: Store) -> None:
    a = article("a1")
    store.write_batch([(a, [event(a, 0), event(a, 1, event_type="THREATEN")])])
    assert _count(store, "events") == 2
    assert _count(store, "entities") == 2 * 3  # actor, recipient, speaker per event
    store.write_batch([(a, [event(a, 0, event_type="ACCUSE")])])
    rows = store.con.execute("SELECT id, event_type FROM events").fetchall()
    assert rows == [("a1-e0", "ACCUSE")]
    assert _count(store, "entities") == 3
    assert _count(store, "articles") == 1
    n_events = store.con.execute("SELECT n_events FROM articles").fetchall()
    assert n_events == [(1,)]


def test_writing_the_same_batch_twice_leaves_no_duplicates(store: Store) -> None:
    arts = [article(f"a{i}", line=i) for i in range(3)]
    batch = [(a, [event(a)]) for a in arts]
    rej = [Rejected(source="in.jsonl", line=9, reason="empty")]
    store.write_batch(batch, rej)
    store.write_batch(batch, rej)
    assert (_count(store, "articles"), _count(store, "events"), _count(store, "rejected")) == (
        3,
        3,
        1,
    )
    assert store.coded_article_ids(["a0", "a2", "zz"]) == {"a0", "a2"}


def test_rejected_rows_are_deduplicated_per_source_line_reason(store: Store) -> None:
    store.write_batch([], [Rejected(source="x", line=None, reason="unreadable")])
    store.write_batch([], [Rejected(source="x", line=None, reason="unreadable")])
    store.write_batch([], [Rejected(source="x", line=None, reason="another reason")])
    store.write_batch([], [Rejected(source="y", line=None, reason="unreadable")])
    assert _count(store, "rejected") == 3


def test_events_are_inserted_in_date_order(store: Store) -> None:
    days = [dt.date(2024, 1, d) for d in (9, 2, 30, 5)]
    arts = [article(f"a{i}") for i in range(4)]
    store.write_batch([(a, [event(a, date=d)]) for a, d in zip(arts, days, strict=True)])
    stored = [r[0] for r in store.con.execute("SELECT date FROM events").fetchall()]
    assert stored == sorted(days)


def test_a_failed_batch_keeps_nothing_of_it(store: Store) -> None:
    a = article("a1")
    store.write_batch([(a, [event(a)])])
    b = article("b1")
    # The same article twice in one batch breaks the primary key: the whole batch goes.
    with pytest.raises(StoreError, match="Writing a batch"):
        store.write_batch([(b, [event(b)]), (b, [event(b, 1)])], [Rejected(source="s", reason="r")])
    assert store.coded_article_ids(["a1", "b1"]) == {"a1"}
    assert (_count(store, "events"), _count(store, "rejected")) == (1, 0)
    store.write_batch([(b, [event(b)])])  # and the connection is still usable
    assert _count(store, "events") == 2


def _old_version_file(path: Path, version: int, *undo: str, article_id: str = "old") -> None:
    """A file as eventwire with schema ``version`` left it: one coded article, then the
    statements ``undo`` taking away what later versions added."""
    a = article(article_id)
    with Store(path) as s:
        s.write_batch([(a, [event(a)])])
    con = duckdb.connect(str(path))
    for statement in undo:
        con.execute(statement)
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
    con.close()


def _version_1_file(path: Path) -> None:
    """Version 1: the same tables, no views."""
    _old_version_file(path, 1, "DROP VIEW story_events", "DROP VIEW event_syndication")


def test_a_version_1_file_reads_read_only_and_migrates_when_opened_writable(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v1.duckdb"
    _version_1_file(path)
    # Held open read-only elsewhere in this process, the file cannot be migrated: it is read
    # through temporary views (and an empty temporary corrections table) instead.
    held = duckdb.connect(str(path), read_only=True)
    try:
        ro = connect(path, read_only=True)
        try:
            assert schema_version(ro) == 1
            assert ro.execute("SELECT num_articles FROM story_events").fetchall() == [(1,)]
            assert ro.execute("SELECT count(*) FROM corrected_events").fetchall() == [(1,)]
        finally:
            ro.close()
    finally:
        held.close()
    con = connect(path)
    try:
        assert schema_version(con) == SCHEMA_VERSION
        assert con.execute("SELECT count(*) FROM event_syndication").fetchall() == [(1,)]
    finally:
        con.close()


def test_a_newer_file_is_refused_with_a_fix(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    connect(path).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [SCHEMA_VERSION + 1])
    con.close()
    for read_only in (False, True):
        with pytest.raises(StoreError, match="schema version") as info:
            connect(path, read_only=read_only)
        assert info.value.fix and "upgrade" in info.value.fix


def test_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.duckdb"
    path.write_bytes(b"this is not duckdb" * 1000)
    with pytest.raises(StoreError, match="Cannot open"):
        connect(path)
    with pytest.raises(StoreError, match="No eventwire database"):
        connect(tmp_path / "missing.duckdb", read_only=True)


def test_optimize_sorts_events_by_date_and_keeps_them(tmp_path: Path) -> None:
    with Store(tmp_path / "o.duckdb") as s:
        for d in (20, 3, 11):
            a = article(f"a{d}")
            s.write_batch([(a, [event(a, date=dt.date(2024, 5, d))])])
        before = s.con.execute("SELECT * FROM events ORDER BY id").fetchall()
        assert optimize(s.con) == 3
        after = s.con.execute("SELECT * FROM events ORDER BY id").fetchall()
        order = [r[0].day for r in s.con.execute("SELECT date FROM events").fetchall()]
    assert after == before
    assert order == [3, 11, 20]


def test_a_version_2_file_opened_read_only_is_migrated_when_it_can_be(tmp_path: Path) -> None:
    """Readers work on cursors, which do not see temporary views: so a read-only open
    migrates the file in place when it can (version 3 only adds corrections)."""
    path = tmp_path / "v2.duckdb"
    _version_1_file(path)
    con = duckdb.connect(str(path))
    con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    con.execute("DROP TABLE corrections")
    con.close()
    ro = connect(path, read_only=True)
    try:
        assert schema_version(ro) == SCHEMA_VERSION
        cur = ro.cursor()
        assert cur.execute("SELECT count(*) FROM corrected_events").fetchall() == [(1,)]
        cur.close()
    finally:
        ro.close()


@pytest.mark.parametrize(
    ("version", "added"),
    [(3, ("actor_implied", "recipient_implied")), (4, ("recipient_implied",))],
    ids=["v3", "v4"],
)
def test_an_older_file_gains_the_implied_actor_columns(
    tmp_path: Path, version: int, added: tuple[str, ...]
) -> None:
    path = tmp_path / f"v{version}.duckdb"
    _old_version_file(
        path, version,
        "DROP VIEW IF EXISTS story_events",
        "DROP VIEW IF EXISTS event_syndication",
        "DROP VIEW IF EXISTS corrected_events",
        "DROP INDEX IF EXISTS events_article",  # DuckDB drops no column under one
        *(f"ALTER TABLE events DROP COLUMN {column}" for column in added),
        article_id="old",
    )  # fmt: skip
    with Store(path) as s:
        assert schema_version(s.con) == SCHEMA_VERSION
        b = article("new")
        s.write_batch([(b, [event(b)])])
        rows = s.con.execute(
            f"SELECT article_id, {', '.join(added)} FROM events ORDER BY 1"
        ).fetchall()
    assert rows == [("new", *(False for _ in added)), ("old", *(None for _ in added))]


def test_a_writable_open_skips_the_ddl_only_while_the_schema_is_this_codes(
    tmp_path: Path,
) -> None:
    """meta records a digest of this code's DDL and views: a writable open of a current file
    skips the DDL (a correction's write is then 30 ms shorter), and one written by code with
    other DDL (another digest) gets this code's views back."""
    from eventwire.store.db import _schema_current

    path = tmp_path / "s.duckdb"
    connect(path).close()
    con = connect(path)
    assert _schema_current(con)
    con.execute("CREATE OR REPLACE VIEW corrected_events AS SELECT 1 AS x")
    con.execute("UPDATE meta SET value = 'other' WHERE key = 'schema_digest'")
    assert not _schema_current(con)
    con.close()
    con = connect(path)
    try:
        assert _schema_current(con)
        names = [d[0] for d in con.execute("SELECT * FROM corrected_events").description]
        assert "reviewed" in names
    finally:
        con.close()
