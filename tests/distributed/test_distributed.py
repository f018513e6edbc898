"""Parallel runs store exactly the events of a serial run.

The input is nine short hand-written articles (tests/fixtures/distributed/articles.jsonl),
coded in batches of two so that several batches are in flight and finish out of order.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest

from eventwire.config import Config, PipelineConfig
from eventwire.distributed import ClusterError, dask_runner, load_partition
from eventwire.errors import UsageError
from eventwire.pipeline import Pipeline
from eventwire.store import Store

INPUT = Path(__file__).resolve().parent.parent / "fixtures" / "distributed" / "articles.jsonl"
CONFIG = replace(Config(), pipeline=PipelineConfig(batch_size=2))

# Dask and tornado leave sockets and event loops to the garbage collector at shutdown, and
# some of their modules deprecate their own APIs: ignore those, only in this module.
DASK_WARNINGS = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
    pytest.mark.filterwarnings("ignore:.*(dask|distributed|tornado).*:DeprecationWarning"),
]

EVENT_COLUMNS = (
    "id, article_id, sentence_index, event_index, event_type, mode, polarity, modality, "
    "actor_code, actor_text, recipient_code, recipient_text, sentence, sentence_start, "
    "sentence_end, trigger, trigger_start, trigger_end, confidence"
)


def _events(db: Path) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY id").fetchall()
    finally:
        con.close()


def _entities(db: Path) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT event_id, role, position, text, code, sector FROM entities ORDER BY ALL"
        ).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def serial(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("serial") / "serial.duckdb"
    summary = Pipeline(CONFIG).run([INPUT], db=db)
    assert summary.coded == len(INPUT.read_text(encoding="utf-8").splitlines())
    assert summary.events >= 9, "the fixture should code into a fair number of events"
    return db


def test_fixture_is_well_formed() -> None:
    rows = [json.loads(line) for line in INPUT.read_text(encoding="utf-8").splitlines()]
    assert 6 <= len(rows) <= 10
    assert len({r["id"] for r in rows}) == len(rows)


def test_local_pool_matches_serial(serial: Path, tmp_path: Path) -> None:
    db = tmp_path / "local.duckdb"
    summary = Pipeline(CONFIG).run([INPUT], db=db, workers=2)
    assert _events(db) == _events(serial)
    assert _entities(db) == _entities(serial)
    assert summary.events == len(_events(serial))
    assert summary.sentences_parsed <= summary.sentences
    # A re-run finds every article stored: nothing is coded (and no worker is started).
    again = Pipeline(CONFIG).run([INPUT], db=db, workers=2)
    assert again.coded == 0 and again.already_coded == again.records
    assert _events(db) == _events(serial)


def _dask_warnings(test: Any) -> Any:
    for mark in DASK_WARNINGS:
        test = mark(test)
    return test


@pytest.mark.slow
@_dask_warnings
def test_dask_matches_serial(serial: Path, tmp_path: Path) -> None:
    db = tmp_path / "dask.duckdb"
    parts = tmp_path / "parts"
    summary = Pipeline(CONFIG).run([INPUT], db=db, workers=2, engine="dask", parts_dir=parts)
    assert _events(db) == _events(serial)
    assert _entities(db) == _entities(serial)
    assert summary.events == len(_events(serial))
    # The partitions can be queried in place, without loading them.
    con = duckdb.connect()
    try:
        rows = con.execute(
            "SELECT count(*) FROM read_parquet($glob)", {"glob": f"{parts}/events/*.parquet"}
        ).fetchall()
    finally:
        con.close()
    assert rows == [(len(_events(serial)),)]
    # Loading a partition again replaces its articles' rows rather than duplicating them.
    with Store(db) as store:
        load_partition(store, parts, "part-000000.parquet")
    assert _events(db) == _events(serial)


def test_bad_engine_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="local, dask"):
        Pipeline(CONFIG).run([INPUT], db=tmp_path / "x.duckdb", engine="spark")  # type: ignore[arg-type]


def test_bad_workers_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        Pipeline(CONFIG).run([INPUT], db=tmp_path / "x.duckdb", workers=0)


@pytest.mark.slow
@_dask_warnings
def test_unreachable_scheduler_says_how_to_start_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dask_runner, "_CONNECT_TIMEOUT", "2s")
    with pytest.raises(ClusterError) as info:
        Pipeline(CONFIG).run(
            [INPUT], db=tmp_path / "x.duckdb", engine="dask", scheduler="tcp://127.0.0.1:9"
        )
    assert info.value.fix is not None and "dask scheduler" in info.value.fix


def test_a_worker_reports_what_it_cut_for_length() -> None:
    # Regression: parallel runs reported 0 cuts, because batches did not carry them back.
    from eventwire.distributed.worker import CUT_STATS, code_batch
    from eventwire.model import Article

    run_on = " ".join(["Russia"] + ["and its allies"] * 900) + " attacked Ukraine."
    config = Config(pipeline=PipelineConfig(coder="coder.plover.v1"))
    result = code_batch(config, [Article(id="long", text=run_on)], 0)
    assert set(result.cuts) == set(CUT_STATS)
    assert result.cuts["sentences_cut"] >= 1
