"""The data of `SeriesWindows` as a DataFrame: from what the user passes, and checked.

:func:`as_frame` accepts a DataFrame, a Series or a 1-D/2-D array;
:func:`check_frame` refuses what cannot be windowed (text columns, missing
values, a duplicate or unsorted index, fewer than 2 rows).

Example:
>>> frame = as_frame([1, 2, 3])
>>> frame.columns.tolist(), len(frame)
(['value'], 3)
>>> check_frame(frame)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from rnnkit.series.parsing import check_unique_dates

__all__ = ["as_frame", "check_frame"]


def as_frame(data: Any) -> pd.DataFrame:
    """A copy of `data` as a DataFrame with `str` column names (time along the rows).

    Args:
        data: a `DataFrame`, a `Series` (its name becomes the column, default
            `"value"`), a 1-D array (column `"value"`) or a 2-D array (columns
            `"x0"`, `"x1"`, ...).

    Example:
    >>> as_frame(np.zeros((2, 2))).columns.tolist()
    ['x0', 'x1']
    """
    if isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, pd.Series):
        frame = data.to_frame(name=str(data.name) if data.name is not None else "value")
    elif isinstance(data, (np.ndarray, list, tuple)):
        array = np.asarray(data)
        if array.ndim == 1:
            frame = pd.DataFrame({"value": array})
        elif array.ndim == 2:
            frame = pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])])
        else:
            raise ValueError(f"data has shape {array.shape}; pass a 1-D or 2-D array "
                             "(time along the first axis), a Series or a DataFrame.")
    else:
        raise ValueError(f"data of type {type(data).__name__} is not supported; pass a pandas "
                         "DataFrame or Series, a NumPy array, or use SeriesWindows.from_file.")
    frame = frame.copy()
    frame.columns = [str(c) for c in frame.columns]
    return frame


def check_frame(frame: pd.DataFrame) -> None:
    """Raise unless every column holds finite numbers on a unique, increasing index.

    Example:
    >>> check_frame(pd.DataFrame({"v": [1.0, np.nan]}))
    Traceback (most recent call last):
    ...
    ValueError: column 'v' has 1 missing or infinite value(s), the first at 1. Read the file \
with missing='interpolate' or 'drop', or use df.interpolate() / df.dropna().
    """
    for name in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[name].dtype) \
                or pd.api.types.is_bool_dtype(frame[name].dtype):
            raise ValueError(f"column {name!r} has dtype {frame[name].dtype}, not numbers; "
                             "convert it, or leave it out of target/features.")
    values = frame.to_numpy(dtype="float64")
    if not np.isfinite(values).all():
        r, c = np.argwhere(~np.isfinite(values))[0]
        count = int((~np.isfinite(values)).sum())
        raise ValueError(
            f"column {frame.columns[c]!r} has {count} missing or infinite value(s), the first "
            f"at {frame.index[r]!s}. Read the file with missing='interpolate' or 'drop', or "
            "use df.interpolate() / df.dropna().")
    index = frame.index
    if isinstance(index, pd.DatetimeIndex) or pd.api.types.is_numeric_dtype(index.dtype):
        check_unique_dates(index, "the data's index")
        if not index.is_monotonic_increasing:
            pos = int(np.flatnonzero(~(index[1:] > index[:-1]))[0]) + 1
            raise ValueError(
                f"the data's index is not in increasing time order: {index[pos]!s} comes "
                f"after {index[pos - 1]!s}. Sort it with df.sort_index().")
    if len(frame) < 2:
        raise ValueError(f"the data has {len(frame)} row(s); a series needs many more.")
