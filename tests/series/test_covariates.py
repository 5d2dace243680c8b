"""Tests of known features and calendar encodings (rnnkit.series.covariates, inputs)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from rnnkit.series import SeriesWindows, backtest
from rnnkit.series.covariates import calendar_frame
from tests._bad_input import bad_input_test, case, t
from tests.series._helpers import StubModel, tiny_model

N = 60


def law_frame(n: int = N) -> pd.DataFrame:
    """A monthly target, a past-only feature and a 0/1 `law` known in advance."""
    rng = np.random.default_rng(0)
    index = pd.date_range("2000-01-01", periods=n, freq="MS", name="month")
    law = (np.arange(n) >= n // 2).astype("float64")
    return pd.DataFrame({"y": 100 + rng.normal(size=n).cumsum() - 5 * law,
                         "f": rng.normal(size=n), "law": law}, index=index)


def future_of(w: SeriesWindows, steps: int, law: float = 1.0) -> pd.DataFrame:
    return pd.DataFrame({"law": np.full(steps, law)}, index=w.future_index(steps))


# ============================================================================ bad input

BAD_INPUT = [
    case("windows-calendar-unknown-name",
         t(SeriesWindows, law_frame(), target="y", window=4, calendar=["moon"]),
         ValueError, "calendar=['moon']", "month"),
    case("windows-calendar-without-dates",
         t(SeriesWindows, list(range(40)), window=4, calendar=True),
         ValueError, "calendar", "date_column"),
    case("windows-known-feature-also-target",
         t(SeriesWindows, law_frame(), target="y", window=4, known_features=["y"]),
         ValueError, "['y']", "known features and also targets"),
    case("windows-known-feature-not-a-column",
         t(SeriesWindows, law_frame(), target="y", window=4, known_features=["lw"]),
         KeyError, "['lw']", "known_features", "'law'"),
    case("windows-known-window-shorter-than-horizon",
         t(SeriesWindows, law_frame(), target="y", window=2, output_steps=3,
           known_features="law"),
         ValueError, "window=2", "output_steps=3", "window >= output_steps"),
    case("windows-forecast-future-missing",
         t(lambda: SeriesWindows(law_frame(), target="y", window=4, known_features="law")
           .forecast(StubModel(SeriesWindows(law_frame(), target="y", window=4,
                                             known_features="law")), 3)),
         ValueError, "['law']", "future=", "2005-01-01"),
    case("windows-forecast-future-lacks-a-date",
         t(lambda: (lambda w: w.forecast(StubModel(w), 3, future=future_of(w, 2)))(
             SeriesWindows(law_frame(), target="y", window=4, known_features="law"))),
         ValueError, "lacks 1 of the dates", "2005-03-01"),
    case("windows-forecast-future-lacks-a-column",
         t(lambda: (lambda w: w.forecast(StubModel(w), 3,
                                         future=future_of(w, 3).rename(columns={"law": "x"})))(
             SeriesWindows(law_frame(), target="y", window=4, known_features="law"))),
         ValueError, "lacks the known feature column(s) ['law']"),
    case("windows-forecast-future-without-known-features",
         t(lambda: (lambda w: w.forecast(StubModel(w), 3, future=future_of(w, 3)))(
             SeriesWindows(law_frame(), target="y", window=4))),
         ValueError, "have none", "known_features="),
    case("windows-forecast-future-with-nan",
         t(lambda: (lambda w: w.forecast(StubModel(w), 3, future=future_of(w, 3, np.nan)))(
             SeriesWindows(law_frame(), target="y", window=4, known_features="law"))),
         ValueError, "non-finite known values"),
    case("windows-forecast-past-features-suggest-known",
         t(lambda: (lambda w: w.forecast(StubModel(w), 3))(
             SeriesWindows(law_frame(), target="y", features="f", window=4))),
         ValueError, "steps=3", "['f']", "known_features="),
]

test_bad_input = bad_input_test(BAD_INPUT)


# ============================================================================ look-ahead

@pytest.mark.parametrize("output_steps", [None, 3])
def test_known_features_reach_the_predicted_steps_and_past_features_do_not(output_steps):
    frame = law_frame()
    w = SeriesWindows(frame, target="y", features="f", known_features="law", window=6,
                      output_steps=output_steps, scale=None)
    x, _ = w.arrays("train")
    lead = output_steps or 1
    sample = 10  # its window covers rows 10..15; it predicts rows 16.. (the last step: 16+lead-1)
    changed = frame.copy()
    changed.iloc[16:, 1] += 100.0  # the past feature at and after the first predicted step
    changed.iloc[16 + lead - 1:, 2] += 100.0  # the law from the last predicted step on
    x2, _ = SeriesWindows(changed, target="y", features="f", known_features="law", window=6,
                          output_steps=output_steps, scale=None).arrays("train")
    # the past feature is seen only up to the origin: no input of this window changes
    assert np.array_equal(x[sample, :, 1], x2[sample, :, 1])
    # the known feature of the last predicted step is an input of this window (its last row)
    assert x2[sample, -1, 2] - x[sample, -1, 2] == 100.0
    assert np.array_equal(x[sample, :-1, 2], x2[sample, :-1, 2])
    # and a window ending one row earlier does not read it
    assert np.array_equal(x[sample - 1], x2[sample - 1])


def test_known_features_are_scaled_on_the_training_part_and_not_logged_or_differenced():
    frame = law_frame()
    w = SeriesWindows(frame, target="y", known_features="law", window=4, log=True,
                      difference=True, calendar=["month"])
    scaler = w.scaler
    assert scaler["columns"] == ["y", "law", "month_sin", "month_cos"]
    lo, hi = w.part_rows("train")
    train = frame["law"].to_numpy()[lo + 1: hi + 1]  # transformed row i is frame row i + 1
    assert scaler["center"][1] == pytest.approx(train.mean())
    assert scaler["scale"][1] == pytest.approx(train.std())
    # input row t holds the law of row t + 1 (transformed rows: frame row t + 2), as it is
    expected = (frame["law"].to_numpy()[2:] - train.mean()) / train.std()
    assert np.allclose(w._inputs[:-1, 1], expected)
    assert np.isnan(w._inputs[-1, 1:]).all()  # after the data: filled by future= only
    # a known feature constant on the training part keeps scale 1 (never a division by 0)
    late = frame.assign(law=(np.arange(N) >= 50) * 1.0)
    assert SeriesWindows(late, target="y", known_features="law", window=4).scaler["scale"][1] \
        == 1.0


# ============================================================================ forecast

def test_forecast_takes_the_known_future_and_calendar_from_the_dates():
    w = SeriesWindows(law_frame(), target="y", known_features="law", calendar=True, window=4,
                      output_steps=2)
    model = StubModel(w, seed=1)
    with_law = w.forecast(model, 5, future=future_of(w, 6, 1.0))
    without = w.forecast(model, 5, future=future_of(w, 6, 0.0))
    assert list(with_law.index) == list(w.future_index(5))
    assert not np.allclose(with_law, without)  # the model reads the future law
    # the first call reads the law of the two first future steps only: a change after them
    # moves steps 3.. and not 1..2
    late = future_of(w, 6, 1.0)
    late.iloc[2:] = 0.0
    moved = w.forecast(model, 5, future=late)
    assert np.allclose(moved.iloc[:2], with_law.iloc[:2])
    assert not np.allclose(moved.iloc[2:], with_law.iloc[2:])
    # 5 steps need 3 calls of 2: the future must cover 6 steps
    with pytest.raises(ValueError, match="lacks 1 of the dates"):
        w.forecast(model, 5, future=future_of(w, 5))


def test_forecast_with_calendar_only_needs_no_future_and_matches_a_manual_recursion():
    w = SeriesWindows(law_frame(), target="y", calendar=["month"], window=4, scale=None)
    model = StubModel(w, seed=2)
    made = w.forecast(model, 3)
    x = w._inputs[-4:].astype("float64")
    future = calendar_frame(w.future_index(3), ["month"]).to_numpy()
    x[-1, 1:] = future[0]
    values = []
    for step in range(3):
        y = model.predict_on_batch(x[None])[0, -1, 0]
        values.append(y)
        if step < 2:
            x = np.vstack([x[1:], np.concatenate([[y], future[step + 1]])])
    assert np.allclose(made.to_numpy(), values, atol=1e-4)


def test_backtest_feeds_the_true_known_values():
    frame = law_frame()
    w = SeriesWindows(frame, target="y", known_features="law", window=4)
    model = StubModel(w, seed=3)
    starts = backtest.origins(w, "test", horizon=3)
    levels = backtest.forecast_levels(w, model, starts, 3)
    # the same as forecasting from the data cut at each origin, with the true law as future
    for k, start in enumerate(starts[[0, -1]]):
        cut = SeriesWindows.from_config(w.to_config(include_data=False),
                                        data=frame.iloc[: start])
        future = frame.iloc[start: start + 3][["law"]]
        expected = cut.forecast(model, 3, future=future).to_numpy()
        assert np.allclose(levels[[0, -1][k], :, 0], expected, atol=1e-4)
    table = w.backtest(model, 3)
    assert {"model", "naive"} <= set(table.index)


# ============================================================================ saved

def test_config_round_trip_keeps_known_features_and_calendar(tmp_path):
    w = SeriesWindows(law_frame(), target="y", known_features="law", calendar=True, window=4)
    model = tiny_model(w)
    again = SeriesWindows.from_config(json.loads(json.dumps(w.to_config())))
    assert again.input_shape == w.input_shape == (4, 4)
    assert np.array_equal(again._inputs, w._inputs, equal_nan=True)
    future = future_of(w, 3)
    assert again.forecast(model, 3, future=future).equals(w.forecast(model, 3, future=future))
    from rnnkit.bundle import load_bundle, save_bundle

    save_bundle(tmp_path / "b", model, windows=w)
    bundle = load_bundle(tmp_path / "b")
    assert bundle.windows.known_columns == ["law", "month_sin", "month_cos"]
    assert bundle.windows.forecast(bundle.model, 3, future=future).equals(
        w.forecast(model, 3, future=future))


def test_the_longest_horizon_counts_the_whole_model_calls_that_read_known_values():
    frame = law_frame(67)
    w = SeriesWindows(frame, target="y", known_features="law", window=6, output_steps=4,
                      split=(0.7, 0.15, 0.15))
    lo, hi = w.part_rows("test")
    assert hi - max(lo, w.window) == 10  # rows in the test part after its first origin
    assert backtest.longest_horizon(w, "test") == 8  # 3 calls of 4 would read 2 rows past
    assert len(backtest.origins(w, "test", 8)) == 3
    with pytest.raises(ValueError, match="Use horizon <= 8"):
        backtest.origins(w, "test", 9)
    plain = SeriesWindows(frame, target="y", window=6, output_steps=4)
    assert backtest.longest_horizon(plain, "test") == 10


def test_future_of_data_without_dates_is_read_by_row_number_when_it_has_them():
    frame = law_frame().reset_index(drop=True)
    w = SeriesWindows(frame, target="y", known_features="law", window=4)
    model = StubModel(w, seed=4)
    exact = pd.DataFrame({"law": [1.0, 0.0, 1.0]}, index=[60, 61, 62])
    wider = pd.DataFrame({"law": [0.0, 0.0, 0.0, 1.0, 0.0, 1.0]}, index=range(57, 63))
    plain = pd.DataFrame({"law": [1.0, 0.0, 1.0]})  # a fresh frame: its rows in order
    expected = w.forecast(model, 3, future=exact)
    assert w.forecast(model, 3, future=wider).equals(expected)
    assert w.forecast(model, 3, future=plain).equals(expected)
