"""News gold: reading annotations and references, and rebuilding texts from a corpus."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from eventwire.errors import InputError
from eventwire.newsgold import (
    GoldSentence,
    load_gold_set,
    read_annotations,
    read_news_gold,
    rebuild_texts,
    text_hash,
)

TEXT = "Russia expelled two diplomats. The weather was fine."


def _corpus(root: Path, text: str = TEXT) -> Path:
    folder = root / "newsarticles_2017"
    folder.mkdir(parents=True)
    with (folder / "NewsArticles.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["article_id", "publish_date", "article_source_link", "title", "subtitle", "text"]
        )
        w.writerow(["7", "2017/2/13", "http://www.tass.com/x", "A title", "", text])
    return root


def _ref(sid: str, start: int, end: int, text: str = TEXT, split: str = "test") -> GoldSentence:
    return GoldSentence(
        id=sid, corpus="newsarticles_2017", article_id="7", index=0, start=start, end=end,
        sha=text_hash(text[start:end]), split=split,
    )  # fmt: skip


def test_rebuild_texts_from_corpus(tmp_path: Path) -> None:
    rebuilt, problems = rebuild_texts([_ref("s1", 0, 30)], _corpus(tmp_path))
    assert problems == []
    assert [s.text for s in rebuilt] == ["Russia expelled two diplomats."]


def test_rebuild_reports_a_changed_corpus(tmp_path: Path) -> None:
    root = _corpus(tmp_path, "Russia welcomed two diplomats. The weather was fine.")
    rebuilt, problems = rebuild_texts([_ref("s1", 0, 30)], root)
    assert rebuilt == []
    assert len(problems) == 1 and "no longer matches" in problems[0]


def test_rebuild_reports_a_missing_corpus(tmp_path: Path) -> None:
    rebuilt, problems = rebuild_texts([_ref("s1", 0, 30)], tmp_path)
    assert rebuilt == [] and "not found" in problems[0]


def test_gold_set_joins_references_and_annotations(tmp_path: Path) -> None:
    root = _corpus(tmp_path / "corpus")
    gold = tmp_path / "gold"
    (gold / "ann").mkdir(parents=True)
    refs = [_ref("s1", 0, 30), _ref("s2", 31, len(TEXT), split="train")]
    (gold / "sentences.jsonl").write_text(
        "".join(json.dumps(r.to_ref()) + "\n" for r in refs), encoding="utf-8"
    )
    event = {"type": "SANCTION", "mode": "expel", "source": "Russia", "source_code": "RUS"}
    (gold / "ann" / "a.jsonl").write_text(
        json.dumps({"id": "s1", "events": [event]})
        + "\n"
        + json.dumps({"id": "s2", "events": []})
        + "\n",
        encoding="utf-8",
    )
    test = load_gold_set(gold, root, split="test")
    assert [(s.id, [e.type for e in s.events]) for s in test] == [("s1", ["SANCTION"])]
    assert [s.id for s in load_gold_set(gold, root)] == ["s1", "s2"]


def test_adjudicated_annotation_wins(tmp_path: Path) -> None:
    a = tmp_path / "a.jsonl"
    b = tmp_path / "b.jsonl"
    a.write_text(json.dumps({"id": "s1", "events": [{"type": "ACCUSE"}]}) + "\n", encoding="utf-8")
    b.write_text(json.dumps({"id": "s1", "events": []}) + "\n", encoding="utf-8")
    assert read_annotations([a, b]) == {"s1": ()}


def test_news_gold_with_text(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(
        json.dumps({"id": "x", "text": "Police arrested him.", "events": []}) + "\n",
        encoding="utf-8",
    )
    rows = read_news_gold(path)
    assert [(r.id, r.text, r.events) for r in rows] == [("x", "Police arrested him.", ())]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "not valid JSON"),
        (json.dumps({"id": "x", "text": "t"}), "no list of events"),
        (json.dumps({"id": "x", "events": []}), "neither text nor a corpus reference"),
        (json.dumps(["a list"]), "not a JSON object"),
    ],
)
def test_bad_news_gold_line_says_what_is_wrong(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        read_news_gold(path)


def test_references_without_corpus_root_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(
        json.dumps({**_ref("s1", 0, 30).to_ref(), "events": []}) + "\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="no corpus folder"):
        read_news_gold(path)


def test_shipped_gold_rebuilds_from_shared_corpus(shared_dir: Path) -> None:
    """Every annotated sentence of data/news_gold rebuilds from ../shared/corpus."""
    gold = load_gold_set(
        Path(__file__).resolve().parents[1] / "data" / "news_gold", shared_dir / "corpus"
    )
    assert len(gold) >= 3000
    assert {s.split for s in gold} == {"train", "dev", "test"}
