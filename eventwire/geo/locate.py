"""Finding the place a sentence ties an event to.

Rule order (first hit wins), chosen so that the most specific, most clearly locative phrase
is taken:

1. a border named by its country: "along Ukraine's border" -> UKR, ``country:border``;
2. a coast: "off the east coast" -> ``default_country`` (or the country named after "of"),
   ``country:coast``;
3. a place after a locative preposition (in, at, near, off, from, over, into, toward, across):
   "from the Wonsan area", "in Kyiv", "into the Yellow Sea";
4. a hand-listed region or sea named anywhere ("the sea between Korea and Japan");
5. any capitalised name the gazetteer knows, country or city (``resolution`` unchanged);
6. ``default_country`` at country level (``country:default``), when given.
"""

from __future__ import annotations

import re

from eventwire.model import Place

from .gazetteer import Gazetteer

__all__ = ["locate"]

_NAME = r"[A-Z][\w.'’-]*(?:\s+(?:of\s+|and\s+)?[A-Z][\w.'’-]*){0,4}"
_BORDER = re.compile(rf"(?P<all>(?P<c>{_NAME})['’]s\s+(?:border|borders|frontier))")
_BORDER_WITH = re.compile(rf"(?P<all>border\s+(?:with|of)\s+(?P<c>{_NAME}))")
_COAST = re.compile(
    rf"(?P<all>off\s+(?:the\s+|its\s+)?(?:(?:north|south|east|west)(?:ern)?\s+)?coast"
    rf"(?:\s+of\s+(?P<c>{_NAME}))?)",
    re.IGNORECASE,
)
_LOCATIVE = re.compile(
    rf"\b(?:in|at|near|off|from|over|into|toward|towards|across|inside|outside|around)\s+"
    rf"(?:the\s+)?(?:(?:central|northern|southern|eastern|western|north|south|east|west)\w*\s+)?"
    rf"(?P<c>{_NAME})"
)
_SEA = re.compile(
    r"(?:the\s+)?(?:sea|waters)\s+between\s+Korea\s+and\s+Japan|"
    r"[A-Z]\w+(?:\s+[A-Z]\w+)?\s+(?:Sea|Peninsula|Strait|Gulf)",
)
_CAPS = re.compile(_NAME)


def _trim(name: str) -> list[str]:
    """Candidate names from a capitalised run, longest first: 'Pyongyang area' style tails
    and trailing words are dropped one by one."""
    words = name.rstrip(".,").split()
    return [" ".join(words[:k]) for k in range(len(words), 0, -1)]


def locate(
    sentence: str, *, default_country: str | None = None, gazetteer: Gazetteer | None = None
) -> Place | None:
    """The place ``sentence`` ties its event to, or None (see the module docstring)."""
    from . import get_gazetteer

    gaz = gazetteer or get_gazetteer()
    for rx in (_BORDER, _BORDER_WITH):
        for m in rx.finditer(sentence):
            for cand in _trim(m.group("c")):
                p = gaz.lookup(cand)
                if p is not None and p.country:
                    base = gaz.country(p.country) or p
                    return Place(
                        text=m.group("all")
                        if rx is _BORDER_WITH
                        else f"{cand}{m.group('all')[len(m.group('c')) :]}",
                        name=base.name,
                        country=p.country,
                        lat=base.lat,
                        lon=base.lon,
                        resolution="country:border",
                    )
    for m in _COAST.finditer(sentence):
        code = default_country
        if m.group("c"):
            named = next((gaz.lookup(c) for c in _trim(m.group("c")) if gaz.lookup(c)), None)
            code = named.country if named is not None else code
        if code:
            coast = gaz.country(code)
            return Place(
                text=m.group("all"),
                name=coast.name if coast else None,
                country=code,
                resolution="country:coast",
            )
    for m in _LOCATIVE.finditer(sentence):
        for cand in _trim(m.group("c")):
            p = gaz.lookup(cand)
            if p is not None:
                return p
    for m in _SEA.finditer(sentence):
        p = gaz.lookup(m.group())
        if p is not None:
            return p
    for m in _CAPS.finditer(sentence):
        for cand in _trim(m.group()):
            p = gaz.lookup(cand)
            if p is not None:
                return p
    if default_country:
        home = gaz.country(default_country)
        return Place(
            text="",
            name=home.name if home else None,
            country=default_country,
            resolution="country:default",
        )
    return None
