"""The token index behind text search: :class:`TextIndex` (see its docstring).

Built in the background after start-up from the lowered sentences; until it is ready, text
searches scan the sentences in DuckDB.

Why hand-built (issue 22): benchmarks/search_bench.py put SQLite's FTS5 (trigram tokenizer)
and tantivy (character trigrams) behind the same ``search`` at a million events, 2,000 new
texts: p95 of a search 2.2 ms here (6.4 ms on busier CPUs), tantivy 80-112 ms, FTS5 427 ms,
all with the same matches. Both engines also need a scan for texts under three characters.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable
from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from eventwire.serve.index_postings import IntArray, PosArray, _in_sorted, _Postings, _ranges

# Tokens are split at each space: one literal character, which Arrow (for the sentences)
# and str.split (for the query) split at alike. See TextIndex for why any split is exact.
_SEPARATOR: Final = " "
_AFTER_ALL: Final = "\U0010ffff"  # the last code point: key + it bounds key's prefixes
# Candidates are narrowed by a token's list only when it is at most this many times longer
# (marking a position costs about a nanosecond; checking a candidate's tokens, tens).
_NARROWING: Final = 32
# Tokens in at least 1/_COMMON of the sentences also get a bitmap of them (size / 8 bytes),
# at most _BITMAPS of them (the most frequent): testing candidates against a common word is
# then a gather on the candidates alone, not a scatter of the word's long list (numpy's
# fancy assignment costs ~10 ns an element: 1.5 ms for a word in 15% of a million).
_COMMON: Final = 64
_SAMPLE: Final = 64  # the vocabulary's binary search: see _Sorted
_BITMAPS: Final = 256
_BIT: Final = np.array([128, 64, 32, 16, 8, 4, 2, 1], dtype=np.uint8)  # np.packbits' order


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
