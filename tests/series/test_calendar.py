"""Tests of rnnkit.series.calendar: frequency, season length and the dates after the data."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from rnnkit.series import SeriesWindows, read_series
from rnnkit.series.calendar import (
    detect_season,
    future_index,
    infer_frequency,
    regular_grid,
    season_length,
)
from tests._bad_input import bad_input_test, case, t


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


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_dates_with_gaps_keep_the_frequency_of_their_grid(unit):
    weeks = pd.date_range("2020-01-04", periods=20, freq="W-SAT", name="week",
                          unit=unit).delete([5, 9])
    frequency, missing = regular_grid(weeks)
    assert frequency == infer_frequency(weeks) == "W-SAT"
    assert missing.strftime("%Y-%m-%d").tolist() == ["2020-02-08", "2020-03-07"]
    months = pd.date_range("1949-01-01", periods=40, freq="MS", unit=unit).delete([3, 4, 20])
    assert infer_frequency(months) == "MS"  # not 31 days read as 44.6 minutes
    assert regular_grid(months)[1].strftime("%Y-%m").tolist() == ["1949-04", "1949-05",
                                                                  "1950-09"]
    odd = pd.DatetimeIndex(["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-05 07:13"]
                           ).as_unit(unit)  # no grid: the most common step, in its unit
    assert regular_grid(odd)[0] is None
    assert step_of(infer_frequency(odd)) == pd.Timedelta(days=1)
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


# ============================================================================ detect_season

def sine(period: int, n: int, noise: float, seed: int = 0) -> np.ndarray:
    """A sine of `period` steps with a trend and Gaussian noise of s.d. `noise`."""
    rng = np.random.default_rng(seed)
    steps = np.arange(n)
    return np.sin(2 * np.pi * steps / period + 1.0) + 2 * steps / n + rng.normal(0, noise, n)


@pytest.mark.parametrize("period", [4, 7, 12, 48])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_detect_season_of_a_noisy_sine(period, seed):
    assert detect_season(sine(period, 20 * period, noise=0.3, seed=seed)) == period
    series = pd.Series(sine(period, 20 * period, noise=0.3, seed=seed))  # a Series works too
    assert detect_season(series) == period


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("n", [60, 500, 3000])
def test_no_season_in_noise_random_walks_and_ar1(n, seed):
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=n)
    alternating = np.zeros(n)  # AR(1) with phi = -0.5: r[2] > 0 at every even lag, no season
    for i in range(1, n):
        alternating[i] = -0.5 * alternating[i - 1] + noise[i]
    assert detect_season(noise) is None
    assert detect_season(np.cumsum(noise)) is None
    assert detect_season(np.cumsum(noise + 0.2)) is None  # with a drift
    assert detect_season(alternating) is None


def test_detect_season_of_the_shipped_series(data_dir):
    air = read_series(data_dir / "series" / "airpassengers.csv", date_column="month")
    assert detect_season(air["passengers"]) == 12
    assert detect_season(air["passengers"].iloc[:100]) == 12  # the training part
    co2 = read_series(data_dir / "series" / "co2_weekly.csv", date_column="week",
                      missing="interpolate")
    assert detect_season(co2["co2_ppm"]) == 52  # 52.18 weeks a year lands on 52
    belts = read_series(data_dir / "series" / "seatbelts.csv", date_column="month")
    assert detect_season(belts["drivers_killed"]) == 12
    regions = read_series(data_dir / "series" / "visnights.csv", date_column="quarter")
    found = {name: detect_season(regions[name]) for name in regions.columns}
    assert set(found.values()) <= {4, None}  # never a wrong season; None where it is weak
    assert sum(season == 4 for season in found.values()) >= 15, found
    assert found["VICMetro"] == found["NSWNthCo"] == 4


def test_detect_season_prefers_the_whole_season_to_its_parts():
    steps = np.arange(4800)
    noise = np.random.default_rng(0).normal(0, 0.3, len(steps))
    two_bumps = np.sin(2 * np.pi * steps / 48) + 0.8 * np.sin(4 * np.pi * steps / 48 + 1)
    assert detect_season(two_bumps + noise) == 48  # not the half-day bump
    weekly = 10 * np.sin(2 * np.pi * steps / 48) + 4 * np.sin(2 * np.pi * steps / 336)
    assert detect_season(weekly + noise) == 48  # the daily season is clear on its own
    assert detect_season(weekly + noise, max_season=40) is None
    assert detect_season(sine(12, 30, noise=0.1)) is None  # 2.5 seasons: too short to tell
    assert detect_season(np.full(100, 3.0)) is None and detect_season([1.0, 2.0]) is None


def test_detect_season_is_fast_on_long_series():
    steps = np.arange(17_520)
    values = np.sin(2 * np.pi * steps / 48) + np.random.default_rng(0).normal(0, 0.5, len(steps))
    begin = time.perf_counter()
    assert detect_season(values) == 48
    assert time.perf_counter() - begin < 1.0


BAD_INPUT = [
    case("season-not-finite", t(detect_season, [1.0, float("nan"), 2.0]), ValueError,
         "values", "1 missing or infinite"),
    case("season-2d", t(detect_season, np.zeros((10, 2))), ValueError, "shape (10, 2)"),
    case("season-not-numbers", t(detect_season, ["a", "b"]), ValueError, "values=", "numbers"),
    case("season-max-season-too-small", t(detect_season, np.arange(30.0), max_season=1),
         ValueError, "max_season=1", ">= 2"),
]

test_bad_input = bad_input_test(BAD_INPUT)
