"""RSS and Atom feeds through feedparser: one article per item, with its link, date and the
fullest text the item carries (content, else summary)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from eventwire.ingest.html import fragment_to_text
from eventwire.ingest.options import ReadOptions
from eventwire.ingest.records import make_article, too_large
from eventwire.ingest.streams import read_bounded
from eventwire.model import Article, Rejected

__all__ = ["read_feed"]


def _item_text(entry: Any) -> str:
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    summary = entry.get("summary", "") or ""
    return fragment_to_text(best if len(best) >= len(summary) else summary)


def read_feed(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Article | Rejected]:
    import feedparser  # imported here: only feed inputs need it

    data, size = read_bounded(stream, max_bytes=options.max_document_bytes)
    if data is None:
        yield too_large(source=source, line=None, size=size, options=options)
        return
    try:
        parsed = feedparser.parse(data)
    except Exception as exc:  # feedparser may raise anything on hostile XML
        yield Rejected(source=source, line=None, reason=f"unreadable feed: {type(exc).__name__}")
        return
    entries = parsed.get("entries") or []
    if not entries:
        problem = parsed.get("bozo_exception")
        reason = f"not a feed: {problem}" if problem else "empty: feed has no items"
        yield Rejected(source=source, line=None, reason=reason)
        return
    outlet = parsed.get("feed", {}).get("title")
    for number, entry in enumerate(entries, start=1):
        fields: dict[str, object] = {
            "id": entry.get("id"),
            "text": _item_text(entry),
            "title": entry.get("title"),
            "url": entry.get("link"),
            "outlet": outlet,
            "published": entry.get("published_parsed")
            or entry.get("updated_parsed")
            or entry.get("published"),
        }
        yield make_article(fields, source=source, line=number, options=options)
