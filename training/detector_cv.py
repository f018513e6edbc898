"""Cross-validated figures for coder.plover.v5's news detector: steadier than the dev split.

    python training/detector_cv.py [--corpus-root ../shared/corpus] [--drop PREFIX,...]...

The dev split holds 236 new events: one event is 0.004 of F1, and most feature changes move
dev F1 by less than its noise. This pools the train and dev splits (929 events) and scores:

1. five folds by article (crc32 of the article id): each fifth coded by a detector fitted on
   the other four, the predictions pooled and scored once;
2. corpus against corpus: fitted on one corpus's sentences, scored on the other's (KCNA
   against NewsArticles 2017), a check on what transfers to news the gold does not hold.

``--drop`` names feature prefixes to leave out (comma-separated, one variant per flag), so a
feature group can be judged against the shipped set on the same candidates (``--drop sent``:
without the sentence heads' features). The sentence heads are fitted inside each fold. The
test split is never read. Fits use ``train_detector.fit`` at ``--l2``, the event thresholds of
``--threshold`` and the reference thresholds of ``--reference-threshold`` (default 0.5;
every pair is scored). Each 5-fold line is followed by how many kept events are right by
where their candidate came from, and how the reference flag reads the kept events whose type
and source are right.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from eventwire.coder.detector import DetectedCoder, Scored  # noqa: E402
from eventwire.config import load_config  # noqa: E402
from eventwire.model import Article, Event  # noqa: E402
from eventwire.newseval import is_new, matches, score_news  # noqa: E402
from eventwire.newsgold import GoldSentence  # noqa: E402
from eventwire.pipeline import Pipeline  # noqa: E402
from training import train_detector as td  # noqa: E402
from training.sentence_heads import (  # noqa: E402
    Embeddings,
    cross_fitted,
    embed,
    fit_heads,
    texts_of,
    with_heads,
)

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
    thresholds: Sequence[tuple[float, float]],
    emb: Embeddings,
    drop: tuple[str, ...] = (),
) -> dict[tuple[float, float], dict[str, list[Event]]]:
    """Each fold's sentences decided by a detector fitted on the other folds, per (event,
    reference) threshold. The sentence heads are fitted within the other folds too: their
    training rows read by heads cross-fitted there, the fold by heads fitted on all of them."""
    out: dict[tuple[float, float], dict[str, list[Event]]] = {t: {} for t in thresholds}
    for k in sorted({fold_of(sid) for sid in data}):
        rest = {s: v for s, v in data.items() if fold_of(s) != k}
        heads = fit_heads([gold[s] for s in rest], emb)
        train = without(cross_fitted(rest, gold, emb), drop)
        held = without(with_heads({s: v for s, v in data.items() if fold_of(s) == k}, heads,
                                  emb), drop)  # fmt: skip
        fitted = td.fit(td.rows_of(train, gold, 1.0), l2)
        coder.detector = fitted
        for t, r in thresholds:
            fitted.threshold, fitted.reference_threshold = t, r
            out[(t, r)].update(td.decide_all(coder, held))
    return out


def _new_or_reference(polarity: str, modality: str) -> bool:
    return polarity == "asserted" and modality in ("actual", "historical")


def breakdown(data: Data, gold: dict[str, GoldSentence], coded: dict[str, list[Event]]) -> str:
    """Kept new events right (type and source) of kept, by where the candidate came from; and
    the reference flag on the kept events whose type and source match a gold event."""
    origin = {
        (c.event.article_id, c.event.evidence.trigger_start, c.event.actor_code, c.event_type):
            next((k[5:] for k in f if k.startswith("from=")), "?")
        for _, scored in data.values() for opts in scored for c, f in opts
    }  # fmt: skip
    kept: dict[str, list[int]] = {}
    flag = {"right": 0, "new flagged as a reference": 0, "reference read as new": 0}
    for sid, events in coded.items():
        g = gold[sid].events
        for e in events:
            told = [x for x in g if _new_or_reference(x.polarity, x.modality)
                    and matches(e, x, with_target=False)]  # fmt: skip
            if told and _new_or_reference(e.polarity, e.modality):
                said, truth = e.modality == "historical", told[0].modality == "historical"
                if said == truth:
                    flag["right"] += 1
                elif said:
                    flag["new flagged as a reference"] += 1
                else:
                    flag["reference read as new"] += 1
            if not is_new(e):
                continue
            o = origin.get(
                (e.article_id, e.evidence.trigger_start, e.actor_code, e.event_type), "?"
            )
            n = kept.setdefault(o, [0, 0])
            n[0] += any(matches(e, x, with_target=False) for x in g if x.is_new)
            n[1] += 1
    by = ", ".join(f"{o} {r} of {n}" for o, (r, n) in sorted(kept.items()))
    return f"right of kept, by origin: {by}; reference flag: " + ", ".join(
        f"{k} {v}" for k, v in flag.items()
    )


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
    ap.add_argument("--reference-threshold", type=float, action="append", default=None)
    args = ap.parse_args(argv)
    events = args.threshold or [0.15, 0.175, 0.2]
    references = args.reference_threshold or [0.5]
    pairs = [(t, r) for t in events for r in references]
    gold_list = td.load_gold(args.corpus_root)
    gold = {s.id: s for s in gold_list}
    pipe = Pipeline(load_config())
    coder = pipe.coder
    assert isinstance(coder, DetectedCoder)
    sentences = [s for s in gold_list if s.split in ("train", "dev")]
    td.log(f"coding {len(sentences)} train and dev sentences")
    data = td.collect(sentences, pipe)
    emb = embed(coder.encoder, [s.text for s in sentences] + sorted(texts_of(data)))
    corpora = sorted({s.corpus for s in sentences})
    for spec in ["", *args.drop]:
        prefixes = tuple(p for p in spec.split(",") if p)
        name = f"without {', '.join(prefixes)}" if prefixes else "shipped features"
        print(f"== {name} (L2 {args.l2:g})")
        by_article = pooled(coder, data, gold, lambda s: zlib.crc32(
            gold[s].article_id.encode()) % 5, args.l2, pairs, emb, prefixes)  # fmt: skip
        for t, r in pairs:
            print(line(f"  5-fold by article @{t:g}, references @{r:g}", sentences,
                       by_article[(t, r)]))  # fmt: skip
            print("    " + breakdown(data, gold, by_article[(t, r)]))
        by_corpus = pooled(coder, data, gold, lambda s: corpora.index(gold[s].corpus),
                           args.l2, pairs, emb, prefixes)  # fmt: skip
        for t, r in pairs:
            for c in corpora:
                held = [s for s in sentences if s.corpus == c]
                print(line(f"  fitted on the other corpus, scored on {c} @{t:g}, references "
                           f"@{r:g}", held, by_corpus[(t, r)]))  # fmt: skip
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
