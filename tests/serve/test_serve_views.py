"""/api/timeline opens on the bulk of the dates; /api/alerts says how much history it had."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from eventwire.serve import create_app
from eventwire.store import Store

NEWS = dt.date(2024, 1, 1)  # a Monday
PAST = (dt.date(1904, 5, 2), dt.date(1957, 3, 25), dt.date(1990, 10, 3))


@pytest.fixture
def client(tmp_path: Path, make_event) -> Iterator[TestClient]:
    """Ten weeks of news, five USA-PRK accusations a day, and three FRA-DEU events with
    stated dates of the past ("signed the Treaty of Rome on March 25, 1957")."""
    pairs = [
        make_event(f"n-{d}-{i}", "USA", "PRK", NEWS + dt.timedelta(days=d), "ACCUSE")
        for d in range(70)
        for i in range(5)
    ]
    pairs += [make_event(f"past-{i}", "FRA", "DEU", day, "AGREE") for i, day in enumerate(PAST)]
    path = tmp_path / "views.duckdb"
    with Store(path) as store:
        store.write_batch([(a, [e]) for a, e in pairs])
    with TestClient(create_app(path)) as c:
        yield c


@pytest.mark.parametrize(
    ("params", "rows", "first", "since", "until", "outside"),
    [
        # The bulk of the dates: ten weeks; the three past dates are counted, not drawn.
        ({}, 10, "2024-01-01", "2024-01-01", "2024-03-10",
         {"events": 3, "earliest": "1904-05-02", "latest": "1990-10-03"}),
        # Every date: weeks from 1904 on.
        ({"all_dates": "true"}, None, "1904-05-02", None, None,
         {"events": 0, "earliest": None, "latest": None}),
        # A bound the user gives is kept, even before the bulk; the open end is closed.
        ({"since": "1950-01-01"}, None, "1957-03-25", "1950-01-01", "2024-03-10",
         {"events": 0, "earliest": None, "latest": None}),
        # Filters count what they leave out among their own events only.
        ({"actor": "FRA"}, 0, None, "2024-01-01", "2024-03-10",
         {"events": 3, "earliest": "1904-05-02", "latest": "1990-10-03"}),
        ({"actor": "USA"}, 10, "2024-01-01", "2024-01-01", "2024-03-10",
         {"events": 0, "earliest": None, "latest": None}),
    ],
)  # fmt: skip
def test_timeline_opens_on_the_bulk_of_the_dates(
    client, params, rows, first, since, until, outside
):
    doc = client.get("/api/timeline", params=params).json()
    if rows is not None:
        assert len(doc["rows"]) == rows
    assert (doc["rows"][0]["period"] if doc["rows"] else None) == first
    assert (doc["since"], doc["until"], doc["outside"]) == (since, until, outside)
    assert doc["all_dates"] is (params.get("all_dates") == "true")


@pytest.mark.parametrize(
    ("params", "status"),
    [({"min_history": "3"}, 200), ({"min_history": "9"}, 400), ({"min_history": "-1"}, 422)],
)
def test_alerts_take_min_history(client, params, status):
    r = client.get("/api/alerts", params=params)
    assert r.status_code == status, r.text
    if status == 400:
        assert "min_history" in r.json()["error"]["message"]
