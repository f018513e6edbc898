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
    assert al.scale == pytest.approx(3.0)  # the min_scale floor, baseline had no variance
    assert al.z == pytest.approx((44 - 6) / 3.0)
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


def history_corpus(make_event, burst_week: int):
    """News collected from week 0 to 15 (five CHN-TWN accusations a week), three events with
    stated dates of the past (as "signed the Treaty of Rome on March 25, 1957"), and a burst
    of six RUS-TUR assaults in ``burst_week``: the dyad was silent before it."""
    events = steady(make_event, "CHN", "TWN", range(0, 16), 5, "news")
    events += [
        make_event(f"past-{i}", "FRA", "DEU", day, "AGREE")
        for i, day in enumerate((dt.date(1957, 3, 25), dt.date(1990, 10, 3), dt.date(2001, 9, 11)))
    ]
    events += [
        make_event(f"burst-{i}", "RUS", "TUR", week(burst_week), "ASSAULT", mode="aerial")
        for i in range(6)
    ]
    return events


@pytest.mark.parametrize("burst_week", [0, 1, 3])
def test_burst_at_the_start_of_the_data_gives_no_alert(db, make_event, burst_week):
    # Before the history rule, week 0 alerted: 57 against a baseline of eight empty weeks
    # before collection began (the series starts in 1957, with the stated dates). The
    # default asks for half the window, 4 of 8 weeks, with data.
    con = db(history_corpus(make_event, burst_week))
    assert detect_alerts(con) == []


@pytest.mark.parametrize(("burst_week", "history"), [(4, 4), (8, 8), (12, 8)])
def test_burst_after_a_quiet_but_real_baseline_alerts(db, make_event, burst_week, history):
    con = db(history_corpus(make_event, burst_week))
    alerts = detect_alerts(con)
    assert [(al.a, al.b, al.period) for al in alerts] == [
        ("RUS", "TUR", START + dt.timedelta(weeks=burst_week))
    ]
    al = alerts[0]
    assert (al.history, al.window, al.baseline, al.value) == (history, 8, 0.0, 57.0)
    assert (al.scale, al.z) == (3.0, 19.0)  # the spread's floor: one accusation
    assert al.to_dict()["history"] == history
    assert f"{history} of 8 baseline weeks with data" in al.summary()


@pytest.mark.parametrize(("min_history", "alerts"), [(8, 0), (5, 0), (3, 1), (1, 1)])
def test_min_history_is_configurable(db, make_event, min_history, alerts):
    # Week 3 has three weeks of news behind it.
    con = db(history_corpus(make_event, 3))
    found = detect_alerts(con, a="RUS", min_history=min_history)
    assert len(found) == alerts
    assert all(al.history == 3 for al in found)


def test_thin_weeks_are_no_history(db, make_event):
    # Weeks 0-7 hold one event each, against twenty a week afterwards: collection had not
    # really begun, so a burst in week 8 has no baseline to speak of.
    events = steady(make_event, "CHN", "TWN", range(0, 8), 1, "thin")
    events += steady(make_event, "CHN", "TWN", range(8, 24), 20, "news")
    events += [
        make_event(f"burst-{w}-{i}", "RUS", "TUR", week(w), "ASSAULT")
        for w in (8, 20)
        for i in range(4)
    ]
    found = detect_alerts(db(events), a="RUS")
    assert [al.period for al in found] == [START + dt.timedelta(weeks=20)]


def test_min_history_cannot_exceed_the_window(db, make_event):
    from eventwire.errors import UsageError

    con = db(steady(make_event, "USA", "PRK", range(0, 3), 1, "b"))
    for min_history in (5, 0):
        with pytest.raises(UsageError, match="min_history"):
            detect_alerts(con, window=4, min_history=min_history)


def test_weeks_without_data_are_left_out_of_the_baseline(db, make_event):
    # Weeks 0-4 are thin (one event each, against twenty a week afterwards): unknown, not
    # calm. USA-PRK trade two accusations (6 points) a week from week 5, then a burst.
    events = steady(make_event, "CHN", "TWN", range(0, 5), 1, "thin")
    events += steady(make_event, "CHN", "TWN", range(5, 12), 20, "news")
    events += steady(make_event, "USA", "PRK", range(5, 10), 2, "usa")
    events += [make_event(f"b-{i}", "USA", "PRK", week(9), "ASSAULT") for i in range(3)]
    (al,) = detect_alerts(db(events), a="USA")
    # Weeks 1-8 are the baseline; weeks 5-8 hold data: median 6 over them (3 with the
    # unknown weeks counted as zeros).
    assert (al.period, al.history, al.baseline) == (START + dt.timedelta(weeks=9), 4, 6.0)
    assert al.value == 6 + 3 * 9.0


def test_alert_evidence_weighs_intensity_by_confidence(db, make_event):
    """The events shown behind an alert are those adding most conflict: a doubtful assault
    (intensity -9.5, confidence 0.1: -0.95) comes after a sure accusation (-3 at 0.9)."""
    events = steady(make_event, "USA", "PRK", range(0, 12), 1, "base")
    events += [
        make_event("doubtful", "PRK", "USA", week(11), "ASSAULT", mode="aerial", confidence=0.1),
        make_event("sure", "PRK", "USA", week(11), "ACCUSE", confidence=0.9),
        make_event("sure-2", "PRK", "USA", week(11), "ACCUSE", confidence=0.9),
    ]
    (alert,) = detect_alerts(db(events), min_events=3)
    # The week's usual accusation (-3, confidence 1.0), then the sure ones, then the assault.
    assert alert.event_ids == ("base-11-0", "sure", "sure-2", "doubtful")
