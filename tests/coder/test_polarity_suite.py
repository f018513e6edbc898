"""Negation and modality over a suite of our own news-style sentences.

Each line of ``fixtures/coder/polarity.jsonl`` names a sentence, the trigger word whose event
is checked, and the expected type (null: any), polarity (null: any) and modality. Refusals of
cooperation ("will not accept", "cancelled a planned visit") are expected as asserted REJECT
events, as the PLOVER codebook codes them. Written from general knowledge of news language.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eventwire.coder.ranked import checked
from eventwire.model import Event
from eventwire.pipeline import Pipeline

pytestmark = pytest.mark.slow

SUITE = Path(__file__).parent.parent / "fixtures" / "coder" / "polarity.jsonl"
MIN_ACCURACY = 0.95


def _cases() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SUITE.read_text(encoding="utf-8").splitlines() if line]


def _check(case: dict[str, Any], events: list[Event]) -> str | None:
    """None when the case holds, else what went wrong."""
    hits = [e for e in events if e.evidence.trigger.lower() == case["trigger"].lower()]
    if not hits:
        got = [(e.evidence.trigger, e.event_type) for e in events]
        return f"no event on {case['trigger']!r} (events: {got})"
    ev = hits[0]
    want = (case["type"], case["polarity"], case["modality"])
    got3 = (ev.event_type, ev.polarity, ev.modality)
    if all(w is None or w == g for w, g in zip(want, got3, strict=True)):
        return None
    return f"expected {want}, got {got3}"


def test_suite_is_large_enough() -> None:
    assert len(_cases()) >= 60


@pytest.fixture(params=["coder.plover.v1", "coder.plover.v4"])
def coding(request: pytest.FixtureRequest, pipeline: Pipeline) -> Iterator[Pipeline]:
    """The shared pipeline with each coder that must keep the codebook's reading: the default
    rules, and v4, whose PLV-trained classifier the rules check."""
    if request.param == "coder.plover.v1":
        yield pipeline
        return
    rules = pipeline.coder
    pipeline.coder = checked(actors=pipeline.actors, places=pipeline.places)
    try:
        yield pipeline
    finally:
        pipeline.coder = rules


def test_polarity_and_modality_suite(coding: Pipeline) -> None:
    pipeline = coding
    cases = _cases()
    failures: list[str] = []
    for case in cases:
        try:
            events = pipeline.code_text(case["text"], published="2023-06-01")
        except StopIteration:  # the pipeline set the article aside as failed
            failed = getattr(pipeline, "take_failures", list)()
            failures.append(f"{case['text']!r}: not coded ({[f.reason for f in failed]})")
            continue
        problem = _check(case, events)
        if problem is not None:
            failures.append(f"{case['text']!r}: {problem}")
    accuracy = 1 - len(failures) / len(cases)
    assert accuracy >= MIN_ACCURACY, (
        f"polarity/modality suite accuracy {accuracy:.3f} < {MIN_ACCURACY} "
        f"({len(failures)} of {len(cases)} wrong):\n" + "\n".join(failures)
    )
