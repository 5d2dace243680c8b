"""The series' calendar: its frequency, its season length and the dates after its end.

When the index has no dates (or no known season), :func:`detect_season` finds
the season length from the values' autocorrelation.

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

import reprlib
from typing import Any

import numpy as np
import pandas as pd

from rnnkit._checks import check_optional_int

__all__ = ["infer_frequency", "regular_grid", "season_length", "future_index",
           "detect_season", "resolve_season"]

#: Season length of a fixed step (hourly data repeats daily, daily data weekly, ...).
_TICK_SEASONS = {pd.Timedelta(hours=1): 24, pd.Timedelta(days=1): 7, pd.Timedelta(days=7): 52,
                 pd.Timedelta(minutes=1): 60}

#: detect_season: how many standard errors a peak must stand above zero, and how far above
#: the trough before it (in autocorrelation units); seasons whose comb scores differ by less
#: than _SEASON_TIE count as equally strong (the shorter wins).
_SEASON_Z, _SEASON_PROMINENCE, _SEASON_TIE = 3.0, 0.2, 0.15


def infer_frequency(index: pd.Index) -> str | None:
    """The frequency string of a `DatetimeIndex` (e.g. `"MS"`, `"W-SAT"`), or `None`.

    When pandas cannot infer a regular frequency (a gap, a missing week), the
    frequency of the regular grid that holds every date is used (see
    :func:`regular_grid`: a monthly series with a missing month is still
    `"MS"`), else the most common step between dates, in the index's own
    time unit (`s`, `ms`, `us` or `ns`). A plain (non-date) index, or one with
    fewer than 3 dates, has no frequency.

    Args:
        index: the series' index.

    Returns:
        A pandas frequency string, or `None`.

    Example:
    >>> infer_frequency(pd.DatetimeIndex(["2020-01-01", "2020-02-01", "2020-04-01"]))
    'MS'
    >>> frequency = infer_frequency(pd.DatetimeIndex(["2020-01-01", "2020-01-02",
    ...                                               "2020-01-03", "2020-01-05 07:13"]))
    >>> pd.Timedelta(pd.tseries.frequencies.to_offset(frequency))  # the most common step
    Timedelta('1 days 00:00:00')
    """
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 3:
        return None
    frequency, _ = regular_grid(index)
    if frequency is not None:
        return frequency
    return _modal_step(index)


def _modal_step(index: pd.DatetimeIndex) -> str | None:
    """The most common step between the dates as a frequency string (None: no step)."""
    steps = np.diff(index.asi8)  # integers in the index's own unit, not nanoseconds
    values, counts = np.unique(steps[steps > 0], return_counts=True)
    if not len(values):
        return None
    step = pd.Timedelta(int(values[np.argmax(counts)]), unit=index.unit)
    return pd.tseries.frequencies.to_offset(step).freqstr


def _pandas_frequency(index: pd.DatetimeIndex) -> str | None:
    """`pd.infer_freq` as a string (None for irregular dates), without pandas' warnings."""
    try:  # pandas >= 3: ask for the future return type (a BaseOffset), avoiding its warning
        with pd.option_context("future.infer_freq_returns_offset", True):
            freq = pd.infer_freq(index)
    except (KeyError, AttributeError):  # an older pandas (OptionError), which returns a str
        freq = pd.infer_freq(index)
    except (TypeError, ValueError):
        return None
    return None if freq is None else pd.tseries.frequencies.to_offset(freq).freqstr


def regular_grid(index: pd.DatetimeIndex) -> tuple[str | None, pd.DatetimeIndex]:
    """The frequency of the regular grid the dates lie on, and the grid's dates missing.

    The candidate frequencies are those pandas infers on short runs of
    consecutive dates (so a monthly series with gaps still offers `"MS"`) and
    the most common step. The coarsest grid from the first to the last date
    that holds every date wins, when at least half its dates are present;
    otherwise the dates are irregular: `(None, empty)`. Sorted, unique dates
    in any time unit.

    Args:
        index: the dates, sorted and unique.

    Returns:
        `(frequency, missing)`: a pandas frequency string and the grid's dates
        that `index` lacks (empty for a regular series), or `(None, empty)`.

    Example:
    >>> months = pd.DatetimeIndex(["2020-01-01", "2020-02-01", "2020-05-01", "2020-06-01"])
    >>> frequency, missing = regular_grid(months)
    >>> frequency, missing.strftime("%Y-%m").tolist()
    ('MS', ['2020-03', '2020-04'])
    """
    none = pd.DatetimeIndex([], dtype=index.dtype, name=index.name)
    if len(index) < 3:
        return None, none
    whole = _pandas_frequency(index)
    if whole is not None:
        return whole, none
    best: tuple[str | None, pd.DatetimeIndex] = (None, none)
    for frequency in _grid_candidates(index):
        try:
            grid = pd.date_range(index[0], index[-1], freq=frequency, name=index.name,
                                 unit=index.unit)
        except (ValueError, TypeError, OverflowError):
            continue
        if len(grid) > 2 * len(index) or not index.isin(grid).all():
            continue
        if best[0] is None or len(grid) < len(best[1]) + len(index):
            best = frequency, grid.difference(index)
    return best


def _grid_candidates(index: pd.DatetimeIndex, runs: int = 60, length: int = 3) -> list[str]:
    """Grid frequencies to try: of up to `runs` runs of 3 dates, the calendar's, the modal step."""
    found: dict[str, int] = {}
    starts = np.unique(np.linspace(0, len(index) - length, runs).astype(int))
    for start in starts:
        frequency = _pandas_frequency(index[start:start + length])
        if frequency is not None:
            found[frequency] = found.get(frequency, 0) + 1
    first = index[0]
    months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    quarter, year = months[(first.month - 1) % 3], months[first.month - 1]
    for calendar_frequency in ("MS", "ME", f"QS-{quarter}", f"QE-{quarter}", f"YS-{year}",
                               f"YE-{year}", f"W-{first.day_name()[:3].upper()}", "B", "D"):
        found.setdefault(calendar_frequency, 0)  # short series: runs of 3 may all hold a gap
    modal = _modal_step(index)
    if modal is not None:  # last: a calendar frequency wins a tie (YS rather than 8760h)
        found.setdefault(modal, 0)
    return sorted(found, key=lambda f: -found[f])


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


def resolve_season(values: Any, *, season: int | None = None,
                   frequency: str | None = None) -> tuple[int | None, str | None]:
    """The season length and where it came from: given, the frequency's, or detected.

    The one rule that `SeriesWindows.season`, the command line's defaults and
    the plots share: the `season` given; else the season of the index
    `frequency` (:func:`season_length`); else :func:`detect_season` on
    `values` when they are all finite; else `None`.

    Args:
        values: the series to detect a season in (e.g. the training part), 1-D.
        season: a season length given by the caller, or `None`.
        frequency: the index frequency (e.g. `"MS"`), or `None`.

    Returns:
        `(season, source)` with `source` one of `"given"`, `"frequency"`,
        `"detected"`, or `(None, None)`.

    Example:
    >>> resolve_season([1.0, 2.0], frequency="MS")
    (12, 'frequency')
    >>> resolve_season([1.0, 2.0], season=7, frequency="MS")
    (7, 'given')
    """
    if season is not None:
        return int(season), "given"
    from_dates = season_length(frequency)
    if from_dates is not None:
        return from_dates, "frequency"
    array = np.asarray(values, dtype="float64")
    detected = detect_season(array) if np.isfinite(array).all() else None
    return (int(detected), "detected") if detected is not None else (None, None)


def detect_season(values: Any, *, max_season: int | None = None) -> int | None:
    """The season length of a 1-D series, found from its autocorrelation; `None` when unclear.

    The rule, on the values `x` (n of them):

    1. remove the least-squares straight line (the trend), and compute the
       autocorrelation `r` of what is left (by FFT) up to `max_season` lags;
    2. a lag `p >= 2` is a *clear peak* when `r[p]` is a local maximum,
       stands at least 3 standard errors above zero (Bartlett's formula,
       `se = sqrt((1 + 2 (r[1]² + ... + r[p-1]²)) / n)`, which widens the
       bound for smooth, strongly correlated series such as random walks) —
       and above `r[1] ** p` when `r[1] < 0`, which an alternating series
       reaches without any season —, and rises at least 0.2 above the lowest
       `r` between `p // 3` and `p` (the trough of a season lies in between);
    3. each clear peak is scored by the mean of `r` at its multiples (`p,
       2p, 3p, ...`; the best lag within ±10 % of it, at most ±10, so that
       noise or a season of 52.18 weeks lands on the right whole number);
    4. the season is the shortest clear peak whose score is within 0.15 of
       the best score (so a half-season bump or a noisy multiple does not win).

    The bound of 3 standard errors needs about ten seasons of data for a smooth
    season (fewer for a sharp one): a shorter series gives `None` rather than
    a guess. White noise, random walks and AR(1) processes give `None`.

    Args:
        values: the series (a 1-D array, list or `pandas.Series` of finite
            numbers), e.g. the training part of the target.
        max_season: the longest season to look for; default (and at most) a
            third of the series, so that three seasons are seen.

    Returns:
        The number of steps in one season, or `None` when no season is clear.

    Raises:
        ValueError: if `values` is not 1-D or holds a missing or infinite value.

    Example:
    >>> steps = np.arange(480)
    >>> noise = np.random.default_rng(0).normal(0, 0.3, 480)
    >>> detect_season(np.sin(2 * np.pi * steps / 12) + steps / 100 + noise)
    12
    >>> detect_season(np.random.default_rng(0).normal(size=480)) is None  # white noise
    True
    """
    x = _season_values(values)
    limit = len(x) // 3
    max_season = check_optional_int("max_season", max_season, minimum=2)
    limit = limit if max_season is None else min(limit, max_season)
    steps = np.arange(len(x))
    residual = x - np.polyval(np.polyfit(steps, x, 1), steps) if len(x) > 1 else x
    if limit < 2 or np.ptp(residual) <= 1e-12 * max(1.0, float(np.abs(x).max())):
        return None
    r = _autocorrelation(residual, limit + 1)
    peaks = _clear_peaks(r, len(x), limit)
    if not len(peaks):
        return None
    scored = [_comb_score(r, int(p), limit) for p in peaks]
    scores = np.array([score for _, score in scored])
    return scored[int(np.flatnonzero(scores >= scores.max() - _SEASON_TIE)[0])][0]


def _season_values(values: Any) -> np.ndarray:
    """The values as a 1-D float64 array; raise for another shape or a non-finite value."""
    try:
        x = np.asarray(values, dtype="float64")
    except (TypeError, ValueError):
        raise ValueError(f"values={reprlib.repr(values)} must be numbers: a 1-D array, list "
                         "or pandas Series.") from None
    if x.ndim != 1:
        raise ValueError(f"values has shape {x.shape}; pass one series (a 1-D array), e.g. "
                         "frame['sales'].")
    if not np.isfinite(x).all():
        raise ValueError(f"values holds {int((~np.isfinite(x)).sum())} missing or infinite "
                         "value(s); fill them first (e.g. series.interpolate()).")
    return x


def _autocorrelation(x: np.ndarray, lags: int) -> np.ndarray:
    """The sample autocorrelation of `x` at lags 0..`lags` (by FFT, zero-padded)."""
    x = x - x.mean()
    size = 1 << int(np.ceil(np.log2(2 * len(x))))
    spectrum = np.fft.rfft(x, size)
    covariance = np.fft.irfft(spectrum * np.conj(spectrum), size)[: lags + 1]
    return covariance / covariance[0]


def _clear_peaks(r: np.ndarray, n: int, limit: int) -> np.ndarray:
    """The lags 2..`limit` where `r` has a clear peak (step 2 of :func:`detect_season`)."""
    lags = np.arange(2, limit + 1)
    se = np.sqrt((1 + 2 * np.cumsum(r[1:limit] ** 2)) / n)  # Bartlett, for lag k: r[1..k-1]
    alternating = r[1] ** lags if r[1] < 0 else 0.0
    peak = (r[lags] >= r[lags - 1]) & (r[lags] >= r[lags + 1]) \
        & (r[lags] - alternating >= _SEASON_Z * se)
    candidates = lags[peak]
    if not len(candidates):
        return candidates
    bounds = np.column_stack([np.maximum(1, candidates // 3), candidates]).ravel()
    troughs = np.minimum.reduceat(r, bounds)[::2]
    return candidates[r[candidates] - troughs >= _SEASON_PROMINENCE]


def _comb_score(r: np.ndarray, peak: int, limit: int) -> tuple[int, float]:
    """The lag near `peak` whose multiples have the highest mean `r`, and that mean."""
    reach = min(10, max(1, peak // 10))
    near = range(max(2, peak - reach), min(limit, peak + reach) + 1)
    season, score = max(((q, float(r[q: limit + 1: q].mean())) for q in near),
                        key=lambda pair: pair[1])
    return season, score
