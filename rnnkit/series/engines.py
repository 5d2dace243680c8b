"""The readers behind `read_series`: Excel workbooks (calamine or openpyxl) and delimited text.

:func:`read_table` returns the table as it is in the file (the header on the
first row, every cell as read), and the sheet it came from. Everything a
reader can refuse is turned into a `ValueError` naming the file and the fix:
an empty or damaged file, an unknown sheet, text that is not UTF-8.

The fast path is never the wrong one: calamine reads an Excel date before 1900
(stored as a negative serial number, as pandas, openpyxl and LibreOffice write
it) as a time of day, losing the date, so a sheet in which calamine returns
any time of day is read again with openpyxl, which converts every serial (the
1900 leap-year quirk included: serial 60 is Excel's fictitious 1900-02-29, and
serials below 61 count from 1899-12-31). Sheets without times of day, the usual
case, stay on calamine.

Example:
>>> table, sheet, skipped = read_table(Path("data/series/airpassengers.xlsx"))
>>> sheet, list(table.columns), skipped
('airpassengers', ['month', 'passengers'], 0)
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rnnkit._checks import check_choice
from rnnkit.series.dialect import (
    SEPARATORS,
    check_header_row,
    number_marks,
    sniff_separator,
    text_numbers,
    with_thousands,
)
from rnnkit.series.layout import (
    header_position,
    numbered_lines,
    other_sheets,
    text_header_line,
    title_note,
)

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
#: Every suffix `read_series` reads.
SUFFIXES = EXCEL_SUFFIXES + TEXT_SUFFIXES


def excel_engine() -> str:
    """`"calamine"` when python-calamine is importable (about 7x faster), else `"openpyxl"`.

    Example:
    >>> excel_engine() in ("calamine", "openpyxl")
    True
    """
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return "openpyxl"
    return "calamine"


def read_table(path: Path, sheet: str | int | None = None, engine: str | None = None,
               encoding: str | None = None, *, sep: str | None = None,
               decimal: str | None = None, thousands: str | None = None,
               header: int | None = 0, skiprows: int | None = 0,
               notes: list[str] | None = None) -> tuple[pd.DataFrame, str | None, int]:
    """Read the table as it is in the file; return it, the sheet and the rows skipped above it.

    Args:
        path: an existing file with one of :data:`SUFFIXES`.
        sheet: Excel only: a sheet name or 0-based index; default the first.
        engine: Excel only: `"calamine"` or `"openpyxl"`; default the fastest installed.
        encoding: text only: the text encoding; default UTF-8.
        sep, decimal, thousands: the separator (text only), decimal mark and
            thousands separator (`""`: none) of numbers written as text; None:
            detected (:mod:`rnnkit.series.dialect`).
        header: `0`: the first row read names the columns (an all-numeric one is an
            error); `None`: no header row, the columns are `column_0`, `column_1`, ...
        skiprows: the rows above the header (or the data) to skip; None: title
            rows above the header are detected (:mod:`rnnkit.series.layout`)
            and skipped with a note.
        notes: where the note goes.

    Returns:
        The raw table, the sheet's name (`None` for a text file), and how
        many rows of the file lie above it.
    """
    if path.stat().st_size == 0:
        raise ValueError(f"path={str(path)!r} is empty (0 bytes): it holds no header row and "
                         "no data. Check that the file was saved completely, or pass another "
                         "file.")
    notes = [] if notes is None else notes
    if path.suffix.lower() in EXCEL_SUFFIXES:
        if sep is not None:
            raise ValueError(f"sep={sep!r} was given but {str(path)!r} is an Excel workbook, "
                             "whose cells are separate already. Drop sep=.")
        table, name, skip = _read_excel(path, sheet, engine, encoding, header, skiprows, notes)
        where = f"{str(path)!r} (sheet {name!r})"
        if header == 0:
            check_header_row(list(table.columns), where)
        return _name_columns(_excel_text_numbers(table, where, decimal, thousands),
                             header), name, skip
    if sheet is not None:
        raise ValueError(f"sheet={sheet!r} was given but {str(path)!r} is a "
                         f"{path.suffix.lower()} file, which has no sheets. Drop sheet=.")
    table, skip = _read_text(path, encoding or "utf-8", sep, decimal, thousands, header,
                             skiprows, notes)
    return _name_columns(table, header), None, skip


def _excel_text_numbers(table: pd.DataFrame, where: str, decimal: str | None,
                        thousands: str | None) -> pd.DataFrame:
    """Text cells of a sheet that are numbers as written (`'1,5'`, `'1 234'`) made numbers."""
    text = [c for c in table.columns if table[c].dtype == object
            or pd.api.types.is_string_dtype(table[c].dtype)]
    cells = pd.DataFrame({i: table[c].map(lambda v: v if isinstance(v, str) else np.nan)
                          for i, c in enumerate(text)})
    if cells.empty or cells.isna().all().all():
        return table
    marks = number_marks(cells, None, where, decimal, thousands)
    if marks == (".", None):
        return table  # plain numbers as text: read as numbers later, as before
    for name in text:
        table[name] = text_numbers(table[name], marks)
    return table


def _name_columns(table: pd.DataFrame, header: int | None) -> pd.DataFrame:
    if header is None:
        table.columns = [f"column_{i}" for i in range(len(table.columns))]
    return table


def _unreadable_workbook(path: Path, exc: Exception) -> ValueError:
    reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
    return ValueError(
        f"path={str(path)!r} is not a readable Excel workbook ({reason}). The file may be "
        "damaged, still being written, or another format renamed to .xlsx: open it in Excel "
        "and save it again as .xlsx, or save the sheet as .csv.")


def _read_excel(path: Path, sheet: str | int | None, engine: str | None,
                encoding: str | None, header: int | None, skiprows: int | None,
                notes: list[str]) -> tuple[pd.DataFrame, str, int]:
    if encoding is not None:
        raise ValueError(f"encoding={encoding!r} was given but {str(path)!r} is an Excel "
                         "workbook, which has no text encoding. Drop encoding=.")
    engine = check_choice("engine", engine or excel_engine(), ("calamine", "openpyxl"))
    skip = skiprows or 0
    table, name = _read_sheet(path, sheet, engine, header, skip)
    if skiprows is None and header == 0:
        unnamed = [None if str(c).startswith("Unnamed: ") else c for c in table.columns]
        found = header_position([unnamed] + table.head(50).to_numpy().tolist())
        if found:
            titles = [c for c in unnamed if c is not None]
            notes_text = title_note(f"{str(path)!r} (sheet {name!r})", titles, found + 1)
            table, name = _read_sheet(path, name, engine, header, found)
            notes.append(notes_text)
            skip = found
    if engine == "calamine" and has_times_of_day(table):  # dates before 1900: see above
        table, name = _read_sheet(path, name, "openpyxl", header, skip)
    return table, name, skip


def _read_sheet(path: Path, sheet: str | int | None, engine: str,
                header: int | None = 0, skip: int = 0) -> tuple[pd.DataFrame, str]:
    """One sheet of the workbook with the given engine (`skip` rows above it), and its name."""
    try:
        book = pd.ExcelFile(path, engine=engine)
    except ImportError:
        raise
    except Exception as exc:  # the reader's own error: zipfile, calamine, openpyxl, ...
        raise _unreadable_workbook(path, exc) from exc
    with book:
        name = _pick_sheet(path, [str(n) for n in book.sheet_names], sheet)
        try:
            if header is None:
                return book.parse(name, header=None, skiprows=skip or None), name
            return book.parse(name, header=skip), name
        except Exception as exc:  # a damaged sheet inside a readable zip
            raise _unreadable_workbook(path, exc) from exc


def sheet_overview(path: Path, current: str, engine: str | None = None) -> str:
    """A sentence naming the workbook's other sheets and which look like a series."""
    try:
        with pd.ExcelFile(path, engine=engine or excel_engine()) as book:
            return other_sheets(book, current)
    except Exception:  # the message it would add to is the one that matters
        return ""


def has_times_of_day(table: pd.DataFrame) -> bool:
    """True when a cell of the table is a `datetime.time` (what calamine makes of a pre-1900 date).

    Example:
    >>> cells = [datetime.time(0, 0), datetime.datetime(1900, 3, 1)]  # as calamine reads them
    >>> has_times_of_day(pd.DataFrame({"day": cells})), has_times_of_day(pd.DataFrame({"v": [1]}))
    (True, False)
    """
    return any(isinstance(value, datetime.time)
               for name in table.columns if table[name].dtype == object
               for value in table[name].to_numpy())


def _pick_sheet(path: Path, names: list[str], sheet: str | int | None) -> str:
    """The name of the sheet to read: the first, or the one named or numbered by `sheet`."""
    if sheet is None:
        return names[0]
    if isinstance(sheet, (int, np.integer)) and not isinstance(sheet, bool):
        if not -len(names) <= int(sheet) < len(names):
            raise ValueError(
                f"sheet={sheet!r} is out of range for {str(path)!r}, which has "
                f"{len(names)} sheet(s): {names}. Pass a sheet index in "
                f"0..{len(names) - 1} or a sheet name.")
        return names[int(sheet)]
    if isinstance(sheet, str):
        if sheet not in names:
            raise ValueError(
                f"sheet={sheet!r} was not found in {str(path)!r}; its sheets are "
                f"{names}. Pass one of these names, or a sheet index.")
        return sheet
    raise ValueError(f"sheet={sheet!r} must be a sheet name (str) or index (int).")


def _read_text(path: Path, encoding: str, sep: str | None, decimal: str | None,
               thousands: str | None, header: int | None, skiprows: int | None,
               notes: list[str]) -> tuple[pd.DataFrame, int]:
    """The text file read with its separator and number marks (given, or detected)."""
    where = f"{str(path)!r}"
    try:
        lines = numbered_lines(path, encoding)
        skip = skiprows or 0
        if skiprows is None and header == 0:
            skip = text_header_line(lines, SEPARATORS if sep is None else sep)
            if skip:
                notes.append(title_note(where, [line for n, line in lines if n < skip],
                                        skip + 1))
        if sep is None:
            sep = sniff_separator([line for n, line in lines if n >= skip][:50],
                                  path.suffix.lower(), where)
        options: dict[str, Any] = {"sep": sep} if sep is not None else \
            {"sep": None, "engine": "python"}  # .txt, ragged: sniffed by pandas, as before
        options.update(header=header, skiprows=skip or None, encoding=encoding)
        cells = pd.read_csv(path, dtype=str, **options)
        marks = number_marks(cells, sep, where, decimal, thousands)
        if header == 0:
            check_header_row(list(cells.columns), where, marks)
        table = pd.read_csv(path, decimal=marks[0], **options)
        return with_thousands(table, cells, marks), skip
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
    except pd.errors.ParserError as exc:
        reason = str(exc).strip().splitlines()[0]
        raise ValueError(
            f"{where} has rows with different numbers of fields ({reason}). If rows above "
            "the header hold a title, pass header_row= (the header's row, counting from 1) or "
            "skiprows=; if the separator is not the one detected, pass sep=.") from None
