"""The trained event-type classifier (eventwire.coder.classifier) and its shipped model.

Sentences here are written for these tests, not taken from PLV.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from eventwire.coder import classifier as classifier_module
from eventwire.coder.classifier import (
    DEFAULT_MODEL_DIR,
    FAST_MODEL_DIR,
    YIELD_TYPES,
    ClassifierInput,
    EventClassifier,
    Markers,
    Prediction,
    _softmax,
    encode,
    mark_text,
    minilm_l3,
)
from eventwire.errors import ModelError, UsageError

HAS_MODEL = (DEFAULT_MODEL_DIR / "model.onnx").is_file()
needs_model = pytest.mark.skipif(
    not HAS_MODEL,
    reason=f"no shipped classifier at {DEFAULT_MODEL_DIR} (train it with "
    "training/train_classifier.py)",
)


def item(text: str, source: str | None = None, target: str | None = None) -> ClassifierInput:
    def span(s: str | None) -> tuple[int, int] | None:
        if s is None:
            return None
        i = text.index(s)
        return (i, i + len(s))

    return ClassifierInput(text, span(source), span(target))


# PLOVER codebook 2.0: signing an agreement is SUPPORT; agreeing or promising to sign is AGREE.
CLEAR = [
    (item("Russian forces shelled the city of Kharkiv overnight.", "Russian forces", "Kharkiv"),
     "ASSAULT"),
    (item("The two leaders agreed to sign a peace agreement next month.", "The two leaders"),
     "AGREE"),
    (item("The two leaders signed a peace agreement on Friday.", "The two leaders"), "SUPPORT"),
    (item("Protesters marched against the government in the capital.", "Protesters",
          "the government"), "PROTEST"),
    (item("Police arrested dozens of opposition activists in Minsk.", "Police",
          "opposition activists"), "COERCE"),
    (item("Japan sent emergency food aid to flood victims in Bangladesh.", "Japan",
          "flood victims"), "AID"),
    (item("North Korea threatened to strike American bases in Guam.", "North Korea",
          "American bases"), "THREATEN"),
]  # fmt: skip


@pytest.fixture(scope="module")
def clf() -> EventClassifier:
    return EventClassifier.load()


# ------------------------------------------------------------------ no model needed


def test_mark_text_places_markers_around_spans() -> None:
    it = item("Iran condemned Israel.", "Iran", "Israel")
    marked, s, t = mark_text(it, Markers())
    assert marked == "@ Iran @ condemned # Israel #."
    assert s is not None and t is not None
    assert marked[s] == "@" and marked[t] == "#"


def test_mark_text_without_spans_is_identity() -> None:
    marked, s, t = mark_text(ClassifierInput("Nothing happened."), Markers())
    assert (marked, s, t) == ("Nothing happened.", None, None)


def test_mark_text_nested_and_identical_spans() -> None:
    text = "The Iraqi army attacked."
    # target inside source
    marked, s, t = mark_text(ClassifierInput(text, (0, 14), (4, 9)), Markers())
    assert marked == "@ The # Iraqi # army @ attacked."
    assert marked[s or 0] == "@" and marked[t or 0] == "#"
    # the same span for both: the source opens outside the target
    marked, s, t = mark_text(ClassifierInput(text, (4, 9), (4, 9)), Markers())
    assert marked == "The @ # Iraqi # @ army attacked."
    assert marked[s or 0] == "@" and marked[t or 0] == "#"


@pytest.mark.parametrize("span", [(-1, 3), (3, 3), (5, 2), (0, 99)])
def test_bad_span_is_a_usage_error(span: tuple[int, int]) -> None:
    with pytest.raises(UsageError):
        mark_text(ClassifierInput("Short text.", span), Markers())


def test_missing_model_dir_raises_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as exc:
        EventClassifier.load(tmp_path / "nowhere")
    err = exc.value
    assert "model.onnx" in err.message
    assert err.cause and err.fix and "train_classifier.py" in err.fix


def test_partial_model_dir_names_the_missing_file(tmp_path: Path) -> None:
    (tmp_path / "labels.json").write_text('["A"]', encoding="utf-8")
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ModelError, match=r"model\.onnx, tokenizer\.json"):
        EventClassifier.load(tmp_path)


def test_bad_labels_file_raises_model_error(tmp_path: Path) -> None:
    for name in ("model.onnx", "tokenizer.json", "config.json"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    (tmp_path / "labels.json").write_text("not json", encoding="utf-8")
    with pytest.raises(ModelError):
        EventClassifier.load(tmp_path)


def test_yield_types() -> None:
    assert YIELD_TYPES["YIELD"] == ("CONCEDE", "RETREAT")


# --------------------------------------------------------------- the shipped model


@needs_model
def test_shipped_files_and_size() -> None:
    labels = json.loads((DEFAULT_MODEL_DIR / "labels.json").read_text(encoding="utf-8"))
    assert len(labels) == 15 and "YIELD" in labels
    assert "CONCEDE" not in labels and "RETREAT" not in labels
    assert (DEFAULT_MODEL_DIR / "model.onnx").stat().st_size <= 30 * 2**20
    assert (DEFAULT_MODEL_DIR / "MODEL_CARD.md").is_file()


@needs_model
def test_load_is_lazy_and_validates_options() -> None:
    c = EventClassifier.load()
    assert c._session is None  # nothing opened until the first predict
    with pytest.raises(UsageError):
        EventClassifier.load(intra_op_num_threads=0)


@needs_model
def test_shapes_and_scores(clf: EventClassifier) -> None:
    items = [it for it, _ in CLEAR] + [ClassifierInput("No actors are marked in this one.")]
    preds = clf.predict(items)
    assert len(preds) == len(items)
    for p in preds:
        assert isinstance(p, Prediction)
        assert set(p.scores) == set(clf.labels)
        assert sum(p.scores.values()) == pytest.approx(1.0, abs=1e-4)
        assert p.label == max(p.scores, key=p.scores.__getitem__)
        assert p.score == p.scores[p.label]
    probs = clf.predict_proba(items)
    assert probs.shape == (len(items), len(clf.labels))
    assert clf.predict([]) == []


@needs_model
def test_deterministic_and_order_independent(clf: EventClassifier) -> None:
    items = [it for it, _ in CLEAR]
    first = clf.predict_proba(items)
    np.testing.assert_array_equal(first, clf.predict_proba(items))
    # One sentence at a time (the default), so order and neighbours do not matter.
    np.testing.assert_array_equal(first, clf.predict_proba(items[::-1])[::-1])
    np.testing.assert_array_equal(first, np.vstack([clf.predict_proba([it]) for it in items]))


@needs_model
def test_batched_gives_same_labels(clf: EventClassifier) -> None:
    # Batched, int8 dynamic quantisation scales activations over the whole padded batch, so
    # scores move a little with the neighbours; the labels of clear sentences must not.
    items = [it for it, _ in CLEAR]
    batched = EventClassifier.load(batch_size=32).predict_proba(items)
    assert (batched.argmax(1) == clf.predict_proba(items).argmax(1)).all()


@needs_model
@pytest.mark.parametrize(("it", "expected"), CLEAR, ids=[e for _, e in CLEAR])
def test_clear_sentences(clf: EventClassifier, it: ClassifierInput, expected: str) -> None:
    assert clf.predict([it])[0].label == expected


@needs_model
def test_threads_option_gives_same_labels(tmp_path: Path) -> None:
    # A copy of the model, loaded from an explicit path with two threads.
    for f in DEFAULT_MODEL_DIR.iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    two = EventClassifier.load(tmp_path, intra_op_num_threads=2, batch_size=2)
    one = EventClassifier.load()
    items = [it for it, _ in CLEAR]
    assert [p.label for p in two.predict(items)] == [p.label for p in one.predict(items)]


@needs_model
def test_encode_points_at_the_opening_markers() -> None:
    from eventwire.coder.classifier import load_tokenizer

    tok = load_tokenizer(DEFAULT_MODEL_DIR / "tokenizer.json", max_len=128)
    items = [
        item("Iran condemned Israel on Monday.", "Iran", "Israel"),
        item("Nobody is marked here."),
    ]
    enc = encode(tok, items, markers=Markers(), max_len=128)
    at, hash_ = tok.token_to_id("@"), tok.token_to_id("#")
    assert enc.input_ids[0, enc.src_pos[0]] == at and enc.src_pos[0] == 1
    assert enc.input_ids[0, enc.tgt_pos[0]] == hash_
    assert enc.src_pos[1] == 0 and enc.tgt_pos[1] == 0  # unknown actors read [CLS]
    assert enc.attention_mask.sum(1).tolist()[1] < enc.attention_mask.shape[1]


@needs_model
def test_encode_one_sentence_as_in_a_batch() -> None:
    """A lone sentence takes tokenizer.encode, a batch encode_batch: the inputs must agree."""
    from eventwire.coder.classifier import load_tokenizer

    tok = load_tokenizer(DEFAULT_MODEL_DIR / "tokenizer.json", max_len=128)
    items = [it for it, _ in CLEAR] + [item("Nobody is marked here."), item("x " * 200, "x")]
    batch = encode(tok, items, markers=Markers(), max_len=128)
    for i, it in enumerate(items):
        one = encode(tok, [it], markers=Markers(), max_len=128)
        n = one.input_ids.shape[1]
        assert one.input_ids[0].tolist() == batch.input_ids[i, :n].tolist()
        assert int(batch.attention_mask[i].sum()) == n
        assert (one.src_pos[0], one.tgt_pos[0]) == (batch.src_pos[i], batch.tgt_pos[i])


@needs_model
def test_shipped_config_names_the_export() -> None:
    cfg = json.loads((DEFAULT_MODEL_DIR / "config.json").read_text(encoding="utf-8"))
    assert cfg["quantized"].startswith("int8")
    assert cfg["inputs"] == ["input_ids", "attention_mask", "src_pos", "tgt_pos"]


# ------------------------------------------------------------------ the fast model


@pytest.mark.skipif(
    not (FAST_MODEL_DIR / "model.onnx").is_file(), reason=f"no model at {FAST_MODEL_DIR}"
)
def test_fast_model_reads_clear_sentences_and_gives_probabilities() -> None:
    fast = minilm_l3()
    preds = fast.predict([it for it, _ in CLEAR])
    assert [p.label for p in preds] == [expected for _, expected in CLEAR]
    assert fast._output == "probs"  # the softmax runs inside the model file


@needs_model
def test_probs_output_equals_the_softmax_of_the_logits(clf: EventClassifier) -> None:
    items = [it for it, _ in CLEAR]
    probs = clf.predict_proba(items)
    session, _ = clf._ensure_session()
    logits = EventClassifier(clf.path, labels=clf.labels, config=clf.config)
    logits._ensure_session()
    logits._output = "logits"  # what a model file without the probs output gives
    np.testing.assert_allclose(logits.predict_proba(items), probs, atol=1e-5)
    assert {o.name for o in session.get_outputs()} == {"logits", "probs"}
    assert _softmax(np.array([[0.0, 0.0]], np.float32)).tolist() == [[0.5, 0.5]]


@pytest.mark.parametrize("model_dir", [DEFAULT_MODEL_DIR, FAST_MODEL_DIR], ids=["6l", "3l"])
def test_int8_products_do_not_saturate(model_dir: Path) -> None:
    """Regression: with 8-bit weights, onnxruntime's uint8 x int8 products saturated on CPUs
    without VNNI (AVX2) and moved probabilities by up to 0.08. The shipped files have 7-bit
    weights: onnxruntime's default session and one with the option that computes such
    products exactly (uint8 x uint8) must give the same probabilities."""
    if not (model_dir / "model.onnx").is_file():
        pytest.skip(f"no model at {model_dir}")
    import onnxruntime as ort

    model = EventClassifier.load(model_dir)
    _, tokenizer = model._ensure_session()

    def session(exact: str) -> ort.InferenceSession:
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.add_session_config_entry("session.x64quantprecision", exact)
        return ort.InferenceSession(
            str(model_dir / "model.onnx"),
            sess_options=opts,
            providers=["CPUExecutionProvider"],
            disabled_optimizers=["SkipLayerNormFusion"],
        )

    default, exact = session("0"), session("1")
    for it, _ in CLEAR:
        feed = encode(tokenizer, [it], markers=model.markers, max_len=model.max_len).feed()
        np.testing.assert_allclose(
            exact.run(["probs"], feed)[0], default.run(["probs"], feed)[0], atol=1e-6
        )


def test_classifier_session_computes_eight_bit_weights_exactly() -> None:
    """The classifier opens its session with the exact-products option, so that model files
    with 8-bit weights (--no-quant-reduce-range, or older ones) score the same on every CPU."""
    if not HAS_MODEL:
        pytest.skip(f"no model at {DEFAULT_MODEL_DIR}")
    model = EventClassifier.load(DEFAULT_MODEL_DIR)
    session, _ = model._ensure_session()
    assert (
        session.get_session_options().get_session_config_entry("session.x64quantprecision") == "1"
    )


@needs_model
def test_remembered_rows_equal_computed_ones() -> None:
    items = [it for it, _ in CLEAR]
    remembering = EventClassifier.load()
    remembering.predict_proba(items[:3])
    # Three rows remembered, the rest computed: the same as a fresh classifier's.
    np.testing.assert_array_equal(
        remembering.predict_proba(items), EventClassifier.load().predict_proba(items)
    )


@needs_model
def test_remembered_truncated_input_is_counted_again() -> None:
    clf = EventClassifier.load()
    long = ClassifierInput("Russia attacked Ukraine. " + "And then more words came. " * 60)
    clf.predict_proba([long])
    clf.predict_proba([long])
    assert clf.take_truncation().inputs == 2


@needs_model
def test_remembered_rows_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(classifier_module, "CACHE_SIZE", 2)
    clf = EventClassifier.load()
    clf.predict_proba([it for it, _ in CLEAR])
    assert len(clf._cache) == 2
