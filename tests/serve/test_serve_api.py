from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import eventwire
from eventwire.errors import StoreError
from eventwire.model import Entity, Event, Evidence
from eventwire.serve import create_app


@pytest.fixture
def client(db_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db_path)) as c:
        yield c


def ids(resp) -> list[str]:
    assert resp.status_code == 200, resp.text
    return [e["id"] for e in resp.json()["events"]]


def test_default_lists_only_asserted_newest_first(client):
    body = client.get("/api/events", params={"actor": "usa"}).json()
    assert body["total"] == 3
    assert [e["id"] for e in body["events"]] == ["usa-3", "usa-2", "usa-1"]
    body = client.get("/api/events", params={"actor": "USA", "all": "true"}).json()
    assert body["total"] == 4 and body["events"][0]["id"] == "usa-neg"


def test_filters(client):
    assert ids(client.get("/api/events", params={"recipient": "PRK", "type": "threaten"})) == [
        "usa-3"
    ]
    assert ids(client.get("/api/events", params={"actor": "USA", "quad": 1})) == ["usa-2"]
    assert ids(
        client.get(
            "/api/events", params={"actor": "USA", "since": "2024-01-15", "until": "2024-02-10"}
        )
    ) == ["usa-2"]
    assert ids(client.get("/api/events", params={"q": "MISSILE"})) == ["usa-3"]
    r = client.get("/api/events", params={"quad": 5})
    assert r.status_code == 422
    r = client.get("/api/events", params={"type": "BOMB"})
    assert r.status_code == 400 and r.json()["error"]["fix"]
    r = client.get("/api/events", params={"since": "2024-03-01", "until": "2024-01-01"})
    assert r.status_code == 400


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "O'Brien's \"test\""}, ["usa-1"]),
        ({"q": "' OR 1=1 --"}, []),
        ({"actor": "US'A"}, []),
        ({"actor": "USA' OR '1'='1"}, []),
        ({"q": "%"}, []),  # literal text, not a LIKE wildcard
        ({"q": "_"}, []),
        ({"type": "ACCUSE'; DROP TABLE events; --"}, None),  # refused as unknown type
    ],
)
def test_quotes_and_injection_are_plain_values(client, params, expected):
    r = client.get("/api/events", params=params)
    if expected is None:
        assert r.status_code == 400
    else:
        assert ids(r) == expected
    assert client.get("/api/events").json()["total"] == 64  # the table is still there


def test_pagination(client):
    seen: list[str] = []
    for offset in (0, 25, 50):
        body = client.get(
            "/api/events", params={"actor": "CHN", "limit": 25, "offset": offset}
        ).json()
        assert body["total"] == 60 and body["limit"] == 25 and body["offset"] == offset
        seen += [e["id"] for e in body["events"]]
    assert len(seen) == 60 and len(set(seen)) == 60
    assert seen[0].startswith("burst-") and seen[-1] == "ct-00-1"
    assert client.get("/api/events", params={"limit": 501}).status_code == 422
    assert client.get("/api/events", params={"offset": -1}).status_code == 422


def test_event_detail_with_spans_and_source(client):
    ev = client.get("/api/events/usa-3").json()
    assert ev["sentence"] == "USAland warned PRKia about missile tests."
    assert ev["url"] == "https://news.example/story" and ev["outlet"] == "Wire"
    assert {(s["kind"], s["start"], s["end"]) for s in ev["spans"]} == {
        ("actor", 0, 7),
        ("trigger", 8, 14),
        ("recipient", 15, 20),
    }
    r = client.get("/api/events/nope")
    assert r.status_code == 404 and "nope" in r.json()["error"]["message"]


def test_dyads_timeline_series_alerts(client):
    dyads = client.get("/api/dyads", params={"limit": 2}).json()["dyads"]
    assert dyads[0] == {
        "actor": "CHN",
        "recipient": "TWN",
        "events": 60,
        "q1": 0,
        "q2": 0,
        "q3": 40,
        "q4": 20,
        "net": -3.0 * 40 - 9.0 * 20,
    }
    assert len(dyads) == 2
    rows = client.get("/api/timeline", params={"actor": "CHN"}).json()["rows"]
    assert len(rows) == 21 and rows[20]["q4"] == 20 and rows[0]["q3"] == 2
    series = client.get("/api/dyads/usa/prk/series", params={"freq": "month"}).json()
    # Jan 3 + Jan 31, none in Feb, Mar 1, then the June attack (PRK→USA).
    assert [r["events"] for r in series["rows"]] == [2, 0, 1, 0, 0, 1]
    assert series["rows"][5]["ba_events"] == 1 and series["set_aside"] == 1
    alerts = client.get("/api/alerts").json()["alerts"]
    assert [(a["a"], a["b"], a["period"]) for a in alerts] == [("CHN", "TWN", "2024-05-20")]
    assert len(alerts[0]["evidence"]) == 3
    assert client.get("/api/alerts", params={"freq": "year"}).status_code == 422


def fake_events(text: str) -> list[Event]:
    sentence = text.strip()
    return [
        Event(
            id="coded-1",
            article_id="coded-article",
            event_type="CONSULT",
            quad=1,
            cameo_root="04",
            intensity=2.5,
            evidence=Evidence(
                sentence, 0, len(sentence), "met", sentence.find("met"), sentence.find("met") + 3
            ),
            coder_version="fake",
            date=dt.date(2024, 2, 1),
            actor=(Entity("France", code="FRA"),),
            recipient=(Entity("Germany", code="DEU"),),
        )
    ]


@pytest.fixture
def fake_coder(monkeypatch):
    calls: list[tuple[str, object]] = []

    def code_text(text, *, published=None, url=None):
        calls.append((text, published))
        return fake_events(text)

    monkeypatch.setattr(eventwire, "code_text", code_text, raising=False)
    return calls


def test_code_returns_events_without_storing(client, fake_coder):
    r = client.post("/api/code", json={"text": "France met Germany.", "published": "2024-02-01"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["stored"] is False and body["events"][0]["event_type"] == "CONSULT"
    assert body["events"][0]["spans"][0] == {"start": 0, "end": 6, "kind": "actor"}
    assert fake_coder == [("France met Germany.", dt.date(2024, 2, 1))]
    assert client.get("/api/events/coded-1").status_code == 404


def test_store_refused_on_read_only_server(client, fake_coder):
    r = client.post("/api/code", params={"store": "true"}, json={"text": "France met Germany."})
    assert r.status_code == 403
    assert "read-only" in r.json()["error"]["message"] and r.json()["error"]["fix"]
    assert fake_coder == []  # refused before any coding


def test_store_allowed_with_allow_write(db_path, fake_coder):
    with TestClient(create_app(db_path, allow_write=True)) as c:
        before = c.get("/api/events").json()["total"]  # now cached
        r = c.post("/api/code", params={"store": "true"}, json={"text": "France met Germany."})
        assert r.status_code == 200 and r.json()["stored"] is True
        assert c.get("/api/events").json()["total"] == before + 1  # the write cleared the cache
        ev = c.get("/api/events/coded-1").json()
        assert ev["actor_code"] == "FRA" and ev["sentence"] == "France met Germany."


def test_big_bodies_are_refused(db_path, fake_coder):
    with TestClient(create_app(db_path, max_body_bytes=1000)) as c:
        big = {"text": "x" * 2000}
        assert c.post("/api/code", json=big).status_code == 413

        def chunks():  # no Content-Length: the limit must still hold
            for _ in range(10):
                yield b"x" * 200

        r = c.post("/api/code", content=chunks(), headers={"content-type": "application/json"})
        assert r.status_code == 413
        assert c.post("/api/code", json={"text": "France met Germany."}).status_code == 200
    assert len(fake_coder) == 1


def test_code_validation(client, fake_coder):
    assert client.post("/api/code", json={"text": ""}).status_code == 422
    assert (
        client.post(
            "/api/code", content=b"not json", headers={"content-type": "application/json"}
        ).status_code
        == 422
    )


def test_dashboard_static_docs_and_headers(client):
    r = client.get("/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert "/static/app.js" in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/api/events",
        "/api/events/{event_id}",
        "/api/dyads",
        "/api/alerts",
        "/api/code",
    } <= set(paths)


def test_cors_off_by_default_and_on_when_asked(client, db_path):
    origin = {"Origin": "https://evil.example"}
    assert "access-control-allow-origin" not in client.get("/api/events", headers=origin).headers
    with TestClient(create_app(db_path, cors_origins=("https://ok.example",))) as c:
        r = c.get("/api/events", headers={"Origin": "https://ok.example"})
        assert r.headers["access-control-allow-origin"] == "https://ok.example"
        r = c.get("/api/events", headers=origin)
        assert "access-control-allow-origin" not in r.headers


def test_missing_database_is_a_store_error(tmp_path):
    with pytest.raises(StoreError):
        create_app(tmp_path / "absent.duckdb")


@pytest.mark.parametrize(
    "flt",
    [
        {},
        {"everything": True},
        {"actor": "usa"},
        {"actor": "CHN", "recipient": "TWN", "quad": 4},
        {"event_type": "accuse", "since": dt.date(2024, 2, 1)},
        {"since": dt.date(2024, 1, 3), "until": dt.date(2024, 3, 1), "everything": True},
        {"until": dt.date(2024, 1, 1)},
        {"q": "ACCUSED", "actor": "CHN"},
        {"actor": "ZZZ"},
    ],
)
def test_index_pages_match_the_sql(db_path, flt):
    """The in-memory index behind /api/events gives what the SQL gives: same totals, same
    pages in the same order, same rows."""
    from eventwire.serve import queries
    from eventwire.serve.index import EventIndex
    from eventwire.serve.queries import EventFilter
    from eventwire.store import connect

    f = EventFilter(**flt)
    con = connect(db_path, read_only=True)
    try:
        idx = EventIndex(con)
        for text_index in (False, True):
            if text_index:
                idx.build_text_index()
            for limit, offset in ((50, 0), (7, 3), (10, 55), (5, 1000)):
                page = idx.page(con, f, limit=limit, offset=offset)
                assert page.total == queries.count_events(con, f)
                assert idx.rows(page.positions) == queries.list_events(
                    con, f, limit=limit, offset=offset
                )
    finally:
        con.close()


def test_startup_warm_up_leaves_the_opening_view_working(db_path):
    with TestClient(create_app(db_path)) as c:
        # The warm-up runs in the background while these arrive: same answers either way.
        for path in ("/api/events?limit=50&offset=0", "/api/timeline", "/api/dyads",
                     "/api/alerts?limit=20"):  # fmt: skip
            assert c.get(path).status_code == 200


def test_worker_processes_listen_with_nodelay(monkeypatch: pytest.MonkeyPatch) -> None:
    # Regression: with --workers N, uvicorn's own socket left Nagle's algorithm on for every
    # connection, and each response waited ~40 ms for the client's delayed ACK.
    import socket

    import uvicorn.supervisors

    from eventwire.serve import app as app_module

    seen: list[int] = []

    class FakeSupervisor:
        def __init__(self, config: object, sockets: list[socket.socket]) -> None:
            self.sockets = sockets

        def run(self) -> None:
            for sock in self.sockets:
                seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                sock.close()

    monkeypatch.setattr(uvicorn.supervisors, "Multiprocess", FakeSupervisor)
    app_module._run_workers(2, "127.0.0.1", 0)
    assert len(seen) == 1 and seen[0] != 0
