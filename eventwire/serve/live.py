"""Noticing writes by other processes (a coding run, another server) while serving.

The server keeps the events in memory (``index.EventIndex``) and caches query results; both
describe the store as it was when they were made. Another process may write to the store at
any time (store/access.py), so every request asks :meth:`Refresher.poke`, which compares the
file's :func:`~eventwire.store.access.data_version` (two ``stat`` calls, at most every
``check_every`` seconds) with the version the index was built from. On a change it runs the
app's refresh in the background: a new index and opening view are built while the current
ones keep answering, then swapped in. So a request never waits for a rebuild, and the
dashboard shows new events a rebuild after they are written (under a second for thousands
of events, a few seconds at a million; see docs/CONCURRENCY.md).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eventwire.store.access import data_version

__all__ = ["Refresher"]


class Refresher:
    """Runs ``refresh`` in the background when the store at ``path`` changed.

    ``seen`` is the version the served index was built from (the app sets it). Rebuilds are
    spaced: after one that took *t* seconds the next starts no sooner than
    ``max(min_gap, 2 t)`` later, so that a coding run writing a batch every second costs a
    server on a million events at most a third of its time in rebuilds, not all of it.
    """

    def __init__(
        self,
        path: str | Path,
        refresh: Callable[[], None],
        *,
        submit: Callable[[Callable[[], None]], Any],
        check_every: float = 0.2,
        min_gap: float = 0.5,
    ) -> None:
        self.path = str(path)
        self.seen = data_version(path)
        self._refresh = refresh
        self._submit = submit
        self.check_every = check_every
        self.min_gap = min_gap
        self._lock = threading.Lock()
        self._running = False
        self._next_check = 0.0
        self._not_before = 0.0
        self._stopped = False

    def poke(self) -> None:
        """Start a refresh if the store changed (cheap; call it on every request)."""
        now = time.monotonic()
        if now < self._next_check or now < self._not_before or self._running:
            return
        self._next_check = now + self.check_every
        if data_version(self.path) == self.seen:
            return
        with self._lock:
            if self._running or self._stopped:
                return
            self._running = True
        try:
            self._submit(self._run)
        except RuntimeError:  # the pool is shutting down
            self._running = False

    def _run(self) -> None:
        start = time.monotonic()
        try:
            self._refresh()
        except Exception:
            # Kept quiet: the next request finds the store still changed and tries again
            # (after the gap); a request that needs the store reports its own error.
            pass
        finally:
            took = time.monotonic() - start
            self._not_before = time.monotonic() + max(self.min_gap, 2 * took)
            self._running = False

    def stop(self) -> None:
        """No refresh starts after this."""
        with self._lock:
            self._stopped = True
