"""The app's current event index: built once on first use, dropped after a write, and
swapped for a newer one by ``live.Refresher``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eventwire.serve.index import EventIndex


class IndexHolder:
    """The current index, built once on first use (concurrent first users wait for the one
    build) and dropped by :meth:`invalidate` after a write. ``on_built`` runs after each
    build, outside the lock (the app starts the text index there)."""

    def __init__(
        self,
        build: Callable[[], EventIndex],
        on_built: Callable[[EventIndex], None] | None = None,
    ) -> None:
        self._build = build
        self._on_built = on_built
        self._index: EventIndex | None = None
        self._lock = threading.Lock()
        self._generation = 0

    def get(self) -> EventIndex:
        index = self._index
        if index is not None:
            return index
        with self._lock:
            if self._index is not None:
                return self._index
            generation = self._generation
            built = self._build()
            if generation == self._generation:  # no write happened while building
                self._index = built
        if self._on_built is not None:
            self._on_built(built)
        return built

    def current(self) -> EventIndex | None:
        """The index if it is built, without building it."""
        return self._index

    def invalidate(self) -> None:
        with self._lock:
            self._index = None
            self._generation += 1

    @property
    def generation(self) -> int:
        """Bumped by every invalidate and swap (pass it to :meth:`swap`)."""
        return self._generation

    def swap(self, index: EventIndex, generation: int) -> bool:
        """Serve ``index`` (built by the caller while the current one kept serving) unless
        the holder changed since ``generation`` was read; whether it was swapped in."""
        with self._lock:
            if generation != self._generation:
                return False
            self._index = index
            self._generation += 1
            return True
