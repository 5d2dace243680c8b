"""The one-step model: step by step it gives the full model's logits; what it cannot run."""

import keras
import numpy as np
import pytest

from rnnkit.models import build_generator
from rnnkit.sampling_loop import loop_for
from rnnkit.step_model import StepModel


def stepwise_logits(model, ids, *, folded=False):
    step = StepModel(model)
    states = step.initial_states(ids.shape[0])
    table = step.input_table() if folded else None
    assert (table is not None) == folded
    out = []
    for i in range(ids.shape[1]):
        logits, states = step.step(keras.ops.convert_to_tensor(ids[:, i]), states, table)
        out.append(keras.ops.convert_to_numpy(logits))
    return np.stack(out, axis=1)


@pytest.mark.parametrize(
    ("cell", "layers", "dropout"),
    [("lstm", 1, 0.0), ("gru", 1, 0.0), ("rnn", 1, 0.0), ("lstm", 2, 0.0), ("gru", 2, 0.3),
     ("rnn", 2, 0.0)],
)
def test_one_step_model_reproduces_the_full_model(cell, layers, dropout):
    model = build_generator(13, cell=cell, units=16, layers=layers, embedding_dim=8,
                            dropout=dropout, seed=1)
    # make the weights larger than at initialisation so that the states matter
    for w in model.weights:
        w.assign(w.numpy() * 3.0)
    ids = np.random.default_rng(2).integers(0, 13, size=(3, 25)).astype(np.int32)
    full = keras.ops.convert_to_numpy(model(ids, training=False))
    stepped = stepwise_logits(model, ids)
    assert np.abs(full - stepped).max() < 1e-4
    # the embedding folded into the first layer's input projection: the same logits
    folded = stepwise_logits(model, ids, folded=True)
    assert np.abs(full - folded).max() < 1e-4 * max(1.0, float(np.abs(full).max()))
    # and the compiled warm-up loop ends on the same logits
    loop = loop_for(model)
    states = loop.step_model.initial_states(1)
    padded = np.zeros(loop.chunk, np.int32)
    padded[:25] = ids[0]
    _, last = loop.warm(states, keras.ops.convert_to_tensor(padded), np.int32(25))
    # compiled (XLA) and eager float32 sums differ in order; weights x3 amplify it over 25
    # steps, so the bound is relative to the logits' scale
    scale = max(1.0, float(np.abs(full).max()))
    assert np.abs(keras.ops.convert_to_numpy(last)[0] - full[0, -1]).max() < 1e-4 * scale


def test_only_default_cells_right_after_the_embedding_are_folded():
    relu = keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(5, 4),
                             keras.layers.SimpleRNN(4, activation="relu", return_sequences=True),
                             keras.layers.Dense(5)])
    gru_v1 = keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(5, 4),
                               keras.layers.GRU(4, reset_after=False, return_sequences=True),
                               keras.layers.Dense(5)])
    mapped = keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(5, 4),
                               keras.layers.Dense(4), keras.layers.LSTM(4, return_sequences=True),
                               keras.layers.Dense(5)])
    for model in (relu, gru_v1, mapped):
        assert StepModel(model).input_table() is None
        ids = np.array([[1, 2, 3, 4]], np.int32)
        full = keras.ops.convert_to_numpy(model(ids, training=False))
        assert np.abs(full - stepwise_logits(model, ids)).max() < 1e-5


def test_step_model_rejects_unsupported_models():
    # (a model without an Embedding is a row of BAD_INPUT in test_sampling.py)
    bidi = keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(5, 4),
                             keras.layers.Bidirectional(keras.layers.LSTM(4,
                                                                          return_sequences=True)),
                             keras.layers.Dense(5)])
    with pytest.raises(ValueError, match="Bidirectional"):
        StepModel(bidi)


def test_softmax_head_gives_log_probabilities():
    model = keras.Sequential([keras.Input((None,), dtype="int32"), keras.layers.Embedding(5, 3),
                              keras.layers.GRU(4, return_sequences=True),
                              keras.layers.Dense(5, activation="softmax")])
    ids = np.array([[1, 4, 2]], np.int32)
    probs = keras.ops.convert_to_numpy(model(ids, training=False))
    np.testing.assert_allclose(np.exp(stepwise_logits(model, ids)), probs, rtol=1e-4,
                               atol=1e-6)
