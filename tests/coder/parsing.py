"""Helpers shared by the coder's unit tests on small parsed sentences (test_senses.py,
test_triggers.py, test_polarity.py): a case is a sentence, the word read in it, and what is
expected of it. Imported as ``from parsing import case, token_of`` (pytest puts tests/coder on
sys.path, as it does tests/ for ``from conftest import build_event``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from spacy.tokens import Token

    from eventwire.pipeline import Pipeline


def case(text: str, word: str, expected: object, *, miss: str = "") -> Any:
    """One sentence, the word read in it, and what is expected of it; ``miss``: why the module
    gets it wrong today (a strict xfail)."""
    marks = [pytest.mark.xfail(strict=True, reason=miss)] if miss else []
    return pytest.param(text, word, expected, marks=marks, id=f"{word}: {text}")


def token_of(pipeline: Pipeline, text: str, word: str) -> Token:
    """The first token of ``text``, parsed by ``pipeline``, that is ``word``."""
    doc = pipeline.nlp(text)
    found = [t for t in doc if t.text == word]
    assert found, f"{word!r} is not a token of {text!r}"
    return found[0]
