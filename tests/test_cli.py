"""The command line, end to end on small inputs of our own (in-process: main() returns codes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventwire.cli import main

pytestmark = pytest.mark.slow

ARTICLES = [
    {"id": "a1", "published": "2023-03-16", "outlet": "Wire",
     "text": "North Korea fired a ballistic missile on Tuesday. Japan condemned the launch."},
    {"id": "a2", "published": "2023-03-17",
     "text": "South Korea urged North Korea to return to talks. Seoul offered aid to Pyongyang."},
]  # fmt: skip


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    path = tmp_path / "news.jsonl"
    lines = [json.dumps(a) for a in ARTICLES] + ["{not json", json.dumps({"id": "x", "text": ""})]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_code_then_query_and_export(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "ew.duckdb"
    assert main(["code", str(corpus), "--db", str(db)]) == 1  # two bad records: exit 1
    out = capsys.readouterr().out
    assert "2 coded" in out and "2 rejected" in out

    # --all: whether a two-day-old launch in a two-sentence article is news or a background
    # reference is the detector's call, near its threshold; the command and the dating are
    # what this tests.
    args = ["events", "--db", str(db), "--actor", "PRK", "--format", "jsonl", "--all"]
    assert main(args) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records and all(r["actor"][0]["code"] == "PRK" for r in records)
    # "fired a ballistic missile on Tuesday" (published Thursday 16 March): dated by the text.
    assert any(r["date"] == "2023-03-14" for r in records)

    for fmt, name in (("plover-jsonl", "e.jsonl"), ("csv", "e.csv"), ("gdelt-tsv", "e.tsv"),
                      ("parquet", "e.parquet")):  # fmt: skip
        assert main(["export", str(tmp_path / name), "--format", fmt, "--db", str(db)]) == 0
        assert (tmp_path / name).stat().st_size > 0
    lines = (tmp_path / "e.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len((tmp_path / "e.tsv").read_text(encoding="utf-8").splitlines()) - 1

    assert main(["status", "--db", str(db)]) == 0
    status = capsys.readouterr().out
    assert "rejected" in status and "malformed" in status.lower()


def test_rerun_codes_nothing_twice(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "ew.duckdb"
    main(["code", str(corpus), "--db", str(db)])
    first = capsys.readouterr().out
    main(["code", str(corpus), "--db", str(db)])
    second = capsys.readouterr().out
    assert "2 coded" in first
    assert "0 coded, 2 already in the database" in second
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    n_events = con.execute("SELECT count(*), count(DISTINCT id) FROM events").fetchall()[0]
    n_rejected = con.execute("SELECT count(*) FROM rejected").fetchall()[0][0]
    con.close()
    assert n_events[0] == n_events[1]
    assert n_rejected == 2


def test_stdin_and_published_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import sys

    text = "Russia deployed troops along Ukraine's border on Sunday.\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    db = tmp_path / "ew.duckdb"
    assert main(["code", "-", "--db", str(db), "--published", "2022-01-31"]) == 0
    capsys.readouterr()
    assert main(["events", "--db", str(db), "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "2022-01-30,RUS,MOBILIZE,troops,UKR" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["code", "x.txt", "--published", "yesterday"],
        ["code", "x.txt", "--column", "body"],
        ["events", "--format", "xml"],
        ["events", "--type", "FIGHT"],
        ["nosuchcommand"],
    ],
)
def test_usage_errors_exit_2_without_traceback(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--db", str(tmp_path / "x.duckdb")] if argv[0] != "nosuchcommand"
                else argv) == 2  # fmt: skip
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


def test_missing_database_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["events", "--db", str(tmp_path / "none.duckdb")]) == 1
    assert "eventwire code" in capsys.readouterr().err


def test_actors_and_places_lookup_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["actors", "lookup", "Pyongyang", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["code"] == "PRK"
    assert main(["actors", "lookup", "Zzyzx Qwerty", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["code"] is None
    assert main(["places", "lookup", "Pyongyang", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["country"] == "PRK"


def test_every_command_has_help_with_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    from eventwire.cli import app

    commands = [c.name or c.callback.__name__ for c in app.registered_commands if c.callback]
    assert {"code", "events", "export", "dyad", "alerts", "report", "serve", "demo"} <= set(
        commands
    )
    for name in commands:
        assert main([name, "--help"]) == 0
        assert "Example:" in capsys.readouterr().out, name


def test_eval_detector_without_detector_json_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gold = tmp_path / "held_out.jsonl"
    gold.write_text('{"text": "Russia attacked Ukraine.", "events": []}\n', encoding="utf-8")
    assert main(["eval", "--news", str(gold), "--detector", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "detector.json" in err and "make retrain" in err
