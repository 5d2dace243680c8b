"""`rnnkit classify` end to end on a tiny .npz, its input checks, and a TensorFlow-free --help."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnnkit.cli import _load_npz, build_parser, main

ROOT = Path(__file__).resolve().parent.parent


def tiny_npz(path: Path, *, n_train: int = 96, n_val: int = 48, seed: int = 0,
             **overrides: np.ndarray) -> Path:
    """A learnable 2-class problem: is the sequence's mean positive? (uint8-free floats)."""
    rng = np.random.default_rng(seed)

    def part(n):
        y = rng.integers(0, 2, size=n)
        x = rng.normal(size=(n, 6, 2)) + np.where(y, 1.0, -1.0)[:, None, None]
        return x.astype("float32"), y.astype("int64")

    (x_train, y_train), (x_val, y_val) = part(n_train), part(n_val)
    arrays = dict(x_train=x_train, y_train=y_train, x_val=x_val, y_val=y_val)
    arrays.update(overrides)
    np.savez(path, **arrays)
    return path


def test_help_lists_the_subcommands_without_importing_tensorflow():
    code = (
        "import sys\n"
        "from rnnkit.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
        "try:\n"
        "    main(['classify', '--help'])\n"
        "except SystemExit as e:\n"
        "    assert e.code == 0, e.code\n"
        "heavy = sorted(m for m in ('tensorflow', 'keras', 'jax', 'torch') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120, check=True)
    assert "HEAVY []" in result.stdout, result.stdout
    for command in ("classify", "forecast", "generate"):
        assert command in result.stdout
    assert "x_train" in result.stdout  # classify --help explains the .npz


def test_console_script_answers_help():
    script = Path(sys.executable).with_name("rnnkit")
    if not script.exists():
        pytest.skip("console script not installed next to this interpreter")
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True,
                            timeout=60, check=True)
    assert result.stdout.startswith("usage: rnnkit")


def test_classify_defaults():
    parser, handlers = build_parser()
    args = parser.parse_args(["classify"])
    assert args.data is None and args.cell == "lstm" and args.units == 128
    assert args.batch_size == 32 and args.out == Path("out")
    assert "classify" in handlers


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
    (_, _), (x_val, y_val) = _load_npz(data)
    reloaded = (bundle.model.predict(x_val, verbose=0).argmax(axis=1) == y_val).mean()
    assert reloaded == pytest.approx(accuracy, abs=1e-4)
    assert bundle.metadata["val_accuracy"] == pytest.approx(accuracy, abs=1e-4)
    assert bundle.metadata["epochs"] == 4
    assert accuracy > majority  # the classes are separable: training did something


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


def test_an_interrupted_training_needs_resume_then_continues(tmp_path, capsys, monkeypatch):
    from rnnkit import training
    from rnnkit.bundle import load_bundle

    data = tiny_npz(tmp_path / "tiny.npz", n_train=32, n_val=16)
    out = tmp_path / "out"
    command = ["classify", str(data), "--units", "4", "--epochs", "3", "--batch-size", "16",
               "--patience", "10", "--out", str(out)]
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


def test_classify_accepts_uint8_images_and_two_dimensional_sequences(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(10, 4, 3), dtype=np.uint8)
    data = tiny_npz(tmp_path / "img.npz", x_train=images, y_train=np.arange(10) % 3,
                    x_val=images[:4], y_val=np.arange(4) % 3)
    (x_train, y_train), _ = _load_npz(data)
    assert x_train.dtype == np.float32 and x_train.max() <= 1.0
    np.testing.assert_allclose(x_train, images / 255.0, rtol=1e-6)
    flat = tiny_npz(tmp_path / "flat.npz", x_train=np.zeros((5, 7)), y_train=np.zeros(5),
                    x_val=np.zeros((2, 7)), y_val=np.ones(2))
    (x_train, y_train), _ = _load_npz(flat)
    assert x_train.shape == (5, 7, 1) and y_train.dtype == np.int32


@pytest.mark.parametrize("missing", ["x_train", "y_train", "x_val", "y_val"])
def test_a_missing_npz_key_raises_value_error_naming_it(tmp_path, missing, capsys):
    path = tmp_path / "data.npz"
    tiny_npz(path)
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files if k != missing}
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match=rf"lacks the key\(s\) \['{missing}'\]"):
        _load_npz(path)
    # the command turns it into a one-line error and exit status 2, no traceback
    assert main(["classify", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("rnnkit classify: error:") and missing in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "overrides,message",
    [(dict(x_train=np.zeros((4, 2, 2, 2))), "x_train has shape"),
     (dict(y_train=np.zeros(3)), "x_train has 96 rows but y_train has 3"),
     (dict(y_val=np.full(48, 0.5)), "y_val must hold integer labels"),
     (dict(y_val=-np.ones(48)), "y_val must hold integer labels"),
     (dict(y_train=np.zeros((96, 2))), "y_train has shape"),
     (dict(x_val=np.zeros((48, 5, 2))), "x_val of shape"),
     (dict(x_train=np.zeros((0, 6, 2)), y_train=np.zeros(0)), "x_train is empty"),
     (dict(x_train=np.full((96, 6, 2), "a")), "x_train has dtype")],
)
def test_malformed_arrays_raise_value_error(tmp_path, overrides, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        _load_npz(tiny_npz(tmp_path / "bad.npz", **overrides))


def test_missing_file_and_wrong_suffix(tmp_path, capsys):
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        _load_npz(tmp_path / "nope.npz")
    text = tmp_path / "data.csv"
    text.write_text("1,2\n")
    with pytest.raises(ValueError, match=r"data=.*data\.csv.*numpy\.savez"):
        _load_npz(text)
    assert main(["classify", str(tmp_path / "nope.npz")]) == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize(
    "option,value,named",
    [("--cell", "transformer", "cell='transformer'"), ("--units", "0", "units=0"),
     ("--layers", "0", "layers=0"), ("--dropout", "1.5", "dropout=1.5"),
     ("--epochs", "0", "--epochs=0"), ("--batch-size", "0", "--batch-size=0"),
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
