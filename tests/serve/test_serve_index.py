"""The in-memory index behind /api/events gives exactly what the SQL gives.

A hand-built store with the awkward cases (undated events, ties on a date, negated and
hypothetical events, NULL codes and sentences, an event without its article, trigger
offsets that do not land, sentences with double spaces, tabs, punctuation and non-ASCII
text) is queried through ``EventIndex`` and through ``queries.list_events`` /
``queries.count_events`` for many filter combinations, before and after the text index is
built: same totals, same pages in the same order, same rows.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from conftest import build_event  # tests/ is on sys.path (pytest's rootdir conftest)
from fastapi.testclient import TestClient

from eventwire.model import Article, Event
from eventwire.ontology.plover import EVENT_TYPES
from eventwire.serve import create_app, queries
from eventwire.serve.index import EventIndex, TextIndex
from eventwire.serve.queries import EventFilter
from eventwire.store import Store, connect

CODES = ("USA", "PRK", "CHN", "TWN", "RUS")
WORDS = ("missile", "Missiles", "talks", "anti-missile", "İstanbul", "STRASSE", "straße",
         "ΣΊΣΥΦΟΣ", "korea's", "tests.", "O'Brien", "100%", "under_score", "naïve", "e\u0301",
         "日本", "(talks)", "missile,", "Talks:")  # fmt: skip
GLUE = (" ", " ", " ", "  ", "\t", " - ", ", ")
START = dt.date(2024, 1, 1)


def _sentence(rng: random.Random, actor_text: str, trigger: str, recipient_text: str) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(0, 5))]
    text = f"{actor_text} {trigger} {recipient_text}"
    for w in words:
        text += rng.choice(GLUE) + w
    return rng.choice(("", " ", "")) + text + rng.choice(("", ".", " ", "  "))


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    make_event = build_event  # module-scoped: the function-scoped fixture cannot serve
    rng = random.Random(6)
    pairs = []
    for i in range(240):
        actor, recipient = rng.sample(CODES, 2)
        etype = rng.choice(EVENT_TYPES)
        # Few dates, so many events share one (the order falls back to the id); some none.
        date = None if i % 17 == 0 else START + dt.timedelta(days=rng.randrange(40))
        actor_text = rng.choice((f"{actor}land", f"the {actor} government", "Ünal"))
        recipient_text = rng.choice((f"{recipient}ia", "İstanbul", "Seoul"))
        trigger = rng.choice(("struck", "warned", "met", "accused"))
        pairs.append(
            make_event(
                f"ev-{rng.randrange(10**6):06d}-{i}",
                actor,
                recipient,
                date,
                etype,
                sentence=_sentence(rng, actor_text, trigger, recipient_text),
                trigger=trigger,
                actor_text=actor_text,
                recipient_text=recipient_text,
                polarity=rng.choice(("asserted",) * 5 + ("negated",)),
                modality=rng.choice(("actual",) * 5 + ("future", "hypothetical", "historical")),
                outlet=rng.choice(("Wire", "Daily")),
                article_id=f"art-{i % 150}",  # some articles hold several events
            )
        )
    path = tmp_path_factory.mktemp("index") / "events.duckdb"
    by_article: dict[str, tuple[Article, list[Event]]] = {}
    for article, event in pairs:  # an article's events go in together, with its first text
        by_article.setdefault(article.id, (article, []))[1].append(event)
    with Store(path) as store:
        store.write_batch(list(by_article.values()))
    con = duckdb.connect(str(path))
    try:
        ids = [r[0] for r in con.execute("SELECT id FROM events ORDER BY id").fetchall()]
        # NULL codes, a NULL sentence, an event whose article is gone, offsets that miss.
        con.execute("UPDATE events SET actor_code = NULL WHERE id = ?", [ids[3]])
        con.execute("UPDATE events SET recipient_code = NULL WHERE id = ?", [ids[4]])
        con.execute("UPDATE events SET sentence = NULL WHERE id = ?", [ids[5]])
        con.execute("UPDATE events SET quad = NULL WHERE id = ?", [ids[6]])
        con.execute("UPDATE events SET trigger_start = trigger_start + 2 WHERE id = ?", [ids[7]])
        con.execute("UPDATE events SET article_id = 'gone' WHERE id = ?", [ids[8]])
        con.execute("UPDATE events SET date_resolution = 'publication', modality = 'historical'"
                    " WHERE id = ?", [ids[9]])  # fmt: skip
        # Spans: an actor found only lowercased, a recipient on the actor, no trigger end, a
        # trigger inside the actor, no actor text, decomposed accents before the trigger.
        updates = [
            "actor_text = upper(actor_text) || 'x', "
            "sentence = upper(actor_text) || 'X ' || sentence",
            "recipient_text = actor_text",
            "trigger_end = NULL",
            "trigger = 'land', actor_text = 'USAland', sentence = 'USAland ' || sentence",
            "actor_text = ''",
            "sentence = 'éé ' || sentence, sentence_start = sentence_start - 3",
        ]
        for i, update in enumerate(updates):
            con.execute(f"UPDATE events SET {update} WHERE id = ?", [ids[10 + i]])
    finally:
        con.close()
    return path


@pytest.fixture(scope="module")
def con(store_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = connect(store_path, read_only=True)
    yield c
    c.close()


def _sentences(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT sentence FROM events").fetchall() if r[0]]


def _texts(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Search texts: tricky ones by hand, and random stretches of the stored sentences
    (across word boundaries, in their own case or upper-cased)."""
    rng = random.Random(11)
    texts = ["missile", "MISSILE", "missiles", "issi", "anti-missile", "missile talks",
             "talks missile", " talks", "talks ", " ", "  ", "%", "_", "100%", "o'brien",
             "korea's tests.", "istanbul", "İstanbul", "i̇stanbul", "straße", "STRASSE",
             "σίσυφος", "ΣΊΣΥΦΟΣ", "日本", "e\u0301", "naïve", "\t", "a", "land", "zzz",
             "missile  talks", "(talks)", "talks)", "struck usa", "- missile", ", ", "  talks",
             "s  ", " - ", "  "]  # fmt: skip
    for s in _sentences(con):
        if len(s) > 3 and rng.random() < 0.25:
            a = rng.randrange(len(s) - 1)
            piece = s[a : a + rng.randint(1, 18)]
            texts.append(piece.upper() if rng.random() < 0.3 else piece)
    return texts


def _filters(con: duckdb.DuckDBPyConnection) -> list[EventFilter]:
    rng = random.Random(5)
    texts = _texts(con)
    out = [EventFilter(), EventFilter(everything=True)]
    out += [EventFilter(q=t) for t in texts]
    out += [EventFilter(q=t, everything=True) for t in texts[::4]]
    dates = [None, START, START + dt.timedelta(days=9), START + dt.timedelta(days=39)]
    for _ in range(100):
        since, until = sorted(rng.sample(dates[1:], 2)) if rng.random() < 0.4 else (None, None)
        if rng.random() < 0.3:
            since, until = rng.choice(dates), rng.choice(dates)
            if since and until and since > until:
                since, until = until, since
        out.append(
            EventFilter(
                actor=rng.choice((None, None, *CODES, "usa", " prk ", "ZZZ")),
                recipient=rng.choice((None, None, None, *CODES)),
                event_type=rng.choice((None, None, None, *EVENT_TYPES[:8])),
                quad=rng.choice((None, None, None, 1, 2, 3, 4)),
                since=since,
                until=until,
                q=rng.choice((None, None, None, None, *texts)),
                everything=rng.random() < 0.3,
            )
        )
    return out


def _check(idx: EventIndex, con: duckdb.DuckDBPyConnection, flt: EventFilter) -> None:
    total = queries.count_events(con, flt)
    for limit, offset in ((50, 0), (7, 3), (5, max(0, total - 2))):
        page = idx.page(con, flt, limit=limit, offset=offset)
        assert page.total == total, flt
        assert idx.rows(page.positions) == queries.list_events(
            con, flt, limit=limit, offset=offset
        ), (flt, limit, offset)


def test_store_has_the_awkward_cases(con):
    counts = con.execute(
        """SELECT count(*) FILTER (WHERE date IS NULL), count(*) FILTER (WHERE sentence IS NULL),
                  count(*) FILTER (WHERE actor_code IS NULL),
                  count(*) FILTER (WHERE article_id NOT IN (SELECT id FROM articles)),
                  count(*) FILTER (WHERE polarity = 'negated'), count(DISTINCT date)
           FROM events"""
    ).fetchone()
    assert counts is not None and all(n > 0 for n in counts)


def test_pages_match_the_sql_with_and_without_the_text_index(con):
    idx = EventIndex(con)
    filters = _filters(con)
    assert len(filters) > 150
    for flt in filters:  # text searches scan in DuckDB (the index is not built yet)
        _check(idx, con, flt)
    idx.build_text_index()
    idx._text_cache.clear()  # the scans' matches must not answer for the index
    for flt in filters:
        _check(idx, con, flt)


def test_spans_as_highlight_spans_places_them(con):
    from eventwire.analysis.evidence import highlight_spans
    from eventwire.serve.index import _spans_json

    idx = EventIndex(con)
    rows = con.execute(
        """SELECT sentence, sentence_start, trigger, trigger_start, trigger_end, actor_text,
                  recipient_text FROM events ORDER BY date DESC NULLS LAST, id"""
    ).fetchall()
    positions = np.arange(len(rows), dtype=np.int32)
    vectorised = idx._spans.json(positions)
    in_python = idx._spans.in_python.tolist()
    assert 0 < sum(in_python) < len(rows) // 10
    kinds = set()
    for i, (sentence, s0, trigger, t0, t1, actor, recipient) in enumerate(rows):
        spans = highlight_spans(sentence or "", sentence_start=s0, trigger=trigger,
                                trigger_start=t0, trigger_end=t1, actor_text=actor,
                                recipient_text=recipient)  # fmt: skip
        kinds.add(tuple(s.kind for s in spans))
        if not in_python[i]:
            assert vectorised[i] == _spans_json(spans), rows[i]
    assert {(), ("actor", "trigger"), ("trigger", "recipient")} < kinds  # some dropped


@pytest.mark.parametrize("bitmaps", [0, 3, 256])
def test_text_index_matches_a_plain_substring_test(con, bitmaps):
    """TextIndex.search on lowered text, against Python's ``in`` on the same text: with
    no common-token bitmaps, a few (candidates from lists, then bitmaps) and all (every
    piece a bitmap)."""
    lowered = (
        con.cursor()
        .sql("SELECT lower(sentence) FROM events ORDER BY date DESC NULLS LAST, id")
        .to_arrow_table()[0]
        .combine_chunks()
    )
    text = TextIndex(lowered, bitmaps=bitmaps)
    assert (text._bitmaps.shape[0] == 0) == (bitmaps == 0)
    rows = lowered.to_pylist()
    for q in _texts(con):
        ((lq,),) = con.execute("SELECT lower(?)", [q]).fetchall()
        expected = [i for i, s in enumerate(rows) if s is not None and lq in s]
        found = text.search(lq)
        if found is None:  # "scan instead": a text of spaces only
            assert not lq.strip(" "), q
            continue
        assert found.tolist() == expected, q


def test_text_search_uses_the_index_once_built(con, monkeypatch):
    idx = EventIndex(con)
    idx.build_text_index()
    scans: list[str] = []
    real = idx._text_positions

    class Spy:
        def execute(self, sql: str, params: object = None) -> object:
            scans.append(sql)
            return con.execute(sql, params)

    def spied(_con: object, q: str) -> np.ndarray:
        return real(Spy(), q)  # type: ignore[arg-type]

    monkeypatch.setattr(idx, "_text_positions", spied)
    idx.page(con, EventFilter(q="missile talks"), limit=5, offset=0)
    idx.page(con, EventFilter(q="İstanbul"), limit=5, offset=0)  # lowered by DuckDB
    assert not any("FROM events" in s for s in scans)
    idx.page(con, EventFilter(q="  "), limit=5, offset=0)  # no token: a scan
    assert any("FROM events" in s for s in scans)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"actor": "usa", "limit": 7, "offset": 2},
        {"q": "missile", "all": "true"},
        {"q": "İstanbul", "quad": 4},
        {"type": "accuse", "since": "2024-01-05", "until": "2024-01-30"},
        {"recipient": "TWN", "offset": 3},
    ],
)
def test_api_events_match_the_sql(store_path, con, params):
    flt = EventFilter(
        actor=params.get("actor"),
        recipient=params.get("recipient"),
        event_type=params.get("type"),
        quad=params.get("quad"),
        since=dt.date.fromisoformat(params["since"]) if "since" in params else None,
        until=dt.date.fromisoformat(params["until"]) if "until" in params else None,
        q=params.get("q"),
        everything=params.get("all") == "true",
    )
    limit, offset = params.get("limit", 50), params.get("offset", 0)
    expected = queries.list_events(con, flt, limit=limit, offset=offset)
    with TestClient(create_app(store_path)) as client:
        for _ in range(2):  # computed, then from the cache
            body = client.get("/api/events", params=params).json()
            assert body["total"] == queries.count_events(con, flt)
            assert (body["limit"], body["offset"]) == (limit, offset)
            assert body["events"] == expected


def test_pagination_walks_every_match_once(con):
    idx = EventIndex(con)
    idx.build_text_index()
    for flt in (EventFilter(), EventFilter(actor="USA", everything=True), EventFilter(q="a")):
        total = queries.count_events(con, flt)
        seen = list(
            itertools.chain.from_iterable(
                idx.page(con, flt, limit=13, offset=o).positions.tolist()
                for o in range(0, total + 13, 13)
            )
        )
        assert len(seen) == len(set(seen)) == total
        assert seen == sorted(seen)


QUERIES = [
    "", "actor=usa", "actor=%20prk%20&all=true", "recipient=TWN&limit=7&offset=2",
    "type=accuse&since=2024-01-05&until=2024-01-30", "q=missile", "q=%C4%B0stanbul&quad=4",
    "q=", "actor=", "limit=500&offset=10000000", "all=false&quad=1",
    # not plain: each goes to the FastAPI route, whose answer (or error) must be the same
    "quad=5", "quad=04", "limit=0", "limit=501", "offset=-1", "all=yes", "all=1",
    "since=2024-W01-1", "since=20240105", "since=2024-02-30", "until=2024-1-5",
    "type=BOMB", "actor=" + "A" * 65, "actor=USA&actor=PRK", "since=2024-03-01&until=2024-01-01",
    "quad=%204", "limit=1e1",
]  # fmt: skip


def test_fast_path_answers_as_the_route_does(store_path):
    """/api/events answered by _EventsFastPath, and by the FastAPI route (an unknown
    parameter sends any request there): same status, body and headers."""
    with TestClient(create_app(store_path)) as client:
        for qs in QUERIES:
            fast = client.get(f"/api/events?{qs}")
            routed = client.get(f"/api/events?{qs}&_=1")
            assert fast.status_code == routed.status_code, qs
            assert fast.json() == routed.json(), qs
            for header in ("content-type", "content-security-policy", "x-content-type-options"):
                assert fast.headers[header] == routed.headers[header], (qs, header)


def test_plain_queries_take_the_fast_path():
    from eventwire.serve.app import _plain_events_query

    plain = QUERIES[: QUERIES.index("quad=5")]
    for qs in plain:
        assert _plain_events_query(qs.encode()) is not None, qs
    for qs in QUERIES[len(plain) :]:
        if qs not in ("type=BOMB", "since=2024-03-01&until=2024-01-01"):  # refused later
            assert _plain_events_query(qs.encode()) is None, qs
    flt, limit, offset = _plain_events_query(b"actor=%20prk%20&q=a+b&limit=7") or (None, 0, 0)
    assert flt == EventFilter(actor=" prk ", q="a b") and (limit, offset) == (7, 0)


@pytest.mark.parametrize("bitmaps", [0, 8, 256])
def test_text_index_on_a_large_vocabulary(bitmaps):
    """Many distinct tokens (the vocabulary's binary search crosses blocks), a few common
    ones and common pairs of them (bitmaps), against Python's ``in``: whole words, phrases,
    parts of words, and texts found nowhere."""
    rng = random.Random(5)
    letters = "abcdeéß"
    rare = sorted({"".join(rng.choices(letters, k=rng.randint(1, 7))) for _ in range(3000)})
    common = ["the", "of", "north", "korea", "korea's", "talks"]
    sentences = []
    for _ in range(2000):
        words = [rng.choice(common) if rng.random() < 0.4 else rng.choice(rare)
                 for _ in range(rng.randint(0, 12))]  # fmt: skip
        if rng.random() < 0.3:
            words[rng.randint(0, len(words)) : 0] = ["north", "korea"]
        sentences.append(" ".join(words))
    sentences.append("")
    text = TextIndex(pa.array(sentences, pa.string()), bitmaps=bitmaps)
    queries = ["north korea", "north korea's", "korea talks", "the of", "h kor", "a", "é",
               "of the north", "zzz", "north  korea", " korea", "korea "]  # fmt: skip
    for _ in range(150):
        s = rng.choice(sentences)
        if s:
            i = rng.randrange(len(s))
            queries.append(s[i : i + rng.randint(1, 15)])
    for q in queries:
        found = text.search(q)
        expected = [i for i, s in enumerate(sentences) if q in s]
        if found is None:
            assert not q.strip(" "), q
            continue
        assert found.tolist() == expected, q


def test_corrections_patched_into_the_index_match_the_sql(store_path, tmp_path):
    """Corrections patched into the index (EventIndex.corrected, as the server does after
    each one) give what the SQL over corrected_events gives: rejections (and an event
    brought back), retypes, new actor codes, a claim negated, two events of one key; and
    the index patched leaves the original as it was (requests may still read it)."""
    from eventwire.serve.index_patch import read_corrected
    from eventwire.store.access import writer
    from eventwire.store.corrections import Change, record_correction

    path = tmp_path / "corrected.duckdb"
    shutil.copy(store_path, path)
    with writer(path) as w:
        ids = [r[0] for r in w.execute("SELECT id FROM events ORDER BY id").fetchall()]
        unused = sorted(set(EVENT_TYPES) - {r[0] for r in w.execute(
            "SELECT DISTINCT event_type FROM events").fetchall()})  # fmt: skip
        # Two events of one key (article, sentence offsets, coded type and codes): a
        # correction of one applies to both.
        w.execute(
            """UPDATE events SET article_id = s.article_id, sentence_start = s.sentence_start,
                   sentence_end = s.sentence_end, event_type = s.event_type,
                   actor_code = s.actor_code, recipient_code = s.recipient_code
               FROM (SELECT * FROM events WHERE id = $a) s WHERE events.id = $b""",
            {"a": ids[30], "b": ids[31]},
        )
    shutil.copy(path, tmp_path / "before.duckdb")  # the store the original index holds
    con = connect(path, read_only=True)
    try:
        original = idx = EventIndex(con)
    finally:
        con.close()
    changes = [
        (ids[20], Change(action="reject")),
        (ids[30], Change(action="retype", event_type="ACCUSE")),  # and ids[31]
        (ids[21], Change(action="retype", event_type=(unused or ["AID"])[0])),
        (ids[22], Change(action="actor", actor="JPN")),  # a code the store never held
        (ids[3], Change(action="actor", actor="RUS")),  # its actor was NULL
        (ids[4], Change(action="reject")),  # its recipient is NULL
        (ids[23], Change(action="qualify", polarity="negated")),
        (ids[24], Change(action="note", note="checked")),
        (ids[25], Change(action="confirm")),
        (ids[20], Change(action="confirm")),  # brought back
        (ids[26], Change(action="reject")),
        (ids[26], Change(action="qualify", modality="future")),  # back, not counted
    ]
    for n, (event_id, change) in enumerate(changes):
        with writer(path) as w:
            read = read_corrected(w, record_correction(w, event_id, change))
            # The answer's event is GET /api/events/{id}'s.
            assert read.events.get(event_id) == queries.get_event(w, event_id)
            rows = read.rows
        assert len(rows) == (2 if event_id == ids[30] else 1)
        patched = idx.corrected(rows)
        assert patched is not None and patched is not idx
        idx = patched
        if n == 5:
            idx.build_text_index()  # the copies share it
    assert original.text is idx.text is not None
    con = connect(path, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM corrected_events").fetchone() == (idx.size - 1,)
        new_values = [EventFilter(everything=True), EventFilter(actor="JPN"),
                      EventFilter(actor="JPN", everything=True),
                      EventFilter(since=START + dt.timedelta(days=3), everything=True),
                      EventFilter(event_type=(unused or ["AID"])[0], everything=True)]  # fmt: skip
        for flt in _filters(con)[::2] + new_values:
            _check(idx, con, flt)
        assert idx.page(con, new_values[2], limit=5, offset=0).total == 1
        listed = {e["id"]: e for e in idx.rows(np.arange(idx.size, dtype=np.int32))}
        assert (listed[ids[24]]["reviewed"], listed[ids[24]]["corrected"]) == (True, False)
        assert listed[ids[24]]["correction_note"] == "checked"
        assert listed[ids[22]]["actor_code"] == "JPN" and listed[ids[22]]["corrected"] is True
    finally:
        con.close()
    con = connect(tmp_path / "before.duckdb", read_only=True)
    try:
        for flt in _filters(con)[::5]:
            _check(original, con, flt)
    finally:
        con.close()


def test_a_correction_the_index_cannot_patch_asks_for_a_rebuild(store_path, tmp_path):
    """An event the index does not hold (rejected before the build, now brought back):
    ``corrected`` says so (None), and the server rebuilds."""
    from eventwire.serve.index_patch import read_corrected
    from eventwire.store.access import writer
    from eventwire.store.corrections import Change, record_correction

    path = tmp_path / "corrected.duckdb"
    shutil.copy(store_path, path)
    with writer(path) as w:
        event_id = w.execute("SELECT min(id) FROM events").fetchall()[0][0]
        record_correction(w, event_id, Change(action="reject"))
    con = connect(path, read_only=True)
    try:
        idx = EventIndex(con)
    finally:
        con.close()
    with writer(path) as w:
        rows = read_corrected(w, record_correction(w, event_id, Change(action="confirm"))).rows
    assert rows and idx.corrected(rows) is None
