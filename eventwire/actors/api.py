"""Library functions behind the CLI commands (``eventwire actors lookup|add``)."""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
from pathlib import Path

from eventwire.errors import InputError
from eventwire.model import Entity

from .entries import parse_entries, read_yaml
from .resolver import ActorResolver

__all__ = [
    "add_actor_file",
    "default_resolver",
    "get_resolver",
    "lookup_actor",
    "user_actor_dir",
]


def user_actor_dir() -> Path:
    """Where user actor files live: ``$EVENTWIRE_HOME/actors`` (default ``~/.eventwire/actors``)."""
    home = os.environ.get("EVENTWIRE_HOME")
    base = Path(home) if home else Path.home() / ".eventwire"
    return base / "actors"


def _user_files() -> tuple[Path, ...]:
    d = user_actor_dir()
    if not d.is_dir():
        return ()
    return tuple(sorted(p for p in d.iterdir() if p.suffix in (".yaml", ".yml")))


@functools.cache
def _resolver_for(files: tuple[Path, ...]) -> ActorResolver:
    return ActorResolver.from_files(files)


def get_resolver() -> ActorResolver:
    """The shared resolver: built-ins plus the user files in :func:`user_actor_dir`. Cached per
    set of user files, so a file added with :func:`add_actor_file` is picked up."""
    return _resolver_for(_user_files())


def default_resolver() -> ActorResolver:
    """Alias of :func:`get_resolver`."""
    return get_resolver()


def lookup_actor(name: str, *, date: dt.date | None = None) -> Entity | None:
    """Resolve one actor mention with the shared resolver."""
    return get_resolver().resolve(name, date=date)


def add_actor_file(path: str | Path) -> Path:
    """Validate a user actor file and copy it into :func:`user_actor_dir`; return the copy's
    path. Raises InputError (with the entry at fault) on a bad file; nothing is copied then."""
    src = Path(path)
    parse_entries(read_yaml(src), source=str(src))
    dest_dir = user_actor_dir()
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        dest = dest_dir / (src.stem + ".yaml")
        shutil.copyfile(src, dest)
    except OSError as e:
        raise InputError(
            f"Cannot copy {src} into {dest_dir}: {e}",
            cause="the user directory is not writable",
            fix="Set EVENTWIRE_HOME to a writable directory.",
        ) from e
    return dest
