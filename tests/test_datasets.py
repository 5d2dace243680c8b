"""Sample-data loaders: shapes, types and value ranges, found from any working directory."""

from __future__ import annotations

import os
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
    load_series,
    load_shakespeare,
    sample_path,
)
from tests._bad_input import bad_input_test, case, t

ROOT = Path(__file__).resolve().parent.parent


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


def test_load_series_rejects_unknown_names():
    with pytest.raises(ValueError, match="name='sunspots'.*airpassengers"):
        datasets.load_series("sunspots")


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
]

test_bad_input = bad_input_test(BAD_INPUT)
