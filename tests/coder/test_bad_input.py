"""Bad input (issue 20): run-on sentences, flattened tables, all-caps headlines and text in
other languages neither crash a coder nor make a sentence's work unbounded.

The bound is asserted on what each stage is handed, not on time: the parser never gets more
than ``nlp.max_sentence_chars`` characters, the classifier never more than its max length in
tokens, and each cut is counted in the pipeline's stats.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from typing import Any, get_args

import numpy as np
import pytest

import eventwire.pipeline as pipeline_module
from eventwire import registry
from eventwire.coder.classifier import (
    ClassifierInput,
    EventClassifier,
    Markers,
    Truncation,
    encode,
    load_tokenizer,
)
from eventwire.config import load_config
from eventwire.model import Article, Event, Modality, Polarity
from eventwire.nlp import split_sentences
from eventwire.ontology.plover import quad, validate_type
from eventwire.pipeline import Pipeline

# Every registered coder, whatever the registry holds now (versions come and go).
CODERS = [name for name in registry.names() if name.startswith("coder.")]


def _run_on(tokens: int) -> str:
    """One sentence of ``tokens`` words with actors and trigger words throughout and no stop,
    as a feed without punctuation delivers it."""
    clauses = itertools.cycle(
        [
            "Russian troops attacked positions near the Ukrainian border",
            "officials in Kyiv condemned the shelling",
            "China urged both sides to resume talks",
            "the United States announced new sanctions on Moscow",
        ]
    )
    words: list[str] = []
    while len(words) < tokens:
        words += [*next(clauses).split(), "and"]
    return " ".join(words[:tokens]) + "."


_TABLE = "\n".join(
    [
        "Country | 2016 | 2017 | Change",
        "Russia |\t1,204 |\t1,530 |\t+27.1%",
        "Ukraine |\t  873 |\t  412 |\t-52.8%",
        "China | 96 | 101 | +5.2%",
        "| 12 | 7 | -41.7% |",
        "North Korea attacked | 3 | 17 | n/a",
        "Total ......................................................... 2,185 | 2,060",
        "\t|\t|\t|",
        "2016 2017 2018 2019 2020 2021 " * 20,
    ]
)
_CAPS = (
    "NORTH KOREA FIRES MISSILE INTO SEA OF JAPAN, SEOUL SAYS\n\n"
    "SEOUL (Reuters) - North Korea fired a ballistic missile into the sea off its east coast "
    "on Sunday, South Korea's military said. JAPAN CONDEMNS LAUNCH, URGES RESTRAINT"
)
_FOREIGN = (
    "Germany's chancellor met the Ukrainian president in Berlin on Monday.\n\n"
    "Die Bundesregierung verurteilte den Angriff Russlands auf die Ukraine scharf. Der "
    "Kanzler traf sich am Montag mit Präsident Selenskyj und sagte weitere Hilfe zu.\n\n"
    "Россия атаковала Украину. Министр иностранных дел заявил, что переговоры возобновятся "
    "в Женеве.\n\n"
    "中国外交部发言人表示，中方敦促各方保持克制。朝鲜周日发射了一枚导弹。\n\n"
    "China urged restraint, its foreign ministry said."
)
CASES = {
    "sentence_of_10000_tokens": _run_on(10_000),
    "flattened_table": _TABLE,
    "all_caps_headlines": _CAPS,
    "other_languages": _FOREIGN,
}


@pytest.fixture(scope="module")
def pipelines() -> Iterator[dict[str, Pipeline]]:
    cfg = load_config()
    yield {
        name: Pipeline(replace(cfg, pipeline=replace(cfg.pipeline, coder=name))) for name in CODERS
    }


class _SessionSpy:
    """The classifier's ONNX session, noting the token width of every input it runs."""

    def __init__(self, session: Any, max_len: int, seen: list[tuple[int, int]]) -> None:
        self._session = session
        self._max_len = max_len
        self._seen = seen

    def run(self, names: Any, feed: dict[str, np.ndarray]) -> Any:
        self._seen.append((feed["input_ids"].shape[1], self._max_len))
        return self._session.run(names, feed)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


@pytest.fixture
def handed(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[Any]]:
    """What the parser and every classifier (a coder may hold more than one) are handed."""
    seen: dict[str, list[Any]] = {"parsed": [], "classified": []}
    real_parse = pipeline_module.parse
    real_session = EventClassifier._ensure_session

    def parse(nlp: Any, texts: Any, **kwargs: Any) -> Any:
        seen["parsed"] += list(texts)
        return real_parse(nlp, texts, **kwargs)

    def ensure_session(self: EventClassifier) -> Any:
        session, tokenizer = real_session(self)
        return _SessionSpy(session, self.max_len, seen["classified"]), tokenizer

    monkeypatch.setattr(pipeline_module, "parse", parse)
    monkeypatch.setattr(EventClassifier, "_ensure_session", ensure_session)
    return seen


def _assert_well_formed(ev: Event, article: Article, max_chars: int) -> None:
    validate_type(ev.event_type, ev.mode)
    assert ev.quad == quad(ev.event_type)
    assert ev.article_id == article.id
    assert 0.0 <= ev.confidence <= 1.0
    assert ev.polarity in get_args(Polarity)
    assert ev.modality in get_args(Modality)
    e = ev.evidence
    assert article.text[e.start : e.end] == e.sentence
    assert 0 < len(e.sentence) <= max_chars
    assert e.start <= e.trigger_start < e.trigger_end <= e.end
    assert article.text[e.trigger_start : e.trigger_end] == e.trigger


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("coder", CODERS)
def test_bad_input_is_coded_within_bounds(
    pipelines: dict[str, Pipeline], handed: dict[str, list[Any]], coder: str, case: str
) -> None:
    pipe = pipelines[coder]
    max_chars = pipe.config.nlp.max_sentence_chars
    article = Article(id=f"bad-{case}", text=CASES[case], language="en")
    pipe.stats.clear()

    coded = list(pipe.code_articles([article]))

    assert pipe.take_failures() == []
    assert [a.id for a, _ in coded] == [article.id]
    events = coded[0][1]
    for ev in events:
        _assert_well_formed(ev, article, max_chars)
    assert len({ev.id for ev in events}) == len(events)
    assert handed["parsed"], "nothing was parsed: the case tests no coder"
    assert max(len(t) for t in handed["parsed"]) <= max_chars
    assert all(width <= max_len for width, max_len in handed["classified"])
    if case == "sentence_of_10000_tokens":
        # One sentence, so every piece but the last ends at a cut.
        assert pipe.stats["sentences"] >= len(article.text) // max_chars
        assert pipe.stats["sentences_cut"] == pipe.stats["sentences"] - 1
        if handed["classified"]:
            # A piece of max_chars characters is far more than the classifier's max tokens.
            assert pipe.stats["classifier_truncated"] > 0
    else:
        assert pipe.stats["sentences_cut"] == 0
        assert pipe.stats["classifier_truncated"] == 0


# ------------------------------------------------------- the stages, without a pipeline


def test_run_on_case_has_10000_tokens() -> None:
    assert len(CASES["sentence_of_10000_tokens"].split()) == 10_000


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(_run_on(10_000), id="run_on_words"),
        pytest.param("." * 50_000, id="dots"),  # a table's leaders; quadratic before
        pytest.param("U.S. " * 40_000, id="abbreviations"),  # the same
        pytest.param("中国外交部发言人表示" * 1_000, id="no_spaces"),
    ],
)
def test_split_cuts_run_on_text_at_max_chars(text: str) -> None:
    sents = split_sentences(text, max_chars=2000)
    assert len(sents) >= len(text.strip()) // 2000
    assert all(0 < len(s.text) <= 2000 and text[s.start : s.end] == s.text for s in sents)
    assert [s.cut for s in sents] == [True] * (len(sents) - 1) + [False]


def test_split_marks_no_cut_in_ordinary_text() -> None:
    sents = split_sentences("Japan condemned the launch. China urged restraint.", max_chars=2000)
    assert [(s.text, s.cut) for s in sents] == [
        ("Japan condemned the launch.", False),
        ("China urged restraint.", False),
    ]


@pytest.fixture(scope="module")
def clf() -> EventClassifier:
    return EventClassifier.load()


def _words(n: int) -> str:
    return " ".join(["word"] * n)


# The actors come after the classifier's max length in tokens.
_LATE = _words(500) + " Iran condemned Israel"


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        # "word" is one token: n words are n + 2 tokens with [CLS] and [SEP].
        pytest.param(ClassifierInput(_words(126)), Truncation(), id="exactly_max_len"),
        pytest.param(ClassifierInput(_words(127)), Truncation(1, 0), id="one_token_over"),
        pytest.param(
            ClassifierInput("Iran condemned Israel " + _words(500), (0, 4), (15, 21)),
            Truncation(1, 0),
            id="markers_kept",
        ),
        pytest.param(
            ClassifierInput(_LATE, (_LATE.index("Iran"), _LATE.index("Iran") + 4)),
            Truncation(1, 1),
            id="source_marker_cut_away",
        ),
        pytest.param(ClassifierInput("Iran condemned Israel."), Truncation(), id="short"),
    ],
)
def test_classifier_counts_what_truncation_cuts(
    clf: EventClassifier, item: ClassifierInput, expected: Truncation
) -> None:
    clf.take_truncation()
    clf.predict([item])
    assert clf.take_truncation() == expected
    assert clf.take_truncation() == Truncation()


def test_encode_cuts_a_long_input_to_max_len(clf: EventClassifier) -> None:
    tok = load_tokenizer(clf.path / "tokenizer.json", max_len=clf.max_len)
    long = ClassifierInput(_run_on(10_000), (0, 7), (8, 14))
    enc = encode(tok, [long], markers=Markers(), max_len=clf.max_len)
    assert enc.input_ids.shape == (1, clf.max_len)
    assert (enc.src_pos[0], enc.tgt_pos[0]) != (0, 0)
