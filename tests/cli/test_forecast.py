"""`rnnkit forecast` run in-process: it trains, prints the evaluation table, writes its files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rnnkit.cli import main
from tests._bad_input import CLI, bad_input_test, case, dated, using


def _no_training(*args, **kwargs):
    raise AssertionError("model.fit was called, but this run must not train")


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
    # one step ahead beside the backtest at the --steps horizon, with the interval's coverage
    assert "one step ahead" in printed and "12 steps ahead" in printed
    assert "test backtest (horizon 12, 10 origins" in printed and "coverage" in printed
    assert all(len(line.split()) == 12 + (line.startswith("seasonal")) for line in table)


def test_default_run_prints_the_settings_it_chose_and_why(default_run):
    _, printed, _ = default_run
    lines = {line.split()[0]: line for line in printed.splitlines()
             if line.startswith("  ") and line.split()}
    assert "season 12" in lines["season"] and "frequency MS" in lines["season"]
    assert "log on" in lines["log"] and "(--no-log to change)" in lines["log"]
    assert "difference on" in lines["difference"] and "KPSS" in lines["difference"]
    assert "window 24" in lines["window"] and "two seasons of 12" in lines["window"]
    assert "strategy recursive: the default" in printed


def test_default_run_writes_plots_and_predictions(default_run, data_dir):
    _, _, out = default_run
    for name in ("forecast.png", "history.png"):  # history.png: this run trained
        data = (out / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    rows = pd.read_csv(out / "predictions.csv", parse_dates=["month"], index_col="month")
    assert list(rows.columns) == ["part", "actual", "predicted", "lower", "upper"]
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
    # the 80 % interval of the forecast (multiplicative: log=True), and only of the forecast
    assert (future["lower"] < future["predicted"]).all()
    assert (future["predicted"] < future["upper"]).all()
    assert known[["lower", "upper"]].isna().all().all()


def seasonal_csv(path, n=360, season=24, header="load"):
    """A CSV with no date column: a trend, a daily-like season of 24 steps and noise."""
    steps = np.arange(n)
    rng = np.random.default_rng(0)
    values = 100 + 0.1 * steps + 10 * np.sin(2 * np.pi * steps / season) + rng.normal(0, 1, n)
    pd.DataFrame({header: values}).to_csv(path, index=False)
    return path


def test_a_file_without_dates_runs_with_the_defaults(tmp_path, capsys):
    out = tmp_path / "out"
    data = seasonal_csv(tmp_path / "load.csv")
    assert main(["forecast", str(data), "--epochs", "1", "--units", "2", "--out",
                 str(out)]) == 0
    printed = capsys.readouterr().out
    assert "the rows are numbered 0, 1, 2" in printed and "--date-column NAME" in printed
    assert "season 24" in printed and "autocorrelation" in printed  # no dates: detected
    assert "window 48" in printed and "two seasons of 24" in printed
    assert "difference on" in printed  # the trend
    assert "seasonal naive" in printed and "12 steps ahead" in printed  # the backtest table
    rows = pd.read_csv(out / "predictions.csv", index_col=0)
    assert rows.index.name == "index"
    future = rows[rows["part"] == "forecast"]
    assert list(future.index) == list(range(360, 372)) and future["lower"].notna().all()


def test_season_and_switches_given_on_the_command_line_are_used(tmp_path, capsys):
    out = tmp_path / "out"
    data = seasonal_csv(tmp_path / "load.csv")
    assert main(["forecast", str(data), "--season", "12", "--no-difference", "--log",
                 "--steps", "6", "--interval", "0", "--epochs", "1", "--units", "2",
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "season 12" in printed and "set by --season 12" in printed
    assert "set by --no-difference" in printed and "set by --log" in printed
    assert "window 24" in printed  # two seasons of the season given
    assert "6 steps ahead" in printed and "coverage" not in printed  # --interval 0: none
    rows = pd.read_csv(out / "predictions.csv", index_col=0)
    assert list(rows.columns) == ["part", "actual", "predicted"]
    from rnnkit.bundle import load_bundle

    windows = load_bundle(out / "forecaster").windows
    assert (windows.season, windows.log, windows.difference) == (12, True, False)


def test_direct_strategy_predicts_the_steps_in_one_call(tmp_path, data_dir, capsys):
    out = tmp_path / "out"
    assert main(["forecast", str(data_dir / "series" / "airpassengers.csv"), "--strategy",
                 "direct", "--epochs", "1", "--units", "2", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "strategy direct (12 steps per model call): set by --strategy" in printed
    from rnnkit.bundle import load_bundle

    assert load_bundle(out / "forecaster").windows.output_steps == 12


def test_season_skip_adds_the_seasonal_naive_forecast_to_the_model(tmp_path, data_dir,
                                                                   capsys):
    out = tmp_path / "out"
    assert main(["forecast", str(data_dir / "series" / "airpassengers.csv"), "--season-skip",
                 "--epochs", "1", "--units", "2", "--interval", "0", "--out", str(out)]) == 0
    assert "season skip: the model adds the forecast of one season (12 steps) ago" in \
        capsys.readouterr().out
    from rnnkit.bundle import load_bundle

    model = load_bundle(out / "forecaster").model  # loaded with safe_mode=True
    assert model.get_layer("plus_seasonal_naive").output.shape[1:] == (24, 1)
    assert not model.get_layer("seasonal_change").trainable  # differenced: the change back


def test_auto_strategy_keeps_the_better_on_the_validation_part(tmp_path, data_dir, capsys):
    out = tmp_path / "out"
    assert main(["forecast", str(data_dir / "series" / "airpassengers.csv"), "--strategy",
                 "auto", "--steps", "6", "--epochs", "1", "--units", "2", "--out",
                 str(out)]) == 0
    printed = capsys.readouterr().out
    line = next(line for line in printed.splitlines() if line.startswith("strategy "))
    assert "validation backtest at 6 steps: MASE recursive" in line and "direct" in line
    assert not (out / "backup").exists()  # both trainings finished: no backup left
    from rnnkit.bundle import load_bundle

    kept = load_bundle(out / "forecaster").windows.output_steps
    assert (kept is None) == line.startswith("strategy recursive")


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
    assert "--window=200" in capsys.readouterr().err  # the flag, not the argument
    assert not (tmp_path / "predictions.csv").exists()


def test_default_run_writes_a_bundle_that_reproduces_the_predictions(default_run):
    from rnnkit.bundle import load_bundle

    _, printed, out = default_run
    assert f"bundle written to {out / 'forecaster'}" in printed
    assert not (out / "backup").exists()  # a finished training leaves no backup
    bundle = load_bundle(out / "forecaster", job="forecaster")
    assert bundle.windows.targets == ["passengers"] and bundle.windows.window == 24
    assert bundle.metadata["epochs"] == 3
    rows = pd.read_csv(out / "predictions.csv", parse_dates=["month"], index_col="month")
    test = bundle.windows.predict(bundle.model, "test")
    written = rows[rows["part"] == "test"]
    assert list(written.index) == list(test.index)
    assert written["predicted"].to_numpy() == pytest.approx(test["predicted"].to_numpy(),
                                                           rel=1e-9)


def test_model_option_forecasts_without_training(default_run, data_dir, tmp_path, capsys,
                                                 monkeypatch):
    import keras

    _, printed, out = default_run
    monkeypatch.setattr(keras.Model, "fit", _no_training)
    again = tmp_path / "again"
    assert main(["forecast", "--model", str(out / "forecaster"), "--out", str(again)]) == 0
    shown = capsys.readouterr().out
    assert "no training" in shown and "no history.png" in shown
    assert sorted(p.name for p in again.iterdir()) == ["forecast.png", "predictions.csv"]
    # the same evaluation table and the same predictions as the run that trained the model
    table = [line for line in printed.splitlines() if line.startswith(("model ", "naive "))]
    assert len(table) == 2 and all(line in shown.splitlines() for line in table)
    assert (again / "predictions.csv").read_bytes() == (out / "predictions.csv").read_bytes()
    # a FILE is read with the bundle's settings and scaled with its SAVED scaler: the CSV
    # copy of the sample gives the same predictions as the Excel file it was trained on
    from_csv = tmp_path / "csv"
    assert main(["forecast", str(data_dir / "series" / "airpassengers.csv"), "--model",
                 str(out / "forecaster"), "--out", str(from_csv)]) == 0
    first = pd.read_csv(out / "predictions.csv", index_col=0)
    second = pd.read_csv(from_csv / "predictions.csv", index_col=0)
    pd.testing.assert_frame_equal(first, second, rtol=1e-6)


def test_model_option_errors(default_run, tmp_path, capsys, monkeypatch):
    import keras

    _, _, out = default_run
    monkeypatch.setattr(keras.Model, "fit", _no_training)
    bundle = str(out / "forecaster")
    assert main(["forecast", "--model", bundle, "--resume"]) == 2
    assert "--model and --resume cannot be combined" in capsys.readouterr().err
    assert main(["forecast", "--model", str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err
    assert main(["classify", "--model", bundle]) == 2  # a forecaster is not a classifier
    assert "not a classifier" in capsys.readouterr().err


def test_a_leftover_backup_is_refused_without_resume(tmp_path, data_dir, capsys, monkeypatch):
    import keras

    monkeypatch.setattr(keras.Model, "fit", _no_training)
    out = tmp_path / "out"
    (out / "backup").mkdir(parents=True)
    (out / "backup" / "training_metadata.json").write_text('{"epoch": 4}')
    assert main(["forecast", str(data_dir / "series" / "airpassengers.csv"), "--target",
                 "passengers", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--resume" in err and str(out / "backup") in err, err
    assert sorted(p.name for p in out.iterdir()) == ["backup"]  # nothing written


@pytest.mark.parametrize(
    "option,value,named",
    [("--epochs", "0", "--epochs=0"), ("--steps", "0", "--steps=0"),
     ("--patience", "-1", "--patience=-1"), ("--window", "0", "--window=0"),
     ("--output-steps", "0", "--output-steps=0"), ("--batch-size", "0", "--batch-size=0"),
     ("--units", "0", "--units=0"), ("--learning-rate", "0", "--learning-rate=0.0"),
     ("--season", "1", "--season=1"), ("--interval", "1.5", "--interval=1.5"),
     ("--strategy", "best", "--strategy='best'")],
)
def test_bad_numbers_are_refused_before_reading_or_training(tmp_path, capsys, monkeypatch,
                                                            option, value, named):
    import keras

    monkeypatch.setattr(keras.Model, "fit", _no_training)
    # the file does not even exist: options are checked first
    assert main(["forecast", str(tmp_path / "later.csv"), option, value, "--out",
                 str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert named in err and "later.csv" not in err, err
    assert not (tmp_path / "out").exists()


# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).


# ---------------------------------------------------------------- files as written

EUROPEAN = "datum;wert\n" + "".join(f"{d:02d}.{m:02d}.2020;{d},{m}\n"
                                     for m in (1, 2) for d in (1, 15, 28))


def test_a_european_csv_is_read_as_written(tmp_path, capsys, monkeypatch):
    from rnnkit.cli import build_parser
    from rnnkit.cli._series_file import read_target

    path = tmp_path / "de.csv"
    path.write_text(EUROPEAN, encoding="utf-8")
    args = build_parser().parse_args(["forecast", str(path), "--target", "wert"])
    frame, _, read = read_target(args)
    assert frame["wert"].tolist() == [1.1, 15.1, 28.1, 1.2, 15.2, 28.2]
    assert [d.strftime("%Y-%m-%d") for d in frame.index] == [
        "2020-01-01", "2020-01-15", "2020-01-28", "2020-02-01", "2020-02-15", "2020-02-28"]
    assert "fallback_index" in read and "decimal" not in read  # detected, not given


def test_file_flags_reach_read_series_and_its_messages_speak_cli(tmp_path, capsys,
                                                                 monkeypatch):
    import keras

    monkeypatch.setattr(keras.Model, "fit", _no_training)
    path = tmp_path / "ambiguous.csv"
    path.write_text("d;v\n01.02.2020;1,5\n01.03.2020;2,5\n01.04.2020;3,5\n", encoding="utf-8")
    assert main(["forecast", str(path), "--target", "v"]) == 2
    err = capsys.readouterr().err
    assert "--dayfirst" in err and "--no-dayfirst" in err and "dayfirst=" not in err
    from rnnkit.cli import build_parser
    from rnnkit.cli._series_file import read_target

    frame, _, _ = read_target(build_parser().parse_args(
        ["forecast", str(path), "--target", "v", "--dayfirst", "--decimal", ","]))
    assert frame.index[0].month == 2 and frame["v"].tolist() == [1.5, 2.5, 3.5]


# ============================================================================ --ensemble

@pytest.fixture(scope="module")
def ensemble_run(tmp_path_factory):
    """`--ensemble 2` (seeds 0 and 1) with the flags of `default_run`."""
    import contextlib
    import io

    out = tmp_path_factory.mktemp("ensemble")
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = main(["forecast", "--epochs", "3", "--units", "4", "--ensemble", "2", "--out",
                       str(out)])
    assert status == 0
    return out, buffer.getvalue()


def test_the_first_ensemble_member_is_the_model_without_ensemble(ensemble_run, default_run):
    from rnnkit.bundle import load_bundle
    from rnnkit.ensembles import members_of

    (out, printed), alone = ensemble_run, load_bundle(default_run[2] / "forecaster").model
    bundle = load_bundle(out / "forecaster")
    members = members_of(bundle.model)
    assert len(members) == 2
    for got, want in zip(members[0].get_weights(), alone.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    assert not np.allclose(members[1].get_weights()[0], alone.get_weights()[0])  # seed 1
    assert bundle.metadata["ensemble"] == {"members": 2, "seeds": [0, 1]}
    assert "ensemble member 2/2: --seed 1" in printed
    assert "forecasting with the average of 2 models (seeds 0..1)" in printed
    assert not (out / "backup").exists()  # the members' backups are cleaned up
    x, _ = bundle.windows.arrays("test")  # the bundle forecasts with the average
    mean = np.mean([m.predict(x, verbose=0) for m in members], axis=0)
    np.testing.assert_allclose(bundle.model.predict(x, verbose=0), mean, atol=1e-6)


BAD_INPUT = [
    case("cli-forecast-missing-file", using(lambda c: ["forecast", str(c.tmp / "gone.xlsx")]),
         CLI, "gone.xlsx"),
    case("cli-forecast-unknown-target",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--target", "price"]),
         CLI, "'price'", "'value'"),
    case("cli-forecast-window-zero",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "0"]),
         CLI, "window=0"),
    case("cli-forecast-window-too-long",  # (1..30 is a trend: --no-difference keeps 30 rows)
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "24",
                          "--no-difference"]),
         CLI, "window=24", "train 21"),
    case("cli-forecast-bad-cell",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "3", "--cell", "tcn"]),
         CLI, "cell='tcn'"),
    case("cli-forecast-epochs-zero",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "3", "--epochs", "0",
                          "--units", "2", "--out", str(c.tmp / "out")]),
         CLI, "--epochs=0"),
    case("cli-forecast-steps-zero",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "3", "--steps", "0",
                          "--out", str(c.tmp / "out")]),
         CLI, "--steps=0"),
    case("cli-forecast-output-steps-with-recursive",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "3", "--output-steps",
                          "2", "--strategy", "recursive", "--out", str(c.tmp / "out")]),
         CLI, "--output-steps=2", "--strategy recursive"),
    case("cli-forecast-log-with-zeros",
         using(lambda c: ["forecast", str(c.csv(dated(30, value=np.arange(30.0)))), "--window",
                          "3", "--log", "--epochs", "1", "--units", "2", "--out",
                          str(c.tmp / "out")]),
         CLI, "--log needs values > 0", "--no-log"),
    case("cli-forecast-patience-negative",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "3", "--patience",
                          "-1", "--out", str(c.tmp / "out")]),
         CLI, "--patience=-1"),
    case("cli-forecast-no-header",
         using(lambda c: ["forecast", str(c.write("n.csv", "112\n118\n132\n129\n"))]),
         CLI, "--no-header"),
    case("cli-forecast-two-decimal-readings",
         using(lambda c: ["forecast", str(c.write("t.csv", "d;v\n1;1,234\n2;2,345\n3;3,456\n")),
                          "--target", "v"]),
         CLI, "--decimal=", "--thousands="),
    case("cli-forecast-out-is-a-file",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "3", "--out",
                          str(c.write("out.txt", "x"))]),
         CLI, "--out=", "out.txt' is a file"),
    case("cli-forecast-model-out-under-a-file",
         using(lambda c: ["forecast", "--model", str(c.tmp / "never-read"), "--out",
                          str(c.write("out.txt", "x") / "run")]),
         CLI, "--out=", "out.txt/run' lies under", "which is a file"),
    case("cli-forecast-season-skip-window-too-short",
         using(lambda c: ["forecast", str(c.csv(dated(60))), "--window", "3", "--season-skip",
                          "--out", str(c.tmp / "out")]),
         CLI, "--season-skip", "window of 3 steps", "--window", "--season N"),
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


@pytest.mark.parametrize("flags,recipe,clipnorm", [([], True, 1.0), (["--no-recipe"], False, None)])
def test_the_training_recipe_is_on_unless_no_recipe_is_given(tmp_path, monkeypatch, capsys,
                                                             flags, recipe, clipnorm):
    from rnnkit import training

    seen = {}
    real_fit = training.fit

    def spy(model, *args, **kwargs):
        seen.update(recipe=kwargs["recipe"], clipnorm=model.optimizer.global_clipnorm)
        return real_fit(model, *args, **kwargs)

    monkeypatch.setattr(training, "fit", spy)
    data = seasonal_csv(tmp_path / "load.csv")
    assert main(["forecast", str(data), "--steps", "2", "--interval", "0", "--epochs", "1",
                 "--units", "2", "--out", str(tmp_path / "out"), *flags]) == 0
    assert seen == {"recipe": recipe, "clipnorm": clipnorm}
