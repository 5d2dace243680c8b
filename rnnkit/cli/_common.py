"""What the three commands share: options, their checks, training, seeding and reports.

Each command (`classify`, `forecast`, `generate`) describes itself as a
:class:`Command` and adds the shared options with its own defaults through
:func:`add_common_options`. The checks here speak the command line's words:
a message names the flag (`--epochs=0 ...`), not the library argument.

Nothing here imports TensorFlow or Keras at import time: the parser (and so
`rnnkit --help`) stays instant; the training helpers import them when called.

Example:
>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> add_common_options(parser, units=16, epochs=100, patience=15)
>>> args = parser.parse_args(["--epochs", "0"])
>>> check_common_options(args)
Traceback (most recent call last):
...
ValueError: --epochs=0 is too small: it must be an integer >= 1.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rnnkit._checks import check_int, check_positive_float, check_seed

__all__ = ["Command", "add_common_options", "check_common_options", "for_option",
           "flag_words", "flags_in_messages", "check_learning_rate", "backup_folder",
           "remove_empty_folder", "seed_everything", "train", "epochs_run", "loaded_line",
           "report_bundle", "write_figure", "progress_verbosity", "check_out", "check_trained",
           "INTERRUPTED", "recipe_options"]

#: What a command says when Ctrl-C stops its training (exit status 130).
INTERRUPTED = ("interrupted; resume with --resume (training goes on from the last finished "
               "epoch, kept in {backup})")

#: The integer options of every command and their smallest allowed value.
COMMON_MINIMUMS = {"--epochs": 1, "--batch-size": 1, "--units": 1, "--layers": 1,
                   "--patience": 0, "--search": 1}


@dataclass(frozen=True)
class Command:
    """One sub-command: its name and help, how it adds its options, and what runs it.

    Attributes:
        name: the sub-command, e.g. `"classify"`.
        help: the one line shown by `rnnkit --help`.
        description: the paragraph shown by `rnnkit NAME --help`.
        add_options: adds the command's options to its parser.
        run: the handler: takes the parsed arguments, returns the exit status.

    Example:
    >>> Command("hello", "say hello", "Say hello.", lambda parser: None, lambda args: 0).name
    'hello'
    """

    name: str
    help: str
    description: str
    add_options: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def progress_verbosity() -> int:
    """Keras `verbose`: a progress bar on a terminal, one line per epoch otherwise.

    Example:
    >>> progress_verbosity() in (1, 2)
    True
    """
    return 1 if sys.stdout.isatty() else 2


def add_common_options(parser: argparse.ArgumentParser, *, units: int, epochs: int,
                       patience: int = 10, batch_size: int = 32, cell: str = "lstm",
                       model_help: str | None = None) -> None:
    """Add the options every command has, with the command's own defaults.

    Args:
        parser: the command's parser.
        units: default of `--units`.
        epochs: default of `--epochs`.
        patience: default of `--patience`.
        batch_size: default of `--batch-size`.
        cell: default of `--cell`.
        model_help: the help of `--model BUNDLE_DIR` (use a saved bundle
            instead of training); `None` adds no `--model`.

    Example:
    >>> parser = argparse.ArgumentParser()
    >>> add_common_options(parser, units=256, epochs=3, batch_size=64)
    >>> parser.parse_args([]).batch_size
    64
    """
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
    parser.add_argument("--search", type=int, default=None, metavar="TRIALS",
                        help="try TRIALS settings (cell, units, layers, dropout, learning rate, "
                             "batch size, ...) around the given ones with KerasTuner, each "
                             "trained as --epochs and --patience say; keep the best (needs "
                             "rnnkit[tune])")
    parser.add_argument("--no-recipe", action="store_true",
                        help="train at a fixed learning rate without gradient clipping (default: "
                             "clipping to norm 1 and a cosine learning rate over --epochs)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--out", type=Path, default=Path("out"),
                        help="output folder (default out/)")
    if model_help is not None:
        parser.add_argument("--model", type=Path, default=None, metavar="BUNDLE_DIR",
                            help=model_help)


def _dest(option: str) -> str:
    """The attribute argparse stores an option in: `--batch-size` → `batch_size`."""
    return option.lstrip("-").replace("-", "_")


def check_common_options(args: argparse.Namespace,
                         minimums: Mapping[str, int] | None = None) -> None:
    """Refuse a bad numeric option before anything is read or trained, naming the flag.

    Args:
        args: the parsed arguments.
        minimums: the command's own integer options and their smallest value,
            e.g. `{"--window": 1}`; an option left at `None` is skipped.

    Raises:
        ValueError: naming the flag and its value, e.g. `--patience=-1 is too
            small: ...`; or when `--model` and `--resume` are combined.

    Example:
    >>> check_common_options(argparse.Namespace(seed=-3))
    Traceback (most recent call last):
    ...
    ValueError: --seed=-3 is too small: it must be an integer >= 0.
    """
    for option, minimum in {**COMMON_MINIMUMS, **(minimums or {})}.items():
        value = getattr(args, _dest(option), None)
        if value is not None:
            check_int(option, value, minimum=minimum)
    check_seed("--seed", getattr(args, "seed", None))
    if getattr(args, "model", None) is not None and getattr(args, "resume", False):
        raise ValueError("--model and --resume cannot be combined: --model uses a saved bundle "
                         "without training, --resume continues an interrupted training.")
    if getattr(args, "search", None) is not None:
        other = next((f for f in ("model", "resume") if getattr(args, f, None)), None)
        if other:
            raise ValueError(f"--search cannot be combined with --{other}: the search trains "
                             "new models, each from scratch.")
        from rnnkit._tuning_search import keras_tuner

        keras_tuner(flag="--search")  # a ValueError naming the flag when it is missing


def for_option(option: str, check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a library check, putting the command-line flag in front of its `ValueError`.

    Example:
    >>> from rnnkit._checks import check_top_p
    >>> for_option("--top-p", check_top_p, "top_p", 1.5)
    Traceback (most recent call last):
    ...
    ValueError: --top-p: top_p=1.5 is outside (0.0, 1.0].
    """
    try:
        return check(*args, **kwargs)
    except ValueError as exc:
        raise ValueError(f"{option}: {exc}") from None


def flag_words(message: str, flags: Mapping[str, str]) -> str:
    """A library message in the command line's words: each `name=value` becomes `--flag=value`.

    `name=True` becomes `--flag` and `name=False` `--no-flag` (a switch),
    `name=None` becomes `no --flag` (left out); names the command has no flag
    for stay as they are.

    Example:
    >>> flag_words("window=24 with output_steps=None needs 25 rows after difference=True",
    ...            {"window": "--window", "output_steps": "--output-steps",
    ...             "difference": "--difference"})
    '--window=24 with no --output-steps needs 25 rows after --difference'
    """
    for name in sorted(flags, key=len, reverse=True):  # output_steps before steps
        flag = flags[name]
        if flag.startswith("--no-"):  # a flag that turns something off: name=None
            message = re.sub(rf"(?<![\w.-]){re.escape(name)}=None\b", flag, message)
            continue
        message = re.sub(rf"(?<![\w.-]){re.escape(name)}=(?!w\.)", f"{flag}=", message)
        message = re.sub(rf"{re.escape(flag)}=True\b", flag, message)
        message = re.sub(rf"{re.escape(flag)}=False\b", f"--no-{flag[2:]}", message)
        message = re.sub(rf"{re.escape(flag)}=None\b", f"no {flag}", message)
    return message


@contextlib.contextmanager
def flags_in_messages(flags: Mapping[str, str]) -> Iterator[None]:
    """Put the `ValueError` / `KeyError` messages raised inside in the command line's words.

    Example:
    >>> with flags_in_messages({"window": "--window"}):
    ...     raise ValueError("window=0 is too small")
    Traceback (most recent call last):
    ...
    ValueError: --window=0 is too small
    """
    try:
        yield
    except (ValueError, KeyError) as exc:
        if exc.args and isinstance(exc.args[0], str):
            exc.args = (flag_words(exc.args[0], flags), *exc.args[1:])
        raise


def check_learning_rate(args: argparse.Namespace) -> float:
    """`--learning-rate`, which must be a number > 0.

    Example:
    >>> check_learning_rate(argparse.Namespace(learning_rate=0.01))
    0.01
    """
    return check_positive_float("--learning-rate", args.learning_rate)


def check_out(args: argparse.Namespace, bundle: str | None = None) -> None:
    """Refuse an `--out` that cannot be written, before anything is read or trained.

    Refused: `--out` naming a file, lying under a file, or in a folder you
    may not write to; and `OUT/BUNDLE` (the bundle a training writes) being a
    file or a folder that is not an rnnkit bundle.

    Example:
    >>> import tempfile
    >>> note = Path(tempfile.mkdtemp()) / "notes.txt"
    >>> _ = note.write_text("x")
    >>> check_out(argparse.Namespace(out=note))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: --out='...notes.txt' is a file; give a folder path (a new folder, ...
    """
    from rnnkit._fs import check_writable_folder

    check_writable_folder("--out", args.out)
    target = args.out / bundle if bundle else None
    if target is None or not target.exists():
        return
    if not target.is_dir():
        raise ValueError(f"--out={str(args.out)!r} holds a file {target.name!r} where the "
                         f"{bundle} bundle goes; move it away or give another --out.")
    names = {p.name for p in target.iterdir()}
    if names and "bundle.json" not in names:
        raise ValueError(f"--out={str(args.out)!r} holds a folder {target.name!r} that is not "
                         f"an rnnkit bundle, where the {bundle} bundle goes; it would be "
                         "replaced. Move it away or give another --out.")


def check_trained(job: str, args: argparse.Namespace, **scores: float | None) -> None:
    """Refuse to save a model whose scores are NaN or infinite: its training diverged.

    Example:
    >>> check_trained("classifier", argparse.Namespace(out=Path("out")), val_loss=float("nan"))
    Traceback (most recent call last):
    ...
    ValueError: training diverged: val_loss is nan, so no bundle was written to \
out/classifier (the NaN guard's message above says what to check).
    """
    for name, value in scores.items():
        if value is not None and not math.isfinite(value):
            raise ValueError(f"training diverged: {name} is {value}, so no bundle was written "
                             f"to {args.out / job} (the NaN guard's message above says what "
                             "to check).")


def backup_folder(args: argparse.Namespace) -> Path:
    """`OUT/backup`, checked before any data is read (a leftover backup needs `--resume`).

    Example:
    >>> backup_folder(argparse.Namespace(out=Path("out"), resume=False))  # doctest: +SKIP
    PosixPath('out/backup')
    """
    from rnnkit.training import check_backup

    return Path(check_backup(args.out / "backup", resume=bool(getattr(args, "resume", False))))


def remove_empty_folder(path: Path) -> None:
    """Remove a folder if it exists and is empty (e.g. a backup folder once training is done).

    Example:
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "backup"
    >>> folder.mkdir()
    >>> remove_empty_folder(folder)
    >>> folder.exists()
    False
    """
    with contextlib.suppress(FileNotFoundError, OSError):
        path.rmdir()


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and the Keras backend before a model is built.

    Example:
    >>> seed_everything(0)  # doctest: +SKIP
    """
    from rnnkit._backend import keras

    keras.utils.set_random_seed(seed)


def train(args: argparse.Namespace, model: Any, *data: Any, backup: Path,
          **fit_kwargs: Any) -> Any:
    """`rnnkit.training.fit` with the common options: epochs, patience, backup, resume, seed.

    Keras shows its progress (see :func:`progress_verbosity`) unless `args`
    carries `verbose` (e.g. `0` from a benchmark).

    Args:
        args: the parsed arguments.
        model: the compiled model.
        *data: `x` (and `y`), as `rnnkit.training.fit` takes them.
        backup: the backup folder, from :func:`backup_folder`.
        **fit_kwargs: more arguments of `fit`, e.g. `validation_data`.

    Returns:
        The Keras `History`.

    Raises:
        KeyboardInterrupt: on Ctrl-C, carrying the line :data:`INTERRUPTED`
            that `rnnkit.cli.main` prints (the backup is kept for `--resume`).

    Example:
    >>> import numpy as np
    >>> parser = argparse.ArgumentParser()
    >>> add_common_options(parser, units=8, epochs=2)
    >>> args = parser.parse_args(["--out", "out"])
    >>> from rnnkit.models import build_classifier  # doctest: +SKIP
    >>> model = build_classifier((6, 2), 2, units=args.units)  # doctest: +SKIP
    >>> x, y = np.zeros((8, 6, 2)), np.zeros(8, dtype="int32")
    >>> history = train(args, model, x, y, backup=backup_folder(args))  # doctest: +SKIP
    """
    from rnnkit.cli._distribute import strategy
    from rnnkit.training import fit

    verbose = getattr(args, "verbose", None)
    try:
        return fit(model, *data, epochs=args.epochs, patience=args.patience, backup_dir=backup,
                   resume=args.resume, seed=args.seed, recipe=not args.no_recipe,
                   strategy=strategy(args),
                   verbose=progress_verbosity() if verbose is None else verbose, **fit_kwargs)
    except KeyboardInterrupt:  # Ctrl-C: one line and exit status 130 (see rnnkit.cli.main)
        raise KeyboardInterrupt(INTERRUPTED.format(backup=backup)) from None


def recipe_options(args: argparse.Namespace) -> dict[str, Any]:
    """The factories' keywords for `--no-recipe`: no gradient clipping (else their defaults).

    :func:`train` turns the learning-rate schedule off with it (`recipe=False`).

    Example:
    >>> recipe_options(argparse.Namespace(no_recipe=True))
    {'clipnorm': None}
    """
    return {"clipnorm": None} if args.no_recipe else {}


def epochs_run(history: Any) -> int:
    """How many epochs a training ran, counting those of a resumed run's first part.

    Example:
    >>> epochs_run(argparse.Namespace(epoch=[2, 3, 4]))
    5
    """
    return history.epoch[-1] + 1 if history.epoch else 0


def loaded_line(job: str, folder: Path, model: Any, detail: str = "") -> str:
    """The line a command prints after loading a bundle with `--model`.

    Example:
    >>> class Model:
    ...     def count_params(self):
    ...         return 1234
    >>> loaded_line("classifier", Path("out/classifier"), Model())
    'Loaded the classifier bundle out/classifier (1,234 weights); no training.'
    """
    return (f"Loaded the {job} bundle {folder} ({model.count_params():,} weights{detail}); "
            "no training.")


def report_bundle(path: Path) -> None:
    """Print where the bundle was written and how to reuse it.

    Example:
    >>> report_bundle(Path("out"))
    bundle written to out (reuse it with --model out, or load it with rnnkit.load_bundle)
    """
    print(f"bundle written to {path} (reuse it with --model {path}, or load it with "
          "rnnkit.load_bundle)")


def write_figure(path: Path, figure: Any) -> None:
    """Save a matplotlib figure as a PNG atomically, then close it.

    Example:
    >>> import tempfile
    >>> import matplotlib.pyplot as plt
    >>> figure, ax = plt.subplots()
    >>> write_figure(Path(tempfile.mkdtemp()) / "empty.png", figure)
    """
    import matplotlib.pyplot as plt

    from rnnkit._fs import atomic_write

    try:
        atomic_write(path, lambda p: figure.savefig(p, dpi=100, bbox_inches="tight"))
    finally:
        plt.close(figure)
