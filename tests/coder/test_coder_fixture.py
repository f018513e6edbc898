"""A short article of our own, in the spirit of the seed: every must and must-not."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.model import Event
from eventwire.pipeline import Pipeline

pytestmark = pytest.mark.slow


# These tests read the rules (coder.plover.v1): the readings coder.plover.v5 takes as
# candidates, and the fast coder users may choose.
@pytest.fixture(scope="module")
def pipeline(rules_pipeline: Pipeline) -> Pipeline:
    return rules_pipeline


@pytest.fixture(scope="module")
def coded(pipeline: Pipeline) -> tuple[str, list[Event]]:
    path = Path(__file__).parent.parent / "fixtures" / "coder" / "article.txt"
    text = path.read_text(encoding="utf-8")
    return text, pipeline.code_text(text, published="2023-03-16")


def _has(events: list[Event], actor: str, etype: str, recipient: str | None, **kw: object) -> bool:
    return any(
        e.actor[0].code == actor
        and e.event_type == etype
        and (recipient is None or (e.recipient and e.recipient[0].code == recipient))
        and all(getattr(e, k) == v for k, v in kw.items())
        for e in events
    )


def test_japan_accuses_north_korea(coded: tuple[str, list[Event]]) -> None:
    assert _has(coded[1], "JPN", "ACCUSE", "PRK", polarity="asserted")


def test_north_korea_fires_missile_on_tuesday(coded: tuple[str, list[Event]]) -> None:
    fired = [
        e
        for e in coded[1]
        if e.actor[0].code == "PRK" and e.event_type == "MOBILIZE" and "fired" in e.evidence.trigger
    ]
    assert fired
    assert fired[0].date is not None and fired[0].date.isoformat() == "2023-03-14"


def test_south_korea_offers_talks(coded: tuple[str, list[Event]]) -> None:
    events = coded[1]
    assert _has(events, "KOR", "AGREE", "PRK") or _has(events, "KOR", "REQUEST", "PRK")


def test_negated_meeting_is_not_asserted(coded: tuple[str, list[Event]]) -> None:
    """ "there had been no meeting between Chinese and North Korean officials": one negated
    CONSULT. Selected by its trigger: the coder gives it a North Korean source, so the earlier
    selection of Chinese CONSULT events matched nothing and its check could not fail."""
    meetings = [e for e in coded[1] if e.evidence.trigger == "meeting"]
    assert [(e.event_type, e.polarity, e.modality) for e in meetings] == [
        ("CONSULT", "negated", "actual")
    ]
    assert meetings[0].actor[0].code in ("CHN", "PRK")


def test_conditional_sanctions_are_hypothetical(coded: tuple[str, list[Event]]) -> None:
    sanctions = [e for e in coded[1] if e.event_type == "SANCTION"]
    assert sanctions, "the conditional threat of sanctions should be recorded"
    assert all(e.modality == "hypothetical" for e in sanctions)


def test_boilerplate_is_not_coded(coded: tuple[str, list[Event]]) -> None:
    assert coded[1], "the article's events are missing altogether"
    assert [e.evidence.trigger for e in coded[1] if "Share this" in e.evidence.sentence] == []


def test_lodged_protest_is_accuse_not_protest(coded: tuple[str, list[Event]]) -> None:
    lodged = [e for e in coded[1] if e.evidence.trigger == "protest"]
    assert [(e.event_type, e.recipient[0].code) for e in lodged] == [("ACCUSE", "PRK")]


def test_condemner_is_not_the_launcher(coded: tuple[str, list[Event]]) -> None:
    """ "We strongly condemn this launch," Japan's chief cabinet secretary told reporters: one
    Japanese condemnation, and no Japanese launch."""
    quoted = [e for e in coded[1] if "condemn this launch" in e.evidence.sentence]
    assert [(e.actor[0].code, e.event_type, e.evidence.trigger) for e in quoted] == [
        ("JPN", "ACCUSE", "condemn")
    ]


def test_reported_pronoun_is_the_speaker(coded: tuple[str, list[Event]]) -> None:
    ready = [e for e in coded[1] if e.evidence.trigger == "ready"]
    assert ready and ready[0].actor[0].code == "KOR"


def test_request_chain_is_one_request_to_meet(coded: tuple[str, list[Event]]) -> None:
    urged = [e for e in coded[1] if "urged Pyongyang" in e.evidence.sentence]
    assert _has(urged, "KOR", "REQUEST", "PRK", mode="meet")
    assert not _has(urged, "KOR", "CONSULT", "PRK", polarity="asserted")


def test_banned_missile_is_a_description_not_coercion(pipeline: Pipeline) -> None:
    events = pipeline.code_text(
        "North Korea fired a banned ballistic missile on Sunday, its first test since "
        "U.S. President Donald Trump took office.",
        published="2017-02-13",
    )
    assert [(e.actor[0].code, e.event_type, e.mode) for e in events] == [
        ("PRK", "MOBILIZE", "weapons")
    ]
    assert events[0].date is not None and events[0].date.isoformat() == "2017-02-12"


def test_passive_agent_is_the_source(pipeline: Pipeline) -> None:
    events = pipeline.code_text("Three activists were arrested by police in Moscow.")
    assert [(e.actor[0].code, e.actor[0].sector, e.event_type, e.mode) for e in events] == [
        ("RUS", "COP", "COERCE", "arrest")
    ]


def test_named_source_missing_from_the_knowledge_base_is_kept(pipeline: Pipeline) -> None:
    """Regression: events whose named source had no code were dropped (a third of PLV)."""
    events = pipeline.code_text("The Oxbridge Civil Rights Union sued the FBI on Monday.")
    assert [(e.actor[0].text, e.actor[0].code, e.event_type) for e in events] == [
        ("Oxbridge Civil Rights Union", None, "ACCUSE")
    ]
    assert events[0].recipient[0].code == "USA"


def test_unnamed_subject_without_code_is_not_an_actor(pipeline: Pipeline) -> None:
    assert pipeline.code_text("The weather attacked the harvest.") == []


def test_feared_or_rehearsed_acts_are_hypothetical(pipeline: Pipeline) -> None:
    """Regression: 'Kim is afraid of a US invasion' was an asserted, actual US assault."""
    events = pipeline.code_text("Kim is afraid of a US invasion.")
    assert events and all(e.modality == "hypothetical" for e in events)


def test_officials_demonstrating_resolve_is_no_protest(pipeline: Pipeline) -> None:
    events = pipeline.code_text("Tillerson wants to demonstrate that America First still holds.")
    assert not [e for e in events if e.event_type == "PROTEST"]


def test_generic_target_does_not_borrow_an_earlier_actor(pipeline: Pipeline) -> None:
    """Regression: 'executions of senior officials' became an attack on the US, whose
    officials an earlier sentence had mentioned."""
    events = pipeline.code_text(
        "US officials said they were concerned. Kim ordered the executions of senior officials."
    )
    executions = [e for e in events if e.evidence.trigger == "executions"]
    assert executions and all(r.code != "USA" for e in executions for r in e.recipient)
