"""Parsing and validating actor entries: the YAML format shared by the built-in organisations
file and by user files.

A user file is YAML with one top-level key, ``actors`` (``organisations`` is accepted too), a
list of entries::

    actors:
      - name: Jane Roe                # canonical name (required)
        code: USA                     # ISO-3 or UNO/EUR/IGO/NGO/IMG/ISM/MNC (required)
        sector: GOV                   # PLOVER sector (optional)
        id: Q123456                   # Wikidata QID (optional; only when known)
        kind: person                  # person | organisation (default organisation)
        aliases: [Roe, Governor Roe]  # other names (optional)
        terms:                        # dated roles (optional)
          - {start: 2019-01-01, end: 2023-01-01, sector: GOV, office: Governor}

Anything else (a missing name, a code that is not three capital letters, a sector PLOVER does
not define, a date that is not YYYY-MM-DD) raises InputError naming the file and the entry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from eventwire.errors import InputError

from .records import ActorRecord, Kind, Term

__all__ = ["SECTORS", "parse_entries", "read_yaml"]

# PLOVER manual, "Sector Codes" table.
SECTORS = frozenset(
    "COP GOV JUD LEG MIL PRM PTY REB SPY UAF UNK AGR BUS CRM CVL EDU ELI JRN LAB MED REF OPP "
    "PRE REL SOC".split()
)
_CODE = re.compile(r"^[A-Z]{3}$")
_QID = re.compile(r"^Q[1-9][0-9]*$")
_KEYS = frozenset({"name", "code", "sector", "id", "kind", "aliases", "terms", "cameo"})
_FIX = "See the user file format in the eventwire.actors module docstring."

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """Read a YAML file with the C loader where available (several times faster)."""
    try:
        with path.open(encoding="utf-8") as f:
            return yaml.load(f, Loader=_Loader)  # a SafeLoader subclass
    except FileNotFoundError as e:
        raise InputError(
            f"Actor file not found: {path}", cause="the path is wrong", fix="Check the path."
        ) from e
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(
            f"Cannot read actor file {path}: {e}",
            cause="it is not a readable UTF-8 text file",
            fix="Save it as UTF-8 YAML.",
        ) from e
    except ValueError as e:
        # YAML parses 2020-13-01 as a date and fails inside the parser.
        raise InputError(
            f"Actor file {path} holds an impossible date or value: {e}",
            cause="a date such as 2020-13-01 that does not exist",
            fix="Write dates as YYYY-MM-DD with a real month and day.",
        ) from e
    except yaml.YAMLError as e:
        raise InputError(
            f"Actor file {path} is not valid YAML: {e}",
            cause="a syntax error (indentation, an unquoted ':' or '#')",
            fix="Correct the YAML; quote names that contain ':' or '#'.",
        ) from e


def _date(value: Any, where: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as e:
        raise InputError(
            f"{where}: {value!r} is not a date",
            cause="dates must be written YYYY-MM-DD",
            fix="Write the date as e.g. 2021-01-20.",
        ) from e


def _sector(value: Any, where: str) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in SECTORS:
        raise InputError(
            f"{where}: unknown sector {value!r}",
            cause="sectors are PLOVER's three-letter codes",
            fix="Use one of: " + ", ".join(sorted(SECTORS)) + ".",
        )
    return value


def _code(value: Any, where: str, *, required: bool) -> str | None:
    if value is None or value == "":
        if required:
            raise InputError(
                f"{where}: 'code' is missing",
                cause="every actor needs a country or organisation code",
                fix="Add code: with an ISO-3 code (USA) or UNO, EUR, IGO, NGO, IMG, ISM, MNC.",
            )
        return None
    if not isinstance(value, str) or not _CODE.match(value):
        raise InputError(
            f"{where}: code {value!r} is not three capital letters",
            cause="codes are ISO 3166 alpha-3 or PLOVER's non-state codes",
            fix="Use e.g. USA, PRK, UNO, IGO.",
        )
    return value


def _terms(value: Any, where: str) -> tuple[Term, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise InputError(f"{where}: 'terms' must be a list", fix=_FIX)
    out: list[Term] = []
    for i, t in enumerate(value, 1):
        w = f"{where}, term {i}"
        if not isinstance(t, Mapping):
            raise InputError(f"{w}: a term must be a mapping with start/end/sector", fix=_FIX)
        start = _date(t.get("start"), w)
        if start is None:
            raise InputError(f"{w}: 'start' is missing", fix="Give each term a start date.")
        end = _date(t.get("end"), w)
        if end is not None and end < start:
            raise InputError(f"{w}: ends ({end}) before it starts ({start})", fix="Swap them.")
        out.append(
            Term(
                start=start,
                end=end,
                sector=_sector(t.get("sector"), w),
                code=_code(t.get("code"), w, required=False),
                office=str(t["office"]) if t.get("office") else None,
            )
        )
    return tuple(out)


def parse_entries(data: Any, *, source: str) -> list[tuple[tuple[str, ...], ActorRecord]]:
    """Validate a loaded actor file; return (names to index, record) pairs."""
    if not isinstance(data, Mapping):
        raise InputError(
            f"Actor file {source} must be a mapping with an 'actors' list",
            cause=f"its top level is a {type(data).__name__}",
            fix=_FIX,
        )
    key = "actors" if "actors" in data else "organisations" if "organisations" in data else None
    if key is None or not isinstance(data[key], list):
        raise InputError(
            f"Actor file {source} has no 'actors' list",
            cause="the top-level key is missing or is not a list",
            fix=_FIX,
        )
    out: list[tuple[tuple[str, ...], ActorRecord]] = []
    for i, e in enumerate(data[key], 1):
        where = f"{source}, entry {i}"
        if not isinstance(e, Mapping):
            raise InputError(f"{where}: an entry must be a mapping", fix=_FIX)
        unknown = set(e) - _KEYS
        if unknown:
            raise InputError(
                f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}",
                fix="Use only: " + ", ".join(sorted(_KEYS)) + ".",
            )
        name = e.get("name")
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"{where}: 'name' is missing or empty", fix=_FIX)
        where = f"{source}, entry {i} ({name})"
        qid = e.get("id")
        if qid is not None and (not isinstance(qid, str) or not _QID.match(qid)):
            raise InputError(f"{where}: id {qid!r} is not a Wikidata QID like Q6279", fix=_FIX)
        kind = e.get("kind", "organisation")
        if kind not in ("person", "organisation"):
            raise InputError(f"{where}: kind must be 'person' or 'organisation'", fix=_FIX)
        aliases = e.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise InputError(f"{where}: 'aliases' must be a list of strings", fix=_FIX)
        k: Kind = "person" if kind == "person" else "organisation"
        record = ActorRecord(
            name=name.strip(),
            code=_code(e.get("code"), where, required=True),
            kind=k,
            sector=_sector(e.get("sector"), where),
            id=qid,
            terms=_terms(e.get("terms"), where),
            source=source,
        )
        out.append(((record.name, *aliases), record))
    return out
