"""Plots for forecasts and training: `plot_forecast`, `plot_forecast_grid`, `plot_history`.

`plot_forecast` and `plot_history` draw on the given matplotlib `Axes` (or on
a new figure) and return the `Axes`, so plots can be combined and saved by the
caller; `plot_forecast_grid` draws many series, one small panel each, and
returns its figure.
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from rnnkit._checks import check_bool, check_optional_int

__all__ = ["plot_forecast", "plot_forecast_grid", "plot_history"]


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


#: Series up to this many points are drawn whole by default; longer ones are zoomed.
SHORT_SERIES = 500
#: The columns of a forecast with a prediction interval (`w.forecast(model, steps, interval=)`).
BAND_COLUMNS = ("forecast", "lower", "upper")
_COLORS = ["tab:orange", "tab:blue", "tab:green", "tab:red", "tab:purple"]


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
    season: int | None = None,
    context: int | str | None = None,
    history: bool = False,
    closeup: bool | None = None,
) -> Any:
    """Draw the actual series, predictions over it and the forecast after it (with its band).

    A long series (more than 500 points) is zoomed by default on what a reader
    judges: the test part and the forecast, with `context` steps before them
    (3 seasons). When that view is still long, a second panel below shows the
    last 3 seasons and the forecast up close. `history=True` adds a panel
    above with the whole series (the zoomed span shaded); `context="all"`
    draws the whole series on one axis. The actual line is drawn thin and dark
    over the predictions (wider, lighter), so it stays visible where they
    overlap.

    Args:
        actual: the series as a `pandas.Series` (or a one-column DataFrame,
            or a 1-D array), e.g. `w.frame["passengers"]`.
        predicted: predictions on the same index: a `Series`, or a DataFrame
            with one line per column (e.g. `w.predict(model)["predicted"]`).
        ax: the matplotlib `Axes` to draw on; default a new figure.
        test_start: where the test part starts (an index label, e.g.
            `w.part_index("test")[0]`), marked by a vertical line; default no line.
        future: a forecast after the end of the data, drawn dashed: a `Series`
            (e.g. `w.forecast(model, 12)`), or the DataFrame of
            `w.forecast(model, 12, interval=0.8)` (columns `forecast`, `lower`,
            `upper`), whose band is shaded and labelled with its level.
        title: the title; default names the series.
        ylabel: the y-axis label; default the series' name.
        figsize: size of a new figure (of each panel's row, roughly).
        season: the season length, for the default context; default from
            the index's frequency, else found from the values
            (:func:`rnnkit.series.calendar.detect_season`).
        context: how many steps before the test part (or before the
            predictions, or the forecast) to show; default the whole series
            up to 500 points, else 3 seasons (100 steps without a season).
            `"all"`: the whole series.
        history: add a panel above with the whole series (needs `ax=None`).
        closeup: add a panel below with the last 3 seasons and the forecast;
            default when the view holds more than 500 points and `ax` is None.

    Returns:
        The matplotlib `Axes` of the forecast view (test part and forecast);
        `ax.figure` holds the other panels.

    Raises:
        ValueError: if `actual` is missing, empty or not one-dimensional, `ax`
            is not a matplotlib `Axes`, `future` is a DataFrame without one
            column per line or the columns `forecast`, `lower`, `upper`, or
            `context`, `season`, `history` or `closeup` is not valid.

    Example:
    >>> from rnnkit.series import read_series
    >>> passengers = read_series("data/series/airpassengers.csv", date_column="month")
    >>> actual = passengers["passengers"]
    >>> naive = actual.shift(1).iloc[-24:].rename("predicted")   # stands for w.predict(...)
    >>> ax = plot_forecast(actual, naive, test_start=naive.index[0])
    >>> [line.get_label() for line in ax.get_lines()][:2]
    ['actual passengers', 'predicted']

    With a trained model, pass `w.predict(model)["predicted"]` and
    `future=w.forecast(model, 12, interval=0.8)` (see `SeriesWindows`).
    """
    _check_axes(ax)
    series, name = _actual_series(actual)
    lines = _Lines(series, name, _as_series_dict(predicted, "predicted"),
                   *_future_parts(future, name), check_optional_int("season", season))
    _check_panels(ax, history, closeup)
    start = _view_start(lines, test_start, context)
    if closeup is None:
        closeup = ax is None and len(series) - start > SHORT_SERIES
    if ax is None:
        ax, overview, detail = _figure(figsize, history, closeup)
    else:
        overview = detail = None
    _draw(ax, lines, start)
    if test_start is not None:
        ax.axvline(test_start, color="tab:red", linestyle=":", linewidth=1.2,
                   label="test part starts")
    zoom = f" (last {len(series) - start} of {len(series)} steps)" if start else ""
    _label(ax, lines, ylabel, title if title is not None
           else f"{name}: actual and predicted{zoom}")
    if overview is not None:
        _draw(overview, lines, 0)
        overview.axvspan(series.index[start], lines.last_label(), color="0.5", alpha=0.12,
                         label="shown below")
        _label(overview, lines, ylabel, f"{name}: whole series")
    if detail is not None:
        steps = 3 * lines.season_length() if lines.season_length() else 100
        _draw(detail, lines, max(0, len(series) - steps))
        _label(detail, lines, ylabel, f"{name}: the last {min(steps, len(series))} steps "
                                      "and the forecast")
    return ax


class _Lines:
    """What plot_forecast draws: the actual series, the predictions, the forecast and its band."""

    def __init__(self, actual: pd.Series, name: str, predictions: dict[str, pd.Series],
                 future: dict[str, pd.Series], band: Any, season: int | None) -> None:
        self.actual, self.name, self.predictions = actual, name, predictions
        self.future, self.band, self._season = future, band, season

    def season_length(self) -> int | None:
        """The season given, else the one of the index's frequency, else one found in the values."""
        if self._season is None:
            from rnnkit.series.calendar import infer_frequency, resolve_season

            found, _ = resolve_season(self.actual.to_numpy(dtype="float64"),
                                      frequency=infer_frequency(self.actual.index))
            self._season = found or 0
        return self._season or None

    def last_label(self) -> Any:
        """The last index label drawn: the forecast's end, else the series' end."""
        ends = [v.index[-1] for v in self.future.values() if len(v)]
        return max(ends) if ends else self.actual.index[-1]


def _check_panels(ax: Any, history: Any, closeup: Any) -> None:
    """Raise for a `history` or `closeup` that is not a flag, or a panel on a given `ax`."""
    check_bool("history", history)
    if closeup is not None:
        check_bool("closeup", closeup)
    if ax is not None and (history or closeup):
        raise ValueError("history=True and closeup=True draw more panels, on a new figure: "
                         "pass ax=None, or leave them out to draw on your Axes.")


def _actual_series(actual: Any) -> tuple[pd.Series, str]:
    """`actual` as one non-empty Series, and its name; raise for anything else."""
    if actual is None:
        raise ValueError("actual=None: pass the series to plot, a pandas Series (e.g. "
                         "w.frame['passengers']) or a 1-D array.")
    if isinstance(actual, pd.DataFrame):
        if actual.shape[1] != 1:
            raise ValueError(f"actual has {actual.shape[1]} columns {list(actual.columns)}; "
                             "pass one column, e.g. frame['passengers'].")
        actual = actual.iloc[:, 0]
    (name, series), = _as_series_dict(actual, "actual").items()
    if len(series) == 0:
        raise ValueError("actual is empty; pass the series to plot.")
    return series, name


def _future_parts(future: Any, name: str) -> tuple[dict[str, pd.Series], Any]:
    """The forecast's lines, and its band `(lower, upper, label)` (None without an interval)."""
    if not isinstance(future, pd.DataFrame):
        return _as_series_dict(future, "forecast"), None
    frame = future
    if isinstance(frame.columns, pd.MultiIndex):  # several targets: (column, target)
        targets = list(dict.fromkeys(frame.columns.get_level_values(-1)))
        frame = frame.xs(name if name in targets else targets[0], axis=1, level=-1)
    if not set(BAND_COLUMNS) <= set(map(str, frame.columns)):
        if isinstance(future.columns, pd.MultiIndex):
            raise ValueError(f"future has the columns {list(future.columns)}; pass "
                             "w.forecast(model, steps, interval=...) or a Series.")
        return _as_series_dict(future, "forecast"), None
    level = future.attrs.get("interval")
    label = f"{level:.0%} interval" if isinstance(level, (int, float)) else "interval"
    return {"forecast": frame["forecast"]}, (frame["lower"], frame["upper"], label)


def _view_start(lines: _Lines, test_start: Any, context: Any) -> int:
    """The position in the actual series where the forecast view starts (0: all of it)."""
    actual = lines.actual
    if isinstance(context, str) and context == "all":
        return 0
    context = check_optional_int("context", context, minimum=0)
    if context is None and len(actual) <= SHORT_SERIES:
        return 0
    firsts = [v.index[0] for v in lines.predictions.values() if len(v)]
    try:
        if test_start is not None:
            focus = int(actual.index.searchsorted(test_start))
        elif firsts:
            focus = int(actual.index.searchsorted(min(firsts)))
        elif lines.future:
            focus = len(actual)
        else:
            return 0  # nothing to focus on: the whole series
    except (TypeError, ValueError):  # labels that do not compare with the series' index
        return 0
    if context is None:
        season = lines.season_length()
        context = 3 * season if season else 100
    return max(0, min(focus, len(actual) - 1) - context)


def _figure(figsize: tuple[float, float], history: bool, closeup: bool) -> tuple[Any, Any, Any]:
    """A new figure: the forecast Axes, and the history panel above / close-up below (or None)."""
    import matplotlib.pyplot as plt

    rows = ["history"] * history + ["main"] + ["closeup"] * closeup
    if len(rows) == 1:
        return _axes(None, figsize), None, None
    heights = [{"history": 1.0, "main": 1.6, "closeup": 1.6}[row] for row in rows]
    fig, axes = plt.subplots(len(rows), 1, figsize=(figsize[0], figsize[1] * sum(heights) / 1.6),
                             height_ratios=heights, layout="constrained")
    panels = dict(zip(rows, axes, strict=True))
    return panels["main"], panels.get("history"), panels.get("closeup")


def _draw(ax: Any, lines: _Lines, start: int) -> None:
    """The band, the predictions and the forecast, and the actual line on top, from `start`."""
    actual = lines.actual.iloc[start:]
    if lines.band is not None:
        lower, upper, label = lines.band
        ax.fill_between(lower.index, lower.to_numpy(dtype="float64"),
                        upper.to_numpy(dtype="float64"), color="tab:green", alpha=0.2,
                        linewidth=0, label=label, zorder=1)
    ax.plot(actual.index, actual.to_numpy(), color="black", linewidth=0.9, zorder=4,
            label=f"actual {lines.name}" if lines.name != "actual" else "actual")
    for i, (label, values) in enumerate(lines.predictions.items()):
        values = _from(values, actual.index[0]) if start else values
        label = "predicted" if label in ("predicted", lines.name) else f"predicted {label}"
        ax.plot(values.index, values.to_numpy(), color=_COLORS[i % len(_COLORS)],
                linewidth=2.0, alpha=0.75, zorder=2, label=label)
    for i, (label, values) in enumerate(lines.future.items()):
        label = "forecast" if label in ("forecast", lines.name) else f"forecast {label}"
        ax.plot(values.index, values.to_numpy(), color=_COLORS[(i + 2) % len(_COLORS)],
                linestyle="--", linewidth=1.8, zorder=3, label=label)


def _label(ax: Any, lines: _Lines, ylabel: str | None, title: str) -> None:
    """Axis labels, title, legend and grid of one panel."""
    index_name = lines.actual.index.name
    ax.set_xlabel(str(index_name) if index_name is not None else "time")
    ax.set_ylabel(ylabel if ylabel is not None else str(lines.name))
    ax.set_title(title)
    ax.legend(loc="best", fontsize="small")
    ax.grid(True, alpha=0.3)
    ax.margins(x=0.01)


def _from(values: pd.Series, first: Any) -> pd.Series:
    """The values from the index label `first` on (all of them if the labels do not compare)."""
    try:
        return values[values.index >= first]
    except TypeError:
        return values


def plot_forecast_grid(actual: Mapping[str, Any], future: Mapping[str, Any] | None = None,
                       *, predicted: Mapping[str, Any] | None = None, most: int = 20,
                       columns: int = 4, title: str | None = None) -> Any:
    """Draw many series on a grid, a small panel each: actual, predicted, forecast (and band).

    Each panel shows the end of its series (4 forecast lengths, ≥ 24 steps),
    the predictions over it and the forecast after it, dashed, with its band.
    Beyond `most` series, the first `most` are drawn and the title says so.

    Args:
        actual: `{name: Series}` of each series' values.
        future: `{name: forecast}`: a `Series`, or a `DataFrame` with the columns
            `forecast`, `lower`, `upper` (e.g. from `w.forecast(..., interval=0.8)`).
        predicted: `{name: Series}` of predictions on the series' index.
        most, columns, title: the most panels drawn, panels per row (≥ 1), the title.

    Returns:
        The matplotlib `Figure` (its `.axes`: one panel per series drawn).

    Raises:
        ValueError: for an empty `actual`, or `most` or `columns` below 1.

    Example:
    >>> index = pd.date_range("2020-01-01", periods=30, freq="MS")
    >>> actual = {"north": pd.Series(np.arange(30.0), index=index),
    ...           "south": pd.Series(np.arange(30.0)[::-1], index=index)}
    >>> after = pd.date_range("2022-07-01", periods=3, freq="MS")
    >>> figure = plot_forecast_grid(actual, {"north": pd.Series([30.0, 31, 32], index=after)})
    >>> [ax.get_title() for ax in figure.axes]
    ['north', 'south']
    """
    import matplotlib.pyplot as plt

    if not isinstance(actual, Mapping) or not actual:
        raise ValueError("actual must be a non-empty dict {name: Series} of the series to plot.")
    names = list(actual)[:check_optional_int("most", most)]
    width = min(check_optional_int("columns", columns), len(names))
    rows = -(-len(names) // width)
    figure, axes = plt.subplots(rows, width, squeeze=False, layout="constrained",
                                figsize=(3.6 * width, 2.4 * rows))
    for ax in axes.ravel()[len(names):]:
        ax.remove()
    for ax, name in zip(axes.ravel(), names, strict=False):
        _grid_panel(ax, name, actual[name], (future or {}).get(name), (predicted or {}).get(name))
    note = f" (the first {len(names)} of {len(actual)} series)" if len(actual) > most else ""
    figure.suptitle((title or "") + note)
    return figure


def _grid_panel(ax: Any, name: str, actual: Any, future: Any, predicted: Any) -> None:
    """One panel of the grid: the end of the series, its predictions and its forecast."""
    series, _ = _actual_series(actual)
    lines, band = _future_parts(future, name)
    series = series.iloc[-max([24] + [4 * len(v) for v in lines.values()]):]
    ax.plot(series.index, series.to_numpy(), color="black", linewidth=0.9, label="actual")
    for shown in [] if predicted is None else [_from(predicted, series.index[0])]:
        ax.plot(shown.index, shown.to_numpy(), color="tab:orange", lw=1.6, label="predicted")
    if band is not None:
        ax.fill_between(band[0].index, band[0].to_numpy(dtype="float64"), band[1].to_numpy(
            dtype="float64"), color="tab:green", alpha=0.2, linewidth=0, label=band[2])
    for values in lines.values():
        ax.plot(values.index, values.to_numpy(), color="tab:green", linestyle="--",
                linewidth=1.5, label="forecast")
    ax.set_title(str(name), fontsize="small")
    ax.tick_params(labelsize="x-small")
    ax.grid(True, alpha=0.3)
    _ = ax.legend(loc="best", fontsize="x-small") if ax is ax.figure.axes[0] else None


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
