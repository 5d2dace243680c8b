"""Small frames and tiny models shared by the series tests."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rnnkit.series import SeriesWindows

N = 40


def counting(n: int = N, columns: int = 1) -> pd.DataFrame:
    """0, 1, 2, ... (column j holds 1000*j + t), on a monthly index."""
    index = pd.date_range("2000-01-01", periods=n, freq="MS", name="month")
    return pd.DataFrame({f"c{j}": np.arange(n) + 1000.0 * j for j in range(columns)},
                        index=index)


def tiny_model(w: SeriesWindows, seed: int = 0):
    """An untrained model that fits the windows (2 units)."""
    from rnnkit.models import build_seq2seq

    return build_seq2seq(w.input_shape, output_dim=w.output_dim, output_steps=w.output_steps,
                         units=2, layers=1, seed=seed)
