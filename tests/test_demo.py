"""The demo's corpus selections (the corpus itself is fetched by `make demo`)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from eventwire.demo import story_copy

ROWS = [
    ("1", "2017/3/15", "North Korea fired missiles."),
    ("2", "2017/1/5", "North Korea fired missiles in January."),
    ("3", "2017/3/16", "Markets rose."),
    ("4", "not a date", "North Korea again."),
    ("5", "2017/2/1 08:00", "North Korea on the first day."),
]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "NewsArticles.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["article_id", "publish_date", "text"])
        writer.writerows(ROWS)
    return path


@pytest.mark.parametrize(
    ("article_id", "kept"),
    [("1", True), ("2", False), ("3", False), ("4", False), ("5", True)],
    ids=["on-topic-in-range", "before-range", "off-topic", "bad-date", "first-day-with-time"],
)
def test_story_copy_keeps_the_storys_articles(
    corpus: Path, tmp_path: Path, article_id: str, kept: bool
) -> None:
    out = story_copy(corpus, tmp_path / "story.csv", since=dt.date(2017, 2, 1),
                     until=dt.date(2017, 3, 31))  # fmt: skip
    with out.open(encoding="utf-8", newline="") as fh:
        ids = {r["article_id"] for r in csv.DictReader(fh)}
    assert (article_id in ids) == kept
