"""Candidate (source, target) pairs in a parsed sentence, their features, and a learned ranker.

The ranked stage of coder.plover.v5 (:mod:`eventwire.coder.ranked`, once coder v3) reads a
sentence the way PLV annotates it: one event, with a source and a target written in the
sentence. The candidates for either role are the sentence's noun
chunks, its actor mentions (the knowledge base's scan and spaCy's entities, as the rules read
them) and the arguments the rules gave their triggers; dates, sums and numbers are none. Every
ordered pair of two that do not overlap, whose source names an actor (a known code, a proper
noun, a named entity, or a noun like "court" or "protesters": :data:`ACTOR_NOUNS`), is
described by sparse features (each side's dependency role and preposition, whether the rules
chose it, its position, what kind of name it is; the two sides' distance, order and relation
in the parse), and a conditional-logit ranker (a softmax over one sentence's pairs, linear in
the features) picks the pair.

This module holds what coding needs: the candidates, their features and the ranker that
scores them with the shipped weights (``pair_ranker.json``). They are fitted with numpy alone
on all of PLV train by ``python training/train_ranker.py ../shared/data/plv/train.csv``
(fitting and its training data live there, outside the library), so PLV figures for it must
come from cross-validation (benchmarks/coder_bench.py --coder v3 fits one ranker per fold).

It also holds what the ranked stage and v5 share in reading a chosen pair: the spans the
classifier is shown (:func:`span_within`), the trigger that reports the pair's event
(:func:`governing_trigger`), and what makes two events one (:func:`event_key`).
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import mul
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np

from eventwire.coder.compose import Candidate
from eventwire.coder.context import GENERIC_ACTOR_WORDS, PRONOUNS
from eventwire.model import Entity, Event
from eventwire.nlp import doc_text

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "ACTOR_NOUNS",
    "DEFAULT_RANKER",
    "Pair",
    "PairRanker",
    "SpanCandidate",
    "event_key",
    "governing_trigger",
    "pair_features",
    "span_candidates",
    "span_within",
]

DEFAULT_RANKER: Final = Path(__file__).with_name("pair_ranker.json")

_PREPS: Final = frozenset(
    {"by", "with", "against", "to", "on", "in", "of", "for", "from", "at", "into", "between",
     "toward", "towards", "over", "after", "during", "near", "across", "about"}
)  # fmt: skip
_DEPS: Final = frozenset(
    {"nsubj", "nsubjpass", "dobj", "pobj", "poss", "compound", "conj", "appos", "attr",
     "dative", "npadvmod", "ROOT", "amod", "nmod", "oprd", "ccomp", "advcl", "xcomp"}
)  # fmt: skip
_MAX_SPANS: Final = 16
_NOT_ACTOR_ENTS: Final = frozenset(
    {"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"}
)
_ACTOR_ENTS: Final = frozenset({"GPE", "NORP", "ORG", "PERSON", "FAC", "LOC"})
# Nouns that name actors without a name of their own ("the court", "protesters", "rebel
# fighters"): the codebook's sectors and the people and bodies of political news.
ACTOR_NOUNS: Final = GENERIC_ACTOR_WORDS | frozenset(
    """government administration regime ministry minister official officer authority police
    policeman force troop soldier army military navy militia militant rebel insurgent fighter
    guerrilla gunman bomber attacker terrorist extremist jihadist group court judge prosecutor
    parliament lawmaker legislator senator congressman party opposition protester protestor
    demonstrator activist striker worker employee union student teacher doctor farmer
    villager resident civilian people citizen refugee migrant leader president premier king
    spokesman spokeswoman diplomat ambassador envoy embassy delegation council committee
    commission agency company firm bank organization organisation association movement
    coalition alliance country nation state member crowd mob family community tribe clan youth
    journalist reporter media cleric church monitor inspector investigator board bloc camp
    faction cabinet commander general chief mayor governor lawyer""".split()
)


@dataclass(frozen=True, slots=True)
class SpanCandidate:
    """A phrase that may be the source or the target: sentence-local character offsets, its
    head token's index, the actor it names (code None where unknown) and how it was found."""

    start: int
    end: int
    root: int
    entity: Entity
    mention: bool  # a knowledge-base or spaCy actor mention (not only a noun chunk)
    named: bool  # names an actor: a code, a proper noun or named entity in it, an actor noun
    rule_source: bool  # the rules made it the source of a trigger
    rule_target: bool  # ... the target of one


@dataclass(frozen=True, slots=True)
class Pair:
    """An ordered (source, target) pair of candidates with its features."""

    source: SpanCandidate
    target: SpanCandidate
    features: Mapping[str, float]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _holds(args: Sequence[tuple[int, int]], span: tuple[int, int], root_char: int) -> bool:
    """Whether a rules' argument is this span or holds its head word."""
    return any(a == span or a[0] <= root_char < a[1] for a in args)


class _Layout:
    """Where a doc's tokens start and end, and its text, read once per sentence: spaCy
    builds ``doc.text`` and a Token object anew on every access, and the features ask for
    the tokens of a character span dozens of times a sentence."""

    __slots__ = ("ends", "heads", "starts", "text")

    def __init__(self, doc: Doc) -> None:
        from spacy.attrs import HEAD, IDX, LENGTH

        self.text = doc_text(doc)
        # One array read instead of a Token object per token and per head (HEAD is stored
        # relative to the token, as unsigned: the int64 view gives it its sign back).
        arr = doc.to_array([IDX, LENGTH, HEAD]).view(np.int64)
        self.starts: list[int] = arr[:, 0].tolist()
        self.ends: list[int] = (arr[:, 0] + arr[:, 1]).tolist()
        self.heads: list[int] = (np.arange(len(doc)) + arr[:, 2]).tolist()

    def within(self, start: int, end: int) -> range:
        """The tokens that start in [start, end)."""
        return range(bisect_left(self.starts, start), bisect_left(self.starts, end))

    def inside(self, start: int, end: int) -> range:
        """The tokens wholly inside [start, end) (token ends ascend, as starts do)."""
        return range(bisect_left(self.starts, start), bisect_right(self.ends, end))


def _layout(doc: Doc) -> _Layout:
    """The doc's layout, read once and kept in the doc (candidates and features both use
    it; it holds no tokens, so no reference cycle)."""
    layout: _Layout | None = doc.user_data.get("eventwire.layout")
    if layout is None:
        layout = doc.user_data["eventwire.layout"] = _Layout(doc)
    return layout


def _root_of(layout: _Layout, start: int, end: int) -> int | None:
    """The token of [start, end) whose head lies outside it (the last one on a tie)."""
    toks = layout.inside(start, end)
    if not toks:
        return None
    heads = [i for i in toks if layout.heads[i] not in toks or layout.heads[i] == i]
    return heads[-1] if heads else toks[-1]


def span_candidates(
    doc: Doc,
    mentions: Sequence[tuple[int, int, Entity]],
    cands: Sequence[Candidate],
    entity_for: Callable[[Token], Entity | None] | None = None,
) -> list[SpanCandidate]:
    """The sentence's possible actors (see the module docstring), at most 16, in order.

    ``entity_for(token)`` reads the actor a noun phrase headed by ``token`` names (the rules'
    reading, with pronouns through the article memory), or None."""
    layout = _layout(doc)
    text = layout.text
    src_spans = [c.source.span for c in cands if c.source is not None]
    tgt_spans = [c.target.span for c in cands if c.target is not None]
    found: dict[tuple[int, int], SpanCandidate] = {}

    def add(start: int, end: int, ent: Entity | None, mention: bool) -> None:
        while end > start and not text[end - 1].isalnum() and text[end - 1] not in ")'":
            end -= 1  # "fishermen." -> "fishermen"
        root = _root_of(layout, start, end)
        if root is None or (start, end) in found:
            return
        head = doc[root]
        if head.ent_type_ in _NOT_ACTOR_ENTS:
            return  # "on Tuesday", "$2 million": no actor
        written = text[start:end]
        toks = [doc[i] for i in layout.within(start, end)]
        if ent is None:
            ent = Entity(text=written)
        elif ent.text != written:
            ent = Entity(text=written, code=ent.code, sector=ent.sector, name=ent.name, id=ent.id)
        found[(start, end)] = SpanCandidate(
            start=start,
            end=end,
            root=root,
            entity=ent,
            mention=mention,
            named=ent.code is not None
            or head.lemma_.lower() in ACTOR_NOUNS
            or any(t.pos_ == "PROPN" or t.ent_type_ in _ACTOR_ENTS for t in toks),
            rule_source=_holds(src_spans, (start, end), head.idx),
            rule_target=_holds(tgt_spans, (start, end), head.idx),
        )

    for s, e, ent in mentions:
        add(s, e, ent, True)
    for chunk in doc.noun_chunks:
        toks = list(chunk)
        while toks and toks[0].dep_ in ("det", "predet", "punct") and len(toks) > 1:
            toks = toks[1:]
        s, e = toks[0].idx, chunk.end_char
        inner = [m for m in mentions if s <= m[0] and m[1] <= e]
        named = entity_for(chunk.root) if entity_for is not None else None
        if named is None and inner:
            named = inner[-1][2]
        add(s, e, named, bool(inner))
    for c in cands:
        # The rules' arguments that no mention or chunk holds already (their spans run from
        # the head word, so a chunk holding the head is the fuller phrase).
        for arg in (c.source, c.target):
            if arg is not None and arg.entities:
                s, e = arg.span
                if 0 <= s < e <= len(text) and not any(k[0] <= s < k[1] for k in found):
                    add(s, e, arg.entities[0], bool(arg.entities[0].code))
    spans = sorted(found.values(), key=lambda c: (c.start, -c.end))
    return spans[:_MAX_SPANS]


def _dep(tok: Token) -> str:
    dep = tok.dep_ if tok.dep_ in _DEPS else "other"
    if dep == "pobj":
        prep = tok.head.lower_
        dep = f"pobj:{prep if prep in _PREPS else 'other'}"
        if tok.head.dep_ == "agent":
            dep = "pobj:agent"
    return dep


def _governor(tok: Token) -> Token:
    """The word a phrase depends on, through prepositions: the verb or noun it is an
    argument of."""
    t = tok.head
    while t.dep_ in ("prep", "agent") and t.head != t:
        t = t.head
    return t


def _bucket(n: int, edges: Sequence[int]) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


class _Node:
    """What the features read of one candidate's head word, read once per sentence: a
    candidate is in up to 30 pairs, and spaCy builds a Token object (and its head) anew on
    every access."""

    __slots__ = ("anc", "anc_ids", "conj_head", "dep", "gov", "root", "sdep")

    def __init__(self, c: SpanCandidate, doc: Doc, layout: _Layout) -> None:
        tok = doc[c.root]
        self.root = c.root
        self.dep = _dep(tok)
        self.sdep = self.dep.split(":")[0]  # as a source: the preposition dropped
        self.gov = _governor(tok).i
        self.conj_head = layout.heads[c.root] if tok.dep_ == "conj" else -1
        # The head word and its ancestors, nearest first (at most 40), as token indices.
        anc = [c.root]
        while layout.heads[anc[-1]] != anc[-1] and len(anc) < 40:
            anc.append(layout.heads[anc[-1]])
        self.anc = anc
        self.anc_ids = frozenset(anc)


def _side(
    c: SpanCandidate,
    node: _Node,
    doc: Doc,
    order: int,
    triggers: frozenset[int],
    layout: _Layout,
) -> tuple[dict[str, float], dict[str, float]]:
    """The candidate's own features, as a source ("s:") and as a target ("t:")."""
    tok = doc[c.root]
    gov = doc[node.gov]
    lemma = tok.lemma_.lower()
    f = {
        f"dep={node.dep}": 1.0,
        f"pos={tok.pos_}": 1.0,
        f"ent={tok.ent_type_ or 'none'}": 1.0,
        f"order={min(order, 4)}": 1.0,
        f"len={_bucket(len(layout.within(c.start, c.end)), (1, 2, 4, 7))}": 1.0,
        "gov_trigger": float(gov.i in triggers),
        "gov_root": float(gov.dep_ == "ROOT"),
        "is_trigger": float(tok.i in triggers),
        "mention": float(c.mention),
        "code": float(c.entity.code is not None),
        "sector": float(c.entity.sector is not None),
        "pronoun": float(tok.lower_ in PRONOUNS),
        "generic": float(lemma in GENERIC_ACTOR_WORDS),
        "rule_source": float(c.rule_source),
        "rule_target": float(c.rule_target),
        "first": float(order == 0),
        # Words (fit keeps those of at least min_count sentences): "court", "urge".
        f"lemma={lemma}": 1.0,
        f"gov={gov.lemma_.lower()}": 1.0,
    }
    return {f"s:{k}": v for k, v in f.items()}, {f"t:{k}": v for k, v in f.items()}


def pair_features(
    doc: Doc,
    spans: Sequence[SpanCandidate],
    cands: Sequence[Candidate],
) -> list[Pair]:
    """Every ordered pair of non-overlapping candidates, with its features.

    Everything a pair's features read of one candidate (its parse, its ancestors, which of
    the rules' pairs it overlaps) is read once per candidate, so that the loop over the
    pairs (up to 240) compares integers only."""
    triggers = frozenset(c.token.i for c in cands)
    rule_pairs = {
        (c.source.span, c.target.span)
        for c in cands
        if c.source is not None and c.target is not None and not c.absorbed
    }
    layout = _layout(doc)
    nodes = [_Node(c, doc, layout) for c in spans]
    sides = [_side(c, nodes[i], doc, i, triggers, layout) for i, c in enumerate(spans)]
    # Which of the rules' (source, target) pairs each candidate overlaps on either side: a
    # pair is the rules' own when one pair is overlapped by its source and its target.
    as_src = [
        frozenset(k for k, (a, _) in enumerate(rule_pairs) if _overlaps((c.start, c.end), a))
        for c in spans
    ]
    as_tgt = [
        frozenset(k for k, (_, b) in enumerate(rule_pairs) if _overlaps((c.start, c.end), b))
        for c in spans
    ]
    pairs: list[Pair] = []
    for i, s in enumerate(spans):
        if not s.named:
            continue  # the source must name an actor (the rules ask the same)
        ns = nodes[i]
        for j, t in enumerate(spans):
            if i == j or _overlaps((s.start, s.end), (t.start, t.end)):
                continue
            nt = nodes[j]
            f: dict[str, float] = {
                "bias": 1.0,
                **sides[i][0],
                **sides[j][1],
                f"pair:dep={ns.sdep}|{nt.dep}": 1.0,
                "pair:s_first": float(s.start < t.start),
                f"pair:dist={_bucket(abs(s.root - t.root), (2, 5, 10, 20))}": 1.0,
                "pair:rule": float(not as_src[i].isdisjoint(as_tgt[j])),
                "pair:t_under_s": float(s.root in nt.anc),
                "pair:s_under_t": float(t.root in ns.anc),
                "pair:conj": float(nt.conj_head == s.root),
            }
            # The lowest common ancestor: the first of the target's ancestors that is the
            # source's too.
            lca = next((x for x in nt.anc if x in ns.anc_ids), None)
            if lca is not None:
                f["pair:lca_trigger"] = float(lca in triggers)
                f["pair:lca_root"] = float(doc[lca].dep_ == "ROOT")
                f["pair:trigger_on_t_path"] = float(
                    any(
                        x in triggers
                        for x in nt.anc
                        if x != t.root and (x == lca or x not in ns.anc_ids)
                    )
                )
                f["pair:same_gov"] = float(ns.gov == nt.gov)
            f["pair:same_code"] = float(
                s.entity.code is not None and s.entity.code == t.entity.code
            )
            pairs.append(Pair(source=s, target=t, features=f))
    return pairs


class PairRanker:
    """A linear scorer over pair features; the best pair of a sentence is the argmax."""

    def __init__(self, weights: Mapping[str, float], *, info: Mapping[str, object] | None = None):
        self.weights = dict(weights)
        self.info = dict(info or {})

    def score(self, pair: Pair) -> float:
        # sum(w.get(k, 0.0) * v for k, v in features), term by term in the same order (so
        # the same float), with the loop in C: a sentence has up to 240 pairs of ~50 terms.
        f = pair.features
        return sum(map(mul, map(self.weights.get, f, repeat(0.0)), f.values()))

    def rank(self, pairs: Sequence[Pair]) -> list[tuple[float, Pair]]:
        """The pairs with their probabilities (a softmax over the sentence), best first."""
        if not pairs:
            return []
        scores = [self.score(p) for p in pairs]
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        out = [(e / total, p) for e, p in zip(exp, pairs, strict=True)]
        out.sort(key=lambda x: (-x[0], x[1].source.start, x[1].target.start))
        return out

    @classmethod
    def load(cls, path: Path | None = None) -> PairRanker:
        p = path or DEFAULT_RANKER
        data = json.loads(p.read_text(encoding="utf-8"))
        return cls(data["weights"], info=data.get("info", {}))

    def save(self, path: Path) -> None:
        data = {"info": self.info, "weights": dict(sorted(self.weights.items()))}
        path.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", encoding="utf-8")


def event_key(ev: Event) -> tuple[object, ...]:
    """What two events of one sentence must share to be one: the type, the parties' codes,
    polarity and modality (the ranked coders and v5's candidates keep the first of two)."""
    return (
        ev.event_type,
        tuple(a.code for a in ev.actor),
        tuple(r.code for r in ev.recipient),
        ev.polarity,
        ev.modality,
    )


def span_within(c: SpanCandidate, n: int) -> tuple[int, int] | None:
    """The candidate's span where it lies within a sentence of ``n`` characters, as the
    classifier is shown it; else None."""
    return (c.start, c.end) if 0 <= c.start < c.end <= n else None


def governing_trigger(doc: Doc, pair: Pair, cands: Sequence[Candidate]) -> Candidate:
    """The trigger that reports the pair's event: the rules' own when they chose this pair;
    else the nearest trigger on the target's path up to where it meets the source's; else the
    one nearest the root of the parse."""
    live = [c for c in cands if not c.absorbed] or list(cands)
    for c in live:
        if (
            c.source is not None
            and c.target is not None
            and _inside(c.source.span, pair.source)
            and _inside(c.target.span, pair.target)
        ):
            return c
    by_tok = {c.token.i: c for c in cands}
    src_anc = set()
    t: Token = doc[pair.source.root]
    while True:
        src_anc.add(t.i)
        if t.head == t:
            break
        t = t.head
    t = doc[pair.target.root]
    for _ in range(40):
        if t.i in by_tok:
            c = by_tok[t.i]
            return _outer(c, cands)
        if t.i in src_anc or t.head == t:
            break
        t = t.head
    if t.i in by_tok:
        return _outer(by_tok[t.i], cands)

    def depth(c: Candidate) -> int:
        d, x = 0, c.token
        while x.head != x and d < 40:
            x, d = x.head, d + 1
        return d

    return min(live, key=lambda c: (depth(c), c.token.i))


def _outer(c: Candidate, cands: Sequence[Candidate]) -> Candidate:
    """An absorbed trigger's absorber ("urged ... to return to talks": the request)."""
    if not c.absorbed:
        return c
    anc = {t.i for t in c.token.ancestors}
    outer = [o for o in cands if o.token.i in anc and not o.absorbed]
    return min(outer, key=lambda o: abs(o.token.i - c.token.i)) if outer else c


def _inside(span: tuple[int, int], c: SpanCandidate) -> bool:
    return span[0] < c.end and c.start < span[1]
