"""HTML pages through trafilatura (main text, title, date, URL), and a small tag stripper for
the HTML fragments feeds carry."""

from __future__ import annotations

import html as html_lib
import logging
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import BinaryIO

from eventwire.ingest.dates import parse_published
from eventwire.ingest.options import ReadOptions
from eventwire.ingest.records import make_article, too_large
from eventwire.ingest.streams import read_bounded
from eventwire.model import Article, Rejected

__all__ = ["extract_html", "fragment_to_text", "read_html"]

# trafilatura logs every page it finds nothing in; per-record outcomes are ours to report.
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


def extract_html(
    data: bytes,
    *,
    source: str,
    line: int | None,
    options: ReadOptions,
    url: str | None = None,
    published: object = None,
) -> Article | Rejected:
    """One page to an Article: trafilatura's main text and metadata. ``url`` and
    ``published`` are fallbacks (from a WARC header, say) for what the page does not say."""
    import trafilatura  # imported here: it takes ~0.5 s and only HTML inputs need it

    try:
        doc = trafilatura.bare_extraction(
            data, url=url, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as exc:  # hostile HTML may break any part of lxml/trafilatura
        return Rejected(
            source=source, line=line, reason=f"HTML extraction failed: {type(exc).__name__}"
        )
    if doc is None:
        return Rejected(source=source, line=line, reason="empty: no main text in HTML")
    fields: dict[str, object] = {
        "text": getattr(doc, "text", None) or "",
        "title": getattr(doc, "title", None),
        "url": getattr(doc, "url", None) or url,
        "outlet": getattr(doc, "sitename", None),
        "published": parse_published(getattr(doc, "date", None)) or parse_published(published),
    }
    return make_article(fields, source=source, line=line, options=options)


def read_html(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Article | Rejected]:
    data, size = read_bounded(stream, max_bytes=options.max_document_bytes)
    if data is None:
        yield too_large(source=source, line=1, size=size, options=options)
        return
    if not data.strip():
        yield Rejected(source=source, line=1, reason="empty")
        return
    yield extract_html(data, source=source, line=1, options=options)


_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"}
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def fragment_to_text(fragment: str) -> str:
    """Plain text of a small HTML fragment (a feed item's summary): tags dropped, block tags
    become paragraph breaks. trafilatura is built for whole pages and often finds nothing in a
    two-sentence summary."""
    if "<" not in fragment:
        return html_lib.unescape(fragment)
    parser = _TextCollector()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.parts)
