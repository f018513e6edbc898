"""Triggers: which word in a parse reports which PLOVER event, in its context.

The lexicon (:mod:`eventwire.coder.lexicon`) maps lemmas to types; the constructions here
refine it: "a demonstration of its capabilities" is no protest, "launched an attack" is the
attack, "lodged a protest" is an accusation, "cyber attacks" are coercion, "fired rockets into
Israel" is an assault while "fired a missile into the sea" is a weapons test, and a refused
cooperative act ("will not lift", "failed to reach a deal") is a rejection.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from eventwire.coder.lexicon import ADJECTIVES, NOUNS, PHRASES, VERBS, Trigger
from eventwire.coder.senses import SENSE_NOUNS, SENSE_VERBS, noun_sense, verb_sense
from eventwire.coder.wordtables import word_sets
from eventwire.model import Entity

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = [
    "AGREEMENT_NOUNS",
    "REFUSABLE",
    "aimed_at",
    "noun_trigger",
    "refuses",
    "trigger_of",
]


# The word sets of this module are data: eventwire/coder/data/triggers.toml, where each one's
# comment is (a misread sentence is fixed there). REFUSABLE, a set of event types, stays here.
_TABLES: Final = word_sets("triggers")

_DISPLAY_WORDS: Final = _TABLES["DISPLAY_WORDS"]

_TRY_WORDS: Final = _TABLES["TRY_WORDS"]


# The words that open a phrase of the lexicon: only theirs need their children read (spaCy
# walks the parse to list a token's children, and every word of every sentence is asked).
_PHRASE_LEMMAS: Final = frozenset(lemma for lemma, _ in PHRASES)


def trigger_of(tok: Token) -> Trigger | None:
    if tok.pos_ in ("PROPN", "DET", "PRON", "ADP", "CCONJ", "PUNCT", "NUM"):
        return None
    if tok.dep_ in ("amod", "compound") and tok.pos_ in ("VERB", "ADJ") and tok.head.pos_ == "NOUN":
        return None  # "a banned missile", "the disputed islands": a description, not an act
    if (
        tok.lemma_ == "demonstrate"
        and tok.pos_ == "VERB"
        and not any(c.dep_ == "prep" and c.lower_ in ("against", "outside") for c in tok.children)
    ):
        return None  # officials "demonstrate" resolve; protesters demonstrate against someone
    if tok.lemma_ in _DISPLAY_WORDS and any(
        c.dep_ in ("dobj", "ccomp") or (c.dep_ == "prep" and c.lower_ == "of") for c in tok.children
    ):
        return None  # "a demonstration of its capabilities" is a display, not a protest
    if tok.lemma_ in _TRY_WORDS and any(c.dep_ == "xcomp" for c in tok.children):
        return None  # "seeking to increase pressure": the attempt, not a request
    if tok.lemma_ in _PHRASE_LEMMAS:
        for child in tok.children:
            if child.dep_ in ("prt", "prep", "dobj", "advmod"):
                hit = PHRASES.get((tok.lemma_, child.lower_))
                if hit is not None and child.lower_ == "on" and child.i != tok.i + 1:
                    continue  # "called Lavrov on Friday" is no "called on Lavrov"
                if hit is not None and child.lower_ == "part" and _takes_part_in_event(tok, child):
                    return None  # "took part in demonstrations": the noun is the event
                if hit is not None:
                    return hit if hit[0] else None
    if tok.lemma_ in _CARRIER_VERBS and any(
        c.dep_ == "dobj" and c.pos_ == "NOUN" and noun_trigger(c) for c in tok.children
    ):
        return None  # "launched an attack", "opened an investigation": the noun is the event
    if (
        tok.lemma_ == "order"
        and tok.pos_ == "VERB"
        and any(c.dep_ == "xcomp" for c in tok.children)
    ):
        return ("REQUEST", None)  # codebook: "requests, demands, and orders" ("ordered X to")
    if tok.lemma_ == "protest" and tok.pos_ == "VERB" and _collective_protest(tok):
        return ("PROTEST", "demo")  # "thousands protested in Kiev": not a diplomatic protest
    if tok.lemma_ in SENSE_VERBS and tok.pos_ == "VERB":
        return verb_sense(tok)
    low = tok.lower_
    if low in ADJECTIVES and tok.pos_ in ("ADJ", "VERB"):
        return ADJECTIVES[low]
    if tok.pos_ in ("VERB",):
        return VERBS.get(tok.lemma_)
    if tok.pos_ == "NOUN":
        return noun_trigger(tok)
    if tok.pos_ == "ADJ":
        return ADJECTIVES.get(tok.lemma_)
    return None


def _takes_part_in_event(take: Token, part: Token) -> bool:
    """ "took part in the talks / in demonstrations" ("in" hangs on either word)."""
    return any(
        g.dep_ == "pobj" and g.pos_ == "NOUN" and noun_trigger(g) is not None
        for c in (*take.children, *part.children)
        if c.dep_ == "prep" and c.lower_ == "in"
        for g in c.children
    )


_CARRIER_VERBS: Final = _TABLES["CARRIER_VERBS"]

_CYBER: Final = _TABLES["CYBER"]

_CROWDS: Final = _TABLES["CROWDS"]


def _collective_protest(tok: Token) -> bool:
    """A crowd protesting ("students protested", "protested outside the embassy", "in the
    streets"), as opposed to a government protesting a decision."""
    for c in tok.children:
        if c.dep_ in ("nsubj", "nsubjpass") and c.lemma_.lower() in _CROWDS:
            return True
        if (
            c.dep_ == "prep"
            and c.lower_ in ("outside", "in", "through", "at")
            and any(
                o.dep_ == "pobj"
                and o.lemma_ in ("street", "square", "capital", "embassy", "outside")
                for o in c.children
            )
        ):
            return True
    return False


_TOPIC_PREPS: Final = _TABLES["TOPIC_PREPS"]


def _topic_of_a_noun(tok: Token) -> bool:
    """Whether the noun is what another noun is about ("a report on the attack", "the task
    force on the ceasefire", "talks on a ceasefire"): named as a topic, not reported. Not
    "over", which names a cause that happened ("sanctions over a missile test")."""
    prep = tok.head
    return (
        tok.dep_ == "pobj" and prep.lower_ in _TOPIC_PREPS and prep.head.pos_ in ("NOUN", "PROPN")
    )


_DRILLS: Final = _TABLES["DRILLS"]

_MILITARY_STRIKE: Final = _TABLES["MILITARY_STRIKE"]

_COMPLAINT_VERBS: Final = _TABLES["COMPLAINT_VERBS"]


def noun_trigger(tok: Token) -> Trigger | None:
    hit = NOUNS.get(tok.lemma_) or NOUNS.get(tok.lower_)
    if hit is not None and _topic_of_a_noun(tok):
        return None  # "the task force on the Syrian ceasefire": the ceasefire is its topic
    if tok.lemma_ in _DRILLS and hit is not None and not _joint(tok):
        return ("MOBILIZE", "troops")  # a country's own exercise shows readiness
    if hit is not None and hit[0] == "PROTEST" and tok.head.lemma_ in _COMPLAINT_VERBS:
        return ("ACCUSE", "disapprove")  # "lodged a protest with Pyongyang": diplomatic
    mods = {c.lower_ for c in tok.children if c.dep_ in ("compound", "amod", "nmod")}
    if mods & _CYBER and (
        (hit is None and tok.lemma_ in _CYBER_ACTS)
        or (hit is not None and hit[0] in ("ASSAULT", "MOBILIZE"))
    ):
        return ("COERCE", "cyber")  # "cyber attacks", "cyber warfare" (codebook: COERCE cyber)
    if tok.lemma_ in ("game", "games") and "war" in mods:
        # "war games": an exercise (codebook: MOBILIZE alone, COOPERATE jointly)
        return ("COOPERATE", None) if _joint(tok) else ("MOBILIZE", "troops")
    if hit is not None and (tok.lemma_ in SENSE_NOUNS or hit[0] == "REQUEST"):
        return noun_sense(tok, hit, mods)
    if hit is not None and hit == ("PROTEST", "strike"):
        # A walkout is the workers' own strike; "strikes against Hamas targets" and "air
        # strikes" are attacks.
        if mods & _MILITARY_STRIKE or any(
            c.dep_ == "prep" and c.lower_ in ("against", "on") for c in tok.children
        ):
            return ("ASSAULT", "aerial")
    return hit


_CYBER_ACTS: Final = _TABLES["CYBER_ACTS"]


def _joint(tok: Token) -> bool:
    """A drill held with others: "joint exercises", "drills with South Korea", "between"."""
    for c in tok.children:
        if c.dep_ in ("amod", "compound") and c.lower_ in ("joint", "combined", "multinational"):
            return True
        if c.dep_ == "prep" and c.lower_ in ("with", "between", "alongside"):
            return True
    head = tok.head
    return (
        any(c.dep_ == "prep" and c.lower_ in ("with", "alongside") for c in head.children)
        and head.pos_ == "VERB"
    )


REFUSABLE: Final = frozenset(
    {"AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT"}
)

_REFUSING_VERBS: Final = _TABLES["REFUSING_VERBS"]

AGREEMENT_NOUNS: Final = _TABLES["AGREEMENT_NOUNS"]


def refuses(trig: Token) -> bool:
    """Whether a negated trigger is refused rather than merely not reported: a future or
    modal negation ("will not lift", "would not accept") or a verb of failing or cancelling
    above it ("failed to reach a deal")."""
    from eventwire.coder.polarity import clause_path

    for tok in clause_path(trig):
        if tok != trig and tok.lemma_ in _REFUSING_VERBS:
            return True
        kids = {c.lower_ for c in tok.children}
        if any(c.dep_ == "neg" for c in tok.children) and kids & {
            "will", "wo", "would", "wont", "shall", "can", "ca", "could",
        }:  # fmt: skip
            return True
    return trig.lemma_ in _REFUSING_VERBS


_AIM_PREPS: Final = _TABLES["AIM_PREPS"]

_TARGET_NOUNS: Final = _TABLES["TARGET_NOUNS"]


def aimed_at(tok: Token, mentions: Sequence[tuple[int, int, Entity]]) -> bool:
    """Whether weapons fired or launched are aimed at someone ("fired rockets into Israel",
    "at protesters"), not tested ("fired a missile into the sea")."""
    preps = [c for c in tok.children if c.dep_ == "prep"]
    for obj in (c for c in tok.children if c.dep_ == "dobj"):
        preps += [g for g in obj.children if g.dep_ == "prep"]
    for prep in preps:
        if prep.lower_ not in _AIM_PREPS:
            continue
        for pobj in (o for o in prep.children if o.dep_ == "pobj"):
            s, e = pobj.left_edge.idx, pobj.idx + len(pobj.text)
            if pobj.lemma_ in _TARGET_NOUNS or any(
                ms < e and s < me and ent.code for ms, me, ent in mentions
            ):
                return True
    return False
