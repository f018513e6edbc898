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

import getpass
import hmac
import ipaddress
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Final
from urllib.parse import urlsplit

from fastapi import FastAPI, Query, Request
from pydantic import BaseModel, Field

from eventwire.errors import UsageError
from eventwire.model import Modality, Polarity
from eventwire.serve.index_patch import IndexRow, read_corrected
from eventwire.store.access import writer
from eventwire.store.corrections import (
    Action,
    Change,
    list_corrections,
    record_correction,
    resolve_actor,
)

__all__ = [
    "TOKEN_HEADER",
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
    within the writer's turn, store/access.py ``writer``)."""

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


def install(
    app: FastAPI,
    *,
    db: str,
    enabled: bool,
    token: str | None,
    write_lock: threading.Lock,
    after_write: Callable[[Written], None],
) -> None:
    """Add the corrections routes to ``app`` (writes refused unless ``enabled``)."""
    default_who = _user()

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
        with write_lock, writer(db, versions=lambda *v: versions.extend(v)) as con:
            record = record_correction(con, event_id, change, who=body.who or default_who)
            # The events of its key as every reader now sees them (in this transaction:
            # nothing else can have been written in between), for the app's index and the
            # answer (the event, None once rejected).
            read = read_corrected(con, record)
        before, after = versions
        after_write(Written(read.rows, before, after))
        return {"correction": record.to_dict(), "event": read.events.get(event_id)}

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
