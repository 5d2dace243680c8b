"""The PyTorch equivalents of the suite's training workloads (CPU build of `torch`).

Each returns a candidate for `_harness.interleaved_medians`: one call trains one
epoch over the given arrays with Adam (PyTorch's defaults, as a user would write
it) and returns items per second. `available()` says why the column is missing
when `torch` cannot be imported (`pip install torch --index-url
https://download.pytorch.org/whl/cpu` adds it; rnnkit does not depend on it).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import numpy as np


def available() -> str:
    """'' when torch imports, else the reason (shown under the table)."""
    try:
        import torch
    except ImportError:
        return ("not measured: torch is not installed here (pip install torch, CPU build, "
                "into this environment to add it)")
    torch.set_num_threads(os.cpu_count() or 1)
    return ""


def _epoch(model, loss_of: Callable, batches: list[tuple]) -> Callable[[], float]:
    import torch

    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    items = sum(len(xb) for xb, _ in batches)

    def run() -> float:
        start = time.perf_counter()
        for xb, yb in batches:
            optimizer.zero_grad(set_to_none=True)
            loss = loss_of(model(xb), yb)
            loss.backward()
            optimizer.step()
        return items / (time.perf_counter() - start)

    return run


def _batches(x: np.ndarray, y: np.ndarray, batch_size: int, *, long_x: bool = False) -> list:
    import torch

    tx = torch.from_numpy(np.ascontiguousarray(x)).long() if long_x else \
        torch.from_numpy(np.ascontiguousarray(x, np.float32))
    ty = torch.from_numpy(np.ascontiguousarray(y))
    return [(tx[i:i + batch_size], ty[i:i + batch_size]) for i in range(0, len(x), batch_size)]


def classifier(cell: str, units: int, x: np.ndarray, y: np.ndarray, classes: int,
               batch_size: int) -> Callable[[], float]:
    """`nn.LSTM` / `nn.GRU` / `nn.RNN` (tanh) + `nn.Linear` on the last step; samples/s."""
    import torch
    from torch import nn

    torch.manual_seed(0)

    class Classifier(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            layer = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]
            self.rnn = layer(x.shape[-1], units, batch_first=True)
            self.head = nn.Linear(units, classes)

        def forward(self, xb):
            out, _ = self.rnn(xb)
            return self.head(out[:, -1])

    return _epoch(Classifier(), nn.functional.cross_entropy,
                  _batches(x, y.astype(np.int64), batch_size))


def seq2seq(units: int, layers: int, x: np.ndarray, y: np.ndarray, batch_size: int
            ) -> Callable[[], float]:
    """`nn.LSTM(num_layers=layers)` + `nn.Linear` at every step, MSE; windows/s."""
    import torch
    from torch import nn

    torch.manual_seed(0)

    class Seq2Seq(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn = nn.LSTM(x.shape[-1], units, num_layers=layers, batch_first=True)
            self.head = nn.Linear(units, y.shape[-1])

        def forward(self, xb):
            out, _ = self.rnn(xb)
            return self.head(out)

    return _epoch(Seq2Seq(), nn.functional.mse_loss,
                  _batches(x, y.astype(np.float32), batch_size))


def char_model(vocab_size: int, x: np.ndarray, y: np.ndarray, batch_size: int
               ) -> Callable[[], float]:
    """`nn.Embedding(64)` → `nn.LSTM(256)` → `nn.Linear`, cross-entropy at every step;
    characters/s (the rate is windows/s times the window length)."""
    import torch
    from torch import nn

    torch.manual_seed(0)

    class CharModel(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embedding = nn.Embedding(vocab_size, 64)
            self.rnn = nn.LSTM(64, 256, batch_first=True)
            self.head = nn.Linear(256, vocab_size)

        def forward(self, xb):
            out, _ = self.rnn(self.embedding(xb))
            return self.head(out)

    def loss_of(logits, yb):
        return nn.functional.cross_entropy(logits.reshape(-1, vocab_size), yb.reshape(-1))

    run = _epoch(CharModel(), loss_of, _batches(x, y.astype(np.int64), batch_size, long_x=True))
    return lambda: run() * x.shape[1]
