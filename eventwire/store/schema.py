"""The DuckDB schema. Bump SCHEMA_VERSION on any change; the store refuses a newer file.

``events`` is denormalised for fast queries (first actor and recipient inline); the full
actor and recipient lists live in ``entities``. Every input record ends in ``articles``
(coded) or ``rejected`` (rejected or skipped, with the reason).
"""

from __future__ import annotations

from typing import Final

__all__ = ["DDL", "EVENT_COLUMNS", "SCHEMA_VERSION"]

SCHEMA_VERSION: Final = 1

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
)

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
)
