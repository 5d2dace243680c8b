"""Tests for rnnkit.plotting: plot_forecast and plot_history draw what they say and return Axes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402

from rnnkit.plotting import plot_forecast, plot_forecast_grid, plot_history  # noqa: E402
from tests._bad_input import bad_input_test, case, t  # noqa: E402


@pytest.fixture()
def series():
    index = pd.date_range("1949-01-01", periods=48, freq="MS", name="month")
    return pd.Series(100 + np.arange(48.0), index=index, name="passengers")


def test_plot_forecast_draws_actual_predicted_future_and_test_start(series):
    predicted = (series.iloc[24:] + 1).rename("predicted")
    future = pd.Series([150.0, 151.0], index=pd.date_range("1953-01-01", periods=2, freq="MS"))
    ax = plot_forecast(series, predicted, test_start=series.index[36], future=future)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["actual passengers", "predicted", "forecast", "test part starts"]
    actual_line, predicted_line, future_line, marker = ax.get_lines()
    np.testing.assert_array_equal(actual_line.get_ydata(), series.to_numpy())
    np.testing.assert_array_equal(predicted_line.get_ydata(), predicted.to_numpy())
    assert future_line.get_linestyle() == "--"
    # the x axis is the series' own dates
    assert pd.Timestamp(actual_line.get_xdata()[0]) == series.index[0]
    assert pd.Timestamp(future_line.get_xdata()[-1]) == pd.Timestamp("1953-02-01")
    assert ax.get_xlabel() == "month" and ax.get_ylabel() == "passengers"
    assert ax.get_legend() is not None
    plt.close(ax.figure)


def test_plot_forecast_on_given_axes_and_dataframe_predictions(series):
    fig, (left, right) = plt.subplots(1, 2)
    both = pd.DataFrame({"lstm": series + 1, "gru": series - 1})
    ax = plot_forecast(series, both, ax=right, title="two models")
    assert ax is right and not left.get_lines()
    assert [line.get_label() for line in ax.get_lines()][1:] == ["predicted lstm",
                                                                 "predicted gru"]
    assert ax.get_title() == "two models"
    plt.close(fig)


def test_plot_forecast_rejects_bad_actual(series):
    with pytest.raises(ValueError, match="actual has 2 columns"):
        plot_forecast(pd.DataFrame({"a": series, "b": series}))
    with pytest.raises(ValueError, match="actual is empty"):
        plot_forecast(pd.Series([], dtype=float))


def banded(index: pd.DatetimeIndex, level: float = 0.8) -> pd.DataFrame:
    """A forecast with an interval, as w.forecast(model, steps, interval=level) returns it."""
    forecast = np.linspace(150.0, 160.0, len(index))
    frame = pd.DataFrame({"forecast": forecast, "lower": forecast - 5, "upper": forecast + 7},
                         index=index)
    frame.attrs["interval"] = level
    return frame


def test_plot_forecast_draws_the_interval_band(series):
    future = banded(pd.date_range("1953-01-01", periods=6, freq="MS", name="month"))
    ax = plot_forecast(series, future=future)
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(bands) == 1 and bands[0].get_label() == "80% interval"
    vertices = bands[0].get_paths()[0].vertices
    x = mdates.date2num(future.index.to_pydatetime())
    assert vertices[:, 0].min() == pytest.approx(x[0]) and vertices[:, 0].max() == pytest.approx(
        x[-1])
    assert set(np.round(vertices[:, 1], 9)) == set(future["lower"]) | set(future["upper"])
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(lines["forecast"].get_ydata(), future["forecast"].to_numpy())
    assert "80% interval" in [text.get_text() for text in ax.get_legend().get_texts()]
    plt.close(ax.figure)


def test_plot_forecast_band_of_one_target_among_several(series):
    index = pd.date_range("1953-01-01", periods=3, freq="MS", name="month")
    one, other = banded(index), banded(index) * 10
    future = pd.concat({"passengers": one, "other": other}, axis=1).swaplevel(axis=1)
    future.attrs["interval"] = 0.9
    ax = plot_forecast(series, future=future)
    (band,) = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert band.get_label() == "90% interval"
    assert band.get_paths()[0].vertices[:, 1].max() == pytest.approx(one["upper"].max())
    plt.close(ax.figure)


@pytest.fixture()
def half_hourly():
    """17,520 half-hourly points with a daily season, no frequency-based season; test: last 15%."""
    steps = np.arange(17_520)
    index = pd.date_range("2023-01-01", periods=len(steps), freq="30min", name="time")
    values = 50 + 10 * np.sin(2 * np.pi * steps / 48) + np.random.default_rng(0).normal(
        0, 1, len(steps))
    actual = pd.Series(values, index=index, name="load")
    test_start = index[int(len(index) * 0.85)]
    predicted = (actual.shift(48).loc[test_start:] + 0.5).rename("predicted")
    future = banded(pd.date_range(index[-1] + pd.Timedelta("30min"), periods=96, freq="30min"))
    return actual, predicted, test_start, future


def xlimits(ax) -> tuple[pd.Timestamp, pd.Timestamp]:
    low, high = ax.get_xlim()
    return (pd.Timestamp(mdates.num2date(low)).tz_localize(None),
            pd.Timestamp(mdates.num2date(high)).tz_localize(None))


def test_a_long_series_shows_the_test_part_and_forecast_with_a_few_seasons(half_hourly):
    actual, predicted, test_start, future = half_hourly
    ax = plot_forecast(actual, predicted, test_start=test_start, future=future)
    low, high = xlimits(ax)
    season = pd.Timedelta("1D")  # 48 half-hours, found from the values
    assert test_start - 4 * season < low < test_start - 2 * season  # 3 seasons of context
    assert high >= future.index[-1]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert len(lines["actual load"].get_xdata()) == 2628 + 3 * 48  # not the whole history
    assert pd.Timestamp(lines["actual load"].get_xdata()[0]) == test_start - 3 * season
    assert lines["actual load"].get_zorder() > lines["predicted"].get_zorder()
    assert lines["actual load"].get_linewidth() < lines["predicted"].get_linewidth()
    panels = ax.figure.axes
    assert len(panels) == 2 and panels[0] is ax  # and a close-up below, the view being long
    low, high = xlimits(panels[1])
    assert actual.index[-1] - 4 * season < low < actual.index[-1] - 2 * season
    assert high >= future.index[-1]
    plt.close(ax.figure)


def test_the_whole_history_on_request(half_hourly):
    actual, predicted, test_start, future = half_hourly
    ax = plot_forecast(actual, predicted, test_start=test_start, future=future, history=True)
    overview, main, closeup = ax.figure.axes
    assert main is ax and overview.get_title() == "load: whole series"
    assert xlimits(overview)[0] <= actual.index[0] < xlimits(main)[0]
    plt.close(ax.figure)
    fig, own = plt.subplots()
    ax = plot_forecast(actual, predicted, test_start=test_start, future=future, ax=own,
                       context="all")
    assert ax is own and len(fig.axes) == 1  # no close-up on the caller's Axes
    assert xlimits(ax)[0] <= actual.index[0]
    plt.close(fig)


def test_context_and_season_set_the_view_of_a_plain_index():
    values = pd.Series(np.sin(np.arange(2000) * 2 * np.pi / 25), name="v")  # RangeIndex
    predicted = values.iloc[1800:].rename("predicted")
    ax = plot_forecast(values, predicted)  # season 25 found from the values
    assert ax.get_lines()[0].get_xdata()[0] == 1800 - 75
    plt.close(ax.figure)
    ax = plot_forecast(values, predicted, season=10, closeup=False)
    assert ax.get_lines()[0].get_xdata()[0] == 1800 - 30 and len(ax.figure.axes) == 1
    plt.close(ax.figure)
    ax = plot_forecast(values, predicted, context=5)
    assert ax.get_lines()[0].get_xdata()[0] == 1795
    plt.close(ax.figure)


def test_plot_history_training_and_validation():
    logs = {"loss": [1.0, 0.5, 0.25], "val_loss": [1.2, 0.7, 0.6], "mae": [0.8, 0.6, 0.4],
            "val_mae": [0.9, 0.7, 0.65]}

    class History:  # what model.fit returns: an object with .history
        history = logs

    for source in (History(), logs):
        ax = plot_history(source)
        lines = {line.get_label(): line for line in ax.get_lines()}
        assert set(lines) == {"training loss", "validation loss", "training mae",
                              "validation mae"}
        np.testing.assert_array_equal(lines["validation loss"].get_ydata(), logs["val_loss"])
        np.testing.assert_array_equal(lines["training loss"].get_xdata(), [1, 2, 3])
        assert ax.get_xlabel() == "epoch"
        plt.close(ax.figure)
    fig, ax = plt.subplots()
    assert plot_history({"loss": [100.0, 1.0]}, ax=ax) is ax
    assert ax.get_yscale() == "log"
    plt.close(fig)


def test_plot_history_rejects_empty():
    with pytest.raises(ValueError, match="at least one epoch"):
        plot_history({})


# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

def test_plot_forecast_grid_draws_a_panel_per_series_up_to_most(series):
    actual = {f"s{i}": series + i for i in range(5)}
    after = pd.date_range("1953-01-01", periods=3, freq="MS")
    band = pd.DataFrame({"forecast": [1.0, 2, 3], "lower": [0.0, 1, 2], "upper": [2.0, 3, 4]},
                        index=after)
    figure = plot_forecast_grid(actual, {"s0": band}, predicted={"s1": series.iloc[-6:]},
                                most=3, columns=2, title="grid")
    assert [ax.get_title() for ax in figure.axes] == ["s0", "s1", "s2"]
    assert "the first 3 of 5 series" in figure._suptitle.get_text()
    first = figure.axes[0]
    assert any(isinstance(c, PolyCollection) for c in first.collections)  # the band
    assert [line.get_label() for line in figure.axes[1].get_lines()] == ["actual", "predicted"]
    assert len(first.get_lines()[0].get_xdata()) == 24  # the end of the series: 24 steps
    plt.close(figure)
    with pytest.raises(ValueError, match="non-empty"):
        plot_forecast_grid({})


BAD_INPUT = [
    # ---------------------------------------------------------------- plots
    case("plot-forecast-empty", t(plot_forecast, pd.Series([], dtype="float64")), ValueError,
         "actual", "empty"),
    case("plot-forecast-none", t(plot_forecast, None), ValueError, "actual"),
    case("plot-forecast-ax-not-axes", t(plot_forecast, pd.Series([1.0, 2.0]), ax="left"),
         ValueError, "ax='left'", "Axes"),
    case("plot-history-ax-not-axes", t(plot_history, {"loss": [1.0, 0.5]}, ax="left"),
         ValueError, "ax='left'", "Axes"),
    case("plot-forecast-2d-array", t(plot_forecast, np.zeros((5, 2))), ValueError, "actual",
         "shape (5, 2)"),
    case("plot-forecast-wide-frame", t(plot_forecast, pd.DataFrame({"a": [1.0], "b": [2.0]})),
         ValueError, "actual", "2 columns"),
    case("plot-history-empty", t(plot_history, {"loss": []}), ValueError, "history",
         "at least one epoch"),
    case("plot-forecast-history-on-given-ax",
         t(lambda: plot_forecast(pd.Series([1.0, 2.0]), ax=plt.subplots()[1], history=True)),
         ValueError, "history=True", "ax=None"),
    case("plot-forecast-context-word", t(plot_forecast, pd.Series([1.0, 2.0]), context="most"),
         ValueError, "context='most'"),
    case("plot-forecast-closeup-not-bool", t(plot_forecast, pd.Series([1.0, 2.0]),
                                             closeup="yes"),
         ValueError, "closeup='yes'", "True or False"),
    case("plot-forecast-future-columns",
         t(plot_forecast, pd.Series([1.0, 2.0]),
           future=pd.DataFrame({("mean", "a"): [1.0]}, index=[2])),
         ValueError, "future", "interval="),
]

test_bad_input = bad_input_test(BAD_INPUT)
