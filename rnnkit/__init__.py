"""rnnkit: recurrent neural networks in a few calls (Keras 3).

Three jobs on LSTM, GRU or SimpleRNN cells — sequence classification,
forecasting from Excel/CSV series, character-level text generation — plus
dataset adapters, plots, whole saved artifacts and a command line.

The public names below are re-exported lazily from their modules, so that
`import rnnkit` (and the `rnnkit --help` command) stays fast; TensorFlow and
Keras load on first use of a name that needs them. `import rnnkit` and the
pure-Python parts (`read_series`, `CharVocab`, `WordVocab`, the series
metrics) work without TensorFlow; the first use of a name that needs it
raises an `ImportError` naming the extras to install (`rnnkit[cpu]` or
`rnnkit[gpu]`).

Example:
>>> import rnnkit
>>> df = rnnkit.read_series("data/series/airpassengers.csv", date_column="month")
>>> len(df)
144
>>> model = rnnkit.build_classifier((28, 28), num_classes=10)  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name → module that defines it.
_EXPORTS: dict[str, str] = {
    "build_classifier": "rnnkit.models",
    "build_seq2seq": "rnnkit.models",
    "build_generator": "rnnkit.models",
    "read_series": "rnnkit.series",
    "SeriesWindows": "rnnkit.series",
    "CharVocab": "rnnkit.text",
    "WordVocab": "rnnkit.text",
    "text_dataset": "rnnkit.text",
    "generate": "rnnkit.sampling",
    "sample_logits": "rnnkit.sampling",
    "plot_forecast": "rnnkit.plotting",
    "plot_history": "rnnkit.plotting",
    "save_bundle": "rnnkit.bundle",
    "load_bundle": "rnnkit.bundle",
    "tune": "rnnkit.tuning",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rnnkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # for type checkers and IDEs
    # ruff: noqa: F401
    from rnnkit.bundle import load_bundle, save_bundle
    from rnnkit.models import build_classifier, build_generator, build_seq2seq
    from rnnkit.plotting import plot_forecast, plot_history
    from rnnkit.sampling import generate, sample_logits
    from rnnkit.series import SeriesWindows, read_series
    from rnnkit.text import CharVocab, WordVocab, text_dataset
    from rnnkit.tuning import tune
