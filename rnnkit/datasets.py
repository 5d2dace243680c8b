"""Loaders for the real sample data shipped in the project's `data/` folder.

Nothing is downloaded: the samples (with their sources and licences in
`data/README.md`) travel with rnnkit. The folder is found next to the package
(a source checkout or `pip install -e .`), in `<prefix>/share/rnnkit/data`
(a wheel install), or wherever the environment variable `RNNKIT_DATA` points.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "data_dir",
    "sample_path",
    "load_mnist_sample",
    "load_food_reviews",
    "load_series",
    "load_shakespeare",
    "SERIES",
]

#: Sample series name → (file stem, date column, value columns).
SERIES: dict[str, tuple[str, str, list[str]]] = {
    "airpassengers": ("airpassengers", "month", ["passengers"]),
    "co2_weekly": ("co2_weekly", "week", ["co2_ppm"]),
    "seattle_weather": (
        "seattle_weather", "date", ["precipitation", "temp_max", "temp_min", "wind"]),
}


def data_dir() -> Path:
    """Return the folder that holds rnnkit's sample data.

    Returns:
        The `data/` folder (with `series/`, `classification/`, `text/`).

    Raises:
        FileNotFoundError: if no sample data folder can be found.

    Example:
    >>> (data_dir() / "README.md").exists()
    True
    """
    candidates = []
    if os.environ.get("RNNKIT_DATA"):
        candidates.append(Path(os.environ["RNNKIT_DATA"]))
    candidates.append(Path(__file__).resolve().parent.parent / "data")
    candidates.append(Path(sys.prefix) / "share" / "rnnkit" / "data")
    for folder in candidates:
        if (folder / "README.md").is_file():
            return folder
    raise FileNotFoundError(
        "rnnkit's sample data folder was not found; looked in "
        + ", ".join(str(c) for c in candidates)
        + ". Set RNNKIT_DATA to the project's data/ folder, or reinstall rnnkit."
    )


def sample_path(relative: str) -> Path:
    """Return the path of one sample file, e.g. `"series/airpassengers.xlsx"`.

    Args:
        relative: path inside the data folder.

    Returns:
        The absolute `Path`.

    Raises:
        FileNotFoundError: if the file is not in the data folder.

    Example:
    >>> sample_path("text/shakespeare.txt").name
    'shakespeare.txt'
    """
    path = data_dir() / relative
    if not path.is_file():
        available = sorted(str(p.relative_to(data_dir())) for p in data_dir().rglob("*.*"))
        raise FileNotFoundError(
            f"No sample file {relative!r} in {data_dir()}; available: {available}."
        )
    return path


def load_mnist_sample() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load the MNIST sample: 12,000 training and 2,000 validation digits.

    Images are read row by row by a recurrent classifier: 28 steps of 28
    pixels.

    Returns:
        `((x_train, y_train), (x_val, y_val))`: images as float32 in [0, 1] of
        shape `(n, 28, 28)`, labels as int32 in 0..9.

    Example:
    >>> (x_train, y_train), (x_val, y_val) = load_mnist_sample()
    >>> x_train.shape
    (12000, 28, 28)
    """
    with np.load(sample_path("classification/mnist_sample.npz")) as npz:
        return tuple(  # type: ignore[return-value]
            (npz[f"x_{part}"].astype("float32") / 255.0, npz[f"y_{part}"].astype("int32"))
            for part in ("train", "val")
        )


def load_food_reviews() -> Any:
    """Load 5,000 Amazon fine-food reviews labelled `"great"` or `"other"`.

    Returns:
        A `pandas.DataFrame` with columns `label` (str) and `text` (str).

    Example:
    >>> reviews = load_food_reviews()
    >>> y = (reviews["label"] == "great").astype("int32").to_numpy()
    """
    import pandas as pd

    return pd.read_csv(sample_path("classification/food_reviews.csv"))


def load_series(name: str = "airpassengers", **read_series_kwargs: Any) -> Any:
    """Load a sample series as a time-indexed DataFrame (via `read_series`).

    Args:
        name: `"airpassengers"`, `"co2_weekly"` or `"seattle_weather"`.
        **read_series_kwargs: passed to :func:`rnnkit.read_series`, e.g.
            `missing="interpolate"` for co2_weekly.

    Returns:
        A `pandas.DataFrame` of the numeric columns with a `DatetimeIndex`.

    Example:
    >>> load_series("airpassengers")["passengers"].iloc[0]
    112
    """
    if name not in SERIES:
        raise ValueError(f"name={name!r} is not a sample series; use one of {sorted(SERIES)}.")
    from rnnkit.series import read_series

    stem, date_column, _ = SERIES[name]
    read_series_kwargs.setdefault("date_column", date_column)
    return read_series(sample_path(f"series/{stem}.csv"), **read_series_kwargs)


def load_shakespeare() -> str:
    """Load the Shakespeare sample text (1.1 M characters, 75 distinct).

    Returns:
        The whole text as one `str`.

    Example:
    >>> text = load_shakespeare()
    >>> text.count("FALSTAFF:") > 0
    True
    """
    return sample_path("text/shakespeare.txt").read_text(encoding="utf-8")
