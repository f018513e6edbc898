"""benchmarks/report.py: the generated blocks of the docs, rendered from benchmarks/results."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
# Loaded from its file, under a name of its own: benchmarks/ is no package, and putting it on
# sys.path would let its scripts' names shadow modules for the rest of the test session.
_spec = importlib.util.spec_from_file_location(
    "benchmarks_report", REPO / "benchmarks" / "report.py"
)
assert _spec is not None and _spec.loader is not None
report = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = report
_spec.loader.exec_module(report)

PRF = {"precision": 0.5, "recall": 0.25, "f1": 0.333, "hits": 1, "predicted": 2, "gold": 4}


def _result(tmp: Path, stem: str, figures: dict[str, Any], benchmark: str = "fake") -> Path:
    data = {
        "benchmark": benchmark,
        "command": f"python benchmarks/{benchmark}.py --json benchmarks/results/{stem}.json",
        "date": "2026-01-02T03:04:05+00:00",
        "commit": "abc1234",
        "machine": {
            "cpu": "Test CPU",
            "simd": ["AVX2"],
            "cores": 2,
            "load_average": {"start": 0.5, "end": 1.25},
        },
        "figures": figures,
    }
    path = tmp / f"{stem}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


FAKE = {"fake": report.Block(("fake",), lambda rs: f"| x |\n|---|\n| {rs[0].figures['x']} |")}
RENDERED = "| x |\n|---|\n| 7 |"


def test_the_committed_docs_match_the_committed_results() -> None:
    assert report.main(["--check"]) == 0


B, E = "<!-- generated: fake -->\n", "<!-- end generated -->\n"
NEW = f"{B}{RENDERED}\n{E}"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (f"{B}old\n{E}", NEW),
        (f"prose\n\n{B}{E}more\n", f"prose\n\n{NEW}more\n"),
        (f"a\n{B}x\n{E}b\n{B}y\n{E}c", f"a\n{NEW}b\n{NEW}c"),
        ("no blocks at all\n", "no blocks at all\n"),
    ],
    ids=["block only", "prose around", "two blocks", "no block"],
)
def test_render_doc_replaces_only_what_lies_between_the_markers(
    tmp_path: Path, before: str, after: str
) -> None:
    _result(tmp_path, "fake", {"x": 7})
    assert report.render_doc(before, FAKE, tmp_path) == after


@pytest.mark.parametrize(
    ("doc", "needs"),
    [
        ("<!-- generated: fake -->\nno end\n", "no closing marker"),
        ("<!-- generated: other -->\n<!-- end generated -->\n", "Unknown generated block"),
    ],
    ids=["no end marker", "unknown block"],
)
def test_render_doc_refuses_broken_markers(tmp_path: Path, doc: str, needs: str) -> None:
    _result(tmp_path, "fake", {"x": 7})
    with pytest.raises(report.ReportError, match=needs):
        report.render_doc(doc, FAKE, tmp_path)


def test_render_doc_names_the_missing_result(tmp_path: Path) -> None:
    doc = "<!-- generated: fake -->\n<!-- end generated -->\n"
    with pytest.raises(report.ReportError, match=r"fake\.json"):
        report.render_doc(doc, FAKE, tmp_path)


@pytest.mark.parametrize(
    ("block", "fresh", "code"),
    [(RENDERED, True, 0), ("| x |\n|---|\n| 6 |", False, 1)],
    ids=["up to date", "stale figure"],
)
def test_check_fails_only_when_a_block_is_out_of_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: str, fresh: bool, code: int
) -> None:
    monkeypatch.setattr(report, "BLOCKS", FAKE)
    _result(tmp_path, "fake", {"x": 7})
    doc = tmp_path / "DOC.md"
    text = f"intro\n<!-- generated: fake -->\n{block}\n<!-- end generated -->\n"
    doc.write_text(text, encoding="utf-8")
    assert report.main(["--check", "--results", str(tmp_path), str(doc)]) == code
    assert doc.read_text(encoding="utf-8") == text  # --check never writes
    assert report.main(["--results", str(tmp_path), str(doc)]) == 0
    assert report.main(["--check", "--results", str(tmp_path), str(doc)]) == 0


@pytest.mark.parametrize(
    ("command", "shown"),
    [
        ("python b.py --split test --json out.json", "python b.py --split test"),
        ("python b.py --json out.json --split test", "python b.py --split test"),
        ("python b.py --limit 200", "python b.py --limit 200"),
    ],
    ids=["json last", "json first", "no json"],
)
def test_tables_show_the_command_without_its_json_file(command: str, shown: str) -> None:
    assert report._shown(command) == shown


def _news_gold(tmp: Path) -> Any:  # a report.Result
    scores = {
        "sentences": 10,
        "detection": PRF,
        "type_source": PRF,
        "type_source_target": PRF,
        "subsets": {"kcna": {"sentences": 3, "detection": PRF, "type_source": PRF}},
    }
    figures = {"split": "test", "coders": {"coder.a": scores, "coder.b": scores}}
    return report.Result.read(_result(tmp, "news_gold_test", figures, benchmark="news_gold"))


@pytest.mark.parametrize(
    ("default", "marked"),
    [("coder.a", "| `coder.a` (default) |"), ("coder.b", "| `coder.b` (default) |")],
    ids=["first is default", "second is default"],
)
def test_news_gold_table_marks_the_default_coder(tmp_path: Path, default: str, marked: str) -> None:
    text = report.render_news_gold([_news_gold(tmp_path)], default_coder=default)
    assert marked in text
    assert text.count("(default)") == 1


@pytest.mark.parametrize(
    "expected",
    [
        "| 0.500 / 0.250 | 0.500 / 0.250 / 0.333 | 0.500 / 0.250 / 0.333 |",
        "| `coder.a` | kcna | 3 | 0.500 / 0.250 | 0.500 / 0.250 | 1 of 4 |",
        "Test split, 10 sentences:",
        "\n    python benchmarks/news_gold.py\n",
        "Measured 2026-01-02 on Test CPU, 2 cores, AVX2 (1-minute load 0.5-1.2",
    ],
    ids=["whole split", "subset", "split", "command", "provenance"],
)
def test_news_gold_table_holds(tmp_path: Path, expected: str) -> None:
    assert expected in report.render_news_gold([_news_gold(tmp_path)], default_coder="x")


def _polarity(tmp: Path, misses: int) -> Any:
    wrong = {f"Sentence {i}.": "no event" for i in range(misses)}
    figures = {"coders": {"coder.a": {"cases": 65, "right": 65 - misses, "misses": wrong}}}
    return report.Result.read(_result(tmp, "polarity_suite", figures, "polarity_suite"))


@pytest.mark.parametrize(
    ("misses", "expected"),
    [
        (0, "| `coder.a` | **65 of 65** (100%) | none |"),
        (2, "| **63 of 65** (97%) | Sentence 0. (no event); Sentence 1. (no event) |"),
        (5, "Sentence 2. (no event); and 2 more |"),
    ],
    ids=["none missed", "misses listed", "misses cut after three"],
)
def test_polarity_suite_table_holds(tmp_path: Path, misses: int, expected: str) -> None:
    assert expected in report.render_polarity_suite([_polarity(tmp_path, misses)])


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (("benchmark",), "fake"),
        (("date",), "2026-01-02T00:00:00+00:00"),
        (("machine", "load_average", "start"), 0.5),
        (("figures", "x"), 7),
    ],
    ids=["benchmark", "date", "load at the start", "figures"],
)
def test_write_result_records_the_run(tmp_path: Path, keys: tuple[str, ...], expected: Any) -> None:
    started = report.Started(dt.datetime(2026, 1, 2, tzinfo=dt.UTC), 0.5)
    path = tmp_path / "out.json"
    report.write_result(path, "fake", {"x": 7}, started)
    value: Any = json.loads(path.read_text(encoding="utf-8"))
    for key in keys:
        value = value[key]
    assert value == expected


@pytest.mark.parametrize("key", ["cpu", "cores"], ids=str)
def test_write_result_records_the_machine(tmp_path: Path, key: str) -> None:
    path = tmp_path / "out.json"
    report.write_result(path, "fake", {}, report.start())
    assert json.loads(path.read_text(encoding="utf-8"))["machine"][key]
