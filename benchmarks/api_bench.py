"""Benchmark the HTTP API on a store of synthetic events.

Builds a DuckDB store of N synthetic events (default 1,000,000) in bulk through Arrow, starts
the API with uvicorn on loopback in a separate process (so the load generator does not share
its GIL), and measures /api/events latency (p50/p95/p99) with C concurrent clients for a few
filter mixes, a bounded number of requests each. With Debian chromium and playwright present
it also measures the dashboard's first contentful paint and the time until its data is shown.

    .venv/bin/python benchmarks/api_bench.py [--events 1000000] [--requests 500] [--clients 20]

Target: p95 < 100 ms per mix. Prints its figures; nothing is written outside a temp dir
unless --db is given.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eventwire.ontology.plover import EVENT_TYPES, intensity, quad  # noqa: E402
from eventwire.store import connect  # noqa: E402
from eventwire.store.schema import EVENT_COLUMNS  # noqa: E402

CODES = ("USA", "CHN", "RUS", "PRK", "KOR", "JPN", "IRN", "ISR", "UKR", "GBR", "FRA", "DEU",
         "IND", "PAK", "TUR", "SYR", "IRQ", "SAU", "EGY", "TWN", "AFG", "NATO", "UN", "EU",
         "BRA", "MEX", "VEN", "CUB", "NGA", "ETH", "SDN", "YEM", "LBN", "PSE", "QAT", "ARE",
         "POL", "BLR", "GEO", "ARM", "AZE", "KAZ", "MMR", "THA", "VNM", "PHL", "IDN", "AUS",
         "CAN", "ZAF")  # fmt: skip
WORDS = ("missile", "talks", "sanctions", "border", "troops", "aid", "summit", "protest",
         "ceasefire", "drone", "statement", "embassy", "election", "oil", "nuclear")  # fmt: skip

Params = dict[str, str]
# Warm mixes repeat the same query (the dashboard's common case; served from the app's result
# cache after the first request). Cold mixes vary every request so that each one runs SQL.
MIXES: dict[str, Params | Callable[[int], Params]] = {
    "latest page": {},
    "actor": {"actor": "USA"},
    "dyad + range": {"actor": "USA", "recipient": "CHN", "since": "2023-01-01",
                     "until": "2023-12-31"},
    "type + quad": {"type": "ASSAULT", "quad": "4"},
    "text search": {"q": "nuclear summit"},
    "page 200": {"actor": "RUS", "offset": "10000"},
    "cold: pages": lambda i: {"actor": CODES[i % 10], "offset": str(50 * (i // 10))},
    "cold: dyad mo": lambda i: {
        "actor": CODES[i % 7],
        "recipient": CODES[7 + i % 5],
        "since": f"{2021 + i % 3}-{1 + (i // 3) % 12:02d}-01",
        "until": f"{2021 + i % 3}-{1 + (i // 3) % 12:02d}-28",
    },
}  # fmt: skip


def build_store(path: Path, n: int, *, seed: int = 7) -> float:
    """Write ``n`` synthetic events (and n/5 articles) to ``path``; return seconds taken."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    # Zipf-like popularity: a few actors dominate, as in real news.
    weights = 1.0 / np.arange(1, len(CODES) + 1) ** 1.1
    weights /= weights.sum()
    codes = np.array(CODES)
    actor = codes[rng.choice(len(CODES), n, p=weights)]
    recipient = codes[rng.choice(len(CODES), n, p=weights)]
    same = actor == recipient
    recipient[same] = codes[(np.searchsorted(codes, recipient[same]) + 1) % len(CODES)]
    types = np.array(EVENT_TYPES)
    ti = rng.integers(0, len(types), n)
    etype = types[ti]
    quad_col = np.array([quad(t) for t in EVENT_TYPES], dtype=np.int32)[ti]
    inten_col = np.array([intensity(t) for t in EVENT_TYPES])[ti]
    start = np.datetime64("2021-01-01")
    dates = start + rng.integers(0, 3 * 365, n).astype("timedelta64[D]")
    n_art = max(1, n // 5)
    art_idx = rng.integers(0, n_art, n)
    w1 = np.array(WORDS)[rng.integers(0, len(WORDS), n)]
    w2 = np.array(WORDS)[rng.integers(0, len(WORDS), n)]
    sentence = np.char.add(
        np.char.add(np.char.add(np.char.add(actor, " officials discussed "), w1), " and "), w2
    )
    sentence = np.char.add(np.char.add(sentence, " with "), recipient)
    polarity = np.where(rng.random(n) < 0.95, "asserted", "negated")
    modality = np.array(["actual", "future", "hypothetical", "historical"])[
        rng.choice(4, n, p=[0.85, 0.07, 0.05, 0.03])
    ]
    cols: dict[str, pa.Array] = {
        "id": pa.array(np.char.add("ev", np.arange(n).astype(str))),
        "article_id": pa.array(np.char.add("art", art_idx.astype(str))),
        "sentence_index": pa.array(np.zeros(n, np.int32)),
        "event_index": pa.array(np.zeros(n, np.int32)),
        "date": pa.array(dates.astype("datetime64[D]"), pa.date32()),
        "date_resolution": pa.array(np.full(n, "stated")),
        "event_type": pa.array(etype),
        "quad": pa.array(quad_col.astype(np.int32)),
        "intensity": pa.array(inten_col),
        "actor_code": pa.array(actor),
        "actor_text": pa.array(actor),
        "recipient_code": pa.array(recipient),
        "recipient_text": pa.array(recipient),
        "polarity": pa.array(polarity),
        "modality": pa.array(modality),
        "sentence": pa.array(sentence),
        "sentence_start": pa.array(np.zeros(n, np.int32)),
        "sentence_end": pa.array(np.char.str_len(sentence).astype(np.int32)),
        "trigger": pa.array(np.full(n, "discussed")),
        "trigger_start": pa.array((np.char.str_len(actor) + 11).astype(np.int32)),
        "trigger_end": pa.array((np.char.str_len(actor) + 20).astype(np.int32)),
        "confidence": pa.array(rng.random(n)),
        "coder_version": pa.array(np.full(n, "bench")),
    }
    kinds = {"INTEGER": pa.int32(), "DOUBLE": pa.float64(), "DATE": pa.date32()}
    table = pa.table(
        {
            name: cols.get(name, pa.nulls(n, kinds.get(kind.split()[0], pa.string())))
            for name, kind in EVENT_COLUMNS
        }
    )
    ids = np.arange(n_art).astype(str)
    articles = pa.table(
        {
            "id": pa.array(np.char.add("art", ids)),
            "url": pa.array(np.char.add("https://news.example/story/", ids)),
            "outlet": pa.array(np.array(["Wire", "Daily", "Post", "Herald"])[np.arange(n_art) % 4]),
            "published": pa.array(np.full(n_art, start).astype("datetime64[D]"), pa.date32()),
            "title": pa.array(np.char.add("Story ", ids)),
            "text": pa.nulls(n_art, pa.string()),
            "language": pa.array(np.full(n_art, "en")),
            "story_id": pa.nulls(n_art, pa.string()),
            "source": pa.array(np.full(n_art, "bench")),
            "line": pa.nulls(n_art, pa.int32()),
            "n_events": pa.nulls(n_art, pa.int32()),
            "coded_at": pa.nulls(n_art, pa.timestamp("us")),
        }
    )
    con = connect(path)  # creates the schema
    cur = con.cursor()  # a fresh cursor: connect() may leave a result pending on ``con``
    try:
        cur.register("_ev", table)
        cur.register("_art", articles)
        cur.execute("INSERT INTO articles SELECT * FROM _art")
        # In date order, as news is coded: DuckDB's zone maps then prune most row groups for
        # "newest first" and date-range queries.
        cur.execute("INSERT INTO events SELECT * FROM _ev ORDER BY date, id")
        cur.execute("CHECKPOINT")
    finally:
        cur.close()
        con.close()
    return time.perf_counter() - t0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    code = f"from eventwire.serve import serve; serve({str(db)!r}, port={port})"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/events?limit=1", timeout=5).is_success:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the API did not start within 60 s")


async def run_mix(
    base: str, params: Params | Callable[[int], Params], requests: int, clients: int
) -> list[float]:
    latencies: list[float] = []
    remaining = iter(range(requests))
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def worker() -> None:
            for i in remaining:
                p = params(i) if callable(params) else params
                t0 = time.perf_counter()
                r = await client.get("/api/events", params=p)
                latencies.append(time.perf_counter() - t0)
                r.raise_for_status()

        await asyncio.gather(*(worker() for _ in range(clients)))
    return latencies


def pct(values: list[float], p: float) -> float:
    return float(np.percentile(np.array(values) * 1000, p))


def dashboard_paint(base: str) -> tuple[float, float] | None:
    """(first contentful paint, data shown) in ms, or None without chromium/playwright."""
    if not Path("/usr/bin/chromium").exists():
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    args = [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ]  # fmt: skip
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        try:
            page = browser.new_page()
            page.goto(base + "/")  # warm-up: first load compiles and caches
            page.wait_for_selector("body[data-ready='true']", timeout=60_000)
            t0 = time.perf_counter()
            page.goto(base + "/?_=2", wait_until="commit")
            page.wait_for_selector("body[data-ready='true']", timeout=60_000)
            ready = (time.perf_counter() - t0) * 1000
            fcp = page.evaluate(
                "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1"
            )
            return float(fcp), ready
        finally:
            browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=250, help="requests per filter mix")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--db", type=Path, help="keep the store here (reused if it exists)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.duckdb"
        if not db.exists():
            secs = build_store(db, args.events)
            print(
                f"built {args.events:,} events in {secs:.1f} s ({args.events / secs:,.0f} rows/s)"
            )
        port = free_port()
        proc = start_server(db, port)
        base = f"http://127.0.0.1:{port}"
        try:
            print(
                f"{'mix':<14} {'total':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>7}"
            )
            for name, params in MIXES.items():
                first = params(0) if callable(params) else params
                total = httpx.get(f"{base}/api/events", params={**first, "limit": 1}).json()
                t0 = time.perf_counter()
                lat = asyncio.run(run_mix(base, params, args.requests, args.clients))
                wall = time.perf_counter() - t0
                print(f"{name:<14} {total['total']:>9,} {pct(lat, 50):>8.1f} {pct(lat, 95):>8.1f} "
                      f"{pct(lat, 99):>8.1f} {len(lat) / wall:>7.0f}")  # fmt: skip
            for path in ("/api/dyads", "/api/timeline", "/api/alerts?limit=20"):
                times = []
                for _ in range(5):
                    t0 = time.perf_counter()
                    httpx.get(base + path, timeout=60).raise_for_status()
                    times.append((time.perf_counter() - t0) * 1000)
                print(f"{path:<22} median of 5, one client: {statistics.median(times):.0f} ms")
            paint = dashboard_paint(base)
            if paint is None:
                print("dashboard: skipped (no /usr/bin/chromium or playwright)")
            else:
                print(f"dashboard: first contentful paint {paint[0]:.0f} ms, "
                      f"data shown {paint[1]:.0f} ms")  # fmt: skip
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
