"""Safe training with fit: argument checks, kill-and-resume, seeds.

(The callbacks are tested in test_callbacks.py, the factories' options in test_models.py.)
"""

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
from rnnkit.models import build_classifier
from rnnkit.training import fit, has_backup
from tests._bad_input import bad_input_test, case, t, using

HERE = Path(__file__).resolve().parent
RNG = np.random.default_rng(0)
X = RNG.normal(size=(96, 6, 2)).astype("float32")
Y = (X[:, :, 0].mean(axis=1) > 0).astype("int32")


def _weights_equal(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))


def test_fit_argument_errors(tmp_path):
    # (a monitor without validation data, resume without backup_dir and epochs=0 are rows of
    # BAD_INPUT below)
    model = build_classifier((6, 2), 2, units=4, seed=0)
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
    from tests._train_child import train

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


BAD_INPUT = [
    # ---------------------------------------------------------------- safe training
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
    case("training-seed-too-large", t(training.seed_everything, 2**31), ValueError,
         "seed=2147483648", "<= 2147483647"),
    case("training-fit-seed-negative",
         using(lambda c: t(training.fit, c.shared.classifier, np.zeros((4, 4, 2)), np.zeros(4),
                           seed=-1)),
         ValueError, "seed=-1"),
]

test_bad_input = bad_input_test(BAD_INPUT)
