"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.pipeline import Pipeline

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


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
