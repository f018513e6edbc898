"""eventwire eval on gold files of our own writing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventwire.cli import main
from eventwire.errors import InputError
from eventwire.evaluate import evaluate, gold_label, head_word_overlap

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


def test_end_to_end_counts_triples(gold: Path, pipeline: object) -> None:
    report = evaluate(gold, given_actors=False, pipeline=pipeline)  # type: ignore[arg-type]
    assert report.triple_f1 is not None and report.triple_precision is not None
    assert report.rows[3].predicted is None


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
