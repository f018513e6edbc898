"""The trained PLOVER event-type classifier: a fine-tuned MiniLM encoder run through ONNX.

Given a sentence and (optionally) the character spans of its source and target actors, it
scores the 15 PLOVER labels the model knows. The model is trained by
``training/train_classifier.py`` and shipped under ``models/`` as ``model.onnx`` (int8) with
``tokenizer.json``, ``labels.json`` and ``config.json``; only onnxruntime, tokenizers and numpy
are needed here, never torch.

Labels: the 16 PLOVER types, except that CONCEDE and RETREAT are one label, ``YIELD`` (the
training data, PLV, does not tell them apart). ``YIELD`` is returned as is; the caller decides
between CONCEDE and RETREAT (see :data:`YIELD_TYPES`), e.g. from the trigger words.

The text encoding (:func:`mark_text`, :func:`encode`) is shared with the training script so
that training and inference mark and tokenize a sentence in exactly the same way.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from eventwire.errors import ModelError, UsageError

if TYPE_CHECKING:
    from tokenizers import Tokenizer

__all__ = [
    "DEFAULT_MODEL_DIR",
    "FAST_MODEL_DIR",
    "YIELD_TYPES",
    "ClassifierInput",
    "EncodedBatch",
    "EventClassifier",
    "Markers",
    "Prediction",
    "Truncation",
    "encode",
    "int8_session",
    "mark_text",
    "minilm",
    "minilm_l3",
]

# The repository's models/ directory; [pipeline] classifier chooses between them.
DEFAULT_MODEL_DIR: Final = Path(__file__).resolve().parents[2] / "models" / "plover-minilm"
# How many inputs' rows EventClassifier.predict_proba remembers (a few articles' worth).
CACHE_SIZE: Final = 2048
# Three layers distilled from the default: about twice as fast, a little less accurate.
FAST_MODEL_DIR: Final = DEFAULT_MODEL_DIR.with_name("plover-minilm-l3")

# The merged label and the PLOVER types it stands for.
YIELD_TYPES: Final = MappingProxyType({"YIELD": ("CONCEDE", "RETREAT")})

_REQUIRED_FILES: Final = ("model.onnx", "tokenizer.json", "labels.json", "config.json")


@dataclass(frozen=True, slots=True)
class ClassifierInput:
    """One sentence to classify; ``source``/``target`` are ``(start, end)`` character spans
    into ``text`` (end exclusive), or None where the actor is unknown."""

    text: str
    source: tuple[int, int] | None = None
    target: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class Prediction:
    """The best label, its probability, and the probability of every label."""

    label: str
    score: float
    scores: dict[str, float] = field(hash=False)


@dataclass(frozen=True, slots=True)
class Markers:
    """The strings inserted around the source and the target span before tokenizing.

    Punctuation markers that are already single tokens in the vocabulary (Zhou & Chen 2021)
    need no new embeddings, which matters with ~1,000 training sentences.
    """

    source_open: str = "@ "
    source_close: str = " @"
    target_open: str = "# "
    target_close: str = " #"

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> Markers:
        m = cfg.get("markers", {})
        d = cls()  # the defaults (class attributes are slot descriptors here)
        return cls(
            source_open=str(m.get("source_open", d.source_open)),
            source_close=str(m.get("source_close", d.source_close)),
            target_open=str(m.get("target_open", d.target_open)),
            target_close=str(m.get("target_close", d.target_close)),
        )

    def to_config(self) -> dict[str, str]:
        return {
            "source_open": self.source_open,
            "source_close": self.source_close,
            "target_open": self.target_open,
            "target_close": self.target_close,
        }


def _valid_span(span: tuple[int, int] | None, n: int) -> tuple[int, int] | None:
    if span is None:
        return None
    start, end = span
    if not (0 <= start < end <= n):
        raise UsageError(
            f"Span {span!r} does not lie inside a text of {n} characters.",
            fix="Give (start, end) character offsets with 0 <= start < end <= len(text).",
        )
    return (start, end)


def mark_text(item: ClassifierInput, markers: Markers) -> tuple[str, int | None, int | None]:
    """Insert the markers; return the marked text and the character offsets of the opening
    source and target markers in it (None where that actor is not given)."""
    text = item.text
    src = _valid_span(item.source, len(text))
    tgt = _valid_span(item.target, len(text))
    # Sort key (position, closers before openers, ...): at one position spans nest properly.
    # Openers: the longer span opens first (outside), the source first on a tie. Closers: the
    # span opened later closes first, the target first on a tie.
    inserts: list[tuple[tuple[int, int, int, int], str, str]] = []
    if src is not None:
        inserts += [
            ((src[0], 1, -src[1], 0), "S", markers.source_open),
            ((src[1], 0, -src[0], 1), "", markers.source_close),
        ]
    if tgt is not None:
        inserts += [
            ((tgt[0], 1, -tgt[1], 1), "T", markers.target_open),
            ((tgt[1], 0, -tgt[0], 0), "", markers.target_close),
        ]
    inserts.sort(key=lambda x: x[0])
    parts: list[str] = []
    pos = 0
    length = 0
    src_char: int | None = None
    tgt_char: int | None = None
    for (at, *_), kind, s in inserts:
        parts.append(text[pos:at])
        length += at - pos
        pos = at
        # The marker character itself (skipping the padding space of a closer).
        anchor = length + (len(s) - len(s.lstrip()))
        if kind == "S":
            src_char = anchor
        elif kind == "T":
            tgt_char = anchor
        parts.append(s)
        length += len(s)
    parts.append(text[pos:])
    return "".join(parts), src_char, tgt_char


@dataclass(frozen=True, slots=True)
class EncodedBatch:
    """Padded model inputs for a batch; marker positions default to 0 ([CLS]) when absent."""

    input_ids: np.ndarray
    attention_mask: np.ndarray
    src_pos: np.ndarray
    tgt_pos: np.ndarray

    def feed(self) -> dict[str, np.ndarray]:
        """The ONNX session's inputs, by the model file's input names (the field names)."""
        return {
            "input_ids": self.input_ids,
            "attention_mask": self.attention_mask,
            "src_pos": self.src_pos,
            "tgt_pos": self.tgt_pos,
        }


def _token_at(offsets: Sequence[tuple[int, int]], char: int | None, n_special_end: int) -> int:
    if char is None:
        return 0
    for i, (start, end) in enumerate(offsets[: len(offsets) - n_special_end]):
        if start <= char < end and end > start:
            return i
    return 0  # truncated away: fall back to [CLS], as for an unknown actor


def encode(
    tokenizer: Tokenizer,
    items: Sequence[ClassifierInput],
    *,
    markers: Markers,
    max_len: int,
) -> EncodedBatch:
    """Mark, tokenize and pad ``items`` (the tokenizer must have padding disabled and
    truncation at ``max_len``)."""
    return _encode(tokenizer, items, markers=markers, max_len=max_len)[0]


@dataclass(frozen=True, slots=True)
class Truncation:
    """How many inputs of a batch the tokenizer cut to ``max_len`` tokens, and how many of
    those lost a source or target marker with the cut (the model then reads that actor as
    unknown). Kept apart from :class:`EncodedBatch`, whose fields are the model's inputs."""

    inputs: int = 0
    markers: int = 0

    def __add__(self, other: Truncation) -> Truncation:
        return Truncation(self.inputs + other.inputs, self.markers + other.markers)


def _encode(
    tokenizer: Tokenizer,
    items: Sequence[ClassifierInput],
    *,
    markers: Markers,
    max_len: int,
) -> tuple[EncodedBatch, Truncation]:
    """:func:`encode`, also counting what truncation cut."""
    marked = [mark_text(it, markers) for it in items]
    # One sentence (the classifier's default batch) is tokenized without encode_batch's
    # thread-pool hand-off: the same encoding, 135 rather than 165 us on PLV sentences.
    encs = (
        [tokenizer.encode(marked[0][0])]
        if len(marked) == 1
        else tokenizer.encode_batch([m[0] for m in marked])
    )
    # Each access to .ids or .offsets builds a new Python list: read each once.
    token_ids = [e.ids for e in encs]
    width = max((len(t) for t in token_ids), default=1)
    ids = np.zeros((len(items), width), dtype=np.int64)
    mask = np.zeros((len(items), width), dtype=np.int64)
    src = np.zeros(len(items), dtype=np.int64)
    tgt = np.zeros(len(items), dtype=np.int64)
    cut = cut_markers = 0
    for i, (enc, t_ids, (_, s_char, t_char)) in enumerate(
        zip(encs, token_ids, marked, strict=True)
    ):
        n = len(t_ids)
        ids[i, :n] = t_ids
        mask[i, :n] = 1
        offsets = enc.offsets if s_char is not None or t_char is not None else []
        # [SEP] at the end has offsets (0, 0) and is skipped by the empty-span test anyway.
        src[i] = _token_at(offsets, s_char, 1)
        tgt[i] = _token_at(offsets, t_char, 1)
        # Only an input that fills max_len can have been cut; .overflowing (the cut-off
        # tokens) builds Python objects, so it is read for those alone.
        if n >= max_len and enc.overflowing:
            cut += 1
            # A marker found in the kept tokens is never at 0, which is [CLS].
            if (s_char is not None and src[i] == 0) or (t_char is not None and tgt[i] == 0):
                cut_markers += 1
    return EncodedBatch(ids, mask, src, tgt), Truncation(cut, cut_markers)


def load_tokenizer(path: Path, *, max_len: int) -> Tokenizer:
    """The shipped tokenizer with its fixed padding switched off (we pad per batch)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(path))
    tok.no_padding()
    tok.enable_truncation(max_len)
    return tok


def int8_session(model: Path, *, threads: int = 1) -> Any:
    """An onnxruntime CPU session for one of the shipped int8 files (the classifiers, the
    sentence encoder), with the options they share."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    # One op at a time: inter-op parallelism only adds contention on small models.
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    # Files with 8-bit int8 weights (trained with --no-quant-reduce-range, or before 7-bit
    # weights became the default) would have their products saturate on CPUs without VNNI;
    # this makes onnxruntime compute those exactly. The shipped 7-bit files are unaffected
    # (test_int8_products_do_not_saturate).
    opts.add_session_config_entry("session.x64quantprecision", "1")
    return ort.InferenceSession(
        str(model),
        sess_options=opts,
        providers=["CPUExecutionProvider"],
        # Training writes the skip connections as Add + LayerNormalization: onnxruntime's
        # fused kernel for them was slower (train_classifier.py, split_skip_layer_norm).
        # Unknown names are ignored.
        disabled_optimizers=["SkipLayerNormFusion"],
    )


def _softmax(logits: np.ndarray) -> np.ndarray:
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: np.ndarray = e / e.sum(axis=1, keepdims=True)
    return out


class EventClassifier:
    """PLOVER event-type classifier over a sentence with its source and target marked.

    Create it with :meth:`load`; the onnxruntime session is opened on first use, so that a
    pipeline that never classifies pays nothing and worker processes open their own.

    ``batch_size`` defaults to 1: the int8 model quantises activations with one scale per
    tensor, so in a batch a sentence's scores move with its neighbours (by up to ~0.2 seen);
    one at a time they depend on the sentence alone, and on two shared cores batching gained
    little (79 sentences/s at 1, 71-90 at 8-32). Larger batches are allowed where speed matters
    more than exact reproducibility.
    """

    def __init__(
        self,
        path: Path,
        *,
        labels: Sequence[str],
        config: dict[str, Any],
        intra_op_num_threads: int = 1,
        batch_size: int = 1,
    ) -> None:
        self.path = path
        self.labels: tuple[str, ...] = tuple(labels)
        self.config = dict(config)
        self.markers = Markers.from_config(config)
        self.max_len = int(config.get("max_len", 128))
        self.intra_op_num_threads = intra_op_num_threads
        self.batch_size = batch_size
        self._session: Any = None
        self._output = "logits"
        self._tokenizer: Tokenizer | None = None
        self._lock = threading.Lock()
        # What truncation cut since the last take_truncation(): the pipeline reports it.
        self._truncation = Truncation()
        # Rows already computed, by input (see predict_proba), least recently used first.
        self._cache: OrderedDict[ClassifierInput, tuple[np.ndarray, Truncation]] = OrderedDict()

    @classmethod
    def load(
        cls,
        path: Path | None = None,
        *,
        intra_op_num_threads: int = 1,
        batch_size: int = 1,
    ) -> EventClassifier:
        """Read the model directory (default: the shipped ``models/plover-minilm``).

        Checks the files and reads labels and config now; the ONNX session opens lazily.
        """
        model_dir = Path(path) if path is not None else DEFAULT_MODEL_DIR
        if intra_op_num_threads < 1 or batch_size < 1:
            raise UsageError(
                "intra_op_num_threads and batch_size must be at least 1.",
                fix="Pass positive integers.",
            )
        missing = [f for f in _REQUIRED_FILES if not (model_dir / f).is_file()]
        if missing:
            raise ModelError(
                f"The event classifier in {model_dir} is missing {', '.join(missing)}.",
                cause="The model directory does not exist or was not trained/copied in full.",
                fix="Point to a directory written by training/train_classifier.py, or retrain: "
                "python training/train_classifier.py --data ../shared/data "
                "--out models/plover-minilm",
            )
        try:
            labels = json.loads((model_dir / "labels.json").read_text(encoding="utf-8"))
            config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"Could not read labels.json/config.json in {model_dir}: {exc}",
                cause="The files are damaged or not the classifier's.",
                fix="Retrain with training/train_classifier.py or restore the shipped files.",
            ) from exc
        if not (isinstance(labels, list) and labels and all(isinstance(x, str) for x in labels)):
            raise ModelError(
                f"{model_dir / 'labels.json'} is not a list of label names.",
                cause="The file is damaged or not the classifier's.",
                fix="Retrain with training/train_classifier.py or restore the shipped files.",
            )
        return cls(
            model_dir,
            labels=labels,
            config=config,
            intra_op_num_threads=intra_op_num_threads,
            batch_size=batch_size,
        )

    def _ensure_session(self) -> tuple[Any, Tokenizer]:
        with self._lock:
            if self._session is None or self._tokenizer is None:
                try:
                    self._tokenizer = load_tokenizer(
                        self.path / "tokenizer.json", max_len=self.max_len
                    )
                    self._session = int8_session(
                        self.path / "model.onnx", threads=self.intra_op_num_threads
                    )
                except Exception as exc:
                    raise ModelError(
                        f"Could not open the event classifier in {self.path}: {exc}",
                        cause="model.onnx or tokenizer.json is damaged or from an "
                        "incompatible onnxruntime/tokenizers version.",
                        fix="Retrain with training/train_classifier.py or reinstall "
                        "onnxruntime and tokenizers.",
                    ) from exc
                outputs = {o.name for o in self._session.get_outputs()}
                # Files trained since the probabilities moved into the graph have "probs".
                self._output = "probs" if "probs" in outputs else "logits"
            return self._session, self._tokenizer

    def predict_proba(self, items: Sequence[ClassifierInput]) -> np.ndarray:
        """Probabilities, shape ``(len(items), len(self.labels))``, in ``self.labels`` order.

        With one input per model call (the default ``batch_size``) an input's row depends on
        it alone, so rows are remembered (the last :data:`CACHE_SIZE` inputs): v5 asks for
        the same marked sentence again when it types its candidates (37% of its calls on
        news). A remembered input's truncation is counted again, as a new call's would be."""
        out = np.zeros((len(items), len(self.labels)), dtype=np.float32)
        if not items:
            return out
        todo = list(range(len(items)))
        if self.batch_size == 1:
            with self._lock:
                hits = [(i, self._cache.get(items[i])) for i in todo]
                for i, hit in hits:
                    if hit is not None:
                        self._cache.move_to_end(items[i])
                        out[i] = hit[0]
                        self._truncation += hit[1]
            todo = [i for i, hit in hits if hit is None]
            if not todo:
                return out
        session, tokenizer = self._ensure_session()
        # Batch sentences of similar length together: padding is wasted compute.
        order = sorted(todo, key=lambda i: len(items[i].text))
        batches = [order[b : b + self.batch_size] for b in range(0, len(order), self.batch_size)]
        # Tokenize all, then run the model call after call, then store: interleaved, each
        # step found the caches filled by the other (~0.9 ms more per sentence, measured).
        encoded = [
            _encode(tokenizer, [items[i] for i in idx], markers=self.markers, max_len=self.max_len)
            for idx in batches
        ]
        cut = sum((t for _, t in encoded), Truncation())
        results = []
        for enc, _ in encoded:
            (res,) = session.run([self._output], enc.feed())
            results.append(res)
        for idx, res in zip(batches, results, strict=True):
            out[idx] = res if self._output == "probs" else _softmax(np.asarray(res, np.float32))
        with self._lock:
            self._truncation += cut
            if self.batch_size == 1:
                for (i,), (_, t) in zip(batches, encoded, strict=True):
                    self._cache[items[i]] = (out[i].copy(), t)
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return out

    def take_truncation(self) -> Truncation:
        """The inputs cut to ``max_len`` tokens since the last call (the model reads only the
        start of a longer sentence), and how many of them lost an actor marker."""
        with self._lock:
            taken, self._truncation = self._truncation, Truncation()
        return taken

    def predict(self, items: Sequence[ClassifierInput]) -> list[Prediction]:
        """The best label and all label probabilities for each item, in input order."""
        probs = self.predict_proba(items)
        preds: list[Prediction] = []
        for row in probs:
            best = int(row.argmax())
            preds.append(
                Prediction(
                    label=self.labels[best],
                    score=float(row[best]),
                    scores={lab: float(p) for lab, p in zip(self.labels, row, strict=True)},
                )
            )
        return preds


def minilm() -> EventClassifier:
    """``classifier.minilm.v1``: the shipped 6-layer model (``models/plover-minilm``)."""
    return EventClassifier.load(DEFAULT_MODEL_DIR)


def minilm_l3() -> EventClassifier:
    """``classifier.minilm-l3.v1``: the 3-layer model distilled from it
    (``models/plover-minilm-l3``)."""
    return EventClassifier.load(FAST_MODEL_DIR)
