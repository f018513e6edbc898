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
import pyarrow.compute as pc
import pyarrow.parquet as pq

from eventwire.errors import StoreError, UsageError
from eventwire.store.corrections import corrected_events_sql
from eventwire.store.marks import MARK_COLUMNS, MARKS_SQL
from eventwire.store.queries import EventFilter, iter_event_batches

__all__ = ["FORMATS", "export_events", "plover_record"]

ExportFormat = Literal["plover-jsonl", "csv", "parquet", "gdelt-tsv"]
FORMATS: Final[tuple[str, ...]] = ("plover-jsonl", "csv", "parquet", "gdelt-tsv")


def _entity(code: Any, sector: Any, name: Any, text: Any, implied: Any = None) -> dict[str, Any]:
    ent = {"code": code, "sector": sector, "entity_text": text, "identifier_text": name}
    if implied:
        # Not named in the text: a state outlet's own voice, a country the coder gave a
        # source the text names without one ("the judge"), or the source's own country
        # given to an act that names no target (an arrest).
        ent["implied"] = True
    return ent


_REVIEW: Final = ("reviewed", "corrected", *MARK_COLUMNS, "correction_note")


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
                     row["recipient_text"], row.get("recipient_implied"))]
            # A recipient is whatever names one: its text, or a code alone (an implied
            # target, or one an analyst's correction gave an event the coder gave none).
            if row.get("recipient_text") or row.get("recipient_code") else []
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
    # The analysts' review (docs/CORRECTIONS.md; the values above are the corrected ones),
    # as far as the row was read with it: export_events adds ``confirmed`` and ``changes``
    # to the view's three columns.
    rec.update({k: row[k] for k in _REVIEW if k in row})
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


def _review_marks(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """``id``, ``confirmed`` and ``changes`` (store/marks.py) of every event an analyst
    reviewed: one query, as many rows as corrected keys (thousands where the store holds
    millions of events); the others are neither confirmed nor changed."""
    sql = corrected_events_sql(MARKS_SQL, where="c.seq IS NOT NULL")
    try:
        cur = con.cursor()
        try:
            return cur.sql(f"SELECT id, {', '.join(MARK_COLUMNS)} FROM ({sql})").to_arrow_table()
        finally:
            cur.close()
    except duckdb.Error as exc:
        raise StoreError("Reading the corrections failed.", cause=str(exc).splitlines()[0]) from exc


def _with_marks(batches: Iterator[pa.RecordBatch], marks: pa.Table) -> Iterator[pa.RecordBatch]:
    """Each batch with ``confirmed`` and ``changes`` after ``correction_note`` (the view's
    review columns), looked up by id in ``marks`` (vectorised, no query per event)."""
    ids = marks["id"].combine_chunks()
    confirmed = marks["confirmed"].combine_chunks()
    changes = marks["changes"].combine_chunks()
    for batch in batches:
        at = pc.index_in(batch.column("id"), value_set=ids)
        where = batch.schema.get_field_index("correction_note") + 1
        batch = batch.add_column(where, "confirmed", pc.fill_null(pc.take(confirmed, at), False))
        yield batch.add_column(where + 1, "changes", pc.take(changes, at))


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
    representative: GDELT's convention). Every format but GDELT's carries the review marks:
    ``reviewed``, ``corrected``, ``confirmed``, ``changes`` and ``correction_note``.
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
    marks = _review_marks(con)
    batches = _with_marks(iter_event_batches(con, flt, one_per_story=one_per_story), marks)
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
