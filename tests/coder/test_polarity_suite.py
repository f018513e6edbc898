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

# The two registered coders, and the checked ranked stage (once coder.plover.v4) whose
# PLV-trained classifier the rules check: the candidates v5 draws on must keep the codebook's
# reading, so that what v5 keeps is read right.
CHECKED = "ranked.checked"
CODERS = ("coder.plover.v5", "coder.plover.v1", CHECKED)

# The default coder's detector drops or retypes these (docs/BENCHMARKS.md): it was fitted on
# news, where such short, plain or modal sentences are seldom what the gold annotates.
_V5_DROPS = "v5's detector drops it (no event)"
_V5_RETYPES = "v5 keeps another reading of the trigger (type, polarity or modality)"

_V5_DROPPED: tuple[str, ...] = (
    "Japan could confront China over the disputed islands.",
    "Israel never threatened Lebanon with military action.",
    "Will China attack Taiwan?",
    "Brazil might recall its ambassador from Venezuela.",
    "Ethiopia has not withdrawn its troops from Somalia.",
    "Kenya has never sent aid to Somalia.",
    "Australia threatened to impose tariffs on Chinese steel.",
    "Canada did not praise Norway.",
    "Could Iran block the Strait of Hormuz?",
)
_V5_RETYPED: tuple[str, ...] = (
    "There has been no serious discussion of a meeting between China and Japan.",
    "Russia denied attacking Ukrainian positions near the border.",
    "If the tests continue, Washington could impose sanctions on Pyongyang.",
    "Russia launched airstrikes on rebel positions in Syria.",
    "Russia is preparing to launch airstrikes on rebel positions in Syria.",
    "India and Pakistan have not held talks since the attack.",
    "Italy intends to expel Libyan diplomats.",
    "Greece stopped attacking Turkish vessels.",
    "Unless Israel halts settlement building, the European Union may suspend trade talks.",
    "Indonesia has no plans to deport the Australian activists.",
)

# (coder, sentence) -> why the coder misses it today: strict, so that a fix shows up.
KNOWN_MISSES: dict[tuple[str, str], str] = {
    (
        CHECKED,
        "Russia is preparing to launch airstrikes on rebel positions in Syria.",
    ): "the classifier types the planned airstrikes as MOBILIZE (the launch), not ASSAULT",
    **{("coder.plover.v5", text): _V5_DROPS for text in _V5_DROPPED},
    **{("coder.plover.v5", text): _V5_RETYPES for text in _V5_RETYPED},
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
def coders(pipeline: Pipeline, rules_pipeline: Pipeline) -> dict[str, Any]:
    """Each coder of ``CODERS``, built once for the module."""
    return {
        "coder.plover.v5": pipeline.coder,
        "coder.plover.v1": rules_pipeline.coder,
        CHECKED: checked(actors=pipeline.actors, places=pipeline.places),
    }


@pytest.fixture
def coding(
    request: pytest.FixtureRequest, pipeline: Pipeline, coders: dict[str, Any]
) -> Iterator[Pipeline]:
    """The shared pipeline with the coder the case names, put back afterwards."""
    default = pipeline.coder
    pipeline.coder = coders[request.param]
    try:
        yield pipeline
    finally:
        pipeline.coder = default


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
