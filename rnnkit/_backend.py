"""The deep-learning backend, imported on first use with a clear error when it is missing.

`import rnnkit` and its pure-Python parts (`read_series`, `CharVocab`,
`WordVocab`, the series metrics) need neither Keras' backend nor TensorFlow.
Modules that do need them import them through :func:`require_keras` and
:func:`require_tensorflow` (or `from rnnkit._backend import keras, tf`, which
calls them), which turn a missing install into one `ImportError` that names
the extras to install.

Example:
>>> keras = require_keras()
>>> keras.__name__
'keras'
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: The one message for a missing backend; `{missing}` names the module that failed.
MISSING_BACKEND = (
    "rnnkit needs {missing} for this (Keras' default backend is TensorFlow, and rnnkit's "
    "input pipelines use tf.data), but it is not installed. Install rnnkit with the extra "
    "that fits your machine: pip install 'rnnkit[cpu]' (CPU only) or pip install "
    "'rnnkit[gpu]' (NVIDIA GPU with CUDA)."
)
_BACKEND_MODULES = ("tensorflow", "jax", "torch")


def _import(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        missing = getattr(exc, "name", None) or name
        root = missing.split(".")[0]
        if root in _BACKEND_MODULES or root == name.split(".")[0]:
            raise ImportError(MISSING_BACKEND.format(missing=root)) from exc
        raise


def require_keras() -> ModuleType:
    """Import and return `keras` (with its backend), or raise an `ImportError` naming the extras.

    Example:
    >>> require_keras().backend.backend() in ("tensorflow", "jax", "torch")
    True
    """
    return _import("keras")


def require_tensorflow() -> ModuleType:
    """Import and return `tensorflow` (for `tf.data`), or raise an `ImportError` naming the extras.

    Example:
    >>> require_tensorflow().data.Dataset.__name__  # doctest: +SKIP
    'DatasetV2'
    """
    return _import("tensorflow")


def has_accelerator() -> bool:
    """Whether Keras' backend sees a GPU (or another accelerator) rather than only CPUs.

    Example:
    >>> has_accelerator() in (True, False)
    True
    """
    keras = require_keras()
    if keras.backend.backend() == "jax":
        import jax

        return any(d.platform != "cpu" for d in jax.devices())
    tf = require_tensorflow()
    return any(d.device_type != "CPU" for d in tf.config.list_physical_devices())


def __getattr__(name: str) -> ModuleType:
    """`from rnnkit._backend import keras` (or `tf`) imports it on first use, with advice."""
    if name == "keras":
        return require_keras()
    if name in ("tf", "tensorflow"):
        return require_tensorflow()
    raise AttributeError(f"module 'rnnkit._backend' has no attribute {name!r}")
