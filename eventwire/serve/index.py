"""An in-memory index of the events table for /api/events.

Why: 20 dashboards on a 2-core laptop leave a request a few milliseconds of CPU if p95 is to
stay under 100 ms (20 clients in flight, each waiting for the others). DuckDB answering
"page 200 of USA's events, newest first" or "sentences containing 'missile'" costs tens of
milliseconds a query, and a fetch of one page's rows by rowid still several. So the server
keeps what /api/events filters on and shows in memory, sorted as the list is sorted (date
newest first, undated last, then id):

- one posting list per actor, recipient, type and quad (the sorted positions of its events,
  once over all events and once over the counted ones), and the dates; a filter is then
  the smallest matching list, cut to the date range by two binary searches (the order is
  by date), and checked against the other filters by array lookups on that list only;
- the page's displayed columns (sentence included), so a page is an Arrow ``take`` of its
  rows and DuckDB is not asked at all;
- for text search, an inverted index from token to positions and each sentence's tokens
  (:class:`TextIndex`), built in the background after start-up from the lowered sentences;
  until it is ready, text searches scan the sentences in DuckDB, as before.

The store may change under a serving app (a coding run, docs/CONCURRENCY.md): an analyst's
correction is patched in (:meth:`EventIndex.corrected`, milliseconds: the corrected events'
values, lists and counts change, a rejected event is marked removed); the app's other writes
drop the index (it is rebuilt on the next request); another process's are noticed by
``live.Refresher``, which builds a new index in the background and swaps it in.

The results are those of the SQL in ``queries`` (``list_events``, ``count_events``); the
tests compare the two on many filters.

The parts, each in its own module (every name the app and tests use is importable from
here): ``index_postings`` (sorted position lists and their intersections),
``index_text`` (the token index behind text search), ``index_columns`` (the displayed
columns, written as JSON), ``index_spans`` (the highlight spans of every event) and
``index_holder`` (the current index, patched or rebuilt after writes and swapped by
``live``) and ``index_patch`` (what a correction changes, read back in its transaction).
"""

from __future__ import annotations

import contextlib
import copy
import ctypes
import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from eventwire.analysis._common import COUNTED_SQL, duckdb_errors
from eventwire.analysis.evidence import highlight_spans
from eventwire.serve.index_columns import _Columns, _owned, _same
from eventwire.serve.index_holder import IndexHolder
from eventwire.serve.index_patch import PATCHED, IndexRow
from eventwire.serve.index_postings import (
    BoolArray,
    PosArray,
    _cut,
    _in_sorted,
    _Lists,
    _small_codes,
    _with,
    _without,
)
from eventwire.serve.index_spans import _SPAN_COLUMNS, _SPANS_SQL, _Spans, _spans_json
from eventwire.serve.index_text import TextIndex
from eventwire.serve.queries import ARTICLE_COLUMNS, LIST_COLUMNS, EventFilter
from eventwire.store.corrections import corrected_events_sql
from eventwire.store.marks import MARKS_SQL

# IndexHolder and TextIndex live in their own modules and are imported from here (by the
# app and the tests), as when this was one module.
__all__ = ["EventIndex", "IndexHolder", "Page", "TextIndex"]

_EPOCH: Final = dt.date(1970, 1, 1)
# (filter parameter, column): the categorical filters, each an equality on one column.
_CATEGORIES: Final = (
    ("actor", "actor_code"),
    ("recipient", "recipient_code"),
    ("event_type", "event_type"),
    ("quad", "quad"),
)
# The matches of recent search texts are kept: at most this many texts and positions (4
# bytes each) in all.
_TEXT_CACHE: Final = 64
_TEXT_CACHE_POSITIONS: Final = 16_000_000
# The events the index holds: corrected_events with the coder's row's rowid and the review
# marks (store/marks.py: in the same pass, as queries.MARKED_EVENTS).
_CORRECTED: Final = corrected_events_sql(f"e.rowid AS rowid, {MARKS_SQL}")
_PATCHED: Final = list(PATCHED)


@dataclass(frozen=True, slots=True)
class Page:
    """A filter's total and the positions (in the index's order) of one page of it."""

    total: int
    positions: PosArray


@dataclass(frozen=True, slots=True)
class _Category:
    codes: npt.NDArray[Any]  # the value code of each position (-1: NULL)
    values: dict[Any, int]  # value -> code
    every: _Lists
    counted: _Lists

    @property
    def nbytes(self) -> int:
        return int(self.codes.nbytes + self.every.nbytes + self.counted.nbytes)

    def value(self, code: int) -> Any:
        """The value of ``code`` (-1: NULL)."""
        return None if code < 0 else next(v for v, c in self.values.items() if c == code)

    def moved(
        self, position: int, value: Any, *, was: tuple[bool, bool], now: tuple[bool, bool]
    ) -> _Category:
        """This category with ``position`` holding ``value`` (a new value gets the next
        code); ``was`` and ``now`` say whether it is listed and counted, before and after.
        Shares what did not change with ``self``."""
        old = int(self.codes[position])
        values = self.values
        new = -1 if value is None else values.get(value, len(values))
        if new == len(values):  # a value the build never saw
            values = {**values, value: new}
        codes = self.codes
        if new != old:
            codes = codes.astype(np.result_type(codes.dtype, _small_codes(len(values))))  # a copy
            codes[position] = new
        grew = len(values) != len(self.values)
        every, counted = self.every, self.counted
        if (was[0], old) != (now[0], new) or grew:
            every = every.moved(position, old if was[0] else -1, new if now[0] else -1, len(values))
        if (was[1], old) != (now[1], new) or grew:
            counted = counted.moved(
                position, old if was[1] else -1, new if now[1] else -1, len(values)
            )
        if codes is self.codes and every is self.every and counted is self.counted:
            return self
        return _Category(codes, values, every, counted)


def _category(column: pa.ChunkedArray, counted: BoolArray) -> _Category:
    encoded = column.combine_chunks().dictionary_encode()
    values = {v: i for i, v in enumerate(encoded.dictionary.to_pylist())}
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    codes = codes.astype(_small_codes(len(values)))
    return _Category(
        codes,
        values,
        _Lists.of(codes, len(values), None),
        _Lists.of(codes, len(values), counted),
    )


class _TextSlot:
    """The lowered sentences, then the token index built from them: one slot shared by an
    index and its corrected copies, so that the background build serves them all."""

    def __init__(self, lowered: pa.Array) -> None:
        self.lowered: pa.Array | None = lowered
        self.text: TextIndex | None = None
        self._lock = threading.Lock()

    def build(self) -> bool:
        """Build the token index unless it is built (or building); whether this built it."""
        with self._lock:
            lowered, self.lowered = self.lowered, None
        if lowered is None:
            return False
        try:
            self.text = TextIndex(lowered)
        except BaseException:
            self.lowered = lowered  # the next try starts again
            raise
        return True


class EventIndex:
    """The events as /api/events lists them, in memory (see the module docstring)."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, *, fetched: Callable[[], None] | None = None
    ) -> None:
        """``fetched`` is called once every row is read, before the (longer) indexing: the
        server ends its lease on the file there, so a waiting writer need not wait for it."""
        # A cursor of our own: a result left pending on ``con`` (by a fetchone, say) would
        # make DuckDB refuse the relation queries below.
        cur = con.cursor()
        try:
            self._load(cur, fetched)
        finally:
            cur.close()
        _release_memory()

    def _load(
        self, con: duckdb.DuckDBPyConnection, fetched: Callable[[], None] | None = None
    ) -> None:
        shown = ", ".join(f"e.{c}" for c in LIST_COLUMNS)
        with duckdb_errors("Indexing events"):
            # The articles' metadata stays in memory (a few columns); each event carries the
            # row of its article, so a page's sources are an array lookup, not a join.
            articles = _owned(
                con.sql(f"SELECT id, {', '.join(ARTICLE_COLUMNS)} FROM articles").to_arrow_table()
            )
            rows = pa.table(
                {
                    "id": articles["id"],
                    "arow": pa.array(np.arange(articles.num_rows, dtype=np.int32)),
                }
            )
            con.register("_ew_article_rows", rows)
            try:
                # The list's order comes from one narrow sort; the wide rows are read in
                # storage order, batch by batch, and put in that order by Arrow. A sort of
                # the wide rows in DuckDB would hold all of them twice at its peak.
                # The events as corrected (store/corrections.py), by the rowid of the
                # coder's row: a view has no rowid of its own.
                order = con.sql(
                    f"SELECT rowid FROM ({_CORRECTED}) ORDER BY date DESC NULLS LAST, id"
                ).fetchnumpy()["rowid"]
                reader = con.sql(
                    f"""SELECT e.rowid AS rid, {shown},
                               coalesce(a.arow, -1) AS arow,
                               coalesce({COUNTED_SQL}, FALSE) AS counted,
                               lower(e.sentence) AS lowered, {_SPANS_SQL}
                        FROM ({_CORRECTED}) e
                        LEFT JOIN _ew_article_rows a ON a.id = e.article_id"""
                ).to_arrow_reader(batch_size=100_000)
                scanned = pa.Table.from_batches(list(reader), schema=reader.schema)
            finally:
                con.unregister("_ew_article_rows")
        if fetched is not None:
            con.close()  # the rows are Arrow's now; an open cursor would keep the file open
            fetched()
        rid = scanned["rid"].to_numpy()
        at = np.full(int(rid.max(initial=-1)) + 1, -1, dtype=np.int64)
        at[rid] = np.arange(rid.size)
        table = _owned(scanned, at[np.asarray(order, dtype=np.int64)])
        del scanned, reader
        self.size = table.num_rows
        self.articles = _Columns(articles.select(list(ARTICLE_COLUMNS)))
        self.article_row = table["arow"].to_numpy().astype(np.int32)
        self.counted: BoolArray = table["counted"].to_numpy(zero_copy_only=False).astype(bool)
        self.counted_positions: PosArray = np.flatnonzero(self.counted).astype(np.int32)
        dates = table["date"]
        # Days since 1970, negated so that the (descending) date order is ascending here and
        # a date range is one searchsorted slice. Undated events sort last and match no range.
        self.dated = self.size - dates.null_count
        days = dates.cast(pa.int32()).fill_null(0).to_numpy().astype(np.int32)
        self.neg_days = -days[: self.dated]
        self.categories = {
            key: _category(table[column], self.counted) for key, column in _CATEGORIES
        }
        # rowid -> position, for the matches of a DuckDB scan (text search until the text
        # index is ready).
        rowid = table["rid"].to_numpy()
        self._position = np.full(int(rowid.max(initial=-1)) + 1, -1, dtype=np.int32)
        self._position[rowid] = np.arange(self.size, dtype=np.int32)
        # Until the text index is built from it (then dropped).
        # The text index and the cache of text matches are shared with the copies that
        # corrections make (:meth:`corrected`): a sentence is never corrected, so a copy's
        # text matches are its original's.
        self._text_slot = _TextSlot(table["lowered"].combine_chunks())
        self._spans = _Spans(table)
        self.shown = _Columns(table.select(list(LIST_COLUMNS)))
        # Events rejected since the build (corrections patch the index, not rebuild it):
        # their positions stay, left out of every list and count.
        self.removed: BoolArray | None = None
        self.removed_positions: PosArray = np.zeros(0, dtype=np.int32)
        del table
        self._text_cache: OrderedDict[str, PosArray] = OrderedDict()
        self._text_lock = threading.Lock()

    # ------------------------------------------------------------------ text

    @property
    def text(self) -> TextIndex | None:
        """The token index, once built (:meth:`build_text_index`)."""
        return self._text_slot.text

    @property
    def lowered(self) -> pa.Array | None:
        """The lowered sentences, until the token index is built from them."""
        return self._text_slot.lowered

    def build_text_index(self) -> None:
        """Build the token index (seconds for a million sentences; run it in the
        background: text searches scan in DuckDB meanwhile)."""
        if self._text_slot.build():
            _release_memory()

    def text_cached(self, q: str) -> bool:
        with self._text_lock:
            return q in self._text_cache

    def _text_positions(self, con: duckdb.DuckDBPyConnection, q: str) -> PosArray:
        with self._text_lock:
            if q in self._text_cache:
                self._text_cache.move_to_end(q)
                return self._text_cache[q]
        found: PosArray | None = None
        text = self.text
        with duckdb_errors("Searching the sentences"):
            if text is not None:
                # Lowered as the SQL lowers it: by DuckDB, unless the text is ASCII (then
                # DuckDB and str.lower both map A-Z to a-z alone, and a query costs more).
                lowered_q = q.lower() if q.isascii() else None
                if lowered_q is None:
                    # fetchall, not fetchone: it leaves no result pending on the cursor.
                    rows = con.execute("SELECT lower($q)", {"q": q}).fetchall()
                    lowered_q = str(rows[0][0])
                found = text.search(lowered_q)
            if found is None:
                # contains() takes the text literally (no wildcards) and q is a bound parameter.
                rowids = con.execute(
                    f"SELECT rowid FROM ({_CORRECTED}) WHERE contains(lower(sentence), lower($q))",
                    {"q": q},
                ).fetchnumpy()["rowid"]
                found = np.sort(self._position[np.asarray(rowids, dtype=np.int64)])
        with self._text_lock:
            self._text_cache[q] = found
            kept = sum(a.size for a in self._text_cache.values())
            while len(self._text_cache) > 1 and (
                len(self._text_cache) > _TEXT_CACHE or kept > _TEXT_CACHE_POSITIONS
            ):
                kept -= self._text_cache.popitem(last=False)[1].size
        return found

    # ------------------------------------------------------------------ pages

    @property
    def nbytes(self) -> int:
        arrays = [self.article_row, self.counted, self.counted_positions, self.neg_days,
                  self._position]  # fmt: skip
        text = self.text.nbytes if self.text is not None else 0
        return (
            sum(a.nbytes for a in arrays)
            + sum(c.nbytes for c in self.categories.values())
            + self.articles.nbytes
            + self.shown.nbytes
            + (self.lowered.nbytes if self.lowered is not None else 0)
            + self._spans.nbytes
            + text
        )

    def _date_slice(self, since: dt.date | None, until: dt.date | None) -> tuple[int, int]:
        if since is None and until is None:
            return 0, self.size
        lo, hi = 0, self.dated
        # np.int32 keys: a Python int would make numpy copy the whole array to int64 first.
        if until is not None:
            key = np.int32(-(until - _EPOCH).days)
            lo = int(np.searchsorted(self.neg_days, key, side="left"))
        if since is not None:
            key = np.int32(-(since - _EPOCH).days)
            hi = int(np.searchsorted(self.neg_days, key, side="right"))
        return lo, max(lo, hi)

    def page(
        self, con: duckdb.DuckDBPyConnection, flt: EventFilter, *, limit: int, offset: int
    ) -> Page:
        """The total matching ``flt`` and the positions of ``limit`` of them from
        ``offset``.

        Raises the same errors as :meth:`EventFilter.where` (it validates the filter)."""
        _, params = flt.where()  # validates, and normalises the values as the SQL would
        lo, hi = self._date_slice(params.get("since"), params.get("until"))
        empty = Page(0, np.zeros(0, dtype=np.int32))
        # Each filter is a sorted list of positions (all cut to the date range); the
        # categorical ones can also be tested on any position through their codes.
        lists: list[tuple[PosArray, tuple[npt.NDArray[Any], int] | None]] = []
        for key, cat in self.categories.items():
            if key in params:
                code = cat.values.get(params[key])
                if code is None:  # a value the store never saw: nothing matches
                    return empty
                postings = cat.every if flt.everything else cat.counted
                lists.append((_cut(postings.get(code), lo, hi), (cat.codes, code)))
        text: PosArray | None = None
        if "q" in params:
            text = _cut(self._text_positions(con, params["q"]), lo, hi)
            if self.removed is not None:  # the text matches hold every event of the build
                text = text[~self.removed[text]]
            lists.append((text, None))
        if not lists:
            if flt.everything:
                return self._all_page(lo, hi, limit=limit, offset=offset)
            found = _cut(self.counted_positions, lo, hi)
            return Page(int(found.size), found[offset : offset + limit])
        lists.sort(key=lambda item: item[0].size)
        found, _ = lists[0]
        # Only the smallest list is walked; the others are tested on its positions.
        for other, test in lists[1:]:
            if found.size == 0:
                break
            if test is not None:
                codes, code = test
                found = found[codes[found] == code]
            else:
                found = found[_in_sorted(found, other, self.size)]
        if text is not None and lists[0][1] is None and not flt.everything:
            found = found[self.counted[found]]  # the text list holds every event
        return Page(int(found.size), found[offset : offset + limit])

    def _all_page(self, lo: int, hi: int, *, limit: int, offset: int) -> Page:
        """Every event in the position range [lo, hi), but the removed ones."""
        gone = _cut(self.removed_positions, lo, hi)
        total = hi - lo - int(gone.size)
        if gone.size == 0:
            start = min(hi, lo + offset)
            return Page(total, np.arange(start, min(hi, start + limit), dtype=np.int32))
        # The j-th event kept is at lo + j + (the removed positions at or before it): the
        # i-th removed one (ascending) has gone[i] - lo - i kept ones before it.
        kept_before = gone.astype(np.int64) - lo - np.arange(gone.size)
        j = np.arange(offset, max(offset, min(total, offset + limit)), dtype=np.int64)
        positions = lo + j + np.searchsorted(kept_before, j, side="right")
        return Page(total, positions.astype(np.int32))

    # ------------------------------------------------------------ corrections

    def corrected(self, rows: Sequence[IndexRow]) -> EventIndex | None:
        """A copy of this index with ``rows`` (events as ``index_patch.read_corrected`` read
        them after a correction) patched in: their values, lists and counts changed, a
        rejected one removed. Milliseconds at a million events, where a rebuild takes
        seconds and holds the file meanwhile. What is not changed is shared with ``self``,
        which stays as it was for the requests still reading it.

        None where a patch cannot say it: an event this index does not hold (coded after
        the build, or rejected before it and now brought back), or a row that is not the
        event the index holds there (the store was re-coded since the build). The caller
        rebuilds then."""
        out = copy.copy(self)
        categories = dict(self.categories)
        counted, removed = self.counted, self.removed
        counted_positions, removed_positions = self.counted_positions, self.removed_positions
        shown = self.shown
        for row in rows:
            p = int(self._position[row.rowid]) if 0 <= row.rowid < self._position.size else -1
            if p < 0 or shown.values(np.array([p], dtype=np.int32), ["id"])[0][0] != row.id:
                return None
            was_in = removed is None or not removed[p]
            is_in = row.values is not None
            if is_in and not was_in and removed is not None:
                removed = removed.copy()
                removed[p] = False
                removed_positions = removed_positions[removed_positions != p]
            elif was_in and not is_in:
                removed = np.zeros(self.size, dtype=bool) if removed is None else removed.copy()
                removed[p] = True
                removed_positions = _with(
                    removed_positions, int(np.searchsorted(removed_positions, p)), p
                )
            was_counted, is_counted = bool(counted[p]), is_in and row.counted
            if was_counted != is_counted:
                counted = counted.copy()
                counted[p] = is_counted
                at = int(np.searchsorted(counted_positions, p))
                counted_positions = (
                    _with(counted_positions, at, p)
                    if is_counted
                    else _without(counted_positions, at)
                )
            for key, column in _CATEGORIES:
                cat = categories[key]
                old = int(cat.codes[p])
                value = cat.value(old) if row.values is None else row.values[column]
                categories[key] = cat.moved(
                    p, value, was=(was_in, was_counted), now=(is_in, is_counted)
                )
            if row.values is not None:
                current = shown.values(np.array([p], dtype=np.int32), _PATCHED)
                changes = {
                    name: row.values[name]
                    for name, (value,) in zip(_PATCHED, current, strict=True)
                    if not _same(value, row.values[name])
                }
                if changes:
                    shown = shown.replaced(p, changes)
        out.categories, out.shown = categories, shown
        out.counted, out.counted_positions = counted, counted_positions
        out.removed = removed if removed is not None and removed.any() else None
        out.removed_positions = removed_positions
        return out

    def events_json(self, positions: PosArray) -> str:
        """The JSON array of the events at ``positions``: the rows of
        ``queries.list_events``, written straight from the columns (each event's members in
        the order ``event_dict`` gives them)."""
        if positions.size == 0:
            return "[]"
        members = self.shown.members(positions)
        members += self.articles.members(self.article_row[positions])
        spans = self._spans.json(positions)
        for i in np.flatnonzero(self._spans.in_python[positions]).tolist():
            values = [v[0] for v in self.shown.values(positions[i : i + 1], _SPAN_COLUMNS)]
            sentence, sentence_start, trigger, trigger_start, trigger_end, actor, recipient = values
            spans[i] = _spans_json(
                highlight_spans(
                    sentence or "",
                    sentence_start=sentence_start,
                    trigger=trigger,
                    trigger_start=trigger_start,
                    trigger_end=trigger_end,
                    actor_text=actor,
                    recipient_text=recipient,
                )
            )
        members.append(['"spans":' + j for j in spans])
        return "[" + ",".join("{" + ",".join(row) + "}" for row in zip(*members, strict=True)) + "]"

    def rows(self, positions: PosArray) -> list[dict[str, Any]]:
        """The rows of ``queries.list_events`` for the events at ``positions``."""
        rows: list[dict[str, Any]] = json.loads(self.events_json(positions))
        return rows


def _release_memory() -> None:
    """Hand the memory freed after a build back to the system.

    Building copies a million rows through DuckDB's results and Arrow's compute; once they
    are freed, glibc's malloc and Arrow's pool keep most of those pages for reuse, and the
    server's resident size would stay hundreds of MB above what the index holds."""
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)
