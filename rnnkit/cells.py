"""Cell names → Keras recurrent layers, and what keeps a layer off the cuDNN kernel.

This module is the one table from a cell name (``"lstm"``, ``"gru"``, ``"rnn"``)
to its Keras layer. Every model factory goes through :func:`recurrent_layer`, so
the three jobs share the same cells, defaults and checks.
"""

from __future__ import annotations

from typing import Any

from rnnkit._backend import has_accelerator, keras

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


def _activation(fn: Any) -> str:
    return str(keras.activations.serialize(fn))


#: What cuDNN needs of a recurrent layer: (option, is it met?, how it reads when not).
#: One table serves `cudnn_eligible` and `cudnn_report`.
_CUDNN_RULES: tuple[tuple[str, Any, Any], ...] = (
    ("activation", lambda layer, cell: _activation(cell.activation) == "tanh",
     lambda layer, cell: f"activation={_activation(cell.activation)!r} (cuDNN needs 'tanh')"),
    ("recurrent_activation", lambda layer, cell: _activation(cell.recurrent_activation)
     == "sigmoid", lambda layer, cell: f"recurrent_activation="
     f"{_activation(cell.recurrent_activation)!r} (cuDNN needs 'sigmoid')"),
    ("recurrent_dropout", lambda layer, cell: not cell.recurrent_dropout,
     lambda layer, cell: f"recurrent_dropout={cell.recurrent_dropout} (cuDNN needs 0)"),
    ("unroll", lambda layer, cell: not layer.unroll,
     lambda layer, cell: "unroll=True (cuDNN needs unroll=False)"),
    ("use_bias", lambda layer, cell: cell.use_bias,
     lambda layer, cell: "use_bias=False (cuDNN needs use_bias=True)"),
    ("reset_after", lambda layer, cell: getattr(cell, "reset_after", True),
     lambda layer, cell: "reset_after=False (a GRU needs reset_after=True for cuDNN)"),
    ("use_cudnn", lambda layer, cell: getattr(layer, "use_cudnn", "auto") is not False,
     lambda layer, cell: "use_cudnn=False (turned off by hand)"),
)


def inner_layer(layer: keras.layers.Layer) -> keras.layers.Layer:
    """The recurrent layer itself: the forward layer of a `Bidirectional`, else `layer`.

    Example:
    >>> inner_layer(keras.layers.Bidirectional(recurrent_layer("gru", 3))).__class__.__name__
    'GRU'
    """
    return layer.forward_layer if isinstance(layer, keras.layers.Bidirectional) else layer


def cudnn_blockers(layer: keras.layers.Layer) -> list[str]:
    """The options of a recurrent layer that keep it off the cuDNN kernel (empty: none).

    Args:
        layer: a Keras recurrent layer (optionally wrapped in `Bidirectional`).

    Returns:
        One phrase per blocking option, e.g. `"unroll=True (cuDNN needs unroll=False)"`;
        a SimpleRNN is blocked by its cell type.

    Example:
    >>> cudnn_blockers(recurrent_layer("gru", 8, recurrent_dropout=0.2))
    ['recurrent_dropout=0.2 (cuDNN needs 0)']
    """
    layer = inner_layer(layer)
    if not isinstance(layer, (keras.layers.LSTM, keras.layers.GRU)):
        return [f"cell type {type(layer).__name__} (cuDNN has LSTM and GRU kernels only)"]
    cell = layer.cell
    return [say(layer, cell) for _, met, say in _CUDNN_RULES if not met(layer, cell)]


def cudnn_eligible(layer: keras.layers.Layer) -> bool:
    """Tell whether a recurrent layer can use the cuDNN kernel on a GPU.

    Args:
        layer: a Keras recurrent layer (optionally wrapped in `Bidirectional`).

    Returns:
        `True` for an LSTM / GRU with tanh / sigmoid activations, no recurrent
        dropout and `unroll=False`; `False` otherwise (SimpleRNN never is).
        :func:`cudnn_blockers` says why not.

    Example:
    >>> cudnn_eligible(recurrent_layer("lstm", 8))
    True
    """
    return not cudnn_blockers(layer)


def cudnn_report(model: keras.Model) -> Any:
    """Tell, per recurrent layer of a model, whether it can use cuDNN on a GPU, and if not why.

    cuDNN's fused LSTM / GRU kernels train several times faster on a GPU than
    the generic loop. Keras takes them on its own when a layer's options allow
    it (TensorFlow backend; on JAX, for LSTM without a mask) and a GPU is
    visible. rnnkit's defaults keep every LSTM and GRU eligible; this report
    names the option that gives it up (`recurrent_dropout > 0`, `unroll=True`,
    a non-default activation, ...). On TensorFlow a mask must also be
    right-padded (checked by Keras at run time).

    Args:
        model: a Keras model (nested models and `Bidirectional` wrappers are searched).

    Returns:
        A `pandas.DataFrame`, one row per recurrent layer: `layer` (its name),
        `cell`, `cudnn` (eligible by its options), `blocked_by` (the blocking
        options, `""` when none); `attrs["gpu"]` says whether a GPU is visible.

    Example:
    >>> model = keras.Sequential([keras.Input((5, 2)),
    ...     recurrent_layer("lstm", 4, return_sequences=True, name="fast"),
    ...     recurrent_layer("gru", 4, recurrent_dropout=0.1, name="slow")])
    >>> cudnn_report(model)[["layer", "cudnn", "blocked_by"]].to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'layer': 'fast', 'cudnn': True, 'blocked_by': ''},
     {'layer': 'slow', 'cudnn': False, 'blocked_by': 'recurrent_dropout=0.1 (cuDNN needs 0)'}]
    """
    import pandas as pd

    rows = []
    for layer in recurrent_layers(model):
        blockers = cudnn_blockers(layer)
        rows.append({"layer": layer.name, "cell": type(inner_layer(layer)).__name__,
                     "cudnn": not blockers, "blocked_by": "; ".join(blockers)})
    if not rows:
        raise ValueError(f"model {getattr(model, 'name', model)!r} has no recurrent layer "
                         "(LSTM, GRU or SimpleRNN).")
    report = pd.DataFrame(rows, columns=["layer", "cell", "cudnn", "blocked_by"])
    report.attrs["gpu"] = has_accelerator()
    return report


def recurrent_layers(model: Any) -> list[keras.layers.Layer]:
    """The recurrent layers of a model, in order, looking into nested models.

    Example:
    >>> model = keras.Sequential([keras.Input((5, 2)), recurrent_layer("gru", 3, name="g")])
    >>> [layer.name for layer in recurrent_layers(model)]
    ['g']
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"model={model!r} is a {type(model).__name__}, not a Keras model.")
    found = []
    for layer in getattr(model, "layers", []):
        if isinstance(layer, (keras.layers.RNN, keras.layers.Bidirectional)):
            found.append(layer)
        elif isinstance(layer, keras.Model):
            found.extend(recurrent_layers(layer))
    return found
