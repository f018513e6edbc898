"""Sorted position lists, the building block of the event index.

A position is an event's place in the list's order (date newest first, undated last, then
id); a filter's matches are an ascending array of positions, so that intersecting and
cutting them to a date range are numpy searches and gathers, not Python loops.
"""

from __future__ import annotations

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
