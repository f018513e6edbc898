"""Benchmark the event-type classifier: 5-fold CV accuracy on PLV and ONNX throughput.

Accuracy is ZSP's setting: one gold PLOVER type per sentence, gold source and target given.
The CV numbers come from training one model per fold (training/train_classifier.py, which
needs torch); training writes them to ``<model>/cv_results.json`` and by default this script
re-reads that file and says so. ``--retrain`` reruns the CV here instead (about half an hour
on two shared cores).

Throughput: the shipped int8 ONNX, one process, one onnxruntime thread, over the PLV train
sentences with their gold spans (read from ../shared, never copied). It prints sentences per
second of wall time and per second of CPU time (the per-core figure when other jobs share the
cores), with the load average before and after. With ``--runs N`` each model is timed N times
and the median and range are printed: on a shared machine one run can be 20% off. Give
``--model`` twice to compare two models: their runs alternate, so both see the same load.

    python benchmarks/classifier_bench.py [--shared ../shared] [--model models/plover-minilm]
    python benchmarks/classifier_bench.py --model models/plover-minilm-l3 --model DIR --runs 6

``--json FILE`` writes the CV figures it printed and every timed run, with the machine, for
benchmarks/report.py.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from eventwire.coder.classifier import (  # noqa: E402
    DEFAULT_MODEL_DIR,
    ClassifierInput,
    EventClassifier,
)


def _span(text: str, needle: str) -> tuple[int, int] | None:
    needle = needle.strip()
    i = text.find(needle) if needle else -1
    if needle and i < 0:
        i = text.lower().find(needle.lower())
    return (i, i + len(needle)) if i >= 0 else None


def _export_label(e: dict[str, Any]) -> str:
    """``fused, per-channel, 7-bit`` and the like, for a cv_results export entry."""
    return (
        f"{'fused' if e.get('fused') else 'unfused'}, "
        f"{'per-channel' if e['per_channel'] else 'per-tensor'}"
        f"{', 7-bit' if e.get('reduce_range') else ''}"
    )


def print_cv(res: dict[str, Any], *, origin: str) -> None:
    print(f"== 5-fold CV on PLV train ({origin})")
    print(f"   {res['setting']}")
    done = res.get("folds_done", res.get("k"))
    if done != res["k"]:
        print(f"   NOTE: only {done} of {res['k']} folds finished ({res['n_evaluated']} sentences)")
    exp = res.get("export")
    first = "as first exported" if res.get("rescored_export") else "shipped format"
    shipped = f"{first} ({res['onnx']} ONNX" + (f", {_export_label(exp)})" if exp else ")")
    for key, name in (("pooled_onnx", shipped), ("pooled_torch", "torch fp32 (before export)")):
        m = res[key]
        print(f"   {name:44s} macro-F1 {m['macro_f1']:.3f}  accuracy {m['accuracy']:.3f}")
    others = res.get("pooled_onnx_other_exports")
    if others is None:  # results written before the fused export
        old = res.get("pooled_onnx_other_quantization")
        others = [{"fused": False, **old}] if old else []
    for alt in others:
        name = f"int8, {_export_label(alt)} (not shipped)"
        print(f"   {name:44s} macro-F1 {alt['macro_f1']:.3f}  accuracy {alt['accuracy']:.3f}")
    rx = res.get("rescored_export")
    if rx:
        name = f"re-exported: int8, {_export_label(rx['export'])} (shipped)"
        print(f"   {name:44s} macro-F1 {rx['macro_f1']:.3f}  accuracy {rx['accuracy']:.3f}")
    print(
        f"   mean of per-fold macro-F1: ONNX {res['mean_fold_macro_f1_onnx']:.3f}, "
        f"torch {res['mean_fold_macro_f1_torch']:.3f}"
    )
    print(f"   per type ({res['onnx']} ONNX, pooled over folds):")
    print(f"   {'type':10s} {'P':>6s} {'R':>6s} {'F1':>6s} {'n':>5s}")
    for label, m in res["pooled_onnx"]["per_type"].items():
        print(
            f"   {label:10s} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} "
            f"{m['support']:5d}"
        )


def _cv_figures(res: dict[str, Any], *, origin: str) -> dict[str, Any]:
    """The pooled figures print_cv shows first: the shipped format's, over all folds."""
    rx = res.get("rescored_export") or res["pooled_onnx"]
    return {
        "origin": origin,
        "folds": res.get("folds_done", res.get("k")),
        "sentences": res.get("n_evaluated"),
        "macro_f1": round(rx["macro_f1"], 3),
        "accuracy": round(rx["accuracy"], 3),
    }


def throughput(
    clf: EventClassifier, items: list[ClassifierInput], *, repeats: int
) -> tuple[float, float]:
    """Sentences per second of wall time and per second of this process's CPU time.

    The second is the per-core figure on a shared machine: other jobs on the same cores
    lengthen the wall time of the run but not the CPU time it used (one onnxruntime thread).
    """
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(repeats):
        clf.predict(items)
    n = repeats * len(items)
    return n / (time.perf_counter() - t0), n / (time.process_time() - c0)


def timed_runs(
    model_dirs: Sequence[Path],
    items: list[ClassifierInput],
    *,
    runs: int,
    repeats: int,
    batch_size: int,
) -> dict[Path, list[tuple[float, float]]]:
    """``runs`` timings of every model, the models alternating run by run."""
    classifiers = {
        d: EventClassifier.load(d, intra_op_num_threads=1, batch_size=batch_size)
        for d in model_dirs
    }
    for clf in classifiers.values():
        clf.predict(items[:32])  # open the session and warm up outside the timing
    out: dict[Path, list[tuple[float, float]]] = {d: [] for d in model_dirs}
    for _ in range(runs):
        for d, clf in classifiers.items():
            out[d].append(throughput(clf, items, repeats=repeats))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument(
        "--model",
        type=Path,
        action="append",
        help="model directory (default models/plover-minilm); give it twice to compare two, "
        "their timed runs alternating",
    )
    ap.add_argument("--retrain", action="store_true", help="rerun the 5-fold CV (needs torch)")
    ap.add_argument("--repeats", type=int, default=1, help="passes over PLV in each timed run")
    ap.add_argument("--runs", type=int, default=1, help="timed runs of each model")
    ap.add_argument(
        "--batch-size", type=int, default=1, help="sentences per ONNX call (1: the default)"
    )
    ap.add_argument("--json", type=Path, help="write the figures and the machine to this file")
    args = ap.parse_args()
    models: list[Path] = args.model or [DEFAULT_MODEL_DIR]
    if args.runs < 1 or args.repeats < 1:
        ap.error("--runs and --repeats must be at least 1")

    from report import start, write_result  # benchmarks/report.py, beside this script

    started = start()
    figures: dict[str, Any] = {"cv": {}, "throughput": {}}
    plv_path = args.shared / "data" / "plv" / "train.csv"
    if not plv_path.is_file():
        print(f"SKIP: {plv_path} not found (the benchmark needs ../shared beside the checkout)")
        return 0

    if args.retrain:  # the default recipe, whatever the model directories
        with tempfile.TemporaryDirectory() as td:
            script = REPO / "training" / "train_classifier.py"
            data = args.shared / "data"
            cmd = [sys.executable, str(script), "--data", str(data), "--out", td, "--cv", "5"]
            cmd.append("--cv-only")
            subprocess.run(cmd, check=True)
            res = json.loads((Path(td) / "cv_results.json").read_text(encoding="utf-8"))
        print_cv(res, origin="retrained per fold just now")
        figures["cv"]["retrained"] = _cv_figures(res, origin="retrained")
    else:
        for cv_file in (m / "cv_results.json" for m in models):
            if cv_file.is_file():
                res = json.loads(cv_file.read_text(encoding="utf-8"))
                print_cv(res, origin=f"cached: re-read from {cv_file}, written when trained")
                figures["cv"][str(cv_file.parent)] = _cv_figures(res, origin=f"cached: {cv_file}")
            else:
                print(f"== CV: no cached result at {cv_file}; run with --retrain (needs torch)")

    missing = [m for m in models if not (m / "model.onnx").is_file()]
    if missing:
        print(f"SKIP throughput: no model at {', '.join(map(str, missing))}")
        return 0
    with plv_path.open(newline="", encoding="utf-8") as fh:
        items = [
            ClassifierInput(r["text"], _span(r["text"], r["source"]), _span(r["text"], r["target"]))
            for r in csv.DictReader(fh)
        ]
    load_before = os.getloadavg()[0]
    timings = timed_runs(
        models, items, runs=args.runs, repeats=args.repeats, batch_size=args.batch_size
    )
    load_after = os.getloadavg()[0]
    for model, runs in timings.items():
        size = (model / "model.onnx").stat().st_size / 2**20
        quantized = json.loads((model / "config.json").read_text(encoding="utf-8")).get(
            "quantized", "?"
        )
        rate = statistics.median(r[0] for r in runs)
        cpu = [r[1] for r in runs]
        spread = (
            f" (median of {len(runs)} runs; per CPU-second {min(cpu):.0f}-{max(cpu):.0f}: "
            + ", ".join(f"{c:.0f}" for c in cpu)
            + ")"
            if len(runs) > 1
            else ""
        )
        print(
            f"== throughput of {model}: {rate:.0f} sentences/s wall, "
            f"{statistics.median(cpu):.0f} per CPU-second{spread}"
        )
        print(
            f"   {len(items)} PLV sentences x {args.repeats} per run, batch {args.batch_size}, "
            f"one process, 1 onnxruntime thread, model.onnx {size:.1f} MiB, {quantized}"
        )
        figures["throughput"][str(model)] = {
            "sentences": len(items),
            "repeats": args.repeats,
            "batch_size": args.batch_size,
            "runs_wall": [r[0] for r in runs],
            "runs_cpu": [r[1] for r in runs],
            "model_mib": round(size, 1),
            "quantized": quantized,
        }
    print(
        f"   load average {load_before:.2f} before, {load_after:.2f} after, "
        f"on {os.cpu_count()} CPUs"
        + (" (models alternating run by run)" if len(models) > 1 else "")
    )
    if args.json:
        write_result(args.json, "classifier_bench", figures, started)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
