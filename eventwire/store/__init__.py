"""The embedded DuckDB store: schema, batched writes, queries, syndication and exports.

>>> from eventwire.store import connect, list_stories   # doctest: +SKIP
>>> con = connect("news.duckdb", read_only=True)         # doctest: +SKIP
>>> list_stories(con, min_articles=2)                    # doctest: +SKIP
"""

from eventwire.store.access import (
    LockPolicy,
    SharedReader,
    SharedStore,
    data_version,
    reader,
    writer,
)
from eventwire.store.db import Store, connect, optimize, schema_version
from eventwire.store.export import FORMATS, export_events, plover_record
from eventwire.store.queries import (
    EventFilter,
    InputCounts,
    RejectedGroup,
    Story,
    input_counts,
    iter_event_batches,
    list_stories,
    rejected_groups,
    select_events,
    select_story_events,
)
from eventwire.store.schema import SCHEMA_VERSION

__all__ = [
    "FORMATS",
    "SCHEMA_VERSION",
    "EventFilter",
    "InputCounts",
    "LockPolicy",
    "RejectedGroup",
    "SharedReader",
    "SharedStore",
    "Store",
    "Story",
    "connect",
    "data_version",
    "export_events",
    "input_counts",
    "iter_event_batches",
    "list_stories",
    "optimize",
    "plover_record",
    "reader",
    "rejected_groups",
    "schema_version",
    "select_events",
    "select_story_events",
    "writer",
]
