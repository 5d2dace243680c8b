"""rnnkit's benchmark suite: every workload, side by side with the code users would write.

Each workload measures rnnkit and the hand-written baseline in the same run (and
PyTorch's CPU build where there is an equivalent and `torch` imports), warms each
up once, then times them in turns and keeps the median of `--repeats` rounds:

* **classify**: MNIST rows (28 steps of 28 pixels), `build_classifier(units=128)`
  trained by `rnnkit.training.fit` vs the hand-written `Sequential([Input, LSTM(128),
  Dense(10)])` compiled with Keras' defaults, per cell and batch size (32 / 128 / 256);
  PyTorch `nn.LSTM` / `nn.GRU` / `nn.RNN`. Samples/s.
* **ceiling**: the classify LSTM rows as GFLOP/s of the LSTM's matrix products, beside
  the machine's fp32 matrix-product peak measured in the same rounds (`ceiling.py`):
  how much of the hardware rnnkit and PyTorch use.
* **seq2seq**: 2 x LSTM(8) many-to-many, window 96, batch 7; windows/s.
* **char model**: Embedding(64) → LSTM(256) → Dense, batch 64, 100-character
  sequences; characters/s.
* **generate**: 500 characters after a 20-character seed, 1 and 32 sequences, vs a
  hand-written whole-loop XLA sampler (`bench_generate.py`); characters/s.
* **windows**: one shuffled epoch of `SeriesWindows.train` over 1 M points (window 96,
  batch 256) vs a NumPy `sliding_window_view` loop; windows/s.
* **read**: `read_series` on a dated `.xlsx` and `.csv` vs `pandas.read_excel` /
  `read_csv` with `parse_dates`; rows/s.
* **import**: `rnnkit --help` and `import rnnkit` in a fresh interpreter vs `import keras`;
  runs/s (the goal is `rnnkit --help` <= 0.5 s).

Each workload group runs in a fresh process (so that no thread pool left by another
workload competes with it), once per backend in `--backends`; PyTorch is measured
beside the first backend, the backend-free rows (windows, read, import) once.

Run:
    python bench/run.py                      # full (under 15 minutes on 2 cores)
    python bench/run.py --quick              # every workload, small (under 2 minutes;
                                             # classify at batch 128 only)
    python bench/run.py --backends tensorflow jax --only classify
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Row, format_table  # noqa: E402

#: sizes per mode: classifier samples per epoch, char-model windows, seq2seq windows,
#: series points, rows read, repeats
SIZES = {
    "full": dict(samples=4096, chars=384, windows=700, points=1_000_000, rows=100_000,
                 repeats=3, batches=(32, 128, 256), cells=("lstm", "gru", "rnn")),
    "quick": dict(samples=512, chars=64, windows=140, points=100_000, rows=10_000,
                  repeats=2, batches=(128,), cells=("lstm", "gru", "rnn")),
    "smoke": dict(samples=128, chars=64, windows=28, points=20_000, rows=2_000,
                  repeats=1, batches=(128,), cells=("lstm",)),
}
GROUPS = ("classify", "ceiling", "seq2seq", "char", "generate", "windows", "read", "import")
BACKEND_FREE = ("windows", "read", "import")


def machine() -> str:
    """One line naming the machine, the date and the versions."""
    import keras
    import numpy as np

    return (f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPU cores "
            f"({platform.processor() or platform.machine()}), Python "
            f"{platform.python_version()}, Keras {keras.__version__}, NumPy {np.__version__}")


def measure(groups: list[str], size: dict, *, torch: bool) -> list[Row]:
    """The rows of `groups`, measured in this process on its Keras backend."""
    import keras
    import workloads

    backend = keras.backend.backend()
    rows: list[Row] = []
    for group in groups:
        for row in workloads.WORKLOADS[group](size, torch=torch):
            if group not in BACKEND_FREE:
                row.workload = f"{row.workload} [{backend}]"
            rows.append(row)
    return rows


def _child(backend: str, group: str, args: argparse.Namespace, *, torch: bool) -> list[Row]:
    """One workload group measured in a fresh process (no thread pools left over from others)."""
    command = [sys.executable, __file__, "--json", "--mode", args.mode, "--only", group]
    if args.repeats:
        command += ["--repeats", str(args.repeats)]
    if not torch:
        command += ["--no-torch"]
    env = dict(os.environ, KERAS_BACKEND=backend)
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"the {backend} run of {group!r} failed (exit {done.returncode})")
    print(f"  measured {group} [{backend}]", file=sys.stderr, flush=True)
    return [Row(**r) for r in json.loads(done.stdout.strip().splitlines()[-1])]


def _all_children(args: argparse.Namespace, *, torch: bool) -> list[Row]:
    """Every group, each backend in turn; PyTorch beside the first backend, backend-free once."""
    backends = args.backends or [os.environ.get("KERAS_BACKEND", "tensorflow")]
    rows: list[Row] = []
    for i, backend in enumerate(backends):
        for group in args.only:
            if group in BACKEND_FREE and i > 0:
                continue
            rows += _child(backend, group, args, torch=torch and i == 0)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="every workload, small")
    parser.add_argument("--mode", choices=sorted(SIZES), default=None, help=argparse.SUPPRESS)
    parser.add_argument("--backends", nargs="+", default=None,
                        help="Keras backends to measure (default: the current one)")
    parser.add_argument("--only", nargs="+", default=list(GROUPS), choices=GROUPS)
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--in-process", action="store_true",
                        help="measure every group in this process (faster start, less clean)")
    args = parser.parse_args(argv)
    args.mode = args.mode or ("quick" if args.quick else "full")
    size = dict(SIZES[args.mode])
    if args.repeats:
        size["repeats"] = args.repeats
    import _torch_models

    torch_note = "" if args.no_torch else _torch_models.available()
    if args.no_torch:
        torch_note = "left out (--no-torch)"
    if args.json or args.in_process:  # a child (or asked to): measure here
        rows = measure(args.only, size, torch=not torch_note)
    else:
        rows = _all_children(args, torch=not torch_note)
    if args.json:
        print(json.dumps([r.__dict__ for r in rows]))
        return 0
    print(f"rnnkit benchmark suite ({args.mode}): {machine()}; median of {size['repeats']} "
          f"interleaved repeats after a warm-up")
    print(format_table(rows, torch_note=torch_note))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
