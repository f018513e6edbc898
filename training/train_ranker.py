"""Fit the pair ranker of coder.plover.v3/v4/v5 (eventwire/coder/pair_ranker.json).

    python training/train_ranker.py ../shared/data/plv/train.csv [--out PATH]

Run from the repository root: the gold path is recorded in the weights as written
(``info.trained_on``), so the shipped file is reproduced byte for byte only with the path as
above.

1. Parses every row of a PLV-format gold file with the default pipeline and lists the
   candidate (source, target) pairs v3 proposes in it, with their features
   (:func:`ranker_groups`); a pair is right when both sides match the gold source and target
   as end-to-end scoring matches them (:func:`eventwire.evaluate.entities_match`).
2. Fits the conditional-logit ranker on all of them (:func:`fit`) and writes the weights.

What scores a ranker lives in eventwire (the coder loads the weights:
:class:`eventwire.coder.pairs.PairRanker`); fitting it lives here, so that the library does not
import the evaluation that builds its training data. benchmarks/coder_bench.py fits one
ranker per PLV fold with the same two functions.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from eventwire.coder.pairs import DEFAULT_RANKER, PairRanker  # noqa: E402

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from eventwire.coder.ranked import RankedCoder
    from eventwire.evaluate import GoldRow
    from eventwire.pipeline import Pipeline

# One sentence's candidate pairs (their features) and which of them are right.
Group = tuple[list[dict[str, float]], list[bool]]


def ranker_groups(
    rows: Sequence[GoldRow],
    *,
    pipeline: Pipeline,
    coder: RankedCoder,
    docs: Sequence[Doc] | None = None,
) -> list[Group]:
    """Training data for the pair ranker: for each gold row, the features of every candidate
    (source, target) pair ``coder.pairs`` proposes and whether the pair matches the gold
    source and target (by head-word overlap, as end-to-end scoring does). Pass ``docs``
    (:func:`eventwire.evaluate.parse_rows`) to reuse parses."""
    from eventwire.coder.context import ArticleMemory
    from eventwire.evaluate import entities_match, parse_rows
    from eventwire.ingest import article_id
    from eventwire.model import Article
    from eventwire.nlp import Sentence

    if docs is None:
        docs = parse_rows(rows, pipeline)
    resolve = getattr(pipeline.actors, "resolve", None)
    out: list[Group] = []
    for row, doc in zip(rows, docs, strict=True):
        article = Article(id=article_id(row.text), text=row.text, language="en")
        sentence = Sentence(index=0, text=row.text, start=0, end=len(row.text))
        _, pairs = coder.pairs(doc, sentence, article, ArticleMemory())
        gsrc = resolve(row.source) if resolve and row.source else None
        gtgt = resolve(row.target) if resolve and row.target else None
        out.append(
            (
                [dict(p.features) for p in pairs],
                [
                    entities_match([p.source.entity], row.source, gsrc)
                    and entities_match([p.target.entity], row.target, gtgt)
                    for p in pairs
                ],
            )
        )
    return out


def fit(
    groups: Sequence[tuple[Sequence[Mapping[str, float]], Sequence[bool]]],
    *,
    l2: float = 1.0,
    steps: int = 400,
    lr: float = 0.1,
    min_count: int = 2,
) -> PairRanker:
    """Fit the conditional-logit ranker: each group is one sentence's pairs (features) and
    which of them match the gold pair; it maximises the log-probability of the matching
    pairs within each sentence (groups with none are skipped), with an L2 penalty. Features
    found in fewer than ``min_count`` sentences are dropped. Full-batch Adam, deterministic."""
    counts: dict[str, int] = {}
    kept = [(fs, ys) for fs, ys in groups if any(ys) and len(fs) > 0]
    for fs, _ in kept:  # in how many sentences each feature occurs
        for k in {k for f in fs for k in f}:
            counts[k] = counts.get(k, 0) + 1
    names = sorted(k for k, n in counts.items() if n >= min_count)
    index = {k: i for i, k in enumerate(names)}
    rows, cols, vals, ys_all, gid = [], [], [], [], []
    r = 0
    for g, (fs, ys) in enumerate(kept):
        for feats, positive in zip(fs, ys, strict=True):
            for k, val in feats.items():
                if k in index:
                    rows.append(r)
                    cols.append(index[k])
                    vals.append(val)
            ys_all.append(float(positive))
            gid.append(g)
            r += 1
    n, d = r, len(names)
    # Sparse rows (most features are one-hot): products by bincount over the non-zeros.
    ri = np.asarray(rows, dtype=np.int64)
    ci = np.asarray(cols, dtype=np.int64)
    xv = np.asarray(vals, dtype=np.float64)
    y = np.asarray(ys_all)
    g_arr = np.asarray(gid, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, g_arr[1:] != g_arr[:-1]])  # groups are contiguous
    n_groups = len(kept)
    w = np.zeros(d)
    m = np.zeros(d)
    v = np.zeros(d)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        s = np.bincount(ri, weights=xv * w[ci], minlength=n)
        e = np.exp(s - np.maximum.reduceat(s, starts)[g_arr])
        z = np.add.reduceat(e, starts)[g_arr]
        zp = np.add.reduceat(e * y, starts)[g_arr]
        resid = e / z - e * y / zp
        grad = np.bincount(ci, weights=xv * resid[ri], minlength=d) / n_groups + l2 * w / n_groups
        m = b1 * m + (1 - b1) * grad
        v = b2 * v + (1 - b2) * grad * grad
        w -= lr * (m / (1 - b1**step)) / (np.sqrt(v / (1 - b2**step)) + eps)
    weights = {k: round(float(w[i]), 5) for i, k in enumerate(names) if abs(w[i]) > 1e-6}
    return PairRanker(weights, info={"sentences": n_groups, "pairs": n, "features": d, "l2": l2})


def main(argv: Sequence[str] | None = None) -> int:
    from eventwire.coder.ranked import RankedCoder
    from eventwire.evaluate import read_gold
    from eventwire.pipeline import Pipeline

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path, help="a PLV-format gold CSV (../shared/data/plv/train.csv)")
    ap.add_argument("--out", type=Path, default=DEFAULT_RANKER)
    args = ap.parse_args(argv)
    rows = read_gold(args.gold)
    pipe = Pipeline()
    coder = RankedCoder(actors=pipe.actors, places=pipe.places)
    ranker = fit(ranker_groups(rows, pipeline=pipe, coder=coder))
    ranker.info["trained_on"] = f"{args.gold} ({len(rows)} rows)"
    ranker.save(args.out)
    print(f"{args.out}: {len(ranker.weights)} weights, {ranker.info}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
