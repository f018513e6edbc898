"""The frozen sentence encoder (eventwire.coder.encoder) and its shipped int8 model.

Sentences here are written for these tests.
"""

from __future__ import annotations

import pickle
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from eventwire.coder.encoder import ENCODER_MODEL_DIR, SentenceEncoder
from eventwire.errors import ModelError

needs_model = pytest.mark.skipif(
    not (ENCODER_MODEL_DIR / "model.onnx").is_file(),
    reason=f"no shipped sentence encoder at {ENCODER_MODEL_DIR} (export it with "
    "training/export_sentence_encoder.py)",
)


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder.load()


@needs_model
@pytest.mark.parametrize(
    "texts",
    [
        ["North Korea fired a missile."],
        ["Talks resumed in Geneva.", "", "The ministers met twice on Tuesday in Brussels."],
        [],
    ],
)
def test_shape_dtype_and_unit_norm(encoder: SentenceEncoder, texts: list[str]) -> None:
    vecs = encoder.encode(texts)
    assert vecs.shape == (len(texts), 384)
    assert vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)


@needs_model
@pytest.mark.parametrize(
    "text", ["Protesters marched on the parliament.", "The central bank raised rates."]
)
def test_same_text_same_vector(text: str) -> None:
    # Fresh encoders, so the second vector is computed again, not read from the cache.
    a = SentenceEncoder.load().encode([text])
    b = SentenceEncoder.load().encode(["Something else first.", text])[1]
    np.testing.assert_array_equal(a[0], b)
    enc = SentenceEncoder.load()
    np.testing.assert_array_equal(enc.encode([text, text])[1], enc.encode([text])[0])


@needs_model
@pytest.mark.parametrize(
    ("anchor", "close", "far"),
    [
        ("North Korea fired a missile", "Pyongyang launched a rocket", "The bakery sells bread"),
        (
            "Police arrested dozens of protesters in Minsk.",
            "Belarusian officers detained many demonstrators.",
            "The football season starts in August.",
        ),
        (
            "The two countries signed a trade agreement.",
            "A commercial treaty was concluded between the nations.",
            "It rained heavily over the weekend.",
        ),
    ],
)
def test_close_sentences_are_closer_than_unrelated(
    encoder: SentenceEncoder, anchor: str, close: str, far: str
) -> None:
    a, c, f = encoder.encode([anchor, close, far])
    assert float(a @ c) > float(a @ f) + 0.2


@needs_model
def test_long_text_is_truncated_not_a_crash(encoder: SentenceEncoder) -> None:
    long = " ".join(["sanctions"] * 10_000)
    (vec,) = encoder.encode([long])
    assert np.isfinite(vec).all()
    assert abs(float(np.linalg.norm(vec)) - 1.0) < 1e-4
    # The model reads the first 128 tokens only: a longer tail changes nothing.
    np.testing.assert_array_equal(vec, encoder.encode([" ".join(["sanctions"] * 500)])[0])


@needs_model
def test_pickled_encoder_opens_its_own_session(encoder: SentenceEncoder) -> None:
    text = "The ceasefire held for a third day."
    want = encoder.encode([text])
    copy = pickle.loads(pickle.dumps(encoder))
    assert copy._session is None and not copy._cache
    np.testing.assert_array_equal(copy.encode([text]), want)


@needs_model
def test_threads_share_one_encoder() -> None:
    enc = SentenceEncoder.load()
    texts = [f"Troops moved toward the border on day {i}." for i in range(8)]
    want = SentenceEncoder.load().encode(texts)
    got: dict[int, np.ndarray] = {}

    def work(i: int) -> None:
        got[i] = enc.encode(texts[i : i + 1])[0]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    np.testing.assert_array_equal(np.stack([got[i] for i in range(len(texts))]), want)


@pytest.mark.parametrize("files", [(), ("config.json",), ("config.json", "tokenizer.json")])
def test_missing_files_raise_model_error_with_fix(tmp_path: Path, files: tuple[str, ...]) -> None:
    for name in files:
        (tmp_path / name).write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match=r"model\.onnx") as exc:
        SentenceEncoder.load(tmp_path / "nowhere" if not files else tmp_path)
    assert exc.value.cause and exc.value.fix
    assert "export_sentence_encoder.py" in exc.value.fix


def test_damaged_config_raises_model_error(tmp_path: Path) -> None:
    for name in ("model.onnx", "tokenizer.json"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    (tmp_path / "config.json").write_text("not json", encoding="utf-8")
    with pytest.raises(ModelError, match=r"config\.json"):
        SentenceEncoder.load(tmp_path)


@needs_model
def test_damaged_model_file_raises_model_error_on_first_use(tmp_path: Path) -> None:
    for name in ("tokenizer.json", "config.json"):
        shutil.copyfile(ENCODER_MODEL_DIR / name, tmp_path / name)
    (tmp_path / "model.onnx").write_bytes(b"not an onnx file")
    enc = SentenceEncoder.load(tmp_path)  # the session opens lazily
    with pytest.raises(ModelError, match="Could not open the sentence encoder") as exc:
        enc.encode(["Anything."])
    assert exc.value.fix
