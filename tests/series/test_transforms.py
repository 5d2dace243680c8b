"""Tests of rnnkit.series.transforms: log, difference and scaler, each undone by its inverse."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from rnnkit.series import SeriesWindows
from rnnkit.series.transforms import Difference, Log, Scaler, TransformChain
from tests._bad_input import bad_input_test, case, indexed, t, using

# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    # ---------------------------------------------------------- SeriesWindows: log, inverse
    case("windows-log-non-positive",
         t(SeriesWindows, indexed().assign(value=np.arange(40.0)), window=4, log=True),
         ValueError, "log=True", "'value'", "2000-01-01", "holds 0"),
    case("windows-inverse-bad-shape",
         using(lambda c: t(c.shared.windows.inverse_transform, np.zeros((3, 2)))),
         ValueError, "(3, 2)", "1 target"),
    case("windows-inverse-not-numbers",
         using(lambda c: t(c.shared.windows.inverse_transform, ["a", "b"])),
         ValueError, "values"),
]

test_bad_input = bad_input_test(BAD_INPUT)

# ============================================================================ each transform

def test_log_inverse_undoes_it_and_fit_refuses_non_positive_values():
    values = np.array([[0.5, 2.0], [3.0, 1e6]])
    log = Log().fit(values)
    np.testing.assert_allclose(log.inverse_transform(log.transform(values)), values, rtol=1e-15)
    with pytest.raises(ValueError, match=r"column 'b' holds -1 at 1\b"):
        Log().fit(np.array([[1.0, 2.0], [3.0, -1.0]]), columns=["a", "b"])


def test_difference_inverse_undoes_it_from_an_anchor_or_step_by_step():
    levels = np.array([[3.0, 10.0], [5.0, 9.0], [4.0, 12.0]])
    difference = Difference().fit(levels)
    changes = difference.transform(levels)
    assert changes.tolist() == [[2.0, -1.0], [-1.0, 3.0]]
    np.testing.assert_array_equal(difference.inverse_transform(changes, anchor=levels[0]),
                                  levels[1:])
    np.testing.assert_array_equal(difference.inverse_step(changes, previous=levels[:-1]),
                                  levels[1:])


@pytest.mark.parametrize("kind", ["standard", "minmax", None])
def test_scaler_inverse_undoes_it_and_its_dict_rebuilds_it_to_the_bit(kind):
    values = np.random.default_rng(0).normal(5.0, 3.0, (50, 2))
    values[:, 1] = 7.0  # a constant column gets scale 1
    scaler = Scaler(kind).fit(values[:30], ["a", "b"])
    saved = scaler.to_dict()
    assert list(saved) == ["kind", "columns", "center", "scale"]
    assert saved["kind"] == kind and saved["columns"] == ["a", "b"] and saved["scale"][1] == 1.0
    rebuilt = Scaler.from_dict(json.loads(json.dumps(saved)))
    np.testing.assert_array_equal(rebuilt.transform(values), scaler.transform(values))
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(values)), values,
                               rtol=1e-12)
    target = scaler.subset(["b"])
    assert target.to_dict() == {"kind": kind, "columns": ["b"], "center": [saved["center"][1]],
                                "scale": [1.0]}


def test_scaler_from_dict_refuses_what_is_not_a_fitted_scaler():
    with pytest.raises(ValueError, match="kind, columns, center and scale"):
        Scaler.from_dict({"kind": "standard"})
    with pytest.raises(ValueError, match="2 columns but 1 centers"):
        Scaler.from_dict({"kind": None, "columns": ["a", "b"], "center": [0.0],
                          "scale": [1.0, 1.0]})
    with pytest.raises(ValueError, match="'robust'"):
        Scaler("robust")


def test_log_and_difference_dicts_round_trip():
    assert Log.from_dict(Log().to_dict()).to_dict() == {"kind": "log"}
    assert Difference.from_dict(Difference().to_dict()).to_dict() == {"kind": "difference"}
    with pytest.raises(ValueError, match="log"):
        Log.from_dict({"kind": "difference"})


def test_chain_undoes_scaler_difference_and_log_in_reverse_order():
    values = np.array([[100.0], [110.0], [99.0], [120.0]])
    log = Log().fit(values)
    levels = log.transform(values)
    difference = Difference()
    changes = difference.transform(levels)
    scaler = Scaler("standard").fit(changes, ["v"])
    scaled = scaler.transform(changes)
    chain = TransformChain(log, difference, scaler)
    exact = dict(rtol=1e-13)
    np.testing.assert_allclose(chain.inverse_transform(scaled, anchor=levels[0]), values[1:],
                               **exact)
    np.testing.assert_allclose(chain.inverse_transform(scaled, previous=levels[:-1]),
                               values[1:], **exact)
    np.testing.assert_allclose(chain.undo(scaled[:, 0], anchor=100.0), values[1:, 0], **exact)
    np.testing.assert_allclose(chain.undo(scaled[:, 0], last_level=levels[0]), values[1:, 0],
                               **exact)
    plain = TransformChain(None, None, Scaler(None, ["v"], [0.0], [1.0]))
    assert plain.undo([1.5, 2.5], anchor="ignored without a difference").tolist() == [1.5, 2.5]


# ============================================================================ through the windows

def test_difference_round_trip_is_exact():
    df = pd.DataFrame({"v": np.random.default_rng(0).integers(-50, 50, 60).cumsum()})
    w = SeriesWindows(df, window=5, difference=True, scale=None)
    _, y = w.arrays("test")
    last = y[-1, :, 0]  # the differences of the last 5 rows
    back = w.inverse_transform(last, anchor=df["v"].iloc[-6])
    np.testing.assert_array_equal(back, df["v"].to_numpy()[-5:])


@pytest.mark.parametrize("scale", ["standard", "minmax", None])
def test_log_and_difference_round_trip(scale):
    from rnnkit.datasets import load_series

    df = load_series("airpassengers")
    w = SeriesWindows(df, window=24, log=True, difference=True, scale=scale)
    _, y = w.arrays("test")
    values = df["passengers"].to_numpy()
    back = w.inverse_transform(y[-1, :, 0], anchor=values[-25])
    np.testing.assert_allclose(back, values[-24:], rtol=1e-6)  # float32 windows
    # the transforms themselves invert to the last bit of float64
    levels = np.log(values.astype("float64"))
    np.testing.assert_allclose(np.exp(levels[0] + np.cumsum(np.diff(levels))), values[1:],
                               rtol=1e-13)
    w_log = SeriesWindows(df, window=24, log=True, scale=None)
    _, y_log = w_log.arrays("test")
    np.testing.assert_allclose(w_log.inverse_transform(y_log[-1, :, 0]), values[-24:],
                               rtol=1e-6)
