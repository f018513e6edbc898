"""Plain text: one article per file.

The first line is taken as the title when it is followed by a blank line, is short and does
not end like a sentence. The title line stays in ``text``: headlines carry events ("sees
missile testing as destabilizing") and offsets then match the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from eventwire.ingest.options import ReadOptions
from eventwire.ingest.records import make_article, too_large
from eventwire.ingest.streams import decode, read_bounded, strip_bom
from eventwire.model import Article, Rejected

__all__ = ["guess_title", "read_text"]

_MAX_TITLE_CHARS = 200


def guess_title(text: str) -> str:
    """The first line when it reads as a title (see the module docstring), else ``""``."""
    first, sep, rest = text.lstrip().partition("\n")
    first = first.strip()
    if not sep or not rest.startswith("\n"):  # CRLF is already LF here
        return ""
    if not first or len(first) > _MAX_TITLE_CHARS or first.endswith((".", "!", "?", ":", ";")):
        return ""
    return first


def read_text(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Article | Rejected]:
    # UTF-8 takes at most 4 bytes a character; anything longer cannot fit the char limit.
    limit = min(options.max_document_bytes, options.max_article_chars * 4 + 3)
    data, size = read_bounded(stream, max_bytes=limit)
    if data is None:
        yield too_large(source=source, line=1, size=size, options=options)
        return
    bom = len(data) - len(strip_bom(data))
    decoded = decode(data[bom:], offset=bom, errors=options.encoding_errors)
    if decoded.problem:
        yield Rejected(source=source, line=1, reason=decoded.problem)
        return
    text = decoded.text.replace("\r\n", "\n")
    yield make_article(
        {"text": text, "title": guess_title(text)}, source=source, line=1, options=options
    )
