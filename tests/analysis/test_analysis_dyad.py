from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from eventwire.analysis import dyad_series, plot_dyad, series_csv, series_json, series_rows
from eventwire.errors import StoreError, UsageError

W0 = dt.date(2024, 1, 3)  # a Wednesday: its week starts Monday 2024-01-01
W2 = dt.date(2024, 1, 17)


@pytest.fixture
def con(db, make_event):
    return db(
        [
            make_event("e1", "USA", "PRK", W0, "ACCUSE"),  # -3
            make_event("e2", "USA", "PRK", W0 + dt.timedelta(days=1), "ACCUSE"),  # -3
            make_event("e3", "PRK", "USA", W0, "ASSAULT", mode="aerial"),  # -9.5
            make_event("e4", "USA", "PRK", W2, "CONSULT"),  # +2.5
            make_event("e5", "USA", "PRK", W0, "ASSAULT", polarity="negated"),
            make_event("e6", "USA", "PRK", W0, "CONSULT", modality="future"),
            make_event(
                "e7", "USA", "PRK", W0, "AID", modality="historical"
            ),  # a background reference: set aside
            make_event("e8", "USA", "PRK", None, "ACCUSE"),  # undated
            make_event("e9", "CHN", "USA", W0, "ASSAULT"),  # other dyad
        ]
    )


def test_counts_by_direction_quad_and_type(con):
    s = dyad_series(con, "usa", "PRK")
    assert [p.start for p in s.periods] == [
        dt.date(2024, 1, 1),
        dt.date(2024, 1, 8),
        dt.date(2024, 1, 15),
    ]
    first, gap, last = s.periods
    assert first.ab.events == 2 and first.ba.events == 1
    assert first.ab.by_quad == (0, 0, 2, 0)
    assert dict(first.ab.by_type) == {"ACCUSE": 2}
    assert dict(first.ba.by_type) == {"ASSAULT": 1}
    assert first.ab.net == pytest.approx(-3 - 3)
    assert first.ba.net == pytest.approx(-9.5)
    assert first.net == pytest.approx(-15.5)
    assert first.mean == pytest.approx(-15.5 / 3)
    assert gap.events == 0 and gap.mean is None  # quiet weeks are rows of zeros
    assert last.ab.events == 1 and last.net == pytest.approx(2.5)
    assert s.set_aside == 3  # negated + future + historical
    assert s.undated == 1
    assert s.total_events == 4


def test_order_of_codes_swaps_directions(con):
    s = dyad_series(con, "PRK", "USA")
    assert s.periods[0].ab.events == 1 and s.periods[0].ba.events == 2


def test_range_and_month(con):
    s = dyad_series(con, "USA", "PRK", since=dt.date(2024, 1, 10), until=dt.date(2024, 1, 31))
    assert [p.start.isoformat() for p in s.periods] == [
        "2024-01-08",
        "2024-01-15",
        "2024-01-22",
        "2024-01-29",
    ]
    assert s.total_events == 1
    assert s.set_aside == 0
    m = dyad_series(con, "USA", "PRK", freq="month")
    assert len(m.periods) == 1 and m.periods[0].events == 4
    d = dyad_series(con, "USA", "PRK", freq="day", until=W0)
    assert d.periods[-1].start == W0 and d.total_events == 2


def test_rows_csv_json(con, tmp_path: Path):
    s = dyad_series(con, "USA", "PRK")
    rows = series_rows(s)
    assert rows[0]["period"] == "2024-01-01"
    assert rows[0]["ab_ACCUSE"] == 2 and rows[0]["ba_ASSAULT"] == 1 and rows[0]["ab_q3"] == 2
    assert rows[0]["net"] == -15.5
    out = tmp_path / "s.csv"
    text = series_csv(s, out)
    assert out.read_text() == text
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert len(parsed) == 3 and parsed[2]["ab_CONSULT"] == "1"
    doc = json.loads(json.dumps(series_json(s, types=False)))
    assert doc["a"] == "USA" and doc["set_aside"] == 3 and "ab_AGREE" not in doc["rows"][0]


def test_plot_png_and_svg(con, tmp_path: Path):
    s = dyad_series(con, "USA", "PRK")
    png = plot_dyad(s, tmp_path / "p.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = plot_dyad(s, tmp_path / "p.svg")
    assert b"<svg" in svg.read_bytes()[:500]
    with pytest.raises(UsageError):
        plot_dyad(s, tmp_path / "p.gif")


def test_bad_arguments(con):
    with pytest.raises(UsageError):
        dyad_series(con, "USA", "PRK", freq="year")  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        dyad_series(con, "USA", "usa")
    with pytest.raises(UsageError):
        dyad_series(con, "USA", "PRK", since=dt.date(2024, 2, 1), until=dt.date(2024, 1, 1))


def test_store_errors_are_translated():
    import duckdb

    empty = duckdb.connect(":memory:")
    with pytest.raises(StoreError) as info:
        dyad_series(empty, "USA", "PRK")
    assert info.value.fix


def test_background_reference_is_not_counted_whatever_its_date(db, make_event):
    """Regression: 'Between 1995 and 2008 the US sent aid' landed in March 2017's counts; a
    background reference is not news of any period, stated date or not."""
    from dataclasses import replace

    day = dt.date(2017, 3, 16)
    stated = make_event("h-stated", "USA", "PRK", day, "AID", modality="historical")
    art, ev = make_event("h-pub", "USA", "PRK", day, "AID", modality="historical")
    by_article = (art, replace(ev, date_resolution="publication"))
    con = db([stated, by_article])
    series = dyad_series(con, "USA", "PRK", freq="month")
    assert series.total_events == 0 and series.set_aside == 2


def test_unwritable_plot_or_report_path_is_a_usage_error(con, tmp_path):
    from eventwire.analysis import write_report

    series = dyad_series(con, "USA", "PRK")
    missing = tmp_path / "no" / "such" / "dir"
    with pytest.raises(UsageError, match="Cannot write the plot"):
        plot_dyad(series, missing / "p.png")
    with pytest.raises(UsageError, match="Cannot write the report"):
        write_report(con, "USA", "PRK", missing / "r.html")
