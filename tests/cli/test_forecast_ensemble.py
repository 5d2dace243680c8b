"""`rnnkit forecast --ensemble K`: K models trained with seeds --seed .. --seed+K-1, averaged
into one bundle; the first member is the model the run without --ensemble trains."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

from rnnkit.bundle import load_bundle
from rnnkit.cli import main
from rnnkit.ensembles import members_of
from tests._bad_input import CLI, bad_input_test, case, dated, using

FLAGS = ["forecast", "--epochs", "3", "--units", "4"]


def run(*argv: str) -> str:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main([*FLAGS, *argv]) == 0
    return buffer.getvalue()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """An ensemble of 2 (seeds 0 and 1) and the run without --ensemble, on the shipped sample."""
    out = tmp_path_factory.mktemp("ensemble")
    printed = run("--ensemble", "2", "--out", str(out / "ensemble"))
    run("--out", str(out / "alone"))
    return out, printed


def test_the_first_member_is_the_model_without_ensemble_and_the_second_differs(runs):
    out, printed = runs
    bundle = load_bundle(out / "ensemble" / "forecaster")
    members = members_of(bundle.model)
    alone = load_bundle(out / "alone" / "forecaster").model
    assert len(members) == 2
    for got, want in zip(members[0].get_weights(), alone.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert not np.allclose(members[1].get_weights()[0], alone.get_weights()[0])  # seed 1
    assert bundle.metadata["ensemble"] == {"members": 2, "seeds": [0, 1]}
    assert "ensemble member 2/2: --seed 1" in printed
    assert "forecasting with the average of 2 models (seeds 0..1)" in printed
    assert not (out / "ensemble" / "backup").exists()  # the members' backups are cleaned up


def test_the_bundle_forecasts_with_the_average(runs):
    out, _ = runs
    bundle = load_bundle(out / "ensemble" / "forecaster")
    x, _ = bundle.windows.arrays("test")
    mean = np.mean([m.predict(x, verbose=0) for m in members_of(bundle.model)], axis=0)
    np.testing.assert_allclose(bundle.model.predict(x, verbose=0), mean, atol=1e-6)


BAD_INPUT = [
    case("cli-forecast-ensemble-zero",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--ensemble", "0", "--out",
                          str(c.tmp / "out")]),
         CLI, "--ensemble=0"),
    case("cli-forecast-ensemble-with-search",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--ensemble", "2", "--search", "3",
                          "--out", str(c.tmp / "out")]),
         CLI, "--ensemble 2 cannot be combined with --search", "Search first"),
    case("cli-forecast-ensemble-with-model",
         using(lambda c: ["forecast", "--model", str(c.tmp / "never-read"), "--ensemble", "3",
                          "--out", str(c.tmp / "out")]),
         CLI, "--ensemble 3 trains new models", "--model"),
]

test_bad_input = bad_input_test(BAD_INPUT)
