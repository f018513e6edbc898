"""Text normalisation and tokenising shared by the knowledge base, the resolver and the scanner.

Keys are folded the same way everywhere so that an alias written in a data file and a mention
written in a news story meet in one dict lookup: Unicode NFKC, curly quotes made straight,
hyphens and dashes made spaces ("Kim Jong-un" = "Kim Jong Un"), whitespace collapsed, casefolded.
Short all-capital acronyms ("US", "IS", "UN") are *not* folded: "us" and "is" are English words.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Final

__all__ = ["Token", "fold", "is_acronym", "sensitive", "strip_possessive", "tokenize"]

_QUOTES: Final = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "‐": "-", "–": "-", "—": "-"}
)
_SPACE: Final = re.compile(r"\s+")
_HYPHEN: Final = re.compile(r"(?<=\w)-(?=\w)")
# A word: letters/digits joined by inner dots, apostrophes, hyphens or slashes ("U.S.",
# "Kim Jong-un", "SPLM/A", "Sa'ar"), with an optional final dot kept for "U.S." / "Gen.".
_TOKEN: Final = re.compile(r"\w+(?:[.'’\-/&]\w+)*\.?|\+")

Token = tuple[str, int, int]


# Word-level memo size: keys are short strings seen again and again (names, sector words), so
# a bounded cache turns most folds into one dict get. Clear with ``fold.cache_clear()``.
_MEMO: Final = 1 << 16


@functools.lru_cache(maxsize=_MEMO)
def sensitive(text: str) -> str:
    """The case-sensitive key: quotes and spacing normalised, letters untouched."""
    if text.isascii():
        # ASCII is NFKC-stable and has no curly quotes: only spacing can change.
        return " ".join(text.split())
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).translate(_QUOTES)).strip()


@functools.lru_cache(maxsize=_MEMO)
def fold(text: str) -> str:
    """The case-insensitive key used for names, demonyms and sector words."""
    s = sensitive(text)
    if "-" in s:
        s = _HYPHEN.sub(" ", s).replace(" - ", " ")
    return s.casefold()


@functools.lru_cache(maxsize=_MEMO)
def is_acronym(text: str) -> bool:
    """True for short all-capital forms ("US", "U.S.", "IS", "NATO") matched case-sensitively."""
    # isupper(): every cased character is a capital and there is one; then count letters.
    return text.isupper() and sum(1 for c in text if c.isalpha()) <= 5


def strip_possessive(text: str) -> str:
    """'Ukraine's' -> 'Ukraine'; "Zelensky'" stays as it is (no bare apostrophe stripping)."""
    t = sensitive(text)
    if t.endswith("'s") or t.endswith("'S"):
        return t[:-2]
    return t


def tokenize(text: str) -> list[Token]:
    """Words with their character offsets into ``text``."""
    out: list[Token] = []
    pos = 0
    if text.isascii() and text.replace(" ", "").isalnum():
        # ASCII letters and digits split by spaces ("Israeli Prime Minister Ehud Barak"), the
        # commonest mention: each run of them is one whole match of _TOKEN (no joiner, dot or
        # "+" to extend or split it), so the words are the runs, found without the regex.
        # (A plain loop: cheaper than building the offsets with map/accumulate/zip, both
        # interpreted and compiled, for the few words of a mention.)
        for w in text.split(" "):
            if w:
                out.append((w, pos, pos + len(w)))
            pos += len(w) + 1
        return out
    # findall() runs in C; each word is then found from the previous end. That is exact: the
    # gaps between tokens hold no word characters, so a word cannot occur in a gap.
    find = text.find
    for w in _TOKEN.findall(text):
        start = find(w, pos)
        pos = start + len(w)
        out.append((w, start, pos))
    return out
