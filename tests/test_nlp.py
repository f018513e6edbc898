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


# Sentences that exercise the attribute ruler's special patterns: negation, contractions,
# "gonna", "there is", pronoun case by dependency, do-support, "but" as an adverb and
# whitespace tokens.
_RULER_SENTENCES = [
    "North Korea did not fire a missile, but the U.S. said it ain't over.",
    "I told you it's gonna rain; let's go, y'all, c'mon.",
    "There are troops on the border and there's no sign they will leave.",
    "Did the ministry have talks? It did, and they have agreed to more.",
    "We got ta talk  about  that\n\nwhich is nothin' new , but all  is well.",
    "Whether or not Pyongyang agrees, Washington has offered talks without preconditions.",
]


def test_fast_attribute_ruler_matches_spacy() -> None:
    import spacy

    from eventwire.nlp import _keep_hyphenated_words, load_nlp

    fast = load_nlp()
    assert "attribute_ruler_fast" in fast.pipe_names
    ref = spacy.load(f"{fast.meta['lang']}_{fast.meta['name']}")
    _keep_hyphenated_words(ref)
    assert "attribute_ruler" in ref.pipe_names
    for text in _RULER_SENTENCES:
        got = [(t.text, t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in fast(text)]
        want = [(t.text, t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in ref(text)]
        assert got == want, text


def test_fast_attribute_ruler_leaves_unsupported_patterns_to_spacy() -> None:
    import spacy

    from eventwire._fast_ruler import install

    # Each unsupported kind alone, on a pipeline of its own: an operator, another attribute.
    for pattern in ([{"LOWER": "very", "OP": "+"}], [{"LENGTH": 4}]):
        nlp = spacy.blank("en")
        ruler = nlp.add_pipe("attribute_ruler")
        ruler.add(patterns=[[{"LOWER": "talks"}]], attrs={"LEMMA": "talk"})
        ruler.add(patterns=[pattern], attrs={"LEMMA": "x"})
        assert install(nlp) is False
        assert nlp.pipe_names == ["attribute_ruler"]


def test_fast_attribute_ruler_replaces_supported_patterns() -> None:
    import spacy

    from eventwire._fast_ruler import install

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add(patterns=[[{"LOWER": "talks"}]], attrs={"LEMMA": "talk"})
    ruler.add(patterns=[[{"LOWER": {"IN": ["talks", "meets"]}}]], attrs={"LEMMA": "later"})
    ruler.add(patterns=[[{"LOWER": "peace"}, {"LOWER": "talks"}]], attrs={"LEMMA": "p"}, index=1)
    assert install(nlp) is True
    assert nlp.pipe_names == ["attribute_ruler_fast"]
    assert [t.lemma_ for t in nlp("talks meets peace talks")] == ["later", "later", "", "p"]


def test_parse_runs_the_recognizer_only_where_asked() -> None:
    from eventwire.nlp import load_nlp, parse

    nlp = load_nlp()
    texts = [
        "Vladimir Putin met Angela Merkel in Berlin on Monday.",
        "The weather in Paris was mild for March.",
    ]
    docs = parse(nlp, texts, needs_entities=lambda doc: "met" in doc.text)
    full = [nlp(t) for t in texts]
    assert [(e.text, e.label_) for e in docs[0].ents] == [(e.text, e.label_) for e in full[0].ents]
    assert docs[0].ents and full[1].ents and not docs[1].ents
    # everything else is annotated as by a full run
    for got, want in zip(docs, full, strict=True):
        assert [(t.tag_, t.dep_, t.lemma_) for t in got] == [
            (t.tag_, t.dep_, t.lemma_) for t in want
        ]
    every = parse(nlp, texts)
    assert [[e.text for e in d.ents] for d in every] == [[e.text for e in d.ents] for d in full]
