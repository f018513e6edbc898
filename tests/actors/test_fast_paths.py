"""Regression tests for the first-sight speed-ups (issue 4): each fast path must give what the
slow path gave."""

from itertools import pairwise

import pytest

from eventwire.actors import ActorResolver, load_builtin
from eventwire.actors.kb import KnowledgeBase
from eventwire.actors.text import tokenize


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_builtin()


@pytest.mark.parametrize(
    "text",
    ["a-b b", "U.S. troops, and Kim Jong-un's envoy", "x + y", "  Sa'ar   said  ", "b ab b", ""],
)
def test_tokenize_offsets_point_at_their_words(text: str) -> None:
    toks = tokenize(text)
    assert all(text[s:e] == w for w, s, e in toks)
    assert [s for _, s, _ in toks] == sorted({s for _, s, _ in toks})


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("north korea", "PRK"),
        ("North  Korea", "PRK"),
        (" North Korea", "PRK"),
        ("al-Qaeda", "IMG"),
        ("US", "USA"),
        ("NATO", "IGO"),
    ],
)
def test_lookup_fast_miss_does_not_hide_non_canonical_spellings(
    kb: KnowledgeBase, text: str, code: str
) -> None:
    assert kb.lookup(text)
    assert kb.lookup(text)[0].code == code


def test_lookup_plain_ascii_miss(kb: KnowledgeBase) -> None:
    assert kb.lookup("us") == ()
    assert kb.lookup("Russian troops") == ()


def test_misspelt_name_index_is_built_once_per_knowledge_base(kb: KnowledgeBase) -> None:
    a, b = ActorResolver(kb), ActorResolver(kb)
    ea, eb = a.resolve("President Laurent Gbago"), b.resolve("President Laurent Gbago")
    assert ea is not None and eb is not None and ea.code == eb.code == "CIV"
    assert kb.fuzzy_index() is kb.fuzzy_index()


def test_user_file_persons_reach_the_misspelt_name_index(tmp_path: object) -> None:
    from pathlib import Path

    p = Path(str(tmp_path)) / "people.yaml"
    p.write_text(
        "actors:\n  - {name: Jane Roeberts, code: NZL, kind: person, sector: GOV,"
        " terms: [{start: 2019-01-01, end: null, sector: GOV, office: President}]}\n",
        encoding="utf-8",
    )
    r = ActorResolver(places=False)
    r.load_user_file(p)
    e = r.resolve("President Jane Roebertz")
    assert e is not None and e.code == "NZL"


@pytest.mark.parametrize(
    "word",
    ["US", "us", "Russian", "police", "Troops", "PRESIDENT", "North", "al", "Gbagbo", "2003"],
)
def test_plain_word_token_fast_path_is_the_general_path(word: str) -> None:
    r = ActorResolver()
    assert r._tok(word) == r._tok_general(word)


def test_span_skip_on_words_in_no_alias_keeps_aliases_found() -> None:
    """The scanner skips lookups of spans ending in a plain word no alias has; every alias
    word must be known to the knowledge base for that, the scanner's matches unchanged."""
    r = ActorResolver()
    kb = r.kb
    for key in [*kb.folded, *kb.exact]:
        for w in tokenize(key):
            if w[0].isascii() and w[0].isalnum():
                assert w[0].casefold() in kb.alias_words, (key, w[0])
    found = r.find_mentions("Troops of the Democratic Republic of the Congo crossed.")
    assert [e.code for _, _, e in found] == ["COD"]


def test_span_skip_on_word_pairs_in_no_alias_keeps_aliases_found() -> None:
    """The scanner also skips spans whose last two plain words follow each other in no
    alias: every such pair of an alias must be known, and the scanner's matches unchanged."""
    r = ActorResolver()
    kb = r.kb
    for key in [*kb.folded, *kb.exact]:
        words = [w for w, _, _ in tokenize(key)]
        for a, b in pairwise(words):
            if a.isascii() and a.isalnum() and b.isascii() and b.isalnum():
                assert f"{a.casefold()} {b.casefold()}" in kb.alias_pairs, (key, a, b)
    found = r.find_mentions("Russian President Boris Yeltsin met the Foreign Minister of Iran.")
    assert [(e.code, e.name) for _, _, e in found] == [("RUS", "Boris Yeltsin"), ("IRN", "Iran")]


def test_user_alias_words_reach_the_span_skip(tmp_path: object) -> None:
    from pathlib import Path

    p = Path(str(tmp_path)) / "groups.yaml"
    p.write_text(
        "actors:\n  - {name: Zorblax Liberation Front, code: NZL, aliases: [Zorblax Front]}\n",
        encoding="utf-8",
    )
    r = ActorResolver(places=False)
    r.load_user_file(p)
    found = r.find_mentions("Fighters of the Zorblax Front attacked a convoy.")
    assert [(e.code, e.name) for _, _, e in found] == [("NZL", "Zorblax Liberation Front")]


def _two_word_texts(kb: KnowledgeBase) -> list[str]:
    """ "Name noun" pairs over the shapes the two-word fast path must take or refuse: names
    (one and two words, acronyms), sector and title words (and their plurals), "former" and
    relational words, and other names as the second word."""
    firsts = ["Russian", "russian", "US", "Hamas", "Israeli", "Putin", "Kremlin", "Zorblax"]
    seconds = sorted(
        {
            *(w for w in kb.sector_words if " " not in w),
            *(w + "s" for w in kb.sector_words if " " not in w),
            *(w for w in kb.title_words if " " not in w),
            *kb.former_words,
            *kb.relational_words,
            "Troops",
            "ex",
            "Iraq",
            "Moon",
            "said",
        }
    )
    return [f"{a} {b}" for a in firsts for b in seconds]


def test_two_word_fast_path_is_the_general_path(kb: KnowledgeBase) -> None:
    r = ActorResolver(kb)
    taken = 0
    for text in _two_word_texts(kb):
        if kb.lookup(text):
            continue  # resolved as an alias before any composing
        fast = r._two_word_parts(text)
        if fast is None:
            continue
        taken += 1
        tokens = tokenize(text)
        assert fast == r._parts(text, tokens, [r._tok(t[0]) for t in tokens]), text
    assert taken > 100


def test_two_word_fast_path_resolves_as_the_general_path(kb: KnowledgeBase) -> None:
    class Slow(ActorResolver):
        def _two_word_parts(self, text: str) -> None:
            return None

    import datetime as dt

    fast, slow = ActorResolver(kb), Slow(kb)
    for text in _two_word_texts(kb):
        for date in (None, dt.date(2005, 6, 1), dt.date(2022, 6, 1)):
            assert fast.explain(text, date=date) == slow.explain(text, date=date), text
