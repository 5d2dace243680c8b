"""How `rnnkit forecast` reads its file: the file options and the `read_series` call.

The options name what :func:`rnnkit.series.read_series` needs to read a file
as it is written: the sheet, the date column (a row index when no column holds
dates), the separator, decimal mark and thousands separator of a text file,
day-first or month-first dates, a missing header row, title rows above it,
empty cells and missing dates, rows out of date order, and time zones.
:data:`READ_FLAGS` maps `read_series`' argument names to these flags, so that
its messages (and its notes, printed as `Note: ...`) reach the user in the
command line's words.

Example:
>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> add_file_options(parser)
>>> path, read = read_options(parser.parse_args(["sales.csv", "--decimal", ",", "--dayfirst",
...                                               "--header-row", "3", "--tz", "UTC"]))
>>> read["decimal"], read["dayfirst"], read["fallback_index"], read["header_row"], read["tz"]
(',', True, True, 3, 'UTC')
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path
from typing import Any

__all__ = ["READ_FLAGS", "SAMPLE", "add_file_options", "read_options", "read_target",
           "show_notes"]

#: The shipped sample, its column and its date column.
SAMPLE, SAMPLE_TARGET, SAMPLE_DATES = "series/airpassengers.xlsx", "passengers", "month"
#: `read_series`' argument names and the flags that set them, for messages.
READ_FLAGS = {"date_column": "--date-column", "missing": "--missing", "sheet": "--sheet",
              "sep": "--sep", "decimal": "--decimal", "thousands": "--thousands",
              "dayfirst": "--dayfirst", "header": "--no-header", "skiprows": "--skiprows",
              "header_row": "--header-row", "tz": "--tz", "sort": "--sort"}


def add_file_options(parser: argparse.ArgumentParser) -> None:
    """Add the options that say how to read the series file."""
    add = parser.add_argument
    add("data", nargs="?", type=Path, default=None,
        help=".xlsx/.xlsm/.csv/.tsv/.txt file (default: airpassengers.xlsx)")
    add("--target", default=None, metavar="COL[,COL...]|all",
        help="column to forecast (default: the only numeric column); several columns a,b,c, "
             "or all (every numeric column that is not a feature), forecast each column as "
             "one series of one global model; with --id-column, the value column")
    add("--date-column", default="auto",
        help="column of dates, 'auto' (default: the first date-like column, else the row "
             "number) or 'none'")
    add("--sheet", default=None, help="Excel sheet name or 0-based index")
    add("--missing", default="error", choices=["error", "interpolate", "drop"],
        help="what to do with empty cells and with dates missing from a regular series: "
             "refuse (default error), fill them by time interpolation, or drop the rows and "
             "keep the dates as they are")
    add("--sep", default=None, help="text files: the separator, e.g. ';' (default: detected)")
    add("--decimal", default=None, choices=[".", ","],
        help="text files: the decimal mark (default: detected)")
    add("--thousands", default=None,
        help="text files: the thousands separator, e.g. '.', or 'none' (default: detected)")
    add("--dayfirst", action=argparse.BooleanOptionalAction, default=None,
        help="dates written day first (31.01.2020) or month first (default: decided from the "
             "whole column)")
    add("--no-header", dest="header", action="store_const", const=None, default=0,
        help="the file has no header row (columns are named column_0, column_1, ...)")
    add("--header-row", type=int, default=None,
        help="the header's row, counting from 1 (default: title rows above it are detected)")
    add("--skiprows", type=int, default=None,
        help="rows above the header to skip (the same as --header-row minus 1)")
    add("--tz", default=None,
        help="time zone for dates written with offsets, e.g. Europe/Berlin (default UTC)")
    add("--sort", action="store_true", default=None,
        help="sort the rows by date (default: rows out of date order are an error)")


def read_options(args: argparse.Namespace) -> tuple[Path, dict[str, Any]]:
    """The file to read and the `read_series` options, with the sample's defaults.

    Example:
    >>> read_options(argparse.Namespace(data=Path("a.csv"), date_column="none", missing="drop",
    ...              sheet=None, sep=";", decimal=None, thousands="none", dayfirst=None,
    ...              header=0, header_row=None, skiprows=None, tz=None, sort=None))[1]
    {'date_column': None, 'missing': 'drop', 'sep': ';', 'thousands': ''}
    """
    from rnnkit.datasets import sample_path

    sample = args.data is None
    path = sample_path(SAMPLE) if sample else args.data
    date_column = None if str(args.date_column).lower() == "none" else args.date_column
    if date_column == "auto" and sample:
        date_column = SAMPLE_DATES
    read: dict[str, Any] = dict(date_column=date_column, missing=args.missing)
    if date_column == "auto":
        read["fallback_index"] = True
    if args.sheet is not None:
        read["sheet"] = int(args.sheet) if args.sheet.isdigit() else args.sheet
    thousands = args.thousands
    if thousands is not None and thousands.lower() == "none":
        thousands = ""  # no thousands separator
    given = dict(sep=args.sep, decimal=args.decimal, thousands=thousands,
                 dayfirst=args.dayfirst, header_row=args.header_row, skiprows=args.skiprows,
                 tz=args.tz, sort=args.sort)
    read.update({name: value for name, value in given.items() if value is not None})
    if args.header is None:
        read["header"] = None
    return path, read


def read_target(args: argparse.Namespace, covariates: list[str] | None = None
                ) -> tuple[Any, Path, dict[str, Any]]:
    """The target column (then the `covariates`) as a DataFrame, the file, the read options.

    The target is `--target`, else the sample's column, else the file's
    only numeric column that is not one of the `covariates` (the columns of
    `--features` / `--known-features`). Says so when the dates fell back to a
    row index. The reader's notes are printed once, as `Note: ...` in the
    command line's words, and not again as warnings when the command reads
    the file again.
    """
    from rnnkit.cli._covariates import columns_named
    from rnnkit.series import read_series
    from rnnkit.series.quality import ReadNote

    warnings.filterwarnings("ignore", category=ReadNote)  # printed by show_notes, once
    path, read = read_options(args)
    covariates = list(covariates or [])
    target = args.target or (SAMPLE_TARGET if args.data is None else None)
    with columns_named(args):
        frame = read_series(path, **read, columns=target and [target, *covariates])
        missing = [c for c in covariates if c not in frame.columns]
        if missing:
            raise KeyError(f"columns {missing} not found in {str(path)!r} (as numbers); its "
                           f"numeric columns are {list(frame.columns)}.")
    show_notes(frame, path, read)
    values = [c for c in frame.columns if c not in covariates]
    if target is None and len(values) != 1:
        raise ValueError(f"{str(path)!r} has {len(values)} numeric columns {values}"
                         f"{' besides the features' if covariates else ''}; choose one with "
                         "--target (or several, --target a,b,c, or --target all).")
    target = target or values[0]
    return frame[[target, *[c for c in covariates if c != target]]], path, read


def show_notes(frame: Any, path: Path, read: dict[str, Any]) -> None:
    """Print the reader's notes in the command line's words, and a row index's fallback."""
    import pandas as pd

    from rnnkit.cli._common import flag_words

    for note in frame.attrs.get("notes", []):
        print(f"Note: {flag_words(note, READ_FLAGS)}")
    if read.get("fallback_index") and not isinstance(frame.index, pd.DatetimeIndex):
        print(f"No column of {str(path)!r} holds dates: the rows are numbered 0, 1, 2, ... "
              "(name the dates' column with --date-column NAME).")
