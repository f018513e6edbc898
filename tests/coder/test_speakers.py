"""Who a sentence is attributed to (eventwire.coder.speakers), on small parsed sentences: each
case is a sentence and the span expected to name its speaker (None: nobody). Hand-written
news-style sentences."""

from __future__ import annotations

import pytest

from eventwire.coder.speakers import find_speaker
from eventwire.pipeline import Pipeline


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Russia attacked the town, the official said.", "the official"),
        ("South Korea's military said the missile flew 800 kilometres.", "South Korea's military"),
        ("The spokesman added that talks would resume.", "The spokesman"),
        (
            "Iran will respond, Foreign Minister Javad Zarif told reporters.",
            "Foreign Minister Javad Zarif",
        ),
        # the subject up to its first comma
        (
            "The US official, speaking to reporters on Sunday, said the talks had failed.",
            "The US official",
        ),
        ("According to President Moon, the talks will resume.", "President Moon"),
        (
            "According to Japan's defence ministry, the missile fell into the sea.",
            "Japan's defence ministry",
        ),
        ("The talks failed, according to diplomats.", "diplomats"),
        ("He said the talks had failed.", "He"),  # the article memory may resolve him
        # "we", "it", "I" name no one the coder can resolve
        ("We said the talks had failed.", None),
        ("It said the talks had failed.", None),
        ("I think the talks failed.", None),
        ("Russia attacked the town.", None),  # no attribution
    ],
    ids=str,
)
def test_find_speaker(pipeline: Pipeline, text: str, speaker: str | None) -> None:
    doc = pipeline.nlp(text)
    found = find_speaker(doc[:])
    assert (found.text if found is not None else None) == speaker
