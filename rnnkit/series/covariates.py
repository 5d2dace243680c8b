"""Future-known covariates of `SeriesWindows`: calendar encodings and the values of `future`.

A *known feature* is an input whose future values are known when a forecast
is made (a calendar, a law in force from a known date, a plan, a weather
forecast). `SeriesWindows(known_features=[...], calendar=...)` puts them in
the inputs *ahead* of the target: input row `t` holds the target at `t` and
the known features at `t + lead`, where `lead = output_steps or 1` is the
number of steps one model call predicts. So every known value of the steps
being predicted is inside the window (a many-to-many model reads the known
features of step `t + 1` with the target of step `t`; a horizon model of `k`
steps finds those of its `k` predicted steps in its last `k` rows), and a
past feature (`features=`) never is.

This module holds what that needs:

* :data:`CALENDAR_PERIODS` and :func:`calendar_names` — the calendar
  encodings and the ones `calendar=True` picks for a frequency;
* :func:`calendar_frame` — their values (`sin` and `cos` of the phase) on a
  dated index, for the data and for the future;
* :func:`future_known` — the known inputs of the steps after the data, from
  the `future=` frame a user gives to `forecast` (and the calendar).

Example:
>>> import pandas as pd
>>> index = pd.date_range("2020-01-01", periods=3, freq="MS")
>>> calendar_frame(index, ("month",)).round(3)
            month_sin  month_cos
2020-01-01      0.000      1.000
2020-02-01      0.500      0.866
2020-03-01      0.866      0.500
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["CALENDAR_PERIODS", "check_calendar", "calendar_names", "calendar_columns",
           "calendar_frame", "known_values", "known_steps", "future_known"]

#: Each calendar encoding: its period and its phase on a `DatetimeIndex` (0 at the start).
CALENDAR_PERIODS: dict[str, tuple[float, Callable[[pd.DatetimeIndex], Any]]] = {
    "month": (12, lambda index: index.month - 1),
    "quarter": (4, lambda index: index.quarter - 1),
    "week": (52.1775, lambda index: index.isocalendar().week.to_numpy() - 1),
    "day_of_year": (365.25, lambda index: index.dayofyear - 1),
    "day_of_month": (31, lambda index: index.day - 1),
    "day_of_week": (7, lambda index: index.dayofweek),
    "hour": (24, lambda index: index.hour + index.minute / 60),
    "minute": (60, lambda index: index.minute + index.second / 60),
}

#: What `calendar=True` encodes, by the kind of the index frequency (pandas offset classes).
_DEFAULTS = (
    (("MonthBegin", "MonthEnd", "BusinessMonthBegin", "BusinessMonthEnd"), ("month",)),
    (("QuarterBegin", "QuarterEnd", "BQuarterBegin", "BQuarterEnd"), ("quarter",)),
    (("Week",), ("week",)),
    (("Day", "BusinessDay"), ("day_of_week", "day_of_year")),
    (("Hour",), ("hour", "day_of_week")),
    (("Minute", "Second"), ("hour", "day_of_week")),
)


def check_calendar(name: str, value: Any) -> bool | tuple[str, ...]:
    """The `calendar` setting: `False`, `True`, or the names of encodings (a tuple).

    Raises:
        ValueError: for a name that is not an encoding, or another kind of value.

    Example:
    >>> check_calendar("calendar", ["month"]), check_calendar("calendar", False)
    (('month',), False)
    >>> check_calendar("calendar", ["moon"])
    Traceback (most recent call last):
    ...
    ValueError: calendar=['moon'] names an unknown encoding 'moon'; use True (picked from \
the frequency) or a list of: month, quarter, week, day_of_year, day_of_month, day_of_week, \
hour, minute.
    """
    if value is None or isinstance(value, bool):
        return bool(value)
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, (list, tuple)) or not names:
        raise ValueError(f"{name}={value!r} must be True, False or a list of calendar "
                         f"encodings: {', '.join(CALENDAR_PERIODS)}.")
    for item in names:
        if item not in CALENDAR_PERIODS:
            raise ValueError(f"{name}={value!r} names an unknown encoding {item!r}; use True "
                             f"(picked from the frequency) or a list of: "
                             f"{', '.join(CALENDAR_PERIODS)}.")
    return tuple(dict.fromkeys(names))


def calendar_names(calendar: bool | Sequence[str], index: pd.Index,
                   frequency: str | None) -> tuple[str, ...]:
    """The encodings of a `calendar` setting on this index (`True`: picked from the frequency).

    Raises:
        ValueError: when the index holds no dates, or `True` finds no encoding
            for the frequency (then a list must be given).

    Example:
    >>> index = pd.date_range("2020-01-01", periods=5, freq="h")
    >>> calendar_names(True, index, "h")
    ('hour', 'day_of_week')
    """
    if calendar is False:
        return ()
    if not isinstance(index, pd.DatetimeIndex):
        raise ValueError("calendar encodings need dates, but the data has a plain row index; "
                         "read it with its date column (date_column=...), or leave calendar "
                         "off.")
    if calendar is not True:
        return tuple(calendar)
    kind = type(pd.tseries.frequencies.to_offset(frequency)).__name__ if frequency else None
    for kinds, names in _DEFAULTS:
        if kind in kinds:
            return names
    raise ValueError(f"calendar=True finds no encoding for the frequency {frequency!r}; name "
                     f"them, e.g. calendar=['month'] (from: {', '.join(CALENDAR_PERIODS)}).")


def calendar_columns(names: Sequence[str]) -> list[str]:
    """The input columns of the encodings: `<name>_sin` and `<name>_cos` for each.

    Example:
    >>> calendar_columns(["month"])
    ['month_sin', 'month_cos']
    """
    return [f"{name}_{part}" for name in names for part in ("sin", "cos")]


def calendar_frame(index: pd.DatetimeIndex, names: Sequence[str]) -> pd.DataFrame:
    """The encodings on a dated index: the sine and cosine of each phase, one row per date.

    Args:
        index: the dates.
        names: encodings (keys of :data:`CALENDAR_PERIODS`).

    Returns:
        A float64 `DataFrame` with the columns of :func:`calendar_columns`.

    Example:
    >>> index = pd.DatetimeIndex(["2021-01-04 06:00"])
    >>> calendar_frame(index, ["hour"]).round(3).values.tolist()
    [[1.0, 0.0]]
    """
    columns: dict[str, np.ndarray] = {}
    for name in names:
        period, phase = CALENDAR_PERIODS[name]
        angle = 2 * np.pi * np.asarray(phase(index), dtype="float64") / period
        columns[f"{name}_sin"], columns[f"{name}_cos"] = np.sin(angle), np.cos(angle)
    return pd.DataFrame(columns, index=index, dtype="float64")


def known_values(frame: pd.DataFrame, known: Sequence[str],
                 calendar: Sequence[str]) -> np.ndarray:
    """The known inputs of the frame's rows: its `known` columns, then the calendar columns.

    Example:
    >>> frame = pd.DataFrame({"y": [1.0, 2.0], "law": [0, 1]},
    ...                      index=pd.date_range("2020-01-01", periods=2, freq="MS"))
    >>> known_values(frame, ["law"], ["month"]).round(2).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.5, 0.87]]
    """
    blocks = [frame[list(known)].to_numpy(dtype="float64")]
    if calendar:
        blocks.append(calendar_frame(frame.index, calendar).to_numpy())
    return np.concatenate(blocks, axis=1)


def known_steps(windows: Any, steps: int) -> int:
    """The steps whose known values a forecast of `steps` reads: whole model calls.

    A model call predicts `output_steps or 1` steps and reads the known
    values of all of them, so `steps` rounds up to a multiple of that.

    Example:
    >>> from types import SimpleNamespace
    >>> known_steps(SimpleNamespace(output_steps=5), 12), known_steps(
    ...     SimpleNamespace(output_steps=None), 12)
    (15, 12)
    """
    lead = windows.output_steps or 1
    return -(-steps // lead) * lead


def future_known(windows: Any, future: Any, count: int) -> np.ndarray:
    """The scaled known inputs of the `count` steps after the data, `(count, known)` float32.

    The calendar is generated for the future dates; the `known_features`
    come from `future`, a DataFrame with those columns indexed by the future
    dates (for data without dates: by the future row numbers, else its first
    `count` rows). Extra rows and columns of `future` are ignored.

    Raises:
        ValueError: naming the missing columns, dates or values, and what to pass.
    """
    index = windows.future_index(count)
    known = windows.known_features
    if not known:
        if future is not None:
            raise ValueError("future= gives the future values of known features, but these "
                             "windows have none; build them with known_features=[...], or "
                             "leave future out.")
        return _scaled(windows, np.zeros((count, 0)), index)
    span = f"the {count} step(s) after the data ({index[0]} .. {index[-1]})"
    if future is None:
        raise ValueError(f"this forecast needs the future values of the known feature(s) "
                         f"{known} for {span}; pass future=, a DataFrame with those columns "
                         "indexed by those dates.")
    if not isinstance(future, pd.DataFrame):
        raise ValueError(f"future must be a pandas DataFrame with the column(s) {known}, "
                         f"not a {type(future).__name__}.")
    missing = [c for c in known if c not in future.columns]
    if missing:
        raise ValueError(f"future lacks the known feature column(s) {missing} (it has "
                         f"{[str(c) for c in future.columns]}); give their values for {span}.")
    rows = _future_rows(future[known], index, span)
    values = rows.to_numpy(dtype="float64")
    if not np.isfinite(values).all():
        bad = rows.index[~np.isfinite(values).all(axis=1)][:3].tolist()
        raise ValueError(f"future holds missing or non-finite known values at {bad}; give a "
                         f"number for every known feature at each of {span}.")
    return _scaled(windows, values, index)


def _future_rows(future: pd.DataFrame, index: pd.Index, span: str) -> pd.DataFrame:
    """The rows of `future` for the future `index`: by date when dated, else the first ones."""
    if isinstance(index, pd.DatetimeIndex):
        if not isinstance(future.index, pd.DatetimeIndex):
            raise ValueError(f"future must be indexed by the future dates ({span}); its index "
                             f"is a {type(future.index).__name__}.")
        lacking = index.difference(future.index)
        if len(lacking):
            raise ValueError(f"future lacks {len(lacking)} of the dates it needs, e.g. "
                             f"{[str(t) for t in lacking[:3]]}; give the known features for "
                             f"{span}.")
        return future.loc[~future.index.duplicated()].reindex(index)
    if pd.api.types.is_integer_dtype(future.index.dtype) and index.isin(future.index).all():
        return future.loc[~future.index.duplicated()].reindex(index)  # by row label
    if len(future) < len(index):
        raise ValueError(f"future has {len(future)} row(s), but {span} need {len(index)}.")
    return future.iloc[: len(index)]


def _scaled(windows: Any, values: np.ndarray, index: pd.Index) -> np.ndarray:
    """Known values (then the calendar of `index`) through the windows' fitted scaler."""
    names = windows.spec.calendar or ()
    if names:
        values = np.concatenate([values, calendar_frame(index, names).to_numpy()], axis=1)
    columns = windows.known_columns
    if not columns:
        return np.zeros((len(index), 0), dtype="float32")
    return windows._scaler.subset(columns).transform(values).astype("float32")
