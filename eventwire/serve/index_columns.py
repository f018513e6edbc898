"""The displayed columns of the events and articles, kept for writing pages of JSON."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from eventwire.serve.index_postings import BoolArray, _small_codes

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
# A str as json.dumps(..., ensure_ascii=False) writes it (the C function it uses).
_json_str: Callable[[str], str] = json.encoder.encode_basestring


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
                    # The -1 as the codes' own type: np.append would make a Python int an
                    # int64 array and promote every code to 8 bytes (a third of the index
                    # at a million events, where a byte or two each will do).
                    small = _small_codes(len(values))
                    codes = np.append(codes.astype(small), small(-1))
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

    def replaced(self, row: int, changes: Mapping[str, Any]) -> _Columns:
        """A copy with ``row``'s values in the named columns changed (values as
        :meth:`values` gives them; not dates). Changed columns are copied (a new value goes
        into a coded column's values, before NULL's); the rest are shared with ``self``,
        which requests may still be reading."""
        out = copy.copy(self)
        out._plain, out._numbers = dict(self._plain), dict(self._numbers)
        out._coded = dict(self._coded)
        for name, value in changes.items():
            if name in self._coded:
                codes, values, members = self._coded[name]
                code = next((i for i, v in enumerate(values[:-1]) if _same(v, value)), None)
                if value is None:
                    code = -1
                elif code is None:  # a value this column did not hold: the next code
                    code = len(values) - 1
                    values = [*values[:-1], value, None]
                    if members is not None:
                        made = None if name in self._lazy else _member(name, _json_value(value))
                        members = [*members[:-1], made, members[-1]]
                codes = codes.astype(np.result_type(codes.dtype, _small_codes(len(values))))
                codes[row] = code  # astype copied the array
                out._coded[name] = (codes, values, members)
            elif name in self._numbers:
                numbers, nulls = self._numbers[name]
                numbers = numbers.copy()
                numbers[row] = 0 if value is None else value
                if value is not None or nulls is not None:
                    nulls = nulls.copy() if nulls is not None else np.zeros(numbers.size, bool)
                    nulls[row] = value is None
                    nulls[-1] = True
                out._numbers[name] = (numbers, nulls)
            else:
                column = self._plain[name]
                mask = np.zeros(len(column), dtype=bool)
                mask[row] = True
                out._plain[name] = pc.if_else(
                    pa.array(mask), pa.scalar(value, type=column.type), column
                )
        return out

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


def _same(a: Any, b: Any) -> bool:
    """Whether two column values are the same value (True is not 1 here)."""
    return type(a) is type(b) and a == b


def _mean_length(strings: pa.Array) -> float:
    if not pa.types.is_string(strings.type) or len(strings) == 0:
        return float("inf")
    return float(pc.mean(pc.utf8_length(strings)).as_py() or 0.0)


def _member(name: str, value: str) -> str:
    return f"{json.dumps(name)}:{value}"
