"""Trigger words: lemmas that can report a PLOVER event, with the type and mode they signal.

Verbs and nouns are listed separately because the same lemma often codes differently ("a
strike" the noun is usually ASSAULT or PROTEST; "to strike" likewise, but "talks" the noun is
CONSULT while "talk" the verb is often just speech). Multi-word cues are matched on the
lemma of the head plus one dependent (``PHRASES``). The lists follow the PLOVER codebook's
definitions and examples; where CAMEO verb dictionaries disagree, the codebook decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType
from typing import Final

__all__ = ["NOUNS", "PHRASES", "Trigger", "VERBS", "ADJECTIVES", "surface_forms"]

Trigger = tuple[str, str | None]  # (PLOVER type, mode)


def _m(spec: dict[str, list[str]]) -> MappingProxyType[str, Trigger]:
    out: dict[str, Trigger] = {}
    for key, words in spec.items():
        etype, _, mode = key.partition(":")
        for w in words:
            out[w] = (etype, mode or None)
    return MappingProxyType(out)


VERBS: Final = _m(
    {
        "AGREE": ["agree", "promise", "pledge", "offer", "vow", "commit", "accept", "invite",
                  "reconcile", "forgive"],
        "CONSULT": ["meet", "negotiate", "discuss", "consult", "confer", "host", "mediate"],
        "CONSULT:visit": ["visit", "tour"],
        "CONSULT:phone": ["phone", "call"],
        "SUPPORT": ["support", "praise", "back", "thank", "congratulate", "applaud", "hail",
                    "commend", "defend", "recognize", "recognise", "reaffirm", "emphasize",
                    "emphasise", "reassure", "stand",
                    # Codebook: "ratify, sign, or finalize an agreement", "approve policy".
                    "sign", "ratify", "welcome", "endorse", "approve", "finalize", "finalise"],
        "CONCEDE": ["concede", "ease", "lift", "relax", "grant", "yield", "compromise",
                    "allow", "pardon", "amnesty", "repeal", "rescind",
                    # Codebook: "expressions of regret or remorse" are CONCEDE.
                    "apologize", "apologise", "regret"],
        "COOPERATE": ["cooperate", "collaborate", "partner", "coordinate", "share", "exercise",
                      "extradite", "train"],
        "AID": ["aid", "donate", "fund", "supply", "deliver", "rescue", "evacuate", "provide",
                "assist", "help", "lend", "finance", "arm", "shelter",
                # Codebook AID: grants, gifts, credit, reparations, military assistance.
                "contribute", "subsidize", "subsidise", "bankroll"],
        "RETREAT:withdraw": ["withdraw", "retreat", "pull"],
        "RETREAT:release": ["release", "free", "return"],
        "RETREAT:disarm": ["disarm", "demobilize", "dismantle", "decommission", "surrender"],
        # "step" alone is no resignation ("step up efforts"): see PHRASES.
        "RETREAT:resign": ["resign", "quit"],
        "REQUEST": ["urge", "call", "appeal", "ask", "demand", "request", "press", "plead",
                    "seek", "petition", "implore", "push",
                    # Codebook REQUEST: "all requests, demands, and orders".
                    "instruct", "beg", "exhort", "insist"],
        "ACCUSE:disapprove": ["criticize", "criticise", "condemn", "denounce", "blame",
                              "slam", "decry", "deplore", "lambast", "rebuke", "chide",
                              "scold", "censure", "fault", "warn", "protest", "complain",
                              # Codebook: summoning an ambassador to complain is ACCUSE.
                              "summon"],
        "ACCUSE:allege": ["accuse", "allege", "charge"],
        "ACCUSE:investigate": ["investigate", "probe", "sue", "prosecute", "indict", "inquire"],
        "REJECT": ["reject", "refuse", "deny", "dismiss", "veto", "rebuff", "oppose", "snub",
                   "defy", "decline", "boycott", "spurn", "repudiate", "disregard"],
        "THREATEN": ["threaten", "vow", "ultimatum"],
        "PROTEST:demo": ["march", "rally", "demonstrate", "picket"],
        "PROTEST:riot": ["riot", "loot"],
        "SANCTION": ["sanction", "embargo", "blacklist", "penalize", "penalise", "suspend",
                     "cut", "freeze", "halt", "downgrade", "recall", "close",
                     # Codebook SANCTION: "all reductions in existing, routine, or cooperative
                     # relations".
                     "sever", "curtail", "reduce", "revoke", "withhold", "terminate"],
        "SANCTION:expel": ["expel"],
        "SANCTION:convict": ["convict", "sentence", "fine", "jail", "imprison"],
        "MOBILIZE:troops": ["deploy", "mobilize", "mobilise", "mass", "station", "dispatch",
                            "reinforce", "patrol", "amass", "muster", "redeploy"],
        "MOBILIZE:weapons": ["test", "launch", "fire"],
        "COERCE": ["confront", "coerce", "pressure", "force", "intimidate", "blockade",
                   "occupy", "annex"],
        "COERCE:seize": ["seize", "confiscate", "capture", "impound"],
        "COERCE:arrest": ["arrest", "detain", "round", "apprehend"],
        "COERCE:deport": ["deport"],
        "COERCE:restrict": ["ban", "restrict", "curb", "prohibit", "outlaw"],
        "COERCE:censor": ["censor", "block"],
        "COERCE:cyber": ["hack"],
        "ASSAULT": ["attack", "assault", "kill", "wound", "injure", "raid", "ambush",
                    "clash", "fight", "invade", "storm", "massacre", "murder", "slaughter"],
        # The verb "strike" is mostly "hit" ("a car bomb struck a bus"); a walkout is the noun.
        "ASSAULT:aerial": ["bomb", "airstrike", "strike"],
        "ASSAULT:heavy-weapons": ["shell", "pound"],
        "ASSAULT:firearms": ["shoot", "gun"],
        "ASSAULT:abduct": ["kidnap", "abduct", "hijack"],
        "ASSAULT:torture": ["torture"],
        "ASSAULT:beat": ["beat"],
        "ASSAULT:destroy": ["destroy", "burn", "demolish", "raze", "torch"],
        "ASSAULT:targeted": ["assassinate", "execute"],
        "ASSAULT:explosives": ["explode", "detonate"],
    }
)  # fmt: skip

NOUNS: Final = _m(
    {
        "AGREE": ["pledge", "promise", "offer", "invitation"],
        # Codebook: concluding an agreement is SUPPORT; a promised one, AGREE (the coder turns
        # future cooperation into AGREE, and "offered a deal" is absorbed by the offer).
        # Codebook: declarations (not implementations) of ceasefires, and apologies, are
        # CONCEDE.
        "CONCEDE": ["ceasefire", "cease-fire", "truce", "concession", "amnesty", "pardon",
                    "apology", "cessation"],
        "CONSULT": ["talk", "negotiation", "meeting", "summit", "discussion", "dialogue",
                    "diplomacy", "consultation", "conference", "mediation"],
        "CONSULT:visit": ["visit", "trip"],
        "CONSULT:phone": ["call"],
        "SUPPORT": ["support", "commitment", "praise", "solidarity", "endorsement",
                    "recognition", "backing", "condolence",
                    "agreement", "deal", "accord", "treaty", "pact", "memorandum"],
        "COOPERATE": ["cooperation", "collaboration", "partnership", "alliance", "drill",
                      "exercise"],
        "AID": ["aid", "assistance", "donation", "relief", "loan", "funding", "rescue",
                # Codebook AID: grants, gifts, reparations, asylum.
                "grant", "gift", "reparation", "subsidy", "bailout", "asylum"],
        "RETREAT:withdraw": ["withdrawal", "pullout", "retreat"],
        "RETREAT:release": ["release"],
        "RETREAT:resign": ["resignation"],
        "REQUEST": ["appeal", "demand", "request", "plea", "call"],
        "ACCUSE:disapprove": ["criticism", "condemnation", "concern", "warning", "complaint",
                              "rebuke"],
        "ACCUSE:allege": ["accusation", "allegation", "charge"],
        "ACCUSE:investigate": ["investigation", "probe", "lawsuit", "inquiry", "indictment"],
        "REJECT": ["rejection", "refusal", "denial", "veto", "boycott"],
        "THREATEN": ["threat", "ultimatum"],
        "PROTEST:demo": ["protest", "demonstration", "rally", "march", "sit-in", "vigil"],
        "PROTEST:riot": ["riot", "unrest"],
        "PROTEST:strike": ["strike", "walkout"],
        "PROTEST:hunger": ["hunger-strike"],
        "SANCTION": ["sanction", "embargo", "suspension", "tariff"],
        "SANCTION:expel": ["expulsion"],
        "SANCTION:convict": ["conviction", "sentence", "verdict"],
        "MOBILIZE:troops": ["build-up", "buildup", "deployment", "mobilization",
                            "mobilisation", "reinforcement", "buildup", "alert", "maneuver",
                            "manoeuvre"],
        "MOBILIZE:weapons": ["test", "launch", "launching"],
        "COERCE": ["blockade", "crackdown", "occupation", "annexation", "coercion"],
        "COERCE:seize": ["seizure", "confiscation"],
        "COERCE:arrest": ["arrest", "detention"],
        "COERCE:deport": ["deportation"],
        "COERCE:restrict": ["ban", "restriction", "curfew"],
        "COERCE:cyber": ["cyberattack", "hack"],
        "ASSAULT": ["attack", "assault", "raid", "ambush", "clash", "fighting", "invasion",
                    "massacre", "offensive", "killing", "violence", "war"],
        "ASSAULT:aerial": ["airstrike", "bombing", "air strike", "bombardment"],
        "ASSAULT:heavy-weapons": ["shelling", "artillery"],
        "ASSAULT:firearms": ["shooting", "gunfire"],
        "ASSAULT:abduct": ["kidnapping", "abduction", "hijacking"],
        "ASSAULT:explosives": ["explosion", "bomb", "blast"],
        "ASSAULT:suicide-attack": ["suicide bombing"],
        "ASSAULT:targeted": ["assassination", "execution"],
    }
)  # fmt: skip

# Adjective predicates that report a stance: "we are concerned", "eager for talks".
ADJECTIVES: Final = _m(
    {
        "ACCUSE:disapprove": ["concerned", "worried", "alarmed", "critical", "destabilizing",
                              "destabilising", "provocative", "unacceptable"],
        "AGREE": ["eager", "willing", "ready", "open"],
    }
)  # fmt: skip

# (head lemma, dependent lemma) pairs that override the head's own reading.
PHRASES: Final = MappingProxyType(
    {
        ("call", "for"): ("REQUEST", None),
        ("call", "on"): ("REQUEST", None),
        ("pull", "out"): ("RETREAT", "withdraw"),
        ("step", "down"): ("RETREAT", "resign"),
        ("step", "aside"): ("RETREAT", "resign"),
        ("gun", "for"): ("", None),  # "gunning for access": pursuing, not shooting
        ("strike", "out"): ("", None),  # "strike out on its own path"
        ("sit", "down"): ("CONSULT", None),
        ("round", "up"): ("COERCE", "arrest"),
        ("stand", "by"): ("SUPPORT", None),
        ("look", "forward"): ("AGREE", None),
        ("take", "part"): ("COOPERATE", None),
        ("cut", "off"): ("SANCTION", "discontinue"),
        ("break", "off"): ("SANCTION", None),
        ("build", "up"): ("MOBILIZE", "troops"),
        ("open", "fire"): ("ASSAULT", "firearms"),
        ("carry", "out"): ("", None),  # light verb: the object carries the event
        # Codebook CONCEDE: "suspending protests", backing down from a position.
        ("call", "off"): ("CONCEDE", None),
        ("back", "down"): ("CONCEDE", None),
        # Codebook SUPPORT: "initiate, resume, improve ... diplomatic cooperation".
        ("establish", "ties"): ("SUPPORT", None),
        ("establish", "relations"): ("SUPPORT", None),
        ("restore", "ties"): ("SUPPORT", None),
        ("restore", "relations"): ("SUPPORT", None),
        ("upgrade", "ties"): ("SUPPORT", None),
        ("normalize", "relations"): ("SUPPORT", None),
        ("normalise", "relations"): ("SUPPORT", None),
    }
)


def surface_forms(extra: Iterable[str] = ()) -> frozenset[str]:
    """Lower-cased word forms that may realise a trigger, for the cheap prefilter.

    Generated by simple English inflection rules from the lemmas (and from ``extra`` lemmas the
    caller wants let through too); over-generation is harmless (it only lets a sentence
    through to the parser), under-generation loses events, so the rules err wide."""
    forms: set[str] = set()
    for lemma in (*VERBS, *NOUNS, *ADJECTIVES, *(h for h, _ in PHRASES), *extra):
        # A multi-word lemma ("air strike") inflects on its head, the last word; it is also
        # written hyphenated or joined ("air-strike", "airstrike"), and a hyphenated lemma
        # ("build-up") joined. Parts before the head ("air", "up") are not triggers.
        head = lemma.split()[-1]
        forms.update(_inflect(head))
        if "-" in lemma or " " in lemma:
            for joined in (lemma.replace(" ", "-"), lemma.replace("-", "").replace(" ", "")):
                forms.update(_inflect(joined))
    return frozenset(forms)


def _inflect(w: str) -> set[str]:
    out = {w, w + "s", w + "es", w + "ed", w + "d", w + "ing", w + "ment", w + "ments"}
    if w.endswith("e"):
        out |= {w[:-1] + "ing", w[:-1] + "ed", w[:-1] + "ion", w[:-1] + "ions"}
    if w.endswith("y") and len(w) > 2 and w[-2] not in "aeiou":
        out |= {w[:-1] + "ies", w[:-1] + "ied"}
    if w.endswith("ie"):
        out |= {w[:-2] + "ying"}  # tie -> tying
    if len(w) > 2 and w[-1] not in "aeiouwxy" and w[-2] in "aeiou" and w[-3] not in "aeiou":
        # CVC doubling, in both British and American use: ban -> banned, patrol -> patrolled
        out |= {w + w[-1] + "ed", w + w[-1] + "ing", w + w[-1] + "er", w + w[-1] + "ers"}
    # British and American spellings of -ize/-ise verbs and their nominalisations.
    for a, b in (("ize", "ise"), ("ise", "ize")):
        if w.endswith(a):
            out |= {f for f in _inflect_regular(w[: -len(a)] + b)}
    if w.endswith(("ize", "ise")):
        stem = w[:-1]
        out |= {stem + "ation", stem + "ations", w[:-3] + "isation", w[:-3] + "ization"}
    # Agent nouns: "protesters", "attackers", "negotiators".
    out |= {w + "er", w + "ers", w + "or", w + "ors"}
    if w.endswith("e"):
        out |= {w + "r", w + "rs", w[:-1] + "or", w[:-1] + "ors"}
    out |= _IRREGULAR.get(w, frozenset())
    return out


def _inflect_regular(w: str) -> set[str]:
    out = {w, w + "s", w + "d", w + "ed"}
    if w.endswith("e"):
        out |= {w[:-1] + "ing"}
    return out


# Irregular English verb forms (past, participle): a general table, not tied to today's
# lemmas, so that a lemma added to the lexicon later gets its irregular forms for free.
_IRREGULAR: Final = MappingProxyType(
    {
        lemma: frozenset(forms.split())
        for lemma, forms in {
            "arise": "arose arisen", "bear": "bore borne born", "beat": "beaten",
            "become": "became", "begin": "began begun", "bend": "bent", "bind": "bound",
            "bite": "bit bitten", "blow": "blew blown", "break": "broke broken",
            "bring": "brought", "build": "built", "burn": "burnt", "buy": "bought",
            "catch": "caught", "choose": "chose chosen", "come": "came", "cut": "cut",
            "deal": "dealt", "draw": "drew drawn", "drive": "drove driven", "eat": "ate eaten",
            "fall": "fell fallen", "feed": "fed", "fight": "fought", "find": "found",
            "flee": "fled", "fly": "flew flown", "forbid": "forbade forbidden",
            "forgive": "forgave forgiven", "freeze": "froze frozen", "get": "got gotten",
            "give": "gave given", "go": "went gone", "grind": "ground", "hang": "hung",
            "hear": "heard", "hide": "hid hidden", "hit": "hit", "hold": "held",
            "hurt": "hurt", "keep": "kept", "lay": "laid", "lead": "led", "leave": "left",
            "lend": "lent", "let": "let", "lose": "lost", "make": "made", "mean": "meant",
            "meet": "met", "overcome": "overcame", "overrun": "overran",
            "overthrow": "overthrew overthrown", "pay": "paid", "put": "put", "quit": "quit",
            "ride": "rode ridden", "rise": "rose risen", "run": "ran", "say": "said",
            "see": "saw seen", "seek": "sought", "sell": "sold", "send": "sent",
            "set": "set", "shake": "shook shaken", "shed": "shed", "shoot": "shot",
            "shut": "shut", "sit": "sat", "slay": "slew slain", "speak": "spoke spoken",
            "spend": "spent", "split": "split", "spread": "spread", "stand": "stood",
            "steal": "stole stolen", "stick": "stuck", "sting": "stung",
            "strike": "struck stricken", "swear": "swore sworn", "sweep": "swept",
            "take": "took taken", "teach": "taught", "tear": "tore torn", "tell": "told",
            "think": "thought", "throw": "threw thrown", "uphold": "upheld",
            "undertake": "undertook undertaken", "wage": "waged", "wake": "woke woken",
            "wear": "wore worn", "weep": "wept", "win": "won", "withdraw": "withdrew withdrawn",
            "withhold": "withheld", "write": "wrote written",
        }.items()
    }
)  # fmt: skip
