"""The cell table: names and aliases, layer defaults, cuDNN eligibility, the jit setting."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from rnnkit.cells import (
    ALIASES,
    CELLS,
    cudnn_eligible,
    derive_seed,
    recurrent_layer,
    resolve_cell,
)


@pytest.mark.parametrize(
    "name,canonical",
    [("lstm", "lstm"), ("LSTM", "lstm"), ("gru", "gru"), (" Gru ", "gru"), ("rnn", "rnn"),
     ("RNN", "rnn"), ("simple", "rnn"), ("SimpleRNN", "rnn"), ("simplernn", "rnn")],
)
def test_resolve_cell_accepts_names_and_aliases_in_any_case(name, canonical):
    assert resolve_cell(name) == canonical


@pytest.mark.parametrize("bad", ["transformer", "", "lstm2", None, 1, ["lstm"]])
def test_resolve_cell_rejects_unknown_names_listing_the_allowed_ones(bad):
    with pytest.raises(ValueError) as info:
        resolve_cell(bad)
    message = str(info.value)
    assert f"cell={bad!r}" in message
    assert all(name in message for name in [*CELLS, *ALIASES])


def test_every_alias_points_to_a_cell():
    assert set(ALIASES.values()) <= set(CELLS)
    assert set(CELLS) == {"lstm", "gru", "rnn"}


@pytest.mark.parametrize("cell,layer_type",
                         [("lstm", keras.layers.LSTM), ("gru", keras.layers.GRU),
                          ("simple", keras.layers.SimpleRNN)])
def test_recurrent_layer_builds_the_keras_layer_with_its_options(cell, layer_type):
    layer = recurrent_layer(cell, 7, return_sequences=True, name="x")
    assert type(layer) is layer_type
    assert layer.units == 7 and layer.return_sequences and layer.name == "x"
    assert not layer.unroll
    out = layer(np.zeros((2, 5, 3), "float32"))
    assert tuple(out.shape) == (2, 5, 7)


def test_recurrent_layer_l2_adds_regularization_losses():
    layer = recurrent_layer("gru", 4, l2=0.01, seed=0)
    layer(np.ones((1, 3, 2), "float32"))
    assert len(layer.losses) == 2  # kernel and recurrent kernel
    assert all(float(keras.ops.convert_to_numpy(loss)) > 0 for loss in layer.losses)
    plain = recurrent_layer("gru", 4, seed=0)
    plain(np.ones((1, 3, 2), "float32"))
    assert not plain.losses


def test_seeded_layers_are_reproducible():
    def weights(seed):
        layer = recurrent_layer("lstm", 4, seed=seed)
        layer.build((None, 3, 2))
        return layer.get_weights()

    assert all(np.array_equal(a, b) for a, b in zip(weights(5), weights(5), strict=True))
    assert not np.array_equal(weights(5)[0], weights(6)[0])


def test_derive_seed():
    assert derive_seed(None, 3) is None
    assert derive_seed(10, 3) == 13


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_lstm_and_gru_defaults_are_cudnn_eligible(cell):
    layer = recurrent_layer(cell, 4)
    assert cudnn_eligible(layer)
    assert cudnn_eligible(keras.layers.Bidirectional(layer))


@pytest.mark.parametrize(
    "cell,kwargs",
    [("rnn", {}),
     ("lstm", {"recurrent_dropout": 0.1}),
     ("lstm", {"activation": "relu"}),
     ("gru", {"recurrent_activation": "hard_sigmoid"}),
     ("lstm", {"unroll": True}),
     ("gru", {"reset_after": False}),
     ("gru", {"use_bias": False})],
)
def test_options_that_give_up_cudnn_are_detected(cell, kwargs):
    assert not cudnn_eligible(recurrent_layer(cell, 4, **kwargs))


# ----------------------------------------------------------------------------- cudnn_report

@pytest.mark.parametrize(("options", "words"), [
    ({"recurrent_dropout": 0.25}, "recurrent_dropout=0.25"),
    ({"unroll": True}, "unroll=True"),
    ({"activation": "relu"}, "activation='relu'"),
    ({"recurrent_activation": "hard_sigmoid"}, "recurrent_activation='hard_sigmoid'"),
    ({"use_cudnn": False}, "use_cudnn=False"),
])
@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_cudnn_report_names_the_blocking_option(cell, options, words):
    from rnnkit.cells import cudnn_report

    model = keras.Sequential([keras.Input((6, 3)),
                              recurrent_layer(cell, 4, return_sequences=True, name="ok"),
                              recurrent_layer(cell, 4, name="blocked", **options)])
    report = cudnn_report(model)
    assert list(report["layer"]) == ["ok", "blocked"]
    assert list(report["cudnn"]) == [True, False]
    assert report["blocked_by"].iloc[0] == ""
    assert words in report["blocked_by"].iloc[1]
    assert report.attrs["gpu"] in (True, False)


def test_cudnn_report_sees_simple_rnn_bidirectional_gru_reset_before_and_nested_models():
    from rnnkit.cells import cudnn_report

    inner = keras.Sequential([keras.Input((6, 3)),
                              keras.layers.Bidirectional(recurrent_layer("lstm", 4,
                                                                         return_sequences=True),
                                                         name="bi"),
                              keras.layers.GRU(4, reset_after=False, name="gru_v1",
                                               return_sequences=True)],
                             name="inner")
    model = keras.Sequential([keras.Input((6, 3)), inner, recurrent_layer("rnn", 4, name="s")])
    report = cudnn_report(model).set_index("layer")
    assert report.loc["bi", "cudnn"] and report.loc["bi", "cell"] == "LSTM"
    assert "reset_after=False" in report.loc["gru_v1", "blocked_by"]
    assert "SimpleRNN" in report.loc["s", "blocked_by"] and not report.loc["s", "cudnn"]


def test_cudnn_report_refuses_what_has_no_recurrent_layer():
    from rnnkit.cells import cudnn_report

    with pytest.raises(ValueError, match="no recurrent layer"):
        cudnn_report(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]))
    with pytest.raises(ValueError, match="not a Keras model"):
        cudnn_report("model.keras")
