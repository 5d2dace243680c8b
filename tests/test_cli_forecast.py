"""`rnnkit forecast` run in-process: it trains, prints the evaluation table, writes its files."""

from __future__ import annotations

import pandas as pd
import pytest

from rnnkit.cli import main


@pytest.fixture(scope="module")
def default_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("forecast")
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = main(["forecast", "--epochs", "3", "--units", "4", "--out", str(out)])
    return status, buffer.getvalue(), out


def test_default_run_prints_the_evaluation_table(default_run):
    status, printed, _ = default_run
    assert status == 0
    assert "airpassengers.xlsx" in printed
    table = [line for line in printed.splitlines()
             if line.split()[:1] in (["model"], ["naive"], ["seasonal"])]
    assert len(table) == 3
    assert all(name in printed for name in ("MAE", "RMSE", "MAPE", "sMAPE", "MASE"))


def test_default_run_writes_plots_and_predictions(default_run, data_dir):
    _, _, out = default_run
    for name in ("forecast.png", "history.png"):
        data = (out / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    rows = pd.read_csv(out / "predictions.csv", parse_dates=["month"], index_col="month")
    assert list(rows.columns) == ["part", "actual", "predicted"]
    assert rows["part"].unique().tolist() == ["train", "val", "test", "forecast"]
    known = rows[rows["part"] != "forecast"]
    source = pd.read_csv(data_dir / "series" / "airpassengers.csv", parse_dates=["month"],
                         index_col="month")["passengers"]
    assert (known["actual"] == source.loc[known.index]).all()
    assert known.index.is_monotonic_increasing and known.index[-1] == pd.Timestamp("1960-12-01")
    assert len(rows[rows["part"] == "test"]) == 21
    future = rows[rows["part"] == "forecast"]
    assert list(future.index) == list(pd.date_range("1961-01-01", periods=12, freq="MS"))
    assert future["actual"].isna().all() and (future["predicted"] > 0).all()


def test_forecast_on_a_csv_with_missing_values(tmp_path, data_dir, capsys):
    out = tmp_path / "co2"
    status = main(["forecast", str(data_dir / "series" / "co2_weekly.csv"), "--missing",
                   "interpolate", "--window", "8", "--output-steps", "2", "--epochs", "1",
                   "--units", "2", "--steps", "4", "--out", str(out)])
    assert status == 0
    rows = pd.read_csv(out / "predictions.csv", parse_dates=["week"], index_col="week")
    future = rows[rows["part"] == "forecast"]
    assert list(future.index) == list(pd.date_range("2002-01-05", periods=4, freq="W-SAT"))
    assert "seasonal naive" in capsys.readouterr().out


def test_bad_input_exits_with_a_message(tmp_path, data_dir, capsys):
    assert main(["forecast", str(tmp_path / "none.xlsx"), "--out", str(tmp_path)]) == 2
    assert "none.xlsx' does not exist" in capsys.readouterr().err
    assert main(["forecast", str(data_dir / "series" / "co2_weekly.csv"), "--out",
                 str(tmp_path)]) == 2
    assert "missing='interpolate'" in capsys.readouterr().err
    assert main(["forecast", str(data_dir / "series" / "seattle_weather.csv"), "--out",
                 str(tmp_path)]) == 2
    assert "choose one with --target" in capsys.readouterr().err
    assert main(["forecast", "--window", "200", "--out", str(tmp_path)]) == 2
    assert "window=200" in capsys.readouterr().err
    assert not (tmp_path / "predictions.csv").exists()
