"""Tests of rnnkit.series.windows (and its split, rnnkit.series.parts): `SeriesWindows`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnnkit.series import SeriesWindows, WindowSpec, read_series
from tests._bad_input import bad_input_test, case, indexed, t, using
from tests.series._helpers import counting

# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    # ---------------------------------------------------------- SeriesWindows: parts, files
    case("windows-part-too-short", t(SeriesWindows, indexed(40), window=30), ValueError,
         "window=30", "31 rows", "train 28", "val 6", "test 6"),
    case("windows-horizon-part-too-short",
         t(SeriesWindows, indexed(40), window=4, output_steps=8), ValueError,
         "output_steps=8", "val 6", "8 in each of val and test"),
    case("windows-from-file-missing", using(lambda c: t(SeriesWindows.from_file,
                                                        c.tmp / "gone.xlsx", window=4)),
         FileNotFoundError, "gone.xlsx"),
    case("windows-arrays-bad-split", using(lambda c: t(c.shared.windows.arrays, "all")),
         ValueError, "split='all'", "'train'"),
    case("windows-apply-missing-column",
         using(lambda c: t(c.shared.windows.apply, pd.DataFrame({"other": np.arange(40.0)}))),
         KeyError, "'value'", "'other'"),
]

test_bad_input = bad_input_test(BAD_INPUT)

# ============================================================================ windows

@pytest.mark.parametrize("output_steps", [None, 3])
def test_windows_exact_values_both_modes(output_steps):
    w = SeriesWindows(counting(), window=4, output_steps=output_steps, split=(0.5, 0.25, 0.25),
                      scale=None, shuffle=False)
    bounds = {"train": (0, 20), "val": (20, 30), "test": (30, 40)}
    k = output_steps
    for split, (lo, hi) in bounds.items():
        x, y = w.arrays(split)
        first = max(lo, 4)
        last = hi if k is None else hi - k + 1  # exclusive bound on the first predicted row
        ts = np.arange(first, last)
        expected_x = ts[:, None] - 4 + np.arange(4)[None, :]
        np.testing.assert_array_equal(x[..., 0], expected_x)
        if k is None:
            np.testing.assert_array_equal(y[..., 0], expected_x + 1)
            predicted_steps = y[:, -1, 0]
        else:
            np.testing.assert_array_equal(y[..., 0], ts[:, None] + np.arange(k)[None, :])
            predicted_steps = y[:, :, 0].ravel()
        # every predicted step lies inside its own part ...
        assert predicted_steps.min() >= lo and predicted_steps.max() < hi
        # ... and every input lies strictly before the window's predicted step(s)
        assert (x[:, :, 0].max(axis=1) < (y[:, -1, 0] if k is None else y[:, 0, 0])).all()
        # inputs never reach into a later part
        assert x.max() < hi
    # a part with a longer window than its rows still predicts each of its rows
    x, y = w.arrays("test")
    assert (len(x) == 10) if k is None else (len(x) == 8)


def test_windows_are_views_not_copies():
    w = SeriesWindows(counting(200), window=16, scale=None)
    x, y = w.arrays("train")
    assert not x.flags.owndata and not y.flags.owndata
    assert x.nbytes > w._inputs.nbytes  # the views span more bytes than their one base


def test_multiple_targets_and_features():
    w = SeriesWindows(counting(50, columns=3), window=6, target=["c0", "c1"], features="c2",
                      scale=None)
    x, y = w.arrays("train")
    assert w.input_shape == (6, 3) and w.output_dim == 2
    assert x.shape[1:] == (6, 3) and y.shape[1:] == (6, 2)
    np.testing.assert_array_equal(x[0, :, 2], 2000 + np.arange(6))
    np.testing.assert_array_equal(y[0, :, 1], 1001 + np.arange(6))


@pytest.mark.parametrize("scale", ["standard", "minmax"])
def test_scaler_statistics_are_the_training_parts(scale):
    df = counting(80)
    df["c0"] = df["c0"] ** 1.5
    w = SeriesWindows(df, window=4, scale=scale, split=(0.6, 0.2, 0.2))
    train = df["c0"].to_numpy()[:48]
    if scale == "standard":
        expected = (train.mean(), train.std())
    else:
        expected = (train.min(), train.max() - train.min())
    assert w.scaler["center"][0] == pytest.approx(expected[0], rel=1e-12)
    assert w.scaler["scale"][0] == pytest.approx(expected[1], rel=1e-12)
    x, _ = w.arrays("train")
    if scale == "minmax":
        assert x.min() == pytest.approx(0.0) and x.max() <= 1.0
    # the test part is scaled with the training statistics, not its own
    xt, _ = w.arrays("test")
    assert xt.max() > 1.0


def test_part_too_short_counts_the_rows_left_after_difference(data_dir):
    df = read_series(data_dir / "series" / "airpassengers.csv", date_column="month")
    with pytest.raises(ValueError, match=r"window=120 .* needs at least 121 rows in the training "
                                         r"part .* gives train 100, val 22, test 21 rows"):
        SeriesWindows(df, window=120, difference=True)


def test_from_file_asks_read_series_for_the_target_and_feature_columns(data_dir):
    with pytest.raises(KeyError, match=r"\['passenger'\] \(target/features\) not found.*"
                                       r"\['passengers'\]"):
        SeriesWindows.from_file(data_dir / "series" / "airpassengers.csv", window=3,
                                columns=None, target="passenger")
    with pytest.raises(KeyError, match=r"\['passenger'\] not found in '.*airpassengers\.xlsx' "
                                       r"\(sheet 'airpassengers'\)"):
        SeriesWindows.from_file(data_dir / "series" / "airpassengers.xlsx", window=3,
                                target="passenger")
    w = SeriesWindows.from_file(data_dir / "series" / "seattle_weather.csv", window=3,
                                target="wind", features=["temp_max", "wind"], date_column="date")
    assert list(w.frame.columns) == ["wind", "temp_max"]
    assert w.to_config()["read_series"] == {"date_column": "date",
                                            "columns": ["wind", "temp_max"]}


# ============================================================================ one spec, one path

def test_the_settings_are_attributes_and_one_spec():
    w = SeriesWindows(counting(60, columns=2), window=4, target="c0", features="c1", seed=5,
                      split=[0.6, 0.2, 0.2])
    assert w.spec == WindowSpec(window=4, target="c0", features="c1", seed=5,
                                split=(0.6, 0.2, 0.2))
    assert (w.window, w.split, w.seed, w.log, w.scale) == (4, (0.6, 0.2, 0.2), 5, False,
                                                           "standard")
    assert w.targets == ["c0"] and w.features == ["c1"] and w.target == ("c0",)
    with pytest.raises(AttributeError):
        w.window = 3


def test_every_constructor_goes_through_init(monkeypatch, data_dir):
    calls = []
    init = SeriesWindows.__init__

    def counting_init(self, data, **settings):
        calls.append(sorted(settings))
        init(self, data, **settings)

    monkeypatch.setattr(SeriesWindows, "__init__", counting_init)
    w = SeriesWindows.from_file(data_dir / "series" / "airpassengers.csv", window=12,
                                date_column="month")
    SeriesWindows.from_config(w.to_config())
    w.apply(w.frame.iloc[-40:])
    assert len(calls) == 3 and all("window" in c for c in calls)
    assert "scaler" in calls[1] and "scaler" in calls[2]


def test_a_given_scaler_is_used_instead_of_a_refit():
    w = SeriesWindows(counting(60), window=4)
    short = counting(10) + 500.0  # too short for a split of its own, and elsewhere
    reused = SeriesWindows(short, window=4, scaler=w.scaler)
    assert reused.scaler == w.scaler
    np.testing.assert_allclose(reused._inputs[:, 0],
                               (short["c0"] - w.scaler["center"][0]) / w.scaler["scale"][0],
                               rtol=1e-6)
    with pytest.raises(ValueError, match=r"saved scaler is for columns \['c0'\]"):
        SeriesWindows(counting(60, columns=2), window=4, scaler=w.scaler)
    with pytest.raises(ValueError, match="scaler="):
        SeriesWindows(short, window=4, scaler={"center": [0.0]})


# ============================================================================ the season

def test_season_is_given_else_of_the_frequency_else_detected(monkeypatch):
    from rnnkit.series import calendar

    assert SeriesWindows(counting(60), window=4).season == 12  # monthly
    assert SeriesWindows(counting(60), window=4, season=5).season == 5  # given wins
    seen = []

    def detect(values, **kwargs):
        seen.append(values)
        return 7

    monkeypatch.setattr(calendar, "detect_season", detect, raising=False)
    dateless = counting(60, columns=2).reset_index(drop=True) * 2.0
    w = SeriesWindows(dateless, window=4, difference=True)
    assert w.season == 7 and w.season == 7 and len(seen) == 1  # found once
    lo, hi = w.part_rows("train")
    np.testing.assert_array_equal(seen[0], dateless["c0"].to_numpy()[: hi + 1])  # its part
    assert w.evaluate(_tiny(w), "val").columns.name.endswith("season 7)")
    assert SeriesWindows(dateless, window=4, season=3).season == 3 and len(seen) == 1
    monkeypatch.setattr(calendar, "detect_season", lambda values, **kwargs: None)
    assert SeriesWindows(dateless, window=4).season is None


def test_season_is_detected_in_a_dateless_seasonal_series():
    steps = np.arange(300)
    noise = np.random.default_rng(0).normal(0, 0.2, 300)
    w = SeriesWindows(10 + np.sin(2 * np.pi * steps / 7) + noise, window=14)
    assert w.frequency is None and w.season == 7
    table = w.evaluate(_tiny(w), "test")
    assert "seasonal naive" in table.index and "season 7" in table.columns.name


def _tiny(w):
    from tests.series._helpers import tiny_model

    return tiny_model(w)
