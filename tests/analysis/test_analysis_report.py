from __future__ import annotations

import base64
import datetime as dt
import re
from pathlib import Path

import pytest

from eventwire.analysis import highlight_spans, write_report

EVIL = 'Pyongyang <script>alert("x")</script> fired <b>missiles</b> at Washington & Seoul.'


def test_report_is_self_contained_and_escaped(db, make_event, tmp_path: Path):
    events = [
        make_event(
            "evil",
            "PRK",
            "USA",
            dt.date(2024, 3, 6),
            "ASSAULT",
            sentence=EVIL,
            trigger="fired",
            title="<img src=x onerror=alert(1)>",
            url="javascript:alert(1)",
        ),
        make_event(
            "good",
            "USA",
            "PRK",
            dt.date(2024, 3, 20),
            "CONSULT",
            sentence="USAland met PRKia in Hanoi.",
            trigger="met",
            url="https://news.example/a?b=1&c=2",
        ),
    ]
    con = db(events)
    out = write_report(con, "PRK", "USA", tmp_path / "r.html")
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;missiles&lt;/b&gt;" in html and "Washington &amp; Seoul" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript' not in html  # non-http URLs are not links
    assert 'href="https://news.example/a?b=1&amp;c=2"' in html
    # Trigger highlighted from article offsets (the sentence does not start the article).
    assert '<mark class="trigger">fired</mark>' in html
    assert '<mark class="actor">USAland</mark>' in html
    # The plot is embedded, a real PNG, and nothing is loaded from elsewhere.
    m = re.search(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert m and base64.b64decode(m.group(1))[:4] == b"\x89PNG"
    assert not re.search(r'(src|href)="(?!data:|https://news\.example)', html)
    # Counts table: two weeks with events, the weeks between as zero rows.
    assert '<td class="l">2024-03-04</td>' in html and '<td class="l">2024-03-18</td>' in html


def test_highlight_spans_fall_back_when_offsets_are_wrong():
    spans = highlight_spans(
        "Iran accused Israel of the strike.",
        sentence_start=100,
        trigger="accused",
        trigger_start=90,  # points before the sentence: must not be trusted
        trigger_end=97,
        actor_text="Iran",
        recipient_text="israel",
    )
    assert [(s.start, s.end, s.kind) for s in spans] == [
        (0, 4, "actor"),
        (5, 12, "trigger"),
        (13, 19, "recipient"),
    ]
    # Overlaps: the trigger wins over an actor text that contains it.
    spans = highlight_spans(
        "The attack was condemned.",
        sentence_start=0,
        trigger="attack",
        trigger_start=4,
        trigger_end=10,
        actor_text="The attack",
        recipient_text=None,
    )
    assert [(s.start, s.end, s.kind) for s in spans] == [(4, 10, "trigger")]


def treaty_store(db, make_event):
    """300 CHN-TWN events a quarter long, three USA-PRK events in it and one USA-PRK event
    with a stated date of the past (2010)."""
    events = [
        make_event(f"n-{d}-{i}", "CHN", "TWN", dt.date(2024, 1, 1) + dt.timedelta(days=d),
                   "ACCUSE")
        for d in range(75)
        for i in range(4)
    ]  # fmt: skip
    events += [
        make_event(f"up-{i}", "USA", "PRK", dt.date(2024, 2, 5 + 7 * i), "CONSULT")
        for i in range(3)
    ]
    events.append(
        make_event("past", "USA", "PRK", dt.date(2010, 3, 26), "ASSAULT",
                   sentence="USAland recalled that PRKia struck the Cheonan on March 26, 2010.")
    )  # fmt: skip
    return db(events)


@pytest.mark.parametrize(
    ("all_dates", "first_row", "left_out"),
    [
        (False, "2024-01-01", "Left out: 1 event of this dyad dated 2010-03-26"),
        (True, "2010-03-01", None),
    ],
)
def test_report_covers_the_bulk_of_the_dates(
    db, make_event, tmp_path: Path, all_dates, first_row, left_out
):
    con = treaty_store(db, make_event)
    html = write_report(
        con, "USA", "PRK", tmp_path / "r.html", all_dates=all_dates, freq="month"
    ).read_text(encoding="utf-8")
    rows = re.findall(r'<td class="l">(\d{4}-\d\d-\d\d)</td>', html)
    assert rows[0] == first_row
    assert ("Cheonan" in html) is all_dates
    if left_out:
        assert left_out in html and "--all-dates" in html
    else:
        assert "Left out" not in html


def test_top_events_weigh_intensity_by_confidence(make_event, tmp_path: Path):
    """A doubtful reading no longer outranks a sure one of lower intensity (the demo's week
    of 13 March 2017 led with five events scored 0.20 to 0.37, above accusations scored 0.87
    and 0.83); an event an analyst reviewed counts as sure."""
    from eventwire.analysis import top_events
    from eventwire.store import Store
    from eventwire.store.corrections import Change, correct_event

    day = dt.date(2024, 3, 6)
    events = [
        make_event("doubtful-assault", "PRK", "USA", day, "ASSAULT", confidence=0.02),
        make_event("sure-accuse", "USA", "PRK", day, "ACCUSE", confidence=0.9,
                   trigger="denounced"),
        make_event("doubtful-accuse", "USA", "PRK", day, "ACCUSE", confidence=0.3,
                   trigger="criticised"),
    ]  # fmt: skip
    with Store(tmp_path / "e.duckdb") as store:
        store.write_batch([(art, [ev]) for art, ev in events])
        # Intensity times confidence: ACCUSE -3 at 0.9 and 0.3, ASSAULT -9 at 0.02.
        ranked = top_events(store.con, "USA", "PRK")
        assert [e.id for e in ranked] == ["sure-accuse", "doubtful-accuse", "doubtful-assault"]
        assert [e.sureness for e in ranked] == pytest.approx([0.9, 0.3, 0.02])
        correct_event(store.con, "doubtful-assault", Change(action="confirm"))
        ranked = top_events(store.con, "USA", "PRK")
        assert ranked[0].id == "doubtful-assault" and ranked[0].sureness == 1.0
