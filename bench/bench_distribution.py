"""Data-parallel scaling on this machine: 1 process vs 2 workers on 127.0.0.1 (samples/s).

Trains the same LSTM classifier (`--units`, global batch `--batch`, `--samples`
random sequences of 32 steps x 8 features) for `--epochs` epochs, once in one
process without a strategy and once as two workers of a
`MultiWorkerMirroredStrategy` (ring all-reduce over gRPC on the loopback
interface, `TF_CONFIG` with two free ports). The first epoch (tracing) is
left out; samples/s counts the global samples of the other epochs. A third
run, one worker alone under the strategy, separates what the strategy's
compile setting costs (no XLA, one step per call) from what the all-reduce
with a second worker costs. The overhead is how much slower two
workers are than the ideal of twice one process's speed. Each worker is a fresh child process.

Run: `.venv/bin/python bench/bench_distribution.py`
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def child(args: argparse.Namespace) -> None:
    """One training run (a worker when TF_CONFIG is set); print samples/s as JSON."""
    from rnnkit.distribution import strategy_for

    strategy = strategy_for("multiworker") if os.environ.get("TF_CONFIG") else None
    import keras
    import numpy as np
    import tensorflow as tf

    from rnnkit.models import build_classifier
    from rnnkit.training import fit

    rng = np.random.default_rng(0)
    x = rng.normal(size=(args.samples, 32, 8)).astype("float32")
    y = (x[:, :, 0].mean(axis=1) > 0).astype("int32")
    times: list[float] = []

    class Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            times.append(time.perf_counter())

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter())

    model = build_classifier((32, 8), 2, units=args.units, seed=0, strategy=strategy)
    data = tf.data.Dataset.from_tensor_slices((x, y)).batch(args.batch)
    fit(model, data, epochs=args.epochs, patience=None, seed=0, verbose=0, recipe=False,
        strategy=strategy, callbacks=[Clock()])
    seconds = times[-1] - times[2]  # from the start of epoch 2
    print(json.dumps({"samples_per_s": args.samples * (args.epochs - 1) / seconds}))


def run(workers: int, argv: list[str], strategy: bool | None = None) -> float:
    """Samples/s of `workers` processes; with `strategy`, even one runs as a worker."""
    command = [sys.executable, __file__, "--child", *argv]
    from rnnkit.distribution import free_ports

    ports = free_ports(workers)
    procs = []
    for index in range(workers):
        env = dict(os.environ)
        if workers > 1 if strategy is None else strategy:
            env["TF_CONFIG"] = json.dumps({"cluster": {"worker": [f"127.0.0.1:{p}"
                                                                  for p in ports]},
                                           "task": {"type": "worker", "index": index}})
        procs.append(subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    try:
        outs = [p.communicate(timeout=900) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    for p, (_, err) in zip(procs, outs, strict=True):
        if p.returncode:
            raise SystemExit(err[-3000:])
    return json.loads(outs[0][0].strip().splitlines()[-1])["samples_per_s"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=4096)
    parser.add_argument("--batch", type=int, default=128, help="global batch size")
    parser.add_argument("--units", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    argv = [f"--samples={args.samples}", f"--batch={args.batch}", f"--units={args.units}",
            f"--epochs={args.epochs}"]
    one = run(1, argv)
    alone = run(1, argv, strategy=True)
    two = run(2, argv)
    print(f"LSTM({args.units}) classifier, global batch {args.batch}, {os.cpu_count()} cores")
    print(f"1 process        : {one:8.0f} samples/s (XLA, 8 steps per call)")
    print(f"1 worker         : {alone:8.0f} samples/s (the multi-worker strategy alone: the "
          f"plain graph, one step per call; {alone / one:.2f}x one process)")
    print(f"2 workers        : {two:8.0f} samples/s  (speed-up {two / one:.2f}x one process, "
          f"{two / alone:.2f}x one worker; overhead {1 - two / (2 * one):.0%} against the "
          "ideal 2x)")


if __name__ == "__main__":
    main()
