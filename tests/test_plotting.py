"""Tests for rnnkit.plotting: plot_forecast and plot_history draw what they say and return Axes."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from rnnkit.plotting import plot_forecast, plot_history  # noqa: E402
from tests._bad_input import bad_input_test, case, t


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
]

test_bad_input = bad_input_test(BAD_INPUT)
