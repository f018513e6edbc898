"""Hand-built articles and events for the store tests (a module of its own: test modules
import it, and ``conftest`` is an ambiguous name across test directories)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from eventwire.model import Article, Entity, Event, Evidence
from eventwire.ontology.plover import cameo_root, intensity, quad

MakeArticle = Callable[..., Article]
MakeEvent = Callable[..., Event]


def article(
    aid: str,
    *,
    story: str | None = None,
    outlet: str | None = "Example Wire",
    published: dt.date | None = dt.date(2024, 3, 1),
    text: str = "Prefix. Frankland struck Germania on the border. More text.",
    source: str = "in.jsonl",
    line: int = 1,
) -> Article:
    return Article(
        id=aid, text=text, title=f"Title of {aid}", url=f"https://example.org/{aid}",
        outlet=outlet, published=published, language="en", story_id=story, source=source,
        line=line,
    )  # fmt: skip


def event(
    art: Article,
    index: int = 0,
    *,
    event_type: str = "ASSAULT",
    actor: str | None = "FRA",
    recipient: str | None = "DEU",
    date: dt.date | None = dt.date(2024, 3, 1),
    polarity: str = "asserted",
    modality: str = "actual",
    mode: str | None = None,
    coder_version: str = "test.v1",
) -> Event:
    sentence = "Frankland struck Germania on the border."
    start = art.text.find(sentence)
    start = max(start, 0)
    t = start + sentence.index("struck")
    return Event(
        id=f"{art.id}-e{index}",
        article_id=art.id,
        event_type=event_type,
        mode=mode,
        quad=quad(event_type),
        cameo_root=cameo_root(event_type, mode),
        intensity=intensity(event_type, mode),
        evidence=Evidence(sentence, start, start + len(sentence), "struck", t, t + 6),
        coder_version=coder_version,
        date=date,
        date_resolution="stated" if date else "unknown",
        actor=(Entity(text="Frankland", code=actor, sector="GOV", name="Frankland", id="Q1"),)
        if actor
        else (),
        recipient=(Entity(text="Germania", code=recipient),) if recipient else (),
        polarity=polarity,  # type: ignore[arg-type]
        modality=modality,  # type: ignore[arg-type]
        speaker=Entity(text="a spokesman", code=actor),
        confidence=0.9,
        sentence_index=1,
        event_index=index,
    )
