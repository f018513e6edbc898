"""The news detector's sentence heads: linear readings of a sentence embedding, fitted on the
news gold, whose logits become every candidate's sentence features
(:func:`eventwire.coder.detection.sentence_features`).

One head says whether the sentence speaks of an event; one per event type with at least
``MIN_POSITIVES`` gold sentences says whether it speaks of an event of that type. An event of
any polarity and modality counts (a denial, a threat of sanctions, a reference to last
year's coup), as it does for the event scorer the heads feed (train_detector.label): what is
negated, future or a reference is told apart afterwards, by the polarity rules and the
reference scorer. Heads fitted on new events alone taught the detector that a modal or
negated sentence reports nothing, and it dropped "Pakistan may expel Indian diplomats" and
"France did not condemn the Egyptian crackdown" outright (the polarity suite: 44 of 65 right
with them, 46 with these; five-fold by article, type + source F1 0.272 with them, 0.269 with
these).

A candidate's features must come from heads that did not see its sentence's label, or the
event scorer learns to trust them more than they deserve on unseen news: the scorers'
training rows get heads cross-fitted over five folds by article (:func:`cross_fitted`), the
sentences they are scored on heads fitted on all of the training sentences
(:func:`with_heads`).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import numpy as np

from eventwire.coder.detection import EVENT_HEAD, Detector, with_sentence_features
from eventwire.coder.detector import Scored
from eventwire.coder.encoder import SentenceEncoder
from eventwire.model import Article
from eventwire.newsgold import GoldSentence

__all__ = [
    "FOLDS",
    "MIN_POSITIVES",
    "Embeddings",
    "cross_fitted",
    "embed",
    "fit_heads",
    "logistic",
    "texts_of",
    "with_heads",
]

Data = dict[str, tuple[Article, Scored]]
Heads = dict[str, list[float]]
# Sentence text -> its embedding.
Embeddings = dict[str, np.ndarray]

# A type head needs this many gold sentences reporting the type; rarer types get none.
MIN_POSITIVES: Final = 5
FOLDS: Final = 5
# The heads' inverse L2 strength (scikit-learn's C). Five-fold by article: 0.3 read type + source
# F1 0.262, 1 0.269, 3 0.267.
HEAD_C: Final = 1.0


def embed(encoder: SentenceEncoder, texts: Iterable[str]) -> Embeddings:
    """The embeddings of ``texts`` (each distinct text read once)."""
    return {t: encoder.encode([t])[0] for t in sorted(set(texts))}


def texts_of(data: Data) -> set[str]:
    """The sentences the candidates of ``data`` were read in (their evidence)."""
    return {c.event.evidence.sentence for _, scored in data.values() for o in scored for c, _ in o}


def logistic(x: np.ndarray, y: np.ndarray, c: float = HEAD_C) -> list[float]:
    """An L2-penalised logistic regression, intercept first: the objective of scikit-learn's
    ``LogisticRegression(C=c)`` (the intercept unpenalised), minimised by L-BFGS with scipy,
    which the runtime requirements already hold (scikit-learn is a training extra)."""
    from scipy.optimize import minimize

    sign = np.where(y, 1.0, -1.0)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        b, w = theta[0], theta[1:]
        m = sign * (x @ w + b)
        # d/dm log(1 + exp(-m)) = -sigmoid(-m)
        g = -sign * np.exp(-np.logaddexp(0.0, m))
        value = 0.5 * float(w @ w) + c * float(np.logaddexp(0.0, -m).sum())
        return value, np.concatenate([[c * g.sum()], w + c * (x.T @ g)])

    theta0 = np.zeros(x.shape[1] + 1)
    res = minimize(loss, theta0, jac=True, method="L-BFGS-B", options={"maxiter": 5000})
    return [round(float(v), 5) for v in res.x]


def fit_heads(sentences: Sequence[GoldSentence], emb: Embeddings) -> Heads:
    """The heads fitted on ``sentences`` (each with its text embedded in ``emb``)."""
    x = np.stack([emb[s.text] for s in sentences])
    labels: dict[str, np.ndarray] = {EVENT_HEAD: np.array([bool(s.events) for s in sentences])}
    for t in sorted({e.type for s in sentences for e in s.events}):
        y = np.array([any(e.type == t for e in s.events) for s in sentences])
        if y.sum() >= MIN_POSITIVES:
            labels[t] = y
    heads: Heads = {}
    for name, y in labels.items():
        if y.all() or not y.any():
            continue
        # Stored without its intercept: a type's prior is the event scorer's (its type=
        # features); with it, a rare type's head was mostly a large negative constant that
        # dropped its every candidate (AID's, fitted on its 6 sentences with a new event).
        # Measured with the heads fitted on new events alone: five-fold by article, type +
        # source F1 0.271 without against 0.268 with (at 0.175); scored on the other
        # corpus, KCNA 0.233 against 0.212, NewsArticles 2017 0.200 against 0.189.
        heads[name] = [0.0, *logistic(x, y)[1:]]
    return heads


def with_heads(data: Data, heads: Heads, emb: Embeddings) -> Data:
    """``data`` with each candidate's sentence features read by ``heads``."""
    reader = Detector({}, {}, sentence=heads)

    def scores_of(text: str) -> dict[str, float]:
        return reader.sentence_scores(emb[text])

    return {
        sid: (art, with_sentence_features(scored, scores_of)) for sid, (art, scored) in data.items()
    }


def fold_of(s: GoldSentence) -> int:
    """The heads' cross-fitting fold of a sentence, by its article (salted, so that it cuts
    across the five folds of training/detector_cv.py)."""
    return zlib.crc32(("heads:" + s.article_id).encode()) % FOLDS


def cross_fitted(data: Data, gold: Mapping[str, GoldSentence], emb: Embeddings) -> Data:
    """``data`` with each sentence's candidates read by heads fitted on the other folds."""
    out: Data = {}
    for k in range(FOLDS):
        fit_on = [gold[sid] for sid in data if fold_of(gold[sid]) != k]
        part = {sid: v for sid, v in data.items() if fold_of(gold[sid]) == k}
        out |= with_heads(part, fit_heads(fit_on, emb), emb)
    return out
