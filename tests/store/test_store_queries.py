"""Queries: EventFilter (parametrised), syndication counts, stories, status counts."""

from __future__ import annotations

import datetime as dt

import pytest
from storekit import article, event

from eventwire.model import Rejected
from eventwire.store import (
    EventFilter,
    Store,
    input_counts,
    list_stories,
    rejected_groups,
    select_events,
    select_story_events,
)


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        (EventFilter(actor="fra"), {"a-e0", "b-e0"}),
        (EventFilter(actor="O'BRIEN"), {"q-e0"}),
        (EventFilter(recipient="x' OR '1'='1"), set()),
        (EventFilter(actor='"; DROP TABLE events; --'), set()),
        (EventFilter(event_type="threaten"), {"b-e0"}),
        (EventFilter(since=dt.date(2024, 3, 2)), {"b-e0"}),
        (EventFilter(until=dt.date(2024, 3, 1)), {"a-e0", "q-e0"}),
        (EventFilter(), {"a-e0", "b-e0", "q-e0"}),
        (EventFilter(include_all=True), {"a-e0", "b-e0", "q-e0", "n-e0"}),
        (EventFilter(include_all=True, limit=1), {"b-e0"}),
    ],
)
def test_event_filter(store: Store, flt: EventFilter, expected: set[str]) -> None:
    a, b, q, n = (article(x) for x in ("a", "b", "q", "n"))
    store.write_batch(
        [
            (a, [event(a)]),
            (b, [event(b, event_type="THREATEN", date=dt.date(2024, 3, 5))]),
            (q, [event(q, actor="O'BRIEN")]),
            (n, [event(n, polarity="negated", date=None)]),
        ]
    )
    assert {r["id"] for r in select_events(store.con, flt)} == expected
    assert store.con.execute("SELECT count(*) FROM events").fetchall() == [(4,)]


def _syndicated(store: Store) -> None:
    """Story s1: three copies (two outlets) of one report; one copy also a second event.
    Story s2: one article. Article c: no story id (a story of its own)."""
    s1 = [
        article("a", story="s1", outlet="Wire", published=dt.date(2024, 3, 1)),
        article("b", story="s1", outlet="Courier", published=dt.date(2024, 3, 2)),
        article("c2", story="s1", outlet="wire", published=dt.date(2024, 3, 2)),
    ]
    coded = [(x, [event(x)]) for x in s1]
    coded[1] = (s1[1], [event(s1[1]), event(s1[1], 1, event_type="THREATEN")])
    lone = article("z", story="s2")
    free = article("c", story=None, outlet=None)
    coded += [(lone, [event(lone)]), (free, [event(free)])]
    store.write_batch(coded)


def test_story_events_count_each_event_once_per_story(store: Store) -> None:
    _syndicated(store)
    rows = select_story_events(store.con, min_articles=1)
    by = {(r["story_id"], r["event_type"]): r for r in rows}
    assault = by[("s1", "ASSAULT")]
    assert assault["num_articles"] == 3
    assert assault["num_sources"] == 2  # "Wire" and "wire" are one outlet
    assert assault["num_mentions"] == 3
    assert assault["article_ids"] == ["a", "b", "c2"]
    assert assault["id"] == "a-e0"  # the earliest article's event represents the group
    assert by[("s1", "THREATEN")]["num_articles"] == 1
    assert by[("c", "ASSAULT")]["num_sources"] == 1
    assert len(rows) == 4
    assert [r["id"] for r in select_story_events(store.con, min_articles=2)] == ["a-e0"]
    assert select_story_events(store.con, EventFilter(actor="zzz")) == []


def test_per_event_rows_carry_the_same_counts_and_representative(store: Store) -> None:
    _syndicated(store)
    rows = {r["id"]: r for r in select_events(store.con, EventFilter(include_all=True))}
    assert len(rows) == 6
    for eid in ("a-e0", "b-e0", "c2-e0"):
        assert rows[eid]["story_event_id"] == "a-e0"
        assert (rows[eid]["num_articles"], rows[eid]["num_sources"]) == (3, 2)
    assert rows["c-e0"]["story_key"] == "c" and rows["c-e0"]["story_id"] is None
    # The view and the per-event windows agree, and filtering does not change the counts.
    view = store.con.execute(
        "SELECT count(*) FROM story_events s JOIN event_syndication x "
        "ON x.story_event_id = s.id AND x.num_articles = s.num_articles"
    ).fetchall()
    assert view == [(6,)]
    narrowed = select_events(store.con, EventFilter(since=dt.date(2024, 3, 1), actor="FRA"))
    assert {r["id"]: r["num_articles"] for r in narrowed} == {
        k: v["num_articles"] for k, v in rows.items()
    }
    per_story = select_events(store.con, EventFilter(include_all=True), one_per_story=True)
    assert sorted(r["id"] for r in per_story) == ["a-e0", "b-e1", "c-e0", "z-e0"]


def test_recoding_updates_the_story_counts(store: Store) -> None:
    _syndicated(store)
    b = article("b", story="s1", outlet="Courier", published=dt.date(2024, 3, 2))
    store.write_batch([(b, [event(b, event_type="ACCUSE")])])  # b no longer reports ASSAULT
    rows = {(r["story_id"], r["event_type"]): r for r in select_story_events(store.con)}
    assert rows[("s1", "ASSAULT")]["num_articles"] == 2
    assert rows[("s1", "ASSAULT")]["num_sources"] == 1
    assert ("s1", "THREATEN") not in rows
    assert rows[("s1", "ACCUSE")]["article_ids"] == ["b"]
    a = article("a", story="s1", outlet="Wire", published=dt.date(2024, 3, 1))
    store.write_batch([(a, [])])  # the representative's article loses its event
    rows = {(r["story_id"], r["event_type"]): r for r in select_story_events(store.con)}
    assert rows[("s1", "ASSAULT")]["id"] == "c2-e0"


def test_list_stories(store: Store) -> None:
    _syndicated(store)
    stories = list_stories(store.con)
    assert [s.story_id for s in stories] == ["s1"]
    s1 = stories[0]
    assert (s1.num_articles, s1.num_sources, s1.num_events) == (3, 2, 2)
    assert s1.article_ids == ("a", "b", "c2")
    assert s1.title == "Title of a" and s1.first_published == dt.date(2024, 3, 1)
    everything = list_stories(store.con, min_articles=1, limit=None)
    assert {s.story_id for s in everything} == {"s1", "s2", "c"}
    assert len(list_stories(store.con, min_articles=1, limit=2)) == 2


def test_input_counts_account_for_every_record(store: Store) -> None:
    a, b = article("a", line=1), article("b", source="other.csv", line=2)
    store.write_batch(
        [(a, [event(a)]), (b, [])],
        [
            Rejected(source="in.jsonl", line=2, reason="empty"),
            Rejected(source="in.jsonl", line=3, reason="language fr", status="skipped"),
            Rejected(source="bad [1].jsonl", reason="unreadable: [bold]x"),
        ],
    )
    counts = {c.source: c for c in input_counts(store.con)}
    assert counts["in.jsonl"].records == 3
    assert (counts["in.jsonl"].skipped, counts["in.jsonl"].rejected) == (1, 1)
    assert (counts["other.csv"].articles, counts["other.csv"].events) == (1, 0)
    assert counts["bad [1].jsonl"].records == 1
    assert "unreadable: [bold]x" in {g.reason for g in rejected_groups(store.con)}
