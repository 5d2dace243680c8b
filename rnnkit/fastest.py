"""The fastest compile setting for a model, per backend, cell and work per step (measured).

On a CPU, whether XLA (`jit_compile=True`) trains a recurrent model faster
than the plain TensorFlow graph depends on how much work one time step is:
the batch size times the units of the widest recurrent layer. Small steps
are dominated by per-operation overhead, which XLA's fused loop removes (the
2 x LSTM(8) seq2seq at batch 7 trains 3.7x faster); large LSTM / SimpleRNN
steps run faster in the graph's matrix kernels (the Embedding → LSTM(256)
character model at batch 64: 1.19x). GRU gains from XLA at every size
measured. :data:`TF_CPU_XLA_MAX_WORK` holds the measured limits.

The factories compile with the setting for the default batch size (32);
:func:`rnnkit.training.fit` switches a model built by rnnkit to the setting
for the batch size it trains with (Keras rebuilds its training function). A
model compiled by the user keeps the user's choice. On JAX everything is
compiled with XLA (its only mode); with a GPU, `"auto"` lets Keras take the
cuDNN kernels for LSTM / GRU.

Example:
>>> fastest_jit_compile("lstm", batch_size=32, units=128)
True
"""

from __future__ import annotations

from typing import Any

from rnnkit._backend import has_accelerator, keras
from rnnkit.cells import inner_layer, recurrent_layers

__all__ = ["STEPS_PER_EXECUTION", "TF_CPU_XLA_MAX_WORK", "decisive_cell", "fastest_jit_compile",
           "mark_chosen", "use_fastest_jit_compile"]

#: TensorFlow on a CPU: the largest work per step (batch size x units) at which XLA
#: still trains a cell faster than the graph. Measured on 2026-11-23 (2-core AMD EPYC,
#: TF 2.21) by `bench/bench_classifier.py` and `bench/run.py`, XLA / graph samples/s:
#: LSTM(128) 1.01 / 0.91 / 1.00-1.25 at batch 32 / 128 / 256, LSTM(256) at batch 64
#: 0.84, 2 x LSTM(8) at batch 7 3.7; GRU(128) 1.12 / 1.01 / 1.27-1.44; SimpleRNN(128)
#: 1.06 / 0.97 / 0.83.
TF_CPU_XLA_MAX_WORK: dict[str, float] = {"lstm": 8192, "gru": float("inf"), "rnn": 8192}

#: Training steps per call of Keras' compiled function (`compile(steps_per_execution=...)`):
#: fewer returns to Python between batches. Measured on 2026-11-23 (2-core AMD EPYC) against
#: 1 step, samples/s: the 2 x LSTM(8) seq2seq at batch 7 1.40x on TensorFlow and 1.09x on
#: JAX, the LSTM(128) classifier at batch 32 1.28x and 1.08x (8 and 32 steps were level).
#: Callbacks then see every 8th batch (the NaN guard reads the epoch's running loss, which
#: turns NaN with the first bad batch, so it still stops within 8 batches of it).
STEPS_PER_EXECUTION = 8

#: The attribute that marks a model whose compile setting rnnkit chose.
_MARK = "_rnnkit_jit_compile_chosen"
_CELL_NAMES = {"LSTM": "lstm", "GRU": "gru", "SimpleRNN": "rnn"}


def fastest_jit_compile(cell: str | None = None, batch_size: int | None = None,
                        units: int | None = None) -> bool | str:
    """Return the `jit_compile` setting that trains a recurrent model fastest here.

    Args:
        cell: `"lstm"`, `"gru"` or `"rnn"` (the model's deciding cell, see
            :func:`decisive_cell`; `None`: LSTM).
        batch_size: the training batch size (`None`: 32, Keras' default).
        units: the units of the widest recurrent layer (`None`: 128).

    Returns:
        `True` (XLA), `False` (TensorFlow graph) or `"auto"` (Keras decides:
        with a GPU, so that LSTM / GRU take the cuDNN kernels, which XLA cannot
        run), for `model.compile(jit_compile=...)`.

    Example:
    >>> from rnnkit.cells import recurrent_layer
    >>> model = keras.Sequential([keras.Input((5, 1)), recurrent_layer("lstm", 4),
    ...                           keras.layers.Dense(1)])
    >>> model.compile("adam", "mse", jit_compile=fastest_jit_compile("lstm", 128, 4))
    """
    backend = keras.backend.backend()
    if backend == "jax":
        return True
    if backend != "tensorflow" or has_accelerator():
        return "auto"
    work = (batch_size or 32) * (units or 128)
    return work <= TF_CPU_XLA_MAX_WORK.get(cell or "lstm", float("inf"))


def decisive_cell(model: Any) -> tuple[str, int]:
    """The cell that decides the setting (LSTM before SimpleRNN before GRU) and the widest units.

    Example:
    >>> from rnnkit.models import build_classifier
    >>> decisive_cell(build_classifier((4, 2), 2, cell="gru", units=6, seed=0))
    ('gru', 6)
    """
    names, units = set(), 0
    for layer in recurrent_layers(model):
        inner = inner_layer(layer)
        names.add(_CELL_NAMES.get(type(inner).__name__, "lstm"))
        units = max(units, int(getattr(inner, "units", 0) or 0))
    cell = next((c for c in ("lstm", "rnn", "gru") if c in names), "lstm")
    return cell, units or 128


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
    >>> use_fastest_jit_compile(model, 256) == fastest_jit_compile("lstm", 256, 2)
    True
    """
    if not getattr(model, _MARK, False):
        return getattr(model, "jit_compile", "auto")
    cell, units = decisive_cell(model)
    wanted = fastest_jit_compile(cell, batch_size, units)
    if isinstance(wanted, bool) and wanted != model.jit_compile:
        model.jit_compile = wanted
        # Keras built its functions with the old setting: rebuild them on the next call
        model.train_function = model.test_function = model.predict_function = None
    return model.jit_compile
