import datetime as dt
from pathlib import Path

import pytest

from eventwire.actors import ActorResolver, add_actor_file, get_resolver, lookup_actor
from eventwire.errors import InputError

GOOD = """
actors:
  - name: Jane Roe
    code: USA
    kind: person
    aliases: [Governor Roe]
    terms:
      - {start: 2019-01-01, end: 2023-01-01, sector: GOV, office: Governor}
  - name: Northern Rivers Militia
    code: COD
    sector: REB
    aliases: [NRM]
  - name: Kremlin Watchers
    code: NGO
    sector: SOC
"""


def write(tmp_path: Path, text: str, name: str = "mine.yaml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_user_file_merges_over_builtins(tmp_path):
    r = ActorResolver.from_files([write(tmp_path, GOOD)], places=False)
    assert r.resolve("Jane Roe", date=dt.date(2020, 5, 1)).sector == "GOV"
    assert r.resolve("Governor Roe", date=dt.date(2024, 5, 1)).sector == "ELI"
    nrm = r.resolve("NRM")
    assert (nrm.code, nrm.sector, nrm.name) == ("COD", "REB", "Northern Rivers Militia")
    assert r.resolve("the Kremlin").code == "RUS"  # built-ins still there


def test_user_entry_wins_a_tie(tmp_path):
    p = write(tmp_path, "actors:\n  - {name: Hamas, code: PSE, sector: GOV}\n")
    assert ActorResolver.from_files([p], places=False).resolve("Hamas").sector == "GOV"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("actors: [", "not valid YAML"),
        ("- just a list\n", "must be a mapping"),
        ("people: []\n", "no 'actors' list"),
        ("actors:\n  - {code: USA}\n", "'name' is missing"),
        ("actors:\n  - {name: X}\n", "'code' is missing"),
        ("actors:\n  - {name: X, code: usa}\n", "three capital letters"),
        ("actors:\n  - {name: X, code: USA, sector: BAD}\n", "unknown sector"),
        ("actors:\n  - {name: X, code: USA, id: 123}\n", "Wikidata QID"),
        ("actors:\n  - {name: X, code: USA, colour: red}\n", "unknown field"),
        (
            "actors:\n  - {name: X, code: USA, terms: [{start: 2020-13-01}]}\n",
            "impossible date",
        ),
        (
            "actors:\n  - {name: X, code: USA, terms: [{start: yesterday}]}\n",
            "is not a date",
        ),
        (
            "actors:\n  - {name: X, code: USA, terms: [{start: 2020-01-01, end: 2019-01-01}]}\n",
            "before it starts",
        ),
    ],
)
def test_bad_user_files_raise_input_error(tmp_path, text, needle):
    with pytest.raises(InputError) as info:
        ActorResolver.from_files([write(tmp_path, text)], places=False)
    assert needle in str(info.value)
    assert info.value.fix


def test_missing_file_is_input_error(tmp_path):
    with pytest.raises(InputError, match="not found"):
        ActorResolver.from_files([tmp_path / "nope.yaml"], places=False)


def test_add_actor_file_copies_into_user_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("EVENTWIRE_HOME", str(tmp_path / "home"))
    dest = add_actor_file(write(tmp_path, GOOD))
    assert dest == tmp_path / "home" / "actors" / "mine.yaml"
    assert dest.read_text(encoding="utf-8") == GOOD
    assert lookup_actor("NRM").code == "COD"
    assert get_resolver().resolve("NRM").sector == "REB"


def test_add_actor_file_rejects_bad_file_and_copies_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("EVENTWIRE_HOME", str(tmp_path / "home"))
    with pytest.raises(InputError):
        add_actor_file(write(tmp_path, "actors:\n  - {name: X}\n"))
    assert not (tmp_path / "home" / "actors").exists()
