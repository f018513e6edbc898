"""A small store for the API and dashboard tests, written with the real Store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from eventwire.model import Article, Event
from eventwire.store import Store

MakeEvent = Callable[..., tuple[Article, Event]]

START = dt.date(2024, 1, 1)  # a Monday
EVIL = "PRKia said <script>window.pwned=1</script> and <b>bold</b> before it attacked USAland."


def build(
    make_event: MakeEvent,
    eid: str,
    actor: str,
    recipient: str,
    date: dt.date | None,
    event_type: str,
    *,
    sentence: str | None = None,
    trigger: str | None = None,
    polarity: str = "asserted",
    modality: str = "actual",
    url: str | None = "https://news.example/story",
    title: str = "Story",
) -> tuple[Article, Event]:
    """The API tests' events: a one-sentence article from the "Wire" outlet."""
    names = {"PRK": "PRKia"}
    actor_text, recipient_text = (names.get(c, f"{c}land") for c in (actor, recipient))
    trigger = trigger or "met"
    return make_event(
        eid, actor, recipient, date, event_type,
        sentence=sentence or f"{actor_text} {trigger} {recipient_text} today.",
        trigger=trigger, actor_text=actor_text, recipient_text=recipient_text,
        polarity=polarity, modality=modality, prefix="DATELINE - ", suffix="",
        url=url, title=title, outlet="Wire", article_id=f"a-{eid}",
    )  # fmt: skip


def sample_pairs(make_event: MakeEvent) -> list[tuple[Article, Event]]:
    pairs = [
        build(
            make_event,
            "usa-1",
            "USA",
            "PRK",
            START + dt.timedelta(days=2),
            "ACCUSE",
            trigger="accused",
            sentence="USAland accused PRKia of O'Brien's \"test\" launch.",
        ),
        build(make_event, "usa-2", "USA", "PRK", START + dt.timedelta(days=30), "CONSULT"),
        build(
            make_event,
            "usa-3",
            "USA",
            "PRK",
            START + dt.timedelta(days=60),
            "THREATEN",
            trigger="warned",
            sentence="USAland warned PRKia about missile tests.",
        ),
        build(
            make_event,
            "usa-neg",
            "USA",
            "PRK",
            START + dt.timedelta(days=61),
            "ASSAULT",
            trigger="strike",
            sentence="USAland did not strike PRKia.",
            polarity="negated",
        ),
        build(
            make_event,
            "evil",
            "PRK",
            "USA",
            START + dt.timedelta(weeks=25),
            "ASSAULT",
            trigger="attacked",
            sentence=EVIL,
            url="javascript:alert(1)",
            title="<i>evil</i>",
        ),
    ]
    # CHN-TWN: two accusations a week for 20 weeks, then a burst in week 20 (an alert).
    for w in range(20):
        for i in range(2):
            pairs.append(
                build(
                    make_event,
                    f"ct-{w:02d}-{i}",
                    "CHN",
                    "TWN",
                    START + dt.timedelta(weeks=w, days=1),
                    "ACCUSE",
                    trigger="accused",
                    sentence=f"CHNland accused TWNland of provocation {w}-{i}.",
                )
            )
    for i in range(20):
        pairs.append(
            build(
                make_event,
                f"burst-{i:02d}",
                "CHN",
                "TWN",
                START + dt.timedelta(weeks=20, days=2),
                "ASSAULT",
                trigger="shelled",
                sentence=f"CHNland shelled TWNland outpost {i}.",
            )
        )
    return pairs


@pytest.fixture
def db_path(tmp_path: Path, make_event: MakeEvent) -> Path:
    path = tmp_path / "api.duckdb"
    with Store(path) as store:
        store.write_batch([(a, [e]) for a, e in sample_pairs(make_event)])
    return path
