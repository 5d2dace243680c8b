"""Tests of rnnkit.series.config: `to_config` / `from_config` / `apply`, and old configs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from rnnkit.series import SeriesWindows, WindowSpec
from rnnkit.series.config import LATER_SETTINGS, frame_from_json, frame_to_json
from tests._bad_input import bad_input_test, case, t
from tests.series._helpers import counting

# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    # ---------------------------------------------------------------- SeriesWindows.from_config
    case("windows-from-config-garbage", t(SeriesWindows.from_config, {"window": 3}), ValueError,
         "to_config"),
]

test_bad_input = bad_input_test(BAD_INPUT)

# ============================================================================ configs

def test_config_json_round_trip_gives_bit_identical_predictions(airpassengers):
    w, model = airpassengers
    config = json.loads(json.dumps(w.to_config()))
    w2 = SeriesWindows.from_config(config)
    assert w2.scaler == w.scaler and w2.window == 24 and w2.log and w2.difference
    assert w2.frame.equals(w.frame)
    pd.testing.assert_frame_equal(w2.predict(model, "test"), w.predict(model, "test"),
                                  check_exact=True)
    pd.testing.assert_series_equal(w2.forecast(model, 12), w.forecast(model, 12),
                                   check_exact=True)
    assert "data" not in w.to_config(include_data=False)


def test_apply_uses_the_saved_scaler(airpassengers, data_dir):
    w, model = airpassengers
    recent = w.frame.iloc[-60:]
    w2 = w.apply(recent)
    assert w2.scaler == w.scaler  # no refit on the new data
    refit = SeriesWindows(recent, target="passengers", window=24, log=True, difference=True)
    assert refit.scaler != w.scaler
    # the forecast only depends on the last window: same as on the full data
    pd.testing.assert_series_equal(w2.forecast(model, 6), w.forecast(model, 6),
                                   check_exact=True)
    w3 = w.apply(data_dir / "series" / "airpassengers.csv")  # read with the saved settings
    assert w3.frame.equals(w.frame)
    with pytest.raises(ValueError, match="pass data="):
        SeriesWindows.from_config(w.to_config(include_data=False))


def test_config_keys_come_from_the_spec():
    config = SeriesWindows(counting(), window=4).to_config()
    first = [name for name in WindowSpec.names() if name not in LATER_SETTINGS]
    assert list(config) == ["version", *first, "scaler", "frequency", "index_name",
                            "read_series", "data"]
    # a setting added after version 1 is written when set, after the others, and read back
    config = SeriesWindows(counting(), window=4, season=6).to_config()
    assert list(config) == ["version", *first, "season", "scaler", "frequency", "index_name",
                            "read_series", "data"]
    assert SeriesWindows.from_config(json.loads(json.dumps(config))).season == 6
    frame = pd.DataFrame({"y": np.arange(60.0), "law": (np.arange(60) > 40) * 1.0},
                         index=pd.date_range("2000-01-01", periods=60, freq="MS"))
    config = SeriesWindows(frame, target="y", window=4, season=6, known_features="law",
                           calendar=True).to_config()
    assert list(config) == ["version", *WindowSpec.names(), "scaler", "frequency", "index_name",
                            "read_series", "data"]
    assert config["calendar"] == ["month"]  # resolved from the frequency, so saved as names
    again = SeriesWindows.from_config(json.loads(json.dumps(config)))
    assert again.known_columns == ["law", "month_sin", "month_cos"]


#: A config written by rnnkit before `rnnkit.series` became a package (log, difference, a
#: feature, an integer target), with what it gave then.
OLD_CONFIG = {
    "version": 1, "window": 3, "target": ["v"], "features": ["f"], "output_steps": None,
    "split": [0.5, 0.25, 0.25], "scale": "standard", "log": True, "difference": True,
    "batch_size": 32, "shuffle": True, "seed": 0,
    "scaler": {"kind": "standard", "columns": ["v", "f"],
               "center": [0.15297192895276446, 0.05022396284273192],
               "scale": [0.05459879012366744, 0.3499760667288924]},
    "frequency": "MS", "index_name": "month", "read_series": None,
    "data": {"index": [f"{year}-{month:02d}-01T00:00:00" for year, month in
                       [(2000, m) for m in range(1, 13)] + [(2001, m) for m in range(1, 5)]],
             "index_kind": "datetime", "columns": ["v", "f"], "dtypes": ["int64", "float64"],
             "values": [[10, 2.0], [13, 2.841], [16, 2.909], [19, 2.141], [22, 1.243],
                        [25, 1.041], [28, 1.721], [31, 2.657], [34, 2.989], [37, 2.412],
                        [40, 1.456], [43, 1.0], [46, 1.463], [49, 2.42], [52, 2.991],
                        [55, 2.65]]},
}


def test_a_config_written_before_the_restructuring_loads_to_the_bit():
    w = SeriesWindows.from_config(json.loads(json.dumps(OLD_CONFIG)))
    assert w.to_config() == OLD_CONFIG and list(w.to_config()) == list(OLD_CONFIG)
    x, y = w.arrays("test")
    assert x[0].tolist() == [[-1.253041386604309, -0.7563561797142029],
                             [-1.3738470077514648, -1.5857864618301392],
                             [-1.4771621227264404, -1.2169886827468872]]
    assert y[-1, :, 0].tolist() == [-1.6445974111557007, -1.7133805751800537,
                                    -1.7744433879852295]
    assert w.inverse_transform(np.array([0.5, -0.5])).tolist() == [65.86482325580926,
                                                                   74.68483377943744]


def test_a_setting_missing_from_a_config_takes_its_default():
    config = {k: v for k, v in OLD_CONFIG.items() if k not in ("seed", "batch_size")}
    w = SeriesWindows.from_config(config)
    assert w.seed is None and w.batch_size == 32 and w.scaler == OLD_CONFIG["scaler"]


def test_a_newer_config_is_refused():
    with pytest.raises(ValueError, match="config version 2 is newer"):
        SeriesWindows.from_config({**OLD_CONFIG, "version": 2})


@pytest.mark.parametrize("index", [
    pd.date_range("2000-01-01", periods=3, freq="W-SUN", name="week"),
    pd.Index([3, 5, 9], name="step"),
    pd.Index(["a", "b", "c"], name="label"),
])
def test_frame_json_round_trips_every_index_kind(index):
    frame = pd.DataFrame({"n": [1, -2, 2**40], "x": [0.1, np.pi, -1e300]}, index=index)
    back = frame_from_json(json.loads(json.dumps(frame_to_json(frame))), name=index.name)
    pd.testing.assert_frame_equal(back, frame, check_exact=True, check_index_type=False,
                                  check_freq=False)
    assert back["n"].dtype == "int64"
