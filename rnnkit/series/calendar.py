"""The series' calendar: its frequency, its season length and the dates after its end.

Example:
>>> import pandas as pd
>>> months = pd.date_range("1949-01-01", periods=144, freq="MS", name="month")
>>> frequency = infer_frequency(months)
>>> frequency, season_length(frequency)
('MS', 12)
>>> future_index(months, frequency, 2).strftime("%Y-%m").tolist()
['1961-01', '1961-02']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["infer_frequency", "season_length", "future_index"]

#: Season length of a fixed step (hourly data repeats daily, daily data weekly, ...).
_TICK_SEASONS = {pd.Timedelta(hours=1): 24, pd.Timedelta(days=1): 7, pd.Timedelta(days=7): 52,
                 pd.Timedelta(minutes=1): 60}


def infer_frequency(index: pd.Index) -> str | None:
    """The frequency string of a `DatetimeIndex` (e.g. `"MS"`, `"W-SAT"`), or `None`.

    When pandas cannot infer a regular frequency (a gap, a missing week), the
    most common step between dates is used. A plain (non-date) index, or one
    with fewer than 3 dates, has no frequency.

    Args:
        index: the series' index.

    Returns:
        A pandas frequency string, or `None`.

    Example:
    >>> frequency = infer_frequency(pd.DatetimeIndex(["2020-01-01", "2020-01-02", "2020-01-04"]))
    >>> pd.Timedelta(pd.tseries.frequencies.to_offset(frequency))  # the most common step
    Timedelta('1 days 00:00:00')
    """
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 3:
        return None
    try:  # pandas >= 3: ask for the future return type (a BaseOffset), avoiding its warning
        with pd.option_context("future.infer_freq_returns_offset", True):
            freq = pd.infer_freq(index)
    except (KeyError, AttributeError):  # an older pandas (OptionError), which returns a str
        freq = pd.infer_freq(index)
    if freq is not None:
        return pd.tseries.frequencies.to_offset(freq).freqstr
    step = pd.Series(index[1:] - index[:-1]).mode().iloc[0]  # a Timedelta, in any time unit
    return pd.tseries.frequencies.to_offset(step).freqstr


def season_length(frequency: str | None) -> int | None:
    """Season length for an index frequency: monthly 12, quarterly 4, weekly 52, daily 7, ...

    Args:
        frequency: a pandas frequency string, e.g. from :func:`infer_frequency`.

    Returns:
        The number of steps in one season (business days 5, hourly 24,
        minutely 60), or `None` when the frequency has no known season.

    Example:
    >>> season_length("QS"), season_length("W-SUN"), season_length("D"), season_length("3D")
    (4, 52, 7, None)
    """
    if frequency is None:
        return None
    try:
        offset = pd.tseries.frequencies.to_offset(frequency)
    except ValueError:
        return None
    off = pd.offsets
    if offset.n == 1:
        if isinstance(offset, (off.MonthBegin, off.MonthEnd, off.BusinessMonthBegin,
                               off.BusinessMonthEnd)):
            return 12
        if isinstance(offset, (off.QuarterBegin, off.QuarterEnd)):
            return 4
        if isinstance(offset, off.Week):
            return 52
        if isinstance(offset, off.BusinessDay):
            return 5
    if isinstance(offset, (off.Tick, off.Day)):  # pandas >= 3: a Day is no longer a Tick
        return _TICK_SEASONS.get(pd.Timedelta(offset))
    return None


def future_index(index: pd.Index, frequency: str | None, steps: int) -> pd.Index:
    """The index of the `steps` rows after the end of `index`.

    Dates continue at `frequency`; an integer index continues with its most
    common step; any other index continues the row count.

    Args:
        index: the series' index.
        frequency: its frequency (see :func:`infer_frequency`), for dates.
        steps: how many rows to add.

    Returns:
        A `DatetimeIndex` or a `RangeIndex`, with the name of `index`.

    Example:
    >>> future_index(pd.Index([10, 20, 30]), None, 2)
    RangeIndex(start=40, stop=60, step=10)
    """
    if isinstance(index, pd.DatetimeIndex) and frequency is not None:
        return pd.date_range(index[-1], periods=steps + 1, freq=frequency,
                             name=index.name)[1:]
    if pd.api.types.is_integer_dtype(index.dtype) and len(index) > 1:
        step = int(pd.Series(np.diff(np.asarray(index))).mode().iloc[0])
        start = int(index[-1]) + step
        return pd.RangeIndex(start, start + step * steps, step, name=index.name)
    return pd.RangeIndex(len(index), len(index) + steps, name=index.name)
