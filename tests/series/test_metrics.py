"""Tests of rnnkit.series.metrics: errors and naive baselines against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnnkit.series import mae, mape, mase, rmse, smape
from rnnkit.series.metrics import (
    METRICS,
    error_table,
    forecast_errors,
    metric_notes,
    naive_forecast,
    naive_scale,
    seasonal_naive_forecast,
)

ACTUAL = np.array([2.0, 4.0, 5.0])
PREDICTED = np.array([3.0, 2.0, 5.0])  # errors 1, -2, 0


def test_metrics_against_hand_computed_values():
    assert mae(ACTUAL, PREDICTED) == 1.0
    assert rmse(ACTUAL, PREDICTED) == pytest.approx(math.sqrt(5 / 3), rel=1e-15)
    assert mape(ACTUAL, PREDICTED) == pytest.approx((1 / 2 + 2 / 4 + 0) / 3 * 100, rel=1e-15)
    assert smape(ACTUAL, PREDICTED) == pytest.approx((2 / 5 + 4 / 6 + 0) / 3 * 100, rel=1e-15)
    assert mase(ACTUAL, PREDICTED, scale=0.5) == 2.0


def test_zero_actuals_and_scales():
    actual, predicted = np.array([0.0, 2.0]), np.array([0.0, 1.0])
    assert math.isnan(mape(actual, predicted))  # a zero actual: no percentage
    assert smape(actual, predicted) == pytest.approx((0 + 2 / 3) / 2 * 100)  # 0/0 counts as 0
    assert math.isnan(mase(actual, predicted, scale=0.0))


def test_naive_baselines():
    values = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    rows = np.array([2, 3, 5])
    assert naive_forecast(values, rows).tolist() == [2.0, 3.0, 5.0]
    seasonal = seasonal_naive_forecast(values, rows, season=3)
    assert math.isnan(seasonal[0]) and seasonal[1:].tolist() == [1.0, 3.0]
    assert naive_scale(np.array([[1.0, 0.0], [3.0, 0.0], [2.0, 0.0], [6.0, 0.0]])).tolist() \
        == [7 / 3, 0.0]


def test_forecast_errors_leave_out_steps_without_a_prediction():
    errors = forecast_errors(ACTUAL, np.array([np.nan, 2.0, 5.0]), scale=1.0)
    assert list(errors) == list(METRICS)
    assert errors["MAE"] == 1.0 and errors["MASE"] == 1.0  # (2 + 0) / 2 over the 2 steps
    none = forecast_errors(ACTUAL, np.full(3, np.nan), scale=1.0)
    assert all(math.isnan(v) for v in none.values())


def test_error_table_has_one_row_per_forecast():
    table = error_table(ACTUAL, {"model": PREDICTED, "naive": np.array([1.0, 2.0, 4.0])},
                        scale=2.0)
    assert list(table.index) == ["model", "naive"] and list(table.columns) == list(METRICS)
    assert table.loc["model", "MAE"] == 1.0 and table.loc["naive", "MAE"] == pytest.approx(4 / 3)
    assert table.loc["naive", "MASE"] == pytest.approx(2 / 3)
    assert table.attrs["notes"] == []  # every metric is defined


def test_mape_with_zeros_is_undefined_and_the_table_says_why():
    actual = np.array([0.0, 5.0, 0.0, 0.0, 4.0])
    table = error_table(actual, {"model": np.array([1.0, 5.0, 0.0, 1.0, 5.0]),
                                 "naive": np.array([2.0, 0.0, 5.0, 0.0, 0.0])}, scale=1.0)
    assert table["MAPE"].isna().all()
    assert not table[["MAE", "RMSE", "sMAPE", "MASE"]].isna().any().any()  # still defined
    assert table.attrs["notes"] == ["MAPE is undefined: 3 actual value(s) are 0; use sMAPE "
                                    "or MASE."]
    assert "MAPE is undefined when an actual value is 0" in " ".join(error_table.__doc__.split())


def test_mase_without_a_scale_is_undefined_and_the_table_says_why():
    table = error_table(ACTUAL, {"model": PREDICTED}, scale=0.0)
    assert math.isnan(table.loc["model", "MASE"]) and table.loc["model", "MAE"] == 1.0
    assert table.attrs["notes"] == metric_notes(ACTUAL, 0.0)
    assert len(table.attrs["notes"]) == 1 and table.attrs["notes"][0].startswith(
        "MASE is undefined: its scale")
