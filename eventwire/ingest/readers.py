"""Reading inputs: paths, directories and stdin, dispatched to a format reader by extension,
and by sniffing the first bytes where the extension says nothing (or lies: a ``.txt`` that is
really gzip).

Every record ends as an Article or a Rejected with the reason; nothing raises for bad input.
"""

from __future__ import annotations

import gzip
import os
import sys
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from eventwire.ingest.csvfile import read_csv, read_tsv
from eventwire.ingest.feeds import read_feed
from eventwire.ingest.html import read_html
from eventwire.ingest.jsonl import read_json, read_jsonl
from eventwire.ingest.options import ReadOptions
from eventwire.ingest.streams import looks_binary, peek_head, strip_bom
from eventwire.ingest.text import read_text
from eventwire.ingest.warc import read_warc
from eventwire.model import Article, Rejected

__all__ = ["FORMATS", "read_inputs", "read_stream", "sniff_format"]

Reader = Callable[[BinaryIO, str, ReadOptions], Iterator[Article | Rejected]]

FORMATS: dict[str, Reader] = {
    "text": read_text,
    "jsonl": read_jsonl,
    "json": read_json,
    "csv": read_csv,
    "tsv": read_tsv,
    "html": read_html,
    "feed": read_feed,
    "warc": read_warc,
}

_EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json-lines": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".xml": "feed",
    ".rss": "feed",
    ".atom": "feed",
    ".warc": "warc",
}
_GZIP_MAGIC = b"\x1f\x8b"
_STDIN_NAME = "-"


def _extension_format(name: str) -> str | None:
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return _EXTENSIONS.get(os.path.splitext(lower)[1])


def sniff_format(head: bytes, *, options: ReadOptions = ReadOptions()) -> str:
    """The format of an input from its first bytes (already decompressed): one of
    ``FORMATS``, or ``"binary"`` for data no reader can take."""
    if head.startswith(b"WARC/"):
        return "warc"
    if looks_binary(head):
        return "binary"
    start = strip_bom(head).lstrip()[:1024].lower()
    if start.startswith(b"{"):
        return "jsonl"
    if start.startswith(b"["):
        return "json"
    if start.startswith((b"<!doctype html", b"<html")):
        return "html"
    if start.startswith(b"<"):
        if b"<rss" in start or b"<feed" in start or b"<rdf" in start:
            return "feed"
        if b"<html" in start or b"<body" in start or b"<div" in start or b"<p" in start:
            return "html"
    first_line = strip_bom(head).split(b"\n", 1)[0].strip().lower()
    text_column = options.column("text").casefold().encode()
    for delimiter, fmt in ((b"\t", "tsv"), (b",", "csv")):
        cells = [c.strip(b' "') for c in first_line.split(delimiter)]
        if len(cells) > 1 and text_column in cells:
            return fmt
    return "text"


def _guarded(
    records: Iterator[Article | Rejected], *, source: str, compressed: bool
) -> Iterator[Article | Rejected]:
    """Pass records through, turning a read failure part-way (a truncated gzip, a disk error)
    into one Rejected; the records read before it are kept."""
    last_line = 0
    try:
        for record in records:
            if record.line is not None:
                last_line = record.line
            yield record
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        what = "truncated gzip" if isinstance(exc, EOFError) else "corrupt gzip"
        yield Rejected(source=source, line=last_line + 1, reason=f"{what}: {exc}")
    except OSError as exc:
        reason = f"read error: {exc.strerror or exc}"
        if compressed:
            reason = f"corrupt gzip: {exc}"
        yield Rejected(source=source, line=last_line + 1, reason=reason)


def read_stream(
    stream: BinaryIO, source: str, *, name: str = "", options: ReadOptions = ReadOptions()
) -> Iterator[Article | Rejected]:
    """Records of one binary stream. ``name`` (a file name) chooses the format by extension;
    without one, or for an unknown extension, the content decides."""
    try:
        head, whole = peek_head(stream)
        compressed = head.startswith(_GZIP_MAGIC)
        if compressed:
            # Decompress whatever the extension says: sniff the content inside.
            head, whole = peek_head(gzip.GzipFile(fileobj=whole, mode="rb"))  # type: ignore[arg-type]
    except (EOFError, zlib.error, OSError) as exc:
        yield Rejected(source=source, line=1, reason=f"unreadable: {exc}")
        return
    if not strip_bom(head).strip():
        yield Rejected(source=source, line=1, reason="empty")
        return
    fmt = _extension_format(name) if name else None
    sniffed = sniff_format(head, options=options)
    if sniffed in ("binary", "warc"):
        fmt = sniffed  # a binary file named .txt is still binary
    elif fmt is None:
        fmt = sniffed
    if fmt == "binary":
        yield Rejected(source=source, line=1, reason="binary file")
        return
    yield from _guarded(FORMATS[fmt](whole, source, options), source=source, compressed=compressed)


def _walk(root: Path) -> Iterator[Path]:
    """Files under ``root`` in sorted order, hidden files and directories skipped."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for filename in sorted(filenames):
            if not filename.startswith("."):
                yield Path(dirpath) / filename


def _read_path(path: Path, options: ReadOptions) -> Iterator[Article | Rejected]:
    source = str(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below, after the generator is drained
    except OSError as exc:
        yield Rejected(source=source, line=None, reason=f"cannot open: {exc.strerror or exc}")
        return
    with handle:
        yield from read_stream(handle, source, name=path.name, options=options)


def read_inputs(
    inputs: Sequence[str | Path], *, options: ReadOptions = ReadOptions()
) -> Iterator[Article | Rejected]:
    """Every record of every input, in order, as an Article or a Rejected with the reason.

    An input is a file, a directory (walked recursively in sorted order, hidden entries
    skipped) or ``"-"`` for standard input. The format comes from the extension (``.gz`` of any
    of them too) and, for unknown extensions and stdin, from the content.
    """
    for item in inputs:
        if str(item) == _STDIN_NAME:
            yield from read_stream(sys.stdin.buffer, _STDIN_NAME, options=options)
            continue
        path = Path(item)
        if path.is_dir():
            for file in _walk(path):
                if file.is_file():
                    yield from _read_path(file, options)
                else:  # a FIFO or socket would block or fail; a broken link has no data
                    yield Rejected(source=str(file), line=None, reason="not a regular file")
        elif path.exists():
            yield from _read_path(path, options)
        else:
            yield Rejected(source=str(path), line=None, reason="cannot open: no such file")
