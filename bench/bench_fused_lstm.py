"""Benchmark: other ways to run an LSTM on TensorFlow's CPU, against the Keras layer rnnkit uses.

The issue asks for LSTM training 1.2x faster than PyTorch's `nn.LSTM` (oneDNN's fused
RNN kernel). Besides the Keras layer (graph and XLA), TensorFlow has its own fused
CPU kernel, `tf.raw_ops.BlockLSTMV2` (gate layout `ifco`, Keras' own), and this CPU
has bfloat16 matrix units. Measured side by side, MNIST-row shapes (28 steps of 28
values, LSTM(128) + Dense(10), Adam, 8 steps per compiled call), samples/s, median of
interleaved epochs after a warm-up:

* `keras graph` / `keras xla`: `keras.layers.LSTM`, `jit_compile=False` / `True`;
* `BlockLSTMV2`: the fused kernel in a layer of the same weights. TensorFlow
  registers V1's gradient op (layout `icfo`) for V2, which is wrong, so the layer's
  gradient calls `BlockLSTMGradV2` itself; the script first checks it against the
  Keras layer (outputs and gradients);
* `bf16 graph`: the Keras layer under `mixed_bfloat16` (lower precision: not the
  same training).

Run: `.venv/bin/python bench/bench_fused_lstm.py [--batch-sizes 32 128]` (TensorFlow).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

STEPS, FEATURES, UNITS, SAMPLES = 28, 28, 128, 8192


def _fused(units: int):
    """BlockLSTMV2 over time-major inputs, with its V2 gradient; returns all hidden states."""
    @tf.custom_gradient
    def run(xt, w, b):
        zeros, peep = tf.zeros((tf.shape(xt)[1], units)), tf.zeros(units)
        length = tf.cast(tf.shape(xt)[0], tf.int64)
        common = dict(seq_len_max=length, x=xt, cs_prev=zeros, h_prev=zeros, w=w, wci=peep,
                      wcf=peep, wco=peep, b=b)
        i, cs, f, o, ci, co, h = tf.raw_ops.BlockLSTMV2(**common, cell_clip=-1.0,
                                                        use_peephole=False)

        def grad(dh):
            g = tf.raw_ops.BlockLSTMGradV2(**common, i=i, cs=cs, f=f, o=o, ci=ci, co=co, h=h,
                                           cs_grad=tf.zeros_like(cs), h_grad=dh,
                                           use_peephole=False)
            return g[0], g[3], g[7]

        return h, grad

    return run


class FusedLSTM(keras.layers.Layer):
    """An LSTM (last state) on TensorFlow's fused CPU kernel, in Keras' weight layout."""

    def __init__(self, units: int, return_sequences: bool = False) -> None:
        super().__init__()
        self.units, self.return_sequences, self.run = units, return_sequences, _fused(units)

    def build(self, shape) -> None:
        self.kernel = self.add_weight(shape=(shape[-1], 4 * self.units))
        self.recurrent_kernel = self.add_weight(shape=(self.units, 4 * self.units),
                                                initializer="orthogonal")
        self.bias = self.add_weight(shape=(4 * self.units,), initializer="zeros")

    def call(self, x):
        h = self.run(tf.transpose(x, [1, 0, 2]),
                     tf.concat([self.kernel, self.recurrent_kernel], 0), tf.identity(self.bias))
        return tf.transpose(h, [1, 0, 2]) if self.return_sequences else h[-1]


def check_against_keras() -> tuple[float, float]:
    """The largest output and gradient differences of FusedLSTM from keras.layers.LSTM."""
    x = tf.constant(np.random.default_rng(0).normal(size=(16, STEPS, FEATURES)), tf.float32)
    stock = keras.layers.LSTM(UNITS, return_sequences=True)
    stock(x)
    fused = FusedLSTM(UNITS, return_sequences=True)
    fused(x)
    fused.set_weights(stock.get_weights())
    grads = []
    for layer in (stock, fused):
        with tf.GradientTape() as tape:
            out = layer(x)
            loss = tf.reduce_sum(out ** 2)
        grads.append((out, tape.gradient(loss, layer.trainable_weights)))
    (a, ga), (b, gb) = grads
    relative = max(float(tf.reduce_max(tf.abs(p - q)) / tf.reduce_max(tf.abs(p)))
                   for p, q in zip(ga, gb, strict=True))
    return float(tf.reduce_max(tf.abs(a - b))), relative


def _model(kind: str) -> keras.Model:
    keras.utils.set_random_seed(0)
    policy = "mixed_bfloat16" if kind == "bf16 graph" else "float32"
    keras.config.set_dtype_policy(policy)
    layer = FusedLSTM(UNITS) if kind == "BlockLSTMV2" else keras.layers.LSTM(UNITS)
    model = keras.Sequential([keras.Input((STEPS, FEATURES)), layer,
                              keras.layers.Dense(10, dtype="float32")])
    keras.config.set_dtype_policy("float32")
    model.compile(keras.optimizers.Adam(1e-3),
                  keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  jit_compile=kind == "keras xla", steps_per_execution=8)
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[32, 128])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    out, grad = check_against_keras()
    print(f"BlockLSTMV2 with its V2 gradient vs keras.layers.LSTM: outputs {out:.1e}, "
          f"gradients {grad:.1e} (largest difference, relative for gradients)")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(SAMPLES, STEPS, FEATURES)).astype("float32")
    y = rng.integers(0, 10, SAMPLES)
    kinds = ["keras graph", "keras xla", "BlockLSTMV2", "bf16 graph"]
    for batch in args.batch_sizes:
        models = {kind: _model(kind) for kind in kinds}
        for model in models.values():
            model.fit(x[: batch * 8], y[: batch * 8], batch_size=batch, verbose=0)
        rates = {kind: [] for kind in kinds}
        for _ in range(args.repeats):
            for kind, model in models.items():
                start = time.perf_counter()
                model.fit(x, y, batch_size=batch, verbose=0)
                rates[kind].append(SAMPLES / (time.perf_counter() - start))
        base = statistics.median(rates["keras graph"])
        print(f"batch {batch}: " + ", ".join(
            f"{kind} {statistics.median(r):,.0f} ({statistics.median(r) / base:.2f}x)"
            for kind, r in rates.items()))


if __name__ == "__main__":
    main()
