"""Byte streams: peeking at a head, UTF-16 transcoding, bounded line reading, decoding.

Everything here works on binary streams and never holds more than a bounded amount of one
input in memory: a 100 MB line is skipped in chunks, not read whole.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

__all__ = [
    "Decoded",
    "Line",
    "count_remaining",
    "decode",
    "iter_lines",
    "looks_binary",
    "peek_head",
    "read_bounded",
    "strip_bom",
]

HEAD_BYTES = 8192
_CHUNK = 1 << 20
UTF8_BOM = codecs.BOM_UTF8
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class _Prefixed(io.RawIOBase):
    """A stream that yields ``head`` and then the rest of ``rest``: lets us sniff the start of
    a stream that cannot seek (stdin, gzip) without losing it."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._pos = 0
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        if self._pos < len(self._head):
            n = min(len(view), len(self._head) - self._pos)
            view[:n] = self._head[self._pos : self._pos + n]
            self._pos += n
            return n
        data = self._rest.read(len(view))
        n = len(data)
        view[:n] = data
        return n


class _Utf16ToUtf8(io.RawIOBase):
    """Re-encodes a UTF-16 stream (Excel's "Unicode text" export) as UTF-8 so that every
    reader downstream deals with one encoding."""

    def __init__(self, raw: BinaryIO) -> None:
        self._text = io.TextIOWrapper(raw, encoding="utf-16", errors="replace", newline="")
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        while not self._pending:
            chunk = self._text.read(16384)
            if not chunk:
                return 0
            self._pending = chunk.encode("utf-8")
        n = min(len(view), len(self._pending))
        view[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def peek_head(stream: BinaryIO) -> tuple[bytes, BinaryIO]:
    """The first bytes of ``stream`` and a stream that still starts at the beginning.

    A UTF-16 input (it starts with a UTF-16 byte-order mark) comes back transcoded to UTF-8.
    """
    head = stream.read(HEAD_BYTES)
    whole: BinaryIO = io.BufferedReader(_Prefixed(head, stream), buffer_size=1 << 16)
    if head.startswith(UTF16_BOMS):
        whole = io.BufferedReader(_Utf16ToUtf8(whole), buffer_size=1 << 16)
        head = whole.peek(HEAD_BYTES)[:HEAD_BYTES]
    return head, whole


def strip_bom(data: bytes) -> bytes:
    return data[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else data


@dataclass(frozen=True, slots=True)
class Line:
    """One physical line. ``data`` is ``None`` when the line was longer than the limit: it was
    skipped, and only its ``size`` is known."""

    number: int
    offset: int
    data: bytes | None
    size: int


def count_remaining(stream: BinaryIO) -> int:
    """Read ``stream`` to its end in chunks, returning the number of bytes skipped."""
    total = 0
    while chunk := stream.read(_CHUNK):
        total += len(chunk)
    return total


def _drain_line(stream: BinaryIO) -> int:
    """Skip to the end of the current line without holding it; returns bytes skipped."""
    total = 0
    while True:
        chunk = stream.readline(_CHUNK)
        total += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return total


def iter_lines(stream: BinaryIO, *, max_bytes: int) -> Iterator[Line]:
    """Physical lines of ``stream`` (with their newline), at most ``max_bytes`` each; a UTF-8
    byte-order mark at the start is dropped."""
    number = 0
    offset = 0
    while True:
        data = stream.readline(max_bytes + 1)
        if not data:
            return
        number += 1
        if number == 1 and data.startswith(UTF8_BOM):
            data = data[len(UTF8_BOM) :]
            offset += len(UTF8_BOM)
        if len(data) > max_bytes and not data.endswith(b"\n"):
            size = len(data) + _drain_line(stream)
            yield Line(number, offset, None, size)
            offset += size
            continue
        yield Line(number, offset, data, len(data))
        offset += len(data)


def read_bounded(stream: BinaryIO, *, max_bytes: int) -> tuple[bytes | None, int]:
    """The whole of ``stream`` if it holds at most ``max_bytes``; else ``None`` and its size
    (the rest is skipped in chunks, never held)."""
    data = stream.read(max_bytes + 1)
    if len(data) <= max_bytes:
        return data, len(data)
    return None, len(data) + count_remaining(stream)


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    problem: str | None  # why the bytes were not valid UTF-8, if they were not


def decode(data: bytes, *, offset: int, errors: str) -> Decoded:
    """``data`` as UTF-8. With ``errors="strict"`` an invalid byte is reported (at its offset in
    the input) and the text is decoded with replacement characters so callers that must keep
    parsing (CSV) can; with ``"replace"`` it is silently replaced."""
    try:
        return Decoded(data.decode("utf-8"), None)
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        if errors == "replace":
            return Decoded(text, None)
        return Decoded(text, f"invalid UTF-8 at byte {offset + exc.start}")


def looks_binary(head: bytes) -> bool:
    """True for data no text format can hold: NUL bytes, or many control characters."""
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > len(head) * 0.1
