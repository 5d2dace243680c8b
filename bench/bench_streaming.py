"""Streaming a corpus larger than memory: peak resident memory, multi-GB file vs small file.

Writes a generated text corpus of `--size-mb` (default 2048 MB) and a small one
(1 MB) to a temporary folder, then runs the same job on each in a fresh child
process: `CharVocab.from_files` (one streaming pass over the whole corpus) and
`--steps` training steps of a character model on
`text_dataset(files=..., vocab=...)`. Each child reports its peak resident
memory (`ru_maxrss`); the script prints both figures and the difference, which
must stay under 300 MiB (exit status 1 otherwise). The folder is removed at
the end.

Run: `.venv/bin/python bench/bench_streaming.py --size-mb 2048`
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

LIMIT_MIB = 300
WORDS = ("the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "to", "be", "or",
         "not", "that", "is", "question", "ROMEO:", "JULIET:", "\n", "whether", "nobler")


def write_corpus(path: Path, size_mb: float, seed: int = 0) -> None:
    """Random words, written in 16 MB blocks (never the whole corpus in memory)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    words = np.array([w + " " for w in WORDS])
    left = int(size_mb * 2**20)
    with open(path, "w", encoding="utf-8") as file:
        while left > 0:
            block = "".join(rng.choice(words, size=3_000_000))[: min(left, 16 * 2**20)]
            file.write(block)
            left -= len(block)


def child(path: str, steps: int) -> None:
    """Vocabulary pass + `steps` training steps on the streamed file; print the figures."""
    from rnnkit.models import build_generator
    from rnnkit.text import CharVocab, text_dataset
    from rnnkit.training import fit

    start = time.perf_counter()
    vocab = CharVocab.from_files(path)
    vocab_s = time.perf_counter() - start
    model = build_generator(len(vocab), units=64, embedding_dim=16, seed=0)
    train = text_dataset(files=path, vocab=vocab, seq_length=100, batch_size=32, seed=0)
    start = time.perf_counter()
    fit(model, train.repeat(), epochs=1, steps_per_epoch=steps, verbose=0, seed=0)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"peak_mib": peak_mib, "vocab_s": vocab_s,
                      "train_s": time.perf_counter() - start}))


def measure(path: Path, steps: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", str(path), "--steps",
                           str(steps)], capture_output=True, text=True, timeout=3600)
    if done.returncode:
        raise SystemExit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=2048, help="large corpus size")
    parser.add_argument("--steps", type=int, default=200, help="training steps per run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.steps)
        return 0
    folder = Path(tempfile.mkdtemp(prefix="rnnkit-bench-streaming-"))
    try:
        small, large = folder / "small.txt", folder / "large.txt"
        write_corpus(small, 1)
        start = time.perf_counter()
        write_corpus(large, args.size_mb)
        print(f"corpus: {large.stat().st_size / 2**20:.0f} MB written in "
              f"{time.perf_counter() - start:.0f} s")
        figures = {name: measure(path, args.steps) for name, path in
                   (("small (1 MB)", small), (f"large ({args.size_mb:.0f} MB)", large))}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for name, f in figures.items():
        print(f"{name:>18}: peak RSS {f['peak_mib']:7.1f} MiB   vocabulary pass "
              f"{f['vocab_s']:6.1f} s   {args.steps} steps {f['train_s']:5.1f} s")
    small_f, large_f = figures.values()
    difference = large_f["peak_mib"] - small_f["peak_mib"]
    print(f"difference: {difference:+.1f} MiB (limit +{LIMIT_MIB} MiB)")
    return 0 if difference <= LIMIT_MIB else 1


if __name__ == "__main__":
    sys.exit(main())
