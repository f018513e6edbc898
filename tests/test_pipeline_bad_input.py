"""What `eventwire code` tells the user about input cut for length (issue 20): sentences cut
at nlp.max_sentence_chars and classifier inputs cut to the classifier's max tokens."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eventwire.cli import main

pytestmark = pytest.mark.slow

# About 5,000 characters without a stop: cut twice at the default 2,000, each piece far over
# the classifier's 128 tokens.
RUN_ON = "Russian troops attacked positions near the Ukrainian border and " * 80 + "left."
ORDINARY = "North Korea fired a ballistic missile on Tuesday. Japan condemned the launch."
_CUT = re.compile(
    r"Cut for length: (\d+) sentences at nlp\.max_sentence_chars, (\d+) classifier inputs"
)


def _code(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> str:
    corpus = tmp_path / "news.jsonl"
    corpus.write_text(json.dumps({"id": "a1", "text": text}) + "\n", encoding="utf-8")
    config = tmp_path / "v5.toml"
    # A coder with the classifier, so that both cuts can happen.
    config.write_text('[pipeline]\ncoder = "coder.plover.v5"\n', encoding="utf-8")
    db = tmp_path / "ew.duckdb"
    assert main(["code", str(corpus), "--db", str(db), "--config", str(config)]) == 0
    return capsys.readouterr().out


def test_code_reports_input_cut_for_length(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = _CUT.search(_code(tmp_path, RUN_ON, capsys))
    assert found is not None
    sentences_cut, classifier_cut = map(int, found.groups())
    assert sentences_cut == 2
    assert classifier_cut > 0


def test_code_says_nothing_of_cuts_when_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _code(tmp_path, ORDINARY, capsys)
    assert "1 coded" in out
    assert "Cut for length" not in out
