"""`rnnkit classify` end to end on a tiny .npz: training, --model, --resume, its input checks."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from rnnkit.cli import build_parser, main
from rnnkit.cli.classify import run
from rnnkit.datasets import load_npz
from tests._bad_input import CLI, bad_input_test, case, using
from tests.test_datasets import tiny_npz


def test_classify_defaults():
    args = build_parser().parse_args(["classify"])
    assert args.data is None and args.cell == "lstm" and args.units == 128
    assert args.batch_size == 32 and args.out == Path("out")
    assert args.handler is run


ACCURACY = re.compile(r"validation accuracy: (\d\.\d{4}) \(majority class (\d\.\d{4})\)")


class Interrupted(RuntimeError):
    """Stands for a training killed mid-way (a real SIGKILL test is in test_training.py)."""


def _no_training(*args, **kwargs):
    raise AssertionError("model.fit was called, but --model must not train")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One tiny training run: (data, out, printed output)."""
    import contextlib
    import io

    tmp = tmp_path_factory.mktemp("classify")
    data = tiny_npz(tmp / "tiny.npz")
    out = tmp / "out"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = main(["classify", str(data), "--units", "8", "--epochs", "4",
                       "--batch-size", "16", "--cell", "gru", "--out", str(out)])
    assert status == 0
    return data, out, buffer.getvalue()


def test_classify_trains_on_an_npz_prints_accuracy_and_writes_a_bundle(trained):
    from rnnkit.bundle import load_bundle

    data, out, printed = trained
    match = ACCURACY.search(printed)
    assert match, printed
    accuracy, majority = float(match[1]), float(match[2])
    path = out / "classifier"
    assert str(path) in printed
    # only the bundle: no temporary folder, no backup left after a finished training
    assert sorted(p.name for p in out.iterdir()) == ["classifier"]
    assert sorted(p.name for p in path.iterdir()) == ["bundle.json", "model.keras"]
    # the written model is the trained one: it reproduces the printed accuracy
    bundle = load_bundle(path, job="classifier")
    (_, _), (x_val, y_val) = load_npz(data)
    reloaded = (bundle.model.predict(x_val, verbose=0).argmax(axis=1) == y_val).mean()
    assert reloaded == pytest.approx(accuracy, abs=1e-4)
    assert bundle.metadata["val_accuracy"] == pytest.approx(accuracy, abs=1e-4)
    assert bundle.metadata["epochs"] == 4
    assert accuracy > majority  # the classes are separable: training did something


def test_pooling_mean_averages_the_outputs_and_the_bundle_keeps_it(tmp_path, capsys):
    from rnnkit.bundle import load_bundle

    data = tiny_npz(tmp_path / "tiny.npz")
    assert main(["classify", str(data), "--units", "8", "--epochs", "4", "--batch-size", "16",
                 "--cell", "gru", "--pooling", "mean", "--out", str(tmp_path / "out")]) == 0
    accuracy, majority = map(float, ACCURACY.search(capsys.readouterr().out).groups())
    model = load_bundle(tmp_path / "out" / "classifier", job="classifier").model
    pooled = [layer for layer in model.layers if layer.name == "mean_pooling"]
    assert pooled and model.get_layer("gru_1").return_sequences
    assert accuracy > majority  # the mean of the steps is exactly what this data needs
    with pytest.raises(SystemExit) as exited:
        main(["classify", str(data), "--pooling", "max"])
    assert exited.value.code == 2
    assert "--pooling: invalid choice: 'max'" in capsys.readouterr().err


def test_model_option_evaluates_the_bundle_without_training(trained, tmp_path, capsys,
                                                            monkeypatch):
    import keras

    data, out, printed = trained
    monkeypatch.setattr(keras.Model, "fit", _no_training)
    other = tmp_path / "other"
    assert main(["classify", str(data), "--model", str(out / "classifier"),
                 "--out", str(other)]) == 0
    again = capsys.readouterr().out
    assert "no training" in again
    # the same accuracy, loss and majority line as the training run printed
    line = next(x for x in printed.splitlines() if x.startswith("validation accuracy"))
    assert line in again.splitlines()
    assert not other.exists()  # evaluating writes nothing


def test_model_option_refuses_resume_a_forecaster_and_mismatched_data(trained, tmp_path,
                                                                      capsys, monkeypatch):
    import keras

    data, out, _ = trained
    monkeypatch.setattr(keras.Model, "fit", _no_training)
    bundle = str(out / "classifier")
    assert main(["classify", str(data), "--model", bundle, "--resume"]) == 2
    assert "--model and --resume cannot be combined" in capsys.readouterr().err
    wide = tiny_npz(tmp_path / "wide.npz", x_train=np.zeros((4, 6, 3)), y_train=np.zeros(4),
                    x_val=np.zeros((2, 6, 3)), y_val=np.zeros(2))
    assert main(["classify", str(wide), "--model", bundle]) == 2
    err = capsys.readouterr().err
    assert "(6, 2)" in err and "(6, 3)" in err, err
    assert main(["classify", str(data), "--model", str(tmp_path / "nowhere")]) == 2
    assert "nowhere" in capsys.readouterr().err


def _interrupt_after(epochs: int):
    """Wrap rnnkit.training's callback factory so that training dies after `epochs` epochs."""
    import keras

    from rnnkit import training

    original = training._make_callbacks

    class Kill(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch + 1 == epochs:
                raise Interrupted(f"killed after epoch {epoch + 1}")

    def wrapped(**kwargs):
        return [*original(**kwargs), Kill()]  # after BackupAndRestore has saved the epoch

    return wrapped


def _resumable_command(tmp_path, epochs: int) -> list[str]:
    """`rnnkit classify` on a tiny .npz, writing to tmp_path/out (patience: no early stop)."""
    data = tiny_npz(tmp_path / "tiny.npz", n_train=32, n_val=16)
    return ["classify", str(data), "--units", "4", "--epochs", str(epochs), "--batch-size",
            "16", "--patience", "10", "--out", str(tmp_path / "out")]


def test_an_interrupted_training_needs_resume_then_continues(tmp_path, capsys, monkeypatch):
    from rnnkit import training
    from rnnkit.bundle import load_bundle

    out, command = tmp_path / "out", _resumable_command(tmp_path, epochs=3)
    with monkeypatch.context() as patch:
        patch.setattr(training, "_make_callbacks", _interrupt_after(2))
        with pytest.raises(Interrupted):
            main(command)
    assert training.has_backup(out / "backup")
    capsys.readouterr()
    # a leftover backup without --resume: refused before any training, pointing at --resume
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "--resume" in err and "backup" in err, err
    assert not (out / "classifier").exists()
    # resuming with another architecture: a plain message, and the backup is kept
    assert main([*command, "--resume", "--units", "5"]) == 2
    err = capsys.readouterr().err
    assert "does not fit this model" in err and "--units" in err, err
    assert training.has_backup(out / "backup")
    # --resume runs only the missing third epoch, then writes the bundle and drops the backup
    assert main([*command, "--resume"]) == 0
    captured = capsys.readouterr()
    assert "resuming" in captured.err
    assert "Epoch 3/3" in captured.out and "Epoch 1/3" not in captured.out
    assert not (out / "backup").exists()
    assert load_bundle(out / "classifier").metadata["epochs"] == 3


@pytest.mark.parametrize("missing", ["x_train", "y_train", "x_val", "y_val"])
def test_a_missing_npz_key_is_a_one_line_error(tmp_path, missing, capsys):
    path = tmp_path / "data.npz"
    tiny_npz(path)
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files if k != missing}
    np.savez(path, **arrays)
    # the command turns it into a one-line error and exit status 2, no traceback
    assert main(["classify", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rnnkit classify: error:") and missing in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def _interrupt_with_ctrl_c_after(epochs: int):
    """Like `_interrupt_after`, but the way Ctrl-C stops Python: a KeyboardInterrupt."""
    import keras

    from rnnkit import training

    original = training._make_callbacks

    class CtrlC(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch + 1 == epochs:
                raise KeyboardInterrupt

    return lambda **kwargs: [*original(**kwargs), CtrlC()]


def test_ctrl_c_during_training_says_how_to_resume_in_one_line_and_exits_130(
        tmp_path, capsys, monkeypatch):
    from rnnkit import training
    from rnnkit.bundle import load_bundle

    out, command = tmp_path / "out", _resumable_command(tmp_path, epochs=2)
    with monkeypatch.context() as patch:
        patch.setattr(training, "_make_callbacks", _interrupt_with_ctrl_c_after(1))
        assert main(command) == 130
    err = capsys.readouterr().err
    assert err == (f"rnnkit classify: interrupted; resume with --resume (training goes on from "
                   f"the last finished epoch, kept in {out / 'backup'})\n")
    assert sorted(p.name for p in out.iterdir()) == ["backup"]  # no bundle, not even part
    assert main([*command, "--resume"]) == 0
    assert "Epoch 2/2" in capsys.readouterr().out
    assert load_bundle(out / "classifier").metadata["epochs"] == 2


def test_a_diverged_training_writes_no_bundle(tmp_path, capsys, monkeypatch):
    import keras

    def diverge(model, *args, **kwargs):
        model.set_weights([np.full_like(w, np.nan) for w in model.get_weights()])
        return keras.callbacks.History()

    monkeypatch.setattr(keras.Model, "fit", diverge)
    out = tmp_path / "out"
    assert main(["classify", str(tiny_npz(tmp_path / "d.npz", n_train=8, n_val=4)), "--units",
                 "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "training diverged: val_loss is nan, so no bundle was written to" in err, err
    assert "cannot be written to bundle.json" not in err
    assert not (out / "classifier").exists()


def test_an_out_folder_you_may_not_write_is_refused_before_reading(tmp_path, capsys,
                                                                  monkeypatch):
    from rnnkit import _fs

    locked = tmp_path / "locked"
    locked.mkdir()
    monkeypatch.setattr(_fs, "_may_write", lambda folder: folder != locked)
    assert main(["classify", str(tmp_path / "not-read.npz"), "--out", str(locked / "run")]) == 2
    err = capsys.readouterr().err
    assert "--out=" in err and "cannot be written: you have no write permission in" in err, err
    assert list(locked.iterdir()) == []


def test_a_file_that_is_not_npz_is_named_as_the_data_argument(tmp_path, capsys):
    text = tmp_path / "data.csv"
    text.write_text("1,2\n")
    assert main(["classify", str(text)]) == 2
    assert re.search(r"data=.*data\.csv.*numpy\.savez", capsys.readouterr().err)


@pytest.mark.parametrize(
    "option,value,named",
    [("--units", "0", "units=0"),  # --epochs 0 and --cell: the BAD_INPUT rows pin them
     ("--layers", "0", "layers=0"), ("--dropout", "1.5", "dropout=1.5"),
     ("--batch-size", "0", "--batch-size=0"),
     ("--patience", "-1", "--patience=-1"), ("--seed", "-3", "--seed=-3")],
)
def test_bad_options_exit_2_with_the_argument_named(tmp_path, capsys, monkeypatch, option,
                                                    value, named):
    import keras

    monkeypatch.setattr(keras.Model, "fit", _no_training)  # refused before training
    data = tiny_npz(tmp_path / "tiny.npz", n_train=8, n_val=4)
    out = tmp_path / "out"
    assert main(["classify", str(data), option, value, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert named in err, err
    assert not (out / "classifier").exists()


# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

def _out_holding(c, relative: str) -> Path:
    """An output folder holding the file `relative` (e.g. where a bundle would go)."""
    path = c.tmp / "out" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("mine")
    return c.tmp / "out"


BAD_INPUT = [
    # ---------------------------------------------------------------- command line
    case("cli-classify-npz-missing-key",
         using(lambda c: ["classify", str(c.npz(x_train=np.zeros((4, 3, 2)), y_train=np.zeros(4),
                                                x_val=np.zeros((2, 3, 2))))]),
         CLI, "data.npz", "['y_val']", "x_train"),
    case("cli-classify-missing-file", using(lambda c: ["classify", str(c.tmp / "gone.npz")]),
         CLI, "gone.npz", "does not exist"),
    case("cli-classify-not-npz", using(lambda c: ["classify", str(c.write("d.csv", "1,2"))]),
         CLI, "d.csv", ".npz"),
    case("cli-classify-epochs-zero",
         using(lambda c: ["classify", str(c.npz(x_train=np.zeros((4, 3, 2)), y_train=np.zeros(4),
                                                x_val=np.zeros((2, 3, 2)), y_val=np.zeros(2))),
                          "--epochs", "0"]),
         CLI, "--epochs=0"),
    case("cli-classify-bad-cell",
         using(lambda c: ["classify", str(c.npz(x_train=np.zeros((4, 3, 2)), y_train=np.zeros(4),
                                                x_val=np.zeros((2, 3, 2)), y_val=np.zeros(2))),
                          "--cell", "transformer", "--epochs", "1"]),
         CLI, "cell='transformer'"),
    case("cli-classify-val-label-unknown",
         using(lambda c: ["classify", str(c.npz(x_train=np.zeros((4, 3, 2)),
                                                y_train=np.array([0, 1, 0, 1]),
                                                x_val=np.zeros((3, 3, 2)),
                                                y_val=np.array([1, 7, 9])))]),
         CLI, "y_val holds the label(s) [7, 9]", "classes are [0, 1]"),
    case("cli-classify-nan-input",
         using(lambda c: ["classify", str(c.npz(x_train=np.where(np.eye(4, 6)[:, :, None],
                                                                 np.nan, 0.0),
                                                y_train=np.zeros(4), x_val=np.zeros((2, 6, 1)),
                                                y_val=np.zeros(2)))]),
         CLI, "x_train holds NaN or infinite values in 4 sequence(s)", "rows [0, 1, 2, 3]"),
    case("cli-classify-out-is-a-file",
         using(lambda c: ["classify", str(tiny_npz(c.tmp / "d.npz")), "--out",
                          str(c.write("out.txt", "x"))]),
         CLI, "--out=", "out.txt' is a file", "folder path"),
    case("cli-classify-out-under-a-file",
         using(lambda c: ["classify", str(tiny_npz(c.tmp / "d.npz")), "--out",
                          str(c.write("out.txt", "x") / "run")]),
         CLI, "--out=", "out.txt/run' lies under", "which is a file"),
    case("cli-classify-out-holds-a-file-where-the-bundle-goes",
         using(lambda c: ["classify", str(tiny_npz(c.tmp / "d.npz")), "--out",
                          str(_out_holding(c, "classifier"))]),
         CLI, "--out=", "holds a file 'classifier' where the classifier bundle goes"),
    case("cli-classify-out-holds-another-folder-where-the-bundle-goes",
         using(lambda c: ["classify", str(tiny_npz(c.tmp / "d.npz")), "--out",
                          str(_out_holding(c, "classifier/thesis.tex"))]),
         CLI, "--out=", "folder 'classifier' that is not an rnnkit bundle"),
]

test_bad_input = bad_input_test(BAD_INPUT)
