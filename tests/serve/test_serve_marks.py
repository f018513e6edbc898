"""The review marks of /api/events (issue 21): each event says whether an analyst reviewed
it, corrected it (and what changed) or confirmed it, in the list (served from the patched
index), in one event's page, in the correction's answer, and as the SQL computes them."""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
from conftest import START, MakeEvent, build_api_event  # tests/ is on sys.path
from fastapi.testclient import TestClient

from eventwire.serve import create_app, queries
from eventwire.serve.corrections import TOKEN_HEADER
from eventwire.store import Store
from eventwire.store.access import reader
from eventwire.store.export import export_events

TOKEN = "marks-token-0123456789"
BASE = "http://127.0.0.1:8765"
GOOD = {TOKEN_HEADER: TOKEN, "Origin": BASE}
MARKS = ("reviewed", "corrected", "confirmed", "changes", "correction_note")

CONFIRM = {"action": "confirm"}
REJECT = {"action": "reject"}
RETYPE = {"action": "retype", "event_type": "ACCUSE"}  # usa-3 is THREATEN
NOTE = {"action": "note", "note": "check the date"}

UNTOUCHED = {"reviewed": False, "corrected": False, "confirmed": False, "changes": None,
             "correction_note": None}  # fmt: skip
CONFIRMED = {**UNTOUCHED, "reviewed": True, "confirmed": True}
RETYPED = {**UNTOUCHED, "reviewed": True, "corrected": True, "changes": "type: THREATEN → ACCUSE"}


@pytest.fixture
def client(db_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db_path, corrections_token=TOKEN), base_url=BASE) as c:
        yield c


def _post(client: TestClient, event_id: str, body: dict[str, Any]) -> dict[str, Any] | None:
    r = client.post(f"/api/events/{event_id}/corrections", json=body, headers=GOOD)
    assert r.status_code == 200, r.text
    event: dict[str, Any] | None = r.json()["event"]
    return event


def _listed(client: TestClient, event_id: str) -> dict[str, Any] | None:
    doc = client.get("/api/events", params={"all": "true", "limit": "500"}).json()
    return next((e for e in doc["events"] if e["id"] == event_id), None)


def _marks(event: dict[str, Any]) -> dict[str, Any]:
    return {k: event[k] for k in MARKS}


@pytest.mark.parametrize(
    ("bodies", "expected"),
    [
        ([], UNTOUCHED),
        ([CONFIRM], CONFIRMED),
        ([RETYPE], RETYPED),
        ([{**RETYPE, "note": "a charge"}], {**RETYPED, "correction_note": "a charge"}),
        # A note alone is no verdict; a note after a confirmation keeps it confirmed.
        ([NOTE], {**UNTOUCHED, "reviewed": True, "correction_note": "check the date"}),
        ([CONFIRM, NOTE], {**CONFIRMED, "correction_note": "check the date"}),
        ([RETYPE, CONFIRM], RETYPED),  # confirming keeps the corrected values
        ([RETYPE, {"action": "retype", "event_type": "THREATEN"}], CONFIRMED),  # back as coded
        ([REJECT, CONFIRM], CONFIRMED),  # brought back as coded
        ([REJECT], None),  # out of the list
        ([{"action": "actor", "actor": "CHN"}],
         {**RETYPED, "changes": "actor: USA → CHN"}),
        ([{"action": "qualify", "modality": "future"}],
         {**RETYPED, "changes": "modality: actual → future"}),
        ([{"action": "retype", "event_type": "COERCE", "mode": "arrest"}],
         {**RETYPED, "changes": "type: THREATEN → COERCE; mode: – → arrest"}),
    ],
)  # fmt: skip
def test_the_marks_after_corrections(
    client: TestClient, db_path: Path, bodies: list[dict[str, Any]], expected: dict[str, Any] | None
) -> None:
    answer: dict[str, Any] | None = client.get("/api/events/usa-3").json()
    for body in bodies:
        answer = _post(client, "usa-3", body)
    listed = _listed(client, "usa-3")  # the index, patched after each correction
    if expected is None:
        assert answer is None and listed is None
        assert client.get("/api/events/usa-3").status_code == 404
        return
    assert answer is not None and listed is not None
    assert _marks(answer) == _marks(listed) == expected
    assert _marks(client.get("/api/events/usa-3").json()) == expected
    # The SQL the index stands in for says the same; other events are untouched.
    with reader(db_path) as con:
        rows = queries.list_events(con, queries.EventFilter(everything=True), limit=500, offset=0)
    by_id = {e["id"]: e for e in rows}
    assert _marks(by_id["usa-3"]) == expected
    assert _marks(by_id["usa-2"]) == UNTOUCHED


def test_the_marks_of_an_event_without_a_recipient(tmp_path: Path, make_event: MakeEvent) -> None:
    """Its key holds a NULL recipient code: a note after its confirmation finds the
    confirmation all the same."""
    article, event = build_api_event(make_event, "solo", "USA", "PRK", START, "PROTEST")
    path = tmp_path / "solo.duckdb"
    with Store(path) as store:
        store.write_batch([(article, [dataclasses.replace(event, recipient=())])])
    with TestClient(create_app(path, corrections_token=TOKEN), base_url=BASE) as c:
        for body in (CONFIRM, NOTE):
            answer = _post(c, "solo", body)
        assert answer is not None and answer["recipient_code"] is None
        listed = _listed(c, "solo")
        assert listed is not None
        expected = {**CONFIRMED, "correction_note": "check the date"}
        assert _marks(answer) == _marks(listed) == expected


# Corrections of several events, each with the marks it leaves.
SEVERAL: dict[str, tuple[list[dict[str, Any]], dict[str, Any]]] = {
    "usa-1": ([CONFIRM, NOTE], {**CONFIRMED, "correction_note": "check the date"}),
    "usa-2": ([{"action": "retype", "event_type": "ASSAULT"}],
              {**RETYPED, "changes": "type: CONSULT → ASSAULT"}),
    "usa-3": ([NOTE], {**UNTOUCHED, "reviewed": True, "correction_note": "check the date"}),
    "ct-00-0": ([REJECT, CONFIRM], CONFIRMED),
}  # fmt: skip


def _correct_several(client: TestClient) -> None:
    for event_id, (bodies, _) in SEVERAL.items():
        for body in bodies:
            _post(client, event_id, body)


def test_a_rebuilt_index_shows_the_marks_the_patched_one_did(
    client: TestClient, db_path: Path
) -> None:
    _correct_several(client)
    patched = client.get("/api/events", params={"all": "true", "limit": "500"}).json()
    with TestClient(create_app(db_path), base_url=BASE) as fresh:  # builds its index anew
        rebuilt = fresh.get("/api/events", params={"all": "true", "limit": "500"}).json()
    assert rebuilt == patched
    by_id = {e["id"]: e for e in rebuilt["events"]}
    assert {i: _marks(by_id[i]) for i in SEVERAL} == {i: m for i, (_, m) in SEVERAL.items()}


@pytest.mark.parametrize("fmt", ["csv", "plover-jsonl", "parquet"])
def test_exports_carry_the_marks(
    client: TestClient, db_path: Path, tmp_path: Path, fmt: str
) -> None:
    _correct_several(client)
    out = tmp_path / f"events.{fmt}"
    with reader(db_path) as con:
        export_events(con, out, fmt=fmt)
    if fmt == "csv":
        with out.open(newline="", encoding="utf-8") as fh:
            # CSV has no NULL or booleans: empty text, and Python's True/False.
            rows = {r["id"]: r for r in csv.DictReader(fh)}
        got = {i: {k: rows[i][k] for k in MARKS} for i in SEVERAL}
        expected = {
            i: {k: "" if v is None else str(v) for k, v in m.items()}
            for i, (_, m) in SEVERAL.items()
        }
        assert got == expected
        assert {k: rows["usa-neg"][k] for k in MARKS} == {
            "reviewed": "False", "corrected": "False", "confirmed": "False", "changes": "",
            "correction_note": "",
        }  # fmt: skip
        return
    if fmt == "parquet":
        records = pq.read_table(out).to_pylist()
    else:
        records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_id = {r["id"]: r for r in records}
    assert {i: _marks(by_id[i]) for i in SEVERAL} == {i: m for i, (_, m) in SEVERAL.items()}
    assert _marks(by_id["usa-neg"]) == UNTOUCHED


def test_the_marks_take_a_byte_per_event_in_the_index(client: TestClient) -> None:
    """Coded columns kept their codes as int64 (np.append promoted them): 8 bytes per event
    for each of them, ``changes`` included, where one does."""
    _correct_several(client)
    app: Any = client.app
    idx = app.state.event_index.get()
    for name in ("changes", "correction_note", "event_type", "actor_code"):
        codes, values, _ = idx.shown._coded[name]
        assert codes.dtype == np.int8 and len(values) < 127, name
