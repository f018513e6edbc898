"""What runs on a worker: code one batch of articles with a pipeline built once per process.

The entry points are top-level functions taking the (picklable, frozen) :class:`Config` and a
list of articles, because worker processes are started fresh (spawn/forkserver, Dask nannies)
and re-import this module: a bound method or a Pipeline would drag spaCy's state through
pickle instead of loading it once per worker.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from eventwire.config import Config
from eventwire.model import Article, Event, Rejected

if TYPE_CHECKING:
    from eventwire.pipeline import Pipeline

__all__ = ["PART_TABLES", "BatchResult", "code_batch", "code_batch_to_parquet", "warm_up"]

# The store tables a Parquet partition holds, one folder each under the run directory.
PART_TABLES: tuple[str, ...] = ("articles", "events", "entities")

# One pipeline per worker process and config: loading spaCy and the knowledge bases takes
# seconds, coding a batch a fraction of that.
_PIPELINES: dict[Config, Pipeline] = {}


# Pipeline.stats counters of input cut for length, carried back from workers.
CUT_STATS: tuple[str, ...] = (
    "sentences_cut",
    "classifier_truncated",
    "classifier_markers_truncated",
)


@dataclass(frozen=True, slots=True)
class BatchResult:
    """One coded batch as the parent sees it.

    ``coded`` carries the articles and their events back (local pool); a Dask batch leaves
    them in its Parquet partition ``part`` instead and returns only the counts. ``failed``
    are the articles the coder failed on, to be recorded as rejected by the parent.
    """

    seq: int
    articles: int
    events: int
    sentences: int
    sentences_parsed: int
    events_by_type: dict[str, int] = field(default_factory=dict)
    # What was cut for length (CUT_STATS: sentences, classifier inputs), as a serial run counts.
    cuts: dict[str, int] = field(default_factory=dict)
    coded: list[tuple[Article, list[Event]]] = field(default_factory=list)
    failed: list[Rejected] = field(default_factory=list)
    part: str | None = None


def _pipeline(config: Config) -> Pipeline:
    pipe = _PIPELINES.get(config)
    if pipe is None:
        from eventwire.pipeline import Pipeline

        pipe = _PIPELINES[config] = Pipeline(config)
    return pipe


def warm_up(config: Config) -> None:
    """Build the pipeline and load spaCy now (a pool initializer), so that all workers load
    in parallel at start rather than each on its first batch."""
    _pipeline(config).nlp  # noqa: B018 - the property loads the model


def code_batch(config: Config, articles: list[Article], seq: int = 0) -> BatchResult:
    """Code ``articles`` (one batch, in order) and return them with their events."""
    pipe = _pipeline(config)
    before = pipe.stats.copy()
    coded = list(pipe.code_articles(articles))
    failed = pipe.take_failures()
    by_type: Counter[str] = Counter()
    for _, events in coded:
        by_type.update(e.event_type for e in events if e.polarity == "asserted")
    return BatchResult(
        seq=seq,
        articles=len(coded),
        events=sum(len(evs) for _, evs in coded),
        sentences=pipe.stats["sentences"] - before["sentences"],
        sentences_parsed=pipe.stats["sentences_parsed"] - before["sentences_parsed"],
        events_by_type=dict(by_type),
        cuts={k: pipe.stats[k] - before[k] for k in CUT_STATS},
        coded=coded,
        failed=failed,
    )


def code_batch_to_parquet(
    config: Config, articles: list[Article], seq: int, *, run_dir: str
) -> BatchResult:
    """Code a batch and write it as partition ``seq`` of ``run_dir``: one Parquet file per
    store table (``articles/``, ``events/``, ``entities/``), with the store's own columns.

    The rows are made by the store itself (an in-memory DuckDB store), so a partition loads
    into a database with ``INSERT ... BY NAME`` and reads in place like the stored tables.
    Files are written under a temporary name and renamed, so a reader globbing ``*.parquet``
    never sees half a file.
    """
    from eventwire.store import Store

    result = code_batch(config, articles, seq)
    name = f"part-{seq:06d}.parquet"
    with Store(":memory:") as mem:
        mem.write_batch(result.coded)
        for table in PART_TABLES:
            folder = Path(run_dir) / table
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
            os.close(fd)
            quoted = tmp.replace("'", "''")
            mem.con.execute(f"COPY (SELECT * FROM {table}) TO '{quoted}' (FORMAT parquet)")
            os.replace(tmp, folder / name)
    return BatchResult(
        seq=seq,
        articles=result.articles,
        events=result.events,
        sentences=result.sentences,
        sentences_parsed=result.sentences_parsed,
        events_by_type=result.events_by_type,
        cuts=result.cuts,
        failed=result.failed,
        part=name,
    )
