"""Exports: PLOVER JSONL, CSV, Parquet and a GDELT-style TSV, all streamed in batches."""

from __future__ import annotations

import csv
import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Final, Literal

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from eventwire.errors import StoreError, UsageError
from eventwire.store.queries import EventFilter, iter_event_batches

__all__ = ["FORMATS", "export_events", "plover_record"]

ExportFormat = Literal["plover-jsonl", "csv", "parquet", "gdelt-tsv"]
FORMATS: Final[tuple[str, ...]] = ("plover-jsonl", "csv", "parquet", "gdelt-tsv")


def _entity(code: Any, sector: Any, name: Any, text: Any, implied: Any = None) -> dict[str, Any]:
    ent = {"code": code, "sector": sector, "entity_text": text, "identifier_text": name}
    if implied:
        # Not named as acting: a state outlet's own voice, or a country the coder gave a
        # source the text names without one ("the judge").
        ent["implied"] = True
    return ent


def plover_record(row: dict[str, Any]) -> dict[str, Any]:
    """One stored event row as a PLOVER JSON record, with eventwire's extra fields."""
    date = row.get("date")
    rec: dict[str, Any] = {
        "id": row["id"],
        "date": date.isoformat() if date else None,
        "actor": [_entity(row["actor_code"], row["actor_sector"], row["actor_name"],
                          row["actor_text"], row.get("actor_implied"))],
        "recipient": (
            [_entity(row["recipient_code"], row["recipient_sector"], row["recipient_name"],
                     row["recipient_text"])]
            if row.get("recipient_text") else []
        ),
        "event": [row["event_type"]],
        "mode": [row["mode"]] if row.get("mode") else [],
        "context": [row["context"]] if row.get("context") else [],
        "quad_code": row["quad"],
        "event_scale": row["intensity"],
        "event_text": [row["trigger"]],
        "text": row["sentence"],
        "event_loc": (
            {"text": row["place_text"], "name": row["place_name"],
             "country": row["place_country"], "admin1": row["place_admin1"],
             "lat": row["place_lat"], "lon": row["place_lon"],
             "resolution": row["place_resolution"]}
            if row.get("place_text") else None
        ),
        "cameo_root": row["cameo_root"],
        "coder": "eventwire",
        "coder_version": row["coder_version"],
        "article_id": row["article_id"],
        "url": row.get("article_url"),
        "date_resolution": row["date_resolution"],
        "evidence": {
            "sentence_start": row["sentence_start"], "sentence_end": row["sentence_end"],
            "trigger_start": row["trigger_start"], "trigger_end": row["trigger_end"],
        },
        "polarity": row["polarity"],
        "modality": row["modality"],
        "speaker": row["speaker_text"],
        "speaker_code": row["speaker_code"],
        "confidence": row["confidence"],
        # Syndication (GDELT's NumArticles/NumSources/NumMentions, near-duplicates grouped
        # into one story): absent from rows that were not read with their counts.
        "story_id": row.get("story_key") or row.get("story_id"),
        "story_event_id": row.get("story_event_id"),
        "num_articles": row.get("num_articles"),
        "num_sources": row.get("num_sources"),
        "num_mentions": row.get("num_mentions"),
    }  # fmt: skip
    return rec


_GDELT_COLUMNS: Final = (
    "GLOBALEVENTID", "SQLDATE", "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1Type1Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2Type1Code", "IsRootEvent",
    "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "ActionGeo_FullName", "ActionGeo_CountryCode",
    "ActionGeo_Lat", "ActionGeo_Long", "SOURCEURL",
)  # fmt: skip


def _gdelt_row(row: dict[str, Any]) -> list[Any]:
    date = row.get("date")
    actor = (row["actor_code"] or "") + (row["actor_sector"] or "")
    recip = (row["recipient_code"] or "") + (row["recipient_sector"] or "")
    return [
        row["id"], date.strftime("%Y%m%d") if date else "", actor, row["actor_text"] or "",
        row["actor_code"] or "", row["actor_sector"] or "", recip, row["recipient_text"] or "",
        row["recipient_code"] or "", row["recipient_sector"] or "", 1,
        row["cameo_root"], row["cameo_root"], row["cameo_root"], row["quad"], row["intensity"],
        row.get("num_mentions") or 1, row.get("num_sources") or 1, row.get("num_articles") or 1,
        row["place_name"] or row["place_text"] or "", row["place_country"] or "",
        row["place_lat"] if row["place_lat"] is not None else "",
        row["place_lon"] if row["place_lon"] is not None else "", row.get("article_url") or "",
    ]  # fmt: skip


def _rows(batches: Iterator[pa.RecordBatch]) -> Iterator[dict[str, Any]]:
    for batch in batches:
        yield from batch.to_pylist()


def export_events(
    con: duckdb.DuckDBPyConnection,
    out: Path,
    *,
    fmt: str,
    flt: EventFilter | None = None,
    one_per_story: bool = False,
    memory_limit: str | None = "256MB",
) -> int:
    """Write the events matching ``flt`` to ``out`` in ``fmt``; returns the number written.

    Streams batch by batch, and caps DuckDB at ``memory_limit`` for the export (its sorts
    and syndication windows spill to a temporary directory beyond that), so memory stays
    bounded whatever the number of events: 1M events export in about 450 MB. Every row
    carries its story's NumArticles/NumSources/NumMentions; by default each article's event is
    a row (the evidence), with ``one_per_story`` each event of a story is written once (its
    representative: GDELT's convention).
    """
    if fmt not in FORMATS:
        raise UsageError(f"Unknown export format {fmt!r}.", fix=f"use one of: {', '.join(FORMATS)}")
    flt = flt or EventFilter(include_all=True)
    with _memory_capped(con, memory_limit):
        return _export(con, out, fmt, flt, one_per_story)


@contextmanager
def _memory_capped(con: duckdb.DuckDBPyConnection, limit: str | None) -> Iterator[None]:
    if limit is None:
        yield
        return
    spill = Path(tempfile.gettempdir()) / "eventwire-spill"
    try:
        con.execute(f"SET memory_limit = '{_size(limit)}'")
        con.execute(f"SET temp_directory = '{spill}'")
    except duckdb.Error as exc:
        raise UsageError(f"Bad memory limit {limit!r}.", fix="use a size such as 256MB") from exc
    try:
        yield
    finally:
        # The spill directory stays: DuckDB cannot switch it once used.
        with suppress(duckdb.Error):
            con.execute("RESET memory_limit")


def _size(limit: str) -> str:
    # Only a number and a unit reach the SQL text (SET takes no parameters).
    if not re.fullmatch(r"\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)", limit.strip()):
        raise UsageError(f"Bad memory limit {limit!r}.", fix="use a size such as 256MB or 1GB")
    return limit.strip()


def _export(
    con: duckdb.DuckDBPyConnection, out: Path, fmt: str, flt: EventFilter, one_per_story: bool
) -> int:
    batches = iter_event_batches(con, flt, one_per_story=one_per_story)
    n = 0
    try:
        if fmt == "parquet":
            writer: pq.ParquetWriter | None = None
            try:
                for batch in batches:
                    if writer is None:
                        writer = pq.ParquetWriter(str(out), batch.schema)
                    writer.write_batch(batch)
                    n += batch.num_rows
            finally:
                if writer is not None:
                    writer.close()
            if writer is None:
                pq.write_table(pa.table({"id": pa.array([], pa.string())}), str(out))
            return n
        with out.open("w", encoding="utf-8", newline="") as fh:
            if fmt == "plover-jsonl":
                for row in _rows(batches):
                    fh.write(json.dumps(plover_record(row), ensure_ascii=False, default=str))
                    fh.write("\n")
                    n += 1
            elif fmt == "csv":
                writer_csv: Any = None
                for row in _rows(batches):
                    if writer_csv is None:
                        writer_csv = csv.DictWriter(fh, fieldnames=list(row))
                        writer_csv.writeheader()
                    writer_csv.writerow(row)
                    n += 1
            else:
                tsv = csv.writer(fh, delimiter="\t", lineterminator="\n")
                tsv.writerow(_GDELT_COLUMNS)
                for row in _rows(batches):
                    tsv.writerow(_gdelt_row(row))
                    n += 1
    except OSError as exc:
        raise StoreError(f"Cannot write {out}.", cause=str(exc), fix="check the path") from exc
    return n
