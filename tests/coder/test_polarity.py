"""Polarity and modality read off the parse (eventwire.coder.polarity), on small parsed
sentences: each case is a sentence, its trigger word, and the reading expected of it.
Hand-written news-style sentences; the end-to-end suite is test_polarity_suite.py."""

from __future__ import annotations

import pytest
from parsing import case, token_of  # tests/coder/parsing.py (pytest puts tests/coder on sys.path)

from eventwire.coder.polarity import clause_path, modality, polarity, speculative
from eventwire.pipeline import Pipeline

POLARITY_CASES = [
    case("Russia attacked Ukraine.", "attacked", "asserted"),
    case("Russia did not attack Ukraine.", "attack", "negated"),
    case("Russia never attacked Ukraine.", "attacked", "negated"),
    # a negation anywhere on the way up to the clause's root
    case(
        "There has been no serious discussion of a meeting between China and Japan.",
        "meeting",
        "negated",
    ),
    # verbs that negate what they govern
    case("Russia denied attacking Ukrainian positions.", "attacking", "negated"),
    case("China ceased shelling the islands.", "shelling", "negated"),
    case("The two sides failed to reach an agreement.", "agreement", "negated"),
    # the path stops at a reporting verb: the official's silence negates nothing
    case("The official did not say whether Russia attacked Ukraine.", "attacked", "asserted"),
    case(
        "The talks ended without an agreement.",
        "agreement",
        "negated",
        miss="'without' is listed in polarity._NEG_WORDS, which polarity() never reads",
    ),
]


@pytest.mark.parametrize(("text", "word", "expected"), POLARITY_CASES)
def test_polarity(pipeline: Pipeline, text: str, word: str, expected: str) -> None:
    assert polarity(token_of(pipeline, text, word)) == expected


MODALITY_CASES = [
    case("Russia attacked Ukraine.", "attacked", "actual"),
    case("The official said that Russia attacked Ukraine.", "attacked", "actual"),
    # modals and conditions
    case("Japan could confront China over the islands.", "confront", "hypothetical"),
    case("Iran may attack Israel.", "attack", "hypothetical"),
    case("The US must withdraw its troops.", "withdraw", "hypothetical"),
    case("If Iran attacks Israel, the US will respond.", "attacks", "hypothetical"),
    case("Will China attack Taiwan?", "attack", "hypothetical"),  # a question asserts nothing
    # feared and rehearsed acts
    case("Kim is afraid of a US invasion.", "invasion", "hypothetical"),
    case("The troops were practicing for an invasion.", "invasion", "hypothetical"),
    case("NATO held a drill simulating an attack.", "attack", "hypothetical"),
    # "would like" is a wish held now, not a hypothesis
    case("Japan would like to sit down with China.", "sit", "actual"),
    # future auxiliaries and verbs of planning
    case("The Indian prime minister will visit Japan next month.", "visit", "future"),
    case("Russia plans to deploy troops near the border.", "deploy", "future"),
    case("North Korea is expected to test a missile.", "test", "future"),
    case("Sweden hopes to meet Finnish officials next week.", "meet", "future"),  # "hop"
    # the past
    case("Russia previously attacked the town.", "attacked", "historical"),
    case("Russia invaded Georgia ten years ago.", "invaded", "historical"),
]


@pytest.mark.parametrize(("text", "word", "expected"), MODALITY_CASES)
def test_modality(pipeline: Pipeline, text: str, word: str, expected: str) -> None:
    assert modality(token_of(pipeline, text, word)) == expected


SPECULATION_CASES = [
    case("Japan could confront China over the islands.", "confront", True),
    case("Iran may attack Israel.", "attack", True),
    case("Will China attack Taiwan?", "attack", True),
    case("Iran cannot accept the proposal.", "accept", True),
    # hypothetical, but a demand or a condition, not the writer's speculation
    case("The US must withdraw its troops.", "withdraw", False),
    case("If Iran attacks Israel, the US will respond.", "attacks", False),
    case("Russia attacked Ukraine.", "attacked", False),
]


@pytest.mark.parametrize(("text", "word", "expected"), SPECULATION_CASES)
def test_speculative(pipeline: Pipeline, text: str, word: str, expected: bool) -> None:
    assert speculative(token_of(pipeline, text, word)) is expected


PATH_CASES = [
    case("Iran refused to meet French diplomats.", "meet", ["meet", "refused"]),
    case("Russia plans to deploy troops near the border.", "deploy", ["deploy", "plans"]),
    # stops below a reporting verb
    case("The official said that Russia attacked Ukraine.", "attacked", ["attacked"]),
    case(
        "South Korea said it was ready to hold talks.",
        "talks",
        ["talks", "hold", "ready", "was"],
    ),
]


@pytest.mark.parametrize(("text", "word", "expected"), PATH_CASES)
def test_clause_path(pipeline: Pipeline, text: str, word: str, expected: list[str]) -> None:
    assert [t.text for t in clause_path(token_of(pipeline, text, word))] == expected
