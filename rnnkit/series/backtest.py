"""Rolling-origin backtests: multi-step forecasts from many origins, judged against baselines.

`SeriesWindows.backtest` IS :func:`backtest` (assigned in the class). An
*origin* is the first forecast step: the model reads the `window` rows
before it (never a row at or after it) and forecasts `horizon` steps, all
inside the part. The transforms and the scaler are those of the training
part. Forecasts of all origins are made together, one `model.predict` call
per model call of the horizon (:func:`forecast_levels`), not one per origin.

The pieces are shared with :mod:`~rnnkit.series.intervals`, which calibrates
prediction intervals on a backtest of the validation part:

* :func:`origins` — the origins of a part, for a horizon and a stride;
* :func:`forecast_levels` — the forecasts from many origins, batched;
* :func:`actual_levels` — the true values at the same steps;
* :func:`backtest` — the error table of the model, naive and seasonal naive.

A *level* is a target value after `log` (when `log=True`) and before
differencing and scaling: the units in which forecast errors are additive.

Example:
>>> from rnnkit.series import SeriesWindows
>>> w = SeriesWindows(list(range(1, 61)), window=4, seed=0)
>>> w.part_rows("test"), origins(w, "test", horizon=6, stride=2).tolist()
((51, 60), [51, 53])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from rnnkit._checks import check_int, check_optional_int
from rnnkit.series import forecasting
from rnnkit.series.covariates import known_steps
from rnnkit.series.metrics import (
    error_table,
    metric_notes,
    naive_forecast,
    seasonal_naive_forecast,
)

__all__ = ["part_rows", "origins", "longest_horizon", "forecast_levels", "actual_levels",
           "to_original", "training_windows", "backtest"]


def part_rows(windows: Any, split: str) -> tuple[int, int]:
    """The `[start, stop)` transformed rows of a part, or of adjacent parts joined by `+`.

    Example:
    >>> from rnnkit.series import SeriesWindows
    >>> w = SeriesWindows(list(range(1, 61)), window=4, seed=0)
    >>> part_rows(w, "val"), part_rows(w, "val+test")
    ((42, 51), (42, 60))
    """
    if isinstance(split, str) and "+" in split:
        first, last = split.split("+", 1)
        return windows.part_rows(first)[0], windows.part_rows(last)[1]
    return windows.part_rows(split)


def origins(windows: Any, split: str, horizon: int, stride: int = 1) -> np.ndarray:
    """The origins of a part: transformed rows of first forecast steps, every `stride`-th.

    Each origin has `window` rows before it and `horizon` steps inside the part
    (`split` as :func:`part_rows` takes it, e.g. `"val+test"`); with known
    features, its model calls also read their known values from the data.

    Raises:
        ValueError: when the part holds no origin for this horizon.
    """
    longest = longest_horizon(windows, split)
    lo, hi = part_rows(windows, split)
    if longest < horizon:
        raise ValueError(
            f"horizon={horizon} does not fit in the {split} part: it has {hi - lo} rows, so "
            f"with window={windows.window} the longest horizon it can score is {longest}. "
            f"Use horizon <= {longest}, or give the {split} part a larger fraction (split=).")
    last = hi - horizon
    if windows.known_columns:  # whole model calls read the known values `lead` rows ahead
        last = min(last, len(windows._inputs) - known_steps(windows, horizon))
    return np.arange(max(lo, windows.window), last + 1, stride)


def longest_horizon(windows: Any, split: str) -> int:
    """The longest horizon a part can score from its first origin (`window` rows in; maybe < 1).

    With known features, a model of `output_steps=k` reads the known values of
    whole calls of `k` steps, so the horizon rounded up to a multiple of `k`
    must end inside the data.
    """
    lo, hi = part_rows(windows, split)
    first = max(lo, windows.window)
    longest = hi - first
    if windows.known_columns:
        lead = windows.spec.horizon()
        longest = min(longest, (len(windows._inputs) - first) // lead * lead)
    return longest


def forecast_levels(windows: Any, model: Any, starts: np.ndarray, horizon: int) -> np.ndarray:
    """The model's forecasts of `horizon` steps from each origin, as levels, batched.

    A many-to-many model predicts one step per call and reads its predictions
    back as inputs; a horizon model predicts `output_steps` per call. Every
    call covers all origins at once: `ceil(horizon / steps per call)` calls.
    Known features take their true values (they are known in advance).

    Args:
        windows: the `SeriesWindows`.
        model: a model fitting the windows.
        starts: the origins (see :func:`origins`).
        horizon: the steps to forecast from each.

    Returns:
        A float64 array `(origins, horizon, targets)`.
    """
    forecasting.check_model(windows, model)
    forecasting.check_recursion(windows, horizon, "horizon")
    x = windows._input_windows()[starts - windows.window]  # a copy: (origins, window, inputs)
    known = len(windows.known_columns)
    if known and np.isnan(x[:, :, x.shape[2] - known:]).any():
        raise ValueError(f"an origin of {starts.tolist()[-3:]} is too close to the end of the "
                         "data for the known features its model call reads; use earlier "
                         "origins (origins() leaves them out).")
    # the known inputs of the appended rows: the true values (the input rows themselves)
    inputs, p = windows._inputs, windows._inputs.shape[1] - known
    made = forecasting.roll_forward(
        windows, model, x, horizon,
        lambda lo, hi: inputs[starts[:, None] + np.arange(lo, hi)][:, :, p:])
    changes = windows._undo.scaler.inverse_transform(made)
    if windows._undo.difference is None:
        return changes
    anchors = windows._levels[starts + windows._offset - 1, : windows.output_dim]
    return anchors[:, None, :] + np.cumsum(changes, axis=1)


def actual_levels(windows: Any, starts: np.ndarray, horizon: int) -> np.ndarray:
    """The true levels of the `horizon` steps from each origin: `(origins, horizon, targets)`."""
    rows = starts[:, None] + windows._offset + np.arange(horizon)
    return windows._levels[rows, : windows.output_dim]


def to_original(windows: Any, levels: np.ndarray) -> np.ndarray:
    """Levels → the series' own units (exponentiated with `log=True`)."""
    log = windows._undo.log
    return log.inverse_transform(levels) if log is not None else levels


def training_windows(windows: Any, before: int) -> tuple[np.ndarray, np.ndarray]:
    """The `(x, y)` training windows whose targets all lie before transformed row `before`.

    What a refit trains on: nothing at or after the origin.

    Example:
    >>> from rnnkit.series import SeriesWindows
    >>> w = SeriesWindows(list(range(30)), window=3, output_steps=2, scale=None)
    >>> x, y = training_windows(w, before=10)
    >>> x[-1, :, 0].tolist(), y[-1, :, 0].tolist()
    ([5.0, 6.0, 7.0], [8.0, 9.0])
    """
    stop = before - windows.window - windows.spec.horizon() + 1
    if stop < 1:
        raise ValueError(f"a refit before row {before} has no whole training window "
                         f"(window={windows.window}); use a smaller window or later origins.")
    return windows._windows_between(0, stop)


def _refit_copy(windows: Any, model: Any, before: int, epochs: int) -> Any:
    """A copy of the model, from its weights, trained `epochs` epochs on the windows before."""
    from rnnkit._backend import keras

    if getattr(model, "optimizer", None) is None:
        raise ValueError("refit needs a compiled model (its optimizer and loss are reused); "
                         "compile it first (build_seq2seq does).")
    x, y = training_windows(windows, before)
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    optimizer = keras.optimizers.deserialize(keras.optimizers.serialize(model.optimizer))
    copy.compile(optimizer=optimizer, loss=model.loss)
    copy.fit(x, y, epochs=epochs, batch_size=windows.batch_size, shuffle=windows.shuffle,
             verbose=0)
    return copy


def _model_levels(windows: Any, model: Any, starts: np.ndarray, horizon: int,
                  refit: int | None, epochs: int) -> np.ndarray:
    """The forecasts from every origin; with `refit=k`, by a copy retrained every k origins."""
    if refit is None:
        return forecast_levels(windows, model, starts, horizon)
    blocks = [starts[i: i + refit] for i in range(0, len(starts), refit)]
    return np.concatenate([forecast_levels(windows, _refit_copy(windows, model, block[0], epochs),
                                           block, horizon) for block in blocks])


def _baselines(windows: Any, starts: np.ndarray, horizon: int, season: int | None,
               target: int) -> dict[str, np.ndarray]:
    """Naive and seasonal-naive forecasts of one target from each origin, `(origins, horizon)`.

    Naive repeats the last value before the origin; seasonal naive takes, for
    each step, the value one season before it, or whole seasons further back
    so that it lies before the origin.
    """
    values = windows.frame.iloc[:, target].to_numpy(dtype="float64")
    first = starts[:, None] + windows._offset  # frame row of each origin
    step = np.arange(horizon)
    baselines = {"naive": naive_forecast(values, np.broadcast_to(first, (len(starts), horizon)))}
    if season is not None:
        rows = first + step - season * (step // season)  # one season later than the value used
        baselines["seasonal naive"] = seasonal_naive_forecast(values, rows, season)
    return baselines


def _errors(actual: np.ndarray, forecasts: dict[str, np.ndarray], scale: float,
            covered: np.ndarray | None) -> pd.DataFrame:
    """The error table of forecasts `(origins, steps)`, with the model's interval coverage."""
    table = error_table(actual.ravel(), {k: v.ravel() for k, v in forecasts.items()}, scale)
    if covered is not None:
        share = float(np.nanmean(covered)) if np.isfinite(covered).any() else float("nan")
        table["coverage"] = [share if name == "model" else float("nan") for name in table.index]
    return table


def _target_table(actual: np.ndarray, forecasts: dict[str, np.ndarray], scale: float,
                  covered: np.ndarray | None, per_step: bool) -> pd.DataFrame:
    """One target's table: by method, or by (method, step) with `per_step`."""
    if not per_step:
        return _errors(actual, forecasts, scale, covered)
    steps = {j + 1: _errors(actual[:, j], {k: v[:, j] for k, v in forecasts.items()}, scale,
                            None if covered is None else covered[:, j])
             for j in range(actual.shape[1])}
    table = pd.concat(steps, names=["step", "method"]).reorder_levels(["method", "step"])
    order = list(steps[1].index)
    table = table.loc[order]
    table.attrs["notes"] = metric_notes(actual, scale)
    return table


def backtest(windows: Any, model: Any, horizon: int, *, split: str = "test",
             stride: int | None = None, refit: int | None = None, season: int | None = None,
             per_step: bool = False, interval: float | None = None,
             refit_epochs: int = 5) -> pd.DataFrame:
    """Errors of `horizon`-step forecasts from every `stride`-th origin of a part (rolling origin).

    `SeriesWindows.backtest(model, horizon, ...)`. This answers "how good is
    the forecast of `horizon` steps I am about to use?", where `evaluate`
    scores one step ahead with the true last value always known. From each
    origin the model reads only the `window` rows before it and forecasts
    `horizon` steps (recursively: a many-to-many model reads its own
    predictions back; a horizon model forecasts `output_steps` at a time).
    Rows: `model`, `naive` (the last value before the origin, repeated) and
    `seasonal naive` (for each step, the value one season before it, taken
    from before the origin; left out when no season is known). Columns: MAE,
    RMSE, MAPE, sMAPE, MASE (scaled by the training part's in-sample naive
    MAE, as in `evaluate`), averaged over origins and steps (each origin and
    step weighs the same, so the per-step MAE, MAPE, sMAPE and MASE average
    to the overall; RMSE's squares do). All origins are forecast together:
    one `model.predict` call per model call of the horizon.

    Args:
        windows: the `SeriesWindows` (`self` of the method).
        model: a trained model fitting these windows.
        horizon: the steps forecast from each origin (≥ 1).
        split: the part whose rows are forecast: `"train"`, `"val"` or `"test"`.
        stride: every `stride`-th origin (default 1: every row that has
            `horizon` steps left in the part).
        refit: `None` (the trained model throughout), or `k`: before every
            k-th origin, a copy of the model (from its weights, with its
            optimizer settings and loss) is trained `refit_epochs` epochs on
            every window whose targets lie before that origin, and forecasts
            the next k origins. Costly: about `ceil(origins / k) *
            refit_epochs` epochs of training over a growing history.
        season: the season length of the seasonal-naive row; default
            `windows.season`.
        per_step: index the table by (method, step), step 1..horizon.
        interval: a level such as `0.8`: add the column `coverage`, the share
            of the model's forecast steps that fall inside the interval a
            user would have had at their origin, calibrated like
            `forecast(model, steps, interval=...)` on the errors observed
            before the origin, from the start of the validation part (see
            :func:`rnnkit.series.intervals.rolling_widths`; `NaN` when none
            was, e.g. for the training part).
        refit_epochs: epochs of each refit.

    Returns:
        A `DataFrame` indexed by method (by (method, step) with `per_step`;
        with several targets, by target first). `columns.name` says the part,
        horizon, origins, stride and season; `attrs["notes"]` holds the
        metrics' notes (e.g. why MAPE is undefined).

    Example:
    >>> from rnnkit.series import SeriesWindows
    >>> w = SeriesWindows.from_file("data/series/airpassengers.xlsx", target="passengers",
    ...                             date_column="month", window=24, log=True, difference=True)
    >>> from rnnkit.models import build_seq2seq  # doctest: +SKIP
    >>> model = build_seq2seq(w.input_shape, output_dim=w.output_dim)  # doctest: +SKIP
    >>> model.fit(w.train, validation_data=w.val, epochs=50, verbose=0)  # doctest: +SKIP
    >>> w.backtest(model, 12).round(3)  # 12 months ahead from 10 test origins  # doctest: +SKIP
    >>> w.backtest(model, 12, per_step=True).loc["model", "MAE"]  # by step  # doctest: +SKIP
    """
    horizon = check_int("horizon", horizon)
    stride = check_optional_int("stride", stride) or 1
    refit = check_optional_int("refit", refit)
    refit_epochs = check_int("refit_epochs", refit_epochs)
    season = windows.season if season is None else check_int("season", season)
    if interval is not None:
        from rnnkit.series import intervals  # (imported here: it builds on this module)

        interval = intervals.check_level(interval)
    starts = origins(windows, split, horizon, stride)
    predicted = _model_levels(windows, model, starts, horizon, refit, refit_epochs)
    actual = actual_levels(windows, starts, horizon)
    covered = None
    if interval is not None:
        width = intervals.rolling_widths(windows, model, starts, horizon, interval)
        covered = np.where(np.isnan(width), np.nan, np.abs(actual - predicted) <= width)
    forecasts, scale = to_original(windows, predicted), forecasting.mase_scale(windows)
    first = starts[:, None] + windows._offset + np.arange(horizon)
    tables = {}
    for j, name in enumerate(windows.targets):
        values = windows.frame.iloc[:, j].to_numpy(dtype="float64")
        methods = {"model": forecasts[:, :, j], **_baselines(windows, starts, horizon, season, j)}
        tables[name] = _target_table(values[first], methods, float(scale[j]),
                                     None if covered is None else covered[:, :, j], per_step)
    table = forecasting.stacked(tables, ["method", "step"] if per_step else ["method"])
    refits = "" if refit is None else f", refit every {refit}"
    table.columns.name = (f"{split} backtest (horizon {horizon}, {len(starts)} origins, "
                          f"stride {stride}, season {season}{refits})")
    return table

