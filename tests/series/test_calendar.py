"""Tests of rnnkit.series.calendar: frequency, season length and the dates after the data."""

from __future__ import annotations

import pandas as pd
import pytest

from rnnkit.series import SeriesWindows
from rnnkit.series.calendar import future_index, infer_frequency, season_length


def step_of(frequency: str) -> pd.Timedelta:
    return pd.Timedelta(pd.tseries.frequencies.to_offset(frequency))


@pytest.mark.parametrize("freq, season", [
    ("MS", 12), ("ME", 12), ("QS", 4), ("W-SUN", 52), ("D", 7), ("h", 24), ("min", 60),
    ("B", 5), ("YS", None), ("2h", None),
])
def test_frequency_and_season_of_regular_dates(freq, season):
    index = pd.date_range("2020-01-06", periods=30, freq=freq)
    frequency = infer_frequency(index)
    assert pd.tseries.frequencies.to_offset(frequency) == pd.tseries.frequencies.to_offset(
        freq) or freq == "QS"  # pandas names quarters by their first month ("QS-JAN")
    assert season_length(frequency) == season


def test_dates_with_gaps_step_by_their_most_common_step():
    weeks = pd.date_range("2020-01-04", periods=20, freq="W-SAT", name="week").delete([5, 9])
    frequency = infer_frequency(weeks)
    assert step_of(frequency) == pd.Timedelta(days=7)  # in any time unit of the index
    assert season_length(frequency) == 52
    future = future_index(weeks, frequency, 2)
    assert list(future) == [weeks[-1] + pd.Timedelta(days=7), weeks[-1] + pd.Timedelta(days=14)]
    assert future.name == "week"


def test_no_frequency_without_dates():
    assert infer_frequency(pd.RangeIndex(10)) is None
    assert infer_frequency(pd.DatetimeIndex(["2020-01-01", "2020-02-01"])) is None
    assert season_length(None) is None and season_length("not a frequency") is None


def test_future_index_continues_dates_integers_and_other_labels():
    months = pd.date_range("1960-11-01", periods=3, freq="MS", name="month")
    assert future_index(months, "MS", 2).strftime("%Y-%m").tolist() == ["1961-02", "1961-03"]
    years = pd.Index([2000, 2005, 2010], name="year")
    assert list(future_index(years, None, 3)) == [2015, 2020, 2025]
    labels = pd.Index(["a", "b", "c"])
    assert list(future_index(labels, None, 2)) == [3, 4]


def test_windows_over_daily_data_know_their_season():
    index = pd.date_range("2020-01-01", periods=100, freq="D", name="day")
    w = SeriesWindows(pd.DataFrame({"v": range(100)}, index=index), window=7)
    assert w.frequency == "D" and season_length(w.frequency) == 7
    assert w.future_index(2).strftime("%m-%d").tolist() == ["04-10", "04-11"]
