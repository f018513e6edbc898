"""Running the pipeline on a local process pool or a Dask cluster.

The unit of work is a batch of articles in, the batch's articles with their events out. The
parent process reads the input, forms the batches exactly as a serial run does, and is the
only writer to DuckDB; it writes batches in input order, so a parallel run stores exactly the
events a serial run stores. Entry points for workers are top-level functions of
:mod:`eventwire.distributed.worker`, given the frozen :class:`~eventwire.config.Config`.
"""

from eventwire.distributed.dask_runner import default_run_dir, load_partition, run_dask
from eventwire.distributed.errors import ClusterError
from eventwire.distributed.local import run_local
from eventwire.distributed.worker import (
    PART_TABLES,
    BatchResult,
    code_batch,
    code_batch_to_parquet,
)

__all__ = [
    "PART_TABLES",
    "BatchResult",
    "ClusterError",
    "code_batch",
    "code_batch_to_parquet",
    "default_run_dir",
    "load_partition",
    "run_dask",
    "run_local",
]
