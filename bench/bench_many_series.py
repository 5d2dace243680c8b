"""Benchmark: one global model over 1,000 series of 500 steps (windows streamed, not copied).

Builds `SeriesWindows(frame, multi_series=True, ...)` over `--series` synthetic
series (seasonal sines with trend and noise, each with its own level and scale) of
`--steps` steps, then trains a small GRU for one epoch on the windows of every series.
Prints the time to build the windows, the time of the epoch (windows/s), and the
process's resident memory at each stage, against two sizes: the raw data (float64) and
what the training windows would take if they were copied (float32).

The memory bound this checks (printed as PASS / FAIL): the windows add at most
4x the raw data plus 64 MiB to the resident memory (one float32 copy of the scaled
inputs per series, the frames, and the one concatenated base array), and the epoch
adds no more than 256 MiB after a two-batch warm-up (TensorFlow's own working set);
a copy of every window
would be about `window`x the data.

Run: `.venv/bin/python bench/bench_many_series.py` (1,000 x 500; about a minute),
`--series 100` (a quick check).
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

MIB = 2**20


def rss() -> float:
    """The resident memory of this process, in MiB (Linux /proc)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024 / MIB
    return float("nan")


def synthetic(series: int, steps: int, seed: int = 0):
    """`series` monthly columns: level + trend + a season of 12 + noise, each its own scale."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    t = np.arange(steps)[:, None]
    level = rng.uniform(10, 1000, series)
    values = level * (1 + 0.001 * t * rng.normal(size=series)
                      + 0.2 * np.sin(2 * np.pi * (t / 12 + rng.uniform(size=series)))
                      + 0.05 * rng.normal(size=(steps, series)))
    index = pd.date_range("1980-01-01", periods=steps, freq="MS")
    return pd.DataFrame(values, index=index, columns=[f"s{i:04d}" for i in range(series)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=500)
    parser.add_argument("--window", type=int, default=24)
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args()
    from rnnkit.models import build_seq2seq
    from rnnkit.series import SeriesWindows

    build_seq2seq((args.window, 1), units=16, layers=1, seed=0)  # TensorFlow loaded first
    base = rss()
    frame = synthetic(args.series, args.steps)
    data_mib = frame.to_numpy().nbytes / MIB
    after_data = rss()
    start = time.perf_counter()
    windows = SeriesWindows(frame, multi_series=True, window=args.window,
                            batch_size=args.batch_size, seed=0)
    built = time.perf_counter() - start
    after_build = rss()
    count = sum(len(m.arrays("train")[0]) for m in windows.members.values())
    copied_mib = count * args.window * 4 * 2 / MIB  # x and y windows, float32
    model = build_seq2seq(windows.input_shape, output_dim=windows.output_dim, cell="gru",
                          units=16, layers=1, seed=0)
    model.fit(windows.train.take(2), epochs=1, verbose=0)  # compile and trace first
    warm = rss()
    start = time.perf_counter()
    model.fit(windows.train, epochs=1, verbose=0)
    epoch = time.perf_counter() - start
    after_epoch = rss()
    added = after_build - after_data
    bound = 4 * data_mib + 64
    print(f"{args.series} series x {args.steps} steps, window {args.window}, batch "
          f"{args.batch_size}: {count:,} training windows")
    print(f"  raw data {data_mib:.1f} MiB; the training windows, if copied: {copied_mib:.0f} MiB")
    print(f"  windows built in {built:.2f} s; resident memory +{added:.1f} MiB "
          f"(bound 4 x data + 64 = {bound:.0f} MiB: {'PASS' if added <= bound else 'FAIL'}; "
          f"{added / copied_mib:.3f}x the copied windows)")
    print(f"  one epoch: {epoch:.2f} s ({count / epoch:,.0f} windows/s); resident memory "
          f"+{after_epoch - warm:.0f} MiB over the epoch after a 2-batch warm-up (bound 256 MiB: "
          f"{'PASS' if after_epoch - warm <= 256 else 'FAIL'})")
    print(f"  resident memory: TensorFlow loaded {base:.0f} MiB, data {after_data:.0f}, "
          f"windows {after_build:.0f}, model traced {warm:.0f}, after the epoch "
          f"{after_epoch:.0f}")


if __name__ == "__main__":
    main()
