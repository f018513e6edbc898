"""State outlets: which articles speak in a state's voice (eventwire/actors/outlets.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventwire.actors.outlets import parse_outlets, state_outlet, state_outlets
from eventwire.errors import InputError
from eventwire.model import Article


@pytest.mark.parametrize(
    ("outlet", "url", "code"),
    [
        (None, "http://kcna.kp/en/article/q/123.kcmsd", "PRK"),
        ("kcna.kp", None, "PRK"),
        ("KCNA", None, "PRK"),
        (None, "https://tass.com/politics/1", "RUS"),
        (None, "https://www.xinhuanet.com/english/2017-03/13/c_1.htm", "CHN"),
        (None, "https://english.news.cn/20240101/x.html", "CHN"),
        ("europe.chinadaily.com.cn", None, "CHN"),
        ("bbc.co.uk", "https://www.bbc.co.uk/news/world-1", None),
        ("rte.ie", None, None),
        (None, "https://nottass.com/x", None),
        (None, None, None),
    ],
    ids=lambda v: str(v),
)
def test_state_outlet_by_name_or_host(
    outlet: str | None, url: str | None, code: str | None
) -> None:
    found = state_outlet(Article(id="a", text="x", outlet=outlet, url=url))
    assert (found.code if found else None) == code


def test_the_voice_is_the_state_with_no_text() -> None:
    kcna = state_outlet(Article(id="a", text="x", outlet="KCNA"))
    assert kcna is not None
    ent = kcna.entity()
    assert (ent.text, ent.code, ent.sector) == ("", "PRK", "GOV")


def test_a_user_file_adds_an_outlet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "outlets.yaml").write_text(
        "outlets:\n- {name: Example Agency, code: XYZ, domains: [example-agency.org]}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("EVENTWIRE_HOME", str(tmp_path))
    names = {o.name for o in state_outlets()}
    assert {"Example Agency", "Korean Central News Agency"} <= names
    found = state_outlet(Article(id="a", text="x", url="https://example-agency.org/1"))
    assert found is not None and (found.code, found.sector) == ("XYZ", "GOV")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "no 'outlets' list"),
        ({"outlets": [{"name": "A"}]}, "3-letter 'code'"),
        ({"outlets": [{"name": "A", "code": "ABC", "url": "x"}]}, "unknown field(s) url"),
        ({"outlets": [{"name": "A", "code": "ABC", "domains": "a.org"}]}, "list of strings"),
    ],
    ids=["not-a-mapping", "no-code", "unknown-field", "domains-not-a-list"],
)
def test_a_bad_outlets_file_says_what_is_wrong(data: object, message: str) -> None:
    with pytest.raises(InputError, match="Fix:") as err:
        parse_outlets(data, source="my.yaml")
    assert message in str(err.value) and "my.yaml" in str(err.value)
