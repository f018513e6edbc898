"""Prefilter recall and skip rate.

Recall: on ../shared/data/plv/train.csv (1,050 sentences, each holding one gold event), the
share of gold sentences the prefilter would skip (target: at most 1%). It is reported for the
whole file and for its two halves by sentence_id parity, so a rule tuned on misses of one half
can be checked on the other.

Skip rate: on ../shared/corpus/newsarticles_2017/NewsArticles.csv, the share of sentences the
prefilter skips: the speed lever, since a skipped sentence is never parsed.

Run from the repository root:

    python benchmarks/prefilter_recall.py [--limit 400] [--show 20] [--json FILE]

``--json FILE`` writes the figures, with the machine, for benchmarks/report.py.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path
from typing import Any

from eventwire.coder.prefilter import may_hold_event
from eventwire.ingest import ReadOptions, prepare, read_inputs
from eventwire.model import Article
from eventwire.nlp import split_sentences

ROOT = Path(__file__).resolve().parent.parent
PLV = ROOT.parent / "shared" / "data" / "plv" / "train.csv"
CORPUS = ROOT.parent / "shared" / "corpus" / "newsarticles_2017" / "NewsArticles.csv"
COLUMNS = {"id": "article_id", "published": "publish_date", "url": "article_source_link"}


def recall(show: int) -> dict[str, Any]:
    if not PLV.exists():
        print(f"skipped: {PLV} not found")
        return {}
    with PLV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    halves: dict[str, list[int]] = {"even ids": [0, 0], "odd ids": [0, 0]}
    missed: list[dict[str, str]] = []
    for row in rows:
        half = halves["odd ids" if int(row["sentence_id"]) % 2 else "even ids"]
        half[0] += 1
        if not may_hold_event(row["text"]):
            half[1] += 1
            missed.append(row)
    n = len(rows)
    print(f"PLV train: {n} gold sentences, {len(missed)} skipped = {len(missed) / n:.2%} lost")
    for name, (total, lost) in halves.items():
        print(f"  {name}: {lost}/{total} = {lost / total:.2%} lost")
    for row in missed[:show]:
        print(f"    {row['label']:<10} {row['text'][:110]}")
    return {
        "sentences": n,
        "skipped": len(missed),
        "halves": {name: {"sentences": t, "skipped": lost} for name, (t, lost) in halves.items()},
    }


def skip_rate(limit: int) -> dict[str, Any]:
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} not found")
        return {}
    sentences = kept = articles = 0
    seconds = 0.0
    for record in read_inputs([str(CORPUS)], options=ReadOptions(columns=COLUMNS)):
        item = prepare(record) if isinstance(record, Article) else record
        if not isinstance(item, Article):
            continue
        sents = split_sentences(item.text)
        t = time.perf_counter()
        kept += sum(may_hold_event(s.text) for s in sents)
        seconds += time.perf_counter() - t
        sentences += len(sents)
        articles += 1
        if articles >= limit:
            break
    skipped = sentences - kept
    print(
        f"NewsArticles: {articles} articles, {sentences} sentences, {skipped} skipped = "
        f"{skipped / max(sentences, 1):.1%} never parsed; prefilter "
        f"{sentences / max(seconds, 1e-9):,.0f} sentences/s"
    )
    return {
        "articles": articles,
        "sentences": sentences,
        "skipped": skipped,
        "sentences_per_s": round(sentences / max(seconds, 1e-9)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=400, help="NewsArticles articles to read")
    parser.add_argument("--show", type=int, default=20, help="missed PLV sentences to print")
    parser.add_argument("--json", type=Path, help="write the figures and the machine to this file")
    args = parser.parse_args(argv)
    from report import start, write_result  # benchmarks/report.py, beside this script

    started = start()
    figures = {"plv_recall": recall(args.show), "news_skip": skip_rate(args.limit)}
    if args.json:
        write_result(args.json, "prefilter_recall", figures, started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
