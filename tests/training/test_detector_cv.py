"""training/detector_cv.py: feature groups left out, and what a pooled coding is read as."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# training/ is a package of the repository root, not an installed one.
sys.path.insert(0, str(REPO))

from conftest import build_event  # noqa: E402  (tests/ is on sys.path)

from eventwire.coder.candidates import Candidate  # noqa: E402
from eventwire.newsgold import GoldEvent, GoldSentence  # noqa: E402
from training.detector_cv import breakdown, without  # noqa: E402

ART, EV = build_event("e1", "RUS", "UKR", None, "ASSAULT")
OTHER = replace(EV, id="e2", actor=(replace(EV.actor[0], code="FRA"),))
FEATS = {"bias": 1.0, "type=ASSAULT": 1.0, "outlet=Wire": 1.0, "from=rules": 1.0}


def _sentence(*events: GoldEvent) -> GoldSentence:
    return GoldSentence("s1", "c", ART.id, 0, 0, 10, "", "dev", events=events)


def test_without_leaves_out_the_named_prefixes_only() -> None:
    data = {"s1": (ART, [[(Candidate(EV, "ASSAULT", 0.9, "ASSAULT"), dict(FEATS))]])}
    (cand, feats) = without(data, ("outlet=", "type="))["s1"][1][0][0]
    assert feats == {"bias": 1.0, "from=rules": 1.0} and cand.event is EV
    assert without(data, ()) is data


def test_breakdown_counts_right_of_kept_by_origin_and_reads_the_reference_flag() -> None:
    data = {
        "s1": (ART, [[(Candidate(EV, "ASSAULT", 0.9, "ASSAULT"), FEATS)],
                     [(Candidate(OTHER, "ASSAULT", 0.9, "ASSAULT"), {"from=mention": 1.0})]])
    }  # fmt: skip
    gold = {"s1": _sentence(GoldEvent("ASSAULT", source_code="RUS", target_code="UKR"))}
    flagged = replace(OTHER, modality="historical")
    out = breakdown(data, gold, {"s1": [EV, OTHER]})
    assert "mention 0 of 1" in out and "rules 1 of 1" in out
    assert "right 1, new flagged as a reference 0, reference read as new 0" in out
    # The right event flagged as a reference: no longer counted, and read as a wrong flag.
    out = breakdown(data, gold, {"s1": [replace(EV, modality="historical"), flagged]})
    assert "rules" not in out and "new flagged as a reference 1" in out
