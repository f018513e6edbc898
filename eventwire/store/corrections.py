"""Analysts' corrections of coded events: append-only, applied through one view.

An analyst can confirm an event, reject it ("no event"), retype it (type and mode), fix its
actor or recipient (looked up in the actors knowledge base), fix its polarity or modality,
or add a note. Each correction is a row of ``corrections``; nothing is ever updated or
deleted there, and the coder's rows in ``events`` are never changed. The latest correction
of an event wins.

Why a stable key and not the event id: an event's id is a hash of its article, sentence
index, position in the sentence and coder version, so ``eventwire code --force`` with a
newer coder (or one that finds one more event earlier in the sentence) gives the same event
a new id. A correction therefore keys on what re-coding reproduces: the article, the
sentence's character offsets, and the coder's type, actor code and recipient code. A
re-coded event with that key gets the correction again; one whose coding changed (say, the
new coder types it differently) no longer matches, and the correction is listed as not
applying (``CorrectionRecord.applies``) rather than silently moved onto another claim.

Every reader goes through the view ``corrected_events`` (schema.VIEWS): the coder's columns
with the latest correction's values on top, rejected events left out, and three columns
more: ``reviewed`` (an analyst acted on it, a confirmation included), ``corrected`` (a value
differs from the coder's) and ``correction_note``. Counts, exports, the API and the
analyses read that view, so a rejected event leaves every count.

A correction is one short transaction (DuckDB writes it to its write-ahead log on commit):
a process killed mid-write leaves the previous state, never half a correction.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal, get_args

import duckdb

from eventwire.errors import InputError, StoreError, UsageError
from eventwire.model import Modality, Polarity

__all__ = [
    "ACTIONS",
    "CORRECTIONS_DDL",
    "CORRECTIONS_VIEWS",
    "Action",
    "ActorFix",
    "Change",
    "CorrectionRecord",
    "EventNotFoundError",
    "VALUE_TYPES",
    "Recorded",
    "corrected_events_sql",
    "corrected_row",
    "correct_event",
    "export_corrections",
    "list_corrections",
    "read_corrections",
    "record_correction",
    "resolve_actor",
    "write_correction",
]

Action = Literal["confirm", "reject", "retype", "actor", "recipient", "qualify", "note"]
ACTIONS: Final[tuple[str, ...]] = get_args(Action)
_POLARITIES: Final = get_args(Polarity)
_MODALITIES: Final = get_args(Modality)

#: The fields a correction can change, each kept as old_<name> and new_<name>.
_VALUES: Final[tuple[tuple[str, str], ...]] = (
    ("rejected", "BOOLEAN"),
    ("event_type", "VARCHAR"),
    ("mode", "VARCHAR"),
    ("quad", "INTEGER"),
    ("intensity", "DOUBLE"),
    ("cameo_root", "VARCHAR"),
    ("actor_code", "VARCHAR"),
    ("actor_sector", "VARCHAR"),
    ("actor_name", "VARCHAR"),
    ("recipient_code", "VARCHAR"),
    ("recipient_sector", "VARCHAR"),
    ("recipient_name", "VARCHAR"),
    ("polarity", "VARCHAR"),
    ("modality", "VARCHAR"),
)
_VALUE_NAMES: Final = tuple(n for n, _ in _VALUES if n != "rejected")

#: The stable key (see the module docstring): the article, the sentence's offsets, and the
#: coder's type, actor and recipient codes.
KEY: Final = ("article_id", "sentence_start", "sentence_end", "coded_type", "coded_actor",
              "coded_recipient")  # fmt: skip
#: The same key in ``events``' columns.
_EVENT_KEY: Final = ("article_id", "sentence_start", "sentence_end", "event_type", "actor_code",
                     "recipient_code")  # fmt: skip

_COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("id", "VARCHAR PRIMARY KEY"),
    ("seq", "BIGINT NOT NULL"),  # the order of corrections: the highest of a key wins
    ("made_at", "TIMESTAMP NOT NULL"),  # UTC
    ("who", "VARCHAR"),
    ("action", "VARCHAR NOT NULL"),
    ("note", "VARCHAR"),
    ("event_id", "VARCHAR"),  # the event's id when corrected (it may change on re-coding)
    ("article_id", "VARCHAR NOT NULL"),
    ("sentence_index", "INTEGER"),
    ("sentence_start", "INTEGER NOT NULL"),
    ("sentence_end", "INTEGER NOT NULL"),
    ("sentence", "VARCHAR"),
    ("trigger", "VARCHAR"),
    ("trigger_start", "INTEGER"),
    ("trigger_end", "INTEGER"),
    ("actor_text", "VARCHAR"),
    ("recipient_text", "VARCHAR"),
    ("coded_type", "VARCHAR NOT NULL"),
    ("coded_actor", "VARCHAR"),
    ("coded_recipient", "VARCHAR"),
    *((f"old_{n}", kind) for n, kind in _VALUES),
    *((f"new_{n}", kind) for n, kind in _VALUES),
)
COLUMN_NAMES: Final = tuple(n for n, _ in _COLUMNS)

CORRECTIONS_DDL: Final[tuple[str, ...]] = (
    "CREATE SEQUENCE IF NOT EXISTS corrections_seq",
    "CREATE TABLE IF NOT EXISTS corrections (" + ", ".join(f"{n} {k}" for n, k in _COLUMNS) + ")",
    "CREATE INDEX IF NOT EXISTS corrections_article ON corrections (article_id)",
)

_LATEST_SELECT = (
    "SELECT * FROM corrections QUALIFY row_number() OVER (PARTITION BY "
    + ", ".join(KEY)
    + " ORDER BY seq DESC) = 1"
)
# NULL codes are part of the key (an event without a recipient): IS NOT DISTINCT FROM.
_JOIN_ON = (
    "c.article_id = e.article_id AND c.sentence_start = e.sentence_start"
    " AND c.sentence_end = e.sentence_end AND c.coded_type = e.event_type"
    " AND c.coded_actor IS NOT DISTINCT FROM e.actor_code"
    " AND c.coded_recipient IS NOT DISTINCT FROM e.recipient_code"
)


def corrected_events_sql(extra: str = "", where: str = "") -> str:
    """The SELECT behind ``corrected_events``; ``extra`` adds columns (the dashboard's index
    adds ``e.rowid``, which a view cannot carry) and ``where`` a condition on the coder's
    rows ``e`` (the server reads one key's events back after a correction)."""
    replaced = ", ".join(
        f"CASE WHEN c.seq IS NULL THEN e.{n} ELSE c.new_{n} END AS {n}" for n in _VALUE_NAMES
    )
    changed = " OR ".join(f"c.new_{n} IS DISTINCT FROM e.{n}" for n in _VALUE_NAMES)
    return (
        f"SELECT e.* REPLACE ({replaced}),"
        " c.seq IS NOT NULL AS reviewed,"
        f" (c.seq IS NOT NULL AND ({changed})) AS corrected,"
        " c.note AS correction_note"
        + (f", {extra}" if extra else "")
        + f" FROM events e LEFT JOIN latest_corrections c ON {_JOIN_ON}"
        " WHERE c.new_rejected IS NOT TRUE" + (f" AND ({where})" if where else "")
    )


#: The views, in creation order (schema.VIEWS puts them before those that read them).
CORRECTIONS_VIEWS: Final[dict[str, str]] = {
    "latest_corrections": _LATEST_SELECT,
    "corrected_events": corrected_events_sql(),
}


class EventNotFoundError(UsageError):
    """The event to correct is not in the store."""

    http_status = 404


@dataclass(frozen=True, slots=True)
class ActorFix:
    """An actor as the analyst set it: a code, its sector and its canonical name."""

    code: str
    sector: str | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """What the analyst asks for. Only the fields of ``action`` are read; ``note`` goes with
    any action. ``actor``/``recipient``: a code ("PRK"), a code and sector ("PRK MIL") or a
    name ("North Korea"), looked up in the actors knowledge base."""

    action: Action
    event_type: str | None = None
    mode: str | None = None
    actor: str | None = None
    recipient: str | None = None
    polarity: str | None = None
    modality: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class CorrectionRecord:
    """One row of ``corrections``, with ``applies``: whether an event of the current coding
    has its key (False once a re-coding coded that claim differently)."""

    id: str
    seq: int
    made_at: dt.datetime
    who: str | None
    action: str
    note: str | None
    event_id: str | None
    article_id: str
    sentence_index: int | None
    sentence_start: int
    sentence_end: int
    sentence: str | None
    trigger: str | None
    trigger_start: int | None
    trigger_end: int | None
    actor_text: str | None
    recipient_text: str | None
    coded_type: str
    coded_actor: str | None
    coded_recipient: str | None
    old: dict[str, Any]
    new: dict[str, Any]
    applies: bool = True

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self)}
        d["made_at"] = self.made_at.isoformat()
        return d


# ----------------------------------------------------------------------------- actors


_CODE_RE: Final = re.compile(r"^([A-Z]{3})(?:[\s/-]*([A-Z]{3}))?$")


@cache
def _known() -> tuple[dict[str, str | None], frozenset[str]]:
    """The knowledge base's codes (with a name where one record owns the code) and sectors."""
    from eventwire.actors import get_resolver

    kb = get_resolver().kb
    names: dict[str, set[str]] = {}
    for index in (kb.exact, kb.folded):
        for records in index.values():
            for r in records:
                if r.code:
                    names.setdefault(r.code, set()).add(r.name)
    codes = {
        code: (kb.countries[code].name if code in kb.countries
               else next(iter(found)) if len(found) == 1 else None)
        for code, found in names.items()
    }  # fmt: skip
    sectors = frozenset(kb.sector_words.values()) | frozenset(kb.title_words.values())
    return codes, sectors


def resolve_actor(value: str) -> ActorFix:
    """An analyst's actor: a knowledge-base code ("PRK"), a code and sector ("PRK MIL",
    "PRKMIL") or a name ("North Korea", "the Russian army"). Raises :class:`UsageError` when
    it is not in the knowledge base."""
    text = " ".join(value.split())
    if not text:
        raise UsageError("The actor is empty.", fix="give a code such as PRK, or a name")
    codes, sectors = _known()
    found = _CODE_RE.match(text.upper()) if len(text) <= 7 else None
    if found and found.group(1) in codes:
        code, sector = found.group(1), found.group(2)
        if sector is not None and sector not in sectors:
            raise UsageError(
                f"Unknown sector {sector!r}.", fix=f"use one of: {', '.join(sorted(sectors))}"
            )
        return ActorFix(code, sector, codes[code])
    from eventwire.actors import lookup_actor

    ent = lookup_actor(text)
    if ent is None or not ent.code:
        raise UsageError(
            f"{text!r} is not in the actors knowledge base.",
            cause="neither a known code (PRK, PRK MIL) nor a name the resolver knows",
            fix="check with `eventwire actors lookup NAME`, or add it with "
            "`eventwire actors add FILE`",
        )
    return ActorFix(ent.code, ent.sector, ent.name)


# ----------------------------------------------------------------------------- writing

_STATE = ("rejected", *_VALUE_NAMES)


def _new_state(old: dict[str, Any], change: Change) -> dict[str, Any]:
    """The event's values after ``change`` (validated); ``old`` is its current state."""
    from eventwire.ontology.plover import cameo_root, intensity, quad, validate_type

    new = dict(old)
    action = change.action
    if action not in ACTIONS:
        raise UsageError(f"Unknown correction {action!r}.", fix=f"use one of: {', '.join(ACTIONS)}")
    if action != "note":
        # Any verdict but a note says there is an event: it undoes an earlier rejection.
        new["rejected"] = action == "reject"
    if action == "retype":
        etype = (change.event_type or "").strip().upper()
        mode = (change.mode or "").strip().lower() or None
        if not etype:
            raise UsageError("A retype needs the new event type.", fix="pass event_type")
        validate_type(etype, mode)
        new.update(
            event_type=etype, mode=mode, quad=quad(etype), intensity=intensity(etype, mode),
            cameo_root=cameo_root(etype, mode),
        )  # fmt: skip
    elif action in ("actor", "recipient"):
        value = change.actor if action == "actor" else change.recipient
        fix = resolve_actor(value or "")
        new.update({f"{action}_code": fix.code, f"{action}_sector": fix.sector,
                    f"{action}_name": fix.name})  # fmt: skip
    elif action == "qualify":
        if change.polarity is None and change.modality is None:
            raise UsageError("Give a polarity or a modality.", fix="e.g. polarity=negated")
        if change.polarity is not None:
            if change.polarity not in _POLARITIES:
                raise UsageError(
                    f"Unknown polarity {change.polarity!r}.", fix=f"use {' or '.join(_POLARITIES)}"
                )
            new["polarity"] = change.polarity
        if change.modality is not None:
            if change.modality not in _MODALITIES:
                raise UsageError(
                    f"Unknown modality {change.modality!r}.",
                    fix=f"use one of: {', '.join(_MODALITIES)}",
                )
            new["modality"] = change.modality
    elif action == "note" and not (change.note or "").strip():
        raise UsageError("The note is empty.", fix="write the note")
    return new


#: Each corrected value's SQL type, by name (``_VALUES`` without ``rejected``).
VALUE_TYPES: Final[dict[str, str]] = {n: kind for n, kind in _VALUES if n != "rejected"}
#: Python's type for each SQL type of ``_VALUES``: a new value is kept as the store gives it
#: back (a retype's intensity 7 as 7.0), so the answer, the index and the view agree.
_PY_TYPES: Final[dict[str, type]] = {"BOOLEAN": bool, "VARCHAR": str, "INTEGER": int,
                                     "DOUBLE": float}  # fmt: skip


def _typed(state: dict[str, Any]) -> dict[str, Any]:
    return {n: None if state[n] is None else _PY_TYPES[kind](state[n]) for n, kind in _VALUES}


@dataclass(frozen=True, slots=True)
class Recorded:
    """A correction as :func:`write_correction` stored it, and the coder's rows of its key
    (usually one; more where the coder found the same claim twice in a sentence): every
    column of ``events`` and ``rowid``, read in the correction's transaction. With
    :func:`corrected_row` they give the events as every reader now sees them without reading
    the view back (issue 21: its query cost a third of the round trip at a million events)."""

    record: CorrectionRecord
    coded: tuple[dict[str, Any], ...]
    judged: bool  # the key has a verdict, this correction or an earlier one (not a note)


def corrected_row(coded: dict[str, Any], record: CorrectionRecord) -> dict[str, Any] | None:
    """The row ``corrected_events`` shows for the coder's row ``coded`` while ``record`` is
    the correction in force for its key (corrected_events_sql, in Python; the view's
    columns, without ``rowid``); None when it rejects the event (out of the view).
    tests/serve/test_serve_corrections.py checks it against the view."""
    new = record.new
    if new["rejected"]:
        return None
    row = {n: new[n] if n in VALUE_TYPES else v for n, v in coded.items() if n != "rowid"}
    row["reviewed"] = True
    # IS DISTINCT FROM: None equals None, as with Python's !=.
    row["corrected"] = any(new[n] != coded[n] for n in VALUE_TYPES)
    row["correction_note"] = record.note
    return row


def correct_event(
    con: duckdb.DuckDBPyConnection,
    event_id: str,
    change: Change,
    *,
    who: str | None = None,
    now: dt.datetime | None = None,
) -> CorrectionRecord:
    """Record ``change`` to the event ``event_id`` (its id in the current coding, as the
    API and ``eventwire events`` show it); returns the stored correction.

    One transaction on a cursor of its own (see :func:`record_correction` to write inside
    a transaction of the caller's). Raises :class:`EventNotFoundError` for an unknown id and
    :class:`UsageError` for an invalid change (nothing is written then)."""
    cur = con.cursor()
    try:
        cur.execute("BEGIN TRANSACTION")
        try:
            record = record_correction(cur, event_id, change, who=who, now=now)
            cur.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                cur.execute("ROLLBACK")
            raise
    except duckdb.Error as exc:
        raise _write_error(exc) from exc
    finally:
        cur.close()
    return record


def _write_error(exc: duckdb.Error) -> StoreError:
    return StoreError(
        "Storing the correction failed.",
        cause=str(exc).splitlines()[0],
        fix="check that the database is open for writing (eventwire serve --corrections)",
    )


def record_correction(
    cur: duckdb.DuckDBPyConnection,
    event_id: str,
    change: Change,
    *,
    who: str | None = None,
    now: dt.datetime | None = None,
) -> CorrectionRecord:
    """:func:`correct_event` inside the caller's transaction (``store.access.writer``)."""
    return _checked(cur, event_id, change, who, now, key_events=False).record


def write_correction(
    cur: duckdb.DuckDBPyConnection,
    event_id: str,
    change: Change,
    *,
    who: str | None = None,
    now: dt.datetime | None = None,
) -> Recorded:
    """:func:`record_correction`, with the events of the correction's key (:class:`Recorded`):
    the ones the server patches into its index."""
    return _checked(cur, event_id, change, who, now, key_events=True)


def _checked(
    cur: duckdb.DuckDBPyConnection,
    event_id: str,
    change: Change,
    who: str | None,
    now: dt.datetime | None,
    *,
    key_events: bool,
) -> Recorded:
    if change.note is not None and len(change.note) > 2000:
        raise UsageError("The note is longer than 2000 characters.", fix="shorten it")
    try:
        return _correct(cur, event_id, change, who, now, key_events=key_events)
    except duckdb.Error as exc:
        raise _write_error(exc) from exc


def _rows(cur: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    found = cur.execute(sql, params)
    names = [d[0] for d in found.description or ()]
    return [dict(zip(names, r, strict=True)) for r in found.fetchall()]


def _key_events(cur: duckdb.DuckDBPyConnection, base: dict[str, Any]) -> list[dict[str, Any]]:
    """The coder's rows of ``base``'s key, ``base`` among them, in rowid order. The others
    are looked up by article alone (the events_article index; with the whole key in the
    WHERE, DuckDB scans the table) and matched here; usually there are none."""
    key = tuple(base[k] for k in _EVENT_KEY[1:])
    others = [
        int(r[0])
        for r in cur.execute(
            f"SELECT rowid, {', '.join(_EVENT_KEY[1:])} FROM events WHERE article_id = ?",
            [base["article_id"]],
        ).fetchall()
        if tuple(r[1:]) == key and r[0] != base["rowid"]
    ]
    if not others:
        return [base]
    more = _rows(
        cur,
        f"SELECT rowid, * FROM events WHERE rowid IN ({', '.join('?' for _ in others)})",
        others,
    )
    return sorted([base, *more], key=lambda e: int(e["rowid"]))


def _correct(
    cur: duckdb.DuckDBPyConnection,
    event_id: str,
    change: Change,
    who: str | None,
    now: dt.datetime | None,
    *,
    key_events: bool,
) -> Recorded:
    # Every column: the server shows the corrected event from it (corrected_row).
    found = _rows(cur, "SELECT rowid, * FROM events WHERE id = ?", [event_id])
    if not found:
        raise EventNotFoundError(
            f"No event {event_id!r}.", fix="take ids from /api/events or `eventwire events`"
        )
    base = found[0]
    key = dict(zip(KEY, (base[k] for k in _EVENT_KEY), strict=True))
    new_cols = ", ".join(f"new_{n}" for n in _STATE)
    # The key's corrections, latest first (a few): the latest gives the state to change,
    # the others whether the key has a verdict. article_id = ? rather than IS NOT DISTINCT
    # FROM: the corrections_article index can serve it.
    history = cur.execute(
        f"SELECT {new_cols}, action <> 'note' FROM corrections WHERE article_id = ? AND "
        + " AND ".join(f"{k} IS NOT DISTINCT FROM ?" for k in KEY[1:])
        + " ORDER BY seq DESC",
        [key[k] for k in KEY],
    ).fetchall()
    old = (
        dict(zip(_STATE, history[0][:-1], strict=True))
        if history
        else {"rejected": False, **{n: base[n] for n in _VALUE_NAMES}}
    )
    judged = change.action != "note" or any(r[-1] for r in history)
    new = _typed(_new_state(old, change))
    seq = int(cur.execute("SELECT nextval('corrections_seq')").fetchall()[0][0])
    made_at = (now or dt.datetime.now(dt.UTC)).replace(tzinfo=None)
    note = (change.note or "").strip() or None
    row: dict[str, Any] = {
        "id": secrets.token_hex(10),
        "seq": seq,
        "made_at": made_at,
        "who": who,
        "action": change.action,
        "note": note,
        "event_id": event_id,
        **{k: base[k] for k in ("article_id", "sentence_index", "sentence_start",
                                "sentence_end", "sentence", "trigger", "trigger_start",
                                "trigger_end", "actor_text", "recipient_text")},
        "coded_type": key["coded_type"],
        "coded_actor": key["coded_actor"],
        "coded_recipient": key["coded_recipient"],
        **{f"old_{n}": old[n] for n in _STATE},
        **{f"new_{n}": new[n] for n in _STATE},
    }  # fmt: skip
    cur.execute(
        f"INSERT INTO corrections ({', '.join(COLUMN_NAMES)}) VALUES "
        f"({', '.join('?' for _ in COLUMN_NAMES)})",
        [row[n] for n in COLUMN_NAMES],
    )
    coded = tuple(_key_events(cur, base)) if key_events else ()
    return Recorded(_record(row, applies=True), coded, judged)


def _record(row: dict[str, Any], *, applies: bool) -> CorrectionRecord:
    return CorrectionRecord(
        **{n: row[n] for n in COLUMN_NAMES if not n.startswith(("old_", "new_"))},
        old={n: row[f"old_{n}"] for n in _STATE},
        new={n: row[f"new_{n}"] for n in _STATE},
        applies=applies,
    )


# ----------------------------------------------------------------------------- reading


def list_corrections(
    con: duckdb.DuckDBPyConnection,
    *,
    event_id: str | None = None,
    limit: int | None = None,
    latest_only: bool = False,
) -> list[CorrectionRecord]:
    """Corrections, newest first: every one (the history) or, with ``latest_only``, the one
    in force per event. ``event_id`` keeps those of that event (by its key, so the history
    from before a re-coding is included)."""
    where: list[str] = []
    params: list[Any] = []
    if event_id is not None:
        where.append(
            "(" + ", ".join(f"c.{k}" for k in KEY) + ")"
            f" IN (SELECT ({', '.join(_EVENT_KEY)}) FROM events WHERE id = ?)"
        )
        params.append(event_id)
    source = "latest_corrections" if latest_only else "corrections"
    sql = (
        f"SELECT c.*, EXISTS (SELECT 1 FROM events e WHERE {_JOIN_ON}) AS applies"
        f" FROM {source} c"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY c.seq DESC"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    try:
        cur = con.cursor()
        try:
            rows = _rows(cur, sql, params)
        finally:
            cur.close()
    except duckdb.Error as exc:
        raise StoreError("Reading the corrections failed.", cause=str(exc).splitlines()[0]) from exc
    return [_record(r, applies=bool(r["applies"])) for r in rows]


# ----------------------------------------------------------------------------- export


def _sentence_id(article_id: str, start: int, end: int) -> str:
    digest = hashlib.sha1(f"{article_id}:{start}:{end}".encode()).hexdigest()[:12]
    return f"corr-{digest}"


def _gold_event(c: CorrectionRecord) -> dict[str, Any]:
    n = c.new
    # The mention text is the coder's; it names the actor only while the code is unchanged.
    source = c.actor_text if n["actor_code"] == c.coded_actor else ""
    target = c.recipient_text if n["recipient_code"] == c.coded_recipient else ""
    return {
        "type": n["event_type"],
        "mode": n["mode"] or "",
        "source": source or "",
        "source_code": n["actor_code"] or "",
        "source_sector": n["actor_sector"] or "",
        "target": target or "",
        "target_code": n["recipient_code"] or "",
        "target_sector": n["recipient_sector"] or "",
        "polarity": n["polarity"],
        "modality": n["modality"],
        "note": c.note or "",
    }


def correction_sentences(con: duckdb.DuckDBPyConnection) -> Iterator[dict[str, Any]]:
    """The corrected sentences as news-gold lines (see :func:`export_corrections`)."""
    latest = list_corrections(con, latest_only=True)
    by_sentence: dict[tuple[str, int, int], list[CorrectionRecord]] = {}
    for c in sorted(latest, key=lambda c: c.seq):
        by_sentence.setdefault((c.article_id, c.sentence_start, c.sentence_end), []).append(c)
    try:
        cur = con.cursor()
        try:
            meta = {
                r[0]: (r[1], r[2])
                for r in cur.execute(
                    "SELECT id, published, outlet FROM articles WHERE id IN"
                    " (SELECT DISTINCT article_id FROM corrections)"
                ).fetchall()
            }
            # Events of the current coding in those sentences that no analyst has looked at:
            # a trainer may want to skip sentences that are not fully reviewed.
            unreviewed = {
                (r[0], r[1], r[2]): int(r[3])
                for r in cur.execute(
                    "SELECT article_id, sentence_start, sentence_end, count(*) FROM"
                    " corrected_events WHERE NOT reviewed AND article_id IN"
                    " (SELECT DISTINCT article_id FROM corrections) GROUP BY ALL"
                ).fetchall()
            }
        finally:
            cur.close()
    except duckdb.Error as exc:
        raise StoreError("Reading the corrections failed.", cause=str(exc).splitlines()[0]) from exc
    from eventwire.newsgold import text_hash

    for (article_id, start, end), items in by_sentence.items():
        text = items[-1].sentence or ""
        published, outlet = meta.get(article_id, (None, None))
        yield {
            "id": _sentence_id(article_id, start, end),
            "corpus": "corrections",
            "article_id": article_id,
            "index": items[-1].sentence_index or 0,
            "start": start,
            "end": end,
            "sha": text_hash(text),
            "split": "corrections",
            "published": published.isoformat() if published else "",
            "outlet": outlet or "",
            "text": text,
            "unreviewed": unreviewed.get((article_id, start, end), 0),
            "events": [_gold_event(c) for c in items if not c.new["rejected"]],
        }


def export_corrections(con: duckdb.DuckDBPyConnection, out: str | Path) -> int:
    """Write every corrected sentence to ``out`` in the news-gold JSONL format the coder
    trains on (``eventwire.newsgold``, docs/ANNOTATION.md); returns the sentences written.

    One line per sentence with at least one correction: its text (and article, offsets,
    ``sha``), and as ``events`` the events an analyst kept there (confirmed or corrected,
    with the corrected values); a sentence whose events were all rejected has none.
    ``unreviewed`` counts the current coding's events of the sentence that no analyst
    looked at. ``eventwire.newsgold.read_news_gold`` and :func:`read_corrections` read it."""
    path = Path(out)
    n = 0
    try:
        with path.open("w", encoding="utf-8") as fh:
            for line in correction_sentences(con):
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
                n += 1
    except OSError as exc:
        raise StoreError(f"Cannot write {path}.", cause=str(exc), fix="check the path") from exc
    return n


def read_corrections(path: str | Path, *, reviewed_only: bool = False) -> list[Any]:
    """The sentences of a corrections export as :class:`eventwire.newsgold.GoldSentence`
    (split "corrections"), for training beside the news gold. ``reviewed_only`` leaves out
    sentences holding events no analyst looked at (their absence from ``events`` is then
    not a judgement)."""
    from eventwire.newsgold import GoldEvent, GoldSentence

    out: list[GoldSentence] = []
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"Cannot open {p}.", cause=str(exc), fix="check the path") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if reviewed_only and int(obj.get("unreviewed", 0)):
                continue
            out.append(
                GoldSentence(
                    id=str(obj["id"]), corpus=str(obj.get("corpus", "corrections")),
                    article_id=str(obj["article_id"]), index=int(obj.get("index", 0)),
                    start=int(obj["start"]), end=int(obj["end"]), sha=str(obj.get("sha", "")),
                    split=str(obj.get("split", "corrections")),
                    published=str(obj.get("published", "")), outlet=str(obj.get("outlet", "")),
                    text=str(obj["text"]),
                    events=tuple(GoldEvent.from_json(e) for e in obj["events"]),
                )
            )  # fmt: skip
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(
                f"{p}:{n} is not a corrections line.",
                cause=str(exc),
                fix="export it again with `eventwire corrections export`",
            ) from exc
    return out
