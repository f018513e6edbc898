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

The work is split over modules that build one object: :mod:`~eventwire.actors.scanner` (tokens,
knowledge-base matches and a mention's parts), :mod:`~eventwire.actors.composer` (one mention's
resolution) and :mod:`~eventwire.actors.fuzzy` (misspelt names); this module adds the public
lookups and the reading of a mention in its sentence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Final

from eventwire.model import Entity

from .composer import Resolution, _Composer, name_goes_on, subdivision_of

# Re-exported (``as`` the same name), like _AFFILIATION below: tests import them from here.
from .composer import _entity_of as _entity_of
from .composer import _resolution_of as _resolution_of
from .entries import parse_entries, read_yaml
from .kb import KnowledgeBase, load_builtin
from .records import ActorRecord
from .scanner import _AFFILIATION as _AFFILIATION
from .scanner import _CACHE_SIZE, NAME_PARTICLES, _clean, _sentence_dot, _Tok
from .text import Token, fold, tokenize

__all__ = ["ActorResolver", "Resolution"]

# Prepositions that make a following place a location rather than an actor ("a curfew in
# Algiers": the people there, not the Algerian government).
_LOCATIVE: Final = frozenset({"in", "at", "near", "inside", "across", "throughout"})
# Lower-case words inside a proper name: "Association of African Jurists".
_JOINERS: Final = frozenset({"of", "for", "and", "the", "de", "la", "el", "al", "du", "des", "on"})
_SETTLEMENT: Final = frozenset({"town", "city", "village", "capital", "port", "district"})

# What explain()'s cache gives back for a mention it has not seen (a get with a default costs
# less than the KeyError a first sight would raise).
_MISS: Final = Resolution(Entity(""), None, "alias")


def _names_someone(tokens: list[Token], toks: list[_Tok], j: int) -> bool:
    """Token ``j``, right after a place's name, goes on with it as one name
    (:func:`~eventwire.actors.composer.name_goes_on`), and no alias, sector or title starts it;
    the composer's ``_starts_a_name`` is the same test on a mention's parts."""
    if j >= len(tokens) or tokens[j][1] != tokens[j - 1][2] + 1:
        return False
    if tokens[j - 1][0].endswith(("'s", "’s")):
        return False  # "Nicaragua's Sandinista government" is Nicaragua's
    if toks[j].span or toks[j].phrase:
        return False
    after = tokens[j + 1][0] if j + 1 < len(tokens) else ""
    return name_goes_on(tokens[j][0], after)


class ActorResolver(_Composer):
    """Resolve actor mentions against the knowledge base. Thread-safe for reading; results for
    (mention, date) pairs are cached.

    ``places``: when nothing in the knowledge base matches, fall back to the gazetteer, so
    that a city ("Samarra") still yields its country (no sector).
    """

    def __init__(self, kb: KnowledgeBase | None = None, *, places: bool = True) -> None:
        super().__init__(kb if kb is not None else load_builtin(), places)
        self._cache: dict[tuple[str, dt.date | None], Resolution | None] = {}

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
            if (kind == "capital" or kind == "seat") and i > 0:
                if toks[i - 1].folded in NAME_PARTICLES:
                    i += 1  # "Leila de Lima", "De Lima said": a surname, not the city
                    continue
            if kind != "person":
                # "New Jersey", "New South Wales": the mention is the state, not Jersey, Wales.
                start_tok = self._longer_place_start(tokens, i, j, records, last_end_tok)
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
                if (kind == "capital" or kind == "country") and _names_someone(tokens, toks, j):
                    # "Victoria Nuland said", "Paris Hilton", "the Washington Post": a name
                    # that starts with the place's, not the place's government.
                    last_end_tok = i = j + 1
                    continue
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

    def _longer_place_start(
        self,
        tokens: list[Token],
        i: int,
        j: int,
        records: Sequence[ActorRecord],
        floor: int,
    ) -> int:
        """Where the mention of tokens ``i`` to ``j`` starts: earlier, at up to two capitalised
        words (after ``floor``), where with them it names a subdivision of another country
        (:func:`~eventwire.actors.composer.subdivision_of`)."""
        if not self._places:
            return i
        codes = [r.code for r in records]
        for k in (i - 1, i - 2):
            if k < floor or not tokens[k][0][:1].isupper():
                break
            if subdivision_of(" ".join(t[0] for t in tokens[k:j]), codes) is not None:
                return k
        return i

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
