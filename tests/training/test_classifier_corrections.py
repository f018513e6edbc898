"""An analyst's corrections as the classifier's training examples (`make retrain`):
training/classifier/data.py's correction_examples, the held-out split train_classifier.py
shares with train_detector.py, the options and the retrained model's card.

None of it needs torch: the conversion is plain Python and the card reads JSON files.
"""

from __future__ import annotations

import json
import random
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
# training/ is a package of the repository root, not an installed one.
sys.path.insert(0, str(REPO))

from eventwire.newsgold import GoldEvent, GoldSentence  # noqa: E402
from training import train_classifier as tc  # noqa: E402
from training.classifier.card import write_model_card  # noqa: E402
from training.classifier.data import LABELS, correction_examples  # noqa: E402
from training.classifier.fit import Cached, _marker_dropout  # noqa: E402

Span = tuple[int, int] | None


def _sentence(text: str, *events: GoldEvent, article: str = "a4") -> GoldSentence:
    return GoldSentence(
        id=f"corr-{article}-{len(text)}", corpus="corrections", article_id=article, index=0,
        start=0, end=len(text), sha="", split="corrections", text=text, events=events,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "event", "expected"),
    [
        (
            "Israel attacked Lebanon on Monday.",
            GoldEvent("ASSAULT", source="Israel", target="Lebanon"),
            [("ASSAULT", (0, 6), (16, 23))],
        ),
        (
            "Thousands of workers marched in Seoul.",
            GoldEvent("PROTEST", source="Thousands of workers"),
            [("PROTEST", (0, 20), None)],
        ),
        (
            "Russia and China agreed to hold joint drills.",
            GoldEvent("AGREE", source="Russia", target="China", reciprocal=True),
            [("AGREE", (0, 6), (11, 16)), ("AGREE", (11, 16), (0, 6))],
        ),
        (
            "Japan and Korea met in Tokyo.",
            GoldEvent("CONSULT", source="Japan", reciprocal=True),
            [("CONSULT", (0, 5), None)],
        ),
        (
            "The rebels withdrew from the town.",
            GoldEvent("RETREAT", source="the rebels", target=""),
            [("YIELD", (0, 10), None)],
        ),
        (
            "The ministry condemned the strikes.",
            GoldEvent("ACCUSE", source="North Korea", target="the strikes", implied_source=True),
            [("ACCUSE", None, (23, 34))],
        ),
        ("The weather was fine.", GoldEvent("NONE", source="weather"), []),
    ],
    ids=[
        "with-target",
        "without-target",
        "reciprocal",
        "reciprocal-without-target",
        "retreat-is-yield",
        "source-not-in-text",
        "type-outside-labels",
    ],
)
def test_a_corrected_event_becomes_marked_examples(
    text: str, event: GoldEvent, expected: list[tuple[str, Span, Span]]
) -> None:
    examples = correction_examples([_sentence(text, event)])
    got = [(LABELS[e.label], e.item.source, e.item.target) for e in examples]
    assert got == expected
    assert all(e.item.text == text and not e.synthetic for e in examples)


def test_a_sentence_without_events_adds_no_example() -> None:
    assert correction_examples([_sentence("Nothing happened here.")]) == []


def test_the_articles_train_detector_holds_out_are_held_out(tmp_path: Path) -> None:
    # crc32("a1") % 5 == 0: train_detector.corrections_split holds that article out.
    path = tmp_path / "corrections.jsonl"
    rows = [
        {"id": f"corr-{a}", "article_id": a, "start": 0, "end": 23, "text": text,
         "events": [{"type": "ASSAULT", "source": "Israel", "target": "Lebanon"}]}
        for a, text in (("a1", "Israel shelled Lebanon."), ("a4", "Israel bombed Lebanon."))
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    examples, info = tc._corrections(path)
    assert [e.item.text for e in examples] == ["Israel bombed Lebanon."]
    assert [e.item.text for e in info["held_out_examples"]] == ["Israel shelled Lebanon."]
    assert (info["sentences"], info["held_out"]) == (1, 1)


def test_a_retrained_classifiers_card_says_what_was_added(tmp_path: Path) -> None:
    shipped = REPO / "models" / "plover-minilm"
    for name in ("config.json", "labels.json"):
        shutil.copy(shipped / name, tmp_path / name)
    (tmp_path / "model.onnx").symlink_to(shipped / "model.onnx")
    cfg = json.loads((tmp_path / "config.json").read_text(encoding="utf-8"))
    cfg["train"] |= {"epochs": 2, "corrections_repeat": 2}
    (tmp_path / "config.json").write_text(json.dumps(cfg), encoding="utf-8")
    info = {
        "threads": 2, "train_minutes": 3.1, "gsr": 322, "conflibert": 507,
        "init": "models/plover-minilm",
        "corrections": {
            "file": "fixes.jsonl", "sentences": 305, "held_out": 104, "examples": 164,
            "held_out_type_accuracy": {"events": 50, "before": 0.5, "after": 0.6},
        },
    }  # fmt: skip
    (tmp_path / "train_info.json").write_text(json.dumps(info), encoding="utf-8")
    write_model_card(tmp_path)
    card = (tmp_path / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "| An analyst's corrections (`fixes.jsonl`)" in card
    assert "164 events of 305 sentences (104 held out)" in card
    assert "Started from the trained classifier `models/plover-minilm`" in card
    assert "type accuracy 0.500 before (`models/plover-minilm`), 0.600 after" in card
    assert "make retrain CORRECTIONS=FILE OUT=DIR" in card


def _cached(label: int) -> Cached:
    return Cached(np.zeros((1, 1), np.float16), 0, 0, label, synthetic=False)


@pytest.mark.parametrize(
    ("twins", "expected", "draws"),
    [
        # Random(13)'s first draws: 0.259, 0.685, 0.684; below 0.5 swaps in the twin.
        (True, [-1, 1, 0], 3),
        # Without twins nothing is swapped and nothing drawn: the epoch's later draws stay.
        (False, [0, 1, 0], 0),
    ],
    ids=["with-unmarked-twins", "without-unmarked-twins"],
)
def test_marker_dropout_draws_once_per_repeated_correction(
    twins: bool, expected: list[int], draws: int
) -> None:
    marked = [_cached(0), _cached(1)]
    unmarked = [_cached(-1), _cached(-2)] if twins else []
    rng, fresh = random.Random(13), random.Random(13)
    # Item 0 twice, as --corrections-repeat 2 lists it: each copy has its own draw.
    got = _marker_dropout(marked, unmarked, [0, 1, 0], rng, 0.5)
    assert [c.label for c in got] == expected
    for _ in range(draws):
        fresh.random()
    assert rng.random() == fresh.random()
