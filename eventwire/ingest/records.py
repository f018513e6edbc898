"""Turning the fields of one input record into an Article, or a Rejected with the reason."""

from __future__ import annotations

from collections.abc import Mapping

from eventwire.ingest.dates import parse_published
from eventwire.ingest.ids import article_id
from eventwire.ingest.options import ReadOptions
from eventwire.model import Article, Rejected

__all__ = ["make_article", "optional_str", "too_large"]


def optional_str(value: object) -> str | None:
    """A stripped string, or ``None`` for missing and blank values."""
    if value is None:
        return None
    s = str(value).strip()
    return s or None


def make_article(
    fields: Mapping[str, object],
    *,
    source: str,
    line: int | None,
    options: ReadOptions,
) -> Article | Rejected:
    """An Article from already-mapped ``fields`` (our names: text, id, title, url, outlet,
    published), applying the option defaults and limits."""
    raw_text = fields.get("text")
    given_id = optional_str(fields.get("id"))
    if raw_text is None:
        return Rejected(source=source, line=line, reason="no text field", article_id=given_id)
    if not isinstance(raw_text, str):
        return Rejected(
            source=source,
            line=line,
            reason=f"text is a {type(raw_text).__name__}, not a string",
            article_id=given_id,
        )
    text = raw_text.strip()
    if not text:
        return Rejected(source=source, line=line, reason="empty", article_id=given_id)
    if len(text) > options.max_article_chars:
        return Rejected(
            source=source,
            line=line,
            reason=f"too large: {len(text)} chars > {options.max_article_chars}",
            article_id=given_id,
        )
    published = parse_published(fields.get("published"))
    return Article(
        id=article_id(text, given_id),
        text=text,
        title=optional_str(fields.get("title")) or "",
        url=optional_str(fields.get("url")),
        outlet=optional_str(fields.get("outlet")) or options.outlet,
        published=published or options.published,
        source=source,
        line=line,
    )


def too_large(*, source: str, line: int | None, size: int, options: ReadOptions) -> Rejected:
    """The record for input too big to read at all (only its byte size is known)."""
    return Rejected(
        source=source,
        line=line,
        reason=f"too large: {size} bytes > limit of {options.max_article_chars} chars",
    )
