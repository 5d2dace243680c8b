"""Tests of rnnkit.series.frames: the data of `SeriesWindows`, as given and checked."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnnkit.series import SeriesWindows
from rnnkit.series.frames import as_frame, check_frame
from tests._bad_input import (
    bad_input_test,
    case,
    duplicate_index,
    hole,
    t,
    unsorted_index,
)

# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    # ---------------------------------------------------------------- SeriesWindows: data
    case("windows-missing-value", t(SeriesWindows, hole(), window=4), ValueError, "'value'",
         "2000-08-01", "missing='interpolate'", "1 missing"),
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
]

test_bad_input = bad_input_test(BAD_INPUT)

# ============================================================================ frames

def test_as_frame_accepts_frames_series_and_arrays_and_copies_them():
    assert as_frame(pd.Series([1, 2], name="sales")).columns.tolist() == ["sales"]
    assert as_frame(pd.Series([1, 2])).columns.tolist() == ["value"]
    assert as_frame(np.zeros((3, 2))).columns.tolist() == ["x0", "x1"]
    given = pd.DataFrame({0: [1.0, 2.0]})
    frame = as_frame(given)
    assert frame.columns.tolist() == ["0"]
    frame.iloc[0, 0] = 99.0
    assert given.iloc[0, 0] == 1.0  # the windows never change the caller's data


def test_check_frame_refuses_flags_and_a_single_row():
    with pytest.raises(ValueError, match="'flag' has dtype bool"):
        check_frame(pd.DataFrame({"flag": [True, False, True]}))
    with pytest.raises(ValueError, match="1 row"):
        check_frame(pd.DataFrame({"v": [1.0]}))
    check_frame(pd.DataFrame({"v": [1.0, 2.0]}, index=pd.Index(["b", "a"])))  # labels: any order
