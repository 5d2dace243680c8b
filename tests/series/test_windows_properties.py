"""Property-based tests (hypothesis) of `SeriesWindows` and its transforms.

* On arbitrary lengths, windows, splits, horizons and scalers over a counting
  series (row t holds t): parts are contiguous, in time order and sized by
  `split`; every predicted step lies in its own part; inputs are consecutive
  rows strictly before the step they predict; each part's rows are predicted
  exactly once; a part too short for the window is refused with its row counts;
  the `tf.data` pipelines hold exactly the windows of `.arrays()`.
* `log` / `difference` / scaler: `inverse_transform` undoes them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from rnnkit.series import SeriesWindows

SPLITS = ("train", "val", "test")

pytestmark = pytest.mark.filterwarnings("ignore:You are using a softmax over axis -1:UserWarning")


def examples(count: int) -> settings:
    """Modest, deadline-free settings (the first call of a TF op can be slow)."""
    return settings(max_examples=count, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


# ============================================================================ windows

@st.composite
def window_setups(draw: st.DrawFn, min_n: int = 2) -> dict:
    """Arbitrary window settings over a counting series of `n` rows."""
    weights = draw(st.tuples(*[st.integers(1, 20)] * 3))
    return dict(
        n=draw(st.integers(min_n, 160)),
        window=draw(st.integers(1, 24)),
        output_steps=draw(st.none() | st.integers(1, 6)),
        split=tuple(w / sum(weights) for w in weights),
        scale=draw(st.sampled_from(["standard", "minmax", None])),
        feature=draw(st.booleans()),
    )


def counting_windows(setup: dict, **options) -> SeriesWindows:
    """Windows over `value` = 0, 1, 2, ... (and a feature `f` = 1000 - 2 * value)."""
    frame = pd.DataFrame({"value": np.arange(setup["n"], dtype="float64")})
    if setup["feature"]:
        frame["f"] = 1000.0 - 2.0 * frame["value"]
    return SeriesWindows(frame, window=setup["window"], target="value",
                         features=["f"] if setup["feature"] else None,
                         output_steps=setup["output_steps"], split=setup["split"],
                         scale=setup["scale"], **options)


def check_sizes(sizes: list[int], setup: dict) -> None:
    """Part sizes add up to the series and follow the split fractions (to rounding)."""
    assert sum(sizes) == setup["n"]
    for size, fraction in zip(sizes, setup["split"], strict=True):
        assert abs(size - setup["n"] * fraction) <= 1.0 + 1e-9


def long_enough(sizes: list[int], setup: dict) -> bool:
    """Train needs `window` inputs + the horizon; val and test need the horizon."""
    k = setup["output_steps"] or 1
    return sizes[0] >= setup["window"] + k and sizes[1] >= k and sizes[2] >= k


def rows_of(w: SeriesWindows, values: np.ndarray, column: int) -> np.ndarray:
    """Undo the scaler of one column: the counting series gives back row numbers."""
    center, spread = w.scaler["center"][column], w.scaler["scale"][column]
    original = values.astype("float64") * spread + center
    rows = np.rint(original)
    np.testing.assert_allclose(original, rows, atol=1e-3)
    return rows.astype("int64")


@examples(80)
@given(window_setups())
def test_windows_align_inside_their_parts(setup):
    n, window, k = setup["n"], setup["window"], setup["output_steps"]
    try:
        w = counting_windows(setup, shuffle=False)
    except ValueError as exc:
        # refused only when a part is too short, and the message says how many rows each has
        found = re.search(r"train (\d+), val (\d+), test (\d+) rows", str(exc))
        assert found, str(exc)
        sizes = [int(v) for v in found.groups()]
        check_sizes(sizes, setup)
        assert not long_enough(sizes, setup)
        assert f"window={window}" in str(exc)
        return
    bounds = [w.part_rows(split) for split in SPLITS]
    sizes = [hi - lo for lo, hi in bounds]
    check_sizes(sizes, setup)
    assert long_enough(sizes, setup)
    # contiguous parts, in time order, covering the series
    assert bounds[0][0] == 0 and bounds[2][1] == n
    assert bounds[0][1] == bounds[1][0] and bounds[1][1] == bounds[2][0]
    last_predicted = -1
    for split, (lo, hi) in zip(SPLITS, bounds, strict=True):
        x, y = w.arrays(split)
        assert x.shape[1:] == w.input_shape
        inputs, targets = rows_of(w, x[..., 0], 0), rows_of(w, y[..., 0], 0)
        if setup["feature"]:
            np.testing.assert_array_equal(rows_of(w, x[..., 1], 1), 1000 - 2 * inputs)
        # inputs are `window` consecutive rows of the past, never from a later part
        assert (np.diff(inputs, axis=1) == 1).all()
        assert inputs.min() >= 0 and inputs.max() < hi
        if k is None:  # many-to-many: targets are the inputs shifted by one step
            np.testing.assert_array_equal(targets, inputs + 1)
            predicted, first = targets[:, -1], targets[:, -1]
        else:  # horizon: the k rows right after the window
            np.testing.assert_array_equal(targets, inputs[:, -1:] + 1 + np.arange(k))
            predicted, first = targets.ravel(), targets[:, 0]
        # every predicted step lies inside its own part, after all of its inputs
        assert predicted.min() >= lo and predicted.max() < hi
        assert (inputs.max(axis=1) < first).all()
        # each row of the part with `window` rows of past is predicted once, in time order
        start = max(lo, window)
        if k is None:
            np.testing.assert_array_equal(predicted, np.arange(start, hi))
        else:
            np.testing.assert_array_equal(first, np.arange(start, hi - k + 1))
            assert set(predicted.tolist()) == set(range(start, hi))
        if split != "train":
            assert start == lo  # val and test: every one of their rows is predicted
        # parts do not overlap and follow each other in time
        assert predicted.min() > last_predicted
        last_predicted = predicted.max()


def _batches(dataset) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = zip(*((x.numpy(), y.numpy()) for x, y in dataset), strict=True)
    return np.concatenate(xs), np.concatenate(ys)


@examples(12)
@given(window_setups(min_n=60), st.integers(1, 16), st.integers(0, 2**31 - 1))
def test_tf_datasets_hold_exactly_the_windows_of_arrays(setup, batch_size, seed):
    try:
        w = counting_windows(setup, batch_size=batch_size, shuffle=True, seed=seed)
    except ValueError:
        assume(False)
    for split in ("val", "test"):  # in time order
        x, y = _batches(w.dataset(split))
        ax, ay = w.arrays(split)
        np.testing.assert_array_equal(x, ax)
        np.testing.assert_array_equal(y, ay)
    # training windows are shuffled: the same windows, each exactly once
    x, y = _batches(w.train)
    ax, ay = w.arrays("train")
    assert len(x) == len(ax)
    order = np.argsort(x[:, 0, 0], kind="stable")
    np.testing.assert_array_equal(x[order], ax)
    np.testing.assert_array_equal(y[order], ay)


# ============================================================================ transforms

positive_series = hnp.arrays(np.float64, st.integers(12, 120),
                             elements=st.floats(0.01, 1e6, allow_nan=False))


@examples(60)
@given(positive_series, st.booleans(), st.booleans(),
       st.sampled_from(["standard", "minmax", None]), st.data())
def test_inverse_transform_undoes_log_difference_and_scaler(values, log, difference, scale,
                                                            data):
    w = SeriesWindows(pd.DataFrame({"v": values}), window=2, log=log, difference=difference,
                      scale=scale, split=(0.6, 0.2, 0.2))
    levels = np.log(values) if log else values
    transformed = np.diff(levels) if difference else levels
    # the scaler is fit on the training part only
    lo, hi = w.part_rows("train")
    train = transformed[lo:hi]
    center, spread = w.scaler["center"][0], w.scaler["scale"][0]
    if scale == "standard":
        np.testing.assert_allclose(center, train.mean(), rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(spread, train.std() if train.std() > 0 else 1.0, rtol=1e-12)
    elif scale == "minmax":
        assert center == train.min()
        np.testing.assert_allclose(spread, np.ptp(train) if np.ptp(train) > 0 else 1.0,
                                   rtol=1e-12)
    else:
        assert (center, spread) == (0.0, 1.0)
    scaled = (transformed - center) / spread
    start = data.draw(st.integers(0, len(transformed) - 1), label="start")
    tolerance = dict(rtol=1e-9, atol=1e-9 * values.max())
    if difference:  # row `start` of the differences leads to original row `start + 1`
        back = w.inverse_transform(scaled[start:], anchor=values[start])
        np.testing.assert_allclose(back, values[start + 1:], **tolerance)
        # continuing the data with zero change stays at the last value
        flat = w.inverse_transform(np.full(3, (0.0 - center) / spread))
        np.testing.assert_allclose(flat, np.full(3, values[-1]), **tolerance)
    else:
        back = w.inverse_transform(scaled[start:])
        np.testing.assert_allclose(back, values[start:], **tolerance)


@examples(40)
@given(hnp.arrays(np.int64, st.integers(20, 100), elements=st.integers(-10_000, 10_000)),
       st.integers(1, 5))
def test_difference_round_trip_through_float32_windows_is_exact(values, window):
    w = SeriesWindows(pd.DataFrame({"v": values}), window=window, difference=True, scale=None,
                      split=(0.6, 0.2, 0.2))
    x, y = w.arrays("test")
    lo, _ = w.part_rows("test")
    # the many-to-many targets of the last window: the differences of the last `window` rows
    back = w.inverse_transform(y[-1, :, 0], anchor=values[-window - 1])
    np.testing.assert_array_equal(back, values[-window:])
    # and the first test window's inputs give back the rows before the test part
    back = w.inverse_transform(x[0, :, 0], anchor=values[lo - window])
    np.testing.assert_array_equal(back, values[lo - window + 1: lo + 1])


