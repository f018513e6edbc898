import datetime as dt

import pytest

from eventwire.actors import ActorResolver, ArticleContext
from eventwire.model import Entity


@pytest.fixture(scope="module")
def resolver() -> ActorResolver:
    return ActorResolver(places=False)


def code_sector(e: Entity | None) -> tuple[str | None, str | None] | None:
    return None if e is None else (e.code, e.sector)


@pytest.mark.parametrize(
    ("mention", "expected"),
    [
        ("The White House", ("USA", "GOV")),
        ("North Korea", ("PRK", None)),
        ("Pyongyang", ("PRK", "GOV")),
        ("President Joe Biden", ("USA", "GOV")),
        ("North Korean leader Kim Jong Un", ("PRK", "GOV")),
        ("South Korean President Moon Jae-in", ("KOR", "GOV")),
        ("Russian troops", ("RUS", "MIL")),
        ("Ukraine", ("UKR", None)),
        ("the United States", ("USA", None)),
        ("the Biden administration", ("USA", "GOV")),
        ("the Iranian foreign minister", ("IRN", "GOV")),
        ("Chinese businessman Li Wei", ("CHN", "BUS")),
        ("the Kremlin", ("RUS", "GOV")),
        ("the Pentagon", ("USA", "MIL")),
        ("Downing Street", ("GBR", "GOV")),
        ("Hamas", ("PSE", "REB")),
        ("Islamic State", ("IMG", "REB")),
        ("UN Security Council", ("UNO", "GOV")),
        ("NATO", ("IGO", "MIL")),
        ("Kiev", ("UKR", "GOV")),
        ("Ukraine's", ("UKR", None)),
        ("Ukraine’s", ("UKR", None)),
        ("U.S.", ("USA", None)),
        ("North Koreans", ("PRK", "CVL")),
        ("Vietnamese-led forces", ("VNM", "MIL")),
        ("a member of the Syrian parliament", ("SYR", "LEG")),
    ],
)
def test_seed_and_common_mentions(resolver, mention, expected):
    assert code_sector(resolver.resolve(mention)) == expected


def test_entity_fields(resolver):
    e = resolver.resolve("President Joe Biden")
    assert e == Entity(
        text="President Joe Biden", code="USA", sector="GOV", name="Joe Biden", id="Q6279"
    )
    # a composition is not the country's own item
    assert resolver.resolve("Russian troops").id is None


@pytest.mark.parametrize("mention", ["US allies", "its allies", "us", "is", "Mr Nobody", ""])
def test_unknown_and_relational_are_none(resolver, mention):
    assert resolver.resolve(mention) is None


def test_acronyms_are_case_sensitive(resolver):
    assert code_sector(resolver.resolve("IS")) == ("IMG", "REB")
    assert resolver.resolve("Is") is None


def test_time_awareness(resolver):
    assert code_sector(resolver.resolve("President Trump", date=dt.date(2018, 6, 1))) == (
        "USA",
        "GOV",
    )
    assert code_sector(resolver.resolve("President Trump", date=dt.date(2022, 1, 31))) == (
        "USA",
        "ELI",
    )
    assert code_sector(resolver.resolve("Trump", date=dt.date(2010, 1, 1))) == ("USA", None)
    assert resolver.resolve("Moon Jae-in", date=dt.date(2022, 1, 30)).sector == "GOV"
    assert resolver.resolve("Moon Jae-in", date=dt.date(2023, 1, 1)).sector == "ELI"
    # an office held abroad: Ban Ki-moon as UN Secretary-General
    assert resolver.resolve("Ban Ki-moon", date=dt.date(2010, 1, 1)).code == "UNO"
    assert resolver.resolve("Ban Ki-moon", date=dt.date(2005, 1, 1)).code == "KOR"
    # a group that governed for a while
    assert resolver.resolve("Taliban", date=dt.date(2019, 1, 1)).sector == "REB"
    assert resolver.resolve("Taliban", date=dt.date(2022, 1, 1)).sector == "GOV"
    # the same surname, two presidents
    assert resolver.resolve("President Bush", date=dt.date(1990, 1, 1)).name == (
        "George H. W. Bush"
    )
    assert resolver.resolve("President Bush", date=dt.date(2005, 1, 1)).name == "George W. Bush"


def test_former_makes_eli(resolver):
    assert resolver.resolve("former President Barack Obama").sector == "ELI"
    assert resolver.resolve("Ousted President Askar Akayev").sector == "ELI"


def test_find_mentions_seed_sentences(resolver):
    text = (
        "The White House is still eager for talks with North Korea, which has troubled US "
        "allies. There was no meeting between President Joe Biden and North Korean leader "
        "Kim Jong Un, according to South Korean President Moon Jae-in, amid the build-up of "
        "Russian troops along Ukraine’s border. Chinese businessman Li Wei said so."
    )
    found = {text[s:e]: (ent.code, ent.sector) for s, e, ent in resolver.find_mentions(text)}
    assert found == {
        "White House": ("USA", "GOV"),
        "North Korea": ("PRK", None),
        "President Joe Biden": ("USA", "GOV"),
        "North Korean leader Kim Jong Un": ("PRK", "GOV"),
        "South Korean President Moon Jae-in": ("KOR", "GOV"),
        "Russian troops": ("RUS", "MIL"),
        "Ukraine": ("UKR", None),
        "Chinese businessman Li Wei": ("CHN", "BUS"),
    }


def test_find_mentions_offsets_and_dates(resolver):
    text = "The Biden administration has long sought diplomacy with Pyongyang."
    out = resolver.find_mentions(text, date=dt.date(2022, 1, 31))
    assert [(text[s:e], ent.code, ent.sector) for s, e, ent in out] == [
        ("Biden administration", "USA", "GOV"),
        ("Pyongyang", "PRK", "GOV"),
    ]


def test_article_context(resolver):
    ctx = ArticleContext(resolver, date=dt.date(2022, 1, 31))
    assert ctx.resolve("The White House").code == "USA"
    assert ctx.resolve("North Korea").code == "PRK"
    official = ctx.resolve("the official")
    assert (official.code, official.sector) == ("USA", "GOV")
    assert ctx.resolve("the regime").code == "PRK"
    ctx.resolve("President Joe Biden")
    he = ctx.resolve("he")
    assert (he.code, he.name, he.text) == ("USA", "Joe Biden", "he")
    assert ArticleContext(resolver).resolve("she") is None


def test_find_mentions_with_a_title_at_the_end_of_the_text() -> None:
    """Regression: a title ending the text made the scanner read past the last token."""
    from eventwire.actors import get_resolver

    for text in (
        "The statement was read by the Iranian foreign minister",
        "He met Japanese Prime Minister",
        "talks with the US president",
    ):
        found = get_resolver().find_mentions(text)
        assert found and found[-1][1] == len(text)


def test_find_mentions_leaves_out_the_full_stop_that_ends_the_sentence(resolver) -> None:
    """Regression: "met Spanish officials." was stored with the full stop in the actor text."""
    for text, want in (
        ("Venezuelan opposition leaders met Spanish officials.", "Spanish officials"),
        ("Russia criticized Ukraine.", "Ukraine"),
        ("Troops left the U.S.", "U.S."),
        ("He was received by Lt. Gen.", None),  # an abbreviation keeps its dot
    ):
        found = resolver.find_mentions(text)
        if want is None:
            assert all(not text[s:e].endswith("Gen") for s, e, _ in found)
            continue
        s, e, ent = found[-1]
        assert (text[s:e], ent.text) == (want, want)


@pytest.mark.parametrize(
    "mention",
    ["Venezuelan opposition leaders", "Chad's opposition leaders", "Kenyan opposition figures"],
)
def test_plural_opposition_leaders_are_the_opposition_not_the_government(resolver, mention):
    assert resolver.resolve(mention).sector == "OPP"


@pytest.mark.parametrize(
    ("mention", "expected"),
    [
        ("Leila de Lima", None),
        ("De Lima", None),
        ("Senator Leila de Lima", None),
        ("Philippine Senator Leila de Lima", ("PHL", "LEG")),
        ("Rafael van der Vaart", None),
        ("Lima", ("PER", "GOV")),
        ("the mayor of Lima", ("PER", "GOV")),
        ("Rio de Janeiro", ("BRA", None)),
    ],
)
def test_a_capital_after_a_name_particle_is_a_surname_not_the_city(mention, expected):
    """'Leila de Lima' was Peru's government; with the gazetteer on, too."""
    resolver = ActorResolver(places=True)
    assert code_sector(resolver.resolve(mention)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("De Lima has insisted she is not involved.", []),
        ("Sen. Leila de Lima is accused.", []),
        (
            "Philippine Senator Leila de Lima was arrested.",
            [("Philippine Senator Leila de Lima", "PHL")],
        ),
        ("Protesters gathered in Lima on Sunday.", [("Lima", "PER")]),
    ],
)
def test_find_mentions_reads_a_capital_after_a_name_particle_as_a_surname(
    resolver: ActorResolver, text: str, expected: list[tuple[str, str]]
) -> None:
    """'De Lima said' was Peru's government speaking, in running text too."""
    assert [(text[s:e], ent.code) for s, e, ent in resolver.find_mentions(text)] == expected


@pytest.fixture(scope="module")
def placing_resolver() -> ActorResolver:
    return ActorResolver()


@pytest.mark.parametrize(
    ("mention", "expected"),
    [
        ("A New Jersey judge", ("USA", "JUD")),
        ("A New South Wales court", ("AUS", "JUD")),
        ("The governor of New Mexico", ("USA", "GOV")),
        ("A Texas court", ("USA", "JUD")),
        ("Ontario police", ("CAN", "COP")),
        # The knowledge base's own names stand where no longer subdivision is named.
        ("Jersey police", ("GBR", "COP")),
        ("Mexico City police", ("MEX", "COP")),
        ("Papua New Guinea", ("PNG", None)),
    ],
)
def test_subdivision_named_around_a_country_name(placing_resolver, mention, expected):
    assert code_sector(placing_resolver.resolve(mention)) == expected


@pytest.mark.parametrize(
    ("text", "mention", "expected"),
    [
        ("A New Jersey judge ruled on Monday.", "New Jersey judge", ("USA", "JUD")),
        ("A New South Wales court jailed him.", "New South Wales court", ("AUS", "JUD")),
        ("New Mexico and Mexico signed a pact.", "New Mexico", ("USA", None)),
        ("New Mexico and Mexico signed a pact.", "Mexico", ("MEX", None)),
    ],
)
def test_find_mentions_new_jersey_is_not_jersey(placing_resolver, text, mention, expected):
    found = {text[s:e]: code_sector(ent) for s, e, ent in placing_resolver.find_mentions(text)}
    assert found[mention] == expected


@pytest.mark.parametrize(
    ("mention", "expected"),
    [
        # Another given name before a known surname is another person.
        ("Greg Abbott", None),
        ("Jeb Bush", None),
        ("Michelle Obama", None),
        # ... whose other words still say what they say.
        ("German Foreign Minister Oskar Fischer", ("DEU", "GOV")),
        # The same person: the known name, a form of address, an initial, another spelling.
        ("Tony Abbott", ("AUS", "GOV")),
        ("Mr Abbott", ("AUS", "GOV")),
        ("G. W. Bush", ("USA", "GOV")),
        ("Mohammad bin Salman", ("SAU", "GOV")),
        ("Recep Erdogan", ("TUR", "GOV")),
    ],
)
def test_greg_abbott_is_not_tony_abbott(resolver, mention, expected):
    assert code_sector(resolver.resolve(mention)) == expected


@pytest.mark.parametrize(
    ("mention", "expected"),
    [
        # A state or province before a title is a place, not part of the person's name.
        ("Kentucky Senator Mitch McConnell", ("USA", "LEG")),
        ("New York Governor Andrew Cuomo", ("USA", "GOV")),
        ("Quebec premier", ("CAN", "GOV")),
        # Any other capitalised word before a title still is ("Federal" is a city too).
        ("Federal Minister Aftab Sherpao", None),
    ],
)
def test_kentucky_senator_is_american(placing_resolver, mention, expected):
    assert code_sector(placing_resolver.resolve(mention)) == expected


@pytest.mark.parametrize(
    ("mention", "expected"),
    [
        # A place's name that begins another name is not the place's government.
        ("Victoria Nuland", None),
        ("Paris Hilton", None),
        ("The Washington Post", None),
        ("Kabul Airport", None),
        # A sector word, a possessive, or a longer capitalised name keep the place.
        ("Paris police", ("FRA", "COP")),
        ("Nicaragua's Sandinista government", ("NIC", "GOV")),
        ("Montenegro Municipality Association", ("MNE", "SOC")),
    ],
)
def test_victoria_nuland_is_not_the_seychelles(placing_resolver, mention, expected):
    assert code_sector(placing_resolver.resolve(mention)) == expected


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Victoria Nuland said Russia was to blame.", {"Russia": ("RUS", None)}),
        ("The Washington Post reported it.", {}),
        # A headline goes on in capitals: the place stays.
        ("Pyongyang Fires Missile Into Sea", {"Pyongyang": ("PRK", "GOV")}),
        ("Kingston police said", {"Kingston police": ("JAM", "COP")}),
    ],
)
def test_find_mentions_victoria_nuland(placing_resolver, text, found):
    got = {text[s:e]: code_sector(ent) for s, e, ent in placing_resolver.find_mentions(text)}
    assert got == found


@pytest.mark.parametrize(
    ("mention", "expected"),
    [
        # State outlets (data/outlets.yaml) are their state's media, as KCNA and Xinhua are.
        ("TASS", ("RUS", "JRN")),
        ("Rodong Sinmun", ("PRK", "JRN")),
        ("China Daily", ("CHN", "JRN")),
        ("Russia Today", ("RUS", "JRN")),
        ("KCNA", ("PRK", "JRN")),
        # An acronym alias is case-sensitive: a hotel's spa is no agency.
        ("spa", None),
    ],
)
def test_state_outlets_are_their_states_media(resolver, mention, expected):
    assert code_sector(resolver.resolve(mention)) == expected
