"""Fixtures shared by the whole suite."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from eventwire.model import Article, Entity, Event, Evidence
from eventwire.ontology.plover import cameo_root, intensity, quad
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


@pytest.fixture
def make_event() -> Callable[..., tuple[Article, Event]]:
    """The builder below, for tests that make their own events."""
    return build_event


def build_event(
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
    actor_text: str | None = None,
    recipient_text: str | None = None,
    prefix: str = "Reuters - ",
    suffix: str = " More text.",
    url: str | None = "https://example.org/a",
    title: str = "A headline",
    outlet: str = "Example News",
    article_id: str | None = None,
) -> tuple[Article, Event]:
    """One hand-built article holding one event. The sentence sits after ``prefix`` in the
    article text, so sentence offsets are not zero and trigger offset arithmetic is exercised."""
    actor_text = actor_text or f"{actor}land"
    recipient_text = recipient_text or f"{recipient}ia"
    sentence = sentence or f"{actor_text} {trigger} {recipient_text} on the border."
    s_start = len(prefix)
    t_rel = sentence.index(trigger)
    article = Article(
        id=article_id or f"art-{eid}",
        text=prefix + sentence + suffix,
        title=title,
        url=url,
        outlet=outlet,
        published=date,
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
