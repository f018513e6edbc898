"""A frozen sentence encoder: all-MiniLM-L6-v2 as int8 ONNX, one 384-dim unit vector per text.

The model file (``models/minilm-sentence``, written by
``training/export_sentence_encoder.py``) does the mean pooling over the attention mask and the
L2 normalisation inside the graph, so this module only tokenizes, runs onnxruntime and caches:
no torch, and the dot product of two rows is their cosine similarity. The news detector reads
its sentence features from here.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from eventwire.coder.classifier import DEFAULT_MODEL_DIR, int8_session, load_tokenizer
from eventwire.errors import ModelError

if TYPE_CHECKING:
    from tokenizers import Tokenizer

__all__ = ["ENCODER_MODEL_DIR", "SentenceEncoder"]

# Beside the classifiers under the repository's models/ directory.
ENCODER_MODEL_DIR: Final = DEFAULT_MODEL_DIR.with_name("minilm-sentence")
# How many texts' vectors SentenceEncoder.encode remembers: a few articles' sentences, ~3 MB.
CACHE_SIZE: Final = 2048

_REQUIRED_FILES: Final = ("model.onnx", "tokenizer.json", "config.json")
_OUTPUT: Final = "embedding"
_REBUILD: Final = (
    "Restore the shipped models/minilm-sentence directory, or rebuild it: "
    "python training/export_sentence_encoder.py --out models/minilm-sentence"
)


class SentenceEncoder:
    """Embeds texts as L2-normalised float32 vectors (the dimension is ``dim``, 384).

    Create it with :meth:`load`. The onnxruntime session opens on first use, so a pipeline
    that never embeds pays nothing, and a pickled encoder (a worker process) opens its own.
    Texts run one per model call: the int8 graph quantises activations with one scale per
    tensor, so in a batch a text's vector would move with its neighbours; alone it depends on
    the text only, which is also what lets vectors be cached by text. Thread-safe.
    """

    def __init__(self, path: Path, *, config: dict[str, Any]) -> None:
        self.path = path
        self.config = dict(config)
        self.max_len = int(config.get("max_len", 128))
        self.dim = int(config.get("dim", 384))
        self._session: Any = None
        self._tokenizer: Tokenizer | None = None
        self._lock = threading.Lock()
        # Vectors already computed, by text, least recently used first.
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()

    @classmethod
    def load(cls, model_dir: Path | None = None) -> SentenceEncoder:
        """Read the model directory (default: the shipped ``models/minilm-sentence``).

        Checks the files and reads config.json now; the ONNX session opens lazily.
        """
        path = Path(model_dir) if model_dir is not None else ENCODER_MODEL_DIR
        missing = [f for f in _REQUIRED_FILES if not (path / f).is_file()]
        if missing:
            raise ModelError(
                f"The sentence encoder in {path} is missing {', '.join(missing)}.",
                cause="The model directory does not exist or was not exported/copied in full.",
                fix=_REBUILD,
            )
        try:
            config = json.loads((path / "config.json").read_text(encoding="utf-8"))
            if not isinstance(config, dict):
                raise ValueError("not a JSON object")
            int(config.get("max_len", 128)), int(config.get("dim", 384))
        except (OSError, ValueError, TypeError) as exc:
            raise ModelError(
                f"Could not read {path / 'config.json'}: {exc}",
                cause="The file is damaged or not the sentence encoder's.",
                fix=_REBUILD,
            ) from exc
        return cls(path, config=config)

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the path and config only: a session, a tokenizer and a lock do not pickle,
        and each process should open its own session anyway."""
        return {"path": self.path, "config": self.config}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"], config=state["config"])  # type: ignore[misc]

    def _ensure_session(self) -> tuple[Any, Tokenizer]:
        with self._lock:
            if self._session is None or self._tokenizer is None:
                try:
                    tokenizer = load_tokenizer(self.path / "tokenizer.json", max_len=self.max_len)
                    # The classifier's options: one thread on a small model, exact int8.
                    session = int8_session(self.path / "model.onnx")
                    outputs = [o.name for o in session.get_outputs()]
                    if _OUTPUT not in outputs:
                        raise ValueError(f"no output named {_OUTPUT!r} (outputs: {outputs})")
                except Exception as exc:
                    raise ModelError(
                        f"Could not open the sentence encoder in {self.path}: {exc}",
                        cause="model.onnx or tokenizer.json is damaged, not the sentence "
                        "encoder's, or from an incompatible onnxruntime/tokenizers version.",
                        fix=_REBUILD + "; or reinstall onnxruntime and tokenizers.",
                    ) from exc
                self._session, self._tokenizer = session, tokenizer
            return self._session, self._tokenizer

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors for ``texts``, shape ``(len(texts), dim)``, float32, in input order.

        Texts longer than ``max_len`` tokens are cut (the model reads their start). The last
        :data:`CACHE_SIZE` texts' vectors are remembered: a detector asks again for sentences
        it has seen (repeated leads, wire copy).
        """
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with self._lock:
            todo: list[int] = []
            for i, text in enumerate(texts):
                hit = self._cache.get(text)
                if hit is None:
                    todo.append(i)
                else:
                    self._cache.move_to_end(text)
                    out[i] = hit
        if not todo:
            return out
        session, tokenizer = self._ensure_session()
        first: dict[str, int] = {}  # a text repeated within this call runs once
        for i in todo:
            j = first.setdefault(texts[i], i)
            if j != i:
                out[i] = out[j]
                continue
            ids = np.asarray([tokenizer.encode(texts[i]).ids], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
            out[i] = session.run([_OUTPUT], feed)[0][0]
        with self._lock:
            for i in todo:
                self._cache[texts[i]] = out[i].copy()
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return out
