"""The compile setting per backend, cell and batch size, and fit switching to it."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import rnnkit.fastest as fastest
from rnnkit.fastest import TF_CPU_XLA, decisive_cell, fastest_jit_compile, use_fastest_jit_compile
from rnnkit.models import build_classifier, build_generator
from rnnkit.training import fit

TF_CPU = keras.backend.backend() == "tensorflow" and not fastest.has_accelerator()


@pytest.mark.skipif(not TF_CPU, reason="the table is for TensorFlow on a CPU")
@pytest.mark.parametrize(("cell", "batch"), sorted(TF_CPU_XLA))
def test_measured_sizes_give_the_measured_setting(cell, batch):
    assert fastest_jit_compile(cell, batch) is TF_CPU_XLA[(cell, batch)]


@pytest.mark.skipif(not TF_CPU, reason="the table is for TensorFlow on a CPU")
def test_other_sizes_take_the_nearest_measured_size_on_a_log_scale(monkeypatch):
    monkeypatch.setattr(fastest, "TF_CPU_XLA", {("lstm", 32): True, ("lstm", 256): False})
    assert fastest_jit_compile("lstm", 64) is True      # nearer 32 than 256
    assert fastest_jit_compile("lstm", 128) is False    # nearer 256
    assert fastest_jit_compile("lstm", None) is True    # Keras' default batch, 32
    assert fastest_jit_compile("gru", 128) is True      # not measured: XLA


def test_each_backend_and_device_gets_its_own_rule(monkeypatch):
    monkeypatch.setattr(fastest, "has_accelerator", lambda: True)
    expected_gpu = True if keras.backend.backend() == "jax" else "auto"
    assert fastest_jit_compile("lstm", 128) == expected_gpu  # cuDNN is not XLA-compatible
    if keras.backend.backend() == "jax":
        monkeypatch.setattr(fastest, "has_accelerator", lambda: False)
        assert fastest_jit_compile("rnn", 32) is True  # JAX always compiles


def test_the_slowest_cell_decides():
    assert decisive_cell(build_classifier((4, 2), 2, cell="rnn", units=2, seed=0)) == "rnn"
    assert decisive_cell(build_generator(5, cell="gru", units=2, embedding_dim=2,
                                         seed=0)) == "gru"


@pytest.mark.skipif(not TF_CPU, reason="the table is for TensorFlow on a CPU")
def test_fit_switches_rnnkit_models_but_not_the_users(monkeypatch):
    monkeypatch.setattr(fastest, "TF_CPU_XLA", {("lstm", 32): True, ("lstm", 64): False})
    x = np.random.default_rng(0).normal(size=(64, 5, 2)).astype("float32")
    y = (x[:, -1, 0] > 0).astype("int32")
    model = build_classifier((5, 2), 2, units=4, seed=0)
    assert model.jit_compile is True
    fit(model, x, y, epochs=1, batch_size=64, patience=None, verbose=0)
    assert model.jit_compile is False
    losses = fit(model, x, y, epochs=2, batch_size=32, patience=None, verbose=0).history["loss"]
    assert model.jit_compile is True and np.isfinite(losses).all()
    mine = keras.Sequential([keras.Input((5, 2)), keras.layers.LSTM(4), keras.layers.Dense(2)])
    mine.compile("adam", "sparse_categorical_crossentropy", jit_compile=True)
    fit(mine, x, y, epochs=1, batch_size=64, patience=None, verbose=0)
    assert mine.jit_compile is True
    assert use_fastest_jit_compile(mine, 64) is True
