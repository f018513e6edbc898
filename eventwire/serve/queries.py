"""The SQL behind the HTTP API. Every value reaches DuckDB as a bound parameter.

Only constants of this module (column lists, the counted-events condition, whitelisted
period names) are ever spliced into SQL text; user input never is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

import duckdb

from eventwire.analysis._common import (
    COUNTED_SQL,
    Freq,
    check_freq,
    check_range,
    duckdb_errors,
    period_range,
)
from eventwire.analysis.evidence import highlight_spans
from eventwire.ontology.plover import validate_type
from eventwire.store.corrections import corrected_events_sql
from eventwire.store.marks import MARKS_SQL

__all__ = [
    "ARTICLE_COLUMNS",
    "LIST_COLUMNS",
    "MARKED_EVENTS",
    "EventFilter",
    "count_events",
    "ensure_indexes",
    "event_dict",
    "get_event",
    "list_events",
    "timeline",
    "top_dyads",
]

# The last five are the review marks, so that the dashboard can show which events an analyst
# reviewed, corrected (and what changed) or confirmed: corrected_events' three columns
# (store/corrections.py) and the two of store/marks.py.
LIST_COLUMNS: Final = (
    "id", "date", "event_type", "mode", "quad", "intensity", "actor_code", "actor_name",
    "actor_text", "recipient_code", "recipient_name", "recipient_text", "polarity", "modality",
    "speaker_text", "sentence", "sentence_start", "trigger", "trigger_start", "trigger_end",
    "confidence", "article_id", "reviewed", "corrected", "correction_note", "confirmed",
    "changes",
)  # fmt: skip
# corrected_events with the marks: what the list and one event's page read (the marks are
# computed in the same pass as the view's join, not per event).
MARKED_EVENTS: Final = f"({corrected_events_sql(MARKS_SQL)})"
ARTICLE_COLUMNS: Final = ("url", "title", "outlet", "published")


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Filters shared by the event list, the timeline and the dyad network.

    ``everything`` also includes negated, future and hypothetical events (off by default:
    the API, like the analyses, shows what happened as reported).
    """

    actor: str | None = None
    recipient: str | None = None
    event_type: str | None = None
    quad: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    q: str | None = None
    everything: bool = False

    def where(self) -> tuple[str, dict[str, Any]]:
        """The WHERE clause (without the keyword) and its parameters."""
        check_range(self.since, self.until)
        clauses: list[str] = ["TRUE" if self.everything else COUNTED_SQL]
        params: dict[str, Any] = {}
        if self.actor:
            clauses.append("actor_code = $actor")
            params["actor"] = self.actor.strip().upper()
        if self.recipient:
            clauses.append("recipient_code = $recipient")
            params["recipient"] = self.recipient.strip().upper()
        if self.event_type:
            etype = self.event_type.strip().upper()
            validate_type(etype)
            clauses.append("event_type = $event_type")
            params["event_type"] = etype
        if self.quad is not None:
            clauses.append("quad = $quad")
            params["quad"] = self.quad
        if self.since is not None:
            clauses.append("date >= $since")
            params["since"] = self.since
        if self.until is not None:
            clauses.append("date <= $until")
            params["until"] = self.until
        if self.q:
            # contains() takes the text literally: no LIKE wildcards to escape.
            clauses.append("contains(lower(sentence), lower($q))")
            params["q"] = self.q
        return " AND ".join(clauses), params


def event_dict(names: list[str], row: tuple[Any, ...]) -> dict[str, Any]:
    """An event's JSON object from its row (``names``: the columns): dates as ISO text,
    with the highlight spans of its sentence."""
    d = dict(zip(names, row, strict=True))
    for key in ("date", "published"):
        if isinstance(d.get(key), dt.date):
            d[key] = d[key].isoformat()
    d["spans"] = [
        s.to_dict()
        for s in highlight_spans(
            d.get("sentence") or "",
            sentence_start=d.get("sentence_start"),
            trigger=d.get("trigger"),
            trigger_start=d.get("trigger_start"),
            trigger_end=d.get("trigger_end"),
            actor_text=d.get("actor_text"),
            recipient_text=d.get("recipient_text"),
        )
    ]
    return d


def count_events(con: duckdb.DuckDBPyConnection, flt: EventFilter) -> int:
    where, params = flt.where()
    with duckdb_errors("Counting events"):
        row = con.execute(f"SELECT count(*) FROM corrected_events WHERE {where}", params).fetchone()
    return int(row[0]) if row else 0


def list_events(
    con: duckdb.DuckDBPyConnection, flt: EventFilter, *, limit: int, offset: int
) -> list[dict[str, Any]]:
    """One page of events, newest first, with their article's url, title and outlet and the
    highlight spans of their sentence."""
    where, params = flt.where()
    cols = ", ".join(LIST_COLUMNS)
    outer = ", ".join([*(f"e.{c}" for c in LIST_COLUMNS), *(f"a.{c}" for c in ARTICLE_COLUMNS)])
    # Page first, join after: the join then touches one page of articles, not every match.
    sql = f"""SELECT {outer} FROM (
                SELECT {cols} FROM {MARKED_EVENTS} WHERE {where}
                ORDER BY date DESC NULLS LAST, id LIMIT $limit OFFSET $offset) e
              LEFT JOIN articles a ON a.id = e.article_id
              ORDER BY e.date DESC NULLS LAST, e.id"""
    with duckdb_errors("Listing events"):
        rows = con.execute(sql, {**params, "limit": limit, "offset": offset}).fetchall()
    names = [*LIST_COLUMNS, *ARTICLE_COLUMNS]
    return [event_dict(names, r) for r in rows]


def get_event(con: duckdb.DuckDBPyConnection, event_id: str) -> dict[str, Any] | None:
    """Every stored column of one event, its article's metadata and the highlight spans."""
    with duckdb_errors("Reading an event"):
        cur = con.execute(
            f"""SELECT e.*, a.url, a.title, a.outlet, a.published
               FROM {MARKED_EVENTS} e LEFT JOIN articles a ON a.id = e.article_id
               WHERE e.id = $id""",
            {"id": event_id},
        )
        row = cur.fetchone()
        names = [d[0] for d in cur.description or ()]
    return event_dict(names, row) if row else None


def top_dyads(
    con: duckdb.DuckDBPyConnection, flt: EventFilter, *, limit: int
) -> list[dict[str, Any]]:
    """The directed dyads with the most events, with counts by quad and the net score."""
    where, params = flt.where()
    with duckdb_errors("Counting dyads"):
        rows = con.execute(
            f"""SELECT actor_code, recipient_code, count(*) AS events,
                       count(*) FILTER (WHERE quad = 1), count(*) FILTER (WHERE quad = 2),
                       count(*) FILTER (WHERE quad = 3), count(*) FILTER (WHERE quad = 4),
                       coalesce(sum(intensity), 0) AS net
                FROM corrected_events
                WHERE {where} AND actor_code IS NOT NULL AND recipient_code IS NOT NULL
                GROUP BY ALL ORDER BY events DESC, actor_code, recipient_code LIMIT $limit""",
            {**params, "limit": limit},
        ).fetchall()
    return [
        {"actor": a, "recipient": r, "events": n, "q1": q1, "q2": q2, "q3": q3, "q4": q4,
         "net": round(float(net), 3)}
        for a, r, n, q1, q2, q3, q4, net in rows
    ]  # fmt: skip


def timeline(
    con: duckdb.DuckDBPyConnection, flt: EventFilter, *, freq: Freq
) -> list[dict[str, Any]]:
    """Events per period and quad for the filter, with no gaps between the first and last
    period (quiet periods as zeros)."""
    freq = check_freq(freq)
    where, params = flt.where()
    with duckdb_errors("Building the timeline"):
        rows = con.execute(
            f"""SELECT date_trunc('{freq}', date)::DATE AS period, quad, count(*),
                       coalesce(sum(intensity), 0)
                FROM corrected_events WHERE {where} AND date IS NOT NULL
                GROUP BY ALL ORDER BY period""",
            params,
        ).fetchall()
    if not rows:
        return []
    acc: dict[dt.date, dict[str, Any]] = {}
    for period, quad, n, net in rows:
        slot = acc.setdefault(period, {"q1": 0, "q2": 0, "q3": 0, "q4": 0, "net": 0.0})
        if quad in (1, 2, 3, 4):
            slot[f"q{quad}"] += int(n)
        slot["net"] += float(net)
    out = []
    for start in period_range(min(acc), max(acc), freq):
        slot = acc.get(start, {"q1": 0, "q2": 0, "q3": 0, "q4": 0, "net": 0.0})
        out.append({"period": start.isoformat(), **slot, "net": round(slot["net"], 3)})
    return out


def ensure_indexes(con: duckdb.DuckDBPyConnection) -> None:
    """Create the indexes the API benefits from (needs a writable connection)."""
    with duckdb_errors("Creating indexes"):
        con.execute("CREATE INDEX IF NOT EXISTS events_actor ON events (actor_code)")
        con.execute("CREATE INDEX IF NOT EXISTS events_recipient ON events (recipient_code)")
