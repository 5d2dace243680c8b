"""Sample-data loaders: shapes, types and value ranges, found from any working directory."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnnkit import datasets
from rnnkit.datasets import (
    data_dir,
    load_food_reviews,
    load_mnist_sample,
    load_npz,
    load_series,
    load_shakespeare,
    sample_path,
)
from tests._bad_input import bad_input_test, case, t, using

ROOT = Path(__file__).resolve().parent.parent


def tiny_npz(path: Path, *, n_train: int = 96, n_val: int = 48, seed: int = 0,
             **overrides: np.ndarray) -> Path:
    """A learnable 2-class problem: is the sequence's mean positive? (uint8-free floats)."""
    rng = np.random.default_rng(seed)

    def part(n):
        y = rng.integers(0, 2, size=n)
        x = rng.normal(size=(n, 6, 2)) + np.where(y, 1.0, -1.0)[:, None, None]
        return x.astype("float32"), y.astype("int64")

    (x_train, y_train), (x_val, y_val) = part(n_train), part(n_val)
    arrays = dict(x_train=x_train, y_train=y_train, x_val=x_val, y_val=y_val)
    arrays.update(overrides)
    np.savez(path, **arrays)
    return path


def test_data_dir_is_the_projects_data_folder():
    assert data_dir() == ROOT / "data"
    assert (data_dir() / "README.md").is_file()


def test_loaders_work_from_any_working_directory(tmp_path):
    code = ("from rnnkit.datasets import load_food_reviews, data_dir; "
            "print(len(load_food_reviews()), data_dir())")
    env = {k: v for k, v in os.environ.items() if k != "RNNKIT_DATA"}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, check=True)
    count, folder = result.stdout.split()
    assert int(count) == 5_000 and Path(folder) == ROOT / "data"


def test_rnnkit_data_variable_points_elsewhere(tmp_path, monkeypatch):
    (tmp_path / "README.md").write_text("my data")
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "shakespeare.txt").write_text("ROMEO: hi", encoding="utf-8")
    monkeypatch.setenv("RNNKIT_DATA", str(tmp_path))
    assert data_dir() == tmp_path
    assert load_shakespeare() == "ROMEO: hi"


def test_missing_data_folder_raises_file_not_found_with_the_fix(tmp_path, monkeypatch):
    monkeypatch.setenv("RNNKIT_DATA", str(tmp_path / "nowhere"))
    monkeypatch.setattr(datasets, "__file__", str(tmp_path / "pkg" / "datasets.py"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    with pytest.raises(FileNotFoundError, match="RNNKIT_DATA"):
        data_dir()


def test_sample_path_names_the_missing_file_and_lists_the_available_ones():
    assert sample_path("text/shakespeare.txt").is_file()
    with pytest.raises(FileNotFoundError) as info:
        sample_path("series/missing.csv")
    message = str(info.value)
    assert "series/missing.csv" in message and "airpassengers.csv" in message


def test_mnist_sample_shapes_types_and_ranges():
    (x_train, y_train), (x_val, y_val) = load_mnist_sample()
    assert x_train.shape == (12_000, 28, 28) and x_val.shape == (2_000, 28, 28)
    assert y_train.shape == (12_000,) and y_val.shape == (2_000,)
    assert x_train.dtype == x_val.dtype == np.float32
    assert y_train.dtype == y_val.dtype == np.int32
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    assert set(np.unique(y_train)) == set(range(10)) == set(np.unique(y_val))
    # every digit is common: no class below 5 % of the training set
    assert np.bincount(y_train).min() > 0.05 * len(y_train)
    # train and validation are different images
    train_rows = {row.tobytes() for row in x_train[:, 14]}
    assert sum(row.tobytes() in train_rows for row in x_val[:200, 14]) < 100


def test_food_reviews_columns_and_labels():
    reviews = load_food_reviews()
    assert list(reviews.columns) == ["label", "text"]
    assert len(reviews) == 5_000
    assert set(reviews["label"]) == {"great", "other"}
    assert reviews["text"].map(type).eq(str).all()
    assert reviews["text"].str.len().min() >= 50
    share = (reviews["label"] == "great").mean()
    assert 0.5 < share < 0.8  # imbalanced: the majority-class baseline matters


def test_shakespeare_text():
    text = load_shakespeare()
    assert 1_000_000 < len(text) < 1_200_000
    assert len(set(text)) == 75
    assert text.count("FALSTAFF:") > 100  # speeches start with the speaker's name


def test_datasets_imports_without_tensorflow():
    code = ("import sys, rnnkit.datasets, rnnkit.scores; "
            "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True)
    assert result.stdout.strip() == "[]"


# ============================================================================ load_npz

def test_load_npz_returns_float32_sequences_and_int32_labels(tmp_path):
    path = tiny_npz(tmp_path / "tiny.npz", n_train=10, n_val=4)
    with np.load(path) as npz:
        stored = {k: npz[k] for k in npz.files}
    (x_train, y_train), (x_val, y_val) = load_npz(path)
    assert x_train.shape == (10, 6, 2) and x_val.shape == (4, 6, 2)
    assert x_train.dtype == x_val.dtype == np.float32
    assert y_train.dtype == y_val.dtype == np.int32
    np.testing.assert_array_equal(x_val, stored["x_val"])
    np.testing.assert_array_equal(y_train, stored["y_train"])
    # a str path and an (n, 1) label column work too
    column = tiny_npz(tmp_path / "column.npz", y_val=np.zeros((48, 1)))
    assert load_npz(str(column))[1][1].shape == (48,)


def test_load_npz_reads_the_mnist_sample_like_its_loader():
    (x_train, y_train), (x_val, y_val) = load_npz(sample_path("classification/mnist_sample.npz"))
    (x_train_2, y_train_2), (x_val_2, y_val_2) = load_mnist_sample()
    np.testing.assert_array_equal(x_train, x_train_2)
    np.testing.assert_array_equal(y_val, y_val_2)


def test_load_npz_accepts_uint8_images_and_two_dimensional_sequences(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(10, 4, 3), dtype=np.uint8)
    data = tiny_npz(tmp_path / "img.npz", x_train=images, y_train=np.arange(10) % 3,
                    x_val=images[:4], y_val=np.arange(4) % 3)
    (x_train, y_train), _ = load_npz(data)
    assert x_train.dtype == np.float32 and x_train.max() <= 1.0
    np.testing.assert_allclose(x_train, images / 255.0, rtol=1e-6)
    flat = tiny_npz(tmp_path / "flat.npz", x_train=np.zeros((5, 7)), y_train=np.zeros(5),
                    x_val=np.zeros((2, 7)), y_val=np.zeros(2))
    (x_train, y_train), _ = load_npz(flat)
    assert x_train.shape == (5, 7, 1) and y_train.dtype == np.int32


@pytest.mark.parametrize("missing", ["x_train", "y_train", "x_val", "y_val"])
def test_a_missing_npz_key_raises_value_error_naming_it(tmp_path, missing):
    path = tmp_path / "data.npz"
    tiny_npz(path)
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files if k != missing}
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match=rf"lacks the key\(s\) \['{missing}'\]"):
        load_npz(path)


@pytest.mark.parametrize(
    "overrides,message",
    [(dict(x_train=np.zeros((4, 2, 2, 2))), "x_train has shape"),
     (dict(y_train=np.zeros(3)), "x_train has 96 rows but y_train has 3"),
     (dict(y_val=np.full(48, 0.5)), "y_val must hold integer labels"),
     (dict(y_val=-np.ones(48)), "y_val must hold integer labels"),
     (dict(y_train=np.zeros((96, 2))), "y_train has shape"),
     (dict(x_val=np.zeros((48, 5, 2))), "x_val of shape"),
     (dict(x_train=np.zeros((0, 6, 2)), y_train=np.zeros(0)), "x_train is empty"),
     (dict(x_train=np.full((96, 6, 2), "a")), "x_train has dtype")],
)
def test_malformed_arrays_raise_value_error(tmp_path, overrides, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        load_npz(tiny_npz(tmp_path / "bad.npz", **overrides))


def test_missing_file_and_wrong_suffix(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        load_npz(tmp_path / "nope.npz")
    text = tmp_path / "data.csv"
    text.write_text("1,2\n")
    with pytest.raises(ValueError, match=r"path=.*data\.csv.*numpy\.savez"):
        load_npz(text)
    # a caller (the command line) names the file its own way
    with pytest.raises(ValueError, match=r"^data=.*data\.csv"):
        load_npz(text, name="data")


def test_load_series_rejects_unknown_names():
    with pytest.raises(ValueError, match="name='sunspots'.*airpassengers"):
        datasets.load_series("sunspots")


@pytest.mark.parametrize("name", sorted(datasets.SERIES))
def test_every_sample_series_loads_with_its_listed_columns(name):
    pytest.importorskip("rnnkit.series")
    stem, date_column, columns = datasets.SERIES[name]
    frame = load_series(name, missing="interpolate")  # co2_weekly has missing weeks
    assert list(frame.columns) == columns and frame.index.name == date_column
    assert str(frame.index.dtype).startswith("datetime64") and frame.index.is_monotonic_increasing
    assert sample_path(f"series/{stem}.xlsx").is_file()  # each sample has its workbook too


def test_new_sample_series_shapes():
    pytest.importorskip("rnnkit.series")
    assert load_series("seatbelts").shape == (192, 8)
    visnights = load_series("visnights")
    assert visnights.shape == (76, 20) and (visnights > 0).all().all()
    assert visnights.index[0].strftime("%Y-%m") == "1998-01"


def test_load_series_returns_a_dated_frame():
    pytest.importorskip("rnnkit.series")
    frame = datasets.load_series("airpassengers")
    assert list(frame.columns) == ["passengers"] and len(frame) == 144
    assert str(frame.index.dtype).startswith("datetime64")


# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    case("datasets-unknown-series", t(load_series, "bitcoin"), ValueError, "name='bitcoin'",
         "airpassengers"),
    case("datasets-unknown-sample-file", t(sample_path, "series/nope.xlsx"), FileNotFoundError,
         "series/nope.xlsx"),
    case("datasets-npz-path-not-a-path", t(load_npz, 42), ValueError, "path=42",
         "file path"),
    case("datasets-npz-missing-file", using(lambda c: t(load_npz, c.tmp / "gone.npz")),
         FileNotFoundError, "gone.npz", "does not exist"),
    case("datasets-npz-labels-one-hot",
         using(lambda c: t(load_npz, c.npz(x_train=np.zeros((4, 3, 2)), y_train=np.eye(4, 2),
                                           x_val=np.zeros((2, 3, 2)), y_val=np.zeros(2)))),
         ValueError, "y_train has shape (4, 2)", "not one-hot"),
    case("datasets-npz-complex-values",
         using(lambda c: t(load_npz, c.npz(x_train=np.zeros((4, 3), complex), y_train=np.zeros(4),
                                           x_val=np.zeros((2, 3)), y_val=np.zeros(2)))),
         ValueError, "x_train has dtype complex128", "real numbers"),
    case("datasets-npz-val-label-not-in-train",
         using(lambda c: t(load_npz, c.npz(x_train=np.zeros((4, 3)), y_train=[0, 1, 2, 1],
                                           x_val=np.zeros((2, 3)), y_val=[3, 1]))),
         ValueError, "y_val holds the label(s) [3]", "y_train does not have",
         "classes are [0, 1, 2]"),
    case("datasets-npz-infinite-input",
         using(lambda c: t(load_npz, c.npz(x_train=np.zeros((4, 3)), y_train=np.zeros(4),
                                           x_val=np.array([[0, 0, 0], [0, np.inf, 0]]),
                                           y_val=np.zeros(2)))),
         ValueError, "x_val holds NaN or infinite values in 1 sequence(s) (rows [1])",
         "fill or drop"),
]

test_bad_input = bad_input_test(BAD_INPUT)
