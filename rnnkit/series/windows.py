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

import functools
import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rnnkit._checks import check_choice, check_names
from rnnkit.series import backtest, calendar, forecasting, intervals, parts
from rnnkit.series.config import config_of, windows_from_config
from rnnkit.series.frames import as_frame, check_frame
from rnnkit.series.io import read_series
from rnnkit.series.pipeline import window_dataset
from rnnkit.series.spec import PARTS, WindowSpec, file_signature, settings_as_properties
from rnnkit.series.transforms import Difference, Log, Scaler, TransformChain

__all__ = ["SeriesWindows"]


@settings_as_properties
class SeriesWindows:
    """Windows over a time series for a recurrent forecaster, and their way back.

    In this order: optional transforms (`log`, then first `difference`), a
    time-ordered split into train / val / test parts, a scaler fit on the
    training part only, then windows. Every predicted step lies inside its
    own part; inputs come only from the past and may reach back into the
    preceding part (so a short test part still gets a prediction for each of
    its rows), never forward. Whatever comes back to the user (`.predict`,
    `.forecast`, `.evaluate`, `.inverse_transform`) is in the series' own
    units and time index.

    Inputs are the target columns followed by the `features` columns. With
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
        scaler: Mapping[str, Any] | None = None,
    ):
        arguments = dict(locals())  # the settings, by name: WindowSpec picks its own
        frame = as_frame(data)
        self._spec = WindowSpec.from_dict(arguments).with_columns(list(frame.columns))
        frame = frame[self.targets + self.features]
        check_frame(frame)
        self._frame = frame
        self.frequency = calendar.infer_frequency(frame.index)
        self._read_settings: dict[str, Any] | None = None  # set by from_file / from_config
        self._calibration: intervals.Calibration | None = None  # set by calibrate/from_config
        self._datasets: dict[str, Any] = {}
        self._transform(scaler)

    def _transform(self, scaler: Mapping[str, Any] | None) -> None:
        """Log, difference, split, scale (fit on train unless given); keep what undoes them.

        Sets the state that `forecasting`, `config` and the views read: `_levels`
        (float64, after log, before differencing), `_offset` (the frame row of
        transformed row 0), `_bounds` (the parts), `_scaler`, `_undo` (the
        targets' `TransformChain`), `_inputs` and `_targets_scaled` (float32).
        """
        spec, columns = self._spec, list(self._frame.columns)
        values = self._frame.to_numpy(dtype="float64")
        log = Log().fit(values, columns=columns, index=self._frame.index) if spec.log else None
        self._levels = log.transform(values) if log else values  # before differencing
        difference = Difference() if spec.difference else None
        changes = difference.transform(self._levels) if difference else self._levels
        self._offset = 1 if difference else 0  # the frame row of transformed row 0
        self._bounds = parts.split_bounds(len(changes), spec.split)
        if scaler is None:
            self._check_parts()
            lo, hi = self._bounds["train"]
            fitted = Scaler(spec.scale).fit(changes[lo:hi], columns)
        else:
            fitted = Scaler.from_dict(scaler)
            if fitted.columns != columns:
                raise ValueError(f"the saved scaler is for columns {fitted.columns}, but the "
                                 f"windows use {columns}.")
        self._scaler = fitted
        self._undo = TransformChain(log, difference, fitted.subset(self.targets))
        self._inputs = np.ascontiguousarray(fitted.transform(changes), dtype="float32")
        self._targets_scaled = self._inputs if not self.features else \
            np.ascontiguousarray(self._inputs[:, : len(self.targets)])

    def _check_parts(self) -> None:
        """Raise, with the row counts, unless every part holds at least one whole window."""
        parts.check_parts(self._bounds, window=self.window, output_steps=self.output_steps,
                          split=self.split, difference=self.difference)

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
        keywords = {name: options.pop(name) for name in _KEYWORDS if name in options}
        targets = check_names("target", keywords.get("target"))
        extra = check_names("features", keywords.get("features")) or []
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
        return windows_from_config(cls, config, data)

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
        """The data (target then feature columns) in original units, on its own index."""
        return self._frame

    @property
    def input_shape(self) -> tuple[int, int]:
        """`(window, number of input columns)`, for `build_seq2seq`."""
        return (self.window, len(self._spec.target) + len(self._spec.features))

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
        return calendar.future_index(self._frame.index, self.frequency, steps)

    def __len__(self) -> int:
        return len(self._frame)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{s} {hi - lo}" for s, (lo, hi) in self._bounds.items())
        return (f"SeriesWindows(target={self.targets}, features={self.features}, "
                f"window={self.window}, output_steps={self.output_steps}, log={self.log}, "
                f"difference={self.difference}, scale={self.scale!r}, rows: {sizes}, "
                f"frequency={self.frequency!r})")

    # ------------------------------------------------------------------ windows

    def _input_windows(self) -> np.ndarray:
        """Every input window, `(starts, window, inputs)`, as a view of the scaled inputs."""
        from numpy.lib.stride_tricks import sliding_window_view

        return sliding_window_view(self._inputs, self.window, axis=0).transpose(0, 2, 1)

    def _sample_starts(self, split: str) -> tuple[int, int]:
        """`[lo, hi)` window start rows whose predicted steps all lie inside `split`."""
        check_choice("split", split, PARTS)
        try:
            return parts.window_starts(self._bounds, split, window=self.window,
                                       output_steps=self.output_steps)
        except ValueError:
            self._check_parts()  # names the row counts of every part
            raise

    def arrays(self, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
        """The `(x, y)` windows of a part as read-only NumPy views (no copy).

        Args:
            split: `"train"`, `"val"` or `"test"`.

        Returns:
            `x` of shape `(n, window, inputs)` and `y` of shape
            `(n, window, targets)` (many-to-many) or `(n, output_steps, targets)`,
            scaled (and transformed).

        Example:
        >>> w = SeriesWindows(list(range(60)), window=4, output_steps=2, scale=None)
        >>> x, y = w.arrays("val")
        >>> x[0, :, 0].tolist(), y[0, :, 0].tolist()
        ([38.0, 39.0, 40.0, 41.0], [42.0, 43.0])
        """
        return self._windows_between(*self._sample_starts(split))

    def _windows_between(self, s0: int, s1: int) -> tuple[np.ndarray, np.ndarray]:
        """The `(x, y)` views of the windows starting at rows `[s0, s1)`."""
        from numpy.lib.stride_tricks import sliding_window_view

        k = self.window if self.output_steps is None else self.output_steps
        y = sliding_window_view(self._targets_scaled, k, axis=0).transpose(0, 2, 1)
        shift = 1 if self.output_steps is None else self.window
        return self._input_windows()[s0:s1], y[s0 + shift: s1 + shift]

    def dataset(self, split: str = "train") -> Any:
        """The batched `tf.data.Dataset` of `(x, y)` for a part (see `.train`)."""
        check_choice("split", split, PARTS)
        if split not in self._datasets:
            s0, s1 = self._sample_starts(split)
            self._datasets[split] = window_dataset(
                self._inputs, self._targets_scaled, start=s0, stop=s1, window=self.window,
                output_steps=self.output_steps, batch_size=self.batch_size,
                shuffle=split == "train" and self.shuffle, seed=self.seed)
        return self._datasets[split]

    @property
    def train(self) -> Any:
        """Training windows, shuffled each epoch (with `shuffle=True`), batched."""
        return self.dataset("train")

    @property
    def val(self) -> Any:
        """Validation windows, in time order, batched."""
        return self.dataset("val")

    @property
    def test(self) -> Any:
        """Test windows, in time order, batched."""
        return self.dataset("test")

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


#: The keywords of the constructor (the settings and `scaler`), which `from_file` passes on;
#: help() shows them in from_file's signature.
_KEYWORDS, SeriesWindows.from_file.__func__.__signature__ = file_signature(SeriesWindows)
