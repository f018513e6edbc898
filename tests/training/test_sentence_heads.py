"""training/sentence_heads.py: which heads are fitted, and that a training row's sentence
features come from heads that did not see its sentence."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
# training/ is a package of the repository root, not an installed one.
sys.path.insert(0, str(REPO))

from conftest import build_event  # noqa: E402  (tests/ is on sys.path)

from eventwire.coder.candidates import Candidate  # noqa: E402
from eventwire.newsgold import GoldEvent, GoldSentence  # noqa: E402
from training.sentence_heads import (  # noqa: E402
    MIN_POSITIVES,
    cross_fitted,
    fit_heads,
    logistic,
    with_heads,
)

ART, EV = build_event("e1", "RUS", "UKR", None, "ASSAULT")


def _corpus(
    n: int, events: dict[int, str], seed: int = 0, dim: int = 16, **event: str
) -> tuple[list[GoldSentence], dict]:
    """``n`` sentences, each its own article and a random unit embedding; sentence i reports a
    new event of type events[i] where given (or one with ``event``'s polarity and modality)."""
    rng = np.random.default_rng(seed)
    sentences, emb = [], {}
    for i in range(n):
        text = f"Sentence {i}."
        evs = (GoldEvent(events[i], source_code="RUS", **event),) if i in events else ()
        sentences.append(GoldSentence(f"s{i}", "c", f"a{i}", 0, 0, 1, "", "train", text=text,
                                      events=evs))  # fmt: skip
        v = rng.normal(size=dim)
        emb[text] = v / np.linalg.norm(v)
    return sentences, emb


@pytest.mark.parametrize(
    ("accusations", "heads"),
    [(MIN_POSITIVES, {"event", "ASSAULT", "ACCUSE"}), (MIN_POSITIVES - 1, {"event", "ASSAULT"})],
    ids=["enough", "too-few"],
)
def test_a_type_gets_a_head_only_where_enough_sentences_report_it(
    accusations: int, heads: set[str]
) -> None:
    events = {i: "ASSAULT" for i in range(10)} | {10 + i: "ACCUSE" for i in range(accusations)}
    sentences, emb = _corpus(40, events)
    fitted = fit_heads(sentences, emb)
    assert set(fitted) == heads and all(len(w) == 17 for w in fitted.values())


@pytest.mark.parametrize(
    "event",
    [
        {"polarity": "negated"},
        {"modality": "future"},
        {"modality": "hypothetical"},
        {"modality": "historical"},
    ],
    ids=["negated", "future", "hypothetical", "reference"],
)
def test_heads_count_events_of_every_polarity_and_modality(event: dict[str, str]) -> None:
    # Regression: heads fitted on new events alone read "Pakistan may expel Indian diplomats"
    # as a sentence that speaks of nothing, and the detector dropped it.
    sentences, emb = _corpus(40, {i: "ACCUSE" for i in range(MIN_POSITIVES)}, **event)
    fitted = fit_heads(sentences, emb)
    assert set(fitted) == {"event", "ACCUSE"}


def _auc(scores: list[float], labels: list[bool]) -> float:
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    return sum((p > q) + 0.5 * (p == q) for p in pos for q in neg) / (len(pos) * len(neg))


def test_training_rows_read_heads_that_did_not_see_their_sentence() -> None:
    # Labels at random over random embeddings: heads fitted on a sentence remember its label
    # (in-sample AUC near 1); heads cross-fitted by article cannot (near 0.5).
    rng = np.random.default_rng(1)
    events = {i: "ASSAULT" for i in range(60) if rng.random() < 0.5}
    sentences, emb = _corpus(60, events, seed=2, dim=256)
    gold = {s.id: s for s in sentences}
    data = {
        s.id: (ART, [[(Candidate(replace(EV, evidence=replace(EV.evidence, sentence=s.text)),
                                 "ASSAULT", 0.9, "ASSAULT"), {"bias": 1.0})]])
        for s in sentences
    }  # fmt: skip
    labels = [bool(s.events) for s in sentences]

    def read(d: dict) -> list[float]:
        return [d[s.id][1][0][0][1]["sent"] for s in sentences]

    assert _auc(read(with_heads(data, fit_heads(sentences, emb), emb)), labels) > 0.9
    assert _auc(read(cross_fitted(data, gold, emb)), labels) < 0.75
    # The candidate's own type's head is read too.
    feats = cross_fitted(data, gold, emb)["s0"][1][0][0][1]
    assert set(feats) == {"bias", "sent", "sent_type"}


@pytest.mark.parametrize("c", [0.3, 1.0, 3.0])
def test_logistic_minimises_the_penalised_loss_with_a_free_intercept(c: float) -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 5))
    y = x @ np.array([2.0, -1.0, 0.0, 0.5, 0.0]) + 1.5 + rng.normal(size=200) > 0
    theta = np.array(logistic(x, y, c))
    p = 1.0 / (1.0 + np.exp(-(theta[0] + x @ theta[1:])))
    # The gradient of 0.5 |w|^2 + c * log-loss: zero at the optimum (the intercept is not
    # penalised, so its own gradient is the residuals' sum alone).
    assert abs(c * (p - y).sum()) < 1e-2
    assert np.abs(theta[1:] + c * (x.T @ (p - y))).max() < 1e-2
    assert theta[0] > 0.5 and theta[1] > 0 > theta[2]
