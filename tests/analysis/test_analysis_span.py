from __future__ import annotations

import datetime as dt

import pytest

from eventwire.analysis.span import DateSpan, Outside, bulk_span, clip_to_span, dated_outside

NEWS_START = dt.date(2024, 1, 1)
NEWS_DAYS = 91  # 2024-01-01 .. 2024-03-31
PAST = (dt.date(1957, 3, 25), dt.date(1990, 10, 3), dt.date(2001, 9, 11))


def news_corpus(make_event, *, per_day: int = 4):
    """Four events a day through a quarter, a thin first day three days before it, and three
    events with stated dates of the past ("signed the Treaty of Rome on March 25, 1957")."""
    events = [
        make_event(f"n-{d}-{i}", "USA", "PRK", NEWS_START + dt.timedelta(days=d), "ACCUSE")
        for d in range(NEWS_DAYS)
        for i in range(per_day)
    ]
    events.append(make_event("early", "USA", "PRK", dt.date(2023, 12, 29), "ACCUSE"))
    events += [make_event(f"past-{i}", "FRA", "DEU", day, "AGREE") for i, day in enumerate(PAST)]
    return events


def test_far_off_dates_are_left_out_and_thin_edges_kept(db, make_event):
    span = bulk_span(db(news_corpus(make_event)))
    assert span == DateSpan(
        first=dt.date(2023, 12, 29),  # three days before the core: it continues it
        last=dt.date(2024, 3, 31),
        earliest=dt.date(1957, 3, 25),
        latest=dt.date(2024, 3, 31),
        events=4 * NEWS_DAYS + 1 + 3,
        outside=3,
    )
    assert span.to_dict()["first"] == "2023-12-29"


def test_a_small_store_keeps_its_whole_range(db, make_event):
    # Ten events: their 1st and 99th percentiles are their extremes, far-off or not.
    events = [
        make_event(f"e-{i}", "USA", "PRK", dt.date(2024, 1, 1 + i), "ACCUSE") for i in range(9)
    ]
    events.append(make_event("past", "USA", "PRK", dt.date(1957, 3, 25), "AGREE"))
    span = bulk_span(db(events))
    assert span is not None
    assert (span.first, span.last, span.outside) == (dt.date(1957, 3, 25), dt.date(2024, 1, 9), 0)


def test_no_counted_dated_event_gives_no_span(db, make_event):
    events = [
        make_event("undated", "USA", "PRK", None, "ACCUSE"),
        make_event("negated", "USA", "PRK", dt.date(2024, 1, 1), "ACCUSE", polarity="negated"),
    ]
    assert bulk_span(db(events)) is None


SPAN = DateSpan(
    first=dt.date(2024, 1, 1),
    last=dt.date(2024, 3, 31),
    earliest=dt.date(1957, 3, 25),
    latest=dt.date(2024, 3, 31),
    events=100,
    outside=3,
)
D = dt.date


@pytest.mark.parametrize(
    ("span", "since", "until", "expected"),
    [
        (SPAN, None, None, (D(2024, 1, 1), D(2024, 3, 31))),  # open ends: the bulk span
        (SPAN, D(1950, 1, 1), None, (D(1950, 1, 1), D(2024, 3, 31))),  # the user's bound stays
        (SPAN, None, D(2024, 2, 1), (D(2024, 1, 1), D(2024, 2, 1))),
        (SPAN, D(2024, 6, 1), None, (D(2024, 6, 1), None)),  # beyond the span: not emptied
        (SPAN, None, D(2000, 1, 1), (None, D(2000, 1, 1))),
        (None, None, None, (None, None)),  # no span (all dates asked for): as given
        (None, D(2024, 2, 1), None, (D(2024, 2, 1), None)),
    ],
)
def test_clip_to_span(span, since, until, expected):
    assert clip_to_span(span, since, until) == expected


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        (D(2024, 1, 1), D(2024, 3, 31), Outside(4, D(1957, 3, 25), D(2023, 12, 29))),
        (D(2000, 1, 1), None, Outside(2, D(1957, 3, 25), D(1990, 10, 3))),
        (None, D(2024, 3, 30), Outside(4, D(2024, 3, 31), D(2024, 3, 31))),
        (None, None, Outside(0, None, None)),
    ],
)
def test_dated_outside(db, make_event, since, until, expected):
    con = db(news_corpus(make_event))
    where = "polarity = 'asserted' AND modality = 'actual' AND actor_code <> $skip"
    assert dated_outside(con, where, {"skip": "DEU"}, since, until) == expected
