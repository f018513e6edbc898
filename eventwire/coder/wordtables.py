"""The rule coder's word tables, read from TOML files in ``eventwire/coder/data``.

The tables are data rather than code so that a misread sentence is fixed with a row in a data
file (and a test row), not a Python change. Two formats:

- word sets (``senses.toml``, ``triggers.toml``): ``[NAME]`` tables, each with ``words`` (a
  list of lower-case lemmas or forms, each once) and optionally ``include`` (names of tables
  above it whose words it holds too). Read as ``{NAME: frozenset}``.
- the lexicon (``lexicon.toml``): ``[verbs]``, ``[nouns]``, ``[adjectives]`` map
  ``"TYPE"``/``"TYPE:mode"`` to lemmas; ``[phrases]`` maps ``"head dependent"`` to a
  ``"TYPE[:mode]"`` or ``""``; ``[irregular]`` maps a verb to its space-separated irregular
  forms. Types and modes are checked against :mod:`eventwire.ontology.plover`.

A file that breaks these rules raises :class:`~eventwire.errors.InputError` naming the file,
the table and the entry at fault. The packaged files are read once per process (cached).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from eventwire.errors import InputError
from eventwire.ontology.plover import EVENT_TYPES, MODES

__all__ = [
    "DATA_DIR",
    "Lexicon",
    "Trigger",
    "lexicon",
    "read_lexicon",
    "read_word_sets",
    "word_sets",
]

Trigger = tuple[str, str | None]  # (PLOVER type, mode); type "" is "no event" (phrases only)

DATA_DIR: Final = Path(__file__).resolve().parent / "data"

_TABLE_NAME: Final = re.compile(r"^[A-Z][A-Z0-9_]*$")
_LEXICON_SECTIONS: Final = ("verbs", "nouns", "adjectives", "phrases", "irregular")
_FIX: Final = "See the file format in the eventwire.coder.wordtables module docstring."


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The lexicon's tables, in the shapes :mod:`eventwire.coder.lexicon` exports."""

    verbs: MappingProxyType[str, Trigger]
    nouns: MappingProxyType[str, Trigger]
    adjectives: MappingProxyType[str, Trigger]
    phrases: MappingProxyType[tuple[str, str], Trigger]
    irregular: MappingProxyType[str, frozenset[str]]


@cache
def word_sets(name: str) -> Mapping[str, frozenset[str]]:
    """The packaged word-set file ``data/<name>.toml``, read once per process."""
    return read_word_sets(DATA_DIR / f"{name}.toml")


@cache
def lexicon() -> Lexicon:
    """The packaged ``data/lexicon.toml``, read once per process."""
    return read_lexicon(DATA_DIR / "lexicon.toml")


def read_word_sets(path: Path) -> Mapping[str, frozenset[str]]:
    """Read a word-set file (format in the module docstring); raise InputError if malformed."""
    out: dict[str, frozenset[str]] = {}
    for name, table in _load(path).items():
        where = f"{path}: [{name}]"
        if not _TABLE_NAME.match(name):
            raise _bad(where, "the table name is not UPPER_CASE", "Name tables like SHARED_GOODS.")
        if not isinstance(table, dict):
            raise _bad(where, "it is a value, not a [table] with words", _FIX)
        extra = set(table) - {"words", "include"}
        if extra or "words" not in table:
            raise _bad(
                where,
                f"unknown keys {sorted(extra)}" if extra else "it has no `words` list",
                "Give each table `words = [...]` and optionally `include = [...]`, nothing else.",
            )
        words = set(_words(table["words"], f"{where} words"))
        # Tables may only include ones above them: no cycles, and the file reads top down.
        for other in _words(table.get("include", []), f"{where} include", lower=False):
            if other not in out:
                raise _bad(
                    f"{where} include",
                    f"{other!r} is not a table defined above it",
                    "Include only tables defined earlier in the file.",
                )
            words |= out[other]
        out[name] = frozenset(words)
    return MappingProxyType(out)


def read_lexicon(path: Path) -> Lexicon:
    """Read a lexicon file (format in the module docstring); raise InputError if malformed."""
    data = _load(path)
    if set(data) != set(_LEXICON_SECTIONS):
        raise _bad(
            str(path),
            f"its sections are {sorted(data)}",
            f"Give it exactly the sections {', '.join(f'[{s}]' for s in _LEXICON_SECTIONS)}.",
        )
    sections = {s: _section(data[s], f"{path}: [{s}]") for s in _LEXICON_SECTIONS}
    readings = {s: _readings(sections[s], f"{path}: [{s}]") for s in _LEXICON_SECTIONS[:3]}
    phrases: dict[tuple[str, str], Trigger] = {}
    for key, value in sections["phrases"].items():
        where = f"{path}: [phrases] {key!r}"
        parts = key.split(" ")
        if len(parts) != 2 or not all(parts) or key != key.lower():
            raise _bad(where, "the key is not two lower-case words", 'Write "head dependent".')
        if not isinstance(value, str):
            raise _bad(where, "the value is not a string", 'Write "TYPE", "TYPE:mode" or "".')
        phrases[(parts[0], parts[1])] = _trigger(value, where) if value else ("", None)
    irregular: dict[str, frozenset[str]] = {}
    for verb, forms in sections["irregular"].items():
        where = f"{path}: [irregular] {verb!r}"
        if not isinstance(forms, str) or not forms.split() or forms != forms.lower():
            raise _bad(where, "the forms are not lower-case words", 'Write "forms separated".')
        irregular[verb] = frozenset(forms.split())
    return Lexicon(
        verbs=readings["verbs"],
        nouns=readings["nouns"],
        adjectives=readings["adjectives"],
        phrases=MappingProxyType(phrases),
        irregular=MappingProxyType(irregular),
    )


def _readings(section: dict[str, Any], where: str) -> MappingProxyType[str, Trigger]:
    out: dict[str, Trigger] = {}
    seen: dict[str, str] = {}
    for key, words in section.items():
        trigger = _trigger(key, f"{where} {key!r}")
        for w in _words(words, f"{where} {key!r}"):
            # A second reading would silently replace the first (the table is a dict): refuse.
            if w in seen:
                raise _bad(
                    f"{where} {key!r}",
                    f"{w!r} is also listed under {seen[w]!r}",
                    "Keep one reading per word; the coder's senses tell the others apart.",
                )
            seen[w] = key
            out[w] = trigger
    return MappingProxyType(out)


def _trigger(value: str, where: str) -> Trigger:
    etype, _, mode = value.partition(":")
    if etype not in EVENT_TYPES:
        raise _bad(
            where, f"{etype!r} is not a PLOVER type", f"Use one of {', '.join(EVENT_TYPES)}."
        )
    if mode and mode not in MODES[etype]:
        modes = ", ".join(MODES[etype]) or "none"
        raise _bad(where, f"{mode!r} is not a mode of {etype}", f"{etype}'s modes: {modes}.")
    return (etype, mode or None)


def _words(value: Any, where: str, *, lower: bool = True) -> list[str]:
    """A list of distinct, non-empty, trimmed strings (lower-case unless ``lower`` is off:
    the coder matches lemmas and lower-cased forms, so "Olympics" would never match)."""
    if not isinstance(value, list) or not all(isinstance(w, str) for w in value):
        raise _bad(where, "it is not a list of strings", 'Write ["word", "word"].')
    for w in value:
        if not w or w != w.strip() or (lower and w != w.lower()):
            raise _bad(where, f"{w!r} is empty, padded or not lower-case", "Write the lemma.")
    if len(set(value)) != len(value):
        dupes = sorted({w for w in value if value.count(w) > 1})
        raise _bad(where, f"{', '.join(map(repr, dupes))} listed twice", "List each word once.")
    return value


def _section(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(where, "it is a value, not a [table]", _FIX)
    return value


def _load(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError as e:
        raise InputError(
            f"Word table file not found: {path}",
            cause="the package was installed without its data files",
            fix="Reinstall eventwire (its coder/data/*.toml files are package data).",
        ) from e
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(
            f"Cannot read word table file {path}: {e}",
            cause="it is not a readable UTF-8 text file",
            fix="Save it as UTF-8 TOML.",
        ) from e
    except tomllib.TOMLDecodeError as e:
        raise InputError(
            f"Word table file {path} is not valid TOML: {e}",
            cause="a syntax error (an unquoted key with ':' or ' ', a missing comma or bracket)",
            fix='Correct the TOML; quote keys such as "CONSULT:visit" and "call for".',
        ) from e


def _bad(where: str, cause: str, fix: str) -> InputError:
    return InputError(f"Malformed word table at {where}", cause=cause, fix=fix)
