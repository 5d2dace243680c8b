"""Tests of rnnkit.series.collection (`SeriesCollection`: many series, one model), its config
(rnnkit.series.collection_members) and long tables (rnnkit.series.long_format,
`read_series(id_column=)`)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from rnnkit.series import SeriesWindows, read_series
from rnnkit.series.collection import SeriesCollection, collection_or_none
from tests._bad_input import bad_input_test, case, t, using
from tests.series._helpers import StubModel

# ============================================================================ data


def ranges(n_series: int = 3, n: int = 40, freq: str = "MS") -> pd.DataFrame:
    """Wide: series k holds 1000 * (k + 1) + t, so every value tells its series and row."""
    index = pd.date_range("2000-01-01", periods=n, freq=freq, name="month")
    return pd.DataFrame({f"s{k}": 1000.0 * (k + 1) + np.arange(n) for k in range(n_series)},
                        index=index)


def to_long(wide: pd.DataFrame, id_column: str = "id") -> pd.DataFrame:
    """The wide frame as a long one, date-major (the ids interleaved), ids in column order."""
    long = wide.stack().rename("value").reset_index()
    long.columns = ["month", id_column, "value"]
    return long.set_index("month")


def sines(n_series: int = 6, n: int = 160, period: int = 16, seed: int = 0) -> pd.DataFrame:
    """Noisy sines of different phases on very different levels (10 * k)."""
    rng = np.random.default_rng(seed)
    index = pd.date_range("2000-01-01", periods=n, freq="D", name="day")
    steps = np.arange(n)
    return pd.DataFrame({f"s{k}": 10.0 * k + np.sin(2 * np.pi * steps / period + k)
                         + 0.05 * rng.normal(size=n) for k in range(n_series)}, index=index)


def tiny_model(c, seed: int = 0, units: int = 2):
    from rnnkit.models import build_seq2seq

    return build_seq2seq(c.input_shape, output_dim=c.output_dim, output_steps=c.output_steps,
                         units=units, layers=1, seed=seed)


def _hooked() -> bool:
    """True once `SeriesWindows` hands id_column= / multi_series= to SeriesCollection."""
    try:
        return isinstance(SeriesWindows(ranges(2), multi_series=True, window=2),
                          SeriesCollection)
    except TypeError:
        return False


def _with_duplicate(long: pd.DataFrame) -> pd.DataFrame:
    row = long[long["id"] == "s1"].iloc[[3]]
    return pd.concat([long, row])


# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    # ------------------------------------------------------------ SeriesCollection: data
    case("collection-id-column-missing", t(SeriesCollection, to_long(ranges()),
                                           id_column="region", window=4),
         KeyError, "id_column='region'", "'id'", "'value'"),
    case("collection-neither-id-nor-multi", t(SeriesCollection, ranges(), window=4),
         ValueError, "id_column=", "multi_series=True", "neither"),
    case("collection-both-id-and-multi", t(SeriesCollection, to_long(ranges()), id_column="id",
                                           multi_series=True, window=4),
         ValueError, "id_column=", "multi_series=True", "both"),
    case("collection-multi-one-target", t(SeriesCollection, ranges(), multi_series=True,
                                          target=["s0"], window=4),
         ValueError, "multi_series=True", "['s0']", "two or more"),
    case("collection-multi-unknown-column", t(SeriesCollection, ranges(), multi_series=True,
                                              target=["s0", "zz"], window=4),
         KeyError, "'zz'", "'s0'"),
    case("collection-duplicate-date-in-series",
         t(SeriesCollection, _with_duplicate(to_long(ranges())), id_column="id", window=4),
         ValueError, "id 's1'", "2000-04-01", "duplicate"),
    case("collection-series-too-short",
         t(SeriesCollection, pd.concat([to_long(ranges(2)),
                                        to_long(ranges(1, n=12)).assign(id="short")]),
           id_column="id", window=8),
         ValueError, "series 'short'", "12 rows", "smaller window", "leave it out"),
    case("collection-blank-id", t(SeriesCollection, to_long(ranges()).assign(id=["a", ""] * 60),
                                  id_column="id", window=4),
         ValueError, "id column 'id'", "empty cell"),
    case("collection-long-not-a-frame", t(SeriesCollection, np.zeros(40), id_column="id",
                                          window=4),
         ValueError, "id_column='id'", "long format", "ndarray"),
    case("collection-bad-window", t(SeriesCollection, ranges(), multi_series=True, window=0),
         ValueError, "window=0"),
    case("collection-scaler-missing-series",
         t(SeriesCollection, ranges(), multi_series=True, window=4, scaler={}),
         KeyError, "['s0', 's1', 's2']", "scaler"),
    case("collection-arrays-bad-split", t(lambda: SeriesCollection(
        ranges(), multi_series=True, window=4).arrays("all")), ValueError, "split='all'"),
    case("collection-future-missing-series", t(lambda: SeriesCollection(
        to_long(ranges()), id_column="id", window=4, output_steps=1).forecast(
        StubModel(SeriesCollection(ranges(), multi_series=True, window=4, output_steps=1)), 1,
        future={"s0": pd.DataFrame()})), KeyError, "['s1', 's2']", "future"),
    case("collection-model-wrong-shape", t(lambda: SeriesCollection(
        ranges(), multi_series=True, window=4).predict(StubModel(SeriesCollection(
            ranges(), multi_series=True, window=5)))), ValueError, "(5, 1)", "(4, 1)"),
    # ------------------------------------------------------------ configs
    case("collection-config-not-a-collection", t(SeriesCollection.from_config, {"window": 4}),
         ValueError, "SeriesCollection.to_config()"),
    case("collection-config-series-differ", t(lambda: SeriesCollection.from_config(
        _differing_config())), ValueError, "series['s1'].window=5", "'s0'", "share"),
    case("collection-apply-unknown-series", t(lambda: SeriesCollection(
        to_long(ranges()), id_column="id", window=4).apply(to_long(ranges(4)))),
         ValueError, "['s3']", "not in the saved collection"),
    # ------------------------------------------------------------ read_series(id_column=)
    case("read-long-id-column-missing", using(lambda c: t(
        read_series, c.csv(to_long(ranges()).reset_index()), date_column="month",
        id_column="store")), KeyError, "id_column='store'", "'month'", "'id'"),
    case("read-long-id-is-date-column", using(lambda c: t(
        read_series, c.csv(to_long(ranges()).reset_index()), date_column="month",
        id_column="month")), ValueError, "id_column='month'", "date_column"),
    case("read-long-id-in-columns", using(lambda c: t(
        read_series, c.csv(to_long(ranges()).reset_index()), date_column="month",
        id_column="id", columns=["id", "value"])), ValueError, "'id' is the id_column"),
    case("read-long-id-not-a-name", using(lambda c: t(
        read_series, c.csv(to_long(ranges()).reset_index()), id_column=3)),
         ValueError, "id_column=3"),
    case("read-long-duplicate-in-one-id", using(lambda c: t(
        read_series, c.csv(_with_duplicate(to_long(ranges())).reset_index()),
        date_column="month", id_column="id")),
         ValueError, "(id 's1')", "duplicate date", "2000-04-01"),
    case("read-long-unsorted-in-one-id", using(lambda c: t(
        read_series, c.csv(to_long(ranges()).reset_index().iloc[::-1]), date_column="month",
        id_column="id")), ValueError, "(id 's2')", "sort=True"),
    case("read-long-blank-id", using(lambda c: t(
        read_series, c.write("b.csv", "month,id,value\n2000-01-01,a,1\n2000-02-01,,2\n"),
        date_column="month", id_column="id")), ValueError, "id column 'id'", "row 3"),
]


def _differing_config() -> dict:
    config = SeriesCollection(ranges(2), multi_series=True, window=4).to_config()
    config["series"]["s1"]["window"] = 5
    return config


test_bad_input = bad_input_test(BAD_INPUT)


# ============================================================================ read_series

def test_read_series_long_keeps_ids_and_matches_wide(data_dir):
    long = read_series(data_dir / "series/visnights_long.csv", date_column="quarter",
                       id_column="region")
    wide = read_series(data_dir / "series/visnights.csv", date_column="quarter")
    assert list(long.columns) == ["region", "nights"] and long.index.name == "quarter"
    assert list(pd.unique(long["region"])) == list(wide.columns)
    for region, part in long.groupby("region", sort=False):
        np.testing.assert_array_equal(part["nights"].to_numpy(), wide[region].to_numpy())
        assert part.index.equals(wide.index)


def test_read_series_long_checks_and_sorts_within_each_id(tmp_path):
    wide = ranges(2, n=6)
    long = to_long(wide).reset_index()  # date-major: the ids interleave, each date twice
    path = tmp_path / "long.csv"
    long.iloc[[0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 10, 11]].to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"\(id 's0'\) is not in increasing order"):
        read_series(path, date_column="month", id_column="id")
    df = read_series(path, date_column="month", id_column="id", sort=True)
    assert df["id"].tolist() == ["s0"] * 6 + ["s1"] * 6  # grouped by id, first row's order
    np.testing.assert_array_equal(df["value"].to_numpy(), wide.T.to_numpy().ravel())
    assert str(df["value"].dtype) == "int64" and df.index.is_unique is False


def test_read_series_long_fills_gaps_per_id(tmp_path):
    long = to_long(ranges(2, n=12)).reset_index()
    long = long.drop(index=long.index[(long["id"] == "s1") & (long["month"] == "2000-05-01")])
    path = tmp_path / "gap.csv"
    long.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"\(id 's1'\).*1 date\(s\) missing"):
        read_series(path, date_column="month", id_column="id")
    df = read_series(path, date_column="month", id_column="id", missing="interpolate")
    filled = df[df["id"] == "s1"]
    assert len(filled) == 12 and 2003 < filled.loc["2000-05-01", "value"] < 2005  # in time


def test_read_series_long_numeric_ids_are_text_and_rows_count_per_id(tmp_path):
    path = tmp_path / "stores.csv"
    path.write_text("store,sales\n1,5\n2,50\n1,6\n2,60\n1,7\n")
    df = read_series(path, id_column="store")
    assert df["store"].tolist() == ["1", "1", "1", "2", "2"]
    assert df.index.tolist() == [0, 1, 2, 0, 1] and df["sales"].tolist() == [5, 6, 7, 50, 60]


# ============================================================================ windows

@pytest.mark.parametrize("output_steps", [None, 3])
def test_long_and_wide_input_give_the_same_windows(output_steps):
    wide = ranges()
    a = SeriesCollection(to_long(wide), id_column="id", window=4, output_steps=output_steps)
    b = SeriesCollection(wide, multi_series=True, window=4, output_steps=output_steps)
    assert a.series_ids == b.series_ids == ["s0", "s1", "s2"]
    assert a.input_shape == b.input_shape == (4, 1) and a.output_steps == output_steps
    for split in ("train", "val", "test"):
        for left, right in zip(a.arrays(split), b.arrays(split), strict=True):
            np.testing.assert_array_equal(left, right)


def test_each_series_is_scaled_on_its_own_training_part():
    data = sines(3)
    c = SeriesCollection(data, multi_series=True, window=8, split=(0.6, 0.2, 0.2))
    for name, member in c.members.items():
        lo, hi = member.part_rows("train")
        train = data[name].to_numpy()[lo:hi]
        assert member.scaler["center"] == pytest.approx([train.mean()])
        assert member.scaler["scale"] == pytest.approx([train.std()], rel=1e-3)
    centers = [m.scaler["center"][0] for m in c.members.values()]
    assert centers == sorted(centers) and centers[2] - centers[0] > 15  # levels 0, 10, 20
    x, _ = c.arrays("train")
    assert abs(float(x.mean())) < 0.2  # every series near 0 after its own scaling


@pytest.mark.parametrize("output_steps", [None, 2])
def test_training_windows_come_from_every_series_and_never_cross(output_steps):
    c = SeriesCollection(ranges(3, n=30), multi_series=True, window=4, output_steps=output_steps,
                         scale=None, batch_size=7, seed=1)
    xs, ys = zip(*[(x.numpy(), y.numpy()) for x, y in c.train], strict=True)
    x, y = np.concatenate(xs), np.concatenate(ys)
    series_of_x, series_of_y = x // 1000, y // 1000  # the value tells the series
    assert (series_of_x == series_of_x[:, :1]).all()
    assert (series_of_y == series_of_x[:, :1, :1]).all()
    assert set(np.unique(series_of_x)) == {1.0, 2.0, 3.0}
    expected_x, expected_y = c.arrays("train")
    assert len(x) == len(expected_x) == sum(len(m.arrays("train")[0])
                                            for m in c.members.values())
    order = np.lexsort((x[:, 0, 0],))
    np.testing.assert_array_equal(x[order], expected_x[np.lexsort((expected_x[:, 0, 0],))])
    np.testing.assert_array_equal(y[order], expected_y[np.lexsort((expected_x[:, 0, 0],))])
    for split in ("val", "test"):  # in order, series after series
        got = np.concatenate([b.numpy() for b, _ in c.dataset(split)])
        np.testing.assert_array_equal(got, c.arrays(split)[0])


def test_global_shuffle_is_seeded_and_mixes_series():
    def epoch(c):
        return np.concatenate([x.numpy()[:, 0, 0] for x, _ in c.train])

    make = lambda: SeriesCollection(ranges(3, n=60), multi_series=True, window=4,  # noqa: E731
                                    scale=None, batch_size=8, seed=5)
    a, b = make(), make()
    first, second = epoch(a), epoch(a)
    np.testing.assert_array_equal(first, epoch(b))
    assert not np.array_equal(first, second)
    assert len(set((first[:8] // 1000).tolist())) > 1  # the first batch mixes series


def test_collection_describes_itself():
    c = SeriesCollection(to_long(ranges()), id_column="id", window=4, seed=0)
    assert len(c) == 3 and c.frequency == "MS" and c.season == 12 and c.window == 4
    assert c.targets == ["value"] and c.output_dim == 1 and c.id_column == "id"
    assert "3 series, by 'id'" in repr(c) and "train 28, val 6, test 6" in repr(c)
    wide = SeriesCollection(ranges(), multi_series=True, window=4)
    assert wide.targets == wide.series_ids == ["s0", "s1", "s2"] and wide.multi_series


def test_collection_or_none_is_the_constructor_hook():
    assert collection_or_none(ranges(), {"window": 4}) is None
    c = collection_or_none(to_long(ranges()), {"window": 4, "id_column": "id"})
    assert isinstance(c, SeriesCollection) and c.series_ids == ["s0", "s1", "s2"]


# ============================================================================ a model's use

def test_results_come_back_per_series_with_a_series_level():
    c = SeriesCollection(ranges(), multi_series=True, window=4, output_steps=2, seed=0)
    model = StubModel(c)
    predicted = c.predict(model, "val")
    assert predicted.index.names == ["series", "month"]
    assert predicted.index.unique("series").tolist() == c.series_ids
    member = c.members["s1"].predict(model, "val")
    np.testing.assert_array_equal(predicted.loc["s1"].to_numpy(), member.to_numpy())
    forecast = c.forecast(model, 5)
    assert forecast.index.names == ["series", "month"] and len(forecast) == 15
    assert forecast.loc["s2"].index[0] == pd.Timestamp("2003-05-01")
    table = c.evaluate(model)
    assert table.index.names == ["series", "method"]
    assert set(table.index.unique("series")) == {"s0", "s1", "s2"}
    backtest = c.backtest(model, 2, per_step=True)
    assert backtest.index.names == ["series", "method", "step"]
    assert np.isfinite(backtest.to_numpy()).all() and "backtest (horizon 2" in \
        backtest.columns.name
    bands = c.forecast(model, 2, interval=0.8)
    assert list(bands.columns) == ["forecast", "lower", "upper"] and \
        (bands["lower"] <= bands["upper"]).all()
    assert set(c.calibration) == {"s0", "s1", "s2"}


def test_a_global_model_beats_naive_on_phase_shifted_sines():
    import keras

    c = SeriesCollection(sines(), multi_series=True, window=16, output_steps=4, seed=0,
                         season=1)
    keras.utils.set_random_seed(0)
    from rnnkit.models import build_seq2seq

    model = build_seq2seq(c.input_shape, output_steps=4, cell="gru", units=16, layers=1,
                          learning_rate=1e-2, seed=0)
    model.fit(c.train, epochs=3, verbose=0)
    mase = c.backtest(model, 4)["MASE"].unstack("method")
    assert np.isfinite(mase.to_numpy()).all() and len(mase) == 6
    assert (mase["model"] < mase["naive"]).all()  # about 0.22 against 2.3 on every series
    assert mase["model"].mean() < 0.5 * mase["naive"].mean()


# ============================================================================ configs, bundles

def test_config_round_trip_is_bit_exact():
    c = SeriesCollection(sines(3), multi_series=True, window=8, output_steps=2, log=False,
                         difference=True, seed=0)
    model = StubModel(c)
    c.calibrate(model, 2)
    config = json.loads(json.dumps(c.to_config()))
    assert config["kind"] == "collection" and list(config["series"]) == c.series_ids
    again = SeriesCollection.from_config(config)
    for split in ("train", "val", "test"):
        for left, right in zip(c.arrays(split), again.arrays(split), strict=True):
            np.testing.assert_array_equal(left, right)
    pd.testing.assert_frame_equal(c.predict(model), again.predict(model))
    pd.testing.assert_frame_equal(c.forecast(model, 2, interval=0.8),
                                  again.forecast(model, 2, interval=0.8))
    assert again.calibration["s1"].errors.tolist() == c.calibration["s1"].errors.tolist()


def test_from_file_and_apply_keep_the_saved_scalers(data_dir, tmp_path):
    path = data_dir / "series/visnights_long.csv"
    c = SeriesCollection.from_file(path, id_column="region", date_column="quarter", window=8)
    assert c.to_config(include_data=False)["read_series"]["id_column"] == "region"
    recent = read_series(path, date_column="quarter", id_column="region")
    recent = recent[recent["region"].isin(["QLDMetro", "VICMetro"])].loc["2010":]
    applied = c.apply(recent)
    assert applied.series_ids == ["QLDMetro", "VICMetro"] and len(applied.members["QLDMetro"]) == 28
    assert applied.members["VICMetro"].scaler == c.members["VICMetro"].scaler
    again = c.apply(path)
    np.testing.assert_array_equal(again.arrays("test")[0], c.arrays("test")[0])


def test_forecast_passes_each_series_its_future():
    seen = {}

    def recorder(name):
        def forecast(model, steps, interval=None, **extra):
            seen[name] = extra.get("future")
            return pd.Series([0.0] * steps)

        return forecast

    c = SeriesCollection(to_long(ranges()), id_column="id", window=4, output_steps=1)
    for name, member in c.members.items():
        member.forecast = recorder(name)  # the members' own forecast is tested on its own
    model = StubModel(c)
    c.forecast(model, 2)
    assert seen == {"s0": None, "s1": None, "s2": None}  # no future: none passed on
    future = pd.DataFrame({"id": ["s2", "s0", "s1"], "law": [1.0, 2.0, 3.0]},
                          index=pd.DatetimeIndex(["2003-05-01"] * 3))
    c.forecast(model, 1, future=future)
    assert {k: v["law"].tolist() for k, v in seen.items()} == \
        {"s0": [2.0], "s1": [3.0], "s2": [1.0]}
    c.forecast(model, 1, future={"s0": "a", "s1": "b", "s2": "c"})
    assert seen == {"s0": "a", "s1": "b", "s2": "c"}


@pytest.mark.skipif(not _hooked(), reason="SeriesWindows does not dispatch to "
                    "SeriesCollection yet (the lead's hook in windows.py)")
def test_bundle_round_trip_is_bit_exact(tmp_path):
    from rnnkit.bundle import load_bundle, save_bundle

    c = SeriesCollection(to_long(ranges()), id_column="id", window=4, output_steps=2, seed=0)
    model = tiny_model(c)
    save_bundle(tmp_path / "global", model, windows=c)
    loaded = load_bundle(tmp_path / "global")
    assert isinstance(loaded.windows, SeriesCollection)
    assert loaded.windows.series_ids == c.series_ids
    pd.testing.assert_frame_equal(loaded.windows.predict(loaded.model), c.predict(model))
    pd.testing.assert_series_equal(loaded.windows.forecast(loaded.model, 3),
                                   c.forecast(model, 3))


def test_bundle_round_trip_of_a_global_model_with_covariates_is_bit_exact(tmp_path):
    from rnnkit.bundle import load_bundle, save_bundle

    wide = ranges(3, n=48).assign(law=(np.arange(48) > 30).astype(float))
    c = SeriesWindows(wide, multi_series=True, target=["s0", "s1", "s2"], known_features="law",
                      calendar=True, window=6, output_steps=2, seed=0)
    model = tiny_model(c)
    save_bundle(tmp_path / "global", model, windows=c)
    loaded = load_bundle(tmp_path / "global")
    assert loaded.windows.input_shape == c.input_shape == (6, 4)  # y, law, month sin / cos
    future = pd.DataFrame({"law": [1.0] * 4}, index=c.members["s0"].future_index(4))
    pd.testing.assert_frame_equal(loaded.windows.predict(loaded.model), c.predict(model))
    pd.testing.assert_series_equal(loaded.windows.forecast(loaded.model, 4, future=future),
                                   c.forecast(model, 4, future=future))
    pd.testing.assert_frame_equal(loaded.windows.backtest(loaded.model, 2),
                                  c.backtest(model, 2))


def test_known_features_are_shared_in_wide_and_per_series_in_long():
    wide = ranges(2, n=48).assign(law=(np.arange(48) > 30).astype(float))
    c = SeriesCollection(wide, multi_series=True, target=["s0", "s1"], known_features="law",
                         window=6, output_steps=2)
    assert c.series_ids == ["s0", "s1"] and c.input_shape == (6, 2)
    assert all(m.known_features == ["law"] for m in c.members.values())
    future = pd.DataFrame({"law": [1.0] * 4}, index=pd.date_range("2004-01-01", periods=4,
                                                                    freq="MS"))
    model = StubModel(c)
    assert len(c.forecast(model, 4, future=future)) == 8
    with pytest.raises(ValueError, match="series 's0'.*law"):
        c.forecast(model, 4)
    long = wide.melt(id_vars=["law"], value_vars=["s0", "s1"], var_name="id",
                     value_name="value", ignore_index=False)
    by_id = SeriesCollection(long, id_column="id", known_features="law", window=6,
                             output_steps=2)
    for left, right in zip(by_id.arrays("val"), c.arrays("val"), strict=True):
        np.testing.assert_array_equal(left, right)
    ahead = by_id.forecast(model, 4, future=pd.concat([future.assign(id="s1"),
                                                       future.assign(id="s0")]))
    np.testing.assert_array_equal(ahead.to_numpy(), c.forecast(model, 4, future=future))
