"""k-fold cross-validation of the recipe on PLV train (data.plv_folds): each fold's torch
model and its ONNX exports scored on the held-out fold, into cv_results.json; with
--save-fold-models, the fold models and per-row scores kept for the benchmarks."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from eventwire.coder.classifier import EventClassifier
from training.classifier.data import FOLD_SEED, LABELS, Example, log, plv_folds
from training.classifier.export import export
from training.classifier.fit import Caches, predict_cached, train, with_teacher
from training.classifier.model import TrainConfig, encoder_shape
from training.classifier.quantize import predict_exported

# The export variants CV scores on every fold (fuse, per_channel, reduce_range); the shipped
# one is cfg's and is left out of the list.
# (Unfused exports were scored until the 6-layer model of stop 10: always behind the fused.)
EXPORT_VARIANTS: tuple[tuple[bool, bool, bool], ...] = (
    (True, False, True),
    (True, True, False),
    (True, True, True),
)


def metrics(gold: Sequence[int], pred: Sequence[int]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    p, r, f, s = precision_recall_fscore_support(
        gold, pred, labels=list(range(len(LABELS))), zero_division=0
    )
    return {
        "macro_f1": float(
            f1_score(gold, pred, labels=list(range(len(LABELS))), average="macro", zero_division=0)
        ),
        "accuracy": float(accuracy_score(gold, pred)),
        "per_type": {
            LABELS[i]: {
                "precision": float(p[i]),
                "recall": float(r[i]),
                "f1": float(f[i]),
                "support": int(s[i]),
            }
            for i in range(len(LABELS))
        },
    }


def cross_validate(
    plv: list[Example],
    caches: Caches,
    cfg: TrainConfig,
    *,
    k: int,
    base_dir: Path,
    quantize: bool,
    out_file: Path,
    save_dir: Path | None = None,
    teacher: Path | None = None,
) -> dict[str, Any]:
    """k-fold CV over ``plv`` with :func:`plv_folds`. With ``save_dir``, fold f's model
    (shipped layout) goes to ``save_dir/fold{f}`` (1-based, as the bench prints folds) and
    every evaluated row's ONNX scores to ``save_dir/cv_predictions.jsonl``. With ``teacher``
    (a ``--save-fold-models`` directory of the same k), fold f distils from
    ``teacher/fold{f}``, the teacher that did not see fold f either."""
    # The folds' seed is fixed, not cfg.seed: the split must stay the bench's whatever seed
    # the training runs with.
    fold_of = np.array(plv_folds([e.item.text for e in plv], [LABELS[e.label] for e in plv], k=k))
    groups = np.array([e.group for e in plv])
    gold: list[int] = []
    pred_torch: list[int] = []
    pred_onnx: list[int] = []
    # Every export variant (fused or not, per-tensor or per-channel int8) of the same fold
    # model, scored alongside, so that the choice rests on all folds.
    shipped = (cfg.fuse, cfg.quant_per_channel, cfg.quant_reduce_range)
    variants = [v for v in EXPORT_VARIANTS if v != shipped]
    pred_var: dict[tuple[bool, bool, bool], list[int]] = {v: [] for v in variants}
    folds: list[dict[str, Any]] = []
    t_start = time.time()
    res: dict[str, Any] = {}
    pred_file: Path | None = None
    if save_dir is not None:
        save_dir.mkdir(parents=True, exist_ok=True)
        pred_file = save_dir / "cv_predictions.jsonl"
        pred_file.write_text("", encoding="utf-8")  # rows are appended fold by fold
    for fold in range(k):
        tr, ev = np.flatnonzero(fold_of != fold), np.flatnonzero(fold_of == fold)
        # Grouped by normalised text: no sentence (up to case and spacing) on both sides.
        assert not set(groups[tr]) & set(groups[ev])
        fold_t = fold_teacher(teacher, fold=fold + 1, k=k) if teacher is not None else None
        fold_caches = with_teacher(caches, fold_t) if fold_t is not None else caches
        model = train(
            tr.tolist(),
            fold_caches,
            cfg,
            base_dir=base_dir,
            tag=f"fold {fold + 1}/{k}",
            teacher=fold_t,
        )
        items = [plv[i].item for i in ev]
        g = [plv[i].label for i in ev]
        pt = predict_cached(model, [caches.marked[i] for i in ev], cfg=cfg)
        with tempfile.TemporaryDirectory() as td:
            fold_dir = save_dir / f"fold{fold + 1}" if save_dir is not None else Path(td)
            # The fp32 export stays beside a saved fold model, for scoring other exports later.
            fp32 = fold_dir / "model_fp32.onnx" if save_dir is not None else Path(td) / "fp32"
            export(model, fold_dir, base_dir=base_dir, cfg=cfg, quantize=quantize, keep_fp32=fp32)
            if save_dir is not None:
                _write_fold_info(fold_dir, fold=fold + 1, k=k, n_train=len(tr), n_eval=len(ev))
            clf = EventClassifier.load(fold_dir, intra_op_num_threads=1)
            preds = clf.predict(items)
            po = [clf.labels.index(pr.label) for pr in preds]
            if quantize:
                for fuse, per_channel, reduce_range in variants:
                    pred_var[(fuse, per_channel, reduce_range)] += [
                        LABELS.index(pr.label)
                        for pr in predict_exported(
                            fp32,
                            fold_dir,
                            items,
                            fuse=fuse,
                            per_channel=per_channel,
                            reduce_range=reduce_range,
                            **encoder_shape(model),
                        )
                    ]
        if pred_file is not None:
            with pred_file.open("a", encoding="utf-8") as fh:
                for i, pr in zip(ev.tolist(), preds, strict=True):
                    rec = {
                        "row": i,
                        "fold": fold + 1,
                        "label": LABELS[plv[i].label],
                        "predicted": pr.label,
                        "scores": {lab: round(v, 6) for lab, v in pr.scores.items()},
                    }
                    fh.write(json.dumps(rec) + "\n")
        mt, mo = metrics(g, pt), metrics(g, po)
        log(
            f"fold {fold + 1}: torch macro-F1 {mt['macro_f1']:.3f} acc {mt['accuracy']:.3f}; "
            f"onnx macro-F1 {mo['macro_f1']:.3f} acc {mo['accuracy']:.3f}"
        )
        folds.append(
            {
                "n_train": len(tr),
                "n_eval": len(ev),
                "torch": {m: mt[m] for m in ("macro_f1", "accuracy")},
                "onnx": {m: mo[m] for m in ("macro_f1", "accuracy")},
            }
        )
        gold += g
        pred_torch += pt
        pred_onnx += po
        # Written after every fold, so that a run cut short still leaves what it measured.
        res = {
            "setting": f"{k}-fold CV on PLV train, stratified and grouped by sentence text (no "
            "sentence in both train and eval); gold source/target spans given as markers; "
            "synthetic stories"
            + (", GSR records" if cfg.gsr else "")
            + (", ConfliBERT sentences" if cfg.conflibert_per_epoch else "")
            + " mixed into training only",
            "k": k,
            "folds_done": len(folds),
            "n_evaluated": len(gold),
            "n": len(plv),
            "seed": cfg.seed,
            "fold_seed": FOLD_SEED,
            "train_config": {f: getattr(cfg, f) for f in cfg.__dataclass_fields__},
            "onnx": "int8" if quantize else "fp32",
            "onnx_batch_size": clf.batch_size,
            "folds": folds,
            "pooled_torch": metrics(gold, pred_torch),
            "pooled_onnx": metrics(gold, pred_onnx),
            "mean_fold_macro_f1_torch": float(np.mean([f["torch"]["macro_f1"] for f in folds])),
            "mean_fold_macro_f1_onnx": float(np.mean([f["onnx"]["macro_f1"] for f in folds])),
            "confusion_onnx": _confusion(gold, pred_onnx),
            "export": {
                "fused": cfg.fuse,
                "per_channel": cfg.quant_per_channel,
                "reduce_range": cfg.quant_reduce_range,
            },
            "pooled_onnx_other_exports": [
                {
                    "fused": fuse,
                    "per_channel": per_channel,
                    "reduce_range": reduce_range,
                    **{
                        m: v
                        for m, v in metrics(gold, pred).items()
                        if m in ("macro_f1", "accuracy")
                    },
                }
                for (fuse, per_channel, reduce_range), pred in pred_var.items()
                if pred
            ],
            "minutes": round((time.time() - t_start) / 60, 1),
        }
        out_file.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    return res


def fold_teacher(teacher: Path, *, fold: int, k: int) -> Path:
    """``teacher/fold{fold}``, checked to be the CV model that left out this very fold."""
    d = teacher / f"fold{fold}"
    try:
        info = json.loads((d / "train_info.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        sys.exit(f"No fold model at {d}: --teacher takes a --save-fold-models directory.")
    if (info.get("cv_fold"), info.get("k")) != (fold, k):
        sys.exit(f"{d} is fold {info.get('cv_fold')} of {info.get('k')}, not {fold} of {k}.")
    return d


def _write_fold_info(fold_dir: Path, *, fold: int, k: int, n_train: int, n_eval: int) -> None:
    # Says what the directory is, so that no one ships a fold model or scores PLV with it
    # outside its own fold.
    info = {
        "cv_fold": fold,
        "k": k,
        "n_train": n_train,
        "n_eval": n_eval,
        "folds": "training.train_classifier.plv_folds (as benchmarks/coder_bench.py)",
        "note": f"trained on PLV train minus fold {fold}; only fold {fold} is out of sample",
    }
    (fold_dir / "train_info.json").write_text(json.dumps(info, indent=1) + "\n", encoding="utf-8")


def _confusion(gold: Sequence[int], pred: Sequence[int]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for g, p in zip(gold, pred, strict=True):
        if g != p:
            row = out.setdefault(LABELS[g], {})
            row[LABELS[p]] = row.get(LABELS[p], 0) + 1
    return out
