"""Errors of the distributed runners."""

from __future__ import annotations

from eventwire.errors import EventwireError

__all__ = ["ClusterError"]


class ClusterError(EventwireError):
    """Workers could not be started or reached, or died while coding."""
