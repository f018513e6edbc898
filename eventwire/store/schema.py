"""The DuckDB schema. Bump SCHEMA_VERSION on any change; the store refuses a newer file and
migrates an older one (see ``MIGRATIONS``).

``events`` is denormalised for fast queries (first actor and recipient inline); the full
actor and recipient lists live in ``entities``. Every input record ends in ``articles``
(coded) or ``rejected`` (rejected or skipped, with the reason).

Syndication: ``events`` keeps one row per article (the evidence); the views
``event_syndication`` and ``story_events`` group the events that several articles of one
story (``articles.story_id``, near-duplicate clusters) report, GDELT-style: counted once, with
NumArticles, NumSources (distinct outlets) and NumMentions. They are views, not tables, so
re-coding an article can never leave a stale count behind.

Corrections: analysts' corrections are appended to ``corrections`` (store/corrections.py)
and applied by the view ``corrected_events``, which every reader uses instead of ``events``
(the coder's rows, never changed); the syndication views read it too.

Version history: 1, the tables; 2, the syndication views; 3, corrections; 4,
``events.actor_implied``; 5, ``events.recipient_implied``.
"""

from __future__ import annotations

from typing import Final

from eventwire.store.corrections import CORRECTIONS_DDL, CORRECTIONS_VIEWS

__all__ = [
    "ADDED_EVENT_COLUMNS",
    "DDL",
    "EVENT_COLUMNS",
    "SCHEMA_VERSION",
    "STORY_KEY",
    "SYNDICATION_COLUMNS",
    "SYNDICATION_WINDOW",
    "VIEWS",
    "view_ddl",
]

SCHEMA_VERSION: Final = 5

EVENT_COLUMNS: Final[tuple[tuple[str, str], ...]] = (
    ("id", "VARCHAR PRIMARY KEY"),
    ("article_id", "VARCHAR NOT NULL"),
    ("sentence_index", "INTEGER"),
    ("event_index", "INTEGER"),
    ("date", "DATE"),
    ("date_resolution", "VARCHAR"),
    ("event_type", "VARCHAR NOT NULL"),
    ("mode", "VARCHAR"),
    ("context", "VARCHAR"),
    ("quad", "INTEGER"),
    ("cameo_root", "VARCHAR"),
    ("intensity", "DOUBLE"),
    ("actor_code", "VARCHAR"),
    ("actor_sector", "VARCHAR"),
    ("actor_name", "VARCHAR"),
    ("actor_text", "VARCHAR"),
    ("recipient_code", "VARCHAR"),
    ("recipient_sector", "VARCHAR"),
    ("recipient_name", "VARCHAR"),
    ("recipient_text", "VARCHAR"),
    ("place_text", "VARCHAR"),
    ("place_name", "VARCHAR"),
    ("place_country", "VARCHAR"),
    ("place_admin1", "VARCHAR"),
    ("place_lat", "DOUBLE"),
    ("place_lon", "DOUBLE"),
    ("place_resolution", "VARCHAR"),
    ("polarity", "VARCHAR"),
    ("modality", "VARCHAR"),
    ("speaker_text", "VARCHAR"),
    ("speaker_code", "VARCHAR"),
    ("speaker_name", "VARCHAR"),
    ("sentence", "VARCHAR"),
    ("sentence_start", "INTEGER"),
    ("sentence_end", "INTEGER"),
    ("trigger", "VARCHAR"),
    ("trigger_start", "INTEGER"),
    ("trigger_end", "INTEGER"),
    ("confidence", "DOUBLE"),
    ("coder_version", "VARCHAR"),
    ("actor_implied", "BOOLEAN"),
    ("recipient_implied", "BOOLEAN"),
)

# The event columns added since version 1, each by the version that added it: an older file
# gains those it lacks when opened for writing (db._prepare).
ADDED_EVENT_COLUMNS: Final[dict[int, str]] = {4: "actor_implied", 5: "recipient_implied"}

DDL: Final[tuple[str, ...]] = (
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE IF NOT EXISTS articles (
        id VARCHAR PRIMARY KEY,
        url VARCHAR,
        outlet VARCHAR,
        published DATE,
        title VARCHAR,
        text VARCHAR,
        language VARCHAR,
        story_id VARCHAR,
        source VARCHAR,
        line INTEGER,
        n_events INTEGER,
        coded_at TIMESTAMP
    )""",
    "CREATE TABLE IF NOT EXISTS events ("
    + ", ".join(f"{name} {kind}" for name, kind in EVENT_COLUMNS)
    + ")",
    """CREATE TABLE IF NOT EXISTS entities (
        event_id VARCHAR NOT NULL,
        article_id VARCHAR NOT NULL,
        role VARCHAR NOT NULL,
        position INTEGER NOT NULL,
        text VARCHAR,
        code VARCHAR,
        sector VARCHAR,
        name VARCHAR,
        kb_id VARCHAR
    )""",
    """CREATE TABLE IF NOT EXISTS rejected (
        source VARCHAR,
        line INTEGER,
        article_id VARCHAR,
        status VARCHAR,
        reason VARCHAR,
        detail VARCHAR,
        recorded_at TIMESTAMP
    )""",
    "CREATE INDEX IF NOT EXISTS events_article ON events (article_id)",
    "CREATE INDEX IF NOT EXISTS entities_event ON entities (event_id)",
    *CORRECTIONS_DDL,
)

#: What makes two articles' events "the same event" within one story. Polarity and modality
#: are part of it: "A attacked B" and "A did not attack B" are different claims. Every column
#: EventFilter can filter on is in this key, so filtering events first and counting after
#: gives the same counts as counting over everything (queries.py relies on it).
STORY_KEY: Final[tuple[str, ...]] = (
    "story_id", "event_type", "mode", "actor_code", "recipient_code", "date", "polarity",
    "modality",
)  # fmt: skip

# An article without a story id (coded outside a run, e.g. through the API) is a story of its
# own. An event without an outlet counts as its own source: unknown is not "the same outlet".
_STORY_ID = "coalesce(a.story_id, e.article_id)"
_SOURCE = "coalesce(lower(a.outlet), '#' || e.article_id)"
_PARTITION = ", ".join(_STORY_ID if c == "story_id" else f"e.{c}" for c in STORY_KEY)
# The representative of a group: the event from the earliest article (then the first
# sentence), so it stays put when later copies are added or re-coded.
_ORDER = "a.published NULLS LAST, e.article_id, e.sentence_index, e.event_index, e.id"
_ORDER_KEY = (
    "(a.published IS NULL, a.published, e.article_id, e.sentence_index, e.event_index, e.id)"
)

#: Per-event syndication columns (window expressions over ``events e LEFT JOIN articles a``
#: with SYNDICATION_WINDOW): the story, its representative event and GDELT's counts.
SYNDICATION_COLUMNS: Final = f"""{_STORY_ID} AS story_key,
    first_value(e.id) OVER (PARTITION BY {_PARTITION} ORDER BY {_ORDER}) AS story_event_id,
    count(DISTINCT e.article_id) OVER w AS num_articles,
    count(DISTINCT {_SOURCE}) OVER w AS num_sources,
    count(*) OVER w AS num_mentions"""
SYNDICATION_WINDOW: Final = f"WINDOW w AS (PARTITION BY {_PARTITION})"

_SYNDICATION_SELECT = f"""SELECT e.id AS event_id, {SYNDICATION_COLUMNS}
FROM corrected_events e LEFT JOIN articles a ON a.id = e.article_id
{SYNDICATION_WINDOW}"""

_STORY_EVENTS_SELECT = f"""SELECT
    arg_min(e.id, {_ORDER_KEY}) AS id,
    {_STORY_ID} AS story_id,
    {", ".join(f"e.{c}" for c in STORY_KEY if c != "story_id")},
    count(DISTINCT e.article_id) AS num_articles,
    count(DISTINCT {_SOURCE}) AS num_sources,
    count(*) AS num_mentions,
    list(DISTINCT e.article_id ORDER BY e.article_id) AS article_ids,
    list(DISTINCT a.outlet ORDER BY a.outlet) FILTER (WHERE a.outlet IS NOT NULL) AS outlets,
    min(a.published) AS first_published
FROM corrected_events e LEFT JOIN articles a ON a.id = e.article_id
GROUP BY {_PARTITION}"""

#: The views, by name. (Created OR REPLACEd on every writable open, so they always match
#: this code; created TEMPORARY on a read-only open of a file older than version 2.)
VIEWS: Final[dict[str, str]] = {
    # The events with the analysts' latest corrections applied, rejected ones left out:
    # what every reader reads (first: the views below read it).
    **CORRECTIONS_VIEWS,
    # Per event: its story, its group's representative and counts (for exports, joins).
    "event_syndication": _SYNDICATION_SELECT,
    # Per story event: counted once however many articles of the story report it.
    "story_events": _STORY_EVENTS_SELECT,
}


def view_ddl(*, temporary: bool = False) -> tuple[str, ...]:
    """CREATE OR REPLACE statements for ``VIEWS``."""
    kind = "TEMPORARY VIEW" if temporary else "VIEW"
    return tuple(f"CREATE OR REPLACE {kind} {name} AS {sql}" for name, sql in VIEWS.items())
