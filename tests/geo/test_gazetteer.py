import pytest

from eventwire.geo import Gazetteer, locate, lookup_place


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer()


@pytest.mark.parametrize(
    ("name", "country", "resolution"),
    [
        ("Pyongyang", "PRK", "city"),
        ("Seoul", "KOR", "city"),
        ("Kiev", "UKR", "city"),
        ("Kyiv", "UKR", "city"),
        ("Ukraine", "UKR", "country"),
        ("Jordan", "JOR", "country"),
        ("North Korea", "PRK", "country"),
        ("Korean Peninsula", None, "region"),
        ("East Sea", None, "sea"),
        ("Yellow Sea", None, "sea"),
        ("Ukraine's border", "UKR", "country:border"),
        ("Ukraine’s border", "UKR", "country:border"),
        ("the Wonsan area", "PRK", "city"),
        ("Gaza Strip", "PSE", "region"),
        # States and provinces (ISO 3166-2, _SUBDIVISION_COUNTRIES).
        ("Texas", "USA", "region"),
        ("New Jersey", "USA", "region"),
        ("New South Wales", "AUS", "region"),
        ("Ontario", "CAN", "region"),
        ("Sichuan", "CHN", "region"),
        ("Borno", "NGA", "region"),
        ("Helmand", "AFG", "region"),
        ("Balochistan", "PAK", "region"),
        ("Tigray", "ETH", "region"),
        # A country or a city of the subdivision's own country keeps its name.
        ("Georgia", "GEO", "country"),
        ("Washington", "USA", "city"),
        ("Jerusalem", "ISR", "city"),
    ],
)
def test_lookup(gaz, name, country, resolution):
    p = gaz.lookup(name)
    assert p is not None
    assert (p.text, p.country, p.resolution) == (name, country, resolution)


@pytest.mark.parametrize(
    "name",
    [
        "Punjab",  # India's state and Pakistan's province: neither is guessed
        "North",  # Cameroon's region: a common word
        "Delta",  # Nigeria's state, and an airline: not a subdivision
        "Coast",
    ],
)
def test_shared_or_generic_subdivision_names_are_not_indexed(gaz, name):
    p = gaz.lookup(name)
    assert p is None or p.resolution != "region"


def test_unknown_place_is_none(gaz):
    assert gaz.lookup("Nowhereville Xq") is None
    assert gaz.lookup("") is None


def test_city_has_coordinates(gaz):
    p = gaz.lookup("Pyongyang")
    assert p.lat == pytest.approx(39.0, abs=0.2) and p.lon == pytest.approx(125.75, abs=0.2)


def test_lookup_place_uses_shared_gazetteer():
    assert lookup_place("Seoul").country == "KOR"


def test_locate_border(gaz):
    p = locate("It came amid the build-up of Russian troops along Ukraine’s border.", gazetteer=gaz)
    assert (p.text, p.country, p.resolution) == ("Ukraine’s border", "UKR", "country:border")


def test_locate_coast_uses_default_country(gaz):
    p = locate("The missile fell off the east coast.", default_country="PRK", gazetteer=gaz)
    assert (p.country, p.resolution) == ("PRK", "country:coast")


def test_locate_prepositional_place(gaz):
    p = locate("The JCS detected the launch from the Wonsan area at 6 a.m.", gazetteer=gaz)
    assert (p.name, p.country) == ("Wonsan", "PRK")


def test_locate_sea(gaz):
    p = locate("It flew toward the sea between Korea and Japan.", gazetteer=gaz)
    assert p.name == "Sea of Japan"


def test_locate_default_and_none(gaz):
    assert locate("Officials said nothing.", gazetteer=gaz) is None
    p = locate("Officials said nothing.", default_country="KOR", gazetteer=gaz)
    assert (p.country, p.resolution) == ("KOR", "country:default")


@pytest.mark.parametrize(
    ("name", "country"),
    [("New York", "USA"), ("Quebec", "CAN"), ("Texas", "USA"), ("Paris", None)],
)
def test_subdivision_under_a_city_name(gaz, name, country):
    p = gaz.subdivision(name)
    assert (p.country if p is not None else None) == country
