"""The rule coder reads its actor mentions in their sentence (ActorResolver.read_in, issue 4),
with the exclusions it had when it read them alone. Sentences are hand-written."""

from __future__ import annotations

import pytest

from eventwire.coder.context import ArticleMemory
from eventwire.coder.rules import RuleCoder
from eventwire.model import Article, Entity
from eventwire.pipeline import Pipeline

pytestmark = pytest.mark.slow


# These tests read the rules (coder.plover.v1): the readings coder.plover.v5 takes as
# candidates, and the fast coder users may choose.
@pytest.fixture(scope="module")
def pipeline(rules_pipeline: Pipeline) -> Pipeline:
    return rules_pipeline


def _mentions(pipeline: Pipeline, text: str) -> dict[str, tuple[str | None, str | None]]:
    coder = pipeline.coder
    assert isinstance(coder, RuleCoder)
    doc = pipeline.nlp(text)
    article = Article(id="t", text=text, language="en")
    found: list[tuple[int, int, Entity]] = coder._mentions(doc, article, ArticleMemory())
    return {text[s:e]: (ent.code, ent.sector) for s, e, ent in found}


def test_coordinated_nationality_takes_the_head_nouns_sector(pipeline: Pipeline) -> None:
    got = _mentions(pipeline, "Hungarian and Romanian officials signed the treaty on Tuesday.")
    assert got.get("Hungarian") == ("HUN", "GOV")


def test_capital_after_a_locative_preposition_is_its_people(pipeline: Pipeline) -> None:
    got = _mentions(pipeline, "Police imposed a curfew in Algiers after the riots.")
    assert got.get("Algiers") == ("DZA", "CVL")


def test_known_person_is_still_reused_for_a_bare_surname(pipeline: Pipeline) -> None:
    coder = pipeline.coder
    assert isinstance(coder, RuleCoder)
    memory = ArticleMemory()
    first = "North Korean leader Kim Jong Un met officials in Pyongyang."
    second = "Kim said the talks went well."
    article = Article(id="t", text=f"{first} {second}", language="en")
    for ent in (e for _, _, e in coder._mentions(pipeline.nlp(first), article, memory)):
        memory.note_mention(ent)
    got = coder._mentions(pipeline.nlp(second), article, memory)
    kim = [ent for s, e, ent in got if second[s:e] == "Kim"]
    assert kim and kim[0].code == "PRK"


def test_same_country_other_sector_target_is_kept(pipeline: Pipeline) -> None:
    # Regression: a target with the source's country code was dropped as the actor acting on
    # itself, losing every domestic event (government on opposition, army on rebels).
    events = pipeline.code_text(
        "Venezuela's government arrested opposition leader Leopoldo Lopez on Tuesday.",
        published="2017-03-01",
    )
    pairs = [
        (
            e.event_type,
            e.actor[0].code,
            e.actor[0].sector,
            e.recipient[0].code,
            e.recipient[0].sector,
        )
        for e in events
        if e.recipient
    ]
    assert ("COERCE", "VEN", "GOV", "VEN", "OPP") in pairs


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Chad's opposition leaders criticized the government.", ("TCD", "OPP")),
        ("Russia's army attacked Ukrainian positions.", ("RUS", "MIL")),
    ],
)
def test_a_country_owning_a_sector_noun_is_read_with_it(
    pipeline: Pipeline, text: str, want: tuple[str, str]
) -> None:
    """Regression: "Chad's opposition leaders" was coded as Chad's government."""
    source = pipeline.code_text(text)[0].actor[0]
    assert (source.code, source.sector) == want
