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
                epochs: int) -> None:
    parser.add_argument("--cell", default=cell, help=f"lstm, gru or rnn (default {cell})")
    parser.add_argument("--units", type=int, default=units,
                        help=f"units per recurrent layer (default {units})")
    parser.add_argument("--layers", type=int, default=1, help="stacked recurrent layers")
    parser.add_argument("--epochs", type=int, default=epochs,
                        help=f"training epochs (default {epochs})")
    parser.add_argument("--batch-size", type=int, default=32, help="batch size (default 32)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", type=Path, default=Path("out"),
                        help="output folder (default out/)")


# ----------------------------------------------------------------------------- classify

def _add_classify(sub: argparse._SubParsersAction) -> Handler:
    parser = sub.add_parser(
        "classify",
        help="train a sequence classifier (default: MNIST rows sample)",
        description="Train a recurrent classifier on an .npz file holding x_train, y_train, "
                    "x_val, y_val (x: (n, timesteps, features) or (n, timesteps); y: integer "
                    "labels), or on the shipped MNIST sample (28 rows of 28 pixels).",
    )
    parser.add_argument("data", nargs="?", type=Path, default=None,
                        help=".npz file with x_train, y_train, x_val, y_val")
    _add_common(parser, units=128, epochs=3)
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
        if len(x) != len(y):
            raise ValueError(f"x_{part} has {len(x)} rows but y_{part} has {len(y)}.")
        arrays[f"x_{part}"], arrays[f"y_{part}"] = x.astype("float32"), y.astype("int32")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_val"], arrays["y_val"])


def _run_classify(args: argparse.Namespace) -> int:
    if args.data is None:
        from rnnkit.datasets import load_mnist_sample

        (x_train, y_train), (x_val, y_val) = load_mnist_sample()
        print(f"Training on the MNIST sample: {len(x_train)} images read as 28 rows "
              f"of 28 pixels, {len(x_val)} for validation.")
    else:
        (x_train, y_train), (x_val, y_val) = _load_npz(args.data)
    import keras

    from rnnkit.models import build_classifier

    keras.utils.set_random_seed(args.seed)
    num_classes = int(max(y_train.max(), y_val.max())) + 1
    model = build_classifier(
        x_train.shape[1:], max(num_classes, 2), cell=args.cell, units=args.units,
        layers=args.layers, bidirectional=args.bidirectional, dropout=args.dropout,
        seed=args.seed,
    )
    model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=args.epochs,
              batch_size=args.batch_size, verbose=_progress_verbosity())
    loss, accuracy = model.evaluate(x_val, y_val, verbose=0)
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "classifier.keras"
    model.save(path)
    print(f"validation accuracy: {accuracy:.4f} (chance {1 / num_classes:.4f}), loss {loss:.4f}")
    print(f"model written to {path}")
    return 0


# ----------------------------------------------------------------------------- forecast

def _add_forecast(sub: argparse._SubParsersAction) -> Handler:
    sub.add_parser("forecast", help="train a forecaster on an Excel/CSV series (in progress)")
    return _run_forecast


def _run_forecast(args: argparse.Namespace) -> int:
    raise NotImplementedError("rnnkit forecast is not built yet")


# ----------------------------------------------------------------------------- generate

def _add_generate(sub: argparse._SubParsersAction) -> Handler:
    sub.add_parser("generate", help="train a character model and generate text (in progress)")
    return _run_generate


def _run_generate(args: argparse.Namespace) -> int:
    raise NotImplementedError("rnnkit generate is not built yet")


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
