"""Benchmark: one shuffled training epoch over a 1,000,000-point series (window 96, batch 256).

Side by side, each case in a fresh subprocess (so that its peak memory is its own):

* `rnnkit`  — `SeriesWindows(...).train`: tf.data over window start indices, each
  batch gathered from one base array (no copy of all windows).
* `numpy`   — a plain loop over a shuffled `sliding_window_view` (the floor).
* `keras`   — `keras.utils.timeseries_dataset_from_array(..., shuffle=True)`; it is
  very slow, so by default only the first `--keras-batches` batches are timed and
  the epoch time is extrapolated (pass `--keras-batches 0` for a whole epoch).

Also times reading a 200,000-row workbook with `read_series` through python-calamine
and through openpyxl (`--skip-excel` to leave it out).

Peak memory is the rise of the process' peak RSS over its level after the series
was built and TensorFlow imported. Goal for rnnkit: <= 1 s and <= +50 MiB.

Run: `.venv/bin/python bench/bench_windows.py`
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

POINTS, WINDOW, BATCH = 1_000_000, 96, 256


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _series():
    import numpy as np

    rng = np.random.default_rng(0)
    t = np.arange(POINTS)
    return (np.sin(t / 50.0) + 0.1 * rng.standard_normal(POINTS)).astype("float64")


def _case(name: str, keras_batches: int) -> dict:
    import numpy as np
    import pandas as pd
    import tensorflow as tf  # noqa: F401  (imported before the baseline memory reading)

    values = _series()
    if name != "numpy":  # start TF's runtime (thread pools, kernels) before the baseline
        base = tf.zeros((100, 1))
        for _ in tf.data.Dataset.range(8).batch(2).map(
                lambda i: tf.gather(base, i[:, None] + tf.range(3, dtype=tf.int64))):
            pass
    if name == "rnnkit":
        from rnnkit.series import SeriesWindows

        base = _rss_mib()
        start, cpu = time.perf_counter(), time.process_time()
        w = SeriesWindows(pd.DataFrame({"y": values}), window=WINDOW, batch_size=BATCH,
                          split=(0.998, 0.001, 0.001), scale=None, seed=0)
        samples = 0
        for x, _ in w.train:
            samples += int(x.shape[0])
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        # the second epoch reshuffles: time it too
        start2 = time.perf_counter()
        for _ in w.train:
            pass
        second = time.perf_counter() - start2
        # the floor of any tf.data pipeline here: iterating as many scalar elements
        start3 = time.perf_counter()
        for _ in tf.data.Dataset.range(-(-samples // BATCH)):
            pass
        floor = time.perf_counter() - start3
        return dict(case=name, seconds=seconds, cpu=cpu, second_epoch=second, samples=samples,
                    floor=floor,
                    peak_mib=_rss_mib() - base, shape=list(x.shape))
    if name == "numpy":
        from numpy.lib.stride_tricks import sliding_window_view

        base = _rss_mib()
        start, cpu = time.perf_counter(), time.process_time()
        data = values.astype("float32")[:, None]
        x_view = sliding_window_view(data[:-1], WINDOW, axis=0)
        y_view = sliding_window_view(data[1:], WINDOW, axis=0)
        order = np.random.default_rng(0).permutation(len(x_view))
        samples = 0
        for i in range(0, len(order), BATCH):
            idx = order[i:i + BATCH]
            x, _ = x_view[idx], y_view[idx]
            samples += len(x)
        return dict(case=name, seconds=time.perf_counter() - start,
                    cpu=time.process_time() - cpu, samples=samples,
                    peak_mib=_rss_mib() - base)
    if name == "keras":
        import keras

        base = _rss_mib()
        start, cpu = time.perf_counter(), time.process_time()
        data = values.astype("float32")[:, None]
        ds = keras.utils.timeseries_dataset_from_array(
            data[:-1], None, sequence_length=WINDOW, batch_size=BATCH, shuffle=True, seed=0)
        total = int(ds.cardinality())
        samples = 0
        for i, x in enumerate(ds):
            samples += int(x.shape[0])
            if keras_batches and i + 1 >= keras_batches:
                break
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        batches = i + 1
        return dict(case=name, seconds=seconds, cpu=cpu * total / batches, batches=batches,
                    total_batches=total,
                    epoch_seconds=seconds * total / batches, samples=samples,
                    peak_mib=_rss_mib() - base)
    raise ValueError(name)


def _excel(rows: int) -> list[dict]:
    import numpy as np
    import openpyxl
    import pandas as pd

    from rnnkit.series import read_series

    results = []
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "big.xlsx")
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("data")
        sheet.append(["date", "value"])
        dates = pd.date_range("2000-01-01", periods=rows, freq="h")
        values = np.random.default_rng(0).standard_normal(rows).round(6)
        for d, v in zip(dates.to_pydatetime(), values, strict=True):
            sheet.append([d, float(v)])
        book.save(path)
        frames = {}
        for engine in ("calamine", "openpyxl"):
            start = time.perf_counter()
            frames[engine] = read_series(path, date_column="date", engine=engine)
            results.append(dict(engine=engine, rows=rows,
                                seconds=time.perf_counter() - start))
        assert frames["calamine"].equals(frames["openpyxl"])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=["rnnkit", "numpy", "keras"])
    parser.add_argument("--keras-batches", type=int, default=100)
    parser.add_argument("--excel-rows", type=int, default=200_000)
    parser.add_argument("--skip-excel", action="store_true")
    args = parser.parse_args()
    if args.case:
        print(json.dumps(_case(args.case, args.keras_batches)))
        return
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    print(f"one shuffled epoch: {POINTS:,} points, window {WINDOW}, batch {BATCH} "
          f"(wall s / CPU s of the process; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores)")
    results = {}
    for case in ("rnnkit", "numpy", "keras"):
        out = subprocess.run([sys.executable, __file__, "--case", case, "--keras-batches",
                              str(args.keras_batches)], capture_output=True, text=True, env=env,
                             check=True)
        results[case] = json.loads(out.stdout.strip().splitlines()[-1])
    r, n, k = results["rnnkit"], results["numpy"], results["keras"]
    print(f"  rnnkit SeriesWindows.train      {r['seconds']:8.2f} s / {r['cpu']:6.2f} s CPU "
          f"(2nd epoch "
          f"{r['second_epoch']:.2f} s)  peak +{r['peak_mib']:6.1f} MiB  {r['samples']:,} windows")
    print(f"  (floor: a bare tf.data.Dataset.range({-(-r['samples'] // BATCH)}) loop takes "
          f"{r['floor']:.2f} s on this machine)")
    print(f"  numpy sliding_window_view loop  {n['seconds']:8.2f} s / {n['cpu']:6.2f} s CPU  "
          f"peak +{n['peak_mib']:6.1f} MiB")
    note = "" if k["batches"] == k["total_batches"] else \
        f" (extrapolated from {k['batches']} of {k['total_batches']} batches: {k['seconds']:.2f} s)"
    print(f"  keras timeseries_dataset_from_array {k['epoch_seconds']:8.2f} s / {k['cpu']:6.2f} "
          f"s CPU "
          f"peak +{k['peak_mib']:6.1f} MiB{note}")
    print(f"  rnnkit is {k['epoch_seconds'] / r['seconds']:.0f}x faster than keras; "
          f"goal <= 1 s: {'met' if r['seconds'] <= 1 else 'MISSED'}, <= +50 MiB: "
          f"{'met' if r['peak_mib'] <= 50 else 'MISSED'}")
    if not args.skip_excel:
        excel = _excel(args.excel_rows)
        cal, opx = excel
        print(f"read_series on a {cal['rows']:,}-row .xlsx: calamine {cal['seconds']:.2f} s, "
              f"openpyxl {opx['seconds']:.2f} s ({opx['seconds'] / cal['seconds']:.1f}x)")


if __name__ == "__main__":
    main()
