"""One step of a character model: read one id per row, give the next-id logits and states.

:class:`StepModel` wraps a trained `keras.Sequential` character model
(Embedding → LSTM/GRU/SimpleRNN layers → Dense logits, as built by
:func:`rnnkit.build_generator`) and runs it one step at a time, sharing the
trained layers' weights: the embedding, each recurrent layer's *cell*, and
the per-step head. Dropout-like layers are skipped (inference). It is what
the compiled sampling loop (`rnnkit.sampling_loop`) calls once per
character, so that generation never re-reads the whole context.

Example:
>>> from rnnkit.models import build_generator
>>> step = StepModel(build_generator(5, units=4, embedding_dim=2, seed=0))
>>> states = step.initial_states(batch=2)
>>> logits, states = step.step(keras.ops.convert_to_tensor([0, 3]), states)
>>> tuple(logits.shape)
(2, 5)
"""

from __future__ import annotations

from typing import Any

from rnnkit._backend import keras

ops = keras.ops

__all__ = ["StepModel"]

_RECURRENT = (keras.layers.LSTM, keras.layers.GRU, keras.layers.SimpleRNN)
#: Layers that do nothing at inference and are skipped by the one-step model.
_INFERENCE_NOOPS = (
    keras.layers.Dropout, keras.layers.SpatialDropout1D, keras.layers.GaussianNoise,
    keras.layers.GaussianDropout, keras.layers.AlphaDropout, keras.layers.ActivityRegularization,
)
#: Layers that act on the last axis only, so they apply to one step as to a sequence.
_PER_STEP = (keras.layers.Dense, keras.layers.Activation, keras.layers.LayerNormalization)


def _embedding_of(model: Any) -> keras.layers.Embedding:
    """The first layer of a Sequential character model, checked to be a usable Embedding."""
    if not isinstance(model, keras.Sequential):
        raise ValueError(
            f"model is a {type(model).__name__}; generate needs a keras.Sequential "
            "character model: Embedding → LSTM/GRU/SimpleRNN layers → Dense logits "
            "(as built by rnnkit.build_generator)."
        )
    layers = list(model.layers)
    if not layers or not isinstance(layers[0], keras.layers.Embedding):
        raise ValueError("generate needs a model whose first layer is an Embedding of "
                         "character ids (as built by rnnkit.build_generator).")
    if getattr(layers[0], "mask_zero", False):
        raise ValueError("the model's Embedding has mask_zero=True, which would skip "
                         "character id 0; build the character model with mask_zero=False.")
    return layers[0]


def _pipeline_of(layers: list[keras.layers.Layer]) -> list[tuple[str, keras.layers.Layer]]:
    """The layers after the embedding as `("cell", layer)` / `("map", layer)` steps."""
    pipeline: list[tuple[str, keras.layers.Layer]] = []
    for layer in layers:
        if isinstance(layer, _RECURRENT):
            if layer.go_backwards:
                raise ValueError(f"layer {layer.name!r} reads backwards; a generator "
                                 "must read left to right.")
            pipeline.append(("cell", layer))
        elif isinstance(layer, _INFERENCE_NOOPS):
            continue
        elif isinstance(layer, _PER_STEP):
            pipeline.append(("map", layer))
        else:
            raise ValueError(
                f"generate cannot run layer {layer.name!r} ({type(layer).__name__}) one "
                "step at a time; supported: Embedding, LSTM/GRU/SimpleRNN (not "
                "Bidirectional), Dropout, Dense, Activation, LayerNormalization."
            )
    if not any(kind == "cell" for kind, _ in pipeline):
        raise ValueError("the model has no LSTM/GRU/SimpleRNN layer.")
    last = layers[-1]
    if not isinstance(last, keras.layers.Dense) or getattr(last, "units", None) is None:
        raise ValueError("the model must end in a Dense layer giving one logit per "
                         "character.")
    return pipeline


class StepModel:
    """One step of a character model, sharing the trained layers' weights.

    `step(ids, states)` feeds one id per row through the embedding, each
    recurrent layer's cell and the per-step head, and returns the next-id
    logits and the new states. Dropout-like layers are skipped (inference).

    Args:
        model: a `keras.Sequential` character model (Embedding → recurrent
            layers → Dense logits, e.g. from `rnnkit.build_generator`).

    Attributes:
        vocab_size: number of logits per step (the Dense head's units).
        input_dim: number of ids the embedding reads.

    Raises:
        ValueError: if the model cannot run one step at a time (not
            Sequential, no Embedding first, a Bidirectional or backwards
            layer, no recurrent layer, no Dense head).
    """

    def __init__(self, model: keras.Model):
        self.embedding = _embedding_of(model)
        self.pipeline = _pipeline_of(list(model.layers)[1:])
        self.recurrent = [layer for kind, layer in self.pipeline if kind == "cell"]
        last = model.layers[-1]
        self.vocab_size = int(last.units)
        self.input_dim = int(self.embedding.input_dim)
        self.probabilities = keras.activations.serialize(last.activation) == "softmax"
        self.dtype = self.recurrent[0].cell.compute_dtype or "float32"

    def _embed(self, ids: Any) -> Any:
        """The embedding rows of `ids` (ids are valid: a plain gather on TensorFlow)."""
        if keras.backend.backend() != "tensorflow":
            return self.embedding(ids)
        from rnnkit._backend import tf

        table = self.embedding.embeddings
        return ops.cast(tf.gather(table, ids), self.embedding.compute_dtype)

    def state_sizes(self) -> list[list[int]]:
        """The sizes of each recurrent layer's states (LSTM: two, GRU / SimpleRNN: one)."""
        sizes = []
        for layer in self.recurrent:
            size = layer.cell.state_size
            sizes.append([int(s) for s in size] if isinstance(size, (list, tuple))
                         else [int(size)])
        return sizes

    def initial_states(self, batch: int) -> list[list[Any]]:
        """Zero states, one list per recurrent layer."""
        return [[ops.zeros((batch, s), dtype=self.dtype) for s in sizes]
                for sizes in self.state_sizes()]

    def step(self, ids: Any, states: list[list[Any]]) -> tuple[Any, list[list[Any]]]:
        """Logits after reading `ids` (`(batch,)` int), and the new states."""
        x = self._embed(ids)
        new_states = []
        i = 0
        for kind, layer in self.pipeline:
            if kind == "cell":
                x, state = layer.cell(x, list(states[i]), training=False)
                new_states.append(list(state) if isinstance(state, (list, tuple)) else [state])
                i += 1
            else:
                x = layer(x, training=False)
        x = ops.cast(x, "float32")
        if self.probabilities:
            x = ops.log(ops.maximum(x, 1e-30))
        return x, new_states
