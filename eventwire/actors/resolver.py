"""The actor resolver: a mention ("South Korean President Moon Jae-in", "Russian troops",
"the White House") to an :class:`~eventwire.model.Entity` with PLOVER country code and sector.

Conventions (documented here because the coder and the exports rely on them):

* Exact and alias lookups first (one dict get); then composition of the mention's parts:
  nationality or country ("Russian", "Iran's") + sector noun ("troops" -> MIL) or title
  ("foreign minister" -> GOV) + a known person or organisation.
* Time: a person is GOV (or the sector of the term) only while in office on ``date``. After
  their last term they are ELI (PLOVER: "former government officials"); before their first,
  they keep their country with no sector. Without a date the person's latest term applies.
  "former", "ousted", "ex-" make an office ELI whatever the date.
* Relational groups ("US allies", "its neighbours") are not the country: they resolve to None.
* International organisations use PLOVER's non-state codes (UNO, EUR, IGO, NGO, IMG); see the
  header of ``data/organisations.yaml``.
* ``id`` is the Wikidata QID of the person, organisation or country the mention names, and is
  left empty for compositions ("Russian troops" is not Russia's item).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final, Literal, NamedTuple

from rapidfuzz import fuzz, process

from eventwire.geo import get_gazetteer
from eventwire.model import Entity

from .entries import parse_entries, read_yaml
from .kb import FUZZY_CUTOFF, KnowledgeBase, load_builtin
from .records import ActorRecord, Kind, Term, reduce_frozen
from .text import Token, fold, sensitive, tokenize

__all__ = ["ActorResolver", "Resolution"]

Rule = Literal["alias", "composed", "fuzzy-name", "place"]

_DETERMINERS: Final = frozenset({"the", "a", "an", "its", "their", "his", "her"})
_PREPOSITIONS: Final = frozenset({"in", "at", "from", "near", "of", "on", "to", "by", "for"})
_DIRECTIONS: Final = frozenset(
    "central northern southern eastern western north south east west northeastern "
    "northwestern southeastern southwestern northeast northwest southeast southwest "
    "neighbouring neighboring".split()
)
# Every word _clean() may drop from the front of a mention, casefolded.
_LEADING: Final = _DETERMINERS | _PREPOSITIONS | _DIRECTIONS
# Words after which the rest of a mention only locates or qualifies its head noun:
# "refugees fleeing the civil war in Liberia", "president of Armenia".
_SPLITTERS: Final = frozenset(
    "of in from at near based along on for operating living fleeing loyal ordered throughout "
    "inside outside across".split()
)
# Prepositions that make a following place a location rather than an actor ("a curfew in
# Algiers": the people there, not the Algerian government).
_LOCATIVE: Final = frozenset({"in", "at", "near", "inside", "across", "throughout"})
# Lower-case words inside a proper name: "Association of African Jurists".
_JOINERS: Final = frozenset({"of", "for", "and", "the", "de", "la", "el", "al", "du", "des", "on"})
_SETTLEMENT: Final = frozenset({"town", "city", "village", "capital", "port", "district"})
_AFFILIATION: Final = frozenset(
    {"led", "backed", "based", "born", "controlled", "allied", "sponsored"}
)
_KIND_ORDER: Final[dict[Kind, int]] = {
    "person": 0,
    "organisation": 1,
    "seat": 2,
    "country": 3,
    "capital": 4,
    "demonym": 5,
}
_STRIP: Final = " \t\n,;:!?()[]{}\"'“”‘’«»"
_CACHE_SIZE: Final = 100_000
# ``_new(_Part, (...))`` builds a NamedTuple from all its fields in one C call: the generated
# ``_Part(...)`` constructor is Python code that costs about three times as much, and the
# resolver builds several parts and tokens for each mention it has not seen.
_new: Final = tuple.__new__


@dataclass(frozen=True, slots=True)
class Resolution:
    """How a mention was resolved: the entity, the kind of the knowledge-base record it rests
    on (None when only words composed it) and the rule used."""

    entity: Entity
    kind: Kind | None
    rule: Rule

    def __reduce__(self) -> tuple[Any, ...]:
        return reduce_frozen(self)


# What explain()'s cache gives back for a mention it has not seen (a get with a default costs
# less than the KeyError a first sight would raise).
_MISS: Final = Resolution(Entity(""), None, "alias")

# Entity and Resolution are frozen slotted dataclasses whose generated __init__ is interpreted
# Python (mypyc keeps the one the dataclass decorator makes) that sets each field through
# object.__setattr__: about a fifth of a first-sight lookup, which builds one of each. The
# builders below make the same instance the same way (the class's own __new__, then every
# field through object.__setattr__, as that __init__ does) without the interpreted call: mypyc
# compiles object.__setattr__ in a function to one C call (PyObject_GenericSetAttr). Neither
# class has a __post_init__ or a field default that these skip; tests/actors/test_fast_paths.py
# checks both stay so.
_obj_new: Final[Any] = object.__new__
_res_new: Final[Any] = Resolution.__new__


def _entity_of(
    text: str, code: str | None, sector: str | None, name: str | None, id: str | None
) -> Entity:
    """``Entity(text, code, sector, name, id)`` without its interpreted __init__."""
    ent: Entity = _obj_new(Entity)
    object.__setattr__(ent, "text", text)
    object.__setattr__(ent, "code", code)
    object.__setattr__(ent, "sector", sector)
    object.__setattr__(ent, "name", name)
    object.__setattr__(ent, "id", id)
    return ent


def _resolution_of(entity: Entity, kind: Kind | None, rule: Rule) -> Resolution:
    """``Resolution(entity, kind, rule)`` without its interpreted __init__."""
    res: Resolution = _res_new(Resolution)
    object.__setattr__(res, "entity", entity)
    object.__setattr__(res, "kind", kind)
    object.__setattr__(res, "rule", rule)
    return res


_PartKind = Literal["kb", "sector", "title", "former", "relational", "word"]


class _Part(NamedTuple):
    """A piece of a mention: a knowledge-base match, a sector/title/former/relational word, or
    a plain word. (A NamedTuple, not a frozen dataclass: the resolver builds several per
    mention, and a tuple is several times cheaper to construct.)"""

    i: int
    j: int
    kind: _PartKind
    records: tuple[ActorRecord, ...] = ()
    sector: str | None = None
    text: str = ""


# A part's fields after its token span (i, j): what one token makes of itself, memoised.
_Fields = tuple[_PartKind, tuple[ActorRecord, ...], str | None, str]


class _Tok(NamedTuple):
    """What the resolver needs to know about one token, computed once per distinct token
    (memoised on the resolver): its folded form with and without a final dot, how many words
    the longest alias starting with it has, the longest sector/title phrase starting with it
    (0: none), and, for the knowledge base's token table only (else None), the part it makes
    of a mention wherever it stands (the fields of _Part after its token span) when that does
    not depend on its neighbours: when no alias or phrase of several words starts with it and
    it is not "ex"."""

    word: str
    folded: str
    bare: str
    span: int
    phrase: int
    solo: _Fields | None


def _fold_token(word: str) -> str:
    """fold() for one token. A token has no spaces and its hyphens always join word
    characters, so for ASCII fold() reduces to a replace and a casefold (no regex)."""
    if word.isascii():
        return word.replace("-", " ").casefold() if "-" in word else word.casefold()
    return fold(word)


def _clean(mention: str) -> str:
    # sensitive() inlined for ASCII (its memo cannot help a mention that is seen once). The
    # split/join only when it can change more than the ends, which the strip below drops
    # anyway (space is in _STRIP): printable ASCII has no whitespace but the space.
    if mention.isascii():
        text = (
            mention if mention.isprintable() and "  " not in mention else " ".join(mention.split())
        )
    else:
        text = sensitive(mention)
    text = text.strip(_STRIP)
    # Drop leading determiners, prepositions and lower-case directions: "in central Baghdad".
    # (The first word is looked at before anything else is built: most mentions start with
    # none. find() and a slice, not partition(): no rest string or tuple for them.)
    cut = text.find(" ")
    changed = False
    while cut > 0:
        first = text[:cut]
        low = first.casefold()
        if not (
            low in _LEADING  # one test rules out most first words
            and (low in _DETERMINERS or first in _PREPOSITIONS or first in _DIRECTIONS)
        ):
            break
        text = text[cut + 1 :]
        changed = True
        cut = text.find(" ")
    # strip_possessive() without its sensitive(): ``text`` is already in that form.
    if text.endswith(("'s", "'S")):
        text = text[:-2]
        changed = True
    return text.strip(_STRIP) if changed else text


def _latest(terms: Sequence[Term]) -> Term:
    """``max(terms, key=attrgetter("start"))``: the first of the terms that start last. (A
    loop: compiled, max() calls its key through Python for each term.)"""
    best = terms[0]
    for t in terms:
        if t.start > best.start:
            best = t
    return best


def _sentence_dot(word: str) -> bool:
    """Whether the word's final dot ends a sentence rather than an abbreviation: "officials.",
    "Ukraine." but not "U.S.", "Gen." or "Inc." (the tokenizer keeps a final dot for those)."""
    if not word.endswith(".") or "." in word[:-1]:
        return False
    bare = word[:-1]
    return len(bare) >= 4 or bare.islower()


def _is_title(p: _Part, titles: dict[str, str]) -> bool:
    """A title part for _place_fallback ("minister" is listed as a sector noun too, hence the
    title-table check). (A function, not a closure there: a compiled closure is an object
    built on each call.)"""
    return (p.kind == "title" or p.kind == "sector") and p.text in titles


class ActorResolver:
    """Resolve actor mentions against the knowledge base. Thread-safe for reading; results for
    (mention, date) pairs are cached.

    ``places``: when nothing in the knowledge base matches, fall back to the gazetteer, so
    that a city ("Samarra") still yields its country (no sector).
    """

    def __init__(self, kb: KnowledgeBase | None = None, *, places: bool = True) -> None:
        self._kb = kb if kb is not None else load_builtin()
        self._places = places
        self._cache: dict[tuple[str, dt.date | None], Resolution | None] = {}
        self._tok_memo: dict[str, _Tok] = {}
        self._solo_memo: dict[str, _Fields] = {}

    @classmethod
    def from_files(cls, paths: Iterable[str | Path], *, places: bool = True) -> ActorResolver:
        """The built-in knowledge base with user files merged over it, in order."""
        resolver = cls(places=places)
        for p in paths:
            resolver.load_user_file(p)
        return resolver

    @property
    def kb(self) -> KnowledgeBase:
        return self._kb

    def load_user_file(self, path: str | Path) -> int:
        """Merge a user actor file (format: :mod:`eventwire.actors.entries`) over the current
        knowledge base; return how many entries it held. Raises InputError on a bad file."""
        p = Path(path)
        entries = parse_entries(read_yaml(p), source=str(p))
        self._kb = self._kb.merged(entries)
        self._cache.clear()
        self._tok_memo.clear()
        self._solo_memo.clear()
        return len(entries)

    # -- public lookups -------------------------------------------------------------------

    def resolve(self, mention: str, *, date: dt.date | None = None) -> Entity | None:
        """The entity a mention names, or None when unknown or relational ("US allies")."""
        r = self._cached(mention, date)
        return r.entity if r is not None else None

    def explain(self, mention: str, *, date: dt.date | None = None) -> Resolution | None:
        """Like :meth:`resolve`, also saying which kind of record and rule were used."""
        return self._cached(mention, date)

    def _cached(self, mention: str, date: dt.date | None) -> Resolution | None:
        """:meth:`explain` (called positionally by resolve(): no keyword passing)."""
        cache = self._cache
        key = (mention, date)
        r = cache.get(key, _MISS)
        if r is not _MISS:
            return r
        r = self._explain(mention, date)
        if len(cache) >= _CACHE_SIZE:
            cache.clear()  # crude but bounded; a news corpus repeats few mentions
        cache[key] = r
        return r

    def find_mentions(
        self, text: str, *, date: dt.date | None = None
    ) -> list[tuple[int, int, Entity]]:
        """Actor mentions in ``text`` as (start, end, entity), left to right, longest first.

        A match grows over the words that qualify it: titles before a person ("President Joe
        Biden"), nationality + title + person ("South Korean President Moon Jae-in"), sector
        nouns after ("Russian troops", "the Biden administration"). Relational groups ("US
        allies") are skipped."""
        kb = self._kb
        tokens = tokenize(text)
        memo, table = self._tok_memo, kb.tok_table
        toks = [memo.get(w) or table.get(w) or self._tok(w) for w, _, _ in tokens]
        out: list[tuple[int, int, Entity]] = []
        n = len(tokens)
        i = 0
        last_end_tok = 0
        while i < n:
            m = self._match_at(text, tokens, toks, i)
            if m is None:
                i += 1
                continue
            j, records, end_char = m
            start_tok = i
            kind = records[0].kind
            if kind == "person":
                # Titles (and "former") right before a person belong to the mention.
                k = i
                while k > last_end_tok:
                    w = toks[k - 1].folded
                    if w in kb.title_words or w in kb.former_words:
                        k -= 1
                    else:
                        break
                start_tok = k
                if tokens[i][0][:1].islower():
                    # "said" is not Qaboos bin Said: names in running text are capitalised.
                    i += 1
                    continue
            if end_char == tokens[j - 1][2]:
                j, end_char = self._extend(text, tokens, toks, j, end_char, kind)
            if j < n and toks[j].bare in kb.relational_words and end_char == tokens[j - 1][2]:
                last_end_tok = i = j + 1
                continue
            start_char = tokens[start_tok][1]
            if _sentence_dot(tokens[j - 1][0]) and end_char == tokens[j - 1][2]:
                end_char -= 1  # "met Spanish officials.": the sentence's full stop
            ent = self.resolve(text[start_char:end_char], date=date)
            if ent is not None:
                out.append((start_char, end_char, ent))
            last_end_tok = i = j
        return out

    def resolve_in(
        self, text: str, start: int, end: int, *, date: dt.date | None = None
    ) -> Entity | None:
        """The entity that ``text[start:end]`` names, read in its sentence ``text`` (the
        rules are listed under :meth:`read_in`)."""
        return self.read_in(text, [(start, end)], date=date)[0]

    def read_in(
        self,
        text: str,
        spans: Sequence[tuple[int, int]],
        *,
        found: Sequence[tuple[int, int, Entity]] | None = None,
        date: dt.date | None = None,
        places: Sequence[bool] | None = None,
        borrow: bool = True,
    ) -> list[Entity | None]:
        """The entity each span ``text[start:end]`` names, read in its sentence ``text``.

        ``found``: what ``find_mentions(text, date=date)`` returned, from a caller that has
        already scanned the sentence (the coder), so that it is not scanned twice; scanned
        here when None. ``places``: one flag per span (default all True); False says the span
        cannot be a place (a name spaCy calls a person): a span that only the gazetteer knows
        ("Kim", a town in India) then names no actor (None), nor does its grown form.
        ``borrow``: apply the last rule below (a country taken from the rest of the sentence);
        the coder keeps it on (see ``RuleCoder._mentions_in_context`` for what it costs).

        What the sentence adds to the mention alone (each rule only fills what the mention
        leaves open, except where said):

        * the scanner's own view first: a mention that :meth:`find_mentions` grew over the
          span's qualifiers ("UN" in "UN peacekeepers", "Carlos Menem" in "former president
          Carlos Menem") resolves as the grown mention;
        * titles, "former" words and a sector noun right before an unknown name belong to it
          ("opposition leader Maulana Fazl-ur-Rehman", "the newspaper La Prensa");
        * a nationality coordinated with the head noun takes its sector ("Hungarian" in
          "Hungarian and Romanian officials" -> GOV);
        * a capital or city after a locative preposition ("a curfew in Algiers", "in the town
          of Cizre") is the place's people (CVL), not its government;
        * "ethnic" peoples are coded where the sentence places them, as CAMEO and PLOVER code
          minorities ("ethnic Albanians demonstrated in Serbia" -> SRB);
        * a mention with no country ("Judge Alejandro Rivera", "hostage-takers") takes the one
          country the rest of the sentence names, when it names exactly one; but not an
          unknown proper name with no title ("the Oxbridge Civil Rights Union sued the FBI",
          "the Third World Water Forum said the US ..."): an organisation's own name says
          nothing of its country, and the one other country named is as often its
          counterpart's (in the PLOVER gold records such names were placed right once in
          four).
        """
        if found is None:
            found = self.find_mentions(text, date=date)
        tokens = tokenize(text)
        flags = places if places is not None else [True] * len(spans)
        return [
            self._in_context(text, tokens, found, s, e, date, ok, borrow)
            for (s, e), ok in zip(spans, flags, strict=True)
        ]

    def _in_context(
        self,
        text: str,
        tokens: list[Token],
        found: Sequence[tuple[int, int, Entity]],
        start: int,
        end: int,
        date: dt.date | None,
        places: bool,
        borrow: bool,
    ) -> Entity | None:
        """One span of :meth:`read_in`; ``tokens``: the sentence's, shared by its spans."""
        span = text[start:end]
        if not places:
            r = self.explain(span, date=date)
            if r is not None and r.rule == "place":
                return None
        ent, grown = self._resolve_with_left(text, tokens, start, end, date, places)
        for s, e, f in found:
            # The scanner's longer mention wins when it adds words before the span ("former
            # president Carlos Menem") or the span alone says no sector ("UN" peacekeepers);
            # "South Korean army" stays MIL in "South Korean army officers".
            if (
                s <= start
                and e >= end
                and (s, e) != (start, end)
                and f.code is not None
                and (s < start or ent is None or ent.sector is None)
            ):
                ent = replace(f, text=text[s:e])
                break
        bare_name = False
        if ent is None:
            # Nothing known by name: the mention's words may still say a sector
            # ("hostage-takers"), and a capitalised name may still be placed by the sentence.
            sector = self._words_sector(grown)
            if sector is None and not all(w[:1].isupper() for w in span.split()):
                return None
            ent = Entity(text=span, code=None, sector=sector)
            bare_name = grown == span and self._bare_name(span)
        before = [t for t in tokens if t[2] <= start]
        after = [t for t in tokens if t[1] >= end]
        kb = self._kb
        if ent.sector is None and after:
            # "Hungarian and Romanian officials": skip the coordinated nationalities.
            k = 0
            while (
                k + 1 < len(after)
                and fold(after[k][0]) in ("and", "or")
                and self._kb.lookup(after[k + 1][0])
            ):
                k += 2
            if k and k < len(after):  # "... South Korea and China.": no head noun follows
                toks = [self._tok(t[0]) for t in after[k:]]
                j = self._phrase_at(toks, 0, kb.sector_words)
                if j:
                    key = " ".join([t.folded for t in toks[:j]])
                    ent = replace(ent, sector=kb.sector_words.get(key))
        first = fold(span.split(" ", 1)[0]) if span else ""
        prev = fold(before[-1][0]) if before else ""
        if prev == "of" and len(before) > 1 and fold(before[-2][0]) in _SETTLEMENT:
            prev = "in"  # "in the town of Cizre"
        if ent.sector in ("GOV", None) and (first in _LOCATIVE or prev in _LOCATIVE):
            r = self.explain(span, date=date)
            if r is None or r.kind == "capital" or r.rule == "place":
                ent = replace(ent, sector="CVL")
        others = [
            f.code
            for s, e, f in found
            if (e <= start or s >= end) and f.code is not None and f.code in kb.countries
        ]
        if ent.code is not None and "ethnic" in fold(span).split():
            moved = next((c for c in others if c != ent.code), None)
            inside = [
                f.code
                for s, e, f in found
                if start <= s and e <= end and f.code in kb.countries and f.code != ent.code
            ]
            where = inside[0] if inside else moved
            if where is not None:
                ent = replace(ent, code=where, name=kb.countries[where].name)
        if borrow and ent.code is None and not bare_name and not self._relational(span):
            codes = set(others)
            if len(codes) == 1:
                code = codes.pop()
                ent = replace(ent, code=code, name=ent.name or kb.countries[code].name)
        return ent

    def _resolve_with_left(
        self,
        text: str,
        tokens: list[Token],
        start: int,
        end: int,
        date: dt.date | None,
        places: bool = True,
    ) -> tuple[Entity | None, str]:
        """The span, grown leftwards over titles, "former" words and one sector noun when the
        span alone is an unknown name (no knowledge-base record); and the grown text.
        ``places`` False: a grown reading that rests on the gazetteer alone is dropped."""
        span = text[start:end]
        r = self.explain(span, date=date)
        if r is not None and r.kind is not None:
            return r.entity, span
        kb = self._kb
        tokens = [t for t in tokens if t[2] <= start]
        k = len(tokens)
        took = False
        while k > 0:
            # The longest title or sector phrase that ends right before the span so far.
            for width in (3, 2, 1):
                if k - width < 0:
                    continue
                words = " ".join(fold(t[0]) for t in tokens[k - width : k])
                if (
                    words in kb.title_words
                    or words in kb.former_words
                    or (not took and words in kb.sector_words)
                ):
                    k -= width
                    took = True
                    break
            else:
                break
        own = r.entity if r is not None else None
        if k == len(tokens):
            return own, span
        wider = text[tokens[k][1] : end]
        grown = self.explain(wider, date=date)
        if grown is None or (not places and grown.rule == "place"):
            return own, wider
        return replace(grown.entity, text=span), wider

    def _words_sector(self, mention: str) -> str | None:
        """The sector the mention's own words give (its last sector noun or title), for a
        mention that names no known actor ("hostage-takers", "car bomb")."""
        text = _clean(mention)
        tokens = tokenize(text)
        toks = [self._tok(t[0]) for t in tokens]
        parts = self._parts(text, tokens, toks)
        sectors = [p.sector for p in parts if p.kind in ("sector", "title") and p.sector]
        return sectors[-1] if sectors else None

    def _bare_name(self, mention: str) -> bool:
        """True for a proper name with no title or "former" word among its words: every word
        capitalised but joiners ("Association of African Jurists")."""
        text = _clean(mention)
        tokens = tokenize(text)
        if not tokens or not all(t[0][:1].isupper() or t[0] in _JOINERS for t in tokens):
            return False
        toks = [self._tok(t[0]) for t in tokens]
        parts = self._parts(text, tokens, toks)
        titles = self._kb.title_words
        # "Judge", "Minister" are sector nouns too: the title table decides.
        return not any(
            p.kind == "former" or (p.kind in ("title", "sector") and p.text in titles)
            for p in parts
        )

    def _relational(self, mention: str) -> bool:
        words = fold(mention).split()
        return any(w.rstrip(".") in self._kb.relational_words for w in words)

    # -- matching -------------------------------------------------------------------------

    def _tok(self, word: str) -> _Tok:
        """The token's folded forms, alias span and sector/title phrase span.

        Memoised per token: the scanner asks this for every word of every text, and a news
        corpus repeats its words."""
        memo = self._tok_memo
        hit = memo.get(word) or self._kb.tok_table.get(word)
        if hit is not None:
            return hit
        kb = self._kb
        if word.isascii() and "-" not in word and not word.endswith(("'s", "'S", ".")):
            # The common case, a plain ASCII word: _tok_general() reduces to this (one folded
            # form, no possessive or final dot to look past).
            folded = word.casefold()
            fw = kb.first_words
            span = fw.get(word, 0)
            alt = fw.get(folded, 0)
            hit = _new(
                _Tok,
                (
                    word,
                    folded,
                    folded,
                    alt if alt > span else span,
                    kb.sector_first.get(folded) or 0,
                    None,
                ),
            )
        else:
            hit = self._tok_general(word)
        if len(memo) >= _CACHE_SIZE:
            memo.clear()
        memo[word] = hit
        return hit

    def _tok_general(self, word: str) -> _Tok:
        """:meth:`_tok` for any token, unmemoised."""
        kb = self._kb
        fw = kb.first_words
        folded = _fold_token(word)
        head = folded.split(" ", 1)[0] if " " in folded else folded
        # Aliases are indexed by their first word as written (acronyms: "US", "U.S.") or
        # folded ("al-Qaeda" -> "al qaeda" -> "al"); a possessive or final dot is not part of it.
        span = max(fw.get(word, 0), fw.get(head, 0))
        sens = word if word.isascii() else sensitive(word)
        if sens is not word:
            span = max(span, fw.get(sens, 0))
        if sens.endswith(("'s", "'S", ".")):
            base = (sens[:-2] if sens.endswith(("'s", "'S")) else sens).rstrip(".")
            span = max(span, fw.get(base, 0), fw.get(_fold_token(base).split(" ", 1)[0], 0))
        first = kb.sector_first
        phrase = first.get(head) or first.get(head.rstrip(".")) or 0
        bare = _fold_token(word.rstrip(".")) if word.endswith(".") else folded
        return _new(_Tok, (word, folded, bare, span, phrase, None))

    def _tok_with_solo(self, word: str) -> _Tok:
        """:meth:`_tok` with ``solo`` filled in where the token's part is its own (for the
        knowledge base's token table: _tok() leaves it to _parts(), which memoises it, so
        that the scanner, which asks for every word of every text, pays nothing for it)."""
        tk = self._tok(word)
        if tk.span > 1 or tk.phrase > 1 or tk.bare == "ex":
            return tk
        return _new(_Tok, (*tk[:5], self._solo_fields(tk)))

    def _match_at(
        self, text: str, tokens: list[Token], toks: list[_Tok], i: int
    ) -> tuple[int, tuple[ActorRecord, ...], int] | None:
        """The longest knowledge-base match starting at token i: (end token, records, end char)."""
        if i >= len(tokens):
            return None  # a title ended the text: nothing follows it to match
        limit = toks[i].span
        if not limit:
            return None
        kb = self._kb
        words, pairs = kb.alias_words, kb.alias_pairs
        start = tokens[i][1]
        ascii_text = text.isascii()  # then every span is ASCII: no slice needed to know it
        # A token holds at least one alias word, so no match spans more tokens than words.
        for j in range(min(len(tokens), i + limit), i, -1):
            last = tokens[j - 1][0]
            if last.isalnum() and (ascii_text or text[start : tokens[j - 1][2]].isascii()):
                # Every normal form lookup() tries keeps a plain word as a word of its own
                # (the folded token), and the words of the span in order: if no alias has
                # the last word, or the last two words one after the other, it is a miss,
                # found without normalising the span.
                folded = toks[j - 1].folded
                if folded not in words:
                    continue
                if j - 1 > i and tokens[j - 2][0].isalnum():
                    if f"{toks[j - 2].folded} {folded}" not in pairs:
                        continue
            end = tokens[j - 1][2]
            span = text[start:end]
            # (kb.lookup called as a method, not through a local bound to it: compiled, that
            # is a direct call; the bound method would be a generic Python call.)
            recs = kb.lookup(span)
            if recs:
                return j, recs, end
            if last.endswith(("'s", "’s")):
                recs = kb.lookup(span[:-2])
                if recs:
                    return j, recs, end - 2
            elif last.endswith(".") and len(last) > 1:
                recs = kb.lookup(span[:-1])
                if recs:
                    return j, recs, end - 1
        return None

    @staticmethod
    def _phrase_at(toks: list[_Tok], i: int, table: dict[str, str]) -> int:
        """End token of the longest phrase from ``table`` starting at token i (i if none)."""
        tk = toks[i]
        limit = tk.phrase
        if not limit:
            return i
        if limit == 1:
            # The commonest case, a one-word phrase ("troops", "President"): no join.
            w = tk.folded
            return i + 1 if w in table or w.rstrip(".") in table else i
        for j in range(min(len(toks), i + limit), i, -1):
            words = toks[i].folded if j == i + 1 else " ".join([t.folded for t in toks[i:j]])
            if words in table or words.rstrip(".") in table:
                return j
        return i

    def _extend(
        self,
        text: str,
        tokens: list[Token],
        toks: list[_Tok],
        j: int,
        end_char: int,
        kind: Kind,
    ) -> tuple[int, int]:
        """Grow a match rightwards over titles, sector nouns, and a following person."""
        kb = self._kb
        n = len(tokens)
        took_title = False
        while j < n:
            if kind != "person":
                t = self._phrase_at(toks, j, kb.title_words)
                if t > j:
                    j, end_char, took_title = t, tokens[t - 1][2], True
                    m = self._match_at(text, tokens, toks, j)
                    if m is not None and m[1][0].kind == "person":
                        return m[0], m[2]
                    continue
            s = self._phrase_at(toks, j, kb.sector_words)
            if s > j:
                j, end_char = s, tokens[s - 1][2]
                took_title = took_title or kind == "demonym"
                continue
            break
        if took_title and kind == "demonym":
            # "Chinese businessman Li Wei": an unknown person's name after the title.
            k = j
            while (
                k < n and k < j + 4 and tokens[k][0][:1].isupper() and not kb.lookup(tokens[k][0])
            ):
                k += 1
            if k > j:
                j, end_char = k, tokens[k - 1][2]
        return j, end_char

    # -- resolution -----------------------------------------------------------------------

    def _explain(self, mention: str, date: dt.date | None) -> Resolution | None:
        text = _clean(mention)
        if not text:
            return None
        recs = self._kb.lookup(text)
        if not recs and text.endswith("."):
            recs = self._kb.lookup(text[:-1])
        if recs:
            rec = self._choose(recs, date)
            code, sector = self._role(rec, date)
            return _resolution_of(
                self._entity(mention, rec, code, sector, direct=True), rec.kind, "alias"
            )
        return self._compose(mention, text, date)

    def _parts(self, text: str, tokens: list[Token], toks: list[_Tok]) -> list[_Part]:
        kb = self._kb
        pairs = kb.alias_pairs
        solos = self._solo_memo
        ascii_text = text.isascii()
        parts: list[_Part] = []
        i, n = 0, len(tokens)
        while i < n:
            tk = toks[i]
            fields = tk.solo
            if (
                fields is None
                and tk.phrase <= 1
                and tk.bare != "ex"
                and (
                    tk.span <= 1
                    or i + 1 == n
                    or (
                        ascii_text
                        and tk.word.isalnum()
                        and toks[i + 1].word.isalnum()
                        and f"{tk.folded} {toks[i + 1].folded}" not in pairs
                    )
                )
            ):
                # No alias or phrase of several words starts here: none starts with the
                # token, none fits in what is left, or the next word does not follow it in
                # any alias (an alias over plain ASCII words has every two of them that
                # follow each other in alias_pairs, so a missing first pair rules out every
                # longer span). The token's part is its own (memoised per token, see _solo;
                # the knowledge base's token table has it for its own words).
                fields = solos.get(tk.word) or self._solo(toks, i, n)
            if fields is not None:
                # (Fields by index, not *fields: a star builds a list, then the tuple.)
                parts.append(_new(_Part, (i, i + 1, fields[0], fields[1], fields[2], fields[3])))
                i += 1
                continue
            if tk.span:
                m = self._match_at(text, tokens, toks, i)
                if m is not None:
                    parts.append(_new(_Part, (i, m[0], "kb", m[1], None, "")))
                    i = m[0]
                    continue
            j, fields = self._word_part(toks, i, n)
            parts.append(_new(_Part, (i, j, fields[0], fields[1], fields[2], fields[3])))
            i = j
        return parts

    def _solo(self, toks: list[_Tok], i: int, n: int) -> _Fields:
        """:meth:`_solo_fields` for token i where it makes its part alone (see _parts);
        memoised per token on the resolver."""
        fields = self._solo_fields(toks[i])
        memo = self._solo_memo
        if len(memo) >= _CACHE_SIZE:
            memo.clear()
        memo[toks[i].word] = fields
        return fields

    def _solo_fields(self, tk: _Tok) -> _Fields:
        """The part a token makes alone, where no alias or phrase of several words starts at
        it and it is not "ex" (whose part depends on what follows): what _match_at() finds
        for the token alone (the same lookups), else what _word_part() makes of it."""
        word = tk.word
        recs: tuple[ActorRecord, ...] = ()
        if tk.span:
            kb = self._kb
            recs = kb.lookup(word)
            if not recs:
                if word.endswith(("'s", "’s")):
                    recs = kb.lookup(word[:-2])
                elif word.endswith(".") and len(word) > 1:
                    recs = kb.lookup(word[:-1])
        return ("kb", recs, None, "") if recs else self._word_part([tk], 0, 1)[1]

    def _word_part(self, toks: list[_Tok], i: int, n: int) -> tuple[int, _Fields]:
        """The part that starts at token i when no alias does: (end token, its fields)."""
        kb = self._kb
        sector_words, title_words = kb.sector_words, kb.title_words
        tk = toks[i]
        w = tk.bare
        if "-" in tk.word:
            stem, _, suffix = tk.word.rpartition("-")
            if stem and suffix in _AFFILIATION and kb.lookup(stem):
                # "Vietnamese-led forces", "Iranian-backed militias": the named country.
                return i + 1, ("kb", kb.lookup(stem), None, "")
        if w in kb.former_words or (w == "ex" and i + 1 < n):
            return i + 1, ("former", (), None, "")
        if w in kb.relational_words:
            return i + 1, ("relational", (), None, "")
        if tk.phrase == 1:
            # Only one-word phrases start here: _phrase_at() on both tables, inlined (the
            # sector table wins a tie, as below).
            key = tk.folded
            sector = sector_words.get(key) or sector_words.get(key.rstrip("."))
            if sector is not None:
                return i + 1, ("sector", (), sector, key)
            sector = title_words.get(key) or title_words.get(key.rstrip("."))
            if sector is not None:
                return i + 1, ("title", (), sector, key)
        elif tk.phrase:
            # The longest sector phrase (ending at s) and the longest title phrase (ending at
            # t) that start here, as _phrase_at() finds them in each table, in one pass over
            # the lengths that joins each candidate once.
            s = t = i
            s_key = t_key = ""
            for j in range(min(n, i + tk.phrase), i, -1):
                key = tk.folded if j == i + 1 else " ".join([x.folded for x in toks[i:j]])
                bare_key = key.rstrip(".")
                if s == i and (key in sector_words or bare_key in sector_words):
                    s, s_key = j, key
                if t == i and (key in title_words or bare_key in title_words):
                    t, t_key = j, key
                if s > i and t > i:
                    break
            if s > i and s >= t:
                sector = sector_words.get(s_key) or sector_words.get(s_key.rstrip("."))
                return s, ("sector", (), sector, s_key)
            if t > i:
                sector = title_words.get(t_key) or title_words.get(t_key.rstrip("."))
                return t, ("title", (), sector, t_key)
        # A plural the sector list does not spell out: "negotiatorss" no, "generals" yes.
        if w.endswith("s") and w[:-1] in sector_words:
            return i + 1, ("sector", (), sector_words[w[:-1]], "")
        return i + 1, ("word", (), None, tk.word)

    def _two_word_parts(self, text: str) -> list[_Part] | None:
        """:meth:`_parts` for the commonest composed shape, two plain words that are a known
        name and a sector noun ("Russian troops", "Hamas militants"), without tokenising; None
        for anything else (the caller then takes the general path). Only called once
        ``lookup(text)`` has missed.

        Why this equals the general path: the text is two ASCII letter-only words with one
        space, so tokenize() gives exactly those two words, neither with a possessive, dot or
        hyphen. _match_at(0) tries the whole text first (the miss already seen), then the
        first word alone; a plain word that lookup() finds always starts an alias, so its
        token span is non-zero. The second word must not be a match of its own (else two "kb"
        parts), nor a "former" or relational word; it is then a sector part when the sector
        table has it (a one-word phrase beats or ties any title), or its singular (the plural
        rule), as long as the title table does not claim it first."""
        first, sep, second = text.partition(" ")
        if not (sep and first.isalpha() and second.isalpha() and text.isascii()):
            return None
        kb = self._kb
        recs = kb.lookup(first)
        if not recs or kb.lookup(second):
            return None
        w = second.casefold()
        if w in kb.former_words or w in kb.relational_words:
            return None
        sector_words = kb.sector_words
        sector = sector_words.get(w)
        if sector is not None:
            return [
                _new(_Part, (0, 1, "kb", recs, None, "")),
                _new(_Part, (1, 2, "sector", (), sector, w)),
            ]
        if w in kb.title_words or not w.endswith("s"):
            return None
        sector = sector_words.get(w[:-1])
        if sector is None:
            return None
        return [
            _new(_Part, (0, 1, "kb", recs, None, "")),
            _new(_Part, (1, 2, "sector", (), sector, "")),
        ]

    def _compose(self, mention: str, text: str, date: dt.date | None) -> Resolution | None:
        parts = self._two_word_parts(text)
        if parts is not None:
            # Neither part is a plain word, the only parts whose tokens _compose_parts
            # reads: no token list is needed.
            return self._compose_parts(mention, text, date, parts, [])
        tokens = tokenize(text)
        memo, table = self._tok_memo, self._kb.tok_table
        # self._tok(), not a local bound to it: compiled, a direct call (a bound method is a
        # generic Python call).
        toks = [memo.get(w) or table.get(w) or self._tok(w) for w, _, _ in tokens]
        return self._compose_parts(mention, text, date, self._parts(text, tokens, toks), toks)

    def _compose_parts(
        self,
        mention: str,
        text: str,
        date: dt.date | None,
        parts: list[_Part],
        toks: list[_Tok],
    ) -> Resolution | None:
        """The mention's resolution from its parts. ``toks``: the text's tokens, read only
        for plain-word parts."""
        # One pass over the head, up to the first splitter word after the first part ("of",
        # "in", ...), which starts the tail (this runs for every composed mention).
        kb_head: list[_Part] = []
        sectors: list[str | None] = []
        titles: list[str | None] = []
        former = False
        split = len(parts)
        for k, p in enumerate(parts):
            kind = p.kind
            if kind == "word":
                if k > 0 and toks[p.i].folded in _SPLITTERS:
                    split = k
                    break
            elif kind == "kb":
                kb_head.append(p)
            elif kind == "sector":
                sectors.append(p.sector)
            elif kind == "title":
                titles.append(p.sector)
            elif kind == "former":
                former = True
            elif kind == "relational":
                # "US allies", "its neighbours": a relation to the country, not the country.
                return None
        head, tail = parts[:split], parts[split:]
        main: ActorRecord | None = None
        if len(kb_head) == 1:
            recs = kb_head[0].records
            main = recs[0] if len(recs) == 1 else self._choose(recs, date)
        elif kb_head:
            # Kind order, then a record with a country before one without ("Iraqi Kurds"); the
            # first of the best (min() without its generator and key calls).
            best: tuple[int, bool] | None = None
            for p in kb_head:
                recs = p.records
                rec = recs[0] if len(recs) == 1 else self._choose(recs, date)
                rank = (_KIND_ORDER[rec.kind], rec.code is None)
                if best is None or rank < best:
                    main, best = rec, rank
        else:
            kb_tail = [p for p in tail if p.kind == "kb"]
            if kb_tail:
                main = self._choose(kb_tail[0].records, date)
        rule: Rule = "composed"
        if main is None:
            main = self._fuzzy_person(parts, text)
            rule = "fuzzy-name"
        if main is None and self._places:
            return self._place_fallback(mention, text, parts)
        if main is None:
            return None
        code, sector = self._role(main, date)
        if code is None:
            # A group with no one country ("Kurdish fighters in Syria"): where it is placed.
            code = next(
                (r.code for p in tail if p.kind == "kb" for r in p.records[:1] if r.code), None
            )
        # (A leader's group needs a sector noun in the head: none, no group.)
        group = (
            self._leader_group(main, head, code, date)
            if main.kind == "person" and sectors
            else None
        )
        if group is not None:
            return Resolution(replace(group, text=mention), main.kind, rule)
        if not (sectors or titles or kb_head):
            # "a member of the Syrian parliament": the head says nothing, the tail does.
            sectors = [p.sector for p in tail if p.kind == "sector"]
            titles = [p.sector for p in tail if p.kind == "title"]
        if main.kind == "person" and date is None and (titles or sectors):
            titles = titles or sectors  # "General" is a sector noun and a title
            # Undated "Prime Minister Ismail Haniyeh": the term whose office the title names.
            # (A title part's text is its folded words, joined.)
            said = {p.text for p in parts if p.kind == "title"}
            named = [t for t in main.terms if t.office and fold(t.office) in said]
            if named:
                code, sector = named[-1].code or main.code, named[-1].sector
            elif titles[-1] is not None:
                # No term holds the office the story names ("General Michel Aoun", later a
                # president): undated, the story's own title is the best evidence of the
                # role the person had then.
                sector = titles[-1]
        if former and (titles or main.kind == "person" or sectors):
            sector = "ELI"
        elif main.kind == "person" and main.terms:
            pass  # the person's own dated role beats a title written in the story
        elif sectors:
            sector = sectors[-1]
        elif titles:
            sector = titles[-1]
        elif main.kind in ("demonym", "country") and not main.sector:
            # "Bosnian Serbs", "Iraqi Kurds": a plural people noun qualified by a country is
            # that country's people (CVL), like the plural alone ("Serbs").
            people = any(
                r.kind == "demonym" and r.sector == "CVL" for p in kb_head for r in p.records
            )
            sector = "CVL" if people else None
        direct = main.kind in ("person", "organisation")
        ent = self._entity(mention, main, code, sector, direct=direct)
        if main.code is None and code is not None and code in self._kb.countries:
            ent = replace(ent, name=self._kb.countries[code].name)  # placed by the tail
        return _resolution_of(ent, main.kind, rule)

    def _leader_group(
        self, main: ActorRecord, head: list[_Part], code: str | None, date: dt.date | None
    ) -> Entity | None:
        """A leader's name qualifying a group noun: "the Biden administration", "the Putin
        regime", "Djindjic's opposition coalition", "Putin's army". The mention names the group
        (the country's government, its army, the opposition), not the person: the person's
        country, the noun's sector, the country's name, and no person id."""
        if main.kind != "person":
            return None
        at = next((p.j for p in head if p.kind == "kb" and any(r is main for r in p.records)), None)
        if at is None:
            return None
        after = [p for p in head if p.kind == "sector" and p.i >= at]
        if not after:
            return None
        sector = after[-1].sector
        if any(p.kind == "former" for p in head):
            sector = "ELI"
        country = self._kb.countries.get(code or "")
        return Entity(
            text="",
            code=code,
            sector=sector,
            name=country.name if country else None,
            id=None,
        )

    def _fuzzy_person(self, parts: list[_Part], text: str) -> ActorRecord | None:
        """A misspelt known person after a title: "President Laurent Gbago"."""
        if not any(p.kind == "title" for p in parts):
            return None
        words = [p.text for p in parts if p.kind == "word" and p.text[:1].isupper()]
        if not words:
            return None
        index = self._kb.fuzzy_index()
        name = fold(" ".join(w for w in words if w))
        # Only the names of a length that can reach the cutoff are scored (same result: see
        # kb._by_length); rapidfuzz converts every choice it is given on each call.
        n = len(name)
        if " " in name:
            names = index.names_by_len[n] if n < len(index.names_by_len) else ()
            hit = process.extractOne(name, names, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            return self._kb.persons[hit[0]] if hit else None
        keys = index.surnames_by_len[n] if n < len(index.surnames_by_len) else ()
        hit = process.extractOne(name, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if hit and len(index.surnames[hit[0]]) == 1:
            return self._kb.persons[index.surnames[hit[0]][0]]
        return None

    def _place_fallback(self, mention: str, text: str, parts: list[_Part]) -> Resolution | None:
        # Never a place (documented rule): a single capitalised word that is a common
        # personal name ("Kim", "Lee", "Moon": a person by surname, not Kim, India), and any
        # capitalised words next to a title (below).
        words = [p for p in parts if p.kind != "word" or p.text]
        if len(words) == 1 and fold(words[0].text) in self._kb.common_names:
            return None
        # "Khanty-Mansiysk (Siberia)": a parenthesis closes the name.
        # Without one, every part starts before the text's last token: no tokens to count
        # (len(text) is past them all).
        cut = text.find("(")
        last_tok = len(tokenize(text[:cut])) if cut > 0 else len(text)
        titles = self._kb.title_words

        # Capitalised runs that touch a title are a person's name, never a place ("Federal
        # Minister ... Aftab Sherpao" is not Federal, Argentina; "President Kim" is not Kim,
        # India); a place after a splitter still counts ("deputy governor of Tyumen").
        runs: list[str] = []
        cur: list[str] = []
        touched = False
        prev: _Part | None = None
        for p in parts:
            if p.i >= last_tok:
                break
            if p.kind == "word" and p.text[:1].isupper():
                if not cur:
                    touched = prev is not None and _is_title(prev, titles)
                cur.append(p.text)
            else:
                if cur and not (touched or _is_title(p, titles)):
                    runs.append(" ".join(cur))
                cur = []
            prev = p
        if cur and not touched:
            runs.append(" ".join(cur))
        if len(runs) == 1 and " " not in runs[0] and fold(runs[0]) in self._kb.common_names:
            return None
        gaz = get_gazetteer()
        for run in runs:
            place = gaz.lookup(run)
            if place is not None and place.country:
                sectors = [p.sector for p in parts if p.kind in ("sector", "title")]
                country = self._kb.countries.get(place.country)
                ent = _entity_of(
                    mention,
                    place.country,
                    sectors[0] if sectors else None,
                    country.name if country else place.name,
                    None,
                )
                return _resolution_of(ent, None, "place")
        return None

    # -- records --------------------------------------------------------------------------

    def _choose(self, recs: tuple[ActorRecord, ...], date: dt.date | None) -> ActorRecord:
        if len(recs) == 1:
            return recs[0]
        user = [r for r in recs if r.source != "built-in"]
        if user:
            return user[0]
        if date is not None:
            in_office = [r for r in recs if any(t.covers(date) for t in r.terms)]
            if in_office:
                return in_office[0]
            started = [r for r in recs if r.terms and r.terms[0].start <= date]
            if started:
                return max(started, key=lambda r: r.terms[-1].start)
        return min(
            recs,
            key=lambda r: (
                _KIND_ORDER[r.kind],
                -(r.terms[-1].start.toordinal() if r.terms else 0),
            ),
        )

    @staticmethod
    def _role(rec: ActorRecord, date: dt.date | None) -> tuple[str | None, str | None]:
        """(code, sector) for a record on a date: dated terms for people and groups."""
        if not rec.terms:
            return rec.code, rec.sector
        if date is None:
            if rec.kind == "person":
                t = _latest(rec.terms)
                return t.code or rec.code, t.sector
            return rec.code, rec.sector
        current = [t for t in rec.terms if t.covers(date)]
        if current:
            t = _latest(current)
            return t.code or rec.code, t.sector
        if rec.kind != "person":
            return rec.code, rec.sector
        if any(t.end is not None and t.end <= date for t in rec.terms):
            return rec.code, "ELI"
        return rec.code, None

    def _entity(
        self,
        mention: str,
        rec: ActorRecord,
        code: str | None,
        sector: str | None,
        *,
        direct: bool,
    ) -> Entity:
        if rec.kind in ("person", "organisation", "seat"):
            name = rec.name
        else:
            country = self._kb.countries.get(rec.code or "")
            name = country.name if country else rec.name
        return _entity_of(mention, code, sector, name, rec.id if direct else None)


def token_tables(kb: KnowledgeBase) -> dict[str, _Tok]:
    """The resolver's token facts (``_tok``, with each token's lone part) for every word the
    knowledge base's keys are written with, as written and capitalised: what any resolver
    would compute for those words, computed once when the knowledge base loads (see
    ``KnowledgeBase.tok_table``). Built by the resolver's own method, so they agree."""
    r = ActorResolver(kb, places=False)
    words: set[str] = set()
    for key in (
        *kb.folded,
        *kb.exact,
        *kb.sector_words,
        *kb.title_words,
        *kb.former_words,
        *kb.relational_words,
    ):
        for w, _, _ in tokenize(key):
            words.add(w)
            words.add(w[:1].upper() + w[1:])
    return {w: r._tok_with_solo(w) for w in words}
