"""The compile setting per backend, cell and work per step, and fit switching to it."""

from __future__ import annotations

import keras
import numpy as np
import pytest

import rnnkit.fastest as fastest
from rnnkit.fastest import (
    TF_CPU_XLA_MAX_WORK,
    decisive_cell,
    fastest_jit_compile,
    use_fastest_jit_compile,
)
from rnnkit.models import build_classifier, build_generator, build_seq2seq
from rnnkit.training import fit

TF_CPU = keras.backend.backend() == "tensorflow" and not fastest.has_accelerator()


@pytest.mark.skipif(not TF_CPU, reason="the limits are for TensorFlow on a CPU")
@pytest.mark.parametrize("cell", sorted(TF_CPU_XLA_MAX_WORK))
def test_xla_up_to_the_measured_work_per_step_then_the_graph(cell):
    limit = TF_CPU_XLA_MAX_WORK[cell]
    assert fastest_jit_compile(cell, 32, 8) is True  # tiny steps: XLA removes the overhead
    if limit != float("inf"):
        assert fastest_jit_compile(cell, int(limit) // 128, 128) is True
        assert fastest_jit_compile(cell, int(limit) // 128 * 2, 128) is False


@pytest.mark.skipif(not TF_CPU, reason="the limits are for TensorFlow on a CPU")
def test_the_benchmarked_workloads_get_their_measured_setting():
    assert fastest_jit_compile("lstm", 7, 8) is True       # seq2seq: 3.7x with XLA
    assert fastest_jit_compile("lstm", 64, 256) is False   # character model: 1.19x graph
    assert fastest_jit_compile("gru", 256, 128) is True    # GRU: 1.27-1.44x with XLA
    assert fastest_jit_compile(None, None, None) is True   # LSTM(128) at batch 32


def test_each_backend_and_device_gets_its_own_rule(monkeypatch):
    monkeypatch.setattr(fastest, "has_accelerator", lambda: True)
    expected_gpu = True if keras.backend.backend() == "jax" else "auto"
    assert fastest_jit_compile("lstm", 128) == expected_gpu  # cuDNN is not XLA-compatible
    if keras.backend.backend() == "jax":
        monkeypatch.setattr(fastest, "has_accelerator", lambda: False)
        assert fastest_jit_compile("lstm", 64, 256) is True  # JAX always compiles


def test_the_deciding_cell_and_the_widest_layer():
    assert decisive_cell(build_classifier((4, 2), 2, cell="rnn", units=3, seed=0)) == ("rnn", 3)
    assert decisive_cell(build_generator(5, cell="gru", units=7, embedding_dim=2,
                                         seed=0)) == ("gru", 7)
    assert decisive_cell(build_seq2seq((6, 1), units=9, layers=2, seed=0)) == ("lstm", 9)


@pytest.mark.skipif(not TF_CPU, reason="the limits are for TensorFlow on a CPU")
def test_factories_compile_for_the_default_batch_and_their_own_units():
    # LSTM(128) at batch 32 is 4,096 per step: XLA; at batch 128 it would be the graph
    assert build_classifier((4, 2), 3, units=128, seed=0).jit_compile is True
    assert build_generator(5, units=512, embedding_dim=2, seed=0).jit_compile is False


@pytest.mark.skipif(not TF_CPU, reason="the limits are for TensorFlow on a CPU")
def test_fit_switches_rnnkit_models_but_not_the_users(monkeypatch):
    monkeypatch.setattr(fastest, "TF_CPU_XLA_MAX_WORK", {"lstm": 4 * 32})
    x = np.random.default_rng(0).normal(size=(64, 5, 2)).astype("float32")
    y = (x[:, -1, 0] > 0).astype("int32")
    model = build_classifier((5, 2), 2, units=4, seed=0)
    fit(model, x, y, epochs=1, batch_size=64, patience=None, verbose=0)
    assert model.jit_compile is False
    losses = fit(model, x, y, epochs=2, batch_size=32, patience=None, verbose=0).history["loss"]
    assert model.jit_compile is True and np.isfinite(losses).all()
    mine = keras.Sequential([keras.Input((5, 2)), keras.layers.LSTM(4), keras.layers.Dense(2)])
    mine.compile("adam", "sparse_categorical_crossentropy", jit_compile=True)
    fit(mine, x, y, epochs=1, batch_size=64, patience=None, verbose=0)
    assert mine.jit_compile is True
    assert use_fastest_jit_compile(mine, 64) is True
