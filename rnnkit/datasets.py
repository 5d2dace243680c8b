"""Loaders for the real sample data shipped in the project's `data/` folder.

Nothing is downloaded: the samples (with their sources and licences in
`data/README.md`) travel with rnnkit. The folder is found next to the package
(a source checkout or `pip install -e .`), in `<prefix>/share/rnnkit/data`
(a wheel install), or wherever the environment variable `RNNKIT_DATA` points.

Besides the samples, :func:`load_npz` reads a user's own classification data
from an `.npz` file (the format `rnnkit classify` takes), checking it the way
the samples are. This module needs only NumPy: it imports without TensorFlow.

Example:
>>> (x_train, y_train), (x_val, y_val) = load_mnist_sample()
>>> x_train.shape, y_val.dtype
((12000, 28, 28), dtype('int32'))
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

from rnnkit._checks import check_path

__all__ = [
    "data_dir",
    "sample_path",
    "load_npz",
    "check_known_labels",
    "NPZ_KEYS",
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
    "seatbelts": ("seatbelts", "month", ["drivers_killed", "drivers", "front", "rear", "kms",
                                         "petrol_price", "van_killed", "law"]),
    "visnights": ("visnights", "quarter", [
        "NSWMetro", "NSWNthCo", "NSWSthCo", "NSWSthIn", "NSWNthIn", "QLDMetro", "QLDCntrl",
        "QLDNthCo", "SAUMetro", "SAUCoast", "SAUInner", "VICMetro", "VICWstCo", "VICEstCo",
        "VICInner", "WAUMetro", "WAUCoast", "WAUInner", "OTHMetro", "OTHNoMet"]),
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


#: The arrays an `.npz` of classification data must hold.
NPZ_KEYS = ("x_train", "y_train", "x_val", "y_val")

#: `((x_train, y_train), (x_val, y_val))`.
SplitArrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def _read_npz(path: Path, name: str) -> dict[str, np.ndarray]:
    """The four arrays of an existing `.npz` file, or an error naming what is missing."""
    if not path.is_file():
        raise FileNotFoundError(f"data file {str(path)!r} does not exist.")
    if path.suffix != ".npz":
        raise ValueError(f"{name}={str(path)!r} is not an .npz file; save your arrays with "
                         "numpy.savez(path, x_train=..., y_train=..., x_val=..., y_val=...).")
    with np.load(path) as npz:
        missing = [k for k in NPZ_KEYS if k not in npz.files]
        if missing:
            raise ValueError(f"{name}={str(path)!r} lacks the key(s) {missing}; it has "
                             f"{sorted(npz.files)}. An .npz for classify needs {list(NPZ_KEYS)}.")
        return {k: npz[k] for k in NPZ_KEYS}


def _sequences(x: np.ndarray, part: str) -> np.ndarray:
    """`x_{part}` as float32 `(n, timesteps, features)` (uint8 scaled to [0, 1])."""
    if x.dtype == np.uint8:
        x = x.astype("float32") / 255.0
    if x.ndim == 2:
        x = x[..., None]
    if x.ndim != 3:
        raise ValueError(f"x_{part} has shape {x.shape}; it must be (n, timesteps, "
                         "features) or (n, timesteps).")
    if not np.issubdtype(x.dtype, np.number) or np.issubdtype(x.dtype, np.complexfloating):
        raise ValueError(f"x_{part} has dtype {x.dtype}; it must hold real numbers.")
    if len(x) == 0:
        raise ValueError(f"x_{part} is empty; it needs at least one sequence.")
    bad = ~np.isfinite(x)
    if bad.any():
        rows = np.unique(np.nonzero(bad)[0])
        raise ValueError(f"x_{part} holds NaN or infinite values in {len(rows)} sequence(s) "
                         f"(rows {rows[:5].tolist()}{', ...' if len(rows) > 5 else ''}); "
                         "fill or drop them before training: one NaN input makes the "
                         "model's loss and weights NaN.")
    return x.astype("float32")


def _labels(y: np.ndarray, part: str, rows: int) -> np.ndarray:
    """`y_{part}` as int32 `(n,)` labels 0, 1, 2, ... (a `(n, 1)` column is flattened)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"y_{part} has shape {y.shape}; it must be (n,) integer labels "
                         "0..num_classes-1 (not one-hot).")
    if rows != len(y):
        raise ValueError(f"x_{part} has {rows} rows but y_{part} has {len(y)}.")
    if (not np.issubdtype(y.dtype, np.number) or not np.all(np.isfinite(y))
            or np.any(y < 0) or np.any(y != np.round(y))):
        raise ValueError(f"y_{part} must hold integer labels 0, 1, 2, ...; it has values "
                         f"such as {y[:5].tolist()!r}.")
    return y.astype("int32")


def check_known_labels(y_train: np.ndarray, y: np.ndarray, part: str = "y_val") -> None:
    """Refuse labels in `y` that `y_train` never has: a classifier cannot learn such a class.

    Args:
        y_train: the training labels.
        y: the labels to score the classifier on (validation or test).
        part: how the message names `y`.

    Raises:
        ValueError: naming the unknown labels and the training classes.

    Example:
    >>> check_known_labels(np.array([0, 1, 1]), np.array([1, 7, 9]))
    Traceback (most recent call last):
    ...
    ValueError: y_val holds the label(s) [7, 9], which y_train does not have (its classes are \
[0, 1]); a classifier cannot learn a class it is not trained on. Use labels 0..num_classes-1 \
numbered the same way in every part, with every class in y_train.
    """
    unknown = np.setdiff1d(np.unique(y), np.unique(y_train))
    if len(unknown):
        shown = unknown[:10].tolist() + (["..."] if len(unknown) > 10 else [])
        classes = np.unique(y_train)
        known = classes.tolist() if len(classes) <= 20 else \
            f"{len(classes)} of them, {int(classes.min())}..{int(classes.max())}"
        raise ValueError(f"{part} holds the label(s) {shown}, which y_train does not have "
                         f"(its classes are {known}); a classifier cannot learn a class it "
                         "is not trained on. Use labels 0..num_classes-1 numbered the same "
                         "way in every part, with every class in y_train.")


def load_npz(path: str | os.PathLike, *, name: str = "path") -> SplitArrays:
    """Load classification data from an `.npz` file holding `x_train, y_train, x_val, y_val`.

    Sequences may be `(n, timesteps, features)` or `(n, timesteps)` (one
    feature); `uint8` values (images) are scaled to `[0, 1]`. Labels are
    integers `0..num_classes-1` of shape `(n,)` (or `(n, 1)`), not one-hot.

    Args:
        path: the `.npz` file, as written by
            `numpy.savez(path, x_train=..., y_train=..., x_val=..., y_val=...)`.
        name: how error messages name the file (e.g. `"data"`, a command's
            argument).

    Returns:
        `((x_train, y_train), (x_val, y_val))`: sequences as float32 of shape
        `(n, timesteps, features)`, labels as int32 of shape `(n,)`.

    Raises:
        FileNotFoundError: if the file does not exist.
        ValueError: if it is not an `.npz` file, lacks one of the four arrays,
            an array has the wrong shape, type or values (NaN or infinite
            inputs included), or `y_val` holds a label that `y_train` lacks.

    Example:
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "data.npz"
    >>> np.savez(path, x_train=np.zeros((4, 5)), y_train=[0, 1, 0, 1],
    ...          x_val=np.zeros((2, 5)), y_val=[1, 0])
    >>> (x_train, y_train), (x_val, y_val) = load_npz(path)
    >>> x_train.shape, y_train.dtype
    ((4, 5, 1), dtype('int32'))
    """
    arrays = _read_npz(check_path(name, path, example="data.npz"), name)
    parts = []
    for part in ("train", "val"):
        x = _sequences(arrays[f"x_{part}"], part)
        parts.append((x, _labels(arrays[f"y_{part}"], part, len(x))))
    (x_train, y_train), (x_val, y_val) = parts
    if x_train.shape[1:] != x_val.shape[1:]:
        raise ValueError(f"x_train has sequences of shape {x_train.shape[1:]} but "
                         f"x_val of shape {x_val.shape[1:]}; they must match.")
    check_known_labels(y_train, y_val)
    return parts[0], parts[1]


def load_mnist_sample() -> SplitArrays:
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
    return load_npz(sample_path("classification/mnist_sample.npz"))


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
        name: `"airpassengers"` (monthly), `"co2_weekly"` (weekly, 59 missing
            weeks), `"seattle_weather"` (daily), `"seatbelts"` (monthly road
            casualties) or `"visnights"` (quarterly visitor nights of 20
            Australian regions, one column each); see :data:`SERIES`.
        **read_series_kwargs: passed to :func:`rnnkit.read_series`, e.g.
            `missing="interpolate"` for co2_weekly.

    Returns:
        A `pandas.DataFrame` of the numeric columns with a `DatetimeIndex`.

    Example:
    >>> int(load_series("airpassengers")["passengers"].iloc[0])
    112
    >>> load_series("visnights").shape
    (76, 20)
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
