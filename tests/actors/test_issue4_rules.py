"""Resolver rules added in the accuracy/speed pass: leader-named groups, the place fallback's
name guard, ethnic groups, DRC naming, word memos."""

from __future__ import annotations

import pytest

from eventwire.actors import ActorResolver
from eventwire.actors.text import fold, is_acronym, sensitive
from eventwire.model import Entity


@pytest.fixture(scope="module")
def resolver() -> ActorResolver:
    return ActorResolver()


@pytest.mark.parametrize(
    ("mention", "code", "sector", "name"),
    [
        ("the Biden administration", "USA", "GOV", "United States"),
        ("Obama administration", "USA", "GOV", "United States"),
        ("the Putin regime", "RUS", "GOV", "Russia"),
        ("Putin's army", "RUS", "MIL", "Russia"),
        ("Zoran Djindjic's opposition coalition", "SRB", "OPP", "Serbia"),
    ],
)
def test_leader_named_group_is_the_group_not_the_person(resolver, mention, code, sector, name):
    e = resolver.resolve(mention)
    assert e == Entity(text=mention, code=code, sector=sector, name=name, id=None)


def test_titled_leader_is_still_the_person(resolver):
    e = resolver.resolve("President Joe Biden")
    assert e is not None and e.id == "Q6279" and e.name == "Joe Biden"


@pytest.mark.parametrize("name", ["Kim", "Lee", "Park", "Khan", "Smith", "Kim's"])
def test_common_name_alone_is_never_a_place(resolver, name):
    assert resolver.resolve(name) is None


def test_titled_name_is_never_a_place(resolver):
    assert resolver.resolve("Federal Minister for Interior Aftab Ahmad Khan Sherpao") is None


def test_find_mentions_skips_bare_surname_and_keeps_white_house(resolver):
    text = "Kim said the White House would respond."
    found = resolver.find_mentions(text)
    assert [(text[s:e], ent.code, ent.sector) for s, e, ent in found] == [
        ("White House", "USA", "GOV")
    ]


@pytest.mark.parametrize(
    ("mention", "code"),
    [("Samarra", "IRQ"), ("Khanty-Mansiysk (Siberia)", "RUS"), ("Abidjan", "CIV")],
)
def test_place_fallback_gives_country(resolver, mention, code):
    e = resolver.resolve(mention)
    assert e is not None and (e.code, e.sector) == (code, None)


@pytest.mark.parametrize(
    ("mention", "code", "sector"),
    [
        ("Yoruba leaders", "NGA", "GOV"),
        ("Ibo traditional elders", "NGA", "ELI"),
        ("Tamil civilian refugees", "LKA", "REF"),
        ("Bosnian Serbs", "BIH", "CVL"),
        ("Iraqi Kurds", "IRQ", "CVL"),
        ("Kurds", None, "CVL"),
        ("Kurdish fighters in Syria", "SYR", "REB"),
        ("Uighurs", "CHN", "CVL"),
        ("Congolese refugees", "COD", "REF"),
        ("Congo", "COD", None),
        ("Republic of Congo", "COG", None),
        ("Kifaya", "EGY", "OPP"),
    ],
)
def test_groups_and_conventions(resolver, mention, code, sector):
    e = resolver.resolve(mention)
    assert e is not None and (e.code, e.sector) == (code, sector)


def test_placed_group_is_named_by_its_country(resolver):
    assert resolver.resolve("Kurdish fighters in Syria").name == "Syria"


def test_hyphenated_alias_heads_a_composition(resolver):
    e = resolver.resolve("al-Qaeda leaders")
    assert e is not None and e.code == "IMG"


def test_fast_text_keys_match_the_slow_rules():
    assert fold("Kim Jong-un") == "kim jong un"
    assert fold(" A  - B ") == "a b"
    assert sensitive("Ukraine’s") == "Ukraine's"
    assert fold("\u00a0Foo") == "foo"
    assert [is_acronym(x) for x in ("US", "U.S.", "NATO", "Nato", "G7", "ABCDEF", "123")] == [
        True,
        True,
        True,
        False,
        True,
        False,
        False,
    ]


def test_first_sight_and_cached_agree():
    cold = ActorResolver()
    mentions = ["Russian troops", "the Biden administration", "Iraqi Kurds", "Pyongyang"]
    first = [cold.resolve(m) for m in mentions]
    assert [cold.resolve(m) for m in mentions] == first


def test_place_after_a_splitter_still_counts_but_not_next_to_a_title(resolver):
    e = resolver.resolve("deputy governor of the Tyumen")
    assert e is not None and (e.code, e.sector) == ("RUS", "GOV")
    assert resolver.resolve("President Kim") is None
