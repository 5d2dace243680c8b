"""The workloads of `bench/run.py`: each returns table rows measured side by side.

A workload takes the mode's sizes (`run.SIZES`) and `torch=` (measure the PyTorch
equivalent) and returns `_harness.Row`s whose `rates` hold the median rate of
`"rnnkit"`, the hand-written baseline (`"hand"`) and, where there is one, `"torch"`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable

import _torch_models
import keras
import numpy as np
from _harness import EpochTimer, Row, interleaved_medians, seconds_rate
from ceiling import ceiling

LAYERS = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "rnn": keras.layers.SimpleRNN}


def _keras_epoch(model: keras.Model, x, y, batch_size: int, items_per_sample: int = 1
                 ) -> Callable[[], float]:
    """A candidate: one epoch of plain `model.fit` (timed from the epoch's start to its end)."""
    timer = EpochTimer()

    def run() -> float:
        model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0,
                  callbacks=[timer])
        return len(x) * items_per_sample / timer.seconds

    return run


def _rnnkit_epoch(model: keras.Model, x, y, batch_size: int, items_per_sample: int = 1
                  ) -> Callable[[], float]:
    """A candidate: one epoch of `rnnkit.training.fit` (rnnkit's settings for this batch size)."""
    from rnnkit.training import fit

    timer = EpochTimer()

    def run() -> float:
        fit(model, x, y, batch_size=batch_size, epochs=1, patience=None, shuffle=False,
            verbose=0, callbacks=[timer])
        return len(x) * items_per_sample / timer.seconds

    return run


def classify(size: dict, *, torch: bool) -> list[Row]:
    """MNIST rows, units 128, per cell and batch size: rnnkit vs hand Keras vs PyTorch."""
    from rnnkit.datasets import load_mnist_sample
    from rnnkit.models import build_classifier

    (x_all, y_all), _ = load_mnist_sample()
    rows = []
    for cell in size["cells"]:
        for batch in size["batches"]:
            n = max(batch, size["samples"] // batch * batch)
            x, y = x_all[:n], y_all[:n]
            keras.utils.set_random_seed(0)
            hand = keras.Sequential([keras.Input((28, 28)), LAYERS[cell](128),
                                     keras.layers.Dense(10, activation="softmax")])
            hand.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                         metrics=["accuracy"])
            candidates = {
                "rnnkit": _rnnkit_epoch(build_classifier((28, 28), 10, cell=cell, units=128,
                                                         seed=0), x, y, batch),
                "hand": _keras_epoch(hand, x, y, batch),
            }
            if torch:
                candidates["torch"] = _torch_models.classifier(cell, 128, x, y, 10, batch)
            goal = "rnnkit >= hand" + (", >= 1.2x PyTorch" if cell == "lstm" else "")
            rows.append(Row(f"classify {cell.upper()}(128) batch {batch}", "samples/s",
                            interleaved_medians(candidates, size["repeats"]), goal=goal))
    return rows


def seq2seq(size: dict, *, torch: bool) -> list[Row]:
    """2 x LSTM(8) many-to-many, window 96, batch 7: rnnkit vs Keras' default compile."""
    import bench_seq2seq as s2s

    x, y = s2s._data(size["windows"])
    keras.utils.set_random_seed(0)
    candidates = {"rnnkit": _rnnkit_epoch(s2s._rnnkit(), x, y, s2s.BATCH),
                  "hand": _keras_epoch(s2s._hand_written("default"), x, y, s2s.BATCH)}
    if torch:
        candidates["torch"] = _torch_models.seq2seq(s2s.UNITS, 2, x, y, s2s.BATCH)
    return [Row("seq2seq 2xLSTM(8) window 96 batch 7", "windows/s",
                interleaved_medians(candidates, size["repeats"]),
                goal=">= 10x Keras-TF default")]


def _char_data(count: int):
    from rnnkit.datasets import load_shakespeare
    from rnnkit.text import CharVocab

    text = load_shakespeare()
    vocab = CharVocab.from_text(text)
    ids = vocab.encode(text[: count * 101 + 1])
    windows = np.lib.stride_tricks.sliding_window_view(ids, 101)[::101][:count]
    return vocab, np.ascontiguousarray(windows[:, :100]), np.ascontiguousarray(windows[:, 1:])


def char(size: dict, *, torch: bool) -> list[Row]:
    """Embedding(64) → LSTM(256) → Dense, batch 64, 100 characters: characters/s."""
    from rnnkit.models import build_generator

    vocab, x, y = _char_data(size["chars"] // 64 * 64)
    keras.utils.set_random_seed(0)
    hand = keras.Sequential([keras.Input((None,), dtype="int32"),
                             keras.layers.Embedding(len(vocab), 64),
                             keras.layers.LSTM(256, return_sequences=True),
                             keras.layers.Dense(len(vocab))])
    hand.compile(optimizer="adam",
                 loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                 metrics=["accuracy"])
    model = build_generator(len(vocab), units=256, embedding_dim=64, seed=0)
    candidates = {"rnnkit": _rnnkit_epoch(model, x, y, 64, 100),
                  "hand": _keras_epoch(hand, x, y, 64, 100)}
    if torch:
        candidates["torch"] = _torch_models.char_model(len(vocab), x, y, 64)
    return [Row("char model Emb(64)-LSTM(256) batch 64 x 100", "chars/s",
                interleaved_medians(candidates, size["repeats"]),
                goal=">= 1.2x PyTorch")]


def generate(size: dict, *, torch: bool) -> list[Row]:
    """500 characters after a 20-character seed, 1 and 32 sequences, vs a hand XLA loop."""
    import tensorflow as tf
    from bench_generate import LENGTH, hand_xla_sampler

    from rnnkit import generate as rnnkit_generate
    from rnnkit.models import build_generator

    vocab, _, _ = _char_data(1)
    model = build_generator(len(vocab), units=256, embedding_dim=64, seed=0)
    hand = hand_xla_sampler(_tf_copy(model), LENGTH)
    seed_text = "FALSTAFF:\nNow, Mast"[:20]
    seeds = iter(range(10**6))
    rows = []
    for batch in (1, 32):
        prime = tf.constant(np.tile(vocab.encode(seed_text), (batch, 1)))
        candidates = {
            "rnnkit": seconds_rate(batch * LENGTH, lambda b=batch: rnnkit_generate(
                model, vocab, seed_text, length=LENGTH, num_samples=b, seed=next(seeds))),
            "hand": seconds_rate(batch * LENGTH, lambda p=prime: hand(
                p, tf.constant(1.0), tf.constant(next(seeds))).numpy()),
        }
        rows.append(Row(f"generate {batch} sequence(s) x {LENGTH} chars", "chars/s",
                        interleaved_medians(candidates, max(3, size["repeats"] * 2)),
                        goal=">= 1.0x hand XLA loop"))
    return rows


def _tf_copy(model: keras.Model):
    """The generator's weights as TensorFlow constants, for the hand-written TF loop."""
    import tensorflow as tf

    class Layer:
        def __init__(self, **weights):
            self.__dict__.update({k: tf.constant(keras.ops.convert_to_numpy(v))
                                  for k, v in weights.items()})

    lstm = next(layer for layer in model.layers if isinstance(layer, keras.layers.LSTM))
    cell = Layer(kernel=lstm.cell.kernel, recurrent_kernel=lstm.cell.recurrent_kernel,
                 bias=lstm.cell.bias)
    cell.units = lstm.cell.units
    parts = {"embedding": Layer(embeddings=model.get_layer("embedding").embeddings),
             "lstm_1": Layer(), "logits": Layer(kernel=model.get_layer("logits").kernel,
                                                bias=model.get_layer("logits").bias)}
    parts["lstm_1"].cell = cell

    class Model:
        def get_layer(self, name):
            return parts[name]

    return Model()


def windows(size: dict, *, torch: bool) -> list[Row]:
    """One shuffled epoch of windows (window 96, batch 256) vs a NumPy views loop."""
    import pandas as pd
    from bench_windows import BATCH, WINDOW
    from numpy.lib.stride_tricks import sliding_window_view

    from rnnkit.series import SeriesWindows

    t = np.arange(size["points"])
    values = np.sin(t / 50.0) + 0.1 * np.random.default_rng(0).standard_normal(len(t))
    w = SeriesWindows(pd.DataFrame({"y": values}), window=WINDOW, batch_size=BATCH,
                      split=(0.998, 0.001, 0.001), scale=None, seed=0)
    count = len(w.arrays("train")[0])

    def numpy_epoch() -> None:
        data = values.astype("float32")[:, None]
        x_view = sliding_window_view(data[:-1], WINDOW, axis=0)
        y_view = sliding_window_view(data[1:], WINDOW, axis=0)
        order = np.random.default_rng(0).permutation(count)
        for i in range(0, count, BATCH):
            x_view[order[i:i + BATCH]], y_view[order[i:i + BATCH]]

    def rnnkit_epoch() -> None:
        for _ in w.train:
            pass

    rates = interleaved_medians({"rnnkit": seconds_rate(count, rnnkit_epoch),
                                 "hand": seconds_rate(count, numpy_epoch)}, size["repeats"])
    seconds = count / rates["rnnkit"] * 1_000_000 / size["points"]
    return [Row(f"windows: shuffled epoch, {size['points']:,} points, window 96, batch 256",
                "windows/s", rates, goal="<= 1 s per 1 M points",
                note=f"{seconds:.2f} s per 1 M points; baseline: NumPy views loop")]


def read(size: dict, *, torch: bool) -> list[Row]:
    """`read_series` on a dated .xlsx and .csv vs pandas with `parse_dates`; rows/s."""
    import openpyxl
    import pandas as pd

    from rnnkit.series import read_series

    rows_n = size["rows"]
    dates = pd.date_range("2000-01-01", periods=rows_n, freq="h")
    values = np.random.default_rng(0).standard_normal(rows_n).round(6)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        csv = os.path.join(folder, "big.csv")
        pd.DataFrame({"date": dates, "value": values}).to_csv(csv, index=False)
        xlsx = os.path.join(folder, "big.xlsx")
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("data")
        sheet.append(["date", "value"])
        for d, v in zip(dates.to_pydatetime(), values, strict=True):
            sheet.append([d, float(v)])
        book.save(xlsx)
        for path, hand in (
                (xlsx, lambda: pd.read_excel(xlsx, engine="calamine", index_col="date",
                                             parse_dates=["date"])),
                (csv, lambda: pd.read_csv(csv, index_col="date", parse_dates=["date"]))):
            rates = interleaved_medians(
                {"rnnkit": seconds_rate(rows_n, lambda p=path: read_series(
                    p, date_column="date")),
                 "hand": seconds_rate(rows_n, hand)}, size["repeats"])
            kind = os.path.splitext(path)[1]
            pandas = "read_excel (calamine)" if kind == ".xlsx" else "read_csv"
            rows.append(Row(f"read_series {rows_n:,}-row {kind}", "rows/s", rates,
                            note=f"baseline: pandas {pandas}"))
    return rows


def cold_start(size: dict, *, torch: bool) -> list[Row]:
    """A fresh interpreter: `rnnkit --help` and `import rnnkit` vs `import keras`; launches/s."""
    def launch(*args: str) -> Callable[[], float]:
        def run() -> None:
            subprocess.run([sys.executable, *args], check=True, capture_output=True,
                           env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
        return seconds_rate(1, run)

    rates = interleaved_medians({"help": launch("-m", "rnnkit.cli", "--help"),
                                 "import": launch("-c", "import rnnkit"),
                                 "keras": launch("-c", "import keras")}, size["repeats"])
    return [Row("rnnkit --help, fresh interpreter", "launches/s",
                {"rnnkit": rates["help"], "hand": rates["keras"]}, goal="<= 0.5 s",
                note=f"{1 / rates['help']:.2f} s; baseline: import keras"),
            Row("import rnnkit, fresh interpreter", "launches/s",
                {"rnnkit": rates["import"], "hand": rates["keras"]},
                note=f"{1 / rates['import']:.2f} s; baseline: import keras")]


WORKLOADS: dict[str, Callable[..., list[Row]]] = {
    "classify": classify, "ceiling": ceiling, "seq2seq": seq2seq, "char": char,
    "generate": generate, "windows": windows, "read": read, "import": cold_start,
}
