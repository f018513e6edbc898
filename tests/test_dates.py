from __future__ import annotations

import datetime as dt

import pytest

from eventwire.dates import resolve_date

PUB = dt.date(2022, 1, 31)  # a Monday


@pytest.mark.parametrize(
    ("sentence", "expected", "how"),
    [
        ("which on Sunday included a missile", dt.date(2022, 1, 30), "relative"),
        ("It happened on Monday", dt.date(2022, 1, 31), "relative"),
        ("They met last week.", dt.date(2022, 1, 24), "relative"),
        ("Officials said yesterday", dt.date(2022, 1, 30), "relative"),
        ("On 4 October 2007, the court convicted", dt.date(2007, 10, 4), "stated"),
        ("on March 6, 2017 it fired", dt.date(2017, 3, 6), "stated"),
        ("the vote on 2021-11-03", dt.date(2021, 11, 3), "stated"),
        ("on December 30 they met", dt.date(2021, 12, 30), "stated"),
        ("nothing to date here", PUB, "publication"),
        ("they may go on talking", PUB, "publication"),
        # A month or a year, at its first day; a month without its year is the nearest one,
        # the past one on a tie (PUB is in January).
        ("In September, the administration targeted a firm", dt.date(2021, 9, 1), "month"),
        ("the summit is to be held in March", dt.date(2022, 3, 1), "month"),
        ("since July the two sides have met", dt.date(2021, 7, 1), "month"),
        ("They met in January", dt.date(2022, 1, 1), "month"),
        ("fighting since March 2016", dt.date(2016, 3, 1), "month"),
        ("In 2015 the army attacked camps", dt.date(2015, 1, 1), "year"),
        ("since 2014 has the army fought", dt.date(2014, 1, 1), "year"),
        ("It staged two nuclear tests last year", dt.date(2021, 1, 1), "year"),
        # A day beats a month; "may" is a verb and a count is no year.
        ("On 4 October 2007, in September of that year", dt.date(2007, 10, 4), "stated"),
        ("they said in may go on talking", PUB, "publication"),
        ("about 2015 people died", PUB, "publication"),
        ("deployed a force of 2000 troops", PUB, "publication"),
        ("spent in 2000 dollars", PUB, "publication"),
        ("sent in March 2000 troops", PUB, "publication"),
    ],
)
def test_resolve_date(sentence: str, expected: dt.date, how: str) -> None:
    got = resolve_date(sentence, PUB)
    assert (got.date, got.resolution) == (expected, how)


def test_no_publication_date_leaves_relative_dates_unknown() -> None:
    got = resolve_date("on Sunday they fired", None)
    assert got.date is None and got.resolution == "unknown"


def test_impossible_calendar_date_is_not_stated() -> None:
    assert resolve_date("on February 30 they met", PUB).resolution == "publication"
