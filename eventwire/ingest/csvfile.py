"""CSV and TSV with a header row. Quoted fields may span lines; ``line`` is the physical line
on which a record starts (the header is line 1), so it can be found in an editor."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import BinaryIO

from eventwire.ingest.options import FIELDS, ReadOptions
from eventwire.ingest.records import make_article
from eventwire.ingest.streams import decode, iter_lines
from eventwire.model import Article, Rejected

__all__ = ["read_csv", "read_tsv"]


class _DecodedLines:
    """Decoded lines for the csv module, noting lines that were invalid or too long so the
    record that contains them can be rejected instead of silently altered."""

    def __init__(self, stream: BinaryIO, options: ReadOptions) -> None:
        self._lines = iter_lines(stream, max_bytes=options.max_line_bytes)
        self._options = options
        self.problems: dict[int, str] = {}

    def __iter__(self) -> Iterator[str]:
        for line in self._lines:
            if line.data is None:
                self.problems[line.number] = (
                    f"line too long: {line.size} bytes > {self._options.max_line_bytes}"
                )
                yield "\n"  # keep the csv module's line count in step
                continue
            decoded = decode(line.data, offset=line.offset, errors=self._options.encoding_errors)
            if decoded.problem:
                self.problems[line.number] = decoded.problem
            yield decoded.text


def _field_limit(options: ReadOptions) -> None:
    # The csv module's default cap (128 KiB a field) is below our article limit; raise it
    # (process-wide, never lowered, so other users of csv are not restricted by us).
    wanted = max(options.max_document_bytes, options.max_article_chars * 4)
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)


def read_delimited(
    stream: BinaryIO, source: str, options: ReadOptions, *, delimiter: str
) -> Iterator[Article | Rejected]:
    _field_limit(options)
    lines = _DecodedLines(stream, options)
    reader = csv.reader(lines, delimiter=delimiter, strict=False)
    try:
        header = next(reader)
    except StopIteration:
        yield Rejected(source=source, line=1, reason="empty")
        return
    except csv.Error as exc:
        yield Rejected(source=source, line=1, reason=f"unreadable CSV header: {exc}")
        return
    names = [h.strip().casefold() for h in header]
    index: dict[str, int] = {}
    for name in FIELDS:
        wanted = options.column(name).strip().casefold()
        if wanted in names:
            index[name] = names.index(wanted)
    if "text" not in index:
        yield Rejected(
            source=source,
            line=1,
            reason=f"no {options.column('text')!r} column (columns: {', '.join(header)})",
            detail="map the text column with ReadOptions(columns={'text': NAME})",
        )
        return
    end = reader.line_num
    while True:
        start = end + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            end = reader.line_num
            yield Rejected(source=source, line=start, reason=f"malformed CSV: {exc}")
            continue
        end = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue  # blank lines are not records
        problem = next(
            (lines.problems[n] for n in range(start, end + 1) if n in lines.problems), None
        )
        if problem:
            yield Rejected(source=source, line=start, reason=problem)
            continue
        if len(row) > len(header):
            yield Rejected(
                source=source,
                line=start,
                reason=f"{len(row)} fields, header has {len(header)}",
                detail="a delimiter or quote inside an unquoted field",
            )
            continue
        fields = {name: (row[i] if i < len(row) else None) for name, i in index.items()}
        yield make_article(fields, source=source, line=start, options=options)


def read_csv(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Article | Rejected]:
    return read_delimited(stream, source, options, delimiter=",")


def read_tsv(stream: BinaryIO, source: str, options: ReadOptions) -> Iterator[Article | Rejected]:
    return read_delimited(stream, source, options, delimiter="\t")
