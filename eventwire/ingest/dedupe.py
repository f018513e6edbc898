"""Syndication and duplicates: grouping copies of one story (the same wire report under other
outlets' headlines, boilerplate and first paragraphs) under one ``story_id``.

Exact copies (same normalised text) are found by hash. Near copies by MinHash over word
shingles with locality-sensitive hashing (banding), then confirmed by the estimated Jaccard
similarity. The MinHash is our own numpy implementation: datasketch hashes every shingle with
SHA-1 in Python and is several times slower here; banding is a few dict lookups.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from eventwire.errors import UsageError
from eventwire.ingest.ids import normalise_for_hash
from eventwire.model import Article

__all__ = ["StoryClusterer", "minhash_signature"]

_MAX32 = np.uint64(0xFFFFFFFF)
_SHIFT32 = np.uint64(32)
_SEED = 20240131  # fixed: the same corpus must always cluster the same way

Signature = npt.NDArray[np.uint32]


@functools.lru_cache(maxsize=32)
def _permutations(num_perm: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    rng = np.random.Generator(np.random.PCG64(_SEED))
    # Multiply-shift hashing, h(x) = (a*x + b) mod 2**64 >> 32 with odd a: universal for
    # 32-bit outputs and several times faster than a modulus by a Mersenne prime.
    a = rng.integers(0, 1 << 63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 1 << 63, size=num_perm, dtype=np.uint64)
    return a, b


# Shingle hashes are polynomial hashes of substrings of the normalised text, all computed at
# once in numpy from prefix sums: hashing word by word in Python cost two thirds of the time.
# Arithmetic is modulo 2**64 (numpy arrays wrap silently); the base is odd, so it has an
# inverse and a substring's hash is a difference of prefix sums scaled by a power.
_BASE = 0x100000001B3
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)
_powers_cache: tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]] = (
    np.ones(1, dtype=np.uint64),
    np.ones(1, dtype=np.uint64),
)


def _powers(n: int) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    """BASE**k and BASE**-k for k < n (modulo 2**64), cached and grown on demand."""
    global _powers_cache
    if len(_powers_cache[0]) < n:
        size = max(n, 2 * len(_powers_cache[0]), 1 << 14)
        up = np.full(size, _BASE, dtype=np.uint64)
        up[0] = 1
        down = np.full(size, _BASE_INVERSE, dtype=np.uint64)
        down[0] = 1
        _powers_cache = (np.cumprod(up, dtype=np.uint64), np.cumprod(down, dtype=np.uint64))
    return _powers_cache


def _mix(h: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """splitmix64's finaliser: spreads the polynomial hash's weak low bits over all bits."""
    h = h ^ (h >> np.uint64(30))
    h = h * np.uint64(0xBF58476D1CE4E5B9)
    h = h ^ (h >> np.uint64(27))
    h = h * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def _shingle_hashes(normal: str, shingle: int) -> npt.NDArray[np.uint64]:
    """32-bit hashes (in uint64) of the word ``shingle``-grams of ``normal``: text from
    ``normalise_for_hash``, words joined by single spaces."""
    data = np.frombuffer(normal.encode("utf-8"), dtype=np.uint8)
    if data.size == 0:
        return np.zeros(0, dtype=np.uint64)
    spaces = np.flatnonzero(data == 32)
    starts = np.concatenate(([0], spaces + 1))
    ends = np.concatenate((spaces, [data.size]))
    k = min(shingle, starts.size)
    first, last = starts[: starts.size - k + 1], ends[k - 1 :]
    up, down = _powers(data.size + 1)
    prefix = np.zeros(data.size + 1, dtype=np.uint64)
    np.cumsum(data.astype(np.uint64) * down[: data.size], out=prefix[1:])
    h = _mix((prefix[last] - prefix[first]) * up[last - 1])
    return (h >> _SHIFT32) ^ (h & _MAX32)


def minhash_signature(text: str, *, num_perm: int = 128, shingle: int = 5) -> Signature:
    """The MinHash signature of ``text``'s word ``shingle``-grams: ``num_perm`` 32-bit values.
    The share of equal positions in two signatures estimates the texts' Jaccard similarity."""
    return _signature(normalise_for_hash(text), num_perm, shingle)


def _signature(normal: str, num_perm: int, shingle: int) -> Signature:
    hashes = _shingle_hashes(normal, shingle)
    if hashes.size == 0:
        return np.full(num_perm, 0xFFFFFFFF, dtype=np.uint32)
    a, b = _permutations(num_perm)
    values = (np.outer(a, hashes) + b[:, None]) >> _SHIFT32
    return values.min(axis=1).astype(np.uint32)


@functools.lru_cache(maxsize=32)
def _bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows per band minimising false positives below ``threshold`` plus false
    negatives above it (the same criterion as datasketch's MinHashLSH)."""
    xs = np.linspace(0.0, 1.0, 1001)
    dx = xs[1] - xs[0]
    best = (1, num_perm)
    best_error = float("inf")
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            p = 1.0 - (1.0 - xs**rows) ** bands
            false_pos = float(p[xs <= threshold].sum() * dx)
            false_neg = float((1.0 - p[xs >= threshold]).sum() * dx)
            if false_pos + false_neg < best_error:
                best_error = false_pos + false_neg
                best = (bands, rows)
    return best


@dataclass(frozen=True, slots=True)
class _Entry:
    story_id: str
    signature: Signature


class _Index:
    """One generation of remembered articles: exact hashes, signatures, LSH buckets."""

    __slots__ = ("buckets", "entries", "exact")

    def __init__(self, bands: int) -> None:
        self.exact: dict[bytes, str] = {}
        self.entries: list[_Entry] = []
        self.buckets: list[dict[bytes, list[int]]] = [{} for _ in range(bands)]

    def add(self, entry: _Entry, keys: Sequence[tuple[int, bytes]], exact: bytes) -> None:
        index = len(self.entries)
        self.entries.append(entry)
        for band, key in keys:
            self.buckets[band].setdefault(key, []).append(index)
        self.exact[exact] = entry.story_id


class StoryClusterer:
    """Assigns each article a ``story_id``: the id of the first article seen of its story.

    Feed articles in a fixed order and the result is deterministic. ``threshold`` is the
    estimated Jaccard similarity of word ``shingle``-grams above which two articles are one
    story; ``num_perm`` the MinHash size (more is more precise and slower).

    Memory is bounded: syndicated copies of a story appear within days of each other, so
    only the most recent ``window`` to ``2 * window`` articles are remembered (two
    generations; the older is dropped when the newer fills). Each remembered article costs
    about 4.6 KB (its signature and band keys), so at most ~185 MB at the default window.
    """

    def __init__(
        self,
        threshold: float = 0.8,
        num_perm: int = 128,
        shingle: int = 5,
        *,
        window: int = 20_000,
    ) -> None:
        if not 0.0 < threshold <= 1.0:
            raise UsageError(
                f"threshold must be in (0, 1], not {threshold}",
                fix="use a Jaccard similarity such as 0.8",
            )
        if window < 1:
            raise UsageError(f"window must be at least 1, not {window}", fix="use e.g. 20000")
        if num_perm < 2 or shingle < 1:
            raise UsageError(
                f"num_perm must be at least 2 and shingle at least 1 (got {num_perm}, {shingle})",
                fix="the defaults num_perm=128, shingle=5 suit news articles",
            )
        self.threshold = threshold
        self.num_perm = num_perm
        self.shingle = shingle
        # Banding tuned to the threshold itself misses about one pair in five just above it;
        # tune it lower, for recall, and let the signature comparison decide.
        self._band_count, self._rows = _bands(max(0.3, threshold - 0.2), num_perm)
        self.window = window
        self._old = _Index(self._band_count)
        self._new = _Index(self._band_count)
        self.duplicates = 0  # articles that joined an earlier article's story

    def __len__(self) -> int:
        """The number of distinct texts remembered."""
        return len(self._old.entries) + len(self._new.entries)

    def _band_keys(self, signature: Signature) -> Iterable[tuple[int, bytes]]:
        rows = self._rows
        for band in range(self._band_count):
            yield band, signature[band * rows : (band + 1) * rows].tobytes()

    def assign(self, article: Article) -> str:
        """The story id of ``article`` (its own id when it starts a new story)."""
        normal = normalise_for_hash(article.text)
        exact = hashlib.sha1(normal.encode("utf-8")).digest()
        story_or_none = self._new.exact.get(exact) or self._old.exact.get(exact)
        if story_or_none is not None:
            self.duplicates += 1
            return story_or_none
        signature = _signature(normal, self.num_perm, self.shingle)
        keys = list(self._band_keys(signature))
        story = article.id
        best = self.threshold
        for index in (self._old, self._new):  # older first: the first article names the story
            candidates: set[int] = set()
            for band, key in keys:
                candidates.update(index.buckets[band].get(key, ()))
            for i in sorted(candidates):
                entry = index.entries[i]
                similarity = float(np.count_nonzero(entry.signature == signature)) / self.num_perm
                if similarity >= best and (similarity > best or story == article.id):
                    best, story = similarity, entry.story_id
        if story != article.id:
            self.duplicates += 1
        if len(self._new.entries) >= self.window:
            self._old, self._new = self._new, _Index(self._band_count)
        self._new.add(_Entry(story, signature), keys, exact)
        return story

    def assign_many(self, articles: Sequence[Article]) -> list[str]:
        """Story ids of ``articles``, in order (the same as calling ``assign`` on each)."""
        return [self.assign(article) for article in articles]
