from __future__ import annotations

import pytest

from eventwire.errors import UsageError
from eventwire.ontology import EVENT_TYPES, cameo_root, intensity, quad, validate_type
from eventwire.ontology.plover import MODES


def test_sixteen_types_in_four_quads() -> None:
    assert len(EVENT_TYPES) == 16
    assert {quad(t) for t in EVENT_TYPES} == {1, 2, 3, 4}
    assert quad("SANCTION") == 3  # the quad table, not the prose (see the module docstring)


def test_every_mode_has_a_score_and_root() -> None:
    for etype, modes in MODES.items():
        for mode in (None, *modes):
            assert -10 <= intensity(etype, mode) <= 10
            assert len(cameo_root(etype, mode)) == 2


def test_codebook_slips_are_corrected() -> None:
    assert intensity("ACCUSE") < 0
    assert intensity("MOBILIZE", "troops") == -6.5
    assert cameo_root("ASSAULT", "aerial") == "19"


def test_invalid_type_and_mode_list_the_options() -> None:
    with pytest.raises(UsageError, match="AGREE"):
        validate_type("FIGHT")
    with pytest.raises(UsageError, match="troops"):
        validate_type("MOBILIZE", "tanks")
