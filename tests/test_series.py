"""Tests for rnnkit.series: read_series, SeriesWindows (windows, transforms, predictions)."""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pytest

from rnnkit.series import SeriesWindows, read_series

N = 40


def counting(n: int = N, columns: int = 1) -> pd.DataFrame:
    """0, 1, 2, ... (column j holds 1000*j + t), on a monthly index."""
    index = pd.date_range("2000-01-01", periods=n, freq="MS", name="month")
    return pd.DataFrame({f"c{j}": np.arange(n) + 1000.0 * j for j in range(columns)},
                        index=index)


def tiny_model(w: SeriesWindows, seed: int = 0):
    from rnnkit.models import build_seq2seq

    return build_seq2seq(w.input_shape, output_dim=w.output_dim, output_steps=w.output_steps,
                         units=2, layers=1, seed=seed)


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


@pytest.mark.parametrize("output_steps", [None, 2])
def test_tf_datasets_hold_the_same_windows(output_steps):
    w = SeriesWindows(counting(60, columns=2), window=5, target="c0", features=["c1"],
                      output_steps=output_steps, batch_size=7, seed=3)
    assert w.input_shape == (5, 2) and w.output_dim == 1
    for split in ("train", "val", "test"):
        x, y = w.arrays(split)
        xs, ys = zip(*[(a.numpy(), b.numpy()) for a, b in w.dataset(split)], strict=True)
        xs, ys = np.concatenate(xs), np.concatenate(ys)
        assert xs.shape == x.shape and ys.shape == y.shape
        if split == "train":  # shuffled: same windows, other order
            order = np.argsort(xs[:, 0, 0])
            xs, ys = xs[order], ys[order]
        np.testing.assert_array_equal(xs, x)
        np.testing.assert_array_equal(ys, y)


def test_training_order_is_seeded_and_changes_each_epoch():
    def first_column(w):
        return np.concatenate([x.numpy()[:, 0, 0] for x, _ in w.train])

    make = lambda: SeriesWindows(counting(300), window=4, batch_size=16, seed=7)  # noqa: E731
    a, b = make(), make()
    epoch1, epoch2 = first_column(a), first_column(a)
    assert not np.array_equal(epoch1, epoch2)
    np.testing.assert_array_equal(epoch1, first_column(b))
    np.testing.assert_array_equal(np.sort(epoch1), np.sort(epoch2))


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


def test_difference_round_trip_is_exact():
    df = pd.DataFrame({"v": np.random.default_rng(0).integers(-50, 50, 60).cumsum()})
    w = SeriesWindows(df, window=5, difference=True, scale=None)
    _, y = w.arrays("test")
    last = y[-1, :, 0]  # the differences of the last 5 rows
    back = w.inverse_transform(last, anchor=df["v"].iloc[-6])
    np.testing.assert_array_equal(back, df["v"].to_numpy()[-5:])


@pytest.mark.parametrize("scale", ["standard", "minmax", None])
def test_log_and_difference_round_trip(scale):
    from rnnkit.datasets import load_series

    df = load_series("airpassengers")
    w = SeriesWindows(df, window=24, log=True, difference=True, scale=scale)
    _, y = w.arrays("test")
    values = df["passengers"].to_numpy()
    back = w.inverse_transform(y[-1, :, 0], anchor=values[-25])
    np.testing.assert_allclose(back, values[-24:], rtol=1e-6)  # float32 windows
    # the transforms themselves invert to the last bit of float64
    levels = np.log(values.astype("float64"))
    np.testing.assert_allclose(np.exp(levels[0] + np.cumsum(np.diff(levels))), values[1:],
                               rtol=1e-13)
    w_log = SeriesWindows(df, window=24, log=True, scale=None)
    _, y_log = w_log.arrays("test")
    np.testing.assert_allclose(w_log.inverse_transform(y_log[-1, :, 0]), values[-24:],
                               rtol=1e-6)


# ============================================================================ predictions

@pytest.fixture(scope="module")
def airpassengers():
    """A small many-to-many model trained on airpassengers (log + difference)."""
    import keras

    from rnnkit.datasets import sample_path
    from rnnkit.models import build_seq2seq

    w = SeriesWindows.from_file(sample_path("series/airpassengers.xlsx"), target="passengers",
                                date_column="month", window=24, log=True, difference=True,
                                batch_size=16, seed=0)
    keras.utils.set_random_seed(0)
    model = build_seq2seq(w.input_shape, output_dim=w.output_dim, output_steps=w.output_steps,
                          units=8, layers=1, learning_rate=1e-2, seed=0)
    model.fit(w.train, validation_data=w.val, epochs=50, shuffle=False, verbose=0)
    return w, model


def test_trained_model_beats_naive_forecast_on_airpassengers(airpassengers):
    w, model = airpassengers
    table = w.evaluate(model, "test")
    assert list(table.index) == ["model", "naive", "seasonal naive"]
    assert list(table.columns) == ["MAE", "RMSE", "MAPE", "sMAPE", "MASE"]
    assert table.loc["model", "MASE"] < table.loc["naive", "MASE"]
    # the baselines are what they say, on the same 21 test months
    pred = w.predict(model, "test")
    series = w.frame["passengers"].astype(float)
    naive = series.shift(1).loc[pred.index]
    seasonal = series.shift(12).loc[pred.index]
    assert table.loc["naive", "MAE"] == pytest.approx((pred["actual"] - naive).abs().mean())
    assert table.loc["seasonal naive", "MAE"] == pytest.approx(
        (pred["actual"] - seasonal).abs().mean())
    scale = series.iloc[1:101].diff().abs().mean()  # training part: frame rows 1..100
    assert table.loc["model", "MASE"] == pytest.approx(table.loc["model", "MAE"] / scale)


def test_predict_actual_equals_the_files_values(airpassengers, data_dir):
    w, model = airpassengers
    file = pd.read_csv(data_dir / "series" / "airpassengers.csv", parse_dates=["month"],
                       index_col="month")["passengers"]
    for split in ("train", "val", "test"):
        pred = w.predict(model, split)
        assert list(pred.columns) == ["actual", "predicted"]
        assert isinstance(pred.index, pd.DatetimeIndex)
        np.testing.assert_array_equal(pred["actual"].to_numpy(), file.loc[pred.index].to_numpy())
        assert np.isfinite(pred["predicted"]).all()
        # predictions are in passengers, not in scaled log-differences
        assert (pred["predicted"] / pred["actual"]).between(0.7, 1.3).all()
    test = w.predict(model, "test")
    assert test.index[0] == pd.Timestamp("1959-04-01") and test.index[-1] == pd.Timestamp(
        "1960-12-01")


def test_forecast_12_months_continues_the_dates(airpassengers):
    w, model = airpassengers
    future = w.forecast(model, steps=12)
    assert isinstance(future, pd.Series) and future.name == "passengers"
    expected = pd.date_range("1961-01-01", "1961-12-01", freq="MS")
    assert list(future.index) == list(expected)
    assert future.between(300, 800).all()
    # the first step is the model's one-step prediction from the last 24 months
    x = w._inputs[-24:][None]
    step = float(model.predict_on_batch(x)[0, -1, 0])
    level = np.log(w.frame["passengers"].iloc[-1]) + step * w.scaler["scale"][0] \
        + w.scaler["center"][0]
    assert future.iloc[0] == pytest.approx(np.exp(level), rel=1e-9)


def test_horizon_model_forecast_feeds_back():
    w = SeriesWindows(counting(60), window=6, output_steps=4)
    model = tiny_model(w)
    future = w.forecast(model, steps=10)
    assert len(future) == 10 and future.index[0] == pd.Timestamp("2005-01-01")
    assert future.index.freqstr == "MS"
    assert len(w.predict(model, "test")) == len(w.part_index("test"))


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


def test_evaluate_without_dates_has_no_seasonal_row():
    w = SeriesWindows(counting(60).reset_index(drop=True), window=5)
    table = w.evaluate(tiny_model(w), "val")
    assert list(table.index) == ["model", "naive"]
    assert "seasonal naive" in w.evaluate(tiny_model(w), "val", season=4).index
    assert list(w.forecast(tiny_model(w), 3).index) == [60, 61, 62]


def test_several_targets_predict_and_evaluate():
    df = counting(60, columns=2)
    w = SeriesWindows(df, window=5)
    model = tiny_model(w)
    pred = w.predict(model, "test")
    assert list(pred.columns) == [("actual", "c0"), ("actual", "c1"),
                                  ("predicted", "c0"), ("predicted", "c1")]
    np.testing.assert_array_equal(pred["actual"].to_numpy(), df.loc[pred.index].to_numpy())
    table = w.evaluate(model)
    assert table.index.names == ["target", "method"] and len(table) == 6
    assert w.forecast(model, 2).shape == (2, 2)


# ============================================================================ reading

def test_read_excel_and_csv_agree(data_dir):
    xlsx = read_series(data_dir / "series" / "airpassengers.xlsx", date_column="month")
    csv = read_series(data_dir / "series" / "airpassengers.csv", date_column="auto")
    pd.testing.assert_frame_equal(xlsx, csv)
    assert xlsx.index.name == "month" and len(xlsx) == 144
    assert xlsx["passengers"].iloc[0] == 112
    plain = read_series(data_dir / "series" / "airpassengers.csv")
    assert isinstance(plain.index, pd.RangeIndex) and "passengers" in plain.columns


def test_openpyxl_fallback_when_calamine_is_missing(data_dir, monkeypatch):
    from rnnkit import series

    assert series._excel_engine() == "calamine"
    calamine = read_series(data_dir / "series" / "co2_weekly.xlsx", date_column="week",
                           missing="drop")
    monkeypatch.setitem(sys.modules, "python_calamine", None)
    assert series._excel_engine() == "openpyxl"
    fallback = read_series(data_dir / "series" / "co2_weekly.xlsx", date_column="week",
                           missing="drop")
    pd.testing.assert_frame_equal(calamine, fallback)


def test_default_columns_skip_text_and_tsv_txt_read(data_dir, tmp_path):
    df = read_series(data_dir / "series" / "seattle_weather.csv", date_column="auto")
    assert list(df.columns) == ["precipitation", "temp_max", "temp_min", "wind"]
    assert df.index.name == "date"
    source = pd.read_csv(data_dir / "series" / "airpassengers.csv")
    source.to_csv(tmp_path / "a.tsv", sep="\t", index=False)
    source.to_csv(tmp_path / "a.txt", sep=";", index=False)
    for name in ("a.tsv", "a.txt"):
        got = read_series(tmp_path / name, date_column="month", columns="passengers")
        assert got["passengers"].tolist() == source["passengers"].tolist()


def make_workbook(path, sheets: dict[str, list[list]]):
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_sheet_by_name_and_index(tmp_path):
    path = make_workbook(tmp_path / "two.xlsx", {
        "notes": [["note"], ["hello"]],
        "data": [["day", "sales"], ["2020-01-01", 3], ["2020-01-02", 5], ["2020-01-03", 4]],
    })
    by_name = read_series(path, sheet="data", date_column="day")
    by_index = read_series(path, sheet=1, date_column="auto")
    pd.testing.assert_frame_equal(by_name, by_index)
    assert by_name["sales"].tolist() == [3, 5, 4]


@pytest.mark.parametrize("missing", ["error", "interpolate", "drop"])
def test_missing_values_on_co2_weekly(data_dir, missing):
    path = data_dir / "series" / "co2_weekly.xlsx"
    if missing == "error":
        with pytest.raises(ValueError, match=r"59 missing value.*co2_ppm.*1958-05-10.*"
                                             r"missing='interpolate'.*missing='drop'"):
            read_series(path, date_column="week", missing=missing)
        return
    df = read_series(path, date_column="week", missing=missing)
    raw = pd.read_csv(data_dir / "series" / "co2_weekly.csv", parse_dates=["week"],
                      index_col="week")["co2_ppm"]
    holes = raw.index[raw.isna()]
    assert len(holes) == 59 and not df["co2_ppm"].isna().any()
    if missing == "drop":
        assert len(df) == 2284 - 59 and not df.index.isin(holes).any()
        np.testing.assert_array_equal(df["co2_ppm"].to_numpy(), raw.dropna().to_numpy())
    else:
        assert len(df) == 2284
        hole = pd.Timestamp("1958-05-10")
        before, after = raw.loc[:hole].dropna().iloc[-1], raw.loc[hole:].dropna().iloc[0]
        assert min(before, after) <= df.loc[hole, "co2_ppm"] <= max(before, after)
        kept = raw.notna()
        np.testing.assert_array_equal(df["co2_ppm"].to_numpy()[kept.to_numpy()],
                                      raw[kept].to_numpy())
    w = SeriesWindows(df, window=52)
    assert w.frequency is not None and w.evaluate.__doc__


# ============================================================================ bad input

def write_csv(tmp_path, text: str, name: str = "s.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.xlsx.*does not exist"):
        read_series(tmp_path / "nope.xlsx")


def test_unsupported_suffix(tmp_path):
    path = write_csv(tmp_path, "a\n1\n", name="s.json")
    with pytest.raises(ValueError, match=r"s\.json.*unsupported suffix '\.json'.*\.xlsx.*\.csv"):
        read_series(path)


def test_sheet_not_found_lists_the_sheets(data_dir):
    with pytest.raises(ValueError, match=r"sheet='Sheet9' was not found.*\['airpassengers'\]"):
        read_series(data_dir / "series" / "airpassengers.xlsx", sheet="Sheet9")
    with pytest.raises(ValueError, match=r"sheet=3 is out of range.*1 sheet"):
        read_series(data_dir / "series" / "airpassengers.xlsx", sheet=3)


def test_column_not_found_lists_the_columns(data_dir):
    with pytest.raises(KeyError, match=r"\['pasengers'\] not found.*\['month', 'passengers'\]"):
        read_series(data_dir / "series" / "airpassengers.csv", columns=["pasengers"])
    with pytest.raises(KeyError, match=r"date_column='date' is not a column"):
        read_series(data_dir / "series" / "airpassengers.csv", date_column="date")
    with pytest.raises(KeyError, match=r"\['passenger'\] \(target/features\) not found.*"
                                       r"\['passengers'\]"):
        SeriesWindows.from_file(data_dir / "series" / "airpassengers.csv", window=3,
                                columns=None, target="passenger")
    with pytest.raises(KeyError, match=r"\['passenger'\] not found in '.*airpassengers\.xlsx' "
                                       r"\(sheet 'airpassengers'\)"):
        SeriesWindows.from_file(data_dir / "series" / "airpassengers.xlsx", window=3,
                                target="passenger")


def test_no_numeric_column(tmp_path):
    path = write_csv(tmp_path, "day,weather\n2020-01-01,rain\n2020-01-02,sun\n")
    with pytest.raises(ValueError, match=r"s\.csv.*no numeric column.*\['day', 'weather'\]"):
        read_series(path, date_column="day")


def test_non_numeric_cell_names_column_row_value(tmp_path):
    path = write_csv(tmp_path, "day,sales\n2020-01-01,3\n2020-01-02,4\n2020-01-03,n/a?\n"
                               "2020-01-04,5\n")
    with pytest.raises(ValueError, match=r"column 'sales' of '.*s\.csv': row 4 holds 'n/a\?', "
                                         r"which is not a number"):
        read_series(path, date_column="day")
    xlsx = make_workbook(tmp_path / "bad.xlsx", {"Data": [["x", "y"], [1, 2], [2, "oops"],
                                                         [3, 4], [4, 5]]})
    with pytest.raises(ValueError, match=r"column 'y' of .*bad\.xlsx' \(sheet 'Data'\): row 3 "
                                         r"holds 'oops'"):
        read_series(xlsx)


def test_all_empty_column(tmp_path):
    path = write_csv(tmp_path, "day,sales,returns\n2020-01-01,3,\n2020-01-02,4,\n")
    with pytest.raises(ValueError, match=r"column 'returns' of .* is empty: all 2 cells"):
        read_series(path, date_column="day")
    with pytest.raises(ValueError, match=r"column 'returns' .* is empty"):
        read_series(path, date_column="day", columns=["returns"])


def test_bad_duplicate_and_unsorted_dates(tmp_path):
    bad = write_csv(tmp_path, "day,v\n2020-01-01,1\nlater,2\n2020-01-03,3\n")
    with pytest.raises(ValueError, match=r"row 3 holds 'later', which is not a date"):
        read_series(bad, date_column="day")
    dup = write_csv(tmp_path, "day,v\n2020-01-01,1\n2020-01-02,2\n2020-01-02,3\n", "d.csv")
    with pytest.raises(ValueError, match=r"duplicate date.*2020-01-02.*row 3.*row 4"):
        read_series(dup, date_column="day")
    unsorted = write_csv(tmp_path, "day,v\n2020-01-02,1\n2020-01-01,2\n2020-01-03,3\n", "u.csv")
    assert read_series(unsorted, date_column="day")["v"].tolist() == [2, 1, 3]
    with pytest.raises(ValueError, match=r"not in increasing order: row 3"):
        read_series(unsorted, date_column="day", sort=False)
    frame = counting(30).iloc[::-1]
    with pytest.raises(ValueError, match=r"not in increasing time order.*sort_index"):
        SeriesWindows(frame, window=3)
    with pytest.raises(ValueError, match=r"duplicate date"):
        SeriesWindows(pd.concat([counting(30), counting(30)]), window=3)


def test_missing_values_in_a_dataframe():
    df = counting(30)
    df.iloc[5, 0] = np.nan
    with pytest.raises(ValueError, match=r"'c0' has 1 missing.*2000-06-01.*interpolate"):
        SeriesWindows(df, window=3)


def test_part_too_short_says_how_many_rows(data_dir):
    df = read_series(data_dir / "series" / "airpassengers.csv", date_column="month")
    with pytest.raises(ValueError, match=r"window=120 .* needs at least 121 rows in the training "
                                         r"part .* gives train 100, val 22, test 21 rows"):
        SeriesWindows(df, window=120, difference=True)
    with pytest.raises(ValueError, match=r"output_steps=30 needs .* 30 in each of val and test"):
        SeriesWindows(df, window=12, output_steps=30)


@pytest.mark.parametrize("split, message", [
    ((0.7, 0.2, 0.2), "sums to 1.1"),
    ((0.8, 0.2, 0.0), "test fraction 0.0 must be a number > 0"),
    ((1.2, -0.1, -0.1), "val fraction -0.1"),
    ((0.5, 0.5), "must be three fractions"),
])
def test_bad_split(split, message):
    with pytest.raises(ValueError, match=message.replace(".", r"\.")):
        SeriesWindows(counting(), window=3, split=split)


def test_bad_window_and_output_steps():
    with pytest.raises(ValueError, match="window=0 is too small"):
        SeriesWindows(counting(), window=0)
    with pytest.raises(ValueError, match="output_steps=0 is too small"):
        SeriesWindows(counting(), window=3, output_steps=0)
    with pytest.raises(ValueError, match="scale='robust' is not supported"):
        SeriesWindows(counting(), window=3, scale="robust")


def test_log_of_non_positive_values():
    with pytest.raises(ValueError,
                       match=r"log=True needs values > 0.*'c0' holds 0 at 2000-01-01"):
        SeriesWindows(counting(), window=3, log=True)


def test_model_that_does_not_fit_the_windows():
    from rnnkit.models import build_seq2seq

    w = SeriesWindows(counting(60), window=6)
    wrong_features = build_seq2seq((6, 2), units=2, layers=1)
    with pytest.raises(ValueError, match=r"inputs of shape \(6, 2\).*windows are \(6, 1\)"
                                         r".*build_seq2seq\(w\.input_shape"):
        w.predict(wrong_features)
    horizon = build_seq2seq((6, 1), output_steps=3, units=2, layers=1)
    with pytest.raises(ValueError, match=r"outputs \(3, 1\).*need \(6, 1\)"):
        w.forecast(horizon, 3)
    with pytest.raises(ValueError, match="split='validation' is not supported"):
        w.predict(tiny_model(w), "validation")


def test_forecast_with_features_needs_their_future():
    w = SeriesWindows(counting(60, columns=2), window=5, target="c0", features=["c1"])
    model = tiny_model(w)
    assert len(w.forecast(model, 1)) == 1
    with pytest.raises(ValueError, match=r"future value\(s\) of the feature column\(s\) \['c1'\]"):
        w.forecast(model, 2)
