"""Who is the source and who the target of a trigger: the argument reader of the rule coders.

:class:`ArgumentReader` finds the sentence's actor mentions (the actor lookup's, then the
spaCy entities it does not cover, cities named as a meeting's place left out), the speaker of a
quote, and for each trigger word its source and target in the parse (subjects, objects,
possessives, "with"/"against"/"between" phrases), falling back to the article memory for
pronouns and generic mentions ("the official", "they") and to the nearest other actor in the
sentence when the parse names no target. :class:`~eventwire.coder.rules.RuleCoder`
(coder.plover.v1) codes events from what it reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import cache
from typing import TYPE_CHECKING, Final, cast

from eventwire.coder.base import ActorLookup, ContextActorLookup, PlaceLookup
from eventwire.coder.compose import Arg, Candidate
from eventwire.coder.context import GENERIC_ACTOR_WORDS, PRONOUNS, ArticleMemory
from eventwire.coder.lexicon import ADJECTIVES
from eventwire.coder.polarity import REPORTING_VERBS
from eventwire.coder.speakers import find_speaker
from eventwire.coder.triggers import trigger_of
from eventwire.model import Article, Entity, Place
from eventwire.nlp import doc_text

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["ArgumentReader", "as_state"]


# Nouns before which a city's name says where, not who: "the Minsk agreements", "the Astana
# talks", "the Geneva process" (Belarus, Kazakhstan and Switzerland are no party to them).
_VENUE_NOUNS: Final = frozenset(
    {"agreement", "accord", "talk", "talks", "format", "process", "meeting", "summit",
     "conference", "deal", "treaty", "protocol", "pact", "memorandum", "negotiation",
     "declaration", "round", "ceasefire", "truce", "forum", "dialogue", "consultation",
     "communique", "document", "initiative", "peace", "framework", "plan", "convention"}
)  # fmt: skip


def _without_venues(
    doc: Doc, mentions: Sequence[tuple[int, int, Entity]], actors: ActorLookup
) -> list[tuple[int, int, Entity]]:
    """``mentions`` less the cities named as a meeting's or a treaty's place."""
    explain = getattr(actors, "explain", None)
    if explain is None:
        return list(mentions)
    out = []
    for s, e, ent in mentions:
        span = doc.char_span(s, e, alignment_mode="expand")
        if (
            span is not None
            and len(span)
            and span.root.dep_ in ("compound", "amod", "nmod")  # the parser says any of them
            and span.root.head.lemma_ in _VENUE_NOUNS
            and span.root.head.i >= span.end
        ):
            r = explain(doc_text(doc)[s:e])
            if r is not None and (r.kind == "capital" or r.rule == "place"):
                continue
        out.append((s, e, ent))
    return out


# Verbs that carry no event of their own and pass their subject to the object noun:
# "hold talks", "conduct tests", "resume its tests", "take steps", "extend an invitation".
_LIGHT_VERBS: Final = frozenset(
    {"hold", "conduct", "carry", "stage", "begin", "start", "resume", "continue", "make",
     "take", "give", "extend", "issue", "express", "voice", "lodge", "file", "impose", "reach",
     "seal", "announce", "order", "mount", "increase", "have", "pay", "step", "launch",
     "renew", "intensify", "escalate", "complete", "be", "remain", "get", "do", "offer",
     "open", "host", "provide", "follow", "plan", "prepare",
     # "sent aid", "attend the summit", "cancelled a planned visit": the noun is the event.
     "send", "ship", "attend", "cancel", "postpone", "scrap", "abandon",
     # "fired ... its first test", "waged a campaign": carriers of the noun's event.
     "fire", "wage", "grant",
     # "struck a deal", "committed attacks", "called a strike" (eventwire.coder.senses).
     "strike", "commit", "call",
     # "fought a war", "performed joint war games": the noun is the event.
     "fight", "perform"}
)  # fmt: skip
_TARGET_PREPS: Final = frozenset(
    {"with", "against", "to", "toward", "towards", "on", "at", "into", "over", "for", "upon"}
)
# Prepositions on a light verb that name its object noun's recipient ("granted asylum to").
_VERB_RECIPIENT_PREPS: Final = frozenset({"to", "on", "against", "for"})
_AGENT_OF_NOUNS: Final = frozenset({"MOBILIZE", "RETREAT", "PROTEST"})
_LOCATION_PREPS: Final = frozenset({"along", "near", "on", "at", "in", "across", "inside", "off"})
_CLIMB_DEPS: Final = frozenset(
    {"xcomp", "conj", "acomp", "pcomp", "pobj", "prep", "acl", "attr", "oprd", "amod", "advcl"}
)
_NOUN_POS: Final = frozenset({"NOUN", "PROPN"})
# spaCy entity labels that can name an actor.
_ACTOR_LABELS: Final = frozenset({"GPE", "NORP", "ORG", "PERSON", "FAC", "LOC"})
# Heads that take their country from a following "in/of/from" phrase: "police in Chile".
_SECTOR_HEADS: Final = frozenset(
    {"police", "troops", "forces", "army", "military", "soldier", "authority", "government",
     "court", "prosecutor", "ministry", "parliament", "rebel", "militant", "navy", "official"}
)  # fmt: skip


_RAISING_VERBS: Final = frozenset(
    {"expect", "set", "schedule", "due", "slate", "poise", "likely", "suppose", "report",
     "believe", "think", "say", "understand", "know", "see"}
)  # fmt: skip


def _reported_subject(tok: Token) -> Token | None:
    """For a pronoun subject of a clause reported by someone ("X said it would ..."), the
    reporter's own subject token; else None."""
    if tok.lower_ not in ("it", "they", "he", "she") or tok.dep_ not in ("nsubj", "nsubjpass"):
        return None
    clause = tok.head
    if clause.dep_ != "ccomp" or clause.head.lemma_ not in REPORTING_VERBS:
        return None
    subj = [c for c in clause.head.children if c.dep_ == "nsubj"]
    if not subj or subj[0].lower_ in PRONOUNS:
        return None
    return subj[0]


class ArgumentReader:
    """Reads a sentence's actors and each trigger's source and target (the base of
    :class:`~eventwire.coder.rules.RuleCoder`)."""

    def __init__(
        self,
        *,
        actors: ActorLookup,
        places: PlaceLookup | None = None,
        include_unresolved_targets: bool = True,
    ) -> None:
        self._actors = actors
        self._places = places
        self._keep_unresolved = include_unresolved_targets

    def entity_for(
        self,
        tok: Token,
        mentions: Sequence[tuple[int, int, Entity]],
        memory: ArticleMemory,
        speaker: Entity | None,
    ) -> Entity | None:
        """The actor the noun phrase headed by ``tok`` names, as the rules read it (a mention
        covering or modifying its head, a pronoun or generic noun through the article memory),
        or None."""
        return self._entity_for_head(tok, mentions, memory, speaker, exclude=None)

    # ----------------------------------------------------------------- mentions
    def _resolve_ent(
        self, text: str, label: str, article: Article, memory: ArticleMemory
    ) -> Entity | None:
        if label == "PERSON":
            # "Kim" after "Kim Jong Un": the person already named, not Kim, Gujarat.
            known = memory.person_by_name(text)
            if known is not None:
                return replace(known, text=text)
            explain = getattr(self._actors, "explain", None)
            if explain is not None:
                res = explain(text, date=article.published)
                return None if res is None or res.rule == "place" else res.entity
        return self._actors.resolve(text, date=article.published)

    def _mentions(
        self, doc: Doc, article: Article, memory: ArticleMemory
    ) -> list[tuple[int, int, Entity]]:
        if getattr(self._actors, "read_in", None) is not None:
            return self._mentions_in_context(
                doc, article, memory, cast(ContextActorLookup, self._actors)
            )
        found = list(self._actors.find_mentions(doc_text(doc)))
        taken = [(s, e) for s, e, _ in found]
        for ent in _uncovered_ents(doc, taken):
            s, e = ent.start_char, ent.end_char
            resolved = self._resolve_ent(ent.text, ent.label_, article, memory)
            if resolved is not None:
                found.append((s, e, resolved))
                taken.append((s, e))
        found.sort(key=lambda m: m[0])
        return found

    def _mentions_in_context(
        self, doc: Doc, article: Article, memory: ArticleMemory, actors: ContextActorLookup
    ) -> list[tuple[int, int, Entity]]:
        """The sentence's mentions, each read in the sentence by the resolver's ``read_in``
        (the rules ``resolve_in`` applies and the actors benchmark measures): the scanner's
        mentions, then the spaCy entities they do not cover. The sentence is scanned once and
        the scan handed to ``read_in``."""
        text = doc_text(doc)
        date = article.published
        found = actors.find_mentions(text, date=date)
        taken = [(s, e) for s, e, _ in found]
        known: list[tuple[int, int, Entity]] = []
        ner: list[tuple[int, int]] = []
        persons: list[bool] = []
        for ent in _uncovered_ents(doc, taken):
            s, e = ent.start_char, ent.end_char
            if ent.label_ == "PERSON":
                # "Kim" after "Kim Jong Un": the person already named, not Kim, Gujarat.
                person = memory.person_by_name(ent.text)
                if person is not None:
                    known.append((s, e, replace(person, text=ent.text)))
                    taken.append((s, e))
                    continue
            ner.append((s, e))
            persons.append(ent.label_ == "PERSON")
            taken.append((s, e))
        spans = [(s, e) for s, e, _ in found] + ner
        # A name spaCy calls a person is never a place (places=False): not an actor then.
        places = [True] * len(found) + [not p for p in persons]
        # A mention with no country of its own takes the one country the rest of the
        # sentence names ("Judge Alejandro Rivera ... Mexico's"). Where that country is the
        # other party's, source and target become one actor and the target is dropped below,
        # as before; on PLV end to end this costs 0.004 triple F1 against 95% rather than 92.5%
        # gold country codes on the PLOVER GSR actors (benchmarks/actors_bench.py).
        read = actors.read_in(text, spans, found=found, date=date, places=places)
        out = list(known)
        for (s, e, alone), got in zip(found, read[: len(found)], strict=True):
            out.append((s, e, got if got is not None else alone))
        for (s, e), got in zip(ner, read[len(found) :], strict=True):
            # A name known to nothing stays out of the mentions unless the sentence gives it a
            # country: the coder keeps an unknown named subject as written (_named_np), which
            # a code-less mention here would hide.
            if got is not None and (
                got.code is not None or actors.resolve(text[s:e], date=date) is not None
            ):
                out.append((s, e, got))
        out.sort(key=lambda m: m[0])
        return out

    def _speaker(
        self,
        doc: Doc,
        mentions: Sequence[tuple[int, int, Entity]],
        article: Article,
        memory: ArticleMemory,
    ) -> Entity | None:
        span = find_speaker(doc[:])
        if span is None:
            return None
        inside = [m for m in mentions if span.start_char <= m[0] and m[1] <= span.end_char]
        ent: Entity | None = None
        if inside:
            base = inside[0][2]
            ent = replace(base, text=span.text)
        else:
            guess = memory.last_speaker or memory.last_subject
            ent = Entity(
                text=span.text,
                code=guess.code if guess else None,
                sector=guess.sector if guess else None,
                name=guess.name if guess else None,
                id=None,
            )
        if ent.code:
            memory.last_speaker = ent
        return ent

    # ---------------------------------------------------------------- arguments
    def _entities_at(
        self,
        tok: Token,
        mentions: Sequence[tuple[int, int, Entity]],
        memory: ArticleMemory,
        speaker: Entity | None,
        *,
        exclude: str | None = None,
    ) -> Arg | None:
        """The actor(s) named by the noun phrase headed by ``tok`` (with its conjuncts)."""
        heads = [tok, *[c for c in tok.children if c.dep_ == "conj"]]
        ents: list[Entity] = []
        start, end = tok.idx, tok.idx + len(tok.text)
        for head in heads:
            ent = self._entity_for_head(head, mentions, memory, speaker, exclude=exclude)
            if ent is not None:
                ents.append(ent)
                end = max(end, head.idx + len(head.text))
        if not ents:
            return None
        return Arg(tuple(ents), (start, end))

    def _entity_for_head(
        self,
        head: Token,
        mentions: Sequence[tuple[int, int, Entity]],
        memory: ArticleMemory,
        speaker: Entity | None,
        *,
        exclude: str | None,
    ) -> Entity | None:
        hs, he = head.idx, head.idx + len(head.text)
        for s, e, ent in mentions:
            if s <= hs and he <= e:
                return ent
        # Modifiers of the head: "the Biden administration", "Russian troops", "its allies".
        left = head.left_edge.idx
        # ...but "American commitment" names the committer, not the thing committed to.
        if trigger_of(head) is None:
            for s, e, ent in mentions:
                if left <= s and e <= he:
                    return self._with_head_sector(head, ent)
        if head.lemma_.lower() in _SECTOR_HEADS:  # "Police in Chile" opens a sentence
            for prep in head.children:
                if prep.dep_ == "prep" and prep.lower_ in ("in", "of", "from"):
                    for obj in (o for o in prep.children if o.dep_ == "pobj"):
                        os_, oe = obj.idx, obj.idx + len(obj.text)
                        for s, e, ent in mentions:
                            if s <= os_ and oe <= e and ent.code:
                                span = head.doc[head.left_edge.i : obj.i + 1].text
                                # "police in Moscow" is RUS COP, not the Kremlin's GOV.
                                whole = self._actors.resolve(span)
                                return whole or replace(ent, text=span, name=ent.name)
        low = head.lower_
        in_quote = _in_quote(head)
        reporter = _reported_subject(head)
        if reporter is not None:
            # "South Korea said it was ready": the pronoun is the one who says so.
            said_by = self._entity_for_head(reporter, mentions, memory, speaker, exclude=exclude)
            if said_by is not None:
                return replace(said_by, text=head.text)
        # "Officials said" is the article's officials; "executions of senior officials" may be
        # anyone's: generic nouns borrow an earlier actor only as subjects.
        generic_subject = head.lemma_ in GENERIC_ACTOR_WORDS and head.dep_ in ("nsubj", "nsubjpass")
        if low in PRONOUNS or generic_subject:
            if low in ("we", "us", "our") and in_quote and speaker is not None:
                return replace(speaker, text=head.text)
            guess = (
                _recent_other(memory, speaker.code if speaker else exclude)
                if low in ("they", "them", "their") and in_quote
                else memory.resolve_pronoun(low, in_quote=in_quote)
            )
            if guess is not None:
                return replace(guess, text=head.text)
        poss = [c for c in head.children if c.dep_ == "poss"]
        if head.lemma_ in ("ally", "partner", "neighbour", "neighbor") and poss:
            return Entity(text=head.doc[head.left_edge.i : head.i + 1].text)
        return None

    def _with_head_sector(self, head: Token, ent: Entity) -> Entity:
        """The mention that modifies a sector noun, read with it: "Chad's opposition leaders"
        is Chad's opposition (TCD OPP), not Chad."""
        if ent.sector is not None or head.pos_ != "NOUN" or ent.code is None:
            return ent
        span = head.doc[head.left_edge.i : head.i + 1]
        whole = self._actors.resolve(span.text)
        if whole is None or whole.code != ent.code or whole.sector is None:
            return ent
        return replace(whole, text=span.text)

    def _source(
        self,
        trig: Token,
        mentions: Sequence[tuple[int, int, Entity]],
        memory: ArticleMemory,
        speaker: Entity | None,
    ) -> Arg | None:
        etype = (trigger_of(trig) or ("", None))[0]
        tok = trig
        pronoun: Token | None = None
        arg: Arg | None = None
        for _ in range(8):
            if tok.pos_ in _NOUN_POS and tok == trig:
                for child in tok.children:
                    if child.dep_ == "poss" and child.pos_ == "PRON":
                        pronoun = child  # "resumes its tests": the subject is better
                        continue
                    if child.dep_ == "poss" or (
                        child.dep_ in ("compound", "amod", "nmod") and child.i < tok.i
                    ):
                        arg = self._entities_at(child, mentions, memory, speaker)
                        if arg:
                            return arg
                    if child.dep_ == "prep" and (
                        child.lower_ == "by"
                        or (child.lower_ in ("of", "from") and etype in _AGENT_OF_NOUNS)
                    ):
                        for obj in child.children:
                            if obj.dep_ == "pobj":
                                arg = self._entities_at(obj, mentions, memory, speaker)
                                if arg:
                                    return arg
                    if child.dep_ == "prep" and child.lower_ == "between":
                        objs = [o for o in child.children if o.dep_ == "pobj"]
                        if objs:
                            arg = self._entities_at(objs[0], mentions, memory, speaker)
                            if arg:
                                return Arg(arg.entities[:1], arg.span)
            else:
                # The agent first: "the islands were seized by China" names the seizer last.
                children = sorted(tok.children, key=lambda c: c.dep_ != "agent")
                for child in children:
                    if child.dep_ in ("nsubj", "csubj"):
                        arg = self._entities_at(child, mentions, memory, speaker)
                        # "The ACLU sued the FBI": a named subject the knowledge base lacks
                        # is still the actor, kept as written with no code.
                        return arg or (_named_np(child) if self._keep_unresolved else None)
                    if child.dep_ == "agent":
                        for obj in child.children:
                            if obj.dep_ == "pobj":
                                return self._entities_at(obj, mentions, memory, speaker)
                    if child.dep_ == "nsubjpass":
                        if (tok == trig and tok.lower_ in ADJECTIVES) or (
                            tok != trig and tok.lemma_ in _RAISING_VERBS
                        ):  # "Britain is set to impose", "X is expected to sign"
                            return self._entities_at(child, mentions, memory, speaker)
                        break
            head = tok.head
            if tok.dep_ == "conj" and head.lemma_ in REPORTING_VERBS and head.pos_ == "VERB":
                # "Seoul said ... and urged Pyongyang to return": the sayer urges too.
                subj = [c for c in head.children if c.dep_ == "nsubj"]
                return self._entities_at(subj[0], mentions, memory, speaker) if subj else None
            if (
                head == tok
                or tok.dep_ in ("ccomp", "relcl", "ROOT", "parataxis")
                or (head.lemma_ in REPORTING_VERBS and head.pos_ == "VERB")
                # "Japan condemned the launch": the condemner did not launch anything.
                or (tok.dep_ == "dobj" and head.lemma_ not in _LIGHT_VERBS)
                or (tok.dep_ not in _CLIMB_DEPS and tok.dep_ != "dobj")
            ):
                break
            tok = head
        if pronoun is not None:
            return self._entities_at(pronoun, mentions, memory, speaker)
        return None

    def _target(
        self,
        c: Candidate,
        mentions: Sequence[tuple[int, int, Entity]],
        memory: ArticleMemory,
        speaker: Entity | None,
    ) -> Arg | None:
        tok = c.token
        exclude = _codes(c.source)[0] if c.source and _codes(c.source) else None

        unresolved: list[Arg] = []

        def ents(t: Token) -> Arg | None:
            arg = self._entities_at(t, mentions, memory, speaker, exclude=exclude)
            if arg is None and not unresolved and self._keep_unresolved:
                np = _unresolved_np(t)
                if np is not None:
                    unresolved.append(np)
            return arg

        for child in tok.children:
            if child.dep_ in ("dobj", "dative", "nsubjpass") and tok.pos_ != "NOUN":
                arg = ents(child)
                if arg:
                    return arg
        for child in tok.children:
            if child.dep_ != "prep":
                continue
            prep = child.lower_
            objs = [o for o in child.children if o.dep_ == "pobj"]
            if not objs:
                continue
            if prep == "between" and objs[0].conjuncts:
                second = objs[0].conjuncts[0]
                arg = ents(second)
                if arg:
                    return arg
            if prep in _TARGET_PREPS or (prep == "of" and c.etype not in _AGENT_OF_NOUNS):
                arg = ents(objs[0])
                if arg:
                    if prep in _LOCATION_PREPS and c.etype in ("MOBILIZE", "ASSAULT"):
                        c.place = self._place_for(objs[0], arg)
                    return arg
            if prep in _LOCATION_PREPS and c.etype in ("MOBILIZE", "ASSAULT", "PROTEST"):
                arg = ents(objs[0])
                if arg:
                    c.place = self._place_for(objs[0], arg)
                    return arg
        if tok.pos_ == "NOUN" and tok.dep_ == "dobj":
            # "granted asylum to the dissidents", "imposed sanctions on Iran": the noun's
            # recipient hangs off the verb that governs it.
            for child in tok.head.children:
                if child.dep_ in ("prep", "dative") and child.lower_ in _VERB_RECIPIENT_PREPS:
                    objs = [o for o in child.children if o.dep_ == "pobj"]
                    if objs and (arg := ents(objs[0])):
                        return arg
        # Locations attached lower down: "the build-up of Russian troops along the border".
        if c.etype in ("MOBILIZE", "ASSAULT"):
            for t in tok.subtree:
                if t.dep_ == "prep" and t.lower_ in _LOCATION_PREPS and t != tok:
                    objs = [o for o in t.children if o.dep_ == "pobj"]
                    if objs and (arg := ents(objs[0])):
                        c.place = self._place_for(objs[0], arg)
                        return arg
        # No known actor in the object: keep the object as written ("arrested 18 people",
        # "condemned the group"), unresolved, rather than guess the nearest named actor.
        if unresolved and c.etype not in ("MOBILIZE",):
            return unresolved[0]
        return None

    def _place_for(self, obj: Token, arg: Arg) -> Place:
        phrase = obj.doc[obj.left_edge.i : obj.right_edge.i + 1].text
        if self._places is not None:
            found = self._places.locate(phrase, default_country=arg.entities[0].code)
            if found is not None:
                return found
        return Place(text=phrase, country=arg.entities[0].code, resolution="country")

    def _fallback_target(
        self,
        c: Candidate,
        mentions: Sequence[tuple[int, int, Entity]],
        speaker: Entity | None,
    ) -> Arg | None:
        if c.etype == "MOBILIZE" or c.source is None:
            return None
        src = set(_codes(c.source))
        if speaker and speaker.code:
            src.add(speaker.code)
        pos = c.token.idx
        best: tuple[int, int, Entity] | None = None
        for m in mentions:
            if not m[2].code or m[2].code in src or m[2].sector in ("ELI",):
                continue
            if best is None or abs(m[0] - pos) < abs(best[0] - pos):
                best = m
        if best is None:
            return None
        return Arg((best[2],), (best[0], best[1]), from_syntax=False)


_NOT_ACTORS: Final = frozenset(
    {"way", "time", "step", "steps", "effort", "efforts", "part", "role", "plan", "decision",
     "order", "measure", "measures", "action", "statement", "control", "power", "law", "bill",
     "fire", "weapon", "weapons", "missile", "missiles", "rocket", "rockets", "troops"}
)  # fmt: skip


def _uncovered_ents(doc: Doc, taken: list[tuple[int, int]]) -> Iterator[Span]:
    """spaCy entities that may name an actor and overlap no span in ``taken`` (which the
    caller may grow while iterating)."""
    for ent in doc.ents:
        if ent.label_ in _ACTOR_LABELS and not any(
            ent.start_char < te and ts < ent.end_char for ts, te in taken
        ):
            yield ent


_NAMED_LABELS: Final = frozenset({"ORG", "PERSON", "NORP", "FAC", "GPE"})


def _named_np(tok: Token) -> Arg | None:
    """A subject that names someone (a proper noun or a named entity) but resolved to no
    code: kept as written, code unknown."""
    if tok.pos_ != "PROPN" and tok.ent_type_ not in _NAMED_LABELS:
        return None
    arg = _unresolved_np(tok)
    return replace(arg, named=True) if arg is not None else None


def _unresolved_np(tok: Token) -> Arg | None:
    """The noun phrase headed by ``tok`` as an actor of unknown code, if it can name one."""
    if tok.pos_ not in _NOUN_POS or tok.lower_ in PRONOUNS or tok.lemma_ in GENERIC_ACTOR_WORDS:
        return None
    if tok.lemma_ in _NOT_ACTORS or trigger_of(tok) is not None:
        return None
    left = tok.left_edge
    while left.i < tok.i and left.dep_ in ("det", "predet", "punct"):
        left = left.doc[left.i + 1]
    right = tok
    for child in tok.children:  # "members of the group": keep the "of" phrase
        if child.dep_ == "prep" and child.lower_ == "of" and child.i > tok.i:
            right = child.right_edge
    span = tok.doc[left.i : right.i + 1]
    return Arg((Entity(text=span.text),), (span.start_char, span.end_char))


def _codes(arg: Arg | None) -> tuple[str | None, ...]:
    return tuple(e.code for e in arg.entities) if arg else ()


def _in_quote(tok: Token) -> bool:
    before = doc_text(tok.doc)[: tok.idx]
    # Inside an unclosed curly quote, or after an odd number of straight ones.
    return before.count("“") > before.count("”") or before.count('"') % 2 == 1


def _recent_other(memory: ArticleMemory, code: str | None) -> Entity | None:
    for ent in reversed(memory.mentions):
        if ent.code and ent.code != code:
            return ent
    return None


@cache
def _is_country(code: str | None) -> bool:
    import pycountry

    return bool(code) and pycountry.countries.get(alpha_3=code) is not None


def as_state(arg: Arg) -> Arg:
    """A country named as the doer of a political act is its government: "North Korea
    tested a missile", "the United States offered talks" (PLOVER sector GOV)."""
    ents = tuple(
        replace(e, sector="GOV") if e.sector is None and _is_country(e.code) else e
        for e in arg.entities
    )
    return replace(arg, entities=ents)
