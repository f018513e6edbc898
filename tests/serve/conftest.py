"""A small store for the API and dashboard tests, written with the real Store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eventwire.model import Article, Entity, Event, Evidence
from eventwire.ontology.plover import cameo_root, intensity, quad
from eventwire.store import Store

START = dt.date(2024, 1, 1)  # a Monday
EVIL = "PRKia said <script>window.pwned=1</script> and <b>bold</b> before it attacked USAland."


def build(
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
    actor_text, recipient_text = f"{actor}land" if actor != "PRK" else "PRKia", f"{recipient}land"
    if recipient == "PRK":
        recipient_text = "PRKia"
    trigger = trigger or "met"
    sentence = sentence or f"{actor_text} {trigger} {recipient_text} today."
    prefix = "DATELINE - "
    text = prefix + sentence
    rel = sentence.index(trigger)
    article = Article(id=f"a-{eid}", text=text, title=title, url=url, outlet="Wire", published=date)
    s0 = len(prefix)
    event = Event(
        id=eid,
        article_id=article.id,
        event_type=event_type,
        quad=quad(event_type),
        cameo_root=cameo_root(event_type),
        intensity=intensity(event_type),
        evidence=Evidence(
            sentence, s0, s0 + len(sentence), trigger, s0 + rel, s0 + rel + len(trigger)
        ),
        coder_version="test",
        date=date,
        actor=(Entity(actor_text, code=actor),),
        recipient=(Entity(recipient_text, code=recipient),),
        polarity=polarity,  # type: ignore[arg-type]
        modality=modality,  # type: ignore[arg-type]
    )
    return article, event


def sample_pairs() -> list[tuple[Article, Event]]:
    pairs = [
        build(
            "usa-1",
            "USA",
            "PRK",
            START + dt.timedelta(days=2),
            "ACCUSE",
            trigger="accused",
            sentence="USAland accused PRKia of O'Brien's \"test\" launch.",
        ),
        build("usa-2", "USA", "PRK", START + dt.timedelta(days=30), "CONSULT"),
        build(
            "usa-3",
            "USA",
            "PRK",
            START + dt.timedelta(days=60),
            "THREATEN",
            trigger="warned",
            sentence="USAland warned PRKia about missile tests.",
        ),
        build(
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
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "api.duckdb"
    with Store(path) as store:
        store.write_batch([(a, [e]) for a, e in sample_pairs()])
    return path
