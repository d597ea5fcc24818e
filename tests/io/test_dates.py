"""Dates as exports and spreadsheets write them (geo.io.importers.dates): every form, the
two-digit-year pivot, and the day/month order decided over a whole column."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.io.importers import dates


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2019-11-25", "2019-11-25"),
        ("2019/11/25", "2019-11-25"),
        ("2019-11-25 00:00:00", "2019-11-25"),  # a real date cell of an XLSX sheet
        ("2019-11-25T00:00:00", "2019-11-25"),
        ("2019-11-25T00:00:00Z", "2019-11-25"),  # UTC, as APIs and R write it
        ("2019-11-25T00:00:00+00:00", "2019-11-25"),
        ("2019-11-25 13:45", "2019-11-25"),
        ("25 November 2019", "2019-11-25"),  # ACLED's own style
        ("25-November-2019", "2019-11-25"),
        ("25-Nov-2019", "2019-11-25"),
        ("9-May-20", "2020-05-09"),  # Excel's d-Mon-yy
        ("09 Sept 2020", "2020-09-09"),
        ("November 25, 2019", "2019-11-25"),
        ("43794", "2019-11-25"),  # Excel serial day number
        ("43794.0", "2019-11-25"),
        ("  25 November 2019 ", "2019-11-25"),
    ],
)
def test_every_form_without_numbers_only_order(text, iso):
    assert dates.parse_dates(pd.Series([text])).tolist() == [iso]


@pytest.mark.parametrize(
    ("text", "order", "iso"),
    [
        ("25/11/2019", "dmy", "2019-11-25"),
        ("25-11-19", "dmy", "2019-11-25"),
        ("25.11.2019", "dmy", "2019-11-25"),
        ("11/25/2019", "mdy", "2019-11-25"),
        ("3/4/2020", "dmy", "2020-04-03"),
        ("3/4/2020", "mdy", "2020-03-04"),
    ],
)
def test_numbers_only_dates_follow_the_order(text, order, iso):
    assert dates.parse_dates(pd.Series([text]), order).tolist() == [iso]


def test_numbers_only_dates_are_not_read_without_an_order():
    assert dates.parse_dates(pd.Series(["25/11/2019"])).tolist() == [""]
    assert dates.has_numeric(pd.Series(["2019-11-25", "25/11/2019"]))
    assert not dates.has_numeric(pd.Series(["2019-11-25", "9-May-20", "43794"]))


@pytest.mark.parametrize(
    "text",
    [
        "31-Feb-2019",
        "2019-02-30",
        "32/01/2019",
        "nonsense",
        "",
        "2019",
        "123",
        "25 Novembre 2019",
        "1234567",
    ],
)
def test_not_dates(text):
    assert dates.parse_dates(pd.Series([text]), "dmy").tolist() == [""]


def test_two_digit_year_pivot_is_excels():
    years = dates.full_year(pd.Series(["00", "29", "30", "97", "99", "2031"]))
    assert years.tolist() == [2000, 2029, 1930, 1997, 1999, 2031]
    assert dates.parse_dates(pd.Series(["1-Jan-97", "1-Jan-29", "1-Jan-30"])).tolist() == [
        "1997-01-01",
        "2029-01-01",
        "1930-01-01",
    ]


def test_the_column_decides_the_order():
    day_first = pd.Series(["03/04/2020", "25/04/2020", "05/06/2020"])
    month_first = pd.Series(["03/04/2020", "04/25/2020"])
    ambiguous = pd.Series(["03/04/2020", "05/06/2020", "11/12/2020"] * 4)
    mixed = pd.Series(["25/04/2020", "04/25/2020"])
    assert dates.column_order(dates.evidence(day_first)) == "dmy"
    assert dates.column_order(dates.evidence(month_first)) == "mdy"
    ev = dates.evidence(ambiguous)
    assert dates.column_order(ev) is None and not dates.is_mixed(ev)
    assert (ev.numeric, ev.example) == (12, "03/04/2020")  # counted per row, not per text
    ev = dates.evidence(mixed)
    assert dates.column_order(ev) is None and dates.is_mixed(ev)
    assert (ev.day_first_example, ev.month_first_example) == ("25/04/2020", "04/25/2020")
    # Dates of other forms say nothing about the order.
    assert dates.evidence(pd.Series(["2020-04-25", "9-May-20"])).numeric == 0


def test_evidence_adds_up_across_chunks():
    first = dates.evidence(pd.Series(["03/04/2020"]))
    second = dates.evidence(pd.Series(["25/04/2020", "26/04/2020"]))
    total = first + second
    assert (total.numeric, total.day_first, total.month_first) == (3, 2, 0)
    assert dates.column_order(first) is None and dates.column_order(total) == "dmy"


def test_values_that_do_not_fit_the_order_are_found():
    values = pd.Series(["25/11/2019", "11/25/2019", "2019-11-25", ""])
    assert dates.fits_order(values, "dmy").tolist() == [True, False, True, True]
    assert dates.fits_order(values, "mdy").tolist() == [False, True, True, True]


def test_parse_keeps_the_index_and_repeats_per_distinct_text():
    values = pd.Series(["9-May-20", "43794", "9-May-20"], index=[10, 11, 12])
    out = dates.parse_dates(values)
    assert out.index.tolist() == [10, 11, 12]
    assert out.tolist() == ["2020-05-09", "2019-11-25", "2020-05-09"]
