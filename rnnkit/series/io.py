"""`read_series`: an Excel or CSV file → a DataFrame of numeric columns indexed by its dates.

Reading runs in phases, each a function below that raises for what it finds
wrong, naming the file, the column, the spreadsheet row and the fix:

1. check the arguments (:func:`_check_arguments`);
2. read the raw table with the Excel or CSV engine (:mod:`rnnkit.series.engines`; text
   files as written: separator, decimal mark, thousands, :mod:`rnnkit.series.dialect`;
   title rows above the header, :mod:`rnnkit.series.layout`);
3. drop blank rows (:func:`_drop_blank_rows`);
4. pick the date column (:func:`_pick_date_column`);
5. pick the value columns (:func:`_pick_value_columns`); when a sheet has none of
   these, the message lists the other sheets;
6. convert them to numbers (:func:`_convert_numbers`), noting outliers;
7. index by the dates, zones converted, in file order (:func:`_index_by_dates`);
8. handle missing values (:func:`_handle_missing`) and dates missing from the
   grid of a regular series (:func:`rnnkit.series.quality.handle_gaps`);
9. give whole-number columns an integer dtype (:func:`_integer_dtypes`).

With `id_column=` (a long table: many series one under the other), the id
column is kept as text and steps 7-8 run for each id on its own
(:mod:`rnnkit.series.long_format`).

What was assumed or changed on the way is said in notes
(:mod:`rnnkit.series.quality`): the result's `attrs["notes"]`, each also a
`ReadNote` warning.

Example:
>>> df = read_series("data/series/airpassengers.csv", date_column="month")
>>> df.shape, df.index.name, str(df["passengers"].dtype)
((144, 1), 'month', 'int64')
"""

from __future__ import annotations

import codecs
import functools
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rnnkit._checks import check_bool, check_choice, check_names, check_path
from rnnkit.series.dialect import check_dialect
from rnnkit.series.engines import SUFFIXES, read_table, sheet_overview
from rnnkit.series.layout import check_rows
from rnnkit.series.long_format import check_id_column, id_labels, read_long
from rnnkit.series.parsing import (
    blank,
    check_unique_dates,
    is_datelike,
    parse_dates,
    row_number,
    to_numbers,
)
from rnnkit.series.quality import (
    check_order,
    check_zone,
    convert_zone,
    handle_gaps,
    issue_notes,
    note_outliers,
)

__all__ = ["read_series"]

MISSING = ("error", "interpolate", "drop")


def read_series(
    path: str | os.PathLike,
    *,
    columns: str | Sequence[str] | None = None,
    sheet: str | int | None = None,
    date_column: str | None = None,
    missing: str = "error",
    sort: bool = False,
    engine: str | None = None,
    encoding: str | None = None,
    fallback_index: bool = False,
    sep: str | None = None,
    decimal: str | None = None,
    thousands: str | None = None,
    dayfirst: bool | None = None,
    header: int | None = 0,
    skiprows: int | None = None,
    header_row: int | None = None,
    tz: str | None = None,
    id_column: str | None = None,
) -> pd.DataFrame:
    """Read a series from an Excel or CSV file into a DataFrame of numeric columns.

    The first row of the sheet or file holds the column names (a first row of
    numbers only is an error: pass `header=None` when there is no header row).
    Text files are read as written (:mod:`rnnkit.series.dialect`): the
    separator, decimal mark and thousands separator are detected, and a file
    whose numbers or dates read two ways is an error naming both readings and
    the keyword that settles it, never a guess. Excel files are
    read with python-calamine when it is installed (about 7x faster than
    openpyxl), with openpyxl otherwise. Completely empty rows are skipped.

    Args:
        path: an `.xlsx`, `.xlsm`, `.csv`, `.tsv` or `.txt` file.
        columns: the value column(s) to keep; default: every numeric column
            (text columns such as labels are left out).
        sheet: Excel only: the sheet name, or its 0-based index; default the
            first sheet.
        date_column: the column holding the dates; it becomes a
            `DatetimeIndex`. `"auto"` picks the first date-like column; `None`
            keeps a plain row index (0, 1, ...).
        missing: what to do with empty cells in the value columns and with
            dates missing from the grid of a regular series (a monthly series
            without some months): `"error"` (raise, naming them and the
            frequency), `"interpolate"` (linear in time, on the full grid;
            leading or trailing gaps take the nearest value) or `"drop"` (drop
            the rows with empty cells, keep the dates as they are, with a note
            that forecasts step by the inferred frequency).
        sort: `False` (default): dates must increase in file order, and rows out
            of order are an error naming them; `True`: sort the rows by date.
        engine: force the Excel reader, `"calamine"` or `"openpyxl"`
            (`"calamine"` still falls back to openpyxl as said above).
        encoding: text files only: the file's text encoding, e.g. `"latin-1"`
            or `"cp1252"`; default UTF-8.
        fallback_index: with `date_column="auto"` and no date-like column,
            keep a plain row index (0, 1, ...) instead of raising; the
            result's index then is not a `DatetimeIndex`, which is how a
            caller can tell (e.g. to say so).
        sep: text files only: the separator; default: the one of `,` `;` tab
            `|` that splits every one of the first lines alike.
        decimal: text files only: the decimal mark, `"."` or `","`; default:
            decided from the value cells (`1,5` → `","`; `1,234` alone is an error).
        thousands: text files only: the thousands separator (`""` for none,
            `"."`, `","`, `" "`, `"'"`); default: decided from the value cells.
        dayfirst: how `01.02.2020`-style dates are read (`True`: 1 February);
            default: decided from the whole column (a day above 12 settles
            it; a column with no deciding date is an error). ISO `YYYY-MM-DD`
            dates are never ambiguous.
        header: `0` (default): the first row names the columns; `None`: the
            file has no header row and the columns are named `column_0`,
            `column_1`, ...
        skiprows: the rows above the header (title rows) to skip; default:
            title rows are detected (rows shorter than the table above a row
            of names) and skipped with a note.
        header_row: the same said as the header's row, counting from 1 as a
            spreadsheet does (`header_row=3` is `skiprows=2`).
        tz: the time zone that time-zone-aware stamps (`2021-03-28
            01:00+01:00`) are converted to, e.g. `"Europe/Berlin"`; default
            UTC. Offsets may change within the column (daylight saving).
            Stamps without a zone stay as they are (`tz=` is then an error).
        id_column: a long table's column naming each row's series (e.g.
            `"region"`): kept as text (first column), and the dates are checked,
            sorted (`sort=True`) and gap-filled within each id, the rows grouped
            by id in the order of their first row.

    Returns:
        A `pandas.DataFrame` of the numeric columns (`int64` when every value
        is a whole number, else `float64`), indexed by the dates when
        `date_column` is given; `attrs["notes"]` lists what was assumed or
        changed (zones converted, title rows skipped, dates filled, outliers).

    Raises:
        FileNotFoundError: if `path` does not exist.
        ValueError: for an unsupported suffix, an empty, damaged or
            non-UTF-8 file (without `encoding=`), an unknown sheet, no numeric
            column, a non-numeric or missing cell (with `missing="error"`), an
            empty column, bad, duplicate or out-of-order dates, dates missing
            from a regular series (with `missing="error"`), stamps with and
            without a zone, an all-numeric header row, and numbers or dates
            that read two ways.
        KeyError: for a column or date column that is not in the file.

    Example:
    >>> df = read_series("data/series/co2_weekly.xlsx", date_column="week",
    ...                  missing="interpolate")
    >>> df.columns.tolist()
    ['co2_ppm']
    >>> import pathlib, tempfile
    >>> counts = pathlib.Path(tempfile.mkdtemp()) / "counts.csv"
    >>> _ = counts.write_text("count\\n3\\n5\\n4\\n")  # no date column
    >>> read_series(counts, date_column="auto", fallback_index=True).index
    RangeIndex(start=0, stop=3, step=1)
    """
    path, columns = _check_arguments(path, columns, missing, sort, encoding)
    check_bool("fallback_index", fallback_index)
    check_dialect(sep, decimal, thousands, header)
    skip = check_rows(skiprows, header_row, header)
    check_zone(tz)
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise ValueError(f"dayfirst={dayfirst!r} must be True, False or None (decide from "
                         "the dates).")
    notes: list[str] = []
    raw, sheet_name, skipped = read_table(path, sheet, engine, encoding, sep=sep,
                                          decimal=decimal, thousands=thousands, header=header,
                                          skiprows=skip, notes=notes)
    where = f"{str(path)!r}" + (f" (sheet {sheet_name!r})" if sheet_name is not None else "")
    try:
        table, rows = _drop_blank_rows(raw, where)
        date_name = _pick_date_column(table, date_column, where, fallback_index)
        if id_column is not None:
            check_id_column(id_column, list(table.columns), date_name=date_name,
                            columns=columns, where=where)
        chosen = _pick_value_columns(table.drop(columns=id_column or []), columns, date_name,
                                     where, notes)
    except (ValueError, KeyError) as exc:
        if sheet_name is None:
            raise
        raise type(exc)(str(exc.args[0]) + sheet_overview(path, sheet_name, engine)) from None
    # spreadsheet rows: without a header row data row 0 is row 1; title rows come first
    rows = rows - (header is None) + skipped
    frame = _convert_numbers(table, chosen, where, rows)
    note_outliers(frame, where, rows, notes)
    fill = functools.partial(_fill, missing=missing, dated=date_name is not None, notes=notes)
    dates = None if date_name is None else \
        _dates(table[date_name], where, dayfirst=dayfirst, tz=tz, notes=notes)
    if id_column is not None:
        labels = id_labels(table[id_column], name=id_column, where=where, rows=rows)
        frame = read_long(frame, labels, dates, id_name=id_column, where=where, rows=rows,
                          sort=sort, fill=fill)
    else:
        frame = fill(frame if dates is None else
                     _index_by_dates(frame, dates, where, rows, sort=sort), where)
    return issue_notes(_integer_dtypes(frame), notes)


# ============================================================================ phases

def _check_arguments(path: Any, columns: Any, missing: str, sort: bool,
                     encoding: str | None) -> tuple[Path, list[str] | None]:
    """Check what can be checked before opening the file; return the path and the columns."""
    path = check_path("path", path, example="read_series('data/series/airpassengers.xlsx')")
    if not path.exists():
        nearby = ""
        if path.parent.is_dir():
            similar = sorted(p.name for p in path.parent.iterdir()
                             if p.suffix.lower() in SUFFIXES)[:10]
            if similar:
                nearby = f" Files in {str(path.parent)!r}: {similar}."
        raise FileNotFoundError(f"path={str(path)!r} does not exist.{nearby} "
                                "Check the file name and the working directory.")
    if path.is_dir():
        raise ValueError(f"path={str(path)!r} is a folder; pass a file inside it.")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(
            f"path={str(path)!r} has the unsupported suffix {suffix or '(none)'!r}; rnnkit reads "
            f"{', '.join(SUFFIXES)}. Save the sheet as .xlsx or .csv.")
    check_choice("missing", missing, MISSING)
    check_bool("sort", sort)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except (LookupError, TypeError):
            raise ValueError(f"encoding={encoding!r} is not a known text encoding; use e.g. "
                             "'utf-8', 'latin-1' or 'cp1252', or None for UTF-8.") from None
    if isinstance(columns, Iterable) and not isinstance(columns, (str, bytes, Mapping)):
        columns = list(columns)  # a tuple, a pandas Index, a generator, ...
    names = check_names("columns", columns)
    if names == []:
        raise ValueError("columns=[] selects nothing; pass column names or None for all.")
    return path, names


def _drop_blank_rows(raw: pd.DataFrame, where: str) -> tuple[pd.DataFrame, np.ndarray]:
    """Drop the rows where every cell is blank (e.g. trailing rows of a spreadsheet).

    Returns the table (with `str` column names) and the file's data-row
    position of each remaining row, for messages.
    """
    table = raw.copy(deep=False)
    table.columns = [str(c) for c in table.columns]
    keep = ~np.logical_and.reduce([blank(table[c]).to_numpy() for c in table.columns]) \
        if len(table.columns) else np.zeros(len(table), bool)
    rows = np.flatnonzero(keep)
    table = table.iloc[rows].reset_index(drop=True)
    if table.empty:
        raise ValueError(f"{where} has no data rows under its header row. "
                         "Check the file, or pick another sheet.")
    return table, rows


def _pick_date_column(table: pd.DataFrame, date_column: str | None, where: str,
                      fallback_index: bool) -> str | None:
    """The name of the date column: the one named, the first date-like one (`"auto"`), or None.

    With `"auto"` and no date-like column: None when `fallback_index`, else an error.
    """
    available = list(table.columns)
    if date_column == "auto":
        found = next((c for c in available if is_datelike(table[c])), None)
        if found is None and not fallback_index:
            raise ValueError(
                f"date_column='auto' found no date column in {where}; its columns are "
                f"{available}. Name the date column, or pass date_column=None for a row index.")
        return found
    if date_column is not None and date_column not in available:
        raise KeyError(f"date_column={date_column!r} is not a column of {where}; its "
                       f"columns are {available}.")
    return date_column


def _pick_value_columns(table: pd.DataFrame, columns: list[str] | None,
                        date_name: str | None, where: str, notes: list[str]) -> list[str]:
    """The value columns: those named, or every column that is mostly numbers.

    Blank columns are left out: silently when they have no name (a stray
    cell of spaces beside the table), with a note when they have one.
    """
    available = list(table.columns)
    if columns is not None:
        unknown = [c for c in columns if c not in available]
        if unknown:
            raise KeyError(f"columns {unknown} not found in {where}; its columns are "
                           f"{available}.")
        if date_name in columns:
            raise ValueError(f"column {date_name!r} is the date_column; leave it out of columns.")
        return columns
    chosen = []
    for name in available:
        if name == date_name:
            continue
        _, bad = to_numbers(table[name])
        filled = int((~blank(table[name])).sum())
        if filled == 0:
            if not (name.startswith("Unnamed: ") or name.startswith("column_") or
                    not name.strip()):
                notes.append(f"column {name!r} of {where} is blank: it is left out.")
        elif int(bad.sum()) < filled - int(bad.sum()):
            chosen.append(name)  # mostly numbers: a value column
    if not chosen:
        raise ValueError(
            f"{where} has no numeric column: its columns are {available}"
            + (f" (date column {date_name!r})" if date_name else "")
            + ". Check the header row, or pass the sheet that holds the numbers.")
    return chosen


def _convert_numbers(table: pd.DataFrame, chosen: list[str], where: str,
                     rows: np.ndarray) -> pd.DataFrame:
    """The chosen columns as float64 (blank → NaN); raise for a cell that is not a number."""
    data: dict[str, pd.Series] = {}
    for name in chosen:
        cells = table[name]
        numbers, bad = to_numbers(cells)
        filled = ~blank(cells)
        if not filled.any():
            raise ValueError(
                f"column {name!r} of {where} is empty: all {len(table)} cells are blank. "
                "Fill it in, or leave it out with columns=[...].")
        positions = np.flatnonzero(bad.to_numpy())
        if len(positions):
            pos = int(positions[0])
            row = row_number(int(rows[pos]))
            if bad.sum() == filled.sum():
                raise ValueError(
                    f"column {name!r} of {where} holds no numbers (e.g. row {row}: "
                    f"{cells.iloc[pos]!r}). Pick numeric columns with columns=[...].")
            raise ValueError(
                f"column {name!r} of {where}: row {row} holds {cells.iloc[pos]!r}, "
                f"which is not a number ({len(positions)} such cell(s)). Fix the cell, or empty "
                "it and pass missing='interpolate' or 'drop'.")
        infinite = np.flatnonzero(~np.isfinite(numbers.fillna(0).to_numpy()))
        if len(infinite):
            pos = int(infinite[0])
            raise ValueError(f"column {name!r} of {where}: row {row_number(int(rows[pos]))} "
                             f"holds {numbers.iloc[pos]:g}, which is not a finite number.")
        data[name] = numbers
    return pd.DataFrame(data)


def _index_by_dates(frame: pd.DataFrame, dates: pd.DatetimeIndex, where: str,
                    rows: np.ndarray, *, sort: bool) -> pd.DataFrame:
    """Index the frame by the parsed dates (see `_dates`); refuse repeats and disorder."""
    name = str(dates.name)
    frame.index = dates
    check_unique_dates(dates, f"date column {name!r} of {where}", rows)
    if dates.is_monotonic_increasing:
        return frame
    if not sort:
        check_order(dates, f"date column {name!r} of {where}", rows)
    return frame.sort_index(kind="stable")


def _dates(cells: pd.Series, where: str, *, dayfirst: bool | None, tz: str | None,
           notes: list[str]) -> pd.DatetimeIndex:
    """The date column parsed (one day/month order for the whole column), zones converted."""
    name = str(cells.name)
    dates = parse_dates(cells, name=name, where=where, dayfirst=dayfirst)
    return convert_zone(dates, tz, f"date column {name!r} of {where}", str(cells.iloc[0]),
                        notes)


def _fill(frame: pd.DataFrame, where: str, *, missing: str, dated: bool,
          notes: list[str]) -> pd.DataFrame:
    """Missing cells (`missing=`), then with dates the dates missing from their grid."""
    frame = _handle_missing(frame, missing, where, dated=dated)
    return handle_gaps(frame, missing, where, notes) if dated else frame


def _handle_missing(frame: pd.DataFrame, missing: str, where: str, *,
                    dated: bool) -> pd.DataFrame:
    """Raise for empty cells (`"error"`), fill them (`"interpolate"`) or drop their rows."""
    holes = frame.isna()
    if not holes.to_numpy().any():
        return frame
    if missing == "error":
        counts = {c: int(n) for c, n in holes.sum().items() if n}
        first = holes.any(axis=1).to_numpy().nonzero()[0][:5]
        labels = ", ".join(str(frame.index[p].date() if dated else p) for p in first)
        raise ValueError(
            f"{where} has {sum(counts.values())} missing value(s) (empty cells) in "
            f"{counts}; first at {labels}. Pass missing='interpolate' to fill them from "
            "their neighbours, or missing='drop' to drop those rows.")
    if missing == "interpolate":
        return frame.interpolate(method="time" if dated else "linear", limit_direction="both")
    frame = frame.dropna()
    if frame.empty:
        raise ValueError(f"missing='drop' dropped every row of {where}: no row has a "
                         "value in all of the columns. Select fewer columns.")
    return frame


def _integer_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Give `int64` to the columns whose values are all whole numbers (below 2**53)."""
    for name in frame.columns:
        values = frame[name].to_numpy()
        if not pd.api.types.is_numeric_dtype(values.dtype):
            continue  # the id column of a long table
        if np.all(values == np.round(values)) and np.all(np.abs(values) < 2**53):
            frame[name] = values.astype("int64")
    return frame
