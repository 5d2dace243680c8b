"""Benchmark: forecast quality of `rnnkit forecast`'s defaults on the shipped series.

For each series, the command line's own pipeline (`rnnkit.cli.forecast.fit_forecaster`:
the season, log, difference and window chosen by `rnnkit.series.auto`, the default
strategy, model and training; `--steps` one season) trains a model, and
`rnnkit.cli.forecast.score_tables` scores it on a backtest of the test part at one
season ahead. Side by side in one run, per series: MASE of the model, of the naive
and of the seasonal-naive forecast (the same origins and steps), the ratio model /
best baseline, and the share of test values inside the 80 % interval (coverage).
The last lines count the series that meet the goal (ratio <= 0.9) and the mean
coverage.

Series: airpassengers, co2_weekly (the missing weeks interpolated), seattle_weather
`temp_max`, seatbelts `drivers_killed`, and each of the 20 visnights regions.

Run: `.venv/bin/python bench/bench_forecast_quality.py` (all, the CLI's 100 epochs),
`--series airpassengers --quick` (a check that it works), `--series visnights`
(the 20 regions) or `--series visnights:NSWMetro`. Flags after `--` go to
`rnnkit forecast` as given, to measure a choice against the defaults, e.g.
`-- --no-difference`, `-- --strategy direct`, `-- --ensemble 3` or `-- --season-skip`.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

GOAL = 0.9
#: name → (file in data/series, target column, season, extra `rnnkit forecast` flags)
SERIES = {
    "airpassengers": ("airpassengers.csv", "passengers", 12, []),
    "co2_weekly": ("co2_weekly.csv", "co2_ppm", 52, ["--missing", "interpolate"]),
    "temp_max": ("seattle_weather.csv", "temp_max", 7, []),
    "seatbelts": ("seatbelts.csv", "drivers_killed", 12, []),
}
REGIONS = ["NSWMetro", "NSWNthCo", "NSWSthCo", "NSWSthIn", "NSWNthIn", "QLDMetro", "QLDCntrl",
           "QLDNthCo", "SAUMetro", "SAUCoast", "SAUInner", "VICMetro", "VICWstCo", "VICEstCo",
           "VICInner", "WAUMetro", "WAUCoast", "WAUInner", "OTHMetro", "OTHNoMet"]
SERIES.update({f"visnights:{region}": ("visnights.csv", region, 4, []) for region in REGIONS})


def _chosen(names: list[str] | None) -> list[str]:
    """The series named (`visnights` stands for its 20 regions), in the table's order."""
    if not names:
        return list(SERIES)
    picked = []
    for name in names:
        matches = [s for s in SERIES if s == name or s.startswith(f"{name}:")]
        if not matches:
            raise SystemExit(f"--series {name!r}: not one of {sorted(SERIES)} or 'visnights'")
        picked += [s for s in matches if s not in picked]
    return picked


def _measure(name: str, epochs: int, patience: int, extra: list[str], out: Path) -> dict:
    """Train the CLI's default model on one series and score its one-season backtest."""
    from rnnkit.cli import build_parser, forecast
    from rnnkit.datasets import sample_path

    file, target, season, flags = SERIES[name]
    args = build_parser().parse_args(
        ["forecast", str(sample_path(f"series/{file}")), "--target", target, "--steps",
         str(season), "--epochs", str(epochs), "--patience", str(patience), "--out",
         str(out), *flags, *extra])
    args.verbose = 0
    strategy = forecast.check_options(args)
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        fitted = forecast.fit_forecaster(args, out / "backup", strategy)
        windows, model = fitted.windows, fitted.model
        level = forecast.interval_level(args, windows)
        _, table, horizon = forecast.score_tables(windows, model, season, level)
    mase = table["MASE"]
    best = min(mase.get("naive", math.inf), mase.get("seasonal naive", math.inf))
    settings = fitted.settings
    return dict(name=name, rows=len(windows), season=windows.season, horizon=horizon,
                log=settings.log.value, difference=settings.difference.value,
                window=windows.window, strategy=fitted.strategy.value,
                epochs=len(fitted.history.epoch), model=mase["model"], naive=mase["naive"],
                snaive=mase.get("seasonal naive", math.nan), ratio=mase["model"] / best,
                coverage=table["coverage"]["model"] if "coverage" in table else math.nan,
                seconds=time.perf_counter() - start)


def _row(r: dict) -> str:
    on = {True: "on", False: "off"}
    return (f"{r['name']:20s} {r['rows']:5d} {r['season']!s:>6} {r['horizon']:4d} "
            f"{on[r['log']]:>4} {on[r['difference']]:>4} {r['window']:6d} {r['strategy']:>9} "
            f"{r['epochs']:6d} {r['model']:8.3f} {r['naive']:8.3f} {r['snaive']:8.3f} "
            f"{r['ratio']:6.2f}{' *' if r['ratio'] <= GOAL else '  '} {r['coverage']:8.2f} "
            f"{r['seconds']:6.0f}")


def _summary(results: list[dict], level: float) -> None:
    ratios = [r["ratio"] for r in results]
    met = sum(ratio <= GOAL for ratio in ratios)
    coverages = [r["coverage"] for r in results if not math.isnan(r["coverage"])]
    print(f"goal model/best baseline <= {GOAL}: {met} of {len(results)} series (*); ratio "
          f"median {statistics.median(ratios):.2f}, min {min(ratios):.2f}, "
          f"max {max(ratios):.2f}")
    if coverages:
        within = sum(abs(c - level) <= 0.1 for c in coverages)
        print(f"coverage of the {level:.0%} interval: mean {statistics.mean(coverages):.2f}, "
              f"within +-0.10 of {level:.2f} on {within} of {len(coverages)} series")
    print(f"total {sum(r['seconds'] for r in results):.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", action="append", default=None,
                        help="a series (repeatable): " + ", ".join(
                            [*list(SERIES)[:4], "visnights", "visnights:REGION"]))
    parser.add_argument("--epochs", type=int, default=None,
                        help="most epochs (default: the CLI's 100; 15 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="a quick check: 15 epochs, patience 5")
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    args = parser.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    epochs = args.epochs or (15 if args.quick else 100)
    patience = 5 if args.quick else 15
    level = 0.8 if "--interval" not in extra else float(extra[extra.index("--interval") + 1])
    print(f"rnnkit forecast defaults{' ' + ' '.join(extra) if extra else ''}; at most {epochs} "
          f"epochs (patience {patience}); test-part backtest at one season ahead; MASE")
    print(f"{'series':20s} {'rows':>5} {'season':>6} {'h':>4} {'log':>4} {'diff':>4} "
          f"{'window':>6} {'strategy':>9} {'epochs':>6} {'model':>8} {'naive':>8} "
          f"{'s.naive':>8} {'ratio':>6}   {'coverage':>8} {'s':>6}")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, name in enumerate(_chosen(args.series)):
            results.append(_measure(name, epochs, patience, extra, Path(tmp) / str(i)))
            print(_row(results[-1]), flush=True)
    _summary(results, level)


if __name__ == "__main__":
    main()
