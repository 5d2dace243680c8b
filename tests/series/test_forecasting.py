"""Tests of rnnkit.series.forecasting: predictions, forecasts and evaluations of a model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnnkit.series import SeriesWindows, backtest, forecasting, intervals
from tests._bad_input import bad_input_test, case, t, using
from tests.series._helpers import counting, tiny_model

# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    # ---------------------------------------------------------- SeriesWindows: predict / forecast
    case("windows-predict-input-shape",
         using(lambda c: t(c.shared.windows.predict, c.shared.short_model)),
         ValueError, "(5, 1)", "(8, 1)", "build_seq2seq"),
    case("windows-evaluate-input-shape",
         using(lambda c: t(c.shared.windows.evaluate, c.shared.wide_model)),
         ValueError, "(8, 2)", "(8, 1)"),
    case("windows-forecast-input-shape",
         using(lambda c: t(c.shared.windows.forecast, c.shared.short_model, 3)),
         ValueError, "(5, 1)", "(8, 1)"),
    case("windows-predict-output-steps",
         using(lambda c: t(c.shared.windows.predict, c.shared.horizon_model)),
         ValueError, "output_steps=None", "(3, 1)", "need (8, 1)"),
    case("windows-predict-not-a-model", using(lambda c: t(c.shared.windows.predict, "m.keras")),
         ValueError, "model", "build_seq2seq"),
    case("windows-predict-bad-split",
         using(lambda c: t(c.shared.windows.predict, c.shared.model, split="validation")),
         ValueError, "split='validation'", "'val'"),
    case("windows-forecast-steps-zero",
         using(lambda c: t(c.shared.windows.forecast, c.shared.model,
                           0)),
         ValueError, "steps=0"),
    case("windows-forecast-needs-future-features",
         using(lambda c: t(c.shared.feature_windows.forecast, c.shared.feature_model, 3)),
         ValueError, "steps=3", "['f']"),
    case("windows-evaluate-bad-season",
         using(lambda c: t(c.shared.windows.evaluate, c.shared.model,
                           season=0)),
         ValueError, "season=0"),
]

test_bad_input = bad_input_test(BAD_INPUT)

# ============================================================================ a trained model

def test_the_methods_are_the_forecasting_functions():
    assert SeriesWindows.predict is forecasting.predict
    assert SeriesWindows.forecast is forecasting.forecast
    assert SeriesWindows.evaluate is forecasting.evaluate
    assert SeriesWindows.backtest is backtest.backtest
    assert SeriesWindows.calibrate is intervals.calibrate


def test_trained_model_beats_naive_forecast_on_airpassengers(airpassengers):
    w, model = airpassengers
    table = w.evaluate(model, "test")
    assert list(table.index) == ["model", "naive", "seasonal naive"]
    assert list(table.columns) == ["MAE", "RMSE", "MAPE", "sMAPE", "MASE"]
    assert table.loc["model", "MASE"] < table.loc["naive", "MASE"]
    # the baselines are what they say, on the same 21 test months
    pred = w.predict(model, "test")
    series = w.frame["passengers"].astype(float)
    naive = series.shift(1).loc[pred.index]
    seasonal = series.shift(12).loc[pred.index]
    assert table.loc["naive", "MAE"] == pytest.approx((pred["actual"] - naive).abs().mean())
    assert table.loc["seasonal naive", "MAE"] == pytest.approx(
        (pred["actual"] - seasonal).abs().mean())
    scale = series.iloc[1:101].diff().abs().mean()  # training part: frame rows 1..100
    assert table.loc["model", "MASE"] == pytest.approx(table.loc["model", "MAE"] / scale)


def test_predict_actual_equals_the_files_values(airpassengers, data_dir):
    w, model = airpassengers
    file = pd.read_csv(data_dir / "series" / "airpassengers.csv", parse_dates=["month"],
                       index_col="month")["passengers"]
    for split in ("train", "val", "test"):
        pred = w.predict(model, split)
        assert list(pred.columns) == ["actual", "predicted"]
        assert isinstance(pred.index, pd.DatetimeIndex)
        np.testing.assert_array_equal(pred["actual"].to_numpy(), file.loc[pred.index].to_numpy())
        assert np.isfinite(pred["predicted"]).all()
        # predictions are in passengers, not in scaled log-differences
        assert (pred["predicted"] / pred["actual"]).between(0.7, 1.3).all()
    test = w.predict(model, "test")
    assert test.index[0] == pd.Timestamp("1959-04-01") and test.index[-1] == pd.Timestamp(
        "1960-12-01")


def test_forecast_12_months_continues_the_dates(airpassengers):
    w, model = airpassengers
    future = w.forecast(model, steps=12)
    assert isinstance(future, pd.Series) and future.name == "passengers"
    expected = pd.date_range("1961-01-01", "1961-12-01", freq="MS")
    assert list(future.index) == list(expected)
    assert future.between(300, 800).all()
    # the first step is the model's one-step prediction from the last 24 months
    x = w._inputs[-24:][None]
    step = float(model.predict_on_batch(x)[0, -1, 0])
    level = np.log(w.frame["passengers"].iloc[-1]) + step * w.scaler["scale"][0] \
        + w.scaler["center"][0]
    assert future.iloc[0] == pytest.approx(np.exp(level), rel=1e-9)


def test_horizon_model_forecast_feeds_back():
    w = SeriesWindows(counting(60), window=6, output_steps=4)
    model = tiny_model(w)
    future = w.forecast(model, steps=10)
    assert len(future) == 10 and future.index[0] == pd.Timestamp("2005-01-01")
    assert future.index.freqstr == "MS"
    assert len(w.predict(model, "test")) == len(w.part_index("test"))


def test_evaluate_without_dates_has_no_seasonal_row():
    w = SeriesWindows(counting(60).reset_index(drop=True), window=5)
    table = w.evaluate(tiny_model(w), "val")
    assert list(table.index) == ["model", "naive"]
    assert "seasonal naive" in w.evaluate(tiny_model(w), "val", season=4).index
    assert list(w.forecast(tiny_model(w), 3).index) == [60, 61, 62]


def test_several_targets_predict_and_evaluate():
    df = counting(60, columns=2)
    w = SeriesWindows(df, window=5)
    model = tiny_model(w)
    pred = w.predict(model, "test")
    assert list(pred.columns) == [("actual", "c0"), ("actual", "c1"),
                                  ("predicted", "c0"), ("predicted", "c1")]
    np.testing.assert_array_equal(pred["actual"].to_numpy(), df.loc[pred.index].to_numpy())
    table = w.evaluate(model)
    assert table.index.names == ["target", "method"] and len(table) == 6
    assert w.forecast(model, 2).shape == (2, 2)


def test_forecast_with_features_reaches_as_far_as_one_model_call():
    w = SeriesWindows(counting(60, columns=2), window=5, target="c0", features=["c1"])
    model = tiny_model(w)
    assert len(w.forecast(model, 1)) == 1
