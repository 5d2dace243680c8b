"""The `rnnkit` command: `rnnkit classify`, `rnnkit forecast`, `rnnkit generate`.

Each sub-command trains on a given file (or on the sample data when none is
given), shows Keras progress and writes its outputs to `--out`. Heavy imports
(TensorFlow, Keras) happen inside the handlers, so `rnnkit --help` is instant.

Example:
    $ rnnkit classify --epochs 2 --out out/
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

Handler = Callable[[argparse.Namespace], int]


def _progress_verbosity() -> int:
    """Keras `verbose`: a progress bar on a terminal, one line per epoch otherwise."""
    return 1 if sys.stdout.isatty() else 2


def _add_common(parser: argparse.ArgumentParser, *, cell: str = "lstm", units: int,
                epochs: int, patience: int = 10, batch_size: int = 32,
                model_help: str | None = None) -> None:
    parser.add_argument("--cell", default=cell, help=f"lstm, gru or rnn (default {cell})")
    parser.add_argument("--units", type=int, default=units,
                        help=f"units per recurrent layer (default {units})")
    parser.add_argument("--layers", type=int, default=1, help="stacked recurrent layers")
    parser.add_argument("--epochs", type=int, default=epochs,
                        help=f"most training epochs (default {epochs})")
    parser.add_argument("--batch-size", type=int, default=batch_size,
                        help=f"batch size (default {batch_size})")
    parser.add_argument("--patience", type=int, default=patience,
                        help="early stopping: epochs without a better validation loss before "
                             f"training stops; the best epoch's weights are kept (default "
                             f"{patience})")
    parser.add_argument("--resume", action="store_true",
                        help="continue a training that was killed mid-way, from the backup in "
                             "OUT/backup (without --resume, a leftover backup is an error)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", type=Path, default=Path("out"),
                        help="output folder (default out/)")
    if model_help is not None:
        parser.add_argument("--model", type=Path, default=None, metavar="BUNDLE_DIR",
                            help=model_help)


def _check_options(args: argparse.Namespace, *more: tuple[str, str, int]) -> None:
    """Refuse a bad numeric option before anything is read or trained, naming the option.

    Args:
        args: the parsed arguments.
        *more: `(option, dest, minimum)` for the command's own integer options;
            an option left at `None` is skipped.
    """
    from rnnkit._checks import check_int

    common = (("--epochs", "epochs", 1), ("--batch-size", "batch_size", 1),
              ("--units", "units", 1), ("--layers", "layers", 1), ("--patience", "patience", 0),
              ("--seed", "seed", 0))
    for option, dest, minimum in (*common, *more):
        value = getattr(args, dest, None)
        if value is not None:
            check_int(f"{option}", value, minimum=minimum)
    if getattr(args, "model", None) is not None and getattr(args, "resume", False):
        raise ValueError("--model and --resume cannot be combined: --model uses a saved bundle "
                         "without training, --resume continues an interrupted training.")


def _backup_dir(args: argparse.Namespace) -> Path:
    """`OUT/backup`, checked before any data is read (a leftover backup needs `--resume`)."""
    from rnnkit.training import check_backup

    return Path(check_backup(args.out / "backup", resume=bool(getattr(args, "resume", False))))


def _fit(args: argparse.Namespace, model, *data, backup: Path, **kwargs):
    """`rnnkit.training.fit` with the command's common options."""
    from rnnkit.training import fit

    return fit(model, *data, patience=args.patience, backup_dir=backup, resume=args.resume,
               seed=args.seed, verbose=_progress_verbosity(), **kwargs)


# ----------------------------------------------------------------------------- classify

def _add_classify(sub: argparse._SubParsersAction) -> Handler:
    parser = sub.add_parser(
        "classify",
        help="train a sequence classifier (default: MNIST rows sample)",
        description="Train a recurrent classifier on an .npz file holding x_train, y_train, "
                    "x_val, y_val (x: (n, timesteps, features) or (n, timesteps); y: integer "
                    "labels), or on the shipped MNIST sample (28 rows of 28 pixels), and save "
                    "it as a bundle in OUT/classifier. With --model, evaluate a saved bundle "
                    "on the validation part instead, without training.",
    )
    parser.add_argument("data", nargs="?", type=Path, default=None,
                        help=".npz file with x_train, y_train, x_val, y_val")
    _add_common(parser, units=128, epochs=3, patience=5,
                model_help="a classifier bundle saved by an earlier run (its OUT/classifier): "
                           "evaluate it on the validation data, without training")
    parser.add_argument("--bidirectional", action="store_true", help="bidirectional layers")
    parser.add_argument("--dropout", type=float, default=0.0, help="dropout after each layer")
    return _run_classify


_NPZ_KEYS = ("x_train", "y_train", "x_val", "y_val")


def _load_npz(path: Path) -> tuple:
    import numpy as np

    if not path.is_file():
        raise FileNotFoundError(f"data file {str(path)!r} does not exist.")
    if path.suffix != ".npz":
        raise ValueError(f"data={str(path)!r} is not an .npz file; save your arrays with "
                         "numpy.savez(path, x_train=..., y_train=..., x_val=..., y_val=...).")
    with np.load(path) as npz:
        missing = [k for k in _NPZ_KEYS if k not in npz.files]
        if missing:
            raise ValueError(f"data={str(path)!r} lacks the key(s) {missing}; it has "
                             f"{sorted(npz.files)}. An .npz for classify needs {list(_NPZ_KEYS)}.")
        arrays = {k: npz[k] for k in _NPZ_KEYS}
    for part in ("train", "val"):
        x, y = arrays[f"x_{part}"], arrays[f"y_{part}"]
        if x.dtype == np.uint8:
            x = x.astype("float32") / 255.0
        if x.ndim == 2:
            x = x[..., None]
        if x.ndim != 3:
            raise ValueError(f"x_{part} has shape {x.shape}; it must be (n, timesteps, "
                             "features) or (n, timesteps).")
        if not np.issubdtype(x.dtype, np.number) or np.issubdtype(x.dtype, np.complexfloating):
            raise ValueError(f"x_{part} has dtype {x.dtype}; it must hold real numbers.")
        if len(x) == 0:
            raise ValueError(f"x_{part} is empty; it needs at least one sequence.")
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1:
            raise ValueError(f"y_{part} has shape {y.shape}; it must be (n,) integer labels "
                             "0..num_classes-1 (not one-hot).")
        if len(x) != len(y):
            raise ValueError(f"x_{part} has {len(x)} rows but y_{part} has {len(y)}.")
        if (not np.issubdtype(y.dtype, np.number) or not np.all(np.isfinite(y))
                or np.any(y < 0) or np.any(y != np.round(y))):
            raise ValueError(f"y_{part} must hold integer labels 0, 1, 2, ...; it has values "
                             f"such as {y[:5].tolist()!r}.")
        arrays[f"x_{part}"], arrays[f"y_{part}"] = x.astype("float32"), y.astype("int32")
    if arrays["x_train"].shape[1:] != arrays["x_val"].shape[1:]:
        raise ValueError(f"x_train has sequences of shape {arrays['x_train'].shape[1:]} but "
                         f"x_val of shape {arrays['x_val'].shape[1:]}; they must match.")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_val"], arrays["y_val"])


def _classifier_scores(model, x, y, batch_size: int) -> tuple[float, float, float]:
    """Accuracy, mean cross-entropy and majority-class accuracy on `(x, y)`."""
    import numpy as np

    probs = np.asarray(model.predict(x, batch_size=max(batch_size, 256), verbose=0))
    accuracy = float((probs.argmax(axis=1) == y).mean())
    picked = np.clip(probs[np.arange(len(y)), y], 1e-7, 1.0)
    loss = float(-np.log(picked).mean())
    majority = float(np.bincount(y).max() / len(y))
    return accuracy, loss, majority


def _check_classifier_fits(model, folder: Path, x, y) -> None:
    """Refuse validation data that the loaded classifier cannot take, before predicting."""
    expected = tuple(model.inputs[0].shape[1:])
    got = tuple(x.shape[1:])
    if len(expected) != len(got) or any(e is not None and e != g
                                        for e, g in zip(expected, got, strict=False)):
        raise ValueError(f"--model {str(folder)!r} takes sequences of shape {expected}, but the "
                         f"validation data has shape {got}; evaluate it on data shaped like "
                         "its training data.")
    classes = int(model.outputs[0].shape[-1])
    if int(y.max()) >= classes:
        raise ValueError(f"--model {str(folder)!r} knows {classes} classes (0..{classes - 1}), "
                         f"but y_val has the label {int(y.max())}.")


def _run_classify(args: argparse.Namespace) -> int:
    _check_options(args)
    backup = None if args.model is not None else _backup_dir(args)
    doing = "Evaluating" if args.model is not None else "Training"
    if args.data is None:
        from rnnkit.datasets import load_mnist_sample

        (x_train, y_train), (x_val, y_val) = load_mnist_sample()
        print(f"{doing} on the MNIST sample: {len(x_train)} images read as 28 rows "
              f"of 28 pixels, {len(x_val)} for validation.")
    else:
        (x_train, y_train), (x_val, y_val) = _load_npz(args.data)
    if args.model is not None:
        from rnnkit.bundle import load_bundle

        bundle = load_bundle(args.model, job="classifier")
        _check_classifier_fits(bundle.model, args.model, x_val, y_val)
        print(f"Loaded the classifier bundle {args.model} "
              f"({bundle.model.count_params():,} weights); no training.")
        accuracy, loss, majority = _classifier_scores(bundle.model, x_val, y_val,
                                                      args.batch_size)
        print(f"validation accuracy: {accuracy:.4f} (majority class {majority:.4f}), "
              f"loss {loss:.4f}")
        return 0
    import keras

    from rnnkit.bundle import save_bundle
    from rnnkit.models import build_classifier

    keras.utils.set_random_seed(args.seed)
    num_classes = int(max(y_train.max(), y_val.max())) + 1
    model = build_classifier(
        x_train.shape[1:], max(num_classes, 2), cell=args.cell, units=args.units,
        layers=args.layers, bidirectional=args.bidirectional, dropout=args.dropout,
        seed=args.seed,
    )
    history = _fit(args, model, x_train, y_train, validation_data=(x_val, y_val),
                   epochs=args.epochs, batch_size=args.batch_size, backup=backup)
    accuracy, loss, majority = _classifier_scores(model, x_val, y_val, args.batch_size)
    epochs = history.epoch[-1] + 1 if history.epoch else 0
    path = save_bundle(args.out / "classifier", model, overwrite=True,
                       val_accuracy=accuracy, val_loss=loss, majority_class=majority,
                       epochs=epochs, data=str(args.data or "MNIST sample"))
    print(f"validation accuracy: {accuracy:.4f} (majority class {majority:.4f}), "
          f"loss {loss:.4f}")
    print(f"bundle written to {path} (reuse it with --model {path}, or load it with "
          "rnnkit.load_bundle)")
    return 0


# ----------------------------------------------------------------------------- forecast

def _add_forecast(sub: argparse._SubParsersAction) -> Handler:
    parser = sub.add_parser(
        "forecast",
        help="train a forecaster on an Excel/CSV series (default: airline passengers)",
        description="Train a recurrent forecaster on one column of an Excel/CSV series (or on "
                    "the shipped airline-passengers sample), print its test errors next to the "
                    "naive and seasonal-naive forecasts, and write forecast.png, "
                    "predictions.csv, history.png and the bundle forecaster/ to --out. With "
                    "--model, use a saved bundle instead of training: its window, target, "
                    "scaling and file-reading settings apply (the data options are ignored), "
                    "on the given file or else on the data it was trained on.",
    )
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
    _add_common(parser, units=16, epochs=100, patience=15, batch_size=16,
                model_help="a forecaster bundle saved by an earlier run (its OUT/forecaster): "
                           "evaluate and forecast with it, without training")
    return _run_forecast


def _run_forecast(args: argparse.Namespace) -> int:
    from rnnkit._checks import check_float

    _check_options(args, ("--window", "window", 1), ("--steps", "steps", 1),
                   ("--output-steps", "output_steps", 1))
    check_float("--learning-rate", args.learning_rate, low=0.0, high=float("inf"),
                low_inclusive=False)
    if args.model is not None:
        from rnnkit.bundle import load_bundle

        bundle = load_bundle(args.model, job="forecaster")
        windows = bundle.windows if args.data is None else bundle.windows.apply(args.data)
        source = "the data it was trained on" if args.data is None else str(args.data)
        print(f"Loaded the forecaster bundle {args.model} ({bundle.model.count_params():,} "
              f"weights); no training. Forecasting on {source}: {windows}")
        _write_forecast(args, windows, bundle.model, None)
        return 0
    backup = _backup_dir(args)
    from rnnkit.datasets import sample_path

    sample = args.data is None
    path = sample_path("series/airpassengers.xlsx") if sample else args.data
    target = args.target or ("passengers" if sample else None)
    log = args.log if args.log is not None else sample
    difference = args.difference if args.difference is not None else sample
    date_column = None if str(args.date_column).lower() == "none" else args.date_column
    if date_column == "auto" and sample:
        date_column = "month"
    sheet = int(args.sheet) if args.sheet is not None and args.sheet.isdigit() else args.sheet
    import keras

    from rnnkit.bundle import save_bundle
    from rnnkit.models import build_seq2seq
    from rnnkit.series import SeriesWindows, read_series

    read = dict(date_column=date_column, missing=args.missing)
    if sheet is not None:
        read["sheet"] = sheet
    if target is None:
        numeric = list(read_series(path, **read).columns)
        if len(numeric) != 1:
            raise ValueError(f"{str(path)!r} has {len(numeric)} numeric columns {numeric}; "
                             "choose one with --target.")
        target = numeric[0]
    windows = SeriesWindows.from_file(
        path, target=target, window=args.window, output_steps=args.output_steps, log=log,
        difference=difference, batch_size=args.batch_size, seed=args.seed, **read)
    print(f"Training on {path}: {windows}")
    keras.utils.set_random_seed(args.seed)
    model = build_seq2seq(windows.input_shape, output_dim=windows.output_dim,
                          output_steps=windows.output_steps, cell=args.cell, units=args.units,
                          layers=args.layers, learning_rate=args.learning_rate, seed=args.seed)
    history = _fit(args, model, windows.train, validation_data=windows.val,
                   epochs=args.epochs, backup=backup)
    val_losses = history.history.get("val_loss") or []
    bundle_path = save_bundle(
        args.out / "forecaster", model, windows=windows, overwrite=True,
        epochs=history.epoch[-1] + 1 if history.epoch else 0,
        best_val_loss=min(val_losses) if val_losses else None, data=str(path))
    _write_forecast(args, windows, model, history)
    if val_losses:
        print(f"stopped after {len(val_losses)} epochs (best val_loss {min(val_losses):.4f})")
    print(f"bundle written to {bundle_path} (reuse it with --model {bundle_path}, or load it "
          "with rnnkit.load_bundle)")
    return 0


def _write_forecast(args: argparse.Namespace, windows, model, history) -> None:
    """Print the evaluation table and write predictions.csv, forecast.png (and history.png)."""
    import pandas as pd

    target = windows.targets[0]
    parts, problem = [], None
    for split in ("train", "val", "test"):
        try:  # new data given to a bundle may be too short for some parts
            parts.append(windows.predict(model, split).assign(part=split))
        except ValueError as exc:
            problem = exc
    if not parts:
        raise problem  # type: ignore[misc]
    if parts[-1]["part"].iloc[0] == "test":
        table = windows.evaluate(model, "test")
        with pd.option_context("display.width", 120, "display.max_columns", 10):
            print(table.round(3).to_string())
    else:
        print(f"no evaluation table: the data has no complete test window ({problem})")
    future = windows.forecast(model, args.steps)
    rows = pd.concat(parts + [pd.DataFrame({"actual": float("nan"), "predicted": future,
                                            "part": "forecast"})])
    args.out.mkdir(parents=True, exist_ok=True)
    rows.index.name = rows.index.name or windows.frame.index.name or "index"
    _write_atomic(args.out / "predictions.csv",
                  lambda p: rows[["part", "actual", "predicted"]].to_csv(p))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from rnnkit.plotting import plot_forecast, plot_history

    test = [p for p in parts if p["part"].iloc[0] == "test"]
    ax = plot_forecast(windows.frame[target], rows.loc[rows["part"] != "forecast",
                                                       "predicted"].rename("predicted"),
                       test_start=test[0].index[0] if test else None, future=future,
                       title=f"{target}: one-step predictions and {args.steps}-step forecast")
    _write_atomic(args.out / "forecast.png",
                  lambda p: ax.figure.savefig(p, dpi=100, bbox_inches="tight"))
    plt.close(ax.figure)
    written = ["forecast.png", "predictions.csv"]
    if history is not None and history.history.get("loss"):
        ax = plot_history(history)
        _write_atomic(args.out / "history.png",
                      lambda p: ax.figure.savefig(p, dpi=100, bbox_inches="tight"))
        plt.close(ax.figure)
        written.append("history.png")
    note = "" if history is not None else " (no history.png: the model was not trained)"
    print(f"wrote {', '.join(written)} to {args.out}{note}")


# ----------------------------------------------------------------------------- generate

def _add_generate(sub: argparse._SubParsersAction) -> Handler:
    parser = sub.add_parser(
        "generate",
        help="train a character model and generate text (default: Shakespeare sample)",
        description="Train a character-level language model on a UTF-8 text file (or on the "
                    "shipped Shakespeare sample) and save it with its vocabulary as the bundle "
                    "OUT/generator, or load such a bundle with --model (no training), then "
                    "generate text from a seed string into OUT/generated.txt.",
    )
    parser.add_argument("text", nargs="?", type=Path, default=None,
                        help="UTF-8 text file to train on (default: the Shakespeare sample)")
    _add_common(parser, units=256, epochs=3,
                model_help="a generator bundle saved by an earlier run (its OUT/generator): "
                           "generate with it, without training")
    for action in parser._actions:  # text batches: 64 sequences by default
        if action.dest == "batch_size":
            action.default, action.help = 64, "batch size (default 64)"
    parser.add_argument("--seq-length", type=int, default=100,
                        help="characters per training sequence (default 100)")
    parser.add_argument("--steps-per-epoch", type=int, default=100,
                        help="cap on training batches per epoch, 0 for whole passes over the "
                             "text (default 100: a few minutes on a laptop CPU)")
    parser.add_argument("--learning-rate", type=float, default=2e-3,
                        help="Adam learning rate (default 0.002)")
    parser.add_argument("--seed-text", default=None,
                        help="start of the generated text; \\n stands for a newline (default: the "
                             "text's first line)")
    parser.add_argument("--length", type=int, default=500,
                        help="characters to generate (default 500)")
    parser.add_argument("--temperature", type=float, default=0.6,
                        help="sampling temperature, 0 = greedy (default 0.6)")
    parser.add_argument("--top-k", type=int, default=None,
                        help="sample only among the K most likely characters")
    parser.add_argument("--top-p", type=float, default=None,
                        help="nucleus sampling: the most likely characters up to mass P")
    return _run_generate


_GENERATOR_BUNDLE = "generator"


def _write_atomic(path: Path, write: Callable[[Path], None]) -> None:
    """Write through a temporary file then rename, so a failure leaves no half-written file."""
    import os

    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise FileNotFoundError(f"text file {str(path)!r} does not exist.")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"text file {str(path)!r} is not UTF-8 text ({exc.reason} at byte "
                         f"{exc.start}); convert it to UTF-8 first.") from None


def _default_seed_text(text: str) -> str:
    """The text's first non-empty line (with its newline) when short, else its first 20 chars."""
    for line in text.splitlines():
        if line.strip():
            return line + "\n" if len(line) <= 40 and line + "\n" in text else line[:20]
    return text[:20]


def _for_option(option: str, check: Callable, *check_args, **check_kwargs):
    """Run an API check, putting the command-line option in front of its `ValueError`."""
    try:
        return check(*check_args, **check_kwargs)
    except ValueError as exc:
        raise ValueError(f"{option}: {exc}") from None


def _check_generate_options(args: argparse.Namespace) -> None:
    """Refuse every bad option that needs no data, before anything is read or trained."""
    from rnnkit._checks import check_float, check_optional_int
    from rnnkit.cells import resolve_cell
    from rnnkit.sampling import _check_temperatures

    _check_options(args, ("--seq-length", "seq_length", 1), ("--length", "length", 0),
                   ("--steps-per-epoch", "steps_per_epoch", 0))
    _for_option("--temperature", _check_temperatures, args.temperature, 1, what="samples")
    _for_option("--top-k", check_optional_int, "top_k", args.top_k)
    if args.top_p is not None:
        _for_option("--top-p", check_float, "top_p", args.top_p, low=0.0, high=1.0,
                    low_inclusive=False, high_inclusive=True)
    if args.seed_text is not None and not args.seed_text:
        raise ValueError("--seed-text='' is empty; give the start of the text to generate "
                         "(or leave the option out for the text's first line).")
    if args.model is None:
        check_float("--learning-rate", args.learning_rate, low=0.0, high=float("inf"),
                    low_inclusive=False)
        _for_option("--cell", resolve_cell, args.cell)


def _seed_text(args: argparse.Namespace, default: str | None, vocab) -> str:
    """The seed text: --seed-text (with \\n as a newline), else `default`, else a newline."""
    if args.seed_text is not None:
        return args.seed_text.replace("\\n", "\n")
    if isinstance(default, str) and default:
        return default
    return "\n" if "\n" in vocab else vocab.chars[0]


def _check_against_vocab(args: argparse.Namespace, vocab, seed_text: str) -> None:
    """Refuse a --top-k or --seed-text that the vocabulary cannot serve, before training."""
    if args.top_k is not None and args.top_k > len(vocab):
        raise ValueError(f"--top-k: top_k={args.top_k} is larger than the vocabulary "
                         f"({len(vocab)} characters); use 1 <= top_k <= {len(vocab)}.")
    unknown = [(i, c) for i, c in enumerate(seed_text) if c not in vocab]
    if unknown:
        shown = ", ".join(f"{c!r} at {i}" for i, c in unknown[:10])
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        raise ValueError(f"--seed-text={seed_text!r} holds {len(unknown)} character(s) outside "
                         f"the model's vocabulary: {shown}{more}. Use only characters of the "
                         f"training text ({len(vocab)} characters: "
                         f"{''.join(vocab.chars[:60])!r}).")


def _training_text(args: argparse.Namespace) -> tuple[str, str]:
    """The text to train on and a label for it (the file name or the sample)."""
    if args.text is None:
        from rnnkit.datasets import load_shakespeare

        return load_shakespeare(), "the Shakespeare sample"
    return _read_text(args.text), str(args.text)


def _train_generator(args: argparse.Namespace, text: str, vocab, backup: Path,
                     extra: dict):
    """Train a generator on `text` with rnnkit's safe training; save it as OUT/generator."""
    import keras
    import numpy as np

    from rnnkit.bundle import save_bundle
    from rnnkit.models import build_generator
    from rnnkit.text import text_dataset
    from rnnkit.training import fit

    held_out = len(text) // 10
    validation = held_out >= args.seq_length + 1 and len(text) - held_out >= args.seq_length + 1
    train_text = text[:-held_out] if validation else text
    train = text_dataset(train_text, vocab, seq_length=args.seq_length,
                         batch_size=args.batch_size, seed=args.seed)
    fit_options: dict = {}
    if args.steps_per_epoch:
        fit_options["steps_per_epoch"] = min(args.steps_per_epoch, len(train))
        train = train.repeat()
    # The data scored after training: the held-out text, else the training text.
    scored = text_dataset(text[-held_out:] if validation else train_text, vocab,
                          seq_length=args.seq_length, batch_size=args.batch_size,
                          shuffle=False)
    scored_steps = min(len(scored), 20)
    if validation:
        fit_options["validation_steps"] = scored_steps
    keras.utils.set_random_seed(args.seed)
    model = build_generator(len(vocab), cell=args.cell, units=args.units, layers=args.layers,
                            learning_rate=args.learning_rate, seed=args.seed)
    history = fit(model, train, validation_data=scored if validation else None,
                  epochs=args.epochs, patience=args.patience, backup_dir=backup,
                  resume=args.resume, seed=args.seed, verbose=_progress_verbosity(),
                  **fit_options)
    # The loss of the weights kept (early stopping restores the best epoch's).
    loss = float(model.evaluate(scored, steps=scored_steps, verbose=0, return_dict=True)["loss"])
    counts = np.bincount(vocab.encode(train_text), minlength=len(vocab))
    freq = counts[counts > 0] / counts.sum()
    entropy = float(-(freq * np.log(freq)).sum())
    print(f"{'validation' if validation else 'training'} loss: {loss:.3f} nats/char "
          f"(unigram baseline {entropy:.3f})")
    path = save_bundle(
        args.out / _GENERATOR_BUNDLE, model, vocab=vocab, overwrite=True,
        val_loss=loss if validation else None, train_loss=None if validation else loss,
        unigram_entropy=entropy, epochs=history.epoch[-1] + 1 if history.epoch else 0,
        seq_length=args.seq_length, **extra)
    print(f"bundle written to {path} (reuse it with --model {path}, or load it with "
          "rnnkit.load_bundle)")
    return model


def _run_generate(args: argparse.Namespace) -> int:
    _check_generate_options(args)
    if args.model is not None:
        from rnnkit.bundle import load_bundle

        bundle = load_bundle(args.model, job="generator")
        model, vocab = bundle.model, bundle.vocab
        seed_text = _seed_text(args, bundle.metadata.get("seed_text"), vocab)
        _check_against_vocab(args, vocab, seed_text)
        print(f"Loaded the generator bundle {args.model} ({model.count_params():,} weights, "
              f"{len(vocab)} characters); no training.")
    else:
        from rnnkit.text import CharVocab

        backup = _backup_dir(args)
        text, source = _training_text(args)
        vocab = CharVocab.from_text(text)
        seed_text = _seed_text(args, _default_seed_text(text), vocab)
        _check_against_vocab(args, vocab, seed_text)
        print(f"Training on {source} ({len(text):,} characters, {len(vocab)} distinct).")
        model = _train_generator(args, text, vocab, backup,
                                 {"seed_text": _default_seed_text(text), "data": source})
    from rnnkit.sampling import generate

    generated = generate(model, vocab, seed_text, length=args.length,
                         temperature=args.temperature, top_k=args.top_k, top_p=args.top_p,
                         seed=args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "generated.txt"
    _write_atomic(path, lambda p: p.write_text(generated, encoding="utf-8"))
    print(f"--- generated (temperature {args.temperature}) ---")
    print(generated)
    print(f"--- written to {path}")
    return 0


# ----------------------------------------------------------------------------- main

_COMMANDS: tuple[Callable[[argparse._SubParsersAction], Handler], ...] = (
    _add_forecast, _add_generate, _add_classify,
)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    """Build the argument parser and the table of sub-command handlers."""
    parser = argparse.ArgumentParser(
        prog="rnnkit",
        description="Recurrent neural networks in a few calls: classify sequences, forecast "
                    "series from Excel/CSV, generate text.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    handlers = {}
    for add in _COMMANDS:
        handler = add(sub)
        handlers[list(sub.choices)[-1]] = handler
    return parser, handlers


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `rnnkit` command line.

    Args:
        argv: the arguments (default: `sys.argv[1:]`).

    Returns:
        The exit status: 0 on success, 2 on bad input.
    """
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return handlers[args.command](args)
    except (ValueError, KeyError, FileNotFoundError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"rnnkit {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
