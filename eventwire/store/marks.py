"""The review marks of an event: confirmed, and what an analyst changed (issue 21).

``corrected_events`` (store/corrections.py) tells ``reviewed`` (an analyst acted on the
event) and ``corrected`` (a value differs from the coder's). Two things a reader of the list
needs are not in it:

- ``confirmed``: reviewed and kept as the coder coded it. Not simply "reviewed and not
  corrected": a note alone keeps the event's state, and an event whose only corrections
  are notes has not been judged. A note after a confirmation leaves it confirmed, so for a
  noted event the key's history is asked (one list read from ``corrections``, which holds
  thousands of rows where ``events`` holds millions).
- ``changes``: what differs from the coder's values, as text ("type: ASSAULT → COERCE;
  mode: – → arrest"); NULL when nothing does. Values that follow from others are listed
  only when those did not change (quad, intensity and CAMEO root follow type and mode; an
  actor's name follows its code and sector), so a retype reads as one change.

:data:`MARKS_SQL` is two more columns for :func:`~eventwire.store.corrections.
corrected_events_sql` (``e`` is the coder's row, ``c`` its key's latest correction): the
server's list, its index and the exports compute them in the same pass as the view, with no
query per event. :func:`row_marks` is the same in Python, from the same list of items, for
the server's answer to a correction (tests/serve/test_serve_corrections.py checks both
agree).
"""

from __future__ import annotations

from typing import Any, Final

# The values a correction sets (the view compares the same ones for ``corrected``), and the
# key a correction applies by.
from eventwire.store.corrections import KEY, VALUE_TYPES

__all__ = ["MARK_COLUMNS", "MARKS_SQL", "row_marks"]

#: The columns :data:`MARKS_SQL` adds.
MARK_COLUMNS: Final = ("confirmed", "changes")

_TYPED: Final = ("event_type", "mode")
# What ``changes`` lists, in order: (label, the values shown as one, the values whose change
# hides it because it follows from them).
_ITEMS: Final[tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]] = (
    ("type", ("event_type",), ()),
    ("mode", ("mode",), ()),
    ("quad", ("quad",), _TYPED),
    ("intensity", ("intensity",), _TYPED),
    ("CAMEO root", ("cameo_root",), _TYPED),
    ("actor", ("actor_code", "actor_sector"), ()),
    ("actor name", ("actor_name",), ("actor_code", "actor_sector")),
    ("recipient", ("recipient_code", "recipient_sector"), ()),
    ("recipient name", ("recipient_name",), ("recipient_code", "recipient_sector")),
    ("polarity", ("polarity",), ()),
    ("modality", ("modality",), ()),
)
_NONE: Final = "–"  # a NULL value in ``changes``


def _differs(*names: str) -> str:
    return " OR ".join(f"c.new_{n} IS DISTINCT FROM e.{n}" for n in names)


def _shown(side: str, names: tuple[str, ...]) -> str:
    if len(names) == 1:
        value = f"CAST({side}{names[0]} AS VARCHAR)"
    else:  # a code and its sector: "PRK MIL", "PRK"
        value = f"nullif(concat_ws(' ', {', '.join(side + n for n in names)}), '')"
    return f"coalesce({value}, '{_NONE}')"


def _item_sql(label: str, names: tuple[str, ...], unless: tuple[str, ...]) -> str:
    cond = f"({_differs(*names)})" + (f" AND NOT ({_differs(*unless)})" if unless else "")
    return (
        f"CASE WHEN {cond} THEN '{label}: ' || {_shown('e.', names)} || ' → '"
        f" || {_shown('c.new_', names)} END"
    )


_CHANGES: Final = (
    "CASE WHEN c.seq IS NOT NULL THEN nullif(concat_ws('; ', "
    + ", ".join(_item_sql(*item) for item in _ITEMS)
    + "), '') END"
)
# Whether the key has a verdict (any correction but a note), asked only of an event whose
# latest correction is a note. Why a list and not EXISTS: DuckDB turns a correlated EXISTS
# into a join evaluated for every event (a second more for the server's index at a million
# events); this list is read once, and CASE asks it for the noted events alone.
_JUDGED: Final = (
    "CASE WHEN c.action = 'note' THEN coalesce(list_contains("
    f"(SELECT list(DISTINCT ({', '.join(KEY)})) FROM corrections WHERE action <> 'note'), "
    f"({', '.join(f'c.{k}' for k in KEY)})), FALSE) ELSE c.seq IS NOT NULL END"
)

#: ``confirmed`` and ``changes``, as extra columns of ``corrected_events_sql``.
MARKS_SQL: Final = (
    f"(c.seq IS NOT NULL AND NOT ({_differs(*VALUE_TYPES)}) AND {_JUDGED}) AS confirmed,"
    f" {_CHANGES} AS changes"
)


def _shown_py(values: list[Any]) -> str:
    """:func:`_shown` in Python: one value as DuckDB casts it to text (str() agrees for the
    types of these columns: text, integers, doubles such as 7.0 or -2.5), a code and its
    sector joined by a space (NULLs skipped); NULL as ``_NONE``."""
    if len(values) == 1:
        return _NONE if values[0] is None else str(values[0])
    return " ".join(str(v) for v in values if v is not None) or _NONE


def row_marks(coded: dict[str, Any], new: dict[str, Any], *, judged: bool) -> dict[str, Any]:
    """:data:`MARKS_SQL` in Python: ``confirmed`` and ``changes`` of the coder's row
    ``coded`` under a correction whose values are ``new`` (``CorrectionRecord.new``);
    ``judged``: its key has a verdict (``Recorded.judged``). The server answers a
    correction with it: the SQL's query alone (mostly DuckDB planning its expressions) cost
    30 to 40 ms of the round trip at a million events on a busy machine."""

    def differs(names: tuple[str, ...]) -> bool:
        return any(new[n] != coded[n] for n in names)  # IS DISTINCT FROM

    changes = [
        f"{label}: {_shown_py([coded[n] for n in names])} → {_shown_py([new[n] for n in names])}"
        for label, names, unless in _ITEMS
        if differs(names) and not (unless and differs(unless))
    ]
    confirmed = not differs(tuple(VALUE_TYPES)) and judged
    return dict(zip(MARK_COLUMNS, (confirmed, "; ".join(changes) or None), strict=True))
