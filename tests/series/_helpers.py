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


def make_workbook(path, sheets: dict[str, list[list]]):
    """Write a workbook of `{sheet: rows}` with openpyxl (as a user's Excel); return its path."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def tiny_model(w: SeriesWindows, seed: int = 0):
    """An untrained model that fits the windows (2 units)."""
    from rnnkit.models import build_seq2seq

    return build_seq2seq(w.input_shape, output_dim=w.output_dim, output_steps=w.output_steps,
                         units=2, layers=1, seed=seed)


class StubModel:
    """A fixed model without Keras, for exact checks: one output = a linear map of the inputs.

    Each output value is a fixed random linear function of every input value
    of its sample (so a change to any input changes the output), plus
    `shift`. `predict` counts its calls (`calls` holds the batch sizes).

    Args:
        w: the windows it fits (input and output shapes).
        seed: the seed of the weights.
        shift: added to every output.
    """

    def __init__(self, w: SeriesWindows, seed: int = 0, shift: float = 0.0):
        steps = w.window if w.output_steps is None else w.output_steps
        inputs = w.input_shape[1]
        self.input_shape = (None, *w.input_shape)
        self.output_shape = (None, steps, w.output_dim)
        rng = np.random.default_rng(seed)
        self.weights = rng.normal(scale=0.2 / np.sqrt(w.window * inputs),
                                  size=(w.window * inputs, steps * w.output_dim))
        self.shift = shift
        self.calls: list[int] = []

    def predict(self, x, batch_size=None, verbose=0):
        return self.predict_on_batch(x)

    def predict_on_batch(self, x):
        self.calls.append(len(x))  # one model call (predict or predict_on_batch)
        return self._outputs(x)

    def _outputs(self, x):
        x = np.asarray(x, dtype="float64")
        out = x.reshape(len(x), -1) @ self.weights + self.shift
        return out.reshape(len(x), *self.output_shape[1:]).astype("float32")

    def get_weights(self):
        return [self.weights, np.float64(self.shift)]


class PersistenceModel(StubModel):
    """The last input of each target, times `factor`, as every output step (no Keras).

    With `scale=None`: on differences, `factor=0` is the naive forecast of the
    level; on levels, `factor=phi` is the best forecast of an AR(1) with
    coefficient `phi`.
    """

    def __init__(self, w: SeriesWindows, factor: float = 0.0):
        super().__init__(w)
        self.factor = factor
        self.targets = w.output_dim

    def _outputs(self, x):
        x = np.asarray(x, dtype="float64")
        last = self.factor * x[:, -1:, : self.targets]
        return np.repeat(last, self.output_shape[1], axis=1).astype("float32")

    def get_weights(self):
        return [np.float64(self.factor)]
