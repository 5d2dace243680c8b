"""The benchmark suite runs end to end (a smoke test: no timing is asserted here).

`bench/run.py` in its smallest mode, every workload group in one process: the table
must hold a row per workload with rnnkit's figure, the hand-written baseline measured
in the same run and their ratio. The figures themselves belong in the benchmark's
output (README, "Speed"), never in a test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_workload_gives_a_figure_a_baseline_and_a_ratio():
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "bench/run.py", "--mode", "smoke", "--in-process",
                           "--no-torch"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ")][1:]
    names = " ".join(row.split("|")[1] for row in rows)
    for workload in ("classify LSTM", "share of the fp32 peak", "seq2seq", "char model",
                     "generate 1 ", "generate 32 ", "windows", ".xlsx", ".csv", "--help",
                     "import rnnkit"):
        assert workload in names, f"no row for {workload!r}:\n{done.stdout}"
    for row in rows:
        cells = [c.strip() for c in row.split("|")[1:-1]]
        rnnkit, hand, ratio = cells[2], cells[3], cells[4]
        assert re.fullmatch(r"[0-9][0-9,.]*", rnnkit) and re.fullmatch(r"[0-9][0-9,.]*", hand)
        assert re.fullmatch(r"[0-9]+\.[0-9]{2}x", ratio) and float(ratio[:-1]) > 0, row
    assert "PyTorch column: left out (--no-torch)" in done.stdout
