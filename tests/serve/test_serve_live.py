"""Coding while serving (issue 21 §4), with real processes: `eventwire serve` shows a store
while `eventwire code` fills it and a client polls the API and writes short transactions.

Every article and every write must arrive; the server must show the new events without a
restart. About 30-50 s on two cores (one spaCy load).

The client's writes go through ``eventwire.store.writer`` into a scratch table, standing in
for corrections written through the server: extend
``test_coding_serving_and_short_writes_interleave_and_nothing_is_lost`` (or the client
script) to post them to the corrections API once it exists.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path
from typing import Any

import duckdb
import pytest

from eventwire.store import writer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "store"))
import crashkit

pytestmark = pytest.mark.slow

N_RECORDS = 200
N_WRITES = 60

# The client: polls /api/events, and writes N_WRITES rows, one transaction each, into a
# scratch table, while the coding run writes its batches. Reports what it saw as JSON.
CLIENT = textwrap.dedent(
    """
    import json, sys, time, urllib.request
    from eventwire.store import writer

    base, db, n_writes, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    totals, waits, errors = [], [], []
    written = 0
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/api/events?all=true&limit=1", timeout=20) as r:
                totals.append(json.load(r)["total"])
            with urllib.request.urlopen(base + "/api/timeline", timeout=20) as r:
                json.load(r)
        except Exception as exc:
            errors.append(repr(exc))
        if written < n_writes:
            start = time.monotonic()
            with writer(db) as con:
                con.execute("INSERT INTO _probe VALUES (?, now())", [written])
            waits.append(time.monotonic() - start)
            written += 1
        elif open(out + ".stop").read() if __import__("os").path.exists(out + ".stop") else "":
            break
        time.sleep(0.05)
    json.dump({"totals": totals, "waits": waits, "errors": errors, "written": written},
              open(out, "w"))
    """
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=20) as r:
        return json.load(r)


def _wait_up(base: str, proc: subprocess.Popen[str], limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited: {proc.communicate()[1]}")
        try:
            _get(base + "/api/events?limit=1")
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not answer within a minute")


def test_coding_serving_and_short_writes_interleave_and_nothing_is_lost(tmp_path: Path) -> None:
    corpus, config = crashkit.write_inputs(tmp_path, n=N_RECORDS, batch_size=8)
    db = tmp_path / "live.duckdb"
    with writer(db) as con:  # an empty store, being served before anything is coded
        con.execute("CREATE TABLE _probe (n INTEGER PRIMARY KEY, written TIMESTAMP)")
    env = crashkit.child_env()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "eventwire", "serve", "--db", str(db), "--port", str(port),
         "--allow-write"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    procs: list[subprocess.Popen[str]] = [server]
    report = tmp_path / "client.json"
    try:
        _wait_up(base, server)
        assert _get(base + "/api/events?all=true&limit=1")["total"] == 0
        client = subprocess.Popen(
            [sys.executable, "-c", CLIENT, base, str(db), str(N_WRITES), str(report)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        procs.append(client)
        coding = subprocess.run(
            crashkit.code_command(corpus, db, config),
            capture_output=True, text=True, timeout=180, env=env,
        )  # fmt: skip
        assert coding.returncode in (0, 1), coding.stderr
        assert "Traceback" not in coding.stderr, coding.stderr
        Path(f"{report}.stop").write_text("stop")
        _, client_err = client.communicate(timeout=120)
        assert client.returncode == 0, client_err
        seen = json.loads(report.read_text())

        # Every record is accounted for, every client write arrived, nothing twice.
        con = duckdb.connect(str(db), read_only=True)
        try:
            n_articles = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
            n_rejected = con.execute("SELECT count(*) FROM rejected").fetchall()[0][0]
            n_events = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
            probes = [r[0] for r in con.execute("SELECT n FROM _probe ORDER BY n").fetchall()]
            ids = [r[0] for r in con.execute("SELECT id FROM events").fetchall()]
        finally:
            con.close()
        assert n_articles + n_rejected == N_RECORDS
        assert n_rejected == crashkit.BAD_RECORDS
        assert probes == list(range(N_WRITES))
        assert seen["written"] == N_WRITES
        assert len(ids) == len(set(ids)) and n_events > 0

        # The server followed without a restart: the client saw the total grow while the
        # run wrote, and the server shows every event within seconds of the end.
        assert not seen["errors"], seen["errors"][:3]
        assert len(set(seen["totals"])) >= 2, seen["totals"]
        assert seen["totals"] == sorted(seen["totals"])
        deadline = time.monotonic() + 15
        total = -1
        while time.monotonic() < deadline:
            total = _get(base + "/api/events?all=true&limit=1")["total"]
            if total == n_events:
                break
            time.sleep(0.2)
        assert total == n_events
        # A short write waited at most a coding batch or an index rebuild, never the run.
        assert max(seen["waits"]) < 10, max(seen["waits"])
        print(  # shown with -s: what the client saw
            f"{n_events} events; client saw totals {sorted(set(seen['totals']))}; "
            f"{len(seen['waits'])} writes, longest wait {max(seen['waits']):.3f} s"
        )
    finally:
        errors = {}
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
            try:
                errors[proc.pid] = proc.communicate(timeout=20)[1]
            except subprocess.TimeoutExpired:
                proc.kill()
                errors[proc.pid] = proc.communicate()[1]
            except ValueError:  # already read by communicate above
                errors[proc.pid] = ""
    assert "Traceback" not in errors[server.pid], errors[server.pid]
