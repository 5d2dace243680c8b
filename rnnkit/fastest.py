"""The fastest compile setting for a model, per backend, cell and batch size (measured).

Whether XLA (`jit_compile=True`) trains a recurrent model faster than the
plain TensorFlow graph depends on the cell and the batch size on a CPU: the
XLA loop wins at small batches and on the cheap cells, the graph's fused
kernels win on LSTM at larger batches. The factories compile with the setting
for the default batch size (32); :func:`rnnkit.training.fit` switches a model
built by rnnkit to the setting for the batch size it trains with (once, before
the first batch: Keras rebuilds its training function). A model compiled by
the user keeps the user's choice.

The table :data:`TF_CPU_XLA` comes from `python bench/run.py --only classify`
(README, "Speed"). On JAX everything is compiled with XLA (its only mode); with
a GPU, `"auto"` lets Keras take the cuDNN kernels for LSTM / GRU.

Example:
>>> fastest_jit_compile("lstm", batch_size=32) in (True, False, "auto")
True
"""

from __future__ import annotations

import math
from typing import Any

from rnnkit._backend import has_accelerator, keras
from rnnkit.cells import recurrent_layers

__all__ = ["TF_CPU_XLA", "decisive_cell", "fastest_jit_compile", "mark_chosen",
           "use_fastest_jit_compile"]

#: TensorFlow on a CPU: (cell, batch size) → whether XLA is the faster setting.
#: Measured side by side (rnnkit's model with each setting, and the hand-written
#: Keras model) by `bench/run.py --only classify`; other batch sizes take the
#: nearest measured one (on a log scale).
TF_CPU_XLA: dict[tuple[str, int], bool] = {
    ("lstm", 32): True, ("lstm", 128): False, ("lstm", 256): False,
    ("gru", 32): True, ("gru", 128): True, ("gru", 256): True,
    ("rnn", 32): True, ("rnn", 128): True, ("rnn", 256): True,
}

#: The attribute that marks a model whose compile setting rnnkit chose.
_MARK = "_rnnkit_jit_compile_chosen"
_CELL_NAMES = {"LSTM": "lstm", "GRU": "gru", "SimpleRNN": "rnn"}


def fastest_jit_compile(cell: str | None = None, batch_size: int | None = None) -> bool | str:
    """Return the `jit_compile` setting that trains a recurrent model fastest here.

    Args:
        cell: `"lstm"`, `"gru"` or `"rnn"` (the model's slowest cell; `None`:
            LSTM, the most common).
        batch_size: the training batch size (`None`: 32, Keras' default).

    Returns:
        `True` (XLA), `False` (TensorFlow graph) or `"auto"` (Keras decides:
        with a GPU, so that LSTM / GRU take the cuDNN kernels, which XLA cannot
        run), for `model.compile(jit_compile=...)`.

    Example:
    >>> from rnnkit.cells import recurrent_layer
    >>> model = keras.Sequential([keras.Input((5, 1)), recurrent_layer("lstm", 4),
    ...                           keras.layers.Dense(1)])
    >>> model.compile("adam", "mse", jit_compile=fastest_jit_compile("lstm", 128))
    """
    backend = keras.backend.backend()
    if backend == "jax":
        return True
    if backend != "tensorflow" or has_accelerator():
        return "auto"
    cell = cell or "lstm"
    size = batch_size or 32
    measured = [b for c, b in TF_CPU_XLA if c == cell] or [32]
    nearest = min(measured, key=lambda b: abs(math.log(b / size)))
    return TF_CPU_XLA.get((cell, nearest), True)


def decisive_cell(model: Any) -> str:
    """The model's recurrent cell that decides the setting (LSTM before GRU before SimpleRNN).

    Example:
    >>> from rnnkit.models import build_classifier
    >>> decisive_cell(build_classifier((4, 2), 2, cell="gru", units=2, seed=0))
    'gru'
    """
    names = set()
    for layer in recurrent_layers(model):
        inner = layer.forward_layer if isinstance(layer, keras.layers.Bidirectional) else layer
        names.add(_CELL_NAMES.get(type(inner).__name__, "lstm"))
    return next((c for c in ("lstm", "gru", "rnn") if c in names), "lstm")


def mark_chosen(model: Any) -> Any:
    """Record that rnnkit chose `model`'s compile setting (so `fit` may change it)."""
    setattr(model, _MARK, True)
    return model


def use_fastest_jit_compile(model: Any, batch_size: int | None) -> bool | str:
    """Switch a model built by rnnkit to the fastest setting for `batch_size`.

    Models whose compile setting rnnkit did not choose (compiled by the user,
    or loaded without it) are left as they are.

    Args:
        model: a compiled Keras model.
        batch_size: the batch size it is about to train with (`None`: 32).

    Returns:
        The model's `jit_compile` setting after the call.

    Example:
    >>> from rnnkit.models import build_classifier
    >>> model = build_classifier((4, 2), 2, units=2, seed=0)
    >>> use_fastest_jit_compile(model, 256) == fastest_jit_compile("lstm", 256)
    True
    """
    if not getattr(model, _MARK, False):
        return getattr(model, "jit_compile", "auto")
    wanted = fastest_jit_compile(decisive_cell(model), batch_size)
    if isinstance(wanted, bool) and wanted != model.jit_compile:
        model.jit_compile = wanted
        # Keras built its functions with the old setting: rebuild them on the next call
        model.train_function = model.test_function = model.predict_function = None
    return model.jit_compile
