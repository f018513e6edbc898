"""The cheap prefilter: which sentences are worth parsing at all.

A sentence can hold an event only if it mentions an actor (a known name, a capitalised word,
or a pronoun or generic actor word that the article memory may resolve) and a word that can
realise a trigger. Everything else is skipped before spaCy sees it; this is what lets the
pipeline run faster than parsing every sentence.
"""

from __future__ import annotations

import re
from functools import cache

from eventwire.coder.context import GENERIC_ACTOR_WORDS, PRONOUNS
from eventwire.coder.lexicon import surface_forms

__all__ = ["may_hold_event"]

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


@cache
def _triggers() -> frozenset[str]:
    return surface_forms()


def may_hold_event(sentence: str) -> bool:
    """True when ``sentence`` has both a possible trigger and a possible actor."""
    triggers = _triggers()
    has_trigger = has_actor = False
    for i, m in enumerate(_WORD.finditer(sentence)):
        word = m.group()
        low = word.lower()
        if not has_trigger and (low in triggers or low.split("-")[0] in triggers):
            has_trigger = True
        if not has_actor and (
            (word[0].isupper() and (i > 0 or low not in _COMMON_SENTENCE_STARTS))
            or low in PRONOUNS
            or low in GENERIC_ACTOR_WORDS
            or low in _SECTOR_WORDS
        ):
            has_actor = True
        if has_trigger and has_actor:
            return True
    return False


_COMMON_SENTENCE_STARTS = frozenset({"the", "a", "an", "this", "that", "but", "and", "in", "on"})
_SECTOR_WORDS = frozenset(
    {"troops", "soldiers", "police", "rebels", "militants", "protesters", "demonstrators",
     "forces", "army", "military", "insurgents", "lawmakers", "parliament", "court"}
)  # fmt: skip
