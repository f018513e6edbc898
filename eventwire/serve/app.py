"""The HTTP API and the dashboard.

Safety choices, each deliberate:

- The store is opened **read-only** unless ``allow_write``; storing coded text is refused
  (403) otherwise. One DuckDB connection per app; each request works on its own
  ``cursor()`` because a DuckDB connection must not be shared between threads.
- Every SQL value is a bound parameter (see ``queries``).
- Request bodies over ``max_body_bytes`` are refused with 413 before they are parsed, whether
  or not the client sent a Content-Length.
- CORS is off unless origins are given. The dashboard is served with a strict
  Content-Security-Policy (scripts and styles only from this server) as a second line of
  defence; the page itself never puts data into ``innerHTML``.
- Errors come back as JSON ``{"error": {"message", "cause", "fix"}}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Hashable,
    Iterator,
    MutableMapping,
    Sequence,
)
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl

import duckdb
from fastapi import Depends, FastAPI, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from eventwire.analysis._common import Freq
from eventwire.analysis.alerts import detect_alerts
from eventwire.analysis.dyad import dyad_series, series_json
from eventwire.analysis.evidence import highlight_spans
from eventwire.analysis.span import bulk_span, clip_to_span, dated_outside
from eventwire.errors import EventwireError, ModelError, UsageError
from eventwire.model import Article, Event
from eventwire.serve import queries
from eventwire.serve.corrections import Written, is_loopback_host, page_with_token
from eventwire.serve.corrections import install as install_corrections
from eventwire.serve.index import EventIndex, IndexHolder
from eventwire.serve.live import Refresher
from eventwire.serve.queries import EventFilter
from eventwire.store.access import (
    SharedReader,
    SharedStore,
    data_version,
    lazy_cursor,
    reader,
    writer,
)

__all__ = ["NotFoundError", "ReadOnlyError", "app_from_env", "create_app", "serve"]

STATIC_DIR = Path(__file__).parent / "static"

_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _BodyLimit:
    """Pure ASGI middleware: refuse request bodies larger than ``max_bytes`` with 413.

    The body is read (up to the limit) before the app sees it, so a client that lies about
    or omits Content-Length is stopped as well."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def _refuse(self, send: Send, status: int, message: str) -> None:
        body = JSONResponse(
            {"error": {"message": message, "cause": None, "fix": None}}, status_code=status
        ).body
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())],
            }
        )  # fmt: skip
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        too_big = f"The request body is larger than {self.max_bytes} bytes."
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await self._refuse(send, 400, "Invalid Content-Length header.")
                    return
                if declared > self.max_bytes:
                    await self._refuse(send, 413, too_big)
                    return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send, 413, too_big)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class _SecurityHeaders:
    """Pure ASGI middleware adding nosniff and the Content-Security-Policy to responses.

    Not ``@app.middleware("http")``: Starlette's BaseHTTPMiddleware wraps every request in
    a task group and memory streams, which cost more than serving a cached page itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # /docs loads Swagger UI from its CDN; everything else is ours alone.
        csp = not str(scope.get("path", "")).startswith(("/docs", "/openapi"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                names = {name.lower() for name, _ in headers}
                if b"x-content-type-options" not in names:
                    headers.append((b"x-content-type-options", b"nosniff"))
                if csp and b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", _CSP.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


LIMIT_MAX = 500
OFFSET_MAX = 10_000_000
# /api/events parameters: name -> longest value (text) or None (a number, date or flag).
_EVENT_PARAMS: dict[str, int | None] = {
    "actor": 64, "recipient": 64, "type": 32, "q": 200,
    "quad": None, "since": None, "until": None, "all": None, "limit": None, "offset": None,
}  # fmt: skip


def _plain_int(text: str, lo: int, hi: int) -> int | None:
    """``text`` as an int in [lo, hi] when it is written plainly (digits, no sign, no
    leading zero); None otherwise."""
    if not (text.isascii() and text.isdigit()) or (len(text) > 1 and text[0] == "0"):
        return None
    value = int(text)
    return value if lo <= value <= hi else None


def _plain_events_query(query_string: bytes) -> tuple[EventFilter, int, int] | None:
    """The filter, limit and offset of an /api/events query string, when every parameter
    is known, given once and plainly valid (as FastAPI's validation would accept it, to
    the same values); None for anything else, which the FastAPI route then answers,
    errors included."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    values = dict(pairs)
    if len(values) != len(pairs):
        return None
    for name, value in values.items():
        if name not in _EVENT_PARAMS:
            return None
        longest = _EVENT_PARAMS[name]
        if longest is not None and len(value) > longest:
            return None
    dates: dict[str, dt.date | None] = {}
    for name in ("since", "until"):
        text = values.get(name)
        dates[name] = None
        if text is not None:
            digits = text[:4] + text[5:7] + text[8:]
            if not (len(text) == 10 and text[4] == text[7] == "-" and digits.isascii()
                    and digits.isdigit()):  # fmt: skip
                return None  # YYYY-MM-DD only (fromisoformat takes more than pydantic)
            try:
                dates[name] = dt.date.fromisoformat(text)
            except ValueError:
                return None
    quad = limit = offset = None
    if "quad" in values and (quad := _plain_int(values["quad"], 1, 4)) is None:
        return None
    if (limit := _plain_int(values.get("limit", "50"), 1, LIMIT_MAX)) is None:
        return None
    if (offset := _plain_int(values.get("offset", "0"), 0, OFFSET_MAX)) is None:
        return None
    everything = values.get("all", "false")
    if everything not in ("true", "false"):
        return None
    flt = EventFilter(
        actor=values.get("actor"),
        recipient=values.get("recipient"),
        event_type=values.get("type"),
        quad=quad,
        since=dates["since"],
        until=dates["until"],
        q=values.get("q"),
        everything=everything == "true",
    )
    return flt, limit, offset


class _EventsFastPath:
    """Pure ASGI middleware answering GET /api/events itself when its parameters are plain
    and valid (``_plain_events_query``).

    Why: FastAPI's routing and per-request dependency and parameter validation cost about
    as much CPU as rendering a page of events from memory; with 20 clients on two cores
    that doubles the wait. The route behind it stays the reference: it documents the API,
    and answers every request this does not (bad values get FastAPI's 422, a filter the
    store refuses its error), and the tests compare the two."""

    def __init__(
        self, app: ASGIApp, *, answer: Callable[[EventFilter, int, int], Awaitable[bytes]]
    ) -> None:
        self.app = app
        self.answer = answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or scope["path"] != "/api/events"
            or (parsed := _plain_events_query(scope.get("query_string", b""))) is None
        ):
            await self.app(scope, receive, send)
            return
        try:
            body = await self.answer(*parsed)
        except EventwireError:  # the route reports it, in its JSON form
            await self.app(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-length", str(len(body)).encode()),
                            (b"content-type", b"application/json")],
            }
        )  # fmt: skip
        await send({"type": "http.response.body", "body": body})


class _ResultCache:
    """A small thread-safe LRU of query results.

    Cleared by this app's own writes, and when another process (a coding run) changed the
    file: ``live.Refresher`` notices it and clears the cache with the new index. It turns
    the dashboard's repeated views (same filters, next page: same count) into lookups."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._inflight: dict[Hashable, threading.Lock] = {}

    def peek(self, key: Hashable) -> Any | None:
        """The cached value or None, without waiting (safe on the event loop)."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
        return None

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
            key_lock = self._inflight.setdefault(key, threading.Lock())
        # Single flight: concurrent misses of one key wait for one computation instead of
        # running the same scan twenty times over.
        with key_lock:
            with self._lock:
                if key in self._data:
                    return self._data[key]
            value = compute()
            with self._lock:
                self._data[key] = value
                self._inflight.pop(key, None)
                while len(self._data) > self.size:
                    self._data.popitem(last=False)
        return value

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()


class CodeRequest(BaseModel):
    """Text to code. ``published`` anchors relative dates ("on Sunday")."""

    text: str = Field(min_length=1, description="Article or sentence text (untrusted).")
    published: dt.date | None = Field(default=None, description="Publication date.")
    title: str = Field(default="", description="Headline, stored with the article.")
    url: str | None = Field(default=None, description="Source URL, stored with the article.")
    outlet: str | None = Field(default=None, description="Outlet name.")


class ReadOnlyError(UsageError):
    """A write was asked of a server started without ``allow_write``."""

    http_status = 403


class NotFoundError(UsageError):
    """The requested record does not exist."""

    http_status = 404


def _error_status(exc: EventwireError) -> int:
    status = getattr(exc, "http_status", None)
    if isinstance(status, int):
        return status
    if isinstance(exc, UsageError):
        return 400
    if isinstance(exc, ModelError):
        return 503
    return 500


def _event_json(event: Event) -> dict[str, Any]:
    d = event.to_dict()
    ev = event.evidence
    d["spans"] = [
        s.to_dict()
        for s in highlight_spans(
            ev.sentence,
            sentence_start=ev.start,
            trigger=ev.trigger,
            trigger_start=ev.trigger_start,
            trigger_end=ev.trigger_end,
            actor_text=event.actor[0].text if event.actor else None,
            recipient_text=event.recipient[0].text if event.recipient else None,
        )
    ]
    return d


def _coded_events(result: object) -> list[Event]:
    """``code_text`` may return the events or an object holding them in ``.events``."""
    events = getattr(result, "events", result)
    if not isinstance(events, Sequence) or not all(isinstance(e, Event) for e in events):
        raise ModelError(
            "The coder returned something other than events.",
            cause=f"eventwire.code_text returned {type(result).__name__}",
            fix="upgrade eventwire so the API and the coder match",
        )
    return list(events)


def _article_for(body: CodeRequest, coded: Sequence[Event]) -> Article:
    """The article to store with coded events. The coder cleans the text before coding and
    its offsets point into the cleaned text, so the cleaned text is what is stored."""
    try:
        from eventwire.ingest import article_id, clean_text
    except ImportError:  # a slim installation without the readers: store the text as given
        text = body.text
        aid = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    else:
        text = clean_text(body.text)
        aid = article_id(text)
    return Article(
        id=coded[0].article_id if coded else aid,
        text=text,
        title=body.title,
        url=body.url,
        outlet=body.outlet,
        published=body.published,
        source="api",
    )


def _cursor(request: Request) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor per request: DuckDB connections must not be shared between threads. The
    file is opened only if the request queries it (not when its answer is cached)."""
    request.app.state.refresher.poke()
    with lazy_cursor(request.app.state.source) as cur:
        yield cur


Cur = Annotated[duckdb.DuckDBPyConnection, Depends(_cursor)]


async def _event_filter(
    actor: Annotated[str | None, Query(max_length=64, description="Actor code, e.g. USA.")] = None,
    recipient: Annotated[str | None, Query(max_length=64, description="Recipient code.")] = None,
    type: Annotated[str | None, Query(max_length=32, description="PLOVER event type.")] = None,
    quad: Annotated[int | None, Query(ge=1, le=4, description="Quad class.")] = None,
    since: Annotated[dt.date | None, Query(description="First day, inclusive.")] = None,
    until: Annotated[dt.date | None, Query(description="Last day, inclusive.")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Text in the sentence.")] = None,
    all: Annotated[
        bool,
        Query(
            description="Include negated, future and hypothetical events and background references."
        ),
    ] = False,
) -> EventFilter:
    # async: a plain function dependency would cost a threadpool round trip per request.
    return EventFilter(
        actor=actor,
        recipient=recipient,
        event_type=type,
        quad=quad,
        since=since,
        until=until,
        q=q,
        everything=all,
    )


Filter = Annotated[EventFilter, Depends(_event_filter)]


def create_app(
    db_path: str | Path,
    *,
    allow_write: bool = False,
    max_body_bytes: int = 100_000,
    cors_origins: Sequence[str] = (),
    cache_size: int = 1024,
    corrections_token: str | None = None,
) -> FastAPI:
    """Build the API and dashboard over the store at ``db_path``.

    With ``corrections_token`` (serve/corrections.py: ``new_token()``) analysts' corrections
    are taken, each write carrying that token; without, every correction is refused (403).

    Raises :class:`StoreError` when the store cannot be opened (for reading: when it does
    not exist).
    """
    if max_body_bytes < 1:
        raise UsageError("max_body_bytes must be positive.")
    if corrections_token is not None and cors_origins:
        raise UsageError(
            "Corrections are not taken from other origins.",
            cause="a server taking corrections answers its own dashboard only",
            fix="drop --cors-origin, or --corrections",
        )
    db = str(db_path)
    # No connection is held between requests: `eventwire code` and other writers take
    # turns on the file with us (store/access.py, docs/CONCURRENCY.md).
    if allow_write or corrections_token is not None:
        with writer(db):
            pass  # creates or migrates the store now
    source = SharedReader(db)
    with source.lease():
        pass  # a missing or unreadable store fails here, not on the first request
    cache = _ResultCache(cache_size)
    write_lock = threading.Lock()  # one writer at a time: write_batch is a transaction
    # /api/events works in its own small pool, one DuckDB cursor per lease (a connection
    # must not be shared between threads; DuckDB and numpy release the GIL). Few threads on
    # purpose: twenty concurrent scans on two cores only thrash; queued work waits its turn.
    pool = ThreadPoolExecutor(
        max_workers=min(4, (os.cpu_count() or 1) + 2), thread_name_prefix="eventwire-api"
    )

    def read_index() -> tuple[tuple[int, ...], EventIndex]:
        """A new index, with the file's data_version taken first: it holds at least that."""
        token = data_version(db)
        with contextlib.ExitStack() as lease:
            cur = lease.enter_context(source.lease())
            built = EventIndex(cur, fetched=lease.close)  # the file is let go once read
        return token, built

    def build_index() -> EventIndex:
        token, built = read_index()
        refresher.seen = token
        return built

    def start_text_index(idx: EventIndex) -> None:
        # Seconds of work for a million sentences: in the background, so the server answers
        # meanwhile (text searches scan in DuckDB until it is ready).
        with contextlib.suppress(RuntimeError):  # the pool is shutting down
            pool.submit(idx.build_text_index)

    event_index = IndexHolder(build_index, start_text_index)

    def prepare() -> None:
        """Build the index and compute the dashboard's opening view (what app.js asks for
        with no filters), so that a first visit finds its data cached."""
        try:
            event_index.get()
            flt = EventFilter()
            cache.get(("page", flt, 50, 0), lambda: render_events(flt, 50, 0))
            with lazy_cursor(source) as cur:
                timeline_rows(cur, flt, "week")
                top_dyads(cur, flt, 30)
                alerts_doc(cur, None, None, "week", 8, 2.0, 3, None, None, 3, 20)
        except EventwireError:
            pass  # the request that needs it will compute it again and report the error

    def refresh() -> None:
        """After another process wrote to the store: a new index and opening view, built
        while the current ones keep answering, then swapped in."""
        generation = event_index.generation
        token, built = read_index()
        if event_index.swap(built, generation):  # else a write here got in first
            refresher.seen = token
            cache.clear()
            start_text_index(built)
            prepare()

    refresher = Refresher(db, refresh, submit=pool.submit)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Build the index in the background right away, so the dashboard's first request
        # finds it ready (or waits for this one build); startup is not held up by it.
        building = asyncio.get_running_loop().run_in_executor(pool, prepare)
        try:
            yield
        finally:
            await asyncio.wait([building])
            refresher.stop()
            pool.shutdown(wait=True, cancel_futures=True)
            source.close()

    app = FastAPI(
        title="eventwire",
        summary="PLOVER political events with their evidence.",
        version="1",
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.db_path = db
    app.state.allow_write = allow_write
    app.state.source = source
    app.state.refresher = refresher
    app.state.event_index = event_index

    @app.exception_handler(EventwireError)
    async def _eventwire_error(_: Request, exc: EventwireError) -> JSONResponse:
        return JSONResponse(
            {"error": {"message": exc.message, "cause": exc.cause, "fix": exc.fix}},
            status_code=_error_status(exc),
        )

    def render_events(flt: EventFilter, limit: int, offset: int) -> bytes:
        idx = event_index.get()  # before the lease: a build waiting for one may hold it
        with lazy_cursor(source) as cur:  # the file is opened only for a DuckDB text scan
            page = idx.page(cur, flt, limit=limit, offset=offset)
        head = f'{{"total":{page.total},"limit":{limit},"offset":{offset},"events":'
        return (head + idx.events_json(page.positions) + "}").encode("utf-8")

    def quick(flt: EventFilter) -> bool:
        """Whether a page of ``flt`` is only array work (a millisecond or two; a new text
        search with the text index built: a few): then it is answered on the event loop,
        sparing a thread hop and the GIL hand-overs between threads, which cost more than
        the work. Pages that wait for the index or scan in DuckDB go to the pool."""
        idx = event_index.current()
        # A non-ASCII text is lowered by DuckDB (a lease: never on the event loop).
        ready = idx is not None and idx.text is not None and bool(flt.q and flt.q.isascii())
        return idx is not None and (not flt.q or ready or idx.text_cached(flt.q))

    async def events_body(flt: EventFilter, limit: int, offset: int) -> bytes:
        # A cached page is answered on the event loop, as bytes serialised once (no thread
        # hop, no response-model validation, no re-encoding); so is a page that is only
        # array work (quick). Anything slower runs in the pool.
        refresher.poke()
        key = ("page", flt, limit, offset)
        body: bytes | None = cache.peek(key)
        if body is None and quick(flt):
            body = render_events(flt, limit, offset)
            cache.put(key, body)
        if body is None:
            computed: bytes = await asyncio.get_running_loop().run_in_executor(
                pool, lambda: cache.get(key, lambda: render_events(flt, limit, offset))
            )
            return computed
        return body

    @app.get("/api/events", summary="Events matching the filters, newest first")
    async def events(
        flt: Filter,
        limit: Annotated[int, Query(ge=1, le=LIMIT_MAX)] = 50,
        offset: Annotated[int, Query(ge=0, le=OFFSET_MAX)] = 0,
    ) -> Response:
        # Requests with plain, valid parameters are answered by _EventsFastPath before
        # they get here; this route answers the rest (and documents the API).
        return Response(await events_body(flt, limit, offset), media_type="application/json")

    @app.get("/api/events/{event_id}", summary="One event with every stored field")
    def event(cur: Cur, event_id: str) -> dict[str, Any]:
        found = queries.get_event(cur, event_id)
        if found is None:
            raise NotFoundError(f"No event {event_id!r}.", fix="take ids from /api/events")
        return found

    def top_dyads(cur: duckdb.DuckDBPyConnection, flt: EventFilter, limit: int) -> Any:
        return cache.get(("dyads", flt, limit), lambda: queries.top_dyads(cur, flt, limit=limit))

    def timeline_rows(
        cur: duckdb.DuckDBPyConnection, flt: EventFilter, freq: Freq, all_dates: bool = False
    ) -> Any:
        """The /api/timeline document. Unless ``all_dates``, an open end of the range is
        closed at the bulk span of the store's dates (analysis.span: stated dates of the
        past would stretch the chart over a century), and it says how many events that
        leaves out."""

        def compute() -> dict[str, Any]:
            span = None if all_dates else cache.get(("span",), lambda: bulk_span(cur))
            since, until = clip_to_span(span, flt.since, flt.until)
            where, params = flt.where()
            return {
                "freq": freq,
                "rows": queries.timeline(
                    cur, dataclasses.replace(flt, since=since, until=until), freq=freq
                ),
                "all_dates": all_dates,
                "since": since.isoformat() if since else None,
                "until": until.isoformat() if until else None,
                "outside": dated_outside(cur, where, params, since, until).to_dict(),
            }

        return cache.get(("timeline", flt, freq, all_dates), compute)

    @app.get("/api/dyads", summary="Directed dyads with the most events")
    def dyads(
        cur: Cur, flt: Filter, limit: Annotated[int, Query(ge=1, le=1000)] = 30
    ) -> dict[str, Any]:
        return {"dyads": top_dyads(cur, flt, limit)}

    @app.get("/api/timeline", summary="Events per period and quad for the filters")
    def timeline(
        cur: Cur,
        flt: Filter,
        freq: Freq = "week",
        all_dates: Annotated[
            bool,
            Query(description="Show every date; by default the bulk of the store's dates."),
        ] = False,
    ) -> dict[str, Any]:
        doc: dict[str, Any] = timeline_rows(cur, flt, freq, all_dates)
        return doc

    @app.get("/api/dyads/{a}/{b}/series", summary="The time series of one dyad")
    def series(
        cur: Cur,
        a: str,
        b: str,
        freq: Freq = "week",
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> dict[str, Any]:
        s = dyad_series(cur, a, b, since=since, until=until, freq=freq)
        return series_json(s)

    @app.get("/api/alerts", summary="Escalation alerts (robust z-score on conflict intensity)")
    def alerts(
        cur: Cur,
        a: str | None = None,
        b: str | None = None,
        freq: Freq = "week",
        window: Annotated[int, Query(ge=2, le=520)] = 8,
        threshold: Annotated[float, Query(gt=0, le=1000)] = 2.0,
        min_events: Annotated[int, Query(ge=1)] = 3,
        since: dt.date | None = None,
        until: dt.date | None = None,
        evidence: Annotated[int, Query(ge=0, le=50)] = 3,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        min_history: Annotated[
            int | None,
            Query(ge=0, le=520, description="Baseline periods holding data (default: window)."),
        ] = None,
    ) -> dict[str, Any]:
        return alerts_doc(
            cur, a, b, freq, window, threshold, min_events, since, until, evidence, limit,
            min_history=min_history,
        )  # fmt: skip

    def alerts_doc(
        cur: duckdb.DuckDBPyConnection, *args: Any, min_history: int | None = None
    ) -> Any:
        a, b, freq, window, threshold, min_events, since, until, evidence, limit = args
        return cache.get(
            ("alerts", *args, min_history),
            lambda: {
                "alerts": [
                    al.to_dict()
                    for al in detect_alerts(
                        cur, a=a, b=b, freq=freq, window=window, threshold=threshold,
                        min_events=min_events, since=since, until=until, evidence=evidence,
                        limit=limit, min_history=min_history,
                    )
                ]
            },
        )  # fmt: skip

    @app.post("/api/code", summary="Code text into events (stored only with store=true)")
    def code(
        body: CodeRequest,
        store: Annotated[
            bool, Query(description="Also store the article and its events (needs --allow-write).")
        ] = False,
    ) -> dict[str, Any]:
        if store and not allow_write:
            raise ReadOnlyError(
                "This server is read-only: coded text cannot be stored.",
                cause="the server was started without allow_write",
                fix="drop store=true, or restart the server with --allow-write",
            )
        # Imported here: the coder loads spaCy and the classifier, which a read-only
        # dashboard never needs.
        import eventwire

        code_text = getattr(eventwire, "code_text", None)
        if code_text is None:
            raise ModelError(
                "The coder is not available in this installation.",
                fix="install eventwire with its coder, or use the CLI to code text",
            )
        coded = _coded_events(code_text(body.text, published=body.published, url=body.url))
        stored = False
        if store:
            article = _article_for(body, coded)
            # In turn with coding runs and our own reads (store/access.py).
            with write_lock, SharedStore(db, run=False) as st:
                st.write_batch([(article, coded)])
            cache.clear()
            event_index.invalidate()
            stored = True
        return {"stored": stored, "events": [_event_json(e) for e in coded]}

    rebuild_queued = threading.Event()

    def rebuild_after_correction() -> None:
        rebuild_queued.clear()  # corrections from now on queue another rebuild
        prepare()

    def after_correction(written: Written) -> None:
        if not written.rows:  # the corrections' checkpoint: the file changed, no event did
            if refresher.seen == written.before:
                refresher.seen = written.after
            return
        cache.clear()
        # The corrected events are patched into the index (milliseconds), not rebuilt
        # (seconds at a million events, holding the file meanwhile: the next correction
        # waited for it). If the index held the store as it was just before this write,
        # it now holds it as written: the refresher is told, so that it does not rebuild
        # for our own write. Else another process wrote since: the refresher rebuilds.
        if event_index.patch(lambda idx: idx.corrected(written.rows)):
            if refresher.seen == written.before:
                refresher.seen = written.after
            return
        # No index yet, or one the patch cannot bring up to date (an event it does not
        # hold): rebuilt now, not by the dashboard's next request; one rebuild queued at
        # most, so a run of such corrections costs one rebuild after it, not one each.
        if not rebuild_queued.is_set():
            rebuild_queued.set()
            with contextlib.suppress(RuntimeError):  # the pool is shutting down
                pool.submit(rebuild_after_correction)

    install_corrections(
        app, db=db, enabled=corrections_token is not None, token=corrections_token,
        write_lock=write_lock, after_write=after_correction,
    )  # fmt: skip

    @app.get("/", include_in_schema=False)
    def index(request: Request) -> Response:
        if corrections_token is not None:  # the page carries the token (corrections.py)
            page = page_with_token(STATIC_DIR / "index.html", request, corrections_token)
            return HTMLResponse(page, headers={"cache-control": "no-store"})
        return FileResponse(STATIC_DIR / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # Innermost (added first), so that CORS and the security headers apply to its answers.
    app.add_middleware(_EventsFastPath, answer=events_body)
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["content-type"],
        )
    app.add_middleware(_SecurityHeaders)
    app.add_middleware(_BodyLimit, max_bytes=max_body_bytes)
    return app


_ENV_DB = "EVENTWIRE_SERVE_DB"
_ENV_CORS = "EVENTWIRE_SERVE_CORS"


def app_from_env() -> FastAPI:
    """The app factory for uvicorn worker processes (``serve(workers=N)``): each worker
    opens the store read-only itself. ``EVENTWIRE_SERVE_DB`` names the store and
    ``EVENTWIRE_SERVE_CORS`` the allowed origins (comma-separated, none when unset)."""
    db = os.environ.get(_ENV_DB)
    if not db:
        raise UsageError(f"{_ENV_DB} is not set.", fix="start the server with eventwire serve")
    origins = [o for o in os.environ.get(_ENV_CORS, "").split(",") if o]
    return create_app(db, cors_origins=origins)


def _run_workers(workers: int, host: str, port: int) -> None:
    """uvicorn.run(..., workers=N), with TCP_NODELAY on the shared listening socket.

    uvicorn binds that socket without naming the protocol, so asyncio does not recognise the
    accepted connections as TCP and leaves Nagle's algorithm on: the body, written after the
    headers, then waits for the client's delayed ACK, and every response takes ~40 ms
    (measured: p50 44 ms on cached requests with 2 workers, 4 ms with 1). Linux copies the
    option from the listening socket to each connection it accepts.
    """
    import socket

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(
        "eventwire.serve.app:app_from_env",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="warning",
        ws="none",
    )
    sock = config.bind_socket()
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    with contextlib.suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=[sock]).run()


def serve(
    db_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    allow_write: bool = False,
    cors_origins: Sequence[str] = (),
    workers: int = 1,
    corrections_token: str | None = None,
) -> None:
    """Run the API and dashboard with uvicorn until interrupted (loopback only by default).

    ``workers`` > 1 runs that many processes, each with its own read-only connection,
    index and cache (several processes may read one DuckDB file; a writer needs it alone,
    so ``allow_write`` takes one worker)."""
    import uvicorn

    if workers < 1:
        raise UsageError("workers must be at least 1.")
    if corrections_token is not None and not is_loopback_host(host):
        raise UsageError(
            f"Corrections are taken on loopback only, not on {host}.",
            cause="anyone who can reach the server could try to write to the database",
            fix="drop --host (127.0.0.1 is the default), or --corrections",
        )
    if workers > 1 and (allow_write or corrections_token is not None):
        raise UsageError(
            "A writable server runs in one process.",
            cause="DuckDB gives a writer the database file to itself",
            fix="drop --allow-write, or use one worker",
        )
    try:
        if workers == 1:
            app = create_app(
                db_path, allow_write=allow_write, cors_origins=cors_origins,
                corrections_token=corrections_token,
            )  # fmt: skip
            uvicorn.run(app, host=host, port=port, log_level="warning", ws="none")
        else:
            with reader(db_path):
                pass  # a missing store fails here, not per worker
            os.environ[_ENV_DB] = str(db_path)
            os.environ[_ENV_CORS] = ",".join(cors_origins)
            _run_workers(workers, host, port)
    except OSError as exc:
        raise UsageError(
            f"Cannot listen on {host}:{port}.",
            cause=str(exc),
            fix="choose another --port, or stop the process using it",
        ) from exc
