"""Coding while serving at scale (issue 21 §4): how a served store of N events follows writes.

Starts `eventwire serve` on a copy of api_bench's synthetic store (default 1,000,000 events),
measures the dashboard's first paint, then from another process writes ``--batches``
batches of 8 articles (3 events each) through ``SharedStore`` (as `eventwire code` does),
one every ``--every`` seconds, while this process polls /api/events. Prints each batch's
write time (waiting for its turn included), how long the API took to show it, the
/api/events latency during the refreshes, and the first paint after the last refresh.

    .venv/bin/python benchmarks/live_bench.py                 # 1M events
    .venv/bin/python benchmarks/live_bench.py --events 100000 --batches 3

Target: first paint < 1 s before and after; no request waits for a rebuild.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import api_bench  # noqa: E402

# The writer process: batches of 8 synthetic articles with 3 events each, one batch per
# `every` seconds, each through SharedStore.write_batch (its own turn on the file).
WRITER = textwrap.dedent(
    """
    import datetime as dt, json, sys, time
    from eventwire.model import Article, Entity, Event, Evidence
    from eventwire.store import SharedStore

    db, batches, every = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    store = SharedStore(db)
    for b in range(batches):
        coded = []
        for i in range(8):
            aid = f"live-{b}-{i}"
            art = Article(id=aid, text="Live text.", title="live", url=None, outlet="Live",
                          published=dt.date(2030, 1, 1), language="en")
            evs = [Event(id=f"{aid}-e{k}", article_id=aid, event_type="CONSULT", quad=1,
                         cameo_root="04", intensity=1.0, event_index=k,
                         date=dt.date(2030, 1, 1), actor=(Entity("USA", code="USA"),),
                         evidence=Evidence(sentence="Live text.", start=0, end=10,
                                           trigger="Live", trigger_start=0, trigger_end=4),
                         coder_version="live")
                   for k in range(3)]
            coded.append((art, evs))
        t0 = time.monotonic()
        store.write_batch(coded)
        print(json.dumps({"batch": b, "at": time.time(), "write_s": time.monotonic() - t0}),
              flush=True)
        time.sleep(every)
    store.close()
    """
)


def _total(base: str) -> int:
    status, body = api_bench._get(base + "/api/events?all=true&limit=1")
    assert status == 200, body[:200]
    return int(json.loads(body)["total"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--batches", type=int, default=4)
    ap.add_argument("--every", type=float, default=2.0, help="seconds between batches")
    ap.add_argument("--db", type=Path, help="api_bench's store (built or reused there)")
    args = ap.parse_args()
    source = api_bench.cached_store(args.events, args.db)
    work = Path(tempfile.mkdtemp(prefix="eventwire-live-"))
    db = work / "live.duckdb"
    shutil.copy(source, db)
    port = api_bench.free_port()
    base = f"http://127.0.0.1:{port}"
    try:
        with api_bench.server(db, port, 1):
            t0 = time.monotonic()
            start_total = _total(base)  # waits for the index like the dashboard would
            print(f"{start_total:,} events served; index ready {time.monotonic() - t0:.1f} s")
            paint = api_bench.dashboard_paint(base)
            if paint:
                print(f"first paint before writes: FCP {paint[0]:.0f} ms, data {paint[1]:.0f} ms")
            writer = subprocess.Popen(
                [sys.executable, "-c", WRITER, str(db), str(args.batches), str(args.every)],
                stdout=subprocess.PIPE, text=True, cwd=ROOT,
            )  # fmt: skip
            latencies: list[float] = []
            seen: dict[int, float] = {}  # total -> when the API first showed it
            expected = start_total + 24 * args.batches
            deadline = time.monotonic() + 120 + args.batches * (args.every + 60)
            total = start_total
            while total < expected and time.monotonic() < deadline:
                q = time.perf_counter()
                status, _ = api_bench._get(base + "/api/events?limit=50")
                latencies.append((time.perf_counter() - q) * 1000)
                assert status == 200
                total = _total(base)
                seen.setdefault(total, time.time())
                time.sleep(0.05)
            out, _ = writer.communicate(timeout=120)
            writes = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
            for w in writes:
                want = start_total + 24 * (w["batch"] + 1)
                shown = min((t for n, t in seen.items() if n >= want), default=None)
                lag = f"{shown - w['at']:.1f} s" if shown else "never"
                print(f"batch {w['batch']}: write {w['write_s'] * 1000:.0f} ms "
                      f"(turn included); shown by the API after {lag}")  # fmt: skip
            arr = np.array(latencies)
            print(f"/api/events?limit=50 during the run: {arr.size} requests, p50 "
                  f"{np.percentile(arr, 50):.1f} ms, p95 {np.percentile(arr, 95):.1f} ms, "
                  f"max {arr.max():.0f} ms")  # fmt: skip
            print(f"final total {total:,} (expected {expected:,})")
            time.sleep(1.0)
            paint = api_bench.dashboard_paint(base)
            if paint:
                print(f"first paint after writes: FCP {paint[0]:.0f} ms, data {paint[1]:.0f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
