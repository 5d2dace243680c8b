"""What `rnnkit forecast` prints and writes: the error tables, predictions.csv and the plots.

:mod:`rnnkit.cli.forecast` trains (or loads) the model and calls these; several
series have their own tables and files (:mod:`rnnkit.cli._many_series`).

Example:
>>> rows = prediction_rows(windows, *predictions(windows, model)[:1], future)  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
from typing import Any

from rnnkit.cli import _common as common
from rnnkit.cli import _many_series as many

__all__ = ["print_tables", "predictions", "prediction_rows", "write_plots"]


def print_tables(one_step: Any, backtest: Any, horizon: int) -> None:
    """Both tables side by side (one row per method), their names, then their notes."""
    import pandas as pd

    table = pd.concat({"one step ahead": one_step, f"{horizon} steps ahead": backtest}, axis=1)
    print(f"Errors, one step ahead: {one_step.columns.name}; {horizon} steps ahead: "
          f"{backtest.columns.name}")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table.round(3).to_string())
    notes = [*one_step.attrs.get("notes", []), *backtest.attrs.get("notes", [])]
    for note in dict.fromkeys(notes):
        print(f"note: {note}")


def predictions(windows: Any, model: Any) -> tuple[list[Any], ValueError | None]:
    """One-step predictions of each part the data has, and why a part is missing."""
    parts, problem = [], None
    for split in ("train", "val", "test"):
        try:  # new data given to a bundle may be too short for some parts
            parts.append(windows.predict(model, split).assign(part=split))
        except ValueError as exc:
            problem = exc
    if not parts:
        raise problem  # type: ignore[misc]
    return parts, problem


def prediction_rows(windows: Any, parts: list[Any], future: Any) -> Any:
    """The rows of predictions.csv: each part's predictions, then the forecast (and band)."""
    import pandas as pd

    band = isinstance(future, pd.DataFrame)
    forecast = pd.DataFrame({"actual": float("nan"), "part": "forecast",
                             "predicted": future["forecast"] if band else future})
    if band:
        forecast = forecast.assign(lower=future["lower"], upper=future["upper"])
    rows = pd.concat(parts + [forecast])[["part", "actual", "predicted"]
                                         + (["lower", "upper"] if band else [])]
    if not hasattr(windows, "members"):
        return rows.rename_axis(rows.index.name or many.index_name(windows))
    rows = pd.concat({name: rows.xs(name, level="series") for name in windows.members},
                     names=["series"])  # series after series, each in time order
    return rows.rename_axis(["series", many.index_name(windows)])


def write_plots(args: argparse.Namespace, windows: Any, rows: Any, test_start: Any,
                 future: Any, history: Any) -> list[str]:
    """forecast.png, and history.png when the model was trained; the names written."""
    from rnnkit.plotting import plot_forecast, plot_history

    target = windows.targets[0]
    predicted = rows.loc[rows["part"] != "forecast", "predicted"].rename("predicted")
    band = f" with a {args.interval:.0%} interval" if args.interval else ""
    long = len(windows.frame) > 500  # zoomed on the test part: add a panel of the whole series
    ax = plot_forecast(windows.frame[target], predicted, test_start=test_start, future=future,
                       season=windows.season, history=long,
                       title=f"{target}: one-step predictions and {args.steps}-step "
                             f"forecast{band}")
    common.write_figure(args.out / "forecast.png", ax.figure)
    if history is None or not history.history.get("loss"):
        return ["forecast.png"]
    common.write_figure(args.out / "history.png", plot_history(history).figure)
    return ["forecast.png", "history.png"]
