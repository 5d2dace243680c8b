"""Cells and dates of a table read from a file: blank cells, numbers, dates, duplicate dates.

The small rules that :func:`rnnkit.series.read_series` applies cell by cell,
and that `SeriesWindows` reuses for the index of a DataFrame. Messages count
rows as a spreadsheet does: the header is row 1, so the first data row is
row 2.

Example:
>>> import pandas as pd
>>> numbers, bad = to_numbers(pd.Series(["1", " 2 ", "", "n/a"]))
>>> numbers.tolist()[:2], bad.tolist()
([1.0, 2.0], [False, False, False, True])
>>> is_datelike(pd.Series(["2020-01-01", "2020-02-01"]))
True
"""

from __future__ import annotations

import datetime
import re

import numpy as np
import pandas as pd


def row_number(position: int) -> int:
    """The spreadsheet row of a data row: the header is row 1, so data row 0 is row 2.

    Example:
    >>> row_number(0)
    2
    """
    return position + 2


def blank(column: pd.Series) -> pd.Series:
    """True where a cell is empty: NaN/None or a whitespace-only string.

    Example:
    >>> blank(pd.Series([1.0, None, " ", "x"], dtype=object)).tolist()
    [False, True, True, False]
    """
    empty = column.isna()
    if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
        text = column.astype("string").str.strip()
        empty = empty | (text == "").fillna(False).astype(bool)
    return empty


def to_numbers(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The column as float64 (blank → NaN), and a mask of the non-numeric, non-blank cells.

    Example:
    >>> to_numbers(pd.Series([True, False]))[0].tolist()
    [1.0, 0.0]
    """
    empty = blank(column)
    if pd.api.types.is_bool_dtype(column.dtype) or pd.api.types.is_numeric_dtype(column.dtype):
        return column.astype("float64"), pd.Series(False, index=column.index)
    values = column.where(~empty)
    numbers = pd.to_numeric(values.astype("string").str.strip(), errors="coerce")
    numbers = numbers.astype("float64")
    bad = numbers.isna() & ~empty
    return numbers, bad


def is_datelike(column: pd.Series) -> bool:
    """True when the column's first 50 filled cells are all dates (or date strings).

    Numbers are never dates here, so that a column of years or counts stays a
    value column.

    Example:
    >>> is_datelike(pd.Series(["2020", "2021"])), is_datelike(pd.Series(["soon"]))
    (False, False)
    """
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return True
    if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
        return False
    values = column[~blank(column)]
    if values.empty:
        return False
    if all(isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "isoformat")
           for v in values.iloc[:50]):
        return True
    sample = values.iloc[:50].astype("string")
    if pd.to_numeric(sample, errors="coerce").notna().all():
        return False
    parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
    return bool(parsed.notna().all())


def parse_dates(column: pd.Series, *, name: str, where: str,
                dayfirst: bool | None = None) -> pd.DatetimeIndex:
    """The column as a `DatetimeIndex` named `name`; raise naming the first blank or bad cell.

    Args:
        column: the date cells (datetimes, dates or strings).
        name: the column's name, for the index and the messages.
        where: the file (and sheet) it comes from, for the messages.
        dayfirst: how `01.02.2020`-style dates (day and month before the
            year) are read: None decides from the whole column (see
            :func:`day_month_order`).

    Example:
    >>> dates = parse_dates(pd.Series(["2020-01-01", "2020-01-08"]), name="week", where="'w.csv'")
    >>> dates.name, dates.strftime("%d.%m.%Y").tolist()
    ('week', ['01.01.2020', '08.01.2020'])
    """
    empty = blank(column)
    if empty.any():
        pos = int(np.flatnonzero(empty.to_numpy())[0])
        raise ValueError(
            f"date column {name!r} of {where} has {int(empty.sum())} empty cell(s), the first "
            f"in row {row_number(pos)}. Fill in the dates, or delete those rows.")
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        parsed = pd.to_datetime(column)
    else:
        values = excel_day_zero(column).map(
            lambda v: v.isoformat() if hasattr(v, "isoformat") else v)
        values = day_month_order(values.astype("string"), dayfirst, name=name, where=where)
        try:
            parsed = pd.to_datetime(values, errors="coerce", format="mixed")
        except ValueError:  # offsets that differ (a daylight-saving switch), or some missing
            _zoned(values, name=name, where=where)
            parsed = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
        bad = parsed.isna()
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"date column {name!r} of {where}: row {row_number(pos)} holds "
                f"{column.iloc[pos]!r}, which is not a date ({int(bad.sum())} such cell(s)). "
                "Write dates as YYYY-MM-DD (or Excel dates), or pick another date_column.")
    return pd.DatetimeIndex(parsed, name=name)


#: A time of day followed by a time zone (`10:00Z`, `01:00+01:00`, `12:00:00 UTC`).
ZONED = r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)\s*$"


def _zoned(values: pd.Series, *, name: str, where: str) -> bool:
    """True when every date carries a time zone; False when none does; else an error.

    Called when pandas finds several zones in a column: stamps whose offsets
    change at a daylight-saving switch are then parsed to UTC, but a column
    that mixes stamps with and without a zone has no one reading.

    Example:
    >>> _zoned(pd.Series(["2021-03-28 01:00+01:00", "2021-03-28 03:00+02:00"]), name="t",
    ...        where="'a.csv'")
    True
    """
    zoned = values.str.contains(ZONED, regex=True, case=False).fillna(False).to_numpy(bool)
    if zoned.all() or not zoned.any():
        return bool(zoned.all())
    with_zone, without = int(np.flatnonzero(zoned)[0]), int(np.flatnonzero(~zoned)[0])
    raise ValueError(
        f"date column {name!r} of {where} mixes stamps with a time zone (row "
        f"{row_number(with_zone)}: {values.iloc[with_zone]!r}) and without one (row "
        f"{row_number(without)}: {values.iloc[without]!r}), so they have no one reading. Write "
        "every stamp with its offset (e.g. 2021-03-28 01:00+01:00), or none.")


#: A date with day and month before the year (`31.01.2020`, `1/31/20 10:00`).
DAY_MONTH = re.compile(r"^\s*(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})((?:[ T].*)?)\s*$")


def day_month_order(values: pd.Series, dayfirst: bool | None, *, name: str,
                    where: str) -> pd.Series:
    """Rewrite day/month/year cells as ISO dates, the order decided for the whole column.

    A first number above 12 makes the column day-first, a second one above 12
    month-first; `dayfirst=` says it outright. A column with no deciding
    value whose cells read two ways is an error naming both readings (ISO
    `YYYY-MM-DD` is never ambiguous). Two-digit years: 69-99 → 1900s.

    Example:
    >>> cells = pd.Series(["01.02.2020", "31.01.2020"])
    >>> day_month_order(cells, None, name="d", where="'a.csv'").tolist()
    ['2020-02-01', '2020-01-31']
    >>> day_month_order(cells[:1], None, name="d", where="'a.csv'")
    Traceback (most recent call last):
    ...
    ValueError: date column 'd' of 'a.csv' reads two ways: row 2 holds '01.02.2020', which is \
2020-02-01 with dayfirst=True but 2020-01-02 with dayfirst=False, and no date has a day above \
12 to decide. Pass dayfirst=True or dayfirst=False.
    """
    # without leading blanks, a day or month comes first only where a separator is the 2nd
    # or 3rd character (ISO dates start with 4 digits); only those cells, and cells that
    # start with a blank, go through the full pattern
    candidates = (values.str.slice(0, 3).str.contains(r"^\d{1,2}[./-]", regex=True)
                  | values.str.match(r"\s"))
    parts = values[candidates.fillna(False).to_numpy(bool)].str.extract(DAY_MONTH)
    parts = parts.reindex(values.index)
    matched = parts[0].notna().to_numpy()
    if not matched.any():
        return values
    first, second = (parts[i][matched].astype(int).to_numpy() for i in (0, 2))
    cells = values[matched]
    if dayfirst is None:
        day_high, month_high = np.flatnonzero(first > 12), np.flatnonzero(second > 12)
        if len(day_high) and len(month_high):
            d, m = (int(np.flatnonzero(matched)[k[0]]) for k in (day_high, month_high))
            raise ValueError(
                f"date column {name!r} of {where} mixes day-first dates (row {row_number(d)}: "
                f"{values.iloc[d]!r}) and month-first ones (row {row_number(m)}: "
                f"{values.iloc[m]!r}). Write the dates one way, e.g. YYYY-MM-DD.")
        dayfirst = True if len(day_high) else False if len(month_high) else None
    years = parts[3][matched].astype(int).to_numpy()
    years = np.where(years < 100, np.where(years < 69, 2000, 1900) + years, years)
    days, months = (first, second) if dayfirst else (second, first)
    iso = [f"{y:04d}-{m:02d}-{d:02d}{rest}" for y, m, d, rest in
           zip(years, months, days, parts[4][matched].fillna(""), strict=True)]
    if dayfirst is None and (first != second).any():
        k = int(np.flatnonzero(first != second)[0])
        pos = int(np.flatnonzero(matched)[k])
        raise ValueError(
            f"date column {name!r} of {where} reads two ways: row {row_number(pos)} holds "
            f"{cells.iloc[k]!r}, which is {years[k]:04d}-{second[k]:02d}-{first[k]:02d} with "
            f"dayfirst=True but {years[k]:04d}-{first[k]:02d}-{second[k]:02d} with "
            "dayfirst=False, and no date has a day above 12 to decide. Pass dayfirst=True or "
            "dayfirst=False.")
    out = values.copy()
    out[matched] = iso
    return out


def excel_day_zero(column: pd.Series) -> pd.Series:
    """Times of day among dates, read as Excel's day 0: 1899-12-30 plus the time.

    An Excel reader returns a date cell whose serial number lies in [0, 1) as
    a time of day; among other dates it is the first day of Excel's count
    (1899-12-30, as pandas, openpyxl and LibreOffice write it). A column of
    times only is left as it is.

    Example:
    >>> cells = pd.Series([datetime.time(12, 0), datetime.datetime(1900, 1, 1)])
    >>> excel_day_zero(cells).map(str).tolist()
    ['1899-12-30 12:00:00', '1900-01-01 00:00:00']
    """
    if column.dtype != object:
        return column
    times = column.map(lambda v: isinstance(v, datetime.time)).astype(bool)
    if not times.any() or times.all():
        return column
    day_zero = datetime.date(1899, 12, 30)
    return column.where(~times, column[times].map(
        lambda v: datetime.datetime.combine(day_zero, v)))


def check_unique_dates(index: pd.Index, where: str, rows: np.ndarray | None = None) -> None:
    """Raise if a date (or index label) appears twice, naming the first repeats.

    Args:
        index: the dates.
        where: what they are, for the message (e.g. `"the data's index"`).
        rows: the file's data-row position of each date, to name spreadsheet rows.

    Example:
    >>> check_unique_dates(pd.Index([1, 2, 2]), "the data's index")
    Traceback (most recent call last):
    ...
    ValueError: the data's index has 1 duplicate date(s): 2, 2. Each date must appear once: \
remove or aggregate the repeated rows (e.g. df.groupby(level=0).mean()).
    """
    duplicated = index.duplicated(keep=False)
    if duplicated.any():
        positions = np.flatnonzero(duplicated)[:6]
        shown = ", ".join(
            f"{index[p]!s}" + (f" (row {row_number(int(rows[p]))})" if rows is not None else "")
            for p in positions)
        raise ValueError(
            f"{where} has {int(index.duplicated().sum())} duplicate date(s): {shown}. "
            "Each date must appear once: remove or aggregate the repeated rows "
            "(e.g. df.groupby(level=0).mean()).")
