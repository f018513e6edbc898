"""Preparing a read article for coding: clean text, language, and the English-only gate."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from eventwire.ingest.clean import clean_text
from eventwire.ingest.language import detect_language
from eventwire.model import Article, Rejected

__all__ = ["prepare"]


def prepare(article: Article, *, languages: Collection[str] = ("en",)) -> Article | Rejected:
    """``article`` with cleaned text and its language set, or a ``skipped`` Rejected when it is
    not in ``languages`` (the coder is English-only), or a ``rejected`` one when nothing is left
    after cleaning."""
    source = article.source or "<unknown>"
    text = clean_text(article.text)
    if not text:
        return Rejected(
            source=source,
            line=article.line,
            article_id=article.id,
            reason="empty after removing boilerplate",
        )
    language = detect_language(text)
    if language is None:
        return Rejected(
            source=source,
            line=article.line,
            article_id=article.id,
            status="skipped",
            reason="language not detected",
        )
    if language not in languages:
        wanted = "English" if tuple(languages) == ("en",) else "/".join(sorted(languages))
        return Rejected(
            source=source,
            line=article.line,
            article_id=article.id,
            status="skipped",
            reason=f"non-{wanted} ({language})",
        )
    title = " ".join(article.title.split())
    return dataclasses.replace(article, text=text, title=title, language=language)
