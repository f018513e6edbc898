"""Benchmark the HTTP API on a store of synthetic events, the way a user would see it.

One command builds a DuckDB store of N synthetic events (default 1,000,000; cached between
runs under the temp dir), starts the API server in its own process (uvicorn, loopback only),
drives /api/events from *another* process with a load tool (Debian's ``wrk`` when installed,
else an httpx client in a child process) and prints p50/p95/p99 and requests/s for each
filter mix, the load average, and how the CPU was split between server and load generator.
With Debian chromium and playwright present it also measures the dashboard's first
contentful paint (Performance API) and the time until its data is shown. Everything it
starts is stopped on exit, whatever happens; every phase is bounded in time.

    .venv/bin/python benchmarks/api_bench.py                    # 1M events, 20 clients
    .venv/bin/python benchmarks/api_bench.py --seconds 5 --workers 2 --mixes actor,text

Each mix runs twice: "warm" repeats one request (the dashboard's common case: after the first
hit it is served from the server's result cache) and "cold" sends a different filter or page
on every request, so none is answered from that cache. In the cold "text" mix every request
is also a search text the server has not seen in the run (its text cache cannot help), and
"mixed" combines every filter at random. The server's resident memory is printed once it is
idle after start-up (its index built) and at the end.

Target (issue 6): p95 < 100 ms per mix with 20 clients; first paint < 1 s.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eventwire.ontology.plover import EVENT_TYPES, intensity, quad  # noqa: E402
from eventwire.store import connect  # noqa: E402
from eventwire.store.schema import EVENT_COLUMNS, SCHEMA_VERSION  # noqa: E402

CODES = ("USA", "CHN", "RUS", "PRK", "KOR", "JPN", "IRN", "ISR", "UKR", "GBR", "FRA", "DEU",
         "IND", "PAK", "TUR", "SYR", "IRQ", "SAU", "EGY", "TWN", "AFG", "NATO", "UN", "EU",
         "BRA", "MEX", "VEN", "CUB", "NGA", "ETH", "SDN", "YEM", "LBN", "PSE", "QAT", "ARE",
         "POL", "BLR", "GEO", "ARM", "AZE", "KAZ", "MMR", "THA", "VNM", "PHL", "IDN", "AUS",
         "CAN", "ZAF")  # fmt: skip
WORDS = ("missile", "talks", "sanctions", "border", "troops", "aid", "summit", "protest",
         "ceasefire", "drone", "statement", "embassy", "election", "oil", "nuclear")  # fmt: skip
DAYS = 3 * 365
START = np.datetime64("2021-01-01")
BUILD_VERSION = 2  # bump when build_store changes, so cached stores are rebuilt
# Each sentence also names a place and a person drawn from long Zipf-like tails of made-up
# words, so the text index faces a vocabulary of real size (hundreds of thousands of
# tokens, some with punctuation attached), not only the few words of the template.
TAIL = 150_000
SYLLABLES = ("ka", "lo", "mir", "ta", "ven", "sul", "ba", "dor", "e", "ni", "ras", "qu", "zh",
             "an", "ou", "ul", "ber", "gi", "pol", "sk", "ya", "mo", "ch", "ar", "is", "kh",
             "et", "na", "vi", "ro")  # fmt: skip

Params = dict[str, str]


def _day(i: int) -> str:
    return str(START + np.timedelta64(i % DAYS, "D"))


def _month(i: int) -> tuple[str, str]:
    y, m = 2021 + (i // 12) % 3, 1 + i % 12
    return f"{y}-{m:02d}-01", f"{y}-{m:02d}-28"


def _tail(seed: int) -> list[str]:
    """TAIL distinct made-up words (2-4 syllables), in a fixed order: rank 1 is the most
    frequent."""
    rng = random.Random(seed)
    words: dict[str, None] = {}
    while len(words) < TAIL:
        words["".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))).capitalize()] = None
    return list(words)


PLACES, NAMES = _tail(11), _tail(12)


def _texts() -> list[str]:
    """Distinct search texts, in a fixed shuffled order: phrases of the synthetic sentences
    ("USA officials discussed missile and talks with CHN in Kaloven, Tasul said"), single
    words and parts of words, in varied case, and the places and people of the long tail.
    The cold text mix sends each at most once: every request is a new search, nothing the
    server has seen."""
    rng = random.Random(3)
    parts = sorted({w[i:j] for w in WORDS for i in range(len(w)) for j in range(i + 3, len(w) + 1)})
    kinds = [
        [f"{a} and {b} with {r}" for a in WORDS for b in WORDS for r in CODES],
        [f"{c} officials discussed {w}" for c in CODES for w in WORDS]
        + [f"discussed {w}" for w in WORDS]
        + [f"with {c}" for c in CODES],
        # words and parts of words, as typed: lower, upper and capitalised
        parts + [p.upper() for p in parts] + [p.capitalize() for p in parts],
        # the vocabulary's tail: places and people, whole, in phrases, and in part
        [PLACES[i] for i in range(0, TAIL, 97)]
        + [f"in {PLACES[i]}" for i in range(3, TAIL, 131)]
        + [f"{NAMES[i]} said" for i in range(5, TAIL, 113)]
        + [NAMES[i][1:5].lower() for i in range(7, TAIL, 89)],
    ]
    for texts in kinds:
        rng.shuffle(texts)
    # Round robin over the kinds (while each lasts), so any stretch of the list mixes them.
    out: list[str] = []
    seen: set[str] = set()
    for i in range(max(map(len, kinds))):
        for texts in kinds:
            if i < len(texts) and texts[i] not in seen:
                seen.add(texts[i])
                out.append(texts[i])
    return out


TEXTS = _texts()


def _mixed(i: int) -> Params:
    """A random combination of every filter, as dashboard users make them: actor, recipient,
    type, quad, a date range and text each present or not, and a page among the first 20."""
    rng = random.Random(i)
    p: Params = {}
    if rng.random() < 0.5:
        p["actor"] = rng.choice(CODES)
    if rng.random() < 0.3:
        p["recipient"] = rng.choice(CODES)
    if rng.random() < 0.3:
        p["type"] = rng.choice(EVENT_TYPES)
    elif rng.random() < 0.2:
        p["quad"] = str(rng.randint(1, 4))
    if rng.random() < 0.4:
        start = rng.randrange(DAYS - 400)
        p["since"], p["until"] = _day(start), _day(start + rng.randint(1, 365))
    if rng.random() < 0.2:
        p["q"] = TEXTS[(7919 * i) % len(TEXTS)]
    if rng.random() < 0.1:
        p["all"] = "true"
    p["offset"] = str(50 * rng.randrange(20))
    return p


# name: (the warm request, the i-th cold request). Cold requests never repeat within a run
# (thousands of distinct filters/pages), so each is a result-cache miss; in the text mix
# each request is also a search text not seen before.
MIXES: dict[str, tuple[Params, Callable[[int], Params]]] = {
    "newest": ({}, lambda i: {"offset": str(50 * (i % 200)), "limit": str(50 - i // 200 % 40)}),
    "actor": ({"actor": "USA"}, lambda i: {"actor": CODES[i % 50], "offset": str(50 * (i // 50))}),
    "dyad": (
        {"actor": "USA", "recipient": "CHN"},
        lambda i: {"actor": CODES[i % 10], "recipient": CODES[10 + (i // 10) % 40],
                   "offset": str(50 * (i // 400))},
    ),
    "date range": (
        {"since": "2023-03-01", "until": "2023-03-31"},
        lambda i: {"since": _day(i % (DAYS - 61)), "until": _day(i % (DAYS - 61) + 1 + i % 60)},
    ),
    "type+quad": (
        {"type": "ASSAULT", "quad": "4"},
        lambda i: {"type": EVENT_TYPES[i % len(EVENT_TYPES)],
                   "quad": str(quad(EVENT_TYPES[i % len(EVENT_TYPES)])),
                   "offset": str(50 * (i // len(EVENT_TYPES)))},
    ),
    "text": (
        {"q": "nuclear"},
        lambda i: {"q": TEXTS[i % len(TEXTS)], "offset": str(50 * (i // len(TEXTS) % 5))},
    ),
    "mixed": ({"actor": "USA", "quad": "4", "since": "2022-01-01"}, _mixed),
    "deep offset": (
        {"actor": "RUS", "offset": "10000"},
        lambda i: {"offset": str(10_000 + 50 * i)},
    ),
}  # fmt: skip


# --------------------------------------------------------------------------- the store


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
    dates = START + rng.integers(0, DAYS, n).astype("timedelta64[D]")
    n_art = max(1, n // 5)
    art_idx = rng.integers(0, n_art, n)
    w1 = np.array(WORDS)[rng.integers(0, len(WORDS), n)]
    w2 = np.array(WORDS)[rng.integers(0, len(WORDS), n)]
    sentence = np.char.add(
        np.char.add(np.char.add(np.char.add(actor, " officials discussed "), w1), " and "), w2
    )
    sentence = np.char.add(np.char.add(sentence, " with "), recipient)
    ranks = 1.0 / np.arange(1, TAIL + 1) ** 1.05
    ranks /= ranks.sum()
    place = np.array(PLACES)[rng.choice(TAIL, n, p=ranks)]
    name = np.array(NAMES)[rng.choice(TAIL, n, p=ranks)]
    sentence = np.char.add(np.char.add(np.char.add(sentence, " in "), place), ", ")
    sentence = np.char.add(np.char.add(sentence, name), " said.")
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
            "published": pa.array(np.full(n_art, START).astype("datetime64[D]"), pa.date32()),
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
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    con = connect(tmp)  # creates the schema
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
    tmp.rename(path)  # only a complete store is ever reused
    return time.perf_counter() - t0


def cached_store(n: int, where: Path | None) -> Path:
    """The store of ``n`` events: ``where`` if given, else one cached under the temp dir
    (keyed by size, schema and generator version). Built when absent."""
    if where is None:
        cache = Path(tempfile.gettempdir()) / "eventwire-api-bench"
        cache.mkdir(exist_ok=True)
        where = cache / f"events-{n}-s{SCHEMA_VERSION}-b{BUILD_VERSION}.duckdb"
    if not where.exists():
        secs = build_store(where, n)
        print(f"built {n:,} events in {secs:.1f} s ({n / secs:,.0f} rows/s): {where}")
    else:
        print(f"store: {where} (cached; --db elsewhere or delete it to rebuild)")
    return where


# --------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str, timeout: float = 30) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return int(r.status), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@contextlib.contextmanager
def server(db: Path, port: int, workers: int) -> Iterator[subprocess.Popen[bytes]]:
    """The API in its own process (its own process group, so workers die with it)."""
    extra = f", workers={workers}" if workers != 1 else ""
    code = (
        "from eventwire.serve import serve; "
        f"serve({str(db)!r}, host='127.0.0.1', port={port}{extra})"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"the API server exited with {proc.returncode}")
            try:
                if _get(f"http://127.0.0.1:{port}/", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("the API did not start within 60 s")
            time.sleep(0.2)
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def server_memory(pid: int) -> tuple[float, float]:
    """Resident and peak resident MB of the server and its live children (workers)."""
    rss = peak = 0.0
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith(("VmRSS:", "VmHWM:")):
                    mb = int(line.split()[1]) / 1024
                    if line.startswith("VmRSS:"):
                        rss += mb
                    else:
                        peak += mb
    return rss, peak


def wait_idle(pid: int, limit: float = 30) -> None:
    """Wait (at most ``limit`` s) until the server is idle: after a cold mix it may still be
    working through requests whose clients have gone, which would be charged to the next."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = _cpu_seconds(pid)
        time.sleep(0.5)
        if _cpu_seconds(pid) - before < 0.05:
            return


def _cpu_seconds(pid: int) -> float:
    """User+system CPU of ``pid`` and its live children (uvicorn workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    for p in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            # utime, stime, cutime, cstime (fields 14-17): children that exited count too
            total += sum(int(f) for f in fields[11:15]) / tick
    return total


# --------------------------------------------------------------------------- the load


@dataclass
class Result:
    p50: float
    p95: float
    p99: float
    n: int
    rps: float
    errors: int
    server_cpu: float  # CPU seconds per wall second (1.0 = one core)
    load_cpu: float


_WRK_LUA = r"""
local paths = {}
for line in io.lines(os.getenv("EW_PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i - 1) % #paths + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %f %f %f %d %d %f\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests,
    e.connect + e.read + e.write + e.timeout + e.status, summary.duration / 1e6))
end
"""


def _paths(params: list[Params]) -> list[str]:
    return [f"/api/events?{urlencode(p)}" if p else "/api/events" for p in params]


def run_wrk(
    base: str, paths: list[str], clients: int, seconds: float, tmp: Path
) -> tuple[float, float, float, int, int, float, int]:
    script, listing = tmp / "mix.lua", tmp / "paths.txt"
    script.write_text(_WRK_LUA)
    listing.write_text("\n".join(paths) + "\n")
    # One wrk thread: 20 connections are nothing for its event loop, and a second thread
    # would only take CPU from the server on a small machine.
    cmd = ["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "10s",
           "-s", str(script), base]  # fmt: skip
    proc = subprocess.Popen(
        cmd, env={**os.environ, "EW_PATHS": str(listing)}, stdout=subprocess.PIPE, text=True
    )
    out, _ = proc.communicate(timeout=seconds + 30)
    line = next((ln for ln in out.splitlines() if ln.startswith("RESULT")), None)
    if line is None:
        raise SystemExit(f"wrk printed no result:\n{out}")
    p50, p95, p99, n, err, secs = line.split()[1:]
    return float(p50), float(p95), float(p99), int(n), int(err), float(secs), proc.pid


def load_worker(base: str, listing: Path, clients: int, seconds: float) -> None:
    """The fallback load generator (runs in its own process): ``clients`` keep-alive
    connections, each sending the next path as soon as its previous answer is in."""
    import asyncio

    import httpx

    paths = listing.read_text().split("\n")[:-1]
    latencies: list[float] = []
    errors = 0
    counter = iter(range(10**9))

    async def main() -> float:
        nonlocal errors
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        async with httpx.AsyncClient(base_url=base, timeout=10, limits=limits) as client:
            stop = time.perf_counter() + seconds

            async def worker() -> None:
                nonlocal errors
                while time.perf_counter() < stop:
                    path = paths[next(counter) % len(paths)]
                    t0 = time.perf_counter()
                    try:
                        r = await client.get(path)
                        if r.status_code != 200:
                            errors += 1
                    except httpx.HTTPError:
                        errors += 1
                    latencies.append(time.perf_counter() - t0)

            t0 = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(clients)))
            return time.perf_counter() - t0

    secs = asyncio.run(main())
    ms = np.array(latencies) * 1000
    print("RESULT", *(float(np.percentile(ms, p)) for p in (50, 95, 99)), len(ms), errors, secs)


def run_httpx(
    base: str, paths: list[str], clients: int, seconds: float, tmp: Path
) -> tuple[float, float, float, int, int, float, int]:
    listing = tmp / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    cmd = [sys.executable, __file__, "--load-worker", base, str(listing), str(clients),
           str(seconds)]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out, _ = proc.communicate(timeout=seconds + 60)
    line = next((ln for ln in out.splitlines() if ln.startswith("RESULT")), None)
    if line is None:
        raise SystemExit(f"the load worker printed no result:\n{out}")
    p50, p95, p99, n, err, secs = line.split()[1:]
    return float(p50), float(p95), float(p99), int(n), int(err), float(secs), proc.pid


def measure(
    tool: str, srv: int, base: str, paths: list[str], clients: int, seconds: float, tmp: Path
) -> Result:
    run = run_wrk if tool == "wrk" else run_httpx
    cpu0, self0 = _cpu_seconds(srv), os.times()
    p50, p95, p99, n, err, secs, _ = run(base, paths, clients, seconds, tmp)
    cpu1, self1 = _cpu_seconds(srv), os.times()
    # The load tool is our child and has exited: its CPU is in our children's times.
    load = (self1.children_user + self1.children_system) - (
        self0.children_user + self0.children_system
    )
    return Result(p50, p95, p99, n, n / secs, err, (cpu1 - cpu0) / secs, load / secs)


# --------------------------------------------------------------------------- the browser


def dashboard_paint(base: str) -> tuple[float, float, float] | None:
    """(first contentful paint, data shown, same on a second load) in ms, or None without
    chromium/playwright. The first load is a fresh browser (nothing cached on its side)."""
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
    fcp_js = "performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args, timeout=60_000)
        try:
            page = browser.new_page()
            t0 = time.perf_counter()
            page.goto(base + "/", timeout=60_000)
            page.wait_for_selector("body[data-ready='true']", timeout=60_000)
            ready = (time.perf_counter() - t0) * 1000
            fcp = float(page.evaluate(fcp_js))
            page2 = browser.new_page()
            t0 = time.perf_counter()
            page2.goto(base + "/?_=2", timeout=60_000)
            page2.wait_for_selector("body[data-ready='true']", timeout=60_000)
            ready2 = (time.perf_counter() - t0) * 1000
            return fcp, ready, max(ready2, float(page2.evaluate(fcp_js)))
        finally:
            browser.close()


# --------------------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=8, help="load time per mix and kind")
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--mixes", help="comma-separated subset of: " + ", ".join(MIXES))
    ap.add_argument("--kinds", default="warm,cold", help="warm, cold or both")
    ap.add_argument("--tool", choices=("auto", "wrk", "httpx"), default="auto")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--db", type=Path, help="keep the store here (reused if it exists)")
    ap.add_argument("--load-worker", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.load_worker:
        base, listing, clients, seconds = args.load_worker
        load_worker(base, Path(listing), int(clients), float(seconds))
        return
    tool = args.tool if args.tool != "auto" else ("wrk" if shutil.which("wrk") else "httpx")
    names = args.mixes.split(",") if args.mixes else list(MIXES)
    kinds = args.kinds.split(",")
    db = cached_store(args.events, args.db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.2f} before the run; "
          f"{args.clients} clients, {args.seconds:g} s per mix, load from {tool}, "
          f"{args.workers} server worker(s)")  # fmt: skip
    t_start = time.perf_counter()
    with server(db, port, args.workers) as proc, tempfile.TemporaryDirectory() as tmp:
        t_up = time.perf_counter() - t_start
        print(f"server up in {t_up:.1f} s (pid {proc.pid})")
        # The browser first, once the server has built its index and warmed the opening
        # view (a few seconds after start; wait_idle): a user's first visit.
        wait_idle(proc.pid)
        rss, peak = server_memory(proc.pid)
        print(f"server memory once idle (index and text index built): {rss:.0f} MB resident, "
              f"peak {peak:.0f} MB")  # fmt: skip
        if not args.no_browser:
            paint = dashboard_paint(base)
            if paint is None:
                print("dashboard: skipped (no /usr/bin/chromium or playwright)")
            else:
                print(f"dashboard: first contentful paint {paint[0]:.0f} ms, data shown "
                      f"{paint[1]:.0f} ms (first visit); reload: data shown "
                      f"{paint[2]:.0f} ms")  # fmt: skip
        print(f"{'mix':<12} {'kind':<5} {'total':>9} {'first ms':>8} {'p50 ms':>7} "
              f"{'p95 ms':>7} {'p99 ms':>7} {'req/s':>6} {'err':>4} {'srv cpu':>7} "
              f"{'load cpu':>8} {'loadavg':>7}")  # fmt: skip
        rng = random.Random(1)
        for name in names:
            warm, cold = MIXES[name]
            for kind in kinds:
                if kind == "warm":
                    params = [warm]
                else:
                    # The text mix: each search text once (they are distinct).
                    count = len(TEXTS) if name == "text" else 20_000
                    params = [cold(i) for i in range(count)]
                    rng.shuffle(params)
                paths = _paths(params)
                wait_idle(proc.pid)
                # The first request of the run, alone: the cold-cache latency a user sees.
                t0 = time.perf_counter()
                status, body = _get(base + paths[0])
                first = (time.perf_counter() - t0) * 1000
                if status != 200:
                    raise SystemExit(f"{paths[0]} answered {status}: {body[:300]!r}")
                total = json.loads(body)["total"]
                load = paths if kind == "warm" else paths[1:]
                r = measure(tool, proc.pid, base, load, args.clients, args.seconds, Path(tmp))
                print(f"{name:<12} {kind:<5} {total:>9,} {first:>8.0f} {r.p50:>7.1f} "
                      f"{r.p95:>7.1f} {r.p99:>7.1f} {r.rps:>6.0f} {r.errors:>4} "
                      f"{r.server_cpu:>7.2f} {r.load_cpu:>8.2f} {os.getloadavg()[0]:>7.2f}",
                      flush=True)  # fmt: skip
        for path in ("/api/dyads", "/api/timeline", "/api/alerts?limit=20"):
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                _get(base + path, timeout=60)
                times.append((time.perf_counter() - t0) * 1000)
            print(f"{path:<22} one client: first {times[0]:.0f} ms, then {times[-1]:.0f} ms")
        rss, peak = server_memory(proc.pid)
        print(f"server memory at the end: {rss:.0f} MB resident, peak {peak:.0f} MB")
    print(
        f"load average {os.getloadavg()[0]:.2f} after the run; cpu columns are cores "
        "(1.00 = one core busy) used by the server and by the load generator"
    )


if __name__ == "__main__":
    main()
