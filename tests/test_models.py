"""The factories: build_classifier's accuracy on real data, every cell and option, masking;
l2, recurrent dropout and learning-rate schedules; seeds; the job each records; bad input.

(build_seq2seq and build_generator are also exercised by the series, sampling and bundle tests.)
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from rnnkit.cells import cudnn_eligible
from rnnkit.fastest import fastest_jit_compile
from rnnkit.jobs import job_of
from rnnkit.models import build_classifier, build_generator, build_seq2seq
from tests._bad_input import bad_input_test, case, t

RNG = np.random.default_rng(0)
X = RNG.normal(size=(96, 6, 2)).astype("float32")
Y = (X[:, :, 0].mean(axis=1) > 0).astype("int32")


def _weights_equal(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return len(a) == len(b) and all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))

CELL_LAYERS = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU, "rnn": keras.layers.SimpleRNN}


def recurrent_params(cell: str, units: int, features: int) -> int:
    """Parameter count of one Keras recurrent layer, from the textbook formulas."""
    if cell == "lstm":  # four gates, each a kernel, a recurrent kernel and a bias
        return 4 * (units * (units + features) + units)
    if cell == "gru":  # three gates; reset_after=True keeps two biases per gate
        return 3 * (units * (units + features) + 2 * units)
    return units * (units + features) + units  # SimpleRNN


def expected_classifier_params(cell: str, *, units: int, layers: int, bidirectional: bool,
                               features: int, num_classes: int) -> int:
    directions = 2 if bidirectional else 1
    total, width = 0, features
    for _ in range(layers):
        total += directions * recurrent_params(cell, units, width)
        width = directions * units
    return total + width * num_classes + num_classes  # Dense softmax head


def recurrent_layers(model: keras.Model) -> list[keras.layers.Layer]:
    return [layer for layer in model.layers
            if isinstance(layer, (keras.layers.RNN, keras.layers.Bidirectional))]


# ----------------------------------------------------------------------------- real data

def test_mnist_rows_reach_88_percent_in_two_epochs():
    from rnnkit.datasets import load_mnist_sample

    (x_train, y_train), (x_val, y_val) = load_mnist_sample()
    assert x_train.shape == (12_000, 28, 28)
    keras.utils.set_random_seed(0)
    model = build_classifier((28, 28), 10, seed=0)
    model.fit(x_train, y_train, epochs=2, verbose=0)  # Keras' default batch size (32)
    _, accuracy = model.evaluate(x_val, y_val, verbose=0)
    chance = np.bincount(y_val).max() / len(y_val)  # the most frequent digit, ~0.11
    print(f"MNIST rows, LSTM(128), 2 epochs: validation accuracy {accuracy:.4f}, "
          f"majority digit {chance:.4f}")
    # ~0.90 after 2 epochs (0.895 on JAX with the recipe's gradient clipping): far above chance
    assert accuracy >= 0.88 > chance


def test_token_classifier_beats_majority_class_on_food_reviews():
    from rnnkit.datasets import load_food_reviews
    from rnnkit.text import WordVocab

    reviews = load_food_reviews()
    labels = (reviews["label"] == "great").to_numpy().astype("int32")
    order = np.random.default_rng(0).permutation(len(reviews))
    train, test = order[:4000], order[4000:]
    texts = reviews["text"].to_numpy()
    vocab = WordVocab.from_texts(texts[train], max_tokens=10_000)
    x = vocab.encode_batch(texts, max_length=100)  # reviews average 74 words
    keras.utils.set_random_seed(0)
    model = build_classifier((None,), 2, cell="gru", units=32, embedding_dim=32,
                             vocab_size=len(vocab), seed=0)
    model.fit(x[train], labels[train], epochs=3, batch_size=64, verbose=0)
    _, accuracy = model.evaluate(x[test], labels[test], verbose=0)
    majority = max(labels[test].mean(), 1 - labels[test].mean())
    print(f"food reviews, GRU(32): held-out accuracy {accuracy:.4f}, majority {majority:.4f}")
    # 1,000 held-out reviews: 0.03 is about two standard errors of the accuracy
    assert accuracy > majority + 0.03, (accuracy, majority)


# ----------------------------------------------------------------------------- every cell / option

@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("bidirectional,layers", [(False, 1), (True, 2)],
                         ids=["plain", "bidirectional-2-layers"])
def test_each_cell_builds_trains_and_has_the_expected_parameters(cell, bidirectional, layers):
    units, features, classes = 6, 5, 3
    model = build_classifier((7, features), classes, cell=cell, units=units, layers=layers,
                             bidirectional=bidirectional, seed=0)
    assert model.count_params() == expected_classifier_params(
        cell, units=units, layers=layers, bidirectional=bidirectional, features=features,
        num_classes=classes)
    stack = recurrent_layers(model)
    assert len(stack) == layers
    for i, layer in enumerate(stack):
        wrapped = layer.forward_layer if bidirectional else layer
        assert isinstance(layer, keras.layers.Bidirectional) == bidirectional
        assert isinstance(wrapped, CELL_LAYERS[cell])
        assert wrapped.return_sequences == (i < layers - 1)
        assert cudnn_eligible(layer) == (cell != "rnn")

    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 7, features)).astype("float32")
    y = rng.integers(0, classes, size=8)
    before = [w.copy() for w in model.get_weights()]
    loss = model.train_on_batch(x, y)
    loss = loss[0] if isinstance(loss, (list, tuple)) else loss
    assert np.isfinite(loss)
    assert all(not np.allclose(a, b) for a, b in zip(before, model.get_weights(), strict=True))
    probs = keras.ops.convert_to_numpy(model(x))
    assert probs.shape == (8, classes)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize("alias,layer", [("LSTM", keras.layers.LSTM), ("Gru", keras.layers.GRU),
                                         ("simple", keras.layers.SimpleRNN),
                                         ("SimpleRNN", keras.layers.SimpleRNN)])
def test_cell_aliases_any_case(alias, layer):
    model = build_classifier((4, 2), 2, cell=alias, units=3)
    assert isinstance(recurrent_layers(model)[0], layer)


def test_compiled_with_adam_sparse_crossentropy_accuracy_and_fastest_jit():
    model = build_classifier((4, 2), 3, units=3, learning_rate=0.01)
    assert isinstance(model, keras.Sequential)
    assert isinstance(model.optimizer, keras.optimizers.Adam)
    assert float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)) == pytest.approx(0.01)
    assert model.loss == "sparse_categorical_crossentropy"
    assert model.jit_compile == (fastest_jit_compile("lstm", 32) is True)
    assert model.layers[-1].activation is keras.activations.softmax


@pytest.mark.parametrize("build", [lambda **k: build_classifier((4, 2), 2, units=3, **k),
                                   lambda **k: build_seq2seq((4, 1), units=3, **k),
                                   lambda **k: build_generator(10, units=3, **k)])
def test_factories_clip_the_gradients_to_a_global_norm(build):
    assert build().optimizer.global_clipnorm == 1.0  # the recipe's default
    assert build().optimizer.clipnorm is None  # the global norm, not each variable's
    assert build(clipnorm=0.5).optimizer.get_config()["global_clipnorm"] == 0.5
    assert build(clipnorm=None).optimizer.global_clipnorm is None


def test_learning_rate_schedule_is_accepted():
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=10, decay_rate=0.5)
    model = build_classifier((4, 2), 2, units=3, learning_rate=schedule)
    assert model.optimizer._learning_rate is schedule


def test_dropout_adds_dropout_layers_and_keeps_cudnn_while_recurrent_dropout_gives_it_up():
    model = build_classifier((5, 2), 2, units=4, layers=2, dropout=0.2)
    assert [type(layer).__name__ for layer in model.layers].count("Dropout") == 2
    assert all(cudnn_eligible(layer) for layer in recurrent_layers(model))
    slow = build_classifier((5, 2), 2, units=4, recurrent_dropout=0.2)
    assert not cudnn_eligible(recurrent_layers(slow)[0])


def test_same_seed_same_weights_other_seed_other_weights():
    def weights(seed):
        return build_classifier((5, 2), 2, cell="gru", units=4, bidirectional=True,
                                seed=seed).get_weights()

    first, again, other = weights(3), weights(3), weights(4)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True))


# ----------------------------------------------------------------------------- masking

LENGTHS = [2, 6, 4, 1]


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("bidirectional", [False, True], ids=["forward", "bidirectional"])
def test_mask_value_padding_gives_the_predictions_of_the_unpadded_sequences(cell, bidirectional):
    mask_value = -1.0
    model = build_classifier((None, 3), 3, cell=cell, units=5, layers=2,
                             bidirectional=bidirectional, mask_value=mask_value, seed=1)
    rng = np.random.default_rng(0)
    sequences = [rng.normal(size=(n, 3)).astype("float32") for n in LENGTHS]
    padded = np.full((len(LENGTHS), max(LENGTHS), 3), mask_value, dtype="float32")
    for row, seq in zip(padded, sequences, strict=True):
        row[: len(seq)] = seq
    together = keras.ops.convert_to_numpy(model(padded))
    alone = np.concatenate([keras.ops.convert_to_numpy(model(s[None])) for s in sequences])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    # the padding matters: without the mask the padded rows would be read as data
    unmasked = build_classifier((None, 3), 3, cell=cell, units=5, layers=2,
                                bidirectional=bidirectional, seed=1)
    assert np.abs(keras.ops.convert_to_numpy(unmasked(padded)) - together).max() > 1e-4


def padded_tokens(seed: int) -> tuple[list[np.ndarray], np.ndarray]:
    """Token-id sequences of the LENGTHS (ids 1..19), and the same right-padded with 0."""
    rng = np.random.default_rng(seed)
    sequences = [rng.integers(1, 20, size=n).astype("int32") for n in LENGTHS]
    padded = np.zeros((len(LENGTHS), max(LENGTHS) + 2), dtype="int32")
    for row, seq in zip(padded, sequences, strict=True):
        row[: len(seq)] = seq
    return sequences, padded


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
@pytest.mark.parametrize("bidirectional", [False, True], ids=["forward", "bidirectional"])
def test_token_id_padding_zero_gives_the_predictions_of_the_unpadded_sequences(cell,
                                                                                bidirectional):
    model = build_classifier((None,), 3, cell=cell, units=5, vocab_size=20, embedding_dim=4,
                             bidirectional=bidirectional, seed=1)
    sequences, padded = padded_tokens(seed=1)
    together = keras.ops.convert_to_numpy(model(padded))
    alone = np.concatenate([keras.ops.convert_to_numpy(model(s[None])) for s in sequences])
    np.testing.assert_allclose(together, alone, atol=1e-5)
    embedding = model.get_layer("embedding")
    assert embedding.mask_zero and embedding.input_dim == 20


@pytest.mark.parametrize("bidirectional", [False, True], ids=["forward", "bidirectional"])
def test_mean_pooled_classifier_pools_the_real_steps_only(bidirectional):
    model = build_classifier((None,), 3, cell="gru", units=5, vocab_size=20, embedding_dim=4,
                             bidirectional=bidirectional, pooling="mean", seed=1)
    sequences, padded = padded_tokens(seed=2)
    together = keras.ops.convert_to_numpy(model(padded))
    # by hand: the recurrent outputs of each unpadded sequence, pooled, through the Dense layer
    recurrent = keras.Sequential(model.layers[:2])
    pooled = np.stack([np.mean(keras.ops.convert_to_numpy(recurrent(s[None]))[0], axis=0)
                       for s in sequences])
    by_hand = keras.ops.convert_to_numpy(model.get_layer("probabilities")(pooled))
    np.testing.assert_allclose(together, by_hand, atol=1e-5)
    last = build_classifier((None,), 3, cell="gru", units=5, vocab_size=20, embedding_dim=4,
                            bidirectional=bidirectional, seed=1)
    assert np.abs(keras.ops.convert_to_numpy(last(padded)) - together).max() > 1e-4


def test_embedding_dropout_drops_whole_channels_in_training_only():
    model = build_classifier((None,), 2, units=3, vocab_size=30, embedding_dim=16,
                             embedding_dropout=0.5, seed=0)
    layer = model.get_layer("embedding_dropout")
    assert isinstance(layer, keras.layers.SpatialDropout1D) and layer.rate == 0.5
    embedded = model.get_layer("embedding")(np.arange(1, 11, dtype="int32")[None])
    dropped = keras.ops.convert_to_numpy(layer(embedded, training=True))[0]
    zero_channels = np.all(dropped == 0, axis=0)  # a channel is dropped at every step or none
    assert 0 < zero_channels.sum() < 16 and np.all((dropped == 0).any(axis=0) == zero_channels)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(embedded, training=False)),
                                  keras.ops.convert_to_numpy(embedded))
    assert "embedding_dropout" not in [x.name for x in build_classifier(
        (None,), 2, units=3, vocab_size=30).layers]


def test_fixed_length_and_variable_length_inputs():
    model = build_classifier((None, 2), 2, units=3)
    assert model.input_shape == (None, None, 2)
    for steps in (3, 9):
        assert model.predict(np.zeros((2, steps, 2), "float32"), verbose=0).shape == (2, 2)
    tokens = build_classifier((12,), 2, units=3, vocab_size=10)
    assert tokens.input_shape == (None, 12)


# ----------------------------------------------------------------------------- bad input

# (the other bad arguments of build_classifier are rows of BAD_INPUT below)
BAD_CALLS = [
    (dict(cell=3), "cell", "3"),
    (dict(layers=0), "layers", "0"),
    (dict(dropout=-0.1), "dropout", "-0.1"),
    (dict(recurrent_dropout=1.5), "recurrent_dropout", "1.5"),
    (dict(input_shape=28), "input_shape", "28"),
    (dict(input_shape="28x28"), "input_shape", "'28x28'"),
    (dict(input_shape=(28, 0)), "input_shape", "0"),
    (dict(pooling="max"), "pooling", "'max'"),
    (dict(pooling=None), "pooling", "None"),
    (dict(embedding_dropout=0.2), "embedding_dropout", "0.2"),  # float inputs: no embedding
    (dict(embedding_dropout=1.5, input_shape=(None,), vocab_size=9), "embedding_dropout", "1.5"),
]


@pytest.mark.parametrize("kwargs,argument,value", BAD_CALLS,
                         ids=[f"{a}={v}" for _, a, v in BAD_CALLS])
def test_bad_input_raises_value_error_naming_argument_and_value(kwargs, argument, value):
    kwargs = dict(kwargs)
    input_shape = kwargs.pop("input_shape", (28, 28))
    num_classes = kwargs.pop("num_classes", 10)
    with pytest.raises(ValueError) as info:
        build_classifier(input_shape, num_classes, **kwargs)
    message = str(info.value)
    assert argument in message and value in message, message


# ----------------------------------------------------------- l2, recurrent dropout, schedules

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


# ----------------------------------------------------------------------------- seeds and jobs

@pytest.mark.parametrize("build", [
    lambda seed: build_classifier((4, 2), 2, units=2, seed=seed),
    lambda seed: build_seq2seq((4, 1), units=2, layers=1, seed=seed),
    lambda seed: build_generator(6, units=2, embedding_dim=2, seed=seed),
], ids=["classifier", "seq2seq", "generator"])
def test_factories_follow_the_one_seed_rule(build):
    for seed in (-1, 2**31, 1.5, "0"):
        with pytest.raises(ValueError, match=f"seed={seed!r}"):
            build(seed)
    assert _weights_equal(build(2**31 - 1).get_weights(), build(2**31 - 1).get_weights())
    assert build(None) is not None


def test_each_factory_records_its_job_on_the_model_not_in_its_name():
    models = {"classifier": build_classifier((4, 2), 2, units=2, seed=0),
              "forecaster": build_seq2seq((4, 1), units=2, layers=1, seed=0),
              "generator": build_generator(6, units=2, embedding_dim=2, seed=0)}
    for job, model in models.items():
        assert job_of(model) == job
        model.name = "renamed"
        assert job_of(model) == job
    assert job_of(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])) is None
    assert job_of(keras.models.clone_model(models["classifier"])) is None


# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    # ---------------------------------------------------------------- model factories
    case("model-unknown-cell", t(build_classifier, (4, 2), 2, cell="transformer"), ValueError,
         "cell='transformer'", "'lstm'", "'gru'"),
    case("model-cell-not-a-name", t(build_seq2seq, (4, 1), cell=3), ValueError, "cell=3"),
    case("model-num-classes-one", t(build_classifier, (4, 2), 1), ValueError, "num_classes=1",
         ">= 2"),
    case("model-num-classes-float", t(build_classifier, (4, 2), 2.0), ValueError,
         "num_classes=2.0"),
    case("model-units-zero", t(build_classifier, (4, 2), 2, units=0), ValueError, "units=0"),
    case("model-clipnorm-zero", t(build_seq2seq, (4, 1), clipnorm=0), ValueError,
         "clipnorm=0"),
    case("model-clipnorm-text", t(build_generator, 10, clipnorm="1"), ValueError,
         "clipnorm='1'"),
    case("model-units-float", t(build_seq2seq, (4, 1), units=2.5), ValueError, "units=2.5"),
    case("model-layers-zero", t(build_generator, 8, layers=0), ValueError, "layers=0"),
    case("model-dropout-one", t(build_classifier, (4, 2), 2, dropout=1.0), ValueError,
         "dropout=1.0", "[0.0, 1.0)"),
    case("model-dropout-negative", t(build_seq2seq, (4, 1), dropout=-0.1), ValueError,
         "dropout=-0.1"),
    case("model-recurrent-dropout", t(build_generator, 8, recurrent_dropout=1.5), ValueError,
         "recurrent_dropout=1.5"),
    case("model-l2-negative", t(build_classifier, (4, 2), 2, l2=-1.0), ValueError, "l2=-1.0"),
    case("model-input-shape-1d", t(build_classifier, (28,), 10), ValueError,
         "input_shape=(28,)", "(timesteps, features)"),
    case("model-input-shape-3d", t(build_classifier, (28, 28, 1), 10), ValueError,
         "input_shape=(28, 28, 1)", "(timesteps, features)"),
    case("model-input-shape-zero-steps", t(build_seq2seq, (0, 3)), ValueError,
         "input_shape[0]", "0"),
    case("model-input-shape-no-features", t(build_seq2seq, (None, None)), ValueError,
         "input_shape[1]", "None"),
    case("model-input-shape-str", t(build_seq2seq, "28x28"), ValueError, "input_shape='28x28'"),
    case("model-vocab-with-features", t(build_classifier, (50, 8), 2, vocab_size=100),
         ValueError, "vocab_size=100", "(50, 8)", "(50,)"),
    case("model-vocab-size-one", t(build_classifier, (50,), 2, vocab_size=1), ValueError,
         "vocab_size=1"),
    case("model-mask-value-with-vocab",
         t(build_classifier, (50,), 2, vocab_size=100, mask_value=0.0), ValueError,
         "mask_value=0.0", "vocab_size"),
    case("model-learning-rate-zero", t(build_classifier, (4, 2), 2, learning_rate=0), ValueError,
         "learning_rate=0"),
    case("model-learning-rate-negative", t(build_generator, 8, learning_rate=-1e-3), ValueError,
         "learning_rate=-0.001"),
    case("model-learning-rate-str", t(build_seq2seq, (4, 1), learning_rate="fast"), ValueError,
         "learning_rate='fast'"),
    case("model-output-steps-zero", t(build_seq2seq, (4, 1), output_steps=0), ValueError,
         "output_steps=0"),
    case("model-output-dim-zero", t(build_seq2seq, (4, 1), output_dim=0), ValueError,
         "output_dim=0"),
    case("model-bidirectional-many-to-many", t(build_seq2seq, (4, 1), bidirectional=True),
         ValueError, "bidirectional=True", "output_steps"),
    case("model-generator-vocab-one", t(build_generator, 1), ValueError, "vocab_size=1"),
    case("model-generator-embedding-zero", t(build_generator, 8, embedding_dim=0), ValueError,
         "embedding_dim=0"),
    case("model-classifier-seed-negative", t(build_classifier, (4, 2), 2, seed=-1), ValueError,
         "seed=-1", ">= 0"),
    case("model-seq2seq-seed-negative", t(build_seq2seq, (4, 1), seed=-5), ValueError,
         "seed=-5", ">= 0"),
    case("model-generator-seed-negative", t(build_generator, 8, seed=-1), ValueError,
         "seed=-1", ">= 0"),
    case("model-seed-too-large", t(build_classifier, (4, 2), 2, seed=2**31), ValueError,
         "seed=2147483648", "<= 2147483647"),
]

test_bad_input = bad_input_test(BAD_INPUT)
