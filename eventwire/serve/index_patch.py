"""What a correction changes in the event index, read from the store right after it.

Why patch and not rebuild (issue 21): a rebuild reads every event (seconds at a million),
and while it reads it holds a lease on the file that the next correction's write waits for;
corrections in a row then took 7 to 25 s each. A correction changes the events of one key
(store/corrections.py: an article, a sentence's offsets and the coder's type, actor and
recipient, usually one event), so the server reads those rows back in the correction's own
transaction and :meth:`EventIndex.corrected` patches them in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import duckdb

from eventwire.analysis._common import COUNTED_SQL, duckdb_errors
from eventwire.serve.queries import event_dict
from eventwire.store.corrections import CorrectionRecord, corrected_events_sql
from eventwire.store.marks import MARKS_SQL

__all__ = ["PATCHED", "Corrected", "IndexRow", "read_corrected"]

#: The displayed columns a correction can change (store/corrections.py ``_VALUES`` shown in
#: the list, the view's three review columns and store/marks.py's two). The others (date,
#: sentence, offsets, texts) are the coder's and stay: so do the list's order and the
#: highlight spans.
PATCHED: Final = ("event_type", "mode", "quad", "intensity", "actor_code", "actor_name",
                  "recipient_code", "recipient_name", "polarity", "modality", "reviewed",
                  "corrected", "correction_note", "confirmed", "changes")  # fmt: skip

# The events are looked up by article alone (the events_article index: a millisecond at a
# million events) and matched to the rest of the key here: with the whole key in the WHERE,
# DuckDB scans the table (30 ms).
_KEYED: Final = ("SELECT rowid, id, sentence_start, sentence_end, event_type, actor_code,"
                  " recipient_code FROM events WHERE article_id = $article_id")  # fmt: skip


# The coder's row's rowid and its key's codes (the view shows the corrected ones).
_CODED_COLUMNS: Final = ("e.rowid AS _rowid", "e.event_type AS _coded_type",
                         "e.actor_code AS _coded_actor",
                         "e.recipient_code AS _coded_recipient")  # fmt: skip
_CODED: Final = ", ".join(_CODED_COLUMNS)
_CODED_NAMES: Final = ", ".join(c.rsplit(" ", 1)[1] for c in _CODED_COLUMNS)


@dataclass(frozen=True, slots=True)
class IndexRow:
    """One event of a corrected key as every reader now sees it: ``values`` holds the
    :data:`PATCHED` columns, or is None when the event is rejected (out of the list)."""

    rowid: int  # the coder's row in ``events``: the index finds its position by it
    id: str
    values: Mapping[str, Any] | None
    counted: bool  # in the list without ``all`` (asserted and actual)


@dataclass(frozen=True, slots=True)
class Corrected:
    """What a correction's transaction reads back: the events of its key for the index, and
    each of them as ``queries.get_event`` gives it (for the answer; absent when rejected)."""

    rows: tuple[IndexRow, ...]
    events: Mapping[str, dict[str, Any]]


def read_corrected(con: duckdb.DuckDBPyConnection, record: CorrectionRecord) -> Corrected:
    """The events ``record`` applies to, read on ``con`` (the correction's transaction, so
    that nothing else can have been written in between). One query on the article's events
    (each query here costs milliseconds of the round trip: the file was just opened)."""
    key = (record.sentence_start, record.sentence_end, record.coded_type, record.coded_actor,
           record.coded_recipient)  # fmt: skip
    article = {"article_id": record.article_id}
    with duckdb_errors("Reading the corrected events"):
        if record.new["rejected"]:
            # The correction in force is the key's, so every event of the key is rejected:
            # out of the view, and of the list.
            rejected = [r for r in con.execute(_KEYED, article).fetchall() if r[2:] == key]
            gone = tuple(IndexRow(int(r[0]), str(r[1]), None, False) for r in rejected)
            return Corrected(gone, {})
        view = corrected_events_sql(f"{MARKS_SQL}, {_CODED}", where="e.article_id = $article_id")
        # The columns of queries.get_event (the view's, then the article's), then ours.
        cur = con.execute(
            f"""SELECT v.* EXCLUDE ({_CODED_NAMES}), a.url, a.title, a.outlet, a.published,
                       {_CODED_NAMES}, coalesce({COUNTED_SQL}, FALSE)
                FROM ({view}) v LEFT JOIN articles a ON a.id = v.article_id""",
            article,
        )
        extra = len(_CODED_COLUMNS) + 1
        names = [d[0] for d in cur.description or ()][:-extra]
        found = cur.fetchall()
    rows, events = [], {}
    for row in found:
        event = event_dict(names, row[:-extra])
        rowid, *coded = row[-extra:-1]
        if (event["sentence_start"], event["sentence_end"], *coded) != key:
            continue  # another event of the article
        events[event["id"]] = event
        values = {name: event[name] for name in PATCHED}
        rows.append(IndexRow(int(rowid), str(event["id"]), values, bool(row[-1])))
    return Corrected(tuple(rows), events)
