"""Text search at a million events: the hand-built index against SQLite FTS5 and tantivy.

Issue 22 §3 asks whether a well-kept engine should replace ``serve/index.py``'s hand-built
``TextIndex`` behind the API's text filter. This puts each engine behind the same interface
(``search(lowered_q) -> ascending positions | None``), builds it from the same lowered
sentences of one store, and measures, side by side in one run:

- build time, and memory: the resident growth the built engine leaves and the peak during
  the build (``VmHWM`` after resetting it), each engine in its own child process so that
  one engine's leftovers do not count against the next;
- latency of new text searches (each text once, so no cache helps), through the engine
  alone and through ``EventIndex.page`` plus the page's JSON (what /api/events does for
  the request, less HTTP): p50, p95, p99, max;
- agreement: every engine's matches for every text against the hand-built index's (which
  the tests check against Python's ``in``), and the first texts against ``in`` directly.

The engines, both exact for case-insensitive substrings of the DuckDB-lowered sentences:

- ``fts5``: SQLite's FTS5 with the trigram tokenizer (``case_sensitive 1``: the text is
  lowered already, by DuckDB's rules), contentless, ``detail=full``; a text is one quoted
  phrase, which under trigrams is exactly a substring. Under three characters the trigram
  tokenizer matches nothing, so those scan the lowered sentences with Arrow.
- ``tantivy``: character trigrams (``Tokenizer.ngram(3, 3)``). Its ngram tokens all share
  one position, so a phrase query cannot chain them: the candidates are the documents
  holding every trigram of the text, then tested with Arrow. Under three characters: Arrow.

    .venv/bin/python benchmarks/search_bench.py --db /tmp/ew-search/events-1M.duckdb
    .venv/bin/python benchmarks/search_bench.py --engines hand,fts5 --queries 500

tantivy is not a project dependency: it is imported from ``--tantivy-path`` (a
``pip install --target`` directory) when given, and the engine is skipped when absent.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from eventwire.serve.index import EventIndex  # noqa: E402
from eventwire.serve.queries import EventFilter  # noqa: E402
from eventwire.store import connect  # noqa: E402

ENGINES = ("hand", "fts5", "tantivy")
CHECKED_BY_IN = 20  # texts also checked against Python's ``in`` over every sentence


def _scan(lowered: pa.Array, q: str) -> np.ndarray:
    """Positions of the sentences containing ``q``: Arrow over every sentence."""
    hit = pc.match_substring(lowered, q).fill_null(False)
    return np.flatnonzero(hit.to_numpy(zero_copy_only=False)).astype(np.int32)


class Fts5Text:
    """SQLite FTS5, trigram tokenizer, in memory."""

    def __init__(self, lowered: pa.Array) -> None:
        self.size = len(lowered)
        self._lowered = lowered
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE VIRTUAL TABLE t USING fts5(s, content='', detail=full,"
            " tokenize='trigram case_sensitive 1')"
        )
        step = 100_000
        for lo in range(0, self.size, step):
            chunk = lowered.slice(lo, step).to_pylist()
            self._db.executemany(
                "INSERT INTO t(rowid, s) VALUES (?, ?)",
                ((lo + i, s) for i, s in enumerate(chunk) if s is not None),
            )
        self._db.execute("INSERT INTO t(t) VALUES ('optimize')")  # one b-tree segment
        self._db.commit()

    @property
    def nbytes(self) -> int:
        (pages,) = self._db.execute("PRAGMA page_count").fetchone()
        (size,) = self._db.execute("PRAGMA page_size").fetchone()
        return int(pages * size + self._lowered.nbytes)

    def search(self, lowered_q: str) -> np.ndarray:
        if len(lowered_q) < 3:  # no trigram: FTS5 would match nothing
            return _scan(self._lowered, lowered_q)
        phrase = '"' + lowered_q.replace('"', '""') + '"'
        cur = self._db.execute("SELECT rowid FROM t WHERE t MATCH ?", (phrase,))
        found = np.fromiter(itertools.chain.from_iterable(cur), dtype=np.int64)
        return found.astype(np.int32)  # FTS5 returns them in rowid order


class TantivyText:
    """tantivy, character trigrams, in RAM."""

    def __init__(self, lowered: pa.Array) -> None:
        import tantivy

        self._t = tantivy
        self.size = len(lowered)
        self._lowered = lowered
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("s", tokenizer_name="tri", index_option="basic")
        builder.add_integer_field("pos", fast=True, indexed=False)
        self._schema = builder.build()
        self._index = tantivy.Index(self._schema)
        self._index.register_tokenizer(
            "tri", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.ngram(3, 3, False)).build()
        )
        writer = self._index.writer(1_000_000_000, 2)
        step = 100_000
        for lo in range(0, self.size, step):
            for i, s in enumerate(lowered.slice(lo, step).to_pylist()):
                if s is not None:
                    writer.add_document(tantivy.Document(s=s, pos=lo + i))
        writer.commit()
        writer.wait_merging_threads()
        self._index.reload()
        self._searcher = self._index.searcher()

    @property
    def nbytes(self) -> int:
        return int(self._lowered.nbytes)  # the RAM directory's size is not exposed

    def search(self, lowered_q: str) -> np.ndarray:
        t = self._t
        if len(lowered_q) < 3:
            return _scan(self._lowered, lowered_q)
        grams = sorted({lowered_q[i : i + 3] for i in range(len(lowered_q) - 2)})
        terms = [t.Query.term_query(self._schema, "s", g) for g in grams]
        query = (
            terms[0]
            if len(terms) == 1
            else t.Query.boolean_query([(t.Occur.Must, q) for q in terms])
        )
        hits = self._searcher.search(
            query, limit=max(1, self.size), count=False, order_by_field="pos", order=t.Order.Asc
        ).hits
        candidates = np.fromiter((h[0] for h in hits), dtype=np.int32, count=len(hits))
        if len(lowered_q) == 3 or candidates.size == 0:  # one trigram: exact already
            return candidates
        hit = pc.match_substring(self._lowered.take(pa.array(candidates)), lowered_q)
        return candidates[hit.to_numpy(zero_copy_only=False)]


def _rss() -> tuple[float, float]:
    """(resident, peak resident) MB of this process."""
    got = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            got[key] = int(value.split()[0]) / 1024
    return got.get("VmRSS", 0.0), got.get("VmHWM", 0.0)


def _percentiles(ms: list[float]) -> dict[str, float]:
    a = np.array(ms)
    return {
        "p50": float(np.percentile(a, 50)),
        "p95": float(np.percentile(a, 95)),
        "p99": float(np.percentile(a, 99)),
        "max": float(a.max()),
        "mean": float(a.mean()),
    }


def run_engine(engine: str, db: Path, texts: list[str]) -> dict[str, Any]:
    """Build ``engine`` over the store's sentences and time every text (in this process)."""
    from eventwire.serve.index import _release_memory

    con = connect(db, read_only=True)
    idx = EventIndex(con)
    lowered = idx.lowered
    assert lowered is not None
    rss_before, _ = _rss()
    with contextlib.suppress(OSError):  # reset VmHWM: the peak of the build alone
        Path("/proc/self/clear_refs").write_text("5")
    t0 = time.perf_counter()
    if engine == "hand":
        idx.build_text_index()
        text: Any = idx.text
    elif engine == "fts5":
        text = Fts5Text(lowered)
    else:
        text = TantivyText(lowered)
    build_s = time.perf_counter() - t0
    _release_memory()
    rss_after, peak = _rss()
    idx.text = text  # the engine behind EventIndex.page, as the API would use it
    load_before = os.getloadavg()[0]  # the CPUs are shared: say how busy they were
    engine_ms, page_ms, digests, sizes = [], [], [], []
    rows = lowered.to_pylist()
    mismatches_in = 0
    for n, q in enumerate(texts):
        lq = q.lower()  # the texts are ASCII: str.lower is DuckDB's lower
        t1 = time.perf_counter()
        found = text.search(lq)
        engine_ms.append((time.perf_counter() - t1) * 1000)
        if found is None:  # spaces only: EventIndex scans in DuckDB
            found = np.zeros(0, np.int32)
        digests.append(zlib.crc32(np.ascontiguousarray(found, dtype=np.int32).tobytes()))
        sizes.append(int(found.size))
        if n < CHECKED_BY_IN:
            expected = [i for i, s in enumerate(rows) if s is not None and lq in s]
            mismatches_in += found.tolist() != expected
    for q in texts:  # through the index layer, as /api/events; a new text every time
        idx._text_cache.clear()
        t1 = time.perf_counter()
        page = idx.page(con, EventFilter(q=q), limit=50, offset=0)
        idx.events_json(page.positions)
        page_ms.append((time.perf_counter() - t1) * 1000)
    con.close()
    return {
        "load": (load_before, os.getloadavg()[0]),
        "engine": engine,
        "build_s": build_s,
        "nbytes_mb": text.nbytes / 1e6,
        "rss_growth_mb": rss_after - rss_before,
        "build_peak_mb": peak - rss_before,
        "search_ms": _percentiles(engine_ms),
        "page_ms": _percentiles(page_ms),
        "digests": digests,
        "sizes": sizes,
        "mismatches_vs_in": mismatches_in,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, default=None, help="default: api_bench's 1M store")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ap.add_argument("--queries", type=int, default=2000, help="how many of api_bench's texts")
    ap.add_argument("--tantivy-path", type=Path, default=None)
    ap.add_argument("--child", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.tantivy_path:
        sys.path.insert(0, str(args.tantivy_path))
    from api_bench import TEXTS, cached_store

    if args.db is None:  # built once and cached under the temp dir by api_bench
        args.db = cached_store(1_000_000, None)
    texts = TEXTS[: args.queries]
    if args.child:
        result = run_engine(args.child, args.db, texts)
        args.out.write_text(json.dumps(result))
        return
    results = []
    for engine in args.engines.split(","):
        if engine == "tantivy":
            try:
                if args.tantivy_path:
                    sys.path.insert(0, str(args.tantivy_path))
                import tantivy  # noqa: F401
            except ImportError:
                print("tantivy: not installed, skipped")
                continue
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            cmd = [sys.executable, __file__, "--db", str(args.db), "--queries",
                   str(args.queries), "--child", engine, "--out", out.name]  # fmt: skip
            if args.tantivy_path:
                cmd += ["--tantivy-path", str(args.tantivy_path)]
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, env={**os.environ})
            results.append(json.loads(Path(out.name).read_text()))
            print(f"{engine}: done in {time.perf_counter() - t0:.0f} s", flush=True)
    reference = results[0]
    short = sum(len(t) < 3 for t in texts)
    print(f"\n{args.db}: {len(texts)} new texts ({short} under 3 characters), "
          f"matches per text median {int(np.median(reference['sizes']))}, "
          f"max {max(reference['sizes'])}")  # fmt: skip
    print(
        f"{'engine':<8} {'build s':>8} {'nbytes MB':>9} {'RSS+ MB':>8} {'peak+ MB':>8}"
        " | search ms p50 / p95 / p99 / max | page ms p50 / p95 / p99 / max | agree | 1-min load"
    )
    for r in results:
        s, p = r["search_ms"], r["page_ms"]
        same = sum(a == b for a, b in zip(r["digests"], reference["digests"], strict=True))
        print(
            f"{r['engine']:<8} {r['build_s']:8.1f} {r['nbytes_mb']:9.0f} {r['rss_growth_mb']:8.0f}"
            f" {r['build_peak_mb']:8.0f} | {s['p50']:6.2f} / {s['p95']:6.2f} / {s['p99']:6.2f}"
            f" / {s['max']:7.1f} | {p['p50']:6.2f} / {p['p95']:6.2f} / {p['p99']:6.2f}"
            f" / {p['max']:7.1f} | {same}/{len(texts)} as {reference['engine']},"
            f" {CHECKED_BY_IN - r['mismatches_vs_in']}/{CHECKED_BY_IN} as `in`"
            f" | load {r['load'][0]:.1f} -> {r['load'][1]:.1f}"
        )
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"largest child peak RSS: {peak_kb / 1024:.0f} MB")


if __name__ == "__main__":
    main()
