"""`SeriesWindows`: a time series as training windows for a recurrent forecaster, and back.

The class ties the series' modules together: its settings are a
:class:`~rnnkit.series.spec.WindowSpec`; it transforms (:mod:`~rnnkit.series.transforms`),
splits (:mod:`~rnnkit.series.parts`) and windows the data (NumPy views, or the
`tf.data` pipeline of :mod:`~rnnkit.series.pipeline`), saves itself as a config
(:mod:`~rnnkit.series.config`), and hands a trained model to
:mod:`~rnnkit.series.forecasting` for predictions, forecasts and evaluations, to
:mod:`~rnnkit.series.backtest` for rolling-origin backtests and to
:mod:`~rnnkit.series.intervals` for calibrated prediction intervals.

Example:
>>> w = SeriesWindows(list(range(1, 61)), window=4, seed=0)
>>> w
SeriesWindows(target=['value'], features=[], window=4, output_steps=None, log=False, \
difference=False, scale='standard', rows: train 42, val 9, test 9, frequency=None)
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rnnkit._checks import check_choice, check_names
from rnnkit.series import backtest, covariates, forecasting, intervals, parts
from rnnkit.series.calendar import future_index, infer_frequency
from rnnkit.series.config import config_of, windows_from_config
from rnnkit.series.frames import as_frame, check_frame
from rnnkit.series.inputs import prepare_inputs
from rnnkit.series.io import read_series
from rnnkit.series.spec import PARTS, WindowSpec, file_signature, settings_as_properties
from rnnkit.series.views import WindowViews

__all__ = ["SeriesWindows"]


@settings_as_properties
class SeriesWindows(WindowViews):
    """Windows over a time series for a recurrent forecaster, and their way back.

    In this order: optional transforms (`log`, then first `difference`), a
    time-ordered split into train / val / test parts, a scaler fit on the
    training part only, then windows. Every predicted step lies inside its
    own part; inputs come only from the past and may reach back into the
    preceding part (so a short test part still gets a prediction for each of
    its rows), never forward. Whatever comes back to the user (`.predict`,
    `.forecast`, `.evaluate`, `.inverse_transform`) is in the series' own
    units and time index.

    Inputs are the target columns, the `features` columns (past only: seen up
    to the forecast origin), then the `known_features` and calendar columns,
    read `output_steps or 1` rows ahead (their values at the predicted steps
    are inputs: see :mod:`~rnnkit.series.covariates`). With
    `output_steps=None` (many-to-many) a sample is `x = inputs[t-window:t]`,
    `y = targets[t-window+1:t+1]` (the window shifted by one; the predicted
    step is `t`). With `output_steps=k`, `y = targets[t:t+k]`. The settings
    are readable as attributes (`w.window`, `w.log`, `w.split`, ...) and
    together as `w.spec`.

    Args:
        data: a `DataFrame` (time along the rows; a `DatetimeIndex` gives dated
            predictions and forecasts), a `Series`, or a 1-D/2-D array.
        window: input steps per sample (≥ 1).
        target: the column(s) to predict; default all columns.
        features: further input columns (the targets' own past is always an
            input).
        output_steps: `None` for many-to-many, or the horizon `k ≥ 1`.
        split: (train, val, test) fractions, each > 0, summing to 1.
        scale: `"standard"`, `"minmax"` or `None`.
        log: take the natural log first (all values must be > 0).
        difference: model first differences (drops the first row).
        batch_size: batch size of `.train`, `.val`, `.test`.
        shuffle: shuffle `.train` (again each epoch).
        seed: seed of the shuffle.
        season: the season length (steps) of the seasonal-naive baseline;
            default found from the dates or the data (see `.season`).
        known_features: input columns whose future values are known (a law
            in force from a known date, a plan, a calendar); `forecast` then
            takes their future values as `future=`. Scaled, never logged or
            differenced.
        calendar: `True` adds the cyclic (sin, cos) encodings of the dates that
            suit the frequency (monthly: month; daily: day of week and year;
            hourly: hour, day of week; ...), or a list of them (`"month"`,
            `"quarter"`, `"week"`, `"day_of_year"`, `"day_of_month"`,
            `"day_of_week"`, `"hour"`, `"minute"`): known features generated
            for the future automatically. Needs dates.
        id_column: many series in long format (one row per series and date):
            the column naming the series. The windows are then a
            :class:`~rnnkit.series.collection.SeriesCollection`, one global
            model's windows over every series, each scaled on its own
            training part.
        multi_series: with several `target` columns: one series per column,
            one global model (also a `SeriesCollection`).
        scaler: a fitted scaler to use instead of fitting one on the training
            part (the dict of another windows' `.scaler`, for the same
            columns); the parts are then not required to hold whole windows.

    Example:
    >>> from rnnkit.series import read_series
    >>> df = read_series("data/series/airpassengers.xlsx", date_column="month")
    >>> w = SeriesWindows(df, target="passengers", window=24, log=True, difference=True)
    >>> x, y = w.arrays("train")       # NumPy views, no copy
    >>> x.shape, y.shape
    ((76, 24, 1), (76, 24, 1))
    >>> w.input_shape, w.output_dim, w.output_steps
    ((24, 1), 1, None)
    """

    def __new__(cls, data: Any = None, *args: Any, **options: Any) -> Any:
        """A `SeriesCollection` (one global model's windows) for `id_column=` / `multi_series=`."""
        if cls is SeriesWindows and (options.get("id_column") is not None
                                     or options.get("multi_series")):
            from rnnkit.series.collection import collection_or_none

            return collection_or_none(data, options)
        return super().__new__(cls)

    def __init__(
        self,
        data: Any,
        *,
        window: int,
        target: str | Sequence[str] | None = None,
        features: str | Sequence[str] | None = None,
        output_steps: int | None = None,
        split: Sequence[float] = (0.7, 0.15, 0.15),
        scale: str | None = "standard",
        log: bool = False,
        difference: bool = False,
        batch_size: int = 32,
        shuffle: bool = True,
        seed: int | None = None,
        season: int | None = None,
        known_features: str | Sequence[str] | None = None,
        calendar: bool | Sequence[str] = False,
        id_column: str | None = None,
        multi_series: bool = False,
        scaler: Mapping[str, Any] | None = None,
    ):
        arguments = dict(locals())  # the settings, by name: WindowSpec picks its own
        frame = as_frame(data)
        spec = WindowSpec.from_dict(arguments).with_columns(list(frame.columns))
        frame = frame[list(spec.target + spec.features + spec.known_features)]
        check_frame(frame)
        self._frame = frame
        self.frequency = infer_frequency(frame.index)
        names = covariates.calendar_names(spec.calendar, frame.index, self.frequency)
        self._spec = dataclasses.replace(spec, calendar=names or False)
        if self.known_columns and self.window < spec.horizon():
            raise ValueError(f"window={self.window} is shorter than output_steps="
                             f"{self.output_steps}: the known features of the predicted steps "
                             "would not fit in the window; use window >= output_steps.")
        self._read_settings: dict[str, Any] | None = None  # set by from_file / from_config
        self._calibration: intervals.Calibration | None = None  # set by calibrate/from_config
        self._datasets: dict[str, Any] = {}
        self._transform(scaler)

    def _transform(self, scaler: Mapping[str, Any] | None) -> None:
        """Log, difference, split, scale (fit on train unless given); keep what undoes them.

        Sets the state that `forecasting`, `config` and the views read (see
        :class:`~rnnkit.series.inputs.InputState`): `_levels`, `_offset`,
        `_bounds`, `_scaler`, `_undo`, `_inputs` and `_targets_scaled`.
        """
        state = prepare_inputs(self._frame, self._spec, known_columns=self.known_columns,
                               scaler=scaler, check_parts=self._check_parts)
        self._levels, self._offset, self._bounds = state.levels, state.offset, state.bounds
        self._scaler, self._undo = state.scaler, state.undo
        self._inputs, self._targets_scaled = state.inputs, state.targets_scaled

    def _check_parts(self, bounds: dict[str, tuple[int, int]] | None = None) -> None:
        """Raise, with the row counts, unless every part holds at least one whole window."""
        parts.check_parts(self._bounds if bounds is None else bounds, window=self.window,
                          output_steps=self.output_steps, split=self.split,
                          difference=self.difference)

    @classmethod
    def from_file(cls, path: str | os.PathLike, **options: Any) -> SeriesWindows:
        """Read a file with :func:`read_series` and window it.

        Unless `columns=` is given, only the target and feature columns are read.

        Args:
            path: an `.xlsx`, `.xlsm`, `.csv`, `.tsv` or `.txt` file.
            window, target, ..., seed, scaler: the keywords of `SeriesWindows`.
            **read_series_kwargs: the keywords of :func:`read_series` (`sheet`,
                `date_column`, `missing`, `columns`, ...), saved with the config.

        Returns:
            A `SeriesWindows`.

        Example:
        >>> w = SeriesWindows.from_file("data/series/co2_weekly.xlsx", target="co2_ppm",
        ...                             date_column="week", missing="interpolate", window=52)
        >>> w.frequency
        'W-SAT'
        """
        # `options` splits into the constructor's keywords and read_series' (the signature
        # that help() shows is generated from __init__: see _from_file_signature)
        from rnnkit.series.collection import collection_from_file

        collection = collection_from_file(path, options)  # id_column= / multi_series=
        if collection is not None:
            return collection
        keywords = {name: options.pop(name) for name in _KEYWORDS if name in options}
        targets = check_names("target", keywords.get("target"))
        extra = [name for key in ("features", "known_features")
                 for name in check_names(key, keywords.get(key)) or []]
        if "columns" not in options and targets is not None:
            options["columns"] = targets + [c for c in extra if c not in targets]
        windows = cls(read_series(path, **options), **keywords)
        windows._read_settings = {k: (list(v) if isinstance(v, (list, tuple)) else v)
                                  for k, v in options.items()}
        return windows

    # ------------------------------------------------------------------ config (bundles)

    def to_config(self, *, include_data: bool = True) -> dict[str, Any]:
        """Return every setting, the fitted scaler and (optionally) the data, as JSON types.

        `SeriesWindows.from_config(config)` rebuilds an object that gives
        bit-identical predictions; `json.dumps(config)` works.

        Args:
            include_data: include the frame as `{"index", "index_kind",
                "columns", "dtypes", "values"}`.

        Returns:
            A JSON-serialisable `dict`.

        Example:
        >>> import json
        >>> w = SeriesWindows(list(range(60)), window=4, seed=0)
        >>> config = w.to_config()
        >>> w2 = SeriesWindows.from_config(json.loads(json.dumps(config)))
        >>> w2.scaler == w.scaler, config["version"], config["target"]
        (True, 1, ['value'])
        """
        return config_of(self, include_data=include_data)

    @classmethod
    def from_config(cls, config: dict[str, Any], data: Any = None) -> SeriesWindows:
        """Rebuild windows from :meth:`to_config`, with the SAVED scaler (no refit).

        Args:
            config: the dict from `to_config` (possibly through JSON).
            data: new data (DataFrame, Series, array, or a file path read with
                the saved `read_series` settings) instead of the saved frame.

        Returns:
            A `SeriesWindows`.

        Raises:
            ValueError: if the config has no data and none is given, or the
                data lacks the saved columns.

        Example:
        >>> w = SeriesWindows(list(range(60)), window=4)
        >>> w2 = SeriesWindows.from_config(w.to_config(include_data=False),
        ...                                data=list(range(100, 130)))
        >>> len(w2), w2.scaler == w.scaler
        (30, True)
        """
        from rnnkit.series.collection import collection_from_config

        collection = collection_from_config(config, data)
        return collection if collection is not None else windows_from_config(cls, config, data)

    def apply(self, data_or_path: Any) -> SeriesWindows:
        """Windows over new data with the same settings and the SAVED scaler (no refit).

        Args:
            data_or_path: a DataFrame / Series / array with the same columns,
                or a file read with the same `read_series` settings.

        Returns:
            A new `SeriesWindows`; `.forecast(model, steps)` continues the new data.

        Example:
        >>> w = SeriesWindows.from_file("data/series/airpassengers.xlsx", target="passengers",
        ...                             date_column="month", window=24)
        >>> recent = w.apply("data/series/airpassengers.csv")
        >>> recent.scaler == w.scaler
        True
        """
        return type(self).from_config(self.to_config(include_data=False), data=data_or_path)

    # ------------------------------------------------------------------ shapes, parts

    @property
    def spec(self) -> WindowSpec:
        """The settings (targets and features resolved to the data's columns)."""
        return self._spec

    @property
    def targets(self) -> list[str]:
        """The target columns, in order (the first inputs)."""
        return list(self._spec.target)

    @property
    def features(self) -> list[str]:
        """The further input columns, after the targets."""
        return list(self._spec.features)

    @property
    def frame(self) -> pd.DataFrame:
        """The data (target, feature, then known-feature columns) in original units."""
        return self._frame

    @property
    def known_features(self) -> list[str]:
        """The columns whose future values are known (given to `forecast` as `future=`)."""
        return list(self._spec.known_features)

    @property
    def known_columns(self) -> list[str]:
        """The known inputs, after the targets and features: known features, then calendar."""
        return self.known_features + covariates.calendar_columns(self._spec.calendar or ())

    @property
    def input_shape(self) -> tuple[int, int]:
        """`(window, number of input columns)`, for `build_seq2seq`."""
        return (self.window, self._inputs.shape[1])

    @property
    def output_dim(self) -> int:
        """Number of target columns predicted per step."""
        return len(self._spec.target)

    @functools.cached_property
    def season(self) -> int | None:
        """The season length of the baselines: given, of the frequency, or detected, or `None`.

        See :func:`rnnkit.series.forecasting.season_of` for the rule.
        """
        return forecasting.season_of(self)

    @property
    def calibration(self) -> intervals.Calibration | None:
        """What prediction intervals need (see `.calibrate`), or `None`; saved in the config."""
        return self._calibration

    @property
    def scaler(self) -> dict[str, Any]:
        """The fitted scaler: kind, columns, center and scale (training part only)."""
        return self._scaler.to_dict()

    def part_rows(self, split: str) -> tuple[int, int]:
        """The `[start, stop)` rows of a part, counted in the transformed series."""
        check_choice("split", split, PARTS)
        return self._bounds[split]

    def part_index(self, split: str) -> pd.Index:
        """The frame index labels of a part's rows."""
        lo, hi = self.part_rows(split)
        return self._frame.index[lo + self._offset: hi + self._offset]

    def future_index(self, steps: int) -> pd.Index:
        """The index of the `steps` rows after the data (dates at the inferred frequency)."""
        return future_index(self._frame.index, self.frequency, steps)

    def __len__(self) -> int:
        return len(self._frame)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{s} {hi - lo}" for s, (lo, hi) in self._bounds.items())
        return (f"SeriesWindows(target={self.targets}, features={self.features}, "
                f"window={self.window}, output_steps={self.output_steps}, log={self.log}, "
                f"difference={self.difference}, scale={self.scale!r}, rows: {sizes}, "
                f"frequency={self.frequency!r})")

    # ------------------------------------------------------------------ back to user units

    def inverse_transform(self, values: Any, *, anchor: Any = None) -> np.ndarray:
        """Scaled, transformed target values → original units.

        Undoes the scaler, then (with `difference=True`) adds the values up
        from `anchor`, the original-unit value just before the first one, then
        (with `log=True`) exponentiates.

        Args:
            values: array `(steps,)` (one target) or `(steps, targets)`.
            anchor: with `difference=True`: the original-unit value(s) of the
                step before `values[0]`; default the last row of the data.

        Returns:
            A float64 array of the same shape, in original units.

        Example:
        >>> w = SeriesWindows([float(v) for v in range(1, 61)], window=4, difference=True)
        >>> x, y = w.arrays("test")
        >>> w.inverse_transform(y[0, :, 0], anchor=w.frame["value"].iloc[48]).tolist()
        [50.0, 51.0, 52.0, 53.0]
        """
        last_level = self._levels[-1, : len(self._spec.target)]
        return self._undo.undo(values, anchor=anchor, last_level=last_level)

    # the use of a trained model, defined (and documented) in rnnkit.series.forecasting,
    # .backtest and .intervals
    predict = forecasting.predict
    forecast = forecasting.forecast
    evaluate = forecasting.evaluate
    backtest = backtest.backtest
    calibrate = intervals.calibrate


#: The constructor's signature is __init__'s (not the dispatching __new__'s), for help() and
#: for the keywords below.
SeriesWindows.__signature__ = inspect.signature(SeriesWindows.__init__).replace(
    parameters=list(inspect.signature(SeriesWindows.__init__).parameters.values())[1:])
#: The keywords of the constructor (the settings and `scaler`), which `from_file` passes on;
#: help() shows them in from_file's signature.
_KEYWORDS, SeriesWindows.from_file.__func__.__signature__ = file_signature(SeriesWindows)
