"""The cheap prefilter: which sentences are worth parsing at all.

A sentence can hold an event only if it mentions an actor (a known name, a capitalised word,
or a pronoun or generic actor word that the article memory may resolve) and a word that can
realise a trigger. Everything else is skipped before spaCy sees it; this is what lets the
pipeline run faster than parsing every sentence.

The trigger words are the coder's lexicon (every inflected form of every lemma) plus
``EXTRA_LEMMAS``: words the PLOVER codebook treats as reporting events that the rule lexicon
does not code (yet). They cost little (a few percent more sentences parsed on news) and keep
the prefilter from capping recall below what a learned classifier or a grown lexicon could
reach: a skipped sentence can never be coded by anything.

Measured by ``benchmarks/prefilter_recall.py``: recall on gold PLV sentences and the share of
news sentences skipped.
"""

from __future__ import annotations

import re
from functools import cache

from eventwire.coder.context import GENERIC_ACTOR_WORDS, PRONOUNS
from eventwire.coder.lexicon import surface_forms

__all__ = ["EXTRA_LEMMAS", "may_hold_event"]

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")

# Lemmas that report PLOVER events beyond the rule lexicon, by the codebook's categories.
# General vocabulary of political action, not phrases from any evaluation set.
EXTRA_LEMMAS: frozenset[str] = frozenset(
    # AID / COOPERATE: transfers, deployments abroad, joint action
    """give send award receive airlift arrive peacekeeping
    peacekeeper participate""".split()
    # CONSULT / SUPPORT: diplomatic relations and their changes
    + """summon establish restore normalize upgrade sever diplomatic relation tie respect""".split()
    # REQUEST / ACCUSE / SANCTION: orders, complaints, legal action
    + """order complain declare guilty acquit search interrogate summons
    subpoena""".split()
    # YIELD / CONCEDE / RETREAT: reversals, reinstatement, announcements of pauses
    + """reverse reinstate appoint nominate announce permission reopen resume""".split()
    # MOBILIZE / THREATEN / ASSAULT: alerts, operations, hostilities
    + """alert operation hostility shield deadline siege""".split()
)

# Word prefixes that keep the base's reading: "re-appointed", "co-host", "counter-attack".
_PREFIXES = ("re", "co", "counter", "pre", "anti", "non", "self", "mis", "over", "out")


@cache
def _triggers() -> frozenset[str]:
    return surface_forms(EXTRA_LEMMAS)


def _is_trigger(low: str, triggers: frozenset[str]) -> bool:
    if low in triggers:
        return True
    if low.endswith("'s"):
        return low[:-2] in triggers
    if "-" in low:
        # "cease-fire" and "ceasefire", "U.S.-backed" and "backed", "re-appointed" and
        # "appointed": a hyphenated word triggers when the joined form or any part does.
        if low.replace("-", "") in triggers:
            return True
        parts = [p for p in low.split("-") if p]
        return any(p in triggers for p in parts) or (
            len(parts) > 1 and parts[0] in _PREFIXES and "".join(parts[1:]) in triggers
        )
    return False


def may_hold_event(sentence: str) -> bool:
    """True when ``sentence`` has both a possible trigger and a possible actor."""
    triggers = _triggers()
    has_trigger = has_actor = False
    for i, m in enumerate(_WORD.finditer(sentence)):
        word = m.group()
        low = word.lower()
        if not has_trigger and _is_trigger(low, triggers):
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
