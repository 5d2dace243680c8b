"""`--search TRIALS` on the commands: KerasTuner picks the settings, the usual outputs follow,
and the bundle records what was chosen."""

from __future__ import annotations

import contextlib
import io
import sys

import numpy as np
import pytest

from rnnkit.bundle import load_bundle
from rnnkit.cli import main
from tests._bad_input import CLI, bad_input_test, case, using

pytest.importorskip("keras_tuner")


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(argv)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def forecast_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("search")
    status, printed, err = run(["forecast", "--search", "2", "--epochs", "2", "--units", "4",
                                "--steps", "6", "--out", str(out)])
    return status, printed, err, out


def test_forecast_search_writes_the_usual_outputs(forecast_run):
    status, printed, err, out = forecast_run
    assert status == 0, err[-2000:]
    for name in ("forecast.png", "history.png", "predictions.csv", "forecaster/bundle.json"):
        assert (out / name).is_file(), name
    assert "random search, 2 trials: best val_mase" in printed
    assert "6 steps ahead" in printed  # the usual error tables follow
    assert [line[:10] for line in err.splitlines() if line.startswith("trial ")] == \
        ["trial 1/2:", "trial 2/2:"]


def test_forecast_bundle_records_the_chosen_settings(forecast_run):
    _, printed, _, out = forecast_run
    bundle = load_bundle(out / "forecaster")
    search = bundle.metadata["search"]
    assert search["search"] == "random" and search["trials"] == 2
    assert search["objective"] == "val_mase" and search["best"] > 0
    settings = search["settings"]
    assert {"cell", "units", "layers", "dropout", "learning_rate", "window",
            "batch_size"} == set(settings)
    assert settings["units"] in (2, 4, 8) and settings["window"] in (12, 24, 48)
    # the saved windows and model are the searched ones
    assert bundle.windows.window == settings["window"]
    assert bundle.windows.batch_size == settings["batch_size"]
    assert bundle.model.input_shape == (None, settings["window"], 1)
    assert f"with cell={settings['cell']!r}" in printed


def test_classify_search_saves_the_best_model_with_its_settings(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 5, 2)).astype("float32")
    y = (x[:, :, 0].sum(axis=1) > 0).astype("int32")
    data = tmp_path / "data.npz"
    np.savez(data, x_train=x[:64], y_train=y[:64], x_val=x[64:], y_val=y[64:])
    status, printed, err = run(["classify", str(data), "--search", "2", "--epochs", "1",
                                "--units", "4", "--batch-size", "16", "--out",
                                str(tmp_path / "out")])
    assert status == 0, err[-2000:]
    assert "random search, 2 trials: best val_loss" in printed
    assert "validation accuracy:" in printed
    bundle = load_bundle(tmp_path / "out" / "classifier")
    settings = bundle.metadata["search"]["settings"]
    assert settings["batch_size"] in (8, 16, 32) and settings["units"] in (2, 4, 8)
    assert bundle.metadata["val_loss"] == pytest.approx(bundle.metadata["search"]["best"],
                                                        rel=1e-3)


def test_search_without_keras_tuner_names_the_extra(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "keras_tuner", None)
    assert main(["generate", "--search", "2"]) == 2
    err = capsys.readouterr().err
    assert "--search: rnnkit.tune needs KerasTuner" in err
    assert 'pip install "rnnkit[tune]"' in err


BAD_INPUT = [
    case("cli-search-zero", ["forecast", "--search", "0"], CLI, "--search=0 is too small"),
    case("cli-search-with-model", using(lambda c: ["classify", "--search", "2", "--model",
                                                   c.bundle()]),
         CLI, "--search cannot be combined with --model"),
    case("cli-search-with-resume", ["generate", "--search", "3", "--resume"], CLI,
         "--search cannot be combined with --resume"),
]

test_bad_input = bad_input_test(BAD_INPUT)


@pytest.mark.parametrize("no_recipe", [True, False])
def test_no_recipe_reaches_every_trial_also_when_build_and_fit_options_are_none(
        monkeypatch, capsys, no_recipe):
    import argparse

    from rnnkit import tuning
    from rnnkit.cli import _search

    seen = {}

    class Result:
        def summary(self):
            return "trials"

    def fake_tune(data, **kwargs):
        seen.update(kwargs)
        return Result()

    monkeypatch.setattr(tuning, "tune", fake_tune)
    monkeypatch.setattr(tuning, "default_space", lambda data, **kwargs: {"units": [4]})
    args = argparse.Namespace(search=2, epochs=1, patience=0, seed=0, no_recipe=no_recipe)
    _search.search(args, "text", build=None, fit_options=None)  # as classify / generate pass
    if no_recipe:
        assert seen["build"] == {"clipnorm": None} and seen["fit_options"] == {"recipe": False}
    else:
        assert seen["build"] is None and seen["fit_options"] is None
