"""`rnnkit forecast` with input columns (--known-features, --calendar, --future) and many series.

Runs the command in-process on the shipped workbooks: seatbelts (a seat-belt law known in
advance), visnights (20 regions, wide in the workbook and long in visnights_long.csv).
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pandas as pd
import pytest

from rnnkit.cli import main
from tests._bad_input import CLI, bad_input_test, case, dated, using

SERIES = Path(__file__).resolve().parents[2] / "data" / "series"
FAST = ["--epochs", "2", "--units", "4", "--seed", "0"]
PNG = b"\x89PNG\r\n\x1a\n"


def _run(argv):
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = main(argv)
    return status, buffer.getvalue()


def _future(path, law, months=12):
    dates = pd.date_range("1985-01-01", periods=months, freq="MS")
    pd.DataFrame({"month": dates.strftime("%Y-%m-%d"), "law": law}).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def seatbelts(tmp_path_factory, data_dir):
    root = tmp_path_factory.mktemp("seatbelts")
    out = root / "out"
    status, printed = _run(["forecast", str(data_dir / "series" / "seatbelts.xlsx"), "--target",
                            "drivers_killed", "--known-features", "law", "--calendar",
                            "--future", str(_future(root / "law_on.csv", 1)), *FAST,
                            "--out", str(out)])
    return status, printed, out, root


def test_known_features_and_calendar_forecast_the_future_dates(seatbelts):
    status, printed, out, _ = seatbelts
    assert status == 0, printed
    rows = pd.read_csv(out / "predictions.csv", parse_dates=["month"], index_col="month")
    future = rows[rows["part"] == "forecast"]
    assert list(future.index) == list(pd.date_range("1985-01-01", periods=12, freq="MS"))
    assert future["predicted"].notna().all()
    from rnnkit.bundle import load_bundle

    windows = load_bundle(out / "forecaster").windows
    assert windows.known_columns == ["law", "month_sin", "month_cos"]


def test_the_future_law_changes_the_forecast_of_the_saved_bundle(seatbelts, monkeypatch):
    import keras

    _, _, out, root = seatbelts
    monkeypatch.setattr(keras.Model, "fit", lambda *a, **k: pytest.fail("trained"))
    again = root / "law_off"
    status, printed = _run(["forecast", "--model", str(out / "forecaster"), "--future",
                            str(_future(root / "law_off.csv", 0)), "--out", str(again)])
    assert status == 0, printed
    on, off = (pd.read_csv(folder / "predictions.csv", index_col=0) for folder in (out, again))
    on, off = (rows[rows["part"] == "forecast"]["predicted"] for rows in (on, off))
    assert list(on.index) == list(off.index)
    assert (on - off).abs().max() > 1e-6  # the law is an input of the forecast steps
    fitted = pd.read_csv(out / "predictions.csv", index_col=0)
    assert fitted[fitted["part"] == "test"].equals(
        pd.read_csv(again / "predictions.csv", index_col=0).query("part == 'test'"))


def _check_twenty_series(out, printed, date_column="quarter"):
    rows = pd.read_csv(out / "predictions.csv", parse_dates=[date_column])
    assert rows["series"].nunique() == 20 and "NSWMetro" in set(rows["series"])
    assert set(rows["part"]) == {"train", "val", "test", "forecast"}
    forecast = pd.read_csv(out / "forecast.csv", parse_dates=[date_column])
    assert forecast.groupby("series").size().eq(4).all() and len(forecast) == 80
    assert (forecast[date_column] == pd.Timestamp("2017-01-01")).sum() == 20
    errors = pd.read_csv(out / "errors.csv", header=[0, 1], index_col=[0, 1])
    assert "mean" in errors.index.get_level_values(0)
    assert errors.index.get_level_values(0).nunique() == 21  # 20 series and their mean
    assert (out / "forecast.png").read_bytes()[:8] == PNG
    assert "of 20 series" in printed
    from rnnkit.bundle import load_bundle

    windows = load_bundle(out / "forecaster").windows
    assert type(windows).__name__ == "SeriesCollection" and len(windows) == 20
    return rows


def test_target_all_forecasts_every_column_with_one_model(tmp_path, data_dir):
    out = tmp_path / "wide"
    status, printed = _run(["forecast", str(data_dir / "series" / "visnights.xlsx"), "--target",
                            "all", "--steps", "4", "--strategy", "direct",
                            *FAST, "--out", str(out)])
    assert status == 0, printed
    assert "20 series: NSWMetro" in printed
    # the settings are chosen once, with the counts of the series' votes
    assert "series say difference" in printed and "series say log" in printed
    rows = _check_twenty_series(out, printed)
    assert rows[rows["part"] == "forecast"][["lower", "upper"]].notna().all().all()


def test_id_column_forecasts_a_long_table_and_the_bundle_reloads(tmp_path, data_dir,
                                                                monkeypatch):
    import keras

    out = tmp_path / "long"
    status, printed = _run(["forecast", str(data_dir / "series" / "visnights_long.csv"),
                            "--id-column", "region", "--steps", "4", "--strategy", "direct",
                            "--interval", "0", *FAST, "--out", str(out)])
    assert status == 0, printed
    _check_twenty_series(out, printed)
    monkeypatch.setattr(keras.Model, "fit", lambda *a, **k: pytest.fail("trained"))
    again = tmp_path / "again"
    status, shown = _run(["forecast", "--model", str(out / "forecaster"), "--steps", "4",
                          "--interval", "0", "--out", str(again)])
    assert status == 0, shown
    assert "no training" in shown
    pd.testing.assert_frame_equal(pd.read_csv(again / "forecast.csv"),
                                  pd.read_csv(out / "forecast.csv"), rtol=1e-6)


# ============================================================================ bad input

BAD_INPUT = [
    case("cli-forecast-unknown-known-feature",
         using(lambda c: ["forecast", str(SERIES / "seatbelts.csv"), "--target", "drivers_killed",
                          "--known-features", "lawx", "--future", str(c.tmp / "f.csv")]),
         CLI, "--known-features", "'lawx'"),
    case("cli-forecast-calendar-without-dates",
         using(lambda c: ["forecast", str(c.csv(dated(40).drop(columns="month"))), "--calendar",
                          "--out", str(c.tmp / "out")]),
         CLI, "--calendar", "--date-column"),
    case("cli-forecast-unknown-calendar-encoding",
         using(lambda c: ["forecast", str(c.csv(dated(40))), "--calendar", "moon"]),
         CLI, "--calendar moon", "month, quarter"),
    case("cli-forecast-known-features-without-future",
         using(lambda c: ["forecast", str(c.csv(dated(60, law=[0] * 30 + [1] * 30))),
                          "--known-features", "law", "--window", "4", "--out",
                          str(c.tmp / "out")]),
         CLI, "--known-features ['law']", "--future FILE", "--steps 12"),
    case("cli-forecast-future-without-known-features",
         using(lambda c: ["forecast", str(c.csv(dated(60))), "--future", str(c.tmp / "f.csv")]),
         CLI, "--future", "--known-features"),
    case("cli-forecast-future-without-dates",
         using(lambda c: ["forecast", str(c.csv(dated(60, law=[0] * 30 + [1] * 30))),
                          "--known-features", "law", "--window", "4", "--future",
                          str(c.csv(pd.DataFrame({"law": [1] * 12}), "f.csv")), "--out",
                          str(c.tmp / "out")]),
         CLI, "--future", "no column of dates"),
    case("cli-forecast-future-lacking-dates",
         using(lambda c: ["forecast", str(c.csv(dated(60, law=[0] * 30 + [1] * 30))),
                          "--known-features", "law", "--window", "4", "--future",
                          str(c.csv(dated(3, law=[1] * 3), "f.csv")), "--out",
                          str(c.tmp / "out")]),
         CLI, "--future", "lacks 12 of the dates"),
    case("cli-forecast-features-with-recursive-steps",
         using(lambda c: ["forecast", str(c.csv(dated(60, kms=range(60)))), "--features", "kms",
                          "--strategy", "recursive"]),
         CLI, "--features", "--strategy direct", "--known-features"),
    case("cli-forecast-id-column-not-a-column",
         using(lambda c: ["forecast", str(SERIES / "visnights_long.csv"), "--id-column", "regio",
                          "--out", str(c.tmp / "out")]),
         CLI, "--id-column='regio'", "'region'"),
    case("cli-forecast-target-all-nothing-left",
         using(lambda c: ["forecast", str(c.csv(dated(60, law=[0] * 60))), "--target", "all",
                          "--known-features", "value,law", "--future", str(c.tmp / "f.csv"),
                          "--out", str(c.tmp / "out")]),
         CLI, "--target all", "no numeric column"),
    case("cli-forecast-search-with-several-series",
         using(lambda c: ["forecast", str(SERIES / "visnights.csv"), "--target", "all",
                          "--search", "2"]),
         CLI, "--search", "--id-column", "--target"),
]

test_bad_input = bad_input_test(BAD_INPUT)
