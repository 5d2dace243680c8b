"""Safe training: `fit` with early stopping, a NaN guard, backup and resume, and seeds.

Two ways in, one mechanism:

* :func:`callbacks` (from `rnnkit.callbacks`) returns a list of ordinary
  Keras callbacks to pass to your own `model.fit(..., callbacks=...)`;
* :func:`fit` calls `model.fit` with those callbacks, after seeding the
  random number generators and checking the backup folder.

What they add to plain `model.fit`:

* **Early stopping** on the validation loss, with the weights of the best
  epoch restored at the end (also when training stops for another reason).
* **A NaN guard** (:class:`NaNGuard`) that stops at the first batch whose
  loss is NaN or infinite and says what to check.
* **A strategy** (`strategy=`, see `rnnkit.distribution`): training on
  several devices or machines with `tf.distribute` or `keras.distribution`,
  the data sharded per worker, the backup written by the chief.
* **Backup and resume**: with `backup_dir`, the weights, the optimizer state,
  the epoch number and the early-stopping state are written at the end of
  every epoch. A training that is killed resumes at the epoch after the last
  finished one when it is started again with the same `backup_dir` and
  `resume=True`; the folder is removed when training ends.

The training recipe (`recipe=True`, the default, measured in
`bench/quality.py`): the learning rate follows a half cosine over the
`epochs`, from the optimizer's learning rate down to a tenth of it, and the
factories clip the gradients to a global norm of 1 (`clipnorm=1.0`, standard
for recurrent networks: it keeps a rare exploding gradient from undoing the
training). The schedule costs nothing per step and the clipping one norm
over the gradients; `bench/quality.py` prints the seconds per epoch of both
settings side by side. `epochs` is then a budget the
schedule spans, and early stopping (`patience`) still ends a training that
stops improving.

Reproducibility: on CPU, two trainings give identical weights when the model
is built with the same `seed=` (rnnkit's factories seed every initialiser and
dropout mask from it) and `keras.utils.set_random_seed(seed)` is called
before `fit` (it seeds the shuffling of the batches); :func:`fit` does the
latter when given `seed`. On a GPU, also pass `deterministic=True` (it calls
`tf.config.experimental.enable_op_determinism()`, for the whole process, and
slows training down).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rnnkit._backend import keras
from rnnkit._checks import check_bool, check_int, check_seed
from rnnkit.callbacks import NaNGuard, callbacks, check_backup_dir
from rnnkit.distribution import (
    check_strategy,
    distribute_inputs,
    is_chief,
    prepare_model,
    strategy_scope,
)
from rnnkit.fastest import use_fastest_jit_compile

__all__ = [
    "NaNGuard", "callbacks", "check_backup", "fit", "has_backup", "remove_backup",
    "seed_everything",
]

#: The files Keras' BackupAndRestore writes (and their `.bkp` copies).
_BACKUP_FILES = ("latest.weights.h5", "training_metadata.json")

_make_callbacks = callbacks  # `fit` has an argument named `callbacks`


# ----------------------------------------------------------------------------- backups

def has_backup(backup_dir: str | os.PathLike) -> bool:
    """Tell whether `backup_dir` holds the backup of an unfinished training.

    Args:
        backup_dir: the folder given to :func:`callbacks` / :func:`fit`.

    Returns:
        `True` if a training written there was interrupted before its end.

    Example:
    >>> has_backup("data/no-such-backup")
    False
    """
    root = Path(backup_dir)
    return any((root / name).exists() or (root / (name + ".bkp")).exists()
               for name in _BACKUP_FILES)


def check_backup(backup_dir: str | os.PathLike, *, resume: bool) -> str:
    """Check a backup folder before training, and refuse to overwrite an unfinished backup.

    :func:`fit` calls this; a command line can call it earlier, before it loads any data.

    Args:
        backup_dir: the folder of the training backup.
        resume: whether the caller means to continue an interrupted training.

    Returns:
        The folder, as a str.

    Raises:
        ValueError: if `backup_dir` is not a folder path, or holds the backup of an
            interrupted training while `resume` is false.

    Example:
    >>> check_backup("out/backup", resume=False)
    'out/backup'
    """
    backup = check_backup_dir(backup_dir)
    if has_backup(backup) and not resume:
        raise ValueError(
            f"backup_dir={backup!r} holds the backup of an interrupted training. "
            "Pass resume=True (--resume on the command line) to continue it, or "
            "delete the folder to start over."
        )
    return backup


def remove_backup(backup_dir: str | os.PathLike) -> None:
    """Delete a training backup folder (to start over instead of resuming).

    Args:
        backup_dir: the folder given to :func:`fit` / :func:`callbacks`.

    Example:
    >>> import tempfile
    >>> backup = Path(tempfile.mkdtemp()) / "backup"
    >>> backup.mkdir()
    >>> remove_backup(backup)
    >>> backup.exists()
    False
    """
    path = Path(check_backup_dir(backup_dir))
    if path.is_dir():
        shutil.rmtree(path)


# ----------------------------------------------------------------------------- seeds

def seed_everything(seed: int, *, deterministic: bool = False) -> None:
    """Seed Python, NumPy and the Keras backend, optionally with deterministic ops.

    Args:
        seed: the seed (an integer in `[0, 2**31 - 1]`).
        deterministic: also make TensorFlow ops deterministic
            (`tf.config.experimental.enable_op_determinism()`): needed on a GPU
            for bit-identical runs, not on CPU; it applies to the whole
            process and makes GPU training slower.

    Example:
    >>> seed_everything(0)
    """
    if seed is None:  # the one seed rule allows None ("unseeded"), which seeds nothing here
        raise ValueError("seed=None must be an integer >= 0 (the seed to set).")
    seed = check_seed("seed", seed)
    keras.utils.set_random_seed(seed)
    if deterministic and keras.backend.backend() == "tensorflow":
        from rnnkit._backend import tf

        tf.config.experimental.enable_op_determinism()


# ----------------------------------------------------------------------------- fit

def _check_model(model: Any) -> None:
    if not isinstance(model, keras.Model):
        raise ValueError(f"model={model!r} is not a Keras model; build one with "
                         "build_classifier / build_seq2seq / build_generator.")
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        raise ValueError("model is not compiled; call model.compile(...) first (rnnkit's "
                         "factories return compiled models).")


def _monitored(monitor: str | None, validation_data: Any, fit_kwargs: dict[str, Any]) -> str:
    """The quantity early stopping watches: `val_loss` with validation data, else `loss`."""
    validation = validation_data is not None or bool(fit_kwargs.get("validation_split"))
    if monitor is None:
        return "val_loss" if validation else "loss"
    if monitor.startswith("val_") and not validation:
        raise ValueError(f"monitor={monitor!r} needs validation data; pass validation_data="
                         "(or validation_split=), or monitor='loss'.")
    return monitor


def _announce_backup(backup_dir: str | os.PathLike | None, resume: bool) -> bool:
    """Check the backup folder and say whether training resumes; True when it does."""
    if backup_dir is None:
        if resume:
            raise ValueError("resume=True needs backup_dir= (the folder of the backup to "
                             "resume).")
        return False
    backup = check_backup(backup_dir, resume=resume)
    if has_backup(backup):
        print(f"rnnkit: resuming the interrupted training backed up in {backup}",
              file=sys.stderr, flush=True)
        return True
    if resume:
        print(f"rnnkit: no backup in {backup}; training starts at epoch 1",
              file=sys.stderr, flush=True)
    return False


def _backup_does_not_fit(backup_dir: str | os.PathLike) -> ValueError:
    return ValueError(
        f"resume=True: the backup in {str(backup_dir)!r} does not fit this model "
        "(Keras could not load its weights). Resume with the same model settings and "
        "data as the interrupted training (on the command line: the same --cell, "
        "--units, --layers, ...), or delete that folder to start over."
    )


def _batch_size(x: Any, fit_kwargs: dict[str, Any]) -> int | None:
    """The training batch size: `batch_size=`, else a dataset's static batch dimension."""
    if fit_kwargs.get("batch_size"):
        return int(fit_kwargs["batch_size"])
    spec = getattr(x, "element_spec", None)
    first = spec[0] if isinstance(spec, (tuple, list)) else spec
    shape = getattr(first, "shape", None)
    return int(shape[0]) if shape is not None and len(shape) and shape[0] else None


def fit(
    model: keras.Model,
    x: Any = None,
    y: Any = None,
    *,
    validation_data: Any = None,
    epochs: int = 1,
    patience: int | None = 10,
    monitor: str | None = None,
    restore_best_weights: bool = True,
    terminate_on_nan: bool = True,
    backup_dir: str | os.PathLike | None = None,
    resume: bool = False,
    seed: int | None = None,
    deterministic: bool = False,
    callbacks: Sequence[keras.callbacks.Callback] = (),  # noqa: F811 (shadows the factory)
    recipe: bool = True,
    strategy: Any = None,
    **fit_kwargs: Any,
) -> keras.callbacks.History:
    """Train a compiled model with rnnkit's safe-training callbacks.

    A thin wrapper over `model.fit`: it switches a model built by rnnkit to
    the fastest compile setting for the batch size (`rnnkit.fastest`), seeds
    the random number generators (with `seed`), adds the callbacks of
    :func:`rnnkit.training.callbacks`
    (early stopping with the best weights restored, the NaN guard, and with
    `backup_dir` the backup that lets a killed training resume), and passes
    everything else to `model.fit` unchanged.

    Resuming: when `backup_dir` holds the backup of an interrupted training,
    `resume=True` continues it at the epoch after the last finished one (the
    model must be built and compiled as before; `epochs` is the total, so the
    History holds only the epochs run now); `resume=False` refuses to start,
    so that a backup is never overwritten or resumed by accident. With
    `resume=True` and no backup, training starts at epoch 1.

    Args:
        model: a compiled Keras model (e.g. from `build_classifier`).
        x, y: the training data, as for `model.fit` (arrays, or a
            `tf.data.Dataset` of `(x, y)` in `x` with `y=None`).
        validation_data: as for `model.fit`; early stopping on `"val_loss"`
            needs it (without it, `monitor` defaults to `"loss"`).
        epochs: total number of epochs.
        patience: epochs without improvement before stopping; `None` turns
            early stopping off.
        monitor: quantity for early stopping and best weights; default
            `"val_loss"` when there is validation data, else `"loss"`.
        restore_best_weights: put back the best epoch's weights at the end.
        terminate_on_nan: stop at a NaN/infinite loss with advice.
        backup_dir: folder for the training backup, or `None`.
        resume: continue an interrupted training found in `backup_dir`.
        seed: seed for Python, NumPy and the backend (batch shuffling), an
            integer in `[0, 2**31 - 1]`; build the model with the same `seed=`
            for identical runs.
        deterministic: also enable deterministic TensorFlow ops (GPU).
        callbacks: more callbacks, run after rnnkit's.
        recipe: the training recipe (see the module docstring): the learning
            rate follows a half cosine over `epochs`, from the optimizer's
            down to a tenth (:class:`rnnkit.callbacks.CosineSchedule`). With
            the factories' gradient clipping (`clipnorm=1.0`) it is rnnkit's
            default way to train; `False` keeps the learning rate fixed.
        strategy: a `tf.distribute.Strategy` or `keras.distribution.Distribution`
            (:func:`rnnkit.distribution.strategy_for`), the one the model was
            built with; `None`: one device. Training runs under its scope, the
            data are sharded per worker (`batch_size` is the global batch), and
            only the chief writes the backup (see `rnnkit.distribution`).
        **fit_kwargs: passed to `model.fit` (`batch_size`, `verbose`,
            `shuffle`, `validation_split`, ...).

    Returns:
        The `keras.callbacks.History` of this call.

    Raises:
        ValueError: on a bad argument, or a backup in `backup_dir` with
            `resume=False`.

    Example:
    >>> import numpy as np
    >>> from rnnkit.models import build_classifier
    >>> x, y = np.zeros((32, 6, 2), "float32"), np.zeros(32, "int32")
    >>> model = build_classifier((6, 2), 2, units=4, seed=0)
    >>> history = fit(model, x, y, validation_data=(x, y), epochs=20, patience=3,
    ...               backup_dir="out/backup", resume=True, seed=0)  # doctest: +SKIP
    """
    _check_model(model)
    # a model built under a strategy trains under it (XLA fails under tf.distribute on CPU)
    strategy = check_strategy(strategy if strategy is not None
                              else getattr(model, "_distribute_strategy", None))
    epochs = check_int("epochs", epochs)
    recipe = check_bool("recipe", recipe)
    if "initial_epoch" in fit_kwargs and backup_dir is not None:
        raise ValueError("initial_epoch cannot be combined with backup_dir: the backup "
                         "decides where training resumes.")
    monitor = _monitored(monitor, validation_data, fit_kwargs)
    resuming = _announce_backup(backup_dir, resume)
    if seed is not None:
        seed_everything(seed, deterministic=deterministic)
    elif deterministic:
        raise ValueError("deterministic=True needs seed= as well.")
    safe = _make_callbacks(
        patience=patience, monitor=monitor, restore_best_weights=restore_best_weights,
        terminate_on_nan=terminate_on_nan, backup_dir=backup_dir,
        epochs=epochs if recipe else None, chief=is_chief(strategy),
    )
    if not model.built:
        raise ValueError("model is not built; build it (model.build(input_shape)) before "
                         "fit, so that a backup can be restored into it.")
    if hasattr(x, "element_spec") and "shuffle" not in fit_kwargs:
        # A tf.data.Dataset shuffles itself; Keras would warn that shuffle=True is ignored.
        fit_kwargs["shuffle"] = False
    if strategy is None:
        use_fastest_jit_compile(model, _batch_size(x, fit_kwargs))
    else:
        prepare_model(model, strategy)
        x, y, validation_data = distribute_inputs(strategy, x, y, validation_data, fit_kwargs,
                                                  seed)
    try:
        with strategy_scope(strategy):
            return model.fit(x, y, validation_data=validation_data, epochs=epochs,
                             callbacks=[*safe, *callbacks], **fit_kwargs)
    except ValueError as exc:
        if resuming and "could not be loaded" in str(exc):
            raise _backup_does_not_fit(backup_dir) from None
        raise
