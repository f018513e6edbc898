"""The actor resolver's reading of one mention: an exact or alias lookup, else the
composition of its parts (nationality or country + sector noun or title + a known person or
organisation, dated roles, a leader's group), else a misspelt person
(:mod:`~eventwire.actors.fuzzy`), else a place in the gazetteer. The conventions are listed in
:mod:`eventwire.actors.resolver`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from typing import Any, Final, Literal

from eventwire.geo import get_gazetteer
from eventwire.model import Entity

from .fuzzy import fuzzy_person
from .kb import KnowledgeBase
from .records import ActorRecord, Kind, Term, reduce_frozen
from .scanner import _clean, _Part, _particle, _Scanner, _Tok
from .text import fold, tokenize

Rule = Literal["alias", "composed", "fuzzy-name", "place"]

# Words after which the rest of a mention only locates or qualifies its head noun:
# "refugees fleeing the civil war in Liberia", "president of Armenia".
_SPLITTERS: Final = frozenset(
    "of in from at near based along on for operating living fleeing loyal ordered throughout "
    "inside outside across".split()
)
_KIND_ORDER: Final[dict[Kind, int]] = {
    "person": 0,
    "organisation": 1,
    "seat": 2,
    "country": 3,
    "capital": 4,
    "demonym": 5,
}


@dataclass(frozen=True, slots=True)
class Resolution:
    """How a mention was resolved: the entity, the kind of the knowledge-base record it rests
    on (None when only words composed it) and the rule used."""

    entity: Entity
    kind: Kind | None
    rule: Rule

    def __reduce__(self) -> tuple[Any, ...]:
        return reduce_frozen(self)


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


def _latest(terms: Sequence[Term]) -> Term:
    """``max(terms, key=attrgetter("start"))``: the first of the terms that start last. (A
    loop: compiled, max() calls its key through Python for each term.)"""
    best = terms[0]
    for t in terms:
        if t.start > best.start:
            best = t
    return best


def subdivision_of(name: str, codes: Sequence[str | None]) -> str | None:
    """The country of the subdivision (state, province) ``name`` names, where it is not one
    of ``codes``: the countries a knowledge-base name inside it stands for. "New Jersey" is
    the US state, not Jersey; "New South Wales" Australia's, not Wales; "New Mexico" not
    Mexico."""
    place = get_gazetteer().subdivision(name)
    if place is not None and place.country is not None and place.country not in codes:
        return place.country
    return None


def _subdivision(words: list[str]) -> bool:
    """The words name a state or province in the gazetteer."""
    return get_gazetteer().subdivision(" ".join(words)) is not None


def longer_place(words: Sequence[str], codes: Sequence[str | None]) -> str | None:
    """:func:`subdivision_of` over the runs of two and three capitalised ``words``."""
    for width in (3, 2):
        for k in range(len(words) - width + 1):
            window = words[k : k + width]
            if all(w[:1].isupper() for w in window):
                country = subdivision_of(" ".join(window), codes)
                if country is not None:
                    return country
    return None


# Words before a surname that are a form of address, not a given name ("Mr Abbott").
_ADDRESS: Final = frozenset(
    "mr mrs ms miss dr sen rep gov gen lt col maj capt adm sir dame lord lady rev comrade "
    "mullah crown field prof professor judge justice general senator representative governor "
    "father brother sister saint madam madame monsieur herr frau don sheikha shaikh haji hajji "
    "mister former late".split()
)
# How alike a given name must be to one of the record's names to be a spelling of it
# ("Mohammed" and "Mohammad"), by difflib's ratio.
_SAME_NAME: Final = 0.75


def _other_given_name(part: _Part, before: _Part | None, toks: list[_Tok]) -> bool:
    """A person's known name after a capitalised given name that is none of the person's:
    "Greg Abbott" is not Tony Abbott, "Jeb Bush" not George W. Bush, "Michelle Obama" not
    Barack Obama. An initial that fits ("G. Bush") and a spelling of one of the names
    ("Mohammad bin Salman") are the same person."""
    rec = part.records[0]
    if rec.kind != "person" or before is None or before.kind != "word" or not toks:
        return False
    word = toks[before.i].word.rstrip(".")
    if not word[:1].isupper() or fold(word) in _ADDRESS:
        return False
    names = fold(rec.name).replace("-", " ").split()
    given = fold(word)
    if len(given) == 1:
        return not any(n.startswith(given) for n in names)
    return not any(SequenceMatcher(None, given, n).ratio() >= _SAME_NAME for n in names)


def name_goes_on(word: str, after: str) -> bool:
    """``word``, right after a place's name, makes it someone's or something's name: a
    capitalised word (not an acronym) with no capitalised word ``after`` it ("Victoria Nuland
    said"; a headline's "Pyongyang Fires Missile" goes on in capitals)."""
    if not (word[:1].isupper() and word.isalpha() and len(word) > 2 and not word.isupper()):
        return False
    return not (after[:1].isupper() and after.isalpha())


def _starts_a_name(parts: list[_Part], k: int, toks: list[_Tok]) -> bool:
    """Part ``k``, a place, is the first word of a name that goes on in a capitalised word
    nothing in the knowledge base starts ("Victoria Nuland", "Paris Hilton", "the Washington
    Post"): :func:`name_goes_on`, for a word no alias, sector or title starts."""
    rec = parts[k].records[0] if parts[k].records else None
    if rec is None or rec.kind not in ("capital", "country") or k + 1 >= len(parts) or not toks:
        return False
    nxt = parts[k + 1]
    if nxt.kind != "word" or toks[parts[k].j - 1].word.endswith(("'s", "’s")):
        return False  # "Nicaragua's Sandinista government" is Nicaragua's
    after = toks[nxt.i + 1].word if nxt.i + 1 < len(toks) else ""
    return name_goes_on(toks[nxt.i].word, after)


def _is_title(p: _Part, titles: dict[str, str]) -> bool:
    """A title part for _place_fallback ("minister" is listed as a sector noun too, hence the
    title-table check). (A function, not a closure there: a compiled closure is an object
    built on each call.)"""
    return (p.kind == "title" or p.kind == "sector") and p.text in titles


class _Composer(_Scanner):
    """A mention's :class:`Resolution`: lookups and composition over :class:`_Scanner`'s
    parts. ``places``: fall back to the gazetteer when nothing else matches."""

    def __init__(self, kb: KnowledgeBase, places: bool) -> None:
        super().__init__(kb)
        self._places = places

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
        begins_name = False  # a place's name began an unknown name ("Victoria Nuland")
        split = len(parts)
        for k, p in enumerate(parts):
            kind = p.kind
            if kind == "word":
                if k > 0 and toks[p.i].folded in _SPLITTERS:
                    split = k
                    break
            elif kind == "kb":
                # A place's name that begins another's ("Victoria Nuland") is no place; a
                # known surname after another given name ("Greg Abbott") is no one we know,
                # and the rest of the mention speaks ("German Foreign Minister Oskar
                # Fischer" is German, not Joschka Fischer).
                if _starts_a_name(parts, k, toks):
                    begins_name = True
                elif not _other_given_name(p, parts[k - 1] if k else None, toks):
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
            kb_tail = [
                p
                for k, p in enumerate(tail, start=split)
                if p.kind == "kb" and not _starts_a_name(parts, k, toks)
            ]
            if kb_tail:
                main = self._choose(kb_tail[0].records, date)
        if main is not None and self._places and main.kind in ("country", "capital"):
            other = longer_place(text.split(), [main.code])
            if other is not None:
                return self._placed(mention, other, parts)
        if main is None and begins_name:
            return None  # not a place either: "Kabul Airport" is not Airport, Hawaii
        rule: Rule = "composed"
        if main is None:
            main = fuzzy_person(self._kb, parts, text)
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
                    # After a title, or after a particle ("de Lima"): a name.
                    touched = prev is not None and (_is_title(prev, titles) or _particle(prev))
                cur.append(p.text)
            elif cur and _particle(p):
                # "Leila de Lima" is one name, not Leila and then Lima, Peru.
                cur.append(p.text)
            else:
                # Before a title, a state or province is a place ("Kentucky Senator Mitch
                # McConnell", "Quebec premier"); any other run is part of the name.
                if cur and not touched and (not _is_title(p, titles) or _subdivision(cur)):
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
                return self._placed(mention, place.country, parts, place.name or "")
        return None

    def _placed(
        self, mention: str, code: str, parts: list[_Part], place_name: str = ""
    ) -> Resolution:
        """A mention resolved by the place it names: that country, the first sector word."""
        sectors = [p.sector for p in parts if p.kind in ("sector", "title")]
        country = self._kb.countries.get(code)
        ent = _entity_of(
            mention,
            code,
            sectors[0] if sectors else None,
            country.name if country else place_name or code,
            None,
        )
        return _resolution_of(ent, None, "place")

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
