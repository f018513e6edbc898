"""The gazetteer's seat-of-government guard, accent folding and on-disk index cache."""

from __future__ import annotations

from eventwire.geo import Gazetteer


def test_seats_of_government_are_never_places(tmp_path):
    gaz = Gazetteer(cache_dir=tmp_path)
    for name in ("White House", "the White House", "at the White House", "Kremlin"):
        assert gaz.lookup(name) is None  # not Casablanca ("Dar el Beida")


def test_accented_city_names_match_plain_spelling(tmp_path):
    p = Gazetteer(cache_dir=tmp_path).lookup("Samarra")
    assert p is not None and p.country == "IRQ" and p.text == "Samarra"


def test_cache_round_trip_gives_same_answers(tmp_path):
    built = Gazetteer(cache_dir=tmp_path)
    names = ["Pyongyang", "Kiev", "Jordan", "Korean Peninsula", "Ukraine's border", "Samarra"]
    first = [built.lookup(n) for n in names]
    assert list(tmp_path.glob("gazetteer-*.marshal"))
    again = Gazetteer(cache_dir=tmp_path)
    assert [again.lookup(n) for n in names] == first
    assert again.country("PRK") == built.country("PRK")


def test_unreadable_cache_is_rebuilt(tmp_path):
    Gazetteer(cache_dir=tmp_path).lookup("Seoul")
    for f in tmp_path.glob("gazetteer-*.marshal"):
        f.write_bytes(b"not marshal")
    assert Gazetteer(cache_dir=tmp_path).lookup("Seoul").country == "KOR"


def test_cache_off(tmp_path):
    assert Gazetteer(cache_dir=None).lookup("Seoul").country == "KOR"
