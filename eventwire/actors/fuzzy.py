"""Misspelt names: a known person whose name a mention spells a little differently after a
title ("President Laurent Gbago"), scored with rapidfuzz against the knowledge base's
:meth:`~eventwire.actors.kb.KnowledgeBase.fuzzy_index`. The resolver's last resort before the
gazetteer (see :meth:`~eventwire.actors.composer._Composer._compose_parts`)."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from .kb import FUZZY_CUTOFF, KnowledgeBase
from .records import ActorRecord
from .scanner import _Part
from .text import fold

__all__ = ["fuzzy_person"]


def fuzzy_person(kb: KnowledgeBase, parts: list[_Part], text: str) -> ActorRecord | None:
    """A misspelt known person after a title: "President Laurent Gbago"."""
    if not any(p.kind == "title" for p in parts):
        return None
    words = [p.text for p in parts if p.kind == "word" and p.text[:1].isupper()]
    if not words:
        return None
    index = kb.fuzzy_index()
    name = fold(" ".join(w for w in words if w))
    # Only the names of a length that can reach the cutoff are scored (same result: see
    # kb._by_length); rapidfuzz converts every choice it is given on each call.
    n = len(name)
    if " " in name:
        names = index.names_by_len[n] if n < len(index.names_by_len) else ()
        hit = process.extractOne(name, names, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        return kb.persons[hit[0]] if hit else None
    keys = index.surnames_by_len[n] if n < len(index.surnames_by_len) else ()
    hit = process.extractOne(name, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    if hit and len(index.surnames[hit[0]]) == 1:
        return kb.persons[index.surnames[hit[0]][0]]
    return None
