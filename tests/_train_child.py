"""A training run for the kill-and-resume test (run as a child process, or imported).

Usage: python tests/_train_child.py BACKUP_DIR LOG_FILE WEIGHTS_FILE EPOCHS [SLEEP]

Trains a tiny classifier with `rnnkit.training.fit(backup_dir=..., resume=True)`,
appending `begin N` / `end N` (0-based epochs) to LOG_FILE as epochs start and
finish (an `end` line is written after that epoch's backup), then `done`, and
writes the final weights to WEIGHTS_FILE (.npz). SLEEP seconds per batch slow
the run down so that the parent can kill it in the middle of an epoch.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402


def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 5, 2)).astype("float32")
    y = (x[:, :, 0].mean(axis=1) > 0).astype("int32")
    return x, y


class EpochLog(keras.callbacks.Callback):
    def __init__(self, path: str, sleep: float):
        super().__init__()
        self.path, self.sleep = path, sleep

    def _write(self, line: str) -> None:
        with open(self.path, "a") as f:
            f.write(line + "\n")
            f.flush()
            os.fsync(f.fileno())

    def on_epoch_begin(self, epoch, logs=None):
        self._write(f"begin {epoch}")

    def on_train_batch_end(self, batch, logs=None):
        # Keras calls this once per compiled call of `steps_per_execution` batches
        time.sleep(self.sleep * int(getattr(self.model, "steps_per_execution", 1) or 1))

    def on_epoch_end(self, epoch, logs=None):
        self._write(f"end {epoch}")


def train(backup_dir: str, log: str, weights: str, epochs: int, sleep: float = 0.0) -> None:
    from rnnkit.models import build_classifier
    from rnnkit.training import fit

    x, y = data()
    model = build_classifier((5, 2), 2, units=4, seed=0)
    fit(model, x, y, validation_data=(x[:16], y[:16]), epochs=epochs, batch_size=8,
        shuffle=False, patience=None, backup_dir=backup_dir, resume=True, seed=0, verbose=0,
        callbacks=[EpochLog(log, sleep)])
    np.savez(weights, *model.get_weights())
    with open(log, "a") as f:
        f.write("done\n")


if __name__ == "__main__":
    backup, log_file, weights_file, n = sys.argv[1:5]
    pause = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
    train(backup, log_file, weights_file, int(n), pause)
