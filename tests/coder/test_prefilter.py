"""The cheap prefilter (eventwire.coder.prefilter): which sentences are worth parsing. A
sentence passes when it has both a word that may realise a trigger and a possible actor.
No spaCy: the prefilter runs before the parser."""

from __future__ import annotations

import pytest

from eventwire.coder.lexicon import surface_forms
from eventwire.coder.prefilter import EXTRA_LEMMAS, may_hold_event


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Russia attacked Ukraine.", True),
        ("they attacked the convoy at dawn.", True),  # a pronoun may be resolved later
        ("the police arrested dozens.", True),  # a sector word
        ("Both sides respected the cease-fire.", True),  # a hyphenated lexicon word
        ("Kim re-appointed his sister.", True),  # a hyphenated part
        ("The attack's victims were Syrians.", True),  # a possessive trigger
        ("Putin appointed a new governor.", True),  # an extra lemma, beyond the lexicon
        ("The weather was mild in Paris.", False),  # an actor, no trigger
        ("The stock market rose in Tokyo.", False),
        ("nobody respected the cease-fire.", False),  # a trigger, no actor
        ("The talks resumed.", False),  # a capital that only starts the sentence
    ],
    ids=str,
)
def test_may_hold_event(sentence: str, expected: bool) -> None:
    assert may_hold_event(sentence) is expected


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("Kenya airlifted food to Somalia.", "airlift"),
        # Regression: the doubling rule took the u of "qu" for a vowel ("acquited" only).
        ("The court acquitted two activists.", "acquit"),
        ("Hostilities resumed in Yemen.", "hostility"),
        ("Peacekeepers arrived in Mali.", "peacekeeper"),
    ],
    ids=str,
)
def test_extra_lemmas_reach_past_the_lexicon(sentence: str, word: str) -> None:
    """Words the rule lexicon does not code still let their sentence through."""
    assert word in EXTRA_LEMMAS and word not in surface_forms()
    assert may_hold_event(sentence)
