"""Exports: every format streams, row counts match, PLOVER and GDELT fields."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from storekit import article, event

from eventwire.errors import UsageError
from eventwire.store import FORMATS, EventFilter, Store, export_events, queries
from eventwire.store import export as export_module


@pytest.fixture
def filled(store: Store) -> Store:
    """Seven events: a story of three copies (one event each) and four lone articles."""
    coded = []
    for i, outlet in enumerate(("Wire", "Courier", "Post")):
        a = article(f"s{i}", story="s", outlet=outlet, published=dt.date(2024, 3, 1 + i))
        coded.append((a, [event(a)]))
    for i in range(4):
        a = article(f"l{i}", published=dt.date(2024, 4, 1 + i))
        coded.append((a, [event(a, date=dt.date(2024, 4, 1 + i), event_type="THREATEN")]))
    store.write_batch(coded)
    return store


def _read(path: Path, fmt: str) -> list[dict[str, Any]]:
    if fmt == "parquet":
        rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
        return rows
    with path.open(encoding="utf-8") as fh:
        if fmt == "plover-jsonl":
            return [json.loads(line) for line in fh]
        return list(csv.DictReader(fh, delimiter="\t" if fmt == "gdelt-tsv" else ","))


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_streams_in_batches_and_counts_match(
    filled: Store, tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    pulled: list[int] = []
    real = queries.iter_event_batches

    def small_batches(*args: Any, **kwargs: Any) -> Iterator[pa.RecordBatch]:
        for batch in real(*args, **{**kwargs, "batch_rows": 2}):
            pulled.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(export_module, "iter_event_batches", small_batches)
    out = tmp_path / f"events.{fmt}"
    n = export_events(filled.con, out, fmt=fmt)
    assert n == 7 == len(_read(out, fmt)) == sum(pulled)
    assert len(pulled) >= 4  # consumed batch by batch, never as one list
    one = export_events(filled.con, tmp_path / f"one.{fmt}", fmt=fmt, one_per_story=True)
    assert one == 5 == len(_read(tmp_path / f"one.{fmt}", fmt))


def test_plover_jsonl_fields(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "e.jsonl"
    export_events(filled.con, out, fmt="plover-jsonl")
    recs = {r["id"]: r for r in _read(out, "plover-jsonl")}
    rec = recs["s1-e0"]
    for key in ("id", "date", "actor", "recipient", "event", "mode", "context", "quad_code",
                "event_text", "evidence", "polarity", "modality", "speaker", "confidence",
                "coder_version"):  # fmt: skip
        assert key in rec, key
    assert rec["date"] == "2024-03-01" and rec["event"] == ["ASSAULT"]
    assert rec["actor"][0]["code"] == "FRA" and rec["recipient"][0]["code"] == "DEU"
    assert rec["quad_code"] == 4 and rec["event_text"] == ["struck"]
    text = article("x").text
    ev = rec["evidence"]
    assert text[ev["sentence_start"] : ev["sentence_end"]] == rec["text"]
    assert text[ev["trigger_start"] : ev["trigger_end"]] == "struck"
    assert (rec["polarity"], rec["modality"], rec["speaker"]) == ("asserted", "actual",
                                                                  "a spokesman")  # fmt: skip
    assert rec["confidence"] == pytest.approx(0.9) and rec["coder_version"] == "test.v1"
    assert (rec["num_articles"], rec["num_sources"], rec["num_mentions"]) == (3, 3, 3)
    assert rec["story_id"] == "s" and rec["story_event_id"] == "s0-e0"
    assert recs["l0-e0"]["num_articles"] == 1 and recs["l0-e0"]["story_id"] == "l0"


def test_gdelt_tsv_carries_num_articles_and_sources(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "e.tsv"
    export_events(filled.con, out, fmt="gdelt-tsv", one_per_story=True)
    rows = {r["GLOBALEVENTID"]: r for r in _read(out, "gdelt-tsv")}
    assert (rows["s0-e0"]["NumArticles"], rows["s0-e0"]["NumSources"]) == ("3", "3")
    assert rows["s0-e0"]["SQLDATE"] == "20240301"
    assert rows["l2-e0"]["NumArticles"] == "1"


def test_export_filters_and_unknown_format(filled: Store, tmp_path: Path) -> None:
    n = export_events(filled.con, tmp_path / "t.csv", fmt="csv",
                      flt=EventFilter(event_type="THREATEN", include_all=True))  # fmt: skip
    assert n == 4
    with pytest.raises(UsageError):
        export_events(filled.con, tmp_path / "x", fmt="xml")
    empty = Store(":memory:")
    try:
        assert export_events(empty.con, tmp_path / "empty.parquet", fmt="parquet") == 0
    finally:
        empty.close()


def test_export_caps_duckdb_memory_and_restores_it(tmp_path: Path) -> None:
    """Regression: exporting 1M events peaked at 1.1 GB (sort and windows held in memory)."""
    import duckdb

    from eventwire.store import Store
    from eventwire.store.export import export_events

    with Store(":memory:") as store:
        art = article("a1")
        store.write_batch([(art, [event(art, 0), event(art, 1)])])
        con = store.con
        before = con.execute("SELECT current_setting('memory_limit')").fetchall()
        assert export_events(con, tmp_path / "e.jsonl", fmt="plover-jsonl") == 2
        after = con.execute("SELECT current_setting('memory_limit')").fetchall()
        assert before == after
        with pytest.raises(UsageError, match="memory limit"):
            export_events(con, tmp_path / "e.csv", fmt="csv", memory_limit="lots'; DROP")
        assert isinstance(con, duckdb.DuckDBPyConnection)


@pytest.mark.parametrize("implied", [True, False], ids=["implied", "named"])
def test_an_implied_actor_is_flagged_in_the_plover_export(tmp_path: Path, implied: bool) -> None:
    from dataclasses import replace

    a = article("imp")
    ev = replace(event(a), actor_implied=implied)
    with Store(tmp_path / "i.duckdb") as s:
        s.write_batch([(a, [ev])])
        out = tmp_path / "i.jsonl"
        export_events(s.con, out, fmt="plover-jsonl")
    (rec,) = _read(out, "plover-jsonl")
    assert rec["actor"][0].get("implied", False) is implied
    assert rec["actor"][0]["code"] == "FRA"


@pytest.mark.parametrize("implied", [True, False], ids=["implied", "named"])
def test_an_implied_recipient_is_flagged_in_the_plover_export(
    tmp_path: Path, implied: bool
) -> None:
    """An act that names no target, given its source's country as an implied one, keeps
    that recipient in the export although it has no text."""
    from dataclasses import replace

    from eventwire.model import Entity

    a = article("imp")
    ev = event(a)
    if implied:
        ev = replace(ev, recipient=(Entity(text="", code="FRA"),), recipient_implied=True)
    with Store(tmp_path / "r.duckdb") as s:
        s.write_batch([(a, [ev])])
        out = tmp_path / "r.jsonl"
        export_events(s.con, out, fmt="plover-jsonl")
    (rec,) = _read(out, "plover-jsonl")
    (recipient,) = rec["recipient"]
    assert recipient.get("implied", False) is implied
    assert recipient["code"] == ("FRA" if implied else "DEU")
