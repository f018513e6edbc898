"""The command line of training/train_classifier.py: its options, their defaults (TrainConfig's
where it has the option) and help texts. Only the parsing; the checks of one option against
another, which need the whole command, stay in the script's main."""

from __future__ import annotations

import argparse
from pathlib import Path

from training.classifier.model import HEADS, TrainConfig

REPO = Path(__file__).resolve().parents[2]

# The first paragraph of train_classifier.py's docstring, which `--help` prints: a copy, since
# that script imports this module and this one cannot import it back.
DESCRIPTION = "Train eventwire's PLOVER event-type classifier and export it to ONNX."


def _layer_list(value: str) -> tuple[int, ...]:
    try:
        out = tuple(int(x) for x in value.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a comma-separated list of layers: {value!r}"
        ) from None
    if any(not 0 <= i < 6 for i in out):
        raise argparse.ArgumentTypeError(f"layers are 0-5 (the base has 6): {value!r}")
    return out


def parser() -> argparse.ArgumentParser:
    """The command line, its defaults TrainConfig's where it has the option."""
    ap = argparse.ArgumentParser(description=DESCRIPTION)
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=REPO / "models" / "plover-minilm")
    ap.add_argument("--cv", type=int, default=0, help="k for k-fold CV (0: none)")
    ap.add_argument("--cv-only", action="store_true", help="run CV, do not train the final model")
    ap.add_argument("--epochs", type=int, default=TrainConfig.epochs)
    ap.add_argument(
        "--cv-epochs", type=int, default=None, help="epochs per CV fold (default --epochs)"
    )
    ap.add_argument("--synthetic-per-epoch", type=int, default=TrainConfig.synthetic_per_epoch)
    ap.add_argument("--lr", type=float, default=TrainConfig.lr)
    ap.add_argument(
        "--frozen-layers",
        type=int,
        default=TrainConfig.frozen_layers,
        help="encoder layers kept frozen (cached); the ones above are fine-tuned",
    )
    ap.add_argument(
        "--layers",
        type=int,
        default=TrainConfig.layers,
        help="encoder layers kept from the 6-layer base, bottom first (fewer: faster, less "
        "accurate)",
    )
    ap.add_argument(
        "--ffn",
        type=int,
        default=TrainConfig.ffn,
        help="feed-forward units kept per layer, pruned by weight norm (0: all 1536)",
    )
    ap.add_argument(
        "--gsr",
        action=argparse.BooleanOptionalAction,
        default=TrainConfig.gsr,
        help="train on the PLOVER gold-standard records too",
    )
    ap.add_argument(
        "--conflibert-per-epoch",
        type=int,
        default=TrainConfig.conflibert_per_epoch,
        help="ConfliBERT quad-labelled sentences drawn each epoch (0: unused)",
    )
    ap.add_argument(
        "--exclude",
        type=Path,
        action="append",
        default=[],
        metavar="CSV",
        help="a CSV with a text column (e.g. the held-out PLV test split) whose sentences, and "
        "near-duplicates, are kept out of the extra sources as PLV train's are; repeatable",
    )
    ap.add_argument("--conflibert-weight", type=float, default=TrainConfig.conflibert_weight)
    ap.add_argument("--label-smoothing", type=float, default=TrainConfig.label_smoothing)
    ap.add_argument(
        "--quant-per-channel",
        action=argparse.BooleanOptionalAction,
        default=TrainConfig.quant_per_channel,
        help="int8 weights quantised per output channel (else per tensor)",
    )
    ap.add_argument(
        "--quant-reduce-range",
        action=argparse.BooleanOptionalAction,
        default=TrainConfig.quant_reduce_range,
        help="7-bit int8 weights, which cannot saturate onnxruntime's int8 products on CPUs "
        "without VNNI (AVX2)",
    )
    ap.add_argument(
        "--fuse",
        action=argparse.BooleanOptionalAction,
        default=TrainConfig.fuse,
        help="fuse attention, layer norms and GELU (onnxruntime.transformers) before quantising",
    )
    ap.add_argument("--seed", type=int, default=TrainConfig.seed)
    ap.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads (the shipped model was trained with 1, recorded in "
        "train_info.json; float sums differ in the last bits with another count)",
    )
    ap.add_argument(
        "--save-fold-models",
        type=Path,
        nargs="?",
        const=REPO / ".cache" / "cv-models",
        default=None,
        metavar="DIR",
        help="with --cv: keep each fold's model in DIR/fold{k} (shipped layout) and write "
        "per-row CV scores to DIR/cv_predictions.jsonl (DIR default: .cache/cv-models)",
    )
    ap.add_argument(
        "--teacher",
        type=Path,
        default=None,
        metavar="DIR",
        help="distil the final model from the classifier in DIR (e.g. one trained with the "
        "default 6 layers)",
    )
    ap.add_argument(
        "--cv-teacher",
        type=Path,
        default=None,
        metavar="DIR",
        help="distil CV fold k from DIR/fold{k}, a --save-fold-models directory of the same "
        "k, so that no teacher saw the fold it is scored on",
    )
    ap.add_argument(
        "--distill-weight",
        type=float,
        default=0.5,
        help="weight of the teacher's probabilities in the loss on labelled sentences",
    )
    ap.add_argument(
        "--transfer",
        type=int,
        default=0,
        metavar="N",
        help="with a teacher: N unlabelled inputs that coder v3 builds on the news corpus, "
        "learnt from the teacher alone",
    )
    ap.add_argument(
        "--transfer-per-epoch",
        type=int,
        default=600,
        help="transfer inputs drawn each epoch",
    )
    ap.add_argument(
        "--distill-temperature",
        type=float,
        default=TrainConfig.distill_temperature,
        help="softening of teacher and student distributions in the distillation loss",
    )
    ap.add_argument(
        "--head",
        choices=sorted(HEADS),
        default=TrainConfig.head,
        help="what the head reads. " + " ".join(f"{k}: {v}." for k, v in HEADS.items()),
    )
    ap.add_argument(
        "--init-layers",
        type=_layer_list,
        default=(),
        metavar="I,J,K",
        help="start the student's layers as these layers of the teacher (--teacher, and "
        "fold k's with --cv-teacher), and its head as the teacher's; e.g. --layers 3 "
        "--init-layers 3,4,5",
    )
    ap.add_argument(
        "--with-corrections",
        type=Path,
        default=None,
        metavar="FILE",
        help="an analyst's corrections (`eventwire corrections export` JSONL, or the .duckdb "
        "store): each corrected event with a type is a training example; the fifth of their "
        "articles train_detector.py holds out is held out here too",
    )
    ap.add_argument(
        "--corrections-repeat",
        type=int,
        default=TrainConfig.corrections_repeat,
        help="times each corrected event is seen per epoch (its weight against a PLV sentence)",
    )
    ap.add_argument(
        "--init",
        type=Path,
        default=None,
        metavar="DIR",
        help="start from the trained classifier in DIR (its layers and head, the same "
        "--layers and --frozen-layers), without distilling from it: a few epochs then add "
        "new examples (--with-corrections) in minutes",
    )
    ap.add_argument("--no-quantize", action="store_true")
    ap.add_argument("--card-only", action="store_true", help="only rewrite MODEL_CARD.md")
    return ap
