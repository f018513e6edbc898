"""eventwire eval on gold files of our own writing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pytest

from eventwire.cli import main
from eventwire.coder.classifier import ClassifierInput, EventClassifier, Prediction
from eventwire.errors import InputError
from eventwire.evaluate import evaluate, gold_label, head_word_overlap
from eventwire.pipeline import Pipeline

pytestmark = pytest.mark.slow

GOLD = """sentence_id,text,label,source,target
1,Russian forces shelled the Ukrainian city of Kharkiv on Monday.,ASSAULT,Russian forces,Kharkiv
2,Japan condemned North Korea's latest missile launch.,ACCUSE,Japan,North Korea
3,Egypt released twelve Sudanese fishermen on Tuesday.,YIELD,Egypt,Sudanese fishermen
4,The weather in Paris was mild.,AGREE,Paris,weather
"""


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    path = tmp_path / "gold.csv"
    path.write_text(GOLD, encoding="utf-8")
    return path


def test_label_space_merges_concede_and_retreat() -> None:
    assert gold_label("RETREAT") == gold_label("CONCEDE") == "YIELD"
    assert gold_label("ASSAULT") == "ASSAULT"


def test_head_word_overlap() -> None:
    assert head_word_overlap("Russian forces", "the Russian armed forces")
    assert not head_word_overlap("Japan", "North Korea")


def test_given_actors_scores_each_row(gold: Path, pipeline: object) -> None:
    report = evaluate(gold, given_actors=True, pipeline=pipeline)  # type: ignore[arg-type]
    predicted = [r.predicted for r in report.rows]
    assert predicted[:3] == ["ASSAULT", "ACCUSE", "YIELD"]
    assert report.n == 4 and 0.0 < report.macro_f1 < 1.0  # row 4 has no event to find


def test_end_to_end_counts_triples(gold: Path, rules_pipeline: object) -> None:
    # The counting, pinned on the rule coder: v5's reading of a lone dateless sentence moves
    # with each refit of its detector ("Egypt released twelve Sudanese fishermen" scores
    # near its threshold), which is the news benchmarks' to measure, not this test's.
    report = evaluate(gold, given_actors=False, pipeline=rules_pipeline)  # type: ignore[arg-type]
    # Rows 1-3 are found with their gold source and target; row 2 also stores North Korea's
    # launch, which PLV-style gold does not annotate; row 4 has no event.
    assert [(r.predicted, r.matched, r.stored) for r in report.rows] == [
        ("ASSAULT", True, 1),
        ("ACCUSE", True, 2),
        ("YIELD", True, 1),
        (None, False, 0),
    ]
    assert (report.triple_precision, report.triple_recall, report.triple_f1) == pytest.approx(
        (3 / 4, 3 / 4, 3 / 4)
    )  # 3 right of 4 stored; 3 of 4 gold rows found
    assert (report.first_precision, report.first_recall, report.first_f1) == pytest.approx(
        (1.0, 3 / 4, 6 / 7)
    )  # 3 right of 3 first events; 3 of 4 gold rows


def test_cli_writes_one_prediction_per_row_in_order(
    gold: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pred.jsonl"
    assert main(["eval", str(gold), "--given-actors", "--predictions", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["row"] for r in rows] == [0, 1, 2, 3]
    assert {"row", "predicted", "events"} <= set(rows[0])
    assert "macro-F1" in capsys.readouterr().out


def test_gold_without_required_columns_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,sentence\n1,Hello.\n", encoding="utf-8")
    with pytest.raises(InputError, match="label"):
        evaluate(bad)


def test_outcome_takes_the_first_that_applies() -> None:
    from eventwire.evaluate import OUTCOMES, EventFlags, outcome_of

    def f(t: bool, s: bool, g: bool, sw: bool = False) -> EventFlags:
        return EventFlags(type_ok=t, source_ok=s, target_ok=g, swapped=sw)

    assert outcome_of([]) == "no event"
    assert outcome_of([f(False, True, True), f(True, True, True)]) == "hit"
    assert outcome_of([f(False, True, True), f(True, False, True)]) == "right pair, wrong type"
    assert outcome_of([f(True, False, False, True)]) == "source/target swapped"
    assert outcome_of([f(True, False, True)]) == "right type, wrong source"
    assert outcome_of([f(True, True, False)]) == "right type, wrong target"
    assert outcome_of([f(True, False, False)]) == "right type, both wrong"
    assert outcome_of([f(False, True, False)]) == "wrong type and pair"
    assert set(OUTCOMES) >= {"hit", "no event", "wrong type and pair"}


def test_error_breakdown_counts_each_row_once() -> None:
    from eventwire.evaluate import OUTCOMES, RowPrediction, error_breakdown

    preds = [
        RowPrediction(row=0, gold="AID", predicted="AID", matched=True, stored=2, outcome="hit"),
        RowPrediction(row=1, gold="AID", predicted=None, outcome="no event", source_found=False),
        RowPrediction(row=2, gold="AID", predicted=None, error="boom"),  # failed: no event
    ]
    rows = {b.outcome: b for b in error_breakdown(preds)}
    assert [b.outcome for b in error_breakdown(preds)] == list(OUTCOMES)
    assert rows["hit"].rows == 1 and rows["hit"].several_events == 1
    assert rows["no event"].rows == 2 and rows["no event"].source_not_found == 1
    assert sum(b.rows for b in rows.values()) == 3


def test_end_to_end_rows_say_what_went_wrong(gold: Path, pipeline: object) -> None:
    report = evaluate(gold, given_actors=False, pipeline=pipeline)  # type: ignore[arg-type]
    outcomes = [r.outcome for r in report.rows]
    assert outcomes[3] == "no event" and all(outcomes)
    assert all(r.matched == (r.outcome == "hit") for r in report.rows)


def test_first_event_scores_each_rows_first_event_only() -> None:
    from eventwire.evaluate import RowPrediction, score

    rows = [
        # Right, first: a hit both ways.
        RowPrediction(0, "ACCUSE", "ACCUSE", matched=True, stored=1, primary_hit=True),
        # Right, but second of two: a hit counting every event, a miss counting the first.
        RowPrediction(1, "AGREE", "SUPPORT", matched=True, stored=2, primary_hit=False),
        # No event.
        RowPrediction(2, "ASSAULT", None),
    ]
    report = score(rows, setting="end-to-end")
    assert report.triple_precision == pytest.approx(2 / 3)
    assert report.triple_recall == pytest.approx(2 / 3)
    assert report.first_precision == pytest.approx(1 / 2)
    assert report.first_recall == pytest.approx(1 / 3)
    assert report.first_f1 == pytest.approx(0.4)


class _Says:
    """A classifier that gives every sentence one label."""

    def __init__(self, label: str) -> None:
        self.label = label

    def predict(self, items: Sequence[ClassifierInput]) -> list[Prediction]:
        return [Prediction(self.label, 0.99, {self.label: 0.99}) for _ in items]


def test_given_actors_types_with_the_classifier_on_the_gold_spans(gold: Path) -> None:
    from eventwire.coder.ranked import checked

    pipe = Pipeline()
    seen: list[ClassifierInput] = []

    class Recording(_Says):
        def predict(self, items: Sequence[ClassifierInput]) -> list[Prediction]:
            seen.extend(items)
            return super().predict(items)

    pipe.coder = checked(
        actors=pipe.actors, classifier=cast(EventClassifier, Recording("SANCTION"))
    )
    report = evaluate(gold, given_actors=True, pipeline=pipe)
    assert [r.predicted for r in report.rows] == ["SANCTION"] * 4
    # Row 2 ("Japan condemned North Korea's ...") was shown with the gold spans marked.
    text = "Japan condemned North Korea's latest missile launch."
    asked = [i for i in seen if i.text == text and i.source == (0, 5)]
    assert asked and asked[0].target == (16, 27)


def test_cli_eval_takes_a_coder_by_name(gold: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", str(gold), "--coder", "coder.plover.v1"]) == 0
    out = capsys.readouterr().out
    assert "first event" in out and "every event" in out
    assert main(["eval", str(gold), "--coder", "coder.plover.v9"]) == 2
    assert "coder.plover.v1" in capsys.readouterr().err
