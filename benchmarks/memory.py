"""Bounded memory: peak RSS while coding a large generated JSONL, against bytes read.

Run from the repository root:

    python benchmarks/memory.py [--mb 200] [--articles 2000] [--workers 1]

Writes ``--mb`` MB of short generated news articles (varied so that no two are duplicates) to
a temporary JSONL, codes it with ``Pipeline.run`` into a temporary database, and stops after
``--articles`` articles (a run of the whole file would take hours on 2 cores; what matters is
that memory stays flat as the input grows). Every ``--every`` articles it prints the articles
coded, bytes of input behind them, and the RSS of the process tree so far. Readers and the
pipeline are iterators and the parent keeps counts, not articles: RSS should level off after
the first batches (model + knowledge bases + one batch in flight) whatever the input size.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sys
import tempfile
import time
from pathlib import Path

from eventwire.pipeline import Pipeline, Progress

MB = 1024 * 1024

_ACTORS = [
    "Russia",
    "Ukraine",
    "China",
    "the United States",
    "Japan",
    "Iran",
    "Israel",
    "Turkey",
    "India",
    "Pakistan",
    "France",
    "Germany",
    "Egypt",
    "Nigeria",
    "Brazil",
]
_ACTS = [
    "condemned",
    "met",
    "threatened",
    "accused",
    "praised",
    "sanctioned",
    "attacked",
    "urged",
    "rejected",
    "agreed with",
    "criticized",
    "invited",
]
_FILLER = [
    "Markets were calm on the day.",
    "The weather was mild across the region.",
    "Analysts expect little change this year.",
    "Traffic was heavy in the capital.",
]


class _Stop(Exception):
    """Raised from the progress callback to end the run early (the run's batches already
    written stay written)."""


def generate(path: Path, megabytes: int, seed: int = 7) -> int:
    """Write about ``megabytes`` MB of short articles to ``path``; return the count."""
    rng = random.Random(seed)
    n = 0
    written = 0
    with path.open("w", encoding="utf-8") as fh:
        while written < megabytes * MB:
            a, b = rng.sample(_ACTORS, 2)
            lines = [
                f"{a} {rng.choice(_ACTS)} {b} on day {n} over issue {rng.randrange(10**9)}.",
                *rng.sample(_FILLER, 2),
                f"Officials in {b} said talks would continue (report {n}).",
            ]
            row = json.dumps({"id": f"gen-{n}", "published": "2022-01-01", "text": " ".join(lines)})
            fh.write(row + "\n")
            written += len(row) + 1
            n += 1
    return n


def _rss_tree() -> int:
    import psutil

    me = psutil.Process()
    total = 0
    for proc in [me, *me.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            continue
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=int, default=200, help="size of the generated input")
    parser.add_argument("--articles", type=int, default=2000, help="stop after this many")
    parser.add_argument("--every", type=int, default=250, help="report every N articles")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "big.jsonl"
        t = time.perf_counter()
        total = generate(src, args.mb)
        size = src.stat().st_size
        print(
            f"generated {total:,} articles, {size / MB:.0f} MB in {time.perf_counter() - t:.0f} s"
        )
        bytes_per_article = size / total
        pipe = Pipeline()
        peak = 0
        next_report = args.every
        start = time.perf_counter()

        def progress(p: Progress) -> None:
            nonlocal peak, next_report
            rss = _rss_tree()
            peak = max(peak, rss)
            if p.articles >= next_report:
                next_report += args.every
                print(
                    f"{p.articles:>7,} articles, {p.articles * bytes_per_article / MB:6.1f} MB "
                    f"read, {p.events:>6,} events, RSS {rss / MB:6.0f} MB (peak {peak / MB:.0f}),"
                    f" {p.articles / (time.perf_counter() - start):.1f} art/s",
                    flush=True,
                )
            if p.articles >= args.articles:
                raise _Stop

        with contextlib.suppress(_Stop):
            pipe.run([src], db=Path(tmp) / "big.duckdb", workers=args.workers, progress=progress)
        print(
            f"peak RSS {peak / MB:.0f} MB (process tree) for an input of {size / MB:.0f} MB; "
            f"stopped after {args.articles:,} articles"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
