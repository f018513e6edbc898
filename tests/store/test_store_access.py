"""Taking turns on one file (store/access.py): readers, writers, the gate and the bound."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import duckdb
import pytest

from eventwire.errors import StoreError
from eventwire.serve.live import Refresher
from eventwire.store import LockPolicy, SharedReader, SharedStore, data_version, reader, writer


@pytest.fixture
def path(tmp_path: Path) -> Path:
    p = tmp_path / "turns.duckdb"
    with writer(p) as con:
        con.execute("CREATE TABLE t (n INTEGER)")
    return p


def _count(p: Path) -> int:
    with reader(p) as con:
        return int(con.execute("SELECT count(*) FROM t").fetchall()[0][0])


def test_writer_commits_and_closes_and_rolls_back_on_error(path: Path) -> None:
    with writer(path) as con:
        con.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(ZeroDivisionError), writer(path) as con:
        con.execute("INSERT INTO t VALUES (2)")
        raise ZeroDivisionError
    assert _count(path) == 1
    # Closed afterwards: another process can open the file read-write at once.
    duckdb.connect(str(path)).close()


def _hold(p: Path, seconds: float) -> subprocess.Popen[str]:
    """A process outside eventwire holding the file read-write (no gate)."""
    code = textwrap.dedent(
        f"""
        import duckdb, sys, time
        con = duckdb.connect({str(p)!r})
        print("held", flush=True)
        time.sleep({seconds})
        con.close()
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_short_hold_by_another_process_is_waited_out(path: Path) -> None:
    proc = _hold(path, 1.0)
    try:
        start = time.monotonic()
        with writer(path, policy=LockPolicy(timeout=20)) as con:
            con.execute("INSERT INTO t VALUES (1)")
        assert time.monotonic() - start >= 0.3
    finally:
        proc.communicate(timeout=20)
    assert _count(path) == 1


def test_a_hold_beyond_the_bound_is_a_clear_store_error(path: Path) -> None:
    proc = _hold(path, 30)
    try:
        with pytest.raises(StoreError) as info, reader(path, policy=LockPolicy(timeout=0.5)):
            pass
    finally:
        proc.kill()
        proc.communicate(timeout=20)
    err = info.value
    assert "in use by another eventwire process, and stayed so for 0.5 s" in err.message
    assert err.cause and "lock" in err.cause.lower()
    assert err.fix and "EVENTWIRE_LOCK_TIMEOUT" in err.fix


def test_lock_timeout_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENTWIRE_LOCK_TIMEOUT", "2.5")
    assert LockPolicy.from_env().timeout == 2.5
    monkeypatch.setenv("EVENTWIRE_LOCK_TIMEOUT", "soon")
    with pytest.raises(StoreError, match="not a number of seconds"):
        LockPolicy.from_env()


def test_one_coding_run_at_a_time_but_short_writers_pass(path: Path) -> None:
    with SharedStore(path):
        with pytest.raises(StoreError, match="in use by another eventwire process"):
            SharedStore(path)
        with SharedStore(path, run=False) as other:  # the server storing one article
            other.write_batch([], [])
        with writer(path) as con:
            con.execute("INSERT INTO t VALUES (1)")
    SharedStore(path).close()  # free again once the first run ends


def test_an_idle_server_connection_lets_a_writer_in_at_once(path: Path) -> None:
    source = SharedReader(path, linger=60)
    with source.lease() as cur:
        assert cur.execute("SELECT count(*) FROM t").fetchall() == [(0,)]
    # The file stays open for the next request (linger), yet a writer does not wait 60 s.
    start = time.monotonic()
    with writer(path, policy=LockPolicy(timeout=10)) as con:
        con.execute("INSERT INTO t VALUES (1)")
    assert time.monotonic() - start < 5
    with source.lease() as cur:  # and the server reads the new row
        assert cur.execute("SELECT count(*) FROM t").fetchall() == [(1,)]
    source.close()


def test_a_busy_server_cannot_starve_a_writer(path: Path) -> None:
    source = SharedReader(path, linger=60)
    stop = threading.Event()
    errors: list[BaseException] = []

    def requests() -> None:  # overlapping leases, never a moment without one
        try:
            while not stop.is_set():
                with source.lease() as cur:
                    cur.execute("SELECT count(*) FROM t").fetchall()
                    time.sleep(0.01)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=requests) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.2)
        for n in range(5):
            with writer(path, policy=LockPolicy(timeout=10)) as con:
                con.execute("INSERT INTO t VALUES (?)", [n])
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=20)
        source.close()
    assert not errors
    assert _count(path) == 5


def test_refresher_runs_when_another_process_writes(path: Path) -> None:
    ran = threading.Event()
    refresher = Refresher(path, ran.set, submit=lambda f: threading.Thread(target=f).start())
    refresher.poke()
    time.sleep(0.05)
    assert not ran.is_set()  # nothing changed
    before = data_version(path)
    insert = f"import duckdb; duckdb.connect({str(path)!r}).execute('INSERT INTO t VALUES (1)')"
    subprocess.run([sys.executable, "-c", insert], check=True)
    assert data_version(path) != before
    deadline = time.monotonic() + 5
    while not ran.is_set() and time.monotonic() < deadline:
        refresher.poke()
        time.sleep(0.05)
    assert ran.is_set()
