"""Training speed of rnnkit's classifier vs the hand-written Keras model, per cell.

For each cell (LSTM, GRU, SimpleRNN) on MNIST rows (28 steps of 28 pixels,
units 128, 10 classes) this trains three models of the same architecture:

* ``rnnkit``: ``build_classifier((28, 28), 10, cell=..., units=128)``, compiled
  with ``jit_compile=fastest_jit_compile(cell, batch_size)`` (from ``rnnkit.fastest``);
* ``keras auto``: the hand-written ``Sequential([Input, LSTM(128), Dense(10)])``
  compiled with Keras' default ``jit_compile="auto"`` (XLA off on a
  TensorFlow CPU);
* ``keras jit``: the same with ``jit_compile=True``.

Each model first trains one warm-up epoch (tracing and XLA compilation), then
the three models train one timed epoch each, in turn, ``--repeats`` times
(interleaving spreads any load from other processes over all three). A timed
epoch covers a fixed ``--samples`` images, a whole number of batches, and is
timed by a callback from its first batch to its last; the best epoch counts.

This is the evidence behind :func:`rnnkit.fastest.fastest_jit_compile`: the
last column says which jit setting was fastest for the hand-written model and
whether rnnkit's choice agrees.

Run:
    python bench/bench_classifier.py            # batch 32, 4,096 samples per timed epoch
    python bench/bench_classifier.py --batch-size 128 --samples 8192
"""

from __future__ import annotations

import argparse
import os
import platform
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from rnnkit.datasets import load_mnist_sample  # noqa: E402
from rnnkit.fastest import fastest_jit_compile  # noqa: E402
from rnnkit.models import build_classifier  # noqa: E402

KERAS_LAYERS = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "rnn": keras.layers.SimpleRNN}


class EpochTimer(keras.callbacks.Callback):
    """Wall time of each epoch, from its first batch's start to its last batch's end."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)


def hand_written(cell: str, units: int, jit_compile: bool | str) -> keras.Model:
    """The Keras model a user would write by hand, with Keras' defaults."""
    model = keras.Sequential([
        keras.Input(shape=(28, 28)),
        KERAS_LAYERS[cell](units),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], jit_compile=jit_compile)
    return model


def measure(models: dict[str, keras.Model], x: np.ndarray, y: np.ndarray, *,
            batch_size: int, repeats: int) -> dict[str, float]:
    """Best training samples/s of each model, after one warm-up epoch each."""
    timers = {name: EpochTimer() for name in models}
    for model in models.values():  # warm-up: trace and compile
        model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
    for _ in range(repeats):
        for name, model in models.items():
            model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0,
                      callbacks=[timers[name]])
    return {name: len(x) / min(timer.seconds) for name, timer in timers.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", nargs="+", default=["lstm", "gru", "rnn"])
    parser.add_argument("--units", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=32,
                        help="batch size (default 32, Keras' and rnnkit's default)")
    parser.add_argument("--samples", type=int, default=4096,
                        help="images per timed epoch, rounded down to whole batches")
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs per model")
    args = parser.parse_args()

    (x_train, y_train), _ = load_mnist_sample()
    n = (min(args.samples, len(x_train)) // args.batch_size) * args.batch_size
    x, y = x_train[:n], y_train[:n]
    import tensorflow as tf

    print(f"rnnkit classifier training speed: MNIST rows (28 x 28), units {args.units}, "
          f"batch {args.batch_size}, {n} samples per timed epoch, best of {args.repeats} "
          f"after a warm-up epoch")
    devices = [d.device_type for d in tf.config.list_physical_devices()]
    print(f"backend {keras.backend.backend()}, TensorFlow {tf.__version__}, Keras "
          f"{keras.__version__}, devices {devices}, {os.cpu_count()} CPUs "
          f"({platform.processor() or platform.machine()}); rnnkit compiles with "
          "jit_compile per cell from rnnkit.fastest")
    header = (f"{'cell':<5} {'params':>7} {'rnnkit':>9} {'keras auto':>11} {'keras jit':>10} "
              f"{'rnnkit/auto':>12} {'jit/auto':>9}  fastest keras setting")
    print(header)
    print("-" * len(header))
    for cell in args.cells:
        keras.utils.set_random_seed(0)
        models = {
            "rnnkit": build_classifier((28, 28), 10, cell=cell, units=args.units, seed=0),
            "auto": hand_written(cell, args.units, "auto"),
            "jit": hand_written(cell, args.units, True),
        }
        params = {m.count_params() for m in models.values()}
        assert len(params) == 1, f"the three {cell} models differ: {params}"
        speed = measure(models, x, y, batch_size=args.batch_size, repeats=args.repeats)
        best = "jit_compile=True" if speed["jit"] > speed["auto"] else "jit_compile='auto'"
        chosen = ("jit_compile=True" if fastest_jit_compile(cell, args.batch_size) is True
                  else "jit_compile='auto'")
        verdict = "agrees with rnnkit" if best == chosen else f"rnnkit uses {chosen}"
        print(f"{cell:<5} {params.pop():>7,} {speed['rnnkit']:>9,.0f} {speed['auto']:>11,.0f} "
              f"{speed['jit']:>10,.0f} {speed['rnnkit'] / speed['auto']:>11.2f}x "
              f"{speed['jit'] / speed['auto']:>8.2f}x  {best} ({verdict})")
    print("(samples/s, higher is better)")


if __name__ == "__main__":
    main()
