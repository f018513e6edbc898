"""Sorted position lists, the building block of the event index.

A position is an event's place in the list's order (date newest first, undated last, then
id); a filter's matches are an ascending array of positions, so that intersecting and
cutting them to a date range are numpy searches and gathers, not Python loops.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
PosArray = npt.NDArray[np.int32]  # positions in the sorted order
BoolArray = npt.NDArray[np.bool_]

_MARKED: Final = 2048  # intersections with more candidates mark a bool array instead


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
class _Lists:
    """Positions grouped by value, as :class:`_Postings` (of which they are views), but
    one array per value: a correction that moves an event from one value to another
    (:meth:`moved`) copies those two lists, not the positions of every value."""

    lists: tuple[PosArray, ...]

    @classmethod
    def of(cls, codes: npt.NDArray[Any], n_values: int, keep: BoolArray | None) -> _Lists:
        grouped = _Postings.of(codes, n_values, keep)
        ptr = grouped.ptr.tolist()
        return cls(tuple(grouped.pos[a:b] for a, b in itertools.pairwise(ptr)))

    def get(self, code: int) -> PosArray:
        return self.lists[code]

    def count(self, code: int) -> int:
        return int(self.lists[code].size)

    @property
    def nbytes(self) -> int:
        return sum(int(a.nbytes) for a in self.lists)

    def moved(self, position: int, old: int, new: int, n_values: int) -> _Lists:
        """These lists with ``position`` taken out of value ``old``'s and put into value
        ``new``'s (-1: none), for ``n_values`` values (more than before when a value was
        seen for the first time: its list starts empty). The two lists are copied; the
        others, and ``self``, which requests may still be reading, are left as they are."""
        lists = list(self.lists)
        lists += [np.zeros(0, dtype=np.int32)] * (n_values - len(lists))
        if old >= 0:
            at = int(np.searchsorted(lists[old], position))
            if at < lists[old].size and lists[old][at] == position:
                lists[old] = _without(lists[old], at)
        if new >= 0:
            lists[new] = _with(lists[new], int(np.searchsorted(lists[new], position)), position)
        return _Lists(tuple(lists))


def _without(positions: PosArray, at: int) -> PosArray:
    """``positions`` without the one at index ``at``, in a new array. (np.delete costs
    four times as much: it builds a mask of the whole array.)"""
    return np.concatenate((positions[:at], positions[at + 1 :]))


def _with(positions: PosArray, at: int, position: int) -> PosArray:
    """``positions`` with ``position`` inserted at index ``at``, in a new array."""
    return np.concatenate((positions[:at], np.array([position], positions.dtype), positions[at:]))


def _small_codes(n: int) -> type[np.signedinteger[Any]]:
    return np.int8 if n < 127 else np.int16 if n < 32_767 else np.int32


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
