"""Corrections through the API: off by default, token-guarded, same-origin only, and seen by
every view once written."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from eventwire.errors import UsageError
from eventwire.serve import create_app
from eventwire.serve.app import serve
from eventwire.serve.corrections import TOKEN_HEADER, _corrected, is_loopback_host
from eventwire.serve.index_patch import read_corrected
from eventwire.store.access import data_version, writer
from eventwire.store.corrections import Change, write_correction

TOKEN = "test-token-0123456789"
BASE = "http://127.0.0.1:8765"
URL = "/api/events/usa-3/corrections"
GOOD = {TOKEN_HEADER: TOKEN, "Origin": BASE}


@pytest.fixture
def client(db_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db_path, corrections_token=TOKEN), base_url=BASE) as c:
        # The write-ahead log is folded into the file only when a test says so (flush).
        app: Any = c.app
        app.state.checkpointer.quiet = app.state.checkpointer.most = 3600.0
        yield c


@pytest.fixture
def read_only(db_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db_path), base_url=BASE) as c:
        yield c


def _counts(c: TestClient) -> tuple[int, int]:
    """(events listed, events in the timeline)."""
    total = c.get("/api/events").json()["total"]
    rows = c.get("/api/timeline", params={"all_dates": "true"}).json()["rows"]
    return total, sum(r["q1"] + r["q2"] + r["q3"] + r["q4"] for r in rows)


@pytest.mark.parametrize(
    "body",
    [{"action": "reject"}, {"action": "confirm"}, {"action": "note", "note": "x"}],
)
def test_a_server_without_corrections_refuses_every_write(
    read_only: TestClient, body: dict[str, Any]
) -> None:
    r = read_only.post(URL, json=body, headers=GOOD)
    assert r.status_code == 403, r.text
    assert "--corrections" in r.json()["error"]["fix"]
    assert read_only.get("/api/corrections").json() == {"enabled": False, "corrections": []}
    # And the page carries no token.
    assert "eventwire-token" not in read_only.get("/").text


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),  # no token
        ({TOKEN_HEADER: "wrong"}, 401),
        ({TOKEN_HEADER: TOKEN, "Origin": "https://evil.example"}, 403),  # cross-origin
        ({TOKEN_HEADER: TOKEN, "Origin": "http://127.0.0.1:9999"}, 403),  # another port
        ({TOKEN_HEADER: TOKEN, "Origin": "null"}, 403),
        ({TOKEN_HEADER: TOKEN, "Sec-Fetch-Site": "cross-site"}, 403),
        ({TOKEN_HEADER: TOKEN, "Host": "evil.example:8765"}, 403),  # DNS rebinding
        ({TOKEN_HEADER: TOKEN, "Host": "evil.example", "Origin": "http://evil.example"}, 403),
    ],
)
def test_a_write_without_the_token_or_from_another_site_is_refused(
    client: TestClient, headers: dict[str, str], status: int
) -> None:
    before = _counts(client)
    r = client.post(URL, json={"action": "reject"}, headers=headers)
    assert r.status_code == status, r.text
    assert r.json()["error"]["message"]
    assert client.get("/api/corrections").json()["corrections"] == []
    assert _counts(client) == before


def test_a_write_with_the_token_is_applied_everywhere(client: TestClient) -> None:
    total, in_timeline = _counts(client)
    r = client.post(URL, json={"action": "reject", "note": "a warning, not a threat"},
                    headers=GOOD)  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["event"] is None and body["correction"]["new"]["rejected"] is True
    assert body["correction"]["old"]["event_type"] == "THREATEN"
    assert _counts(client) == (total - 1, in_timeline - 1)
    assert client.get("/api/events/usa-3").status_code == 404
    r = client.post(
        "/api/events/usa-2/corrections",
        json={"action": "retype", "event_type": "ACCUSE", "who": "ana"},
        headers={TOKEN_HEADER: TOKEN},  # no Origin: a script, not a browser
    )
    assert r.status_code == 200, r.text
    ev = r.json()["event"]
    assert (ev["event_type"], ev["quad"], ev["corrected"], ev["reviewed"]) == (
        "ACCUSE", 3, True, True
    )  # fmt: skip
    listed = {e["id"]: e for e in client.get("/api/events", params={"actor": "USA"}).json()
              ["events"]}  # fmt: skip
    assert listed["usa-2"]["event_type"] == "ACCUSE" and "usa-3" not in listed
    assert client.get("/api/events", params={"type": "ACCUSE", "actor": "USA"}).json()["total"] == 2
    history = client.get("/api/corrections").json()
    assert history["enabled"] is True
    assert [(c["event_id"], c["action"], c["who"]) for c in history["corrections"]] == [
        ("usa-2", "retype", "ana"), ("usa-3", "reject", history["corrections"][1]["who"])
    ]  # fmt: skip


def test_a_correction_is_in_the_list_at_once_without_a_rebuild(
    client: TestClient, db_path: Path
) -> None:
    """The event index is patched, not rebuilt (issue 21: a rebuild per correction made the
    next one wait seconds at 1M events): the list, its filters, text search and counts show
    each correction in the next request, and the review flags come with the events."""
    app: Any = client.app
    holder, refresher = app.state.event_index, app.state.refresher

    def listed(**params: str) -> tuple[int, dict[str, dict[str, Any]]]:
        doc = client.get("/api/events", params={"limit": "500", **params}).json()
        return doc["total"], {e["id"]: e for e in doc["events"]}

    total, events = listed()
    _, in_timeline = _counts(client)
    everything, _ = listed(all="true")
    warned, _ = listed(q="warned")
    builds = holder.builds
    assert builds >= 1 and events["usa-3"]["reviewed"] is False
    assert client.post(URL, json={"action": "reject"}, headers=GOOD).status_code == 200
    r = client.post("/api/events/usa-2/corrections",
                    json={"action": "retype", "event_type": "ACCUSE"}, headers=GOOD)  # fmt: skip
    assert r.status_code == 200
    r = client.post("/api/events/usa-1/corrections",
                    json={"action": "confirm", "note": "seen it"}, headers=GOOD)  # fmt: skip
    assert r.status_code == 200
    now, events = listed()
    assert now == total - 1 and "usa-3" not in events
    assert listed(all="true")[0] == everything - 1
    assert listed(q="warned")[0] == warned - 1
    assert "usa-3" not in listed(actor="USA")[1]
    accused = listed(type="ACCUSE", actor="USA")[1]
    assert set(accused) == {"usa-1", "usa-2"}
    assert (accused["usa-2"]["reviewed"], accused["usa-2"]["corrected"]) == (True, True)
    usa1 = accused["usa-1"]
    assert (usa1["reviewed"], usa1["corrected"]) == (True, False)
    assert usa1["correction_note"] == "seen it"
    assert _counts(client) == (total - 1, in_timeline - 1)
    # Patched three times, never rebuilt: and the refresher takes our writes as seen.
    assert (holder.builds, holder.patches) == (builds, 3)
    assert refresher.seen == data_version(db_path)
    client.get("/api/events", params={"actor": "PRK"})  # a poke: nothing to refresh
    assert holder.builds == builds
    # The corrections' checkpoint (held back by the fixture) is the server's own write too.
    app.state.checkpointer.flush()
    assert refresher.seen == data_version(db_path)
    client.get("/api/events", params={"actor": "PRK"})
    assert holder.builds == builds


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"action": "retype", "event_type": "BOMB"}, 400),
        ({"action": "actor", "actor": "Zzqx Frobnia"}, 400),
        ({"action": "qualify", "polarity": "maybe"}, 422),
        ({"action": "erase"}, 422),
        ({"action": "note", "note": "x" * 2001}, 422),
    ],
)
def test_a_bad_correction_is_a_clear_error(
    client: TestClient, body: dict[str, Any], status: int
) -> None:
    r = client.post(URL, json=body, headers=GOOD)
    assert r.status_code == status, r.text


def test_an_unknown_event_is_404(client: TestClient) -> None:
    r = client.post("/api/events/nope/corrections", json={"action": "confirm"}, headers=GOOD)
    assert r.status_code == 404


def test_the_page_carries_the_token_only_through_a_loopback_host(client: TestClient) -> None:
    page = client.get("/")
    assert f'<meta name="eventwire-token" content="{TOKEN}">' in page.text
    assert page.headers["cache-control"] == "no-store"
    other = client.get("/", headers={"Host": "evil.example:8765"})
    assert "eventwire-token" not in other.text


def test_actor_lookup(client: TestClient) -> None:
    assert client.get("/api/actors/lookup", params={"q": "prk mil"}).json() == {
        "code": "PRK", "sector": "MIL", "name": "North Korea"
    }  # fmt: skip
    assert client.get("/api/actors/lookup", params={"q": "Zzqx Frobnia"}).status_code == 400


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"host": "0.0.0.0"}, "loopback only"),
        ({"host": "192.168.1.5"}, "loopback only"),
        ({"workers": 2}, "one process"),
    ],
)
def test_serve_refuses_corrections_beyond_loopback(
    db_path: Path, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        serve(db_path, corrections_token=TOKEN, **kwargs)


def test_corrections_and_cors_do_not_mix(db_path: Path) -> None:
    with pytest.raises(UsageError, match="other origins"):
        create_app(db_path, corrections_token=TOKEN, cors_origins=["https://a.example"])


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True),
     ("0.0.0.0", False), ("example.org", False), ("127.0.0.1.evil.example", False)],
)  # fmt: skip
def test_is_loopback_host(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


# ----------------------------------------------------------------------------- issue 21


def test_an_acknowledged_correction_is_in_the_log_and_seen_before_its_checkpoint(
    client: TestClient, db_path: Path
) -> None:
    """A correction is answered once committed (DuckDB's write-ahead log, fsynced), without
    checkpointing it (a third of the round trip at a million events): a read-only opener in
    another process sees it meanwhile, and the checkpoint that follows folds the log into
    the file, taken by the server as its own write."""
    app: Any = client.app
    client.get("/api/events")  # the index, built
    builds = app.state.event_index.builds
    assert client.post(URL, json={"action": "reject"}, headers=GOOD).status_code == 200
    wal = Path(f"{db_path}.wal")
    assert wal.exists()
    code = (
        "import sys; from eventwire.store import connect; "
        "con = connect(sys.argv[1], read_only=True); "
        "print(con.execute(\"SELECT count(*) FROM corrections WHERE event_id = 'usa-3'\")"
        '.fetchall()[0][0], con.execute("SELECT count(*) FROM corrected_events WHERE id = '
        "'usa-3'\").fetchall()[0][0])"
    )
    seen = subprocess.run([sys.executable, "-c", code, str(db_path)], capture_output=True,
                          text=True, timeout=120, check=True)  # fmt: skip
    assert seen.stdout.split() == ["1", "0"]
    checkpointer = app.state.checkpointer
    checkpointer.flush()
    assert not wal.exists() and checkpointer.checkpoints == 1
    assert app.state.refresher.seen == data_version(db_path)
    client.get("/api/events")  # a poke: the checkpoint is not another process's write
    assert app.state.event_index.builds == builds


def test_corrections_are_checkpointed_once_they_pause(db_path: Path) -> None:
    with TestClient(create_app(db_path, corrections_token=TOKEN), base_url=BASE) as c:
        app: Any = c.app
        checkpointer = app.state.checkpointer
        checkpointer.quiet = 0.05
        for body in ({"action": "confirm"}, {"action": "note", "note": "x"}):
            assert c.post(URL, json=body, headers=GOOD).status_code == 200
        wal = Path(f"{db_path}.wal")
        deadline = time.monotonic() + 30
        while (wal.exists() or not checkpointer.checkpoints) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert checkpointer.checkpoints >= 1 and checkpointer.error is None
        assert not wal.exists()


def _two_events_of_one_key(path: Path) -> None:
    """usa-2 gets usa-1's key (article, sentence offsets, codes and type), and usa-3 loses
    its recipient: a correction of either of the first two applies to both."""
    with writer(path) as w:
        w.execute(
            """UPDATE events SET article_id = s.article_id, sentence_start = s.sentence_start,
                   sentence_end = s.sentence_end, event_type = s.event_type,
                   actor_code = s.actor_code, recipient_code = s.recipient_code
               FROM (SELECT * FROM events WHERE id = 'usa-1') s WHERE events.id = 'usa-2'"""
        )
        w.execute(
            "UPDATE events SET recipient_code = NULL, recipient_name = NULL,"
            " recipient_sector = NULL WHERE id = 'usa-3'"
        )


@pytest.mark.parametrize(
    "changes",
    [
        [("usa-3", Change(action="confirm"))],
        [("usa-3", Change(action="reject", note="no threat"))],
        [("usa-3", Change(action="retype", event_type="ACCUSE"))],
        [("usa-3", Change(action="retype", event_type="COERCE", mode="arrest"))],
        [("usa-3", Change(action="actor", actor="RUS"))],
        [("usa-3", Change(action="actor", actor="PRK MIL"))],
        [("usa-3", Change(action="actor", actor="United States"))],  # its own code, by name
        [("usa-3", Change(action="recipient", recipient="JPN"))],  # its recipient was NULL
        [("usa-neg", Change(action="qualify", polarity="asserted"))],
        [("usa-3", Change(action="qualify", modality="future"))],
        [("usa-3", Change(action="note", note="check"))],  # a note alone: not confirmed
        [("usa-3", Change(action="confirm")), ("usa-3", Change(action="note", note="ok"))],
        [("usa-3", Change(action="reject")), ("usa-3", Change(action="confirm"))],
        [("usa-3", Change(action="retype", event_type="ACCUSE")),
         ("usa-3", Change(action="note", note="x"))],
        [("usa-1", Change(action="retype", event_type="THREATEN"))],  # and usa-2
        [("usa-2", Change(action="reject"))],  # and usa-1
    ],
)  # fmt: skip
def test_the_corrected_events_built_from_the_write_are_those_the_view_reads_back(
    db_path: Path, changes: list[tuple[str, Change]]
) -> None:
    """serve/corrections.py builds the events a correction changes (for the index and the
    answer) from the rows the correction read, with no read-back of the view; what it builds
    is what index_patch.read_corrected reads from the view (with the review marks)."""
    _two_events_of_one_key(db_path)
    for event_id, change in changes:
        with writer(db_path, checkpoint=False) as con:
            recorded = write_correction(con, event_id, change, who="t")
            built = _corrected(con, recorded)
            read = read_corrected(con, recorded.record)
    assert sorted(built.rows, key=lambda r: r.rowid) == sorted(read.rows, key=lambda r: r.rowid)
    assert built.events == read.events
    assert len(built.rows) == (2 if event_id in ("usa-1", "usa-2") else 1)
