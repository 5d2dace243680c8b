"""Benchmark: how close to its level can a *perfectly calibrated* interval's coverage be measured?

The forecast-trust issue asks for the empirical coverage of the 80 % interval on
a backtest of each shipped series' test part to lie within ±10 points of 80 %.
The test parts are short (a visnights region: 76 quarters, so 8 origins of 4
steps), so the measured coverage is itself noisy. This benchmark measures that
noise, with no model: for each shipped series it takes the backtest's real shape
(the number of test origins and the horizon of `bench_forecast_quality.py`, from
the windows `rnnkit forecast` builds) and simulates forecast errors whose
distribution is known exactly, then scores

* `oracle`: the band of the true 80 % quantile at each step (the best any
  method can do), and
* `conformal`: rnnkit's split-conformal band from as many calibration errors as
  the series' validation origins give (independent draws of the same process),

in 20,000 simulations each. Two error processes, both like those of a
recursive forecast from consecutive origins (the errors of neighbouring
origins share noise): `random walk` (the error at step `h` sums the `h`
innovations after the origin, as for a differenced model) and `white noise`
(the error at step `h` is the innovation of that row, so the origins that
forecast the same row share it).

Printed per series: the test origins x steps, the standard deviation of the
measured coverage, and the chance that it lands within ±10 points; then the
same for the 20 visnights regions pooled as one data set, the chance that every
data set (visnights pooled) and that every series is within at once, and the
expected count of series within. Not a model-quality figure: it bounds
what `bench_forecast_quality.py`'s coverage column can show.

Run: `.venv/bin/python bench/bench_coverage_noise.py [--simulations N]`
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_forecast_quality import SERIES  # noqa: E402

LEVEL, TOLERANCE = 0.8, 0.1
Z = 1.2815515655446004  # the 90th percentile of N(0, 1): a central 80 % band


def backtest_shape(name: str) -> tuple[int, int, int]:
    """(test origins, horizon, validation origins) of the series' one-season backtest."""
    from rnnkit.cli import build_parser, forecast
    from rnnkit.datasets import sample_path
    from rnnkit.series.backtest import origins

    file, target, season, flags = SERIES[name]
    args = build_parser().parse_args(["forecast", str(sample_path(f"series/{file}")),
                                      "--target", target, "--steps", str(season), *flags])
    with contextlib.redirect_stdout(io.StringIO()):  # the settings it chose, not wanted here
        windows = forecast._source(args).windows(args, None)
    return (len(origins(windows, "test", season)), season,
            len(origins(windows, "val", season)))


def errors(rng: np.random.Generator, runs: int, count: int, horizon: int, process: str
           ) -> np.ndarray:
    """Simulated errors `(runs, count, horizon)` of consecutive origins, unit innovations."""
    noise = rng.standard_normal((runs, count + horizon))
    rows = np.arange(count)[:, None] + np.arange(horizon)[None, :]
    if process == "white noise":
        return noise[:, rows]
    walks = np.cumsum(noise, axis=1)
    before = np.concatenate([np.zeros((runs, 1)), walks], axis=1)
    return walks[:, rows] - before[:, np.arange(count)][:, :, None]


def coverage(rng: np.random.Generator, runs: int, shape: tuple[int, int, int], process: str,
             method: str) -> np.ndarray:
    """The measured coverage of each simulated backtest (in chunks of at most 20 M errors)."""
    chunk = max(1, 20_000_000 // (shape[0] * shape[1]))
    return np.concatenate([_coverage(rng, min(chunk, runs - done), shape, process, method)
                           for done in range(0, runs, chunk)])


def _coverage(rng: np.random.Generator, runs: int, shape: tuple[int, int, int], process: str,
              method: str) -> np.ndarray:
    count, horizon, calibration = shape
    test = np.abs(errors(rng, runs, count, horizon, process))
    spread = np.sqrt(np.arange(1, horizon + 1)) if process == "random walk" else \
        np.ones(horizon)
    if method == "oracle":
        width = np.broadcast_to(Z * spread, (runs, horizon))
    else:  # the conformal rank among the calibration errors of each step
        seen = np.sort(np.abs(errors(rng, runs, max(calibration, 1), horizon, process)), axis=1)
        rank = min(math.ceil((seen.shape[1] + 1) * LEVEL - 1e-9), seen.shape[1])
        width = np.maximum.accumulate(seen[:, rank - 1, :], axis=1)
    return (test <= width[:, None, :]).mean(axis=(1, 2))


def _within(measured: np.ndarray) -> np.ndarray:
    return np.abs(measured - LEVEL) <= TOLERANCE + 1e-9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--simulations", type=int, default=20_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    cases = [(p, m) for p in ("random walk", "white noise") for m in ("oracle", "conformal")]
    print(f"coverage of a {LEVEL:.0%} band measured on each series' test-part backtest; "
          f"{args.simulations:,} simulations; sd and P(within +-{TOLERANCE:.2f})")
    print(f"{'series':20s} {'origins x steps':>15} {'val':>4} " +
          " ".join(f"{p[:5]} {m[:6]:>6} sd   P" for p, m in cases))
    inside = {case: [] for case in cases}
    pooled = {case: [] for case in cases}  # the visnights regions, as one data set
    for name in SERIES:
        shape = backtest_shape(name)
        cells = []
        for case in cases:
            measured = coverage(rng, args.simulations, shape, *case)
            inside[case].append(_within(measured))
            cells.append(f"{measured.std():14.3f} {inside[case][-1].mean():4.2f}")
            if name.startswith("visnights:"):
                pooled[case].append(measured)
        print(f"{name:20s} {f'{shape[0]} x {shape[1]}':>15} {shape[2]:4d} " + " ".join(cells))
    together = {case: np.mean(pooled[case], axis=0) for case in cases}
    print(f"{'visnights, pooled':20s} {'20 regions':>15} {'':4s} " + " ".join(
        f"{together[case].std():14.3f} {_within(together[case]).mean():4.2f}" for case in cases))
    sets = {case: np.all([*inside[case][:4], _within(together[case])], axis=0) for case in cases}
    print("every data set within at once (visnights pooled): " + ", ".join(
        f"{p} {m} {sets[(p, m)].mean():.3f}" for p, m in cases))
    print("every series within at once: " + ", ".join(
        f"{p} {m} {np.mean(np.all(inside[(p, m)], axis=0)):.3f}" for p, m in cases))
    print("expected count of series within: " + ", ".join(
        f"{p} {m} {np.sum([w.mean() for w in inside[(p, m)]]):.1f} of {len(SERIES)}"
        for p, m in cases))


if __name__ == "__main__":
    main()
