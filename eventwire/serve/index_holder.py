"""The app's current event index: built once on first use, patched after a correction,
dropped after another write, and swapped for a newer one by ``live.Refresher``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from eventwire.serve.index import EventIndex


class IndexHolder:
    """The current index, built once on first use (concurrent first users wait for the one
    build), patched by :meth:`patch` after a correction and dropped by :meth:`invalidate`
    after another write. ``on_built`` runs after each build, outside the locks (the app
    starts the text index there).

    Two locks: ``_building`` makes concurrent first users wait for one build (seconds at a
    million events), ``_lock`` guards the index and generation for the moments they change,
    so that a patch, a swap or an invalidate never waits for a build."""

    def __init__(
        self,
        build: Callable[[], EventIndex],
        on_built: Callable[[EventIndex], None] | None = None,
    ) -> None:
        self._build = build
        self._on_built = on_built
        self._index: EventIndex | None = None
        self._building = threading.Lock()
        self._lock = threading.Lock()
        self._generation = 0
        self.builds = 0  # indexes built here or swapped in (the tests count rebuilds)
        self.patches = 0  # corrections patched in

    def get(self) -> EventIndex:
        index = self._index
        if index is not None:
            return index
        with self._building:
            with self._lock:
                if self._index is not None:
                    return self._index
                generation = self._generation
            built = self._build()
            with self._lock:
                self.builds += 1
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

    def patch(self, change: Callable[[EventIndex], EventIndex | None]) -> bool:
        """Serve ``change(current index)`` after a write: whether it was patched. Without an
        index, or when ``change`` gives None (it cannot patch), the index is dropped as by
        :meth:`invalidate`. Either way the generation moves on, so that an index built
        before the write (a first build, a refresh) is not kept."""
        with self._lock:
            self._generation += 1
            index = self._index
            patched = None if index is None else change(index)
            self._index = patched
            if patched is None:
                return False
            self.patches += 1
            return True

    @property
    def generation(self) -> int:
        """Bumped by every invalidate, patch and swap (pass it to :meth:`swap`)."""
        return self._generation

    def swap(self, index: EventIndex, generation: int) -> bool:
        """Serve ``index`` (built by the caller while the current one kept serving) unless
        the holder changed since ``generation`` was read; whether it was swapped in."""
        with self._lock:
            if generation != self._generation:
                return False
            self._index = index
            self._generation += 1
            self.builds += 1
            return True
