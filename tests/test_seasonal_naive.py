"""The seasonal-naive skip of forecasters (`build_seq2seq(..., season_skip=s)`).

With the head's weights at zero, a model with the skip IS the seasonal-naive
forecast: its backtest errors equal the seasonal-naive row of the same backtest
(the table's own baseline, computed independently), for levels and for first
differences, recursive and direct. The frozen layers come back from a config and
a bundle (safe_mode) unchanged.
"""

from __future__ import annotations

import keras
import numpy as np
import pandas as pd
import pytest

from rnnkit.bundle import load_bundle, save_bundle
from rnnkit.models import build_seq2seq
from rnnkit.seasonal_naive import seasonal_naive
from rnnkit.series import SeriesWindows
from tests._bad_input import bad_input_test, case, t

SEASON = 4


def _series(rows: int = 120) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    t = np.arange(rows)
    profile = np.array([3.0, -1.0, 2.0, -4.0])[t % SEASON]
    values = 50 + 0.2 * t + profile + rng.normal(0, 0.5, rows).cumsum()
    return pd.DataFrame({"y": values, "x": rng.normal(size=rows)})


def _windows(difference: bool, output_steps: int | None = None) -> SeriesWindows:
    # scale=None: the model reads the values (or their changes) as they are
    return SeriesWindows(_series(), window=2 * SEASON, target="y", known_features="x",
                         difference=difference, scale=None, season=SEASON,
                         output_steps=output_steps, seed=0)


def _naive_model(w: SeriesWindows, difference: bool) -> keras.Model:
    model = build_seq2seq(w.input_shape, output_dim=w.output_dim, output_steps=w.output_steps,
                          units=4, layers=1, season_skip=SEASON, differenced=difference, seed=0)
    outputs = model.get_layer("outputs")
    outputs.set_weights([np.zeros_like(v) for v in outputs.get_weights()])
    return model


@pytest.mark.parametrize("difference", [False, True], ids=["levels", "differences"])
@pytest.mark.parametrize("output_steps", [None, 1, 3, SEASON], ids=lambda k: f"steps-{k}")
def test_with_a_silent_head_the_model_is_the_seasonal_naive_forecast(difference, output_steps):
    w = _windows(difference, output_steps)
    table = w.backtest(_naive_model(w, difference), SEASON, split="test")
    assert table.loc["model", "MAE"] == pytest.approx(table.loc["seasonal naive", "MAE"],
                                                      rel=1e-5)
    assert table.loc["model", "MAE"] != pytest.approx(table.loc["naive", "MAE"], rel=1e-3)


def test_the_skip_model_is_a_functional_model_whose_skip_layers_are_frozen():
    w = _windows(True)
    model = build_seq2seq(w.input_shape, output_dim=1, units=4, layers=1, season_skip=SEASON,
                          differenced=True, seed=0)
    plain = build_seq2seq(w.input_shape, output_dim=1, units=4, layers=1, seed=0)
    assert len(model.trainable_weights) == len(plain.trainable_weights)  # nothing else learns
    assert model.count_params() > plain.count_params()  # the frozen column pick and sums
    assert model.output_shape == plain.output_shape
    assert model.get_layer("plus_seasonal_naive") is not None


def test_the_frozen_layers_come_back_from_the_config_and_a_bundle(tmp_path):
    w = _windows(True)
    model = _naive_model(w, True)
    x = next(iter(w.test))[0].numpy()
    rebuilt = keras.Model.from_config(model.get_config())  # fresh weights, same skip
    naive = keras.Model(model.input, model.get_layer("plus_seasonal_naive").input[1])
    again = keras.Model(rebuilt.input, rebuilt.get_layer("plus_seasonal_naive").input[1])
    np.testing.assert_allclose(again.predict(x, verbose=0), naive.predict(x, verbose=0),
                               atol=1e-6)
    save_bundle(tmp_path / "f", model, windows=w)
    loaded = load_bundle(tmp_path / "f")  # safe_mode=True
    np.testing.assert_allclose(loaded.model.predict(x, verbose=0),
                               model.predict(x, verbose=0), atol=1e-6)


def test_the_differenced_skip_returns_the_level_of_one_season_ago():
    window = keras.Input((6, 1))
    naive = keras.Model(window, seasonal_naive(window, season=3, output_dim=1,
                                               differenced=True))
    levels = np.array([10.0, 12.0, 11.0, 15.0, 13.0, 16.0, 14.0])
    changes = np.diff(levels).reshape(1, 6, 1)
    out = naive.predict(changes, verbose=0).ravel()
    # from step 2 on (a whole season of changes): the next level equals the one 3 steps back
    for j in range(1, 6):
        assert levels[j + 1] + out[j] == pytest.approx(levels[j + 2 - 3])


def test_a_search_space_for_the_skip_keeps_only_windows_that_hold_a_season():
    from rnnkit.tuning import default_space

    w = SeriesWindows(_series(), window=SEASON, target="y", scale=None, season=SEASON, seed=0)
    plain = default_space(w, window=SEASON)["window"]
    skip = default_space(w, window=SEASON, build={"season_skip": SEASON})["window"]
    assert min(plain) < SEASON  # half the window is a candidate without the skip
    assert skip == [v for v in plain if v >= SEASON]


BAD_INPUT = [
    case("seasonal-skip-one-step", t(build_seq2seq, (8, 1), season_skip=1), ValueError,
         "season_skip=1", "at least 2"),
    case("seasonal-skip-longer-than-window", t(build_seq2seq, (8, 1), season_skip=12),
         ValueError, "season_skip=12", "window of 8 steps", "season_skip=None"),
    case("seasonal-skip-direct-beyond-season",
         t(build_seq2seq, (8, 1), output_steps=6, season_skip=4), ValueError,
         "6 steps per call", "season_skip=4", "output_steps"),
    case("seasonal-skip-float", t(build_seq2seq, (8, 1), season_skip=4.5), ValueError,
         "season_skip=4.5"),
    case("seasonal-skip-differenced-alone", t(build_seq2seq, (8, 1), differenced=True),
         ValueError, "differenced=True", "season_skip"),
]

test_bad_input = bad_input_test(BAD_INPUT)
