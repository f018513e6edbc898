"""The ranked stage coder.plover.v5 draws candidates from (once the coders v3 and v4):
candidate pairs, the pair ranker, and the classifier-led reading. Sentences are hand-written."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pytest

from eventwire import registry
from eventwire.coder.classifier import ClassifierInput, EventClassifier, Prediction
from eventwire.coder.context import ArticleMemory
from eventwire.coder.pairs import DEFAULT_RANKER, PairRanker
from eventwire.coder.ranked import CONFIDENT, RankedCoder, checked
from eventwire.config import config_from_dict
from eventwire.errors import ConfigError
from eventwire.model import Article, Event
from eventwire.nlp import Sentence
from eventwire.pipeline import Pipeline


def test_ranker_round_trips_through_json(tmp_path: Path) -> None:
    ranker = PairRanker({"bias": 0.5, "pair:conj": 2.0}, info={"trained_on": "test"})
    ranker.save(tmp_path / "r.json")
    back = PairRanker.load(tmp_path / "r.json")
    assert back.weights == ranker.weights and back.info == ranker.info


def test_shipped_ranker_loads() -> None:
    ranker = PairRanker.load(DEFAULT_RANKER)
    assert len(ranker.weights) > 100 and "plv/train.csv" in str(ranker.info["trained_on"])


def test_two_coders_are_registered_the_learned_default_and_the_rules() -> None:
    coders = [n for n in registry.names() if n.startswith("coder.plover.")]
    assert coders == ["coder.plover.v1", "coder.plover.v5"]
    assert config_from_dict({}).pipeline.coder == "coder.plover.v5"


@pytest.mark.parametrize("name", ["coder.plover.v3", "coder.plover.v4"])
def test_the_ranked_stages_are_no_longer_registered_coders(name: str) -> None:
    # They are the stages v5 draws its candidates from; a config naming one is told which
    # coders there are.
    with pytest.raises(ConfigError) as err:
        registry.resolve(name)
    assert "coder.plover.v5" in str(err.value)


# ------------------------------------------------------------------ with spaCy and the model
@pytest.fixture(scope="module")
def v3(pipeline: Pipeline) -> RankedCoder:
    return RankedCoder(actors=pipeline.actors, places=pipeline.places)


def _code(pipeline: Pipeline, coder: RankedCoder, text: str) -> list[Event]:
    doc = pipeline.nlp(text)
    article = Article(id="t", text=text, language="en")
    sentence = Sentence(index=0, text=text, start=0, end=len(text))
    return coder.code_sentence(doc, sentence, article, ArticleMemory())


@pytest.mark.slow
def test_candidate_pairs_hold_the_gold_pair_and_the_ranker_picks_it(
    pipeline: Pipeline, v3: RankedCoder
) -> None:
    text = "Japan condemned North Korea's latest missile launch."
    doc = pipeline.nlp(text)
    article = Article(id="t", text=text, language="en")
    sentence = Sentence(index=0, text=text, start=0, end=len(text))
    _, pairs = v3.pairs(doc, sentence, article, ArticleMemory())
    texts = [(p.source.entity.text, p.target.entity.text) for p in pairs]
    assert ("Japan", "North Korea") in texts or any(
        s == "Japan" and "North Korea" in t for s, t in texts
    )
    _, best = v3.ranker.rank(pairs)[0]
    assert best.source.entity.code == "JPN" and best.target.entity.code == "PRK"


@pytest.mark.slow
def test_v3_codes_one_event_with_the_ranked_pair(pipeline: Pipeline, v3: RankedCoder) -> None:
    events = _code(pipeline, v3, "Japan condemned North Korea's latest missile launch.")
    assert len(events) == 1
    ev = events[0]
    assert ev.event_type == "ACCUSE" and ev.coder_version == "coder.plover.v3"
    assert [a.code for a in ev.actor] == ["JPN"] and [r.code for r in ev.recipient] == ["PRK"]
    assert ev.evidence.trigger == "condemned" and 0 < ev.confidence <= 1


@pytest.mark.slow
def test_v3_spans_leave_out_the_full_stop(pipeline: Pipeline, v3: RankedCoder) -> None:
    events = _code(pipeline, v3, "Egypt released the Sudanese fishermen.")
    assert [r.text for e in events for r in e.recipient] == ["Sudanese fishermen"]


@pytest.mark.slow
def test_v3_codes_no_event_where_no_word_reports_one(pipeline: Pipeline, v3: RankedCoder) -> None:
    assert _code(pipeline, v3, "The weather in Paris was mild and the markets were calm.") == []


@pytest.mark.slow
def test_v3_reads_negation_off_the_governing_trigger(pipeline: Pipeline, v3: RankedCoder) -> None:
    events = _code(pipeline, v3, "Japan has not criticized North Korea.")
    assert [(e.event_type, e.polarity) for e in events] == [("ACCUSE", "negated")]


@pytest.mark.slow
def test_v3_refusal_typed_reject_is_asserted(pipeline: Pipeline, v3: RankedCoder) -> None:
    # The classifier reads "did not release" as a refusal (REJECT, as PLV codes it): the
    # rejection happened, so it is not also negated (a double negative).
    events = _code(pipeline, v3, "Egypt did not release the Sudanese fishermen.")
    # Both halves asserted: "type != REJECT or asserted" passed whatever the type.
    assert [(e.event_type, e.polarity) for e in events] == [("REJECT", "asserted")]


@pytest.mark.slow
def test_v3_keeps_the_rules_other_events_when_asked(pipeline: Pipeline, v3: RankedCoder) -> None:
    text = "France criticized Iran and praised Saudi Arabia on Monday."
    one = _code(pipeline, v3, text)
    several = _code(pipeline, RankedCoder(actors=pipeline.actors, keep_rule_events=True), text)
    assert len(one) == 1 and len(several) > 1
    assert len({e.id for e in several}) == len(several)
    assert all(e.coder_version == "coder.plover.v3" for e in several)


@pytest.mark.slow
def test_ranked_stage_codes_one_release(pipeline: Pipeline, v3: RankedCoder) -> None:
    events = _code(pipeline, v3, "Egypt released twelve Sudanese fishermen on Tuesday.")
    assert [e.event_type for e in events] == ["RETREAT"]
    assert events[0].actor[0].code == "EGY"


@pytest.mark.slow
def test_v3_denied_attacking_is_a_negated_assault(pipeline: Pipeline, v3: RankedCoder) -> None:
    events = _code(pipeline, v3, "Russia denied attacking Ukrainian ships.")
    assert [(e.event_type, e.polarity) for e in events] == [("ASSAULT", "negated")]


@pytest.mark.slow
def test_v3_dates_are_no_actors(pipeline: Pipeline, v3: RankedCoder) -> None:
    # v1 made "Tuesday" the target of "on Tuesday rejected": dates are never candidates.
    text = "Myanmar's Supreme Court on Tuesday rejected the appeal of two Reuters journalists."
    doc = pipeline.nlp(text)
    article = Article(id="t", text=text, language="en")
    sentence = Sentence(index=0, text=text, start=0, end=len(text))
    _, pairs = v3.pairs(doc, sentence, article, ArticleMemory())
    assert pairs and all("Tuesday" not in p.target.entity.text for p in pairs)
    assert all("Tuesday" not in p.source.entity.text for p in pairs)


@pytest.mark.slow
def test_trigger_on_target_path_feature_follows_its_definition(
    pipeline: Pipeline, v3: RankedCoder
) -> None:
    # The feature's plain definition, computed here from the parse alone: a trigger among the
    # target's ancestors up to the lowest common ancestor (the target's own word excluded,
    # the common ancestor included).
    text = (
        "The Chinese foreign ministry said on Monday that Beijing would send envoys to "
        "Manila after the Philippine navy seized a fishing boat near the disputed shoal."
    )
    doc = pipeline.nlp(text)
    article = Article(id="t", text=text, language="en")
    sentence = Sentence(index=0, text=text, start=0, end=len(text))
    an, pairs = v3.pairs(doc, sentence, article, ArticleMemory())
    triggers = {c.token.i for c in an.candidates}
    assert triggers and len(pairs) > 10

    def ancestors(i: int) -> list[int]:
        out = [i]
        while doc[out[-1]].head.i != out[-1]:
            out.append(doc[out[-1]].head.i)
        return out

    seen = set()
    for p in pairs:
        s_anc, t_anc = ancestors(p.source.root), ancestors(p.target.root)
        lca = next(x for x in t_anc if x in s_anc)
        want = any(
            x in triggers for x in t_anc if x != p.target.root and (x == lca or x not in s_anc)
        )
        assert p.features["pair:trigger_on_t_path"] == float(want)
        seen.add(want)
    assert seen == {True, False}  # both outcomes are exercised


# ------------------------------------------------------------------ coder.plover.v4
@pytest.fixture(scope="module")
def v4(pipeline: Pipeline) -> RankedCoder:
    return checked(actors=pipeline.actors, places=pipeline.places)


class _Says:
    """A classifier that gives every sentence one label with one probability."""

    def __init__(self, label: str, score: float) -> None:
        self.label, self.score = label, score

    def predict(self, items: Sequence[ClassifierInput]) -> list[Prediction]:
        return [Prediction(self.label, self.score, {self.label: self.score}) for _ in items]


@pytest.mark.parametrize(("score", "types"), [(0.6, ["AGREE", "ACCUSE"]), (0.9, ["REJECT"])])
@pytest.mark.slow
def test_v4_keeps_the_rules_where_an_unsure_classifier_contradicts_the_trigger(
    pipeline: Pipeline, score: float, types: list[str]
) -> None:
    # The seed article's sentence, which v3 once coded as one REJECT from "eager for talks".
    text = (
        "The White House is still eager for talks with North Korea, but sees missile testing "
        "as destabilizing."
    )
    says = cast(EventClassifier, _Says("REJECT", score))
    v4 = checked(actors=pipeline.actors, places=pipeline.places, classifier=says)
    events = _code(pipeline, v4, text)
    assert [e.event_type for e in events][: len(types)] == types
    assert all(e.coder_version == "coder.plover.v4" for e in events)
    assert [e.event_index for e in events] == list(range(len(events)))
    assert len({e.id for e in events}) == len(events)


@pytest.mark.slow
def test_v4_does_not_pair_an_actor_with_itself_when_the_rules_name_another_target(
    pipeline: Pipeline, v4: RankedCoder
) -> None:
    text = (
        "Instead, the United States will take steps to emphasize American commitment to its "
        "allies in the region."
    )
    events = _code(pipeline, v4, text)
    assert events and events[0].actor[0].code == "USA"
    assert "allies" in (events[0].recipient[0].text or "")


@pytest.mark.slow
def test_v4_codes_several_events_primary_first(pipeline: Pipeline, v4: RankedCoder) -> None:
    text = "France criticized Iran and praised Saudi Arabia on Monday."
    events = _code(pipeline, v4, text)
    assert len(events) == 2
    assert {(e.event_type, e.recipient[0].code) for e in events} == {
        ("ACCUSE", "IRN"),
        ("SUPPORT", "SAU"),
    }


@pytest.mark.slow
def test_v4_codes_no_event_where_no_word_reports_one(pipeline: Pipeline, v4: RankedCoder) -> None:
    assert _code(pipeline, v4, "The weather in Paris was mild on Tuesday.") == []


@pytest.mark.parametrize(
    ("text", "says", "want"),
    [
        # A negated report is not its opposite type.
        ("Kenya has never sent aid to Somalia.", "SANCTION", ("AID", "negated", "actual")),
        # A refusal the rules read as one stays the classifier's REJECT.
        ("Hungary will not accept migrants from Italy.", "REJECT", ("REJECT", "asserted", None)),
        # The writer's speculation is a hypothetical confrontation, not a threat ...
        (
            "Japan could confront China over the disputed islands.",
            "THREATEN",
            ("COERCE", "asserted", "hypothetical"),
        ),
        ("Will China attack Taiwan?", "THREATEN", ("ASSAULT", "asserted", "hypothetical")),
        # ... but the actor's own word is one.
        (
            "Iran said it could close the Strait of Hormuz to American ships.",
            "THREATEN",
            ("THREATEN", "asserted", "hypothetical"),
        ),
        # A missile fired at no one is a show of force; at an enemy, an attack.
        (
            "North Korea fired a ballistic missile into the sea on Tuesday.",
            "ASSAULT",
            ("MOBILIZE", "asserted", "actual"),
        ),
        (
            "Israeli jets fired missiles at Hamas positions in Gaza.",
            "ASSAULT",
            ("ASSAULT", "asserted", "actual"),
        ),
        # States fight; PROTEST is civilian.
        (
            "Armenia and Azerbaijan clashed along their border on Sunday.",
            "PROTEST",
            ("ASSAULT", "asserted", "actual"),
        ),
    ],
)
@pytest.mark.slow
def test_v4_keeps_the_codebook_reading_where_a_confident_classifier_follows_plv_conventions(
    pipeline: Pipeline, text: str, says: str, want: tuple[str, str, str | None]
) -> None:
    classifier = cast(EventClassifier, _Says(says, 0.95))
    v4 = checked(actors=pipeline.actors, places=pipeline.places, classifier=classifier)
    first = _code(pipeline, v4, text)[0]
    got = (first.event_type, first.polarity, first.modality)
    assert all(w is None or w == g for w, g in zip(want, got, strict=True)), got


@pytest.mark.slow
def test_v4_codes_a_sentence_the_rules_find_no_event_in_only_when_confident(
    pipeline: Pipeline,
) -> None:
    # A trigger word ("trips") in a sentence that reports no event: news is full of them.
    text = "When I'm not traveling on business trips, I try to spend time with my family."
    assert pipeline.code_text(text) == []  # the rules find none
    says = cast(EventClassifier, _Says("CONSULT", 1.0))
    v3 = _code(pipeline, RankedCoder(actors=pipeline.actors, classifier=says), text)
    assert [e.event_type for e in v3] == ["CONSULT"]
    confidence = v3[0].confidence

    def v4_at(alone: float) -> list[Event]:
        coder = RankedCoder(
            actors=pipeline.actors,
            classifier=says,
            keep_rule_events=True,
            check_rules=CONFIDENT,
            min_confidence_alone=alone,
        )
        return _code(pipeline, coder, text)

    assert v4_at(confidence + 0.02) == []
    assert [e.event_type for e in v4_at(confidence - 0.02)] == ["CONSULT"]
    assert checked(actors=pipeline.actors, classifier=says)._min_confidence_alone == 0.4
