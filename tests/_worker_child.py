"""Training runs for tests/test_distribution.py, each run as a child process (or imported).

Usage:
    python tests/_worker_child.py mirrored OUT.json   # 2 logical CPUs: 1 device vs Mirrored
    python tests/_worker_child.py jax OUT.json        # KERAS_BACKEND=jax, XLA_FLAGS=...=2
    python tests/_worker_child.py worker OUT.npz LOG BACKUP EPOCHS SLEEP   # with TF_CONFIG

`worker` is one worker of a multi-worker training (`TF_CONFIG` names the
cluster and this worker): it trains the small classifier of :func:`train` with
`rnnkit.training.fit(strategy=strategy_for("multiworker"), backup_dir=BACKUP,
resume=True)`, appends `begin N` / `end N` (0-based epochs; `end` comes after
the epoch's backup) to LOG, then `done`, and writes the final weights and the
losses to OUT.npz. SLEEP seconds per batch slow it down for a kill.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

#: The global batch and the data of every run (a multiple of 2 replicas x batches).
BATCH, SAMPLES, STEPS, FEATURES = 16, 128, 8, 3


def data() -> tuple[Any, Any]:
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(SAMPLES, STEPS, FEATURES)).astype("float32")
    y = (x[:, :, 0].mean(axis=1) > 0).astype("int32")
    return x, y


def dataset(x: Any, y: Any, shuffle: bool = True) -> Any:
    """A seeded, batched pipeline: the same order in every process and every epoch.

    (Shuffled once: under a strategy Keras draws one extra iterator before the
    first epoch, to build the model, so a pipeline that reshuffles each
    iteration would be one permutation ahead of the single-device run.)
    """
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        ds = ds.shuffle(len(x), seed=0, reshuffle_each_iteration=False)
    return ds.batch(BATCH)


def _logger(path: str, sleep: float) -> Any:
    import keras

    class EpochLog(keras.callbacks.Callback):
        def _write(self, line: str) -> None:
            with open(path, "a") as f:
                f.write(line + "\n")
                f.flush()
                os.fsync(f.fileno())

        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self._write(f"begin {epoch}")

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            time.sleep(sleep)

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            self._write(f"end {epoch}")

    return EpochLog()


def train(strategy: Any, epochs: int, *, backup: str | None = None, log: str | None = None,
          sleep: float = 0.0, patience: int | None = 5) -> tuple[list[Any], dict[str, list]]:
    """Train the small classifier (under `strategy`, or on one device with `None`)."""
    import keras

    from rnnkit.models import build_classifier
    from rnnkit.training import fit

    keras.utils.set_random_seed(0)  # before the pipeline: its shuffle reads the global seed
    x, y = data()
    model = build_classifier((STEPS, FEATURES), 2, units=8, seed=0, strategy=strategy)
    history = fit(model, dataset(x, y), validation_data=dataset(x[:32], y[:32], False),
                  epochs=epochs, patience=patience, backup_dir=backup, resume=backup is not None,
                  seed=0,
                  verbose=0, strategy=strategy,
                  callbacks=[_logger(log, sleep)] if log else [])
    return model.get_weights(), history.history


def _max_difference(a: list[Any], b: list[Any]) -> float:
    import numpy as np

    return max(float(np.abs(p - q).max()) for p, q in zip(a, b, strict=True))


def _nan_guard_stops(strategy: Any) -> list[float]:
    """Train on NaN inputs under `strategy`: the NaN guard must stop in the first epoch."""
    import numpy as np

    from rnnkit.models import build_classifier
    from rnnkit.training import fit

    x, y = data()
    model = build_classifier((STEPS, FEATURES), 2, units=8, seed=0, strategy=strategy)
    history = fit(model, dataset(np.full_like(x, np.nan), y), epochs=5, verbose=0,
                  strategy=strategy)
    return history.history["loss"]


def compare(kind: str, out: str) -> None:
    """One device against two (TF Mirrored on logical CPUs, or JAX DataParallel)."""
    if kind == "mirrored":
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        two = [tf.config.LogicalDeviceConfiguration()] * 2
        tf.config.set_logical_device_configuration(cpu, two)
        strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    else:
        import keras

        strategy = keras.distribution.DataParallel()
    from rnnkit.distribution import num_replicas

    single_weights, single = train(None, 3)
    start = time.perf_counter()
    weights, history = train(strategy, 3)
    result = {"replicas": num_replicas(strategy), "single": single, "distributed": history,
              "max_weight_difference": _max_difference(weights, single_weights),
              "seconds": time.perf_counter() - start,
              "nan_losses": _nan_guard_stops(strategy) if kind == "mirrored" else None}
    with open(out, "w") as f:
        json.dump(result, f, default=str)


def worker(out: str, log: str, backup: str, epochs: int, sleep: float) -> None:
    """One worker of a multi-worker training (TF_CONFIG set by the parent)."""
    from rnnkit.distribution import strategy_for

    strategy = strategy_for("multiworker")  # first: before any other TensorFlow op
    import numpy as np

    weights, history = train(strategy, epochs, backup=backup, log=log, sleep=sleep,
                             patience=None)
    np.savez(out, *weights, loss=np.asarray(history["loss"]))
    with open(log, "a") as f:
        f.write("done\n")


if __name__ == "__main__":
    if sys.argv[1] == "worker":
        worker(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), float(sys.argv[6]))
    else:
        compare(sys.argv[1], sys.argv[2])
