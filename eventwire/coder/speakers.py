"""Who is quoted or credited: "..., the official said", "according to President Moon"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventwire.coder.polarity import REPORTING_VERBS

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

__all__ = ["find_speaker"]


def find_speaker(sent: Span) -> Span | None:
    """The span naming who a sentence is attributed to, or None."""
    for tok in sent:
        if (
            tok.lower_ == "according"
            and tok.i + 1 < sent.end
            and sent.doc[tok.i + 1].lower_ == "to"
        ):
            to = sent.doc[tok.i + 1]
            objs = [c for c in to.children if c.dep_ == "pobj"]
            if objs:
                return _subtree_span(objs[0])
    for tok in sent:
        if tok.lemma_ in REPORTING_VERBS and tok.pos_ == "VERB":
            subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
            if subj and subj[0].lower_ not in ("i", "we", "you", "it"):
                return _subtree_span(subj[0], stop_at_punct=True)
    return None


def _subtree_span(tok: Token, *, stop_at_punct: bool = False) -> Span:
    left, right = tok.left_edge.i, tok.right_edge.i
    if stop_at_punct:
        # "The US official, speaking to reporters on Sunday," -> "The US official"
        for t in tok.doc[tok.i : right + 1]:
            if t.is_punct:
                right = t.i - 1
                break
    return tok.doc[left : right + 1]
