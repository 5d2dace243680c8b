"""`rnnkit classify`: train a sequence classifier on an `.npz` file, or evaluate a saved one.

Options in, library calls out: the data come from
:func:`rnnkit.datasets.load_npz` (or the MNIST sample), the model from
:func:`rnnkit.models.build_classifier` (or, with `--search TRIALS`, from
:func:`rnnkit.tune` over settings around the flags'; the bundle records the
chosen ones), the scores from :func:`rnnkit.scores.classifier_scores`.

Example:
    $ rnnkit classify --epochs 2 --out out/
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rnnkit.cli import _common as common
from rnnkit.cli import _distribute, _search

#: Rows per prediction batch when scoring (at least the training batch size).
SCORING_BATCH = 256


def add_options(parser: argparse.ArgumentParser) -> None:
    """Add the options of `rnnkit classify`."""
    parser.add_argument("data", nargs="?", type=Path, default=None,
                        help=".npz file with x_train, y_train, x_val, y_val")
    common.add_common_options(parser, units=128, epochs=3, patience=5,
                       model_help="a classifier bundle saved by an earlier run (its "
                                  "OUT/classifier): evaluate it on the validation data, without "
                                  "training")
    _distribute.add_strategy_option(parser)
    parser.add_argument("--bidirectional", action="store_true", help="bidirectional layers")
    parser.add_argument("--dropout", type=float, default=0.0, help="dropout after each layer")
    parser.add_argument("--pooling", choices=("last", "mean"), default="last",
                        help="what the classifier reads: the last layer's final state (last) "
                             "or its outputs averaged over the steps (mean)")


def _load_data(args: argparse.Namespace) -> tuple[Any, Any]:
    """`(x_train, y_train), (x_val, y_val)` from the `.npz` given, or the MNIST sample."""
    if args.data is not None:
        from rnnkit.datasets import load_npz

        return load_npz(args.data, name="data")
    from rnnkit.datasets import load_mnist_sample

    (x_train, y_train), (x_val, y_val) = load_mnist_sample()
    doing = "Evaluating" if args.model is not None else "Training"
    print(f"{doing} on the MNIST sample: {len(x_train)} images read as 28 rows "
          f"of 28 pixels, {len(x_val)} for validation.")
    return (x_train, y_train), (x_val, y_val)


def _scores(args: argparse.Namespace, model: Any, x: Any, y: Any) -> Any:
    """Score `model` on `(x, y)` and print the validation line."""
    from rnnkit.scores import classifier_scores

    scores = classifier_scores(model, x, y, batch_size=max(args.batch_size, SCORING_BATCH))
    print(f"validation accuracy: {scores.accuracy:.4f} (majority class "
          f"{scores.majority_accuracy:.4f}), loss {scores.cross_entropy:.4f}")
    return scores


def _check_fits(model: Any, folder: Path, x: Any, y: Any) -> None:
    """Refuse validation data that the loaded classifier cannot take, before predicting."""
    from rnnkit._checks import shape_fits

    expected, got = tuple(model.inputs[0].shape[1:]), tuple(x.shape[1:])
    if not shape_fits(expected, got):
        raise ValueError(f"--model {str(folder)!r} takes sequences of shape {expected}, but the "
                         f"validation data has shape {got}; evaluate it on data shaped like "
                         "its training data.")
    classes = int(model.outputs[0].shape[-1])
    if int(y.max()) >= classes:
        raise ValueError(f"--model {str(folder)!r} knows {classes} classes (0..{classes - 1}), "
                         f"but y_val has the label {int(y.max())}.")


def _evaluate_bundle(args: argparse.Namespace, x_val: Any, y_val: Any) -> int:
    """`--model`: score a saved classifier on the validation data, without training."""
    from rnnkit.bundle import load_bundle

    model = load_bundle(args.model, job="classifier").model
    _check_fits(model, args.model, x_val, y_val)
    print(common.loaded_line("classifier", args.model, model))
    _scores(args, model, x_val, y_val)
    return 0


def _train(args: argparse.Namespace, train_data: Any, val_data: Any, backup: Path) -> int:
    """Train a classifier, print its scores and save it as the bundle OUT/classifier."""
    from rnnkit.bundle import save_bundle
    from rnnkit.models import build_classifier

    (x_train, y_train), (x_val, y_val) = train_data, val_data
    searched: dict[str, Any] = {}
    if args.search:  # KerasTuner picks the settings; --bidirectional and --pooling stay fixed
        fixed = {"bidirectional": args.bidirectional, "pooling": args.pooling}
        result = _search.search(args, (x_train, y_train), validation_data=(x_val, y_val),
                               units=args.units, batch_size=args.batch_size, build=fixed)
        model, history, searched["search"] = result.model, result.history, result.record()
    else:
        common.seed_everything(args.seed)
        num_classes = int(y_train.max()) + 1  # (load_npz refuses y_val labels y_train lacks)
        model = build_classifier(
            x_train.shape[1:], max(num_classes, 2), cell=args.cell, units=args.units,
            layers=args.layers, bidirectional=args.bidirectional, dropout=args.dropout,
            pooling=args.pooling, seed=args.seed, **_distribute.model_options(args),
        )
        history = common.train(args, model, x_train, y_train, validation_data=(x_val, y_val),
                               batch_size=args.batch_size, backup=backup)
    scores = _scores(args, model, x_val, y_val)
    common.check_trained("classifier", args, val_loss=scores.cross_entropy)
    path = save_bundle(args.out / "classifier", model, job="classifier", overwrite=True,
                       val_accuracy=scores.accuracy, val_loss=scores.cross_entropy,
                       majority_class=scores.majority_accuracy,
                       epochs=common.epochs_run(history), data=str(args.data or "MNIST sample"),
                       **searched)
    common.report_bundle(path)
    return 0


def run(args: argparse.Namespace) -> int:
    """Run `rnnkit classify` with the parsed arguments; return the exit status."""
    common.check_common_options(args)
    _distribute.set_distribution(args, args.strategy)
    if args.model is None:  # evaluating a saved bundle writes nothing
        common.check_out(args, "classifier")
    backup = None if args.model is not None else common.backup_folder(args)
    train_data, val_data = _load_data(args)
    if args.model is not None:
        return _evaluate_bundle(args, *val_data)
    return _train(args, train_data, val_data, backup)


COMMAND = common.Command(
    name="classify",
    help="train a sequence classifier (default: MNIST rows sample)",
    description="Train a recurrent classifier on an .npz file holding x_train, y_train, "
                "x_val, y_val (x: (n, timesteps, features) or (n, timesteps); y: integer "
                "labels), or on the shipped MNIST sample (28 rows of 28 pixels), and save "
                "it as a bundle in OUT/classifier. With --model, evaluate a saved bundle "
                "on the validation part instead, without training.",
    add_options=add_options,
    run=run,
)
