"""JSON Lines (one object per line) and JSON arrays of objects.

A malformed line becomes a Rejected with its line number; the lines after it are still read.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from typing import Any, BinaryIO

from eventwire.ingest.options import FIELDS, ReadOptions
from eventwire.ingest.records import make_article, too_large
from eventwire.ingest.streams import decode, iter_lines, read_bounded, strip_bom
from eventwire.model import Article, Rejected

__all__ = ["map_fields", "read_json", "read_jsonl"]


def map_fields(record: Mapping[str, Any], options: ReadOptions) -> dict[str, object]:
    """Our field names to the record's values, through ``options.columns``."""
    return {name: record.get(options.column(name)) for name in FIELDS}


def _from_object(
    obj: object, *, source: str, line: int, options: ReadOptions
) -> Article | Rejected:
    if not isinstance(obj, dict):
        return Rejected(
            source=source, line=line, reason=f"not a JSON object (a {type(obj).__name__})"
        )
    return make_article(map_fields(obj, options), source=source, line=line, options=options)


def read_jsonl(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Article | Rejected]:
    for line in iter_lines(stream, max_bytes=options.max_line_bytes):
        if line.data is None:
            yield Rejected(
                source=source,
                line=line.number,
                reason=f"line too long: {line.size} bytes > {options.max_line_bytes}",
            )
            continue
        if not line.data.strip():
            continue  # blank lines separate nothing in JSONL; they are not records
        decoded = decode(line.data, offset=line.offset, errors=options.encoding_errors)
        if decoded.problem:
            yield Rejected(source=source, line=line.number, reason=decoded.problem)
            continue
        try:
            obj = json.loads(decoded.text)
        except json.JSONDecodeError as exc:
            yield Rejected(
                source=source,
                line=line.number,
                reason=f"malformed JSON at column {exc.colno}: {exc.msg.removesuffix(' at')}",
            )
            continue
        except RecursionError:
            # Deeply nested input ("[[[[...") exhausts the parser's recursion.
            yield Rejected(source=source, line=line.number, reason="malformed JSON: too deep")
            continue
        yield _from_object(obj, source=source, line=line.number, options=options)


def read_json(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Article | Rejected]:
    """A ``.json`` file: an array of objects (record numbers are 1-based array indexes), a
    single object, or, when it does not start with ``[``, JSON Lines."""
    data, size = read_bounded(stream, max_bytes=options.max_document_bytes)
    if data is None:
        yield too_large(source=source, line=None, size=size, options=options)
        return
    body = strip_bom(data)
    decoded = decode(body, offset=len(data) - len(body), errors=options.encoding_errors)
    if decoded.problem:
        yield Rejected(source=source, line=None, reason=decoded.problem)
        return
    try:
        obj = json.loads(decoded.text)
    except json.JSONDecodeError:
        # Not one JSON document: read it as JSON Lines, which rejects line by line.
        yield from read_jsonl(io.BytesIO(data), source, options)
        return
    except RecursionError:
        yield Rejected(source=source, line=None, reason="malformed JSON: too deep")
        return
    items = obj if isinstance(obj, list) else [obj]
    for number, item in enumerate(items, start=1):
        yield _from_object(item, source=source, line=number, options=options)
