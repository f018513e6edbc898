"""Benchmark the event-type classifier: 5-fold CV accuracy on PLV and ONNX throughput.

Accuracy is ZSP's setting: one gold PLOVER type per sentence, gold source and target given.
The CV numbers come from training one model per fold (training/train_classifier.py, which
needs torch); training writes them to ``<model>/cv_results.json`` and by default this script
re-reads that file and says so. ``--retrain`` reruns the CV here instead (about half an hour
on two shared cores).

Throughput: the shipped int8 ONNX, one process, one onnxruntime thread, over the PLV train
sentences with their gold spans (read from ../shared, never copied).

    python benchmarks/classifier_bench.py [--shared ../shared] [--model models/plover-minilm]
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
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


def print_cv(res: dict[str, Any], *, origin: str) -> None:
    print(f"== 5-fold CV on PLV train ({origin})")
    print(f"   {res['setting']}")
    done = res.get("folds_done", res.get("k"))
    if done != res["k"]:
        print(f"   NOTE: only {done} of {res['k']} folds finished ({res['n_evaluated']} sentences)")
    for key, name in (("pooled_onnx", f"shipped format ({res['onnx']} ONNX)"),
                      ("pooled_torch", "torch fp32 (before export)")):  # fmt: skip
        m = res[key]
        print(f"   {name:34s} macro-F1 {m['macro_f1']:.3f}  accuracy {m['accuracy']:.3f}")
    alt = res.get("pooled_onnx_other_quantization")
    if alt:
        name = f"int8, {'per-channel' if alt['per_channel'] else 'per-tensor'} (not shipped)"
        print(f"   {name:34s} macro-F1 {alt['macro_f1']:.3f}  accuracy {alt['accuracy']:.3f}")
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


def throughput(
    model_dir: Path, items: list[ClassifierInput], *, repeats: int, batch_size: int
) -> float:
    clf = EventClassifier.load(model_dir, intra_op_num_threads=1, batch_size=batch_size)
    clf.predict(items[:32])  # open the session and warm up outside the timing
    t0 = time.perf_counter()
    for _ in range(repeats):
        clf.predict(items)
    return repeats * len(items) / (time.perf_counter() - t0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL_DIR)
    ap.add_argument("--retrain", action="store_true", help="rerun the 5-fold CV (needs torch)")
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument(
        "--batch-size", type=int, default=1, help="sentences per ONNX call (1: the default)"
    )
    args = ap.parse_args()

    plv_path = args.shared / "data" / "plv" / "train.csv"
    if not plv_path.is_file():
        print(f"SKIP: {plv_path} not found (the benchmark needs ../shared beside the checkout)")
        return 0

    cv_file = args.model / "cv_results.json"
    if args.retrain:
        with tempfile.TemporaryDirectory() as td:
            script = REPO / "training" / "train_classifier.py"
            data = args.shared / "data"
            cmd = [sys.executable, str(script), "--data", str(data), "--out", td, "--cv", "5"]
            cmd.append("--cv-only")
            subprocess.run(cmd, check=True)
            res = json.loads((Path(td) / "cv_results.json").read_text(encoding="utf-8"))
        print_cv(res, origin="retrained per fold just now")
    elif cv_file.is_file():
        res = json.loads(cv_file.read_text(encoding="utf-8"))
        print_cv(res, origin=f"cached: re-read from {cv_file}, written when the model was trained")
    else:
        print(f"== CV: no cached result at {cv_file}; run with --retrain (needs torch)")

    if not (args.model / "model.onnx").is_file():
        print(f"SKIP throughput: no model at {args.model}")
        return 0
    with plv_path.open(newline="", encoding="utf-8") as fh:
        items = [
            ClassifierInput(r["text"], _span(r["text"], r["source"]), _span(r["text"], r["target"]))
            for r in csv.DictReader(fh)
        ]
    rate = throughput(args.model, items, repeats=args.repeats, batch_size=args.batch_size)
    size = (args.model / "model.onnx").stat().st_size / 2**20
    print(
        f"== throughput: {rate:.0f} sentences/s ({len(items)} PLV sentences x {args.repeats}, "
        f"batch {args.batch_size}, one process, 1 onnxruntime thread, model.onnx {size:.1f} MiB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
