"""Tests of rnnkit.series.backtest: rolling-origin, multi-step errors against the baselines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnnkit.series import SeriesWindows, backtest
from tests._bad_input import bad_input_test, case, t, using
from tests.series._helpers import StubModel, counting, tiny_model

# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    case("windows-backtest-horizon-too-long",
         using(lambda c: t(c.shared.windows.backtest, c.shared.model, 30)),
         ValueError, "horizon=30", "test part", "9 rows", "horizon <= 9", "split="),
    case("windows-backtest-horizon-zero",
         using(lambda c: t(c.shared.windows.backtest, c.shared.model, 0)),
         ValueError, "horizon=0"),
    case("windows-backtest-stride-zero",
         using(lambda c: t(c.shared.windows.backtest, c.shared.model, 3, stride=0)),
         ValueError, "stride=0"),
    case("windows-backtest-refit-zero",
         using(lambda c: t(c.shared.windows.backtest, c.shared.model, 3, refit=0)),
         ValueError, "refit=0"),
    case("windows-backtest-bad-season",
         using(lambda c: t(c.shared.windows.backtest, c.shared.model, 3, season=-1)),
         ValueError, "season=-1"),
    case("windows-backtest-bad-split",
         using(lambda c: t(c.shared.windows.backtest, c.shared.model, 3, split="validation")),
         ValueError, "split='validation'", "'val'"),
    case("windows-backtest-bad-interval",
         using(lambda c: t(c.shared.windows.backtest, c.shared.model, 3, interval=80)),
         ValueError, "interval=80", "(0.0, 1.0)"),
    case("windows-backtest-input-shape",
         using(lambda c: t(c.shared.windows.backtest, c.shared.short_model, 3)),
         ValueError, "(5, 1)", "(8, 1)", "build_seq2seq"),
    case("windows-backtest-needs-future-features",
         using(lambda c: t(c.shared.feature_windows.backtest, c.shared.feature_model, 3)),
         ValueError, "horizon=3", "['f']", "horizon <= 1"),
    case("windows-backtest-refit-needs-a-compiled-model",
         using(lambda c: t(c.shared.windows.backtest, StubModel(c.shared.windows), 3, refit=2)),
         ValueError, "refit", "compiled"),
]

test_bad_input = bad_input_test(BAD_INPUT)

# ============================================================================ helpers


def noisy(n: int = 200, seed: int = 0) -> pd.DataFrame:
    """A positive monthly series with a trend, a season of 12 and noise."""
    rng = np.random.default_rng(seed)
    steps = np.arange(n)
    values = 100 + 0.5 * steps + 10 * np.sin(2 * np.pi * steps / 12) + rng.normal(0, 2, n)
    index = pd.date_range("2000-01-01", periods=n, freq="MS", name="month")
    return pd.DataFrame({"y": values, "z": values[::-1] + 5.0}, index=index)


def per_origin_mae(w: SeriesWindows, model, starts: np.ndarray, horizon: int) -> np.ndarray:
    """Mean absolute error of each origin's forecast, by hand (original units)."""
    levels = backtest.forecast_levels(w, model, starts, horizon)
    predicted = backtest.to_original(w, levels)[:, :, 0]
    frame = w.frame.iloc[:, 0].to_numpy()
    actual = frame[starts[:, None] + w._offset + np.arange(horizon)]
    return np.abs(predicted - actual).mean(axis=1)


# ============================================================================ no look-ahead

@pytest.mark.parametrize("output_steps", [None, 3])
@pytest.mark.parametrize("log,difference", [(False, False), (True, True)])
def test_no_input_at_or_after_the_origin_is_read(output_steps, log, difference):
    frame = noisy()[["y"]]
    w = SeriesWindows(frame, window=12, output_steps=output_steps, log=log,
                      difference=difference)
    model = StubModel(w)
    horizon = 7  # beyond one model call: the forecasts are fed back
    starts = backtest.origins(w, "test", horizon)
    expected = backtest.forecast_levels(w, model, starts, horizon)
    for i, origin in enumerate(starts):
        first = origin + w._offset  # the frame row of the first forecast step
        changed = frame.copy()
        changed.iloc[first:, 0] *= 1.5 + np.arange(len(frame) - first)  # every later value
        w2 = SeriesWindows(changed, window=12, output_steps=output_steps, log=log,
                           difference=difference)
        assert w2.scaler == w.scaler  # fit on the training part only
        got = backtest.forecast_levels(w2, model, starts[i:i + 1], horizon)
        np.testing.assert_array_equal(got[0], expected[i])
        # the check has teeth: the value just before the origin does change the forecast
        earlier = frame.copy()
        earlier.iloc[first - 1, 0] *= 1.5
        w3 = SeriesWindows(earlier, window=12, output_steps=output_steps, log=log,
                           difference=difference)
        assert not np.allclose(backtest.forecast_levels(w3, model, starts[i:i + 1], horizon)[0],
                               expected[i])


def test_refit_trains_only_on_windows_before_the_origin():
    w = SeriesWindows(counting(60).reset_index(drop=True), window=4, output_steps=2,
                      scale=None)
    for before in (10, 33, 57):
        x, y = backtest.training_windows(w, before)
        assert y.max() == before - 1  # every target row before the origin, up to the last
        assert x.max() < before - 2 and len(x) == before - 4 - 2 + 1
    w1 = SeriesWindows(counting(60).reset_index(drop=True), window=4, scale=None)
    x, y = backtest.training_windows(w1, 20)
    assert y.max() == 19 and x.max() == 18


# ============================================================================ the table

def test_horizon_one_backtest_is_the_one_step_evaluation(airpassengers):
    w, model = airpassengers
    pd.testing.assert_frame_equal(w.backtest(model, 1), w.evaluate(model, "test"),
                                  check_names=False, rtol=1e-9)
    assert w.backtest(model, 1).columns.name == (
        "test backtest (horizon 1, 21 origins, stride 1, season 12)")


def test_per_step_errors_average_to_the_overall(airpassengers):
    w, model = airpassengers
    table = w.backtest(model, 12)
    steps = w.backtest(model, 12, per_step=True)
    assert list(table.index) == ["model", "naive", "seasonal naive"]
    assert steps.index.names == ["method", "step"] and len(steps) == 36
    assert list(steps.loc["model"].index) == list(range(1, 13))
    for method in table.index:
        by_step = steps.loc[method]
        for metric in ("MAE", "MAPE", "sMAPE", "MASE"):
            assert by_step[metric].mean() == pytest.approx(table.loc[method, metric], rel=1e-12)
        assert np.sqrt((by_step["RMSE"] ** 2).mean()) == pytest.approx(
            table.loc[method, "RMSE"], rel=1e-12)
    assert table.columns.name == "test backtest (horizon 12, 10 origins, stride 1, season 12)"


def test_baselines_are_the_last_value_and_the_value_one_season_back(airpassengers):
    w, model = airpassengers
    steps = w.backtest(model, 12, per_step=True)
    y = w.frame["passengers"].to_numpy(dtype="float64")
    origins = np.arange(123, 133)  # frame rows of the first forecast steps (10 origins)
    scale = np.abs(np.diff(y[1:101])).mean()  # the training part's naive MAE, as evaluate
    for step in (1, 6, 12):
        rows = origins + step - 1
        naive = np.abs(y[rows] - y[origins - 1]).mean()
        seasonal = np.abs(y[rows] - y[rows - 12]).mean()
        assert steps.loc[("naive", step), "MAE"] == pytest.approx(naive, rel=1e-12)
        assert steps.loc[("seasonal naive", step), "MAE"] == pytest.approx(seasonal, rel=1e-12)
        assert steps.loc[("naive", step), "MASE"] == pytest.approx(naive / scale, rel=1e-12)
    # a seasonal naive never reads the target's own step: past one season, two seasons back
    w24 = SeriesWindows(noisy(300)[["y"]], window=12, split=(0.5, 0.2, 0.3))
    y24 = w24.frame["y"].to_numpy()
    steps24 = w24.backtest(StubModel(w24), 20, per_step=True)
    first = np.arange(w24.part_rows("test")[0], w24.part_rows("test")[1] - 19)
    rows = first + 15 - 1
    assert steps24.loc[("seasonal naive", 15), "MAE"] == pytest.approx(
        np.abs(y24[rows] - y24[rows - 24]).mean(), rel=1e-12)


def test_the_model_is_scored_on_its_own_multi_step_forecasts(airpassengers):
    w, model = airpassengers
    starts = backtest.origins(w, "test", 12)
    assert starts.tolist() == list(range(122, 132))
    expected = per_origin_mae(w, model, starts, 12).mean()
    assert w.backtest(model, 12).loc["model", "MAE"] == pytest.approx(expected, rel=1e-12)
    # the last origin's forecast is the forecast of the data cut there
    cut = w.apply(w.frame.iloc[: starts[-1] + 1])
    path = backtest.to_original(w, backtest.forecast_levels(w, model, starts[-1:], 12))[0, :, 0]
    np.testing.assert_allclose(path, cut.forecast(model, 12).to_numpy(), rtol=1e-5)


def test_stride_keeps_every_stride_th_origin():
    w = SeriesWindows(noisy(), window=12, target="y")
    model = StubModel(w)
    every = backtest.origins(w, "test", 5)
    assert backtest.origins(w, "test", 5, 3).tolist() == every[::3].tolist()
    table = w.backtest(model, 5, stride=3)
    assert table.loc["model", "MAE"] == pytest.approx(
        per_origin_mae(w, model, every[::3], 5).mean(), rel=1e-12)
    assert f"{len(every[::3])} origins, stride 3" in table.columns.name


@pytest.mark.parametrize("output_steps,horizon,calls", [(None, 7, 7), (3, 7, 3), (7, 7, 1),
                                                         (12, 5, 1)])
def test_one_predict_call_per_model_call_of_the_horizon(output_steps, horizon, calls):
    w = SeriesWindows(noisy(), window=12, target="y", output_steps=output_steps)
    model = StubModel(w)
    w.backtest(model, horizon)
    origins = len(backtest.origins(w, "test", horizon))
    assert model.calls == [origins] * calls  # all origins in every call


def test_several_targets_have_a_target_level_first():
    w = SeriesWindows(noisy(), window=12)
    model = StubModel(w)
    table = w.backtest(model, 4)
    assert table.index.names == ["target", "method"]
    assert list(table.index) == [(t, m) for t in ("y", "z")
                                 for m in ("model", "naive", "seasonal naive")]
    steps = w.backtest(model, 4, per_step=True)
    assert steps.index.names == ["target", "method", "step"] and len(steps) == 2 * 3 * 4
    for target in ("y", "z"):  # each target's rows: the errors of its own column
        assert steps.loc[target].groupby(level="method")["MAE"].mean().to_dict() == \
            pytest.approx(table.loc[target, "MAE"].to_dict(), rel=1e-12)
    z = w.frame["z"].to_numpy()
    first = backtest.origins(w, "test", 4)
    naive = np.abs(z[first[:, None] + np.arange(4)] - z[first - 1][:, None]).mean()
    assert table.loc[("z", "naive"), "MAE"] == pytest.approx(naive, rel=1e-12)


def test_season_comes_from_the_windows_and_the_argument_overrides():
    frame = noisy().reset_index(drop=True)[["y"]]  # no dates
    w = SeriesWindows(frame, window=12, season=12)
    model = StubModel(w)
    assert "seasonal naive" in w.backtest(model, 3).index
    assert "season 6" in w.backtest(model, 3, season=6).columns.name


def test_refit_retrains_a_copy_every_k_origins(monkeypatch):
    import keras

    w = SeriesWindows(counting(60), window=4, seed=0)
    model = tiny_model(w)
    before = [v.copy() for v in model.get_weights()]
    trained_before = []
    original = backtest._refit_copy

    def spy(windows, m, origin, epochs):
        trained_before.append(int(origin))
        return original(windows, m, origin, epochs)

    monkeypatch.setattr(backtest, "_refit_copy", spy)
    keras.utils.set_random_seed(0)
    starts = backtest.origins(w, "test", 3)  # 7 origins
    refit = w.backtest(model, 3, refit=3, refit_epochs=1)
    assert trained_before == starts[::3].tolist()  # 3 copies, each before its block
    assert "refit every 3" in refit.columns.name
    for saved, now in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, now)  # the given model is left as it was
    plain = w.backtest(model, 3)
    assert refit.loc["model", "MAE"] != plain.loc["model", "MAE"]
    pd.testing.assert_frame_equal(refit.loc[["naive", "seasonal naive"]],
                                  plain.loc[["naive", "seasonal naive"]], check_names=False)


def test_the_notes_say_why_a_metric_is_undefined():
    values = np.tile([0.0, 1.0, 2.0, 1.0], 30)
    w = SeriesWindows(pd.DataFrame({"a": values, "b": values + 1.0}), window=4, target="a")
    table = w.backtest(StubModel(w), 3)
    assert np.isnan(table.loc["model", "MAPE"]) and np.isfinite(table.loc["model", "sMAPE"])
    assert len(table.attrs["notes"]) == 1 and "MAPE is undefined" in table.attrs["notes"][0]
    assert w.backtest(StubModel(w), 3, per_step=True).attrs["notes"] == table.attrs["notes"]
    both = SeriesWindows(pd.DataFrame({"a": values, "b": values + 1.0}), window=4)
    notes = both.backtest(StubModel(both), 3).attrs["notes"]
    assert len(notes) == 1 and notes[0].startswith("a: MAPE is undefined")
    assert both.evaluate(StubModel(both)).attrs["notes"][0].startswith("a: MAPE is undefined")
