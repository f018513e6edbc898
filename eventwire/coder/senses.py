"""Words that report an event in some of their senses only, told apart by what they take.

In news most uses of these verbs report no event: "returned to Moscow" is travel, "committed
suicide" no promise, "hosted the Olympics" no meeting, "the index stood at 51", "called the
plan a mess", "asked whether", "help ease pressure", "provide a platform", "contributed to
this report", "launched a satellite", "reduce oil consumption", "she recalls"; and of some
nouns: "a dollar rally", "gas demand", "the Syrian war" in passing, "a press conference";
and "kill any hope", "scenes shot in China", "meet that target", "withhold comment",
"delivered a speech".
Each reading below keeps the sense the PLOVER codebook names and drops the rest; the
lexicon's type is the default where the sense is met.
The word lists the readings test against are data (``eventwire/coder/data/senses.toml``),
bound to names in :mod:`eventwire.coder.sense_words` (importable from here too).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Final

from eventwire.coder.lexicon import NOUNS, VERBS, Trigger
from eventwire.coder.sense_words import (
    _ACCEPTED_DEMANDS,
    _ACCEPTED_OFFERS,
    _ACCEPTED_PEOPLE,
    _AID_GOODS,
    _ASKED_FOR,
    _BARRIERS,
    _BOUGHT,
    _BUSINESS_DEALS,
    _CALL_PURPOSES,
    _CALLED,
    _CALLEES,
    _CONCLUDED,
    _CRITICISED,
    _DELIVERED,
    _DEMAND_VERBS,
    _DISMISSED,
    _EASED,
    _FACED,
    _FILMED,
    _FOUGHT_IN_COURT,
    _FROZEN,
    _FUTURE,
    _HOSTED,
    _HOSTED_EVENTS,
    _LAWSUITS,
    _MARKET_DEMAND,
    _MARKET_WORDS,
    _MET_AIMS,
    _MISDEEDS,
    _MISSILES,
    _NATURAL_ALERTS,
    _NON_WEAPON_TESTS,
    _NOT_VICTIMS,
    _OFFERED,
    _OFFICES,
    _PAPERS,
    _PRESS_ASKS,
    _PRIZES,
    _PUBLISHED,
    _QUALIFIED,
    _RECALLED,
    _RELATIONS,
    _REPERCUSSIONS,
    _SHARED,
    _STRUCK_IDIOMS,
    _TESTED_WEAPONS,
    _TREATIES,
    _TRIALS,
    _UNSAID,
    _VALUES,
    _VIEWS,
    _WAR_VERBS,
    _YIELDED,
)

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = ["SENSE_NOUNS", "SENSE_VERBS", "noun_sense", "verb_sense"]


def verb_sense(tok: Token) -> Trigger | None:
    """The event the verb ``tok`` (lemma in :data:`SENSE_VERBS`) reports, or None."""
    return _SENSES[tok.lemma_](tok)


def _objects(tok: Token) -> list[Token]:
    """What the verb acts on: its object, or its subject in the passive."""
    return [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]


def _takes(tok: Token, words: frozenset[str]) -> bool:
    """Whether the verb's object (or its passive subject) is one of ``words`` (lemmas)."""
    return any(o.lemma_ in words for o in _objects(tok))


def _unless_it_takes(words: frozenset[str]) -> Callable[[Token], Trigger | None]:
    """The reading of a verb that reports its lexicon event unless its object is one of
    ``words`` ("confront the question", "kill any hope", "withhold comment")."""

    def read(tok: Token) -> Trigger | None:
        return None if _takes(tok, words) else VERBS[tok.lemma_]

    return read


def _dobj(tok: Token) -> Token | None:
    return next((c for c in tok.children if c.dep_ == "dobj"), None)


def _event_noun(tok: Token) -> bool:
    return tok.lemma_ in NOUNS or tok.lower_ in NOUNS


def _things(tok: Token) -> Iterator[Token]:
    """The nouns a verb hands over: its objects and their conjuncts and modifiers ("$40
    million in aid", "weapons and ammunition"), and the object of "with" / "in" ("provided
    Ukraine with weapons", "$5 billion in assistance")."""
    for o in _objects(tok):
        yield o
        for c in o.children:
            if c.dep_ in ("conj", "compound", "nmod", "amod", "nummod", "quantmod"):
                yield c
            elif c.dep_ == "prep":
                yield from (g for g in c.children if g.dep_ == "pobj")
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in ("with", "in"):
            yield from (g for g in c.children if g.dep_ == "pobj")


# ----------------------------------------------------------------- return, commit, host, stand


def _return(tok: Token) -> Trigger | None:
    # Codebook RETREAT 'release': people or property handed back ("returned the artifacts",
    # "the captives were returned"); "returned to Moscow" is travel.
    if any(c.dep_ == "dobj" and c.lemma_ in ("visit", "call") for c in tok.children):
        return ("CONSULT", "visit")  # "returning a state visit"
    return VERBS["return"] if _objects(tok) else None


def _commit(tok: Token) -> Trigger | None:
    described = tok.dep_ in ("acl", "relcl", "amod") and (
        tok.head.lemma_ in _MISDEEDS or _event_noun(tok.head)
    )
    if described or any(o.lemma_ in _MISDEEDS or _event_noun(o) for o in _objects(tok)):
        return None  # "committed war crimes", "crimes committed in", "attacks committed by"
    if _pobj_lemmas(tok, "to") & _VALUES:
        return None  # "a country committed to liberal democratic principles": a creed
    return VERBS["commit"]


def _host(tok: Token) -> Trigger | None:
    dobj = _dobj(tok)
    if dobj is None or dobj.lemma_ in _HOSTED:
        return VERBS["host"]
    if dobj.pos_ == "PROPN" and dobj.lower_ not in _HOSTED_EVENTS:
        return VERBS["host"]  # "hosted Saudi King Salman", "will host Netanyahu"
    return None  # "hosting the Olympics", "hosts a public hearing"


def _stand(tok: Token) -> Trigger | None:
    # With someone, by them, behind them; "stood down" / "aside" is a resignation.
    for c in tok.children:
        if c.dep_ in ("prt", "advmod") and c.lower_ in ("down", "aside"):
            return ("RETREAT", "resign")
        if c.dep_ in ("prep", "prt") and c.lower_ in ("with", "by", "behind", "alongside"):
            return VERBS["stand"]
    return None


# ------------------------------------------------------------------------------- call, ask


def _call(tok: Token) -> Trigger | None:
    # "call on" / "for" / "off" are read as phrases before this, where "for" is a preposition.
    if _asks_for(tok):
        return ("REQUEST", None)
    if any(c.dep_ == "oprd" for c in tok.children):
        return None  # naming: "called the plan a mess", "a genus called Zea"
    xcomp = next((c for c in tok.children if c.dep_ == "xcomp"), None)
    dobj = _dobj(tok)
    if dobj is None:
        return ("REQUEST", None) if xcomp is not None else None
    if dobj.lemma_ in _CALLED or _event_noun(dobj):
        return None  # "called early elections"; "called a strike": the noun is the event
    if xcomp is not None and xcomp.lemma_ not in _CALL_PURPOSES:
        return ("REQUEST", None)  # "called the parties to return to talks"
    if _names(tok, dobj):
        return None
    return ("CONSULT", "phone")  # "Trump called King Salman on Saturday"


def _names(tok: Token, dobj: Token) -> bool:
    """Whether "call" names rather than phones: the parser often misses the name ("called
    Sen. Heinz an 'idiot'", "the crime problem, which he called a trend"). A phone call's
    object is a person (a name, a title, a pronoun) with nothing said of them after it."""
    if not (dobj.pos_ == "PROPN" or dobj.lower_ in _CALLEES or dobj.lemma_ in _CALLEES):
        return True
    if tok.dep_ == "relcl" or any(c.dep_ in ("ccomp", "attr", "acomp") for c in tok.children):
        return True
    end = max((t.i for t in tok.subtree), default=tok.i)
    doc = tok.doc
    return any(doc[i].is_quote for i in range(dobj.i + 1, end + 1))


def _ask(tok: Token) -> Trigger | None:
    for c in tok.children:
        if c.dep_ == "xcomp" or (c.lower_ == "for" and c.i > tok.i):
            return VERBS["ask"]  # "asked them to leave", "asked for asylum"
        if c.dep_ == "dobj" and c.lemma_ in _ASKED_FOR:
            return VERBS["ask"]  # "asked Russia's permission"
    return None  # a question: "asked whether", "asked him: ...", "Canby asked."


# ---------------------------------------------------------- help, provide, contribute (AID)


def _help(tok: Token) -> Trigger | None:
    if any(c.dep_ in ("xcomp", "ccomp") and c.pos_ in ("VERB", "AUX") for c in tok.children):
        return None  # "help ease pressure", "help fight trafficking": facilitation, not aid
    return VERBS["help"]


def _provide(tok: Token) -> Trigger | None:
    if any(t.lemma_ in _AID_GOODS or t.lower_ in _AID_GOODS for t in _things(tok)):
        return VERBS["provide"]
    return None  # "provide a platform", "provide opportunities", "provide a better way"


def _contribute(tok: Token) -> Trigger | None:
    # "contributed $46 million", "contributed troops"; "contributed to this report" is none.
    return VERBS["contribute"] if _dobj(tok) is not None else None


# ----------------------------------------------------- launch, reduce, cut, curtail, recall


def _launch(tok: Token) -> Trigger | None:
    # "launched an attack" is read before this (the noun is the event).
    objs = _objects(tok)
    if any(o.lemma_ in _MISSILES or o.lower_ in _MISSILES for o in objs):
        return VERBS["launch"]
    if any(
        o.lemma_ in _LAWSUITS
        or (o.lemma_ == "action" and any(c.lower_ == "legal" for c in o.children))
        for o in objs
    ):
        return ("ACCUSE", "investigate")  # "launched legal action against Poland" (sue)
    return None  # "launched a satellite / a route / a campaign"


def _reduce(tok: Token) -> Trigger | None:
    for o in _objects(tok):
        if o.lemma_ in _RELATIONS:
            return VERBS[tok.lemma_]  # "reduced military aid to Pakistan", "cut ties"
        if o.lemma_ in _BARRIERS:
            return ("CONCEDE", None)  # "reduced tariffs on Chinese exports"
    return None  # "reduce oil consumption", "cut taxes", "cut the number of children"


def _recall(tok: Token) -> Trigger | None:
    if _takes(tok, _RECALLED):
        return VERBS["recall"]  # "recalled its ambassador"
    return None  # "she recalls": memory


# ------------------------------------------------------------------ ease, lift, share, accept


def _ease(tok: Token) -> Trigger | None:
    if any(o.lemma_ in _EASED or o.lower_ in _EASED or o.pos_ == "PRON" for o in _things(tok)):
        return VERBS[tok.lemma_]  # "eased visa restrictions", "lifted the blockade"
    return None  # "ease pressure on exporters", "relax on the golf course"


def _share(tok: Token) -> Trigger | None:
    things = list(_things(tok))
    if any(t.lemma_ in _VIEWS for t in things):
        return ("SUPPORT", None)  # "we share the stance that ...": agreement
    if any(t.lemma_ in _SHARED for t in things):
        return VERBS["share"]  # "shared evidence with the Saudis"
    return None  # "a waterway shared by", "sharing land borders", "shared a photo"


def _accept(tok: Token) -> Trigger | None:
    for o in _objects(tok):
        if o.lemma_ in _ACCEPTED_OFFERS or o.pos_ == "PRON":
            return VERBS["accept"]  # "accepted an invitation from the Queen"
        if o.lemma_ in _ACCEPTED_DEMANDS:
            return ("CONCEDE", None)  # "the government accepts the protesters' demands"
        if o.lemma_ in _ACCEPTED_PEOPLE or o.like_num:
            return ("AID", None)  # codebook AID: asylum; "accepted 1,141 Iraqi refugees"
    return None  # "accept any news", "accepted the MVP trophy", "accepted public financing"


# ------------------------------------------------------------------------------------ attack


def _attack(tok: Token) -> Trigger | None:
    if _takes(tok, _CRITICISED):
        return ("ACCUSE", "disapprove")
    return VERBS["attack"]


# --------------------------------------------------------------- offer, fire, strike, confront


def _offer(tok: Token) -> Trigger | None:
    if any(c.dep_ == "xcomp" for c in tok.children):
        return VERBS["offer"]  # "offered to send troops", "offered to mediate"
    things = list(_things(tok)) + [
        g for c in tok.children if c.dep_ == "dative" for g in (c, *c.children)
    ]
    lemmas = {t.lemma_ for t in things} | {t.lower_ for t in things}
    if lemmas & {"condolence", "sympathy", "congratulation", "praise", "thank"}:
        return None  # "offered condolences": the noun is the event (SUPPORT)
    if lemmas & {"criticism", "rebuke", "condemnation"}:
        return ("ACCUSE", "disapprove")  # "offered scathing criticism of the government"
    if lemmas & (_OFFERED | _AID_GOODS):
        return VERBS["offer"]  # "offered Egypt modern armament", "offered talks"
    return None  # "offers free WiFi", "offers a platform", "offering workshops"


def _fire(tok: Token) -> Trigger | None:
    # "fired rockets into Israel" is read before this (an assault); "fired the FBI director"
    # is a dismissal, no PLOVER event.
    if any(o.lemma_ in _DISMISSED or o.pos_ == "PROPN" for o in _objects(tok)):
        return None
    return VERBS["fire"]


def _strike(tok: Token) -> Trigger | None:
    if "heart" in _pobj_lemmas(tok, "at"):
        return None  # "strikes at the heart of democracy"
    for o in _objects(tok):
        if o.lemma_ in _STRUCK_IDIOMS:
            return None  # "struck a chord with young Chinese", "strike a balance"
        if _event_noun(o) and o.lemma_ != "target":
            return None  # "struck a deal": the noun is the event
    return VERBS["strike"]


# -------------------------------------------------------------------------- release, yield


def _release(tok: Token) -> Trigger | None:
    objs = _objects(tok)
    if any(o.lemma_ in _PUBLISHED or o.lower_ in _PUBLISHED for o in objs):
        return None  # "released a statement", "released its Five-Year Plan"
    if not objs and tok.dep_ == "acl" and tok.head.lemma_ in _PUBLISHED:
        return None  # "statistics released in Beijing"
    return VERBS["release"]


# -------------------------------------------------------------------------------------- warn


def _warn(tok: Token) -> Trigger | None:
    """ "warned that his government would expel", "warning of military action" (THREATEN);
    "warned the law is unconstitutional" (ACCUSE); "warned of possible famine" (none: a
    forecast, not a stance toward anyone). For the verb "warn" and the noun "warning"."""
    if any(
        t.lemma_ in _REPERCUSSIONS and t.head.lower_ in ("of", "against")
        for t in tok.subtree
        if t.dep_ == "pobj"
    ):
        return ("THREATEN", None)  # "a warning to Damascus of military action"
    for c in tok.children:
        if c.dep_ in ("ccomp", "advcl", "acl") and (
            any(g.lower_ in _FUTURE and g.dep_ == "aux" for g in c.children)
            or any(g.dep_ == "mark" and g.lower_ in ("if", "unless") for g in c.children)
        ):
            return ("THREATEN", None)
        if c.dep_ == "prep" and c.lower_ in ("of", "against", "about"):
            objs = [g for g in c.children if g.dep_ == "pobj"]
            if c.lower_ != "against" and not any(g.pos_ == "PROPN" for g in objs):
                return None  # "warned of possible famine", "about the dangers of"
    return ("ACCUSE", "disapprove")


def _push(tok: Token) -> Trigger | None:
    # "pushed for sanctions", "pushing Pyongyang to return to talks"; not "push up revenues",
    # "push through the amendments", "push ahead", "pushed back against".
    if _asks_for(tok) or any(c.dep_ in ("xcomp", "ccomp") for c in tok.children):
        return VERBS["push"]
    return None


def _asks_for(tok: Token) -> bool:
    """ "called for talks", and "called for the museum to merge", where the parser hangs
    "for" on the verb after."""
    return any(c.lower_ == "for" and c.i > tok.i for c in tok.children) or any(
        g.dep_ == "mark" and g.lower_ == "for" for c in tok.children for g in c.children
    )


# ------------------------------------------------------- kill, shoot, meet, withhold, deliver


def _shoot(tok: Token) -> Trigger | None:
    if tok.dep_ == "acl" and tok.head.lemma_ in _FILMED:
        return None  # "scenes shot in China"
    if _takes(tok, _FILMED):
        return None
    return VERBS["shoot"]


def _meet(tok: Token) -> Trigger | None:
    for o in _objects(tok):
        if (
            o.lemma_ == "demand"
            and o.tag_ == "NNS"
            and any(c.dep_ == "poss" or (c.dep_ == "prep" and c.lower_ == "of") for c in o.children)
        ):
            # "met the strikers' demands"; not "met market demand", "meeting Europe's demand
            # for transport" (political demands come in the plural)
            return ("CONCEDE", None)
        if o.lemma_ in _MET_AIMS:
            return None
    return VERBS["meet"]


def _deliver(tok: Token) -> Trigger | None:
    things = {w for t in _things(tok) for w in (t.lemma_, t.lower_)}
    if things & {"airstrike", "strike", "blow", "bombardment"}:
        # "used its bombers to deliver airstrikes in Deir ez-Zor"
        return ("ASSAULT", "aerial") if things & {"airstrike", "air", "bomber"} else VERBS["attack"]
    if things & _DELIVERED:
        return VERBS["deliver"]
    return None  # "delivered a speech", "deliver 700,000 signatures", "deliver products"


def _burn(tok: Token) -> Trigger | None:
    # "GPs are burning out": exhaustion, not arson.
    return (
        None
        if any(c.dep_ == "prt" and c.lower_ == "out" for c in tok.children)
        else (VERBS["burn"])
    )


def _train(tok: Token) -> Trigger | None:
    # "GPs are highly trained": a qualification, not military training given.
    if any(c.dep_ == "advmod" and c.lower_ in _QUALIFIED for c in tok.children):
        return None
    return VERBS["train"]


def _test(tok: Token) -> Trigger | None:
    objs = _objects(tok)
    if objs and not any(t.lemma_ in _TESTED_WEAPONS or t.lower_ in _TESTED_WEAPONS
                        for t in _things(tok)):  # fmt: skip
        return None
    return VERBS["test"]


def _fight(tok: Token) -> Trigger | None:
    if _takes(tok, _FOUGHT_IN_COURT):
        return None
    if _pobj_lemmas(tok, "for") & _PRIZES:
        return None  # "continue to fight for a Champions League place"
    return VERBS["fight"]


def _admits(tok: Token) -> Trigger | None:
    # "he conceded that peaceful protests are a hallmark", "recognized that it was wrong":
    # an admission, not a concession or a recognition.
    if any(c.dep_ == "ccomp" for c in tok.children) and _dobj(tok) is None:
        return None
    return VERBS[tok.lemma_]


def _sign(tok: Token) -> Trigger | None:
    # "signed a takeover deal with Rosneft", "signed a sponsorship deal": business.
    for o in _objects(tok):
        held = {c.lower_ for c in o.children if c.dep_ in ("compound", "amod", "nmod")}
        if o.lemma_ in _TREATIES and held & _BUSINESS_DEALS:
            return None
    return VERBS["sign"]


def _opinion_only(tok: Token) -> bool:
    """Whether the verb's one complement is a that-clause saying what something is ("agrees
    that Vasalgel could be valuable", "insisted the threat is very real")."""
    held = [c for c in tok.children if c.dep_ == "ccomp"]
    if not held or any(c.dep_ in ("xcomp", "dobj") for c in tok.children):
        return False
    return all(
        c.lemma_ == "be" or any(g.dep_ in ("acomp", "attr") for g in c.children) for c in held
    )


def _agree(tok: Token) -> Trigger | None:
    # An opinion shared is no commitment to cooperate (codebook AGREE): "agrees that Vasalgel
    # could be valuable" is none; "agreed with Russia that the sanctions were
    # counterproductive" backs Russia's view (SUPPORT); "agreed that a ceasefire would begin
    # on Friday" is a commitment.
    if not _opinion_only(tok):
        return VERBS["agree"]
    return ("SUPPORT", None) if _pobj_lemmas(tok, "with") else None


def _insist(tok: Token) -> Trigger | None:
    # "insisted the threat from terrorism is very real": an assertion; "insisted that the
    # interests of Scotland be taken into account" is a demand.
    return None if _opinion_only(tok) else VERBS["insist"]


def _freeze(tok: Token) -> Trigger | None:
    # "froze the assets of", "froze talks with": a sanction; "froze the bacteria at minus 80
    # degrees", "froze prices", "froze hiring": no event.
    return VERBS["freeze"] if _takes(tok, _FROZEN) else None


_SENSES: Final[dict[str, Callable[[Token], Trigger | None]]] = {
    "return": _return,
    "commit": _commit,
    "host": _host,
    "stand": _stand,
    "call": _call,
    "ask": _ask,
    "help": _help,
    "provide": _provide,
    "contribute": _contribute,
    "launch": _launch,
    "reduce": _reduce,
    "cut": _reduce,
    "curtail": _reduce,
    "recall": _recall,
    "ease": _ease,
    "lift": _ease,
    "relax": _ease,
    "share": _share,
    "accept": _accept,
    "attack": _attack,
    "offer": _offer,
    "fire": _fire,
    "strike": _strike,
    "confront": _unless_it_takes(_FACED),  # "confront the question": facing, not coercing
    "release": _release,
    "yield": _unless_it_takes(_YIELDED),  # "the talks yielded results": produced
    "warn": _warn,
    "push": _push,
    "seek": _unless_it_takes(_OFFICES),  # "seeking a second term": a candidacy
    "kill": _unless_it_takes(_NOT_VICTIMS),
    "murder": _unless_it_takes(_NOT_VICTIMS),
    "wound": _unless_it_takes(_NOT_VICTIMS),
    "injure": _unless_it_takes(_NOT_VICTIMS),
    "shoot": _shoot,
    "meet": _meet,
    "withhold": _unless_it_takes(_UNSAID),
    "deliver": _deliver,
    "burn": _burn,
    "train": _train,
    "destroy": _unless_it_takes(_PAPERS),
    "test": _test,
    "fight": _fight,
    "concede": _admits,
    "recognize": _admits,
    "recognise": _admits,
    "sign": _sign,
    "freeze": _freeze,
    "agree": _agree,
    "insist": _insist,
}
SENSE_VERBS: Final = frozenset(_SENSES)


# ---------------------------------------------------------------------------------- nouns


def _buys(tok: Token) -> bool:
    """ "a deal to buy General Electric's appliance business" (the parser may hang "to buy"
    on the verb: "made a deal to buy")."""
    if any(c.dep_ in ("acl", "relcl") and c.lemma_ in _BOUGHT for c in tok.children):
        return True
    return tok.dep_ == "dobj" and any(
        c.dep_ in ("advcl", "xcomp") and c.lemma_ in _BOUGHT for c in tok.head.children
    )


def _named_in_passing(tok: Token) -> bool:
    """Whether ``tok`` names a treaty by a proper name ("the Minsk agreements", "the Paris
    accord") without a verb that concludes it."""
    named = any(c.dep_ in ("compound", "amod") and c.pos_ == "PROPN" for c in tok.children)
    return named and not (tok.dep_ in ("dobj", "nsubjpass") and tok.head.lemma_ in _CONCLUDED)


def _pobj_lemmas(tok: Token, *preps: str) -> set[str]:
    """The lemmas of the objects of ``tok``'s prepositions ``preps`` ("demand for meat")."""
    return {
        g.lemma_
        for c in tok.children
        if c.dep_ == "prep" and c.lower_ in preps
        for g in c.children
        if g.dep_ == "pobj"
    }


def noun_sense(tok: Token, hit: Trigger, mods: set[str]) -> Trigger | None:
    """The event the noun ``tok`` (lemma in :data:`SENSE_NOUNS`, read by the lexicon as
    ``hit``; ``mods``: its compound and adjective modifiers, lower-cased) reports, or None:
    "a dollar rally" (markets), "a great deal of" (a quantity), "a phone call between" (a
    consultation, not the lexicon's "calls for"), "a request for comment" (the reporter's)."""
    if hit[0] == "REQUEST" and _pobj_lemmas(tok, "for") & _PRESS_ASKS:
        return None
    read = _NOUN_SENSES.get(tok.lemma_)
    return hit if read is None else read(tok, hit, mods)


# How a noun reads in context: (the noun, the lexicon's reading, its modifiers) -> the event.
_NounSense = Callable[["Token", Trigger, set[str]], Trigger | None]


def _rally_noun(tok: Token, hit: Trigger, mods: set[str]) -> Trigger | None:
    return None if (mods | _pobj_lemmas(tok, "in")) & _MARKET_WORDS else hit


def _deal_noun(tok: Token, hit: Trigger, mods: set[str]) -> Trigger | None:
    if mods & ({"great", "good"} | _BUSINESS_DEALS) or _buys(tok):
        return None  # "a great deal of", "a deal to buy GE's appliance business"
    return hit


def _warning_noun(tok: Token, hit: Trigger, mods: set[str]) -> Trigger | None:
    return _warn(tok)


def _demand_noun(tok: Token, hit: Trigger, mods: set[str]) -> Trigger | None:
    if (mods | _pobj_lemmas(tok, "for")) & _MARKET_DEMAND or (
        tok.dep_ == "dobj" and tok.head.lemma_ in _DEMAND_VERBS
    ):
        return None
    return hit


def _war_noun(tok: Token, hit: Trigger, mods: set[str]) -> Trigger | None:
    if mods & {"trade", "price", "currency", "culture", "cold", "tariff", "word"}:
        return None
    acted = tok.head.lemma_ in _WAR_VERBS and tok.dep_ in ("dobj", "nsubj", "nsubjpass")
    aimed = any(c.dep_ == "prep" and c.lower_ in ("against", "on") for c in tok.children)
    return hit if acted or aimed else None


def _treaty_noun(tok: Token, hit: Trigger, mods: set[str]) -> Trigger | None:
    # "obligations under the Minsk agreements": a standing treaty, named in passing.
    return None if _named_in_passing(tok) else hit


def _test_noun(tok: Token, hit: Trigger, mods: set[str]) -> Trigger | None:
    # "doping tests", "a DNA test", "a key test of whether ..."
    return None if mods & (_NON_WEAPON_TESTS | _TRIALS) else hit


def _rescue_noun(tok: Token, hit: Trigger, mods: set[str]) -> Trigger | None:
    # "Naldo came to the rescue" with a free kick; not "... of the sailors".
    sporting = (
        tok.head.lower_ == "to" and tok.head.head.lemma_ == "come" and not _pobj_lemmas(tok, "of")
    )
    return None if sporting else hit


def _loan_noun(tok: Token, hit: Trigger, mods: set[str]) -> Trigger | None:
    return None if tok.head.lower_ == "on" else hit  # a footballer "on loan" from his club


def _occupation_noun(tok: Token, hit: Trigger, mods: set[str]) -> Trigger | None:
    # "civilian occupations", "their occupations": jobs; "the occupation of Crimea" is one.
    return None if tok.tag_ == "NNS" else hit


def _alert_noun(tok: Token, hit: Trigger, mods: set[str]) -> Trigger | None:
    # "winter weather alerts", "on high alert for bird flu"
    return None if (mods | _pobj_lemmas(tok, "for")) & _NATURAL_ALERTS else hit


def _relief_noun(tok: Token, hit: Trigger, mods: set[str]) -> Trigger | None:
    if mods & {"sanction", "sanctions"}:
        return ("CONCEDE", None)  # "sanctions relief": easing sanctions (codebook)
    return None if mods & {"tax", "pain", "stress", "symptom"} else hit


def _conference_noun(tok: Token, hit: Trigger, mods: set[str]) -> Trigger | None:
    return None if mods & {"press", "news"} else hit  # journalists', not a meeting


def _release_noun(tok: Token, hit: Trigger, mods: set[str]) -> Trigger | None:
    # "the release of the ranking"
    return None if (mods | _pobj_lemmas(tok, "of")) & _PUBLISHED else hit


def _charge_noun(tok: Token, hit: Trigger, mods: set[str]) -> Trigger | None:
    # "in charge of the operation", "to take charge of the navy"
    taken = tok.dep_ == "dobj" and tok.head.lemma_ == "take"
    return None if tok.head.lower_ == "in" or taken else hit


def _offer_noun(tok: Token, hit: Trigger, mods: set[str]) -> Trigger | None:
    # "offers of help", "offers for peace talks", "a peace offer"; not "job offers".
    held = {c.lemma_ for c in tok.children if c.dep_ in ("compound", "amod")}
    offered = held | _pobj_lemmas(tok, "of", "for", "to")
    return hit if offered & (_OFFERED | _AID_GOODS) else None  # as the verb's (_offer)


def _call_noun(tok: Token, hit: Trigger, mods: set[str]) -> Trigger | None:
    preps = {c.lower_ for c in tok.children if c.dep_ == "prep"}
    if "for" not in preps and (mods & {"phone", "telephone", "video"} or "between" in preps):
        return ("CONSULT", "phone")
    return hit


_NOUN_SENSES: Final[dict[str, _NounSense]] = {
    "rally": _rally_noun,
    "deal": _deal_noun,
    "warning": _warning_noun,
    "demand": _demand_noun,
    "war": _war_noun,
    **dict.fromkeys(("agreement", "accord", "treaty", "pact"), _treaty_noun),
    "test": _test_noun,
    "rescue": _rescue_noun,
    "loan": _loan_noun,
    "occupation": _occupation_noun,
    "alert": _alert_noun,
    "relief": _relief_noun,
    "conference": _conference_noun,
    "release": _release_noun,
    "charge": _charge_noun,
    "offer": _offer_noun,
    "call": _call_noun,
}
# Nouns read in context by noun_sense (which also reads every REQUEST noun, for "a request for
# comment").
SENSE_NOUNS: Final = frozenset(_NOUN_SENSES)
