"""Benchmark the rule coder on PLV: 5-fold figures in both settings, and throughput.

Folds: scikit-learn's StratifiedGroupKFold (k=5, shuffled, seed 13), stratified by label and
grouped by sentence text, so no sentence is in both a fold's train and eval part (the same
split as training/train_classifier.py). The rule coder has no training, so each fold is just an
evaluation split; but its lexicon was revised with the PLOVER codebook as the source and with
PLV errors looked at on folds 1-4 only: fold 5 is the one untouched by that tuning, and is
printed on its own. The trained classifier (models/plover-minilm) is not used: the shipped
model saw all of PLV, so any figure from it here would be in-sample.

Throughput: sentences/s for the coder alone (given parses) and end to end (pipeline.code_text:
cleaning, splitting, prefilter, parsing, coding), one process.

    python benchmarks/coder_bench.py [--shared ../shared] [--limit N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from eventwire.evaluate import (  # noqa: E402
    EvalReport,
    GoldRow,
    code_rows,
    parse_rows,
    read_gold,
    score,
)
from eventwire.pipeline import Pipeline  # noqa: E402


def folds(rows: list[GoldRow], k: int = 5, seed: int = 13) -> list[int]:
    import numpy as np
    from sklearn.model_selection import StratifiedGroupKFold

    out = [0] * len(rows)
    split = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    labels = [r.label for r in rows]
    groups = [r.text for r in rows]
    for f, (_, ev) in enumerate(split.split(np.zeros(len(rows)), labels, groups)):
        for i in ev:
            out[i] = f
    return out


def _line(name: str, r: EvalReport) -> str:
    s = f"{name:<10} n={r.n:<5} acc {r.accuracy:.3f}  macro-F1 {r.macro_f1:.3f}"
    if r.triple_f1 is not None:
        s += f"  triples P {r.triple_precision:.3f} R {r.triple_recall:.3f} F1 {r.triple_f1:.3f}"
    return s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--limit", type=int, default=0, help="only the first N rows")
    args = ap.parse_args()
    rows = read_gold(args.shared / "data" / "plv" / "train.csv")
    if args.limit:
        rows = rows[: args.limit]
    pipe = Pipeline()
    _ = pipe.nlp  # load once, outside the timings
    fold_of = folds(rows)

    t0 = time.perf_counter()
    docs = parse_rows(rows, pipe)  # parsed once, shared by both settings
    parse_s = time.perf_counter() - t0
    for given in (True, False):
        setting = "given-actors" if given else "end-to-end"
        t0 = time.perf_counter()
        preds = code_rows(rows, pipeline=pipe, given_actors=given, docs=docs)
        code_s = time.perf_counter() - t0
        print(f"\n== {setting} (5-fold, grouped by sentence; no training: folds are splits)")
        per_fold = []
        for f in range(5):
            r = score([p for p in preds if fold_of[p.row] == f], setting=setting)
            per_fold.append(r)
            tag = " (held out from tuning)" if f == 4 else ""
            print(_line(f"fold {f + 1}", r) + tag)
        dev = score([p for p in preds if fold_of[p.row] != 4], setting=setting)
        pooled = score(preds, setting=setting)
        mean = sum(r.macro_f1 for r in per_fold) / len(per_fold)
        print(_line("folds 1-4", dev) + "  (tuning folds)")
        print(_line("pooled", pooled) + f"  mean per-fold macro-F1 {mean:.3f}")
        print("per type (pooled): type precision recall F1 support")
        for t in pooled.per_type:
            print(f"  {t.label:<10} {t.precision:.3f} {t.recall:.3f} {t.f1:.3f} {t.support}")
        print(f"coder alone, given parses: {len(rows) / code_s:.0f} sentences/s")
    print(f"\nspaCy parse of {len(rows)} sentences: {parse_s:.1f} s ({len(rows) / parse_s:.0f}/s)")
    from eventwire.ingest import article_id, clean_text
    from eventwire.model import Article

    texts = [clean_text(r.text) for r in rows]
    articles = [Article(id=article_id(t), text=t, language="en") for t in texts]
    t0 = time.perf_counter()
    done = sum(1 for _ in pipe.code_articles(articles))  # batches, like `eventwire code`
    e2e = time.perf_counter() - t0
    print(
        f"end to end (split, prefilter, parse, code; batches of "
        f"{pipe.config.pipeline.batch_size}): {len(rows) / e2e:.1f} sentences/s "
        f"({done} of {len(rows)} coded, the rest set aside as failed)"
    )


if __name__ == "__main__":
    main()
