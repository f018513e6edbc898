"""Polarity (asserted / negated) and modality (actual / future / hypothetical / historical).

Both are read off the dependency path from the trigger up to its clause's root: a negation
anywhere on that path ("could *not* anticipate a shift to confront", "*no* serious discussion
of a meeting") negates the event; a modal or conditional on it makes it hypothetical; a
future auxiliary or a verb of planning makes it future. The path stops at a reporting verb,
so "the official did not say" is not read as negating what was reported elsewhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from eventwire.model import Modality, Polarity
from eventwire.nlp import doc_text

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["REPORTING_VERBS", "clause_path", "modality", "polarity", "speculative"]

REPORTING_VERBS: Final = frozenset(
    {"say", "tell", "add", "state", "announce", "claim", "admit", "note", "report",
     "confirm", "insist", "argue", "write", "explain", "acknowledge", "declare", "think",
     "believe", "reiterate", "stress"}
)  # fmt: skip
_NEGATING_VERBS: Final = frozenset(
    {"deny", "fail", "avoid", "refrain", "cease", "stop", "cancel", "renege", "scrap", "abandon"}
)
_NEG_WORDS: Final = frozenset({"not", "n't", "never", "no", "without", "nor", "neither"})
_HYPOTHETICAL_AUX: Final = frozenset({"could", "might", "may", "would", "should", "can", "must"})
# The auxiliaries of a writer's speculation, as against the "will", "would" and "must" of an
# announcement or a demand.
_SPECULATIVE_AUX: Final = frozenset({"could", "might", "may", "can"})
_FUTURE_AUX: Final = frozenset({"will", "shall", "'ll", "wo"})
_FUTURE_VERBS: Final = frozenset(
    {
        "plan",
        "intend",
        "prepare",
        "expect",
        "schedule",
        "aim",
        "set",
        "propose",
        "going",
        "hope",
        "due",
        "poise",
        "slate",
    }
)
_DESIRE_VERBS: Final = frozenset({"like", "love", "prefer", "want", "wish", "hope"})
# spaCy's small model lemmatises "hopes" as "hop": the forms themselves.
_HOPE_FORMS: Final = frozenset({"hope", "hopes", "hoped", "hoping"})
_CONDITIONAL_MARKS: Final = frozenset({"if", "unless", "whether"})
# Heads under which an act is feared, rehearsed or possible, not done.
_FEARED: Final = frozenset(
    {"afraid", "fear", "risk", "possibility", "prospect", "danger", "chance", "likelihood",
     "worry", "practice", "rehearsal", "simulate", "rehearse", "scenario", "contingency"}
)  # fmt: skip
_HISTORICAL_CUES: Final = frozenset({"past", "previously", "formerly", "once", "ago"})


def clause_path(trigger: Token) -> list[Token]:
    """The trigger and its ancestors up to (not including) a reporting verb or the root."""
    path = [trigger]
    tok = trigger
    while tok.head != tok:
        tok = tok.head
        if tok.lemma_ in REPORTING_VERBS and tok.pos_ == "VERB":
            break
        path.append(tok)
    return path


def polarity(trigger: Token) -> Polarity:
    for tok in clause_path(trigger):
        for child in tok.children:
            if child.dep_ == "neg" or (child.dep_ == "det" and child.lower_ == "no"):
                return "negated"
        if tok != trigger and tok.lemma_ in _NEGATING_VERBS:
            return "negated"
    return "asserted"


def _is_question(text: str) -> bool:
    return text.rstrip(" ”\"'’").endswith("?")


def modality(trigger: Token) -> Modality:
    text = doc_text(trigger.doc)
    if _is_question(text):
        return "hypothetical"  # a question asserts nothing
    path = clause_path(trigger)
    for tok in path:
        auxes = {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}
        if auxes & _HYPOTHETICAL_AUX:
            # "would like to sit down" states a desire now, not a hypothesis.
            if not (tok.lemma_ in _DESIRE_VERBS and auxes & {"would"}):
                return "hypothetical"
        if any(c.dep_ == "mark" and c.lower_ in _CONDITIONAL_MARKS for c in tok.children):
            return "hypothetical"
        if tok != trigger and tok.lemma_ in _FEARED:
            return "hypothetical"  # "afraid of a US invasion", "practice for an attack"
        if auxes & _FUTURE_AUX:
            return "future"
        if tok != trigger and (tok.lemma_ in _FUTURE_VERBS or tok.lower_ in _HOPE_FORMS):
            return "future"
    # A word's subtree is walked token by token (the root's is the whole sentence), and most
    # sentences hold no cue word at all: a token's lower_ is its text lowercased, so a cue
    # word that is a token is in the lowercased sentence too.
    low = text.lower()
    if any(cue in low for cue in _HISTORICAL_CUES):
        for tok in path[:2]:
            if any(c.lower_ in _HISTORICAL_CUES for c in tok.subtree):
                return "historical"
    return "actual"


def speculative(trigger: Token) -> bool:
    """Whether the trigger's clause is speculation: a question, or "could", "might", "may" or
    "can" on the way up from the trigger ("Japan could confront China", "Will China attack
    Taiwan?"). Narrower than a hypothetical :func:`modality`, which also takes "would",
    "should", "must" and conditions."""
    if _is_question(doc_text(trigger.doc)):
        return True
    return any(
        c.dep_ in ("aux", "auxpass") and c.lower_ in _SPECULATIVE_AUX
        for tok in clause_path(trigger)
        for c in tok.children
    )
