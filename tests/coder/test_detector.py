"""The news detector of coder.plover.v5: its features, its fitting, its weights file."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from conftest import build_event  # tests/ is on sys.path (pytest's rootdir conftest)

from eventwire.coder.candidates import Candidate, imputed, imputed_target, names_actor
from eventwire.coder.classifier import DEFAULT_MODEL_DIR
from eventwire.coder.detection import (
    DEFAULT_DETECTOR,
    Detector,
    candidate_features,
    fit_logistic,
    sentence_features,
    syntax_features,
)
from eventwire.coder.detector import CLASSIFIER_SUBDIR, DetectedCoder
from eventwire.config import load_config
from eventwire.errors import ModelError
from eventwire.model import Article, Entity, Place
from eventwire.pipeline import Pipeline


def _candidate(modality: str = "actual", date: dt.date | None = None) -> tuple[Candidate, object]:
    article, ev = build_event("e1", "RUS", "UKR", date, "ASSAULT", modality=modality)
    return Candidate(ev, "ASSAULT", 0.9, "ASSAULT"), article


def test_features_name_type_trigger_and_the_word_before_it() -> None:
    cand, article = _candidate()
    f = candidate_features(cand, cand.event.evidence.sentence, 0, article)  # type: ignore[arg-type]
    for key in ("type=ASSAULT", "trig=struck", "prev=rusland", "agree", "typeprob", "pos=0"):
        assert key in f
    assert f["typeprob"] == pytest.approx(0.9)


def test_the_sentence_words_are_no_features() -> None:
    """The sentence's other words taught the detector its corpora's topics ("korea",
    "sunday"), which transfer to no other corpus (see eventwire.coder.detection)."""
    cand, article = _candidate()
    f = candidate_features(cand, cand.event.evidence.sentence, 0, article)  # type: ignore[arg-type]
    assert not [k for k in f if k.startswith("w=") or "border" in k]


@pytest.mark.parametrize(
    ("polarity", "modality"),
    [("negated", "actual"), ("asserted", "future"), ("asserted", "hypothetical")],
)
def test_the_detector_is_blind_to_polarity_and_modality(polarity: str, modality: str) -> None:
    """Fitted on features of them, it learnt that modal news sentences are seldom annotated
    and dropped 'Venezuela will arrest the journalists' instead of flagging it."""
    cand, article = _candidate()
    flagged = replace(cand, event=replace(cand.event, polarity=polarity, modality=modality))
    text = cand.event.evidence.sentence
    plain = candidate_features(cand, text, 0, article)  # type: ignore[arg-type]
    assert candidate_features(flagged, text, 0, article) == plain  # type: ignore[arg-type]


@pytest.mark.parametrize(("days", "bucket"), [(0, 1), (5, 2), (20, 3), (200, 4), (4000, 5)])
def test_a_stated_date_far_from_publication_is_a_feature(days: int, bucket: int) -> None:
    published = dt.date(2017, 3, 1)
    cand, article = _candidate(date=published - dt.timedelta(days=days))
    article = replace(article, published=published)  # type: ignore[type-var]
    f = candidate_features(cand, cand.event.evidence.sentence, 2, article)
    assert f[f"gap={bucket}"] == 1.0


SYNTAX_CASES = [
    # The trigger governs its source and target: the clean report of an act.
    ("Russia struck Ukraine on the border.", "struck",
     {"tdep=ROOT", "srcarg=nsubj", "srcpath=1", "tgtarg=dobj", "srcside=before"}, set()),
    # The same words in a clause a speaker's verb governs.
    ("Officials said Russia struck Ukraine on the border.", "struck",
     {"tdep=ccomp", "srcarg=nsubj", "tdepth=1"}, {"tdep=ROOT"}),
    # A noun trigger the source does not attach to.
    ("A report on the strike by Russia against Ukraine was read.", "strike",
     {"ttag=NN"}, {"tdep=ROOT", "srcarg=nsubj"}),
    # Negation is the polarity rules' to flag, not the detector's to read (its docstring):
    # the parse features are those of the plain report.
    ("Russia did not strike Ukraine on the border.", "strike",
     {"tdep=ROOT", "srcarg=nsubj", "tgtarg=dobj"}, {"tchild=neg|RB", "tchild=aux|VBD"}),
]  # fmt: skip


@pytest.mark.parametrize(("sentence", "trigger", "want", "unwanted"), SYNTAX_CASES)
def test_syntax_features_read_the_parse(
    pipeline: Pipeline, sentence: str, trigger: str, want: set[str], unwanted: set[str]
) -> None:
    _, ev = build_event(
        "e1", "RUS", "UKR", None, "ASSAULT", sentence=sentence, trigger=trigger,
        actor_text="Russia", recipient_text="Ukraine",
    )  # fmt: skip
    f = syntax_features(pipeline.nlp(sentence), ev)
    assert want <= set(f), sorted(f)
    assert not unwanted & set(f), sorted(f)


def test_syntax_features_of_a_trigger_not_in_the_doc(pipeline: Pipeline) -> None:
    _, ev = build_event("e1", "RUS", "UKR", None, "ASSAULT")
    assert syntax_features(pipeline.nlp("Something else entirely."), ev) == {"syn=none": 1.0}


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
    det = Detector({"bias": -1.0, "w=x": 2.0}, {"bias": 0.5}, target={"w=y": 1.0},
                   threshold=0.3, reference_threshold=0.6, info={"n": 1})  # fmt: skip
    det.save(tmp_path / "d.json")
    back = Detector.load(tmp_path / "d.json")
    assert (back.event, back.reference, back.target, back.threshold, back.reference_threshold,
            back.info) == (det.event, det.reference, det.target, 0.3, 0.6, {"n": 1})  # fmt: skip


def test_sentence_heads_round_trip_one_line_each(tmp_path: Path) -> None:
    heads = {"event": [0.5, 1.0, -2.0], "ACCUSE": [-1.0, 0.25, 0.0]}
    Detector({"bias": 1.0}, {}, sentence=heads).save(tmp_path / "d.json")
    text = (tmp_path / "d.json").read_text(encoding="utf-8")
    assert '"event": [0.5, 1.0, -2.0]' in text
    back = Detector.load(tmp_path / "d.json")
    assert back.sentence == heads
    assert back.sentence_scores(np.array([1.0, 0.5])) == {"ACCUSE": -0.75, "event": 0.5}


@pytest.mark.parametrize(
    ("scores", "event_type", "want"),
    [
        ({}, "ACCUSE", {}),
        ({"event": 1.5, "ACCUSE": -0.5}, "ACCUSE", {"sent": 1.5, "sent_type": -0.5}),
        ({"event": 1.5, "ACCUSE": -0.5}, "SANCTION", {"sent": 1.5, "sent_type=none": 1.0}),
    ],
    ids=["no-heads", "own-type", "type-without-a-head"],
)
def test_sentence_features_read_the_event_head_and_the_candidates_type(
    scores: dict[str, float], event_type: str, want: dict[str, float]
) -> None:
    assert sentence_features(scores, event_type) == want


def test_a_detector_without_sentence_heads_never_opens_the_encoder(pipeline: Pipeline) -> None:
    coder = DetectedCoder(actors=pipeline.actors, detector=Detector({}, {}))
    assert coder.sentence_scores("Russia attacked Ukraine.") == {} and coder._encoder is None


def test_a_detector_fitted_before_the_target_scorer_still_loads(tmp_path: Path) -> None:
    (tmp_path / "d.json").write_text(
        '{"threshold": 0.3, "reference_threshold": 0.5, "event": {"bias": 1.0}, '
        '"reference": {"bias": -1.0}}',
        encoding="utf-8",
    )
    det = Detector.load(tmp_path / "d.json")
    assert det.target == {} and det.target_prob({"w": 1.0}) == 0.5


def test_shipped_detector_loads() -> None:
    det = Detector.load(DEFAULT_DETECTOR)
    assert 0.0 < det.threshold < 1.0 and det.event and det.reference and det.target


def _uncoded(place: str | None = None) -> Candidate:
    _, ev = build_event("e2", "UKR", "UKR", None, "ACCUSE", actor_text="Prosecutors")
    ev = replace(ev, actor=(Entity(text="Prosecutors", sector="JUD"),))
    if place:
        ev = replace(ev, place=Place(text="Kiev", country=place))
    return Candidate(ev, "ACCUSE", 0.8, "ACCUSE")


@pytest.mark.parametrize(
    ("place", "main", "variants"),
    [
        (None, None, [("", None), ("target", "UKR")]),
        (None, "UKR", [("", None), ("target+article", "UKR")]),
        ("UKR", "USA", [("", None), ("target+place", "UKR"), ("article", "USA")]),
    ],
    ids=["target-only", "target-and-article-agree", "article-disagrees"],
)
def test_an_uncoded_source_gets_a_variant_per_country(
    place: str | None, main: str | None, variants: list[tuple[str, str | None]]
) -> None:
    got = imputed(_uncoded(place), main)
    assert [(route, c.event.actor[0].code) for c, route in got] == variants
    assert not got[0][0].event.actor_implied
    for c, _ in got[1:]:
        assert c.event.actor[0].text == "Prosecutors" and c.event.actor[0].sector == "JUD"
        assert c.event.actor_implied, "the export must flag the imputed country as implied"


def test_a_coded_source_is_left_alone() -> None:
    cand, _ = _candidate()
    assert imputed(cand, "USA") == [(cand, "")]


def _uncoded_target(place: str | None = None) -> Candidate:
    _, ev = build_event("e3", "GBR", "GBR", None, "REQUEST", recipient_text="her fellow Tories")
    ev = replace(ev, recipient=(Entity(text="her fellow Tories", sector="PTY"),))
    if place:
        ev = replace(ev, place=Place(text="Paris", country=place))
    return Candidate(ev, "REQUEST", 0.8, "REQUEST")


@pytest.mark.parametrize(
    ("place", "main", "variants"),
    [
        (None, None, [("", None), ("source", "GBR")]),
        (None, "GBR", [("", None), ("source+article", "GBR")]),
        ("FRA", "USA", [("", None), ("source", "GBR"), ("place", "FRA"), ("article", "USA")]),
    ],
    ids=["source-only", "source-and-article-agree", "each-route-its-own"],
)
def test_an_uncoded_target_gets_a_variant_per_country(
    place: str | None, main: str | None, variants: list[tuple[str, str | None]]
) -> None:
    """ "Theresa May called on her fellow Conservatives": the gold codes the target GBR, the
    coder had left it uncoded, and the event was wrong with its target."""
    got = imputed_target(_uncoded_target(place), main)
    assert [(route, c.event.recipient_code) for c, route in got] == variants
    for c, _ in got:
        assert c.event.recipient[0].text == "her fellow Tories"
        assert c.event.recipient[0].sector == "PTY" and not c.event.actor_implied


@pytest.mark.parametrize("recipient", ["coded", "", "$1.35 billion", "the relationship"])
def test_a_coded_or_non_actor_target_is_left_alone(recipient: str) -> None:
    # "provided $1.35 billion in assistance to North Korea": the sum is no one's.
    cand, _ = _candidate()
    if recipient != "coded":
        cand = replace(cand, event=replace(cand.event, recipient=(Entity(text=recipient),)))
    assert imputed_target(cand, "USA") == [(cand, "")]


def test_an_absent_target_gets_the_sources_country_as_an_implied_variant() -> None:
    """ "Seven of the 11 people arrested have been released, police said": the gold codes the
    target GBR, the coder had none to offer, and the event was wrong with its target."""
    cand, _ = _candidate()
    cand = replace(cand, event=replace(cand.event, recipient=()))
    (named, none), (variant, route) = imputed_target(cand, "USA")
    assert (named, none, route) == (cand, "", "absent")
    assert variant.event.recipient_code == cand.event.actor_code
    assert variant.event.recipient[0].text == "" and variant.event.recipient_implied
    assert not named.event.recipient_implied


def test_an_absent_target_of_an_uncoded_source_gets_no_variant() -> None:
    cand = _uncoded()
    cand = replace(cand, event=replace(cand.event, recipient=()))
    assert imputed_target(cand, "USA") == [(cand, "")]


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("her fellow Conservatives", True),
        ("the senator", True),
        ("affected families", True),
        ("one officer", True),
        ("Karim Baratov", True),
        ("Christie", True),
        ("$1.35 billion dollars", False),
        ("testimony", False),
        ("the relationship", False),
        ("grave provocation", False),
        ("", False),
    ],
)
def test_names_actor_as_the_pair_ranker_reads_one(text: str, actor: bool) -> None:
    assert names_actor(text) is actor


def _candidates(pipeline: Pipeline, text: str, **article: object) -> list[list[Candidate]]:
    coder = DetectedCoder(actors=pipeline.actors, places=pipeline.places)
    seen: list[list[Candidate]] = []

    class Spy:
        version = coder.version

        def needs_entities(self, doc: object) -> bool:
            return coder.needs_entities(doc)  # type: ignore[arg-type]

        def reads_every_sentence(self, art: Article) -> bool:
            return coder.reads_every_sentence(art)

        def code_sentence(self, doc, sentence, art, memory):  # type: ignore[no-untyped-def]
            seen.extend(
                [c for c, _ in opts] for opts in coder.score_candidates(doc, sentence, art, memory)
            )
            return []

    configured = pipeline.coder
    pipeline.coder = Spy()  # type: ignore[assignment]
    try:
        art = Article(id="t1", text=text, published=dt.date(2017, 3, 1), **article)  # type: ignore[arg-type]
        list(pipeline.code_articles([art]))
    finally:
        pipeline.coder = configured
    assert not pipeline.take_failures()
    return seen


@pytest.mark.slow
def test_a_sentence_without_a_trigger_word_still_gets_candidates(pipeline: Pipeline) -> None:
    # "voiced solidarity" is in no rule's lexicon; the classifier reads the pair.
    found = _candidates(pipeline, "Japan voiced solidarity with the United States.")
    pairs = {(o[0].event.actor[0].code, o[0].event.recipient[0].code) for o in found if o}
    assert ("JPN", "USA") in pairs


@pytest.mark.slow
def test_each_target_a_candidate_may_have_is_its_own_reading(pipeline: Pipeline) -> None:
    # The event scorer picks type and source within a list; the target scorer among lists.
    text = "Prime Minister Theresa May has called on her fellow Conservatives to make the case."
    found = _candidates(pipeline, text)
    targets = [
        {
            (c.event.recipient[0].text if c.event.recipient else "", c.event.recipient_code)
            for c in o
        }
        for o in found
    ]
    assert all(len(t) == 1 for t in targets), targets
    assert {("her fellow Conservatives", None), ("her fellow Conservatives", "GBR")} <= set().union(
        *targets
    )


@pytest.mark.parametrize(
    ("url", "voiced"),
    [("http://kcna.kp/en/1", True), ("https://www.bbc.co.uk/news/1", False)],
    ids=["state-outlet", "independent"],
)
@pytest.mark.slow
def test_a_state_outlets_own_voice_is_its_states(
    pipeline: Pipeline, url: str, voiced: bool
) -> None:
    found = _candidates(
        pipeline, "The U.S. is escalating its reckless war moves against the DPRK.", url=url
    )
    voice = [c for opts in found for c in opts if c.event.actor and c.event.actor[0].text == ""]
    if not voiced:
        assert voice == []
        return
    assert voice and {(c.event.actor[0].code, c.event.recipient[0].code) for c in voice} == {
        ("PRK", "USA")
    }
    assert voice[0].event.event_type in {"ACCUSE", "THREATEN", "REJECT", "REQUEST", "SUPPORT"}
    assert all(c.event.actor_implied for c in voice)


@pytest.mark.parametrize(
    ("resolution", "dated"),
    [("publication", False), ("stated", True)],
    ids=["publication-date-dropped", "stated-date-kept"],
)
def test_a_background_reference_is_dated_only_by_the_text(resolution: str, dated: bool) -> None:
    when = dt.date(2017, 3, 1)
    cand, article = _candidate(date=when)
    cand = replace(cand, event=replace(cand.event, date_resolution=resolution))
    coder = DetectedCoder.__new__(DetectedCoder)
    coder.detector = Detector({"bias": 5.0}, {"bias": 5.0}, threshold=0.5)
    (ev,) = coder.decide([[(cand, {"bias": 1.0})]], article)  # type: ignore[arg-type]
    assert ev.modality == "historical"
    assert (ev.date, ev.date_resolution) == ((when, resolution) if dated else (None, "unknown"))


@pytest.mark.parametrize(
    ("other_type", "other_trigger_moves", "kept"),
    [
        ("CONSULT", 0, ["AGREE"]),
        ("CONSULT", 5, ["AGREE", "CONSULT"]),
        ("AGREE", 0, ["AGREE"]),
    ],
    ids=["one-word-two-types", "two-words", "same-type-twice"],
)
def test_one_trigger_word_reports_one_event_per_pair(
    other_type: str, other_trigger_moves: int, kept: list[str]
) -> None:
    """'still eager for talks with North Korea': AGREE and CONSULT from one word were both
    kept, and the seed article's 'no meeting' check failed on the CONSULT."""
    cand, article = _candidate()
    agree = replace(cand, event_type="AGREE")
    ev = cand.event
    moved = replace(
        ev.evidence,
        trigger_start=ev.evidence.trigger_start + other_trigger_moves,
        trigger_end=ev.evidence.trigger_end + other_trigger_moves,
    )
    other = replace(cand, event=replace(ev, evidence=moved), event_type=other_type)
    coder = DetectedCoder.__new__(DetectedCoder)
    coder.detector = Detector({"w": 1.0}, {"bias": -5.0}, threshold=0.5)
    scored = [[(agree, {"w": 2.0})], [(other, {"w": 1.0})]]
    out = coder.decide(scored, article)  # type: ignore[arg-type]
    assert [e.event_type for e in out] == kept


@pytest.mark.parametrize(
    ("target", "source", "sector", "kept"),
    [
        ({"to=UKR": 2.0}, "RUS", None, ["UKR"]),
        ({"to=POL": 2.0}, "RUS", None, ["POL"]),
        ({}, "RUS", None, ["UKR"]),
        ({"to=POL": 2.0}, "BLR", None, ["UKR", "POL"]),
        ({"to=POL": 2.0}, "RUS", "MIL", ["UKR", "POL"]),
    ],
    ids=[
        "scorer-picks-the-first",
        "scorer-picks-the-second",
        "no-scorer-first-stands",
        "another-country-another-event",
        "another-sector-another-event",
    ],
)
def test_one_event_per_type_and_source_with_the_likeliest_target(
    target: dict[str, float], source: str, sector: str | None, kept: list[str]
) -> None:
    """The ranker's pairs read one act with several targets ("Russia attacked Ukraine near
    Poland"): each was stored, and all but one were wrong events."""
    cand, article = _candidate()
    ev = cand.event
    other_actor = (replace(ev.actor[0], code=source, sector=sector),)
    other = replace(
        cand, event=replace(ev, actor=other_actor, recipient=(Entity("Poland", "POL"),))
    )
    coder = DetectedCoder.__new__(DetectedCoder)
    coder.detector = Detector({"bias": 5.0}, {"bias": -5.0}, target=target, threshold=0.5)
    scored = [[(cand, {"to=UKR": 1.0})], [(other, {"to=POL": 1.0})]]
    out = coder.decide(scored, article)  # type: ignore[arg-type]
    assert [e.recipient_code for e in out] == kept


@pytest.mark.slow
def test_a_state_outlets_sentence_without_a_trigger_word_is_read(pipeline: Pipeline) -> None:
    """KCNA's 'The U.S. is attempting to revive the UN Command' holds no trigger word: the
    prefilter skipped it and its accusation was lost."""
    text = "The U.S. is attempting to revive the function of the UN Command."
    assert _candidates(pipeline, text, url="https://www.bbc.co.uk/news/1") == []
    found = _candidates(pipeline, text, url="http://kcna.kp/en/1")
    assert {(c.event.actor_code, c.event.recipient_code) for o in found for c in o} >= {
        ("PRK", "USA")
    }


@pytest.mark.parametrize(
    "content", [None, "not json", '{"event": {}}'], ids=["missing", "not-json", "no-weights"]
)
def test_a_bad_detector_file_says_how_to_fix_it(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "detector.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelError, match="make retrain"):
        Detector.load(path)


def _configured(model_dir: Path) -> Pipeline:
    """A coder.plover.v5 pipeline with ``[pipeline] detector`` set to ``model_dir``."""
    cfg = load_config()
    return Pipeline(
        replace(
            cfg, pipeline=replace(cfg.pipeline, coder="coder.plover.v5", detector=str(model_dir))
        )
    )


@pytest.mark.parametrize(
    ("event", "reference"),
    [
        ({"bias": -1.0, "w=x": 1.0, "nm_event": 2.0}, {"bias": 0.5}),
        ({"bias": -1.0, "w=x": 1.0}, {"bias": 0.5, "nm_type|ACCUSE": 0.3}),
    ],
    ids=["event-weights", "reference-weights"],
)
def test_a_detector_dir_fitted_with_the_news_event_model_is_refused(
    tmp_path: Path, event: dict[str, float], reference: dict[str, float]
) -> None:
    # As an earlier version's `make retrain NEWS_MODEL=1` left it: the news event model
    # beside weights for its features, which v5 no longer computes.
    (tmp_path / "news-detector").mkdir()
    Detector(event, reference, info={"news_model": True}).save(tmp_path / "detector.json")
    with pytest.raises(ModelError, match="make retrain") as err:
        _configured(tmp_path)
    assert "news event model" in err.value.message


@pytest.mark.parametrize(
    "info", [{}, {"news_model": False}], ids=["written-now", "fitted-without-the-news-model"]
)
def test_a_detector_dir_written_by_make_retrain_is_used(
    tmp_path: Path, info: dict[str, object]
) -> None:
    # What `make retrain` writes: detector.json and MODEL_CARD.md, nothing else (an earlier
    # version's --no-news-model fit says so in its info).
    det = Detector({"bias": -1.0, "w=x": 1.0}, {"bias": 0.5}, threshold=0.3, info=info)
    det.save(tmp_path / "detector.json")
    (tmp_path / "MODEL_CARD.md").write_text("# A retrained news detector\n", encoding="utf-8")
    coder = _configured(tmp_path).coder
    assert isinstance(coder, DetectedCoder)
    assert (coder.detector.event, coder.detector.reference, coder.detector.threshold) == (
        det.event, det.reference, 0.3)  # fmt: skip


@pytest.mark.parametrize("retrained", [True, False], ids=["with-classifier", "detector-only"])
def test_a_retrained_dirs_classifier_types_the_candidates(tmp_path: Path, retrained: bool) -> None:
    # `make retrain` writes OUT/classifier before OUT/detector.json; the coder selecting OUT
    # must type candidates with it (the detector was fitted on what it types), and the
    # pipeline must count that classifier's truncations.
    Detector({"bias": -1.0}, {"bias": 0.5}).save(tmp_path / "detector.json")
    if retrained:
        (tmp_path / CLASSIFIER_SUBDIR).symlink_to(DEFAULT_MODEL_DIR, target_is_directory=True)
    pipe = _configured(tmp_path)
    coder = pipe.coder
    assert isinstance(coder, DetectedCoder)
    expected = tmp_path / CLASSIFIER_SUBDIR if retrained else DEFAULT_MODEL_DIR
    assert coder.classifier.path == expected
    assert pipe._classifier is coder.classifier
    assert coder.with_actors(pipe.actors).classifier is coder.classifier


def test_given_actors_copies_share_one_detector_load(monkeypatch: pytest.MonkeyPatch) -> None:
    # `eval --given-actors` makes a copy per gold row: each used to read detector.json again
    # when the coder had not yet coded anything (the detector loads on first use).
    cfg = load_config()
    pipe = Pipeline(replace(cfg, pipeline=replace(cfg.pipeline, coder="coder.plover.v5")))
    coder = pipe.coder
    assert isinstance(coder, DetectedCoder)
    loads: list[Path | None] = []
    load = Detector.load

    def counted(cls: type[Detector], path: Path | None = None) -> Detector:
        loads.append(path)
        return load(path)

    monkeypatch.setattr(Detector, "load", classmethod(counted))
    copies = [coder.with_actors(pipe.actors) for _ in range(3)]
    assert all(c.detector is coder.detector for c in copies)
    assert loads == [None]
