"""Composition: how triggers nested in one another become one event.

The PLOVER codebook codes the outermost act: "sought to resume diplomacy" and "eager for
talks" are intentions (AGREE), not meetings; "urged Pyongyang to return to negotiations" is
one REQUEST:meet; "refused to meet" one REJECT:meet; "denied attacking" a negated ASSAULT.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from eventwire.coder.polarity import REPORTING_VERBS
from eventwire.model import Entity, Place
from eventwire.ontology.plover import MODES

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = [
    "ABSORBING",
    "COOPERATIVE",
    "INTENTION_WORDS",
    "Arg",
    "Candidate",
    "compose",
    "nested_mode",
]


INTENTION_WORDS: Final = frozenset(
    {"want", "like", "love", "hope", "wish", "eager", "willing", "ready", "keen", "open",
     "intend", "aim", "offer", "propose", "invite", "invitation", "seek", "try"}
)  # fmt: skip

ABSORBING: Final = frozenset({"AGREE", "REQUEST", "REJECT", "THREATEN"})

COOPERATIVE: Final = frozenset({"CONSULT", "SUPPORT", "COOPERATE", "AID"})


@dataclass(frozen=True, slots=True)
class Arg:
    """An argument (source or target): its actors and where it sits in the sentence."""

    entities: tuple[Entity, ...]
    span: tuple[int, int]  # sentence-local character offsets
    from_syntax: bool = True
    named: bool = False  # names an actor the knowledge base lacks ("the ACLU")


@dataclass(slots=True)
class Candidate:
    """A trigger with its type, mode and arguments, while composition may still change them."""

    token: Token
    etype: str
    mode: str | None
    source: Arg | None = None
    target: Arg | None = None
    place: Place | None = None
    absorbed: bool = False
    absorbed_children: int = 0
    # The act a "deny" trigger above it denies ("denied attacking"): reported negated.
    denied: bool = False


def _nearest(tok: Token, by_token: dict[int, Candidate]) -> Candidate | None:
    t = tok
    while t.head != t:
        if t.dep_ == "ccomp":
            # "demanded that Japan withdraw", "warned that it would strike": the clause is what
            # is demanded or threatened, not a report of its own.
            above = by_token.get(t.head.i)
            return above if above is not None and above.etype in _CLAUSE_TAKERS else None
        if t.dep_ in ("relcl", "advcl", "parataxis"):
            return None
        t = t.head
        if t.i in by_token:
            return by_token[t.i]
        if t.lemma_ in REPORTING_VERBS:
            return None
    return None


_CLAUSE_TAKERS: Final = frozenset({"REQUEST", "THREATEN"})


def _in_clause_of(tok: Token, above: Token) -> bool:
    """Whether ``tok`` sits in a that-clause of ``above`` ("demanded that Japan withdraw")."""
    t = tok
    while t.head != t:
        if t.dep_ == "ccomp" and t.head == above:
            return True
        t = t.head
    return False


def _has_intention_ancestor(tok: Token) -> bool:
    t = tok
    for _ in range(6):
        if t.head == t or t.dep_ in ("ccomp", "relcl", "advcl"):
            return False
        t = t.head
        if t.lemma_ in INTENTION_WORDS or t.lower_ in INTENTION_WORDS:
            return True
    return False


def nested_mode(parent: str, child: str, child_mode: str | None = None) -> str | None:
    """The parent trigger's mode from the event it governs ("urged ... to return to talks":
    REQUEST 'meet'; "warned that his government would expel him": THREATEN 'expel')."""
    if parent in ("REQUEST", "REJECT"):
        return {
            "CONSULT": "meet", "AID": "assist", "COOPERATE": "assist", "SUPPORT": "assist",
            "RETREAT": "yield", "CONCEDE": "yield",
        }.get(child)  # fmt: skip
    if parent == "THREATEN":
        if child_mode is not None and child_mode in MODES["THREATEN"]:
            return child_mode  # "expel", "arrest", "restrict" name the same act
        return {"ASSAULT": "violence", "SANCTION": "relations"}.get(child)
    return None


def compose(cands: list[Candidate]) -> None:
    """Let nested triggers combine the way the codebook asks (see the module docstring)."""
    by_token = {c.token.i: c for c in cands}
    for c in cands:
        parent = _nearest(c.token, by_token)
        # "urged Pyongyang to return to negotiations": a chain of cooperative triggers
        # under a request belongs to the request, however deep.
        up = parent
        while (
            up is not None
            and up.etype not in ABSORBING
            and (up.etype in COOPERATIVE or up.etype in ("RETREAT", "CONCEDE"))
        ):
            up = _nearest(up.token, by_token)
        if up is not None and up.etype in ABSORBING and up is not parent:
            parent = up
            if c.etype == "CONSULT" and up.etype in ("REQUEST", "REJECT"):
                up.mode = "meet"  # asked to come (back) to the table
        intention = _has_intention_ancestor(c.token)
        if parent is not None and parent.token.lemma_ == "deny":
            parent.absorbed = True  # "denied attacking": a negated ASSAULT, not a REJECT
            c.denied = True
        elif (
            parent is not None
            and parent.etype in ABSORBING
            and (c.etype in COOPERATIVE or c.etype in ("RETREAT", "CONCEDE", "ASSAULT", "SANCTION"))
        ):
            c.absorbed = True
            parent.absorbed_children += 1
            if parent.mode is None:
                parent.mode = nested_mode(parent.etype, c.etype, c.mode)
            if parent.target is None:
                # "demanded that Japan withdraw its ships": the one asked is the clause's
                # subject; "urged ... to return to talks": the talks' other party.
                asked = (
                    c.source
                    if parent.etype == "REQUEST" and _in_clause_of(c.token, parent.token)
                    else None
                )
                parent.target = asked or c.target
            if parent.source is None and c.source is not None:
                parent.source = c.source
        elif intention and c.etype in COOPERATIVE:
            c.etype, c.mode = "AGREE", None
        elif parent is not None and parent.etype == c.etype:
            c.absorbed = parent.source is not None or c.source is None
            if not c.absorbed:
                parent.absorbed = True
            elif parent.target is None:
                parent.target = c.target
        if parent is not None and parent.etype == "ACCUSE" and parent.target is None:
            parent.target = c.source
