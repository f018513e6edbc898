"""How training/train_detector.py chooses a fit on dev."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# training/ is a package of the repository root, not an installed one.
sys.path.insert(0, str(REPO))

from conftest import build_event  # noqa: E402  (tests/ is on sys.path)

from eventwire.coder.candidates import Candidate  # noqa: E402
from eventwire.newsgold import GoldEvent, GoldSentence  # noqa: E402
from training.train_detector import SHIPPED_CARD, choose, detector_card, label  # noqa: E402


@pytest.mark.parametrize(
    ("fits", "expected"),
    [
        # The best dev F1 wins outright beyond the tie margin.
        ([(0.260, 1.0, 0.1, 0.70), (0.245, 10.0, 0.15, 0.77)], (0.260, 1.0, 0.1, 0.70)),
        # Within the tie margin the fit keeping more of PLV's events wins.
        ([(0.247, 1.0, 0.1, 0.704), (0.245, 10.0, 0.15, 0.768)], (0.245, 10.0, 0.15, 0.768)),
        # Without PLV figures the best dev F1 wins.
        ([(0.247, 1.0, 0.1, None), (0.245, 10.0, 0.15, None)], (0.247, 1.0, 0.1, None)),
    ],
)
def test_choose_breaks_dev_ties_by_plv(fits, expected):
    assert choose(fits) == expected


def _gold(*events: GoldEvent) -> GoldSentence:
    return GoldSentence("s1", "test", "a1", 0, 0, 1, "", "train", events=events)


@pytest.mark.parametrize(
    ("gold", "candidate_target", "expected"),
    [
        ((GoldEvent("ASSAULT", source_code="RUS", target_code="UKR"),), "UKR", (True, False, True)),
        (
            (GoldEvent("ASSAULT", source_code="RUS", target_code="UKR"),),
            "POL",
            (True, False, False),
        ),
        ((GoldEvent("ASSAULT", source_code="RUS"),), None, (True, False, True)),
        (
            (GoldEvent("ASSAULT", source_code="RUS", target_code="UKR", modality="historical"),),
            "UKR",
            (True, True, True),
        ),
        (
            (GoldEvent("ACCUSE", source_code="RUS", target_code="UKR"),),
            "UKR",
            (False, False, False),
        ),
        # Two gold events of one type and source: the one the target matches is the match.
        (
            (
                GoldEvent("ASSAULT", source_code="RUS", target_code="POL"),
                GoldEvent("ASSAULT", source_code="RUS", target_code="UKR"),
            ),
            "UKR",
            (True, False, True),
        ),
        # A reciprocal act matches either way round.
        (
            (GoldEvent("ASSAULT", source_code="UKR", target_code="RUS", reciprocal=True),),
            "UKR",
            (True, False, True),
        ),
    ],
    ids=[
        "right-target",
        "wrong-target",
        "no-target-either",
        "reference",
        "wrong-type",
        "second-gold-event",
        "reciprocal-either-way",
    ],
)
def test_label_says_event_reference_and_target(gold, candidate_target, expected):
    _, ev = build_event("e1", "RUS", candidate_target, None, "ASSAULT")
    assert label(Candidate(ev, "ASSAULT", 0.9, "ASSAULT"), _gold(*gold)) == expected


@pytest.mark.parametrize(
    ("shipped", "title", "corrections"),
    [
        (True, "# coder.plover.v5's news detector", False),
        (False, "# A retrained news detector for coder.plover.v5", True),
    ],
    ids=["shipped", "retrained"],
)
def test_the_model_card_says_what_the_detector_is_and_was_fitted_on(
    shipped: bool, title: str, corrections: bool
) -> None:
    info = {"l2": 10.0, "dev_type_source_f1_at_threshold": 0.288}
    if corrections:
        info["corrections"] = {"file": "c.jsonl", "trained_on": 3, "held_out": 1}
    card = detector_card(info, shipped=shipped)
    assert card.startswith(title + "\n")
    assert "minilm-sentence" in card and '"dev_type_source_f1_at_threshold": 0.288' in card
    assert ("c.jsonl" in card) is corrections


def test_the_shipped_detector_has_its_model_card() -> None:
    assert SHIPPED_CARD.read_text(encoding="utf-8").startswith("# coder.plover.v5's news detector")
