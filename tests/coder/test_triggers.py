"""Trigger words in their constructions (eventwire.coder.triggers), and the lexicon behind them
(eventwire.coder.lexicon), read on small parsed sentences. Hand-written news-style sentences."""

from __future__ import annotations

import pytest
from parsing import case, token_of  # tests/coder/parsing.py (pytest puts tests/coder on sys.path)

from eventwire.coder.lexicon import ADJECTIVES, NOUNS, PHRASES, VERBS, Trigger, surface_forms
from eventwire.coder.triggers import aimed_at, refuses, trigger_of
from eventwire.model import Entity
from eventwire.ontology.plover import EVENT_TYPES, MODES
from eventwire.pipeline import Pipeline

# ------------------------------------------------------------------------------- trigger_of

TRIGGER_CASES = [
    case("Russia attacked Ukraine.", "attacked", ("ASSAULT", None)),
    case("Russia attacked Ukraine.", "Russia", None),  # a name is never a trigger
    case("Russian forces shelled the city of Kharkiv.", "shelled", ("ASSAULT", "heavy-weapons")),
    # descriptions are not acts
    case("North Korea fired a banned ballistic missile.", "banned", None),
    case("The report on the attack was published.", "attack", None),  # a topic
    # displays of resolve are not protests; protests against someone are
    case("Officials want to demonstrate resolve.", "demonstrate", None),
    case("Students demonstrated against the government.", "demonstrated", ("PROTEST", "demo")),
    case("The parade was a demonstration of its military capabilities.", "demonstration", None),
    # carrier verbs: the noun is the event
    case("China launched an attack on the island.", "launched", None),
    case("China launched an attack on the island.", "attack", ("ASSAULT", None)),
    case("Hackers carried out cyber attacks on the ministry.", "carried", None),
    case("Hackers carried out cyber attacks on the ministry.", "attacks", ("COERCE", "cyber")),
    # diplomatic protests are accusations; crowds protesting are protests
    case("Tokyo lodged a protest with Pyongyang.", "protest", ("ACCUSE", "disapprove")),
    case("Japan protested the decision.", "protested", ("ACCUSE", "disapprove")),
    case("Thousands protested in the streets of Kiev.", "protested", ("PROTEST", "demo")),
    # orders, attempts, phrases
    case("The president ordered troops to withdraw.", "ordered", ("REQUEST", None)),
    case("The US is seeking to increase pressure on Iran.", "seeking", None),
    case("The US called on Russia to withdraw its troops.", "called", ("REQUEST", None)),
    case("Putin called Lavrov on Friday.", "called", ("CONSULT", "phone")),
    case("Police rounded up dozens of activists.", "rounded", ("COERCE", "arrest")),
    case("The president stepped down on Friday.", "stepped", ("RETREAT", "resign")),
    case("The minister will step up efforts.", "step", None),
    case("Japan took part in the operation.", "took", ("COOPERATE", None)),
    case("Moon took part in the talks.", "took", None),  # the talks are the event
    # drills alone and jointly; strikes by workers and from the air
    case("The army held exercises near the border.", "exercises", ("MOBILIZE", "troops")),
    case("The army held joint exercises with South Korea.", "exercises", ("COOPERATE", None)),
    case("North Korea staged war games.", "games", ("MOBILIZE", "troops")),
    case("The US and Japan held joint war games.", "games", ("COOPERATE", None)),
    case("Workers went on strike.", "strike", ("PROTEST", "strike")),
    case("Israel carried out air strikes on Gaza.", "strikes", ("ASSAULT", "aerial")),
    # adjective predicates
    case("We are concerned about the situation.", "concerned", ("ACCUSE", "disapprove")),
    case("North Korea is eager for talks.", "eager", ("AGREE", None)),
]


@pytest.mark.parametrize(("text", "word", "expected"), TRIGGER_CASES)
def test_trigger_of(pipeline: Pipeline, text: str, word: str, expected: Trigger | None) -> None:
    assert trigger_of(token_of(pipeline, text, word)) == expected


# --------------------------------------------------------------------------------- refuses

REFUSAL_CASES = [
    case("Iran will not lift the sanctions.", "lift", True),  # a future negation
    case("Iran cannot accept the proposal.", "accept", True),  # a modal negation
    case("The two sides failed to reach an agreement.", "agreement", True),
    case("Iran refused to meet French diplomats.", "meet", True),
    case("Iran did not lift the sanctions.", "lift", False),  # not done, not refused
    case("Russia did not attack Ukraine.", "attack", False),
]


@pytest.mark.parametrize(("text", "word", "expected"), REFUSAL_CASES)
def test_refuses(pipeline: Pipeline, text: str, word: str, expected: bool) -> None:
    assert refuses(token_of(pipeline, text, word)) is expected


# -------------------------------------------------------------------------------- aimed_at

_CODES = {"Israel": "ISR", "Japan": "JPN"}

AIM_CASES = [
    case("Hamas fired rockets into Israel.", "fired", True),  # at a coded actor
    case("North Korea launched missiles toward Japan.", "launched", True),
    case("Troops fired at protesters.", "fired", True),  # at a target noun
    case("The army fired shells on rebel positions.", "fired", True),
    case("North Korea fired a missile into the sea.", "fired", False),  # a test
    case("The navy fired a missile over the sea.", "fired", False),
]


@pytest.mark.parametrize(("text", "word", "expected"), AIM_CASES)
def test_aimed_at(pipeline: Pipeline, text: str, word: str, expected: bool) -> None:
    mentions = [
        (text.index(name), text.index(name) + len(name), Entity(name, code))
        for name, code in _CODES.items()
        if name in text
    ]
    assert aimed_at(token_of(pipeline, text, word), mentions) is expected


def test_aim_at_an_uncoded_place_is_no_aim(pipeline: Pipeline) -> None:
    """ "into Israel" aims only because Israel is a coded actor mention."""
    text = "Hamas fired rockets into Israel."
    start = text.index("Israel")
    uncoded = [(start, start + len("Israel"), Entity("Israel", None))]
    assert aimed_at(token_of(pipeline, text, "fired"), uncoded) is False


# --------------------------------------------------------------------------------- lexicon


def test_lexicon_readings_are_plover_types_and_modes() -> None:
    readings = [*VERBS.values(), *NOUNS.values(), *ADJECTIVES.values()]
    readings += [r for r in PHRASES.values() if r[0]]  # "" marks a phrase that reports nothing
    bad = {(t, m) for t, m in readings if t not in EVENT_TYPES or (m and m not in MODES.get(t, ()))}
    assert bad == set()


@pytest.mark.parametrize(
    ("form", "lemma"),
    [
        ("smuggled", "smuggle"),
        ("smugglers", "smuggle"),  # agent noun
        ("plotted", "plot"),  # consonant doubling
        ("bullied", "bully"),
        ("tying", "tie"),
        ("legalised", "legalize"),  # British and American spellings
        ("legalized", "legalise"),
        ("militarisation", "militarize"),
        ("overthrew", "overthrow"),  # irregular
        ("stole", "steal"),
        ("car-bombs", "car bomb"),  # a two-word lemma, hyphenated and joined
        ("carbombs", "car bomb"),
        ("standoff", "stand-off"),
    ],
    ids=str,
)
def test_surface_forms_inflect_extra_lemmas(form: str, lemma: str) -> None:
    """The prefilter's word forms of a lemma the lexicon lacks (the forms are absent without
    it, so each case tests the inflection, not the lexicon)."""
    assert form not in surface_forms()
    assert form in surface_forms([lemma])
