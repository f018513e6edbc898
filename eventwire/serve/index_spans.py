"""The highlight spans of every event, worked out once for all events by DuckDB."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from eventwire.analysis.evidence import Span
from eventwire.serve.index_columns import _json_str
from eventwire.serve.index_postings import BoolArray, PosArray

# What highlight_spans reads, in its order.
_SPAN_COLUMNS: Final = ("sentence", "sentence_start", "trigger", "trigger_start", "trigger_end",
                        "actor_text", "recipient_text")  # fmt: skip

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


def _spans_json(spans: Sequence[Span]) -> str:
    return (
        "["
        + ",".join(f'{{"start":{s.start},"end":{s.end},"kind":{_json_str(s.kind)}}}' for s in spans)
        + "]"
    )
