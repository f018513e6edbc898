"""The seed article, coded against the hand-coded table in ../shared/seed/expected.md."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest

from eventwire.model import Event
from eventwire.pipeline import Pipeline

pytestmark = pytest.mark.slow


# coder.plover.v5's known misses on the seed article (docs/BENCHMARKS.md): strict, so that a
# fix shows up here and a new miss fails.
V5_MISSES = {
    "test_seed_4_russia_masses_troops_on_ukraine_border": "v5's detector drops the build-up "
    "of Russian troops, named in passing in a sentence about Biden's attention (0.138 against "
    "its threshold of 0.2)",
    "test_seed_5_usa_commits_to_allies_in_future": "of one commitment with two targets, v5's "
    "target scorer keeps 'American' (the US itself) over the uncoded 'its allies'",
}


@pytest.fixture(scope="module", params=["coder.plover.v1", "coder.plover.v5"])
def seed(
    request: pytest.FixtureRequest, shared_dir: Path, pipeline: Pipeline
) -> tuple[str, list[Event]]:
    text = (shared_dir / "seed" / "article.txt").read_text(encoding="utf-8")
    if request.param != pipeline.config.pipeline.coder:
        cfg = pipeline.config
        pipeline = Pipeline(replace(cfg, pipeline=replace(cfg.pipeline, coder=request.param)))
    return text, pipeline.code_text(text, published="2022-01-31")


@pytest.fixture(autouse=True)
def _known_misses(request: pytest.FixtureRequest) -> None:
    coder = request.node.callspec.params.get("seed") if hasattr(request.node, "callspec") else None
    reason = V5_MISSES.get(request.node.originalname) if coder == "coder.plover.v5" else None
    if reason:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


def _codes(entities: Iterable[object]) -> set[str]:
    return {e.code for e in entities if getattr(e, "code", None)}  # type: ignore[attr-defined]


def _find(
    events: list[Event], actor: str, types: set[str], recipient: str | None = None, **kw: object
) -> list[Event]:
    out = []
    for e in events:
        if actor not in _codes(e.actor) or e.event_type not in types:
            continue
        if recipient is not None and recipient not in _codes(e.recipient):
            continue
        if all(getattr(e, k) == v for k, v in kw.items()):
            out.append(e)
    return out


def test_seed_1_usa_offers_talks_to_prk(seed: tuple[str, list[Event]]) -> None:
    found = _find(seed[1], "USA", {"AGREE", "REQUEST"}, "PRK", polarity="asserted")
    assert found
    assert any(e.event_type == "AGREE" or e.mode == "meet" for e in found)
    assert all(a.sector == "GOV" for e in found for a in e.actor if a.code == "USA")


def test_seed_2_usa_disapproves_of_prk_launches(seed: tuple[str, list[Event]]) -> None:
    found = _find(seed[1], "USA", {"ACCUSE"}, "PRK", polarity="asserted", mode="disapprove")
    triggers = {e.evidence.trigger for e in found}
    assert {"destabilizing", "concerned"} <= triggers


def test_seed_3_prk_tests_missiles_on_sunday(seed: tuple[str, list[Event]]) -> None:
    found = _find(seed[1], "PRK", {"MOBILIZE"}, mode="weapons", polarity="asserted")
    assert found
    sunday = [e for e in found if "on Sunday included" in e.evidence.sentence]
    assert sunday and sunday[0].date is not None
    assert sunday[0].date.isoformat() == "2022-01-30"
    assert sunday[0].date_resolution == "relative"


def test_seed_4_russia_masses_troops_on_ukraine_border(seed: tuple[str, list[Event]]) -> None:
    found = _find(seed[1], "RUS", {"MOBILIZE"}, "UKR", mode="troops")
    assert len(found) == 1
    event = found[0]
    assert event.actor[0].sector == "MIL"
    assert event.place is not None and event.place.country == "UKR"
    assert "border" in event.place.text


def test_seed_5_usa_commits_to_allies_in_future(seed: tuple[str, list[Event]]) -> None:
    # The codebook (AGREE section): cooperation reported in the future tense is AGREE. The
    # recipient is "its regional allies": not the US itself.
    found = _find(seed[1], "USA", {"AGREE", "SUPPORT"}, modality="future")
    assert any("allies" in (r.text or "") and r.code != "USA" for e in found for r in e.recipient)


def test_seed_a_no_biden_kim_meeting(seed: tuple[str, list[Event]]) -> None:
    meetings = _find(seed[1], "USA", {"CONSULT"}, "PRK")
    assert meetings, "the negated meeting should still be recorded, flagged"
    assert all(e.polarity == "negated" or e.modality != "actual" for e in meetings)


def test_seed_b_no_coercion_of_prk(seed: tuple[str, list[Event]]) -> None:
    found = _find(seed[1], "USA", {"COERCE", "THREATEN"}, "PRK")
    assert all(e.polarity == "negated" or e.modality == "hypothetical" for e in found)


def test_seed_c_nothing_from_page_furniture(seed: tuple[str, list[Event]]) -> None:
    text, events = seed
    furniture = text.rindex("Leave a Comment")
    assert all(e.evidence.end <= furniture for e in events)


def test_seed_evidence_offsets_point_into_the_article(seed: tuple[str, list[Event]]) -> None:
    text, events = seed
    for e in events:
        ev = e.evidence
        assert text[ev.start : ev.end] == ev.sentence
        assert text[ev.trigger_start : ev.trigger_end] == ev.trigger


def test_seed_speakers_are_credited(seed: tuple[str, list[Event]]) -> None:
    quoted = [e for e in seed[1] if e.evidence.trigger == "concerned"]
    assert quoted and quoted[0].speaker is not None
    assert quoted[0].speaker.text == "the official"
    assert quoted[0].speaker.code == "USA"
