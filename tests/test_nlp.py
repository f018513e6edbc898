from __future__ import annotations

from eventwire.nlp import split_sentences


def test_offsets_are_exact() -> None:
    text = "  The U.S. and Mr. Kim met. Talks failed!\n\nNew paragraph here?  "
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "The U.S. and Mr. Kim met.",
        "Talks failed!",
        "New paragraph here?",
    ]
    for s in sents:
        assert text[s.start : s.end] == s.text
    assert [s.index for s in sents] == [0, 1, 2]


def test_initials_do_not_end_sentences() -> None:
    assert len(split_sentences("John F. Kennedy visited Berlin. He spoke.")) == 2


def test_long_run_on_text_is_cut() -> None:
    text = "word " * 2000
    sents = split_sentences(text, max_chars=500)
    assert all(len(s.text) <= 500 for s in sents)
    assert sum(len(s.text.split()) for s in sents) == 2000
