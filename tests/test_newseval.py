"""Scoring a coder on news gold."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import build_event  # tests/ is on sys.path (pytest's rootdir conftest)

from eventwire.model import Entity
from eventwire.newseval import gold_articles, score_news
from eventwire.newsgold import GoldEvent, GoldSentence


def _sentence(sid: str, events: list[GoldEvent], text: str = "A sentence.") -> GoldSentence:
    return GoldSentence(sid, "c", "a1", int(sid[1:]), 0, len(text), "", "test", text=text,
                        events=tuple(events))  # fmt: skip


def _pred(event_type: str, src: str, tgt: str, **kw: str):  # type: ignore[no-untyped-def]
    return build_event("e", src, tgt, None, event_type, **kw)[1]


ACCUSE_RUS_USA = GoldEvent("ACCUSE", source_code="RUS", target_code="USA")


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        # (detection hits, type+source hits, type+source+target hits)
        ([ACCUSE_RUS_USA], [("ACCUSE", "RUS", "USA")], (1, 1, 1)),
        ([ACCUSE_RUS_USA], [("ACCUSE", "RUS", "CHN")], (1, 1, 0)),
        ([ACCUSE_RUS_USA], [("ACCUSE", "USA", "RUS")], (1, 0, 0)),
        ([ACCUSE_RUS_USA], [("REQUEST", "RUS", "USA")], (1, 0, 0)),
        ([replace(ACCUSE_RUS_USA, reciprocal=True)], [("ACCUSE", "USA", "RUS")], (1, 1, 1)),
        ([replace(ACCUSE_RUS_USA, modality="historical")], [("ACCUSE", "RUS", "USA")], (0, 0, 0)),
        ([], [("ACCUSE", "RUS", "USA")], (0, 0, 0)),
        # The brief's IGO is the codebook's UNO and EUR too; other codes stay apart.
        (
            [GoldEvent("ACCUSE", source_code="IGO", target_code="RUS")],
            [("ACCUSE", "UNO", "RUS")],
            (1, 1, 1),
        ),
        (
            [GoldEvent("ACCUSE", source_code="RUS", target_code="IGO")],
            [("ACCUSE", "RUS", "EUR")],
            (1, 1, 1),
        ),
        (
            [GoldEvent("ACCUSE", source_code="IGO", target_code="RUS")],
            [("ACCUSE", "NGO", "RUS")],
            (1, 0, 0),
        ),
    ],
)
def test_event_matching(gold: list[GoldEvent], pred: list[tuple[str, str, str]],
                        expected: tuple[int, int, int]) -> None:  # fmt: skip
    s = _sentence("s1", gold)
    scores = score_news([s], {"s1": [_pred(*p) for p in pred]})
    got = (scores.detection.hits, scores.type_source.hits, scores.type_source_target.hits)
    assert got == expected


def test_a_gold_event_is_matched_once() -> None:
    s = _sentence("s1", [ACCUSE_RUS_USA])
    scores = score_news([s], {"s1": [_pred("ACCUSE", "RUS", "USA")] * 2})
    assert (scores.type_source.hits, scores.type_source.predicted) == (1, 2)
    assert scores.type_source.precision == 0.5 and scores.type_source.recall == 1.0


def test_historical_predictions_do_not_count() -> None:
    s = _sentence("s1", [])
    scores = score_news([s], {"s1": [_pred("ACCUSE", "RUS", "USA", modality="historical")]})
    assert scores.detection.predicted == 0 and scores.type_source.predicted == 0


def test_outlet_voice_sentences_are_a_subset() -> None:
    voice = replace(ACCUSE_RUS_USA, outlet_voice=True)
    scores = score_news([_sentence("s1", [voice]), _sentence("s2", [])], {})
    assert scores.subsets["outlet_voice"].sentences == 1
    assert scores.subsets["outlet_voice"].detection.gold == 1


def test_gold_articles_keep_sentence_boundaries() -> None:
    sents = [_sentence("s1", [], "First line\nwith a break."), _sentence("s2", [], "Second.")]
    [(article, spans)] = gold_articles(sents)
    assert [article.text[lo:hi] for _, lo, hi in spans] == ["First line with a break.", "Second."]
    assert article.text.count("\n\n") == 1


def test_unknown_source_never_matches() -> None:
    s = _sentence("s1", [GoldEvent("COERCE", source_code="", implied_source=True)])
    ev = _pred("COERCE", "TUR", "")
    ev = replace(ev, actor=(Entity("police", None),))
    assert score_news([s], {"s1": [ev]}).type_source.hits == 0
