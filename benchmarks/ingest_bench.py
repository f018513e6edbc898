"""Ingest throughput: read + prepare + story clustering on NewsArticles 2017, and HTML pages.

Run from the repository root:  python benchmarks/ingest_bench.py
Needs ../shared/corpus/newsarticles_2017/NewsArticles.csv (skipped with a message if absent).
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

from eventwire.ingest import ReadOptions, StoryClusterer, prepare, read_inputs
from eventwire.model import Article, Rejected

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "newsarticles_2017" / "NewsArticles.csv"
COLUMNS = {
    "text": "text",
    "published": "publish_date",
    "id": "article_id",
    "url": "article_source_link",
}
HTML_PAGES = 200


def bench_csv() -> None:
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} not found")
        return
    options = ReadOptions(columns=COLUMNS)
    clusterer = StoryClusterer()
    outcomes: Counter[str] = Counter()
    stories: set[str] = set()
    times = {"read": 0.0, "prepare": 0.0, "cluster": 0.0}
    records = 0
    cpu_start = time.process_time()
    start = time.perf_counter()
    t = start
    for record in read_inputs([CORPUS], options=options):
        now = time.perf_counter()
        times["read"] += now - t
        records += 1
        if isinstance(record, Rejected):
            outcomes[f"{record.status}: {record.reason}"] += 1
            t = time.perf_counter()
            continue
        prepared = prepare(record)
        t2 = time.perf_counter()
        times["prepare"] += t2 - now
        if isinstance(prepared, Article):
            stories.add(clusterer.assign(prepared))
            outcomes["coded"] += 1
        else:
            outcomes[f"{prepared.status}: {prepared.reason}"] += 1
        t = time.perf_counter()
        times["cluster"] += t - t2
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    rate = records / elapsed
    print(f"NewsArticles.csv: {records} records in {elapsed:.2f} s = {rate:.0f} articles/s")
    # On a shared machine wall time depends on the neighbours; CPU time does not.
    print(f"  CPU time {cpu:.2f} s = {records / cpu:.0f} articles per CPU-second")
    print("  stage seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in times.items()))
    print(f"  story clusters: {len(stories)}; duplicates found: {clusterer.duplicates}")
    for outcome, n in outcomes.most_common():
        print(f"  {n:6d}  {outcome}")


def _page(i: int) -> bytes:
    paragraphs = "".join(
        f"<p>Paragraph {j} of story {i}: officials from the two governments met on Monday and "
        "agreed to resume talks on the disputed border next month, a spokesman said.</p>"
        for j in range(12)
    )
    return (
        "<!DOCTYPE html><html><head><title>Story {i}</title>"
        '<meta property="article:published_time" content="2022-01-31">'
        "<script>var tracking = true;</script></head><body><nav><a href='/'>Home</a></nav>"
        f"<article><h1>Story {i}</h1>{paragraphs}</article><footer>Copyright</footer>"
        "</body></html>"
    ).encode()


def bench_html(tmp: Path) -> None:
    for i in range(HTML_PAGES):
        (tmp / f"page{i:04d}.html").write_bytes(_page(i))
    size_kb = len(_page(0)) / 1024
    import trafilatura  # noqa: F401 - imported before timing: the import is a one-off cost

    start = time.perf_counter()
    n = sum(1 for r in read_inputs([tmp]) if isinstance(r, Article))
    elapsed = time.perf_counter() - start
    rate = n / elapsed
    print(
        f"HTML: {n}/{HTML_PAGES} pages of {size_kb:.1f} KB in {elapsed:.2f} s = {rate:.0f} pages/s"
    )


def main() -> int:
    import tempfile

    bench_csv()
    with tempfile.TemporaryDirectory() as tmp:
        bench_html(Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
