from __future__ import annotations

import pytest

import eventwire
from eventwire.model import Article
from eventwire.pipeline import Pipeline

pytestmark = pytest.mark.slow


def test_code_text_returns_typed_frozen_events() -> None:
    events = eventwire.code_text(
        "Russia deployed troops along Ukraine's border on Sunday.", published="2022-01-31"
    )
    assert len(events) == 1
    e = events[0]
    assert (e.actor[0].code, e.event_type, e.mode, e.recipient[0].code) == (
        "RUS", "MOBILIZE", "troops", "UKR",
    )  # fmt: skip
    assert e.date is not None and e.date.isoformat() == "2022-01-30"
    with pytest.raises(AttributeError):
        e.event_type = "AGREE"  # type: ignore[misc]


def test_event_ids_are_stable_across_runs(pipeline: Pipeline) -> None:
    text = "Japan condemned North Korea's missile launch. China urged restraint."
    first = [e.id for e in pipeline.code_text(text)]
    second = [e.id for e in pipeline.code_text(text)]
    assert first and first == second


def test_bad_published_date_is_a_usage_error(pipeline: Pipeline) -> None:
    with pytest.raises(eventwire.UsageError, match="YYYY-MM-DD"):
        pipeline.code_text("Text.", published="31/01/2022")


def test_coder_failure_is_recorded_not_fatal(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object, **kwargs: object) -> list[object]:
        raise ValueError("synthetic failure")

    monkeypatch.setattr(pipeline.coder, "code_sentence", boom)
    article = Article(id="x1", text="Japan condemned North Korea's missile launch.")
    assert list(pipeline.code_articles([article])) == []
    failures = pipeline.take_failures()
    assert [f.article_id for f in failures] == ["x1"]
    assert "synthetic failure" in failures[0].reason


def test_prefilter_skips_sentences_without_actor_or_trigger(pipeline: Pipeline) -> None:
    pipeline.stats.clear()
    pipeline.code_text("The weather was mild. Stocks rose slightly. Japan condemned the launch.")
    assert pipeline.stats["sentences"] == 3
    assert pipeline.stats["sentences_parsed"] == 1


@pytest.mark.parametrize("every", [False, True])
def test_entities_only_where_the_coder_needs_them(
    every: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dataclasses import replace

    import eventwire.pipeline as pipeline_module
    from eventwire.config import Config, NlpConfig

    seen: list[object] = []
    real = pipeline_module.parse

    def spy(nlp: object, texts: list[str], *, needs_entities: object = None) -> object:
        seen.append(needs_entities)
        return real(nlp, texts, needs_entities=needs_entities)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline_module, "parse", spy)
    pipe = Pipeline(replace(Config(), nlp=NlpConfig(ner_every_sentence=every)))
    events = pipe.code_text("Japan condemned North Korea's missile launch.")
    assert "ACCUSE" in [e.event_type for e in events]
    expected = None if every else pipe.coder.needs_entities
    assert seen == [expected]


def test_coder_needs_entities_only_with_a_trigger(pipeline: Pipeline) -> None:
    from eventwire.nlp import parse

    with_trigger, without = parse(
        pipeline.nlp,
        ["Ali Reza condemned the strike.", "Ali Reza is a teacher in Tabriz."],
        needs_entities=pipeline.coder.needs_entities,
    )
    assert [e.text for e in with_trigger.ents] == ["Ali Reza"]
    assert list(without.ents) == []


DATED = [
    # A month or a year named in the sentence dates the event (it fell back to publication).
    ("In September, Russia attacked Ukrainian positions.", "2021-09-01", "month", "actual"),
    ("In September 2019, Russia attacked Ukrainian positions.", "2019-09-01", "month",
     "historical"),
    # "last year" may be last December: a year's first day does not make it historical.
    ("Russia attacked Ukrainian positions last year.", "2021-01-01", "year", "actual"),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "date", "resolution", "modality"), DATED)
def test_months_and_years_date_the_rules_events(
    rules_pipeline: Pipeline, sentence: str, date: str, resolution: str, modality: str
) -> None:
    # The rules date the event; v5 keeps their date and may flag a dated act historical.
    (ev,) = [e for e in rules_pipeline.code_text(sentence, published="2022-01-31") if e.actor]
    assert (str(ev.date), ev.date_resolution, ev.modality) == (date, resolution, modality)
