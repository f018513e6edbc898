"""Taking turns on one DuckDB file: coding runs, the server and its writes share a database.

DuckDB lets one process open a file read-write, or many processes open it read-only, never
both. So nobody here keeps the file open longer than a unit of work, and every open waits
its turn within a bound (:class:`LockPolicy`) instead of failing at once:

- a **writer** (:func:`writer`; a coding run's batch through :class:`SharedStore`; a
  correction written by the server) opens the file read-write for one transaction and
  closes it, which checkpoints the write into the file (a correction leaves that to a
  :func:`checkpoint` soon after: its commit is durable in DuckDB's write-ahead log);
- a **reader** (:func:`reader`; the server's requests through :class:`SharedReader`) opens
  it read-only for the work and closes it (the server keeps it open across a burst of
  requests, and lets go as soon as a writer waits).

Writers are served first: a writer closes the *gate*, an exclusive ``flock`` on the sidecar
file ``<db>.lock``, before it waits for the file, and a reader passes the gate (a shared
``flock`` taken and let go at once) before it opens the file. So readers already at work
finish, new ones wait, and a steady stream of requests cannot starve a coding run; a
writer's turn is one batch, so readers wait at most that long. Within one process the same
order is kept by :class:`_Turns` (DuckDB also refuses a read-write open of a file this
process has open read-only). A whole coding run also holds ``<db>.run.lock``, so that two
runs never code the same input into one file at once. ``flock`` locks go with their
process: a run killed with ``kill -9`` leaves nothing locked. See docs/CONCURRENCY.md.
"""

from __future__ import annotations

import contextlib
import fcntl
import itertools
import os
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import duckdb

from eventwire.errors import StoreError
from eventwire.model import Article, Event, Rejected
from eventwire.store.db import Store, connect, open_error, prepare

__all__ = [
    "LockPolicy",
    "SharedReader",
    "SharedStore",
    "checkpoint",
    "data_version",
    "reader",
    "writer",
]

_ENV_TIMEOUT: Final = "EVENTWIRE_LOCK_TIMEOUT"


@dataclass(frozen=True, slots=True)
class LockPolicy:
    """How long to wait for a turn on the file, and how often to try.

    A try that finds the file (or the gate) taken sleeps ``first_wait``, doubling up to
    ``max_wait`` (with jitter, so that waiting processes do not retry in step), until
    ``timeout`` seconds have passed since the first try; then :class:`StoreError`. The
    default 30 s is many coding batches and many thousands of requests: waiting that long
    means something holds the file and will not let go (a duckdb shell, a notebook, a hung
    process), which retrying cannot cure.
    """

    timeout: float = 30.0
    first_wait: float = 0.002
    max_wait: float = 0.1

    @classmethod
    def from_env(cls) -> LockPolicy:
        """The default policy, with ``EVENTWIRE_LOCK_TIMEOUT`` (seconds) if set."""
        text = os.environ.get(_ENV_TIMEOUT)
        if not text:
            return cls()
        try:
            timeout = float(text)
        except ValueError:
            timeout = -1.0
        if not timeout >= 0:  # also NaN
            raise StoreError(
                f"{_ENV_TIMEOUT}={text!r} is not a number of seconds.",
                fix=f"set {_ENV_TIMEOUT} to e.g. 60, or unset it (default 30)",
            )
        return cls(timeout=timeout)

    def waits(self) -> Iterator[float]:
        """The sleeps between tries (endless; the caller watches the deadline)."""
        wait = self.first_wait
        while True:
            yield wait * random.uniform(0.5, 1.0)
            wait = min(self.max_wait, wait * 2)


def data_version(path: str | Path) -> tuple[int, ...]:
    """A token that changes whenever a write reaches the file: the size, modification time
    and inode of the database and of its write-ahead log. Costs two ``stat`` calls, so a
    server can compare it on every request without opening the database."""
    token: list[int] = []
    for name in (str(path), f"{path}.wal"):
        try:
            st = os.stat(name)
        except OSError:
            token += (0, 0, 0)
        else:
            token += (st.st_mtime_ns, st.st_size, st.st_ino)
    return tuple(token)


# ----------------------------------------------------------------------------- locks


def _locked_out(target: str, policy: LockPolicy, cause: str) -> StoreError:
    return StoreError(
        f"The database {target} is in use by another eventwire process, and stayed so for "
        f"{policy.timeout:g} s.",
        cause=cause,
        fix="eventwire processes take turns (a coding batch, a request); a program outside "
        "eventwire that keeps the file open (a duckdb shell, a notebook) must close it. To "
        f"wait longer, set {_ENV_TIMEOUT} (seconds).",
    )


def _lock_file(path: str) -> int | None:
    """An open descriptor of a sidecar lock file, or None where it cannot be made (a
    read-only directory: then there is no writer to wait for either)."""
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        return None


def _try_flock(fd: int, how: int) -> bool:
    try:
        fcntl.flock(fd, how | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class _Gate:
    """The writers' gate, ``<db>.lock``: closed (exclusive) by a writer for its whole
    turn, passed (shared, let go at once) by readers."""

    def __init__(self, target: str) -> None:
        self.path = f"{target}.lock"

    def is_closed(self) -> bool:
        fd = _lock_file(self.path)
        if fd is None:
            return False
        try:
            return not _try_flock(fd, fcntl.LOCK_SH)
        finally:
            os.close(fd)  # closing lets go of the lock

    def pass_through(self, deadline: float, policy: LockPolicy, target: str) -> None:
        waits = policy.waits()
        while self.is_closed():
            if time.monotonic() >= deadline:
                raise _locked_out(target, policy, "a writer held it the whole time")
            time.sleep(next(waits))

    @contextlib.contextmanager
    def closed(self, deadline: float, policy: LockPolicy, target: str) -> Iterator[None]:
        fd = _lock_file(self.path)
        if fd is None:
            yield
            return
        try:
            waits = policy.waits()
            while not _try_flock(fd, fcntl.LOCK_EX):
                if time.monotonic() >= deadline:
                    raise _locked_out(target, policy, "another writer held it the whole time")
                time.sleep(next(waits))
            yield
        finally:
            os.close(fd)


class _Turns:
    """The same order within one process: readers share, a writer waits for them and goes
    before readers that come after it."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.readers = 0
        self.writing = False
        self.waiting_writers = 0

    def _wait(self, ready: Callable[[], bool], deadline: float, on_timeout: StoreError) -> None:
        while not ready():
            left = deadline - time.monotonic()
            if left <= 0:
                raise on_timeout
            self._cond.wait(left)

    def begin_read(self, deadline: float, error: StoreError) -> None:
        with self._cond:
            self._wait(lambda: not self.writing and not self.waiting_writers, deadline, error)
            self.readers += 1

    def end_read(self) -> None:
        with self._cond:
            self.readers -= 1
            self._cond.notify_all()

    def begin_write(self, deadline: float, error: StoreError) -> None:
        with self._cond:
            self.waiting_writers += 1
            self._cond.notify_all()  # a SharedReader idling on the file lets go of it
            try:
                self._wait(lambda: not self.writing and not self.readers, deadline, error)
            finally:
                self.waiting_writers -= 1
            self.writing = True

    def end_write(self) -> None:
        with self._cond:
            self.writing = False
            self._cond.notify_all()


_TURNS: dict[str, _Turns] = {}
_TURNS_LOCK = threading.Lock()


def _turns(target: str) -> _Turns:
    key = os.path.realpath(target)
    with _TURNS_LOCK:
        return _TURNS.setdefault(key, _Turns())


def _is_busy(exc: duckdb.Error) -> bool:
    """Whether opening failed only because the file is taken (worth another try): another
    process's lock, or this process holding it open with the other access mode or in
    another DuckDB instance (attached, see :func:`_attached`)."""
    msg = str(exc).lower()
    return (
        (isinstance(exc, duckdb.IOException) and "lock" in msg)
        or (isinstance(exc, duckdb.ConnectionException) and "different configuration" in msg)
        or isinstance(exc, duckdb.ResourceInUseException)
    )


def _connect(
    target: str, *, read_only: bool, deadline: float, policy: LockPolicy
) -> duckdb.DuckDBPyConnection:
    waits = policy.waits()
    while True:
        try:
            return connect(target, read_only=read_only)
        except StoreError as exc:
            cause = exc.__cause__
            if not (isinstance(cause, duckdb.Error) and _is_busy(cause)):
                raise
            if time.monotonic() >= deadline:
                raise _locked_out(target, policy, str(cause).splitlines()[0]) from cause
        time.sleep(next(waits))


class _Host:
    """A DuckDB instance of this process's own, in memory, onto which writers ``ATTACH`` the
    file for their turn and ``DETACH`` it after (issue 21).

    Why: ``duckdb.connect(path)`` starts a new DuckDB instance every time (its catalog of
    built-in functions, its threads), which cost 12 to 50 ms on this 2-core machine, an
    in-memory one as much as a file, while attaching the file to an instance that is already
    running costs 2 to 3 ms. The instance holds nothing of the store between turns: once
    detached, the file is closed and its lock let go, as after ``close()``. It is made again
    in a forked child (a DuckDB instance must not cross a fork).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._pid = 0
        self._names = itertools.count(1)

    def cursor(self) -> tuple[duckdb.DuckDBPyConnection, str]:
        """A connection of its own on the instance, and a name to attach a file under."""
        with self._lock:
            if self._con is None or self._pid != os.getpid():
                self._con = duckdb.connect(":memory:")
                self._pid = os.getpid()
            return self._con.cursor(), f"eventwire_store_{next(self._names)}"

    def drop(self) -> None:
        """Close the instance (and whatever is attached to it), for a detach that failed."""
        with self._lock:
            if self._con is not None and self._pid == os.getpid():
                with contextlib.suppress(duckdb.Error):
                    self._con.close()
            self._con = None


_HOST = _Host()


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@contextlib.contextmanager
def _attached(
    target: str, *, deadline: float, policy: LockPolicy, checkpoint: bool
) -> Iterator[duckdb.DuckDBPyConnection]:
    """``target`` open read-write, created or migrated as :func:`store.db.connect` does, on
    a connection of :data:`_HOST`; detached afterwards, with a checkpoint unless
    ``checkpoint`` is False (the commits stay in the write-ahead log, which DuckDB fsyncs at
    each commit: durable, and replayed by whoever opens the file next).

    The connection's default database is the file, but its ``cursor()`` would be a new
    connection on the in-memory one: use the connection itself."""
    cur, name = _HOST.cursor()
    try:
        waits = policy.waits()
        while True:
            try:
                # TYPE: a DuckDB file whatever its name (as duckdb.connect takes it).
                cur.execute(f"ATTACH {_sql_text(target)} AS {name} (TYPE DUCKDB)")
                break
            except duckdb.Error as exc:
                if not _is_busy(exc):
                    raise open_error(target, exc) from exc
                if time.monotonic() >= deadline:
                    raise _locked_out(target, policy, str(exc).splitlines()[0]) from exc
            time.sleep(next(waits))
        try:
            cur.execute(f"USE {name}")
            prepare(cur, target, read_only=False)
            yield cur
        finally:
            try:
                mode = "DEFAULT" if checkpoint else "DISABLED"  # this connection only
                cur.execute(f"SET checkpoint_on_detach = '{mode}'")
                cur.execute("USE memory")
                cur.execute(f"DETACH {name}")
            except duckdb.Error as exc:
                # The file may still be attached: closing the instance closes it, so that no
                # turn of ours keeps it.
                _HOST.drop()
                raise StoreError(
                    f"Closing the database {target} failed.", cause=str(exc).splitlines()[0]
                ) from exc
    finally:
        cur.close()


Versions = Callable[[tuple[int, ...], tuple[int, ...]], None]


@contextlib.contextmanager
def _opened(
    path: str | Path,
    *,
    read_only: bool,
    policy: LockPolicy | None,
    versions: Versions | None = None,
    attach: bool = False,
    checkpoint: bool = True,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The file open for one unit of work, in turn (see the module docstring); for a
    writer, ``versions`` (see :func:`writer`) once the file is closed. ``attach`` (writers
    only) opens it on this process's DuckDB instance (:func:`_attached`), and ``checkpoint``
    False then leaves the write in the write-ahead log."""
    target = str(path)
    if target == ":memory:":  # private to this connection: nobody to take turns with
        con = connect(target, read_only=read_only)
        try:
            yield con
        finally:
            con.close()
        return
    policy = policy or LockPolicy.from_env()
    deadline = time.monotonic() + policy.timeout
    turns = _turns(target)
    timeout = _locked_out(target, policy, "this process's own work held it the whole time")
    if read_only:
        turns.begin_read(deadline, timeout)
        try:
            _Gate(target).pass_through(deadline, policy, target)
            con = _connect(target, read_only=True, deadline=deadline, policy=policy)
            try:
                yield con
            finally:
                con.close()
        finally:
            turns.end_read()
        return
    turns.begin_write(deadline, timeout)
    try:
        with _Gate(target).closed(deadline, policy, target):
            before = data_version(target)
            if attach:
                with _attached(
                    target, deadline=deadline, policy=policy, checkpoint=checkpoint
                ) as con:
                    yield con
            else:
                con = _connect(target, read_only=False, deadline=deadline, policy=policy)
                try:
                    yield con
                finally:
                    con.close()  # checkpoints: the file holds the write when the gate opens
            if versions is not None:  # still our turn: nobody else has written
                versions(before, data_version(target))
    finally:
        turns.end_write()


@contextlib.contextmanager
def reader(
    path: str | Path, *, policy: LockPolicy | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the store for one unit of work, closed afterwards.

    Waits (within ``policy``) while a writer has its turn. Raises :class:`StoreError` when
    the store is missing or stays locked."""
    with _opened(path, read_only=True, policy=policy) as con:
        yield con


@contextlib.contextmanager
def writer(
    path: str | Path,
    *,
    policy: LockPolicy | None = None,
    versions: Versions | None = None,
    checkpoint: bool = True,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """One short write transaction on the store, taken in turn with coding runs and readers.

    >>> with writer("news.duckdb") as con:                    # doctest: +SKIP
    ...     con.execute("INSERT INTO corrections VALUES (?, ?)", [event_id, note])

    Opens the file read-write (creating or migrating it), begins a transaction, commits it
    when the block ends (rolls it back if the block raises) and closes the file, so that a
    running ``eventwire serve`` sees the change on its next request. Keep the block short:
    every reader and coding run waits for it. Raises :class:`StoreError` when the file
    stays locked beyond ``policy`` (default :class:`LockPolicy`, 30 s) or the commit fails.

    The file is attached to a DuckDB instance this process keeps in memory (a new instance
    per open costs tens of milliseconds): use ``con`` itself, not ``con.cursor()``, which
    does not see the file. With ``checkpoint=False`` the file is closed without a checkpoint
    (a quarter of a correction's round trip at a million events): the commit is durable in
    DuckDB's write-ahead log ``<db>.wal`` (fsynced at commit; it survives ``kill -9``), and
    every process that opens the file, read-only ones included, reads it from there. Call
    :func:`checkpoint` soon after, so that the file alone holds the write again and later
    opens do not replay the log.

    ``versions``, when given, is called after a successful write with the file's
    :func:`data_version` when this turn began and once the write was closed into it, both
    taken before the turn ends: no other process can have written in between. A server
    whose index holds the first can then take the second as its own write's, and keep its
    index (patched) rather than rebuild it (serve/app.py).
    """
    with _opened(
        path, read_only=False, policy=policy, versions=versions, attach=True,
        checkpoint=checkpoint,
    ) as con:  # fmt: skip
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise
        try:
            con.execute("COMMIT")
        except duckdb.Error as exc:
            raise StoreError(
                f"Writing to the database {path} failed.", cause=str(exc).splitlines()[0]
            ) from exc


def checkpoint(
    path: str | Path, *, policy: LockPolicy | None = None, versions: Versions | None = None
) -> bool:
    """Fold ``<db>.wal`` into the file, in a writer's turn, after writes made with
    ``writer(checkpoint=False)``; whether there was a log to fold (without one, the file is
    not opened). ``versions`` as for :func:`writer`, when there was."""
    target = str(path)
    if target == ":memory:" or not os.path.exists(f"{target}.wal"):
        return False
    with _opened(target, read_only=False, policy=policy, versions=versions, attach=True) as con:
        try:  # (if a coding batch folded it meanwhile, this finds nothing to do)
            con.execute("CHECKPOINT")
        except duckdb.Error as exc:
            raise StoreError(
                f"Checkpointing the database {target} failed.", cause=str(exc).splitlines()[0]
            ) from exc
    return True


# ----------------------------------------------------------------------- the coder


class SharedStore(Store):
    """A :class:`Store` that opens the file for each batch only, so that ``eventwire serve``
    can read (and write corrections to) the database while a coding run fills it.

    With ``run`` (a coding run) it is exclusive: a second coding run into the same file is
    refused at once (``<db>.run.lock``) rather than coding the same articles twice; and the
    file is created or migrated up front. Without (the server storing one article), it only
    takes its turns. ``con`` exists only inside :meth:`session`.
    """

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        policy: LockPolicy | None = None,
        run: bool = True,
    ) -> None:
        self.path = str(path)
        self.policy = policy or LockPolicy.from_env()
        self._run_fd: int | None = None
        if self.path == ":memory:":  # nobody else can see it: hold it, as Store does
            super().__init__(path)
            return
        if not run:
            return
        self._run_fd = _lock_file(f"{self.path}.run.lock")
        if self._run_fd is not None and not _try_flock(self._run_fd, fcntl.LOCK_EX):
            os.close(self._run_fd)
            self._run_fd = None
            raise StoreError(
                f"The database {self.path} is in use by another eventwire process: another "
                "coding run is writing to it.",
                cause=f"{self.path}.run.lock is held by a running `eventwire code`",
                fix="wait for the other run to finish, or use a different --db",
            )
        try:
            with _opened(self.path, read_only=False, policy=self.policy):
                pass  # creates or migrates it now: a bad file fails before any coding
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.path == ":memory:":
            super().close()
        if self._run_fd is not None:
            os.close(self._run_fd)
            self._run_fd = None

    @contextlib.contextmanager
    def session(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        if self.path == ":memory:":
            yield self.con
            return
        with _opened(self.path, read_only=read_only, policy=self.policy) as con:
            self.con = con
            try:
                yield con
            finally:
                del self.con

    def coded_article_ids(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        with self.session(read_only=True):
            return super().coded_article_ids(ids)

    def write_batch(
        self,
        coded: Sequence[tuple[Article, Sequence[Event]]],
        rejected: Iterable[Rejected] = (),
    ) -> None:
        with self.session():
            super().write_batch(coded, rejected)


# ---------------------------------------------------------------------- the server


class SharedReader:
    """Read-only connections for a server, holding the file only while it is used.

    :meth:`lease` gives a cursor for one unit of work. The file is opened on the first
    lease and shared by leases that overlap (opening costs tens of milliseconds, see
    docs/CONCURRENCY.md); it is closed ``linger`` seconds after the last lease ends, or as
    soon as a writer waits, here or in another process. While a writer waits, new leases
    wait for its turn to end instead of joining, so readers cannot starve it.
    """

    def __init__(
        self, path: str | Path, *, policy: LockPolicy | None = None, linger: float = 1.0
    ) -> None:
        self.path = str(path)
        self.policy = policy or LockPolicy.from_env()
        self.linger = linger
        self._gate = _Gate(self.path)
        self._turns = _turns(self.path)
        self._cond = threading.Condition()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._leases = 0
        self._idle_since = 0.0
        self._watcher: threading.Thread | None = None
        self._closed = False

    def _writer_waiting(self) -> bool:
        return bool(self._turns.waiting_writers) or self._gate.is_closed()

    def _let_go(self) -> None:
        """Close the file (with ``_cond`` held and no lease out)."""
        if self._con is not None:
            self._con.close()
            self._con = None
            self._turns.end_read()
            self._cond.notify_all()

    def _open(self, deadline: float) -> duckdb.DuckDBPyConnection:
        timeout = _locked_out(self.path, self.policy, "a writer held it the whole time")
        self._turns.begin_read(deadline, timeout)
        try:
            self._gate.pass_through(deadline, self.policy, self.path)
            con = _connect(self.path, read_only=True, deadline=deadline, policy=self.policy)
        except BaseException:
            self._turns.end_read()
            raise
        if self._watcher is None or not self._watcher.is_alive():
            self._watcher = threading.Thread(
                target=self._watch, name="eventwire-db-linger", daemon=True
            )
            self._watcher.start()
        return con

    def _watch(self) -> None:
        """Close the idle file after ``linger``, or at once when a writer waits."""
        while True:
            time.sleep(min(0.02, self.linger))
            with self._cond:
                if self._con is None:
                    self._watcher = None
                    return
                if self._leases == 0 and (
                    time.monotonic() - self._idle_since >= self.linger or self._writer_waiting()
                ):
                    self._let_go()

    @contextlib.contextmanager
    def lease(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the file for one unit of work. Do not ask for a second lease while
        holding one: if a writer is waiting, the second would wait for the first."""
        deadline = time.monotonic() + self.policy.timeout
        with self._cond:
            if self._closed:
                raise StoreError(f"The connection to {self.path} is closed.")
            while self._con is not None and self._writer_waiting():
                if self._leases == 0:
                    self._let_go()
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    raise _locked_out(self.path, self.policy, "this server's own reads")
                self._cond.wait(min(left, 0.02))
            if self._con is None:
                self._con = self._open(deadline)
            self._leases += 1
            con = self._con
        try:
            cur = con.cursor()
            try:
                yield cur
            finally:
                cur.close()
        finally:
            with self._cond:
                self._leases -= 1
                self._idle_since = time.monotonic()
                if self._leases == 0 and self._writer_waiting():
                    self._let_go()
                self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            if self._leases == 0:
                self._let_go()


def lazy_cursor(source: SharedReader) -> contextlib.AbstractContextManager[Any]:
    """A context giving a stand-in for a cursor that leases one from ``source`` only when
    first used: requests answered from a cache never open the file."""
    return _Lazy(source)


class _Lazy(contextlib.AbstractContextManager[Any]):
    def __init__(self, source: SharedReader) -> None:
        self._source = source
        self._stack = contextlib.ExitStack()
        self._cur: duckdb.DuckDBPyConnection | None = None

    def __enter__(self) -> Any:
        return _LazyCursor(self)

    def real(self) -> duckdb.DuckDBPyConnection:
        if self._cur is None:
            self._cur = self._stack.enter_context(self._source.lease())
        return self._cur

    def __exit__(self, *exc: object) -> None:
        self._cur = None
        self._stack.close()


class _LazyCursor:
    """Forwards every attribute to the leased cursor, leasing it on first use."""

    __slots__ = ("_owner",)

    def __init__(self, owner: _Lazy) -> None:
        self._owner = owner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._owner.real(), name)
