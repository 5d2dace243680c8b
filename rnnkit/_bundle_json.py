"""`bundle.json`, the description beside a bundle's model: what it holds, written and read back.

The document (format `"rnnkit-bundle"`, version 1) holds the job, the name
of the model file, the model's name and shapes, the vocabulary of a text
model (`{"type": "CharVocab" | "WordVocab", "data": ...}`), the window
settings and fitted scaler of a forecaster (`SeriesWindows.to_config()`),
the versions that wrote it and the user's metadata. This module builds it,
checks that it is plain JSON, and reads it back with a clear error for every
way a file can be damaged: every value is checked against
:data:`BUNDLE_SCHEMA` (and the windows against
`rnnkit.series.config.check_config`) before anything is built from it, and
`model_file` must name a file inside the bundle folder. Bundles written by
earlier rnnkit versions of the same format version load unchanged.

Example:
>>> from rnnkit.text import CharVocab
>>> vocab_entry(CharVocab.from_text("ab"))
{'type': 'CharVocab', 'data': {'type': 'CharVocab', 'chars': 'ab'}}
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from rnnkit._schema import OBJECT, STR, Key, ListOf, Rule, check_document, integer, nullable
from rnnkit.jobs import JOBS
from rnnkit.text import CharVocab, WordVocab

__all__ = ["FORMAT_VERSION", "META_FILE", "MODEL_FILE", "READABLE_VERSIONS", "VOCAB_TYPES",
           "BUNDLE_SCHEMA", "check_bundle_document", "check_metadata", "describe", "load_vocab",
           "load_windows", "read_document", "vocab_entry"]

#: Version of the bundle layout written by this rnnkit.
FORMAT_VERSION = 1
#: Versions this rnnkit can read.
READABLE_VERSIONS = (1,)
FORMAT_NAME = "rnnkit-bundle"
MODEL_FILE = "model.keras"
META_FILE = "bundle.json"
#: The vocabulary classes a bundle can hold, by their name on disk.
VOCAB_TYPES: dict[str, type] = {"CharVocab": CharVocab, "WordVocab": WordVocab}

_SHAPE = ListOf(nullable(integer(1)))
#: What a `bundle.json` holds, as rules (`rnnkit._schema`); the windows are checked by
#: `rnnkit.series.config.check_config`, the vocabulary's data by the vocabulary itself.
BUNDLE_SCHEMA: dict[Any, Any] = {
    Key("model_file"): Rule(
        f"the name of a file inside the bundle folder, such as {MODEL_FILE!r} (no folder "
        "part: a model outside the bundle folder is refused)",
        lambda v: isinstance(v, str) and v not in ("", ".", "..") and Path(v).name == v
        and "\\" not in v),
    Key("model"): {Key("name"): STR, Key("input_shape"): _SHAPE, Key("output_shape"): _SHAPE},
    "vocab": nullable({"type": Rule(f"one of {list(VOCAB_TYPES)}",
                                    lambda v: isinstance(v, str) and v in VOCAB_TYPES),
                       "data": OBJECT}),
    "windows": nullable(OBJECT),
    Key("versions"): nullable(Rule("a JSON object of version strings", lambda v: isinstance(
        v, dict) and all(isinstance(x, str) for x in v.values()))),
    "metadata": OBJECT,
}


# ----------------------------------------------------------------------------- write

def _json_default(value: Any) -> Any:
    """Turn NumPy scalars and arrays into JSON values (nothing else)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def check_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    """The user's metadata as plain JSON values, or an error naming the first bad entry."""
    clean: dict[str, Any] = {}
    for key, value in metadata.items():
        try:
            text = json.dumps(value, default=_json_default, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"metadata {key}={value!r} cannot be written to {META_FILE}: {exc}. Metadata "
                "must be JSON values (str, int, float, bool, None, lists and dicts of them; "
                "NumPy numbers and arrays are converted; no NaN or infinity)."
            ) from None
        clean[key] = json.loads(text)
    return clean


def vocab_entry(vocab: CharVocab | WordVocab) -> dict[str, Any]:
    """The `"vocab"` entry of a document: the on-disk type name and the vocabulary's JSON."""
    name = next(name for name, cls in VOCAB_TYPES.items() if isinstance(vocab, cls))
    return {"type": name, "data": json.loads(vocab.to_json())}


def _versions() -> dict[str, str]:
    from rnnkit import __version__
    from rnnkit._backend import keras

    return {
        "rnnkit": __version__,
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "python": ".".join(map(str, sys.version_info[:3])),
    }


def describe(model: Any, *, job: str, vocab: Any, windows: Any,
             metadata: dict[str, Any]) -> dict[str, Any]:
    """The document of a bundle, checked to be plain JSON before anything touches the disk."""
    document: dict[str, Any] = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "job": job,
        "model_file": MODEL_FILE,
        "model": {
            "name": model.name,
            "input_shape": list(model.inputs[0].shape)[1:],
            "output_shape": list(model.outputs[0].shape)[1:],
        },
        "vocab": None if vocab is None else vocab_entry(vocab),
        "windows": None if windows is None else windows.to_config(include_data=True),
        "versions": _versions(),
        "metadata": check_metadata(metadata),
    }
    try:
        json.dumps(document, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the bundle description cannot be written as JSON: {exc}.") from None
    return document


# ----------------------------------------------------------------------------- read

def _parse(meta_path: Path) -> Any:
    if not meta_path.is_file():
        folder = meta_path.parent
        raise FileNotFoundError(f"{str(meta_path)!r} is missing: {str(folder)!r} is not a "
                                f"complete rnnkit bundle (it needs {META_FILE} and "
                                f"{MODEL_FILE}; write one with save_bundle).")
    try:
        return json.loads(meta_path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{str(meta_path)!r} is not UTF-8 text ({exc}).") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{str(meta_path)!r} is not valid JSON: {exc.msg} at line "
                         f"{exc.lineno}, column {exc.colno}.") from None


def read_document(folder: Path) -> dict[str, Any]:
    """Read and check a bundle's `bundle.json`: format, version, job and required keys."""
    meta_path = folder / META_FILE
    document = _parse(meta_path)
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise ValueError(f"{str(meta_path)!r} is not an rnnkit bundle description (expected "
                         f"a JSON object with \"format\": \"{FORMAT_NAME}\").")
    version = document.get("format_version")
    if version not in READABLE_VERSIONS:
        newer = isinstance(version, int) and version > max(READABLE_VERSIONS)
        hint = ("it was written by a newer rnnkit; upgrade rnnkit to read it" if newer
                else "the file is damaged or was not written by rnnkit")
        raise ValueError(f"{str(meta_path)!r} has format_version={version!r}, which this "
                         f"rnnkit cannot read (it reads {list(READABLE_VERSIONS)}): {hint}.")
    if document.get("job") not in JOBS:
        raise ValueError(f"{str(meta_path)!r} has job={document.get('job')!r}; expected one "
                         f"of {list(JOBS)}.")
    for key in ("vocab", "windows", "metadata"):
        if key not in document:
            raise ValueError(f"{str(meta_path)!r} lacks the key {key!r}; the file is "
                             "damaged. Save the bundle again with save_bundle.")
    check_bundle_document(document, meta_path)
    return document


def check_bundle_document(document: dict[str, Any], meta_path: Path) -> None:
    """Check every value of a bundle's description against its schema, before anything is built.

    Args:
        document: the parsed `bundle.json` (format, version and job already checked).
        meta_path: the file, for the message.

    Raises:
        ValueError: naming the file, the damaged value and what it must be.

    Example:
    >>> document = {"job": "classifier", "model_file": "../model.keras", "vocab": None,
    ...             "windows": None, "metadata": {}}
    >>> check_bundle_document(document, Path("b/bundle.json"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: 'b/bundle.json' is damaged: model_file='../model.keras' must be the name of a \
file inside the bundle folder, such as 'model.keras' (no folder part: a model outside the \
bundle folder is refused). Save the bundle again with save_bundle.
    """
    try:
        check_document(document, BUNDLE_SCHEMA)
        if document["windows"] is not None:
            from rnnkit.series.config import check_config

            check_config(document["windows"], where="windows")
    except ValueError as exc:
        raise ValueError(f"{str(meta_path)!r} is damaged: {exc}. Save the bundle again with "
                         "save_bundle.") from None


def load_vocab(entry: Any, meta_path: Path) -> CharVocab | WordVocab | None:
    """The vocabulary of a `"vocab"` entry (`None` stays `None`)."""
    if entry is None:
        return None
    if not isinstance(entry, dict) or entry.get("type") not in VOCAB_TYPES:
        kind = entry.get("type") if isinstance(entry, dict) else entry
        raise ValueError(f"{str(meta_path)!r} has a vocab of type {kind!r}; expected one of "
                         f"{list(VOCAB_TYPES)}.")
    try:
        return VOCAB_TYPES[entry["type"]].from_json(json.dumps(entry.get("data")))
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"the vocab in {str(meta_path)!r} is damaged: {exc}") from None


def load_windows(config: Any, meta_path: Path) -> Any:
    """The `SeriesWindows` of a `"windows"` entry, with its saved scaler (`None` stays `None`)."""
    if config is None:
        return None
    from rnnkit.series import SeriesWindows

    try:
        return SeriesWindows.from_config(config)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"the windows settings in {str(meta_path)!r} are damaged: "
                         f"{exc}") from None
