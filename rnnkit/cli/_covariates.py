"""The input flags of `rnnkit forecast`: past and future-known columns, calendar, `--future`.

`--features` are past-only inputs (seen up to the forecast origin), so a
forecast with them is one model call (`--strategy direct`, the default then);
`--known-features` are also seen at the predicted steps, so a forecast needs
their future values, read from `--future FILE` with the main file's reading
settings; `--calendar` adds cyclic date encodings (bare: picked from the
frequency; or a comma list such as `month,quarter`). These flags turn into the
keywords of :class:`rnnkit.series.SeriesWindows`, and the library's messages
about them are put in the command line's words (`--future`, `--steps`,
`--known-features`), checked before any training.

Example:
>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> add_covariate_options(parser)
>>> args = parser.parse_args(["--known-features", "law, price", "--calendar", "month"])
>>> window_keywords(check_calendar_flag(args))
{'known_features': ['law', 'price'], 'calendar': ['month']}
"""

from __future__ import annotations

import argparse
import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["COVARIATE_FLAGS", "add_covariate_options", "names", "check_calendar_flag",
           "check_covariate_options", "window_keywords", "covariate_columns", "columns_named",
           "check_dated", "read_future", "check_steps", "check_future", "strategy_reason"]

#: The library's argument names and the flags that set them, for messages.
COVARIATE_FLAGS = {"features": "--features", "known_features": "--known-features",
                   "calendar": "--calendar", "id_column": "--id-column"}


def add_covariate_options(parser: argparse.ArgumentParser) -> None:
    """Add `--features`, `--known-features`, `--calendar`, `--future` and `--id-column`."""
    add = parser.add_argument
    add("--features", default=None, metavar="COL[,COL...]",
        help="past-only input columns, seen up to the forecast origin (their future is not "
             "known: the --steps are then forecast in one model call, --strategy direct)")
    add("--known-features", default=None, metavar="COL[,COL...]",
        help="input columns whose future values are known (a law from a known date, a plan, "
             "a holiday): also seen at the predicted steps; give their future values with "
             "--future FILE")
    add("--calendar", nargs="?", const="auto", default=None, metavar="ENC[,ENC...]",
        help="add cyclic encodings of the dates as known inputs: bare, those that suit the "
             "frequency (monthly: month; daily: day_of_week, day_of_year; ...), or a list of "
             "month, quarter, week, day_of_year, day_of_month, day_of_week, hour, minute")
    add("--future", type=Path, default=None, metavar="FILE",
        help="the future values of the --known-features: a file with the date column and "
             "those columns (and the --id-column), one row per forecast date, read like the "
             "data file")
    add("--id-column", default=None, metavar="COL",
        help="a long table of many series (one row per series and date): the column naming "
             "each row's series; one model is trained on all of them (--target names the "
             "value column)")


def names(value: str | None) -> list[str]:
    """A comma list of column names as a list (`None`: none).

    Example:
    >>> names(" law, petrol_price ,"), names(None)
    (['law', 'petrol_price'], [])
    """
    return [] if value is None else [part.strip() for part in value.split(",") if part.strip()]


def check_calendar_flag(args: argparse.Namespace) -> argparse.Namespace:
    """`args` with `--calendar` checked: `True` (bare), a list of encodings, or `False`.

    A bare `--calendar` just before the data file would take the file's name
    as its value: that name (a path with a file suffix, with no file given)
    becomes the data file again.

    Example:
    >>> check_calendar_flag(argparse.Namespace(calendar="moon", data=None))
    Traceback (most recent call last):
    ...
    ValueError: --calendar moon: unknown encoding 'moon'; give --calendar alone (the \
encodings that suit the dates' frequency) or a comma list of: month, quarter, week, \
day_of_year, day_of_month, day_of_week, hour, minute.
    """
    from rnnkit.series.covariates import CALENDAR_PERIODS
    from rnnkit.series.engines import SUFFIXES

    value = args.calendar
    if value is None or value is False or value is True:
        args.calendar = bool(value)
        return args
    if value != "auto" and getattr(args, "data", None) is None \
            and Path(value).suffix.lower() in SUFFIXES:
        args.data, value = Path(value), "auto"  # `--calendar FILE.xlsx`
    if value == "auto":
        args.calendar = True
        return args
    chosen = names(value)
    for name in chosen or [""]:
        if name not in CALENDAR_PERIODS:
            raise ValueError(f"--calendar {value}: unknown encoding {name!r}; give --calendar "
                             "alone (the encodings that suit the dates' frequency) or a comma "
                             f"list of: {', '.join(CALENDAR_PERIODS)}.")
    args.calendar = chosen
    return args


def check_covariate_options(args: argparse.Namespace, strategy: str | None,
                            several: bool) -> str | None:
    """Refuse flags that do not go together, before anything is read; return the strategy.

    With `--features` and no `--strategy`, the strategy is direct (the past-only
    features' future is unknown, so a forecast is one model call).
    """
    check_calendar_flag(args)
    if args.future is not None and not names(args.known_features) and args.model is None:
        raise ValueError(f"--future {args.future} gives the future values of known features, "
                         "but no --known-features names them; add --known-features COL[,COL...] "
                         "(the columns of the data file whose future is known).")
    if several and getattr(args, "search", None):
        raise ValueError("--search tunes one series' model; it cannot be combined with several "
                         "series (--id-column, or --target with several columns or all). Leave "
                         "--search out, or forecast one --target.")
    if not names(args.features) or args.model is not None:
        return strategy
    given = args.strategy or ("direct" if args.output_steps is not None else None)
    if given in ("recursive", "auto") and args.steps > 1:
        raise ValueError(f"--features {args.features} are past-only inputs: a forecast of "
                         f"--steps {args.steps} cannot read them beyond its first step, so "
                         f"--strategy {given} cannot forecast it. Use --strategy direct (all "
                         "--steps in one model call), or --steps 1, or give the columns whose "
                         "future you know as --known-features (with --future FILE).")
    return "direct" if given is None else strategy


def strategy_reason(args: argparse.Namespace) -> str | None:
    """Why the strategy is direct without `--strategy`: the past-only `--features`, or `None`."""
    if names(args.features) and not args.strategy and args.output_steps is None:
        return ("past-only --features: the --steps are forecast in one model call (their "
                "future is not known)")
    return None


def window_keywords(args: argparse.Namespace) -> dict[str, Any]:
    """The `SeriesWindows` keywords the flags set (only those given).

    Example:
    >>> window_keywords(argparse.Namespace(features="kms", known_features=None, calendar=True))
    {'features': ['kms'], 'calendar': True}
    """
    keywords: dict[str, Any] = {}
    for key in ("features", "known_features"):
        if names(getattr(args, key)):
            keywords[key] = names(getattr(args, key))
    if args.calendar:
        keywords["calendar"] = args.calendar
    return keywords


def covariate_columns(args: argparse.Namespace) -> list[str]:
    """The data columns the flags name besides the target(s): features, then known features."""
    return names(args.features) + [c for c in names(args.known_features)
                                   if c not in names(args.features)]


@contextlib.contextmanager
def columns_named(args: argparse.Namespace, target_flag: str = "--target") -> Iterator[None]:
    """Put the flag that named a missing column in front of the reader's `KeyError`.

    Example:
    >>> args = argparse.Namespace(features=None, known_features="lawx", target="y")
    >>> with columns_named(args):
    ...     raise KeyError("columns ['lawx'] not found in 'a.csv'")
    Traceback (most recent call last):
    ...
    KeyError: "--known-features: columns ['lawx'] not found in 'a.csv'"
    """
    try:
        yield
    except KeyError as exc:
        message = str(exc.args[0]) if exc.args else ""
        quoted = set(re.findall(r"'([^']*)'", message.split("not found")[0]))
        groups = (("--features", names(args.features)),
                  ("--known-features", names(args.known_features)),
                  (target_flag, names(getattr(args, "target", None))))
        flags = [flag for flag, group in groups if quoted & set(group)]
        if "not found" not in message or not flags:
            raise
        raise KeyError(f"{'/'.join(flags)}: {message}") from None


def check_dated(args: argparse.Namespace, index: Any, path: Path) -> None:
    """Refuse `--calendar` on data without dates, naming the flags that fix it."""
    import pandas as pd

    if args.calendar and not isinstance(index, pd.DatetimeIndex):
        raise ValueError(f"--calendar encodes dates, but {str(path)!r} is read without dates "
                         "(its rows are numbered); name the dates' column with --date-column "
                         "NAME, or leave --calendar out.")


def read_future(args: argparse.Namespace, read: dict[str, Any], known: list[str],
                id_column: str | None, dated: bool) -> Any:
    """The `--future` file's known-feature columns, read like the data file (or `None`).

    Raises:
        ValueError / KeyError: naming `--future` and the file, e.g. when the
            file has no dates where the data has them.
    """
    import pandas as pd

    from rnnkit.series import read_series
    from rnnkit.series.engines import EXCEL_SUFFIXES

    if args.future is None:
        return None
    options = {k: v for k, v in read.items() if k not in ("columns", "id_column", "sheet")}
    if args.future.suffix.lower() in EXCEL_SUFFIXES:
        options = {k: v for k, v in options.items()
                   if k not in ("sep", "decimal", "thousands", "encoding")}
        if read.get("sheet") is not None and Path(str(args.data)).suffix == args.future.suffix:
            options["sheet"] = read["sheet"]
    if id_column is not None:
        options["id_column"] = id_column
    try:
        frame = read_series(args.future, columns=known, **options)
    except (ValueError, KeyError, FileNotFoundError) as exc:
        text = str(exc.args[0]) if exc.args else str(exc)
        raise type(exc)(f"--future {args.future}: {text}") from None
    if dated and not isinstance(frame.index, pd.DatetimeIndex):
        raise ValueError(f"--future {args.future} has no column of dates, but the data is "
                         "dated: give the forecast's dates in a date column (named as in the "
                         "data file, or with --date-column NAME), one row per date.")
    return frame


def check_steps(args: argparse.Namespace, windows: Any) -> None:
    """Refuse `--steps` beyond one model call when the windows have past-only features."""
    features, per_call = list(windows.features), windows.output_steps or 1
    if features and args.steps > per_call:
        raise ValueError(f"--steps {args.steps} needs {args.steps - per_call} future value(s) "
                         f"of the past-only --features {features}, but one model call "
                         f"forecasts {per_call} step(s) (all the parts of this data allow). "
                         f"Use --steps {per_call}; or give the columns whose future you know "
                         "as --known-features (with --future FILE).")


def check_future(args: argparse.Namespace, windows: Any, future: Any) -> None:
    """Refuse a forecast the `--future` values cannot feed, before training, naming the flags."""
    from rnnkit.series.collection_members import future_parts
    from rnnkit.series.covariates import future_known, known_steps

    check_steps(args, windows)
    several = hasattr(windows, "members")  # a SeriesCollection
    members = windows.members if several else {None: windows}
    first = next(iter(members.values()))
    known = list(first.known_features)
    count = known_steps(first, args.steps)
    if known and future is None:
        index = first.future_index(count)
        dates = index.strftime("%Y-%m-%d %H:%M").str.removesuffix(" 00:00") \
            if hasattr(index, "strftime") else index
        raise ValueError(f"--known-features {known} are inputs at the forecast steps too: the "
                         f"forecast of --steps {args.steps} ({dates[0]} .. {dates[-1]}) needs "
                         "their future values. Give them with --future FILE (a date column and "
                         f"{known}, one row per date).")
    if not known:
        return
    try:
        parts = future_parts(future, windows.id_column, list(members)) if several \
            else {None: future}
        for name, member in members.items():
            future_known(member, parts[name], count)
    except (ValueError, KeyError) as exc:
        text = str(exc.args[0]) if exc.args else str(exc)
        text = text.replace("future=", "--future").replace("future ", "the file ", 1).replace(
            "(a long DataFrame with the id column, or {id: DataFrame})",
            f"(rows whose {getattr(windows, 'id_column', None)!r} column names each series)")
        raise type(exc)(f"--future {args.future}: {text}") from None
