"""Nested triggers composed into one event (eventwire.coder.compose), on small parsed
sentences: the candidates are the sentence's trigger words as eventwire.coder.triggers reads
them, and each case gives the events left once they are composed. Hand-written news-style
sentences."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from eventwire.coder.compose import Arg, Candidate, compose, nested_mode
from eventwire.coder.triggers import trigger_of
from eventwire.model import Entity
from eventwire.pipeline import Pipeline

if TYPE_CHECKING:
    from spacy.tokens import Doc

# What is left of a candidate after composition: (word, type, mode, denied).
Reading = tuple[str, str, str | None, bool]


def _candidates(doc: Doc) -> list[Candidate]:
    return [Candidate(t, *trig) for t in doc if (trig := trigger_of(t)) is not None and trig[0]]


def _arg(text: str, name: str, code: str) -> Arg:
    start = text.index(name)
    return Arg((Entity(name, code),), (start, start + len(name)))


COMPOSE_CASES: list[tuple[str, list[Reading]]] = [
    # the codebook codes the outermost act: a request to meet, a refusal to meet
    (
        "South Korea urged Pyongyang to return to negotiations.",
        [("urged", "REQUEST", "meet", False)],
    ),
    ("The US called for talks between the two sides.", [("called", "REQUEST", "meet", False)]),
    ("Iran refused to meet French diplomats.", [("refused", "REJECT", "meet", False)]),
    ("Iran refused to release the sailors.", [("refused", "REJECT", "yield", False)]),
    ("China demanded that Japan withdraw its ships.", [("demanded", "REQUEST", "yield", False)]),
    ("The UN asked Israel to allow aid into Gaza.", [("asked", "REQUEST", "yield", False)]),
    # a threat names the act threatened
    ("Iran threatened to attack Israel.", [("threatened", "THREATEN", "violence", False)]),
    (
        "Russia threatened to impose sanctions on Moldova.",
        [("threatened", "THREATEN", "relations", False)],
    ),
    (
        "He warned that his government would expel the diplomats.",
        [("warned", "THREATEN", "expel", False)],
    ),
    # a denied act is the act, negated; not a rejection
    ("Russia denied attacking Ukrainian positions.", [("attacking", "ASSAULT", None, True)]),
    # intentions to cooperate are AGREE
    ("Japan sought to resume diplomacy with China.", [("diplomacy", "AGREE", None, False)]),
    ("Japan wants to cooperate with India.", [("cooperate", "AGREE", None, False)]),
    ("North Korea is eager for talks with Seoul.", [("eager", "AGREE", None, False)]),
    ("Turkey offered to mediate between the two sides.", [("offered", "AGREE", None, False)]),
    # an accusation keeps the act it alleges; a report composes nothing
    (
        "Israel accused Hamas of attacking the border.",
        [("accused", "ACCUSE", "allege", False), ("attacking", "ASSAULT", None, False)],
    ),
    ("The official said Russia attacked Ukraine.", [("attacked", "ASSAULT", None, False)]),
]


@pytest.mark.parametrize(("text", "expected"), COMPOSE_CASES, ids=[t for t, _ in COMPOSE_CASES])
def test_compose(pipeline: Pipeline, text: str, expected: list[Reading]) -> None:
    cands = _candidates(pipeline.nlp(text))
    compose(cands)
    left = [(c.token.text, c.etype, c.mode, c.denied) for c in cands if not c.absorbed]
    assert left == expected


def test_request_that_a_clause_do_something_asks_the_clauses_subject(pipeline: Pipeline) -> None:
    text = "China demanded that Japan withdraw its ships."
    demanded, withdraw = _candidates(pipeline.nlp(text))
    demanded.source, withdraw.source = _arg(text, "China", "CHN"), _arg(text, "Japan", "JPN")
    compose([demanded, withdraw])
    assert demanded.target == withdraw.source


def test_request_to_meet_takes_the_meetings_other_party(pipeline: Pipeline) -> None:
    text = "South Korea urged Pyongyang to return to negotiations with Seoul."
    urged, talks = _candidates(pipeline.nlp(text))
    assert (urged.token.text, talks.token.text) == ("urged", "negotiations")
    talks.target = _arg(text, "Pyongyang", "PRK")
    compose([urged, talks])
    assert urged.target == talks.target


def test_accusation_targets_the_accused_acts_source(pipeline: Pipeline) -> None:
    text = "Israel accused Hamas of attacking the border."
    accused, attacking = _candidates(pipeline.nlp(text))
    attacking.source = _arg(text, "Hamas", "HMS")
    compose([accused, attacking])
    assert accused.target == attacking.source


@pytest.mark.parametrize(
    ("parent", "child", "child_mode", "expected"),
    [
        ("REQUEST", "CONSULT", None, "meet"),
        ("REQUEST", "AID", None, "assist"),
        ("REJECT", "RETREAT", "release", "yield"),
        ("REJECT", "ASSAULT", None, None),
        ("THREATEN", "ASSAULT", None, "violence"),
        ("THREATEN", "SANCTION", None, "relations"),
        ("THREATEN", "SANCTION", "expel", "expel"),  # a mode both types have
        ("THREATEN", "COERCE", "arrest", "arrest"),
        ("AGREE", "CONSULT", None, None),
    ],
    ids=str,
)
def test_nested_mode(parent: str, child: str, child_mode: str | None, expected: str | None) -> None:
    assert nested_mode(parent, child, child_mode) == expected
