"""Cell names → Keras recurrent layers, cuDNN eligibility and the fastest compile setting.

This module is the one table from a cell name (``"lstm"``, ``"gru"``, ``"rnn"``)
to its Keras layer. Every model factory goes through :func:`recurrent_layer`, so
the three jobs share the same cells, defaults and checks.
"""

from __future__ import annotations

from typing import Any

from rnnkit._backend import keras

#: Canonical cell name → Keras layer class.
CELLS: dict[str, type[keras.layers.Layer]] = {
    "lstm": keras.layers.LSTM,
    "gru": keras.layers.GRU,
    "rnn": keras.layers.SimpleRNN,
}

#: Other accepted spellings (any case) → canonical name.
ALIASES: dict[str, str] = {"simple": "rnn", "simplernn": "rnn"}

#: Cells that have a cuDNN kernel on GPU (TensorFlow backend).
CUDNN_CELLS = frozenset({"lstm", "gru"})


def resolve_cell(cell: str) -> str:
    """Return the canonical name of a cell type.

    Args:
        cell: `"lstm"`, `"gru"` or `"rnn"` (aliases `"simple"` and
            `"simplernn"`), in any case.

    Returns:
        The canonical name: `"lstm"`, `"gru"` or `"rnn"`.

    Raises:
        ValueError: if `cell` is not a known cell name.

    Example:
    >>> resolve_cell("SimpleRNN")
    'rnn'
    """
    if not isinstance(cell, str):
        raise ValueError(
            f"cell={cell!r} is not a cell name; use one of "
            f"{sorted(CELLS) + sorted(ALIASES)} (any case)."
        )
    name = cell.strip().lower()
    name = ALIASES.get(name, name)
    if name not in CELLS:
        raise ValueError(
            f"Unknown cell={cell!r}; use one of "
            f"{sorted(CELLS) + sorted(ALIASES)} (any case)."
        )
    return name


def derive_seed(seed: int | None, offset: int) -> int | None:
    """Return `seed + offset`, or `None` when `seed` is `None` (unseeded).

    Example:
    >>> derive_seed(7, 10), derive_seed(None, 10)
    (17, None)
    """
    return None if seed is None else int(seed) + offset


def recurrent_layer(
    cell: str,
    units: int,
    *,
    return_sequences: bool = False,
    recurrent_dropout: float = 0.0,
    l2: float | None = None,
    seed: int | None = None,
    name: str | None = None,
    **kwargs: Any,
) -> keras.layers.Layer:
    """Create one recurrent layer of the given cell type with rnnkit's defaults.

    The defaults keep LSTM and GRU eligible for the cuDNN kernel on GPU
    (tanh / sigmoid activations, no recurrent dropout, `unroll=False`).

    Args:
        cell: cell name, see :func:`resolve_cell`.
        units: size of the hidden state.
        return_sequences: return the whole output sequence instead of the
            last output only.
        recurrent_dropout: dropout on the recurrent state. Any value > 0
            disables the cuDNN kernel (slower training on GPU).
        l2: L2 penalty on the kernel and recurrent kernel, or `None`.
        seed: seed for the weight initialisers (and the dropout masks).
        name: layer name.
        **kwargs: passed to the Keras layer (e.g. `activation`; a non-default
            activation disables the cuDNN kernel).

    Returns:
        A `keras.layers.LSTM`, `GRU` or `SimpleRNN`.

    Example:
    >>> layer = recurrent_layer("gru", 32, return_sequences=True, seed=0)
    >>> type(layer).__name__, layer.units
    ('GRU', 32)
    """
    name_ = resolve_cell(cell)
    regularizer = keras.regularizers.L2(l2) if l2 else None
    return CELLS[name_](
        units,
        return_sequences=return_sequences,
        recurrent_dropout=recurrent_dropout,
        kernel_initializer=keras.initializers.GlorotUniform(seed=derive_seed(seed, 0)),
        recurrent_initializer=keras.initializers.Orthogonal(seed=derive_seed(seed, 1)),
        kernel_regularizer=regularizer,
        recurrent_regularizer=regularizer,
        seed=derive_seed(seed, 2),
        name=name,
        **kwargs,
    )


def cudnn_eligible(layer: keras.layers.Layer) -> bool:
    """Tell whether a recurrent layer can use the cuDNN kernel on a GPU.

    Args:
        layer: a Keras recurrent layer (optionally wrapped in `Bidirectional`).

    Returns:
        `True` for an LSTM / GRU with tanh / sigmoid activations, no recurrent
        dropout and `unroll=False`; `False` otherwise (SimpleRNN never is).

    Example:
    >>> cudnn_eligible(recurrent_layer("lstm", 8))
    True
    """
    if isinstance(layer, keras.layers.Bidirectional):
        layer = layer.forward_layer
    if not isinstance(layer, (keras.layers.LSTM, keras.layers.GRU)):
        return False
    cell = layer.cell
    ok = (
        keras.activations.serialize(cell.activation) == "tanh"
        and keras.activations.serialize(cell.recurrent_activation) == "sigmoid"
        and not layer.unroll
        and not cell.recurrent_dropout
        and cell.use_bias
    )
    if isinstance(layer, keras.layers.GRU):
        ok = ok and cell.reset_after
    return bool(ok)


def _has_accelerator() -> bool:
    from rnnkit._backend import tf

    return any(d.device_type != "CPU" for d in tf.config.list_physical_devices())


def fastest_jit_compile() -> bool | str:
    """Return the `jit_compile` setting that trains rnnkit's models fastest here.

    On the TensorFlow backend without an accelerator, XLA compilation is
    faster for every cell (measured in `bench/bench_classifier.py`: GRU and
    SimpleRNN gain 1.3-1.7x, LSTM is as fast or faster), but Keras' `"auto"`
    turns it off on CPU-only machines, so rnnkit asks for it explicitly. With a
    GPU, `"auto"` lets Keras pick the cuDNN kernels for LSTM/GRU (which are not
    XLA-compatible) and XLA elsewhere. JAX always compiles.

    Returns:
        `True` or `"auto"`, for `model.compile(jit_compile=...)`.

    Example:
    >>> model = keras.Sequential([keras.Input((5, 1)), recurrent_layer("lstm", 4),
    ...                           keras.layers.Dense(1)])
    >>> model.compile("adam", "mse", jit_compile=fastest_jit_compile())
    """
    if keras.backend.backend() == "tensorflow" and not _has_accelerator():
        return True
    return "auto"
