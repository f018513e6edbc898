"""Fixtures for the store tests (no spaCy, in-memory DuckDB)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from storekit import MakeArticle, MakeEvent, article, event

from eventwire.store import Store


@pytest.fixture
def make_article() -> MakeArticle:
    return article


@pytest.fixture
def make_event() -> MakeEvent:
    return event


@pytest.fixture
def store() -> Iterator[Store]:
    with Store(":memory:") as s:
        yield s
