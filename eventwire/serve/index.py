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

Sound because the store does not change under a serving app: a read-only connection shares
the file only with other readers, and with ``allow_write`` every write goes through the app,
which drops the index (it is rebuilt on the next request).

The results are those of the SQL in ``queries`` (``list_events``, ``count_events``); the
tests compare the two on many filters.
"""

from __future__ import annotations

import bisect
import contextlib
import ctypes
import datetime as dt
import itertools
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from eventwire.analysis._common import COUNTED_SQL, duckdb_errors
from eventwire.analysis.evidence import Span, highlight_spans
from eventwire.serve.queries import ARTICLE_COLUMNS, LIST_COLUMNS, EventFilter

__all__ = ["EventIndex", "IndexHolder", "Page", "TextIndex"]

_EPOCH: Final = dt.date(1970, 1, 1)
# (filter parameter, column): the categorical filters, each an equality on one column.
_CATEGORIES: Final = (
    ("actor", "actor_code"),
    ("recipient", "recipient_code"),
    ("event_type", "event_type"),
    ("quad", "quad"),
)
# Tokens are split at each space: one literal character, which Arrow (for the sentences)
# and str.split (for the query) split at alike. See TextIndex for why any split is exact.
_SEPARATOR: Final = " "
_AFTER_ALL: Final = "\U0010ffff"  # the last code point: key + it bounds key's prefixes
# The matches of recent search texts are kept: at most this many texts and positions (4
# bytes each) in all.
_TEXT_CACHE: Final = 64
_TEXT_CACHE_POSITIONS: Final = 16_000_000
# Candidates are narrowed by a token's list only when it is at most this many times longer
# (marking a position costs about a nanosecond; checking a candidate's tokens, tens).
_NARROWING: Final = 32
_MARKED: Final = 2048  # intersections with more candidates mark a bool array instead
# Tokens in at least 1/_COMMON of the sentences also get a bitmap of them (size / 8 bytes),
# at most _BITMAPS of them (the most frequent): testing candidates against a common word is
# then a gather on the candidates alone, not a scatter of the word's long list (numpy's
# fancy assignment costs ~10 ns an element: 1.5 ms for a word in 15% of a million).
_COMMON: Final = 64
_SAMPLE: Final = 64  # the vocabulary's binary search: see _Sorted
_BITMAPS: Final = 256
_BIT: Final = np.array([128, 64, 32, 16, 8, 4, 2, 1], dtype=np.uint8)  # np.packbits' order
# Columns kept dictionary-encoded when they have fewer distinct values than this share of
# the rows (types, codes, names, triggers repeat; ids and sentences do not).
_DICTIONARY_SHARE: Final = 0.25
_MEMBERS_MADE: Final = 4096  # dictionaries up to this size also keep their JSON text
# Numbers with up to this many distinct values are kept as codes with their JSON text too
# (quad, intensity, a rule coder's few confidences, offsets): rendering a float per row
# costs more than a list lookup.
_NUMBERS_MADE: Final = 65_536
# Larger dictionaries of short values (article ids, names) make a value's JSON text the
# first time a page shows it and keep it; long ones (sentences) are written each time.
_SHORT_VALUES: Final = 48
# What highlight_spans reads, in its order.
_SPAN_COLUMNS: Final = ("sentence", "sentence_start", "trigger", "trigger_start", "trigger_end",
                        "actor_text", "recipient_text")  # fmt: skip
# A str as json.dumps(..., ensure_ascii=False) writes it (the C function it uses).
_json_str: Callable[[str], str] = json.encoder.encode_basestring

IntArray = npt.NDArray[np.int64]
PosArray = npt.NDArray[np.int32]  # positions in the sorted order
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Page:
    """A filter's total and the positions (in the index's order) of one page of it."""

    total: int
    positions: PosArray


@dataclass(frozen=True, slots=True)
class _Postings:
    """Positions grouped by value: those of value ``v`` are ``pos[ptr[v]:ptr[v + 1]]``,
    ascending."""

    ptr: IntArray
    pos: PosArray

    @classmethod
    def of(cls, codes: npt.NDArray[Any], n_values: int, keep: BoolArray | None) -> _Postings:
        order = np.argsort(codes, kind="stable").astype(np.int32)  # stable: ascending within
        if keep is not None:
            order = order[keep[order]]
        sorted_codes = codes[order]
        order = order[sorted_codes >= 0]  # NULL (-1) matches no equality filter
        ptr = np.searchsorted(codes[order], np.arange(n_values + 1)).astype(np.int64)
        return cls(ptr, order)

    def get(self, code: int) -> PosArray:
        return self.pos[self.ptr[code] : self.ptr[code + 1]]

    def count(self, code: int) -> int:
        return int(self.ptr[code + 1] - self.ptr[code])

    @property
    def nbytes(self) -> int:
        return int(self.ptr.nbytes + self.pos.nbytes)


@dataclass(frozen=True, slots=True)
class _Category:
    codes: npt.NDArray[Any]  # the value code of each position (-1: NULL)
    values: dict[Any, int]  # value -> code
    every: _Postings
    counted: _Postings

    @property
    def nbytes(self) -> int:
        return int(self.codes.nbytes + self.every.nbytes + self.counted.nbytes)


def _small_codes(n: int) -> type[np.signedinteger[Any]]:
    return np.int8 if n < 127 else np.int16 if n < 32_767 else np.int32


def _category(column: pa.ChunkedArray, counted: BoolArray) -> _Category:
    encoded = column.combine_chunks().dictionary_encode()
    values = {v: i for i, v in enumerate(encoded.dictionary.to_pylist())}
    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
    codes = codes.astype(_small_codes(len(values)))
    return _Category(
        codes,
        values,
        _Postings.of(codes, len(values), None),
        _Postings.of(codes, len(values), counted),
    )


def _in_sorted(needles: PosArray, haystack: PosArray, size: int) -> BoolArray:
    """Which of ``needles`` are in ``haystack`` (both ascending, below ``size``)."""
    if haystack.size == 0:
        return np.zeros(needles.size, dtype=bool)
    if needles.size > _MARKED:  # marking beats a binary search per needle
        mark = np.zeros(size, dtype=bool)
        mark[haystack] = True
        return mark[needles]
    at = np.searchsorted(haystack, needles)  # both int32: no conversion of the haystack
    np.minimum(at, haystack.size - 1, out=at)
    return haystack[at] == needles


def _cut(positions: PosArray, lo: int, hi: int) -> PosArray:
    """The part of an ascending position list inside [lo, hi)."""
    if positions.size == 0 or (lo == 0 and hi > int(positions[-1])):
        return positions
    a, b = np.searchsorted(positions, np.array((lo, hi), dtype=positions.dtype))
    return positions[a:b]


def _ranges(starts: IntArray, stops: IntArray) -> IntArray:
    """The concatenation of ``arange(start, stop)`` for each pair, without a Python loop."""
    lengths = stops - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    return np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, lengths)


class _Sorted:
    """A sorted string array and its binary search: bisect a Python list of every
    _SAMPLE-th string, then one block of the array (not a pyarrow scalar per step). str
    order is code point order, as the array's (sorted by bytes)."""

    def __init__(self, strings: pa.Array) -> None:
        self.strings = strings
        self._sampled: list[str] = strings.take(
            pa.array(np.arange(0, len(strings), _SAMPLE))
        ).to_pylist()

    def first_at_least(self, key: str) -> int:
        """The index of the first string >= ``key``."""
        block = bisect.bisect_left(self._sampled, key)
        if block == 0:
            return 0
        # Strings below _sampled[block - 1] are < key; from _sampled[block] on, >= key.
        lo = (block - 1) * _SAMPLE
        return lo + bisect.bisect_left(self.strings.slice(lo, _SAMPLE).to_pylist(), key)

    def prefixed(self, prefix: str) -> tuple[int, int]:
        """The index range of the strings starting with ``prefix``."""
        return self.first_at_least(prefix), self.first_at_least(prefix + _AFTER_ALL)


class _Trigrams:
    """The tokens holding each trigram of bytes, for the tokens that contain a piece:
    the candidates are those holding its rarest trigrams, then tested by Arrow. Substrings
    of valid UTF-8 text are substrings of its bytes, so byte trigrams are exact filters."""

    def __init__(self, vocabulary: pa.Array) -> None:
        text = pa.concat_arrays([vocabulary.cast(pa.large_string())])
        offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[text.offset :][: len(text) + 1]
        data = np.frombuffer(text.buffers()[2] or b"", dtype=np.uint8)
        starts, lengths = offsets[:-1], np.diff(offsets)
        grams = np.maximum(lengths - 2, 0)
        at = _ranges(starts, starts + grams)
        token = np.repeat(np.arange(lengths.size, dtype=np.int64), grams)
        key = (
            (data[at].astype(np.int64) << 16) | (data[at + 1].astype(np.int64) << 8) | data[at + 2]
        )
        del at
        pairs = np.unique((key << 32) | token)  # sorted by trigram, then token; no repeats
        del key, token
        keys = pairs >> 32
        self._tokens = (pairs & 0xFFFFFFFF).astype(np.int32)
        del pairs
        self._keys, first = np.unique(keys, return_index=True)
        self._ptr = np.append(first, keys.size).astype(np.int64)

    @property
    def nbytes(self) -> int:
        return int(self._tokens.nbytes + self._keys.nbytes + self._ptr.nbytes)

    def candidates(self, piece: str) -> npt.NDArray[np.int32] | None:
        """Ascending ids of the tokens holding the piece's rarest trigrams (a superset of
        those containing it), or None when it is under three bytes."""
        raw = piece.encode("utf-8")
        if len(raw) < 3:
            return None
        keys = np.unique(
            [(raw[i] << 16) | (raw[i + 1] << 8) | raw[i + 2] for i in range(len(raw) - 2)]
        )
        at = np.searchsorted(self._keys, keys)
        if (at >= self._keys.size).any() or (
            self._keys[np.minimum(at, self._keys.size - 1)] != keys
        ).any():
            return np.zeros(0, dtype=np.int32)  # a trigram no token has
        lists = sorted(
            (self._tokens[self._ptr[i] : self._ptr[i + 1]] for i in at.tolist()), key=len
        )
        found = lists[0]
        for other in lists[1:3]:
            if other.size > _NARROWING * found.size:
                break
            found = np.intersect1d(found, other, assume_unique=True)
        return found


class TextIndex:
    """Token -> positions of the (lowered) sentences containing it, for substring search.

    The search is the SQL's ``contains(lower(sentence), lower(q))`` exactly: the sentences
    and the query are lowered as DuckDB's ``lower`` lowers them (given here lowered). A
    token is what lies between two spaces, so a sentence is its tokens joined by single
    spaces ("korea's" and "tests." are tokens; what matters is that the query is split by
    the same rule). Split the query at its spaces into pieces p0 .. pk. It occurs in a
    sentence exactly when the sentence has k + 1 consecutive tokens of which the first ends
    with p0, the inner ones are p1 .. pk-1 and the last begins with pk (the query's spaces
    are the spaces between them); with k = 0, when a token contains p0. The index keeps,
    per token, the sentences holding it (to find candidates: the sentences holding a token
    for every piece) and, per sentence, its tokens in order (to check the candidates for
    consecutive ones, all sentences at once with numpy). A query of spaces only has no token
    to look up: :meth:`search` returns None and the caller scans.
    """

    def __init__(self, lowered: pa.Array, *, bitmaps: int = _BITMAPS) -> None:
        self.size = len(lowered)
        split = pc.split_pattern(lowered, _SEPARATOR)
        counts = pc.list_value_length(split).fill_null(0).to_numpy().astype(np.int64)
        tokens = pc.list_flatten(split)
        parents = pc.list_parent_indices(split).to_numpy().astype(np.int32)
        del split
        encoded = pc.dictionary_encode(tokens)
        del tokens
        # The vocabulary in sorted (byte, hence code point) order: a token or the tokens
        # with a prefix are then found by binary search, as a range of token ids.
        by_text = pc.sort_indices(encoded.dictionary).to_numpy()
        self.vocabulary: pa.Array = encoded.dictionary.take(pa.array(by_text))
        rank = np.empty(by_text.size, dtype=np.int32)
        rank[by_text] = np.arange(by_text.size, dtype=np.int32)
        token = rank[encoded.indices.to_numpy()]
        del encoded, by_text, rank
        # Each sentence's tokens in order, each sentence ended by an id no token has (the
        # vocabulary's size): sentence s is _sequence[_starts[s]:_starts[s + 1]], and no
        # run of consecutive tokens crosses from one sentence into the next.
        self._end = len(self.vocabulary)
        self._sorted = _Sorted(self.vocabulary)
        # The tokens by their reversed text, for the tokens that end with a piece (a prefix
        # of the reversed tokens), and trigrams for those that contain one.
        reversed_text = pc.utf8_reverse(self.vocabulary)
        self._by_end = pc.sort_indices(reversed_text).to_numpy().astype(np.int32)
        self._reversed = _Sorted(reversed_text.take(pa.array(self._by_end)))
        del reversed_text
        self._grams = _Trigrams(self.vocabulary)
        self._starts = np.concatenate([[0], np.cumsum(counts + 1)])
        self._sequence = np.full(int(self._starts[-1]), self._end, dtype=np.int32)
        self._sequence[np.arange(token.size) + parents] = token
        del counts
        # Group by token; parents are ascending within a token (stable sort), and a token
        # repeated in one sentence is kept once.
        order = np.argsort(token, kind="stable")
        token, parents = token[order], parents[order]
        del order
        keep = np.ones(token.size, dtype=bool)
        keep[1:] = (token[1:] != token[:-1]) | (parents[1:] != parents[:-1])
        token, parents = token[keep], parents[keep]
        ptr = np.searchsorted(token, np.arange(len(self.vocabulary) + 1, dtype=np.int32))
        self._postings = _Postings(ptr.astype(np.int64), parents)
        del token, parents
        common = self._common_tokens(bitmaps)  # the token of each bitmap row
        self._bitmap_row = np.full(len(self.vocabulary), -1, dtype=np.int64)
        self._bitmap_row[common] = np.arange(common.size)
        self._bitmaps = self._packed(self._postings.get(t) for t in common.tolist())
        self._pairs, self._pair_bitmaps = self._common_pairs(bitmaps, common)

    def _packed(self, groups: Iterable[PosArray]) -> npt.NDArray[np.uint8]:
        """One bitmap per group of positions (bit s set when s is in it), in whole 64-bit
        words, zero-padded, so that bitmaps can be ANDed a word at a time."""
        rows = []
        mark = np.zeros(self.size, dtype=bool)
        width = (self.size + 63) // 64 * 8
        for positions in groups:
            mark[:] = False
            mark[positions] = True
            rows.append(np.pad(np.packbits(mark), (0, width - (self.size + 7) // 8)))
        return np.array(rows, dtype=np.uint8).reshape(len(rows), width)

    def _common_pairs(
        self, most: int, common: IntArray
    ) -> tuple[dict[tuple[int, int], int], npt.NDArray[np.uint8]]:
        """Bitmaps of the most frequent pairs of common tokens side by side ("with usa",
        "prime minister"): (token, next token) -> bitmap row, and the bitmaps. A phrase of
        common words then starts from the sentences holding its pairs, not those holding
        its words: far fewer to check token by token (for two words, none)."""
        n_common = common.size
        if most <= 0 or n_common == 0:
            return {}, self._packed(())
        row = np.append(self._bitmap_row, -1)  # the end mark is no token
        first = row[self._sequence[:-1]]
        second = row[self._sequence[1:]]
        both = np.flatnonzero((first >= 0) & (second >= 0))
        key = first[both] * n_common + second[both]
        del first, second
        # Counted with repeats within a sentence: an upper bound, enough to choose by.
        counts = np.bincount(key, minlength=n_common * n_common)
        chosen = np.flatnonzero(counts >= max(1, self.size // _COMMON))
        chosen = chosen[np.argsort(-counts[chosen], kind="stable")[:most]]
        if chosen.size == 0:
            return {}, self._packed(())
        slot = np.full(n_common * n_common, -1, dtype=np.int64)
        slot[chosen] = np.arange(chosen.size)
        at = slot[key]
        keep = at >= 0
        at, where = at[keep], both[keep]
        del key, both, keep
        sentence = np.searchsorted(self._starts, where, side="right").astype(np.int32) - 1
        order = np.argsort(at, kind="stable")
        at, sentence = at[order], sentence[order]
        bounds = np.searchsorted(at, np.arange(chosen.size + 1))
        bitmaps = self._packed(sentence[bounds[i] : bounds[i + 1]] for i in range(chosen.size))
        pairs = {
            (int(common[k // n_common]), int(common[k % n_common])): i
            for i, k in enumerate(chosen.tolist())
        }
        return pairs, bitmaps

    def _common_tokens(self, most: int) -> IntArray:
        """The tokens in at least 1/_COMMON of the sentences, at most ``most``, most
        frequent first."""
        counts = np.diff(self._postings.ptr)
        common = np.flatnonzero(counts >= max(1, self.size // _COMMON))
        return common[np.argsort(-counts[common], kind="stable")[:most]]

    def _all_of(self, bitmaps: list[npt.NDArray[np.uint8]]) -> PosArray:
        """The ascending positions of the sentences set in every bitmap: ANDed a word at a
        time, and only the words left non-zero expanded to positions."""
        acc = bitmaps[0].view(np.uint64).copy()
        for other in bitmaps[1:]:
            np.bitwise_and(acc, other.view(np.uint64), out=acc)
        words = np.flatnonzero(acc)
        bits = np.unpackbits(acc[words].view(np.uint8)).reshape(words.size, 64)
        word, bit = np.nonzero(bits)
        return (words[word] * 64 + bit).astype(np.int32)

    def _bitmap(self, token_ids: IntArray) -> npt.NDArray[np.uint8] | None:
        """The bitmap of the sentences holding this token, if it is one token that has one."""
        if token_ids.size != 1:
            return None
        row = int(self._bitmap_row[int(token_ids[0])])
        return self._bitmaps[row] if row >= 0 else None

    @property
    def nbytes(self) -> int:
        return int(
            self._postings.nbytes
            + self._bitmaps.nbytes
            + self._pair_bitmaps.nbytes
            + self._by_end.nbytes
            + self._reversed.strings.nbytes
            + self._grams.nbytes
            + self._bitmap_row.nbytes
            + self.vocabulary.nbytes
            + self._sequence.nbytes
            + self._starts.nbytes
        )

    @staticmethod
    def pieces(lowered_q: str) -> list[str]:
        """The query split as the sentences are (empty first or last piece: the query
        starts or ends with a space)."""
        return lowered_q.split(_SEPARATOR)

    def _token_ids(self, piece: str, how: str) -> IntArray:
        """The ascending ids of the tokens that are ``piece`` ("exact"), start with it
        ("start"), end with it ("end") or contain it ("in")."""
        if how == "exact":
            first = self._sorted.first_at_least(piece)
            found = first < self._end and self.vocabulary[first].as_py() == piece
            return np.arange(first, first + int(found), dtype=np.int64)
        if how == "start":
            return np.arange(*self._sorted.prefixed(piece), dtype=np.int64)
        if how == "end":
            lo, hi = self._reversed.prefixed(piece[::-1])
            return np.sort(self._by_end[lo:hi]).astype(np.int64)
        candidates = self._grams.candidates(piece)
        if candidates is None:  # too short for a trigram: test every token
            test = pc.match_substring(self.vocabulary, piece)
            return np.flatnonzero(test.to_numpy(zero_copy_only=False)).astype(np.int64)
        if candidates.size == 0:
            return candidates.astype(np.int64)
        test = pc.match_substring(self.vocabulary.take(pa.array(candidates)), piece)
        return candidates[test.to_numpy(zero_copy_only=False)].astype(np.int64)

    def _union(self, token_ids: IntArray) -> PosArray:
        """The ascending positions of the sentences with any of these tokens."""
        if token_ids.size == 0:
            return np.zeros(0, np.int32)
        if token_ids.size == 1:
            return self._postings.get(int(token_ids[0]))
        ptr = self._postings.ptr
        where = _ranges(ptr[token_ids], ptr[token_ids + 1])
        mark = np.zeros(self.size, dtype=bool)
        mark[self._postings.pos[where]] = True
        return np.flatnonzero(mark).astype(np.int32)

    def _consecutive(self, candidates: PosArray, ids: list[IntArray | None]) -> PosArray:
        """The candidates having consecutive tokens from ``ids[0]``, ``ids[1]``, ... (None:
        any token)."""
        k = len(ids) - 1
        starts, stops = self._starts[candidates], self._starts[candidates + 1]
        tokens = self._sequence[_ranges(starts, stops)]
        span = tokens.size - k
        if span <= 0:
            return np.zeros(0, np.int32)
        hit = np.ones(span, dtype=bool)
        for i, wanted in enumerate(ids):
            at = tokens[i : i + span]
            if wanted is None:
                hit &= at != self._end
            elif wanted.size == 1:
                hit &= at == wanted[0]
            elif wanted[-1] - wanted[0] == wanted.size - 1:  # a range (tokens with a prefix)
                hit &= (at >= wanted[0]) & (at <= wanted[-1])
            else:
                allowed = np.zeros(self._end + 1, dtype=bool)
                allowed[wanted] = True
                hit &= allowed[at]
        # Which candidate each hit lies in (a run that matches never crosses an end mark).
        found = np.zeros(candidates.size, dtype=bool)
        found[np.searchsorted(np.cumsum(stops - starts), np.flatnonzero(hit), side="right")] = True
        return candidates[found]

    def search(self, lowered_q: str) -> PosArray | None:
        """Ascending positions of the sentences containing ``lowered_q`` (lowered as DuckDB
        lowers), or None when the query has no token to look up (the caller scans)."""
        pieces = self.pieces(lowered_q)
        if len(pieces) == 1:
            return self._union(self._token_ids(pieces[0], "in"))
        if not any(pieces):
            return None
        hows = ["end", *(["exact"] * (len(pieces) - 2)), "start"]
        # An empty first or last piece allows any token; an empty inner one is the empty
        # token (two spaces in a row).
        ids: list[IntArray | None] = [
            self._token_ids(p, how) if p or how == "exact" else None
            for p, how in zip(pieces, hows, strict=True)
        ]
        if any(i is not None and i.size == 0 for i in ids):
            return np.zeros(0, np.int32)
        # Candidates: sentences with a token for every non-empty piece. The pieces that are
        # one common token are tested through their bitmaps (a gather on the candidates);
        # the others are lists, narrowed from the shortest.
        looked_up = [i for i in ids if i is not None and i.size]
        # Rarest first: each test narrows the candidates the next one gathers.
        looked_up.sort(key=lambda i: self._postings.count(int(i[0])) if i.size == 1 else self.size)
        tested = [(i, self._bitmap(i)) for i in looked_up]
        bitmaps = [b for _, b in tested if b is not None]
        lists = sorted((self._union(i) for i, b in tested if b is None), key=len)
        # Side by side pieces that are one token each: their pair's bitmap, if common.
        single = [int(i[0]) if i is not None and i.size == 1 else None for i in ids]
        pairs = [
            self._pairs.get((a, b), -1) if a is not None and b is not None else -1
            for a, b in itertools.pairwise(single)
        ]
        bitmaps += [self._pair_bitmaps[p] for p in pairs if p >= 0]
        if not lists:  # every piece a common token
            found = self._all_of(bitmaps)
            if len(ids) == 2 and pairs[0] >= 0:  # two words side by side: found exactly
                return found
            return self._consecutive(found, ids) if found.size else found
        found = lists[0]
        for other in lists[1:]:
            # A list much longer than the candidates, or holding most sentences (a common
            # word), hardly narrows them; the check of consecutive tokens below is exact.
            if (found.size == 0 or other.size > _NARROWING * found.size
                    or other.size > self.size // 2):  # fmt: skip
                break
            found = found[_in_sorted(found, other, self.size)]
        for bitmap in bitmaps:
            if found.size == 0:
                break
            found = found[(bitmap[found >> 3] & _BIT[found & 7]) != 0]
        return self._consecutive(found, ids) if found.size else found


class EventIndex:
    """The events as /api/events lists them, in memory (see the module docstring)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        # A cursor of our own: a result left pending on ``con`` (by a fetchone, say) would
        # make DuckDB refuse the relation queries below.
        cur = con.cursor()
        try:
            self._load(cur)
        finally:
            cur.close()
        _release_memory()

    def _load(self, con: duckdb.DuckDBPyConnection) -> None:
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
                order = con.sql(
                    "SELECT rowid FROM events ORDER BY date DESC NULLS LAST, id"
                ).fetchnumpy()["rowid"]
                reader = con.sql(
                    f"""SELECT e.rowid AS rid, {shown},
                               coalesce(a.arow, -1) AS arow,
                               coalesce({COUNTED_SQL}, FALSE) AS counted,
                               lower(e.sentence) AS lowered, {_SPANS_SQL}
                        FROM events e LEFT JOIN _ew_article_rows a ON a.id = e.article_id"""
                ).to_arrow_reader(batch_size=100_000)
                scanned = pa.Table.from_batches(list(reader), schema=reader.schema)
            finally:
                con.unregister("_ew_article_rows")
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
        self.lowered: pa.Array | None = table["lowered"].combine_chunks()
        self._spans = _Spans(table)
        self.shown = _Columns(table.select(list(LIST_COLUMNS)))
        self.text: TextIndex | None = None
        del table
        self._text_cache: OrderedDict[str, PosArray] = OrderedDict()
        self._text_lock = threading.Lock()

    # ------------------------------------------------------------------ text

    def build_text_index(self) -> None:
        """Build the token index (seconds for a million sentences; run it in the
        background: text searches scan in DuckDB meanwhile)."""
        if self.lowered is None:  # built already
            return
        self.text = TextIndex(self.lowered)
        self.lowered = None
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
                    "SELECT rowid FROM events WHERE contains(lower(sentence), lower($q))",
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
            lists.append((text, None))
        if not lists:
            if flt.everything:
                total = hi - lo
                start = min(hi, lo + offset)
                positions = np.arange(start, min(hi, start + limit), dtype=np.int32)
                return Page(total, positions)
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


def _owned(table: pa.Table, rows: npt.NDArray[np.int64] | None = None) -> pa.Table:
    """``table``'s ``rows`` (all by default) in buffers of Arrow's own pool.

    Why copy: the arrays of a DuckDB result share its batches, so keeping one column
    (sentences, say) would keep every column of every batch alive."""
    taken = pa.array(np.arange(table.num_rows) if rows is None else rows)
    return table.take(taken).combine_chunks()


class _Columns:
    """Displayed columns, read back for a page as Python values or as JSON text.

    Repetitive columns (types, codes, names, triggers, dates) are kept as small integer
    codes into a list of their values, and of their ``"name":value`` JSON text, made once:
    a fraction of the memory, and a page's column is a numpy lookup and a list index
    (Arrow's ``to_pylist`` of a dictionary array, or of dates, costs ten times more, and
    ``json.dumps`` of a page's dicts more still). Dates are kept as their ISO text, which
    is how the API shows them. Other columns stay Arrow arrays."""

    def __init__(self, table: pa.Table) -> None:
        self.names: tuple[str, ...] = tuple(table.column_names)
        self._plain: dict[str, pa.Array] = {}
        # name -> (numbers, NULL mask or None): both end with one NULL (row -1: no row).
        self._numbers: dict[str, tuple[npt.NDArray[Any], BoolArray | None]] = {}
        # name -> (codes, values, JSON members): codes end with an extra -1 (row -1: no
        # row), values and members with those of NULL (code -1). Members are made only for
        # small dictionaries (article ids repeat, but there are many of them).
        self._coded: dict[str, tuple[npt.NDArray[Any], list[Any], list[str | None] | None]] = {}
        self._lazy: set[str] = set()  # coded columns whose members are made on first use
        for name in self.names:
            column = table[name].combine_chunks()
            is_date = pa.types.is_date(column.type)
            is_number = pa.types.is_integer(column.type) or pa.types.is_floating(column.type)
            if is_date or is_number or pa.types.is_string(column.type):
                encoded = column.dictionary_encode()
                n_values = len(encoded.dictionary)
                if (
                    is_date
                    or (is_number and n_values <= _NUMBERS_MADE)
                    or (not is_number and n_values < _DICTIONARY_SHARE * max(1, len(column)))
                ):
                    values = encoded.dictionary.to_pylist()
                    if is_date:
                        values = [v.isoformat() for v in values]
                    values.append(None)
                    members: list[str | None] | None = None
                    if len(values) <= max(_MEMBERS_MADE, _NUMBERS_MADE if is_number else 0):
                        members = [_member(name, json.dumps(v, ensure_ascii=False)) for v in values]
                    elif _mean_length(encoded.dictionary) <= _SHORT_VALUES:
                        members = [None] * len(values)  # made on first use
                        self._lazy.add(name)
                    codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
                    codes = np.append(codes.astype(_small_codes(len(values))), -1)
                    self._coded[name] = (codes, values, members)
                    continue
            if is_number:
                # numpy, with NULLs marked: a page's numbers are one fancy index.
                nulls = column.is_null().to_numpy(zero_copy_only=False)
                numbers = column.fill_null(0).to_numpy(zero_copy_only=False)
                self._numbers[name] = (
                    np.append(numbers, numbers.dtype.type(0)),
                    np.append(nulls, True) if nulls.any() else None,
                )
                continue
            self._plain[name] = column

    @property
    def nbytes(self) -> int:
        return (
            sum(int(c.nbytes) for c in self._plain.values())
            + sum(int(codes.nbytes) for codes, _, _ in self._coded.values())
            + sum(int(n.nbytes) + (0 if m is None else int(m.nbytes))
                  for n, m in self._numbers.values())
        )  # fmt: skip

    def _numbers_at(self, name: str, rows: npt.NDArray[np.int32]) -> list[Any]:
        numbers, nulls = self._numbers[name]
        values: list[Any] = numbers[rows].tolist()
        if nulls is not None or (rows < 0).any():
            mask = nulls[rows] if nulls is not None else rows < 0
            for i in np.flatnonzero(mask).tolist():
                values[i] = None
        return values

    @staticmethod
    def _taken(rows: npt.NDArray[np.int32]) -> pa.Array:
        missing = rows < 0
        return pa.array(rows, mask=missing) if missing.any() else pa.array(rows)

    def values(self, rows: npt.NDArray[np.int32], names: Sequence[str]) -> list[list[Any]]:
        """Each named column's values at ``rows`` (-1: no row, all None)."""
        taken = self._taken(rows)
        out = []
        for name in names:
            coded = self._coded.get(name)
            if coded is not None:
                values = coded[1]
                out.append([values[c] for c in coded[0][rows].tolist()])
            elif name in self._numbers:
                out.append(self._numbers_at(name, rows))
            else:
                out.append(self._plain[name].take(taken).to_pylist())
        return out

    def members(self, rows: npt.NDArray[np.int32]) -> list[list[str]]:
        """Each column's ``"name":value`` JSON members at ``rows`` (-1: no row, all null),
        written as ``json.dumps`` writes them."""
        taken: pa.Array | None = None
        out = []
        for name in self.names:
            coded = self._coded.get(name)
            key = _member(name, "")
            if coded is not None:
                codes, values, members = coded
                at = codes[rows].tolist()
                if members is None:
                    out.append([key + _json_value(values[c]) for c in at])
                elif name in self._lazy:  # made on first use
                    made = []
                    for c in at:
                        m = members[c]
                        if m is None:
                            m = members[c] = key + _json_value(values[c])
                        made.append(m)
                    out.append(made)
                else:
                    out.append([members[c] for c in at])
            elif name in self._numbers:  # one json.dumps for the column (no commas inside)
                numbers = self._numbers_at(name, rows)
                texts = json.dumps(numbers, separators=(",", ":"))[1:-1].split(",")
                out.append([key + t for t in texts])
            else:
                if taken is None:
                    taken = self._taken(rows)
                values = self._plain[name].take(taken).to_pylist()
                out.append([key + _json_value(v) for v in values])
        return out


def _json_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, str):
        return _json_str(value)
    return json.dumps(value)


def _mean_length(strings: pa.Array) -> float:
    if not pa.types.is_string(strings.type) or len(strings) == 0:
        return float("inf")
    return float(pc.mean(pc.utf8_length(strings)).as_py() or 0.0)


# The highlight spans of each event, as ``evidence.highlight_spans`` places them, worked out
# by DuckDB for all events at once: the trigger at its offsets when they land on it, else
# where it first occurs; the actor and recipient where they first occur (positions and
# lengths in code points, as Python's). Where a text does not occur as written,
# highlight_spans looks for it lowercased (Python's lowercasing, which DuckDB's is not):
# those events are marked ``span_python`` and placed by highlight_spans itself.
_S = "coalesce(e.sentence, '')"
_REL = "(e.trigger_start - e.sentence_start)"
_REL_END = f"({_REL} + coalesce(e.trigger_end - e.trigger_start, length(e.trigger)))"
_PLACED = f"""(e.trigger <> '' AND e.sentence_start IS NOT NULL AND e.trigger_start IS NOT NULL
    AND 0 <= {_REL} AND {_REL} < {_REL_END} AND {_REL_END} <= length({_S})
    AND substring({_S}, {_REL} + 1, {_REL_END} - {_REL}) = e.trigger)"""


def _found(text: str, edge: str) -> str:
    """SQL for the start (0-based) or end of the first occurrence of ``text``, or -1."""
    at = f"(strpos({_S}, {text}) - 1)"
    where = at if edge == "start" else f"({at} + length({text}))"
    return f"CASE WHEN {text} <> '' AND strpos({_S}, {text}) > 0 THEN {where} ELSE -1 END"


def _missing(text: str) -> str:
    return f"coalesce({text} <> '' AND strpos({_S}, {text}) = 0, FALSE)"


_SPANS_SQL: Final = f"""
    CASE WHEN {_PLACED} THEN {_REL} ELSE {_found("e.trigger", "start")} END AS span_t0,
    CASE WHEN {_PLACED} THEN {_REL_END} ELSE {_found("e.trigger", "end")} END AS span_t1,
    {_found("e.actor_text", "start")} AS span_a0, {_found("e.actor_text", "end")} AS span_a1,
    {_found("e.recipient_text", "start")} AS span_r0,
    {_found("e.recipient_text", "end")} AS span_r1,
    (NOT coalesce({_PLACED}, FALSE) AND {_missing("e.trigger")})
        OR {_missing("e.actor_text")} OR {_missing("e.recipient_text")} AS span_python"""


class _Spans:
    """The highlight spans of every event (see ``_SPANS_SQL``), as highlight_spans chooses
    them: the trigger first, then the actor and the recipient where they overlap nothing
    chosen before. Writing a page's spans is then a few integers per event, not a search
    through its sentence."""

    def __init__(self, table: pa.Table) -> None:
        def column(name: str) -> npt.NDArray[np.int32]:
            return table[name].fill_null(-1).to_numpy().astype(np.int32)

        t0, t1, a0, a1, r0, r1 = (column(f"span_{k}") for k in ("t0", "t1", "a0", "a1", "r0", "r1"))
        has_t, has_a, has_r = t0 >= 0, a0 >= 0, r0 >= 0
        keep_a = has_a & (~has_t | (a1 <= t0) | (a0 >= t1))
        keep_r = (has_r & (~has_t | (r1 <= t0) | (r0 >= t1))
                  & (~keep_a | (r1 <= a0) | (r0 >= a1)))  # fmt: skip
        a0, a1 = np.where(keep_a, a0, -1), np.where(keep_a, a1, -1)
        r0, r1 = np.where(keep_r, r0, -1), np.where(keep_r, r1, -1)
        self._bounds = np.stack([t0, t1, a0, a1, r0, r1], axis=1)
        self.in_python: BoolArray = table["span_python"].to_numpy(zero_copy_only=False)
        # Each event's spans in order of start is one of a few shapes (which kinds, in
        # which order): its JSON is then one template's format of the six bounds. Kept
        # spans never overlap, so their starts differ.
        kept = (t0 >= 0, keep_a, keep_r)
        starts = (t0, a0, r0)
        ranks = [
            np.where(kept[k], sum((kept[o] & (starts[o] < starts[k])).astype(np.int8)
                                  for o in range(3) if o != k), -1)
            for k in range(3)
        ]  # fmt: skip
        self._shape = ((ranks[0] + 1) + 4 * (ranks[1] + 1) + 16 * (ranks[2] + 1)).astype(np.int8)

    @property
    def nbytes(self) -> int:
        return int(self._bounds.nbytes + self.in_python.nbytes + self._shape.nbytes)

    def json(self, positions: PosArray) -> list[str]:
        """The spans JSON of the events at ``positions`` (those marked ``in_python``: to
        be replaced by the caller)."""
        bounds = self._bounds[positions].tolist()
        return [
            _SPAN_TEMPLATES[s].format(*b)
            for s, b in zip(self._shape[positions].tolist(), bounds, strict=True)
        ]


def _span_templates() -> list[str]:
    """The JSON template of each span shape (see _Spans): shape ``(rank_t + 1) + 4 *
    (rank_a + 1) + 16 * (rank_r + 1)``, a rank being the kind's place by start (-1:
    absent); format arguments are the six bounds (trigger, actor, recipient)."""
    templates = [""] * 64
    for shape in range(64):
        ranks = (shape % 4 - 1, shape // 4 % 4 - 1, shape // 16 - 1)
        placed = sorted((r, k) for k, r in enumerate(ranks) if r >= 0)
        kinds = ("trigger", "actor", "recipient")
        templates[shape] = (
            "["
            + ",".join(
                f'{{{{"start":{{{2 * k}}},"end":{{{2 * k + 1}}},"kind":"{kinds[k]}"}}}}'
                for _, k in placed
            )
            + "]"
        )
    return templates


_SPAN_TEMPLATES: Final = _span_templates()


def _member(name: str, value: str) -> str:
    return f"{json.dumps(name)}:{value}"


def _spans_json(spans: Sequence[Span]) -> str:
    return (
        "["
        + ",".join(f'{{"start":{s.start},"end":{s.end},"kind":{_json_str(s.kind)}}}' for s in spans)
        + "]"
    )


def _release_memory() -> None:
    """Hand the memory freed after a build back to the system.

    Building copies a million rows through DuckDB's results and Arrow's compute; once they
    are freed, glibc's malloc and Arrow's pool keep most of those pages for reuse, and the
    server's resident size would stay hundreds of MB above what the index holds."""
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class IndexHolder:
    """The current index, built once on first use (concurrent first users wait for the one
    build) and dropped by :meth:`invalidate` after a write. ``on_built`` runs after each
    build, outside the lock (the app starts the text index there)."""

    def __init__(
        self,
        build: Callable[[], EventIndex],
        on_built: Callable[[EventIndex], None] | None = None,
    ) -> None:
        self._build = build
        self._on_built = on_built
        self._index: EventIndex | None = None
        self._lock = threading.Lock()
        self._generation = 0

    def get(self) -> EventIndex:
        index = self._index
        if index is not None:
            return index
        with self._lock:
            if self._index is not None:
                return self._index
            generation = self._generation
            built = self._build()
            if generation == self._generation:  # no write happened while building
                self._index = built
        if self._on_built is not None:
            self._on_built(built)
        return built

    def current(self) -> EventIndex | None:
        """The index if it is built, without building it."""
        return self._index

    def invalidate(self) -> None:
        with self._lock:
            self._index = None
            self._generation += 1
