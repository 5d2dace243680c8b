"""The benchmark suite's measuring rules: warm-up, interleaved repeats, medians, one table.

Every workload of `bench/run.py` is a set of *candidates* (rnnkit, the hand-written
baseline, PyTorch) that each run one timed unit and return a rate (items per
second). :func:`interleaved_medians` warms every candidate up once (tracing, XLA
compilation), then times them in turns, `repeats` rounds, so that any load from
other processes falls on all of them alike, and keeps the median of each.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import keras


@dataclass
class Row:
    """One line of the table: a workload, its unit, and the median rate of each candidate."""

    workload: str
    unit: str
    rates: dict[str, float] = field(default_factory=dict)
    baseline: str = "hand"
    goal: str = ""
    note: str = ""

    def ratio(self, other: str) -> float | None:
        """rnnkit's rate over `other`'s (None when either is missing)."""
        mine, theirs = self.rates.get("rnnkit"), self.rates.get(other)
        if not mine or not theirs:
            return None
        return mine / theirs


def interleaved_medians(candidates: dict[str, Callable[[], float]], repeats: int
                        ) -> dict[str, float]:
    """Median rate of each candidate over `repeats` interleaved rounds, after one warm-up each."""
    for run in candidates.values():
        run()
    rates: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(repeats):
        for name, run in candidates.items():
            rates[name].append(run())
    return {name: statistics.median(values) for name, values in rates.items()}


def seconds_rate(items: int, run: Callable[[], object]) -> Callable[[], float]:
    """A candidate that times one call of `run` and returns `items` per second."""
    def timed() -> float:
        start = time.perf_counter()
        run()
        return items / (time.perf_counter() - start)

    return timed


class EpochTimer(keras.callbacks.Callback):
    """Wall time of the last epoch, from its start to its end (fit's set-up excluded)."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds = float("nan")

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds = time.perf_counter() - self._start


def _cell(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def format_table(rows: list[Row], *, torch_note: str) -> str:
    """The suite's table: figures, the baselines measured in the same run, and the ratios."""
    header = ("| workload | unit | rnnkit | hand-written | rnnkit / hand | PyTorch | "
              "rnnkit / PyTorch | goal |")
    lines = [header, "|" + "---|" * 8]
    for row in rows:
        hand = row.ratio(row.baseline)
        torch = row.ratio("torch")
        lines.append(
            f"| {row.workload} | {row.unit} | {_cell(row.rates.get('rnnkit'))} | "
            f"{_cell(row.rates.get(row.baseline))} | "
            f"{'-' if hand is None else f'{hand:.2f}x'} | {_cell(row.rates.get('torch'))} | "
            f"{'-' if torch is None else f'{torch:.2f}x'} | {row.goal}"
            f"{' (' + row.note + ')' if row.note else ''} |")
    if torch_note:
        lines.append(f"\nPyTorch column: {torch_note}")
    return "\n".join(lines)
