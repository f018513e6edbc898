"""How training/train_detector.py chooses a fit on dev."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# training/ is a package of the repository root, not an installed one.
sys.path.insert(0, str(REPO))

from training.train_detector import choose  # noqa: E402


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
