"""Safe-training callbacks: early stopping restores the best weights, the NaN guard stops
with advice, the early-stopping state is written atomically beside the backup."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

from rnnkit import callbacks as callbacks_module
from rnnkit import training
from rnnkit.callbacks import NaNGuard, ResumableEarlyStopping, callbacks
from rnnkit.models import build_classifier
from rnnkit.training import fit
from tests._bad_input import bad_input_test, case, t, using

RNG = np.random.default_rng(0)
X = RNG.normal(size=(96, 6, 2)).astype("float32")
Y = (X[:, :, 0].mean(axis=1) > 0).astype("int32")


def test_callbacks_factory_gives_plain_keras_callbacks(tmp_path):
    cbs = callbacks(patience=3, backup_dir=tmp_path / "bk")
    kinds = [type(c) for c in cbs]
    assert isinstance(cbs[0], keras.callbacks.TerminateOnNaN)
    assert isinstance(cbs[1], keras.callbacks.EarlyStopping)
    assert cbs[1].patience == 3 and cbs[1].restore_best_weights and cbs[1].monitor == "val_loss"
    assert keras.callbacks.BackupAndRestore in kinds
    assert [type(c) for c in callbacks(terminate_on_nan=False)] == [type(cbs[1])]
    # (a negative patience and a backup_dir that is a file are rows of BAD_INPUT below)


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
    # the model runs up to 8 batches per compiled call (rnnkit.fastest.STEPS_PER_EXECUTION),
    # and the epoch has 3 (96 rows / 32)
    assert "loss became nan at epoch 1, within batches 1-3" in err
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


def test_training_keeps_the_callbacks_reachable():
    assert training.callbacks is callbacks and training.NaNGuard is NaNGuard
    assert training._make_callbacks is callbacks  # fit calls it (the CLI tests wrap it)


def test_early_stopping_state_is_written_atomically_and_read_back(tmp_path, monkeypatch):
    writes = []
    for name in ("atomic_write", "atomic_write_json"):
        original = getattr(callbacks_module, name)

        def spy(path, *args, _original=original, _name=name, **kwargs):
            writes.append((_name, path.name))
            return _original(path, *args, **kwargs)

        monkeypatch.setattr(callbacks_module, name, spy)
    model = build_classifier((6, 2), 2, units=4, seed=0)
    stopping = ResumableEarlyStopping(monitor="loss", patience=5, restore_best_weights=True,
                                      state_dir=str(tmp_path))
    model.fit(X, Y, epochs=2, batch_size=32, verbose=0, callbacks=[stopping])
    assert ("atomic_write_json", "early_stopping.json") in writes
    assert ("atomic_write", "early_stopping_best_weights.npz") in writes
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "early_stopping.json", "early_stopping_best_weights.npz"]  # no temporary files left
    state = json.loads((tmp_path / "early_stopping.json").read_text())
    assert state["best"] == pytest.approx(stopping.best) and state["wait"] == stopping.wait
    # a new callback on the same folder (a resumed training) starts from the saved state
    again = ResumableEarlyStopping(monitor="loss", patience=5, restore_best_weights=True,
                                   state_dir=str(tmp_path))
    again.set_model(model)
    again.on_train_begin()
    assert again.best == pytest.approx(stopping.best) and again.best_epoch == stopping.best_epoch
    assert all(np.array_equal(a, b) for a, b in zip(again.best_weights, stopping.best_weights,
                                                    strict=True))


# ============================================================================ the recipe's schedule

class _RateLog(keras.callbacks.Callback):
    """Records the optimizer's learning rate as each epoch begins (after the schedule)."""

    def __init__(self):
        super().__init__()
        self.rates: list[float] = []

    def on_epoch_begin(self, epoch, logs=None):
        self.rates.append(float(np.asarray(self.model.optimizer.learning_rate)))


def _schedule_run(recipe: bool, learning_rate=0.01, epochs: int = 5):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 4, 2)).astype("float32")
    y = (x[:, :, 0].sum(axis=1) > 0).astype("int32")
    model = build_classifier((4, 2), 2, units=4, seed=0, learning_rate=learning_rate)
    log = _RateLog()
    fit(model, x, y, epochs=epochs, patience=None, batch_size=16, seed=0, verbose=0,
        callbacks=[log], recipe=recipe)
    return model, log.rates


def test_the_recipe_sets_a_cosine_learning_rate_in_the_optimizer():
    model, rates = _schedule_run(recipe=True)
    expected = [0.01 * (0.1 + 0.9 * (1 + np.cos(np.pi * e / 5)) / 2) for e in range(5)]
    np.testing.assert_allclose(rates, expected, rtol=1e-6)
    assert rates[0] == pytest.approx(0.01) and rates[-1] < 0.25 * rates[0]
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(0.01)  # put back
    assert model.optimizer.global_clipnorm == 1.0  # the factories clip the gradients
    _, fixed = _schedule_run(recipe=False)
    np.testing.assert_allclose(fixed, [0.01] * 5, rtol=1e-6)


def test_the_schedule_leaves_an_optimizer_schedule_of_its_own_alone():
    own = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=1000, decay_rate=0.5)
    model, rates = _schedule_run(recipe=True, learning_rate=own, epochs=3)
    assert isinstance(model.optimizer.get_config()["learning_rate"], dict)
    assert rates[0] == pytest.approx(0.01, rel=0.01) and rates[-1] > 0.009  # its own decay


def test_the_schedule_follows_the_epoch_keras_reports():
    schedule = callbacks_module.CosineSchedule(epochs=10, floor=0.0)
    assert schedule.rate(0, 2.0) == 2.0 and schedule.rate(5, 2.0) == pytest.approx(1.0)
    assert schedule.rate(10, 2.0) == pytest.approx(0.0) == schedule.rate(12, 2.0)
    assert [type(c).__name__ for c in callbacks(patience=3, epochs=4, backup_dir="b")] == [
        "NaNGuard", "ResumableEarlyStopping", "CosineSchedule", "BackupAndRestore"]


# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    # ---------------------------------------------------------------- safe training: callbacks
    case("training-patience-negative", t(training.callbacks, patience=-1), ValueError,
         "patience=-1"),
    case("training-monitor-empty", t(training.callbacks, monitor=""), ValueError, "monitor=''"),
    case("training-min-delta", t(training.callbacks, min_delta=-0.1), ValueError,
         "min_delta=-0.1"),
    case("training-backup-dir-is-file",
         using(lambda c: t(training.callbacks, backup_dir=c.write("f.txt", "x"))),
         ValueError, "backup_dir=", "f.txt", "is a file"),
    case("training-backup-dir-not-a-path", t(training.callbacks, backup_dir=3), ValueError,
         "backup_dir=3", "folder path"),
    case("training-fit-recipe-not-a-bool",
         using(lambda c: t(fit, c.shared.classifier, np.zeros((4, 4, 2)), np.zeros(4),
                           recipe="cosine")),
         ValueError, "recipe='cosine'"),
    case("training-schedule-epochs-zero", t(training.callbacks, epochs=0), ValueError,
         "epochs=0"),
    case("training-schedule-floor-above-one", t(callbacks_module.CosineSchedule, 5, floor=2),
         ValueError, "floor=2"),
]

test_bad_input = bad_input_test(BAD_INPUT)
