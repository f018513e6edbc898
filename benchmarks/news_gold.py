"""Coders on the news gold: sentence detection and events, where most sentences report none.

    python benchmarks/news_gold.py [--split dev|test] [--coder NAME ...] [--json out.json]

Scores each coder on one split of ``data/news_gold`` (rebuilt from ../shared/corpus) with
:mod:`eventwire.newseval`: new events only (asserted, actual), matched on type + source
country, and type + source + target. ``dev`` is for choosing; ``test`` only for final
figures. Defaults: the dev split, coders v5 (the default) and v1.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--split", default="dev", choices=("train", "dev", "test"))
    ap.add_argument("--coder", action="append", default=None)
    ap.add_argument(
        "--json", type=Path, default=None, help="write the figures and the machine to this file"
    )
    args = ap.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"No corpus at {CORPUS}: this benchmark reads ../shared.")
    from report import start, write_result  # benchmarks/report.py, beside this script

    from eventwire.config import load_config
    from eventwire.newseval import code_gold, score_news
    from eventwire.newsgold import load_gold_set
    from eventwire.pipeline import Pipeline

    started = start()
    gold = load_gold_set(REPO / "data" / "news_gold", CORPUS, split=args.split)
    coders = args.coder or ["coder.plover.v5", "coder.plover.v1"]
    results = {}
    for name in coders:
        cfg = load_config()
        pipe = Pipeline(replace(cfg, pipeline=replace(cfg.pipeline, coder=name)))
        t0 = time.perf_counter()
        scores = score_news(gold, code_gold(gold, pipe))
        results[name] = {**scores.to_json(), "seconds": round(time.perf_counter() - t0, 1)}
        print(f"{name} on {args.split} ({scores.sentences} sentences)")
        for label, prf in (
            ("sentence detection", scores.detection),
            ("type + source", scores.type_source),
            ("type + source + target", scores.type_source_target),
        ):
            print(f"  {label:<24} P {prf.precision:.3f}  R {prf.recall:.3f}  F1 {prf.f1:.3f}")
        for sub, sc in scores.subsets.items():
            d, t = sc.detection, sc.type_source
            print(f"  [{sub}] detection P {d.precision:.3f} R {d.recall:.3f}; "
                  f"type + source P {t.precision:.3f} R {t.recall:.3f}")  # fmt: skip
    if args.json:
        write_result(args.json, "news_gold", {"split": args.split, "coders": results}, started)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
