"""Scoring the coder against gold sentences in PLV format (``eventwire eval``).

A gold file is a CSV with the columns ``text``, ``label``, ``source`` and ``target``: one
sentence, the PLOVER type of the one event it is annotated with (the 16 types, with CONCEDE
and RETREAT merged as YIELD), and the source and target as written in the sentence.

Two settings:

- **given actors** (ZSP's setting): the coder is told the gold source and target. A coder with
  an event-type classifier (v5) types the sentence with the gold spans marked, as the
  classifier was trained; its events with the gold spans as actor mentions are still written
  out. The rule coder (v1) is handed the spans as actor mentions; among the events it codes,
  the one whose source and target are those spans wins (then source only, then target only,
  then any event; shallower triggers first). With no event at all, the trigger word nearest to
  the gold spans decides. Scored as accuracy and macro-F1 over the types.
- **end to end**: the coder finds the actors itself. An event is right only when its type,
  source and target all match the gold ones; source and target match by *head-word overlap*:
  the lower-cased content words of the predicted entity's text share a word with those of the
  gold string, or both resolve to the same actor code. Scored as precision, recall and F1 over
  (type, source, target) triples in two ways. *First event*: the sentence's first event only
  (the one the coder ranks first; for v1, which does not rank, the asserted, actual one whose
  trigger is nearest the root of the parse), as a one-label coder is scored against PLV's one
  annotated event per sentence. *Every event*: every event the pipeline would store, so that a
  second, true event a PLV row does not annotate counts against precision. The first event's
  type is also scored as accuracy and macro-F1.

Each gold row is parsed as one text (PLV rows are single sentences), with the pipeline's own
spaCy model, actor resolver and coder; the end-to-end events pass the pipeline's prefilter and
its confidence/negation filters, so the figures are those of ``eventwire code``.
"""

from __future__ import annotations

import csv
import re
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from eventwire.errors import InputError, UsageError

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from eventwire.coder.base import Coder, GivenActorsCoder
    from eventwire.model import Entity, Event
    from eventwire.pipeline import Pipeline

__all__ = [
    "OUTCOMES",
    "BreakdownRow",
    "EvalReport",
    "EventFlags",
    "GOLD_LABELS",
    "GoldRow",
    "RowPrediction",
    "TypeScores",
    "code_rows",
    "entities_match",
    "error_breakdown",
    "evaluate",
    "gold_label",
    "head_word_overlap",
    "head_words",
    "outcome_of",
    "parse_rows",
    "read_gold",
    "score",
]

Setting = Literal["given-actors", "end-to-end"]

# PLV's label space: the 16 PLOVER types with CONCEDE and RETREAT merged.
GOLD_LABELS: Final = (
    "AGREE", "CONSULT", "SUPPORT", "YIELD", "COOPERATE", "AID", "REQUEST", "ACCUSE", "REJECT",
    "THREATEN", "SANCTION", "PROTEST", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip
_MERGED: Final = {"CONCEDE": "YIELD", "RETREAT": "YIELD"}
REQUIRED_COLUMNS: Final = ("text", "label", "source", "target")

# Words that name no one in particular: "the", "of", titles of rank are kept (they do name).
_STOP: Final = frozenset(
    """a an the of and or in on at to for from by with 's ' s its their his her this that
    these those who which as de la le al el""".split()
)
_WORD: Final = re.compile(r"[\w][\w.-]*", re.UNICODE)


def gold_label(event_type: str) -> str:
    """Our PLOVER type in the gold label space: CONCEDE and RETREAT become YIELD."""
    return _MERGED.get(event_type, event_type)


def head_words(text: str) -> frozenset[str]:
    """The lower-cased content words of an actor string ("the U.S. Army" -> {u.s, army})."""
    words = (w.strip(".-").lower() for w in _WORD.findall(text.replace("’", "'")))
    return frozenset(w for w in words if w and w not in _STOP)


def head_word_overlap(
    predicted: str,
    gold: str,
    *,
    predicted_code: str | None = None,
    gold_code: str | None = None,
) -> bool:
    """Whether a predicted actor matches a gold one: shared content words, or the same
    resolved code when both resolved (so "Washington" matches "the United States")."""
    if predicted_code and gold_code and predicted_code == gold_code:
        return True
    return bool(head_words(predicted) & head_words(gold))


# ---------------------------------------------------------------------------- data
@dataclass(frozen=True, slots=True)
class GoldRow:
    """One gold sentence: its 0-based position in the file and its annotation."""

    index: int
    text: str
    label: str
    source: str
    target: str


@dataclass(frozen=True, slots=True)
class TypeScores:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class RowPrediction:
    """What the coder said about one gold row.

    ``predicted`` is the chosen type in the gold label space (None: no event); ``matched``
    whether an event matched the gold (type, source, target) triple (end to end only);
    ``events`` the coded events as plain dicts (type, mode, actor, recipient, polarity,
    modality, trigger), the chosen one first.
    """

    row: int
    gold: str
    predicted: str | None
    events: tuple[dict[str, Any], ...] = ()
    matched: bool = False
    stored: int = 0  # events the pipeline would store for this row
    error: str | None = None  # the coder failed on this row (scored as no event)
    # End to end only: what went wrong (one of OUTCOMES, see :func:`outcome_of`), and whether
    # the gold source/target matches any actor mention found in the sentence at all.
    outcome: str = ""
    source_found: bool = True
    target_found: bool = True
    primary_hit: bool = False  # the first-ranked event is the matching one

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "row": self.row,
            "predicted": self.predicted,
            "events": list(self.events),
        }
        if self.error:
            out["error"] = self.error
        return out


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Accuracy of the coder over a gold file in one setting."""

    setting: Setting
    n: int
    accuracy: float
    macro_f1: float
    per_type: tuple[TypeScores, ...]
    rows: tuple[RowPrediction, ...] = field(repr=False)
    no_prediction: int = 0
    errors: int = 0  # rows the coder failed on, scored as no event
    # End to end only: (type, source, target) triples over every stored event...
    triple_precision: float | None = None
    triple_recall: float | None = None
    triple_f1: float | None = None
    # ... and over each sentence's first event.
    first_precision: float | None = None
    first_recall: float | None = None
    first_f1: float | None = None
    seconds: float = 0.0


# --------------------------------------------------------------------------- reading
def read_gold(path: str | Path) -> list[GoldRow]:
    """Read a PLV-format gold CSV; raises :class:`InputError` if it is not one."""
    p = Path(path)
    fix = f"give a CSV with a header row holding the columns {', '.join(REQUIRED_COLUMNS)}"
    try:
        with p.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise InputError(
                    f"{p} is not a gold file: no column {', '.join(missing)}.",
                    cause=f"its header is {', '.join(header) or '(empty)'}",
                    fix=fix,
                )
            rows: list[GoldRow] = []
            for i, rec in enumerate(reader):
                text = (rec.get("text") or "").strip()
                label = (rec.get("label") or "").strip().upper()
                if not text or not label:
                    raise InputError(
                        f"{p}, data row {i + 1}: empty text or label.",
                        cause="a blank or truncated line",
                        fix=fix + "; every row needs a text and a label",
                    )
                rows.append(
                    GoldRow(
                        index=i,
                        text=text,
                        label=gold_label(label),
                        source=(rec.get("source") or "").strip(),
                        target=(rec.get("target") or "").strip(),
                    )
                )
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"Could not read gold file {p}.", cause=str(exc), fix=fix) from exc
    if not rows:
        raise InputError(f"{p} holds no gold rows.", fix=fix)
    unknown = sorted({r.label for r in rows} - set(GOLD_LABELS))
    if unknown:
        raise InputError(
            f"{p}: unknown labels {', '.join(unknown)}.",
            cause="labels must be PLOVER types (CONCEDE and RETREAT may be given as YIELD)",
            fix=f"use one of {', '.join(GOLD_LABELS)}",
        )
    return rows


# --------------------------------------------------------------------------- coding
def parse_rows(rows: Sequence[GoldRow], pipeline: Pipeline) -> list[Doc]:
    """Parse every gold text once (callers that score several settings share the parses)."""
    return list(pipeline.nlp.pipe([r.text for r in rows], batch_size=128))


def _find_span(text: str, phrase: str) -> tuple[int, int] | None:
    """Where ``phrase`` is written in ``text``; failing an exact match, the run of text from
    the first to the last of its content words found there."""
    if not phrase:
        return None
    at = text.lower().find(phrase.lower())
    if at >= 0:
        return at, at + len(phrase)
    hits: list[tuple[int, int]] = []
    low = text.lower()
    for w in head_words(phrase):
        m = re.search(rf"(?<!\w){re.escape(w)}(?!\w)", low)
        if m:
            hits.append(m.span())
    if not hits:
        return None
    return min(s for s, _ in hits), max(e for _, e in hits)


class _GivenActors:
    """An actor lookup that reports the gold source and target as mentions (under
    placeholder codes, so that the coder can tell them apart even when both resolve to the
    same country) ahead of whatever else the real lookup finds."""

    SRC: Final = "@SRC"
    TGT: Final = "@TGT"

    def __init__(self, base: Any, spans: dict[str, tuple[int, int] | None], text: str) -> None:
        self._base = base
        self._given: list[tuple[int, int, Entity]] = []
        from eventwire.model import Entity

        for code, span in spans.items():
            if span is not None:
                self._given.append(
                    (span[0], span[1], Entity(text=text[span[0] : span[1]], code=code))
                )
        # Overlapping gold spans ("Trump" inside "Trump administration"): the shorter wins the
        # overlap so that both stay findable.
        self._given.sort(key=lambda m: m[1] - m[0])

    def resolve(self, mention: str, *, date: object = None) -> Entity | None:
        found: Entity | None = self._base.resolve(mention, date=date)
        return found

    def explain(self, mention: str, *, date: object = None) -> Any:
        return self._base.explain(mention, date=date)

    def find_mentions(self, text: str) -> list[tuple[int, int, Entity]]:
        out = list(self._given)
        for s, e, ent in self._base.find_mentions(text):
            if not any(s < ge and gs < e for gs, ge, _ in out):
                out.append((s, e, ent))
        out.sort(key=lambda m: m[0])
        return out


def _event_dict(ev: Event) -> dict[str, Any]:
    return {
        "type": ev.event_type,
        "mode": ev.mode,
        "actor": [a.text for a in ev.actor],
        "actor_code": [a.code for a in ev.actor],
        "recipient": [a.text for a in ev.recipient],
        "recipient_code": [a.code for a in ev.recipient],
        "polarity": ev.polarity,
        "modality": ev.modality,
        "trigger": ev.evidence.trigger,
        "confidence": ev.confidence,
    }


def _depth(doc: Doc, char: int) -> int:
    """How far the token at sentence offset ``char`` is from the root of its parse."""
    tok = next((t for t in doc if t.idx <= char < t.idx + len(t.text)), None)
    depth = 0
    while tok is not None and tok.head != tok and depth < 50:
        tok, depth = tok.head, depth + 1
    return depth


def _rank(doc: Doc, ev: Event, base: int) -> tuple[int, int, int]:
    # Asserted and actual events first, then shallower triggers, then earlier ones.
    off = ev.evidence.trigger_start - base
    return (
        (ev.polarity != "asserted") + (ev.modality not in ("actual", "historical")),
        _depth(doc, off),
        off,
    )


def _nearest_trigger(doc: Doc, spans: Iterable[tuple[int, int] | None]) -> str | None:
    from eventwire.coder.triggers import trigger_of

    marks = [s for s in spans if s is not None]
    best: tuple[int, int, str] | None = None
    for tok in doc:
        trig = trigger_of(tok)
        if trig is None:
            continue
        inside = any(s <= tok.idx < e for s, e in marks)
        dist = min((min(abs(tok.idx - s), abs(tok.idx - e)) for s, e in marks), default=0)
        key = (int(inside), dist if marks else _depth(doc, tok.idx), trig[0])
        if best is None or key[:2] < best[:2]:
            best = key
    return gold_label(best[2]) if best else None


def code_rows(
    rows: Sequence[GoldRow],
    *,
    pipeline: Pipeline,
    given_actors: bool,
    docs: Sequence[Doc] | None = None,
) -> list[RowPrediction]:
    """Code every gold row in one setting (pass ``docs`` from :func:`parse_rows` to reuse
    parses)."""
    if given_actors:
        _given_actors_coder(pipeline.coder)  # fails now, not once per row after parsing
    if docs is None:
        docs = parse_rows(rows, pipeline)
    out: list[RowPrediction] = []
    for row, doc in zip(rows, docs, strict=True):
        try:
            out.append(_code_row(row, doc, pipeline=pipeline, given_actors=given_actors))
        except Exception as exc:  # like the pipeline: one bad row is set aside
            out.append(
                RowPrediction(
                    row=row.index,
                    gold=row.label,
                    predicted=None,
                    error=f"{type(exc).__name__}: {exc}",
                )
            )
    return out


def _given_actors_coder(coder: Coder) -> GivenActorsCoder:
    """``coder``, which the given-actors setting hands the gold actors; a usage error where
    it cannot be handed any."""
    from eventwire.coder.base import GivenActorsCoder

    if not isinstance(coder, GivenActorsCoder):
        raise UsageError(
            "The given-actors setting needs a coder that can be handed gold actors.",
            cause=f"the pipeline's coder {type(coder).__name__} has no with_actors()",
            fix="use coder.plover.v1, or evaluate without --given-actors",
        )
    return coder


def _code_row(row: GoldRow, doc: Doc, *, pipeline: Pipeline, given_actors: bool) -> RowPrediction:
    from eventwire.coder.base import ClassifiedCoder, RankingCoder
    from eventwire.coder.context import ArticleMemory
    from eventwire.coder.prefilter import may_hold_event
    from eventwire.ingest import article_id
    from eventwire.model import Article
    from eventwire.nlp import Sentence

    coder = pipeline.coder
    cfg = pipeline.config.coder
    resolve = getattr(pipeline.actors, "resolve", None)
    article = Article(id=article_id(row.text), text=row.text, language="en")
    sentence = Sentence(index=0, text=row.text, start=0, end=len(row.text))
    memory = ArticleMemory()
    if given_actors:
        spans = {
            _GivenActors.SRC: _find_span(row.text, row.source),
            _GivenActors.TGT: _find_span(row.text, row.target),
        }
        given = _given_actors_coder(coder).with_actors(
            _GivenActors(pipeline.actors, spans, row.text)
        )
        coded = given.code_sentence(doc, sentence, article, memory)
        ranked = sorted(coded, key=lambda ev: (-_pair_score(ev), *_rank(doc, ev, 0)))
        # (The test reads the classifier, loading it on first use, as the type needs it.)
        if isinstance(coder, ClassifiedCoder):
            from eventwire.coder.classifier import ClassifierInput

            item = ClassifierInput(row.text, spans[_GivenActors.SRC], spans[_GivenActors.TGT])
            predicted: str | None = gold_label(coder.classifier.predict([item])[0].label)
        elif ranked:
            predicted = gold_label(ranked[0].event_type)
        else:
            predicted = _nearest_trigger(doc, spans.values())
        return RowPrediction(
            row=row.index,
            gold=row.label,
            predicted=predicted,
            events=tuple(_event_dict(e) for e in ranked),
        )
    events: list[Event] = []
    if may_hold_event(row.text) or not pipeline.config.nlp.prefilter:
        events = [
            ev
            for ev in coder.code_sentence(doc, sentence, article, memory)
            if ev.confidence >= cfg.min_confidence
            and (cfg.keep_negated or ev.polarity != "negated")
        ]
    # Coders that rank their events (v5) put the sentence's event first.
    ranked = (
        events
        if isinstance(coder, RankingCoder) and coder.ranks_events
        else sorted(events, key=lambda ev: _rank(doc, ev, 0))
    )
    gsrc = resolve(row.source) if resolve and row.source else None
    gtgt = resolve(row.target) if resolve and row.target else None
    flags = [
        EventFlags(
            type_ok=gold_label(ev.event_type) == row.label,
            source_ok=entities_match(ev.actor, row.source, gsrc),
            target_ok=entities_match(ev.recipient, row.target, gtgt),
            swapped=bool(row.source and row.target)
            and entities_match(ev.actor, row.target, gtgt)
            and entities_match(ev.recipient, row.source, gsrc),
        )
        for ev in ranked
    ]
    hit = [f.type_ok and f.source_ok and f.target_ok for f in flags]
    # Could the coder have named the gold actors at all? Its candidates are the knowledge
    # base's mentions and spaCy's actor entities (and whatever its events name).
    found: list[Entity] = [ent for _, _, ent in pipeline.actors.find_mentions(row.text)]
    found += [_plain_entity(e.text) for e in doc.ents if e.label_ in _ACTOR_ENT_LABELS]
    found += [a for ev in ranked for a in (*ev.actor, *ev.recipient)]
    return RowPrediction(
        row=row.index,
        gold=row.label,
        predicted=gold_label(ranked[0].event_type) if ranked else None,
        events=tuple(_event_dict(e) for e in ranked),
        matched=any(hit),
        stored=len(events),
        outcome=outcome_of(flags),
        source_found=not row.source or entities_match(found, row.source, gsrc),
        target_found=not row.target or entities_match(found, row.target, gtgt),
        primary_hit=bool(hit) and hit[0],
    )


_ACTOR_ENT_LABELS: Final = frozenset({"GPE", "NORP", "ORG", "PERSON", "FAC", "LOC"})


def _plain_entity(text: str) -> Entity:
    from eventwire.model import Entity

    return Entity(text=text)


@dataclass(frozen=True, slots=True)
class EventFlags:
    """How one coded event compares with the gold row (end to end)."""

    type_ok: bool
    source_ok: bool
    target_ok: bool
    swapped: bool = False  # its source is the gold target and its target the gold source


# What went wrong on a gold row, end to end, in order of precedence: the first that applies.
OUTCOMES: Final = (
    "hit",  # an event has the gold type, source and target
    "no event",  # the coder stored no event for the sentence
    "right pair, wrong type",  # an event has the gold source and target, none the type too
    "source/target swapped",  # an event of the gold type has them the other way round
    "right type, wrong source",  # ... has the gold target but another source
    "right type, wrong target",  # ... has the gold source but another target
    "right type, both wrong",  # ... has neither gold actor
    "wrong type and pair",  # no event has the gold type nor the gold pair
)


def outcome_of(events: Sequence[EventFlags]) -> str:
    """The row's outcome (one of :data:`OUTCOMES`) from its events' flags."""
    if any(f.type_ok and f.source_ok and f.target_ok for f in events):
        return OUTCOMES[0]
    if not events:
        return OUTCOMES[1]
    if any(f.source_ok and f.target_ok for f in events):
        return OUTCOMES[2]
    typed = [f for f in events if f.type_ok]
    if any(f.swapped for f in typed):
        return OUTCOMES[3]
    if any(f.target_ok for f in typed):
        return OUTCOMES[4]
    if any(f.source_ok for f in typed):
        return OUTCOMES[5]
    return OUTCOMES[6] if typed else OUTCOMES[7]


@dataclass(frozen=True, slots=True)
class BreakdownRow:
    """One outcome's count over a set of gold rows, with how many of those rows had several
    stored events and how many had a gold actor that no mention in the sentence matches."""

    outcome: str
    rows: int
    share: float
    several_events: int
    source_not_found: int
    target_not_found: int


def error_breakdown(predictions: Sequence[RowPrediction]) -> tuple[BreakdownRow, ...]:
    """End-to-end predictions counted by outcome (every outcome listed, in order)."""
    n = len(predictions) or 1
    out = []
    for name in OUTCOMES:
        these = [p for p in predictions if (p.outcome or OUTCOMES[1]) == name]
        out.append(
            BreakdownRow(
                outcome=name,
                rows=len(these),
                share=len(these) / n,
                several_events=sum(p.stored > 1 for p in these),
                source_not_found=sum(not p.source_found for p in these),
                target_not_found=sum(not p.target_found for p in these),
            )
        )
    return tuple(out)


def _pair_score(ev: Event) -> int:
    src = any(a.code == _GivenActors.SRC for a in ev.actor)
    tgt = any(a.code == _GivenActors.TGT for a in ev.recipient)
    return 2 * src + tgt if (src or tgt) else 0


def entities_match(entities: Sequence[Entity], gold: str, gold_entity: Entity | None) -> bool:
    """Whether ``entities`` (an event's source or target) match the gold phrase ``gold``
    (``gold_entity``: what the actor lookup resolves it to), as end-to-end scoring matches
    them: by head-word overlap or the same code; no entities match a blank gold phrase.
    (training/train_ranker.py labels the ranker's pairs with it too.)"""
    if not gold:
        return not entities  # PLV leaves the target blank for events without one
    gcode = gold_entity.code if gold_entity else None
    return any(
        head_word_overlap(e.text, gold, predicted_code=e.code, gold_code=gcode)
        or (e.name is not None and head_word_overlap(e.name, gold))
        for e in entities
    )


# --------------------------------------------------------------------------- scoring
def score(
    predictions: Sequence[RowPrediction], *, setting: Setting, seconds: float = 0.0
) -> EvalReport:
    """Accuracy, macro-F1 and per-type P/R/F1 of ``predictions`` (and, end to end, P/R/F1
    over (type, source, target) triples)."""
    n = len(predictions)
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for p in predictions:
        if p.predicted == p.gold:
            tp[p.gold] += 1
        else:
            fn[p.gold] += 1
            if p.predicted is not None:
                fp[p.predicted] += 1
    labels = [lab for lab in GOLD_LABELS if tp[lab] + fn[lab] + fp[lab]]
    per_type: list[TypeScores] = []
    for lab in labels:
        prec = tp[lab] / (tp[lab] + fp[lab]) if tp[lab] + fp[lab] else 0.0
        rec = tp[lab] / (tp[lab] + fn[lab]) if tp[lab] + fn[lab] else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per_type.append(TypeScores(lab, prec, rec, f1, tp[lab] + fn[lab]))
    # Macro-F1 over the types present in the gold (as ZSP and scikit-learn with the gold
    # label set do): a type only ever predicted wrongly still costs through precision.
    gold_types = [t for t in per_type if t.support]
    macro = sum(t.f1 for t in gold_types) / len(gold_types) if gold_types else 0.0
    report = EvalReport(
        setting=setting,
        n=n,
        accuracy=sum(tp.values()) / n if n else 0.0,
        macro_f1=macro,
        per_type=tuple(per_type),
        rows=tuple(predictions),
        no_prediction=sum(p.predicted is None for p in predictions),
        errors=sum(p.error is not None for p in predictions),
        seconds=seconds,
    )
    if setting == "given-actors":
        return report
    from dataclasses import replace

    prec, rec, f1 = _prf(sum(p.matched for p in predictions), sum(p.stored for p in predictions), n)
    first = _prf(sum(p.primary_hit for p in predictions), sum(p.stored > 0 for p in predictions), n)
    return replace(
        report,
        triple_precision=prec,
        triple_recall=rec,
        triple_f1=f1,
        first_precision=first[0],
        first_recall=first[1],
        first_f1=first[2],
    )


def _prf(hits: int, predicted: int, gold: int) -> tuple[float, float, float]:
    prec = hits / predicted if predicted else 0.0
    rec = hits / gold if gold else 0.0
    return prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0


def evaluate(
    gold_path: str | Path,
    *,
    given_actors: bool = False,
    pipeline: Pipeline | None = None,
) -> EvalReport:
    """Score the coder on a PLV-format gold file (see the module docstring for the two
    settings). ``pipeline`` defaults to the default :class:`~eventwire.pipeline.Pipeline`."""
    from eventwire.pipeline import Pipeline

    rows = read_gold(gold_path)
    pipe = pipeline or Pipeline()
    start = time.perf_counter()
    preds = code_rows(rows, pipeline=pipe, given_actors=given_actors)
    return score(
        preds,
        setting="given-actors" if given_actors else "end-to-end",
        seconds=time.perf_counter() - start,
    )
