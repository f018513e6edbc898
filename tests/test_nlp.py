from __future__ import annotations

from typing import Any

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


# Sentences for the lemmatizer: verbs in every form (and "be", "have", "do"), regular and
# irregular plurals, comparatives and superlatives, proper nouns (some plural or possessive),
# hyphenated words, numbers and ordinals, and the contractions and "gonna" whose lemmas the
# attribute ruler sets. Words recur in other roles ("talks", "building", "leaves").
_LEMMA_SENTENCES = [
    "The ministers were meeting in Geneva when the talks broke down; they had been talking "
    "for weeks and will talk again.",
    "Protesters threw stones, burned tyres and fled as police fired tear gas at the crowds.",
    "Seoul's newer, longer-range missiles fly farther than the oldest ones, officials said.",
    "The Philippines and the United Nations signed 3 agreements worth $4.5 billion on "
    "21 March, the 2nd accord this year.",
    "He doesn't think they'll agree, but she's gonna try: we can't give up, can we?",
    "The building was damaged by shelling, and the cease-fire leaves few buildings standing.",
    "Women and children are being evacuated from villages the rebels have seized; the "
    "army says it seized more than 40 of them.",
    "Best of all, the Kims' visit ended better than feared, with talks on North-South "
    "ties set for mid-June.",
    "Ukraine accuses Russia of shelling; Russia accused Ukraine of lying and denies it.",
    "The talks' outcome: Iran agreed to stop enriching uranium, having refused for years.",
]


def test_fast_lemmatizer_matches_spacy() -> None:
    import spacy

    from eventwire import _fast_ruler
    from eventwire.nlp import _keep_hyphenated_words, load_nlp

    fast = load_nlp()
    assert "lemmatizer_fast" in fast.pipe_names and "lemmatizer" not in fast.pipe_names
    ref = spacy.load(f"{fast.meta['lang']}_{fast.meta['name']}")
    _keep_hyphenated_words(ref)
    _fast_ruler.install(ref)  # so that only the lemmatizers differ
    assert "lemmatizer" in ref.pipe_names
    # Twice over: the first pass fills the memo, the second answers from it.
    for text in [*_LEMMA_SENTENCES, *_LEMMA_SENTENCES]:
        got = [(t.text, t.pos_, str(t.morph), t.lemma_) for t in fast(text)]
        want = [(t.text, t.pos_, str(t.morph), t.lemma_) for t in ref(text)]
        assert got == want, text
    # The sentences do hold tokens the attribute ruler lemmatizes before the lemmatizer.
    doc = fast.make_doc(_LEMMA_SENTENCES[4])
    for _name, proc in fast.pipeline[: fast.pipe_names.index("lemmatizer_fast")]:
        doc = proc(doc)
    assert {t.text: t.lemma_ for t in doc if t.lemma}.get("n't") == "not"


def _rule_lemmatizer(nlp: Any, **config: Any) -> Any:
    from spacy.lookups import Lookups

    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "rule", **config})
    lookups = Lookups()
    lookups.add_table(
        "lemma_rules", {"noun": [["s", ""], ["ies", "y"]], "verb": [["ed", ""], ["ed", "e"]]}
    )
    lookups.add_table("lemma_index", {"noun": ["talk", "party"], "verb": ["fire"]})
    lookups.add_table("lemma_exc", {"verb": {"fled": ["flee"]}})
    lookups.add_table("lemma_lookup", {"talks": "talk"})  # for lookup mode
    lemmatizer.initialize(lookups=lookups)
    return lemmatizer


def test_fast_lemmatizer_leaves_unsupported_lemmatizers_in_place() -> None:
    import spacy

    from eventwire._fast_lemmatizer import install

    # Lookup mode, overwrite set, and spaCy's generic (not the English) class.
    for lang, config in (("en", {"mode": "lookup"}), ("en", {"overwrite": True}), ("xx", {})):
        nlp = spacy.blank(lang)
        _rule_lemmatizer(nlp, **config)
        assert install(nlp) is False, (lang, config)
        assert nlp.pipe_names == ["lemmatizer"]
    assert install(spacy.blank("en")) is False  # no lemmatizer at all


def test_fast_lemmatizer_replaces_the_english_rule_lemmatizer() -> None:
    import pickle

    import pytest
    import spacy
    from spacy.tokens import Doc

    from eventwire._fast_lemmatizer import install

    nlp = spacy.blank("en")
    original = _rule_lemmatizer(nlp)
    assert install(nlp) is True
    assert nlp.pipe_names == ["lemmatizer_fast"]
    fast = nlp.get_pipe("lemmatizer_fast")
    # The same word as another part of speech, or with other features, gets its own lemma.
    words = ["Parties", "fired", "fled", "fled", "talks", "talks", "Talks", "firing"]
    pos = ["PROPN", "VERB", "VERB", "VERB", "NOUN", "VERB", "NOUN", "VERB"]
    morphs = ["", "", "", "", "Number=Plur", "VerbForm=Fin|Tense=Pres", "", ""]
    words += ["parties", "parties"]
    pos += ["NOUN", "NOUN"]
    morphs += ["Number=Plur", "Number=Sing"]

    def lemmas(component: Any) -> list[str]:
        doc = Doc(nlp.vocab, words=words, pos=pos, morphs=morphs)
        doc[2].lemma_ = "set-before"  # left alone, as spaCy leaves it
        return [t.lemma_ for t in component(component(doc))]

    want = lemmas(original)
    assert want == [
        "Parties", "fire", "set-before", "flee", "talk", "talks", "talk", "firing", "party",
        "parties",
    ]  # fmt: skip
    assert lemmas(fast) == want
    assert lemmas(fast) == want  # from the memo
    assert lemmas(pickle.loads(pickle.dumps(fast))) == want
    # A token without a POS is lowercased with spaCy's warning, every time.
    for _ in range(2):
        with pytest.warns(UserWarning, match="W108"):
            assert [t.lemma_ for t in fast(Doc(nlp.vocab, words=["Fled"]))] == ["fled"]


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
