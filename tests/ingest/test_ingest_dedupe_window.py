"""The story clusterer remembers a bounded window of articles (regression: its index grew
with every article, ~4.6 MB per 1,000, so an archive run would exhaust memory)."""

from __future__ import annotations

from eventwire.ingest import StoryClusterer
from eventwire.model import Article


def _text(topic: str) -> str:
    return " ".join(f"{topic} word{i} and more words about {topic} number {i}" for i in range(40))


def test_index_is_bounded_by_two_windows() -> None:
    clusterer = StoryClusterer(window=5)
    for i in range(50):
        clusterer.assign(Article(id=f"a{i}", text=_text(f"topic{i}")))
    assert len(clusterer) <= 10


def test_copies_within_the_window_share_a_story() -> None:
    clusterer = StoryClusterer(window=5)
    first = clusterer.assign(Article(id="orig", text=_text("summit")))
    for i in range(3):
        clusterer.assign(Article(id=f"x{i}", text=_text(f"other{i}")))
    copy = clusterer.assign(Article(id="copy", text="Reuters - " + _text("summit")))
    assert first == copy == "orig"


def test_copies_after_the_window_start_a_new_story() -> None:
    clusterer = StoryClusterer(window=2)
    clusterer.assign(Article(id="orig", text=_text("summit")))
    for i in range(6):
        clusterer.assign(Article(id=f"x{i}", text=_text(f"other{i}")))
    assert clusterer.assign(Article(id="late", text=_text("summit"))) == "late"
