"""Stable article ids: the given id, else a hash of the normalised text."""

from __future__ import annotations

import hashlib
import re

__all__ = ["article_id", "normalise_for_hash"]

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_for_hash(text: str) -> str:
    """Lower-cased words joined by single spaces.

    Whitespace, punctuation and case differences (CRLF vs LF, a re-wrapped paragraph, curly vs
    straight quotes) must not change the id, or the same article read twice would be two.
    """
    return _NON_WORD.sub(" ", text.casefold()).strip()


def article_id(text: str, given: object = None) -> str:
    """The article's id: ``given`` as a string when present and non-empty, else the first 16
    hex digits of the SHA-1 of the normalised text."""
    if given is not None:
        given_str = str(given).strip()
        if given_str:
            return given_str
    digest = hashlib.sha1(normalise_for_hash(text).encode("utf-8"))
    return digest.hexdigest()[:16]
