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
def test_plain_word_token_fast_path_is_the_general_path(kb: KnowledgeBase, word: str) -> None:
    import dataclasses

    r = ActorResolver(dataclasses.replace(kb, tok_table={}))  # computed, not the table's
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
    # The general path is called directly (not through a subclass that turns the fast path
    # off: the resolver may be compiled, and compiled classes take no Python subclasses).
    import datetime as dt

    r = ActorResolver(kb)
    taken = 0
    for text in _two_word_texts(kb):
        if kb.lookup(text):
            continue  # resolved as an alias before any composing
        tokens = tokenize(text)
        toks = [r._tok(t[0]) for t in tokens]
        for date in (None, dt.date(2005, 6, 1), dt.date(2022, 6, 1)):
            general = r._compose_parts(text, text, date, r._parts(text, tokens, toks), toks)
            assert r.explain(text, date=date) == general, text
            taken += 1
    assert taken > 300


def _misspellings(name: str) -> list[str]:
    """The name with one letter dropped, doubled or changed, and cut short: queries on both
    sides of every length bound."""
    out = [name, name[:-3], name + "ov"]
    for k in range(0, len(name), 3):
        out += [
            name[:k] + name[k + 1 :],
            name[:k] + name[k] + name[k:],
            name[:k] + "x" + name[k + 1 :],
        ]
    return [q for q in out if q]


def test_fuzzy_length_buckets_find_what_every_name_finds(kb: KnowledgeBase) -> None:
    from rapidfuzz import fuzz, process

    from eventwire.actors.kb import FUZZY_CUTOFF

    index = kb.fuzzy_index()
    tables = ((list(kb.persons), index.names_by_len), (list(index.surnames), index.surnames_by_len))
    found = 0
    for keys, buckets in tables:
        for q in {m for key in keys for m in _misspellings(key)}:
            full = process.extractOne(q, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            bucket = buckets[len(q)] if len(q) < len(buckets) else ()
            got = process.extractOne(q, bucket, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            assert (full[:2] if full else None) == (got[:2] if got else None), q
            found += full is not None
    assert found > 1000


def test_plain_tokenize_is_the_regex() -> None:
    """tokenize() splits plain ASCII words on spaces without its regex: same tokens."""
    import random

    from eventwire.actors.text import _TOKEN

    def by_regex(text: str) -> list[tuple[str, int, int]]:
        out, pos = [], 0
        for w in _TOKEN.findall(text):
            start = text.find(w, pos)
            pos = start + len(w)
            out.append((w, start, pos))
        return out

    rng = random.Random(4)
    for alphabet in ("ab Z9", "ab  Z9_", "ab Z9 _.-+'\t\né"):
        for _ in range(20_000):
            text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
            assert tokenize(text) == by_regex(text), repr(text)


def _word_salad(kb: KnowledgeBase, n: int = 4000) -> list[str]:
    """Mentions made of the knowledge base's own words (alias words as written and
    capitalised, titles, sector nouns and plurals, "former" and relational words, "ex", a
    splitter, possessives, unknown names): every token shape the parts builder meets."""
    import random

    rng = random.Random(7)
    words = sorted(
        {w for key in [*kb.folded, *kb.exact] for w, _, _ in tokenize(key)}
        | {w[:1].upper() + w[1:] for w in kb.sector_words | kb.title_words.keys()}
        | {w + "s" for w in kb.sector_words}
        | set(kb.former_words)
        | set(kb.relational_words)
        | {"ex", "of", "in", "Iran's", "U.N.", "al-Qaeda", "Zorblax", "Gbago", "Laurent"}
        | {"Iranian-backed", "Vietnamese-led", "Kremlin-controlled", "ex-president", "Gen."}
    )
    # Whole aliases of several words too, so that multi-word matches and near misses occur.
    words += rng.sample(sorted(k.title() for k in kb.folded if " " in k), 400)
    return [" ".join(rng.choice(words) for _ in range(rng.randint(1, 6))) for _ in range(n)]


def test_lone_token_parts_are_the_general_parts(kb: KnowledgeBase) -> None:
    """_parts() gives a token its memoised lone part where no alias or phrase of several
    words can start at it; the general path (try an alias match at every token with an alias
    span, else _word_part) gives the same parts."""
    from eventwire.actors.resolver import _AFFILIATION
    from eventwire.actors.scanner import NAME_PARTICLES

    r = ActorResolver(kb)
    sectors, titles = kb.sector_words, kb.title_words

    def general(text: str) -> list[object]:
        """The parts as built before the lone-token short-cuts, written out here."""
        tokens = tokenize(text)
        toks = [r._tok(t[0]) for t in tokens]
        parts: list[object] = []
        i, n = 0, len(tokens)
        while i < n:
            tk = toks[i]
            m = r._match_at(text, tokens, toks, i) if tk.span else None
            stem, _, suffix = tk.word.rpartition("-")
            if m is not None:
                parts.append((i, m[0], "kb", m[1], None, ""))
                i = m[0]
                continue
            if "-" in tk.word and stem and suffix in _AFFILIATION and kb.lookup(stem):
                parts.append((i, i + 1, "kb", kb.lookup(stem), None, ""))
            elif tk.bare in kb.former_words or (tk.bare == "ex" and i + 1 < n):
                parts.append((i, i + 1, "former", (), None, ""))
            elif tk.bare in kb.relational_words:
                parts.append((i, i + 1, "relational", (), None, ""))
            elif (s := r._phrase_at(toks, i, sectors)) > i and s >= r._phrase_at(toks, i, titles):
                key = " ".join(x.folded for x in toks[i:s])
                parts.append(
                    (i, s, "sector", (), sectors.get(key) or sectors[key.rstrip(".")], key)
                )
                i = s
                continue
            elif (t := r._phrase_at(toks, i, titles)) > i:
                key = " ".join(x.folded for x in toks[i:t])
                parts.append((i, t, "title", (), titles.get(key) or titles[key.rstrip(".")], key))
                i = t
                continue
            elif tk.bare.endswith("s") and tk.bare[:-1] in sectors:
                parts.append((i, i + 1, "sector", (), sectors[tk.bare[:-1]], ""))
            else:
                parts.append((i, i + 1, "word", (), None, tk.word))
            i += 1
        # A capital after a name particle is a surname ("Leila de Lima").
        for k in range(1, len(parts)):
            kind, recs = parts[k][2], parts[k][3]
            prev = parts[k - 1]
            if (
                kind == "kb"
                and prev[2] == "word"
                and str(prev[5]).casefold() in NAME_PARTICLES
                and all(rec.kind in ("capital", "seat") for rec in recs)
            ):
                i = parts[k][0]
                parts[k] = (i, parts[k][1], "word", (), None, tokens[i][0])
        return parts

    for text in _word_salad(kb):
        tokens = tokenize(text)
        got = r._parts(text, tokens, [r._tok(t[0]) for t in tokens])
        assert [tuple(p) for p in got] == general(text), text


def test_token_table_is_what_a_resolver_computes(kb: KnowledgeBase) -> None:
    """The table built at load holds what a resolver computes for each word without it, and
    resolutions do not depend on it."""
    import dataclasses
    import datetime as dt

    assert len(kb.tok_table) > 1000
    bare = dataclasses.replace(kb, tok_table={})
    r = ActorResolver(bare)
    for word, tok in kb.tok_table.items():
        assert r._tok_with_solo(word) == tok, word
    with_table, without = ActorResolver(kb), ActorResolver(bare)
    for text in _word_salad(kb, 1500):
        for date in (None, dt.date(2005, 6, 1)):
            assert with_table.explain(text, date=date) == without.explain(text, date=date), text


def test_adding_an_alias_empties_the_token_table() -> None:
    from eventwire.actors import ActorRecord

    kb = load_builtin()
    assert kb.tok_table
    kb.add("Zorblax", ActorRecord(name="Zorblax", code="NZL", kind="organisation"))
    assert not kb.tok_table
    found = ActorResolver(kb).resolve("Zorblax fighters")
    assert found is not None and (found.code, found.name) == ("NZL", "Zorblax")


def test_entity_and_resolution_builders_match_their_constructors() -> None:
    """The resolver builds Entity and Resolution without their dataclass __init__ (see
    resolver._entity_of): that is only the same while neither has a __post_init__ and the
    fields are the ones the builders set, in that order."""
    import dataclasses
    import pickle

    from eventwire.actors.resolver import Resolution, _entity_of, _resolution_of
    from eventwire.model import Entity

    assert [f.name for f in dataclasses.fields(Entity)] == ["text", "code", "sector", "name", "id"]
    assert [f.name for f in dataclasses.fields(Resolution)] == ["entity", "kind", "rule"]
    assert not hasattr(Entity, "__post_init__")
    assert not hasattr(Resolution, "__post_init__")
    ent = _entity_of("Russian troops", "RUS", "MIL", "Russia", None)
    assert type(ent) is Entity
    assert ent == Entity("Russian troops", "RUS", "MIL", "Russia", None)
    assert hash(ent) == hash(Entity("Russian troops", "RUS", "MIL", "Russia", None))
    res = _resolution_of(ent, "demonym", "composed")
    assert type(res) is Resolution
    assert res == Resolution(ent, "demonym", "composed")
    assert repr(res) == repr(Resolution(ent, "demonym", "composed"))
    assert pickle.loads(pickle.dumps(res)) == res
    with pytest.raises(dataclasses.FrozenInstanceError):
        ent.code = "USA"  # type: ignore[misc]
