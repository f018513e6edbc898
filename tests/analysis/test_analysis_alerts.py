from __future__ import annotations

import datetime as dt

import pytest

from eventwire.analysis import detect_alerts

START = dt.date(2024, 1, 1)  # a Monday


def week(n: int) -> dt.date:
    return START + dt.timedelta(weeks=n, days=2)


def steady(make_event, a: str, b: str, weeks: range, per_week: int, prefix: str):
    """``per_week`` ACCUSE events (-3 each) in every week of ``weeks``."""
    return [
        make_event(f"{prefix}-{w}-{i}", a, b, week(w), "ACCUSE")
        for w in weeks
        for i in range(per_week)
    ]


def test_change_point_is_found_exactly(db, make_event):
    events = steady(make_event, "USA", "PRK", range(0, 16), 2, "base")
    # Week 12: a burst of material conflict on top of the usual two accusations.
    events += [
        make_event(
            f"burst-{i}",
            "PRK",
            "USA",
            week(12),
            "ASSAULT",
            mode="aerial",
            sentence=f"North Korea fired missile {i} at the US base.",
            trigger="fired",
        )
        for i in range(4)
    ]
    # A second, flat dyad: same volume every week, never alerts.
    events += steady(make_event, "CHN", "TWN", range(0, 16), 3, "flat")
    con = db(events)

    alerts = detect_alerts(con)
    assert [(al.a, al.b, al.period) for al in alerts] == [
        ("PRK", "USA", START + dt.timedelta(weeks=12))
    ]
    al = alerts[0]
    assert al.value == pytest.approx(2 * 3 + 4 * 9.5)
    assert al.baseline == pytest.approx(6.0) and al.mad == 0
    assert al.scale == pytest.approx(1.0)  # the min_scale floor, baseline had no variance
    assert al.z == pytest.approx((44 - 6) / 1.0)
    assert al.events == 6
    assert al.period_end == START + dt.timedelta(weeks=13)
    # Evidence: the most conflictual events first, with their sentences.
    assert al.event_ids[:4] == ("burst-0", "burst-1", "burst-2", "burst-3")
    assert len(al.evidence) == 5
    assert al.evidence[0].sentence.startswith("North Korea fired missile 0")
    assert al.evidence[0].spans[0].kind == "trigger"

    # Asking for the dyad in either order gives the same alert, in the caller's order.
    only = detect_alerts(con, a="usa", b="PRK", evidence=2)
    assert [(x.a, x.b, x.period) for x in only] == [("USA", "PRK", al.period)]
    assert len(only[0].evidence) == 2
    assert detect_alerts(con, a="CHN") == []


def test_flat_series_gives_no_alert(db, make_event):
    con = db(steady(make_event, "USA", "PRK", range(0, 20), 3, "flat"))
    assert detect_alerts(con) == []


def test_min_events_and_window(db, make_event):
    events = steady(make_event, "USA", "PRK", range(0, 10), 1, "base")
    events += [make_event(f"x-{i}", "USA", "PRK", week(9), "ASSAULT") for i in range(2)]
    con = db(events)
    # Week 9 holds 3 conflict events: enough for min_events=3, not for 4.
    assert [al.period for al in detect_alerts(con)] == [START + dt.timedelta(weeks=9)]
    assert detect_alerts(con, min_events=4) == []
    # A window longer than the history leaves no period with a baseline.
    assert detect_alerts(con, window=10) == []


def test_relative_floor_damps_small_changes_on_big_baselines(db, make_event):
    events = steady(make_event, "USA", "PRK", range(0, 10), 10, "base")  # 30 a week
    events += [make_event("one-more", "USA", "PRK", week(9), "ACCUSE")]  # 33: +10 %
    con = db(events)
    assert detect_alerts(con) == []  # scale = 0.1 * 30 = 3, z = 1 < 2


def test_negated_and_future_do_not_alert(db, make_event):
    events = steady(make_event, "USA", "PRK", range(0, 10), 1, "base")
    events += [
        make_event(f"n-{i}", "USA", "PRK", week(9), "ASSAULT", polarity="negated") for i in range(5)
    ]
    events += [
        make_event(f"f-{i}", "USA", "PRK", week(9), "ASSAULT", modality="hypothetical")
        for i in range(5)
    ]
    assert detect_alerts(db(events)) == []


def test_bad_options(db, make_event):
    from eventwire.errors import UsageError

    con = db(steady(make_event, "USA", "PRK", range(0, 3), 1, "b"))
    for kwargs in ({"window": 1}, {"threshold": 0}, {"freq": "hour"}, {"a": "USA", "b": "USA"}):
        with pytest.raises(UsageError):
            detect_alerts(con, **kwargs)
