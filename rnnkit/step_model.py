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
        first_kind, first = self.pipeline[0]
        self._foldable = first_kind == "cell" and _is_default_cell(first.cell)

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

    def input_table(self) -> Any:
        """The embedding folded into the first recurrent layer's input projection, or `None`.

        Row `i` is `embedding[i] @ kernel + bias` (the GRU: its input bias), so
        one step reads a row instead of multiplying the embedded id by the
        kernel. Computed from the live weights, once per compiled call. `None`
        when the first recurrent layer does not follow the embedding directly
        or is not a default LSTM / GRU / SimpleRNN (it then runs its own cell).
        """
        if not self._foldable:
            return None
        cell = self.pipeline[0][1].cell
        table = ops.matmul(ops.cast(self.embedding.embeddings, cell.compute_dtype), cell.kernel)
        bias = cell.bias[0] if isinstance(cell, keras.layers.GRUCell) else cell.bias
        return table + bias

    def step(self, ids: Any, states: list[list[Any]], table: Any = None
             ) -> tuple[Any, list[list[Any]]]:
        """Logits after reading `ids` (`(batch,)` int), and the new states.

        With `table` (from :meth:`input_table`) the first recurrent layer reads
        its input projection from the table instead of embedding the ids.
        """
        new_states = []
        pipeline = self.pipeline
        if table is not None:
            x, state = _folded_step(pipeline[0][1].cell, ops.take(table, ids, axis=0),
                                    list(states[0]))
            new_states.append(state)
            pipeline = pipeline[1:]
        else:
            x = self._embed(ids)
        i = len(new_states)
        for kind, layer in pipeline:
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


def _is_default_cell(cell: Any) -> bool:
    """A float32 LSTM / GRU (reset_after) / SimpleRNN cell with tanh / sigmoid and a bias."""
    act = keras.activations.serialize
    if cell.compute_dtype != "float32" or not cell.use_bias or act(cell.activation) != "tanh":
        return False
    if isinstance(cell, keras.layers.SimpleRNNCell):
        return True
    if act(cell.recurrent_activation) != "sigmoid":
        return False
    return isinstance(cell, keras.layers.LSTMCell) or bool(getattr(cell, "reset_after", False))


def _folded_step(cell: Any, projected: Any, states: list[Any]) -> tuple[Any, list[Any]]:
    """One step of a default cell whose input projection (`x @ kernel + bias`) is given.

    The same equations as Keras' `LSTMCell`, `GRUCell` (`reset_after=True`) and
    `SimpleRNNCell` (checked against them in `tests/test_step_model.py`).
    """
    h = states[0]
    if isinstance(cell, keras.layers.LSTMCell):
        z = projected + ops.matmul(h, cell.recurrent_kernel)
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=-1)
        c = ops.sigmoid(z_f) * states[1] + ops.sigmoid(z_i) * ops.tanh(z_c)
        h = ops.sigmoid(z_o) * ops.tanh(c)
        return h, [h, c]
    if isinstance(cell, keras.layers.GRUCell):
        x_z, x_r, x_h = ops.split(projected, 3, axis=-1)
        inner = ops.matmul(h, cell.recurrent_kernel) + cell.bias[1]
        h_z, h_r, h_h = ops.split(inner, 3, axis=-1)
        z = ops.sigmoid(x_z + h_z)
        candidate = ops.tanh(x_h + ops.sigmoid(x_r + h_r) * h_h)
        h = z * h + (1.0 - z) * candidate
        return h, [h]
    h = ops.tanh(projected + ops.matmul(h, cell.recurrent_kernel))
    return h, [h]
