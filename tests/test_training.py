"""Safe training: early stopping, NaN guard, kill-and-resume, seeds, l2 / recurrent dropout /
learning-rate schedules of the factories."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import keras
import numpy as np
import pytest

from rnnkit import training
from rnnkit.cells import cudnn_eligible
from rnnkit.models import build_classifier, build_seq2seq
from rnnkit.training import NaNGuard, callbacks, fit, has_backup
from tests._bad_input import bad_input_test, case, t, using

HERE = Path(__file__).resolve().parent
RNG = np.random.default_rng(0)
X = RNG.normal(size=(96, 6, 2)).astype("float32")
Y = (X[:, :, 0].mean(axis=1) > 0).astype("int32")


def _weights_equal(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))


# ----------------------------------------------------------------------------- callbacks

def test_callbacks_factory_gives_plain_keras_callbacks(tmp_path):
    cbs = callbacks(patience=3, backup_dir=tmp_path / "bk")
    kinds = [type(c) for c in cbs]
    assert isinstance(cbs[0], keras.callbacks.TerminateOnNaN)
    assert isinstance(cbs[1], keras.callbacks.EarlyStopping)
    assert cbs[1].patience == 3 and cbs[1].restore_best_weights and cbs[1].monitor == "val_loss"
    assert keras.callbacks.BackupAndRestore in kinds
    assert [type(c) for c in callbacks(terminate_on_nan=False)] == [type(cbs[1])]
    with pytest.raises(ValueError, match="patience=-1"):
        callbacks(patience=-1)
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match=r"backup_dir=.*file' is a file"):
        callbacks(backup_dir=tmp_path / "file")


def test_early_stopping_restores_the_best_weights():
    # Validation labels contradict the training labels: the better the model learns the
    # training data, the worse its validation loss, so training must stop early.
    model = build_classifier((6, 2), 2, units=4, seed=0, learning_rate=0.02)
    val = (X[:32], 1 - Y[:32])
    history = fit(model, X, Y, validation_data=val, epochs=40, patience=2, seed=0,
                  batch_size=32, verbose=0)
    val_losses = history.history["val_loss"]
    assert len(val_losses) < 40
    best = int(np.argmin(val_losses))
    assert best < len(val_losses) - 1  # the last epoch was not the best one
    restored = model.evaluate(*val, verbose=0)[0]
    assert restored == pytest.approx(val_losses[best], rel=1e-5)
    assert restored < val_losses[-1]


def test_nan_in_data_stops_training_with_advice(capfd):
    x = X.copy()
    x[5, 2, 1] = np.nan
    model = build_classifier((6, 2), 2, units=4, seed=0)
    history = fit(model, x, Y, epochs=5, batch_size=32, verbose=0, shuffle=False)
    assert len(history.epoch) == 1  # stopped in the first epoch, not after 5
    err = capfd.readouterr().err
    assert "loss became nan at epoch 1, batch 1" in err
    for advice in ("learning rate", "scaling of inputs and targets", "NaN or infinite values"):
        assert advice in err
    with pytest.raises(FloatingPointError, match="learning rate"):
        model.fit(x, Y, epochs=1, batch_size=32, verbose=0, shuffle=False,
                  callbacks=[NaNGuard(raise_error=True)])


class _PoisonWeights(keras.callbacks.Callback):
    """Set one weight to NaN at the start of an epoch (a diverging training)."""

    def __init__(self, epoch: int):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            weights = self.model.get_weights()
            weights[0][0, 0] = np.nan
            self.model.set_weights(weights)


def test_nan_after_good_epochs_keeps_the_best_finite_weights(capfd):
    model = build_classifier((6, 2), 2, units=4, seed=0)
    history = fit(model, X, Y, validation_data=(X[:32], Y[:32]), epochs=10, seed=0,
                  batch_size=32, verbose=0, callbacks=[_PoisonWeights(3)])
    assert len(history.epoch) == 4
    assert all(np.isfinite(w).all() for w in model.get_weights())
    assert np.isfinite(model.evaluate(X, Y, verbose=0)[0])
    assert "epoch 4" in capfd.readouterr().err


def test_fit_argument_errors(tmp_path):
    model = build_classifier((6, 2), 2, units=4, seed=0)
    with pytest.raises(ValueError, match="monitor='val_loss' needs validation data"):
        fit(model, X, Y, monitor="val_loss")
    with pytest.raises(ValueError, match="resume=True needs backup_dir"):
        fit(model, X, Y, resume=True)
    with pytest.raises(ValueError, match="epochs=0"):
        fit(model, X, Y, epochs=0)
    with pytest.raises(ValueError, match="not compiled"):
        fit(keras.Sequential([keras.Input((6, 2)), keras.layers.Flatten()]), X, Y)
    backup = tmp_path / "bk"
    backup.mkdir()
    (backup / "training_metadata.json").write_text('{"epoch": 2, "batch": 0}')
    assert has_backup(backup)
    with pytest.raises(ValueError, match=r"holds the backup of an interrupted training.*"
                                         r"resume=True"):
        fit(model, X, Y, backup_dir=backup)


# ----------------------------------------------------------------------------- kill and resume

def _read_log(path: Path) -> list[str]:
    return path.read_text().split("\n")[:-1] if path.exists() else []


def _wait_for(path: Path, line: str, proc: subprocess.Popen, timeout: float = 240) -> None:
    start = time.monotonic()
    while line not in _read_log(path):
        if proc.poll() is not None:
            raise AssertionError(f"child exited with {proc.returncode} before {line!r}: "
                                 f"{proc.stderr.read().decode()[-2000:]}")
        if time.monotonic() - start > timeout:
            proc.kill()
            raise AssertionError(f"child did not log {line!r} within {timeout} s")
        time.sleep(0.05)


def test_killed_training_resumes_from_the_saved_epoch(tmp_path):
    from _train_child import train

    epochs, killed_after = 8, 3
    backup, log, weights = tmp_path / "backup", tmp_path / "log.txt", tmp_path / "w.npz"
    command = [sys.executable, str(HERE / "_train_child.py"), str(backup), str(log),
               str(weights), str(epochs), "0.08"]
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    first = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
    # Kill in the middle of epoch `killed_after` (0-based), after its 8 batches have begun.
    _wait_for(log, f"begin {killed_after}", first)
    time.sleep(0.2)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=60)
    assert first.returncode == -signal.SIGKILL
    before = _read_log(log)
    assert before[-2:] == [f"end {killed_after - 1}", f"begin {killed_after}"]
    assert has_backup(backup)

    second = subprocess.run(command, env=env, stderr=subprocess.PIPE, timeout=300)
    assert second.returncode == 0, second.stderr.decode()[-2000:]
    assert "resuming the interrupted training" in second.stderr.decode()
    after = _read_log(log)[len(before):]
    assert after[0] == f"begin {killed_after}"  # resumed at the interrupted epoch, not 0
    finished = [int(line.split()[1]) for line in before + after if line.startswith("end")]
    assert finished == list(range(epochs))  # every epoch finished exactly once: 8 in all
    assert after[-1] == "done" and not backup.exists()  # the backup is removed at the end
    print(f"\nresume figures: killed during epoch {killed_after + 1} after {killed_after} "
          f"finished epochs; resumed at epoch {killed_after + 1}; total finished epochs "
          f"{len(finished)} of {epochs}")

    # The resumed training ends with the same weights as one that was never interrupted
    # (weights, optimizer state and early-stopping state were all restored).
    train(str(tmp_path / "ref_backup"), str(tmp_path / "ref_log.txt"),
          str(tmp_path / "ref.npz"), epochs)
    with np.load(weights) as got, np.load(tmp_path / "ref.npz") as ref:
        assert _weights_equal([got[k] for k in got.files], [ref[k] for k in ref.files])


# ----------------------------------------------------------------------------- seeds

def _train_once(seed: int) -> tuple[list[np.ndarray], np.ndarray]:
    model = build_classifier((6, 2), 2, units=4, dropout=0.2, seed=seed)
    fit(model, X, Y, epochs=2, batch_size=16, seed=seed, verbose=0)
    return model.get_weights(), model.predict(X, verbose=0)


def test_same_seed_gives_identical_weights_and_predictions():
    w1, p1 = _train_once(7)
    w2, p2 = _train_once(7)
    assert _weights_equal(w1, w2)
    np.testing.assert_array_equal(p1, p2)
    # ... and training did change them (the equality above is not trivially true).
    assert not _weights_equal(w1, build_classifier((6, 2), 2, units=4, dropout=0.2,
                                                   seed=7).get_weights())


# ----------------------------------------------------------------------------- factories

def test_l2_adds_the_regularisation_loss():
    l2 = 0.01
    plain = build_classifier((6, 2), 2, units=4, seed=0)
    regular = build_classifier((6, 2), 2, units=4, seed=0, l2=l2)
    assert _weights_equal(plain.get_weights(), regular.get_weights())
    lstm = regular.get_layer("lstm_1")
    expected = l2 * float(np.sum(lstm.cell.kernel.numpy() ** 2)
                          + np.sum(lstm.cell.recurrent_kernel.numpy() ** 2))
    gap = regular.evaluate(X, Y, verbose=0)[0] - plain.evaluate(X, Y, verbose=0)[0]
    assert gap == pytest.approx(expected, rel=1e-4)
    assert expected > 0.01


def test_recurrent_dropout_is_random_in_training_only():
    base = build_seq2seq((6, 2), units=4, layers=1, seed=0)
    dropped = build_seq2seq((6, 2), units=4, layers=1, seed=0, recurrent_dropout=0.5)
    layer = dropped.get_layer("lstm_1")
    assert layer.cell.recurrent_dropout == 0.5 and not cudnn_eligible(layer)
    assert cudnn_eligible(base.get_layer("lstm_1"))
    # Same seed, same weights: without training, both compute the same function (up to the
    # rounding of the different kernels Keras picks with and without recurrent dropout).
    np.testing.assert_allclose(dropped.predict(X, verbose=0), base.predict(X, verbose=0),
                               rtol=1e-5, atol=1e-7)
    train_a = keras.ops.convert_to_numpy(dropped(X, training=True))
    train_b = keras.ops.convert_to_numpy(dropped(X, training=True))
    assert not np.array_equal(train_a, train_b)
    assert not np.array_equal(train_a, base.predict(X, verbose=0))


def test_learning_rate_schedule_decays():
    schedule = keras.optimizers.schedules.ExponentialDecay(
        0.1, decay_steps=1, decay_rate=0.5, staircase=True)
    model = build_classifier((6, 2), 2, units=4, seed=0, learning_rate=schedule)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.1)
    model.fit(X, Y, epochs=1, batch_size=32, verbose=0)  # 3 steps
    assert int(model.optimizer.iterations) == 3
    assert float(model.optimizer.learning_rate) == pytest.approx(0.1 * 0.5**3)
    with pytest.raises(ValueError, match="learning_rate=-0.1"):
        build_classifier((6, 2), 2, learning_rate=-0.1)


# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    # ---------------------------------------------------------------- safe training
    case("training-patience-negative", t(training.callbacks, patience=-1), ValueError,
         "patience=-1"),
    case("training-monitor-empty", t(training.callbacks, monitor=""), ValueError, "monitor=''"),
    case("training-min-delta", t(training.callbacks, min_delta=-0.1), ValueError,
         "min_delta=-0.1"),
    case("training-backup-dir-is-file",
         using(lambda c: t(training.callbacks, backup_dir=c.write("f.txt", "x"))),
         ValueError, "backup_dir=", "f.txt", "is a file"),
    case("training-fit-not-a-model", t(training.fit, "model", epochs=1), ValueError,
         "model='model'"),
    case("training-fit-epochs-zero",
         using(lambda c: t(training.fit, c.shared.classifier, np.zeros((4, 4, 2)), np.zeros(4),
                           epochs=0)),
         ValueError, "epochs=0"),
    case("training-fit-resume-without-backup",
         using(lambda c: t(training.fit, c.shared.classifier, np.zeros((4, 4, 2)), np.zeros(4),
                           resume=True)),
         ValueError, "resume=True", "backup_dir"),
    case("training-fit-val-monitor-without-val",
         using(lambda c: t(training.fit, c.shared.classifier, np.zeros((4, 4, 2)), np.zeros(4),
                           monitor="val_accuracy")),
         ValueError, "monitor='val_accuracy'", "validation_data"),
    case("training-seed-negative", t(training.seed_everything, -1), ValueError, "seed=-1"),
]

test_bad_input = bad_input_test(BAD_INPUT)
