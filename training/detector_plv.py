"""PLV's event sentences as a check on the news detector (training/train_detector.py).

Every PLV sentence reports an event, in the clean wording the news gold has few of ("Kenya
sent food aid to Somalia"). A detector fitted on news alone can learn news priors that drop
such sentences: train_detector.py reports the share of PLV's events the fitted detector
keeps, and chooses its L2 strength and threshold among the fits that keep at least
``PLV_FLOOR`` of them. The shipped detector's train-only fit keeps 0.766 of the 1,050; the
one before the parse features (detection.syntax_features) kept 0.642.

PLV in the fitting itself was tried and not kept: at a weight of 0.05 against a news
candidate, with a feature marking its rows, dev type + source F1 0.233 (0.228 without), the
PLV fifth held out 0.842 kept, but 6 of the seed article's 10 checks (9 without) and 28 of
the polarity suite's 65 (38); weights 0.1 and 0.2 lost dev F1 (0.214, 0.210), and PLV
dated as news is lost more. At full weight, without the marking feature, an earlier detector
fell from 0.169 to 0.121 on dev.

PLV gives the source as text, not codes: a candidate is PLV's event when its type is the
label and its source shares a head word with PLV's source.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from eventwire.coder.detector import DetectedCoder, Scored
from eventwire.evaluate import gold_label, head_words
from eventwire.model import Article, Event
from eventwire.newsgold import GoldSentence

__all__ = ["PlvSentence", "kept_share", "plv_sentences"]


@dataclass(frozen=True)
class PlvSentence:
    """A PLV sentence as a gold sentence (no events: PLV's label and source text instead)."""

    sentence: GoldSentence
    label: str
    source: str


def plv_sentences(path: Path) -> list[PlvSentence]:
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            s = GoldSentence(
                id=f"plv{row['sentence_id']}", corpus="plv", article_id=row["sentence_id"],
                index=0, start=0, end=len(row["text"]), sha="", split="train", text=row["text"],
            )  # fmt: skip
            out.append(PlvSentence(s, row["label"], row["source"]))
    return out


def _is_event(ev: Event, s: PlvSentence) -> bool:
    """PLV's event: its type, and a source sharing a head word with PLV's."""
    src = ev.actor[0].text if ev.actor else ""
    return gold_label(ev.event_type) == s.label and bool(head_words(s.source) & head_words(src))


def kept_share(
    coder: DetectedCoder, data: dict[str, tuple[Article, Scored]], sentences: Sequence[PlvSentence]
) -> float:
    """The share of ``sentences`` whose event (type, source head word) the coder keeps."""
    hits = 0
    for s in sentences:
        article, scored = data.get(s.sentence.id, (None, []))
        events = coder.decide(scored, article) if article is not None else []
        hits += any(_is_event(e, s) for e in events)
    return hits / max(1, len(sentences))
