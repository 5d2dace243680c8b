"""Plots for forecasts and training: `plot_forecast`, `plot_history`.

Each function draws on the given matplotlib `Axes` (or on a new figure) and
returns the `Axes`, so plots can be combined and saved by the caller.
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["plot_forecast", "plot_history"]


def _check_axes(ax: Any) -> None:
    """Raise unless `ax` is `None` or a matplotlib `Axes`."""
    if ax is None:
        return
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise ValueError(f"ax={reprlib.repr(ax)} must be a matplotlib Axes (e.g. from "
                         "`fig, ax = plt.subplots()`), or None for a new figure.")


def _axes(ax: Any, figsize: tuple[float, float]) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def _as_series_dict(values: Any, default: str) -> dict[str, pd.Series]:
    """A Series → {name: series}; a DataFrame → one entry per column; arrays → a Series."""
    if values is None:
        return {}
    if isinstance(values, pd.DataFrame):
        return {str(c): values[c] for c in values.columns}
    if isinstance(values, pd.Series):
        return {str(values.name) if values.name is not None else default: values}
    try:
        array = np.asarray(values, dtype="float64")
    except (TypeError, ValueError):
        raise ValueError(f"{default}={reprlib.repr(values)} must be numbers: a pandas Series "
                         "or DataFrame, or a 1-D array.") from None
    if array.ndim != 1:
        raise ValueError(f"{default} has shape {array.shape}; pass a pandas Series or DataFrame, "
                         "or a 1-D array.")
    return {default: pd.Series(array)}


def plot_forecast(
    actual: Any,
    predicted: Any = None,
    *,
    ax: Any = None,
    test_start: Any = None,
    future: Any = None,
    title: str | None = None,
    ylabel: str | None = None,
    figsize: tuple[float, float] = (10, 4),
) -> Any:
    """Draw the actual series (whole) and predictions over it, on the series' own time axis.

    Args:
        actual: the series as a `pandas.Series` (or a one-column DataFrame,
            or a 1-D array), e.g. `w.frame["passengers"]`.
        predicted: predictions on the same index: a `Series`, or a DataFrame
            with one line per column (e.g. `w.predict(model)["predicted"]`).
        ax: the matplotlib `Axes` to draw on; default a new figure.
        test_start: where the test part starts (an index label, e.g.
            `w.part_index("test")[0]`), marked by a vertical line; default no line.
        future: a forecast after the end of the data (e.g. `w.forecast(model,
            12)`), drawn dashed.
        title: the title; default names the series.
        ylabel: the y-axis label; default the series' name.
        figsize: size of a new figure.

    Returns:
        The matplotlib `Axes`.

    Raises:
        ValueError: if `actual` is missing, empty or not one-dimensional, or
            `ax` is not a matplotlib `Axes`.

    Example:
    >>> from rnnkit.series import read_series
    >>> passengers = read_series("data/series/airpassengers.csv", date_column="month")
    >>> actual = passengers["passengers"]
    >>> naive = actual.shift(1).iloc[-24:].rename("predicted")   # stands for w.predict(...)
    >>> ax = plot_forecast(actual, naive, test_start=naive.index[0])
    >>> [line.get_label() for line in ax.get_lines()][:2]
    ['actual passengers', 'predicted']

    With a trained model, pass `w.predict(model)["predicted"]` and
    `future=w.forecast(model, 12)` (see `SeriesWindows`).
    """
    _check_axes(ax)
    if actual is None:
        raise ValueError("actual=None: pass the series to plot, a pandas Series (e.g. "
                         "w.frame['passengers']) or a 1-D array.")
    if isinstance(actual, pd.DataFrame):
        if actual.shape[1] != 1:
            raise ValueError(f"actual has {actual.shape[1]} columns {list(actual.columns)}; "
                             "pass one column, e.g. frame['passengers'].")
        actual = actual.iloc[:, 0]
    series = _as_series_dict(actual, "actual")
    (name, actual_series), = series.items()
    if len(actual_series) == 0:
        raise ValueError("actual is empty; pass the series to plot.")
    ax = _axes(ax, figsize)
    ax.plot(actual_series.index, actual_series.to_numpy(), color="0.25", linewidth=1.2,
            label=f"actual {name}" if name != "actual" else "actual")
    colors = ["tab:orange", "tab:blue", "tab:green", "tab:red", "tab:purple"]
    for i, (label, values) in enumerate(_as_series_dict(predicted, "predicted").items()):
        label = "predicted" if label in ("predicted", name) else f"predicted {label}"
        ax.plot(values.index, values.to_numpy(), color=colors[i % len(colors)], linewidth=1.2,
                label=label)
    for i, (label, values) in enumerate(_as_series_dict(future, "forecast").items()):
        label = "forecast" if label in ("forecast", name) else f"forecast {label}"
        ax.plot(values.index, values.to_numpy(), color=colors[(i + 2) % len(colors)],
                linestyle="--", linewidth=1.5, label=label)
    if test_start is not None:
        ax.axvline(test_start, color="tab:red", linestyle=":", linewidth=1.2,
                   label="test part starts")
    index_name = actual_series.index.name
    ax.set_xlabel(str(index_name) if index_name is not None else "time")
    ax.set_ylabel(ylabel if ylabel is not None else str(name))
    ax.set_title(title if title is not None else f"{name}: actual and predicted")
    ax.legend(loc="best")
    ax.grid(True, alpha=0.3)
    return ax


def plot_history(history: Any, *, ax: Any = None, log_scale: bool | None = None,
                 figsize: tuple[float, float] = (8, 4)) -> Any:
    """Draw training and validation loss (and metrics, dashed) per epoch.

    Args:
        history: the `keras.callbacks.History` returned by `model.fit`, or
            its `.history` dict (`{"loss": [...], "val_loss": [...], ...}`).
        ax: the matplotlib `Axes` to draw on; default a new figure.
        log_scale: logarithmic y-axis; default when the loss spans more than
            a factor of 20.
        figsize: size of a new figure.

    Returns:
        The matplotlib `Axes`.

    Raises:
        ValueError: if `history` holds no per-epoch values, or `ax` is not a
            matplotlib `Axes`.

    Example:
    >>> ax = plot_history({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.7, 0.6]})
    >>> [line.get_label() for line in ax.get_lines()]
    ['training loss', 'validation loss']

    After training, pass what `model.fit` returned: `plot_history(model.fit(...))`.
    """
    _check_axes(ax)
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping) or not logs or not any(len(v) for v in logs.values()):
        raise ValueError("history must be the History returned by model.fit (or its .history "
                         "dict) with at least one epoch.")
    ax = _axes(ax, figsize)
    names = [k for k in logs if not k.startswith("val_") and k != "learning_rate"]
    names += [k[4:] for k in logs if k.startswith("val_") and k[4:] not in names]
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple"]
    for i, name in enumerate(names):
        style = "-" if name == "loss" else "--"
        for prefix, alpha, what in (("", 1.0, "training"), ("val_", 0.6, "validation")):
            values = logs.get(prefix + name)
            if values is None or not len(values):
                continue
            epochs = np.arange(1, len(values) + 1)
            ax.plot(epochs, values, linestyle=style, color=colors[i % len(colors)],
                    alpha=alpha if prefix else 1.0, marker="o" if len(values) < 15 else None,
                    markersize=3, label=f"{what} {name}",
                    **({"linewidth": 2.0} if prefix else {}))
    loss = np.asarray(logs.get("loss", []), dtype="float64")
    loss = loss[np.isfinite(loss) & (loss > 0)]
    if log_scale is None:
        log_scale = bool(len(loss)) and loss.max() / loss.min() > 20
    if log_scale:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss / metric")
    ax.set_title("training history")
    ax.legend(loc="best")
    ax.grid(True, alpha=0.3)
    return ax
