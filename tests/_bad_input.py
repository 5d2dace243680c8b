"""The shared runner of the bad-input table, which is split per area of the package.

Each area's test module (e.g. `tests/series/test_io.py`) holds its rows in a
list `BAD_INPUT` and runs them with `test_bad_input = bad_input_test(BAD_INPUT)`;
`tests/test_bad_input_table.py` gathers every area's rows and checks that the
table stays large, covers every area and has unique ids.

Each row is one bad input: an id, the call (a zero-argument callable, a
`(function, args, kwargs)` triple, or `using(factory)` where the factory
receives a :class:`Ctx` with a fresh `tmp` folder and tiny shared objects,
and returns one of the former), the expected exception type, and the
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
from rnnkit import cli
from rnnkit.bundle import save_bundle
from rnnkit.models import build_classifier, build_generator, build_seq2seq
from rnnkit.series import SeriesWindows
from rnnkit.text import CharVocab

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



def params(cases: list[Case]) -> list[Any]:
    """The rows as pytest parameters, named by their ids."""
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids)), "duplicate row ids"
    return [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=c.xfail)]
                         if c.xfail else []) for c in cases]


# ============================================================================ the checks

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


def check_row(row: Case, shared: Shared, tmp_path: Path,
                   capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Run one row and apply the checks the module docstring describes."""
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



def bad_input_test(cases: list[Case]) -> Callable[..., None]:
    """A parametrised test over `cases`, to bind in an area's module as `test_bad_input`."""

    @pytest.mark.parametrize("row", params(cases))
    def test_bad_input(row: Case, shared: Shared, tmp_path: Path,
                       capsys: pytest.CaptureFixture[str],
                       monkeypatch: pytest.MonkeyPatch) -> None:
        check_row(row, shared, tmp_path, capsys, monkeypatch)

    return test_bad_input
