"""coder.plover.v1: a dependency-rule event coder over spaCy parses.

For every trigger word in a parsed sentence it takes the source and target that
:class:`~eventwire.coder.arguments.ArgumentReader` (its base class) reads from the parse and the
article memory, composes nested triggers the way the PLOVER codebook asks ("sought to resume
diplomacy" is REQUEST:meet, not a CONSULT; "eager for talks" is AGREE; cooperative acts
reported in the future are AGREE), and writes the events: type and mode, polarity, modality,
date, place and evidence.

What the other coders share with it lives beside it: the coder protocols, the lookups, the
:class:`~eventwire.coder.base.Analysis` that :meth:`RuleCoder.analyse` returns and event ids
in :mod:`eventwire.coder.base`; reading a country as its government
(:func:`~eventwire.coder.arguments.as_state`) with the argument reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

from eventwire.coder.arguments import ArgumentReader, _codes, _without_venues, as_state
from eventwire.coder.base import ActorLookup, Analysis, PlaceLookup, event_id
from eventwire.coder.compose import (
    COOPERATIVE,
    INTENTION_WORDS,
    Arg,
    Candidate,
    compose,
    nested_mode,
)
from eventwire.coder.context import ArticleMemory
from eventwire.coder.lexicon import Trigger
from eventwire.coder.polarity import modality, polarity
from eventwire.coder.triggers import (
    AGREEMENT_NOUNS,
    REFUSABLE,
    aimed_at,
    refuses,
    trigger_of,
)
from eventwire.dates import ResolvedDate, resolve_date
from eventwire.model import Article, Entity, Event, Evidence, Modality, Place, Polarity
from eventwire.nlp import Sentence
from eventwire.ontology import cameo_root, intensity, quad
from eventwire.ontology.plover import REQUIRES_RECIPIENT

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["VERSION", "RuleCoder"]

VERSION: Final = "coder.plover.v1"


# Words of worry that report disapproval only when they name what worries the actor.
_FEELINGS: Final = frozenset({"concerned", "worried", "alarmed", "concern", "concerns", "worry"})


class RuleCoder(ArgumentReader):
    """The dependency-rule PLOVER coder (registered as ``coder.plover.v1``)."""

    version: Final = VERSION

    def __init__(
        self,
        *,
        actors: ActorLookup,
        places: PlaceLookup | None = None,
        include_unresolved_targets: bool = True,
    ) -> None:
        super().__init__(
            actors=actors, places=places, include_unresolved_targets=include_unresolved_targets
        )
        # The last sentence's date and place (see _sentence_date, _sentence_place).
        self._date_memo: tuple[str, dt.date | None, ResolvedDate] | None = None
        self._place_memo: tuple[str, Place | None] | None = None

    @property
    def places(self) -> PlaceLookup | None:
        return self._places

    def with_actors(self, actors: ActorLookup) -> RuleCoder:
        """The same coder over another actor lookup (evaluation hands it gold actors)."""
        return RuleCoder(
            actors=actors, places=self._places, include_unresolved_targets=self._keep_unresolved
        )

    # ------------------------------------------------------------------ public
    def needs_entities(self, doc: Doc) -> bool:
        """Whether ``doc``'s named entities can matter: only when a word in it triggers an
        event. The pipeline skips the entity recognizer elsewhere; mentions the actor
        knowledge base finds by name still reach the article memory."""
        return bool(_triggers(doc))

    def code_sentence(
        self,
        doc: Doc,
        sentence: Sentence,
        article: Article,
        memory: ArticleMemory,
    ) -> list[Event]:
        """Code one parsed sentence of ``article``; updates ``memory`` for later sentences."""
        return self.analyse(doc, sentence, article, memory).events

    def analyse(
        self,
        doc: Doc,
        sentence: Sentence,
        article: Article,
        memory: ArticleMemory,
    ) -> Analysis:
        """:meth:`code_sentence`, with what it worked from: the sentence's actor mentions,
        the speaker, and every trigger candidate with the arguments the parse gave it
        (coder.plover.v3 ranks actor pairs from these)."""
        mentions = _without_venues(doc, self._mentions(doc, article, memory), self._actors)
        speaker = self._speaker(doc, mentions, article, memory)
        cands = [Candidate(doc[i], etype, mode) for i, (etype, mode) in _triggers(doc)]
        for c in cands:
            c.source = self._source(c.token, mentions, memory, speaker)
            c.target = self._target(c, mentions, memory, speaker)
        compose(cands)
        events: list[Event] = []
        seen: set[tuple[object, ...]] = set()
        for c in cands:
            if c.absorbed or c.source is None:
                continue
            if not c.source.named and not any(e.code for e in c.source.entities):
                continue
            if c.token.lower_ in INTENTION_WORDS and not c.absorbed_children:
                continue  # "willing to do": an intention with nothing cooperative intended
            if c.target and c.source and _actors(c.target) == _actors(c.source):
                c.target = None  # one actor acting on itself; VEN GOV on VEN OPP is kept
            if c.target is None:
                c.target = self._fallback_target(c, mentions, speaker)
            if c.target is None and c.token.lower_ in _FEELINGS:
                continue  # "he is worried that ...": disapproval of no one (codebook ACCUSE)
            pol: Polarity = polarity(c.token)
            mod: Modality = modality(c.token)
            etype, mode = c.etype, c.mode
            if pol == "negated" and etype in REFUSABLE and refuses(c.token):
                # PLOVER: "will not lift the embargo", "failed to reach a deal", "cancelled a
                # planned visit" are refusals, i.e. REJECT events, not negated cooperation.
                etype, mode, pol = "REJECT", nested_mode("REJECT", etype), "asserted"
            elif etype == "MOBILIZE" and mode == "weapons" and aimed_at(c.token, mentions):
                etype, mode = "ASSAULT", None  # "fired rockets into Israel": a use of force
            if (
                etype == "AGREE"
                and c.token.lemma_ == "agree"
                and mod == "actual"
                and any(
                    ch.pos_ == "NOUN" and ch.lemma_ in AGREEMENT_NOUNS
                    for ch in c.token.subtree
                    if ch.head == c.token or ch.head.head == c.token
                )
            ):
                etype, mode = "SUPPORT", None  # "agreed a trade deal": concluded, not promised
            if mod == "future" and etype in COOPERATIVE:
                # PLOVER: cooperation reported in the future tense is an intention: AGREE.
                etype, mode = "AGREE", None
            if etype in REQUIRES_RECIPIENT and c.target is None and len(c.source.entities) < 2:
                # Codebook: COOPERATE, AID and SANCTION require a recipient ("took part in the
                # search", "they helped me", "it imposed sanctions?"); parties acting
                # together ("Russia and Cyprus cooperate") are each other's.
                continue
            if etype != "PROTEST":
                c.source = as_state(c.source)
                c.target = as_state(c.target) if c.target else None
            key = (etype, _codes(c.source), _codes(c.target) if c.target else None, pol, mod)
            if key in seen:
                continue
            seen.add(key)
            events.append(
                self.make_event(
                    c, etype, mode, pol, mod, sentence, article, speaker, mentions, len(events)
                )
            )
        for _, _, ent in mentions:
            memory.note_mention(ent)
        subj = next((c.source for c in cands if c.source and c.source.from_syntax), None)
        if subj and subj.entities[0].code:
            memory.note_subject(subj.entities[0])
        return Analysis(events=events, mentions=tuple(mentions), speaker=speaker, candidates=cands)

    def make_event(
        self,
        c: Candidate,
        etype: str,
        mode: str | None,
        pol: Polarity,
        mod: Modality,
        sentence: Sentence,
        article: Article,
        speaker: Entity | None,
        mentions: Sequence[tuple[int, int, Entity]],
        index: int = 0,
    ) -> Event:
        """The event of candidate ``c`` (with its source set) as the rules write it: date,
        place, modality by date, evidence, confidence (coder.plover.v3 writes its events so)."""
        when = self._sentence_date(sentence.text, article.published)
        place = c.place
        if place is None and self._places is not None:
            found = self._sentence_place(sentence.text, self._places)
            # "The White House" is no place in Casablanca: names of actors are not places.
            if found is not None and not _overlaps_mention(found.text, sentence.text, mentions):
                place = found
        if mod == "actual" and when.date and article.published:
            # A year's date is its first day; its events may lie at its end ("last year"):
            # an old year is read off the trigger's own year below instead.
            if when.resolution != "year" and (article.published - when.date).days > 365:
                mod = "historical"
            elif when.date > article.published and when.resolution == "stated":
                mod = "future"  # "requires that by 5 February 2018 both countries limit..."
        if mod == "actual" and article.published and _stated_year(c.token) is not None:
            if (_stated_year(c.token) or 0) < article.published.year - 1:
                mod = "historical"  # "in 2015 the army attacked", read in 2023
        tok = c.token
        t_start = sentence.start + tok.idx
        conf = 0.9 if c.target is None or c.target.from_syntax else 0.7
        if c.source and not c.source.from_syntax:
            conf -= 0.2
        assert c.source is not None  # filtered by the caller
        return Event(
            id=event_id(article.id, sentence.index, index, VERSION),
            article_id=article.id,
            event_type=etype,
            mode=mode,
            quad=quad(etype),
            cameo_root=cameo_root(etype, mode),
            intensity=intensity(etype, mode),
            evidence=Evidence(
                sentence=sentence.text,
                start=sentence.start,
                end=sentence.end,
                trigger=tok.text,
                trigger_start=t_start,
                trigger_end=t_start + len(tok.text),
            ),
            coder_version=VERSION,
            date=when.date,
            date_resolution=when.resolution,
            actor=c.source.entities,
            recipient=c.target.entities if c.target else (),
            place=place,
            polarity=pol,
            modality=mod,
            speaker=speaker,
            confidence=round(conf, 2),
            sentence_index=sentence.index,
            event_index=index,
        )

    # Every event of a sentence (the rules' own, then coder.plover.v3's) reads the same date
    # and place from the sentence's text, and the two regex scans are a good part of an
    # event's cost: each is kept for the last sentence. (One tuple, replaced whole, so a coder
    # shared by threads never pairs one sentence's key with another's value.)
    def _sentence_date(self, text: str, published: dt.date | None) -> ResolvedDate:
        memo = self._date_memo
        if memo is not None and memo[0] == text and memo[1] == published:
            return memo[2]
        when = resolve_date(text, published)
        self._date_memo = (text, published, when)
        return when

    def _sentence_place(self, text: str, places: PlaceLookup) -> Place | None:
        memo = self._place_memo
        if memo is not None and memo[0] == text:
            return memo[1]
        found = places.locate(text)
        self._place_memo = (text, found)
        return found


_YEAR_PREPS: Final = frozenset({"in", "during", "between", "from", "since", "until", "by"})


def _stated_year(tok: Token) -> int | None:
    """A year the trigger's clause is dated to ("in 2015 ...", "... in March 2009",
    "between 1995 and 2008", "since 1995")."""
    from eventwire.coder.polarity import clause_path

    for t in clause_path(tok)[:3]:
        for prep in (c for c in t.children if c.dep_ == "prep" and c.lower_ in _YEAR_PREPS):
            for obj in prep.subtree:
                if obj.like_num and len(obj.text) == 4 and obj.text.isdigit():
                    year = int(obj.text)
                    if 1900 <= year <= 2100:
                        return year
    return None


def _overlaps_mention(
    text: str, sentence: str, mentions: Sequence[tuple[int, int, Entity]]
) -> bool:
    at = sentence.find(text)
    if at < 0:
        return False
    end = at + len(text)
    return any(s < end and at < e and m.code and (m.sector or m.id) for s, e, m in mentions)


def _actors(arg: Arg | None) -> tuple[tuple[str | None, str | None], ...]:
    return tuple((e.code, e.sector) for e in arg.entities) if arg else ()


_TRIGGERS_KEY: Final = "eventwire.triggers"


def _triggers(doc: Doc) -> list[tuple[int, Trigger]]:
    """The trigger words of a parsed ``doc`` (token index, (type, mode)), computed once per
    doc: the pipeline asks before entity recognition and the coder again after, and
    triggers depend on the parse alone."""
    # Token indices, not tokens: a Token in the doc's own user_data is a reference cycle,
    # which leaves every parsed doc to the cyclic garbage collector.
    found: list[tuple[int, Trigger]] | None = doc.user_data.get(_TRIGGERS_KEY)
    if found is None:
        found = [(tok.i, trig) for tok in doc if (trig := trigger_of(tok)) is not None]
        doc.user_data[_TRIGGERS_KEY] = found
    return found
