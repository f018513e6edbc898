"""Corrections: applied by the corrected_events view everywhere, append-only, stable across
re-coding, exported as news gold."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pytest
from storekit import article, event

from eventwire.analysis.dyad import dyad_series
from eventwire.errors import UsageError
from eventwire.newsgold import read_news_gold
from eventwire.serve import queries as serve_queries
from eventwire.store import Store, connect, export_events, select_events
from eventwire.store.corrections import (
    Change,
    EventNotFoundError,
    correct_event,
    export_corrections,
    list_corrections,
    read_corrections,
    resolve_actor,
)
from eventwire.store.queries import EventFilter


@pytest.fixture
def store(tmp_path: Path) -> Store:
    """Three articles: a1 with two events in one sentence (ASSAULT FRA->DEU, ACCUSE
    FRA->DEU), a2 and a3 with one ASSAULT each."""
    s = Store(tmp_path / "c.duckdb")
    a1, a2, a3 = article("a1"), article("a2", line=2), article("a3", line=3)
    s.write_batch(
        [
            (a1, [event(a1, 0), event(a1, 1, event_type="ACCUSE")]),
            (a2, [event(a2)]),
            (a3, [event(a3)]),
        ]
    )
    return s


def _coded(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute("SELECT * FROM events ORDER BY id").fetchall()


def _counted(con: duckdb.DuckDBPyConnection) -> int:
    return serve_queries.count_events(con, serve_queries.EventFilter())


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (Change(action="confirm"), {"event_type": "ASSAULT", "reviewed": True,
                                    "corrected": False}),
        (Change(action="retype", event_type="coerce", mode="arrest"),
         {"event_type": "COERCE", "mode": "arrest", "quad": 4, "corrected": True}),
        (Change(action="retype", event_type="CONSULT"),
         {"event_type": "CONSULT", "mode": None, "quad": 1, "cameo_root": "04"}),
        (Change(action="actor", actor="PRK MIL"),
         {"actor_code": "PRK", "actor_sector": "MIL", "actor_name": "North Korea"}),
        (Change(action="recipient", recipient="North Korea"),
         {"recipient_code": "PRK", "recipient_name": "North Korea"}),
        (Change(action="qualify", polarity="negated"), {"polarity": "negated",
                                                        "modality": "actual"}),
        (Change(action="qualify", modality="future"), {"modality": "future"}),
        (Change(action="note", note="check the date"),
         {"correction_note": "check the date", "corrected": False, "reviewed": True}),
    ],
)  # fmt: skip
def test_a_correction_shows_in_the_view_and_the_coding_is_unchanged(
    store: Store, change: Change, expected: dict[str, Any]
) -> None:
    before = _coded(store.con)
    rec = correct_event(store.con, "a2-e0", change, who="ana")
    assert rec.who == "ana" and rec.action == change.action and rec.applies
    row = store.con.execute("SELECT * FROM corrected_events WHERE id = 'a2-e0'")
    names = [d[0] for d in row.description or ()]
    got = dict(zip(names, row.fetchall()[0], strict=True))
    assert {k: got[k] for k in expected} == expected
    assert _coded(store.con) == before  # the coder's rows are never changed


def test_a_rejected_event_leaves_views_counts_exports_and_analyses(
    store: Store, tmp_path: Path
) -> None:
    con = store.con
    assert _counted(con) == 4
    series = dyad_series(con, "FRA", "DEU", freq="month")
    assert series.total_events == 4
    correct_event(con, "a2-e0", Change(action="reject", note="no event"))
    assert _counted(con) == 3
    assert "a2-e0" not in {r["id"] for r in select_events(con, EventFilter(include_all=True))}
    assert serve_queries.get_event(con, "a2-e0") is None
    assert dyad_series(con, "FRA", "DEU", freq="month").total_events == 3
    assert con.execute("SELECT count(*) FROM events").fetchall() == [(4,)]
    out = tmp_path / "e.jsonl"
    assert export_events(con, out, fmt="plover-jsonl") == 3
    # Confirming it again brings it back with the coder's values: the latest wins.
    correct_event(con, "a2-e0", Change(action="confirm"))
    assert _counted(con) == 4


def test_a_retype_moves_the_counts_and_exports_carry_the_flag(store: Store, tmp_path: Path) -> None:
    con = store.con
    correct_event(con, "a3-e0", Change(action="retype", event_type="AID"))
    dyads = serve_queries.top_dyads(con, serve_queries.EventFilter(), limit=5)
    assert dyads[0]["q4"] == 2 and dyads[0]["q2"] == 1
    out = tmp_path / "e.csv"
    export_events(con, out, fmt="csv")
    text = out.read_text()
    assert "corrected" in text.splitlines()[0]
    rows = [r for r in text.splitlines()[1:] if r.startswith("a3-e0,")]
    assert len(rows) == 1 and ",AID," in rows[0] and ",True," in rows[0]


def test_history_is_kept_and_the_latest_wins(store: Store) -> None:
    con = store.con
    t0 = dt.datetime(2024, 1, 1, 12)
    correct_event(con, "a1-e0", Change(action="retype", event_type="COERCE"), now=t0)
    correct_event(con, "a1-e0", Change(action="reject"), now=t0)
    correct_event(con, "a1-e0", Change(action="retype", event_type="PROTEST"), now=t0)
    history = list_corrections(con, event_id="a1-e0")
    assert [c.action for c in history] == ["retype", "reject", "retype"]
    assert [c.old["event_type"] for c in history] == ["COERCE", "COERCE", "ASSAULT"]
    assert history[1].old["rejected"] is False and history[1].new["rejected"] is True
    assert history[0].new["event_type"] == "PROTEST" and not history[0].new["rejected"]
    assert con.execute("SELECT event_type FROM corrected_events WHERE id = 'a1-e0'").fetchall() == [
        ("PROTEST",)
    ]
    # The other event of the sentence is untouched.
    assert con.execute("SELECT reviewed FROM corrected_events WHERE id = 'a1-e1'").fetchall() == [
        (False,)
    ]
    assert len(list_corrections(con, latest_only=True)) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (Change(action="retype", event_type="BOMB"), "Unknown PLOVER event type"),
        (Change(action="retype", event_type="ASSAULT", mode="hug"), "Unknown mode"),
        (Change(action="retype"), "needs the new event type"),
        (Change(action="actor", actor="Zzqx Frobnia"), "not in the actors knowledge base"),
        (Change(action="actor", actor="PRK XYZ"), "Unknown sector"),
        (Change(action="qualify"), "polarity or a modality"),
        (Change(action="qualify", polarity="maybe"), "Unknown polarity"),
        (Change(action="note", note="  "), "note is empty"),
        (Change(action="note", note="x" * 2001), "longer than 2000"),
        (Change(action="erase"), "Unknown correction"),  # type: ignore[arg-type]
    ],
)
def test_an_invalid_correction_is_refused_and_nothing_is_written(
    store: Store, change: Change, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        correct_event(store.con, "a2-e0", change)
    assert list_corrections(store.con) == []


def test_an_unknown_event_is_not_found(store: Store) -> None:
    with pytest.raises(EventNotFoundError):
        correct_event(store.con, "nope", Change(action="confirm"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("PRK", ("PRK", None, "North Korea")),
        ("prk mil", ("PRK", "MIL", "North Korea")),
        ("USAGOV", ("USA", "GOV", "United States")),
        ("North Korea", ("PRK", None, "North Korea")),
        ("NATO", ("IGO", "MIL", "North Atlantic Treaty Organization")),
    ],
)
def test_actors_are_looked_up_in_the_knowledge_base(
    value: str, expected: tuple[str | None, ...]
) -> None:
    fix = resolve_actor(value)
    assert (fix.code, fix.sector, fix.name) == expected


def test_corrections_survive_recoding_with_new_event_ids(store: Store) -> None:
    """`eventwire code --force` re-writes the article: a newer coder gives new ids, but the
    key (article, sentence offsets, coded type/actor/recipient) finds the correction."""
    con = store.con
    correct_event(con, "a1-e0", Change(action="retype", event_type="COERCE"))
    correct_event(con, "a2-e0", Change(action="reject"))
    a1, a2 = article("a1"), article("a2", line=2)
    recoded = [
        (a1, [dataclasses.replace(event(a1, 0, coder_version="v2"), id="new-a1-0"),
              dataclasses.replace(event(a1, 1, event_type="ACCUSE"), id="new-a1-1")]),
        (a2, [dataclasses.replace(event(a2), id="new-a2-0")]),
    ]  # fmt: skip
    store.write_batch(recoded)
    got = dict(con.execute("SELECT id, event_type FROM corrected_events").fetchall())
    assert got == {"new-a1-0": "COERCE", "new-a1-1": "ACCUSE", "a3-e0": "ASSAULT"}
    assert all(c.applies for c in list_corrections(con))
    # A re-coding that codes the claim differently leaves the correction behind, listed.
    store.write_batch([(a2, [dataclasses.replace(event(a2, event_type="PROTEST"), id="x")])])
    assert {c.event_id: c.applies for c in list_corrections(con)} == {
        "a1-e0": True, "a2-e0": False
    }  # fmt: skip


def test_the_export_is_news_gold(store: Store, tmp_path: Path) -> None:
    con = store.con
    correct_event(con, "a1-e0", Change(action="retype", event_type="COERCE", mode="arrest"))
    correct_event(con, "a1-e1", Change(action="reject"))
    correct_event(con, "a2-e0", Change(action="reject", note="a quote, no event"))
    correct_event(con, "a3-e0", Change(action="confirm", note="ok"))
    out = tmp_path / "corr.jsonl"
    assert export_corrections(con, out) == 3
    lines = {json.loads(x)["article_id"]: json.loads(x) for x in out.read_text().splitlines()}
    assert [e["type"] for e in lines["a1"]["events"]] == ["COERCE"]
    assert lines["a1"]["events"][0]["mode"] == "arrest"
    assert lines["a1"]["events"][0]["source_code"] == "FRA"
    assert lines["a2"]["events"] == []  # rejected: the sentence with no event
    assert lines["a3"]["events"][0]["note"] == "ok"
    assert lines["a1"]["text"] == "Frankland struck Germania on the border."
    assert lines["a1"]["unreviewed"] == 0
    # Both readers take it: the evaluation's and the trainer's.
    gold = {g.article_id: g for g in read_news_gold(out)}
    assert [e.type for e in gold["a1"].events] == ["COERCE"]
    sentences = read_corrections(out)
    assert {s.article_id for s in sentences} == {"a1", "a2", "a3"}
    assert all(s.split == "corrections" and s.sha for s in sentences)


def test_a_sentence_keeps_its_other_confirmed_event_when_one_is_rejected(
    store: Store, tmp_path: Path
) -> None:
    con = store.con
    correct_event(con, "a1-e0", Change(action="reject"))
    out = tmp_path / "c.jsonl"
    export_corrections(con, out)
    line = json.loads(out.read_text())
    assert line["events"] == [] and line["unreviewed"] == 1
    assert read_corrections(out, reviewed_only=True) == []
    correct_event(con, "a1-e1", Change(action="confirm"))
    export_corrections(con, out)
    line = json.loads(out.read_text())
    assert [e["type"] for e in line["events"]] == ["ACCUSE"] and line["unreviewed"] == 0


def test_corrections_are_read_by_a_read_only_connection(store: Store) -> None:
    correct_event(store.con, "a2-e0", Change(action="reject"))
    path = store.path
    store.close()
    ro = connect(path, read_only=True)
    try:
        cur = ro.cursor()
        assert cur.execute("SELECT count(*) FROM corrected_events").fetchall() == [(3,)]
        cur.close()
        assert len(list_corrections(ro)) == 1
    finally:
        ro.close()


def test_a_recipient_added_by_a_correction_is_exported(store: Store, tmp_path: Path) -> None:
    # Regression: the PLOVER export kept a recipient only where it had text, and a
    # correction sets a code alone, so a target added to an event with none was dropped.
    a = article("a4", line=4)
    store.write_batch([(a, [event(a, recipient=None)])])
    correct_event(store.con, "a4-e0", Change(action="recipient", recipient="DEU"))
    out = tmp_path / "r.jsonl"
    export_events(store.con, out, fmt="plover-jsonl")
    recs = [json.loads(line) for line in out.read_text().splitlines()]
    (rec,) = [r for r in recs if r["id"] == "a4-e0"]
    assert [r["code"] for r in rec["recipient"]] == ["DEU"]
