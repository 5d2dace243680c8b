"""Calibrated prediction intervals: split-conformal, per horizon step, on the levels.

`SeriesWindows.calibrate` IS :func:`calibrate`; `SeriesWindows.forecast(model,
steps, interval=0.8)` and `backtest(..., interval=0.8)` use what it keeps.

The method. A backtest of the parts the model was not fitted on (the
validation and test parts, `split="val+test"`; see
:mod:`~rnnkit.series.backtest`) gives, for every origin and horizon step `h`,
the absolute error of the forecast *level* (the value after `log` when
`log=True`, else the value itself). For a level `p` (e.g. 0.8), the
half-width at step `h` is the `ceil((n + 1) p)`-th smallest of the `n` errors
at that step (the split-conformal quantile), and the band is
`level ± half-width`, mapped back to the series' units. Why this method:

* it is calibrated without assumptions on the error distribution: when
  future errors behave like the calibration errors (exchangeable), the band
  covers the truth with probability at least `p` — Gaussian bands from the
  training loss would assume a shape and use in-sample errors, which are too
  small;
* it needs no change to the model or its training (quantile outputs would
  need a new loss and head for every level), and works for any trained model,
  including one loaded from a bundle, in one batched backtest;
* errors of a recursive forecast grow with the horizon, so each step gets
  its own quantile; the half-widths are made non-decreasing in the step (a
  running maximum), since a further step is never known better than a nearer
  one, which also smooths the noise of few origins;
* on the log scale (`log=True`) the band is multiplicative
  (`forecast * exp(±width)`), as the errors of a series whose swings grow
  with its level are;
* the errors are the *most recent* ones the data allows (the last 500
  origins of the validation and test parts): a forecast after the end of the
  data is calibrated on the errors of the latest years, not of a validation
  part that early stopping chose the model on and that lies further back.

How it is checked without looking ahead. `backtest(..., interval=p)` scores
the interval a user would have had at each origin (:func:`rolling_widths`):
the band of an origin is made from the errors observed *before* it — those of
the validation origins and of the earlier test origins whose step lay before
it (online split-conformal). Its `coverage` is the share of forecast steps
inside their band. On the 24 shipped series this brought the mean coverage
of an 80 % band from 0.74 (calibrated on the validation part only) to about
the nominal level; see `bench/bench_forecast_quality.py`.

With fewer than `p / (1 - p)` errors (4 at 0.8) the quantile is the
largest error, and the guarantee needs more data. The band is as good as the
recent errors are like the future: after a calm spell it is too narrow,
after a turbulent one too wide. What the intervals need, the sorted errors,
is kept on the windows (`w.calibration`), saved by `to_config` and restored
by `from_config`, `apply` and bundles, so a loaded bundle gives the same
interval without recomputing. The calibration records a fingerprint of the
model's weights: a forecast with another model (or the same one trained
further) calibrates again.

Example:
>>> import numpy as np
>>> errors = np.arange(1.0, 10.0) * np.array([[1.0], [0.5]])  # 2 steps x 9 origins
>>> c = Calibration(errors[:, None, :])  # (steps, targets, origins)
>>> c.horizon, c.origins, c.width(0.8).tolist()  # the 8th smallest; step 2 kept >= step 1
(2, 9, [[8.0], [8.0]])
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from rnnkit._checks import check_choice, check_float, check_int, check_optional_int
from rnnkit.series.backtest import (
    actual_levels,
    forecast_levels,
    longest_horizon,
    origins,
    part_rows,
    to_original,
)

__all__ = ["Calibration", "calibrate", "calibration_for", "calibration_origins",
           "conformal_rank", "rolling_widths", "model_fingerprint", "check_level",
           "interval_frame"]

#: At most this many origins, the latest, are kept (`calibrate(stride=None)`, rolling widths).
MAX_ORIGINS = 500


@dataclasses.dataclass(frozen=True, eq=False)
class Calibration:
    """What prediction intervals need: the sorted absolute level errors of a backtest.

    Args:
        errors: `(horizon, targets, origins)` absolute errors of the forecast
            levels, per step and target (sorted along the origins here).
        split: the part(s) the backtest forecast (`"val+test"`: both).
        stride: its stride.
        model: the fingerprint of the model's weights (see
            :func:`model_fingerprint`), or `None`.
    """

    errors: np.ndarray
    split: str = "val+test"
    stride: int = 1
    model: str | None = None

    def __post_init__(self) -> None:
        errors = np.sort(np.asarray(self.errors, dtype="float64"), axis=-1)
        if errors.ndim != 3 or errors.shape[-1] < 1:
            raise ValueError(f"a calibration needs errors of shape (horizon, targets, origins) "
                             f"with at least one origin, not {np.shape(self.errors)}.")
        object.__setattr__(self, "errors", errors)

    @property
    def horizon(self) -> int:
        """The steps it calibrates (a forecast may be as long)."""
        return self.errors.shape[0]

    @property
    def origins(self) -> int:
        """The origins of the backtest behind it."""
        return self.errors.shape[-1]

    def width(self, level: float) -> np.ndarray:
        """The half-widths `(horizon, targets)` of the band at `level`, in levels.

        The `ceil((n + 1) * level)`-th smallest error of each step (the largest
        when there are too few), then a running maximum over the steps.
        """
        rank = int(conformal_rank(self.origins, check_level(level)))
        return np.maximum.accumulate(self.errors[:, :, rank - 1], axis=0)

    def to_dict(self) -> dict[str, Any]:
        """As JSON types: `{"method", "split", "stride", "origins", "model", "errors"}`.

        `errors[step][target]` lists the sorted absolute errors of that step.
        """
        return {"method": "split-conformal", "split": self.split, "stride": self.stride,
                "origins": self.origins, "model": self.model, "errors": self.errors.tolist()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Calibration:
        """The inverse of :meth:`to_dict` (e.g. the `"calibration"` of a saved config)."""
        if not isinstance(data, Mapping) or data.get("method") != "split-conformal" \
                or "errors" not in data:
            raise ValueError("calibration must be the dict of Calibration.to_dict() "
                             "(method 'split-conformal', with its errors).")
        return cls(np.asarray(data["errors"], dtype="float64"), data.get("split", "val+test"),
                   data.get("stride", 1), data.get("model"))


def conformal_rank(count: Any, level: float) -> Any:
    """The split-conformal rank among `count` sorted errors: `ceil((count + 1) * level)`, capped.

    At most `count`; `count` may be an int or an array of them.

    Example:
    >>> int(conformal_rank(9, 0.8)), conformal_rank(np.array([0, 3, 9]), 0.8).tolist()
    (8, [0, 3, 8])
    """
    count = np.asarray(count)
    return np.minimum(np.ceil((count + 1) * level - 1e-9).astype(int), count)


def check_level(level: Any) -> float:
    """The interval level, a number in (0, 1) such as 0.8 (80 % of values inside)."""
    return check_float("interval", level, low=0.0, high=1.0, low_inclusive=False)


def model_fingerprint(model: Any) -> str | None:
    """A short hash of the model's weights (`None` for an object without `get_weights`).

    Example:
    >>> class Stub:
    ...     def get_weights(self):
    ...         return [np.zeros((2, 2), "float32")]
    >>> model_fingerprint(Stub()) == model_fingerprint(Stub()), len(model_fingerprint(Stub()))
    (True, 16)
    """
    weights = getattr(model, "get_weights", None)
    if weights is None:
        return None
    digest = hashlib.sha256()
    for array in weights():
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype}{array.shape}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()[:16]


#: The calibration parts: the rows the model was not fitted on.
CALIBRATION_SPLITS = ("val+test", "val", "test", "train")


def calibration_origins(windows: Any, split: str, horizon: int,
                        stride: int | None = None) -> np.ndarray:
    """The origins a calibration forecasts from: the last `MAX_ORIGINS`, or every `stride`-th.

    Counted back from the last origin of the part(s), so the latest errors are kept.

    Raises:
        ValueError: when the rows hold no origin with `horizon` steps after it.
    """
    every = origins(windows, check_choice("split", split, CALIBRATION_SPLITS), horizon)
    return every[-MAX_ORIGINS:] if stride is None else every[::-1][::stride][::-1]


def calibrate(windows: Any, model: Any, horizon: int, *, split: str = "val+test",
              stride: int | None = None) -> Calibration:
    """Calibrate prediction intervals up to `horizon` steps on a backtest, and keep them.

    `SeriesWindows.calibrate(model, horizon)`. Forecasts `horizon` steps from
    the origins of the part (one batched backtest), keeps the absolute errors
    of the levels per step as `windows.calibration` (saved with the config
    and bundles) and returns it. `forecast(..., interval=)` calls it when the
    windows hold no calibration for this model that reaches its steps. See
    the module docstring for the method.

    Args:
        windows: the `SeriesWindows` (`self` of the method).
        model: the trained model whose forecasts the intervals are for.
        horizon: the longest forecast the intervals will serve.
        split: the rows to calibrate on: `"val+test"` (the default: every
            row the model was not fitted on, the latest errors for a
            forecast after the data), `"val"`, `"test"` or `"train"`
            (in-sample errors: too small).
        stride: every `stride`-th origin, counted back from the last; default
            the last 500 origins.

    Returns:
        The :class:`Calibration`.

    Example:
    >>> from rnnkit.series import SeriesWindows
    >>> w = SeriesWindows.from_file("data/series/airpassengers.xlsx", target="passengers",
    ...                             date_column="month", window=24, log=True, difference=True)
    >>> calibration_origins(w, "val+test", 12).size  # origins of the last 43 rows
    32
    >>> from rnnkit.models import build_seq2seq  # doctest: +SKIP
    >>> model = build_seq2seq(w.input_shape, output_dim=w.output_dim)  # doctest: +SKIP
    >>> model.fit(w.train, validation_data=w.val, epochs=50, verbose=0)  # doctest: +SKIP
    >>> w.calibrate(model, 12).origins  # doctest: +SKIP
    32
    >>> w.forecast(model, 12, interval=0.8)  # forecast, lower, upper  # doctest: +SKIP
    """
    horizon = check_int("horizon", horizon)
    stride = check_optional_int("stride", stride)
    starts = calibration_origins(windows, split, horizon, stride)
    errors = np.abs(actual_levels(windows, starts, horizon)
                    - forecast_levels(windows, model, starts, horizon))
    windows._calibration = Calibration(errors.transpose(1, 2, 0), split, stride or 1,
                                       model_fingerprint(model))
    return windows._calibration


def calibration_for(windows: Any, model: Any, horizon: int) -> Calibration:
    """The windows' calibration when it is for this model and reaches `horizon`, else a new one."""
    kept = windows.calibration
    if kept is not None and kept.horizon >= horizon and kept.model == model_fingerprint(model):
        return kept
    longest, (lo, hi) = longest_horizon(windows, "val+test"), part_rows(windows, "val+test")
    if horizon > longest:
        raise ValueError(
            f"interval= for {horizon} step(s) is calibrated on a backtest of the val and test "
            f"parts at that horizon, but they have {hi - lo} rows, so with window="
            f"{windows.window} they allow at most {longest}. Forecast at most {longest} "
            "step(s) with an interval, give the val and test parts larger fractions (split=), "
            "or call w.calibrate(model, horizon, split='train') first (in-sample: too narrow).")
    return calibrate(windows, model, horizon)


def rolling_widths(windows: Any, model: Any, starts: np.ndarray, horizon: int,
                   level: float) -> np.ndarray:
    """The half-widths a user would have had at each origin, from the errors observed before it.

    What `backtest(..., interval=)` checks its coverage against, without
    looking ahead: for origin `o` and step `h`, the split-conformal quantile of
    the step-`h` errors of the origins from the start of the validation part
    whose step `h` lay before `o` (the latest `MAX_ORIGINS` of them), then a
    running maximum over the steps. The errors are the model's own (no refit).

    Args:
        windows: the `SeriesWindows`.
        model: the trained model.
        starts: the origins of the backtest (increasing).
        horizon: the steps forecast from each.
        level: the interval level in (0, 1).

    Returns:
        A float64 array `(origins, horizon, targets)`; `NaN` where no error
        was observed before the origin (e.g. the first validation origins).

    Example:
    >>> from rnnkit.series import SeriesWindows
    >>> class Zero:  # forecasts no change: the errors are the steps of the series
    ...     input_shape = output_shape = (None, 4, 1)
    ...     def predict_on_batch(self, x):
    ...         return np.zeros((len(x), x.shape[1], 1), "float32")
    >>> w = SeriesWindows(np.arange(60.0) ** 1.5, window=4, difference=True, scale=None)
    >>> starts = np.array([51, 53])
    >>> rolling_widths(w, Zero(), starts, 2, 0.5).round(1)[:, :, 0].tolist()
    [[10.2, 20.3], [10.3, 20.6]]
    """
    level = check_level(level)
    first = max(windows.part_rows("val")[0], windows.window)
    widths = np.full((len(starts), horizon, windows.output_dim), np.nan)
    pool = np.arange(first, int(np.max(starts, initial=first)))
    if pool.size == 0:
        return widths
    errors = np.abs(actual_levels(windows, pool, horizon)
                    - forecast_levels(windows, model, pool, horizon))  # (pool, horizon, t)
    size = min(MAX_ORIGINS, pool.size)
    padded = np.concatenate([np.full((size, horizon, errors.shape[2]), np.inf), errors])
    for step in range(horizon):
        seen = np.clip(starts - step - first, 0, pool.size)  # errors observed before each
        n = np.minimum(seen, size)
        recent = np.sort(padded[seen[:, None] + np.arange(size), step], axis=1)  # inf last
        rank = conformal_rank(n, level)
        chosen = np.take_along_axis(recent, np.maximum(rank - 1, 0)[:, None, None], axis=1)
        widths[:, step] = np.where(n[:, None] > 0, chosen[:, 0], np.nan)
    return np.maximum.accumulate(widths, axis=1)


def interval_frame(windows: Any, model: Any, values: np.ndarray, index: pd.Index,
                   level: float) -> pd.DataFrame:
    """The forecast `values` `(steps, targets)` with the calibrated band around them.

    Returns:
        A `DataFrame` with columns `forecast`, `lower`, `upper` (several
        targets: `(column, target)`), `attrs["interval"] = level`.
    """
    level = check_level(level)
    steps, targets = len(values), windows.targets
    width = calibration_for(windows, model, steps).width(level)[:steps]
    levels = windows._undo.to_levels(values)
    columns = {"forecast": values, "lower": to_original(windows, levels - width),
               "upper": to_original(windows, levels + width)}
    if len(targets) == 1:
        frame = pd.DataFrame({name: v[:, 0] for name, v in columns.items()}, index=index)
    else:
        frame = pd.concat({name: pd.DataFrame(v, index=index, columns=targets)
                           for name, v in columns.items()}, axis=1)
    frame.attrs["interval"] = level
    return frame
