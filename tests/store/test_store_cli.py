"""`eventwire status` and `eventwire stories` on a database with rejected rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from storekit import article, event
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.model import Rejected
from eventwire.store import Store


def _db(path: Path) -> Path:
    arts = [article(f"a{i}", story="s", outlet=f"Outlet {i}", line=i + 1) for i in range(3)]
    with Store(path) as s:
        s.write_batch(
            [(a, [event(a, date=dt.date(2024, 1, 2))]) for a in arts],
            [
                Rejected(source="in.jsonl", line=5, reason="malformed JSON [at column 3]"),
                Rejected(source="in.jsonl", line=6, reason="language fr", status="skipped"),
            ],
        )
    return path


def test_status_counts_every_record_per_input(tmp_path: Path) -> None:
    db = _db(tmp_path / "s.duckdb")
    result = CliRunner().invoke(app, ["status", "--db", str(db)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    first = next(x for x in result.output.splitlines() if "in.jsonl" in x)  # the counts table
    # records = articles + skipped + rejected
    assert [c.strip() for c in first.split("│")[2:7]] == ["5", "3", "3", "1", "1"]
    assert "malformed JSON [at column 3]" in result.output  # not eaten as rich markup


def test_stories_lists_the_syndicated_story(tmp_path: Path) -> None:
    db = _db(tmp_path / "s.duckdb")
    result = CliRunner().invoke(app, ["stories", "--db", str(db)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "1 stories with at least 2 articles shown." in result.output
    row = next(x for x in result.output.splitlines() if x.startswith("│ s "))
    assert [c.strip() for c in row.split("│")[3:6]] == ["3", "3", "1"]
    none = CliRunner().invoke(app, ["stories", "--db", str(db), "--min-articles", "4"])
    assert "0 stories" in none.output
