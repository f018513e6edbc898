"""Re-score saved CV fold models in the current export format, without retraining.

Every fold directory written by ``--save-fold-models`` keeps the fold model's fp32 export
(``model_fp32.onnx``). This script exports each one again as ``train_classifier.py`` now
exports (``to_onnx`` with the defaults of ``TrainConfig``: fusion, per-channel 7-bit int8
weights, the skip-connection rewrite, the probabilities output), scores it on its own fold,
and prints pooled macro-F1 and accuracy as first exported and as re-exported, and how many
predictions changed:

    python training/rescore_folds.py .cache/cv-models [--data ../shared/data]

``--record MODEL_DIR`` also stores the result in MODEL_DIR/cv_results.json, for the model
card (``train_classifier.py --card-only``). Only the export changes: the fold models, and so
the CV's training side, are those of the original run.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "training"))

import train_classifier as tc  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folds", type=Path, help="a --save-fold-models directory")
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument(
        "--record",
        type=Path,
        default=None,
        metavar="MODEL_DIR",
        help="add the result to MODEL_DIR/cv_results.json (the CV of those fold models)",
    )
    args = ap.parse_args()
    pred_file = args.folds / "cv_predictions.jsonl"
    if not pred_file.is_file():
        sys.exit(f"No {pred_file}: pass a directory written by --save-fold-models.")
    cfg = tc.TrainConfig()
    shape = tc.base_encoder_shape()
    plv = tc.load_plv(args.data / "plv" / "train.csv")
    recs = [json.loads(line) for line in pred_file.read_text(encoding="utf-8").splitlines()]
    gold: list[int] = []
    before: list[int] = []
    after: list[int] = []
    for fold in sorted({r["fold"] for r in recs}):
        rows = [r for r in recs if r["fold"] == fold]
        fold_dir = args.folds / f"fold{fold}"
        fp32 = fold_dir / "model_fp32.onnx"
        if not fp32.is_file():
            sys.exit(f"No {fp32}: this fold model was saved without its fp32 export.")
        preds = tc.predict_exported(
            fp32,
            fold_dir,
            [plv[r["row"]].item for r in rows],
            fuse=cfg.fuse,
            per_channel=cfg.quant_per_channel,
            reduce_range=cfg.quant_reduce_range,
            **shape,
        )
        gold += [tc.LABELS.index(r["label"]) for r in rows]
        before += [tc.LABELS.index(r["predicted"]) for r in rows]
        after += [tc.LABELS.index(p.label) for p in preds]
    m0, m1 = tc.metrics(gold, before), tc.metrics(gold, after)
    changed = sum(a != b for a, b in zip(before, after, strict=True))
    export = {
        "fused": cfg.fuse,
        "per_channel": cfg.quant_per_channel,
        "reduce_range": cfg.quant_reduce_range,
    }
    print(
        f"{args.folds}: as exported macro-F1 {m0['macro_f1']:.3f} (accuracy {m0['accuracy']:.3f});"
        f" re-exported ({tc.export_name(export)}) {m1['macro_f1']:.3f} ({m1['accuracy']:.3f}); "
        f"{changed} of {len(gold)} predictions changed"
    )
    if args.record is not None:
        cv_file = args.record / "cv_results.json"
        cv = json.loads(cv_file.read_text(encoding="utf-8"))
        cv["rescored_export"] = {
            "export": export,
            "macro_f1": m1["macro_f1"],
            "accuracy": m1["accuracy"],
            "per_type": m1["per_type"],
            "changed": changed,
            "n": len(gold),
        }
        cv_file.write_text(json.dumps(cv, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
