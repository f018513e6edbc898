"""training/detector_plv.py: PLV's event sentences as a check on the news detector."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from conftest import build_event  # tests/ is on sys.path (pytest's rootdir conftest)

REPO = Path(__file__).resolve().parents[2]
# training/ is a package of the repository root, not an installed one.
sys.path.insert(0, str(REPO))

from training.detector_plv import kept_share, plv_sentences  # noqa: E402

PLV = "sentence_id,text,label,source,target\n" + "\n".join(
    [
        "1,Russia struck Ukraine on the border.,ASSAULT,Russia,Ukraine",
        "2,Kenya sent aid to Somalia.,AID,Kenya,Somalia",
    ]
)


class _Keeps:
    """Stands in for DetectedCoder: decide() keeps what it was built with, per sentence."""

    def __init__(self, kept: dict[str, list[Any]]) -> None:
        self.kept = kept

    def decide(self, scored: Sequence[Any], article: Any) -> list[Any]:
        return self.kept.get(article.id, [])


@pytest.mark.parametrize(
    ("kept", "share"),
    [
        ({}, 0.0),
        ({"plv1": [("RUS", "ASSAULT", "Russia")]}, 0.5),
        # The type must be PLV's label, and the source share a head word with PLV's.
        ({"plv1": [("RUS", "COERCE", "Russia")]}, 0.0),
        ({"plv1": [("RUS", "ASSAULT", "Moscow")]}, 0.0),
        ({"plv1": [("RUS", "ASSAULT", "Russia")], "plv2": [("KEN", "AID", "Kenya")]}, 1.0),
    ],
    ids=["none kept", "one of two", "wrong type", "wrong source", "both"],
)
def test_kept_share(
    tmp_path: Path, kept: dict[str, list[tuple[str, str, str]]], share: float
) -> None:
    path = tmp_path / "plv.csv"
    path.write_text(PLV, encoding="utf-8")
    plv = plv_sentences(path)
    data = {}
    events = {}
    for s in plv:
        article, _ = build_event("e", "X", "Y", None, "ASSAULT", article_id=s.sentence.id)
        data[s.sentence.id] = (article, [])
        events[s.sentence.id] = [
            build_event("e", code, "Y", None, t, actor_text=text, sentence=f"{text} struck Y.")[1]
            for code, t, text in kept.get(s.sentence.id, [])
        ]
    assert kept_share(_Keeps(events), data, plv) == pytest.approx(share)  # type: ignore[arg-type]
