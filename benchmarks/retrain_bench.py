"""Benchmark retraining on an analyst's corrections: does precision on their domain rise?

Simulates an analyst correcting the events of one news domain (an outlet of the news gold,
``data/news_gold``) and retraining coder.plover.v5's detector with them (issue 21, "Retraining
pays off"):

1. The domain: ``--outlet``, by default the outlet with the most gold events in the train
   split.
2. Base: ``training/train_detector.py --exclude-outlet OUTLET --out-dir WORK/base``, a
   detector that never saw the domain (its train and dev sentences are left out of the
   fitting).
3. Corrections: the domain's train-split gold sentences, in article order, written as a
   corrections export (``eventwire corrections export`` JSONL, with the gold events as the
   analyst's kept events and the sentences without any as their rejections), until
   ``--events`` events (default 200) are in, or all of them where the split has fewer.
4. After: the same training ``--with-corrections`` that file (``WORK/after``). The trainer
   holds out a fifth of the corrections' articles; both detectors are scored on those too
   (a secondary check; the trainer's own figures, against the shipped detector, are in
   ``--json`` under corrections.held_out_scores).
5. Check: the domain's dev-split gold sentences, coded by a coder.plover.v5 pipeline with
   ``[pipeline] detector`` set to each directory, scored by ``eventwire.newseval`` (detection,
   type + source, type + source + target; new events only).

Base and after differ only in the corrections.

    .venv/bin/python benchmarks/retrain_bench.py [--outlet cnn.com] [--events 200] [--json]

Target (issue 21): precision on the domain rises after retraining.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eventwire.newseval import NewsScores, score_news  # noqa: E402
from eventwire.newsgold import GoldEvent, GoldSentence, load_gold_set, text_hash  # noqa: E402

GOLD = ROOT / "data" / "news_gold"
TRAINER = ROOT / "training" / "train_detector.py"
METRICS = ("detection", "type_source", "type_source_target")


def log(msg: str) -> None:
    # Progress to stderr, so that --json leaves stdout to the JSON alone.
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def new_events(s: GoldSentence) -> int:
    """The sentence's events that newseval counts (asserted, actual)."""
    return sum(g.is_new for g in s.events)


def domain_counts(gold: Sequence[GoldSentence], outlet: str) -> dict[str, dict[str, int]]:
    """Sentences, events and new events of the outlet in each split."""
    out: dict[str, dict[str, int]] = {}
    for split in ("train", "dev", "test"):
        ss = [s for s in gold if s.outlet == outlet and s.split == split]
        out[split] = {
            "sentences": len(ss),
            "events": sum(len(s.events) for s in ss),
            "new_events": sum(new_events(s) for s in ss),
        }
    return out


def busiest_outlet(gold: Sequence[GoldSentence]) -> str:
    """The outlet with the most gold events in the train split (ties: by name)."""
    counts: dict[str, int] = {}
    for s in gold:
        if s.split == "train" and s.outlet:
            counts[s.outlet] = counts.get(s.outlet, 0) + len(s.events)
    return min(counts, key=lambda o: (-counts[o], o))


def correction_id(article_id: str, start: int, end: int) -> str:
    # The scheme of eventwire.store.corrections._sentence_id, so that the file reads like a
    # real export.
    return "corr-" + hashlib.sha1(f"{article_id}:{start}:{end}".encode()).hexdigest()[:12]


def correction_lines(
    gold: Sequence[GoldSentence], outlet: str, want: int
) -> tuple[list[dict[str, Any]], int]:
    """The domain's train sentences as corrections-export lines, in article order (articles
    in the gold's order, sentences by index), until ``want`` events are in; with the events
    included."""
    articles: dict[tuple[str, str], list[GoldSentence]] = {}
    for s in gold:
        if s.outlet == outlet and s.split == "train":
            articles.setdefault((s.corpus, s.article_id), []).append(s)
    lines: list[dict[str, Any]] = []
    n = 0
    for group in articles.values():
        for s in sorted(group, key=lambda s: s.index):
            if n >= want:
                return lines, n
            lines.append(
                {
                    "id": correction_id(s.article_id, s.start, s.end),
                    "corpus": "corrections",
                    "article_id": s.article_id,
                    "index": s.index,
                    "start": s.start,
                    "end": s.end,
                    "sha": text_hash(s.text),
                    "split": "corrections",
                    "published": s.published,
                    "outlet": s.outlet,
                    "text": s.text,
                    # The analyst looked at every event of the sentence: the gold is complete.
                    "unreviewed": 0,
                    # Every field of the gold event (reciprocal and the rest), not only those
                    # the store exports: the trainer's labels read them.
                    "events": [dataclasses.asdict(g) for g in s.events],
                }
            )
            n += len(s.events)
    return lines, n


def train(
    out_dir: Path, outlet: str, corpus_root: Path, corrections: Path | None, weight: float
) -> None:
    """Fit a detector with training/train_detector.py in its own process."""
    cmd = [
        sys.executable, str(TRAINER), "--corpus-root", str(corpus_root),
        "--exclude-outlet", outlet, "--out-dir", str(out_dir),
    ]  # fmt: skip
    if corrections is not None:
        cmd += ["--with-corrections", str(corrections), "--corrections-weight", str(weight)]
    log("running " + " ".join(cmd[1:]))
    t0 = time.monotonic()
    # Its output goes to our stderr: the log of a run, and stdout stays clean for --json.
    done = subprocess.run(cmd, cwd=ROOT, stdout=sys.stderr, stderr=sys.stderr, check=False)
    if done.returncode != 0 or not (out_dir / "detector.json").is_file():
        raise SystemExit(f"train_detector.py failed (exit {done.returncode}) for {out_dir}")
    log(f"fitted {out_dir} in {time.monotonic() - t0:.0f} s")


def detector_file(model_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((model_dir / "detector.json").read_text("utf-8"))
    return data


def check(model_dir: Path, sentences: Sequence[GoldSentence]) -> NewsScores:
    """The sentences coded by coder.plover.v5 with the detector in ``model_dir``, scored."""
    from eventwire.config import load_config
    from eventwire.pipeline import Pipeline
    from training.train_detector import coded_or_fail

    cfg = load_config()
    cfg = dataclasses.replace(
        cfg,
        pipeline=dataclasses.replace(
            cfg.pipeline, coder="coder.plover.v5", detector=str(model_dir)
        ),
    )
    # A rejected article would silently count as "no events": coded_or_fail refuses to score.
    return score_news(sentences, coded_or_fail(sentences, Pipeline(cfg)))


def row(name: str, sc: NewsScores) -> str:
    d = sc.to_json()
    cells = "  ".join(
        f"{d[k]['precision']:.3f} {d[k]['recall']:.3f} {d[k]['f1']:.3f}" for k in METRICS
    )
    return f"{name:<8} {cells}"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--outlet", help="the domain (default: most train-split gold events)")
    ap.add_argument("--events", type=int, default=200, help="events the analyst corrects")
    ap.add_argument(
        "--corpus-root", type=Path, default=ROOT.parent / "shared" / "corpus",
        help="the corpora the news gold's texts are rebuilt from",
    )  # fmt: skip
    ap.add_argument(
        "--work-dir", type=Path, default=None,
        help="where the corrections file and the two detectors go\n"
        "(default: <tmp>/eventwire-retrain-bench/<outlet>)",
    )  # fmt: skip
    ap.add_argument(
        "--reuse", action="store_true",
        help="keep detectors already fitted in the work dir (only re-run the check)",
    )  # fmt: skip
    ap.add_argument(
        "--weight",
        type=float,
        default=1.0,
        help="the corrected sentences' weight against the news gold's (train_detector.py\n"
        "--corrections-weight)",
    )
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)

    gold = load_gold_set(GOLD, args.corpus_root)
    outlets = sorted({s.outlet for s in gold if s.outlet})
    outlet = args.outlet or busiest_outlet(gold)
    if outlet not in outlets:
        raise SystemExit(f"no gold sentences from {outlet!r}; outlets: {', '.join(outlets)}")
    counts = domain_counts(gold, outlet)
    log(
        f"domain {outlet}: "
        + "; ".join(
            f"{sp} {c['sentences']} sentences, {c['events']} events ({c['new_events']} new)"
            for sp, c in counts.items()
        )
    )
    work = args.work_dir or Path(tempfile.gettempdir()) / "eventwire-retrain-bench" / outlet
    work.mkdir(parents=True, exist_ok=True)

    lines, n_events = correction_lines(gold, outlet, args.events)
    corrections = work / "corrections.jsonl"
    corrections.write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8"
    )
    short = n_events < args.events
    log(
        f"corrections: {len(lines)} sentences ({sum(not x['events'] for x in lines)} without"
        f" events), {n_events} events -> {corrections}"
        + (f" (all of {outlet}'s train split: it has fewer than {args.events})" if short else "")
    )

    dirs = {"base": work / "base", "after": work / "after"}
    for name, d in dirs.items():
        if args.reuse and (d / "detector.json").is_file():
            log(f"reusing {d}")
            continue
        after = name == "after"
        train(d, outlet, args.corpus_root, corrections if after else None, args.weight)

    dev = [s for s in gold if s.outlet == outlet and s.split == "dev"]
    # The corrections the trainer held out (a fifth of their articles, by its own split),
    # coded by both detectors: the trainer's own "before" is the shipped detector, which
    # saw the domain's gold.
    from eventwire.store.corrections import read_corrections
    from training.train_detector import corrections_split

    _, held_out = corrections_split(read_corrections(corrections))
    scores: dict[str, NewsScores] = {}
    held_scores: dict[str, NewsScores] = {}
    for name, d in dirs.items():
        log(f"coding {len(dev)} dev sentences of {outlet} with the {name} detector")
        scores[name] = check(d, dev)
        log(f"coding the {len(held_out)} held-out corrections with the {name} detector")
        held_scores[name] = check(d, held_out)

    files = {k: detector_file(d) for k, d in dirs.items()}
    # Each fit picks its event threshold on the (domain-free) dev split: a shift there moves
    # precision as much as the corrections themselves.
    thresholds = {k: float(f["threshold"]) for k, f in files.items()}
    held = files["after"]["info"].get("corrections", {})
    rose = {
        k: getattr(scores["after"], k).precision > getattr(scores["base"], k).precision
        for k in METRICS
    }
    if args.json:
        print(
            json.dumps(
                {
                    "outlet": outlet,
                    "domain": counts,
                    "corrections": {
                        "file": str(corrections),
                        "sentences": len(lines),
                        "without_events": sum(not x["events"] for x in lines),
                        "events": n_events,
                        "new_events": sum(
                            GoldEvent.from_json(e).is_new for x in lines for e in x["events"]
                        ),
                        "wanted": args.events,
                        "whole_train_split": short,
                        "trained_on": held.get("trained_on"),
                        "held_out": held.get("held_out"),
                        "held_out_scores": held.get("held_out_scores"),
                    },
                    "detectors": {k: str(v) for k, v in dirs.items()},
                    "thresholds": thresholds,
                    "dev": {k: v.to_json() for k, v in scores.items()},
                    "held_out_corrections": {k: v.to_json() for k, v in held_scores.items()},
                    "precision_rose": rose,
                },
                indent=1,
            )
        )
        return 0
    print(
        f"domain {outlet}: dev split, {len(dev)} sentences, {counts['dev']['new_events']} new"
        " events (scored)"
    )
    print(
        f"corrections: {len(lines)} train-split sentences, {n_events} events"
        + (f" (all there are; fewer than {args.events})" if short else "")
        + f"; the trainer fitted on {held.get('trained_on')} and held out {held.get('held_out')}"
    )
    print(f"{'':<8} {'detection P/R/F':<17}  {'type+source P/R/F':<17}  {'+target P/R/F':<17}")
    for name, sc in scores.items():
        print(row(name, sc) + f"  (event threshold {thresholds[name]})")
    print(f"the trainer's {len(held_out)} held-out corrections (secondary check):")
    for name, sc in held_scores.items():
        print(row(name, sc))
    for k in METRICS:
        b, a = getattr(scores["base"], k), getattr(scores["after"], k)
        print(
            f"{k:<19} precision {b.precision:.3f} -> {a.precision:.3f}"
            f" ({a.hits}/{a.predicted} vs {b.hits}/{b.predicted}):"
            f" {'rose' if rose[k] else 'did NOT rise'}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
