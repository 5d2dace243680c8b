"""The hardware ceiling of LSTM training here: how much of the machine's fp32 peak each side uses.

The suite's LSTM rows compare rnnkit with PyTorch's CPU `nn.LSTM` (oneDNN's fused
RNN kernel). This workload says how far either could go: it converts the
training rates of `classify` (MNIST rows, LSTM(128), per batch size) into the
floating-point operations of the LSTM's matrix products and sets them beside the
machine's fp32 matrix-product rate, measured in the same interleaved rounds (a
1024 x 1024 product, the best of 3 bursts of TensorFlow's oneDNN and of PyTorch's):

* the forward pass of one sample multiplies, at each of the 28 steps, the
  concatenated input and state (28 + 128 values) by the 4 x 128 gate columns:
  `28 * 2 * (28 + 128) * 512` FLOPs; training adds the two backward products
  (the gradient of the weights and that of the state), so 3 x that per sample.
  Gate math, the Dense head and the optimizer are left out: the figure is a
  lower bound of the work done;
* the row's `hand-written` column is the peak (GFLOP/s), `rnnkit` and `PyTorch`
  what they reach, so `rnnkit / hand` is rnnkit's share of the peak, and the note
  gives PyTorch's share and the share that 1.2x PyTorch would need.

A share above 1.0 cannot be reached in fp32; lower precision would change what is
trained (`bench_fused_lstm.py` measures the Keras LSTM under `mixed_bfloat16`).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import _torch_models
import keras
from _harness import Row, interleaved_medians

STEPS, FEATURES, UNITS = 28, 28, 128
#: matrix-product FLOPs of one training sample of LSTM(128) over 28 steps of 28 values
FLOPS_PER_SAMPLE = 3 * STEPS * 2 * (FEATURES + UNITS) * 4 * UNITS
GEMM = 1024


def _gemm_peak(torch: bool) -> Callable[[], float]:
    """A candidate: GFLOP/s of 10 fp32 1024 x 1024 products, the better of TF and PyTorch."""
    import tensorflow as tf

    a = tf.random.stateless_normal((GEMM, GEMM), seed=(0, 0))
    flops = 2 * GEMM ** 3 * 10
    runners = [lambda: [tf.matmul(a, a) for _ in range(10)][-1].numpy()]
    if torch:
        import torch as pt

        t = pt.randn(GEMM, GEMM)
        runners.append(lambda: [t @ t for _ in range(10)])

    def run() -> float:  # the best of 3 bursts per library: a peak, not a typical rate
        best = 0.0
        for call in runners * 3:
            start = time.perf_counter()
            call()
            best = max(best, flops / (time.perf_counter() - start) / 1e9)
        return best

    return run


def _gflops(samples_per_second: Callable[[], float]) -> Callable[[], float]:
    return lambda: samples_per_second() * FLOPS_PER_SAMPLE / 1e9


def ceiling(size: dict, *, torch: bool) -> list[Row]:
    """LSTM(128) training per batch size as GFLOP/s, beside the fp32 matrix-product peak."""
    import workloads

    from rnnkit.datasets import load_mnist_sample
    from rnnkit.models import build_classifier

    (x_all, y_all), _ = load_mnist_sample()
    rows = []
    for batch in size["batches"]:
        n = max(batch, size["samples"] // batch * batch)
        x, y = x_all[:n], y_all[:n]
        model = build_classifier((STEPS, FEATURES), 10, cell="lstm", units=UNITS, seed=0)
        candidates = {"rnnkit": _gflops(workloads._rnnkit_epoch(model, x, y, batch)),
                      "hand": _gemm_peak(torch)}
        if torch:
            candidates["torch"] = _gflops(_torch_models.classifier("lstm", UNITS, x, y, 10,
                                                                   batch))
        rates = interleaved_medians(candidates, size["repeats"])
        note = "hand-written column: the fp32 1024x1024 matrix-product peak"
        if "torch" in rates:
            share = rates["torch"] / rates["hand"]
            note += (f"; PyTorch uses {share:.2f} of it, 1.2x PyTorch would need "
                     f"{1.2 * share:.2f}")
        rows.append(Row(f"LSTM(128) training batch {batch}, share of the fp32 peak",
                        "GFLOP/s", rates, goal="", note=note))
    return rows


if __name__ == "__main__":  # a quick look: python bench/ceiling.py
    import _harness

    print(f"Keras backend: {keras.backend.backend()}")
    rows = ceiling(dict(samples=2048, repeats=3, batches=(32, 128, 256)),
                   torch=not _torch_models.available())
    print(_harness.format_table(rows, torch_note=_torch_models.available()))
