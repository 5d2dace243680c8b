"""The layers the factories put before and after the recurrent stack.

`rnnkit.models` builds every model as inputs → recurrent stack → output layer;
this module holds the input side (shapes checked, token embedding, masking,
embedding dropout) and the pooling over time a classifier may end its stack
with. Nothing here is public API: use the factories.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rnnkit._backend import keras
from rnnkit._checks import check_choice, check_float, check_int
from rnnkit.cells import derive_seed

__all__ = ["POOLINGS", "check_input_shape", "classifier_inputs", "embedding_dropout_layers",
           "pooling_layers"]


def check_input_shape(input_shape: Any, *, ndim: int, hint: str) -> tuple[int | None, ...]:
    """Validate `(timesteps, features)` (ndim=2) or `(timesteps,)` (ndim=1)."""
    if isinstance(input_shape, int) and ndim == 1:
        input_shape = (input_shape,)
    if not isinstance(input_shape, Sequence) or isinstance(input_shape, str):
        raise ValueError(f"input_shape={input_shape!r} must be a tuple {hint}.")
    shape = tuple(input_shape)
    if len(shape) != ndim:
        raise ValueError(f"input_shape={input_shape!r} has {len(shape)} dimension(s); "
                         f"it must be {hint}.")
    steps, *rest = shape
    if steps is not None:
        check_int("input_shape[0] (timesteps)", steps)
    for size in rest:
        check_int("input_shape[1] (features)", size)
    return tuple(None if s is None else int(s) for s in shape)


def classifier_inputs(input_shape: Any, *, vocab_size: int | None, embedding_dim: int,
                      mask_value: float | None, seed: int | None) -> list[keras.layers.Layer]:
    """The input layers of a classifier: token ids → Embedding, or float steps (+ Masking)."""
    if vocab_size is None:
        shape = check_input_shape(input_shape, ndim=2, hint="(timesteps, features)")
        layers: list[keras.layers.Layer] = [keras.Input(shape=shape, name="sequence")]
        if mask_value is not None:
            mask_value = check_float("mask_value", mask_value, low=-float("inf"),
                                     high=float("inf"))
            layers.append(keras.layers.Masking(mask_value=mask_value, name="masking"))
        return layers
    vocab_size = check_int("vocab_size", vocab_size, minimum=2)
    embedding_dim = check_int("embedding_dim", embedding_dim)
    if mask_value is not None:
        raise ValueError(
            f"mask_value={mask_value!r} cannot be combined with vocab_size: token inputs "
            "are padded with id 0, which is masked already. Drop mask_value."
        )
    if not isinstance(input_shape, int) and isinstance(input_shape, Sequence) \
            and len(input_shape) == 2:
        raise ValueError(
            f"input_shape={tuple(input_shape)!r} has a features dimension, but vocab_size="
            f"{vocab_size} means inputs are token ids of shape (timesteps,). "
            f"Use input_shape=({input_shape[0]!r},)."
        )
    shape = check_input_shape(input_shape, ndim=1, hint="(timesteps,) of token ids")
    return [
        keras.Input(shape=shape, dtype="int32", name="token_ids"),
        keras.layers.Embedding(
            vocab_size, embedding_dim, mask_zero=True, name="embedding",
            embeddings_initializer=keras.initializers.RandomUniform(
                -0.05, 0.05, seed=derive_seed(seed, 1000)),
        ),
    ]


#: `pooling=` of build_classifier → the Keras layer that pools the outputs over time
#: (`None`: the last recurrent layer's final state, no pooling layer).
POOLINGS = {"last": None, "mean": "GlobalAveragePooling1D"}


def pooling_layers(pooling: str) -> list[keras.layers.Layer]:
    """The layer that pools the recurrent outputs over time (none for `"last"`).

    When it returns a layer, the last recurrent layer must return sequences.
    """
    layer = POOLINGS[check_choice("pooling", pooling, tuple(POOLINGS))]
    return [getattr(keras.layers, layer)(name=f"{pooling}_pooling")] if layer else []


def embedding_dropout_layers(rate: float, *, vocab_size: int | None,
                             seed: int | None) -> list[keras.layers.Layer]:
    """`SpatialDropout1D(rate)` after the embedding (none at rate 0)."""
    rate = check_float("embedding_dropout", rate, low=0.0, high=1.0)
    if rate > 0 and vocab_size is None:
        raise ValueError(f"embedding_dropout={rate!r} needs token inputs (vocab_size); "
                         "for float inputs use dropout.")
    dropout = keras.layers.SpatialDropout1D(rate, seed=derive_seed(seed, 3000),
                                            name="embedding_dropout")
    return [dropout] if rate > 0 else []
