"""The news detector of coder.plover.v5: its features, its fitting, its weights file."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import build_event  # tests/ is on sys.path (pytest's rootdir conftest)

from eventwire.coder.detector import (
    DEFAULT_DETECTOR,
    Candidate,
    Detector,
    candidate_features,
    fit_logistic,
)


def _candidate(modality: str = "actual", date: dt.date | None = None) -> tuple[Candidate, object]:
    article, ev = build_event("e1", "RUS", "UKR", date, "ASSAULT", modality=modality)
    return Candidate(ev, "ASSAULT", 0.9, "ASSAULT"), article


def test_features_name_type_trigger_and_words() -> None:
    cand, article = _candidate()
    f = candidate_features(cand, cand.event.evidence.sentence, 0, article)  # type: ignore[arg-type]
    for key in ("type=ASSAULT", "trig=struck", "w=border", "agree", "typeprob", "pos=0"):
        assert key in f
    assert f["typeprob"] == pytest.approx(0.9)


@pytest.mark.parametrize(("days", "bucket"), [(0, 1), (5, 2), (20, 3), (200, 4), (4000, 5)])
def test_a_stated_date_far_from_publication_is_a_feature(days: int, bucket: int) -> None:
    published = dt.date(2017, 3, 1)
    cand, article = _candidate(date=published - dt.timedelta(days=days))
    article = replace(article, published=published)  # type: ignore[type-var]
    f = candidate_features(cand, cand.event.evidence.sentence, 2, article)
    assert f[f"gap={bucket}"] == 1.0


def test_fit_logistic_learns_a_separating_word() -> None:
    rows = [{"bias": 1.0, "w=attack": 1.0}] * 20 + [{"bias": 1.0, "w=match": 1.0}] * 20
    labels = [True] * 20 + [False] * 20
    w = fit_logistic(rows, labels, l2=0.1)
    det = Detector(w, {})
    assert det.event_prob({"bias": 1.0, "w=attack": 1.0}) > 0.8
    assert det.event_prob({"bias": 1.0, "w=match": 1.0}) < 0.2


def test_rare_features_are_dropped() -> None:
    rows = [{"bias": 1.0, "w=once": 1.0}] + [{"bias": 1.0}] * 5
    assert "w=once" not in fit_logistic(rows, [True] + [False] * 5, min_count=2)


def test_weights_round_trip(tmp_path: Path) -> None:
    det = Detector({"bias": -1.0, "w=x": 2.0}, {"bias": 0.5}, threshold=0.3,
                   reference_threshold=0.6, info={"n": 1})  # fmt: skip
    det.save(tmp_path / "d.json")
    back = Detector.load(tmp_path / "d.json")
    assert (back.event, back.reference, back.threshold, back.reference_threshold, back.info) == (
        det.event, det.reference, 0.3, 0.6, {"n": 1})  # fmt: skip


def test_shipped_detector_loads() -> None:
    det = Detector.load(DEFAULT_DETECTOR)
    assert 0.0 < det.threshold < 1.0 and det.event and det.reference
