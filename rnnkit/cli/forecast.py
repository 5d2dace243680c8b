"""`rnnkit forecast`: train a forecaster on an Excel/CSV series, or forecast with a saved one.

Options in, library calls out: the series is read by
:func:`rnnkit.series.read_series` (a file without dates gets a row index),
the settings not given are chosen by :mod:`rnnkit.series.auto` (season, log,
difference, window; printed with their reasons), the windows are
:class:`rnnkit.series.SeriesWindows`, the model :func:`rnnkit.models.build_seq2seq`
(`--strategy`: recursive many-to-many, or direct `output_steps=--steps`, or
both, keeping the better on a validation backtest; with `--search TRIALS`,
:func:`rnnkit.tune` searches each model's settings and the window around the
flags', scored on that backtest, and the bundle records the chosen ones).
The one-step errors are printed beside the backtest errors at the `--steps`
horizon, the forecast carries a prediction interval (`--interval`), and the
outputs (predictions.csv, forecast.png, history.png, the bundle forecaster/)
are written atomically. Input columns (`--features`, `--known-features` with
`--future`, `--calendar`) are :mod:`rnnkit.cli._covariates`; several series
(`--id-column`, `--target a,b,c` or `all`: one global model) are
:mod:`rnnkit.cli._many_series`. :func:`fit_forecaster` and :func:`score_tables`
are the pipeline that `bench/bench_forecast_quality.py` measures.

Example:
    $ rnnkit forecast --epochs 20 --out out/
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rnnkit.cli import _common as common
from rnnkit.cli import _covariates as covariates
from rnnkit.cli import _distribute, _ensemble, _search
from rnnkit.cli import _many_series as many
from rnnkit.cli._forecast_files import prediction_rows, predictions, print_tables, write_plots
from rnnkit.cli._series_file import READ_FLAGS, add_file_options, read_target

#: `--strategy`: recursive (many-to-many, fed back), direct (one call), auto (the better).
STRATEGIES = ("recursive", "direct", "auto")
#: The strategy when `--strategy` is not given: on the shipped series neither strategy wins
#: overall (bench/bench_forecast_quality.py), and recursive costs one training, as before.
DEFAULT_STRATEGY = "recursive"
#: The (train, val, test) fractions of the windows (`SeriesWindows`' default).
SPLIT = (0.7, 0.15, 0.15)
#: The library's argument names and the flags that set them, for messages.
FLAGS = {**READ_FLAGS, "window": "--window", "output_steps": "--output-steps",
         "season": "--season", "steps": "--steps",
         "interval": "--interval", "cell": "--cell", "units": "--units", "layers": "--layers",
         "learning_rate": "--learning-rate", "batch_size": "--batch-size", "log": "--log",
         "difference": "--difference", "horizon": "--steps", **covariates.COVARIATE_FLAGS}


def add_options(parser: argparse.ArgumentParser) -> None:
    """Add the options of `rnnkit forecast`."""
    add = parser.add_argument
    add_file_options(parser)
    covariates.add_covariate_options(parser)
    add("--season", type=int, default=None,
        help="season length in steps (default: from the dates' frequency, else detected from "
             "the autocorrelation)")
    add("--window", type=int, default=None,
        help="input steps (default: two seasons when a season is known, else 24)")
    add("--strategy", default=None,
        help=f"recursive, direct or auto (default {DEFAULT_STRATEGY}): a many-to-many model "
             "fed back, a model that predicts --steps at once, or both, keeping the better "
             "on the validation part (twice the training time); add ,mirrored or "
             f",multiworker to spread training ({_distribute.STRATEGY_HELP})")
    add("--output-steps", type=int, default=None,
        help="direct strategy with K steps per model call (default: --steps)")
    add("--log", action=argparse.BooleanOptionalAction, default=None,
        help="log-transform (default auto: when the values are > 0 and their spread grows "
             "with their level)")
    add("--difference", action=argparse.BooleanOptionalAction, default=None,
        help="model first differences (default auto: unless the KPSS and ADF tests find the "
             "level stationary on at least 100 training values)")
    add("--steps", type=int, default=12,
        help="future steps to forecast, and the horizon of the backtest (default 12)")
    add("--interval", type=float, default=0.8,
        help="level of the prediction interval, e.g. 0.8 for the 10-90 %% band (0: none; "
             "default 0.8)")
    add("--season-skip", action="store_true",
        help="add the seasonal-naive forecast to the model's outputs, so that it learns the "
             "change from it (needs a season and a window of at least one season; helps "
             "strongly seasonal monthly series, see the README)")
    add("--learning-rate", type=float, default=1e-2, help="Adam learning rate (default 0.01)")
    _ensemble.add_ensemble_option(parser)
    common.add_common_options(parser, units=16, epochs=100, patience=15, batch_size=16,
                              model_help="a forecaster bundle saved by an earlier run (its "
                                         "OUT/forecaster): evaluate and forecast with it, "
                                         "without training")


def check_options(args: argparse.Namespace) -> str:
    """Refuse bad options before anything is read, naming the flag; return the strategy."""
    common.check_common_options(args, {"--window": 1, "--steps": 1, "--output-steps": 1,
                                       "--season": 2, "--ensemble": 1})
    common.check_learning_rate(args)
    _ensemble.check_ensemble(args)
    from rnnkit._checks import check_float

    check_float("--interval", args.interval, low=0.0, high=1.0)
    strategy = args.strategy = _distribute.split_strategy(args, STRATEGIES)
    if args.output_steps is not None and strategy not in (None, "direct"):
        raise ValueError(f"--output-steps={args.output_steps} makes the direct strategy; it "
                         f"cannot be combined with --strategy {strategy}.")
    strategy = covariates.check_covariate_options(args, strategy, many.several(args))
    return "direct" if args.output_steps is not None else strategy or DEFAULT_STRATEGY


# ----------------------------------------------------------------------------- the data

@dataclass
class Fitted:
    """What :func:`fit_forecaster` made: the windows, the trained model, and how."""

    windows: Any
    model: Any
    history: Any
    path: Path
    settings: Any
    strategy: Any
    record: dict[str, Any] | None = None  # what --search chose, or the --ensemble (bundle)
    future: Any = None  # the known features' future values (--future)


def _source(args: argparse.Namespace) -> many.Source:
    """Read the data the flags name and choose its settings: one series, or several."""
    if many.several(args):
        return many.read_many(args)
    frame, path, read = read_target(args, covariates.covariate_columns(args))
    covariates.check_dated(args, frame.index, path)
    return many.Source(path, read, str(frame.columns[0]), covariates.window_keywords(args),
                       len(frame), _settings(args, frame))


def _settings(args: argparse.Namespace, frame: Any) -> Any:
    """The season, log, difference and window: the flags, else `rnnkit.series.auto`'s rules."""
    from rnnkit.series import auto, calendar

    frequency = calendar.infer_frequency(frame.index)
    settings = auto.choose_settings(frame.iloc[:, 0].to_numpy(dtype="float64"),
                                    frequency=frequency, season=args.season, log=args.log,
                                    difference=args.difference, window=args.window)
    many.show_settings(settings)
    return settings


def _future(args: argparse.Namespace, windows: Any, read: dict[str, Any]) -> Any:
    """The `--future` file's values of the windows' known features (or `None`)."""
    import pandas as pd

    first = next(iter(windows.members.values())) if hasattr(windows, "members") else windows
    if args.future is not None and not first.known_features:
        raise ValueError(f"--future {args.future} gives future values of known features, but "
                         "the forecaster has none; leave --future out.")
    return covariates.read_future(args, read, list(first.known_features),
                                  getattr(windows, "id_column", None),
                                  isinstance(first.frame.index, pd.DatetimeIndex))


def _horizon(args: argparse.Namespace, settings: Any, rows: int) -> int:
    """`--output-steps`, else `--steps`, at most what every part of the split holds."""
    from rnnkit.series.parts import split_bounds

    if args.output_steps is not None:
        return args.output_steps
    bounds = split_bounds(rows - int(settings.difference.value), SPLIT)
    sizes = [hi - lo for lo, hi in bounds.values()]
    return max(1, min(args.steps, sizes[1], sizes[2], sizes[0] - settings.window.value))


def _train(args: argparse.Namespace, windows: Any, backup: Path) -> tuple[Any, ...]:
    """Build and train the model of these windows, or search it (`--search`).

    Returns the windows (with the searched window), the model (with `--ensemble
    K`, the average of K), its History and the bundle's record of the search or
    the ensemble (`{}` without either).
    """
    if args.search:  # scored on a backtest of the validation part at --steps
        from rnnkit.series.backtest import longest_horizon

        horizon = min(args.steps, longest_horizon(windows, "val"))
        result = _search.search(args, windows, horizon=horizon if horizon >= 1 else None,
                               units=args.units, learning_rate=args.learning_rate,
                               batch_size=args.batch_size, window=windows.window,
                               build=season_skip_options(args, windows) or None)
        return result.windows, result.model, result.history, {"search": result.record()}
    return windows, *_ensemble.train_members(
        args, backup, lambda flags, folder: _train_one(flags, windows, folder))


def season_skip_options(args: argparse.Namespace, windows: Any) -> dict[str, Any]:
    """`build_seq2seq`'s `season_skip` and `differenced` for `--season-skip`, else `{}`."""
    if not getattr(args, "season_skip", False):
        return {}
    from rnnkit.seasonal_naive import season_skip_problem

    spec = windows.spec
    problem = season_skip_problem(windows.season, spec.window, spec.output_steps)
    if problem:
        raise ValueError(f"--season-skip adds the forecast of one season ago, but {problem}. "
                         "Give --season N and a --window of at least one season (a direct "
                         "model: --steps of at most one season), or leave --season-skip out.")
    return {"season_skip": windows.season, "differenced": spec.difference}


def _train_one(args: argparse.Namespace, windows: Any, backup: Path) -> tuple[Any, Any]:
    """The model the flags build, trained with `--seed` (backed up in `backup`), and its History."""
    from rnnkit.models import build_seq2seq

    common.seed_everything(args.seed)
    model = build_seq2seq(windows.input_shape, output_dim=windows.output_dim,
                          output_steps=windows.output_steps, cell=args.cell, units=args.units,
                          layers=args.layers, learning_rate=args.learning_rate, seed=args.seed,
                          **season_skip_options(args, windows), **_distribute.model_options(args))
    history = common.train(args, model, windows.dataset("train", fresh=True),
                           validation_data=windows.val, backup=backup)
    return model, history


def _validation_mase(windows: Any, model: Any, horizon: int) -> float:
    """The model's MASE on a validation backtest at `horizon` steps (the mean over series)."""
    table = many.mean_over_series(windows.backtest(model, horizon, split="val"))
    return float(table.loc["model", "MASE"])


def fit_forecaster(args: argparse.Namespace, backup: Path, strategy: str) -> Fitted:
    """Read, choose the settings, window and train: the command's pipeline, without outputs.

    With `strategy="auto"`, a recursive and a direct model are both trained
    (each with its own backup under `backup`) and the one with the lower
    MASE on a backtest of the validation part at `--steps` is kept.
    """
    from rnnkit.series.auto import Choice, choose_strategy

    source = _source(args)
    settings, future = source.settings, None
    names = ["recursive", "direct"] if strategy == "auto" else [strategy]
    fits = {}
    for name in names:
        steps = None if name == "recursive" else _horizon(args, settings, source.rows)
        windows = source.windows(args, steps)
        if name == names[0]:
            future = _future(args, windows, source.read)
            print(f"Training on {source.path}: {windows}")
        covariates.check_future(args, windows, future)  # before any training
        folder = backup / name if strategy == "auto" else backup
        fits[name] = _train(args, windows, folder)
    if strategy == "auto":
        common.remove_empty_folder(backup)
        horizon = min(args.steps, many.longest(fits["recursive"][0], "val"))
        errors = {name: _validation_mase(w, m, horizon) for name, (w, m, *_) in fits.items()}
        choice = choose_strategy(errors, horizon)
    else:
        given = args.strategy or args.output_steps
        choice = Choice(strategy, "set by --" + ("strategy" if args.strategy else
                                                 "output-steps") if given else
                        covariates.strategy_reason(args) or
                        "the default [--strategy recursive|direct|auto]")
    steps = fits[choice.value][0].output_steps
    print(f"strategy {choice.value}" + (f" ({steps} steps per model call)" if steps else "")
          + f": {choice.reason}")
    windows, model, history, record = fits[choice.value]
    if getattr(args, "season_skip", False):
        print(f"season skip: the model adds the forecast of one season ({windows.season} "
              "steps) ago to its outputs")
    return Fitted(windows, model, history, source.path, settings, choice, record, future)


# ----------------------------------------------------------------------------- the outputs

def interval_level(args: argparse.Namespace, windows: Any, *, say: bool = True
                   ) -> float | None:
    """`--interval`, or `None` when off or when the validation part is too short for `--steps`.

    The interval is calibrated on a backtest of the validation part
    (`SeriesWindows.calibrate`), which needs `--steps` rows after its first
    origin; `say` prints why there is no interval.
    """
    longest, steps = many.longest(windows, "val"), args.steps
    if not args.interval or steps <= longest:
        return args.interval or None
    if say:
        print(f"no {args.interval:.0%} interval for {steps} steps: it is calibrated on a "
              f"backtest of the validation part, which allows at most {max(longest, 0)} steps "
              f"ahead (--steps {max(longest, 1)}, or --interval 0 to turn it off)")
    return None


def score_tables(windows: Any, model: Any, steps: int, interval: float | None
                 ) -> tuple[Any, Any, int]:
    """The one-step test errors, the backtest of the test part, and its horizon.

    The horizon is `steps`, or the test part's length when it is shorter.
    """
    one_step = windows.evaluate(model, "test")
    horizon = min(steps, many.longest(windows, "test"))
    backtest = windows.backtest(model, horizon, split="test", interval=interval or None)
    return one_step, backtest, horizon


def _write_forecast(args: argparse.Namespace, windows: Any, model: Any, history: Any,
                    future: Any = None) -> None:
    """Print the error tables and write predictions.csv, forecast.png (and history.png).

    Several series also get forecast.csv and errors.csv, and a grid of plots.
    """
    import matplotlib

    from rnnkit._fs import atomic_write

    covariates.check_future(args, windows, future)  # before anything is printed
    parts, problem = predictions(windows, model)
    test = [p for p in parts if p["part"].iloc[0] == "test"]
    level = interval_level(args, windows)
    if test:
        one_step, backtest, horizon = score_tables(windows, model, args.steps, level)
        if horizon < args.steps:
            print(f"(the test part allows a backtest of at most {horizon} steps ahead, not "
                  f"--steps {args.steps})")
        several = hasattr(windows, "members")
        (many.print_many_tables(args, one_step, backtest, horizon) if several
         else print_tables(one_step, backtest, horizon))
    else:
        print(f"no evaluation table: the data has no complete test window ({problem})")
    future = windows.forecast(model, args.steps, interval=level,
                              **({"future": future} if future is not None else {}))
    rows = prediction_rows(windows, parts, future)
    args.out.mkdir(parents=True, exist_ok=True)
    atomic_write(args.out / "predictions.csv", rows.to_csv)
    matplotlib.use("Agg")
    plots = many.write_many_files(args, windows, rows, future, history) \
        if hasattr(windows, "members") else \
        write_plots(args, windows, rows, test[0].index[0] if test else None, future, history)
    tables = ["errors.csv"] if test and hasattr(windows, "members") else []
    written = [plots[0], "predictions.csv", *tables, *plots[1:]]
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
    read = windows.to_config(include_data=False).get("read_series") or {}
    _write_forecast(args, windows, bundle.model, None, _future(args, windows, read))
    return 0


def _train_forecaster(args: argparse.Namespace, strategy: str, backup: Path) -> int:
    """Train a forecaster, write its outputs and save it as the bundle OUT/forecaster."""
    from rnnkit.bundle import save_bundle

    fitted = fit_forecaster(args, backup, strategy)
    windows, model, history = fitted.windows, fitted.model, fitted.history
    if interval_level(args, windows, say=False):  # kept in the bundle
        windows.calibrate(model, args.steps)
    val_losses = history.history.get("val_loss") or []
    best = min(val_losses) if val_losses else None
    common.check_trained("forecaster", args, best_val_loss=best)
    path = save_bundle(args.out / "forecaster", model, windows=windows, job="forecaster",
                       overwrite=True, epochs=common.epochs_run(history), best_val_loss=best,
                       data=str(fitted.path),
                       **(fitted.record or {}))
    _write_forecast(args, windows, model, history, fitted.future)
    if val_losses:
        print(f"stopped after {len(val_losses)} epochs (best val_loss {min(val_losses):.4f})")
    common.report_bundle(path)
    return 0


def run(args: argparse.Namespace) -> int:
    """Run `rnnkit forecast` with the parsed arguments; return the exit status."""
    strategy = check_options(args)
    common.check_out(args, None if args.model else "forecaster")
    with common.flags_in_messages(FLAGS):
        if args.model is not None:
            return _forecast_with_bundle(args)
        return _train_forecaster(args, strategy, common.backup_folder(args))


COMMAND = common.Command(
    name="forecast",
    help="train a forecaster on an Excel/CSV series (default: airline passengers)",
    description="Train a recurrent forecaster on one column of an Excel/CSV series (or on "
                "the shipped airline-passengers sample), print its test errors one step "
                "ahead and at the --steps horizon next to the naive and seasonal-naive "
                "forecasts, and write forecast.png (with the prediction interval), "
                "predictions.csv, history.png and the bundle forecaster/ to --out. The "
                "season, log, difference and window not given are chosen from the training "
                "part (printed with the reason). With --model, use a saved bundle instead of "
                "training: its window, target, scaling and file-reading settings apply (the "
                "data options are ignored), on the given file or else on the data it was "
                "trained on.",
    add_options=add_options,
    run=run,
)
