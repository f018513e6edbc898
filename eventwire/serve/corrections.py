"""Corrections over HTTP: the analyst's writes, and why they are safe.

Writes are off unless the server was started with ``--corrections``; then

- the server listens on loopback only (``serve`` refuses another host), so only programs
  on this machine reach it;
- every write carries the run's random token in the ``X-Eventwire-Token`` header. The token
  is made per run (:func:`new_token`) and printed by the CLI at start. A custom header
  cannot be sent cross-site without a CORS preflight, which this server never grants (CORS
  is refused together with --corrections), and no cookie is involved, so a page on another
  site can neither send a valid write nor read the token;
- the ``Host`` header must name loopback (127.0.0.1, localhost, [::1]): a DNS-rebinding
  page, which reaches us under its own host name, is refused; and a browser's ``Origin``
  (and ``Sec-Fetch-Site``), when sent, must be this server's own;
- the dashboard gets the token in a ``<meta name="eventwire-token">`` of its page, put
  there only when corrections are on and the page was asked for by a loopback Host name
  (another site cannot read our page: same-origin policy; a rebinding site is refused by
  the Host check). Another client (curl, a script) sends the printed token.

A server without ``--corrections`` answers every write with 403. Reads (the history, the
actor lookup) are open like the rest of the API.
"""

from __future__ import annotations

import atexit
import getpass
import hmac
import ipaddress
import secrets
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import urlsplit

import duckdb
from fastapi import FastAPI, Query, Request
from pydantic import BaseModel, Field

from eventwire.analysis._common import duckdb_errors
from eventwire.errors import EventwireError, UsageError
from eventwire.model import Modality, Polarity
from eventwire.serve.index_patch import PATCHED, Corrected, IndexRow
from eventwire.serve.queries import ARTICLE_COLUMNS, event_dict
from eventwire.store.access import checkpoint, writer
from eventwire.store.corrections import (
    Action,
    Change,
    Recorded,
    corrected_row,
    list_corrections,
    resolve_actor,
    write_correction,
)
from eventwire.store.marks import row_marks

__all__ = [
    "TOKEN_HEADER",
    "Checkpointer",
    "CorrectionRequest",
    "CorrectionsOffError",
    "CrossSiteError",
    "TokenError",
    "Written",
    "install",
    "is_loopback_host",
    "new_token",
    "page_with_token",
]

TOKEN_HEADER: Final = "X-Eventwire-Token"
_LOOPBACK: Final = frozenset({"127.0.0.1", "localhost", "::1"})


class CorrectionsOffError(UsageError):
    """A write to a server started without --corrections."""

    http_status = 403


class TokenError(UsageError):
    """A write without the run's token, or with a wrong one."""

    http_status = 401


class CrossSiteError(UsageError):
    """A write from another site, or through a host name that is not loopback."""

    http_status = 403


def new_token() -> str:
    """A fresh random token for one server run (192 bits, URL-safe)."""
    return secrets.token_urlsafe(24)


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` (an address to bind, or a Host header's name) is loopback only."""
    name = host.strip().lower().strip("[]")
    if name in _LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback  # 127.0.0.0/8, ::1
    except ValueError:  # a name other than localhost: it could resolve anywhere
        return False


def _host_name(header: str) -> str:
    """The name part of a Host header (``[::1]:8765`` -> ``::1``)."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def _check_write(request: Request, enabled: bool, token: str | None) -> None:
    if not enabled or token is None:
        raise CorrectionsOffError(
            "This server does not take corrections.",
            cause="it was started without --corrections",
            fix="restart it with `eventwire serve --corrections`",
        )
    headers = request.headers
    host = headers.get("host", "")
    if not is_loopback_host(_host_name(host)):
        raise CrossSiteError(
            "Corrections are taken only through a loopback address.",
            cause=f"the request's Host is {host!r}",
            fix="open the dashboard at http://127.0.0.1:PORT/",
        )
    origin = headers.get("origin")
    if origin is not None:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or parts.netloc.lower() != host.lower():
            raise CrossSiteError(
                "Cross-site correction refused.",
                cause=f"the request came from {origin!r}",
                fix="make corrections from the dashboard this server serves",
            )
    if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise CrossSiteError(
            "Cross-site correction refused.",
            cause=f"Sec-Fetch-Site is {headers.get('sec-fetch-site')!r}",
            fix="make corrections from the dashboard this server serves",
        )
    sent = headers.get(TOKEN_HEADER)
    if not sent or not hmac.compare_digest(sent.encode(), token.encode()):
        raise TokenError(
            "A correction needs this server run's token." if not sent else "Wrong token.",
            cause=f"the {TOKEN_HEADER} header is {'missing' if not sent else 'not this run’s'}",
            fix="use the token `eventwire serve --corrections` printed at start",
        )


def page_with_token(page: Path, request: Request, token: str | None) -> str:
    """The dashboard's HTML, with the token in a meta tag when corrections are on and the
    page was asked for through a loopback host name (see the module docstring)."""
    html = page.read_text(encoding="utf-8")
    if token is None or not is_loopback_host(_host_name(request.headers.get("host", ""))):
        return html
    # The token is URL-safe base64: nothing in it needs escaping in an attribute.
    meta = f'<meta name="eventwire-token" content="{token}">'
    return html.replace("<head>", "<head>\n" + meta, 1)


@dataclass(frozen=True, slots=True)
class Written:
    """A stored correction, as the app needs it to patch its event index: the corrected
    events as they now read, and the file's data_version before and after the write (taken
    within the writer's turn, store/access.py ``writer``). No rows: the corrections'
    checkpoint (:class:`Checkpointer`), which changed the file but no event."""

    rows: tuple[IndexRow, ...]
    before: tuple[int, ...]
    after: tuple[int, ...]


class CorrectionRequest(BaseModel):
    """One correction of one event. ``action`` says which fields are read."""

    action: Action
    event_type: str | None = Field(default=None, max_length=32, description="retype: the type")
    mode: str | None = Field(default=None, max_length=32, description="retype: the mode")
    actor: str | None = Field(
        default=None, max_length=200, description="actor: a code (PRK, PRK MIL) or a name"
    )
    recipient: str | None = Field(default=None, max_length=200, description="recipient: same")
    polarity: Polarity | None = None
    modality: Modality | None = None
    note: str | None = Field(default=None, max_length=2000, description="Any action's note.")
    who: str | None = Field(default=None, max_length=100, description="The analyst's name.")


def _corrected(con: duckdb.DuckDBPyConnection, recorded: Recorded) -> Corrected:
    """What ``index_patch.read_corrected`` reads back after a correction (the events of its
    key as every reader now sees them, for the index and the answer), built from the rows
    the correction read (store/corrections.py ``corrected_row``, store/marks.py
    ``row_marks``) and the article's metadata (one lookup by primary key; skipped once
    rejected): the view's query cost a third of the round trip at a million events.
    tests/serve/test_serve_corrections.py checks that both give the same."""
    record = recorded.record
    rows: list[IndexRow] = []
    events: dict[str, dict[str, Any]] = {}
    article: tuple[Any, ...] | None = None
    with duckdb_errors("Reading the corrected events"):
        for coded in recorded.coded:
            rowid, event_id = int(coded["rowid"]), str(coded["id"])
            row = corrected_row(coded, record)
            if row is None:  # rejected: out of the view, and of the list
                rows.append(IndexRow(rowid, event_id, None, False))
                continue
            marks = row_marks(coded, record.new, judged=recorded.judged)
            if article is None:
                found = con.execute(
                    f"SELECT {', '.join(ARTICLE_COLUMNS)} FROM articles WHERE id = ?",
                    [record.article_id],
                ).fetchall()
                article = found[0] if found else (None,) * len(ARTICLE_COLUMNS)  # LEFT JOIN
            # The columns of queries.get_event: the view's with the marks, the article's.
            shown = {**row, **marks, **dict(zip(ARTICLE_COLUMNS, article, strict=True))}
            event = event_dict(list(shown), tuple(shown.values()))
            events[event_id] = event
            values = {name: event[name] for name in PATCHED}
            # analysis._common.COUNTED_SQL, coalesced to FALSE
            counted = event["polarity"] == "asserted" and event["modality"] == "actual"
            rows.append(IndexRow(rowid, event_id, values, counted))
    return Corrected(tuple(rows), events)


class Checkpointer:
    """Folds the corrections' write-ahead log into the file once corrections pause.

    A correction is answered once committed (durable in ``<db>.wal``, store/access.py
    ``writer(checkpoint=False)``); checkpointing it in the request cost about a quarter of
    the round trip at a million events. This thread checkpoints ``quiet`` seconds after the
    last correction (at the latest ``most`` seconds after the first one not yet folded),
    in a writer's turn like any other, and at exit. So the file alone holds the corrections
    again within a second, and other processes' opens do not replay a growing log. The
    checkpoint changes the file's data_version: ``after_write`` gets it (with no rows), so
    that the server takes it as its own write and does not rebuild its index."""

    def __init__(
        self,
        db: str,
        write_lock: threading.Lock,
        after_write: Callable[[Written], None],
        *,
        quiet: float = 0.2,
        most: float = 2.0,
    ) -> None:
        self.db = db
        self.quiet = quiet
        self.most = most
        self._write_lock = write_lock
        self._after_write = after_write
        self._cond = threading.Condition()
        self._first = 0.0  # when the oldest correction not yet folded was written; 0: none
        self._last = 0.0
        self._thread: threading.Thread | None = None
        self._closed = False
        self.checkpoints = 0
        self.error: EventwireError | None = None  # the last failure (retried on the next)
        _CHECKPOINTERS.add(self)

    def written(self) -> None:
        """A correction was committed without a checkpoint."""
        with self._cond:
            if self._closed:  # the process is exiting: it stays in the log (durable)
                return
            now = time.monotonic()
            self._first = self._first or now
            self._last = now
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="eventwire-checkpoint", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._closed or not self._first:
                    self._thread = None
                    return
                due = min(self._last + self.quiet, self._first + self.most)
                left = due - time.monotonic()
                if left > 0:
                    self._cond.wait(left)
                    continue
            self.flush()

    def flush(self) -> None:
        """Checkpoint now if a correction is not folded yet. All of it under the write
        lock: a flush waits for one under way (:meth:`close` relies on it), and the app
        learns of each write before the next one starts (else it could see the versions of
        two writes out of order, take the file for another process's and rebuild)."""
        with self._write_lock:
            with self._cond:
                if not self._first:
                    return
                self._first = 0.0
            versions: list[tuple[int, ...]] = []
            try:
                done = checkpoint(self.db, versions=lambda *v: versions.extend(v))
            except EventwireError as exc:  # the store is held elsewhere: the next one retries
                self.error = exc
                return
            if done:
                self.checkpoints += 1
                before, after = versions
                self._after_write(Written((), before, after))

    def close(self) -> None:
        """Fold what is left and stop (at exit). Once it returns, no checkpoint of this
        one is under way: the thread is a daemon, and a thread stopped by the interpreter's
        exit inside DuckDB aborts the process."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self.flush()


_CHECKPOINTERS: weakref.WeakSet[Checkpointer] = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    """At exit (a server stopped with Ctrl-C or SIGTERM), the last corrections are folded
    into the file too; after ``kill -9`` every open reads them from the log."""
    for c in list(_CHECKPOINTERS):
        c.close()


def install(
    app: FastAPI,
    *,
    db: str,
    enabled: bool,
    token: str | None,
    write_lock: threading.Lock,
    after_write: Callable[[Written], None],
) -> None:
    """Add the corrections routes to ``app`` (writes refused unless ``enabled``); its
    :class:`Checkpointer` is ``app.state.checkpointer``."""
    default_who = _user()
    checkpointer = Checkpointer(db, write_lock, after_write)
    app.state.checkpointer = checkpointer

    @app.post(
        "/api/events/{event_id}/corrections",
        summary="Correct an event (needs --corrections and the X-Eventwire-Token header)",
    )
    def correct(event_id: str, body: CorrectionRequest, request: Request) -> dict[str, Any]:
        _check_write(request, enabled, token)
        change = Change(
            action=body.action, event_type=body.event_type, mode=body.mode, actor=body.actor,
            recipient=body.recipient, polarity=body.polarity, modality=body.modality,
            note=body.note,
        )  # fmt: skip
        versions: list[tuple[int, ...]] = []
        with write_lock:  # held until the app knows of the write (see Checkpointer.flush)
            with writer(db, versions=lambda *v: versions.extend(v), checkpoint=False) as con:
                recorded = write_correction(con, event_id, change, who=body.who or default_who)
                # The events of its key as every reader now sees them (from the rows read
                # in this transaction: nothing else can have been written in between), for
                # the app's index and the answer (the event, None once rejected).
                read = _corrected(con, recorded)
            before, after = versions
            after_write(Written(read.rows, before, after))
        checkpointer.written()
        return {"correction": recorded.record.to_dict(), "event": read.events.get(event_id)}

    @app.get("/api/corrections", summary="Corrections, newest first (the history)")
    def corrections(
        request: Request,
        event_id: Annotated[str | None, Query(max_length=200)] = None,
        latest: Annotated[bool, Query(description="Only the one in force per event.")] = False,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> dict[str, Any]:
        with request.app.state.source.lease() as cur:
            found = list_corrections(cur, event_id=event_id, limit=limit, latest_only=latest)
        return {"enabled": enabled, "corrections": [c.to_dict() for c in found]}

    @app.get("/api/actors/lookup", summary="An actor code from the knowledge base")
    def actor_lookup(q: Annotated[str, Query(min_length=1, max_length=200)]) -> dict[str, Any]:
        fix = resolve_actor(q)
        return {"code": fix.code, "sector": fix.sector, "name": fix.name}


def _user() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment
        return None
