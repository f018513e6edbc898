"""State outlets: which articles speak in a state's voice.

A state news agency's sentence in its own voice ("The U.S. is escalating its reckless war
moves against the DPRK", KCNA) is its state's act; an independent paper's is no one's. The
outlet comes from the article's metadata (its ``outlet`` field or its URL's host), read
against ``data/outlets.yaml`` and a user's ``$EVENTWIRE_HOME/outlets.yaml``.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from eventwire.errors import InputError
from eventwire.model import Article, Entity

from .entries import read_yaml

__all__ = ["StateOutlet", "state_outlet", "state_outlets", "user_outlet_file"]

_BUILTIN = Path(__file__).with_name("data") / "outlets.yaml"
_FIELDS = frozenset({"name", "code", "sector", "domains", "aliases"})
_FIX = (
    "Write an 'outlets' list of mappings with name, code (ISO-3) and domains or aliases, "
    "as in eventwire/actors/data/outlets.yaml."
)


@dataclass(frozen=True, slots=True)
class StateOutlet:
    """An outlet that speaks for a state."""

    name: str
    code: str
    sector: str
    domains: tuple[str, ...]
    aliases: tuple[str, ...]

    def entity(self) -> Entity:
        """The state as the actor of the outlet's own voice (no text: no one is named)."""
        return Entity(text="", code=self.code, sector=self.sector, name=self.name)


def user_outlet_file() -> Path:
    home = os.environ.get("EVENTWIRE_HOME")
    return (Path(home) if home else Path.home() / ".eventwire") / "outlets.yaml"


def _strings(value: Any, where: str, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InputError(f"{where}: '{field}' must be a list of strings", fix=_FIX)
    return tuple(value)


def parse_outlets(data: Any, *, source: str) -> list[StateOutlet]:
    """Validate a loaded outlets file."""
    if not isinstance(data, Mapping) or not isinstance(data.get("outlets"), list):
        raise InputError(
            f"Outlets file {source} has no 'outlets' list",
            cause="the top-level key is missing or is not a list",
            fix=_FIX,
        )
    out = []
    for i, e in enumerate(data["outlets"], 1):
        where = f"{source}, entry {i}"
        if not isinstance(e, Mapping):
            raise InputError(f"{where}: an entry must be a mapping", fix=_FIX)
        unknown = set(e) - _FIELDS
        if unknown:
            raise InputError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}", fix=_FIX)
        name, code = e.get("name"), e.get("code")
        if not (isinstance(name, str) and name and isinstance(code, str) and len(code) == 3):
            raise InputError(f"{where}: 'name' and a 3-letter 'code' are required", fix=_FIX)
        sector = e.get("sector") or "GOV"
        if not isinstance(sector, str):
            raise InputError(f"{where}: 'sector' must be a string", fix=_FIX)
        domains = tuple(d.lower() for d in _strings(e.get("domains"), where, "domains"))
        aliases = tuple(a.lower() for a in _strings(e.get("aliases"), where, "aliases"))
        out.append(StateOutlet(name, code.upper(), sector, domains, aliases))
    return out


@functools.cache
def _load(files: tuple[Path, ...]) -> tuple[StateOutlet, ...]:
    found: list[StateOutlet] = []
    for f in files:
        found += parse_outlets(read_yaml(f), source=str(f))
    # A user's entry for a name replaces the built-in one.
    return tuple({o.name: o for o in found}.values())


def state_outlets() -> tuple[StateOutlet, ...]:
    """The built-in state outlets and the user's."""
    user = user_outlet_file()
    return _load((_BUILTIN, user) if user.is_file() else (_BUILTIN,))


def _host(value: str) -> str:
    v = value.strip().lower()
    host = urlsplit(v if "//" in v else "//" + v).hostname or ""
    return host.removeprefix("www.")


def state_outlet(
    article: Article, outlets: Iterable[StateOutlet] | None = None
) -> StateOutlet | None:
    """The state outlet ``article`` comes from, by its outlet field or URL, or None."""
    hosts = {_host(v) for v in (article.outlet, article.url) if v}
    names = {article.outlet.strip().lower()} if article.outlet else set()
    for o in state_outlets() if outlets is None else outlets:
        if names & set(o.aliases) or names & {o.name.lower()}:
            return o
        if any(h == d or h.endswith("." + d) for h in hosts for d in o.domains):
            return o
    return None
