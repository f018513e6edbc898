"""How a correction is written (issue 21): its writer attaches the file to a DuckDB instance
the process keeps, commits into the write-ahead log and lets go without a checkpoint, which
comes later (store/access.py ``writer(checkpoint=False)``, ``checkpoint``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from storekit import article, event

from eventwire.errors import StoreError
from eventwire.store import LockPolicy, Store, connect, reader, writer
from eventwire.store.access import checkpoint, data_version
from eventwire.store.corrections import Change, list_corrections, write_correction


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "wal.duckdb"
    with Store(path) as s:
        arts = [article(f"a{i:03d}", line=i) for i in range(3)]
        s.write_batch([(a, [event(a)]) for a in arts])
    return path


def _wal(db: Path) -> Path:
    return Path(f"{db}.wal")


def test_a_write_without_a_checkpoint_stays_in_the_log_and_every_opener_sees_it(
    db: Path,
) -> None:
    with writer(db, checkpoint=False) as con:
        write_correction(con, "a000-e0", Change(action="reject"))
    assert _wal(db).exists()
    with reader(db) as con:  # read-only: DuckDB replays the log in memory
        assert [c.event_id for c in list_corrections(con)] == ["a000-e0"]
        assert con.execute("SELECT count(*) FROM corrected_events").fetchall() == [(2,)]
    assert _wal(db).exists()  # a read-only open leaves it
    code = (
        "import sys, duckdb; con = duckdb.connect(sys.argv[1], read_only=True); "
        "print(con.execute('SELECT count(*) FROM corrections').fetchall()[0][0])"
    )
    out = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True,
                         timeout=120, check=True)  # fmt: skip
    assert out.stdout.strip() == "1"


def test_checkpoint_folds_the_log_into_the_file_and_reports_the_versions(db: Path) -> None:
    with writer(db, checkpoint=False) as con:
        write_correction(con, "a001-e0", Change(action="confirm"))
    seen: list[tuple[int, ...]] = []
    assert checkpoint(db, versions=lambda *v: seen.extend(v)) is True
    assert not _wal(db).exists()
    assert len(seen) == 2 and seen[1] == data_version(db) and seen[0] != seen[1]
    assert checkpoint(db) is False  # nothing to fold: the file is not opened
    con = connect(db, read_only=True)
    try:
        assert [c.event_id for c in list_corrections(con)] == ["a001-e0"]
    finally:
        con.close()


def test_a_writer_lets_go_of_the_file_at_the_end_of_its_block(db: Path) -> None:
    with writer(db, checkpoint=False) as con:
        con.execute("INSERT INTO meta VALUES ('probe', 'x')")
    # Another process can open the file read-write at once: the lock went with the detach.
    code = "import sys, duckdb; duckdb.connect(sys.argv[1]).close()"
    subprocess.run([sys.executable, "-c", code, str(db)], timeout=120, check=True)
    duckdb.connect(str(db)).close()  # and so can this process


def test_a_file_this_process_holds_outside_eventwire_is_waited_for(db: Path) -> None:
    """DuckDB refuses to attach a file this process has open in another instance (it would
    be written by two): a writer waits for it like for another process's lock."""
    held = duckdb.connect(str(db), read_only=True)
    try:
        with pytest.raises(StoreError, match="in use"), writer(db, policy=LockPolicy(timeout=0.2)):
            pass
    finally:
        held.close()
    with writer(db) as con:
        assert con.execute("SELECT count(*) FROM events").fetchall() == [(3,)]


def test_a_writer_on_a_file_that_is_not_a_store_fails_and_the_next_one_works(
    db: Path, tmp_path: Path
) -> None:
    junk = tmp_path / "junk.duckdb"
    junk.write_text("not a database " * 100)
    with pytest.raises(StoreError, match="Cannot open"), writer(junk):
        pass
    with writer(db) as con:
        assert con.execute("SELECT count(*) FROM events").fetchall() == [(3,)]


def test_a_writer_creates_a_new_store(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    with writer(path) as con:
        assert con.execute("SELECT count(*) FROM corrected_events").fetchall() == [(0,)]
    assert not _wal(path).exists()
    con = connect(path, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM corrections").fetchall() == [(0,)]
    finally:
        con.close()
