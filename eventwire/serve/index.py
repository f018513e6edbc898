"""An in-memory index of the events table for /api/events.

Why: with 20 dashboards on a 2-core laptop, DuckDB answering "page 200 of USA's events,
newest first" means a filtered top-N over a million rows per request (tens to hundreds of
milliseconds, and twenty of them contend for two cores). The filterable columns are small
once dictionary-encoded (about 25 bytes an event: 25 MB for a million events), so the server
keeps them in numpy arrays sorted newest first. A filter is then a few vectorised
comparisons (well under a millisecond each), the total is the length of the match, a page
is a slice of it, and DuckDB is asked only for the page's own rows, by rowid.

Sound because the store does not change under a serving app: a read-only connection shares
the file only with other readers, and with ``allow_write`` every write goes through the app,
which drops the index (it is rebuilt on the next request).

Text search (``q``) still scans the sentences in DuckDB (there is no cheap index for
substrings); its matches are cached per text, so the next page or another filter on the same
text costs only the numpy part.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa

from eventwire.analysis._common import COUNTED_SQL, duckdb_errors
from eventwire.serve.queries import EventFilter

__all__ = ["EventIndex", "IndexHolder", "Page"]

_EPOCH: Final = dt.date(1970, 1, 1)
_CATEGORIES: Final = ("actor_code", "recipient_code", "event_type")
_TEXT_CACHE: Final = 32  # distinct texts whose matches are kept (1 bit-byte per event each)

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Page:
    """A filter's total and the rowids of one page of it, newest first."""

    total: int
    rowids: list[int]
    article_rows: list[int]  # row of each event's article in ``EventIndex.articles`` (-1: none)


def _codes(column: pa.ChunkedArray) -> tuple[npt.NDArray[np.int32], dict[str, int]]:
    """Dictionary-encode a string column: the code of each row (-1 for NULL) and the code of
    each value."""
    encoded = column.combine_chunks().dictionary_encode()
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
    values = {str(v): i for i, v in enumerate(encoded.dictionary.to_pylist())}
    return codes, values


class EventIndex:
    """The filterable columns of ``events``, sorted as /api/events lists them (date newest
    first, undated last, then id)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        with duckdb_errors("Indexing events"):
            # The articles' metadata stays in memory (a few columns); each event carries the
            # row of its article, so a page's sources are an array lookup, not a join.
            articles = con.sql(
                """SELECT id, url, title, outlet, strftime(published, '%Y-%m-%d') AS published
                   FROM articles"""
            ).to_arrow_table()
            rows = pa.table(
                {
                    "id": articles["id"],
                    "arow": pa.array(np.arange(articles.num_rows, dtype=np.int32)),
                }
            )
            con.register("_ew_article_rows", rows)
            try:
                table = con.sql(
                    f"""SELECT e.rowid AS rid, e.date, e.actor_code, e.recipient_code,
                               e.event_type, e.quad, coalesce(a.arow, -1) AS arow,
                               coalesce({COUNTED_SQL}, FALSE) AS counted
                        FROM events e LEFT JOIN _ew_article_rows a ON a.id = e.article_id
                        ORDER BY e.date DESC NULLS LAST, e.id"""
                ).to_arrow_table()
            finally:
                con.unregister("_ew_article_rows")
        self.articles: pa.Table = articles.drop_columns(["id"]).combine_chunks()
        self.size = table.num_rows
        self.rowid: IntArray = table["rid"].to_numpy().astype(np.int64)
        self.article_row = table["arow"].to_numpy().astype(np.int32)
        self.counted: BoolArray = table["counted"].to_numpy(zero_copy_only=False).astype(bool)
        self.quad = table["quad"].fill_null(-1).to_numpy().astype(np.int8)
        dates = table["date"]
        # Days since 1970, negated so that the (descending) date order is ascending here and
        # a date range is one searchsorted slice. Undated events sort last and match no range.
        self.dated = self.size - dates.null_count
        days = dates.cast(pa.int32()).fill_null(0).to_numpy().astype(np.int64)
        self.neg_days: IntArray = -days[: self.dated]
        self.codes: dict[str, npt.NDArray[np.int32]] = {}
        self.values: dict[str, dict[str, int]] = {}
        for name in _CATEGORIES:
            self.codes[name], self.values[name] = _codes(table[name])
        # rowid -> position in the sorted order, for text matches found by DuckDB.
        self._position = np.full(int(self.rowid.max(initial=-1)) + 1, -1, dtype=np.int64)
        self._position[self.rowid] = np.arange(self.size)
        self._text: OrderedDict[str, BoolArray] = OrderedDict()
        self._text_lock = threading.Lock()

    @property
    def nbytes(self) -> int:
        arrays = [self.rowid, self.article_row, self.counted, self.quad, self.neg_days,
                  self._position, *self.codes.values()]  # fmt: skip
        return sum(a.nbytes for a in arrays) + self.articles.nbytes

    def _date_slice(self, since: dt.date | None, until: dt.date | None) -> tuple[int, int]:
        if since is None and until is None:
            return 0, self.size
        lo, hi = 0, self.dated
        if until is not None:
            lo = int(np.searchsorted(self.neg_days, -(until - _EPOCH).days, side="left"))
        if since is not None:
            hi = int(np.searchsorted(self.neg_days, -(since - _EPOCH).days, side="right"))
        return lo, max(lo, hi)

    def _text_matches(self, con: duckdb.DuckDBPyConnection, q: str) -> BoolArray:
        with self._text_lock:
            if q in self._text:
                self._text.move_to_end(q)
                return self._text[q]
        with duckdb_errors("Searching the sentences"):
            # contains() takes the text literally (no wildcards) and q is a bound parameter.
            found = con.execute(
                "SELECT rowid FROM events WHERE contains(lower(sentence), lower($q))", {"q": q}
            ).fetchnumpy()["rowid"]
        mask = np.zeros(self.size, dtype=bool)
        mask[self._position[np.asarray(found, dtype=np.int64)]] = True
        with self._text_lock:
            self._text[q] = mask
            while len(self._text) > _TEXT_CACHE:
                self._text.popitem(last=False)
        return mask

    def page(
        self, con: duckdb.DuckDBPyConnection, flt: EventFilter, *, limit: int, offset: int
    ) -> Page:
        """The total matching ``flt`` and the rowids of ``limit`` of them from ``offset``.

        Raises the same errors as :meth:`EventFilter.where` (it validates the filter)."""
        _, params = flt.where()  # validates, and normalises the values as the SQL would
        lo, hi = self._date_slice(params.get("since"), params.get("until"))
        mask: BoolArray | None = None

        def both(m: BoolArray) -> None:
            nonlocal mask
            mask = m if mask is None else mask & m

        if not flt.everything:
            both(self.counted[lo:hi])
        for name, key in zip(_CATEGORIES, ("actor", "recipient", "event_type"), strict=True):
            if key in params:
                code = self.values[name].get(params[key])
                if code is None:  # a value the store never saw: nothing matches
                    return Page(0, [], [])
                both(self.codes[name][lo:hi] == code)
        if "quad" in params:
            both(self.quad[lo:hi] == params["quad"])
        if "q" in params:
            both(self._text_matches(con, params["q"])[lo:hi])
        if mask is None:
            total = hi - lo
            positions: IntArray = np.arange(lo + offset, min(hi, lo + offset + limit))
        else:
            hits = np.flatnonzero(mask)
            total = int(hits.size)
            positions = hits[offset : offset + limit] + lo
        return Page(total, self.rowid[positions].tolist(), self.article_row[positions].tolist())

    def sources(self, rows: list[int]) -> list[dict[str, Any]]:
        """url, title, outlet and published of the articles at ``rows`` (-1: all None)."""
        empty = {"url": None, "title": None, "outlet": None, "published": None}
        found = [r for r in rows if r >= 0]
        if not found:
            return [dict(empty) for _ in rows]
        taken = iter(self.articles.take(pa.array(found, pa.int64())).to_pylist())
        return [next(taken) if r >= 0 else dict(empty) for r in rows]


class IndexHolder:
    """The current index, built once on first use (concurrent first users wait for the one
    build) and dropped by :meth:`invalidate` after a write."""

    def __init__(self, build: Callable[[], EventIndex]) -> None:
        self._build = build
        self._index: EventIndex | None = None
        self._lock = threading.Lock()
        self._generation = 0

    def get(self) -> EventIndex:
        index = self._index
        if index is not None:
            return index
        with self._lock:
            if self._index is None:
                generation = self._generation
                built = self._build()
                if generation == self._generation:  # no write happened while building
                    self._index = built
                return built
            return self._index

    def invalidate(self) -> None:
        with self._lock:
            self._index = None
            self._generation += 1
