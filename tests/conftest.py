"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from eventwire.pipeline import Pipeline

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep tests out of the user's ~/.eventwire (user actor files, gazetteer cache)."""
    old = os.environ.get("EVENTWIRE_HOME")
    os.environ["EVENTWIRE_HOME"] = str(tmp_path_factory.mktemp("eventwire-home"))
    yield
    if old is None:
        os.environ.pop("EVENTWIRE_HOME", None)
    else:
        os.environ["EVENTWIRE_HOME"] = old


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the checkout; tests that need it are skipped where it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (it holds data that may not be copied into the repo)")
    return SHARED


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    """The default pipeline, loaded once (spaCy takes seconds to load)."""
    return Pipeline()


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
