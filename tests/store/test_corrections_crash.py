"""Corrections are durable: kill -9 in the middle of writing them, and re-coding with
`eventwire code --force` (real processes, as in test_store_crash.py)."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import crashkit
import duckdb
import pytest
from storekit import article, event

from eventwire.store import Store, connect
from eventwire.store.access import checkpoint, writer
from eventwire.store.corrections import (
    Change,
    correct_event,
    list_corrections,
    write_correction,
)

WRITER = textwrap.dedent(
    """
    import sys
    from eventwire.store import Store
    from eventwire.store.corrections import Change, correct_event
    store = Store(sys.argv[1])
    i = 0
    while True:  # until killed
        eid = f"a{i % 200:03d}-e0"
        change = Change(action="reject") if i % 2 else Change(action="retype", event_type="AID")
        rec = correct_event(store.con, eid, change, who="crash")
        print(rec.seq, eid, flush=True)  # acknowledged: committed
        i += 1
    """
)


def _coded(db: Path) -> list[tuple[object, ...]]:
    """200 articles of one event each coded into ``db``; returns ``events``' rows."""
    with Store(db) as s:
        arts = [article(f"a{i:03d}", line=i) for i in range(200)]
        s.write_batch([(a, [event(a)]) for a in arts])
        return s.con.execute("SELECT * FROM events ORDER BY id").fetchall()


def _acked_then_killed(script: str, db: Path, n: int) -> list[int]:
    """Run ``script`` on ``db`` until it has acknowledged ``n`` corrections, then kill -9 it
    mid-stream (the next write is under way); returns the acknowledged seqs."""
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(db)], stdout=subprocess.PIPE, text=True,
        env=crashkit.child_env(),
    )  # fmt: skip
    assert proc.stdout is not None
    acked: list[int] = []
    deadline = time.monotonic() + 120
    while len(acked) < n and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        acked.append(int(line.split()[0]))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    return acked


def test_kill_9_while_writing_corrections_loses_no_acknowledged_one(tmp_path: Path) -> None:
    db = tmp_path / "crash.duckdb"
    coded = _coded(db)
    for kill_after in (40, 140):
        acked = _acked_then_killed(WRITER, db, kill_after)
        assert len(acked) == kill_after, "the writer stopped early"
        con = connect(db, read_only=True)
        try:
            stored = {c.seq: c for c in list_corrections(con)}
            assert set(acked) <= set(stored)  # every acknowledged correction is there
            assert all(c.article_id and c.new["event_type"] for c in stored.values())
            assert con.execute("SELECT * FROM events ORDER BY id").fetchall() == coded
            rejected = {c.event_id for c in list_corrections(con, latest_only=True)
                        if c.new["rejected"]}  # fmt: skip
            left = con.execute("SELECT count(*) FROM corrected_events").fetchall()[0][0]
            assert left == 200 - len(rejected)
        finally:
            con.close()


# As the server writes them (serve/corrections.py): attached, committed into the
# write-ahead log and acknowledged without a checkpoint, which comes later if at all.
SERVER_WRITER = textwrap.dedent(
    """
    import sys
    from eventwire.store.access import writer
    from eventwire.store.corrections import Change, write_correction
    i = 0
    while True:  # until killed
        eid = f"a{i % 200:03d}-e0"
        change = Change(action="reject") if i % 2 else Change(action="retype", event_type="AID")
        with writer(sys.argv[1], checkpoint=False) as con:
            rec = write_correction(con, eid, change, who="crash").record
        print(rec.seq, eid, flush=True)  # acknowledged: committed, not checkpointed
        i += 1
    """
)


def test_kill_9_loses_no_correction_acknowledged_before_its_checkpoint(tmp_path: Path) -> None:
    db = tmp_path / "crash.duckdb"
    coded = _coded(db)
    acked = _acked_then_killed(SERVER_WRITER, db, 60)
    assert len(acked) == 60, "the writer stopped early"
    assert Path(f"{db}.wal").exists()  # nothing folded them into the file
    for fold in (False, True):  # read from the log, then from the file after a checkpoint
        if fold:
            assert checkpoint(db) and not Path(f"{db}.wal").exists()
        con = connect(db, read_only=True)
        try:
            stored = {c.seq for c in list_corrections(con)}
            assert set(acked) <= stored
            assert con.execute("SELECT * FROM events ORDER BY id").fetchall() == coded
        finally:
            con.close()


@pytest.mark.slow
def test_a_correction_survives_code_force(tmp_path: Path) -> None:
    corpus, config = crashkit.write_inputs(tmp_path, n=24, batch_size=8)
    db = tmp_path / "news.duckdb"
    first = crashkit.run_code(corpus, db, config)
    assert first.returncode in (0, 1), first.stderr
    con = duckdb.connect(str(db))
    ids = [
        r[0]
        for r in con.execute(
            "SELECT id FROM events ORDER BY article_id, sentence_start, id LIMIT 2"
        ).fetchall()
    ]
    con.close()
    assert len(ids) == 2
    with Store(db) as s:
        correct_event(s.con, ids[0], Change(action="reject"))
        before = s.con.execute("SELECT count(*) FROM corrected_events").fetchall()
    # The second as the server writes it: still in the write-ahead log when re-coding starts.
    with writer(db, checkpoint=False) as con:
        write_correction(con, ids[1], Change(action="retype", event_type="PROTEST", mode="demo"))
    assert Path(f"{db}.wal").exists()
    again = subprocess.run(
        [*crashkit.code_command(corpus, db, config), "--force"], capture_output=True, text=True,
        env=crashkit.child_env(), timeout=600,
    )  # fmt: skip
    assert again.returncode in (0, 1), again.stderr
    con = connect(db, read_only=True)
    try:
        assert all(c.applies for c in list_corrections(con))
        assert con.execute("SELECT count(*) FROM corrected_events").fetchall() == before
        assert con.execute(
            "SELECT event_type, mode FROM corrected_events WHERE id = ?", [ids[1]]
        ).fetchall() == [("PROTEST", "demo")]
        assert con.execute(
            "SELECT count(*) FROM corrected_events WHERE id = ?", [ids[0]]
        ).fetchall() == [(0,)]
    finally:
        con.close()
