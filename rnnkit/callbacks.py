"""The callbacks of safe training: a NaN guard with advice, resumable early stopping, backup.

:func:`callbacks` returns ordinary Keras callbacks to pass to your own
`model.fit(..., callbacks=...)` (`rnnkit.training.fit` passes them for you):

* :class:`NaNGuard` (a `keras.callbacks.TerminateOnNaN`) stops at the first
  batch whose loss is NaN or infinite and says what to check;
* :class:`ResumableEarlyStopping` (a `keras.callbacks.EarlyStopping`) stops
  when the monitored quantity stops improving and restores the best epoch's
  weights; with a backup folder, its own state (best value, patience count,
  best weights) is written there at the end of every epoch, atomically, so
  that a resumed training goes on counting where it stopped;
* with `backup_dir`, `keras.callbacks.BackupAndRestore` writes the weights,
  the optimizer state and the epoch number at the end of every epoch, so a
  killed training resumes at the epoch after the last finished one;
* under a multi-worker strategy, only the chief writes the backup and the
  early-stopping state (`chief=False` on the other workers, which read the
  chief's: `backup_dir` must be a folder that every worker sees);
* with `epochs` (the training recipe, on in `rnnkit.training.fit`),
  :class:`CosineSchedule` sets the optimizer's learning rate every epoch,
  from its value down to a tenth along a half cosine over the epochs.

Example:
>>> [type(c).__name__ for c in callbacks(patience=3)]
['NaNGuard', 'ResumableEarlyStopping']
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from rnnkit._backend import keras
from rnnkit._checks import check_float, check_int, check_path
from rnnkit._fs import atomic_write, atomic_write_json

__all__ = ["NAN_ADVICE", "CosineSchedule", "NaNGuard", "ReadOnlyBackup", "ResumableEarlyStopping",
           "callbacks", "check_backup_dir"]

_ES_STATE = "early_stopping.json"
_ES_WEIGHTS = "early_stopping_best_weights.npz"

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
    >>> import numpy as np
    >>> from rnnkit.models import build_classifier
    >>> model = build_classifier((4, 2), 2, units=2, seed=0)
    >>> x, y = np.full((8, 4, 2), np.nan, "float32"), np.zeros(8, "int32")
    >>> guard = NaNGuard()
    >>> model.fit(x, y, callbacks=[guard], verbose=0)  # doctest: +SKIP
    >>> guard.message  # None when training went well  # doctest: +SKIP
    'rnnkit: training stopped - the loss became nan at epoch 1, batch 1. Things to check: ...'
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
        # Keras reports every `steps_per_execution` batches: name the batches that ran since
        steps = int(getattr(self.model, "steps_per_execution", 1) or 1)
        last = min(batch + 1, int((self.params or {}).get("steps") or batch + 1))
        first = max(1, batch + 2 - steps)
        where = f"batch {last}" if first >= last else f"within batches {first}-{last}"
        self.message = (
            f"rnnkit: training stopped - the loss became {loss} at epoch {self._epoch + 1}, "
            f"{where}. {NAN_ADVICE}"
        )
        if self.raise_error:
            raise FloatingPointError(self.message)
        print(self.message, file=sys.stderr, flush=True)
        self.model.stop_training = True


def _write_weights(path: Path, weights: list[np.ndarray]) -> None:
    with open(path, "wb") as file:
        np.savez(file, *weights)


class ResumableEarlyStopping(keras.callbacks.EarlyStopping):
    """`EarlyStopping` whose state (best value, wait, best weights) survives a restart.

    With `state_dir`, the state is written there at the end of every epoch
    (each file atomically, through `rnnkit._fs`) and read back at the start of
    training, so that a training resumed by `BackupAndRestore` keeps counting
    patience from where it stopped and still restores the best weights seen
    before the interruption.

    Args:
        state_dir: the folder of the state (the training's backup folder), or
            `None` to keep the state in memory only.
        write: write the state (`False` on the workers of a multi-worker
            training that are not the chief: they only read it).
        **kwargs: passed to `keras.callbacks.EarlyStopping`.
    """

    def __init__(self, *, state_dir: str | None = None, write: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        self.state_dir = state_dir
        self.write = write

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
        if self.state_dir is None or self.best is None or not self.write:
            return
        best = float(self.best)
        if not math.isfinite(best):
            return
        state_path, weights_path = self._paths()
        state_path.parent.mkdir(parents=True, exist_ok=True)
        if self.restore_best_weights and (self.best_epoch != previous_best_epoch
                                          or not had_weights):
            # The best weights are the current ones: write them, then swap them in.
            weights = list(self.best_weights)
            atomic_write(weights_path, lambda path: _write_weights(path, weights))
        atomic_write_json(state_path,
                          {"wait": self.wait, "best": best, "best_epoch": self.best_epoch})


class CosineSchedule(keras.callbacks.Callback):
    """Set the learning rate every epoch along a half cosine, from its value to `floor` × it.

    The learning rate of epoch `e` (0-based) of `epochs` is
    `peak * (floor + (1 - floor) * (1 + cos(pi * e / epochs)) / 2)`, where
    `peak` is the optimizer's learning rate when training begins; it is put
    back at the end, so a second `fit` starts from it again. The schedule is
    indexed by the epoch Keras reports, so a training resumed from a backup
    goes on where it stopped. An optimizer built with a
    `LearningRateSchedule` of its own is left alone. Large steps early and
    small steps late: the late epochs settle into a minimum instead of
    bouncing around it (measured in `bench/quality.py`).

    Args:
        epochs: the epochs the schedule spans (those of `fit`).
        floor: the last learning rate as a share of the first, in [0, 1].

    Example:
    >>> schedule = CosineSchedule(epochs=4)
    >>> [round(schedule.rate(e, peak=1.0), 3) for e in range(4)]
    [1.0, 0.868, 0.55, 0.232]
    """

    def __init__(self, epochs: int, floor: float = 0.1):
        super().__init__()
        self.epochs = check_int("epochs", epochs)
        self.floor = check_float("floor", floor, low=0.0, high=1.0)
        self.peak: float | None = None

    def rate(self, epoch: int, peak: float) -> float:
        """The learning rate of `epoch` (0-based) when the schedule starts at `peak`."""
        share = (1 + math.cos(math.pi * min(epoch, self.epochs) / self.epochs)) / 2
        return peak * (self.floor + (1 - self.floor) * share)

    def on_train_begin(self, logs: dict | None = None) -> None:
        optimizer = self.model.optimizer
        own = isinstance(optimizer.get_config().get("learning_rate"), dict)  # a schedule
        self.peak = None if own else float(np.asarray(optimizer.learning_rate))

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if self.peak is not None:
            self.model.optimizer.learning_rate = self.rate(epoch, self.peak)

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.peak is not None:
            self.model.optimizer.learning_rate = self.peak


class ReadOnlyBackup(keras.callbacks.BackupAndRestore):
    """`BackupAndRestore` for a worker that is not the chief: it restores the chief's backup.

    Every worker of a multi-worker training holds the same weights after each
    epoch, so the chief's backup serves them all. This worker still saves its
    own copy, to a private temporary folder that it removes at once: saving
    runs collective operations that every worker must join (measured: without
    it the chief's save waits on a broadcast the others never send).
    """

    def _save_model(self) -> None:
        shared = self.backup_dir, self._weights_path, self._training_metadata_path
        private = tempfile.mkdtemp(prefix="rnnkit-worker-backup-")
        self.backup_dir = private
        self._weights_path = os.path.join(private, "latest.weights.h5")
        self._training_metadata_path = os.path.join(private, "training_metadata.json")
        try:
            super()._save_model()
        finally:
            self.backup_dir, self._weights_path, self._training_metadata_path = shared
            shutil.rmtree(private, ignore_errors=True)

    def on_train_end(self, logs: dict | None = None) -> None:
        return None  # the chief removes the shared folder


def check_backup_dir(backup_dir: Any) -> str:
    """Return a backup folder path as a str, or raise if it is not a path or is a file.

    Example:
    >>> check_backup_dir("out/backup")
    'out/backup'
    """
    path = check_path("backup_dir", backup_dir, what="folder")
    if path.exists() and not path.is_dir():
        raise ValueError(f"backup_dir={str(path)!r} is a file; give a folder path for the "
                         "training backup.")
    return str(path)


def callbacks(
    *,
    patience: int | None = 10,
    monitor: str = "val_loss",
    min_delta: float = 0.0,
    restore_best_weights: bool = True,
    terminate_on_nan: bool = True,
    backup_dir: str | os.PathLike | None = None,
    epochs: int | None = None,
    chief: bool = True,
) -> list[keras.callbacks.Callback]:
    """Return the safe-training callbacks to pass to `model.fit(callbacks=...)`.

    The list holds, in this order: a :class:`NaNGuard` (stops at a NaN or
    infinite loss and says what to check), an `EarlyStopping` on `monitor`
    that restores the best epoch's weights at the end of training, with
    `epochs` the :class:`CosineSchedule` of the learning rate, and with
    `backup_dir` a `keras.callbacks.BackupAndRestore` that lets a killed
    training resume. Plain `model.fit` stays in charge: add your own callbacks
    to the list as you like.

    Note that with `backup_dir`, a `model.fit` call **resumes** automatically
    from a backup left in that folder by an interrupted run (and the folder is
    removed when training ends); use `rnnkit.training.fit` to make that an
    explicit choice (`resume=True`). The model must be built (rnnkit's
    factories build it) and compiled the same way as in the interrupted run.

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
        epochs: with the number of epochs of the `fit` call, add the
            :class:`CosineSchedule` of the learning rate over them (the
            training recipe); `None` leaves the learning rate alone.
        chief: whether this process writes the backup (`False` on the other
            workers of a multi-worker training: see
            `rnnkit.distribution.is_chief`).

    Returns:
        A list of `keras.callbacks.Callback`.

    Example:
    >>> import numpy as np
    >>> from rnnkit.models import build_classifier
    >>> model = build_classifier((4, 2), 2, units=2, seed=0)
    >>> x, y = np.zeros((8, 4, 2), "float32"), np.zeros(8, "int32")
    >>> safe = callbacks(patience=5, backup_dir="out/backup")
    >>> [type(c).__name__ for c in safe]
    ['NaNGuard', 'ResumableEarlyStopping', 'BackupAndRestore']
    >>> model.fit(x, y, validation_data=(x, y), epochs=100, callbacks=safe)  # doctest: +SKIP
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
    state_dir = None if backup_dir is None else check_backup_dir(backup_dir)
    if patience is not None or restore_best_weights:
        result.append(ResumableEarlyStopping(
            monitor=monitor,
            min_delta=min_delta,
            patience=patience if patience is not None else 2**31 - 1,
            restore_best_weights=restore_best_weights,
            state_dir=state_dir,
            write=chief,
        ))
    if epochs is not None:  # before the backup: it reads the first rate before a restore
        result.append(CosineSchedule(epochs))
    if state_dir is not None:
        backup = keras.callbacks.BackupAndRestore if chief else ReadOnlyBackup
        result.append(backup(state_dir, double_checkpoint=True))
    return result
