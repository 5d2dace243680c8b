"""Tests of rnnkit.series.spec: `WindowSpec`, the settings of `SeriesWindows` written once."""

from __future__ import annotations

import dataclasses
import inspect
import json

import numpy as np
import pytest

from rnnkit._checks import check_optional_int
from rnnkit.series import SeriesWindows, WindowSpec
from rnnkit.series.spec import _setting
from tests._bad_input import bad_input_test, case, indexed, t

# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    # ---------------------------------------------------------- SeriesWindows: settings
    case("windows-split-sum", t(SeriesWindows, indexed(), window=4, split=(0.7, 0.2, 0.2)),
         ValueError, "split=(0.7, 0.2, 0.2)", "sums to 1.1"),
    case("windows-split-non-positive",
         t(SeriesWindows, indexed(), window=4, split=(0.8, 0.3, -0.1)),
         ValueError, "split=", "-0.1", "> 0"),
    case("windows-split-zero-part", t(SeriesWindows, indexed(), window=4, split=(0.85, 0.15, 0)),
         ValueError, "split=", "test fraction 0"),
    case("windows-split-two-parts", t(SeriesWindows, indexed(), window=4, split=(0.8, 0.2)),
         ValueError, "split=(0.8, 0.2)", "three fractions"),
    case("windows-window-zero", t(SeriesWindows, indexed(), window=0), ValueError, "window=0"),
    case("windows-window-float", t(SeriesWindows, indexed(), window=2.5), ValueError,
         "window=2.5"),
    case("windows-output-steps-zero", t(SeriesWindows, indexed(), window=4, output_steps=0),
         ValueError, "output_steps=0"),
    case("windows-bad-scale", t(SeriesWindows, indexed(), window=4, scale="robust"),
         ValueError, "scale='robust'", "'standard'"),
    case("windows-bad-batch-size", t(SeriesWindows, indexed(), window=4, batch_size=0),
         ValueError, "batch_size=0"),
    case("windows-bad-seed", t(SeriesWindows, indexed(), window=4, seed=-1), ValueError,
         "seed=-1"),
    case("windows-shuffle-not-bool", t(SeriesWindows, indexed(), window=4, shuffle="yes"),
         ValueError, "shuffle='yes'"),
    case("windows-target-not-found", t(SeriesWindows, indexed(), window=4, target="price"),
         KeyError, "'price'", "'value'"),
    case("windows-target-not-a-name", t(SeriesWindows, indexed(), window=4, target=5),
         ValueError, "target=5"),
    case("windows-season-zero", t(SeriesWindows, indexed(), window=4, season=0), ValueError,
         "season=0", ">= 1"),
    case("windows-season-float", t(SeriesWindows, indexed(), window=4, season=12.5),
         ValueError, "season=12.5"),
]

test_bad_input = bad_input_test(BAD_INPUT)

# ============================================================================ the spec

def test_spec_normalises_its_settings_and_round_trips_through_json():
    spec = WindowSpec(window=np.int64(24), target="passengers", features=["a"],
                      split=[0.8, 0.1, 0.1], seed=3, log=True)
    assert spec.window == 24 and type(spec.window) is int
    assert spec.target == ("passengers",) and spec.features == ("a",)
    assert spec.split == (0.8, 0.1, 0.1) and spec.log is True
    settings = spec.to_dict()
    assert list(settings) == list(WindowSpec.names())
    assert settings["target"] == ["passengers"] and settings["split"] == [0.8, 0.1, 0.1]
    assert WindowSpec.from_dict(json.loads(json.dumps(settings))) == spec


def test_spec_is_frozen():
    spec = WindowSpec(window=3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.window = 4  # type: ignore[misc]


def test_from_dict_ignores_other_keys_and_defaults_missing_settings():
    spec = WindowSpec.from_dict({"version": 1, "window": 5, "scaler": {}, "log": True})
    assert spec == WindowSpec(window=5, log=True)
    assert spec.features == () and spec.seed is None and spec.horizon() == 1


def test_the_settings_are_the_constructor_keywords_with_the_same_defaults():
    parameters = inspect.signature(SeriesWindows).parameters
    keywords = [n for n, p in parameters.items() if p.kind is p.KEYWORD_ONLY]
    # id_column / multi_series make a SeriesCollection of many SeriesWindows (not a setting)
    assert keywords == [*WindowSpec.names(), "id_column", "multi_series", "scaler"]
    for field in dataclasses.fields(WindowSpec):
        default = parameters[field.name].default
        expected = inspect.Parameter.empty if field.default is dataclasses.MISSING \
            else field.default
        assert default == expected, field.name


def test_a_new_setting_is_one_field_with_its_check():
    extended = dataclasses.make_dataclass(
        "Extended", [("lags", "int | None", _setting(check_optional_int, None))],
        bases=(WindowSpec,), frozen=True)
    spec = extended(window=3, lags=12)
    assert spec.to_dict()["lags"] == 12 and extended.from_dict(spec.to_dict()) == spec
    assert "lags" in extended.names()
    with pytest.raises(ValueError, match="lags=0"):
        extended(window=3, lags=0)


def test_season_is_a_setting_that_defaults_to_none():
    assert WindowSpec(window=3).season is None
    assert WindowSpec.names()[-3:] == ("season", "known_features", "calendar")
    spec = WindowSpec(window=3, season=np.int64(7))
    assert spec.season == 7 and type(spec.season) is int
    assert WindowSpec.from_dict(json.loads(json.dumps(spec.to_dict()))) == spec


def test_with_columns_resolves_targets_and_features():
    assert WindowSpec(window=3, features="f").with_columns(["y", "f", "g"]).target == ("y", "g")
    both = WindowSpec(window=3, target="y", features=["f", "y"]).with_columns(["y", "f"])
    assert both.target == ("y",) and both.features == ("f",)  # an input once, as a target
    with pytest.raises(ValueError, match="target selects no column"):
        WindowSpec(window=3, features=["y", "f"]).with_columns(["y", "f"])
    with pytest.raises(KeyError, match=r"\['z'\] \(target/features\) not found"):
        WindowSpec(window=3, features="z").with_columns(["y"])
