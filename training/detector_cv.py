"""Cross-validated figures for coder.plover.v5's news detector: steadier than the dev split.

    python training/detector_cv.py [--corpus-root ../shared/corpus] [--drop PREFIX,...]...

The dev split holds 236 new events: one event is 0.004 of F1, and most feature changes move
dev F1 by less than its noise. This pools the train and dev splits (929 events) and scores:

1. five folds by article (crc32 of the article id): each fifth coded by a detector fitted on
   the other four, the predictions pooled and scored once;
2. corpus against corpus: fitted on one corpus's sentences, scored on the other's (KCNA
   against NewsArticles 2017), a check on what transfers to news the gold does not hold.

``--drop`` names feature prefixes to leave out (comma-separated, one variant per flag), so a
feature group can be judged against the shipped set on the same candidates. The test split is
never read. Fits use ``train_detector.fit`` at ``--l2`` and the thresholds of
``--threshold``.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from eventwire.coder.detection import Detector  # noqa: E402
from eventwire.coder.detector import DetectedCoder, Scored  # noqa: E402
from eventwire.config import load_config  # noqa: E402
from eventwire.model import Article, Event  # noqa: E402
from eventwire.newseval import score_news  # noqa: E402
from eventwire.newsgold import GoldSentence  # noqa: E402
from eventwire.pipeline import Pipeline  # noqa: E402
from training import train_detector as td  # noqa: E402

Data = dict[str, tuple[Article, Scored]]


def without(data: Data, prefixes: tuple[str, ...]) -> Data:
    """The candidates with the features starting with ``prefixes`` left out."""
    if not prefixes:
        return data
    return {
        sid: (art, [[(c, {k: v for k, v in f.items() if not k.startswith(prefixes)})
                     for c, f in opts] for opts in scored])
        for sid, (art, scored) in data.items()
    }  # fmt: skip


def pooled(
    coder: DetectedCoder,
    data: Data,
    gold: dict[str, GoldSentence],
    fold_of: Callable[[str], int],
    l2: float,
    thresholds: Sequence[float],
) -> dict[float, dict[str, list[Event]]]:
    """Each fold's sentences decided by a detector fitted on the other folds, per threshold."""
    out: dict[float, dict[str, list[Event]]] = {t: {} for t in thresholds}
    for k in sorted({fold_of(sid) for sid in data}):
        fitted = td.fit(
            td.rows_of({s: v for s, v in data.items() if fold_of(s) != k}, gold, 1.0), l2
        )
        held = {s: v for s, v in data.items() if fold_of(s) == k}
        for t in thresholds:
            coder._detector = Detector(
                fitted.event, fitted.reference, target=fitted.target, threshold=t,
                reference_threshold=0.5,
            )  # fmt: skip
            out[t].update(td.decide_all(coder, held))
    return out


def line(name: str, sentences: Sequence[GoldSentence], coded: dict[str, list[Event]]) -> str:
    d = score_news(sentences, coded).to_json()
    return f"{name}: " + "  ".join(
        f"{k} {d[k]['precision']:.3f} / {d[k]['recall']:.3f} / {d[k]['f1']:.3f}"
        for k in ("detection", "type_source", "type_source_target")
    )


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--corpus-root", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--drop", action="append", default=[], metavar="PREFIX,...")
    ap.add_argument("--l2", type=float, default=10.0)
    ap.add_argument("--threshold", type=float, action="append", default=None)
    args = ap.parse_args(argv)
    thresholds = args.threshold or [0.15, 0.175, 0.2]
    gold_list = td.load_gold(args.corpus_root)
    gold = {s.id: s for s in gold_list}
    pipe = Pipeline(load_config())
    coder = pipe.coder
    assert isinstance(coder, DetectedCoder)
    sentences = [s for s in gold_list if s.split in ("train", "dev")]
    td.log(f"coding {len(sentences)} train and dev sentences")
    data = td.collect(sentences, pipe)
    corpora = sorted({s.corpus for s in sentences})
    for spec in ["", *args.drop]:
        prefixes = tuple(p for p in spec.split(",") if p)
        variant = without(data, prefixes)
        name = f"without {', '.join(prefixes)}" if prefixes else "shipped features"
        print(f"== {name} (L2 {args.l2:g})")
        by_article = pooled(coder, variant, gold, lambda s: zlib.crc32(
            gold[s].article_id.encode()) % 5, args.l2, thresholds)  # fmt: skip
        for t in thresholds:
            print(line(f"  5-fold by article @{t:g}", sentences, by_article[t]))
        by_corpus = pooled(coder, variant, gold, lambda s: corpora.index(gold[s].corpus),
                           args.l2, thresholds)  # fmt: skip
        for t in thresholds:
            for c in corpora:
                held = [s for s in sentences if s.corpus == c]
                print(line(f"  fitted on the other corpus, scored on {c} @{t:g}", held,
                           by_corpus[t]))  # fmt: skip
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
