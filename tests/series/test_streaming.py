"""Tests of rnnkit.series.streaming: training windows of many files, one file at a time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnnkit.series import SeriesWindows
from rnnkit.series.streaming import files_dataset
from tests._bad_input import bad_input_test, case, t, using


def write_series(path, values, start="2000-01-01"):
    index = pd.date_range(start, periods=len(values), freq="MS")
    pd.DataFrame({"month": index.strftime("%Y-%m-%d"), "y": values}).to_csv(path, index=False)
    return path


@pytest.fixture()
def files(tmp_path):
    rng = np.random.default_rng(0)
    return [write_series(tmp_path / f"s{i}.csv", 100 * (i + 1) + rng.normal(size=40).cumsum())
            for i in range(3)]


def sample_windows(path) -> SeriesWindows:
    return SeriesWindows.from_file(path, target="y", date_column="month", window=6,
                                   output_steps=2, seed=0)


def collected(ds):
    xs, ys = zip(*[(x.numpy(), y.numpy()) for x, y in ds], strict=True)
    return np.concatenate(xs), np.concatenate(ys)


def test_the_stream_holds_every_window_of_every_file_with_the_saved_scaler(files):
    w = sample_windows(files[0])
    x, y = collected(files_dataset(w, files, shuffle=False, batch_size=16))
    expected = []
    for path in files:
        applied = w.apply(str(path))
        assert applied.scaler == w.scaler  # no refit on the other files
        count = len(applied._inputs) - 6 - 2 + 1
        expected.append(applied._windows_between(0, count))
    assert np.array_equal(x, np.concatenate([e[0] for e in expected]))
    assert np.array_equal(y, np.concatenate([e[1] for e in expected]))
    # the second file's values are scaled by the first file's scaler: far from 0
    assert x[len(x) // 2:].mean() > 10


def test_shuffled_with_a_seed_is_repeatable_and_holds_the_same_windows(files):
    w = sample_windows(files[0])
    first = collected(files_dataset(w, files, seed=3, batch_size=16))
    again = collected(files_dataset(w, files, seed=3, batch_size=16))
    plain = collected(files_dataset(w, files, shuffle=False))
    assert np.array_equal(first[0], again[0])
    assert not np.array_equal(first[0], plain[0])
    assert np.allclose(np.sort(first[0].ravel()), np.sort(plain[0].ravel()))


def test_a_collection_streams_each_series_of_each_file(tmp_path):
    long = pd.read_csv("data/series/visnights_long.csv")
    regions = long["region"].unique()
    halves = [long[long["region"].isin(regions[:10])], long[long["region"].isin(regions[10:])]]
    paths = []
    for i, half in enumerate(halves):
        half.to_csv(tmp_path / f"part{i}.csv", index=False)
        paths.append(tmp_path / f"part{i}.csv")
    collection = SeriesWindows.from_file("data/series/visnights_long.csv", id_column="region",
                                         date_column="quarter", target="nights", window=8)
    x, _ = collected(files_dataset(collection, tmp_path / "part*.csv", shuffle=False))
    assert len(x) == 20 * (76 - 8)  # every region's whole windows, once


def test_a_file_too_short_for_a_window_is_named_in_a_warning(files, tmp_path):
    short = write_series(tmp_path / "short.csv", [1.0, 2.0, 3.0])
    w = sample_windows(files[0])
    with pytest.warns(UserWarning, match="short.csv"):
        x, _ = collected(files_dataset(w, [files[0], short], shuffle=False))
    assert len(x) == 40 - 6 - 2 + 1


BAD_INPUT = [
    case("series-files-dataset-missing-file",
         using(lambda c: t(files_dataset, SeriesWindows(list(range(40)), window=4),
                           [str(c.tmp / "gone.csv")])),
         FileNotFoundError, "gone.csv"),
    case("series-files-dataset-batch-size-zero",
         using(lambda c: t(files_dataset, SeriesWindows(list(range(40)), window=4),
                           "data/series/airpassengers.csv", batch_size=0)),
         ValueError, "batch_size=0"),
]

test_bad_input = bad_input_test(BAD_INPUT)
