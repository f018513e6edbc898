"""What the coder reports on news, for reading: dump one run's events, compare two runs.

PLV scores a coder on sentences that each report an event; on news most sentences report
none, and a coder's precision there is what its users meet. There is no gold for the news
corpus, so this benchmark gives a person what they need to judge it:

    python benchmarks/news_events.py dump --limit 800 --out /tmp/after.json
    python benchmarks/news_events.py compare /tmp/before.json /tmp/after.json [--sample 40]
    python benchmarks/news_events.py sample /tmp/after.json --sample 40
    python benchmarks/news_events.py   # 200 articles, 20 events shown (as `make bench` runs it)

``dump`` codes the first ``--limit`` articles of ../shared/corpus/newsarticles_2017 with the
configured pipeline (or ``--coder``) and writes every event as [type, mode, actor codes,
recipient codes, trigger, sentence]. ``compare`` prints how many events one run has that the
other lacks, by trigger word, and a seeded random sample of each side to read. ``sample``
prints a seeded random sample of one run (for a blind judgement, mix samples of two runs).
Printed figures are counts; judging them right or wrong is the reader's part.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "newsarticles_2017" / "NewsArticles.csv"
COLUMNS = {"id": "article_id", "published": "publish_date", "url": "article_source_link"}

Row = tuple[str, ...]


def dump(limit: int, out: Path, coder: str | None) -> None:
    from eventwire.config import load_config
    from eventwire.ingest import ReadOptions, prepare, read_inputs
    from eventwire.model import Article
    from eventwire.pipeline import Pipeline

    if not CORPUS.is_file():
        sys.exit(f"No news corpus at {CORPUS}: this benchmark reads ../shared.")
    # Read and cleaned as `eventwire code` reads them; rejected and non-English ones skipped.
    articles: list[Article] = []
    for record in read_inputs([str(CORPUS)], options=ReadOptions(columns=COLUMNS)):
        item = prepare(record) if isinstance(record, Article) else record
        if isinstance(item, Article):
            articles.append(item)
        if len(articles) >= limit:
            break
    cfg = load_config()
    if coder:
        cfg = replace(cfg, pipeline=replace(cfg.pipeline, coder=coder))
    pipe = Pipeline(cfg)
    rows = [
        [
            e.event_type,
            e.mode,
            [a.code for a in e.actor],
            [r.code for r in e.recipient],
            e.evidence.trigger,
            e.evidence.sentence[:300],
        ]
        for _, events in pipe.code_articles(articles)
        for e in events
    ]
    out.write_text(json.dumps(rows), encoding="utf-8")
    print(f"{len(rows)} events from {len(articles)} articles ({cfg.pipeline.coder}) -> {out}")


def _load(path: Path) -> Counter[Row]:
    return Counter(tuple(map(str, r)) for r in json.loads(path.read_text(encoding="utf-8")))


def _show(rows: list[Row], n: int, seed: int, tag: str) -> None:
    for r in random.Random(seed).sample(rows, min(n, len(rows))):
        print(f"{tag} {r[0]} {r[1]} {r[2]} -> {r[3]} [{r[4]}] {r[5][:160]}")


def compare(before: Path, after: Path, n: int, seed: int) -> None:
    a, b = _load(before), _load(after)
    gone, new = list((a - b).elements()), list((b - a).elements())
    print(f"{before.name}: {sum(a.values())} events; {after.name}: {sum(b.values())} events")
    print(f"only in {before.name}: {len(gone)}; only in {after.name}: {len(new)}")
    for name, rows in ((before.name, gone), (after.name, new)):
        by = Counter(r[4].lower() for r in rows).most_common(15)
        print(f"only in {name}, by trigger: " + ", ".join(f"{t} {c}" for t, c in by))
    _show(gone, n, seed, "GONE")
    _show(new, n, seed, "NEW ")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # With no command (as `make bench` runs it): dump 200 articles and show a sample.
    sub = ap.add_subparsers(dest="cmd")
    d = sub.add_parser("dump", help="code news articles and write their events as JSON")
    d.add_argument("--limit", type=int, default=800)
    d.add_argument("--out", type=Path, required=True)
    d.add_argument("--coder", default=None, help="a registered coder (default: the config's)")
    c = sub.add_parser("compare", help="events one dump has and the other lacks")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    s = sub.add_parser("sample", help="a random sample of one dump, to judge")
    s.add_argument("dump", type=Path)
    for p in (c, s):
        p.add_argument("--sample", type=int, default=30)
        p.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if args.cmd is None:
        import tempfile

        with tempfile.TemporaryDirectory() as td:
            out = Path(td) / "events.json"
            dump(200, out, None)
            _show(list(_load(out).elements()), 20, 0, "")
    elif args.cmd == "dump":
        dump(args.limit, args.out, args.coder)
    elif args.cmd == "compare":
        compare(args.before, args.after, args.sample, args.seed)
    else:
        _show(list(_load(args.dump).elements()), args.sample, args.seed, "")


if __name__ == "__main__":
    main()
