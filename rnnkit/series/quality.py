"""What `read_series` checks in the dates and values it read: order, zones, gaps, outliers.

Each check either raises, naming the rows and the keyword that settles it,
or leaves a *note*: a sentence saying what was assumed or changed, kept in
the result's `attrs["notes"]` and issued once as a :class:`ReadNote`
warning (a `UserWarning`), so that nothing changes silently.

- dates must be strictly increasing in file order (:func:`check_order`;
  `sort=True` sorts them instead);
- time-zone-aware stamps are converted to UTC or a given `tz=` (:func:`convert_zone`);
- a regular series with dates missing from its grid is refused, filled or
  kept as it is, by `missing=` (:func:`handle_gaps`);
- a value many orders of magnitude above the others gets a note naming its
  row (:func:`note_outliers`): it may be real, so it is kept.

Example:
>>> import pandas as pd
>>> months = pd.DatetimeIndex(["2020-01-01", "2020-02-01", "2020-04-01"], name="month")
>>> frame = pd.DataFrame({"v": [1.0, 2.0, 4.0]}, index=months)
>>> notes = []
>>> handle_gaps(frame, "interpolate", "'m.csv'", notes)["v"].round(3).tolist()
[1.0, 2.0, 2.967, 4.0]
>>> notes
["'m.csv' has 1 date(s) missing from its monthly grid (frequency 'MS'): 2020-03-01; they \
are filled by time interpolation (missing='interpolate')."]
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from rnnkit.series.calendar import regular_grid
from rnnkit.series.parsing import row_number

__all__ = ["ReadNote", "issue_notes", "check_order", "convert_zone", "handle_gaps",
           "note_outliers"]

#: How many times the typical size of a column a value must be to get a note.
OUTLIER_FACTOR = 1e6
#: Words for the usual frequencies, in messages.
_FREQUENCY_WORDS = {"MS": "monthly", "ME": "monthly", "D": "daily", "h": "hourly",
                    "B": "business-day", "min": "minutely", "QS": "quarterly",
                    "QE": "quarterly", "YS": "yearly", "YE": "yearly", "W": "weekly"}


class ReadNote(UserWarning):
    """What `read_series` assumed or changed in a file (also in the result's `attrs["notes"]`)."""


def issue_notes(frame: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """Keep the notes in `frame.attrs["notes"]` and issue each as a :class:`ReadNote` warning.

    Example:
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     frame = issue_notes(pd.DataFrame({"v": [1]}), ["the dates are in UTC."])
    >>> frame.attrs["notes"], [str(w.message) for w in caught]
    (['the dates are in UTC.'], ['the dates are in UTC.'])
    """
    frame.attrs["notes"] = list(notes)
    for text in notes:
        warnings.warn(text, ReadNote, stacklevel=3)
    return frame


def _label(stamp: pd.Timestamp) -> str:
    """A date as `YYYY-MM-DD` at midnight (without a zone), else in full."""
    if stamp.tz is None and stamp == stamp.normalize():
        return str(stamp.date())
    return str(stamp)


def check_order(dates: pd.DatetimeIndex, where: str, rows: np.ndarray) -> None:
    """Raise unless the (unique) dates increase in file order, naming the rows out of order.

    Args:
        dates: the parsed dates, in file order.
        where: the date column and file, for the message.
        rows: the file's data-row position of each date.

    Example:
    >>> check_order(pd.DatetimeIndex(["2020-01-01", "2020-03-01", "2020-02-01"]),
    ...             "date column 'd' of 'a.csv'", np.arange(3))
    Traceback (most recent call last):
    ...
    ValueError: date column 'd' of 'a.csv' is not in increasing order: 1 row(s) come after a \
later date: row 4 (2020-02-01, after 2020-03-01). Sort the rows by date in the file, or pass \
sort=True to sort them.
    """
    values = dates.asi8
    latest = np.maximum.accumulate(values)
    late = np.flatnonzero(values[1:] < latest[:-1]) + 1
    if not len(late):
        return
    shown = ", ".join(f"row {row_number(int(rows[p]))} ({_label(dates[p])}, after "
                      f"{_label(dates[int(np.argmax(values[:p]))])})" for p in late[:5])
    more = ", ..." if len(late) > 5 else ""
    raise ValueError(
        f"{where} is not in increasing order: {len(late)} row(s) come after a later date: "
        f"{shown}{more}. Sort the rows by date in the file, or pass sort=True to sort them.")


def check_zone(tz: str | None) -> None:
    """Refuse a `tz=` that is not a time zone.

    Example:
    >>> check_zone("Europe/Berlin")
    >>> check_zone("Mars/Base")
    Traceback (most recent call last):
    ...
    ValueError: tz='Mars/Base' is not a time zone; pass e.g. 'UTC' or 'Europe/Berlin', or None \
for UTC.
    """
    if tz is None:
        return
    try:
        pd.Timestamp(0, tz=tz)
    except Exception:  # pytz / zoneinfo / dateutil each raise their own error
        raise ValueError(f"tz={tz!r} is not a time zone; pass e.g. 'UTC' or 'Europe/Berlin', "
                         "or None for UTC.") from None


def convert_zone(dates: pd.DatetimeIndex, tz: str | None, where: str, example: str,
                 notes: list[str]) -> pd.DatetimeIndex:
    """Zone-aware dates converted to UTC (or `tz`), with a note; naive dates as they are.

    Example:
    >>> stamps = pd.DatetimeIndex(["2021-03-28 00:00", "2021-03-28 01:00"], tz="UTC")
    >>> notes = []
    >>> str(convert_zone(stamps, "Europe/Berlin", "'t.csv'", "x", notes)[1])
    '2021-03-28 03:00:00+02:00'
    """
    if dates.tz is None:
        if tz is not None:
            raise ValueError(
                f"tz={tz!r} was given but the dates of {where} carry no time zone (e.g. "
                f"{example!r}), so there is nothing to convert. Drop tz=.")
        return dates
    target = tz or "UTC"
    notes.append(f"the dates of {where} carry time zones (e.g. {example!r}); they are "
             f"converted to {target}" + ("" if tz else " (pass tz= for another zone)") + ".")
    return dates.tz_convert(target)


def _frequency_words(frequency: str) -> str:
    base = frequency.split("-")[0]
    return _FREQUENCY_WORDS.get(base, f"{frequency!r}")


def handle_gaps(frame: pd.DataFrame, missing: str, where: str,
                notes: list[str]) -> pd.DataFrame:
    """Find dates missing from the grid of a regular series and handle them by `missing`.

    `"error"` raises naming the frequency, the first missing dates and their
    count; `"interpolate"` adds the missing dates and fills their values by
    time interpolation; `"drop"` keeps the dates as they are. Both leave a
    note. Irregular dates (no grid holds them all) get a note that forecasts
    step by the most common step.
    """
    if len(frame) < 3:
        return frame
    frequency, absent = regular_grid(frame.index)
    if frequency is None:
        notes.append(f"the dates of {where} are not evenly spaced (no regular grid holds "
                 "them all): forecasts step by their most common step.")
        return frame
    if not len(absent):
        return frame
    shown = ", ".join(_label(d) for d in absent[:5]) + (", ..." if len(absent) > 5 else "")
    what = (f"{where} has {len(absent)} date(s) missing from its {_frequency_words(frequency)}"
            f" grid (frequency {frequency!r}): {shown}")
    if missing == "error":
        raise ValueError(
            f"{what}. Pass missing='interpolate' to add them with values interpolated in "
            "time, or missing='drop' to keep the dates as they are (forecasts then step by "
            f"{frequency!r}).")
    if missing == "drop":
        notes.append(f"{what}; they stay missing (missing='drop'): forecasts step by the "
                 f"inferred frequency {frequency!r}.")
        return frame
    notes.append(f"{what}; they are filled by time interpolation (missing='interpolate').")
    full = frame.reindex(frame.index.union(absent))
    full.index.name = frame.index.name
    return full.interpolate(method="time", limit_direction="both")


def note_outliers(frame: pd.DataFrame, where: str, rows: np.ndarray, notes: list[str]) -> None:
    """Note the values more than a million times the typical size of their column.

    The typical size is the median of the non-zero absolute values. Such a
    value may be real, so it is kept; the note names its row.

    Example:
    >>> notes = []
    >>> frame = pd.DataFrame({"v": [100.0, 98.0, 1e30, 101.0]})
    >>> note_outliers(frame, "'a.csv'", np.arange(4), notes)  # doctest: +ELLIPSIS
    >>> notes
    ["column 'v' of 'a.csv': row 4 holds 1e+30, ... check it (a typo or a unit mix-up?)..."]
    """
    for name in frame.columns:
        column = np.abs(frame[name].to_numpy(dtype="float64"))
        values = column[np.isfinite(column) & (column > 0)]
        if len(values) < 3:
            continue
        typical = float(np.median(values))
        far = np.flatnonzero(column > OUTLIER_FACTOR * typical)
        if len(far):
            pos = int(far[0])
            notes.append(f"column {name!r} of {where}: row {row_number(int(rows[pos]))} "
                     f"holds {frame[name].iloc[pos]:g}, more than a million times the typical "
                     f"size of its values (about {typical:.3g}; {len(far)} such cell(s)): "
                     "check it (a typo or a unit mix-up?). It is kept as it is.")
