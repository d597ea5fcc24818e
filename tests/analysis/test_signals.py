"""geo.analysis.signals on hand-built events whose answers are worked out by hand."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.analysis import measures as an
from geo.analysis import signals
from geo.model.filters import EventFilter
from tests.analysis.test_analysis import CENTER, make

END = date(2024, 12, 31)


def monthly(unit: str, per_month: list[int], year_end: date = END, **extra) -> list[dict]:
    """Events of ``unit`` on the 1st of the months before ``year_end``'s month, oldest
    first: ``per_month[-1]`` events in the month of ``year_end``."""
    rows = []
    last = pd.Timestamp(year_end).to_period("M")
    for back, n in enumerate(reversed(per_month)):
        month = (last - back).to_timestamp()
        rows += [{"date": month.date().isoformat(), "admin1_id": unit, **extra} for _ in range(n)]
    return rows


def arrays_of(rows: list[dict]) -> tuple[an.EventArrays, np.ndarray]:
    arrays = an.prepare(make(rows), CENTER)
    return arrays, an.filter_mask(arrays, EventFilter())


def test_periods_count_back_from_the_end_day_in_calendar_months():
    assert signals.period_span(END, "month") == (date(2024, 12, 1), END)
    assert signals.period_span(END, "month", 1) == (date(2024, 11, 1), date(2024, 11, 30))
    assert signals.period_span(date(2024, 3, 31), "quarter") == (
        date(2024, 1, 1),
        date(2024, 3, 31),
    )
    assert signals.period_span(date(2024, 3, 13), "week") == (date(2024, 3, 7), date(2024, 3, 13))
    with pytest.raises(ValueError, match="unknown period"):
        signals.period_span(END, "fortnight")


def test_a_unit_well_above_its_baseline_and_a_thin_unit_without_a_level():
    # R-HOT: 2 events a month for 11 months and 4 in one (mean 26/12, sd 0.55),
    # then 12 in December. R-THIN: 1 event in the period, none before.
    base = [2] * 11 + [4]
    rows = monthly("R-HOT", [*base, 12], fatalities_high=1) + monthly("R-THIN", [0] * 12 + [1])
    arrays, mask = arrays_of(rows)
    table = signals.change_table(arrays, mask, "admin1", "month", END)
    hot = table.loc["R-HOT"]
    assert hot["events"] == 12 and hot["baseline_periods"] == 12
    assert hot["events_mean"] == pytest.approx(26 / 12)
    assert hot["events_sd"] == pytest.approx(np.std(base))
    assert hot["events_baseline"] == 26
    assert hot["events_level"] == "well_above"
    assert hot["fatalities"] == 12 and hot["fatalities_level"] == "well_above"
    thin = table.loc["R-THIN"]
    assert thin["events"] == 1 and thin["events_level"] == "too_few"
    assert table.index[0] == "R-HOT"  # ranked by level


def test_usual_above_and_below_follow_the_stated_rule():
    count = np.array([10, 13, 16, 6, 2])
    levels = signals.change_level(count, np.full(5, 10.0), np.full(5, 2.0), covered=12)
    assert levels.tolist() == ["usual", "above", "well_above", "below", "below"]
    # too few: count and mean both below the minimum
    assert signals.change_level(
        np.array([4]), np.array([4.9]), np.array([0.1]), covered=12
    ).tolist() == ["too_few"]
    assert signals.change_level(
        np.array([40]), np.array([1.0]), np.array([0.5]), covered=5
    ).tolist() == ["short_baseline"]


def test_a_baseline_before_the_data_start_is_short():
    # The data begin four months before the end: only three baseline months are inside.
    arrays, mask = arrays_of(monthly("R-A", [6, 6, 6, 30]))
    table = signals.change_table(arrays, mask, "admin1", "month", END)
    assert table.loc["R-A", "baseline_periods"] == 3
    assert table.loc["R-A", "events_level"] == "short_baseline"


def test_country_signals_sum_their_units():
    rows = monthly("R-A", [1] * 13) + monthly("R-B", [2] * 13, country_iso3="BFA")
    arrays, mask = arrays_of(rows)
    table = signals.change_table(arrays, mask, "country", "month", END)
    assert table.loc["MLI", "events"] == 1 and table.loc["BFA", "events"] == 2
    assert table.loc["BFA", "events_level"] == "too_few"


def test_a_record_level_names_the_previous_maximum_and_its_date():
    # 37 months: a peak of 7 in March 2022 (beyond one year back, within three), 3 a month
    # otherwise, then 9 in December 2024: a three-year record. R-B: 6 now, but 8 in June
    # 2024: no record.
    a = [3] * 37
    a[-34] = 7  # March 2022 (December 2024 is a[-1])
    a[-1] = 9
    b = [1] * 37
    b[-7] = 8  # June 2024
    b[-1] = 6
    rows = monthly("R-A", a) + monthly("R-B", b)
    arrays, mask = arrays_of(rows)
    records = signals.record_table(arrays, mask, "admin1", "month", END)
    events = records[records["measure"] == "events"]
    assert events["admin1"].tolist() == ["R-A"]
    row = events.iloc[0]
    assert (row["value"], row["years"], row["previous_max"]) == (9, 3, 7)
    assert (row["previous_start"], row["previous_end"]) == (date(2022, 3, 1), date(2022, 3, 31))


def test_a_one_year_record_and_no_record_when_the_data_are_too_short():
    a = [2] * 37
    a[-20] = 12  # August 2023: beyond one year, within three
    a[-1] = 8
    arrays, mask = arrays_of(monthly("R-A", a))
    records = signals.record_table(arrays, mask, "admin1", "month", END)
    row = records[records["measure"] == "events"].iloc[0]
    assert (row["years"], row["previous_max"]) == (1, 2)
    # Ten months of data: no span of a year is covered, no record is claimed.
    arrays, mask = arrays_of(monthly("R-A", [1] * 9 + [20]))
    assert signals.record_table(arrays, mask, "admin1", "month", END).empty


def test_new_actors_are_those_absent_from_the_unit_for_twelve_months():
    rows = [
        {"date": "2024-12-05", "admin1_id": "R-A", "actors": "JNIM; civilians"},
        {"date": "2024-12-20", "admin1_id": "R-A", "actors": "New Front; JNIM"},
        {"date": "2024-02-01", "admin1_id": "R-A", "actors": "JNIM"},  # seen: not new
        {"date": "2023-06-01", "admin1_id": "R-A", "actors": "Old Group"},
        {"date": "2024-12-07", "admin1_id": "R-A", "actors": "Old Group"},  # gone 18 months
        {"date": "2024-12-08", "admin1_id": "R-B", "actors": "JNIM"},  # new in R-B
        {"date": "2023-01-01", "admin1_id": "R-B", "actors": "x"},
    ]
    arrays, mask = arrays_of(rows)
    found = signals.new_actors(arrays, mask, "month", END)
    assert found.since == date(2023, 12, 1) and found.covered
    pairs = list(zip(found.table["admin1"], found.table["actor"], strict=True))
    assert sorted(pairs) == [("R-A", "New Front"), ("R-A", "Old Group"), ("R-B", "JNIM")]
    new_front = found.table[found.table["actor"] == "New Front"].iloc[0]
    assert new_front["events"] == 1 and new_front["first"] == date(2024, 12, 20)
    # civilians are victims, never a new actor; data from 2024 only: not covered
    arrays, mask = arrays_of(rows[:2])
    assert not signals.new_actors(arrays, mask, "month", END).covered


def test_nothing_selected_gives_empty_tables():
    arrays, _ = arrays_of(monthly("R-A", [1, 2]))
    none = np.zeros(arrays.size, dtype=bool)
    assert signals.change_table(arrays, none, "admin1", "month", END).empty
    assert signals.record_table(arrays, none, "admin1", "month", END).empty
    assert signals.new_actors(arrays, none, "month", END).table.empty
    assert signals.default_end(arrays, none) is None


def test_one_deadly_event_gives_no_fatality_level_but_a_record_with_its_base():
    rows = [
        *monthly("R-A", [1] * 36 + [0]),
        {"date": "2024-12-15", "admin1_id": "R-A", "fatalities_high": 70},
    ]
    arrays, mask = arrays_of(rows)
    table = signals.change_table(arrays, mask, "admin1", "month", END)
    assert table.loc["R-A", "fatalities"] == 70
    assert table.loc["R-A", "fatalities_level"] == "too_few"
    records = signals.record_table(arrays, mask, "admin1", "month", END)
    row = records.iloc[0]
    assert (row["measure"], row["value"], row["events"], row["years"]) == ("fatalities", 70, 1, 3)
    assert row["previous_start"] is None
