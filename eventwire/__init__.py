"""eventwire: news in, PLOVER political event data out.

The public API::

    import eventwire
    events = eventwire.code_text(text, published="2022-01-31")
    pipe = eventwire.Pipeline()          # for batches and runs into a DuckDB store
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from eventwire.config import Config, load_config
from eventwire.errors import (
    ConfigError,
    EventwireError,
    InputError,
    ModelError,
    StoreError,
    UsageError,
)
from eventwire.model import Article, Entity, Event, Evidence, Place, Rejected
from eventwire.pipeline import Pipeline, Progress, RunSummary

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Config",
    "ConfigError",
    "Entity",
    "Event",
    "EventwireError",
    "Evidence",
    "InputError",
    "ModelError",
    "Pipeline",
    "Place",
    "Progress",
    "Rejected",
    "RunSummary",
    "StoreError",
    "UsageError",
    "__version__",
    "code_text",
    "load_config",
]


@cache
def _default_pipeline() -> Pipeline:
    return Pipeline()


def code_text(
    text: str,
    *,
    published: dt.date | str | None = None,
    url: str | None = None,
) -> list[Event]:
    """Code one news text with the default pipeline and return its events.

    ``published`` (a date or ``YYYY-MM-DD``) anchors relative dates such as "on Sunday".
    Negated and hypothetical events are included, flagged by ``polarity`` and ``modality``.
    """
    return _default_pipeline().code_text(text, published=published, url=url)
