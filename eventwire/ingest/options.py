"""Options for reading inputs: limits, defaults and column mapping."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

__all__ = ["EncodingErrors", "ReadOptions"]

EncodingErrors = Literal["strict", "replace"]

# The record fields a structured input (JSONL, CSV) may carry. ``text`` is required.
FIELDS: tuple[str, ...] = ("id", "text", "title", "url", "outlet", "published")


def _no_columns() -> Mapping[str, str]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadOptions:
    """How inputs are read.

    ``columns`` maps our field names (``text``, ``id``, ``title``, ``url``, ``outlet``,
    ``published``) to the names used in the input, e.g. ``{"text": "body"}``; it applies to
    JSONL keys and CSV headers alike. ``published`` and ``outlet`` are defaults used only when a
    record has none of its own. ``encoding_errors="strict"`` rejects a record whose bytes are
    not valid UTF-8 (the reason names the byte offset); ``"replace"`` decodes it with U+FFFD.

    Limits keep one hostile input from exhausting memory: ``max_line_bytes`` bounds one line of
    a line-based format (JSONL, CSV, plain text), ``max_document_bytes`` one whole HTML page,
    feed or WARC payload, ``max_article_chars`` the text of one article.
    """

    columns: Mapping[str, str] = field(default_factory=_no_columns)
    published: dt.date | None = None
    outlet: str | None = None
    encoding_errors: EncodingErrors = "strict"
    max_article_chars: int = 200_000
    max_line_bytes: int = 4_000_000
    max_document_bytes: int = 20_000_000

    def __post_init__(self) -> None:
        # A dict passed in by the caller could be mutated later; freeze a copy.
        object.__setattr__(self, "columns", MappingProxyType(dict(self.columns)))

    def column(self, name: str) -> str:
        """The input's name for our field ``name``."""
        return self.columns.get(name, name)
