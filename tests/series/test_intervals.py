"""Tests of rnnkit.series.intervals: calibrated prediction intervals, kept with the windows."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from rnnkit.series import SeriesWindows, intervals
from rnnkit.series.intervals import Calibration
from tests._bad_input import bad_input_test, case, t, using
from tests.series._helpers import PersistenceModel, StubModel, counting

# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    case("windows-forecast-interval-above-one",
         using(lambda c: t(c.shared.windows.forecast, c.shared.model, 3, interval=80)),
         ValueError, "interval=80", "(0.0, 1.0)"),
    case("windows-forecast-interval-zero",
         using(lambda c: t(c.shared.windows.forecast, c.shared.model, 3, interval=0)),
         ValueError, "interval=0", "(0.0, 1.0)"),
    case("windows-forecast-interval-not-a-number",
         using(lambda c: t(c.shared.windows.forecast, c.shared.model, 3, interval="80%")),
         ValueError, "interval='80%'", "number"),
    case("windows-forecast-interval-longer-than-val-and-test",
         using(lambda c: t(c.shared.windows.forecast, c.shared.model, 20, interval=0.8)),
         ValueError, "20 step(s)", "val and test parts", "18 rows", "at most 18",
         "w.calibrate"),
    case("windows-calibrate-horizon-too-long",
         using(lambda c: t(c.shared.windows.calibrate, c.shared.model, 20)),
         ValueError, "horizon=20", "val+test part", "horizon <= 18"),
    case("windows-calibrate-bad-split",
         using(lambda c: t(c.shared.windows.calibrate, c.shared.model, 2, split="future")),
         ValueError, "split='future'", "val+test"),
    case("windows-calibrate-bad-stride",
         using(lambda c: t(c.shared.windows.calibrate, c.shared.model, 2, stride=0)),
         ValueError, "stride=0"),
    case("windows-from-config-bad-calibration",
         using(lambda c: t(SeriesWindows.from_config,
                           {**c.shared.windows.to_config(), "calibration": {"errors": 3}})),
         ValueError, "calibration", "Calibration.to_dict()"),
]

test_bad_input = bad_input_test(BAD_INPUT)

# ============================================================================ helpers

#: The standard normal quantiles of the bands' upper ends: level -> z.
Z = {0.5: 0.6744897501960817, 0.8: 1.2815515655446004, 0.95: 1.959963984540054}


def random_walk(n: int = 3000, seed: int = 0, log: bool = False) -> tuple[SeriesWindows, object]:
    """A Gaussian random walk (steps N(0, 1), or N(0, 0.01^2) on the log scale) and its best
    forecast, the naive one: the h-step error is N(0, h) (on the log scale, N(0, h 10^-4))."""
    steps = np.random.default_rng(seed).normal(size=n)
    values = 100 * np.exp(np.cumsum(0.01 * steps)) if log else np.cumsum(steps)
    w = SeriesWindows(values, window=4, difference=True, log=log, scale=None)
    return w, PersistenceModel(w, factor=0.0)


def ar1(n: int = 3000, seed: int = 0, phi: float = 0.7) -> tuple[SeriesWindows, object]:
    """An AR(1) with N(0, 1) noise and its best forecast `phi^h * y`: the h-step error has
    variance (1 - phi^2h) / (1 - phi^2)."""
    noise = np.random.default_rng(seed).normal(size=n)
    values = np.zeros(n)
    for i in range(1, n):
        values[i] = phi * values[i - 1] + noise[i]
    w = SeriesWindows(values, window=4, scale=None)
    return w, PersistenceModel(w, factor=phi)


# ============================================================================ calibration

@pytest.mark.parametrize("level", [0.5, 0.8, 0.95])
@pytest.mark.parametrize("series", [random_walk, ar1])
def test_coverage_on_series_with_known_noise(series, level):
    # calibrated on the validation part, checked on the test part (~440 origins x 10 steps
    # each); one series' coverage varies by about +-0.05 (overlapping origins), 20 average out
    coverage = []
    for seed in range(20):
        w, model = series(seed=seed)
        coverage.append(w.backtest(model, 10, interval=level).loc["model", "coverage"])
    assert np.mean(coverage) == pytest.approx(level, abs=0.03)
    assert np.median(np.abs(np.array(coverage) - level)) < 0.06


def test_widths_follow_the_known_error_growth():
    h = np.arange(1, 11)
    w, model = random_walk()
    width = w.calibrate(model, 10).width(0.8)[:, 0]
    np.testing.assert_allclose(width, Z[0.8] * np.sqrt(h), rtol=0.12)  # sd of a sum of h
    assert width[-1] / width[0] > 2.5  # ~ sqrt(10): the interval widens with the horizon
    assert np.all(np.diff(width) >= 0)
    w, model = ar1()
    width = w.calibrate(model, 10).width(0.8)[:, 0]
    np.testing.assert_allclose(width, Z[0.8] * np.sqrt((1 - 0.49 ** h) / 0.51), rtol=0.12)


def test_the_band_of_a_log_series_is_multiplicative_and_widens():
    w, model = random_walk(log=True)
    future = w.forecast(model, 10, interval=0.8)
    assert list(future.columns) == ["forecast", "lower", "upper"]
    assert future.attrs["interval"] == 0.8
    np.testing.assert_allclose(future["upper"] / future["forecast"],
                               future["forecast"] / future["lower"], rtol=1e-12)
    ratio = np.log(future["upper"] / future["forecast"]).to_numpy()
    np.testing.assert_allclose(ratio, Z[0.8] * 0.01 * np.sqrt(np.arange(1, 11)), rtol=0.12)
    assert np.all(np.diff(future["upper"] - future["lower"]) > 0)


def test_the_rank_is_the_split_conformal_one():
    errors = np.array([4.0, 1.0, 3.0, 2.0])[None, None, :]  # one step, one target, 4 origins
    c = Calibration(errors)
    assert c.errors.tolist() == [[[1.0, 2.0, 3.0, 4.0]]]  # kept sorted
    # the ceil((n + 1) p)-th smallest: 5 * 0.6 = 3.0000000000000004 is the 3rd, not the 4th
    assert [float(c.width(p)[0, 0]) for p in (0.2, 0.5, 0.6, 0.8, 0.9)] == [1.0, 3.0, 3.0, 4.0,
                                                                               4.0]
    steps = Calibration(np.array([[[5.0, 6.0]], [[1.0, 2.0]], [[7.0, 9.0]]]))
    assert steps.width(0.5)[:, 0].tolist() == [6.0, 6.0, 9.0]  # never narrower further out


def test_calibration_dict_round_trips_exactly():
    c = Calibration(np.random.default_rng(0).random((3, 2, 5)) / 7, split="val", stride=2,
                    model="abc")
    back = Calibration.from_dict(json.loads(json.dumps(c.to_dict())))
    np.testing.assert_array_equal(back.errors, c.errors)
    assert (back.split, back.stride, back.model, back.horizon, back.origins) == (
        "val", 2, "abc", 3, 5)
    assert c.to_dict()["method"] == "split-conformal"


def test_calibrate_uses_the_latest_val_and_test_origins():
    w = SeriesWindows(counting(200), window=6, scale=None, difference=True)
    model = StubModel(w)
    c = w.calibrate(model, 4)
    assert w.calibration is c and (c.split, c.stride, c.horizon) == ("val+test", 1, 4)
    lo, hi = w.part_rows("val")[0], w.part_rows("test")[1]
    assert c.origins == hi - lo - 4 + 1 and model.calls == [c.origins] * 4
    from rnnkit.series import backtest

    starts = np.arange(lo, hi - 4 + 1)
    errors = np.abs(backtest.actual_levels(w, starts, 4)
                    - backtest.forecast_levels(w, model, starts, 4))
    np.testing.assert_array_equal(c.errors, np.sort(errors.transpose(1, 2, 0), axis=-1))
    assert w.calibrate(model, 4, split="val").origins == w.part_rows("val")[1] - lo - 4 + 1
    many = SeriesWindows(counting(8000), window=6, scale=None)
    kept = many.calibrate(StubModel(many), 2)
    assert kept.origins == intervals.MAX_ORIGINS  # the latest: the last origin ends the data
    assert intervals.calibration_origins(many, "val+test", 2)[-1] == many.part_rows("test")[1] - 2


def test_rolling_widths_use_only_errors_observed_before_the_origin():
    walk = pd.DataFrame({"y": np.cumsum(np.random.default_rng(0).normal(size=120))})
    w = SeriesWindows(walk, window=4, scale=None, difference=True)
    starts = backtest_origins = np.arange(w.part_rows("test")[0], w.part_rows("test")[1] - 2)
    model = StubModel(w)
    widths = intervals.rolling_widths(w, model, starts, 3, 0.8)
    # the same widths when every value at or after the last origin is changed
    changed = w.frame.copy()
    changed.iloc[backtest_origins[-1] + w._offset:, 0] += 1e6
    w2 = SeriesWindows(changed, window=4, scale=None, difference=True)
    later = intervals.rolling_widths(w2, StubModel(w2), starts, 3, 0.8)
    np.testing.assert_array_equal(widths[-1], later[-1])
    # from the quantile of the step's errors of the origins whose step ended before
    first = max(w.part_rows("val")[0], w.window)
    from rnnkit.series import backtest

    pool = np.arange(first, starts[-1])
    errors = np.abs(backtest.actual_levels(w, pool, 3)
                    - backtest.forecast_levels(w, model, pool, 3))
    seen = errors[: starts[-1] - first, 0, 0]  # step 1: every origin before the last
    rank = math.ceil((len(seen) + 1) * 0.8)
    assert widths[-1, 0, 0] == np.sort(seen)[min(rank, len(seen)) - 1]
    assert np.all(np.diff(widths, axis=1) >= 0)  # never narrower further out
    assert np.isnan(intervals.rolling_widths(w, model, np.array([first]), 3, 0.8)).all()


# ============================================================================ forecasts

def test_forecast_with_interval_keeps_the_point_forecast(airpassengers):
    w, model = airpassengers
    point = w.forecast(model, 12)
    future = w.forecast(model, 12, interval=0.8)
    pd.testing.assert_series_equal(future["forecast"], point, check_names=False,
                                   check_exact=True)
    assert (future["lower"] < future["forecast"]).all()
    assert (future["forecast"] < future["upper"]).all()
    np.testing.assert_allclose(future["upper"] / future["forecast"],
                               future["forecast"] / future["lower"], rtol=1e-12)  # log=True
    wider = w.forecast(model, 12, interval=0.95)
    assert (wider["upper"] >= future["upper"]).all() and (wider["lower"] <= future["lower"]).all()


def batched(model: StubModel) -> list[int]:
    """The model's calls over many origins (a backtest), not the forecast's own (one window)."""
    return [size for size in model.calls if size > 1]


def test_the_kept_calibration_is_reused_for_the_same_model_only():
    w = SeriesWindows(counting(200) + 10.0, window=6, log=True)
    model = StubModel(w)
    first = w.forecast(model, 5, interval=0.8)
    calls = len(batched(model))
    assert calls == 5 and w.calibration.horizon == 5  # one batched backtest
    pd.testing.assert_frame_equal(w.forecast(model, 3, interval=0.5).iloc[:0],
                                  first.iloc[:0])
    assert len(batched(model)) == calls  # shorter: reused
    w.forecast(model, 7, interval=0.8)
    assert len(batched(model)) == calls + 7 and w.calibration.horizon == 7  # longer: again
    other = StubModel(w, seed=1)
    w.forecast(other, 3, interval=0.8)
    assert len(batched(other)) == 3 and w.calibration.model == intervals.model_fingerprint(other)


def test_config_round_trip_keeps_the_interval_bit_identical():
    w = SeriesWindows(counting(200) + 10.0, window=6, log=True, difference=True)
    model = StubModel(w)
    w.calibrate(model, 6)
    expected = w.forecast(model, 6, interval=0.8)
    config = json.loads(json.dumps(w.to_config()))
    assert list(config)[-3:] == ["read_series", "calibration", "data"]
    w2 = SeriesWindows.from_config(config)
    calls = len(batched(model))
    pd.testing.assert_frame_equal(w2.forecast(model, 6, interval=0.8), expected,
                                  check_exact=True)
    assert len(batched(model)) == calls  # nothing recomputed
    recent = w.apply(w.frame.iloc[-50:])  # new data, same calibration
    np.testing.assert_array_equal(recent.calibration.errors, w.calibration.errors)


def test_several_targets_get_a_column_level():
    w = SeriesWindows(counting(200, columns=2), window=6)
    model = StubModel(w)
    future = w.forecast(model, 4, interval=0.8)
    assert list(future.columns) == [(name, target) for name in ("forecast", "lower", "upper")
                                    for target in ("c0", "c1")]
    pd.testing.assert_frame_equal(future["forecast"], w.forecast(model, 4), check_exact=True,
                                  check_names=False)
    width = w.calibration.width(0.8)[:4]
    np.testing.assert_allclose((future["upper"] - future["forecast"]).to_numpy(), width)


def test_backtest_reports_the_coverage_of_the_model_only():
    w, model = random_walk()
    table = w.backtest(model, 5, interval=0.8)
    assert list(table.columns)[-1] == "coverage" and table["coverage"].isna().tolist() == [
        False, True]
    steps = w.backtest(model, 5, interval=0.8, per_step=True)
    assert steps.loc["model", "coverage"].mean() == pytest.approx(
        table.loc["model", "coverage"], rel=1e-12)
    assert math.isclose(table.loc["model", "coverage"], 0.8, abs_tol=0.1)
