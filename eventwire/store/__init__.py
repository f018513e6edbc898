"""The embedded DuckDB store: schema, batched writes, queries and exports."""

from eventwire.store.db import Store, connect
from eventwire.store.schema import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "Store", "connect"]
