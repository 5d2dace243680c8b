"""`rnnkit.tune`: grid and random searches over the three jobs, time-ordered validation,
reproducibility, the time budget and the bad inputs (refused before any training).

Everything is tiny (units 4-8, a few epochs, one batch per epoch for the series), so that
the trials' cost is mostly compiling; the whole module runs in well under a minute.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

import rnnkit
from rnnkit import training
from rnnkit.series import SeriesWindows
from rnnkit.tuning import MISSING_TUNER, TuneResult, default_space, tune
from tests._bad_input import TEXT, bad_input_test, case, t, using

pytest.importorskip("keras_tuner")


# ============================================================================ data

def classes(n: int = 256, seed: int = 0) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Sequences of 6 steps whose label is the sign of their sum: learnable, balanced."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6, 1)).astype("float32")
    y = (x.sum(axis=(1, 2)) > 0).astype("int32")
    cut = n * 3 // 4
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])


def seasonal_windows(batch_size: int = 256) -> SeriesWindows:
    """A noisy monthly sine with a time column `t` as a feature (it tells when a window lies),
    forecast 6 steps at once; one batch per epoch (by default)."""
    n = 120
    steps = np.arange(n)
    noise = 0.1 * np.random.default_rng(0).normal(size=n)
    frame = pd.DataFrame({"value": 10 + 3 * np.sin(2 * np.pi * steps / 12) + noise,
                          "t": steps.astype("float64")},
                         index=pd.date_range("2000-01-01", periods=n, freq="MS"))
    return SeriesWindows(frame, window=12, target="value", features=["t"], output_steps=6,
                         batch_size=batch_size, seed=0)


class Spy:
    """Records what every trial trains and validates on, then trains as usual."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch):
        self.calls: list[tuple[tuple, dict]] = []
        self._fit = training.fit
        monkeypatch.setattr(training, "fit", self)

    def __call__(self, model, *args, **kwargs):
        self.calls.append((args, kwargs))
        return self._fit(model, *args, **kwargs)


def batches(dataset) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = zip(*((np.asarray(x), np.asarray(y)) for x, y in dataset), strict=True)
    return np.concatenate(xs), np.concatenate(ys)


# ============================================================================ classifier

@pytest.fixture(scope="module")
def grid_run():
    """A 2 x 2 grid over units and learning rate on the classifier, its stderr kept."""
    import contextlib
    import io

    train, val = classes()
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        result = tune(train, validation_data=val, epochs=3, seed=0,
                      param_grid={"units": [4, 8], "learning_rate": [1e-3, 3e-2]})
    return result, val, err.getvalue()


def test_a_2x2_grid_runs_4_trials_sorted_by_the_objective(grid_run):
    result, _, _ = grid_run
    table = result.trials
    assert isinstance(result, TuneResult) and result.search == "grid"
    assert len(table) == 4 and sorted(table["trial"]) == [1, 2, 3, 4]
    assert set(zip(table["units"], table["learning_rate"], strict=True)) == {
        (4, 1e-3), (4, 3e-2), (8, 1e-3), (8, 3e-2)}
    assert table["val_loss"].is_monotonic_increasing
    assert list(table.columns) == ["units", "learning_rate", "val_loss", "epochs", "seconds",
                                   "trial"]
    assert result.settings == {"units": int(table["units"][0]),
                               "learning_rate": float(table["learning_rate"][0])}
    assert type(result.settings["units"]) is int  # JSON types
    assert result.record()["settings"] == result.settings and result.record()["trials"] == 4


def test_the_best_model_is_trained_and_beats_chance(grid_run):
    result, (x_val, y_val), _ = grid_run
    loss, accuracy = result.model.evaluate(x_val, y_val, verbose=0)
    assert loss == pytest.approx(result.best, rel=1e-3)  # its best epoch's weights
    majority = max(np.mean(y_val), 1 - np.mean(y_val))
    assert accuracy > majority + 0.15, (accuracy, majority)
    assert int(result.model.layers[0].units) == result.settings["units"]


def test_progress_shows_each_trial_and_the_best_so_far(grid_run):
    result, _, err = grid_run
    lines = [line for line in err.splitlines() if line.startswith("trial ")]
    assert [line.split(":")[0] for line in lines] == [f"trial {i}/4" for i in range(1, 5)]
    assert all("val_loss=" in line and "best so far" in line for line in lines)
    assert f"best so far {result.best:.4f}" in lines[-1]
    assert "Search: Running Trial" not in err  # KerasTuner's own printing is off


def test_the_same_seed_gives_the_same_trials():
    train, val = classes(128)  # 96 and 32 rows: whole batches of 32, one compiled shape
    space = {"units": [4, 8], "learning_rate": (1e-3, 1e-1)}
    runs = [tune(train, validation_data=val, space=space, trials=2, epochs=1, seed=3,
                 verbose=False).trials.drop(columns="seconds") for _ in range(2)]
    pd.testing.assert_frame_equal(runs[0], runs[1])
    assert len(runs[0]) == 2 and runs[0]["learning_rate"].between(1e-3, 1e-1).all()


def test_start_makes_the_first_random_trial_the_given_settings():
    train, val = classes(128)
    space = {"units": [4, 6, 8], "learning_rate": (1e-3, 1e-1)}
    start = {"units": 6, "learning_rate": 0.01}

    def first(**kwargs):
        trials = tune(train, validation_data=val, space=space, trials=2, epochs=1, seed=3,
                      verbose=False, **kwargs).trials
        return trials.sort_values("trial").iloc[0][["units", "learning_rate"]].to_dict()

    assert first(start=start) == start
    assert first() != start  # a random draw, otherwise
    # settings left out take KerasTuner's default: a choice's first value, a range's low end
    assert first(start={"units": 8}) == {"units": 8, "learning_rate": 1e-3}


def test_cli_search_starts_from_the_model_the_flags_alone_would_train():
    import argparse

    from rnnkit.cli._search import flags_start

    space = default_space(seasonal_windows(), horizon=6, units=16, batch_size=32)
    args = argparse.Namespace(cell="GRU", layers=1, dropout=None)
    start = flags_start(args, space, {"units": 16, "batch_size": 32, "window": 12})
    assert start == {"cell": "gru", "layers": 1, "units": 16, "learning_rate": 1e-3,
                     "batch_size": 32, "window": 12}
    # a flag outside the space (a cell it does not search) is left to the search
    assert "cell" not in flags_start(argparse.Namespace(cell="rnn"), space, {})


# ============================================================================ series

@pytest.fixture(scope="module")
def series_run():
    """A grid over the window, scored by the MASE of a 6-step backtest of the val part."""
    monkeypatch = pytest.MonkeyPatch()
    spy = Spy(monkeypatch)
    try:
        windows = seasonal_windows()
        result = tune(windows, param_grid={"window": [6, 12]}, horizon=6, epochs=30,
                      build={"units": 8, "layers": 1, "learning_rate": 0.05}, verbose=False)
    finally:
        monkeypatch.undo()
    return windows, result, spy.calls


def test_series_search_beats_the_naive_forecast(series_run):
    _, result, _ = series_run
    assert result.objective == "val_mase" and len(result.trials) == 2
    assert list(result.trials.columns[:3]) == ["window", "val_mase", "val_loss"]
    test = result.windows.backtest(result.model, 6, split="test")
    assert test.loc["model", "MASE"] < 0.5 * test.loc["naive", "MASE"], test
    assert result.best == pytest.approx(
        result.windows.backtest(result.model, 6, split="val").loc["model", "MASE"])


def test_searching_the_window_rebuilds_the_windows(series_run):
    windows, result, _ = series_run
    best = result.settings["window"]
    assert result.windows.window == best and result.model.input_shape == (None, best, 2)
    assert result.windows.output_steps == 6 and result.windows.features == ["t"]
    assert result.windows.scaler == windows.scaler  # the same data and split


def test_each_trial_is_the_model_its_settings_train_alone():
    """Trials start from one seeded state on a fresh training set, so a trial is the very
    model a run without a search trains (the search's `start` is the flags' own model),
    whatever trials ran before it."""
    from rnnkit.models import build_seq2seq

    build = {"layers": 1, "learning_rate": 0.05}
    result = tune(seasonal_windows(16), param_grid={"units": [4, 8]}, horizon=6, epochs=3,
                  build=build, verbose=False, seed=1)
    windows = seasonal_windows(16)  # several batches an epoch: their order matters
    training.seed_everything(1)  # as the command line does before it builds its model
    model = build_seq2seq(windows.input_shape, output_steps=6, units=8, seed=1, **build)
    history = training.fit(model, windows.train, validation_data=windows.val, epochs=3,
                           patience=5, seed=1, verbose=0)
    second = result.trials.set_index("trial").loc[2]  # units 8, after the units-4 trial
    assert second["units"] == 8
    assert second["val_loss"] == pytest.approx(min(history.history["val_loss"]), rel=1e-6)


def test_validation_is_the_val_part_after_every_training_window(series_run):
    _, _, calls = series_run
    assert len(calls) == 2
    for args, kwargs in calls:
        (x_train, _), (x_val, _) = batches(args[0]), batches(kwargs["validation_data"])
        last_train, last_val = x_train[:, -1, 1], x_val[:, -1, 1]  # the time of each origin
        assert last_val.min() > last_train.max()  # no validation window before a training one
        assert (np.diff(last_val) > 0).all()  # in time order, not shuffled


# ============================================================================ text

def test_text_search_validates_on_the_end_of_the_text(monkeypatch, capsys):
    text = "".join(sorted("".join(chr(0x3041 + i) for i in range(80)) * 2))  # ids never fall
    spy = Spy(monkeypatch)
    # the seconds budget is spent by the first trial: the second of the grid never starts
    result = tune(text, param_grid={"seq_length": [5, 6]}, seconds=0.01, epochs=1,
                  build={"units": 4, "embedding_dim": 4})
    assert len(result.trials) == 1 and len(spy.calls) == 1  # one trial always runs
    assert "seconds=0.01 spent: 1 trials ran" in capsys.readouterr().err
    (args, kwargs), = spy.calls
    (_, y_train), (_, y_val) = batches(args[0]), batches(kwargs["validation_data"])
    assert y_val.min() >= y_train.max()  # the last tenth, after the training text
    assert len(result.vocab) == 80 and result.settings == {"seq_length": 5}
    assert result.model.output_shape == (None, None, 80)


# ============================================================================ defaults, extras

def test_default_space_is_centred_and_keeps_only_windows_the_data_allows():
    space = default_space(seasonal_windows(), units=8, learning_rate=0.01, window=48,
                          horizon=6)
    assert space["units"] == [4, 8, 16] and space["layers"] == [1, 2]
    assert space["learning_rate"] == pytest.approx((0.0025, 0.04))
    assert space["window"] == [24, 48]  # 96 is longer than the training part (84 rows)
    assert space["batch_size"] == [128, 256, 512]
    assert default_space(TEXT)["seq_length"] == [8, 17]  # the last tenth holds 18 characters


def test_tune_is_exported_and_names_the_extra_when_keras_tuner_is_missing(monkeypatch):
    assert rnnkit.tune is tune
    monkeypatch.setitem(sys.modules, "keras_tuner", None)
    with pytest.raises(ImportError) as info:
        tune(seasonal_windows())
    assert str(info.value) == MISSING_TUNER and 'pip install "rnnkit[tune]"' in MISSING_TUNER


# ============================================================================ bad inputs

def _classifier(**kwargs):
    train, val = classes(16)
    return t(tune, train, validation_data=val, **kwargs)


BAD_INPUT = [
    case("tune-start-not-searched", using(lambda c: t(tune, c.shared.windows,
                                                      space={"units": [4]},
                                                      start={"layers": 2})),
         ValueError, "start['layers']=2 is not a searched setting", "units"),
    case("tune-start-not-a-choice", using(lambda c: t(tune, c.shared.windows,
                                                      space={"units": [4, 8]},
                                                      start={"units": 6})),
         ValueError, "start['units']=6 is not one of the space's choices", "[4, 8]"),
    case("tune-start-outside-range", using(lambda c: t(tune, c.shared.windows,
                                                       space={"learning_rate": (1e-3, 1e-2)},
                                                       start={"learning_rate": 0.1})),
         ValueError, "start['learning_rate']=0.1 lies outside the space's range",
         "[0.001, 0.01]"),
    case("tune-space-unknown-key", using(lambda c: t(tune, c.shared.windows,
                                                     space={"unit": [4]})),
         ValueError, "space['unit'] is not a setting of a forecaster", "units, window",
         "build="),
    case("tune-space-not-a-list", using(lambda c: t(tune, c.shared.windows,
                                                    space={"units": 16})),
         ValueError, "space['units']=16 is neither a list", "e.g. [32, 64, 128]"),
    case("tune-space-not-a-dict", using(lambda c: t(tune, c.shared.windows, space=[4])),
         ValueError, "space=[4] is not a dict", "e.g. space={'units'"),
    case("tune-space-empty", using(lambda c: t(tune, c.shared.windows, space={})),
         ValueError, "space={} is empty", "units"),
    case("tune-grid-empty-list", using(lambda c: t(tune, c.shared.windows,
                                                   param_grid={"units": []})),
         ValueError, "param_grid['units']=[] is empty", "at least one value"),
    case("tune-grid-range", using(lambda c: t(tune, c.shared.windows,
                                              param_grid={"units": (4, 8)})),
         ValueError, "param_grid['units']=(4, 8) is not a list", "space="),
    case("tune-space-bad-value", using(lambda c: t(tune, c.shared.windows,
                                                   space={"units": [8, 0]})),
         ValueError, "space['units'][1]=0 is too small", ">= 1"),
    case("tune-space-bad-dropout", using(lambda c: t(tune, c.shared.windows,
                                                     space={"dropout": [0.1, 1.5]})),
         ValueError, "space['dropout'][1]=1.5 is outside [0.0, 1.0)"),
    case("tune-range-reversed", using(lambda c: t(tune, c.shared.windows,
                                                  space={"learning_rate": (0.1, 0.01)})),
         ValueError, "space['learning_rate']=(0.1, 0.01) has low >= high", "low < high"),
    case("tune-range-of-three", using(lambda c: t(tune, c.shared.windows,
                                                  space={"units": (1, 2, 3)})),
         ValueError, "is not a (low, high) range of two numbers"),
    case("tune-range-of-cells", using(lambda c: t(tune, c.shared.windows,
                                                  space={"cell": ("lstm", "gru")})),
         ValueError, "is a range, but cell takes a list of choices", "['lstm', 'gru']"),
    case("tune-unknown-cell", using(lambda c: t(tune, c.shared.windows,
                                                space={"cell": ["lstm", "tree"]})),
         ValueError, "space['cell'][1]", "'tree'", "'gru'"),
    case("tune-unknown-search", using(lambda c: t(tune, c.shared.windows, search="genetic",
                                                  space={"units": [4]})),
         ValueError, "search='genetic' is not supported", "'hyperband'"),
    case("tune-grid-with-random", using(lambda c: t(tune, c.shared.windows, search="random",
                                                    param_grid={"units": [4]})),
         ValueError, "param_grid= means a grid search", "space="),
    case("tune-grid-needs-lists", using(lambda c: t(tune, c.shared.windows, search="grid",
                                                    space={"learning_rate": (1e-3, 1e-2)})),
         ValueError, "a grid needs lists of values", "search='random'"),
    case("tune-space-and-grid", using(lambda c: t(tune, c.shared.windows, space={"units": [4]},
                                                  param_grid={"units": [4]})),
         ValueError, "space= and param_grid= cannot both be given"),
    case("tune-trials-zero", using(lambda c: t(tune, c.shared.windows, trials=0)),
         ValueError, "trials=0 is too small"),
    case("tune-seconds-negative", using(lambda c: t(tune, c.shared.windows, seconds=-5)),
         ValueError, "seconds=-5"),
    case("tune-epochs-zero", using(lambda c: t(tune, c.shared.windows, epochs=0)),
         ValueError, "epochs=0 is too small"),
    case("tune-seed-none", using(lambda c: t(tune, c.shared.windows, seed=None)),
         ValueError, "seed=None", "seed=0"),
    case("tune-window-too-long", using(lambda c: t(tune, c.shared.windows,
                                                   space={"window": [4, 500]})),
         ValueError, "space['window']=500", "window=500"),
    case("tune-horizon-too-long", using(lambda c: t(tune, c.shared.windows, horizon=100)),
         ValueError, "horizon=100 is longer than the validation part", "at most"),
    case("tune-objective-unknown", using(lambda c: t(tune, c.shared.windows,
                                                     objective="accuracy")),
         ValueError, "objective='accuracy' is not an objective of a forecaster", "'val_mase'"),
    case("tune-mase-needs-horizon", using(lambda c: t(tune, c.shared.windows,
                                                      objective="val_mase")),
         ValueError, "needs horizon=", "horizon=12"),
    case("tune-bidirectional-many-to-many",
         using(lambda c: t(tune, c.shared.windows, space={"bidirectional": [False, True]})),
         ValueError, "space['bidirectional'] holds True", "output_steps=k"),
    case("tune-build-unknown", using(lambda c: t(tune, c.shared.windows,
                                                 build={"colour": 1})),
         ValueError, "build['colour'] is not an argument", "units"),
    case("tune-build-inferred", using(lambda c: t(tune, c.shared.windows,
                                                  build={"input_shape": (4, 1)})),
         ValueError, "build['input_shape'] is not an argument", "the data set the others"),
    case("tune-build-and-space", using(lambda c: t(tune, c.shared.windows, build={"units": 4},
                                                   space={"units": [4, 8]})),
         ValueError, "build['units'] is also searched", "not both"),
    case("tune-fit-options-own", using(lambda c: t(tune, c.shared.windows,
                                                   fit_options={"epochs": 3})),
         ValueError, "fit_options['epochs'] is set by tune itself", "epochs="),
    case("tune-vocab-on-series", using(lambda c: t(tune, c.shared.windows,
                                                   vocab=c.shared.vocab)),
         ValueError, "vocab= does not apply to a forecaster"),
    case("tune-data-kind", t(tune, 42), ValueError, "is not data tune can search on",
         "SeriesWindows"),
    case("tune-classifier-no-validation", t(tune, classes(16)[0]), ValueError,
         "validation_data=(x_val, y_val) is needed"),
    case("tune-classifier-float-labels",
         t(tune, (np.zeros((8, 4, 1)), np.zeros(8)), validation_data=classes(16)[1]),
         ValueError, "data[1]", "integer labels"),
    case("tune-classifier-shapes-differ",
         t(tune, (np.zeros((8, 4, 1)), np.zeros(8, "int32")), validation_data=classes(16)[1]),
         ValueError, "data has sequences of shape (4, 1) but validation_data of shape (6, 1)"),
    case("tune-classifier-objective", _classifier(objective="val_mase"), ValueError,
         "objective='val_mase' is not an objective of a classifier", "'val_accuracy'"),
    case("tune-classifier-window", _classifier(space={"window": [4]}), ValueError,
         "space['window'] is not a setting of a classifier", "batch_size"),
    case("tune-text-seq-too-long", t(tune, TEXT, space={"seq_length": [500]}), ValueError,
         "space['seq_length']=500 is too long for the validation text", "seq_length <= 17"),
    case("tune-text-outside-vocab", using(lambda c: t(tune, TEXT + "xyz", vocab=c.shared.vocab)),
         ValueError, "data holds 4 character(s) outside vocab: '\\nxyz'", "Leave vocab= out"),
    case("tune-text-horizon", t(tune, TEXT, horizon=3), ValueError,
         "horizon= does not apply to a generator"),
]

test_bad_input = bad_input_test(BAD_INPUT)
