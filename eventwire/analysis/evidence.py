"""Events as evidence: the sentence behind each event, with actor, recipient and trigger marked.

The store keeps the sentence and trigger offsets relative to the *article* text, so the
trigger's place in the sentence is ``trigger_start - sentence_start``. Actor and recipient
have no stored offsets; they are found in the sentence by their text as written (first match,
case-insensitive as a fallback). Spans never overlap: the trigger wins, then the actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from eventwire.analysis._common import SURENESS_SQL

__all__ = [
    "EVIDENCE_COLUMNS",
    "EvidenceEvent",
    "Span",
    "SpanKind",
    "evidence_from_row",
    "highlight_spans",
    "segments",
]

SpanKind = Literal["actor", "recipient", "trigger"]


@dataclass(frozen=True, slots=True)
class Span:
    """A marked stretch of a sentence: ``start``/``end`` are offsets into the sentence."""

    start: int
    end: int
    kind: SpanKind

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "kind": self.kind}


@dataclass(frozen=True, slots=True)
class EvidenceEvent:
    """One event with the text and source that support it."""

    id: str
    date: dt.date | None
    event_type: str
    quad: int | None
    intensity: float | None
    actor_code: str | None
    recipient_code: str | None
    actor_text: str | None
    recipient_text: str | None
    sentence: str
    trigger: str | None
    spans: tuple[Span, ...]
    article_id: str
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    # The coder's confidence, or 1.0 once an analyst reviewed the event (SURENESS_SQL).
    sureness: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "date": self.date.isoformat() if self.date else None,
            "event_type": self.event_type,
            "quad": self.quad,
            "intensity": self.intensity,
            "actor_code": self.actor_code,
            "recipient_code": self.recipient_code,
            "actor_text": self.actor_text,
            "recipient_text": self.recipient_text,
            "sentence": self.sentence,
            "trigger": self.trigger,
            "spans": [s.to_dict() for s in self.spans],
            "article_id": self.article_id,
            "url": self.url,
            "title": self.title,
            "outlet": self.outlet,
            "sureness": self.sureness,
        }


# The column list every evidence query selects, in EvidenceEvent.from_row order.
EVIDENCE_COLUMNS = (
    "e.id, e.date, e.event_type, e.quad, e.intensity, e.actor_code, e.recipient_code, "
    "e.actor_text, e.recipient_text, e.sentence, e.sentence_start, e.trigger, e.trigger_start, "
    f"e.trigger_end, e.article_id, a.url, a.title, a.outlet, {SURENESS_SQL}"
)


def evidence_from_row(row: Sequence[Any]) -> EvidenceEvent:
    """Build an :class:`EvidenceEvent` from a row selected with ``EVIDENCE_COLUMNS``."""
    (eid, date, etype, quad, inten, acode, rcode, atext, rtext, sentence, s_start, trigger,
     t_start, t_end, article_id, url, title, outlet, sureness) = row  # fmt: skip
    sentence = sentence or ""
    return EvidenceEvent(
        id=eid,
        date=date,
        event_type=etype,
        quad=quad,
        intensity=inten,
        actor_code=acode,
        recipient_code=rcode,
        actor_text=atext,
        recipient_text=rtext,
        sentence=sentence,
        trigger=trigger,
        spans=highlight_spans(
            sentence,
            sentence_start=s_start,
            trigger=trigger,
            trigger_start=t_start,
            trigger_end=t_end,
            actor_text=atext,
            recipient_text=rtext,
        ),
        article_id=article_id,
        url=url,
        title=title,
        outlet=outlet,
        sureness=sureness,
    )


def _find(sentence: str, needle: str | None) -> tuple[int, int] | None:
    if not needle:
        return None
    i = sentence.find(needle)
    if i < 0:
        i = sentence.lower().find(needle.lower())
    return (i, i + len(needle)) if i >= 0 else None


def highlight_spans(
    sentence: str,
    *,
    sentence_start: int | None,
    trigger: str | None,
    trigger_start: int | None,
    trigger_end: int | None,
    actor_text: str | None,
    recipient_text: str | None,
) -> tuple[Span, ...]:
    """The non-overlapping spans to mark in ``sentence``, sorted by start.

    The trigger is placed by its offsets when they land on the trigger text; otherwise (an
    older coder, an edited sentence) it is searched for, so a bad offset never marks the
    wrong words.
    """
    candidates: list[Span] = []
    placed: tuple[int, int] | None = None
    if trigger and sentence_start is not None and trigger_start is not None:
        rel = trigger_start - sentence_start
        end = rel + ((trigger_end - trigger_start) if trigger_end is not None else len(trigger))
        if 0 <= rel < end <= len(sentence) and sentence[rel:end] == trigger:
            placed = (rel, end)
    if placed is None:
        placed = _find(sentence, trigger)
    if placed is not None:
        candidates.append(Span(placed[0], placed[1], "trigger"))
    for text, kind in ((actor_text, "actor"), (recipient_text, "recipient")):
        found = _find(sentence, text)
        if found is not None:
            candidates.append(Span(found[0], found[1], kind))  # type: ignore[arg-type]
    chosen: list[Span] = []
    for span in candidates:  # already in priority order
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return tuple(sorted(chosen, key=lambda s: s.start))


def segments(sentence: str, spans: Sequence[Span]) -> list[tuple[str, SpanKind | None]]:
    """Split ``sentence`` into (text, kind) pieces; ``kind`` is None between spans."""
    out: list[tuple[str, SpanKind | None]] = []
    pos = 0
    for s in spans:
        if s.start > pos:
            out.append((sentence[pos : s.start], None))
        out.append((sentence[s.start : s.end], s.kind))
        pos = s.end
    if pos < len(sentence):
        out.append((sentence[pos:], None))
    return out
