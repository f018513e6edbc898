"""Negation and modality over a suite of our own news-style sentences.

Each line of ``fixtures/coder/polarity.jsonl`` names a sentence, the trigger word whose event
is checked, and the expected type (null: any), polarity (null: any) and modality. Refusals of
cooperation ("will not accept", "cancelled a planned visit") are expected as asserted REJECT
events, as the PLOVER codebook codes them. Written from general knowledge of news language.

Every sentence is its own case for each coder, so one new miss fails on its own (a 95% bar
over the whole suite let three pass unseen). The misses known today are listed in
``KNOWN_MISSES`` and run as strict xfails: a fix shows up as an XPASS failure, to be taken off
the list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eventwire.coder.ranked import checked
from eventwire.model import Event
from eventwire.pipeline import Pipeline

pytestmark = pytest.mark.slow

SUITE = Path(__file__).parent.parent / "fixtures" / "coder" / "polarity.jsonl"

# The coders that must keep the codebook's reading: the default rules, and v4, whose
# PLV-trained classifier the rules check.
CODERS = ("coder.plover.v1", "coder.plover.v4")

# (coder, sentence) -> why the coder misses it today.
KNOWN_MISSES: dict[tuple[str, str], str] = {
    (
        "coder.plover.v4",
        "Russia is preparing to launch airstrikes on rebel positions in Syria.",
    ): "v4's classifier types the planned airstrikes as MOBILIZE (the launch), not ASSAULT",
}


def _cases() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SUITE.read_text(encoding="utf-8").splitlines() if line]


def _slug(text: str) -> str:
    """A case's id: the sentence's first seven words ("russia-denied-attacking-...")."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower())[:7])


def _params() -> list[Any]:
    out = []
    for coder in CODERS:
        for case in _cases():
            reason = KNOWN_MISSES.get((coder, case["text"]))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            out.append(pytest.param(coder, case, marks=marks, id=f"{coder}-{_slug(case['text'])}"))
    return out


def test_suite_is_large_enough() -> None:
    assert len(_cases()) >= 60


def test_case_ids_are_unique() -> None:
    slugs = [_slug(c["text"]) for c in _cases()]
    assert len(set(slugs)) == len(slugs)


def test_known_misses_name_suite_sentences() -> None:
    """A known miss whose sentence left the suite (or was reworded) is stale."""
    texts = {c["text"] for c in _cases()}
    assert [key for key in KNOWN_MISSES if key[0] not in CODERS or key[1] not in texts] == []


@pytest.fixture(scope="module")
def coders(pipeline: Pipeline) -> dict[str, Any]:
    """Each coder of ``CODERS``, built once for the module."""
    return {
        "coder.plover.v1": pipeline.coder,
        "coder.plover.v4": checked(actors=pipeline.actors, places=pipeline.places),
    }


@pytest.fixture
def coding(
    request: pytest.FixtureRequest, pipeline: Pipeline, coders: dict[str, Any]
) -> Iterator[Pipeline]:
    """The shared pipeline with the coder the case names, put back afterwards."""
    rules = pipeline.coder
    pipeline.coder = coders[request.param]
    try:
        yield pipeline
    finally:
        pipeline.coder = rules


def _code(pipeline: Pipeline, text: str) -> list[Event]:
    try:
        return pipeline.code_text(text, published="2023-06-01")
    except StopIteration:  # the pipeline set the article aside as failed
        failed = getattr(pipeline, "take_failures", list)()
        pytest.fail(f"not coded: {[f.reason for f in failed]}")


@pytest.mark.parametrize(("coding", "case"), _params(), indirect=["coding"])
def test_polarity_and_modality(coding: Pipeline, case: dict[str, Any]) -> None:
    events = _code(coding, case["text"])
    hits = [e for e in events if e.evidence.trigger.lower() == case["trigger"].lower()]
    assert hits, (
        f"no event on {case['trigger']!r}: {[(e.evidence.trigger, e.event_type) for e in events]}"
    )
    ev = hits[0]
    want = (case["type"], case["polarity"], case["modality"])
    got = tuple(
        g if w is not None else None
        for w, g in zip(want, (ev.event_type, ev.polarity, ev.modality), strict=True)
    )
    assert got == want  # (type, polarity, modality); None where the case takes any
