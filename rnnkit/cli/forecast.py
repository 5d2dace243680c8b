"""`rnnkit forecast`: train a forecaster on an Excel/CSV series, or forecast with a saved one.

Options in, library calls out: the series is read and windowed by
:class:`rnnkit.series.SeriesWindows`, the model built by
:func:`rnnkit.models.build_seq2seq`, the evaluation, predictions and forecast
come from the windows, the plots from :mod:`rnnkit.plotting`. The outputs
(predictions.csv, forecast.png, history.png, the bundle forecaster/) are
written atomically.

Example:
    $ rnnkit forecast --epochs 20 --out out/
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rnnkit.cli import _common as common

#: The shipped sample, its column and its date column.
SAMPLE, SAMPLE_TARGET, SAMPLE_DATES = "series/airpassengers.xlsx", "passengers", "month"


def add_options(parser: argparse.ArgumentParser) -> None:
    """Add the options of `rnnkit forecast`."""
    parser.add_argument("data", nargs="?", type=Path, default=None,
                        help=".xlsx/.xlsm/.csv/.tsv/.txt file (default: airpassengers.xlsx)")
    parser.add_argument("--target", default=None,
                        help="column to forecast (default: the only numeric column)")
    parser.add_argument("--date-column", default="auto",
                        help="column of dates, 'auto' (default) or 'none'")
    parser.add_argument("--sheet", default=None, help="Excel sheet name or 0-based index")
    parser.add_argument("--missing", default="error", choices=["error", "interpolate", "drop"],
                        help="what to do with empty cells (default error)")
    parser.add_argument("--window", type=int, default=24, help="input steps (default 24)")
    parser.add_argument("--output-steps", type=int, default=None,
                        help="predict K steps per window (default: many-to-many)")
    parser.add_argument("--log", action=argparse.BooleanOptionalAction, default=None,
                        help="log-transform (default: on for the sample, off for a file)")
    parser.add_argument("--difference", action=argparse.BooleanOptionalAction, default=None,
                        help="model first differences (default: on for the sample, off for "
                             "a file)")
    parser.add_argument("--steps", type=int, default=12,
                        help="future steps to forecast after the data (default 12)")
    parser.add_argument("--learning-rate", type=float, default=1e-2,
                        help="Adam learning rate (default 0.01)")
    common.add_common_options(parser, units=16, epochs=100, patience=15, batch_size=16,
                       model_help="a forecaster bundle saved by an earlier run (its "
                                  "OUT/forecaster): evaluate and forecast with it, without "
                                  "training")


# ----------------------------------------------------------------------------- the data

def _read_options(args: argparse.Namespace) -> tuple[Path, dict[str, Any]]:
    """The file to read and the `read_series` options, with the sample's defaults."""
    from rnnkit.datasets import sample_path

    sample = args.data is None
    path = sample_path(SAMPLE) if sample else args.data
    date_column = None if str(args.date_column).lower() == "none" else args.date_column
    if date_column == "auto" and sample:
        date_column = SAMPLE_DATES
    read: dict[str, Any] = dict(date_column=date_column, missing=args.missing)
    if args.sheet is not None:
        read["sheet"] = int(args.sheet) if args.sheet.isdigit() else args.sheet
    return path, read


def _target(args: argparse.Namespace, path: Path, read: dict[str, Any]) -> str:
    """`--target`, else the sample's column, else the file's only numeric column."""
    if args.target or args.data is None:
        return args.target or SAMPLE_TARGET
    from rnnkit.series import read_series

    numeric = list(read_series(path, **read).columns)
    if len(numeric) != 1:
        raise ValueError(f"{str(path)!r} has {len(numeric)} numeric columns {numeric}; "
                         "choose one with --target.")
    return numeric[0]


def _windows(args: argparse.Namespace) -> tuple[Any, Path]:
    """The training windows over the file (or the sample), and the file's path."""
    from rnnkit.series import SeriesWindows

    path, read = _read_options(args)
    sample = args.data is None
    log = args.log if args.log is not None else sample
    difference = args.difference if args.difference is not None else sample
    windows = SeriesWindows.from_file(
        path, target=_target(args, path, read), window=args.window,
        output_steps=args.output_steps, log=log, difference=difference,
        batch_size=args.batch_size, seed=args.seed, **read)
    print(f"Training on {path}: {windows}")
    return windows, path


# ----------------------------------------------------------------------------- the outputs

def _predictions(windows: Any, model: Any) -> tuple[list[Any], ValueError | None]:
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


def _print_evaluation(windows: Any, model: Any, has_test: bool,
                      problem: ValueError | None) -> None:
    """The test errors of the model, the naive and the seasonal-naive forecasts."""
    if not has_test:
        print(f"no evaluation table: the data has no complete test window ({problem})")
        return
    import pandas as pd

    table = windows.evaluate(model, "test")
    with pd.option_context("display.width", 120, "display.max_columns", 10):
        print(table.round(3).to_string())


def _prediction_rows(windows: Any, parts: list[Any], future: Any) -> Any:
    """The rows of predictions.csv: each part's predictions, then the forecast."""
    import pandas as pd

    forecast = pd.DataFrame({"actual": float("nan"), "predicted": future, "part": "forecast"})
    rows = pd.concat(parts + [forecast])
    rows.index.name = rows.index.name or windows.frame.index.name or "index"
    return rows[["part", "actual", "predicted"]]


def _write_plots(args: argparse.Namespace, windows: Any, rows: Any, test_start: Any,
                 future: Any, history: Any) -> list[str]:
    """forecast.png, and history.png when the model was trained; the names written."""
    from rnnkit.plotting import plot_forecast, plot_history

    target = windows.targets[0]
    predicted = rows.loc[rows["part"] != "forecast", "predicted"].rename("predicted")
    ax = plot_forecast(windows.frame[target], predicted, test_start=test_start, future=future,
                       title=f"{target}: one-step predictions and {args.steps}-step forecast")
    common.write_figure(args.out / "forecast.png", ax.figure)
    if history is None or not history.history.get("loss"):
        return ["forecast.png"]
    common.write_figure(args.out / "history.png", plot_history(history).figure)
    return ["forecast.png", "history.png"]


def _write_forecast(args: argparse.Namespace, windows: Any, model: Any, history: Any) -> None:
    """Print the evaluation table and write predictions.csv, forecast.png (and history.png)."""
    import matplotlib

    from rnnkit._fs import atomic_write

    parts, problem = _predictions(windows, model)
    test = [p for p in parts if p["part"].iloc[0] == "test"]
    _print_evaluation(windows, model, bool(test), problem)
    future = windows.forecast(model, args.steps)
    rows = _prediction_rows(windows, parts, future)
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write(args.out / "predictions.csv", rows.to_csv)
    matplotlib.use("Agg")
    plots = _write_plots(args, windows, rows, test[0].index[0] if test else None, future,
                         history)
    written = [plots[0], "predictions.csv", *plots[1:]]
    note = "" if history is not None else " (no history.png: the model was not trained)"
    print(f"wrote {', '.join(written)} to {args.out}{note}")


# ----------------------------------------------------------------------------- the command

def _forecast_with_bundle(args: argparse.Namespace) -> int:
    """`--model`: evaluate and forecast with a saved forecaster, without training."""
    from rnnkit.bundle import load_bundle

    bundle = load_bundle(args.model, job="forecaster")
    windows = bundle.windows if args.data is None else bundle.windows.apply(args.data)
    source = "the data it was trained on" if args.data is None else str(args.data)
    loaded = common.loaded_line("forecaster", args.model, bundle.model)
    print(f"{loaded} Forecasting on {source}: {windows}")
    _write_forecast(args, windows, bundle.model, None)
    return 0


def _train_forecaster(args: argparse.Namespace, backup: Path) -> int:
    """Train a forecaster, write its outputs and save it as the bundle OUT/forecaster."""
    from rnnkit.bundle import save_bundle
    from rnnkit.models import build_seq2seq

    windows, data = _windows(args)
    common.seed_everything(args.seed)
    model = build_seq2seq(windows.input_shape, output_dim=windows.output_dim,
                          output_steps=windows.output_steps, cell=args.cell, units=args.units,
                          layers=args.layers, learning_rate=args.learning_rate, seed=args.seed)
    history = common.train(args, model, windows.train, validation_data=windows.val,
                           backup=backup)
    val_losses = history.history.get("val_loss") or []
    path = save_bundle(args.out / "forecaster", model, windows=windows, job="forecaster",
                       overwrite=True, epochs=common.epochs_run(history),
                       best_val_loss=min(val_losses) if val_losses else None, data=str(data))
    _write_forecast(args, windows, model, history)
    if val_losses:
        print(f"stopped after {len(val_losses)} epochs (best val_loss {min(val_losses):.4f})")
    common.report_bundle(path)
    return 0


def run(args: argparse.Namespace) -> int:
    """Run `rnnkit forecast` with the parsed arguments; return the exit status."""
    common.check_common_options(args, {"--window": 1, "--steps": 1, "--output-steps": 1})
    common.check_learning_rate(args)
    if args.model is not None:
        return _forecast_with_bundle(args)
    return _train_forecaster(args, common.backup_folder(args))


COMMAND = common.Command(
    name="forecast",
    help="train a forecaster on an Excel/CSV series (default: airline passengers)",
    description="Train a recurrent forecaster on one column of an Excel/CSV series (or on "
                "the shipped airline-passengers sample), print its test errors next to the "
                "naive and seasonal-naive forecasts, and write forecast.png, "
                "predictions.csv, history.png and the bundle forecaster/ to --out. With "
                "--model, use a saved bundle instead of training: its window, target, "
                "scaling and file-reading settings apply (the data options are ignored), "
                "on the given file or else on the data it was trained on.",
    add_options=add_options,
    run=run,
)
