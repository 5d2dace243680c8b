"""Many series in one run of `rnnkit forecast`: which series, one set of settings, the outputs.

Several series are a long table (`--id-column region`: one row per series and
date) or several columns of a wide one (`--target a,b,c`, or `--target all`:
every numeric column that is not a feature). One global model is trained on
the windows of every series (:class:`rnnkit.series.SeriesCollection`), so the
automatic settings (:mod:`rnnkit.series.auto`) are chosen once for all of them
(:func:`choose_many`): the season most series have; the log only when every
series is > 0 and the rule says log for most; the differencing by majority;
the window from the shortest training part. The outputs are one
`predictions.csv` and one `forecast.csv` with a `series` column, the error
tables per series with their mean (`errors.csv`), and a grid of plots.

Example:
>>> import argparse
>>> several(argparse.Namespace(id_column=None, target="a,b")), \\
...     several(argparse.Namespace(id_column=None, target="a"))
(True, False)
"""

from __future__ import annotations

import argparse
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rnnkit.cli._covariates import (
    check_dated,
    columns_named,
    covariate_columns,
    names,
    window_keywords,
)

__all__ = ["several", "Source", "read_many", "choose_many", "show_settings", "longest",
           "mean_over_series", "index_name", "print_many_tables", "write_many_files"]

#: The most series drawn in the grid of forecast.png.
MOST_PANELS = 20


def several(args: argparse.Namespace) -> bool:
    """Whether the flags name several series: `--id-column`, or `--target` a list or `all`."""
    target = getattr(args, "target", None)
    return args.id_column is not None or target == "all" or len(names(target)) > 1


@dataclass
class Source:
    """The data of a run: its file, reading settings, target(s), windows keywords and settings.

    Attributes:
        path: the data file.
        read: the `read_series` options.
        target: the target column (a list with `multi_series`).
        options: further `SeriesWindows` keywords (features, calendar, id_column, ...).
        rows: the rows of the shortest series.
        settings: the chosen :class:`rnnkit.series.auto.AutoSettings`.
    """

    path: Path
    read: dict[str, Any]
    target: Any
    options: dict[str, Any]
    rows: int
    settings: Any

    def windows(self, args: argparse.Namespace, output_steps: int | None) -> Any:
        """The windows of one strategy over the file, with the chosen settings."""
        from rnnkit.series import SeriesWindows

        settings = self.settings
        return SeriesWindows.from_file(
            self.path, target=self.target, window=settings.window.value,
            output_steps=output_steps, season=settings.season.value, log=settings.log.value,
            difference=settings.difference.value, batch_size=args.batch_size, seed=args.seed,
            **self.options, **self.read)


def _long_values(args: argparse.Namespace, frame: Any, path: Path) -> tuple[str, dict[str, Any]]:
    """The value column of a long table and each series' values (ids in file order)."""
    covariates = covariate_columns(args)
    if args.target == "all" or len(names(args.target)) > 1:
        raise ValueError(f"--target {args.target} names several columns of a wide table; with "
                         f"--id-column {args.id_column}, --target names the one value column "
                         "of the long table.")
    values = [c for c in frame.columns if c != args.id_column and c not in covariates]
    target = args.target or (values[0] if len(values) == 1 else None)
    if target is None:
        raise ValueError(f"{str(path)!r} has {len(values)} value columns {values} besides "
                         f"--id-column {args.id_column}; choose one with --target.")
    return target, {str(name): part[target] for name, part in
                    frame.groupby(args.id_column, sort=False)}


def read_many(args: argparse.Namespace) -> Source:
    """Read the series the flags name, choose their settings once, and say what was chosen."""
    from rnnkit.cli._series_file import read_options, show_notes
    from rnnkit.series import read_series
    from rnnkit.series.calendar import infer_frequency
    from rnnkit.series.quality import ReadNote

    warnings.filterwarnings("ignore", category=ReadNote)  # printed by show_notes, once
    path, read = read_options(args)
    covariates = covariate_columns(args)
    keywords = window_keywords(args)
    if args.id_column is not None:
        columns = [args.target, *covariates] if len(names(args.target)) == 1 else None
        with columns_named(args):
            frame = read_series(path, **read, id_column=args.id_column, columns=columns)
        target, values = _long_values(args, frame, path)
        keywords["id_column"] = args.id_column
    else:
        targets = None if args.target == "all" else names(args.target)
        with columns_named(args):
            frame = read_series(path, **read, columns=targets and targets + covariates)
        targets = targets or [c for c in frame.columns if c not in covariates]
        if not targets:
            raise ValueError(f"--target all finds no numeric column in {str(path)!r} besides "
                             f"the --features / --known-features {covariates}; name the "
                             "series' columns with --target a,b,c.")
        values = {c: frame[c] for c in targets}
        target = targets if len(targets) > 1 else targets[0]
        if len(targets) > 1:
            keywords["multi_series"] = True
    show_notes(frame, path, read)
    first = next(iter(values.values()))
    check_dated(args, first.index, path)
    print(f"{len(values)} series: {', '.join(list(values)[:8])}"
          + (f", ... ({len(values) - 8} more)" if len(values) > 8 else ""))
    settings = choose_many(args, {k: v.to_numpy(dtype="float64") for k, v in values.items()},
                           infer_frequency(first.index))
    show_settings(settings)
    return Source(path, read, target, keywords, min(len(v) for v in values.values()), settings)


def _majority(name: str, votes: int, total: int, given: Any, *, allowed: bool = True,
              blocked: str = "") -> Any:
    """The shared on/off choice of `--name` from the series' votes (ties: on), with counts."""
    from rnnkit.series.auto import Choice

    if given is not None:
        return Choice(bool(given), "given", True)
    on = allowed and 2 * votes >= total if name == "difference" else allowed and 2 * votes > total
    rule = "most" if name == "log" else "at least half"
    reason = f"{votes} of {total} series say {name} ({rule} needed)" + (blocked if not allowed
                                                                          else "")
    return Choice(bool(on), reason)


def choose_many(args: argparse.Namespace, values: dict[str, Any],
                frequency: str | None) -> Any:
    """One set of settings for every series: each series' rules, then their vote.

    The season is the one most series have; the log is on when the rule says
    log for most series and every series is > 0; the differencing when it says
    so for at least half (a tie differences); the window suits the shortest
    training part.

    Example:
    >>> import argparse
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> series = {str(i): 50 + np.cumsum(rng.normal(size=120)) for i in range(3)}
    >>> flags = argparse.Namespace(season=None, log=None, difference=None, window=None)
    >>> settings = choose_many(flags, series, None)
    >>> settings.difference.reason
    '3 of 3 series say difference (at least half needed)'
    """
    from rnnkit.series.auto import AutoSettings, Choice, choose_settings, choose_window

    def each(**given: Any) -> list[Any]:
        return [choose_settings(v, frequency=frequency, window=args.window, **given)
                for v in values.values()]

    total, first = len(values), each(season=args.season, log=args.log,
                                     difference=args.difference)
    seasons = Counter(s.season.value for s in first)
    season_value, count = seasons.most_common(1)[0]
    season = first[0].season if len(seasons) == 1 else \
        Choice(season_value, f"{count} of {total} series have it")
    positive = all(bool((v > 0).all()) for v in values.values())
    log = _majority("log", sum(bool(s.log.value) for s in first), total, args.log,
                    allowed=positive, blocked="; off: not every series is > 0")
    again = each(season=season_value, log=log.value, difference=args.difference) \
        if season_value is not None else first
    difference = _majority("difference", sum(bool(s.difference.value) for s in again), total,
                           args.difference)
    shortest = min(len(v) for v in values.values())
    train = int(shortest * 0.7) - int(difference.value)
    window = Choice(int(args.window), "given", True) if args.window is not None else \
        choose_window(season_value, train)
    return AutoSettings(season, log, difference, window)


def show_settings(settings: Any) -> None:
    """Print the season, log, difference and window, each with its reason or its flag."""
    season, window = settings.season.value, settings.window.value
    switch = {True: ("on", "--{}", "--no-{}"), False: ("off", "--no-{}", "--{}")}
    rows = [(f"season {season or 'none'}", settings.season, f"--season {season}", "--season N"),
            (f"window {window}", settings.window, f"--window {window}", "--window N")]
    for name, choice in (("log", settings.log), ("difference", settings.difference)):
        shown, given, other = switch[bool(choice.value)]
        rows.insert(-1, (f"{name} {shown}", choice, given.format(name), other.format(name)))
    print("Settings (chosen on the training part unless given):")
    for label, choice, given, other in rows:
        print(f"  {label:<15} " + (f"set by {given}" if choice.given else
                                  f"{choice.reason} ({other} to change)"))


# ----------------------------------------------------------------------------- the outputs

def longest(windows: Any, split: str) -> int:
    """The longest backtest horizon of a part: of the shortest series for a collection."""
    from rnnkit.series.backtest import longest_horizon

    members = getattr(windows, "members", None)
    if members is None:
        return longest_horizon(windows, split)
    return min(longest_horizon(m, split) for m in members.values())


def mean_over_series(table: Any) -> Any:
    """A stacked table's mean over the series (one row per method); a plain table as it is."""
    if "series" not in (table.index.names or []):
        return table
    mean = table.groupby(level="method", sort=False).mean(numeric_only=True)
    mean.columns.name = table.columns.name
    return mean


def index_name(windows: Any) -> str:
    """The name of the time index of the predictions (the data's, else `index`)."""
    members = getattr(windows, "members", None)
    first = next(iter(members.values())) if members else windows
    return first.frame.index.name or "index"


def print_many_tables(args: argparse.Namespace, one_step: Any, backtest: Any,
                      horizon: int) -> None:
    """Print the mean over series, how many series the model wins, and write errors.csv."""
    import pandas as pd

    from rnnkit._fs import atomic_write

    both = {"one step ahead": one_step, f"{horizon} steps ahead": backtest}
    means = pd.concat({k: mean_over_series(v) for k, v in both.items()}, axis=1)
    print(f"Errors, mean over {one_step.index.get_level_values('series').nunique()} series "
          f"(each series: errors.csv); one step ahead: {one_step.columns.name}; {horizon} "
          f"steps ahead: {backtest.columns.name}")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(means.round(3).to_string())
    mase = backtest["MASE"].unstack("method")
    for baseline in [c for c in mase.columns if c != "model"]:
        wins = int((mase["model"] < mase[baseline]).sum())
        print(f"the model beats the {baseline} forecast on {wins} of {len(mase)} series "
              f"(MASE {horizon} steps ahead)")
    table = pd.concat(both, axis=1)
    mean = pd.concat({"mean": means}, names=["series"])
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write(args.out / "errors.csv", pd.concat([table, mean]).to_csv)


def write_many_files(args: argparse.Namespace, windows: Any, rows: Any, future: Any,
                     history: Any) -> list[str]:
    """forecast.csv, the grid forecast.png (and history.png); the names written."""
    import pandas as pd

    from rnnkit._fs import atomic_write
    from rnnkit.cli import _common as common
    from rnnkit.plotting import plot_forecast_grid, plot_history

    frame = future.to_frame("forecast") if isinstance(future, pd.Series) else future
    atomic_write(args.out / "forecast.csv", frame.to_csv)
    members = windows.members
    actual = {name: m.frame[m.targets[0]] for name, m in members.items()}
    test = rows[rows["part"] == "test"]["predicted"]
    band = f", {args.interval:.0%} interval" if args.interval else ""
    figure = plot_forecast_grid(
        actual, {name: frame.xs(name, level="series") for name in members},
        predicted={name: test.xs(name, level="series") for name in members
                   if name in test.index.get_level_values("series")},
        most=MOST_PANELS, title=f"{len(members)} series: test predictions and {args.steps}-step "
                                f"forecast{band}")
    common.write_figure(args.out / "forecast.png", figure)
    written = ["forecast.png", "forecast.csv"]
    if history is not None and history.history.get("loss"):
        common.write_figure(args.out / "history.png", plot_history(history).figure)
        written.append("history.png")
    return written
