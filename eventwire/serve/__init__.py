"""The HTTP API and the dashboard over an eventwire store (FastAPI + uvicorn, read-only by
default)."""

from eventwire.serve.app import NotFoundError, ReadOnlyError, create_app, serve
from eventwire.serve.queries import EventFilter, ensure_indexes

__all__ = ["EventFilter", "NotFoundError", "ReadOnlyError", "create_app", "ensure_indexes", "serve"]
