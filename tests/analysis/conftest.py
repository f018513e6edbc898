"""Hand-built articles and events for the analysis tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pytest

from eventwire.model import Article, Entity, Event, Evidence
from eventwire.ontology.plover import cameo_root, intensity, quad
from eventwire.store import Store

MakeEvent = Callable[..., tuple[Article, Event]]


def build(
    eid: str,
    actor: str,
    recipient: str,
    date: dt.date | None,
    event_type: str,
    *,
    mode: str | None = None,
    polarity: str = "asserted",
    modality: str = "actual",
    sentence: str | None = None,
    trigger: str = "struck",
    prefix: str = "Reuters - ",
    url: str | None = "https://example.org/a",
    title: str = "A headline",
    outlet: str = "Example News",
) -> tuple[Article, Event]:
    """One article holding one event; the sentence sits after ``prefix`` in the article text,
    so sentence offsets are not zero and the trigger offset arithmetic is exercised."""
    actor_text, recipient_text = f"{actor}land", f"{recipient}ia"
    sentence = sentence or f"{actor_text} {trigger} {recipient_text} on the border."
    text = prefix + sentence + " More text."
    s_start = len(prefix)
    t_rel = sentence.index(trigger)
    article = Article(
        id=f"art-{eid}", text=text, title=title, url=url, outlet=outlet, published=date
    )
    event = Event(
        id=eid,
        article_id=article.id,
        event_type=event_type,
        mode=mode,
        quad=quad(event_type),
        cameo_root=cameo_root(event_type, mode),
        intensity=intensity(event_type, mode),
        evidence=Evidence(
            sentence=sentence,
            start=s_start,
            end=s_start + len(sentence),
            trigger=trigger,
            trigger_start=s_start + t_rel,
            trigger_end=s_start + t_rel + len(trigger),
        ),
        coder_version="test",
        date=date,
        date_resolution="stated" if date else "unknown",
        actor=(Entity(text=actor_text, code=actor),),
        recipient=(Entity(text=recipient_text, code=recipient),),
        polarity=polarity,  # type: ignore[arg-type]
        modality=modality,  # type: ignore[arg-type]
    )
    return article, event


@pytest.fixture
def make_event() -> MakeEvent:
    return build


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
