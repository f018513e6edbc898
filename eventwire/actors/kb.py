"""The offline knowledge base: countries, capitals, seats of government, organisations, groups,
office holders with dated terms, and PLOVER sector words, indexed for dict lookups.

Built-in data lives in ``eventwire/actors/data/`` as readable YAML and CSV (see each file's
header); user files are merged over it (:func:`KnowledgeBase.merged`).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from .entries import parse_entries, read_yaml
from .records import ActorRecord, Term, reduce_frozen
from .text import fold, is_acronym, sensitive

__all__ = ["DATA_DIR", "FUZZY_CUTOFF", "FuzzyIndex", "KnowledgeBase", "load_builtin"]

DATA_DIR = Path(__file__).parent / "data"
_ALNUM = re.compile(r"[0-9a-z]+")

# Names written surname first, or whose surname alone is too common to stand for one person:
# their short aliases are written out in the CSV instead of derived.
_SURNAME_FIRST = frozenset({"CHN", "PRK", "KOR", "TWN", "VNM", "HKG"})
_COMMON_SURNAMES = frozenset(
    "kim lee li wang zhang park khan singh ali ahmed hussein mohammed muhammad smith johnson "
    "jr. jr ii iii brown jonathan charles omar abdullah salman sharif castro aliyev aoun "
    "hariri bush clinton kerry rice carter chaudhry chaudhary gandhi bhutto".split()
)


# The resolver's misspelt-name fallback accepts a name that scores at least this against a known
# one with rapidfuzz's fuzz.ratio.
FUZZY_CUTOFF = 85


def _by_length(keys: list[str]) -> tuple[tuple[str, ...], ...]:
    """For each query length q (the index), the keys that fuzz.ratio could score at least
    FUZZY_CUTOFF against a query of q characters, in the order of ``keys``.

    fuzz.ratio is 100 * (1 - indel / (q + l)) and an indel distance is at least |q - l|, so a
    key of l characters scores at most 200 * min(q, l) / (q + l): the other keys cannot reach
    the cutoff, and rapidfuzz's extractOne over a bucket returns what it returns over all keys
    (the same first best match: the keys it skips all score below the cutoff). The bound is
    taken one point lower than the cutoff so that no rounding can drop a key that scores it.
    """
    floor = FUZZY_CUTOFF - 1
    buckets: list[list[str]] = []
    for key in keys:
        n = len(key)
        # Outside [n * floor / (200 - floor), n * (200 - floor) / floor] the bound fails; the
        # range is widened by one each side and each q tested exactly.
        for q in range(max(1, n * floor // (200 - floor) - 1), n * (200 - floor) // floor + 2):
            if 200 * min(q, n) >= floor * (q + n):
                while len(buckets) <= q:
                    buckets.append([])
                buckets[q].append(key)
    return tuple(tuple(b) for b in buckets)


@dataclass(frozen=True, slots=True)
class FuzzyIndex:
    """Persons' folded full names and surnames for the misspelt-name fallback.

    ``names_by_len[q]`` / ``surnames_by_len[q]``: the keys a query of q characters can match
    (see :func:`_by_length`; a query longer than the table can match none).
    ``surnames``: surname -> the full names that end with it."""

    names_by_len: tuple[tuple[str, ...], ...]
    surnames: dict[str, list[str]]
    surnames_by_len: tuple[tuple[str, ...], ...]

    def __reduce__(self) -> tuple[Any, ...]:
        return reduce_frozen(self)


@dataclass(slots=True)
class KnowledgeBase:
    """Alias indexes and word lists. Build with :func:`load_builtin`; extend with
    :meth:`merged`. Lookups are plain dict gets; candidate tuples put user entries first."""

    exact: dict[str, tuple[ActorRecord, ...]] = field(default_factory=dict)
    folded: dict[str, tuple[ActorRecord, ...]] = field(default_factory=dict)
    sector_words: dict[str, str] = field(default_factory=dict)
    title_words: dict[str, str] = field(default_factory=dict)
    former_words: frozenset[str] = frozenset()
    relational_words: frozenset[str] = frozenset()
    countries: dict[str, ActorRecord] = field(default_factory=dict)
    persons: dict[str, ActorRecord] = field(default_factory=dict)
    max_words: int = 1
    # First words of every alias (folded, and as written for acronyms) -> the most words an
    # alias starting with it has: the scanner skips a token at once unless some alias starts
    # with it, and tries no span longer than the longest such alias.
    first_words: dict[str, int] = field(default_factory=dict)
    # The same for the sector and title tables (filled by _load_sectors).
    sector_first: dict[str, int] = field(default_factory=dict)
    # Common personal names (data/names.yaml): never looked up as places on their own.
    common_names: frozenset[str] = frozenset()
    # Every run of ASCII letters and digits in any alias key, casefolded: a span whose last
    # word is a plain ASCII word not in here cannot be an alias (the scanner skips its lookup).
    alias_words: set[str] = field(default_factory=set)
    # Every two such runs that follow each other in an alias key, joined by a space: a span
    # whose last two words are plain ASCII words that never follow each other in an alias
    # cannot be an alias either ("Russian President" in "Russian President Boris Yeltsin").
    alias_pairs: set[str] = field(default_factory=set)
    # The resolver's facts about each word the knowledge base's own keys are written with
    # (as in the key, and capitalised), with the part it makes of a mention on its own.
    # Mention-independent, so computed with the rest of the indexes by :func:`load_builtin`
    # and :meth:`merged` (eventwire.actors.resolver.token_tables), and emptied by :meth:`add`;
    # a resolver computes (and memoises) what it lacks.
    tok_table: dict[str, Any] = field(default_factory=dict)
    # Built by :func:`load_builtin` and :meth:`merged` (so its cost counts in the load time), or
    # on first use for a knowledge base built by hand.
    _fuzzy: FuzzyIndex | None = None

    def fuzzy_index(self) -> FuzzyIndex:
        """The persons' names for the resolver's misspelt-name fallback, bucketed by length.
        Built once per knowledge base, not per resolver."""
        if self._fuzzy is None:
            names = list(self.persons)
            surnames: dict[str, list[str]] = {}
            for full in names:
                surnames.setdefault(full.split()[-1], []).append(full)
            self._fuzzy = FuzzyIndex(_by_length(names), surnames, _by_length(list(surnames)))
        return self._fuzzy

    def index_tokens(self) -> None:
        """Fill :attr:`tok_table` (call once every alias is added)."""
        # Imported here: the resolver module imports this one.
        from .resolver import token_tables

        self.tok_table = token_tables(self)

    def add(self, alias: str, record: ActorRecord, *, first: bool = False) -> None:
        """Index ``record`` under ``alias`` (case-sensitively for short acronyms)."""
        if not alias.strip():
            return
        if self.tok_table:
            # The token table holds lookups made before this alias: rebuilt by index_tokens().
            self.tok_table = {}
        index, key = (
            (self.exact, sensitive(alias))
            if is_acronym(alias)
            else (
                self.folded,
                fold(alias),
            )
        )
        have = index.get(key, ())
        if record in have:
            return
        index[key] = (record, *have) if first else (*have, record)
        runs = _ALNUM.findall(key.casefold())
        self.alias_words.update(runs)
        self.alias_pairs.update([f"{a} {b}" for a, b in pairwise(runs)])
        words = key.count(" ") + 1
        head = key.split(" ", 1)[0]
        if self.first_words.get(head, 0) < words:
            self.first_words[head] = words
        self.max_words = max(self.max_words, words)

    def lookup(self, text: str) -> tuple[ActorRecord, ...]:
        """Records whose alias is exactly ``text`` (acronyms case-sensitively)."""
        # Fast path: most mentions are already in canonical form.
        hit = self.exact.get(text) or self.folded.get(text.casefold())
        if hit:
            return hit
        if (
            text.isascii()
            and "-" not in text
            and text.isprintable()
            and "  " not in text
            and text[:1] != " "
            and text[-1:] != " "
        ):
            # Plain ASCII with single spaces and no hyphen: sensitive() and fold() would give
            # back the same two keys just tried, so this is a miss (and costs no more work).
            # (For ASCII, printable with no double, leading or trailing space implies
            # text == " ".join(text.split()), the test this replaces, without building the
            # list and the string: the other whitespace split() splits at, \t\n\v\f\r and
            # \x1c-\x1f, is not printable. Text with other control characters, which the old
            # test let through, now takes the full path below, which finds the same miss.)
            return ()
        hit = self.exact.get(sensitive(text))
        if hit:
            return hit
        if is_acronym(text):
            # "US" must not fall through to the folded "us"; but "NATO"/"Nato" both work
            # because both spellings are listed.
            return ()
        return self.folded.get(fold(text), ())

    def merged(self, entries: Iterable[tuple[tuple[str, ...], ActorRecord]]) -> KnowledgeBase:
        """A copy with ``entries`` added ahead of the built-ins (user entries win ties)."""
        kb = KnowledgeBase(
            exact=dict(self.exact),
            folded=dict(self.folded),
            sector_words=self.sector_words,
            title_words=self.title_words,
            former_words=self.former_words,
            relational_words=self.relational_words,
            countries=self.countries,
            persons=dict(self.persons),
            max_words=self.max_words,
            first_words=dict(self.first_words),
            alias_words=set(self.alias_words),
            alias_pairs=set(self.alias_pairs),
            sector_first=self.sector_first,
            common_names=self.common_names,
        )
        for names, record in entries:
            for n in names:
                kb.add(n, record, first=True)
            if record.kind == "person":
                kb.persons[fold(record.name)] = record
        kb.fuzzy_index()
        kb.index_tokens()
        return kb


def _load_countries(kb: KnowledgeBase) -> None:
    data = read_yaml(DATA_DIR / "countries.yaml")
    for c in data["countries"]:
        code, name, qid = c["code"], c["name"], c.get("id")
        country = ActorRecord(name=name, code=code, kind="country", id=qid)
        kb.countries[code] = country
        for alias in (name, *c.get("aliases", ())):
            kb.add(alias, country)
        demonym = ActorRecord(name=name, code=code, kind="demonym", id=qid)
        # A plural nationality noun names the people ("Palestinians", "Libyans"): CVL, as
        # ICEWS codes "Citizen (Country)". The adjective alone ("Russian") has no sector.
        people = ActorRecord(name=name, code=code, kind="demonym", sector="CVL", id=qid)
        dems = c.get("demonyms", ())
        for d in dems:
            plural = (d.endswith("s") and d[:-1] in dems) or d.endswith("men")
            kb.add(d, people if plural else demonym)
        for cap in c.get("capitals", ()):
            kb.add(
                cap, ActorRecord(name=f"{name} government", code=code, kind="capital", sector="GOV")
            )
        for seat, sector in (c.get("seats") or {}).items():
            kb.add(seat, ActorRecord(name=seat, code=code, kind="seat", sector=sector))
    for d in data.get("dependencies", ()):
        target = kb.countries[d["code"]]
        sectors = d.get("sectors") or [None]
        kb.add(
            d["name"],
            ActorRecord(name=d["name"], code=target.code, kind="country", sector=sectors[0]),
        )


def _load_groups(kb: KnowledgeBase) -> None:
    """Ethnic and national groups (data/groups.yaml): demonym-like records with the group's
    conventional country (or none)."""
    for g in read_yaml(DATA_DIR / "groups.yaml")["groups"]:
        name, code = str(g["name"]), g.get("code")
        adjective = ActorRecord(name=name, code=code, kind="demonym")
        people = ActorRecord(name=name, code=code, kind="demonym", sector="CVL")
        for a in g.get("adjectives") or ():
            kb.add(str(a), adjective)
        for p in g.get("plurals") or ():
            kb.add(str(p), people)


def _surname_aliases(name: str, code: str, reserved: Container[str] = ()) -> list[str]:
    """Short aliases derived from a name. ``reserved``: folded words that never stand for a
    person alone: titles and sector nouns ("Tom King" is not every "King")."""
    words = name.split()
    if len(words) < 2 or code in _SURNAME_FIRST:
        return []
    last = words[-1]
    out = []
    if (
        last.casefold() not in _COMMON_SURNAMES
        and fold(last) not in reserved
        and len(last) >= 4
        and not last.isupper()
    ):
        out.append(last)
    for prefix in ("al-", "el-", "Al-", "El-"):
        if last.startswith(prefix) and len(last) > len(prefix) + 3:
            out.append(last[len(prefix) :])
    return out


def _load_officeholders(kb: KnowledgeBase) -> None:
    path = DATA_DIR / "officeholders.csv"
    people: dict[str, dict[str, Any]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        for row in rows:
            p = people.setdefault(
                row["name"], {"id": None, "code": row["code"], "terms": [], "aliases": []}
            )
            p["id"] = p["id"] or row["id"] or None
            p["terms"].append(
                Term(
                    start=dt.date.fromisoformat(row["start"]),
                    end=dt.date.fromisoformat(row["end"]) if row["end"] else None,
                    sector=row["sector"] or None,
                    code=row["code"],
                    office=row["office"] or None,
                )
            )
            p["aliases"].extend(a for a in row["aliases"].split(";") if a)
    reserved = kb.title_words.keys() | kb.sector_words.keys()
    for name, p in people.items():
        terms = tuple(sorted(p["terms"], key=lambda t: t.start))
        # The person's home code: where their first national office was (Ban Ki-moon: KOR).
        home = next((t.code for t in terms if t.code not in ("UNO", "EUR", "IGO")), p["code"])
        record = ActorRecord(name=name, code=home, kind="person", id=p["id"], terms=terms)
        kb.persons[fold(name)] = record
        for alias in (name, *p["aliases"], *_surname_aliases(name, home, reserved)):
            kb.add(alias, record)


def _load_sectors(kb: KnowledgeBase) -> None:
    data = read_yaml(DATA_DIR / "sectors.yaml")
    for sector, words in data["sectors"].items():
        for w in words:
            kb.sector_words.setdefault(fold(str(w)), sector)
    for sector, words in data["titles"].items():
        for w in words:
            kb.title_words.setdefault(fold(str(w)), sector)
    kb.former_words = frozenset(fold(str(w)) for w in data["former"])
    kb.relational_words = frozenset(fold(str(w)) for w in data["relational"])
    for key in (*kb.sector_words, *kb.title_words):
        head, words = key.split(" ", 1)[0], key.count(" ") + 1
        if kb.sector_first.get(head, 0) < words:
            kb.sector_first[head] = words


def _load_outlets(kb: KnowledgeBase) -> None:
    """State outlets (data/outlets.yaml) named in a sentence ("TASS reported", "Rodong Sinmun
    said") are their state's media, as the seats KCNA and Xinhua are (JRN). An alias the
    knowledge base already holds keeps its record. Read raw, not through
    ``outlets.state_outlets()``: that lowercases aliases for matching feed names, and an
    acronym alias here must keep its case ("SPA" the agency, never "spa")."""
    for o in read_yaml(DATA_DIR / "outlets.yaml")["outlets"]:
        record = ActorRecord(name=o["name"], code=o["code"], kind="seat", sector="JRN")
        for alias in (o["name"], *o.get("aliases", ())):
            if not kb.lookup(alias):
                kb.add(alias, record)


def load_builtin() -> KnowledgeBase:
    """Load the built-in knowledge base from ``eventwire/actors/data``."""
    kb = KnowledgeBase()
    _load_countries(kb)
    _load_groups(kb)
    for names, record in parse_entries(
        read_yaml(DATA_DIR / "organisations.yaml"), source="built-in"
    ):
        for n in names:
            kb.add(n, record)
    _load_outlets(kb)
    _load_sectors(kb)  # before the office holders: titles are never surname aliases
    _load_officeholders(kb)
    kb.common_names = frozenset(
        fold(str(n)) for n in read_yaml(DATA_DIR / "names.yaml")["common_names"]
    )
    kb.fuzzy_index()
    kb.index_tokens()
    return kb
