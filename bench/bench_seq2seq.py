"""Benchmark: training speed of `build_seq2seq` vs the same model written by hand in Keras.

The model is seed 001's many-to-many forecaster: 2 x LSTM(8), window 96, one
feature, batch 7 (the issue measured 222 samples/s with Keras' default compile
and 751 with `jit_compile=True` on TF CPU). Three models, same data, same
order, measured side by side in one run:

* hand-written Keras, `model.compile("adam", "mse")` (jit_compile="auto": off on CPU)
* hand-written Keras, `jit_compile=True`
* `rnnkit.build_seq2seq((96, 1), units=8, layers=2)` (rnnkit picks the setting:
  `rnnkit.fastest.fastest_jit_compile`, by work per step)

One warm-up epoch (tracing / XLA compilation) is not timed; then `--epochs`
epochs are timed. Run: `.venv/bin/python bench/bench_seq2seq.py`
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

WINDOW, UNITS, BATCH = 96, 8, 7


def _data(samples: int):
    import numpy as np

    from rnnkit.series import SeriesWindows

    t = np.arange(samples + WINDOW + 200)
    series = np.sin(t / 10.0) + 0.1 * np.random.default_rng(0).standard_normal(len(t))
    w = SeriesWindows(series, window=WINDOW, batch_size=BATCH, split=(0.9, 0.05, 0.05), seed=0)
    x, y = w.arrays("train")
    return np.ascontiguousarray(x[:samples]), np.ascontiguousarray(y[:samples])


def _hand_written(jit_compile):
    import keras

    model = keras.Sequential([
        keras.Input((WINDOW, 1)),
        keras.layers.LSTM(UNITS, return_sequences=True),
        keras.layers.LSTM(UNITS, return_sequences=True),
        keras.layers.Dense(1),
    ])
    options = {} if jit_compile == "default" else {"jit_compile": jit_compile}
    model.compile(optimizer="adam", loss="mse", metrics=["mae"], **options)
    return model


def _rnnkit():
    from rnnkit.models import build_seq2seq

    return build_seq2seq((WINDOW, 1), output_dim=1, units=UNITS, layers=2, seed=0)


def _speed(model, x, y, epochs: int) -> float:
    model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)  # warm-up
    start = time.perf_counter()
    model.fit(x, y, batch_size=BATCH, epochs=epochs, shuffle=False, verbose=0)
    return len(x) * epochs / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1400, help="windows per epoch")
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs per model")
    args = parser.parse_args()
    import keras
    import tensorflow as tf

    from rnnkit.fastest import fastest_jit_compile

    keras.utils.set_random_seed(0)
    x, y = _data(args.samples)
    devices = [d.device_type for d in tf.config.list_physical_devices()]
    print(f"2 x LSTM({UNITS}), window {WINDOW}, batch {BATCH}, {len(x)} windows x "
          f"{args.epochs} epochs; backend {keras.backend.backend()}, devices {devices}, "
          f"rnnkit's jit_compile={fastest_jit_compile()!r}")
    results = {}
    for name, make in (("keras default compile", lambda: _hand_written("default")),
                       ("keras jit_compile=True", lambda: _hand_written(True)),
                       ("rnnkit build_seq2seq", _rnnkit)):
        keras.utils.set_random_seed(0)
        results[name] = _speed(make(), x, y, args.epochs)
        print(f"  {name:24s} {results[name]:8.0f} samples/s")
    base = results["keras default compile"]
    print(f"  rnnkit / keras default: {results['rnnkit build_seq2seq'] / base:.2f}x; "
          f"keras jit / keras default: {results['keras jit_compile=True'] / base:.2f}x; "
          f"rnnkit / keras jit: "
          f"{results['rnnkit build_seq2seq'] / results['keras jit_compile=True']:.2f}x")


if __name__ == "__main__":
    main()
