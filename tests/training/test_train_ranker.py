"""training/train_ranker.py: the pair ranker's training data and fit (the coder only loads
the weights: tests/coder/test_ranked.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# training/ is a package of the repository root, not an installed one.
sys.path.insert(0, str(REPO))

from eventwire.coder.ranked import RankedCoder  # noqa: E402
from eventwire.evaluate import GoldRow  # noqa: E402
from eventwire.pipeline import Pipeline  # noqa: E402
from training.train_ranker import fit, ranker_groups  # noqa: E402


def test_ranker_fit_learns_which_pair_is_right() -> None:
    right, wrong = {"bias": 1.0, "s:dep=nsubj": 1.0}, {"bias": 1.0, "s:dep=pobj:of": 1.0}
    groups = [([wrong, right], [False, True]), ([right, wrong], [True, False])] * 5
    ranker = fit(groups)
    assert ranker.weights["s:dep=nsubj"] > ranker.weights.get("s:dep=pobj:of", 0.0)
    assert ranker.info["sentences"] == 10


def test_ranker_fit_skips_sentences_with_no_right_pair() -> None:
    a, b = {"x": 1.0}, {"y": 1.0}
    ranker = fit([([a, b], [True, False])] * 3 + [([a, b], [False, False])] * 7)
    assert ranker.info["sentences"] == 3 and ranker.weights["x"] > 0


def test_ranker_fit_counts_features_by_sentence_not_by_pair() -> None:
    # A word seen in one sentence only is dropped however many of its pairs carry it (it
    # was kept when features were counted by pair: 6,600 weights for ~1,000 sentences).
    a, b = {"x": 1.0}, {"y": 1.0}
    rare = {"x": 1.0, "s:lemma=zanzibar": 1.0}
    groups = [([a, b], [True, False])] * 3 + [([rare, rare, b], [True, True, False])]
    ranker = fit(groups, min_count=2)
    assert "s:lemma=zanzibar" not in ranker.weights and ranker.weights["x"] > 0


@pytest.mark.slow
def test_ranker_groups_mark_the_gold_pair(pipeline: Pipeline) -> None:
    rows = [
        GoldRow(0, "Egypt released twelve Sudanese fishermen on Tuesday.", "YIELD", "Egypt",
                "Sudanese fishermen"),
        GoldRow(1, "The weather was warm on Tuesday.", "AID", "", ""),
    ]  # fmt: skip
    coder = RankedCoder(actors=pipeline.actors, places=pipeline.places)
    (feats, right), (none_feats, none_right) = ranker_groups(rows, pipeline=pipeline, coder=coder)
    assert len(feats) == len(right) > 1 and sum(right) >= 1
    assert all("bias" in f for f in feats)
    assert none_feats == [] and none_right == []  # no trigger word: no candidate pairs
