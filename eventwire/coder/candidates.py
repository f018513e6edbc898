"""Where coder.plover.v5's candidate events come from.

v5's detector (:mod:`eventwire.coder.detection`) can keep only what is offered to it, so the
candidates aim at recall:

- the rules' events (the checked ranked stage's reading of the sentence's trigger words);
- the pair ranker's best (source, target) pairs, typed by the classifier;
- where the rules find no trigger word, each actor mention as a source ("Japan voiced
  solidarity with the United States"): a quoted accusation, a verb no lexicon lists;
- in a state outlet's article (:mod:`eventwire.actors.outlets`), a sentence with no speaker as
  the outlet's state speaking;
- where a source names no country ("the judge", "Mr Flynn", "prosecutors"), a variant per
  country it may act for (:func:`imputed`);
- where a target is named but with no country ("her fellow Conservatives", "the senator"), a
  variant per country it may belong to (:func:`imputed_target`); where none is named, a
  variant with the source's own country as an implied target (:func:`absent_target`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

from eventwire.actors.outlets import state_outlet
from eventwire.coder.arguments import as_state
from eventwire.coder.base import Analysis
from eventwire.coder.classifier import ClassifierInput
from eventwire.coder.compose import Arg
from eventwire.coder.compose import Candidate as Trigger
from eventwire.coder.context import ArticleMemory
from eventwire.coder.pairs import ACTOR_NOUNS, event_key, governing_trigger, span_within
from eventwire.coder.polarity import modality, polarity
from eventwire.coder.ranked import RankedCoder
from eventwire.coder.typed import codebook_type
from eventwire.model import Article, Entity, Event
from eventwire.nlp import Sentence
from eventwire.ontology.plover import quad

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "MENTION_SOURCES",
    "MIN_PAIR",
    "TOP_PAIRS",
    "Candidate",
    "absent_target",
    "found_events",
    "imputed",
    "main_country",
    "mention_events",
    "outlet_events",
]

# The ranker's best pairs that become candidates, and the least pair probability.
TOP_PAIRS: Final = 3
MIN_PAIR: Final = 0.05
# Sentences where no trigger word is found: the actor mentions that become sources of a
# candidate typed by the classifier alone (quoted accusations, "voiced solidarity with").
MENTION_SOURCES: Final = 3
# What an outlet's own voice can do: denounce, praise, demand, threaten, refuse.
_VOICE_TYPES: Final = frozenset({"ACCUSE", "SUPPORT", "REQUEST", "THREATEN", "REJECT"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A candidate event with the type under test and the classifier's view of its actors."""

    event: Event
    event_type: str
    type_prob: float
    top_type: str


def within(m: tuple[int, int, Entity], n: int) -> tuple[int, int] | None:
    return (m[0], m[1]) if 0 <= m[0] < m[1] <= n else None


def main_country(memory: ArticleMemory) -> str | None:
    """The country the article has named most often so far."""
    counts: dict[str, int] = {}
    for ent in memory.mentions:
        if ent.code:
            counts[ent.code] = counts.get(ent.code, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def names_actor(text: str) -> bool:
    """Whether an uncoded phrase names an actor as the pair ranker reads one (a capitalised
    name, or a head noun of :data:`~eventwire.coder.pairs.ACTOR_NOUNS`: "her fellow
    Conservatives", "the senator", "affected families"), not a thing ("$1.35 billion",
    "testimony", "the relationship") that no country can be imputed to."""
    words = text.split()
    if not words:
        return False
    if any(w[:1].isupper() for w in words[1:]) or (words[0][:1].isupper() and len(words) == 1):
        return True
    head = words[-1].lower().strip(".,;:'\"")
    singular = head[:-3] + "y" if head.endswith("ies") else head.removesuffix("s")
    return head in ACTOR_NOUNS or singular in ACTOR_NOUNS


def _countries(other: str | None, role: str, ev: Event, main: str | None) -> dict[str, list[str]]:
    """The countries an uncoded party may be of, each with the routes that name it: the other
    party's (``role``), the place's, the article's main one."""
    routes: dict[str, list[str]] = {}
    place = ev.place.country if ev.place else None
    for route, code in ((role, other), ("place", place), ("article", main)):
        if code:
            routes.setdefault(code, []).append(route)
    return routes


def imputed(cand: Candidate, main: str | None) -> list[tuple[Candidate, str]]:
    """The candidate, and where its source names no country ("the judge", "Mr Flynn",
    "prosecutors"), a variant for each country it may act for: the target's (most such acts
    are domestic), the place's, and the article's main country. Each variant carries the
    routes that gave its country; the detector learns which to trust."""
    ev = cand.event
    src = ev.actor[0] if ev.actor else None
    if src is not None and src.code:
        return [(cand, "")]
    out = [(cand, "")]
    for code, names in _countries(ev.recipient_code, "target", ev, main).items():
        actor = (
            replace(src, code=code, sector=src.sector or "GOV")
            if src is not None
            else Entity(text="", code=code, sector="GOV")
        )
        variant = replace(cand, event=replace(ev, actor=(actor, *ev.actor[1:]), actor_implied=True))
        out.append((variant, "+".join(names)))
    return out


def imputed_target(cand: Candidate, main: str | None) -> list[tuple[Candidate, str]]:
    """The candidate, and where its target is named but with no country ("her fellow
    Conservatives", "the senator", "affected families"), a variant for each country it may
    belong to: the source's (most such acts are domestic), the place's, and the article's
    main country; where no target is named, :func:`absent_target`'s variant. The detector's
    target scorer picks among them, as among the ranker's pairs
    (:func:`eventwire.coder.detector.DetectedCoder.decide`)."""
    ev = cand.event
    tgt = ev.recipient[0] if ev.recipient else None
    if tgt is None:
        return absent_target(cand)
    if tgt.code or not names_actor(tgt.text):
        return [(cand, "")]
    out = [(cand, "")]
    for code, names in _countries(ev.actor_code, "source", ev, main).items():
        recipient = (replace(tgt, code=code), *ev.recipient[1:])
        out.append((replace(cand, event=replace(ev, recipient=recipient)), "+".join(names)))
    return out


def absent_target(cand: Candidate) -> list[tuple[Candidate, str]]:
    """The candidate, and where it names no target at all, a variant whose target is the
    source's own country, flagged as implied ("Seven of the 11 people arrested have been
    released, police said": the police's country). The target scorer learns for which acts
    to prefer it (route ``absent``): five-fold by article over the train and dev splits,
    type + source + target F1 0.152 without the variant, 0.165 with it, type + source the same
    (0.269 and 0.268). A first version, which offered the place's and the article's main
    country too and named each variant by the routes that agreed on it, read 0.159."""
    ev = cand.event
    if not ev.actor_code:
        return [(cand, "")]
    implied = Entity(text="", code=ev.actor_code)
    variant = replace(ev, recipient=(implied,), recipient_implied=True)
    return [(cand, ""), (replace(cand, event=variant), "absent")]


def outlet_events(
    stage: RankedCoder, doc: Doc, sentence: Sentence, article: Article, an: Analysis
) -> list[Event]:
    """In a state outlet's article, a sentence with no speaker is the outlet's own voice:
    its state as the source of an event the classifier types, against the first mention
    of another country (the detector decides whether the sentence denounces, praises,
    demands or threatens anything)."""
    outlet = state_outlet(article)
    if outlet is None or an.speaker is not None or '"' in sentence.text:
        return []
    target = next((m for m in an.mentions if m[2].code and m[2].code != outlet.code), None)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if target is None or root is None:
        return []
    n = len(sentence.text)
    (pred,) = stage.classifier.predict([ClassifierInput(sentence.text, None, within(target, n))])
    mod = modality(root)
    label = codebook_type(pred.label, rule_type="", trigger=root.lemma_, modality=mod)
    if label not in _VOICE_TYPES:
        # The outlet reports the target's deed in order to denounce (or praise) it: its
        # own act is the words (KCNA on "war moves": ACCUSE, not THREATEN or ASSAULT).
        label = "SUPPORT" if quad(label) <= 2 else "ACCUSE"
    src = Arg((outlet.entity(),), (0, 0), from_syntax=False)
    tgt = as_state(Arg((target[2],), (target[0], target[1]), from_syntax=False))
    trig = Trigger(root, label, None, source=src, target=tgt)
    ev = stage.rules.make_event(
        trig, label, None, polarity(root), mod, sentence, article, None, an.mentions
    )
    return [replace(ev, confidence=round(pred.score, 3), actor_implied=True)]


def mention_events(
    stage: RankedCoder, doc: Doc, sentence: Sentence, article: Article, an: Analysis
) -> list[Event]:
    """Where the rules find no trigger word: each of the first actor mentions as the source of
    an event the classifier types, against the next mention of another country; the
    sentence's root word stands as the trigger."""
    roots = [t for t in doc if t.dep_ == "ROOT"]
    if not roots:
        return []
    root = roots[0]
    n = len(sentence.text)
    ents = [(s, e, ent) for s, e, ent in an.mentions if ent.code or ent.sector]
    pairs: list[tuple[tuple[int, int, Entity], tuple[int, int, Entity] | None]] = []
    for m in ents[:MENTION_SOURCES]:
        other = next((o for o in ents if o[2].code and o[2].code != m[2].code), None)
        pairs.append((m, other))
    if not pairs:
        return []
    preds = stage.classifier.predict(
        [
            ClassifierInput(sentence.text, within(m, n), within(o, n) if o else None)
            for m, o in pairs
        ]
    )  # fmt: skip
    # Every candidate stands on the root word: one reading of its polarity and modality.
    pol, mod = polarity(root), modality(root)
    out = []
    for (m, o), pred in zip(pairs, preds, strict=True):
        src = as_state(Arg((m[2],), (m[0], m[1]), from_syntax=False))
        tgt = as_state(Arg((o[2],), (o[0], o[1]), from_syntax=False)) if o else None
        label = codebook_type(pred.label, rule_type="", trigger=root.lemma_, modality=mod)
        trig = Trigger(root, label, None, source=src, target=tgt)
        ev = stage.rules.make_event(
            trig, label, None, pol, mod, sentence, article, an.speaker, an.mentions
        )
        out.append(replace(ev, confidence=round(pred.score, 3)))
    return out


def found_events(
    stage: RankedCoder, doc: Doc, sentence: Sentence, article: Article, memory: ArticleMemory
) -> list[tuple[Event, str]]:
    """The candidate events of a sentence, each with where it came from: the rules' events,
    a state outlet's own voice, then the classifier's reading of the ranker's best pairs (up
    to :data:`TOP_PAIRS`) or, where the rules find no trigger word, of each actor mention;
    without repeats."""
    an, pairs = stage.pairs(doc, sentence, article, memory)
    out: list[tuple[Event, str]] = [(ev, "rules") for ev in an.events]
    out += [(ev, "outlet") for ev in outlet_events(stage, doc, sentence, article, an)]
    if not an.candidates:
        return out + [(ev, "mention") for ev in mention_events(stage, doc, sentence, article, an)]
    if not pairs:
        return out
    ranked = [(p, pair) for p, pair in stage.ranker.rank(pairs)[:TOP_PAIRS] if p >= MIN_PAIR]
    if not ranked:
        return out
    n = len(sentence.text)
    preds = stage.classifier.predict(
        [
            ClassifierInput(sentence.text, span_within(pair.source, n), span_within(pair.target, n))
            for _, pair in ranked
        ]
    )
    seen = {event_key(ev) for ev, _ in out}
    for k, ((prob, pair), pred) in enumerate(zip(ranked, preds, strict=True)):
        trig = governing_trigger(doc, pair, an.candidates)
        ev = stage.event_for(trig, pair, pred.label, an, sentence, article)
        ev = replace(ev, confidence=round(prob * pred.score, 3))
        if event_key(ev) not in seen:
            seen.add(event_key(ev))
            out.append((ev, f"ranked{k}"))
    return out
