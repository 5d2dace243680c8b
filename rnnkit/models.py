"""Model factories for rnnkit's three jobs: classification, seq2seq regression, text generation.

All three stack their recurrent layers with the one private builder
:func:`_recurrent_stack`; they differ only in their input handling and their
head (input layers and pooling: `rnnkit.model_inputs`). Each returns an
ordinary compiled `keras.Sequential` (a forecaster with the seasonal-naive
skip: a functional `keras.Model`), on which it records its job
(`rnnkit.jobs`, re-exported here: :func:`job_of`): `"classifier"`,
`"forecaster"` (the seq2seq regressor) or `"generator"`. A bundle saved from
the model reads the job from there, never from the model's name.

Example:
>>> model = build_seq2seq((24, 1), units=8, layers=1, seed=0)
>>> model.output_shape, job_of(model)
((None, 24, 1), 'forecaster')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rnnkit._backend import keras
from rnnkit._checks import check_float, check_int, check_optional_int, check_seed
from rnnkit.cells import derive_seed, recurrent_layer, resolve_cell
from rnnkit.compiling import CLIPNORM, LearningRate, adam, compile_model
from rnnkit.distribution import under_strategy
from rnnkit.jobs import JOBS, job_of, record_job
from rnnkit.model_inputs import (
    check_input_shape,
    classifier_inputs,
    embedding_dropout_layers,
    pooling_layers,
)
from rnnkit.seasonal_naive import check_skip_options, plus_seasonal_naive

__all__ = ["JOBS", "build_classifier", "build_seq2seq", "build_generator", "job_of",
           "record_job"]

def _recurrent_stack(
    cell: str,
    *,
    units: int,
    layers: int,
    bidirectional: bool = False,
    dropout: float = 0.0,
    recurrent_dropout: float = 0.0,
    l2: float | None = None,
    return_sequences: bool = False,
    seed: int | None = None,
) -> list[keras.layers.Layer]:
    """Stack `layers` recurrent layers (the one builder all factories share).

    Every layer but the last returns sequences; the last returns sequences only
    when `return_sequences` is true. With `dropout > 0`, a `Dropout` layer
    follows each recurrent layer (this keeps the cuDNN kernel usable). Masks
    from a `Masking` or `Embedding(mask_zero=True)` layer flow through.

    Returns:
        The list of layers, in order.
    """
    resolve_cell(cell)
    check_int("units", units)
    check_int("layers", layers)
    check_float("dropout", dropout, low=0.0, high=1.0)
    check_float("recurrent_dropout", recurrent_dropout, low=0.0, high=1.0)
    if l2 is not None:
        check_float("l2", l2, low=0.0, high=float("inf"))
    stack: list[keras.layers.Layer] = []
    for i in range(layers):
        sequences = return_sequences or i < layers - 1
        options: dict[str, Any] = dict(
            return_sequences=sequences, recurrent_dropout=recurrent_dropout, l2=l2
        )
        layer = recurrent_layer(
            cell, units, seed=derive_seed(seed, 10 * i), name=f"{cell}_{i + 1}", **options
        )
        if bidirectional:
            backward = recurrent_layer(
                cell,
                units,
                seed=derive_seed(seed, 10 * i + 5),
                go_backwards=True,
                name=f"backward_{cell}_{i + 1}",
                **options,
            )
            layer = keras.layers.Bidirectional(
                layer, backward_layer=backward, name=f"bidirectional_{i + 1}"
            )
        stack.append(layer)
        if dropout > 0:
            stack.append(
                keras.layers.Dropout(dropout, seed=derive_seed(seed, 10 * i + 9),
                                     name=f"dropout_{i + 1}")
            )
    return stack


@under_strategy
def build_classifier(
    input_shape: Sequence[int | None] | int,
    num_classes: int,
    *,
    cell: str = "lstm",
    units: int = 128,
    layers: int = 1,
    bidirectional: bool = False,
    dropout: float = 0.0,
    vocab_size: int | None = None,
    embedding_dim: int = 64,
    mask_value: float | None = None,
    learning_rate: LearningRate = 1e-3,
    clipnorm: float | None = CLIPNORM,
    recurrent_dropout: float = 0.0,
    l2: float | None = None,
    pooling: str = "last",
    embedding_dropout: float = 0.0,
    seed: int | None = None,
    strategy: Any = None,
) -> keras.Sequential:
    """Build a compiled recurrent classifier: sequence → class probabilities.

    The model reads a sequence (float features per step, or integer token
    ids), runs it through `layers` recurrent layers, and ends in a
    `Dense(num_classes, activation="softmax")`. It is compiled with
    Adam(`learning_rate`, gradients clipped to `clipnorm`), sparse
    categorical cross-entropy (integer labels) and accuracy.

    The defaults keep LSTM and GRU on the fast cuDNN kernel when a GPU is
    present. `recurrent_dropout > 0` gives that kernel up (training on GPU
    is then several times slower); `dropout` does not.

    Args:
        input_shape: `(timesteps, features)` for float sequences, or
            `(timesteps,)` for token ids (with `vocab_size`). `timesteps` may
            be `None` for variable-length inputs.
        num_classes: number of classes (≥ 2); labels are `0 .. num_classes-1`.
        cell: `"lstm"`, `"gru"` or `"rnn"` (`"simple"`, `"simplernn"`), any case.
        units: hidden units per recurrent layer.
        layers: number of stacked recurrent layers.
        bidirectional: wrap each recurrent layer in `Bidirectional`.
        dropout: dropout rate after each recurrent layer, in [0, 1).
        vocab_size: when given, inputs are integer token ids in
            `[0, vocab_size)`, embedded by an `Embedding` layer; id 0 is
            padding and is masked.
        embedding_dim: size of the token embedding (with `vocab_size`).
        mask_value: for float inputs, steps whose features all equal this value
            are padding and are skipped (a `Masking` layer). Pad at the end of
            each sequence and keep at least one real step per sequence (the
            same holds for token ids): Keras' cuDNN kernel for LSTM/GRU on GPU
            accepts only such right-padded masks.
        learning_rate: a float, or a Keras `LearningRateSchedule`, e.g.
            `keras.optimizers.schedules.ExponentialDecay(1e-3, decay_steps=1000,
            decay_rate=0.96)`.
        clipnorm: clip the gradients to this global norm (`None`: no
            clipping); see :mod:`rnnkit.compiling`.
        recurrent_dropout: dropout on the recurrent state, in [0, 1); > 0
            disables cuDNN.
        l2: L2 penalty on the recurrent kernels, or `None`.
        pooling: what the last recurrent layer hands to the output layer:
            `"last"` its final state, or `"mean"` the mean of its outputs over
            the real steps (padding skipped). Pooling lets a long text's early
            words count as much as its last: see `bench/quality.py` (food
            reviews).
        embedding_dropout: with `vocab_size`, drop whole embedding channels at
            this rate in training (`SpatialDropout1D`), in [0, 1).
        seed: seed for the weight initialisers and dropout masks (`None` or an
            integer in `[0, 2**31 - 1]`).
        strategy: build and compile under this `tf.distribute.Strategy` /
            `keras.distribution.Distribution` (`rnnkit.distribution.strategy_for`).

    Returns:
        A compiled `keras.Sequential`, with the job `"classifier"` recorded
        (see :func:`job_of`).

    Raises:
        ValueError: on an unknown cell or an out-of-range argument.

    Example:
    >>> from rnnkit.datasets import load_mnist_sample
    >>> (x_train, y_train), (x_val, y_val) = load_mnist_sample()
    >>> x_train.shape
    (12000, 28, 28)
    >>> model = build_classifier((28, 28), num_classes=10, cell="lstm", units=128, seed=0)
    >>> model.output_shape
    (None, 10)
    >>> model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=2)  # doctest: +SKIP
    """
    cell = resolve_cell(cell)
    num_classes = check_int("num_classes", num_classes, minimum=2)
    optimizer = adam(learning_rate, clipnorm=clipnorm)
    seed = check_seed("seed", seed)
    inputs = classifier_inputs(input_shape, vocab_size=vocab_size, embedding_dim=embedding_dim,
                               mask_value=mask_value, seed=seed)
    inputs += embedding_dropout_layers(embedding_dropout, vocab_size=vocab_size, seed=seed)
    pool = pooling_layers(pooling)
    stack = _recurrent_stack(
        cell, units=units, layers=layers, bidirectional=bidirectional, dropout=dropout,
        recurrent_dropout=recurrent_dropout, l2=l2, seed=seed, return_sequences=bool(pool),
    )
    stack += pool
    output = keras.layers.Dense(
        num_classes, activation="softmax", name="probabilities",
        kernel_initializer=keras.initializers.GlorotUniform(seed=derive_seed(seed, 2000)),
    )
    model = keras.Sequential([*inputs, *stack, output], name=f"{cell}_classifier")
    return compile_model(model, job="classifier", loss="sparse_categorical_crossentropy",
                         metrics=["accuracy"], optimizer=optimizer, strategy=strategy)


@under_strategy
def build_seq2seq(
    input_shape: Sequence[int | None],
    *,
    output_dim: int = 1,
    output_steps: int | None = None,
    cell: str = "lstm",
    units: int = 64,
    layers: int = 2,
    bidirectional: bool = False,
    dropout: float = 0.0,
    learning_rate: LearningRate = 1e-3,
    clipnorm: float | None = CLIPNORM,
    recurrent_dropout: float = 0.0,
    l2: float | None = None,
    season_skip: int | None = None,
    differenced: bool = False,
    seed: int | None = None,
    strategy: Any = None,
) -> keras.Model:
    """Build a compiled recurrent regressor for sequences (forecasting).

    Two output modes:

    * `output_steps=None` (many-to-many): one output per input step, shape
      `(timesteps, output_dim)` — the model learns "the input shifted by one".
    * `output_steps=k`: the `k` steps after the window, shape
      `(k, output_dim)`.

    Compiled with Adam(`learning_rate`, clipped to `clipnorm`), mean squared error and MAE. The
    defaults keep LSTM/GRU cuDNN-eligible; `recurrent_dropout > 0` disables
    cuDNN.

    Args:
        input_shape: `(timesteps, features)`; `timesteps` may be `None`.
        output_dim: number of target columns predicted per step.
        output_steps: `None` for many-to-many, or the horizon `k ≥ 1`.
        cell: `"lstm"`, `"gru"` or `"rnn"`, any case.
        units: hidden units per recurrent layer.
        layers: number of stacked recurrent layers.
        bidirectional: wrap each recurrent layer in `Bidirectional` (only
            sensible for `output_steps=k`: a many-to-many forecaster would
            otherwise see the future).
        dropout: dropout after each recurrent layer, in [0, 1).
        learning_rate: float or Keras `LearningRateSchedule`, e.g.
            `keras.optimizers.schedules.ExponentialDecay(1e-2, 100, 0.96)`.
        clipnorm: clip the gradients to this global norm, or `None`.
        recurrent_dropout: dropout on the recurrent state; > 0 disables cuDNN.
        l2: L2 penalty on the recurrent kernels, or `None`.
        season_skip: a season length `s`: add the seasonal-naive forecast to
            the outputs, so that the network learns the change from it (frozen
            stock layers, :mod:`rnnkit.seasonal_naive`; the window must hold a
            season, and a direct model forecast at most `s` steps). The
            targets must be the first input columns (as in `SeriesWindows`).
        differenced: with `season_skip`, the inputs are first differences
            (`SeriesWindows(difference=True)`): the skip is then the change
            back to the level of one season ago.
        seed: seed for the weight initialisers and dropout masks (`None` or an
            integer in `[0, 2**31 - 1]`).
        strategy: build and compile under this `tf.distribute.Strategy` /
            `keras.distribution.Distribution` (`rnnkit.distribution.strategy_for`).

    Returns:
        A compiled `keras.Sequential` (a functional `keras.Model` with
        `season_skip`), with the job `"forecaster"` recorded (see
        :func:`job_of`).

    Example:
    >>> from rnnkit.series import SeriesWindows
    >>> w = SeriesWindows.from_file("data/series/airpassengers.csv", target="passengers",
    ...                             date_column="month", window=24, log=True, difference=True)
    >>> model = build_seq2seq(w.input_shape, output_dim=w.output_dim,
    ...                       output_steps=w.output_steps, units=32, seed=0)
    >>> model.output_shape
    (None, 24, 1)
    >>> model.fit(w.train, validation_data=w.val, epochs=50)  # doctest: +SKIP
    """
    cell = resolve_cell(cell)
    shape = check_input_shape(input_shape, ndim=2, hint="(timesteps, features)")
    output_dim = check_int("output_dim", output_dim)
    output_steps = check_optional_int("output_steps", output_steps)
    optimizer = adam(learning_rate, clipnorm=clipnorm)
    seed = check_seed("seed", seed)
    if bidirectional and output_steps is None:
        raise ValueError(
            "bidirectional=True with output_steps=None would let each step's prediction "
            "read the future steps of its window. Use output_steps=k, or bidirectional=False."
        )
    season_skip, differenced = check_skip_options(season_skip, differenced, shape[0],
                                                  output_steps)
    stack = _recurrent_stack(
        cell, units=units, layers=layers, bidirectional=bidirectional, dropout=dropout,
        recurrent_dropout=recurrent_dropout, l2=l2, return_sequences=output_steps is None,
        seed=seed,
    )
    init = keras.initializers.GlorotUniform(seed=derive_seed(seed, 2000))
    if output_steps is None:
        head: list[keras.layers.Layer] = [
            keras.layers.Dense(output_dim, name="outputs", kernel_initializer=init)
        ]
    else:
        head = [
            keras.layers.Dense(output_steps * output_dim, name="outputs", kernel_initializer=init),
            keras.layers.Reshape((output_steps, output_dim), name="horizon"),
        ]
    window, name = keras.Input(shape=shape, name="window"), f"{cell}_seq2seq"
    model = keras.Sequential([window, *stack, *head], name=name) if season_skip is None else \
        plus_seasonal_naive(window, [*stack, *head], season=season_skip, output_dim=output_dim,
                            output_steps=output_steps, differenced=differenced, name=name)
    return compile_model(model, job="forecaster", loss="mse", metrics=["mae"],
                         optimizer=optimizer, strategy=strategy)


@under_strategy
def build_generator(
    vocab_size: int,
    *,
    cell: str = "lstm",
    units: int = 256,
    layers: int = 1,
    embedding_dim: int = 64,
    dropout: float = 0.0,
    learning_rate: LearningRate = 1e-3,
    clipnorm: float | None = CLIPNORM,
    recurrent_dropout: float = 0.0,
    l2: float | None = None,
    seed: int | None = None,
    strategy: Any = None,
) -> keras.Sequential:
    """Build a compiled character-level language model: ids → next-id logits.

    `Embedding(vocab_size, embedding_dim)` → recurrent stack (returning
    sequences) → `Dense(vocab_size)` logits. Input `(batch, time)` integer ids,
    output `(batch, time, vocab_size)` logits. Compiled with Adam and sparse
    categorical cross-entropy from logits. Sample from it with
    :func:`rnnkit.generate`.

    Args:
        vocab_size: number of distinct characters (`len(vocab)`).
        cell: `"lstm"`, `"gru"` or `"rnn"`, any case.
        units: hidden units per recurrent layer.
        layers: number of stacked recurrent layers.
        embedding_dim: size of the character embedding.
        dropout: dropout after each recurrent layer, in [0, 1).
        learning_rate: float or Keras `LearningRateSchedule`, e.g.
            `keras.optimizers.schedules.ExponentialDecay(1e-3, 1000, 0.96)`.
        clipnorm: clip the gradients to this global norm, or `None`.
        recurrent_dropout: dropout on the recurrent state; > 0 disables cuDNN.
        l2: L2 penalty on the recurrent kernels, or `None`.
        seed: seed for the weight initialisers and dropout masks (`None` or an
            integer in `[0, 2**31 - 1]`).
        strategy: build and compile under this `tf.distribute.Strategy` /
            `keras.distribution.Distribution` (`rnnkit.distribution.strategy_for`).

    Returns:
        A compiled `keras.Sequential`, with the job `"generator"` recorded
        (see :func:`job_of`).

    Example:
    >>> from rnnkit.datasets import load_shakespeare
    >>> from rnnkit.sampling import generate
    >>> from rnnkit.text import CharVocab, text_dataset
    >>> text = load_shakespeare()
    >>> vocab = CharVocab.from_text(text)
    >>> model = build_generator(len(vocab), cell="gru", units=256, seed=0)
    >>> model.output_shape == (None, None, len(vocab))
    True
    >>> model.fit(text_dataset(text, vocab, seq_length=100, seed=0), epochs=3)  # doctest: +SKIP
    >>> print(generate(model, vocab, "ROMEO:", length=200, temperature=0.6, seed=1))
    ... # doctest: +SKIP
    """
    cell = resolve_cell(cell)
    vocab_size = check_int("vocab_size", vocab_size, minimum=2)
    embedding_dim = check_int("embedding_dim", embedding_dim)
    optimizer = adam(learning_rate, clipnorm=clipnorm)
    seed = check_seed("seed", seed)
    stack = _recurrent_stack(
        cell, units=units, layers=layers, dropout=dropout, recurrent_dropout=recurrent_dropout,
        l2=l2, return_sequences=True, seed=seed,
    )
    layers_ = [
        keras.Input(shape=(None,), dtype="int32", name="char_ids"),
        keras.layers.Embedding(
            vocab_size, embedding_dim, name="embedding",
            embeddings_initializer=keras.initializers.RandomUniform(
                -0.05, 0.05, seed=derive_seed(seed, 1000)),
        ),
        *stack,
        keras.layers.Dense(
            vocab_size, name="logits",
            kernel_initializer=keras.initializers.GlorotUniform(seed=derive_seed(seed, 2000)),
        ),
    ]
    model = keras.Sequential(layers_, name=f"{cell}_generator")
    return compile_model(model, job="generator",
                         loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                         metrics=["accuracy"], optimizer=optimizer, strategy=strategy)
