"""WARC archives (plain or gzipped per record) through warcio: HTML responses go through the
HTML reader with the record's target URI and date as fallbacks.

Request, metadata and warcinfo records are not documents and are passed over; a response that
is not HTML (an image, a script) becomes a ``skipped`` record so that it is accounted for.
``line`` is the 1-based record number in the archive.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

from eventwire.ingest.html import extract_html
from eventwire.ingest.options import ReadOptions
from eventwire.ingest.records import too_large
from eventwire.ingest.streams import read_bounded
from eventwire.model import Article, Rejected

__all__ = ["read_warc"]

_DOCUMENT_TYPES = ("response", "resource")


def read_warc(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Article | Rejected]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    number = 0
    try:
        for record in ArchiveIterator(stream):
            number += 1
            if record.rec_type not in _DOCUMENT_TYPES:
                continue
            if record.http_headers is not None:
                ctype = record.http_headers.get_header("Content-Type") or ""
            else:
                ctype = record.rec_headers.get_header("Content-Type") or ""
            if "html" not in ctype.lower():
                yield Rejected(
                    source=source,
                    line=number,
                    status="skipped",
                    reason=f"not HTML ({ctype.split(';')[0].strip() or 'no content type'})",
                )
                continue
            data, size = read_bounded(record.content_stream(), max_bytes=options.max_document_bytes)
            if data is None:
                yield too_large(source=source, line=number, size=size, options=options)
                continue
            yield extract_html(
                data,
                source=source,
                line=number,
                options=options,
                url=record.rec_headers.get_header("WARC-Target-URI"),
                published=record.rec_headers.get_header("WARC-Date"),
            )
    except ArchiveLoadFailed as exc:
        yield Rejected(source=source, line=number + 1, reason=f"unreadable WARC record: {exc}")
    except (EOFError, OSError):
        raise  # truncated or corrupt gzip: the caller reports it with the line it reached
    except Exception as exc:
        # warcio fails on malformed headers with whatever error the parse hit (AttributeError,
        # ValueError): report the record, keep what came before.
        yield Rejected(
            source=source,
            line=number + 1,
            reason=f"unreadable WARC record: {type(exc).__name__}: {exc}",
        )
