"""Coding on a local process pool; the parent process is the only DuckDB writer."""

from __future__ import annotations

import multiprocessing as mp
import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from eventwire.config import Config
from eventwire.distributed._ordered import Batch, in_order
from eventwire.distributed.errors import ClusterError
from eventwire.distributed.worker import BatchResult, code_batch, warm_up
from eventwire.model import Article
from eventwire.store import Store

__all__ = ["run_local"]


def _context() -> mp.context.BaseContext:
    # Never "fork": the parent may hold DuckDB, spaCy and reader threads, which a fork copies
    # in an undefined state. The forkserver imports eventwire once and forks the workers from
    # that clean process (spaCy's import costs ~3 s, paid once instead of per worker); spawn
    # elsewhere (macOS, Windows).
    if sys.platform.startswith("linux"):
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["eventwire.distributed.worker", "eventwire.pipeline"])
        return ctx
    return mp.get_context("spawn")


def run_local(
    batches: Iterable[Batch],
    *,
    store: Store,
    config: Config,
    workers: int,
) -> Iterator[BatchResult]:
    """Code ``batches`` on ``workers`` processes; write each to ``store`` in input order and
    yield its result (counts only: the coded articles are dropped once written)."""
    pool: ProcessPoolExecutor | None = None

    def submit(seq: int, todo: list[Article]) -> Future[BatchResult]:
        nonlocal pool
        # Started on the first batch with work: a re-run over stored articles (every batch
        # already coded) then costs no worker start-up and no model loads.
        if pool is None:
            pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=_context(),
                initializer=warm_up,
                initargs=(config,),
            )
        return pool.submit(code_batch, config, todo, seq)

    try:
        for seq, (_, rejected), result in in_order(batches, submit, window=2 * workers):
            if result is None:
                store.write_batch([], rejected)
                yield BatchResult(seq=seq, articles=0, events=0, sentences=0,
                                  sentences_parsed=0)  # fmt: skip
                continue
            store.write_batch(result.coded, [*rejected, *result.failed])
            result.coded.clear()  # the parent keeps counts, not articles
            yield result
    except BrokenProcessPool as exc:
        raise ClusterError(
            "A coding worker process died.",
            cause=f"{exc}; most often the machine ran out of memory",
            fix="use fewer --workers or a smaller [pipeline] batch_size; batches already "
            "written are kept, and a re-run codes only what is missing",
        ) from exc
    finally:
        if pool is not None:
            # On an error or an abandoned run, do not wait for batches nobody will write.
            pool.shutdown(wait=True, cancel_futures=True)
