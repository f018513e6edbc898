"""Fixtures shared by the whole suite."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from eventwire.config import load_config
from eventwire.ingest import ReadOptions
from eventwire.model import Article, Entity, Event, Evidence
from eventwire.ontology.plover import cameo_root, intensity, quad
from eventwire.pipeline import Pipeline
from eventwire.store import Store

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep tests out of the user's ~/.eventwire (user actor files, gazetteer cache)."""
    old = os.environ.get("EVENTWIRE_HOME")
    os.environ["EVENTWIRE_HOME"] = str(tmp_path_factory.mktemp("eventwire-home"))
    yield
    if old is None:
        os.environ.pop("EVENTWIRE_HOME", None)
    else:
        os.environ["EVENTWIRE_HOME"] = old


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the checkout; tests that need it are skipped where it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (it holds data that may not be copied into the repo)")
    return SHARED


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    """The default pipeline (coder.plover.v5), loaded once (spaCy takes seconds to load)."""
    return Pipeline()


@pytest.fixture(scope="session")
def rules_pipeline() -> Pipeline:
    """A pipeline with the rule coder (coder.plover.v1): the rules' readings, which v5 takes
    as candidates and which stay selectable as the fast coder."""
    cfg = load_config()
    return Pipeline(replace(cfg, pipeline=replace(cfg.pipeline, coder="coder.plover.v1")))


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def make_event() -> Callable[..., tuple[Article, Event]]:
    """The builder below, for tests that make their own events."""
    return build_event


def build_event(
    eid: str,
    actor: str,
    recipient: str,
    date: dt.date | None,
    event_type: str,
    *,
    mode: str | None = None,
    polarity: str = "asserted",
    modality: str = "actual",
    sentence: str | None = None,
    trigger: str = "struck",
    actor_text: str | None = None,
    recipient_text: str | None = None,
    prefix: str = "Reuters - ",
    suffix: str = " More text.",
    url: str | None = "https://example.org/a",
    title: str = "A headline",
    outlet: str = "Example News",
    article_id: str | None = None,
    confidence: float = 1.0,
) -> tuple[Article, Event]:
    """One hand-built article holding one event. The sentence sits after ``prefix`` in the
    article text, so sentence offsets are not zero and trigger offset arithmetic is exercised."""
    actor_text = actor_text or f"{actor}land"
    recipient_text = recipient_text or f"{recipient}ia"
    sentence = sentence or f"{actor_text} {trigger} {recipient_text} on the border."
    s_start = len(prefix)
    t_rel = sentence.index(trigger)
    article = Article(
        id=article_id or f"art-{eid}",
        text=prefix + sentence + suffix,
        title=title,
        url=url,
        outlet=outlet,
        published=date,
    )
    event = Event(
        id=eid,
        article_id=article.id,
        event_type=event_type,
        mode=mode,
        quad=quad(event_type),
        cameo_root=cameo_root(event_type, mode),
        intensity=intensity(event_type, mode),
        evidence=Evidence(
            sentence=sentence,
            start=s_start,
            end=s_start + len(sentence),
            trigger=trigger,
            trigger_start=s_start + t_rel,
            trigger_end=s_start + t_rel + len(trigger),
        ),
        coder_version="test",
        date=date,
        date_resolution="stated" if date else "unknown",
        actor=(Entity(text=actor_text, code=actor),),
        recipient=(Entity(text=recipient_text, code=recipient),),
        polarity=polarity,  # type: ignore[arg-type]
        modality=modality,  # type: ignore[arg-type]
        confidence=confidence,
    )
    return article, event


# --------------------------------------------------------------- analysis
@pytest.fixture
def db(
    tmp_path: Path,
) -> Iterator[Callable[[list[tuple[Article, Event]]], duckdb.DuckDBPyConnection]]:
    """Write the given (article, event) pairs to a fresh file store; return a connection."""
    opened: list[duckdb.DuckDBPyConnection] = []

    def _write(pairs: list[tuple[Article, Event]]) -> duckdb.DuckDBPyConnection:
        path = tmp_path / "events.duckdb"
        with Store(path) as store:
            store.write_batch([(art, [ev]) for art, ev in pairs])
        con = duckdb.connect(str(path), read_only=True)
        opened.append(con)
        return con

    yield _write
    for con in opened:
        con.close()


# --------------------------------------------------------------- serve (API, dashboard)
MakeEvent = Callable[..., tuple[Article, Event]]
START = dt.date(2024, 1, 1)  # a Monday
EVIL = "PRKia said <script>window.pwned=1</script> and <b>bold</b> before it attacked USAland."


def build_api_event(
    make_event: MakeEvent,
    eid: str,
    actor: str,
    recipient: str,
    date: dt.date | None,
    event_type: str,
    *,
    sentence: str | None = None,
    trigger: str | None = None,
    polarity: str = "asserted",
    modality: str = "actual",
    url: str | None = "https://news.example/story",
    title: str = "Story",
) -> tuple[Article, Event]:
    """The API tests' events: a one-sentence article from the "Wire" outlet."""
    names = {"PRK": "PRKia"}
    actor_text, recipient_text = (names.get(c, f"{c}land") for c in (actor, recipient))
    trigger = trigger or "met"
    return make_event(
        eid, actor, recipient, date, event_type,
        sentence=sentence or f"{actor_text} {trigger} {recipient_text} today.",
        trigger=trigger, actor_text=actor_text, recipient_text=recipient_text,
        polarity=polarity, modality=modality, prefix="DATELINE - ", suffix="",
        url=url, title=title, outlet="Wire", article_id=f"a-{eid}",
    )  # fmt: skip


def sample_pairs(make_event: MakeEvent) -> list[tuple[Article, Event]]:
    pairs = [
        build_api_event(
            make_event,
            "usa-1",
            "USA",
            "PRK",
            START + dt.timedelta(days=2),
            "ACCUSE",
            trigger="accused",
            sentence="USAland accused PRKia of O'Brien's \"test\" launch.",
        ),
        build_api_event(
            make_event, "usa-2", "USA", "PRK", START + dt.timedelta(days=30), "CONSULT"
        ),
        build_api_event(
            make_event,
            "usa-3",
            "USA",
            "PRK",
            START + dt.timedelta(days=60),
            "THREATEN",
            trigger="warned",
            sentence="USAland warned PRKia about missile tests.",
        ),
        build_api_event(
            make_event,
            "usa-neg",
            "USA",
            "PRK",
            START + dt.timedelta(days=61),
            "ASSAULT",
            trigger="strike",
            sentence="USAland did not strike PRKia.",
            polarity="negated",
        ),
        build_api_event(
            make_event,
            "evil",
            "PRK",
            "USA",
            START + dt.timedelta(weeks=25),
            "ASSAULT",
            trigger="attacked",
            sentence=EVIL,
            url="javascript:alert(1)",
            title="<i>evil</i>",
        ),
    ]
    # CHN-TWN: two accusations a week for 20 weeks, then a burst in week 20 (an alert).
    for w in range(20):
        for i in range(2):
            pairs.append(
                build_api_event(
                    make_event,
                    f"ct-{w:02d}-{i}",
                    "CHN",
                    "TWN",
                    START + dt.timedelta(weeks=w, days=1),
                    "ACCUSE",
                    trigger="accused",
                    sentence=f"CHNland accused TWNland of provocation {w}-{i}.",
                )
            )
    for i in range(20):
        pairs.append(
            build_api_event(
                make_event,
                f"burst-{i:02d}",
                "CHN",
                "TWN",
                START + dt.timedelta(weeks=20, days=2),
                "ASSAULT",
                trigger="shelled",
                sentence=f"CHNland shelled TWNland outpost {i}.",
            )
        )
    return pairs


@pytest.fixture
def db_path(tmp_path: Path, make_event: MakeEvent) -> Path:
    path = tmp_path / "api.duckdb"
    with Store(path) as store:
        store.write_batch([(a, [e]) for a, e in sample_pairs(make_event)])
    return path


# ---------------------------------------------------------------- ingest
INGEST_FIXTURES = FIXTURES / "ingest"

# The column names of the NewsArticles-style CSV fixture.
NEWS_COLUMNS = {
    "text": "body",
    "published": "publish_date",
    "id": "article_id",
    "url": "article_source_link",
}

WIRE_STORY = (
    "North Korea fired a short-range ballistic missile into the sea off its east coast on "
    "Sunday, South Korea's military said, the seventh launch this month and one that drew a "
    "swift rebuke from Washington, Seoul and Tokyo. The Joint Chiefs of Staff in Seoul said the "
    "missile flew about 800 kilometres at an altitude of 2,000 kilometres before falling into "
    "the water between the Korean peninsula and Japan. Japan's chief cabinet secretary told "
    "reporters in Tokyo that the launch was a threat to the peace and security of the region "
    "and of the international community, and that Japan had lodged a strong protest through "
    "diplomatic channels in Beijing. In Washington, a State Department spokesman said the "
    "United States condemned the launch and called on Pyongyang to refrain from further "
    "destabilizing acts, while repeating that the United States remained open to talks without "
    "preconditions. The launch came days after North Korea said it would consider restarting "
    "all temporarily suspended activities, an apparent reference to nuclear and long-range "
    "missile tests it has not conducted since 2017. Analysts said the government in Pyongyang "
    "appeared to be using the tests to press the United States for concessions while its "
    "neighbours were distracted by the Winter Olympics in Beijing and the crisis on Ukraine's "
    "border. South Korea's National Security Council held an emergency meeting and expressed "
    "deep regret over the launch, saying it violated United Nations Security Council "
    "resolutions that ban North Korea from testing ballistic missiles. China's foreign ministry "
    "urged all parties to exercise restraint and to address each other's legitimate concerns "
    "through dialogue."
)


@pytest.fixture
def news_options() -> ReadOptions:
    return ReadOptions(columns=NEWS_COLUMNS)


@pytest.fixture
def fixtures() -> Path:
    """The ingest tests' sample files."""
    return INGEST_FIXTURES


@pytest.fixture
def wire_story() -> str:
    return WIRE_STORY


# ----------------------------------------------------------------- store
@pytest.fixture
def store() -> Iterator[Store]:
    """An in-memory store."""
    with Store(":memory:") as s:
        yield s
