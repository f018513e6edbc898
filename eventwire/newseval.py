"""Scoring a coder on news gold: does a sentence report an event, and which.

Each gold article's sentences are coded in order, as one article (so that article memory
works as in a real run), joined by blank lines so that the pipeline keeps the gold sentence
boundaries. Events are mapped back to their gold sentence by offset.

Only new events count on both sides: asserted and actual. A background reference
(``historical``), a negated, future or hypothetical event is not what a news stream counts.

- **Sentence detection**: a sentence reports at least one new event, gold against coded.
- **type + source**: a coded event matches a gold event of its sentence with the same type and
  source country code; **type + source + target** also needs the same target country code
  (both empty counts as the same). A reciprocal gold event matches either direction. Each gold
  event is matched at most once.

Country codes match as equal, except that the annotation brief codes every international
organisation ``IGO`` where the PLOVER codebook, and so the coder, sets the UN (``UNO``) and
the EU (``EUR``) apart: those three match one another (:func:`same_country`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from eventwire.model import Article, Event
from eventwire.newsgold import GoldEvent, GoldSentence

if TYPE_CHECKING:
    from eventwire.pipeline import Pipeline

__all__ = [
    "NewsScores",
    "PRF",
    "code_gold",
    "gold_articles",
    "is_new",
    "matches",
    "same_country",
    "score_news",
]

_JOIN = "\n\n"


def is_new(ev: Event) -> bool:
    """An event a news stream counts: asserted, actual."""
    return ev.polarity == "asserted" and ev.modality == "actual"


def gold_articles(
    sentences: Sequence[GoldSentence],
) -> list[tuple[Article, list[tuple[GoldSentence, int, int]]]]:
    """The gold sentences grouped into articles, in order, each sentence with its offsets in
    the joined article text."""
    groups: dict[tuple[str, str], list[GoldSentence]] = {}
    for s in sentences:
        groups.setdefault((s.corpus, s.article_id), []).append(s)
    out = []
    for (corpus, aid), group in groups.items():
        group.sort(key=lambda s: s.index)
        parts: list[str] = []
        spans: list[tuple[GoldSentence, int, int]] = []
        pos = 0
        for s in group:
            text = " ".join(s.text.split("\n"))  # one gold sentence stays one sentence
            spans.append((s, pos, pos + len(text)))
            parts.append(text)
            pos += len(text) + len(_JOIN)
        published = None
        if group[0].published:
            try:
                published = dt.date.fromisoformat(group[0].published)
            except ValueError:
                published = None
        outlet = group[0].outlet or None
        article = Article(
            id=f"{corpus}:{aid}" if corpus else aid,
            text=_JOIN.join(parts),
            published=published,
            outlet=outlet,
            url=f"https://{outlet}/" if outlet else None,
            language="en",
        )
        out.append((article, spans))
    return out


def code_gold(sentences: Sequence[GoldSentence], pipeline: Pipeline) -> dict[str, list[Event]]:
    """Every event the pipeline codes, by gold sentence id."""
    arts = gold_articles(sentences)
    by_article = {a.id: spans for a, spans in arts}
    out: dict[str, list[Event]] = {s.id: [] for s in sentences}
    for article, events in pipeline.code_articles([a for a, _ in arts]):
        spans = by_article[article.id]
        for ev in events:
            start = ev.evidence.start
            for s, lo, hi in spans:
                if lo <= start < hi:
                    out[s.id].append(ev)
                    break
    return out


@dataclass(frozen=True, slots=True)
class PRF:
    hits: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.hits / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.hits / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 3), "recall": round(self.recall, 3),
            "f1": round(self.f1, 3), "hits": self.hits, "predicted": self.predicted,
            "gold": self.gold,
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class NewsScores:
    """The figures of one coder on one set of gold sentences."""

    sentences: int
    detection: PRF
    type_source: PRF
    type_source_target: PRF
    subsets: dict[str, NewsScores] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "sentences": self.sentences,
            "detection": self.detection.to_json(),
            "type_source": self.type_source.to_json(),
            "type_source_target": self.type_source_target.to_json(),
        }
        if self.subsets:
            out["subsets"] = {k: v.to_json() for k, v in self.subsets.items()}
        return out


# The brief's one code for international organisations, and the codebook's three.
_IGO_CODES = frozenset({"IGO", "UNO", "EUR"})


def same_country(coded: str, gold: str) -> bool:
    """A coded country code against a gold one: equal, or both an international
    organisation's (the brief's ``IGO`` for the codebook's ``UNO`` and ``EUR``)."""
    return coded == gold or (coded in _IGO_CODES and gold in _IGO_CODES)


def matches(ev: Event, g: GoldEvent, *, with_target: bool) -> bool:
    """Whether a coded event is the gold event: its type, and its source's country (and its
    target's, ``with_target``) the gold's, either way round where the gold is reciprocal."""
    if ev.event_type != g.type:
        return False
    src, tgt = ev.actor_code or "", ev.recipient_code or ""
    pairs = [(g.source_code, g.target_code)]
    if g.reciprocal:
        pairs.append((g.target_code, g.source_code))
    return any(
        gs and same_country(src, gs) and (not with_target or same_country(tgt, gt))
        for gs, gt in pairs
    )


def _match_count(pred: Sequence[Event], gold: Sequence[GoldEvent], *, with_target: bool) -> int:
    used: set[int] = set()
    hits = 0
    for ev in pred:
        for i, g in enumerate(gold):
            if i not in used and matches(ev, g, with_target=with_target):
                used.add(i)
                hits += 1
                break
    return hits


def _score(sentences: Iterable[GoldSentence], coded: dict[str, list[Event]]) -> NewsScores:
    n = 0
    det = [0, 0, 0]
    ts = [0, 0, 0]
    tst = [0, 0, 0]
    for s in sentences:
        n += 1
        gold = [g for g in s.events if g.is_new]
        pred = [e for e in coded.get(s.id, []) if is_new(e)]
        det[0] += bool(gold) and bool(pred)
        det[1] += bool(pred)
        det[2] += bool(gold)
        ts[0] += _match_count(pred, gold, with_target=False)
        tst[0] += _match_count(pred, gold, with_target=True)
        ts[1] += len(pred)
        tst[1] += len(pred)
        ts[2] += len(gold)
        tst[2] += len(gold)
    return NewsScores(n, PRF(*det), PRF(*ts), PRF(*tst))


def score_news(sentences: Sequence[GoldSentence], coded: dict[str, list[Event]]) -> NewsScores:
    """Detection and event figures over all sentences, with subsets: each corpus, and the
    sentences with an event in an outlet's own voice."""
    whole = _score(sentences, coded)
    subsets: dict[str, NewsScores] = {}
    corpora = sorted({s.corpus for s in sentences if s.corpus})
    if len(corpora) > 1:
        for c in corpora:
            subsets[c] = _score([s for s in sentences if s.corpus == c], coded)
    voice = [s for s in sentences if any(g.outlet_voice for g in s.events)]
    if voice:
        subsets["outlet_voice"] = _score(voice, coded)
    return NewsScores(whole.sentences, whole.detection, whole.type_source,
                      whole.type_source_target, subsets)  # fmt: skip
