"""Publication dates in the shapes news inputs actually use."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import time

__all__ = ["parse_published"]

# "2017-02-13", "2017/2/13", "2017.02.13", optionally followed by a time ("2016/12/30 7:11",
# "2017-02-13T10:00:00Z").
_YMD = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[T\s])")
# "13.02.2017", "13/02/2017": day first, as in most of the world outside the US. Ambiguous
# "02/03/2017" is read day-first too; a US source should use ISO dates or a column override.
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:$|[T\s])")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_LONG_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b. %d, %Y")


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_published(value: object) -> dt.date | None:
    """A date from an ISO string, ``2017/2/13``, RFC 822 (feeds), ``February 13, 2017``, a
    ``datetime``/``date`` or a ``time.struct_time``; ``None`` when it cannot be read (the
    article is still kept, with its date unknown)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, time.struct_time):
        return _safe_date(value.tm_year, value.tm_mon, value.tm_mday)
    s = str(value).strip()
    if not s:
        return None
    if m := _YMD.match(s):
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    if m := _DMY.match(s):
        return _safe_date(int(m[3]), int(m[2]), int(m[1]))
    if m := _COMPACT.match(s):
        return _safe_date(int(m[1]), int(m[2]), int(m[3]))
    try:
        parsed = email.utils.parsedate_to_datetime(s)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return parsed.date()
    for fmt in _LONG_FORMATS:
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None
