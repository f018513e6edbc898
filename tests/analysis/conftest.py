"""Hand-built articles and events for the analysis tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from eventwire.model import Article, Event
from eventwire.store import Store

MakeEvent = Callable[..., tuple[Article, Event]]


@pytest.fixture
def db(
    tmp_path: Path,
) -> Iterator[Callable[[list[tuple[Article, Event]]], duckdb.DuckDBPyConnection]]:
    """Write the given (article, event) pairs to a fresh file store; return a connection."""
    opened: list[duckdb.DuckDBPyConnection] = []

    def _write(pairs: list[tuple[Article, Event]]) -> duckdb.DuckDBPyConnection:
        path = tmp_path / "events.duckdb"
        with Store(path) as store:
            store.write_batch([(art, [ev]) for art, ev in pairs])
        con = duckdb.connect(str(path), read_only=True)
        opened.append(con)
        return con

    yield _write
    for con in opened:
        con.close()


def monday(week: int) -> dt.date:
    """The Monday of week ``week`` counted from 2024-01-01 (itself a Monday)."""
    return dt.date(2024, 1, 1) + dt.timedelta(weeks=week)
