"""Submitting batches with a bounded window and taking results back in submission order."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol

from eventwire.model import Article, Rejected

__all__ = ["Batch", "ResultFuture", "in_order"]

# A batch as the parent prepares it: the articles to code and the input records it rejected.
Batch = tuple[list[Article], list[Rejected]]


class ResultFuture(Protocol):
    """What both concurrent.futures and dask.distributed futures offer."""

    def result(self, timeout: Any = None) -> Any: ...


def in_order(
    batches: Iterable[Batch],
    submit: Callable[[int, list[Article]], ResultFuture],
    *,
    window: int,
) -> Iterator[tuple[int, Batch, Any]]:
    """Submit each non-empty batch; yield ``(seq, batch, result)`` in submission order.

    At most ``window`` batches are in flight, so the parent holds a bounded number of
    batches however large the input (the reader is only pulled as results are taken), and
    the in-order hand-back makes the writes, and so the database, the same as a serial run's
    whatever order the workers finish in. A batch with nothing to code (all already stored,
    or only rejected records) passes through with result ``None``.
    """
    pending: deque[tuple[int, Batch, ResultFuture | None]] = deque()
    for seq, batch in enumerate(batches):
        todo = batch[0]
        pending.append((seq, batch, submit(seq, todo) if todo else None))
        while len(pending) >= window:
            s, b, fut = pending.popleft()
            yield s, b, fut.result() if fut is not None else None
    while pending:
        s, b, fut = pending.popleft()
        yield s, b, fut.result() if fut is not None else None
