"""Forecast errors and the naive baselines they are judged against (NumPy and pandas only).

Metrics are plain functions of `(actual, predicted)` (MASE also takes its
`scale`): MAE, RMSE, MAPE (%), sMAPE (%) and MASE. The baselines are
functions too: the naive forecast (the previous value) and the seasonal-naive
forecast (the value one season back). :func:`error_table` puts several
forecasts of the same values side by side.

Example:
>>> import numpy as np
>>> actual, predicted = np.array([1.0, 2.0, 4.0]), np.array([1.0, 3.0, 2.0])
>>> mae(actual, predicted), rmse(actual, predicted)
(1.0, 1.2909944487358056)
>>> values = np.array([10.0, 12.0, 11.0, 13.0])
>>> naive_forecast(values, np.array([2, 3])).tolist()
[12.0, 11.0]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

__all__ = ["METRICS", "mae", "rmse", "mape", "smape", "mase", "naive_scale", "naive_forecast",
           "seasonal_naive_forecast", "forecast_errors", "error_table", "metric_notes"]

#: The columns of :func:`error_table`, in order.
METRICS = ("MAE", "RMSE", "MAPE", "sMAPE", "MASE")


def mae(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean absolute error.

    Example:
    >>> mae(np.array([1.0, 2.0]), np.array([2.0, 4.0]))
    1.5
    """
    return float(np.mean(np.abs(predicted - actual)))


def rmse(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Root mean squared error.

    Example:
    >>> rmse(np.array([0.0, 0.0]), np.array([3.0, -4.0]))  # sqrt((9 + 16) / 2)
    3.5355339059327378
    """
    return float(np.sqrt(np.mean((predicted - actual) ** 2)))


def mape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean absolute percentage error, in %; NaN when an actual value is 0 (undefined).

    :func:`error_table` says so in its notes; sMAPE and MASE stay defined.

    Example:
    >>> mape(np.array([100.0, 200.0]), np.array([110.0, 180.0]))
    10.0
    """
    if not np.all(actual != 0):
        return float("nan")
    return float(np.mean(np.abs(predicted - actual) / np.abs(actual)) * 100)


def smape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Symmetric MAPE, in % (0 to 200): `2|p - a| / (|a| + |p|)`, 0 where both are 0.

    Example:
    >>> smape(np.array([100.0, 0.0]), np.array([300.0, 0.0]))
    50.0
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        denominator = np.abs(actual) + np.abs(predicted)
        share = np.where(denominator == 0, 0.0, 2 * np.abs(predicted - actual) / denominator)
    return float(np.mean(share) * 100)


def mase(actual: np.ndarray, predicted: np.ndarray, scale: float) -> float:
    """Mean absolute scaled error: MAE / `scale` (the naive forecast's in-sample MAE).

    Below 1, the forecast beats the naive one on the training data's scale;
    NaN when `scale` is not > 0.

    Example:
    >>> mase(np.array([1.0, 2.0]), np.array([2.0, 4.0]), scale=3.0)
    0.5
    """
    return mae(actual, predicted) / scale if scale > 0 else float("nan")


def naive_scale(train: np.ndarray) -> np.ndarray:
    """The in-sample MAE of the naive forecast: mean absolute first difference, per column.

    Example:
    >>> naive_scale(np.array([[1.0], [3.0], [2.0]])).tolist()
    [1.5]
    """
    return np.mean(np.abs(np.diff(train, axis=0)), axis=0)


def naive_forecast(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The naive forecast of `values[rows]`: the value just before each (rows ≥ 1).

    Example:
    >>> naive_forecast(np.array([5.0, 6.0, 8.0]), np.array([1, 2])).tolist()
    [5.0, 6.0]
    """
    return values[rows - 1]


def seasonal_naive_forecast(values: np.ndarray, rows: np.ndarray, season: int) -> np.ndarray:
    """The seasonal-naive forecast of `values[rows]`: the value one season back (NaN before).

    Example:
    >>> seasonal_naive_forecast(np.array([1.0, 2.0, 3.0, 4.0]), np.array([1, 3]), 2).tolist()
    [nan, 2.0]
    """
    back = rows - season
    return np.where(back >= 0, values[np.maximum(back, 0)], np.nan)


def forecast_errors(actual: np.ndarray, predicted: np.ndarray, scale: float
                    ) -> dict[str, float]:
    """Every metric of one forecast, over the steps it predicts (NaN predictions are left out).

    Args:
        actual: the true values.
        predicted: the forecast of each, NaN where it has none (e.g. the
            seasonal-naive forecast of the first season).
        scale: the MASE scale (see :func:`naive_scale`).

    Returns:
        `{"MAE", "RMSE", "MAPE", "sMAPE", "MASE"}` as floats (all NaN when no
        step is predicted).

    Example:
    >>> forecast_errors(np.array([1.0, 2.0]), np.array([np.nan, 3.0]), scale=2.0)["MASE"]
    0.5
    """
    ok = ~np.isnan(predicted)
    if not ok.any():
        return dict.fromkeys(METRICS, float("nan"))
    a, p = actual[ok], predicted[ok]
    return {"MAE": mae(a, p), "RMSE": rmse(a, p), "MAPE": mape(a, p), "sMAPE": smape(a, p),
            "MASE": mase(a, p, scale)}


def error_table(actual: np.ndarray, forecasts: Mapping[str, np.ndarray],
                scale: float) -> pd.DataFrame:
    """The errors of several forecasts of the same values: one row per forecast.

    A metric that cannot be computed is NaN in the numbers, and the table says
    why in `table.attrs["notes"]`, a list of sentences (empty when all is
    well): MAPE is undefined when an actual value is 0 (a percentage of 0),
    so a series with zeros is judged by sMAPE or MASE instead; MASE is
    undefined when `scale` is not > 0 (a training part that never changes).

    Args:
        actual: the true values.
        forecasts: name → forecast (e.g. `{"model": ..., "naive": ...}`).
        scale: the MASE scale (see :func:`naive_scale`).

    Returns:
        A `DataFrame` indexed by the forecasts' names, with the columns
        :data:`METRICS`, and `attrs["notes"]`.

    Example:
    >>> actual = np.array([2.0, 4.0])
    >>> error_table(actual, {"model": np.array([2.0, 5.0]), "naive": np.array([1.0, 2.0])},
    ...             scale=2.0)["MAE"].tolist()
    [0.5, 1.5]
    >>> table = error_table(np.array([0.0, 0.0, 3.0]), {"model": np.array([1.0, 0.0, 3.0])},
    ...                     scale=1.0)
    >>> table["MAPE"].tolist(), table.attrs["notes"]
    ([nan], ['MAPE is undefined: 2 actual value(s) are 0; use sMAPE or MASE.'])
    """
    actual = np.asarray(actual, dtype="float64")
    table = pd.DataFrame({name: forecast_errors(actual, np.asarray(predicted, dtype="float64"),
                                                scale)
                          for name, predicted in forecasts.items()}, index=list(METRICS)).T
    table.attrs["notes"] = metric_notes(actual, scale)
    return table


def metric_notes(actual: np.ndarray, scale: float) -> list[str]:
    """Why a metric of :func:`error_table` is undefined for these values (sentences).

    Example:
    >>> metric_notes(np.array([1.0, 0.0]), scale=0.0)  # doctest: +NORMALIZE_WHITESPACE
    ['MAPE is undefined: 1 actual value(s) are 0; use sMAPE or MASE.',
     'MASE is undefined: its scale (the mean absolute change over the training part) is 0; use
     MAE or sMAPE.']
    """
    notes = []
    zeros = int(np.count_nonzero(np.asarray(actual) == 0))
    if zeros:
        notes.append(f"MAPE is undefined: {zeros} actual value(s) are 0; use sMAPE or MASE.")
    if not scale > 0:
        notes.append(f"MASE is undefined: its scale (the mean absolute change over the training "
                     f"part) is {scale:g}; use MAE or sMAPE.")
    return notes
