"""Coding on a Dask cluster: each batch becomes a Parquet partition, loaded into DuckDB.

Workers write their batch's rows as Parquet files into a run directory (one folder per store
table); the client process, the only DuckDB writer, loads each partition as it completes, in
input order. The partitions stay on disk and can be queried in place with DuckDB's
``read_parquet`` (see docs/SCALING.md). On a real cluster the run directory must be on storage
that the workers and the client see at the same path.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from eventwire.config import Config
from eventwire.distributed._ordered import Batch, in_order
from eventwire.distributed.errors import ClusterError
from eventwire.distributed.worker import PART_TABLES, BatchResult, code_batch_to_parquet
from eventwire.errors import StoreError
from eventwire.store import Store

__all__ = ["default_run_dir", "load_partition", "run_dask"]

_CONNECT_TIMEOUT = "10s"


def default_run_dir(db: str | Path) -> Path:
    """``<db>.parts/run-<UTC time>-<pid>``: next to the database, one folder per run."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    return Path(f"{db}.parts") / f"run-{stamp}-{os.getpid()}"


def _client(workers: int, scheduler: str | None, stack: ExitStack) -> Any:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise ClusterError(
            "The Dask engine needs dask.distributed, which is not installed.",
            cause=str(exc),
            fix="pip install 'eventwire[dask]' (on the client and on every worker)",
        ) from exc
    if scheduler:
        try:
            return stack.enter_context(Client(scheduler, timeout=_CONNECT_TIMEOUT))
        except (OSError, TimeoutError, ValueError) as exc:
            raise ClusterError(
                f"Cannot reach the Dask scheduler at {scheduler}.",
                cause=str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                fix="start one with `dask scheduler` (it listens on tcp://HOST:8786) and "
                "workers with `dask worker tcp://HOST:8786`, then pass that address to "
                "--scheduler; or leave --scheduler out to run a local cluster",
            ) from exc
    # One single-threaded process per worker: spaCy holds the GIL, so threads would not help.
    cluster = stack.enter_context(
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    )
    return stack.enter_context(Client(cluster))


def load_partition(store: Store, run_dir: str | Path, part: str) -> None:
    """Load partition ``part`` of ``run_dir`` into ``store`` in one transaction, replacing
    any earlier rows of its articles (as ``Store.write_batch`` does)."""
    files = {t: str(Path(run_dir) / t / part) for t in PART_TABLES}
    # A session: a SharedStore holds the file only for this one transaction.
    with store.session() as con:
        _load_partition(con, files, run_dir, part)


def _load_partition(con: Any, files: dict[str, str], run_dir: str | Path, part: str) -> None:
    try:
        con.execute("BEGIN TRANSACTION")
        ids = "SELECT id FROM read_parquet($path)"
        path = {"path": files["articles"]}
        con.execute(f"DELETE FROM entities WHERE article_id IN ({ids})", path)
        con.execute(f"DELETE FROM events WHERE article_id IN ({ids})", path)
        con.execute(f"DELETE FROM articles WHERE id IN ({ids})", path)
        for table in PART_TABLES:
            con.execute(
                f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet($path)",
                {"path": files[table]},
            )
        con.execute("COMMIT")
    except Exception as exc:
        con.execute("ROLLBACK")
        raise StoreError(
            f"Loading the partition {part} of {run_dir} into the database failed.",
            cause=str(exc).splitlines()[0],
            fix="check that the run directory is readable from this machine; the partition "
            "can be loaded again by re-running the same command",
        ) from exc


def run_dask(
    batches: Iterable[Batch],
    *,
    store: Store,
    config: Config,
    workers: int,
    scheduler: str | None,
    run_dir: str | Path,
) -> Iterator[BatchResult]:
    """Code ``batches`` on a Dask cluster (``scheduler``'s, or a local one of ``workers``
    processes); each becomes a Parquet partition of ``run_dir``, loaded into ``store`` in
    input order. Yields each batch's counts after it is loaded."""
    run_path = Path(run_dir).resolve()
    run_path.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        client = _client(workers, scheduler, stack)
        n_workers = len(client.scheduler_info().get("workers", {})) or workers

        def submit(seq: int, todo: list[Any]) -> Any:
            return client.submit(
                code_batch_to_parquet, config, todo, seq, run_dir=str(run_path), pure=False
            )

        for seq, (_, rejected), result in in_order(batches, submit, window=2 * n_workers):
            failed = []
            if result is not None:
                if result.part is not None:
                    load_partition(store, run_path, result.part)
                failed = result.failed
            store.write_batch([], [*rejected, *failed])
            yield result or BatchResult(
                seq=seq, articles=0, events=0, sentences=0, sentences_parsed=0
            )
