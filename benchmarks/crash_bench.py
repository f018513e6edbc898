"""Crash benchmark: kill -9 `eventwire code` at 10 seeded random moments, re-run to the end,
and check the result equals an uninterrupted run (same event ids and content, no duplicates,
every record accounted for).

    .venv/bin/python benchmarks/crash_bench.py [--records 200] [--kills 10] [--seed 1]

Uses the synthetic corpus of tests/store/crashkit.py (our own text, nothing from ../shared).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "store"))

import crashkit


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=200)
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch-size", type=int, default=8)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus, config = crashkit.write_inputs(root, n=args.records, batch_size=args.batch_size)
        ref = crashkit.run_code(corpus, root / "ref.duckdb", config)
        want = crashkit.snapshot(root / "ref.duckdb")
        print(
            f"uninterrupted: {ref.seconds:.1f} s, {len(want['articles'])} articles, "
            f"{len(want['events'])} events, {len(want['rejected'])} rejected or skipped"
        )
        t0 = time.perf_counter()
        moments, final = crashkit.crash_and_finish(
            corpus,
            root / "crash.duckdb",
            config,
            reference=ref,
            kills=args.kills,
            seed=args.seed,
        )
        got = crashkit.snapshot(root / "crash.duckdb")
        ids = [r[0] for r in got["events"]]
        ok = (
            got == want
            and len(ids) == len(set(ids))
            and len(got["articles"]) + len(got["rejected"]) == args.records
        )
        print(
            f"{len(moments)} kills at " + ", ".join(f"{m:.1f}" for m in moments) + " s; "
            f"final run {final.seconds:.1f} s; total {time.perf_counter() - t0:.1f} s"
        )
        print(f"events equal to the uninterrupted run, no duplicates, all accounted: {ok}")
        return 0 if ok and len(moments) >= args.kills else 1


if __name__ == "__main__":
    raise SystemExit(main())
