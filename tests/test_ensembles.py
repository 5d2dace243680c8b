"""`rnnkit.ensembles.average_models`: one Keras model averaging trained members, which saves,
loads with `safe_mode=True`, forecasts recursively on the average, and beats a typical member
on a noisy series."""

from __future__ import annotations

import numpy as np
import pytest

from rnnkit import training
from rnnkit._backend import keras
from rnnkit.bundle import load_bundle, save_bundle
from rnnkit.ensembles import average_models, members_of
from rnnkit.models import build_classifier, build_generator, build_seq2seq, job_of
from rnnkit.series import SeriesWindows
from tests._bad_input import bad_input_test, case, t, using


def noisy_seasonal(n: int = 240, seed: int = 0) -> np.ndarray:
    """A monthly sine with a level and strong noise: members trained from other seeds differ."""
    steps = np.arange(n)
    rng = np.random.default_rng(seed)
    return 20 + 5 * np.sin(2 * np.pi * steps / 12) + rng.normal(scale=1.5, size=n)


def forecast(windows: SeriesWindows, model, steps: int) -> np.ndarray:
    """The forecast path as a flat array (one target)."""
    return np.asarray(windows.forecast(model, steps), dtype="float64").ravel()


@pytest.fixture(scope="module")
def trained():
    """Three forecasters of one noisy series, trained alike from seeds 0, 1, 2 (a few epochs:
    what is tested is the average, not how good each member is)."""
    windows = SeriesWindows(noisy_seasonal(), window=12, batch_size=32, seed=0)
    members = []
    for seed in (0, 1, 2):
        training.seed_everything(seed)
        model = build_seq2seq(windows.input_shape, units=8, layers=1, learning_rate=1e-2,
                              seed=seed)
        training.fit(model, windows.dataset("train", fresh=True), validation_data=windows.val,
                     epochs=3, patience=None, seed=seed, verbose=0)
        members.append(model)
    return windows, members


def test_the_output_is_the_mean_of_the_members_and_they_are_left_alone(trained):
    windows, members = trained
    names = [m.name for m in members]
    model = average_models(members)
    x, _ = windows.arrays("test")
    want = np.mean([m.predict(x, verbose=0) for m in members], axis=0)
    np.testing.assert_allclose(model.predict(x, verbose=0), want, atol=1e-6)
    assert [m.name for m in members] == names  # copies were renamed, not the given models
    assert len(members_of(model)) == 3 and members_of(members[0]) == [members[0]]
    assert job_of(model) == "forecaster" and model.name == "average_of_3"
    assert average_models(members[:1]) is members[0]


def test_a_recursive_forecast_feeds_back_the_average(trained):
    windows, members = trained
    model = average_models(members)
    path, one = forecast(windows, model, 12), forecast(windows, members[0], 12)
    # step 1 is the members' mean; later steps read the averaged values, not each member's own
    first = np.mean([forecast(windows, m, 1)[0] for m in members])
    assert path[0] == pytest.approx(first, rel=1e-5)
    assert not np.allclose(path, one)


def test_the_average_errs_less_than_the_typical_member(trained):
    windows, members = trained
    scores = [windows.backtest(m, 12, split="test").loc["model", "MAE"] for m in members]
    table = windows.backtest(average_models(members), 12, split="test")
    assert table.loc["model", "MAE"] < np.mean(scores), (table, scores)
    assert table.loc["model", "MASE"] < table.loc["naive", "MASE"]


def test_a_bundle_of_an_average_loads_safely_and_forecasts_the_same(trained, tmp_path):
    windows, members = trained
    model = average_models(members)
    save_bundle(tmp_path / "b", model, windows=windows, ensemble={"members": 3})
    bundle = load_bundle(tmp_path / "b")  # keras.saving.load_model(..., safe_mode=True)
    assert bundle.job == "forecaster" and bundle.metadata["ensemble"] == {"members": 3}
    np.testing.assert_allclose(forecast(bundle.windows, bundle.model, 6),
                               forecast(windows, model, 6), rtol=1e-6)
    assert bundle.model.loss == members[0].loss  # compiled as the members are


def test_classifiers_average_their_probabilities():
    members = [build_classifier((6, 2), 3, units=4, seed=s) for s in (0, 1)]
    x = np.random.default_rng(0).normal(size=(5, 6, 2)).astype("float32")
    probabilities = average_models(members).predict(x, verbose=0)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)
    assert job_of(average_models(members)) == "classifier"


BAD_INPUT = [
    case("ensemble-no-models", t(average_models, []),
         ValueError, "a list of one or more Keras models"),
    case("ensemble-one-model-not-in-a-list",
         using(lambda c: t(average_models, c.shared.model)),
         ValueError, "a list of one or more Keras models", "average_models([model_a"),
    case("ensemble-not-a-model", using(lambda c: t(average_models, [c.shared.model, "model"])),
         ValueError, "models[1] is not a built Keras model", "str"),
    case("ensemble-other-shapes",
         using(lambda c: t(average_models, [c.shared.model, c.shared.short_model])),
         ValueError, "models[1] has input_shape (None, 5, 1)", "(None, 8, 1)",
         "the same window"),
    case("ensemble-generators",
         using(lambda c: t(average_models, [c.shared.generator, c.shared.generator])),
         ValueError, "generators cannot be averaged", "Sample from each generator"),
    case("ensemble-other-jobs",
         t(lambda: average_models([build_generator(4, units=2, seed=0),
                                   keras.Sequential([keras.Input((None,)),
                                                     keras.layers.Embedding(4, 2),
                                                     keras.layers.Dense(4)])])),
         ValueError, "the models do different jobs", "'generator'"),
]

test_bad_input = bad_input_test(BAD_INPUT)
