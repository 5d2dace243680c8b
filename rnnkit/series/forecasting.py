"""Using a trained model on `SeriesWindows`: check it fits, predict, forecast, evaluate.

`SeriesWindows.predict`, `.forecast` and `.evaluate` ARE the functions
here (assigned in the class), which take the windows as their first
argument; their documentation lives here:

* :func:`check_model` — the model's input and output shapes against the windows';
* :func:`one_step` — one-step-ahead predictions over a part, in original units;
* :func:`predict` — the same as a DataFrame of `actual` and `predicted`;
* :func:`forecast` — the recursive forecast of the steps after the data, with a
  calibrated prediction interval on request (:mod:`~rnnkit.series.intervals`);
* :func:`evaluate` — the errors of the one-step predictions and of the naive
  baselines (rolling-origin, multi-step errors: :mod:`~rnnkit.series.backtest`);
* :func:`season_of` — the season length the baselines use (`SeriesWindows.season`).

Everything comes back in the series' own units (the windows' transforms are
undone) and on its own time index.

Example:
>>> from rnnkit.series import SeriesWindows
>>> w = SeriesWindows.from_file("data/series/airpassengers.xlsx", target="passengers",
...                             date_column="month", window=24, log=True, difference=True)
>>> from rnnkit.models import build_seq2seq  # doctest: +SKIP
>>> model = build_seq2seq(w.input_shape, output_dim=w.output_dim,
...                       output_steps=w.output_steps)  # doctest: +SKIP
>>> check_model(w, model)  # doctest: +SKIP
>>> evaluate(w, model, "test")  # the same as w.evaluate(model, "test")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from rnnkit._checks import check_int, shape_fits
from rnnkit.series import calendar
from rnnkit.series.covariates import future_known, known_steps
from rnnkit.series.metrics import (
    error_table,
    naive_forecast,
    naive_scale,
    seasonal_naive_forecast,
)

__all__ = ["check_model", "one_step", "predict", "forecast", "roll_forward",
           "check_recursion", "evaluate", "season_of", "mase_scale", "stacked"]


#: Windows forecast in one `predict_on_batch` call (more go through `model.predict` in batches
#: of this size): a call of `model.predict` costs about 0.1 s of set-up, which dominated the
#: backtests of many short series.
ONE_CALL = 2048


def check_model(windows: Any, model: Any) -> None:
    """Raise unless `model` takes these windows' inputs and outputs their targets.

    Raises:
        ValueError: naming both shapes and the `build_seq2seq` call that fits.
    """
    try:
        in_shape, out_shape = tuple(model.input_shape), tuple(model.output_shape)
    except (AttributeError, ValueError, TypeError):
        raise ValueError("model must be a built Keras model with one input and one output, "
                         "e.g. build_seq2seq(w.input_shape, output_dim=w.output_dim, "
                         "output_steps=w.output_steps).") from None
    fix = ("Build it with build_seq2seq(w.input_shape, output_dim=w.output_dim, "
           f"output_steps=w.output_steps), i.e. ({windows.input_shape}, output_dim="
           f"{windows.output_dim}, output_steps={windows.output_steps}).")
    if not shape_fits(windows.input_shape, in_shape[1:]):
        raise ValueError(f"the model takes inputs of shape {in_shape[1:]} per sample, but "
                         f"these windows are {windows.input_shape}. {fix}")
    steps = windows.window if windows.output_steps is None else windows.output_steps
    if not shape_fits((steps, windows.output_dim), out_shape[1:]):
        raise ValueError(f"the model outputs {out_shape[1:]} per sample, but these windows "
                         f"need ({steps}, {windows.output_dim}) "
                         f"(output_steps={windows.output_steps}). {fix}")


def one_step(windows: Any, model: Any, split: str) -> tuple[np.ndarray, np.ndarray]:
    """One-step-ahead predictions of every row of a part that has `window` rows before it.

    Each prediction uses only the `window` actual rows before it (the first
    output step of a horizon model). With known features, a horizon model of
    `k` steps also reads the known values of the `k - 1` rows after the
    predicted one, so the last `k - 1` rows of the data get no prediction.

    Returns:
        The frame rows predicted, and the predictions `(rows, targets)` in
        original units.
    """
    check_model(windows, model)
    lo, hi = windows.part_rows(split)
    if windows.known_columns:  # the window before row r holds the known values up to r - 1 + lead
        hi = min(hi, len(windows._inputs) - windows.spec.horizon() + 1)
    first = max(lo, windows.window)  # the first (transformed) row with a full window before it
    if hi - first < 1:
        windows._check_parts()
    x = windows._input_windows()[first - windows.window: hi - windows.window]
    out = np.asarray(model.predict(x, batch_size=max(windows.batch_size, 256), verbose=0))
    step = out[:, -1, :] if windows.output_steps is None else out[:, 0, :]
    rows = np.arange(first, hi) + windows._offset  # frame rows predicted
    previous = windows._levels[rows - 1, : windows.output_dim] if windows.difference else None
    return rows, windows._undo.inverse_transform(step, previous=previous)


def predict(windows: Any, model: Any, split: str = "test") -> pd.DataFrame:
    """One-step-ahead predictions over a part, in original units, indexed by time.

    `SeriesWindows.predict(model, split)`. Each row's prediction uses only
    the `window` actual values before it (the first output step of a horizon
    model).

    Args:
        windows: the `SeriesWindows` (`self` of the method).
        model: a model fitting these windows (see `build_seq2seq`).
        split: `"train"`, `"val"` or `"test"`.

    Returns:
        A `DataFrame` with columns `actual` (the data's own values) and
        `predicted`; with several targets, the columns are
        `("actual"|"predicted", target)`.

    Example:
    >>> from rnnkit.series import SeriesWindows
    >>> w = SeriesWindows.from_file("data/series/airpassengers.xlsx", target="passengers",
    ...                             date_column="month", window=24, log=True, difference=True)
    >>> from rnnkit.models import build_seq2seq  # doctest: +SKIP
    >>> model = build_seq2seq(w.input_shape, output_dim=w.output_dim)  # doctest: +SKIP
    >>> model.fit(w.train, validation_data=w.val, epochs=50, verbose=0)  # doctest: +SKIP
    >>> w.predict(model, "test").head()  # doctest: +SKIP
    """
    rows, predicted = one_step(windows, model, split)
    frame, targets = windows.frame, windows.targets
    actual = frame.iloc[rows, : len(targets)]
    if len(targets) == 1:
        return pd.DataFrame({"actual": actual.iloc[:, 0].to_numpy(),
                             "predicted": predicted[:, 0]}, index=actual.index)
    return pd.concat({"actual": pd.DataFrame(actual.to_numpy(), index=actual.index,
                                             columns=targets),
                      "predicted": pd.DataFrame(predicted, index=actual.index,
                                                columns=targets)}, axis=1)


def forecast(windows: Any, model: Any, steps: int, *, interval: float | None = None,
             future: pd.DataFrame | None = None) -> pd.Series | pd.DataFrame:
    """Forecast the `steps` values after the end of the data, in original units.

    `SeriesWindows.forecast(model, steps, interval=None, future=None)`. A
    many-to-many model predicts one step at a time and reads its own
    prediction back as the next input; a horizon model predicts
    `output_steps` at a time (and feeds them back for longer forecasts).
    Known features of the forecast steps come from `future`; calendar
    encodings are generated for the future dates.

    With `interval=p` (e.g. 0.8), each step also gets a band meant to hold the
    true value with probability `p`: split-conformal, from the errors of a
    backtest of the validation part at each step, on the log scale with
    `log=True` (so the band is multiplicative). The windows' calibration
    (`w.calibrate(model, horizon)`; saved with the config and bundles) is used
    when it is for this model and reaches `steps`; otherwise it is made first
    (one batched backtest) and kept. Why this method: see
    :mod:`rnnkit.series.intervals`.

    Args:
        windows: the `SeriesWindows` (`self` of the method).
        model: a trained model fitting these windows.
        steps: how many steps to forecast (≥ 1).
        interval: `None`, or the level of a prediction interval in (0, 1).
        future: with `known_features`: a DataFrame of their values at the
            future dates (the index of `windows.future_index(steps)`; data
            without dates: its first rows), for `steps` rounded up to whole
            model calls (`output_steps`). Extra rows and columns are ignored.

    Returns:
        Without `interval`: a `pandas.Series` (one target) or `DataFrame`
        (several), indexed by the dates that continue the data at its
        frequency. With `interval`: a `DataFrame` with columns `forecast`
        (the same values), `lower` and `upper` (several targets: columns
        `(column, target)`), and `attrs["interval"]` the level.

    Raises:
        ValueError: if forecasting further than one model call needs future
            values of past-only `features`; if `future` lacks a known feature,
            a date or a value; with `interval`, if the validation part is too
            short for `steps`.

    Example:
    >>> from rnnkit.series import SeriesWindows, read_series
    >>> df = read_series("data/series/airpassengers.csv", date_column="month")
    >>> w = SeriesWindows(df, window=24, output_steps=6, log=True)
    >>> from rnnkit.models import build_seq2seq  # doctest: +SKIP
    >>> model = build_seq2seq(w.input_shape, output_dim=1, output_steps=6)  # doctest: +SKIP
    >>> model.fit(w.train, epochs=50, verbose=0)  # doctest: +SKIP
    >>> w.forecast(model, steps=12)  # two calls of 6 steps: 1961-01 .. 1961-12  # doctest: +SKIP
    >>> w.forecast(model, steps=12, interval=0.8)  # forecast, lower, upper  # doctest: +SKIP
    """
    steps = check_int("steps", steps)
    check_model(windows, model)
    if interval is not None:
        from rnnkit.series.intervals import check_level

        interval = check_level(interval)
    values = windows.inverse_transform(_forecast_scaled(windows, model, steps, future),
                                       anchor=windows.frame.iloc[-1, : windows.output_dim])
    values = values[:, None] if values.ndim == 1 else values
    index, targets = windows.future_index(steps), windows.targets
    if interval is not None:
        from rnnkit.series.intervals import interval_frame  # intervals builds on this module

        return interval_frame(windows, model, values, index, interval)
    if len(targets) == 1:
        return pd.Series(values[:, 0], index=index, name=targets[0])
    return pd.DataFrame(values, index=index, columns=targets)


def _forecast_scaled(windows: Any, model: Any, steps: int, future: Any) -> np.ndarray:
    """The scaled, transformed forecast `(steps, targets)` from the last window of the data."""
    check_recursion(windows, steps, "steps")
    inputs, window, lead = windows._inputs, windows.window, windows.spec.horizon()
    if len(inputs) < window:
        raise ValueError(
            f"forecast needs the last window={window} rows, but the data has "
            f"{len(inputs)}{' after difference=True' if windows.difference else ''}. "
            "Pass a longer series.")
    known = future_known(windows, future, known_steps(windows, steps))
    history = inputs[-window:].copy()
    if known.shape[1]:  # the last rows read the known values of the first future steps
        history[-lead:, -known.shape[1]:] = known[:lead]
    return roll_forward(windows, model, history[None], steps,
                        lambda lo, hi: known[None, lo + lead: hi + lead])[0]


def check_recursion(windows: Any, steps: int, name: str) -> None:
    """Raise when `steps` need future values of past-only features (more than one call)."""
    per_call = windows.output_steps or 1
    if windows.features and steps > per_call:
        raise ValueError(
            f"{name}={steps} needs {steps - per_call} future value(s) of the past-only feature "
            f"column(s) {windows.features}, which a forecast cannot know. Use {name} <= "
            f"{per_call}; or, when their future values are known, pass them as "
            "known_features= (and their values as future= to forecast); or build the windows "
            "without features.")


def roll_forward(windows: Any, model: Any, x: np.ndarray, steps: int,
                 known_after: Any) -> np.ndarray:
    """Forecast `steps` from each window of `x`, feeding predictions back: `(b, steps, targets)`.

    A many-to-many model predicts one step per call, a horizon model
    `output_steps`; while steps remain, the predicted rows are appended to the
    windows as inputs, each with its known inputs.

    Args:
        windows: the `SeriesWindows`.
        model: a model fitting them.
        x: the scaled input windows `(b, window, inputs)` (past-only features
            only when one call covers `steps`).
        steps: the steps to forecast.
        known_after: `(lo, hi) -> (b, hi - lo, known)`: the known inputs of the
            input rows of predicted steps `lo .. hi - 1` (those of `lo + lead`
            .. `hi - 1 + lead`).

    Returns:
        The scaled predictions, float32.
    """
    window, made, count = windows.window, [], 0
    while count < steps:
        out = np.asarray(model.predict_on_batch(x) if len(x) <= ONE_CALL else
                         model.predict(x, batch_size=ONE_CALL, verbose=0), dtype="float32")
        new = out[:, -1:] if windows.output_steps is None else out
        made.append(new)
        count += new.shape[1]
        if count < steps:  # the model reads its own predictions back as the next inputs
            rows = np.concatenate([new, known_after(count - new.shape[1], count)], axis=2)
            x = np.concatenate([x, rows], axis=1)[:, -window:]
    return np.concatenate(made, axis=1)[:, :steps]


def evaluate(windows: Any, model: Any, split: str = "test",
             season: int | None = None) -> pd.DataFrame:
    """Error of the model's one-step predictions against naive baselines, in original units.

    `SeriesWindows.evaluate(model, split, season)`. Rows: `model`, `naive`
    (the previous value) and `seasonal naive` (the value one season back;
    left out when no season is known). Columns: MAE, RMSE, MAPE (%), sMAPE
    (%), MASE (MAE divided by the in-sample MAE of the naive forecast on the
    training part). A model that does not beat `naive` has learnt nothing
    useful.

    Args:
        windows: the `SeriesWindows` (`self` of the method).
        model: a trained model fitting these windows.
        split: `"train"`, `"val"` or `"test"`.
        season: the season length; default `windows.season` (the given
            season, else the one of the index frequency: monthly 12, weekly
            52, daily 7, quarterly 4, hourly 24; else one detected in the
            training part; see :func:`season_of`).

    Returns:
        A `DataFrame` indexed by method (and by target when there are
        several).

    Example:
    >>> import keras  # doctest: +SKIP
    >>> from rnnkit.series import SeriesWindows, read_series
    >>> df = read_series("data/series/co2_weekly.csv", date_column="week", missing="drop")
    >>> w = SeriesWindows(df, window=52, difference=True)
    >>> model = keras.Sequential([keras.Input(w.input_shape),
    ...                           keras.layers.GRU(16, return_sequences=True),
    ...                           keras.layers.Dense(w.output_dim)])  # doctest: +SKIP
    >>> model.compile(optimizer="adam", loss="mse")  # doctest: +SKIP
    >>> model.fit(w.train, validation_data=w.val, epochs=20, verbose=0)  # doctest: +SKIP
    >>> print(w.evaluate(model, "test").round(3))  # and the naive forecasts  # doctest: +SKIP
    """
    season = windows.season if season is None else check_int("season", season)
    rows, predicted = one_step(windows, model, split)
    targets = windows.targets
    original = windows.frame.iloc[:, : len(targets)].to_numpy(dtype="float64")
    scale = mase_scale(windows)
    tables = {}
    for j, name in enumerate(targets):
        forecasts = {"model": predicted[:, j], "naive": naive_forecast(original[:, j], rows)}
        if season is not None:
            forecasts["seasonal naive"] = seasonal_naive_forecast(original[:, j], rows, season)
        tables[name] = error_table(original[rows, j], forecasts, float(scale[j]))
    table = stacked(tables, ["method"])
    table.columns.name = f"{split} ({len(rows)} steps, season {season})"
    return table


def mase_scale(windows: Any) -> np.ndarray:
    """The MASE scale of each target: the naive forecast's in-sample MAE on the training part."""
    lo, hi = windows.part_rows("train")
    original = windows.frame.iloc[lo + windows._offset: hi + windows._offset,
                                  : windows.output_dim]
    return naive_scale(original.to_numpy(dtype="float64"))


def stacked(tables: dict[str, pd.DataFrame], names: list[str]) -> pd.DataFrame:
    """One target's table as it is, several under a first index level `target`.

    `attrs["notes"]` keeps the tables' notes (each prefixed by its target when
    there are several).

    Example:
    >>> one = pd.DataFrame({"MAE": [1.0]}, index=pd.Index(["model"], name="method"))
    >>> one.attrs["notes"] = ["MAPE is undefined."]
    >>> table = stacked({"a": one, "b": one}, ["method"])
    >>> table.index.tolist(), table.attrs["notes"]
    ([('a', 'model'), ('b', 'model')], ['a: MAPE is undefined.', 'b: MAPE is undefined.'])
    """
    if len(tables) == 1:
        table = next(iter(tables.values())).copy()
        table.attrs["notes"] = list(table.attrs.get("notes", []))
        return table
    table = pd.concat(tables, names=["target", *names])
    table.attrs["notes"] = [f"{name}: {note}" for name, part in tables.items()
                            for note in part.attrs.get("notes", [])]
    return table


def season_of(windows: Any) -> int | None:
    """The season length of the windows' baselines (what `SeriesWindows.season` returns).

    In this order: the `season=` setting; the season of the index frequency
    (monthly 12, quarterly 4, weekly 52, daily 7, hourly 24, ...; see
    `calendar.season_length`); the season detected from the autocorrelation
    of the first target over the training part (`calendar.detect_season`);
    else `None`.

    Example:
    >>> from rnnkit.series import SeriesWindows
    >>> season_of(SeriesWindows(list(range(60)), window=4, season=6))
    6
    """
    hi = windows.part_rows("train")[1] + windows._offset
    return calendar.resolve_season(windows.frame.iloc[:hi, 0].to_numpy(dtype="float64"),
                                   season=windows.spec.season,
                                   frequency=windows.frequency)[0]
