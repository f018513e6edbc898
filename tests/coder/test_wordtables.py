"""The coder's word tables as data (eventwire.coder.wordtables): the packaged TOML files load
into the shapes the coder imports, every table is bound to a name and every name to a table,
the package ships the files, and a malformed file fails with a message naming the entry.

(The loaded tables were compared once, table by table, with the Python literals they replaced;
these tests keep the shapes and the invariants the readings rely on.)"""

from __future__ import annotations

import glob
import tomllib
from pathlib import Path
from types import MappingProxyType

import pytest

from eventwire.coder import lexicon, sense_words, triggers
from eventwire.coder.wordtables import (
    DATA_DIR,
    read_lexicon,
    read_word_sets,
    word_sets,
)
from eventwire.coder.wordtables import lexicon as load_lexicon
from eventwire.errors import InputError
from eventwire.ontology.plover import EVENT_TYPES, MODES

REPO = Path(__file__).resolve().parents[2]


def _bound_sets(module: object) -> dict[str, frozenset[str]]:
    """The module's word-set names, keyed as in its TOML file (without the leading '_')."""
    return {
        name.lstrip("_"): value
        for name, value in vars(module).items()
        if name.lstrip("_").isupper() and isinstance(value, frozenset) and name != "REFUSABLE"
    }


@pytest.mark.parametrize(("module", "file"), [(sense_words, "senses"), (triggers, "triggers")])
def test_every_table_is_bound_to_a_name_and_every_name_to_a_table(
    module: object, file: str
) -> None:
    bound = _bound_sets(module)
    tables = word_sets(file)
    # triggers.py also derives a set from the lexicon (_PHRASE_LEMMAS) and imports the senses'.
    derived = {"PHRASE_LEMMAS", "SENSE_VERBS", "SENSE_NOUNS"}
    assert set(tables) == set(bound) - derived
    for name, words in tables.items():
        assert bound[name] is words
        assert words and all(isinstance(w, str) and w == w.strip().lower() for w in words)


def test_tables_are_read_once() -> None:
    assert word_sets("senses") is word_sets("senses")
    assert load_lexicon() is load_lexicon()


def test_includes_hold_the_included_words() -> None:
    # The readings rely on these: what eases includes the barriers, what is delivered or
    # tested includes the aid goods and the missiles.
    assert sense_words._BARRIERS < sense_words._EASED
    assert sense_words._AID_GOODS < sense_words._DELIVERED
    assert sense_words._MISSILES < sense_words._TESTED_WEAPONS


def test_lexicon_shapes() -> None:
    for table in (lexicon.VERBS, lexicon.NOUNS, lexicon.ADJECTIVES):
        assert isinstance(table, MappingProxyType) and table
        for word, (etype, mode) in table.items():
            assert word == word.lower() and etype in EVENT_TYPES
            assert mode is None or mode in MODES[etype]
    assert isinstance(lexicon.PHRASES, MappingProxyType)
    for (head, dep), (etype, mode) in lexicon.PHRASES.items():
        assert head and dep and " " not in head + dep
        assert (etype == "" and mode is None) or etype in EVENT_TYPES
    assert lexicon._IRREGULAR["strike"] == {"struck", "stricken"}


def test_a_word_read_in_two_senses_keeps_the_reading_it_had() -> None:
    # The Python tables listed these twice, the later reading silently winning; the data lists
    # each once, with that reading (senses.py tells a phone call from a request).
    assert lexicon.VERBS["call"] == ("REQUEST", None)
    assert lexicon.VERBS["vow"] == ("THREATEN", None)
    assert lexicon.NOUNS["call"] == ("REQUEST", None)
    assert lexicon.PHRASES[("gun", "for")] == ("", None)
    assert lexicon.PHRASES[("cut", "off")] == ("SANCTION", "discontinue")


def test_the_package_ships_the_data_files() -> None:
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]["package-data"]["eventwire"]
    pkg = REPO / "eventwire"
    shipped = {
        Path(p).resolve() for pat in patterns for p in glob.glob(str(pkg / pat), recursive=True)
    }
    files = sorted(DATA_DIR.glob("*.toml"))
    assert [f.name for f in files] == ["lexicon.toml", "senses.toml", "triggers.toml"]
    assert set(files) <= shipped


# --------------------------------------------------------------------------- malformed files


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "words.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_word_sets_read_includes_in_order(tmp_path: Path) -> None:
    path = _write(tmp_path, '[A]\nwords = ["x"]\n[B]\ninclude = ["A"]\nwords = ["y"]\n')
    assert dict(read_word_sets(path)) == {"A": {"x"}, "B": {"x", "y"}}


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        ('[A]\nwords = ["x"\n', "syntax error"),
        ('[A]\nwords = ["Olympics"]\n', "not lower-case"),
        ('[A]\nwords = ["war", "war"]\n', "'war' listed twice"),
        ('[A]\nwords = "war"\n', "not a list of strings"),
        ('[A]\nword = ["war"]\n', "unknown keys ['word']"),
        ("[A]\ninclude = []\n", "no `words` list"),
        ('[B]\ninclude = ["A"]\nwords = ["y"]\n[A]\nwords = ["x"]\n', "'A' is not a table"),
        ('[lower]\nwords = ["x"]\n', "not UPPER_CASE"),
        ('A = ["x"]\n', "not a [table]"),
    ],
)
def test_malformed_word_sets_name_the_fault(tmp_path: Path, text: str, cause: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as err:
        read_word_sets(path)
    assert str(path) in err.value.message
    assert cause in str(err.value)
    assert err.value.fix


_LEXICON = "[verbs]\n{verbs}\n[nouns]\n[adjectives]\n[phrases]\n{phrases}\n[irregular]\n"


@pytest.mark.parametrize(
    ("verbs", "phrases", "cause"),
    [
        ('AGREE = ["vow"]\nTHREATEN = ["vow"]', "", "'vow' is also listed under 'AGREE'"),
        ('AGRE = ["vow"]', "", "'AGRE' is not a PLOVER type"),
        ('"CONSULT:video" = ["zoom"]', "", "'video' is not a mode of CONSULT"),
        ("", '"call" = "REQUEST"', "not two lower-case words"),
        ("", '"call for" = "REQUEST:urgent"', "'urgent' is not a mode of REQUEST"),
    ],
)
def test_malformed_lexicon_names_the_fault(
    tmp_path: Path, verbs: str, phrases: str, cause: str
) -> None:
    path = _write(tmp_path, _LEXICON.format(verbs=verbs, phrases=phrases))
    with pytest.raises(InputError) as err:
        read_lexicon(path)
    assert cause in str(err.value)


def test_lexicon_needs_its_sections(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"\[verbs\], \[nouns\]"):
        read_lexicon(_write(tmp_path, "[verbs]\n"))


def test_a_missing_file_says_to_reinstall(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Reinstall"):
        read_word_sets(tmp_path / "absent.toml")


def test_a_well_formed_lexicon_reads(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        _LEXICON.format(verbs='"CONSULT:visit" = ["tour"]', phrases='"gun for" = ""')
        + 'strike = "struck stricken"\n',
    )
    lex = read_lexicon(path)
    assert dict(lex.verbs) == {"tour": ("CONSULT", "visit")}
    assert dict(lex.phrases) == {("gun", "for"): ("", None)}
    assert dict(lex.irregular) == {"strike": {"struck", "stricken"}}
