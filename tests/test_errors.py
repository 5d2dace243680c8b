"""The bad-input suite: one table of wrong calls across rnnkit's whole public API.

Each row of `CASES` is one bad input: an id, the call (a zero-argument
callable, a `(function, args, kwargs)` triple, or `using(factory)` where the
factory receives a :class:`Ctx` with a fresh `tmp` folder and tiny shared
objects, and returns one of the former), the expected exception type, and the
substrings its message must contain (the offending argument and/or value, the
allowed values or the fix). Command-line rows (`exc=CLI`) give the argv of
`rnnkit.cli.main`, which must return 2 and print the message on stderr.

Every row also passes one generic check: the exception is a plain built-in
`ValueError` / `FileNotFoundError` / `KeyError` raised by rnnkit's own code at
the public boundary (its innermost traceback frame is in the `rnnkit`
package), never a TensorFlow / NumPy / pandas error or a traceback dump.

Everything here is tiny (units=2 models, 10-60 row frames, no training), so
the whole table runs in seconds.
"""

from __future__ import annotations

import json
import shutil
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import rnnkit
from rnnkit import cli, training
from rnnkit.bundle import load_bundle, save_bundle
from rnnkit.datasets import load_series, sample_path
from rnnkit.models import build_classifier, build_generator, build_seq2seq
from rnnkit.plotting import plot_forecast, plot_history
from rnnkit.sampling import generate, sample_logits
from rnnkit.series import SeriesWindows, read_series
from rnnkit.text import CharVocab, WordVocab, text_dataset

RNNKIT_DIR = Path(rnnkit.__file__).resolve().parent
#: The documented error types of the public API (all built-ins).
PUBLIC_ERRORS = (ValueError, FileNotFoundError, KeyError)
#: `exc` of a command-line row: `main(argv)` returns 2 and prints the message on stderr.
CLI = "exit status 2"
#: Text that must never appear in a message: a dumped traceback or a library's internals.
LEAKS = ("Traceback (most recent call last)", "tensorflow/", "site-packages", "keras/src",
         "numpy/core", "pandas/core")

CHARS = "abcdefgh"  # the vocabulary of the tiny generator (8 characters)
TEXT = (CHARS + "\n") * 20  # a tiny training text for the command line


# ============================================================================ shared objects

class Shared:
    """Tiny models, windows and a saved bundle, built once per module on first use."""

    def __init__(self, root: Path):
        self.root = root

    @staticmethod
    def monthly(n: int = 60, **columns: Any) -> pd.DataFrame:
        index = pd.date_range("2000-01-01", periods=n, freq="MS", name="month")
        data = {"value": np.arange(n, dtype="float64") + 1.0}
        data.update(columns)
        return pd.DataFrame(data, index=index)

    @cached_property
    def windows(self) -> SeriesWindows:
        """Many-to-many windows of 8 steps over one column: input shape (8, 1)."""
        return SeriesWindows(self.monthly(), window=8, seed=0)

    @cached_property
    def feature_windows(self) -> SeriesWindows:
        """Horizon-1 windows with a feature column: input shape (8, 2)."""
        frame = self.monthly(f=np.sin(np.arange(60.0)))
        return SeriesWindows(frame, window=8, target="value", features=["f"], output_steps=1)

    def seq2seq(self, shape: tuple[int, int], output_steps: int | None = None) -> Any:
        return build_seq2seq(shape, output_steps=output_steps, units=2, layers=1, seed=0)

    @cached_property
    def model(self) -> Any:
        """A model that fits `windows`."""
        return self.seq2seq((8, 1))

    @cached_property
    def short_model(self) -> Any:
        return self.seq2seq((5, 1))

    @cached_property
    def wide_model(self) -> Any:
        return self.seq2seq((8, 2))

    @cached_property
    def horizon_model(self) -> Any:
        return self.seq2seq((8, 1), output_steps=3)

    @cached_property
    def feature_model(self) -> Any:
        return self.seq2seq((8, 2), output_steps=1)

    @cached_property
    def vocab(self) -> CharVocab:
        return CharVocab.from_text(CHARS)

    @cached_property
    def generator(self) -> Any:
        return build_generator(len(CHARS), units=2, embedding_dim=2, seed=0)

    @cached_property
    def generator_9(self) -> Any:
        """A generator for 9 characters: does not fit `vocab` (8)."""
        return build_generator(len(CHARS) + 1, units=2, embedding_dim=2, seed=0)

    @cached_property
    def classifier(self) -> Any:
        return build_classifier((4, 2), 2, units=2, seed=0)

    @cached_property
    def bundle(self) -> Path:
        """A saved classifier bundle, copied by each row that damages it."""
        return save_bundle(self.root / "classifier", self.classifier, purpose="errors")


@dataclass
class Ctx:
    """What a factory row receives: a fresh folder and the shared objects."""

    tmp: Path
    shared: Shared

    def write(self, name: str, text: str, encoding: str = "utf-8") -> Path:
        path = self.tmp / name
        path.write_text(text, encoding=encoding)
        return path

    def csv(self, frame: pd.DataFrame, name: str = "series.csv", index: bool = False) -> Path:
        path = self.tmp / name
        frame.to_csv(path, index=index)
        return path

    def xlsx(self, sheets: dict[str, pd.DataFrame], name: str = "book.xlsx") -> Path:
        path = self.tmp / name
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for sheet, frame in sheets.items():
                frame.to_excel(writer, sheet_name=sheet, index=False)
        return path

    def bundle(self, damage: Callable[[Path], Any] | None = None) -> Path:
        """A fresh copy of the shared classifier bundle, optionally damaged."""
        path = self.tmp / "bundle"
        shutil.copytree(self.shared.bundle, path)
        if damage is not None:
            damage(path)
        return path

    def edit_bundle_json(self, **changes: Any) -> Path:
        def edit(path: Path) -> None:
            document = json.loads((path / "bundle.json").read_text())
            document.update(changes)
            (path / "bundle.json").write_text(json.dumps(document))

        return self.bundle(edit)

    def npz(self, name: str = "data.npz", **arrays: np.ndarray) -> Path:
        path = self.tmp / name
        np.savez(path, **arrays)
        return path


@dataclass(frozen=True)
class using:  # noqa: N801 - reads as `using(lambda c: ...)` in the table
    """A row whose call needs the `Ctx` (files in tmp, shared models)."""

    factory: Callable[[Ctx], Any]


@dataclass(frozen=True)
class Case:
    id: str
    call: Any
    exc: type[BaseException] | str
    contains: tuple[str, ...]
    xfail: str | None = None


def case(id: str, call: Any, exc: type[BaseException] | str, *contains: str,
         xfail: str | None = None) -> Case:
    assert contains, f"{id}: name at least one substring of the message"
    return Case(id, call, exc, contains, xfail)


def t(function: Callable, *args: Any, **kwargs: Any) -> tuple:
    """A `(function, args, kwargs)` triple."""
    return (function, args, kwargs)


# ============================================================================ frames for files

def dated(n: int = 12, **columns: Any) -> pd.DataFrame:
    """A frame with a `month` date column and a `value` column 1..n (plus `columns`)."""
    frame = pd.DataFrame({"month": pd.date_range("2000-01-01", periods=n, freq="MS")
                          .strftime("%Y-%m-%d"), "value": np.arange(1.0, n + 1)})
    for name, values in columns.items():
        frame[name] = values
    return frame


def with_cell(frame: pd.DataFrame, column: str, row: int, value: Any) -> pd.DataFrame:
    frame = frame.copy()
    frame[column] = frame[column].astype(object)
    frame.loc[row, column] = value
    return frame


def unsorted_dates() -> pd.DataFrame:
    frame = dated(6)
    frame.loc[2, "month"], frame.loc[3, "month"] = frame.loc[3, "month"], frame.loc[2, "month"]
    return frame


def duplicate_dates() -> pd.DataFrame:
    frame = dated(6)
    frame.loc[3, "month"] = frame.loc[2, "month"]
    return frame


def indexed(n: int = 40) -> pd.DataFrame:
    return Shared.monthly(n)


def unsorted_index() -> pd.DataFrame:
    frame = indexed()
    return frame.iloc[[1, 0] + list(range(2, len(frame)))]


def duplicate_index() -> pd.DataFrame:
    frame = indexed()
    index = frame.index.tolist()
    index[5] = index[4]
    return frame.set_axis(pd.DatetimeIndex(index, name="month"))


def hole() -> pd.DataFrame:
    frame = indexed()
    frame.iloc[7, 0] = np.nan
    return frame


# ============================================================================ the table

CASES: list[Case] = [
    # ---------------------------------------------------------------- read_series: files
    case("read-missing-file", using(lambda c: t(read_series, c.tmp / "nope.csv")),
         FileNotFoundError, "nope.csv", "does not exist"),
    case("read-unsupported-suffix", using(lambda c: t(read_series, c.write("d.json", "{}"))),
         ValueError, "'.json'", ".xlsx", ".csv"),
    case("read-folder", using(lambda c: t(read_series, c.tmp)), ValueError, "folder"),
    case("read-path-not-a-path", t(read_series, 123), ValueError, "path=123"),
    case("read-empty-csv-file", using(lambda c: t(read_series, c.write("e.csv", ""))),
         ValueError, "e.csv", "empty"),
    case("read-header-only", using(lambda c: t(read_series, c.write("h.csv", "month,value\n"))),
         ValueError, "h.csv", "no data rows"),
    case("read-not-utf8-csv",
         using(lambda c: t(read_series, c.write("latin.csv", "v,w\n1,caf\xe9\n", "latin-1"))),
         ValueError, "latin.csv", "UTF-8", "encoding="),
    case("read-bad-encoding",
         using(lambda c: t(read_series, c.csv(dated()), encoding="utf-9")),
         ValueError, "encoding='utf-9'", "'latin-1'"),
    case("read-damaged-xlsx", using(lambda c: t(read_series, c.write("bad.xlsx", "not a zip"))),
         ValueError, "bad.xlsx", "not a readable Excel workbook"),
    case("read-sheet-not-found",
         using(lambda c: t(read_series, c.xlsx({"sales": dated(), "costs": dated()}),
                           sheet="profit")),
         ValueError, "sheet='profit'", "'sales'", "'costs'"),
    case("read-sheet-index-out-of-range",
         using(lambda c: t(read_series, c.xlsx({"sales": dated()}), sheet=3)),
         ValueError, "sheet=3", "'sales'"),
    case("read-sheet-of-a-csv", using(lambda c: t(read_series, c.csv(dated()), sheet="x")),
         ValueError, "sheet='x'", ".csv"),
    case("read-column-not-found",
         using(lambda c: t(read_series, c.csv(dated()), columns=["price"])),
         KeyError, "'price'", "'month'", "'value'"),
    case("read-columns-not-names", using(lambda c: t(read_series, c.csv(dated()), columns=5)),
         ValueError, "columns=5"),
    case("read-date-column-not-found",
         using(lambda c: t(read_series, c.csv(dated()), date_column="day")),
         KeyError, "date_column='day'", "'month'"),
    case("read-date-auto-finds-none",
         using(lambda c: t(read_series, c.csv(pd.DataFrame({"v": [1, 2, 3]})),
                           date_column="auto")),
         ValueError, "date_column='auto'", "'v'"),
    case("read-no-numeric-column",
         using(lambda c: t(read_series, c.csv(pd.DataFrame({"name": ["a", "b", "c"],
                                                            "city": ["x", "y", "z"]})))),
         ValueError, "no numeric column", "'name'", "'city'"),
    case("read-non-numeric-cell",
         using(lambda c: t(read_series, c.csv(with_cell(dated(), "value", 3, "abc")),
                           date_column="month")),
         ValueError, "'value'", "row 5", "'abc'"),
    case("read-all-empty-column",
         using(lambda c: t(read_series, c.csv(dated(empty=[None] * 12)), date_column="month")),
         ValueError, "'empty'", "empty"),
    case("read-missing-values-error",
         using(lambda c: t(read_series, c.csv(with_cell(dated(), "value", 4, None)),
                           date_column="month")),
         ValueError, "missing value", "2000-05-01", "missing='interpolate'"),
    case("read-infinite-value",
         using(lambda c: t(read_series, c.csv(with_cell(dated(), "value", 2, "inf")),
                           date_column="month")),
         ValueError, "'value'", "row 4", "finite"),
    case("read-bad-missing-option", using(lambda c: t(read_series, c.csv(dated()),
                                                      missing="fill")),
         ValueError, "missing='fill'", "'interpolate'"),
    case("read-duplicate-dates",
         using(lambda c: t(read_series, c.csv(duplicate_dates()), date_column="month")),
         ValueError, "duplicate", "2000-03-01"),
    case("read-unsorted-dates",
         using(lambda c: t(read_series, c.csv(unsorted_dates()), date_column="month",
                           sort=False)),
         ValueError, "'month'", "increasing order", "2000-03-01"),
    case("read-sort-not-bool", using(lambda c: t(read_series, c.csv(dated()), sort="no")),
         ValueError, "sort='no'", "True or False"),
    case("read-not-a-date",
         using(lambda c: t(read_series, c.csv(with_cell(dated(), "month", 2, "soon")),
                           date_column="month")),
         ValueError, "'month'", "'soon'", "row 4"),
    case("read-bad-engine", using(lambda c: t(read_series, c.xlsx({"s": dated()}),
                                              engine="xlrd")),
         ValueError, "engine='xlrd'", "'calamine'"),
    case("datasets-unknown-series", t(load_series, "bitcoin"), ValueError, "name='bitcoin'",
         "airpassengers"),
    case("datasets-unknown-sample-file", t(sample_path, "series/nope.xlsx"), FileNotFoundError,
         "series/nope.xlsx"),
    # ---------------------------------------------------------------- SeriesWindows
    case("windows-part-too-short", t(SeriesWindows, indexed(40), window=30), ValueError,
         "window=30", "31 rows", "train 28", "val 6", "test 6"),
    case("windows-horizon-part-too-short",
         t(SeriesWindows, indexed(40), window=4, output_steps=8), ValueError,
         "output_steps=8", "val 6", "8 in each of val and test"),
    case("windows-split-sum", t(SeriesWindows, indexed(), window=4, split=(0.7, 0.2, 0.2)),
         ValueError, "split=(0.7, 0.2, 0.2)", "sums to 1.1"),
    case("windows-split-non-positive",
         t(SeriesWindows, indexed(), window=4, split=(0.8, 0.3, -0.1)),
         ValueError, "split=", "-0.1", "> 0"),
    case("windows-split-zero-part", t(SeriesWindows, indexed(), window=4, split=(0.85, 0.15, 0)),
         ValueError, "split=", "test fraction 0"),
    case("windows-split-two-parts", t(SeriesWindows, indexed(), window=4, split=(0.8, 0.2)),
         ValueError, "split=(0.8, 0.2)", "three fractions"),
    case("windows-window-zero", t(SeriesWindows, indexed(), window=0), ValueError, "window=0"),
    case("windows-window-float", t(SeriesWindows, indexed(), window=2.5), ValueError,
         "window=2.5"),
    case("windows-output-steps-zero", t(SeriesWindows, indexed(), window=4, output_steps=0),
         ValueError, "output_steps=0"),
    case("windows-bad-scale", t(SeriesWindows, indexed(), window=4, scale="robust"),
         ValueError, "scale='robust'", "'standard'"),
    case("windows-bad-batch-size", t(SeriesWindows, indexed(), window=4, batch_size=0),
         ValueError, "batch_size=0"),
    case("windows-bad-seed", t(SeriesWindows, indexed(), window=4, seed=-1), ValueError,
         "seed=-1"),
    case("windows-shuffle-not-bool", t(SeriesWindows, indexed(), window=4, shuffle="yes"),
         ValueError, "shuffle='yes'"),
    case("windows-target-not-found", t(SeriesWindows, indexed(), window=4, target="price"),
         KeyError, "'price'", "'value'"),
    case("windows-target-not-a-name", t(SeriesWindows, indexed(), window=4, target=5),
         ValueError, "target=5"),
    case("windows-log-non-positive",
         t(SeriesWindows, indexed().assign(value=np.arange(40.0)), window=4, log=True),
         ValueError, "log=True", "'value'", "2000-01-01"),
    case("windows-missing-value", t(SeriesWindows, hole(), window=4), ValueError, "'value'",
         "2000-08-01", "missing='interpolate'"),
    case("windows-duplicate-index", t(SeriesWindows, duplicate_index(), window=4), ValueError,
         "duplicate", "2000-05-01"),
    case("windows-unsorted-index", t(SeriesWindows, unsorted_index(), window=4), ValueError,
         "increasing", "sort_index"),
    case("windows-text-column",
         t(SeriesWindows, pd.DataFrame({"v": ["a"] * 40}), window=4), ValueError, "'v'",
         "dtype"),
    case("windows-3d-array", t(SeriesWindows, np.zeros((40, 2, 2)), window=4), ValueError,
         "shape (40, 2, 2)"),
    case("windows-unsupported-data", t(SeriesWindows, "series.csv", window=4), ValueError,
         "str", "from_file"),
    case("windows-from-file-missing", using(lambda c: t(SeriesWindows.from_file,
                                                        c.tmp / "gone.xlsx", window=4)),
         FileNotFoundError, "gone.xlsx"),
    case("windows-predict-input-shape",
         using(lambda c: t(c.shared.windows.predict, c.shared.short_model)),
         ValueError, "(5, 1)", "(8, 1)", "build_seq2seq"),
    case("windows-evaluate-input-shape",
         using(lambda c: t(c.shared.windows.evaluate, c.shared.wide_model)),
         ValueError, "(8, 2)", "(8, 1)"),
    case("windows-forecast-input-shape",
         using(lambda c: t(c.shared.windows.forecast, c.shared.short_model, 3)),
         ValueError, "(5, 1)", "(8, 1)"),
    case("windows-predict-output-steps",
         using(lambda c: t(c.shared.windows.predict, c.shared.horizon_model)),
         ValueError, "output_steps=None", "(3, 1)"),
    case("windows-predict-not-a-model", using(lambda c: t(c.shared.windows.predict, "m.keras")),
         ValueError, "model", "build_seq2seq"),
    case("windows-predict-bad-split",
         using(lambda c: t(c.shared.windows.predict, c.shared.model, split="validation")),
         ValueError, "split='validation'", "'val'"),
    case("windows-arrays-bad-split", using(lambda c: t(c.shared.windows.arrays, "all")),
         ValueError, "split='all'", "'train'"),
    case("windows-forecast-steps-zero",
         using(lambda c: t(c.shared.windows.forecast, c.shared.model,
                           0)),
         ValueError, "steps=0"),
    case("windows-forecast-needs-future-features",
         using(lambda c: t(c.shared.feature_windows.forecast, c.shared.feature_model, 3)),
         ValueError, "steps=3", "['f']"),
    case("windows-evaluate-bad-season",
         using(lambda c: t(c.shared.windows.evaluate, c.shared.model,
                           season=0)),
         ValueError, "season=0"),
    case("windows-inverse-bad-shape",
         using(lambda c: t(c.shared.windows.inverse_transform, np.zeros((3, 2)))),
         ValueError, "(3, 2)", "1 target"),
    case("windows-inverse-not-numbers",
         using(lambda c: t(c.shared.windows.inverse_transform, ["a", "b"])),
         ValueError, "values"),
    case("windows-apply-missing-column",
         using(lambda c: t(c.shared.windows.apply, pd.DataFrame({"other": np.arange(40.0)}))),
         KeyError, "'value'", "'other'"),
    case("windows-from-config-garbage", t(SeriesWindows.from_config, {"window": 3}), ValueError,
         "to_config"),
    # ---------------------------------------------------------------- model factories
    case("model-unknown-cell", t(build_classifier, (4, 2), 2, cell="transformer"), ValueError,
         "cell='transformer'", "'lstm'", "'gru'"),
    case("model-cell-not-a-name", t(build_seq2seq, (4, 1), cell=3), ValueError, "cell=3"),
    case("model-num-classes-one", t(build_classifier, (4, 2), 1), ValueError, "num_classes=1",
         ">= 2"),
    case("model-num-classes-float", t(build_classifier, (4, 2), 2.0), ValueError,
         "num_classes=2.0"),
    case("model-units-zero", t(build_classifier, (4, 2), 2, units=0), ValueError, "units=0"),
    case("model-units-float", t(build_seq2seq, (4, 1), units=2.5), ValueError, "units=2.5"),
    case("model-layers-zero", t(build_generator, 8, layers=0), ValueError, "layers=0"),
    case("model-dropout-one", t(build_classifier, (4, 2), 2, dropout=1.0), ValueError,
         "dropout=1.0", "[0.0, 1.0)"),
    case("model-dropout-negative", t(build_seq2seq, (4, 1), dropout=-0.1), ValueError,
         "dropout=-0.1"),
    case("model-recurrent-dropout", t(build_generator, 8, recurrent_dropout=1.5), ValueError,
         "recurrent_dropout=1.5"),
    case("model-l2-negative", t(build_classifier, (4, 2), 2, l2=-1.0), ValueError, "l2=-1.0"),
    case("model-input-shape-1d", t(build_classifier, (28,), 10), ValueError,
         "input_shape=(28,)", "(timesteps, features)"),
    case("model-input-shape-3d", t(build_classifier, (28, 28, 1), 10), ValueError,
         "input_shape=(28, 28, 1)", "(timesteps, features)"),
    case("model-input-shape-zero-steps", t(build_seq2seq, (0, 3)), ValueError,
         "input_shape[0]", "0"),
    case("model-input-shape-no-features", t(build_seq2seq, (None, None)), ValueError,
         "input_shape[1]", "None"),
    case("model-input-shape-str", t(build_seq2seq, "28x28"), ValueError, "input_shape='28x28'"),
    case("model-vocab-with-features", t(build_classifier, (50, 8), 2, vocab_size=100),
         ValueError, "vocab_size=100", "(50, 8)", "(50,)"),
    case("model-vocab-size-one", t(build_classifier, (50,), 2, vocab_size=1), ValueError,
         "vocab_size=1"),
    case("model-mask-value-with-vocab",
         t(build_classifier, (50,), 2, vocab_size=100, mask_value=0.0), ValueError,
         "mask_value=0.0", "vocab_size"),
    case("model-learning-rate-zero", t(build_classifier, (4, 2), 2, learning_rate=0), ValueError,
         "learning_rate=0"),
    case("model-learning-rate-negative", t(build_generator, 8, learning_rate=-1e-3), ValueError,
         "learning_rate=-0.001"),
    case("model-learning-rate-str", t(build_seq2seq, (4, 1), learning_rate="fast"), ValueError,
         "learning_rate='fast'"),
    case("model-output-steps-zero", t(build_seq2seq, (4, 1), output_steps=0), ValueError,
         "output_steps=0"),
    case("model-output-dim-zero", t(build_seq2seq, (4, 1), output_dim=0), ValueError,
         "output_dim=0"),
    case("model-bidirectional-many-to-many", t(build_seq2seq, (4, 1), bidirectional=True),
         ValueError, "bidirectional=True", "output_steps"),
    case("model-generator-vocab-one", t(build_generator, 1), ValueError, "vocab_size=1"),
    case("model-generator-embedding-zero", t(build_generator, 8, embedding_dim=0), ValueError,
         "embedding_dim=0"),
    # ---------------------------------------------------------------- CharVocab, text_dataset
    case("charvocab-empty-text", t(CharVocab.from_text, ""), ValueError, "text", "empty"),
    case("charvocab-text-not-str", t(CharVocab.from_text, None), ValueError, "text",
         "NoneType"),
    case("charvocab-chars-not-single", t(CharVocab, ["ab", "c"]), ValueError, "'ab'"),
    case("charvocab-chars-duplicate", t(CharVocab, ["a", "b", "a"]), ValueError, "duplicates",
         "'a'"),
    case("charvocab-encode-unknown", t(CharVocab.from_text(CHARS).encode, "abz#"), ValueError,
         "'z' at 2", "'#' at 3", "replace="),
    case("charvocab-encode-bad-replace",
         t(CharVocab.from_text(CHARS).encode, "abz", replace="#"), ValueError, "replace='#'"),
    case("charvocab-encode-not-str", t(CharVocab.from_text(CHARS).encode, 42), ValueError,
         "text=42", "int"),
    case("charvocab-decode-out-of-range", t(CharVocab.from_text(CHARS).decode, [0, 8]),
         ValueError, "id 8", "0..7"),
    case("charvocab-decode-floats", t(CharVocab.from_text(CHARS).decode, [0.5]), ValueError,
         "integers", "float"),
    case("charvocab-from-json-invalid", t(CharVocab.from_json, "{chars"), ValueError,
         "not valid JSON"),
    case("charvocab-from-json-wordvocab", t(CharVocab.from_json, WordVocab(["a"]).to_json()),
         ValueError, "not a CharVocab"),
    case("text-dataset-empty-text", t(text_dataset, "", CharVocab.from_text(CHARS)), ValueError,
         "text", "empty"),
    case("text-dataset-too-short",
         t(text_dataset, "abcde", CharVocab.from_text(CHARS), seq_length=10), ValueError,
         "5 characters", "seq_length=10", "11"),
    case("text-dataset-seq-length-zero",
         t(text_dataset, CHARS * 4, CharVocab.from_text(CHARS), seq_length=0), ValueError,
         "seq_length=0"),
    case("text-dataset-batch-size-zero",
         t(text_dataset, CHARS * 4, CharVocab.from_text(CHARS), seq_length=4, batch_size=0),
         ValueError, "batch_size=0"),
    case("text-dataset-unknown-chars",
         t(text_dataset, CHARS * 4 + "xyz", CharVocab.from_text(CHARS), seq_length=4),
         ValueError, "'x'", "'y'", "'z'"),
    case("text-dataset-word-vocab", t(text_dataset, CHARS * 4, WordVocab(["a"]), seq_length=4),
         ValueError, "vocab", "WordVocab", "CharVocab"),
    case("text-dataset-bad-seed",
         t(text_dataset, CHARS * 4, CharVocab.from_text(CHARS), seq_length=4, seed="x"),
         ValueError, "seed='x'"),
    case("text-dataset-float-seed",
         t(text_dataset, CHARS * 4, CharVocab.from_text(CHARS), seq_length=4, seed=1.5),
         ValueError, "seed=1.5"),
    case("text-dataset-bad-shuffle",
         t(text_dataset, CHARS * 4, CharVocab.from_text(CHARS), seq_length=4, shuffle="yes"),
         ValueError, "shuffle='yes'"),
    # ---------------------------------------------------------------- generate
    case("generate-empty-seed-text",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "")),
         ValueError, "seed_text=''", "non-empty"),
    case("generate-seed-text-unknown-chars",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab#")),
         ValueError, "seed_text", "'#' at 2"),
    case("generate-temperature-negative",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab",
                           temperature=-1.0)),
         ValueError, "temperature=-1.0", ">= 0"),
    case("generate-temperature-not-a-number",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab",
                           temperature="hot")),
         ValueError, "temperature='hot'"),
    case("generate-temperature-nan",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab",
                           temperature=float("nan"))),
         ValueError, "temperature=nan"),
    case("generate-temperature-list-length",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab",
                           temperature=[0.2, 0.6, 1.0], num_samples=2)),
         ValueError, "3 values", "2 samples"),
    case("generate-temperature-list-item",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab",
                           temperature=[0.2, -1], num_samples=2)),
         ValueError, "temperature[1]=-1"),
    case("generate-top-k-zero",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab", top_k=0)),
         ValueError, "top_k=0"),
    case("generate-top-k-above-vocab",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab", top_k=9)),
         ValueError, "top_k=9", "8 characters"),
    case("generate-top-p-zero",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab", top_p=0.0)),
         ValueError, "top_p=0.0", "(0.0, 1.0]"),
    case("generate-top-p-above-one",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab", top_p=1.5)),
         ValueError, "top_p=1.5"),
    case("generate-length-negative",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab", length=-1)),
         ValueError, "length=-1"),
    case("generate-num-samples-zero",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab", num_samples=0)),
         ValueError, "num_samples=0"),
    case("generate-seed-not-int",
         using(lambda c: t(generate, c.shared.generator, c.shared.vocab, "ab", seed="abc")),
         ValueError, "seed='abc'"),
    case("generate-model-vocab-size",
         using(lambda c: t(generate, c.shared.generator_9, c.shared.vocab, "ab")),
         ValueError, "9", "vocabulary has 8"),
    case("generate-not-a-char-vocab",
         using(lambda c: t(generate, c.shared.generator, WordVocab(["a"]), "ab")),
         ValueError, "vocab", "WordVocab", "CharVocab"),
    case("generate-not-a-model",
         using(lambda c: t(generate, "model.keras", c.shared.vocab, "ab")),
         ValueError, "model", "str"),
    case("generate-classifier-model",
         using(lambda c: t(generate, c.shared.classifier, c.shared.vocab, "ab")),
         ValueError, "Embedding", "build_generator"),
    # ---------------------------------------------------------------- sample_logits
    case("sample-logits-3d", t(sample_logits, np.zeros((1, 1, 3))), ValueError,
         "shape (1, 1, 3)"),
    case("sample-logits-empty", t(sample_logits, []), ValueError, "shape (0,)"),
    case("sample-logits-nan", t(sample_logits, [0.0, float("nan")]), ValueError, "NaN"),
    case("sample-logits-all-masked", t(sample_logits, [[-np.inf, -np.inf]]), ValueError,
         "all -inf"),
    case("sample-logits-not-numbers", t(sample_logits, ["a", "b"]), ValueError, "logits"),
    case("sample-logits-temperature", t(sample_logits, [1.0, 2.0], temperature=-0.5),
         ValueError, "temperature=-0.5"),
    case("sample-logits-temperature-per-row",
         t(sample_logits, [[1.0, 2.0]] * 2, temperature=[1.0, 1.0, 1.0]), ValueError,
         "3 values", "2 rows"),
    case("sample-logits-top-k", t(sample_logits, [1.0, 2.0, 3.0], top_k=4), ValueError,
         "top_k=4", "3"),
    case("sample-logits-top-p", t(sample_logits, [1.0, 2.0], top_p=2), ValueError, "top_p=2"),
    # ---------------------------------------------------------------- WordVocab
    case("wordvocab-no-words", t(WordVocab.from_texts, ["!!", ""]), ValueError, "no words"),
    case("wordvocab-empty-list", t(WordVocab.from_texts, []), ValueError, "texts"),
    case("wordvocab-single-str", t(WordVocab.from_texts, "good food"), ValueError,
         "single str"),
    case("wordvocab-texts-none", t(WordVocab.from_texts, None), ValueError, "texts"),
    case("wordvocab-text-not-str", t(WordVocab.from_texts, ["good", 3]), ValueError, "text=3"),
    case("wordvocab-max-tokens", t(WordVocab.from_texts, ["good food"], max_tokens=2),
         ValueError, "max_tokens=2", ">= 3"),
    case("wordvocab-min-count", t(WordVocab.from_texts, ["good food"], min_count=0), ValueError,
         "min_count=0"),
    case("wordvocab-duplicate-tokens", t(WordVocab, ["good", "good"]), ValueError, "duplicates",
         "'good'"),
    case("wordvocab-empty-token", t(WordVocab, ["good", ""]), ValueError, "tokens="),
    case("wordvocab-max-length-zero", t(WordVocab(["good"]).encode_batch, ["good"],
                                        max_length=0), ValueError, "max_length=0"),
    case("wordvocab-truncate", t(WordVocab(["good"]).encode_batch, ["good"], truncate="middle"),
         ValueError, "truncate='middle'", "'post'", "'pre'"),
    case("wordvocab-encode-batch-str", t(WordVocab(["good"]).encode_batch, "good"), ValueError,
         "single str"),
    case("wordvocab-encode-not-str", t(WordVocab(["good"]).encode, None), ValueError,
         "text=None"),
    case("wordvocab-decode-out-of-range", t(WordVocab(["good"]).decode, [2, 7]), ValueError,
         "id 7", "0..2"),
    case("wordvocab-decode-not-ids", t(WordVocab(["good"]).decode, ["good"]), ValueError,
         "ids", "'good'"),
    case("wordvocab-encode-batch-none", t(WordVocab(["good"]).encode_batch, None), ValueError,
         "texts"),
    case("wordvocab-from-json-invalid", t(WordVocab.from_json, "nope"), ValueError,
         "not valid JSON"),
    case("wordvocab-from-json-charvocab", t(WordVocab.from_json, CharVocab(["a"]).to_json()),
         ValueError, "not a WordVocab"),
    # ---------------------------------------------------------------- bundles: load
    case("bundle-missing-folder", using(lambda c: t(load_bundle, c.tmp / "nowhere")),
         FileNotFoundError, "nowhere", "does not exist"),
    case("bundle-missing-model",
         using(lambda c: t(load_bundle, c.bundle(lambda p: (p / "model.keras").unlink()))),
         FileNotFoundError, "model.keras", "missing"),
    case("bundle-missing-json",
         using(lambda c: t(load_bundle, c.bundle(lambda p: (p / "bundle.json").unlink()))),
         FileNotFoundError, "bundle.json", "missing"),
    case("bundle-invalid-json",
         using(lambda c: t(load_bundle, c.bundle(lambda p: (p / "bundle.json")
                                                 .write_text('{"format": ')))),
         ValueError, "bundle.json", "not valid JSON", "line 1"),
    case("bundle-json-not-a-bundle",
         using(lambda c: t(load_bundle, c.bundle(lambda p: (p / "bundle.json")
                                                 .write_text("[1, 2]")))),
         ValueError, "bundle.json", "rnnkit-bundle"),
    case("bundle-unknown-format-version",
         using(lambda c: t(load_bundle, c.edit_bundle_json(format_version=99))),
         ValueError, "bundle.json", "format_version=99", "newer"),
    case("bundle-unknown-job-in-file",
         using(lambda c: t(load_bundle, c.edit_bundle_json(job="translator"))),
         ValueError, "bundle.json", "job='translator'"),
    case("bundle-wrong-job", using(lambda c: t(load_bundle, c.bundle(), job="generator")),
         ValueError, "bundle.json", "classifier", "generator"),
    case("bundle-bad-job-argument", using(lambda c: t(load_bundle, c.bundle(), job="forecast")),
         ValueError, "job='forecast'", "'forecaster'"),
    case("bundle-json-lacks-key",
         using(lambda c: t(load_bundle, c.bundle(lambda p: (p / "bundle.json").write_text(
             json.dumps({k: v for k, v in json.loads((p / "bundle.json").read_text()).items()
                         if k != "metadata"}))))),
         ValueError, "bundle.json", "'metadata'"),
    case("bundle-damaged-model",
         using(lambda c: t(load_bundle, c.bundle(lambda p: (p / "model.keras")
                                                 .write_text("not a zip")))),
         ValueError, "model.keras", "not a Keras archive"),
    case("bundle-path-is-a-file",
         using(lambda c: t(load_bundle, c.bundle() / "model.keras")),
         ValueError, "model.keras", "is a file"),
    case("bundle-path-none", t(load_bundle, None), ValueError, "path=None"),
    # ---------------------------------------------------------------- bundles: save
    case("bundle-save-non-json-metadata",
         using(lambda c: t(save_bundle, c.tmp / "b", c.shared.classifier, note=object())),
         ValueError, "note=", "JSON"),
    case("bundle-save-nan-metadata",
         using(lambda c: t(save_bundle, c.tmp / "b", c.shared.classifier,
                           score=float("nan"))),
         ValueError, "score=nan", "NaN"),
    case("bundle-save-vocab-and-windows",
         using(lambda c: t(save_bundle, c.tmp / "b", c.shared.generator, vocab=c.shared.vocab,
                           windows=c.shared.windows)),
         ValueError, "vocab=", "windows=", "not both"),
    case("bundle-save-generator-without-vocab",
         using(lambda c: t(save_bundle, c.tmp / "b", c.shared.generator)),
         ValueError, "generator", "vocab=CharVocab"),
    case("bundle-save-vocab-does-not-fit",
         using(lambda c: t(save_bundle, c.tmp / "b", c.shared.generator_9,
                           vocab=c.shared.vocab)),
         ValueError, "8 characters", "9 logits"),
    case("bundle-save-windows-do-not-fit",
         using(lambda c: t(save_bundle, c.tmp / "b", c.shared.short_model,
                           windows=c.shared.windows)),
         ValueError, "(8, 1)", "(5, 1)"),
    case("bundle-save-bad-vocab",
         using(lambda c: t(save_bundle, c.tmp / "b", c.shared.classifier, vocab={"a": 1})),
         ValueError, "vocab=", "dict"),
    case("bundle-save-bad-job",
         using(lambda c: t(save_bundle, c.tmp / "b", c.shared.classifier, job="translator")),
         ValueError, "job='translator'"),
    case("bundle-save-not-a-model",
         using(lambda c: t(save_bundle, c.tmp / "b", "model.keras")),
         ValueError, "model=", "str"),
    case("bundle-save-over-other-folder",
         using(lambda c: t(save_bundle, c.write("notes.txt", "x").parent, c.shared.classifier)),
         ValueError, "not an rnnkit bundle", "bundle.json"),
    case("bundle-save-no-overwrite",
         using(lambda c: t(save_bundle, c.bundle(), c.shared.classifier, overwrite=False)),
         ValueError, "overwrite=True"),
    # ---------------------------------------------------------------- safe training
    case("training-patience-negative", t(training.callbacks, patience=-1), ValueError,
         "patience=-1"),
    case("training-monitor-empty", t(training.callbacks, monitor=""), ValueError, "monitor=''"),
    case("training-min-delta", t(training.callbacks, min_delta=-0.1), ValueError,
         "min_delta=-0.1"),
    case("training-backup-dir-is-file",
         using(lambda c: t(training.callbacks, backup_dir=c.write("f.txt", "x"))),
         ValueError, "backup_dir=", "f.txt", "is a file"),
    case("training-fit-not-a-model", t(training.fit, "model", epochs=1), ValueError,
         "model='model'"),
    case("training-fit-epochs-zero",
         using(lambda c: t(training.fit, c.shared.classifier, np.zeros((4, 4, 2)), np.zeros(4),
                           epochs=0)),
         ValueError, "epochs=0"),
    case("training-fit-resume-without-backup",
         using(lambda c: t(training.fit, c.shared.classifier, np.zeros((4, 4, 2)), np.zeros(4),
                           resume=True)),
         ValueError, "resume=True", "backup_dir"),
    case("training-fit-val-monitor-without-val",
         using(lambda c: t(training.fit, c.shared.classifier, np.zeros((4, 4, 2)), np.zeros(4),
                           monitor="val_accuracy")),
         ValueError, "monitor='val_accuracy'", "validation_data"),
    case("training-seed-negative", t(training.seed_everything, -1), ValueError, "seed=-1"),
    # ---------------------------------------------------------------- plots
    case("plot-forecast-empty", t(plot_forecast, pd.Series([], dtype="float64")), ValueError,
         "actual", "empty"),
    case("plot-forecast-none", t(plot_forecast, None), ValueError, "actual"),
    case("plot-forecast-ax-not-axes", t(plot_forecast, pd.Series([1.0, 2.0]), ax="left"),
         ValueError, "ax='left'", "Axes"),
    case("plot-history-ax-not-axes", t(plot_history, {"loss": [1.0, 0.5]}, ax="left"),
         ValueError, "ax='left'", "Axes"),
    case("plot-forecast-2d-array", t(plot_forecast, np.zeros((5, 2))), ValueError, "actual",
         "shape (5, 2)"),
    case("plot-forecast-wide-frame", t(plot_forecast, pd.DataFrame({"a": [1.0], "b": [2.0]})),
         ValueError, "actual", "2 columns"),
    case("plot-history-empty", t(plot_history, {"loss": []}), ValueError, "history",
         "at least one epoch"),
    # ---------------------------------------------------------------- command line
    case("cli-classify-npz-missing-key",
         using(lambda c: ["classify", str(c.npz(x_train=np.zeros((4, 3, 2)), y_train=np.zeros(4),
                                                x_val=np.zeros((2, 3, 2))))]),
         CLI, "data.npz", "['y_val']", "x_train"),
    case("cli-classify-missing-file", using(lambda c: ["classify", str(c.tmp / "gone.npz")]),
         CLI, "gone.npz", "does not exist"),
    case("cli-classify-not-npz", using(lambda c: ["classify", str(c.write("d.csv", "1,2"))]),
         CLI, "d.csv", ".npz"),
    case("cli-classify-epochs-zero",
         using(lambda c: ["classify", str(c.npz(x_train=np.zeros((4, 3, 2)), y_train=np.zeros(4),
                                                x_val=np.zeros((2, 3, 2)), y_val=np.zeros(2))),
                          "--epochs", "0"]),
         CLI, "--epochs=0"),
    case("cli-classify-bad-cell",
         using(lambda c: ["classify", str(c.npz(x_train=np.zeros((4, 3, 2)), y_train=np.zeros(4),
                                                x_val=np.zeros((2, 3, 2)), y_val=np.zeros(2))),
                          "--cell", "transformer", "--epochs", "1"]),
         CLI, "cell='transformer'"),
    case("cli-forecast-missing-file", using(lambda c: ["forecast", str(c.tmp / "gone.xlsx")]),
         CLI, "gone.xlsx"),
    case("cli-forecast-unknown-target",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--target", "price"]),
         CLI, "'price'", "'value'"),
    case("cli-forecast-window-zero",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "0"]),
         CLI, "window=0"),
    case("cli-forecast-window-too-long",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "24"]),
         CLI, "window=24", "train 21"),
    case("cli-forecast-bad-cell",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "3", "--cell", "tcn"]),
         CLI, "cell='tcn'"),
    case("cli-forecast-epochs-zero",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "3", "--epochs", "0",
                          "--units", "2", "--out", str(c.tmp / "out")]),
         CLI, "--epochs=0"),
    case("cli-forecast-steps-zero",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "3", "--steps", "0",
                          "--out", str(c.tmp / "out")]),
         CLI, "--steps=0"),
    case("cli-forecast-patience-negative",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "3", "--patience",
                          "-1", "--out", str(c.tmp / "out")]),
         CLI, "--patience=-1"),
    case("cli-generate-temperature-negative", ["generate", "--temperature", "-1"], CLI,
         "temperature=-1.0"),
    case("cli-generate-length-negative", ["generate", "--length", "-5"], CLI, "--length=-5"),
    case("cli-generate-seq-length-zero", ["generate", "--seq-length", "0"], CLI,
         "--seq-length=0"),
    case("cli-generate-top-p", ["generate", "--top-p", "1.5"], CLI, "top_p=1.5"),
    case("cli-generate-top-k-zero",
         using(lambda c: ["generate", str(c.write("t.txt", TEXT)), "--seq-length", "4",
                          "--top-k", "0", "--out", str(c.tmp / "out")]),
         CLI, "--top-k", "top_k=0"),
    case("cli-generate-seed-text-unknown",
         using(lambda c: ["generate", str(c.write("t.txt", TEXT)), "--seq-length", "4",
                          "--seed-text", "xyz", "--out", str(c.tmp / "out")]),
         CLI, "--seed-text", "'x' at 0"),
    case("cli-generate-epochs-zero",
         using(lambda c: ["generate", str(c.write("t.txt", TEXT)), "--seq-length", "4",
                          "--epochs", "0", "--out", str(c.tmp / "out")]),
         CLI, "--epochs=0"),
    case("cli-generate-missing-model-folder",
         using(lambda c: ["generate", "--model", str(c.tmp / "nowhere")]), CLI, "nowhere"),
    case("cli-generate-missing-text-file",
         using(lambda c: ["generate", str(c.tmp / "gone.txt")]), CLI, "gone.txt",
         "does not exist"),
]


def _params() -> list[Any]:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate row ids"
    return [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)]
                         if c.xfail else []) for c in CASES]


# ============================================================================ the checks

@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Shared:
    return Shared(tmp_path_factory.mktemp("shared"))


def _resolve(call: Any, ctx: Ctx) -> Any:
    if isinstance(call, using):
        call = call.factory(ctx)
    return call


def _message(exc: BaseException) -> str:
    """The text a user reads (a KeyError's str() would add quotes around it)."""
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return str(exc)


def _check_message(message: str, contains: tuple[str, ...]) -> None:
    for needle in contains:
        assert needle in message, f"message lacks {needle!r}: {message!r}"
    for leak in LEAKS:
        assert leak not in message, f"message leaks {leak!r}: {message!r}"


def _raised_by_rnnkit(exc: BaseException) -> bool:
    """True when the innermost Python frame that raised `exc` lies in the rnnkit package."""
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and RNNKIT_DIR in Path(frames[-1].filename).resolve().parents


def _no_training(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("model.fit was called: the bad argument must be refused before "
                         "training starts")


@pytest.mark.parametrize("row", _params())
def test_bad_input(row: Case, shared: Shared, tmp_path: Path,
                   capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    call = _resolve(row.call, Ctx(tmp_path, shared))
    if row.exc == CLI:
        # a command must refuse a bad argument before it trains (which can take minutes)
        import keras

        monkeypatch.setattr(keras.Model, "fit", _no_training)
        status = cli.main([str(a) for a in call])
        err = capsys.readouterr().err
        assert status == 2, f"exit status {status}; stderr: {err[-2000:]}"
        assert "error:" in err
        _check_message(err, row.contains)
        return
    if isinstance(call, tuple):
        function, args, kwargs = call
        call = lambda: function(*args, **kwargs)  # noqa: E731
    try:
        call()
    except BaseException as exc:  # noqa: BLE001 - every outcome is checked below
        caught = exc
    else:
        pytest.fail(f"no error raised; expected {row.exc.__name__}")
    # the generic checks: a built-in, documented error type, raised by rnnkit itself
    assert type(caught).__module__ == "builtins", \
        f"{type(caught).__module__}.{type(caught).__name__}: {caught}"
    assert isinstance(caught, PUBLIC_ERRORS), f"{type(caught).__name__}: {caught}"
    assert isinstance(caught, row.exc), \
        f"expected {row.exc.__name__}, got {type(caught).__name__}: {caught}"
    assert _raised_by_rnnkit(caught), (
        "raised outside rnnkit: "
        + "".join(traceback.format_exception(type(caught), caught, caught.__traceback__)[-3:]))
    _check_message(_message(caught), row.contains)


def test_the_table_is_large_and_covers_every_area():
    prefixes = {c.id.split("-")[0] for c in CASES}
    assert {"read", "windows", "model", "charvocab", "text", "generate", "sample", "wordvocab",
            "bundle", "cli"} <= prefixes
    assert len(CASES) >= 50
