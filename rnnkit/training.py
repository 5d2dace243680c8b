"""Safe training: early stopping, a NaN guard with advice, backup and resume, seeds.

Two ways in, one mechanism:

* :func:`callbacks` returns a list of ordinary Keras callbacks to pass to
  your own `model.fit(..., callbacks=...)`;
* :func:`fit` calls `model.fit` with those callbacks, after seeding the
  random number generators and checking the backup folder.

What they add to plain `model.fit`:

* **Early stopping** on the validation loss, with the weights of the best
  epoch restored at the end (also when training stops for another reason).
* **A NaN guard** (:class:`NaNGuard`, a `keras.callbacks.TerminateOnNaN`)
  that stops at the first batch whose loss is NaN or infinite and says what
  to check: the learning rate, the scaling of inputs and targets, NaN or
  infinite values in the data.
* **Backup and resume**: with `backup_dir`, `keras.callbacks.BackupAndRestore`
  writes the weights, the optimizer state and the epoch number at the end of
  every epoch (keeping the previous backup too), and the early-stopping state
  beside them. A training that is killed resumes at the epoch after the last
  finished one when it is started again with the same `backup_dir`; the folder
  is removed when training ends.

Reproducibility: on CPU, two trainings give identical weights when the model
is built with the same `seed=` (rnnkit's factories seed every initialiser and
dropout mask from it) and `keras.utils.set_random_seed(seed)` is called
before `fit` (it seeds the shuffling of the batches); :func:`fit` does the
latter when given `seed`. On a GPU, also pass `deterministic=True` (it calls
`tf.config.experimental.enable_op_determinism()`, for the whole process, and
slows training down).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import keras
import numpy as np

from rnnkit._checks import check_float, check_int

__all__ = [
    "NaNGuard", "callbacks", "check_backup", "fit", "has_backup", "remove_backup",
    "seed_everything",
]

_ES_STATE = "early_stopping.json"
_ES_WEIGHTS = "early_stopping_best_weights.npz"
_BACKUP_FILES = ("latest.weights.h5", "training_metadata.json")

NAN_ADVICE = (
    "Things to check: (1) the learning rate - try 10 times smaller (e.g. learning_rate=1e-4); "
    "(2) the scaling of inputs and targets - scale them to about unit size "
    "(SeriesWindows(scale='standard') does this for series); "
    "(3) NaN or infinite values in the data - e.g. numpy.isfinite(x).all() and "
    "numpy.isfinite(y).all() must be True (read_series(missing='interpolate') fills gaps)."
)


class NaNGuard(keras.callbacks.TerminateOnNaN):
    """Stop training at the first NaN or infinite loss, and say what to check.

    A `keras.callbacks.TerminateOnNaN` whose message names the usual causes:
    a too-high learning rate, unscaled inputs or targets, and NaN or infinite
    values in the data. The message is printed to standard error and kept in
    `.message`; with `raise_error=True` it is raised as a `FloatingPointError`
    instead (training stops at once, no other callback runs its end-of-training
    step).

    Args:
        raise_error: raise instead of stopping gracefully.

    Example:
    >>> guard = NaNGuard()
    >>> model.fit(x, y, callbacks=[guard])  # doctest: +SKIP
    >>> guard.message  # None when training went well  # doctest: +SKIP
    """

    def __init__(self, raise_error: bool = False):
        super().__init__(raise_error=raise_error)
        self.message: str | None = None
        self._epoch = 0

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.message = None

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch = epoch

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = float(loss)
        if math.isfinite(loss):
            return
        self.message = (
            f"rnnkit: training stopped - the loss became {loss} at epoch {self._epoch + 1}, "
            f"batch {batch + 1}. {NAN_ADVICE}"
        )
        if self.raise_error:
            raise FloatingPointError(self.message)
        print(self.message, file=sys.stderr, flush=True)
        self.model.stop_training = True


class _ResumableEarlyStopping(keras.callbacks.EarlyStopping):
    """`EarlyStopping` whose state (best value, wait, best weights) survives a restart.

    With `state_dir`, the state is written there at the end of every epoch
    and read back at the start of training, so that a training resumed by
    `BackupAndRestore` keeps counting patience from where it stopped and
    still restores the best weights seen before the interruption.
    """

    def __init__(self, *, state_dir: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.state_dir = state_dir

    def _paths(self) -> tuple[Path, Path]:
        root = Path(self.state_dir)  # type: ignore[arg-type]
        return root / _ES_STATE, root / _ES_WEIGHTS

    def on_train_begin(self, logs: dict | None = None) -> None:
        super().on_train_begin(logs)
        if self.state_dir is None:
            return
        state_path, weights_path = self._paths()
        if not state_path.is_file():
            return
        state = json.loads(state_path.read_text())
        self.wait = int(state["wait"])
        self.best = state["best"]
        self.best_epoch = int(state["best_epoch"])
        if self.restore_best_weights and weights_path.is_file():
            with np.load(weights_path, allow_pickle=False) as saved:
                self.best_weights = [saved[f"arr_{i}"] for i in range(len(saved.files))]

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        previous_best_epoch = getattr(self, "best_epoch", None)
        had_weights = self.best_weights is not None
        super().on_epoch_end(epoch, logs)
        if self.state_dir is None or self.best is None:
            return
        best = float(self.best)
        if not math.isfinite(best):
            return
        state_path, weights_path = self._paths()
        state_path.parent.mkdir(parents=True, exist_ok=True)
        if self.restore_best_weights and (self.best_epoch != previous_best_epoch
                                          or not had_weights):
            # The best weights are the current ones: write them, then swap them in.
            tmp = weights_path.with_name("tmp_" + weights_path.name)
            with open(tmp, "wb") as f:
                np.savez(f, *self.best_weights)
            os.replace(tmp, weights_path)
        tmp_state = state_path.with_suffix(".json.tmp")
        tmp_state.write_text(json.dumps(
            {"wait": self.wait, "best": best, "best_epoch": self.best_epoch}))
        os.replace(tmp_state, state_path)


def has_backup(backup_dir: str | os.PathLike) -> bool:
    """Tell whether `backup_dir` holds the backup of an unfinished training.

    Args:
        backup_dir: the folder given to :func:`callbacks` / :func:`fit`.

    Returns:
        `True` if a training written there was interrupted before its end.

    Example:
    >>> has_backup("out/backup")  # doctest: +SKIP
    False
    """
    root = Path(backup_dir)
    return any((root / name).exists() or (root / (name + ".bkp")).exists()
               for name in _BACKUP_FILES)


def callbacks(
    *,
    patience: int | None = 10,
    monitor: str = "val_loss",
    min_delta: float = 0.0,
    restore_best_weights: bool = True,
    terminate_on_nan: bool = True,
    backup_dir: str | os.PathLike | None = None,
) -> list[keras.callbacks.Callback]:
    """Return the safe-training callbacks to pass to `model.fit(callbacks=...)`.

    The list holds, in this order: a :class:`NaNGuard` (stops at a NaN or
    infinite loss and says what to check), an `EarlyStopping` on `monitor`
    that restores the best epoch's weights at the end of training, and, with
    `backup_dir`, a `keras.callbacks.BackupAndRestore` that lets a killed
    training resume. Plain `model.fit` stays in charge: add your own callbacks
    to the list as you like.

    Note that with `backup_dir`, a `model.fit` call **resumes** automatically
    from a backup left in that folder by an interrupted run (and the folder is
    removed when training ends); use :func:`fit` to make that an explicit
    choice (`resume=True`). The model must be built (rnnkit's factories build
    it) and compiled the same way as in the interrupted run.

    Args:
        patience: epochs without improvement of `monitor` before stopping, or
            `None` for no early stopping (the best weights are still restored
            when `restore_best_weights`).
        monitor: the quantity to watch, e.g. `"val_loss"` (needs validation
            data) or `"loss"`.
        min_delta: smallest change of `monitor` that counts as an improvement.
        restore_best_weights: at the end of training, put back the weights of
            the epoch with the best `monitor`.
        terminate_on_nan: include the :class:`NaNGuard`.
        backup_dir: folder for the backup of the training state, or `None`.

    Returns:
        A list of `keras.callbacks.Callback`.

    Example:
    >>> from rnnkit.training import callbacks
    >>> model.fit(x, y, validation_data=(x_val, y_val), epochs=100,
    ...           callbacks=callbacks(patience=5, backup_dir="out/backup"))  # doctest: +SKIP
    """
    if patience is not None:
        patience = check_int("patience", patience, minimum=0)
    if not isinstance(monitor, str) or not monitor:
        raise ValueError(f"monitor={monitor!r} must be the name of a logged quantity, "
                         "e.g. 'val_loss' or 'loss'.")
    min_delta = check_float("min_delta", min_delta, low=0.0, high=float("inf"))
    result: list[keras.callbacks.Callback] = []
    if terminate_on_nan:
        result.append(NaNGuard())
    state_dir = None if backup_dir is None else _check_backup_dir(backup_dir)
    if patience is not None or restore_best_weights:
        result.append(_ResumableEarlyStopping(
            monitor=monitor,
            min_delta=min_delta,
            patience=patience if patience is not None else 2**31 - 1,
            restore_best_weights=restore_best_weights,
            state_dir=state_dir,
        ))
    if state_dir is not None:
        result.append(keras.callbacks.BackupAndRestore(state_dir, double_checkpoint=True))
    return result


_make_callbacks = callbacks  # `fit` has an argument named `callbacks`


def _check_backup_dir(backup_dir: Any) -> str:
    if not isinstance(backup_dir, (str, os.PathLike)) or not str(backup_dir):
        raise ValueError(f"backup_dir={backup_dir!r} must be a folder path (str or Path).")
    path = Path(backup_dir)
    if path.exists() and not path.is_dir():
        raise ValueError(f"backup_dir={str(path)!r} is a file; give a folder path for the "
                         "training backup.")
    return str(path)


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
    >>> check_backup("out/backup", resume=False)  # doctest: +SKIP
    'out/backup'
    """
    backup = _check_backup_dir(backup_dir)
    if has_backup(backup) and not resume:
        raise ValueError(
            f"backup_dir={backup!r} holds the backup of an interrupted training. "
            "Pass resume=True (--resume on the command line) to continue it, or "
            "delete the folder to start over."
        )
    return backup


def seed_everything(seed: int, *, deterministic: bool = False) -> None:
    """Seed Python, NumPy and the Keras backend, optionally with deterministic ops.

    Args:
        seed: the seed (an integer ≥ 0).
        deterministic: also make TensorFlow ops deterministic
            (`tf.config.experimental.enable_op_determinism()`): needed on a GPU
            for bit-identical runs, not on CPU; it applies to the whole
            process and makes GPU training slower.

    Example:
    >>> seed_everything(0)
    """
    seed = check_int("seed", seed, minimum=0)
    keras.utils.set_random_seed(seed)
    if deterministic and keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()


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
    **fit_kwargs: Any,
) -> keras.callbacks.History:
    """Train a compiled model with rnnkit's safe-training callbacks.

    A thin wrapper over `model.fit`: it seeds the random number generators
    (with `seed`), adds the callbacks of :func:`rnnkit.training.callbacks`
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
        seed: seed for Python, NumPy and the backend (batch shuffling); build
            the model with the same `seed=` for identical runs.
        deterministic: also enable deterministic TensorFlow ops (GPU).
        callbacks: more callbacks, run after rnnkit's.
        **fit_kwargs: passed to `model.fit` (`batch_size`, `verbose`,
            `shuffle`, `validation_split`, ...).

    Returns:
        The `keras.callbacks.History` of this call.

    Raises:
        ValueError: on a bad argument, or a backup in `backup_dir` with
            `resume=False`.

    Example:
    >>> from rnnkit import build_classifier
    >>> from rnnkit.training import fit
    >>> model = build_classifier((28, 28), 10, seed=0)
    >>> history = fit(model, x_train, y_train, validation_data=(x_val, y_val),
    ...               epochs=20, patience=3, backup_dir="out/backup", resume=True,
    ...               seed=0)  # doctest: +SKIP
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"model={model!r} is not a Keras model; build one with "
                         "build_classifier / build_seq2seq / build_generator.")
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        raise ValueError("model is not compiled; call model.compile(...) first (rnnkit's "
                         "factories return compiled models).")
    epochs = check_int("epochs", epochs)
    if "initial_epoch" in fit_kwargs and backup_dir is not None:
        raise ValueError("initial_epoch cannot be combined with backup_dir: the backup "
                         "decides where training resumes.")
    validation = validation_data is not None or bool(fit_kwargs.get("validation_split"))
    if monitor is None:
        monitor = "val_loss" if validation else "loss"
    elif monitor.startswith("val_") and not validation:
        raise ValueError(f"monitor={monitor!r} needs validation data; pass validation_data="
                         "(or validation_split=), or monitor='loss'.")
    if backup_dir is not None:
        backup = check_backup(backup_dir, resume=resume)
        if has_backup(backup):
            print(f"rnnkit: resuming the interrupted training backed up in {backup}",
                  file=sys.stderr, flush=True)
        elif resume:
            print(f"rnnkit: no backup in {backup}; training starts at epoch 1",
                  file=sys.stderr, flush=True)
    elif resume:
        raise ValueError("resume=True needs backup_dir= (the folder of the backup to resume).")
    if seed is not None:
        seed_everything(seed, deterministic=deterministic)
    elif deterministic:
        raise ValueError("deterministic=True needs seed= as well.")
    safe = _make_callbacks(
        patience=patience, monitor=monitor, restore_best_weights=restore_best_weights,
        terminate_on_nan=terminate_on_nan, backup_dir=backup_dir,
    )
    if not model.built:
        raise ValueError("model is not built; build it (model.build(input_shape)) before "
                         "fit, so that a backup can be restored into it.")
    if hasattr(x, "element_spec") and "shuffle" not in fit_kwargs:
        # A tf.data.Dataset shuffles itself; Keras would warn that shuffle=True is ignored.
        fit_kwargs["shuffle"] = False
    resuming = backup_dir is not None and resume and has_backup(backup_dir)
    try:
        return model.fit(x, y, validation_data=validation_data, epochs=epochs,
                         callbacks=[*safe, *callbacks], **fit_kwargs)
    except ValueError as exc:
        if resuming and "could not be loaded" in str(exc):
            raise ValueError(
                f"resume=True: the backup in {str(backup_dir)!r} does not fit this model "
                "(Keras could not load its weights). Resume with the same model settings and "
                "data as the interrupted training (on the command line: the same --cell, "
                "--units, --layers, ...), or delete that folder to start over."
            ) from None
        raise


def remove_backup(backup_dir: str | os.PathLike) -> None:
    """Delete a training backup folder (to start over instead of resuming).

    Args:
        backup_dir: the folder given to :func:`fit` / :func:`callbacks`.

    Example:
    >>> remove_backup("out/backup")  # doctest: +SKIP
    """
    path = Path(_check_backup_dir(backup_dir))
    if path.is_dir():
        shutil.rmtree(path)
