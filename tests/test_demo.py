"""The demo's corpus selection (the corpus itself is fetched by `make demo`)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from eventwire.demo import limited_copy

ROWS = [
    ("1", "2017/3/16", "Markets rose."),
    ("2", "2017/3/15", "North Korea fired missiles."),
    ("3", "2017/3/17", "Rain is expected."),
    ("4", "2017/2/1", "North Korea on the first day."),
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
    ("limit", "ids"),
    [(1, ["2"]), (2, ["2", "4"]), (3, ["2", "4", "1"]), (9, ["2", "4", "1", "3"])],
)
def test_a_limited_copy_takes_the_storys_articles_first(
    corpus: Path, tmp_path: Path, limit: int, ids: list[str]
) -> None:
    out = limited_copy(corpus, limit, tmp_path / "first.csv")
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["article_id"] for r in rows] == ids
    assert list(rows[0]) == ["article_id", "publish_date", "text"]
