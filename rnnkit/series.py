"""Series for forecasting: `read_series` (Excel/CSV → DataFrame) and `SeriesWindows`.

`read_series` turns a spreadsheet or a delimited text file into a DataFrame of
numeric columns indexed by its dates. `SeriesWindows` turns that DataFrame into
training windows for a recurrent forecaster (optional log / first-difference
transforms, a time-ordered split, a scaler fit on the training part only), and
undoes all of it wherever values come back to the user: predictions and
forecasts are pandas objects in the series' own units and time index.

Windows are never copied into a Python list: `.arrays()` returns NumPy
`sliding_window_view` views, and the `tf.data` pipelines stream the *start
indices* of the windows and gather each batch from one base array.

Example:
>>> from rnnkit import SeriesWindows, build_seq2seq
>>> w = SeriesWindows.from_file("data/series/airpassengers.xlsx", target="passengers",
...                             date_column="month", window=24, log=True, difference=True,
...                             seed=0)
>>> model = build_seq2seq(w.input_shape, output_dim=w.output_dim, output_steps=w.output_steps)
>>> model.fit(w.train, validation_data=w.val, epochs=100)
>>> print(w.evaluate(model))
"""

from __future__ import annotations

import codecs
import math
import os
import reprlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rnnkit._checks import check_bool, check_choice, check_int, check_optional_int

__all__ = ["read_series", "SeriesWindows"]

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
MISSING = ("error", "interpolate", "drop")
SCALES = ("standard", "minmax", None)
SPLITS = ("train", "val", "test")
CONFIG_VERSION = 1


# ============================================================================ reading

def _excel_engine() -> str:
    """`"calamine"` when python-calamine is importable (about 7x faster), else `"openpyxl"`."""
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return "openpyxl"
    return "calamine"


def _where(path: Path, sheet: str | None) -> str:
    return f"{str(path)!r}" + (f" (sheet {sheet!r})" if sheet is not None else "")


def _unreadable_workbook(path: Path, exc: Exception) -> ValueError:
    reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
    return ValueError(
        f"path={str(path)!r} is not a readable Excel workbook ({reason}). The file may be "
        "damaged, still being written, or another format renamed to .xlsx: open it in Excel "
        "and save it again as .xlsx, or save the sheet as .csv.")


def _read_raw(path: Path, sheet: str | int | None, engine: str | None,
              encoding: str | None = None) -> tuple[pd.DataFrame, str | None]:
    """Read the table as it is in the file (header on the first row); return it and the sheet."""
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise ValueError(f"path={str(path)!r} is empty (0 bytes): it holds no header row and "
                         "no data. Check that the file was saved completely, or pass another "
                         "file.")
    if suffix in EXCEL_SUFFIXES:
        if encoding is not None:
            raise ValueError(f"encoding={encoding!r} was given but {str(path)!r} is an Excel "
                             "workbook, which has no text encoding. Drop encoding=.")
        engine = engine or _excel_engine()
        check_choice("engine", engine, ("calamine", "openpyxl"))
        try:
            book = pd.ExcelFile(path, engine=engine)
        except ImportError:
            raise
        except Exception as exc:  # the reader's own error: zipfile, calamine, openpyxl, ...
            raise _unreadable_workbook(path, exc) from exc
        with book:
            names = [str(n) for n in book.sheet_names]
            if sheet is None:
                name = names[0]
            elif isinstance(sheet, (int, np.integer)) and not isinstance(sheet, bool):
                if not -len(names) <= int(sheet) < len(names):
                    raise ValueError(
                        f"sheet={sheet!r} is out of range for {str(path)!r}, which has "
                        f"{len(names)} sheet(s): {names}. Pass a sheet index in "
                        f"0..{len(names) - 1} or a sheet name.")
                name = names[int(sheet)]
            elif isinstance(sheet, str):
                if sheet not in names:
                    raise ValueError(
                        f"sheet={sheet!r} was not found in {str(path)!r}; its sheets are "
                        f"{names}. Pass one of these names, or a sheet index.")
                name = sheet
            else:
                raise ValueError(f"sheet={sheet!r} must be a sheet name (str) or index (int).")
            try:
                table = book.parse(name, header=0)
            except Exception as exc:  # a damaged sheet inside a readable zip
                raise _unreadable_workbook(path, exc) from exc
        return table, name
    if sheet is not None:
        raise ValueError(f"sheet={sheet!r} was given but {str(path)!r} is a {suffix} file, "
                         "which has no sheets. Drop sheet=.")
    encoding = encoding or "utf-8"
    options: dict[str, Any] = {"sep": ","} if suffix == ".csv" else \
        {"sep": "\t"} if suffix == ".tsv" else \
        {"sep": None, "engine": "python"}  # .txt: comma, tab, semicolon or whitespace, sniffed
    try:
        table = pd.read_csv(path, encoding=encoding, **options)
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start:exc.start + 1]
        raise ValueError(
            f"path={str(path)!r} is not valid {encoding!r} text: it holds the byte "
            f"0x{byte.hex()}, which cannot be decoded. Re-save the file as UTF-8 (in Excel: "
            "'CSV UTF-8'), or pass the encoding it was written in, e.g. encoding='latin-1' "
            "or encoding='cp1252'.") from None
    except pd.errors.EmptyDataError:
        raise ValueError(f"path={str(path)!r} is empty: it holds no header row and no data. "
                         "Check that the file was saved completely.") from None
    return table, None


def _blank(column: pd.Series) -> pd.Series:
    """True where a cell is empty: NaN/None or a whitespace-only string."""
    empty = column.isna()
    if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
        text = column.astype("string").str.strip()
        empty = empty | (text == "").fillna(False).astype(bool)
    return empty


def _to_numbers(column: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return the column as float64 (blank → NaN) and a mask of non-numeric, non-blank cells."""
    blank = _blank(column)
    if pd.api.types.is_bool_dtype(column.dtype):
        return column.astype("float64"), pd.Series(False, index=column.index)
    if pd.api.types.is_numeric_dtype(column.dtype):
        return column.astype("float64"), pd.Series(False, index=column.index)
    values = column.where(~blank)
    numbers = pd.to_numeric(values.astype("string").str.strip(), errors="coerce")
    numbers = numbers.astype("float64")
    bad = numbers.isna() & ~blank
    return numbers, bad


def _row_number(position: int) -> int:
    """The spreadsheet row of a data row: the header is row 1, so data row 0 is row 2."""
    return position + 2


def _is_datelike(column: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return True
    if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
        return False
    values = column[~_blank(column)]
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


def _parse_dates(column: pd.Series, *, name: str, where: str) -> pd.DatetimeIndex:
    blank = _blank(column)
    if blank.any():
        pos = int(np.flatnonzero(blank.to_numpy())[0])
        raise ValueError(
            f"date column {name!r} of {where} has {int(blank.sum())} empty cell(s), the first "
            f"in row {_row_number(pos)}. Fill in the dates, or delete those rows.")
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        parsed = pd.to_datetime(column)
    else:
        values = column.map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v)
        parsed = pd.to_datetime(values.astype("string"), errors="coerce", format="mixed")
        bad = parsed.isna()
        if bad.any():
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"date column {name!r} of {where}: row {_row_number(pos)} holds "
                f"{column.iloc[pos]!r}, which is not a date ({int(bad.sum())} such cell(s)). "
                "Write dates as YYYY-MM-DD (or Excel dates), or pick another date_column.")
    return pd.DatetimeIndex(parsed, name=name)


def _check_unique_dates(index: pd.Index, where: str, rows: np.ndarray | None = None) -> None:
    duplicated = index.duplicated(keep=False)
    if duplicated.any():
        positions = np.flatnonzero(duplicated)[:6]
        shown = ", ".join(
            f"{index[p]!s}" + (f" (row {_row_number(int(rows[p]))})" if rows is not None else "")
            for p in positions)
        raise ValueError(
            f"{where} has {int(index.duplicated().sum())} duplicate date(s): {shown}. "
            "Each date must appear once: remove or aggregate the repeated rows "
            "(e.g. df.groupby(level=0).mean()).")


def read_series(
    path: str | os.PathLike,
    *,
    columns: str | Sequence[str] | None = None,
    sheet: str | int | None = None,
    date_column: str | None = None,
    missing: str = "error",
    sort: bool = True,
    engine: str | None = None,
    encoding: str | None = None,
) -> pd.DataFrame:
    """Read a series from an Excel or CSV file into a DataFrame of numeric columns.

    The first row of the sheet or file holds the column names. Excel files are
    read with python-calamine when it is installed (about 7x faster than
    openpyxl), with openpyxl otherwise. Completely empty rows are skipped.

    Args:
        path: an `.xlsx`, `.xlsm`, `.csv`, `.tsv` or `.txt` file (`.txt`: the
            delimiter is sniffed).
        columns: the value column(s) to keep; default: every numeric column
            (text columns such as labels are left out).
        sheet: Excel only: the sheet name, or its 0-based index; default the
            first sheet.
        date_column: the column holding the dates; it becomes a sorted
            `DatetimeIndex`. `"auto"` picks the first date-like column; `None`
            keeps a plain row index (0, 1, ...).
        missing: what to do with empty cells in the value columns: `"error"`
            (raise, naming them), `"interpolate"` (linear in time; leading or
            trailing gaps take the nearest value) or `"drop"` (drop those rows).
        sort: sort the rows by date (default). With `sort=False`, dates out of
            order are an error.
        engine: force the Excel reader, `"calamine"` or `"openpyxl"`.
        encoding: text files only: the file's text encoding, e.g. `"latin-1"`
            or `"cp1252"`; default UTF-8.

    Returns:
        A `pandas.DataFrame` of the numeric columns (`int64` when every value
        is a whole number, else `float64`), indexed by the dates when
        `date_column` is given.

    Raises:
        FileNotFoundError: if `path` does not exist.
        ValueError: for an unsupported suffix, an empty, damaged or
            non-UTF-8 file (without `encoding=`), an unknown sheet, no numeric
            column, a non-numeric or missing cell (with `missing="error"`), an
            empty column, and bad, duplicate or unsorted dates.
        KeyError: for a column or date column that is not in the file.

    Example:
    >>> df = read_series("data/series/co2_weekly.xlsx", date_column="week",
    ...                  missing="interpolate")
    >>> df.columns.tolist()
    ['co2_ppm']
    """
    if not isinstance(path, (str, os.PathLike)):
        raise ValueError(f"path={reprlib.repr(path)} must be a file path (a str or "
                         "pathlib.Path), e.g. read_series('data/series/airpassengers.xlsx').")
    path = Path(path)
    if not path.exists():
        nearby = ""
        if path.parent.is_dir():
            similar = sorted(p.name for p in path.parent.iterdir()
                             if p.suffix.lower() in EXCEL_SUFFIXES + TEXT_SUFFIXES)[:10]
            if similar:
                nearby = f" Files in {str(path.parent)!r}: {similar}."
        raise FileNotFoundError(f"path={str(path)!r} does not exist.{nearby} "
                                "Check the file name and the working directory.")
    if path.is_dir():
        raise ValueError(f"path={str(path)!r} is a folder; pass a file inside it.")
    suffix = path.suffix.lower()
    if suffix not in EXCEL_SUFFIXES + TEXT_SUFFIXES:
        raise ValueError(
            f"path={str(path)!r} has the unsupported suffix {suffix or '(none)'!r}; rnnkit reads "
            f"{', '.join(EXCEL_SUFFIXES + TEXT_SUFFIXES)}. Save the sheet as .xlsx or .csv.")
    check_choice("missing", missing, MISSING)
    check_bool("sort", sort)
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except (LookupError, TypeError):
            raise ValueError(f"encoding={encoding!r} is not a known text encoding; use e.g. "
                             "'utf-8', 'latin-1' or 'cp1252', or None for UTF-8.") from None
    if isinstance(columns, str):
        columns = [columns]
    if columns is not None:
        names = list(columns) if isinstance(columns, Iterable) \
            and not isinstance(columns, (bytes, Mapping)) else None
        if names is None or not all(isinstance(c, str) for c in names):
            raise ValueError(f"columns={reprlib.repr(columns)} must be a column name or a list "
                             "of column names (str), e.g. columns=['passengers'].")
        columns = names
        if not columns:
            raise ValueError("columns=[] selects nothing; pass column names or None for all.")
    table, sheet_name = _read_raw(path, sheet, engine, encoding)
    where = _where(path, sheet_name)
    table.columns = [str(c) for c in table.columns]
    available = list(table.columns)
    # drop rows where every cell is blank (trailing rows of a spreadsheet)
    keep = ~np.logical_and.reduce([_blank(table[c]).to_numpy() for c in available]) \
        if available else np.zeros(len(table), bool)
    rows = np.flatnonzero(keep)  # positions in the file's data rows, for messages
    table = table.iloc[rows].reset_index(drop=True)
    if table.empty:
        raise ValueError(f"{where} has no data rows under its header row. "
                         "Check the file, or pick another sheet.")

    def row_of(pos: int) -> int:
        return _row_number(int(rows[pos]))

    # the date column
    date_name: str | None = None
    if date_column == "auto":
        date_name = next((c for c in available if _is_datelike(table[c])), None)
        if date_name is None:
            raise ValueError(
                f"date_column='auto' found no date column in {where}; its columns are "
                f"{available}. Name the date column, or pass date_column=None for a row index.")
    elif date_column is not None:
        if date_column not in available:
            raise KeyError(f"date_column={date_column!r} is not a column of {where}; its "
                           f"columns are {available}.")
        date_name = date_column
    candidates = [c for c in available if c != date_name]

    # the value columns
    if columns is not None:
        unknown = [c for c in columns if c not in available]
        if unknown:
            raise KeyError(f"columns {unknown} not found in {where}; its columns are "
                           f"{available}.")
        if date_name in columns:
            raise ValueError(f"column {date_name!r} is the date_column; leave it out of columns.")
        chosen = columns
    else:
        chosen = []
        for name in candidates:
            numbers, bad = _to_numbers(table[name])
            filled = int((~_blank(table[name])).sum())
            if filled == 0 or int(bad.sum()) < filled - int(bad.sum()):
                chosen.append(name)  # empty, or mostly numbers: a value column
        if not chosen:
            raise ValueError(
                f"{where} has no numeric column: its columns are {available}"
                + (f" (date column {date_name!r})" if date_name else "")
                + ". Check the header row, or pass the sheet that holds the numbers.")
    data: dict[str, pd.Series] = {}
    for name in chosen:
        numbers, bad = _to_numbers(table[name])
        if _blank(table[name]).all():
            raise ValueError(
                f"column {name!r} of {where} is empty: all {len(table)} cells are blank. "
                "Fill it in, or leave it out with columns=[...].")
        if bad.all() or (bad.sum() == (~_blank(table[name])).sum()):
            pos = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"column {name!r} of {where} holds no numbers (e.g. row {row_of(pos)}: "
                f"{table[name].iloc[pos]!r}). Pick numeric columns with columns=[...].")
        if bad.any():
            positions = np.flatnonzero(bad.to_numpy())
            pos = int(positions[0])
            raise ValueError(
                f"column {name!r} of {where}: row {row_of(pos)} holds {table[name].iloc[pos]!r}, "
                f"which is not a number ({len(positions)} such cell(s)). Fix the cell, or empty "
                "it and pass missing='interpolate' or 'drop'.")
        finite = numbers.dropna()
        if not np.isfinite(finite.to_numpy()).all():
            pos = int(np.flatnonzero(~np.isfinite(numbers.fillna(0).to_numpy()))[0])
            raise ValueError(f"column {name!r} of {where}: row {row_of(pos)} holds "
                             f"{numbers.iloc[pos]:g}, which is not a finite number.")
        data[name] = numbers
    frame = pd.DataFrame(data)

    if date_name is not None:
        dates = _parse_dates(table[date_name], name=date_name, where=where)
        frame.index = dates
        _check_unique_dates(dates, f"date column {date_name!r} of {where}", rows)
        if not dates.is_monotonic_increasing:
            if not sort:
                pos = int(np.flatnonzero(np.diff(dates.asi8) < 0)[0]) + 1
                raise ValueError(
                    f"date column {date_name!r} of {where} is not in increasing order: row "
                    f"{row_of(pos)} ({dates[pos]}) comes after {dates[pos - 1]}. Sort the rows by "
                    "date, or pass sort=True.")
            frame = frame.sort_index(kind="stable")

    # missing values
    holes = frame.isna()
    if holes.to_numpy().any():
        if missing == "error":
            counts = {c: int(n) for c, n in holes.sum().items() if n}
            first = holes.any(axis=1).to_numpy().nonzero()[0][:5]
            labels = ", ".join(str(frame.index[p].date() if date_name else p) for p in first)
            raise ValueError(
                f"{where} has {sum(counts.values())} missing value(s) (empty cells) in "
                f"{counts}; first at {labels}. Pass missing='interpolate' to fill them from "
                "their neighbours, or missing='drop' to drop those rows.")
        if missing == "interpolate":
            method = "time" if date_name is not None else "linear"
            frame = frame.interpolate(method=method, limit_direction="both")
        else:
            frame = frame.dropna()
            if frame.empty:
                raise ValueError(f"missing='drop' dropped every row of {where}: no row has a "
                                 "value in all of the columns. Select fewer columns.")
    for name in frame.columns:
        values = frame[name].to_numpy()
        if np.all(values == np.round(values)) and np.all(np.abs(values) < 2**53):
            frame[name] = values.astype("int64")
    return frame


# ============================================================================ windows

def _as_frame(data: Any) -> pd.DataFrame:
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


def _names(arg: str, value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ValueError(f"{arg}={value!r} must be a column name or a list of column names.")


def _check_split(split: Any) -> tuple[float, float, float]:
    if not isinstance(split, Sequence) or isinstance(split, str) or len(split) != 3:
        raise ValueError(f"split={split!r} must be three fractions (train, val, test), "
                         "e.g. (0.7, 0.15, 0.15).")
    parts = []
    for name, f in zip(SPLITS, split, strict=True):
        if isinstance(f, bool) or not isinstance(f, (int, float, np.floating, np.integer)) \
                or not math.isfinite(f) or f <= 0:
            raise ValueError(f"split={tuple(split)!r}: the {name} fraction {f} must be a "
                             "number > 0, e.g. split=(0.7, 0.15, 0.15).")
        parts.append(float(f))
    if abs(sum(parts) - 1.0) > 1e-6:
        raise ValueError(f"split={tuple(split)!r} sums to {sum(parts):g}; the three fractions "
                         "(train, val, test) must sum to 1, e.g. (0.7, 0.15, 0.15).")
    return parts[0], parts[1], parts[2]


def _season_of(frequency: str | None) -> int | None:
    """Season length for an index frequency: monthly 12, weekly 52, daily 7, quarterly 4, ..."""
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
    if isinstance(offset, off.Tick):
        delta = pd.Timedelta(offset)
        table = {pd.Timedelta(hours=1): 24, pd.Timedelta(days=1): 7, pd.Timedelta(days=7): 52,
                 pd.Timedelta(minutes=1): 60}
        return table.get(delta)
    return None


def _infer_frequency(index: pd.Index) -> str | None:
    if not isinstance(index, pd.DatetimeIndex) or len(index) < 3:
        return None
    try:  # pandas >= 3: ask for the future return type (a BaseOffset), avoiding its warning
        with pd.option_context("future.infer_freq_returns_offset", True):
            freq = pd.infer_freq(index)
    except (KeyError, AttributeError):  # an older pandas (OptionError), which returns a str
        freq = pd.infer_freq(index)
    if freq is not None:
        return pd.tseries.frequencies.to_offset(freq).freqstr
    steps = pd.Series(np.diff(index.asi8))
    step = pd.Timedelta(int(steps.mode().iloc[0]), unit="ns")
    return pd.tseries.frequencies.to_offset(step).freqstr


def _metrics(actual: np.ndarray, predicted: np.ndarray, scale: float) -> dict[str, float]:
    error = predicted - actual
    ok = ~np.isnan(predicted)
    if not ok.any():
        return dict.fromkeys(("MAE", "RMSE", "MAPE", "sMAPE", "MASE"), float("nan"))
    error, a, p = error[ok], actual[ok], predicted[ok]
    mae = float(np.mean(np.abs(error)))
    with np.errstate(divide="ignore", invalid="ignore"):
        mape = float(np.mean(np.abs(error) / np.abs(a)) * 100) if np.all(a != 0) else float("nan")
        denominator = np.abs(a) + np.abs(p)
        smape = float(np.mean(np.where(denominator == 0, 0.0,
                                       2 * np.abs(error) / denominator)) * 100)
    return {"MAE": mae, "RMSE": float(np.sqrt(np.mean(error ** 2))), "MAPE": mape,
            "sMAPE": smape, "MASE": mae / scale if scale > 0 else float("nan")}


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
    step is `t`). With `output_steps=k`, `y = targets[t:t+k]`.

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

    Example:
    >>> w = SeriesWindows(df, target="passengers", window=24, log=True, difference=True)
    >>> x, y = w.arrays("train")       # (n, 24, 1), (n, 24, 1) NumPy views
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
    ):
        settings = dict(window=window, target=target, features=features,
                        output_steps=output_steps, split=split, scale=scale, log=log,
                        difference=difference, batch_size=batch_size, shuffle=shuffle, seed=seed)
        self._setup(_as_frame(data), settings, scaler=None, read=None, check_parts=True)

    # ------------------------------------------------------------------ construction

    def _setup(self, frame: pd.DataFrame, settings: dict[str, Any], *,
               scaler: dict[str, Any] | None, read: dict[str, Any] | None,
               check_parts: bool) -> None:
        self.window = check_int("window", settings["window"])
        self.output_steps = check_optional_int("output_steps", settings["output_steps"])
        self.split = _check_split(settings["split"])
        self.scale = check_choice("scale", settings["scale"], SCALES)
        for name in ("log", "difference", "shuffle"):
            check_bool(name, settings[name])
        self.log = bool(settings["log"])
        self.difference = bool(settings["difference"])
        self.shuffle = bool(settings["shuffle"])
        self.batch_size = check_int("batch_size", settings["batch_size"])
        seed = settings["seed"]
        self.seed = None if seed is None else check_int("seed", seed, minimum=0)
        self._read = read

        targets = _names("target", settings["target"])
        features = _names("features", settings["features"]) or []
        available = list(frame.columns)
        targets = targets if targets is not None else \
            [c for c in available if c not in features]
        unknown = [c for c in targets + features if c not in available]
        if unknown:
            raise KeyError(f"column(s) {unknown} (target/features) not found in the data; its "
                           f"columns are {available}.")
        if not targets:
            raise ValueError("target selects no column; name the column(s) to predict.")
        self.targets: list[str] = targets
        self.features: list[str] = [c for c in features if c not in targets]
        columns = self.targets + self.features
        frame = frame[columns]
        self._check_frame(frame)
        self._frame = frame
        self.frequency = _infer_frequency(frame.index)

        values = frame.to_numpy(dtype="float64")
        if self.log:
            if (values <= 0).any():
                r, c = np.argwhere(values <= 0)[0]
                raise ValueError(
                    f"log=True needs values > 0, but column {columns[c]!r} holds {values[r, c]:g} "
                    f"at {frame.index[r]!s}. Pass log=False, or shift the series to be positive.")
            values = np.log(values)
        self._levels = values  # transformed (log) levels, before differencing
        transformed = np.diff(values, axis=0) if self.difference else values
        self._offset = 1 if self.difference else 0  # frame row of transformed row 0
        n = len(transformed)
        f_train, f_val, _ = self.split
        b1, b2 = int(round(n * f_train)), int(round(n * (f_train + f_val)))
        self._bounds = {"train": (0, b1), "val": (b1, b2), "test": (b2, n)}
        if check_parts:
            self._check_parts()

        if scaler is None:
            train = transformed[:b1]
            if len(train) == 0:
                self._check_parts()
            if self.scale == "standard":
                center, spread = train.mean(axis=0), train.std(axis=0)
            elif self.scale == "minmax":
                center, spread = train.min(axis=0), train.max(axis=0) - train.min(axis=0)
            else:
                center, spread = np.zeros(len(columns)), np.ones(len(columns))
            spread = np.where(spread > 0, spread, 1.0)
            scaler = {"kind": self.scale, "columns": columns,
                      "center": [float(v) for v in center], "scale": [float(v) for v in spread]}
        elif list(scaler["columns"]) != columns:
            raise ValueError(f"the saved scaler is for columns {scaler['columns']}, but the "
                             f"windows use {columns}.")
        self._scaler = scaler
        self._center = np.asarray(scaler["center"], dtype="float64")
        self._spread = np.asarray(scaler["scale"], dtype="float64")
        scaled = transformed - self._center  # one float64 temporary, then float32
        scaled /= self._spread
        self._inputs = np.ascontiguousarray(scaled, dtype="float32")
        del scaled
        self._targets_scaled = self._inputs if not self.features else \
            np.ascontiguousarray(self._inputs[:, : len(self.targets)])
        self._datasets: dict[str, Any] = {}

    @staticmethod
    def _check_frame(frame: pd.DataFrame) -> None:
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
            _check_unique_dates(index, "the data's index")
            if not index.is_monotonic_increasing:
                pos = int(np.flatnonzero(~(index[1:] > index[:-1]))[0]) + 1
                raise ValueError(
                    f"the data's index is not in increasing time order: {index[pos]!s} comes "
                    f"after {index[pos - 1]!s}. Sort it with df.sort_index().")
        if len(frame) < 2:
            raise ValueError(f"the data has {len(frame)} row(s); a series needs many more.")

    def _needs(self) -> tuple[int, int]:
        """Rows needed in the training part, and in the val / test parts."""
        k = self.output_steps or 1
        return self.window + k, k

    def _check_parts(self) -> None:
        need_train, need_other = self._needs()
        sizes = {name: hi - lo for name, (lo, hi) in self._bounds.items()}
        short = (sizes["train"] < need_train or sizes["val"] < need_other
                 or sizes["test"] < need_other)
        if short:
            k = self.output_steps
            mode = "output_steps=None (one target)" if k is None else f"output_steps={k}"
            dropped = " after difference=True dropped the first row" if self.difference else ""
            raise ValueError(
                f"window={self.window} with {mode} needs at least {need_train} rows in the "
                f"training part ({self.window} inputs + {need_train - self.window} target(s)) and "
                f"{need_other} in each of val and test, but split={self.split} of "
                f"{sum(sizes.values())} rows{dropped} gives train {sizes['train']}, val "
                f"{sizes['val']}, test {sizes['test']} rows. Use a smaller window, a larger train "
                "fraction, or a longer series.")

    @classmethod
    def from_file(cls, path: str | os.PathLike, *, window: int,
                  target: str | Sequence[str] | None = None,
                  features: str | Sequence[str] | None = None,
                  output_steps: int | None = None, split: Sequence[float] = (0.7, 0.15, 0.15),
                  scale: str | None = "standard", log: bool = False, difference: bool = False,
                  batch_size: int = 32, shuffle: bool = True, seed: int | None = None,
                  **read_series_kwargs: Any) -> SeriesWindows:
        """Read a file with :func:`read_series` and window it.

        Unless `columns=` is given, only the target and feature columns are read.

        Args:
            path: an `.xlsx`, `.xlsm`, `.csv`, `.tsv` or `.txt` file.
            window, target, features, output_steps, split, scale, log, difference,
                batch_size, shuffle, seed: as for `SeriesWindows`.
            **read_series_kwargs: `sheet`, `date_column`, `missing`, `columns`, ...

        Returns:
            A `SeriesWindows`.

        Example:
        >>> w = SeriesWindows.from_file("data/series/co2_weekly.xlsx", target="co2_ppm",
        ...                             date_column="week", missing="interpolate", window=52)
        """
        targets, extra = _names("target", target), _names("features", features) or []
        if "columns" not in read_series_kwargs and targets is not None:
            read_series_kwargs["columns"] = targets + [c for c in extra if c not in targets]
        frame = read_series(path, **read_series_kwargs)
        obj = cls.__new__(cls)
        settings = dict(window=window, target=target, features=features,
                        output_steps=output_steps, split=split, scale=scale, log=log,
                        difference=difference, batch_size=batch_size, shuffle=shuffle, seed=seed)
        read = {k: (list(v) if isinstance(v, (list, tuple)) else v)
                for k, v in read_series_kwargs.items()}
        obj._setup(frame, settings, scaler=None, read=read, check_parts=True)
        return obj

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
        >>> config = w.to_config()
        >>> w2 = SeriesWindows.from_config(json.loads(json.dumps(config)))
        """
        config: dict[str, Any] = {
            "version": CONFIG_VERSION,
            "window": self.window,
            "target": list(self.targets),
            "features": list(self.features),
            "output_steps": self.output_steps,
            "split": list(self.split),
            "scale": self.scale,
            "log": self.log,
            "difference": self.difference,
            "batch_size": self.batch_size,
            "shuffle": self.shuffle,
            "seed": self.seed,
            "scaler": {"kind": self._scaler["kind"], "columns": list(self._scaler["columns"]),
                       "center": list(self._scaler["center"]),
                       "scale": list(self._scaler["scale"])},
            "frequency": self.frequency,
            "index_name": None if self._frame.index.name is None else str(self._frame.index.name),
            "read_series": dict(self._read) if self._read else None,
        }
        if include_data:
            config["data"] = _frame_to_json(self._frame)
        return config

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
        >>> w2 = SeriesWindows.from_config(w.to_config(include_data=False), data=new_df)
        """
        if not isinstance(config, dict) or "window" not in config or "scaler" not in config:
            raise ValueError("config must be the dict returned by SeriesWindows.to_config().")
        if config.get("version", CONFIG_VERSION) > CONFIG_VERSION:
            raise ValueError(f"config version {config['version']} is newer than this rnnkit "
                             f"understands ({CONFIG_VERSION}); upgrade rnnkit.")
        read = config.get("read_series")
        if data is None:
            if config.get("data") is None:
                raise ValueError("this config holds no data (to_config(include_data=False)); "
                                 "pass data= (a DataFrame or a file path).")
            frame = _frame_from_json(config["data"], name=config.get("index_name"))
        elif isinstance(data, (str, os.PathLike)):
            frame = read_series(data, **(read or {}))
        else:
            frame = _as_frame(data)
        settings = {k: config[k] for k in ("window", "target", "features", "output_steps",
                                           "split", "scale", "log", "difference", "batch_size",
                                           "shuffle", "seed")}
        obj = cls.__new__(cls)
        obj._setup(frame, settings, scaler=config["scaler"], read=read,
                   check_parts=data is None)
        return obj

    def apply(self, data_or_path: Any) -> SeriesWindows:
        """Windows over new data with the same settings and the SAVED scaler (no refit).

        Args:
            data_or_path: a DataFrame / Series / array with the same columns,
                or a file read with the same `read_series` settings.

        Returns:
            A new `SeriesWindows`; `.forecast(model, steps)` continues the new data.

        Example:
        >>> recent = w.apply("data/series/airpassengers.xlsx")
        >>> recent.forecast(model, steps=12)
        """
        return SeriesWindows.from_config(self.to_config(include_data=False), data=data_or_path)

    # ------------------------------------------------------------------ shapes, parts

    @property
    def frame(self) -> pd.DataFrame:
        """The data (target then feature columns) in original units, on its own index."""
        return self._frame

    @property
    def input_shape(self) -> tuple[int, int]:
        """`(window, number of input columns)`, for `build_seq2seq`."""
        return (self.window, len(self.targets) + len(self.features))

    @property
    def output_dim(self) -> int:
        """Number of target columns predicted per step."""
        return len(self.targets)

    @property
    def scaler(self) -> dict[str, Any]:
        """The fitted scaler: kind, columns, center and scale (training part only)."""
        return {k: (list(v) if isinstance(v, list) else v) for k, v in self._scaler.items()}

    def part_rows(self, split: str) -> tuple[int, int]:
        """The `[start, stop)` rows of a part, counted in the transformed series."""
        check_choice("split", split, SPLITS)
        return self._bounds[split]

    def part_index(self, split: str) -> pd.Index:
        """The frame index labels of a part's rows."""
        lo, hi = self.part_rows(split)
        return self._frame.index[lo + self._offset: hi + self._offset]

    def _sample_starts(self, split: str) -> tuple[int, int]:
        """`[lo, hi)` window start rows whose predicted steps all lie inside `split`."""
        lo, hi = self.part_rows(split)
        w, k = self.window, self.output_steps
        first = max(lo, w)  # first predicted (transformed) row
        last = hi if k is None else hi - k + 1  # exclusive bound on the first predicted row
        if last - first < 1:
            self._check_parts()
            raise ValueError(f"the {split} part has no complete window; see the row counts.")
        return first - w, last - w

    def __len__(self) -> int:
        return len(self._frame)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{s} {hi - lo}" for s, (lo, hi) in self._bounds.items())
        return (f"SeriesWindows(target={self.targets}, features={self.features}, "
                f"window={self.window}, output_steps={self.output_steps}, log={self.log}, "
                f"difference={self.difference}, scale={self.scale!r}, rows: {sizes}, "
                f"frequency={self.frequency!r})")

    # ------------------------------------------------------------------ windows

    def _views(self) -> tuple[np.ndarray, np.ndarray]:
        from numpy.lib.stride_tricks import sliding_window_view

        x = sliding_window_view(self._inputs, self.window, axis=0).transpose(0, 2, 1)
        k = self.window if self.output_steps is None else self.output_steps
        y = sliding_window_view(self._targets_scaled, k, axis=0).transpose(0, 2, 1)
        return x, y

    def arrays(self, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
        """The `(x, y)` windows of a part as read-only NumPy views (no copy).

        Args:
            split: `"train"`, `"val"` or `"test"`.

        Returns:
            `x` of shape `(n, window, inputs)` and `y` of shape
            `(n, window, targets)` (many-to-many) or `(n, output_steps, targets)`,
            scaled (and transformed).

        Example:
        >>> x, y = w.arrays("val")
        """
        s0, s1 = self._sample_starts(split)
        x, y = self._views()
        shift = 1 if self.output_steps is None else self.window
        return x[s0:s1], y[s0 + shift: s1 + shift]

    def _dataset(self, split: str) -> Any:
        import tensorflow as tf

        s0, s1 = self._sample_starts(split)
        w, k = self.window, self.output_steps
        inputs = tf.constant(self._inputs)
        targets = inputs if self._targets_scaled is self._inputs else \
            tf.constant(self._targets_scaled)
        itype = tf.int32 if len(self._inputs) < 2**31 - 1 else tf.int64
        offsets = tf.range(w, dtype=itype)
        y_offsets = offsets + 1 if k is None else tf.range(w, w + k, dtype=itype)
        count, size = s1 - s0, self.batch_size
        batches = -(-count // size)

        def batched(order: Any) -> Any:
            # batch i gathers its windows from the one base array: no copy of all windows
            def gather(i: Any) -> tuple[Any, Any]:
                i = tf.cast(i, itype)
                starts = order[i * size: tf.minimum((i + 1) * size, count), None]
                return (tf.gather(inputs, starts + offsets),
                        tf.gather(targets, starts + y_offsets))

            return tf.data.Dataset.range(batches).map(gather)

        if split == "train" and self.shuffle:
            # one random key per epoch (Dataset.random re-randomises on every iteration, so
            # each epoch of model.fit gets a new order), then one in-graph permutation of the
            # start indices: no element per window, no shuffle buffer
            def epoch(key: Any) -> Any:
                seed = tf.stack([key, tf.constant(0, tf.int64)])
                order = tf.random.experimental.stateless_shuffle(
                    tf.range(s0, s1, dtype=itype), seed=seed)
                return batched(order)

            keys = tf.data.Dataset.random(seed=self.seed, rerandomize_each_iteration=True)
            ds = keys.take(1).flat_map(epoch)
        else:
            ds = batched(tf.range(s0, s1, dtype=itype))
        ds = ds.apply(tf.data.experimental.assert_cardinality(batches))
        return ds.prefetch(2)

    def dataset(self, split: str = "train") -> Any:
        """The batched `tf.data.Dataset` of `(x, y)` for a part (see `.train`)."""
        check_choice("split", split, SPLITS)
        if split not in self._datasets:
            self._datasets[split] = self._dataset(split)
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

    def _unscale(self, values: np.ndarray) -> np.ndarray:
        """Scaled target values (..., targets) → transformed units."""
        n = len(self.targets)
        return np.asarray(values, dtype="float64") * self._spread[:n] + self._center[:n]

    def _unlog(self, values: np.ndarray) -> np.ndarray:
        return np.exp(values) if self.log else values

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
        >>> x, y = w.arrays("test")
        >>> w.inverse_transform(y[0, :, 0], anchor=w.frame["passengers"].iloc[...])
        """
        try:
            array = np.asarray(values, dtype="float64")
        except (TypeError, ValueError):
            raise ValueError(f"values={reprlib.repr(values)} must be numbers: an array of shape "
                             "(steps,) or (steps, targets), e.g. model.predict(x)[0].") from None
        squeeze = array.ndim == 1
        if squeeze:
            array = array[:, None]
        if array.ndim != 2 or array.shape[1] != len(self.targets):
            raise ValueError(f"values of shape {np.shape(values)} do not fit {len(self.targets)} "
                             "target column(s); pass (steps,) or (steps, targets).")
        out = self._unscale(array)
        if self.difference:
            if anchor is None:
                start = self._levels[-1, : len(self.targets)]
            else:
                try:
                    start = np.asarray(anchor, dtype="float64").reshape(-1)
                except (TypeError, ValueError):
                    raise ValueError(f"anchor={reprlib.repr(anchor)} must be the number(s) in "
                                     "original units of the step before values[0].") from None
                start = np.log(start) if self.log else start
            out = start + np.cumsum(out, axis=0)
        out = self._unlog(out)
        return out[:, 0] if squeeze else out

    def _check_model(self, model: Any) -> None:
        try:
            in_shape, out_shape = tuple(model.input_shape), tuple(model.output_shape)
        except (AttributeError, ValueError, TypeError):
            raise ValueError("model must be a built Keras model with one input and one output, "
                             "e.g. build_seq2seq(w.input_shape, output_dim=w.output_dim, "
                             "output_steps=w.output_steps).") from None
        fix = ("Build it with build_seq2seq(w.input_shape, output_dim=w.output_dim, "
               f"output_steps=w.output_steps), i.e. ({self.input_shape}, output_dim="
               f"{self.output_dim}, output_steps={self.output_steps}).")
        ok_in = len(in_shape) == 3 and in_shape[1] in (None, self.window) \
            and in_shape[2] == self.input_shape[1]
        if not ok_in:
            raise ValueError(f"the model takes inputs of shape {in_shape[1:]} per sample, but "
                             f"these windows are {self.input_shape}. {fix}")
        steps = self.window if self.output_steps is None else self.output_steps
        ok_out = len(out_shape) == 3 and out_shape[2] == self.output_dim and (
            out_shape[1] in (None, steps))
        if not ok_out:
            raise ValueError(f"the model outputs {out_shape[1:]} per sample, but these windows "
                             f"need ({steps}, {self.output_dim}) "
                             f"(output_steps={self.output_steps}). {fix}")

    def _one_step(self, model: Any, split: str) -> tuple[pd.Index, np.ndarray, np.ndarray]:
        """One-step-ahead predictions over a part: (index, actual, predicted), original units."""
        self._check_model(model)
        check_choice("split", split, SPLITS)
        lo, hi = self._bounds[split]
        first = max(lo, self.window)
        if hi - first < 1:
            self._check_parts()
        x, _ = self._views()
        windows = x[first - self.window: hi - self.window]
        out = np.asarray(model.predict(windows, batch_size=max(self.batch_size, 256),
                                       verbose=0))
        step = out[:, -1, :] if self.output_steps is None else out[:, 0, :]
        value = self._unscale(step)
        rows = np.arange(first, hi) + self._offset  # frame rows predicted
        if self.difference:
            value = self._levels[rows - 1, : len(self.targets)] + value
        predicted = self._unlog(value)
        actual = self._frame.iloc[rows, : len(self.targets)]
        return actual.index, actual.to_numpy(), predicted

    def predict(self, model: Any, split: str = "test") -> pd.DataFrame:
        """One-step-ahead predictions over a part, in original units, indexed by time.

        Each row's prediction uses only the `window` actual values before it
        (the first output step of a horizon model).

        Args:
            model: a model fitting these windows (see `build_seq2seq`).
            split: `"train"`, `"val"` or `"test"`.

        Returns:
            A `DataFrame` with columns `actual` (the data's own values) and
            `predicted`; with several targets, the columns are
            `("actual"|"predicted", target)`.

        Example:
        >>> pred = w.predict(model, "test")
        >>> pred.head()
        """
        index, actual, predicted = self._one_step(model, split)
        if len(self.targets) == 1:
            return pd.DataFrame({"actual": self._frame.iloc[:, 0].loc[index].to_numpy(),
                                 "predicted": predicted[:, 0]}, index=index)
        return pd.concat({"actual": pd.DataFrame(actual, index=index, columns=self.targets),
                          "predicted": pd.DataFrame(predicted, index=index,
                                                    columns=self.targets)}, axis=1)

    def future_index(self, steps: int) -> pd.Index:
        """The index of the `steps` rows after the data (dates at the inferred frequency)."""
        index = self._frame.index
        if isinstance(index, pd.DatetimeIndex) and self.frequency is not None:
            return pd.date_range(index[-1], periods=steps + 1, freq=self.frequency,
                                 name=index.name)[1:]
        if pd.api.types.is_integer_dtype(index.dtype) and len(index) > 1:
            step = int(pd.Series(np.diff(np.asarray(index))).mode().iloc[0])
            start = int(index[-1]) + step
            return pd.RangeIndex(start, start + step * steps, step, name=index.name)
        return pd.RangeIndex(len(index), len(index) + steps, name=index.name)

    def forecast(self, model: Any, steps: int) -> pd.Series | pd.DataFrame:
        """Forecast the `steps` values after the end of the data, in original units.

        A many-to-many model predicts one step at a time and reads its own
        prediction back as the next input; a horizon model predicts
        `output_steps` at a time (and feeds them back for longer forecasts).

        Args:
            model: a trained model fitting these windows.
            steps: how many steps to forecast (≥ 1).

        Returns:
            A `pandas.Series` (one target) or `DataFrame` (several), indexed by
            the dates that continue the data at its frequency.

        Raises:
            ValueError: if forecasting further than one model call needs future
                values of `features`, which the data does not have.

        Example:
        >>> w.forecast(model, steps=12)      # airpassengers: 1961-01 .. 1961-12
        """
        steps = check_int("steps", steps)
        self._check_model(model)
        per_call = self.output_steps or 1
        if self.features and steps > per_call:
            raise ValueError(
                f"steps={steps} needs {steps - per_call} future value(s) of the feature column(s) "
                f"{self.features}, which the data does not have. Forecast at most {per_call} "
                "step(s), or build the windows without features.")
        if len(self._inputs) < self.window:
            raise ValueError(
                f"forecast needs the last window={self.window} rows, but the data has "
                f"{len(self._inputs)}{' after difference=True' if self.difference else ''}. "
                "Pass a longer series.")
        history = self._inputs[-self.window:].copy()
        made: list[np.ndarray] = []
        count = 0
        while count < steps:
            out = np.asarray(model.predict_on_batch(history[None]), dtype="float32")[0]
            new = out[-1:] if self.output_steps is None else out
            made.append(new)
            count += len(new)
            if count < steps:
                history = np.concatenate([history, new], axis=0)[-self.window:]
        values = self.inverse_transform(np.concatenate(made, axis=0)[:steps],
                                        anchor=self._frame.iloc[-1, : len(self.targets)])
        index = self.future_index(steps)
        if len(self.targets) == 1:
            return pd.Series(values if values.ndim == 1 else values[:, 0], index=index,
                             name=self.targets[0])
        return pd.DataFrame(values, index=index, columns=self.targets)

    def evaluate(self, model: Any, split: str = "test", season: int | None = None
                 ) -> pd.DataFrame:
        """Error of the model's one-step predictions against naive baselines, in original units.

        Rows: `model`, `naive` (the previous value) and `seasonal naive` (the
        value one season back; left out when no season is known). Columns:
        MAE, RMSE, MAPE (%), sMAPE (%), MASE (MAE divided by the in-sample MAE
        of the naive forecast on the training part). A model that does not
        beat `naive` has learnt nothing useful.

        Args:
            model: a trained model fitting these windows.
            split: `"train"`, `"val"` or `"test"`.
            season: the season length; default inferred from the index
                frequency (monthly 12, weekly 52, daily 7, quarterly 4, hourly 24).

        Returns:
            A `DataFrame` indexed by method (and by target when there are
            several).

        Example:
        >>> print(w.evaluate(model, "test").round(3))
        """
        if season is None:
            season = _season_of(self.frequency)
        else:
            season = check_int("season", season)
        index, actual, predicted = self._one_step(model, split)
        original = self._frame.iloc[:, : len(self.targets)].to_numpy(dtype="float64")
        rows = self._frame.index.get_indexer(index)
        lo, hi = self._bounds["train"]
        train_rows = original[lo + self._offset: hi + self._offset]
        naive_scale = np.mean(np.abs(np.diff(train_rows, axis=0)), axis=0)
        tables = {}
        for j, name in enumerate(self.targets):
            a = actual[:, j].astype("float64")
            methods = {"model": predicted[:, j], "naive": original[rows - 1, j]}
            if season is not None:
                back = rows - season
                methods["seasonal naive"] = np.where(back >= 0, original[np.maximum(back, 0), j],
                                                     np.nan)
            tables[name] = pd.DataFrame(
                {m: _metrics(a, p, float(naive_scale[j])) for m, p in methods.items()}).T
        if len(self.targets) == 1:
            table = tables[self.targets[0]]
        else:
            table = pd.concat(tables, names=["target", "method"])
        table.columns.name = f"{split} ({len(index)} steps, season {season})"
        return table


# ============================================================================ JSON frame

def _frame_to_json(frame: pd.DataFrame) -> dict[str, Any]:
    index = frame.index
    if isinstance(index, pd.DatetimeIndex):
        kind, labels = "datetime", [t.isoformat() for t in index]
    elif pd.api.types.is_integer_dtype(index.dtype):
        kind, labels = "int", [int(v) for v in index]
    else:
        kind, labels = "str", [str(v) for v in index]
    dtypes = [str(frame[c].dtype) for c in frame.columns]
    values = [[int(v) if dt.startswith("int") else float(v) for v, dt in zip(row, dtypes,
                                                                           strict=True)]
              for row in frame.itertuples(index=False, name=None)]
    return {"index": labels, "index_kind": kind, "columns": [str(c) for c in frame.columns],
            "dtypes": dtypes, "values": values}


def _frame_from_json(data: dict[str, Any], *, name: str | None = None) -> pd.DataFrame:
    kind = data.get("index_kind", "int")
    if kind == "datetime":
        index: pd.Index = pd.DatetimeIndex(pd.to_datetime(data["index"]), name=name)
    elif kind == "int":
        index = pd.Index(np.asarray(data["index"], dtype="int64"), name=name)
    else:
        index = pd.Index(data["index"], name=name)
    columns = list(data["columns"])
    values = np.asarray(data["values"], dtype="float64").reshape(len(index), len(columns))
    frame = pd.DataFrame(values, index=index, columns=columns)
    for column, dtype in zip(columns, data.get("dtypes", ["float64"] * len(columns)),
                             strict=True):
        if dtype.startswith("int"):
            frame[column] = frame[column].astype(dtype)
    return frame

