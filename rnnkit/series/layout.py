"""Where the table lies in a file: title rows above the header, and the other sheets.

People put a title (and a blank line) above a table: `read_series` finds the
header row as the first row that fills every column of the table and holds
only names (no numbers, no dates), with only shorter rows above it
(:func:`header_position`). Those rows are skipped with a note that names
`header_row=`, which (like `skiprows=`) also says it outright. When a sheet
holds no usable data, :func:`other_sheets` says which other sheets look like
a series.

Example:
>>> header_position([["Sales report"], [], ["month", "sales"], ["2020-01", "3"]])
2
>>> header_position([["month", "sales"], ["2020-01", "3"]])
0
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from rnnkit.series.parsing import blank, is_datelike, to_numbers

__all__ = ["check_rows", "header_position", "numbered_lines", "text_header_line",
           "other_sheets", "title_note"]

#: A cell that is a number however it is written (`1,5`, `1 234`, `-3e5`).
_NUMBER = re.compile(r"[+-]?[\d.,' \u00a0\u202f]*\d[\d.,' \u00a0\u202f]*(?:[eE][+-]?\d+)?%?")
#: How many rows above the table may be titles.
MAX_TITLE_ROWS = 20


def check_rows(skiprows: Any, header_row: Any, header: int | None) -> int | None:
    """Check `skiprows=` / `header_row=`; return the rows to skip (None: detect title rows).

    Example:
    >>> check_rows(None, 3, 0), check_rows(2, None, 0), check_rows(None, None, 0)
    (2, 2, None)
    >>> check_rows(1, 3, 0)
    Traceback (most recent call last):
    ...
    ValueError: skiprows=1 and header_row=3 disagree (header_row=3 skips 2 rows); pass one of \
them.
    """
    for name, value in (("skiprows", skiprows), ("header_row", header_row)):
        low = 0 if name == "skiprows" else 1
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < low):
            raise ValueError(f"{name}={value!r} must be a whole number >= {low} (the rows above "
                             "the header to skip; header_row counts from 1, as a spreadsheet "
                             "does), or None to detect title rows.")
    if header_row is not None and header is None:
        raise ValueError(f"header_row={header_row!r} names a header row but header=None says "
                         "there is none; pass skiprows= to skip rows above the data.")
    if skiprows is not None and header_row is not None and skiprows != header_row - 1:
        raise ValueError(f"skiprows={skiprows!r} and header_row={header_row!r} disagree "
                         f"(header_row={header_row} skips {header_row - 1} rows); pass one of "
                         "them.")
    return header_row - 1 if header_row is not None else skiprows


def _filled(cell: Any) -> bool:
    return cell is not None and not (isinstance(cell, float) and cell != cell) \
        and str(cell).strip() != ""


def _is_name(cell: Any) -> bool:
    """True for a cell that can only be a column name: text that is no number and no date."""
    if not isinstance(cell, str):
        return False
    text = cell.strip()
    return not _NUMBER.fullmatch(text) and not is_datelike(pd.Series([text]))


def header_position(rows: Sequence[Sequence[Any]]) -> int:
    """The position of the header among the first rows of a table; 0 unless titles are above it.

    The header is the first row that fills as many cells as the fullest row;
    rows above it count as titles only when it holds names alone and a row follows it.
    """
    rows = [list(r) for r in rows[: MAX_TITLE_ROWS + 30]]
    widths = [sum(_filled(c) for c in r) for r in rows]
    if not widths or max(widths) < 2:
        return 0
    first = widths.index(max(widths))
    if first == 0 or first > MAX_TITLE_ROWS or first + 1 >= len(rows):
        return 0
    if not all(_is_name(c) for c in rows[first] if _filled(c)):
        return 0
    return first


def numbered_lines(path: Path, encoding: str, count: int = 70) -> list[tuple[int, str]]:
    """The first `count` non-blank lines of a text file, each with its 0-based line number."""
    lines: list[tuple[int, str]] = []
    with open(path, encoding=encoding, newline="") as handle:
        for number, line in enumerate(handle):
            if line.strip():
                lines.append((number, line.rstrip("\r\n")))
            if len(lines) >= count:
                break
    return lines


def text_header_line(lines: list[tuple[int, str]], separators: Sequence[str]) -> int:
    """The line number of the header of a text file with title lines above it, else 0.

    A separator finds titles when, split by it, the lines from the header on
    have one number of fields (more than one) and :func:`header_position`
    finds rows above the header; exactly one separator must find them.

    Example:
    >>> text_header_line([(0, "Sales 2020"), (2, "month;sales"), (3, "2020-01;1,5")], ";,")
    2
    """
    found = set()
    for separator in separators:
        rows = [next(csv.reader([line], delimiter=separator), []) for _, line in lines]
        position = header_position(rows)
        counts = {len(r) for r in rows[position:]}
        if position and len(counts) == 1 and counts.pop() > 1:
            found.add(lines[position][0])
    return found.pop() if len(found) == 1 else 0


def title_note(where: str, titles: Sequence[Any], header_row: int) -> str:
    """The note that title rows were skipped, naming `header_row=`.

    Example:
    >>> title_note("'s.csv'", ["Sales report"], 3)
    "'s.csv' has title rows above its header (e.g. 'Sales report'): they are skipped and row \
3 is read as the header. Pass header_row=3 (or skiprows=2) to say so, or header_row=1 to read \
the first row as the header."
    """
    shown = next((str(t).strip() for t in titles if _filled(t)), "")
    return (f"{where} has title rows above its header (e.g. {shown!r}): they are skipped and "
            f"row {header_row} is read as the header. Pass header_row={header_row} (or "
            f"skiprows={header_row - 1}) to say so, or header_row=1 to read the first row as "
            "the header.")


def _describe(table: pd.DataFrame) -> str:
    """Whether a sheet (read with its first row as header) looks like a series, and why."""
    table = table.loc[:, [not blank(table[c]).all() for c in table.columns]]
    table = table[~table.apply(blank).all(axis=1)] if len(table.columns) else table
    if table.empty:
        return "empty"
    dates = [str(c) for c in table.columns if is_datelike(table[c])]
    numeric = [str(c) for c in table.columns if str(c) not in dates
               and not to_numbers(table[c])[1].any()]
    if not numeric:
        return "no numeric column"
    if dates:
        return f"looks like a series: dates in {dates[0]!r}, numbers in {numeric}"
    return f"numbers in {numeric}, no date column"


def other_sheets(book: Any, current: str) -> str:
    """A sentence listing the workbook's other sheets and which look like a series.

    Args:
        book: an open `pandas.ExcelFile`.
        current: the sheet that was read.
    """
    described = []
    for name in (str(n) for n in book.sheet_names):
        if name == current:
            continue
        try:
            described.append(f"{name!r} ({_describe(book.parse(name, header=0))})")
        except Exception:  # a sheet that cannot be read says so, and the list goes on
            described.append(f"{name!r} (unreadable)")
    if not described:
        return " The workbook has no other sheet."
    return f" The workbook's other sheets: {'; '.join(described)}. Pick one with sheet=."
