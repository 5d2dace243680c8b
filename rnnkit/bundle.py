"""Whole, safe artifacts: a trained model with everything needed to use it.

A bundle is a folder holding two files:

* `model.keras` — the Keras model (architecture, weights, compile settings),
  loaded back with `keras.saving.load_model(..., safe_mode=True)`;
* `bundle.json` — everything else, as plain JSON: the format version, the job
  (`"classifier"`, `"forecaster"` or `"generator"`), the vocabulary of a text
  model (`CharVocab` or `WordVocab`) or the window settings and fitted scaler
  of a forecaster (`SeriesWindows.to_config()`), the rnnkit / Keras versions
  and the user's metadata.

No pickle anywhere. Saving is atomic: both files are written into a temporary
sibling folder, which then replaces the old bundle by renames, so an
interrupted save leaves the previous bundle whole.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keras
import numpy as np

from rnnkit._checks import check_choice

__all__ = ["Bundle", "save_bundle", "load_bundle", "JOBS", "FORMAT_VERSION"]

#: Version of the bundle layout written by this rnnkit.
FORMAT_VERSION = 1
#: Versions this rnnkit can read.
READABLE_VERSIONS = (1,)
#: The jobs a bundle can be written for.
JOBS = ("classifier", "forecaster", "generator")

MODEL_FILE = "model.keras"
META_FILE = "bundle.json"
_FORMAT_NAME = "rnnkit-bundle"
_VOCAB_TYPES = ("CharVocab", "WordVocab")


@dataclass
class Bundle:
    """A loaded bundle: the model and what it needs to be used.

    Attributes:
        model: the Keras model (compiled when it was saved compiled).
        job: `"classifier"`, `"forecaster"` or `"generator"`.
        vocab: the `CharVocab` (generator) or `WordVocab` (token classifier),
            or `None`.
        windows: the `SeriesWindows` of a forecaster, with its saved scaler,
            or `None`.
        metadata: the user's metadata given to :func:`save_bundle`.
        versions: rnnkit, Keras and backend versions that wrote the bundle.
        path: the bundle folder.
    """

    model: keras.Model
    job: str
    vocab: Any = None
    windows: Any = None
    metadata: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    def __repr__(self) -> str:
        parts = [f"job={self.job!r}", f"model={self.model.name!r}"]
        if self.vocab is not None:
            parts.append(f"vocab={type(self.vocab).__name__}({len(self.vocab)})")
        if self.windows is not None:
            parts.append("windows=SeriesWindows(...)")
        if self.metadata:
            parts.append(f"metadata={sorted(self.metadata)!r}")
        return f"Bundle({', '.join(parts)}, path={str(self.path)!r})"


# ----------------------------------------------------------------------------- save

def _json_default(value: Any) -> Any:
    """Turn NumPy scalars and arrays into JSON values (nothing else)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def _check_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
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


def _model_job(model: keras.Model) -> str:
    """Guess the job of a model from its name (rnnkit's factories) or its shape."""
    name = model.name or ""
    for suffix, job in (("_classifier", "classifier"), ("_seq2seq", "forecaster"),
                        ("_generator", "generator")):
        if name.endswith(suffix):
            return job
    last = model.layers[-1] if model.layers else None
    activation = getattr(last, "activation", None)
    if activation is not None and keras.activations.serialize(activation) == "softmax":
        return "classifier"
    integer_input = "int" in str(model.inputs[0].dtype) if model.inputs else False
    if integer_input and len(model.outputs[0].shape) == 3:
        return "generator"
    return "forecaster"


def _infer_job(model: keras.Model, vocab: Any, windows: Any, job: str | None) -> str:
    """Decide the job from what was given, and check that it all fits together."""
    if vocab is not None and windows is not None:
        raise ValueError("pass vocab= (text models) or windows= (forecasters), not both.")
    if vocab is not None and type(vocab).__name__ not in _VOCAB_TYPES:
        raise ValueError(f"vocab={vocab!r} is a {type(vocab).__name__}; pass a CharVocab "
                         "(generator) or a WordVocab (token classifier).")
    if windows is not None and not hasattr(windows, "to_config"):
        raise ValueError(f"windows={windows!r} is a {type(windows).__name__}; pass the "
                         "SeriesWindows the forecaster was trained on.")
    given = ("forecaster" if windows is not None
             else "generator" if type(vocab).__name__ == "CharVocab"
             else "classifier" if vocab is not None else None)
    if job is not None:
        check_choice("job", job, JOBS)
    inferred = job or given or _model_job(model)
    if given is not None and inferred != given:
        what = "windows=" if windows is not None else f"a {type(vocab).__name__}"
        raise ValueError(f"job={inferred!r} does not fit {what}, which belongs to a "
                         f"{given}. Drop job= or pass what a {inferred} needs.")
    if inferred == "generator" and vocab is None:
        raise ValueError("a generator bundle needs its vocabulary: pass vocab=CharVocab "
                         "(the one the model was trained with).")
    if inferred == "forecaster" and windows is None:
        raise ValueError("a forecaster bundle needs its windows: pass windows=SeriesWindows "
                         "(the one the model was trained on; it holds the fitted scaler).")
    _check_fit(model, inferred, vocab, windows)
    return inferred


def _check_fit(model: keras.Model, job: str, vocab: Any, windows: Any) -> None:
    """Refuse a vocabulary or windows that do not match the model's shapes."""
    out_shape = tuple(model.outputs[0].shape) if model.outputs else None
    in_shape = tuple(model.inputs[0].shape) if model.inputs else None
    if job == "generator" and out_shape is not None and out_shape[-1] != len(vocab):
        raise ValueError(f"vocab has {len(vocab)} characters but the model outputs "
                         f"{out_shape[-1]} logits per step; pass the vocabulary the model "
                         "was built with (build_generator(len(vocab))).")
    if job == "classifier" and vocab is not None:
        embeddings = [layer for layer in model.layers
                      if isinstance(layer, keras.layers.Embedding)]
        if embeddings and embeddings[0].input_dim < len(vocab):
            raise ValueError(f"vocab has {len(vocab)} ids but the model's Embedding takes "
                             f"{embeddings[0].input_dim}; pass the vocabulary the model was "
                             "built with (build_classifier(..., vocab_size=len(vocab))).")
    if job == "forecaster" and in_shape is not None:
        expected = tuple(getattr(windows, "input_shape", ()) or ())
        got = in_shape[1:]
        clash = len(expected) == len(got) and any(
            e is not None and g is not None and e != g
            for e, g in zip(expected, got, strict=True))
        if expected and clash:
            raise ValueError(f"windows.input_shape={expected} does not fit the model's input "
                             f"shape {got}; pass the SeriesWindows the model was trained on.")


def _vocab_entry(vocab: Any) -> dict[str, Any]:
    return {"type": type(vocab).__name__, "data": json.loads(vocab.to_json())}


def _versions() -> dict[str, str]:
    from rnnkit import __version__

    return {
        "rnnkit": __version__,
        "keras": keras.__version__,
        "backend": keras.backend.backend(),
        "python": ".".join(map(str, sys.version_info[:3])),
    }


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # e.g. Windows: directories cannot be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_json(path: Path, document: dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=2, ensure_ascii=False, allow_nan=False)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())


def save_bundle(
    path: str | os.PathLike,
    model: keras.Model,
    *,
    vocab: Any = None,
    windows: Any = None,
    job: str | None = None,
    overwrite: bool = True,
    **metadata: Any,
) -> Path:
    """Save a model with everything needed to use it, as one folder.

    The folder holds `model.keras` (the Keras model) and `bundle.json` (the
    job, the vocabulary or the window settings with the fitted scaler, the
    versions, the metadata). The job is inferred: `windows` → forecaster, a
    `CharVocab` → generator, a `WordVocab` or nothing → classifier (or from
    the model for rnnkit's factories); it is checked against the model.

    The save is atomic: everything is written to a temporary sibling folder
    first, which then takes the place of `path`; if anything fails, the
    previous bundle at `path` stays as it was.

    Args:
        path: the bundle folder to write (created, or replaced when it holds a
            bundle already).
        model: the trained Keras model.
        vocab: the `CharVocab` of a generator, or the `WordVocab` of a token
            classifier.
        windows: the `SeriesWindows` a forecaster was trained on.
        job: `"classifier"`, `"forecaster"` or `"generator"`, to state the job
            instead of inferring it.
        overwrite: replace an existing bundle at `path`; `False` raises
            instead.
        **metadata: anything else to keep with the model (JSON values: str,
            numbers, bools, None, lists, dicts), e.g. `epochs=20,
            val_loss=0.31`. The names `path`, `model`, `vocab`, `windows`,
            `job` and `overwrite` are taken.

    Returns:
        The bundle folder, as a `Path`.

    Raises:
        ValueError: if the parts do not fit together, a metadata value is not
            JSON, or `path` is a file or a folder that is not a bundle.

    Example:
    >>> save_bundle("out/passengers", model, windows=w, epochs=50)  # doctest: +SKIP
    PosixPath('out/passengers')
    """
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise ValueError(f"path={path!r} must be a folder path (str or Path).")
    if not isinstance(model, keras.Model):
        raise ValueError(f"model={model!r} is a {type(model).__name__}, not a Keras model.")
    if not model.built or not model.inputs:
        raise ValueError("model is not built; train it (or call model.build) before saving.")
    target = Path(path)
    if target.exists():
        if not target.is_dir():
            raise ValueError(f"path={str(target)!r} is a file; give a folder path for the "
                             "bundle.")
        contents = [p.name for p in target.iterdir()]
        if contents and META_FILE not in contents:
            raise ValueError(f"path={str(target)!r} is a folder that is not an rnnkit bundle "
                             f"(it has no {META_FILE}); refusing to replace it. Pick a new "
                             "folder name.")
        if contents and not overwrite:
            raise ValueError(f"path={str(target)!r} holds a bundle already; pass "
                             "overwrite=True to replace it.")
    job = _infer_job(model, vocab, windows, job)
    meta = _check_metadata(metadata)
    document: dict[str, Any] = {
        "format": _FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "job": job,
        "model_file": MODEL_FILE,
        "model": {
            "name": model.name,
            "input_shape": list(model.inputs[0].shape)[1:],
            "output_shape": list(model.outputs[0].shape)[1:],
        },
        "vocab": None if vocab is None else _vocab_entry(vocab),
        "windows": None if windows is None else windows.to_config(include_data=True),
        "versions": _versions(),
        "metadata": meta,
    }
    # Serialise before touching the disk, so a bad windows config fails early.
    try:
        json.dumps(document, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the bundle description cannot be written as JSON: {exc}.") from None

    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:8]
    tmp = parent / f".{target.name}.tmp-{token}"
    old = parent / f".{target.name}.old-{token}"
    try:
        tmp.mkdir()
        model.save(tmp / MODEL_FILE)
        problem = _unsafe_object(_read_archive_config(tmp / MODEL_FILE))
        if problem is not None:
            raise ValueError(
                f"model contains {problem}; a bundle must load with safe_mode=True, so it "
                "can hold only built-in Keras layers. Replace it (e.g. a Lambda by a "
                "built-in layer) before saving."
            )
        _write_json(tmp / META_FILE, document)
        _fsync_dir(tmp)
        if target.exists():
            os.replace(target, old)
            try:
                os.replace(tmp, target)
            except BaseException:
                os.replace(old, target)
                raise
        else:
            os.replace(tmp, target)
        _fsync_dir(parent)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return target


# ----------------------------------------------------------------------------- load

def _read_document(folder: Path) -> dict[str, Any]:
    meta_path = folder / META_FILE
    if not meta_path.is_file():
        raise FileNotFoundError(f"{str(meta_path)!r} is missing: {str(folder)!r} is not a "
                                f"complete rnnkit bundle (it needs {META_FILE} and "
                                f"{MODEL_FILE}; write one with save_bundle).")
    try:
        document = json.loads(meta_path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ValueError(f"{str(meta_path)!r} is not UTF-8 text ({exc}).") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{str(meta_path)!r} is not valid JSON: {exc.msg} at line "
                         f"{exc.lineno}, column {exc.colno}.") from None
    if not isinstance(document, dict) or document.get("format") != _FORMAT_NAME:
        raise ValueError(f"{str(meta_path)!r} is not an rnnkit bundle description (expected "
                         f"a JSON object with \"format\": \"{_FORMAT_NAME}\").")
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
    return document


def _walk_layers(config: Any) -> Any:
    """Yield every serialised object (dict with a class_name) in a Keras config."""
    if isinstance(config, dict):
        if "class_name" in config:
            yield config
        for value in config.values():
            yield from _walk_layers(value)
    elif isinstance(config, list):
        for value in config:
            yield from _walk_layers(value)


def _read_archive_config(model_path: Path) -> Any:
    try:
        with zipfile.ZipFile(model_path) as archive:
            return json.loads(archive.read("config.json"))
    except zipfile.BadZipFile:
        raise ValueError(f"{str(model_path)!r} is not a Keras archive (not a zip file); the "
                         "file is damaged. Save the bundle again with save_bundle.") from None
    except KeyError:
        raise ValueError(f"{str(model_path)!r} has no config.json inside; the file is "
                         "damaged. Save the bundle again with save_bundle.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"config.json inside {str(model_path)!r} is not valid JSON "
                         f"({exc}).") from None


def _unsafe_object(config: Any) -> str | None:
    """Describe the first object in a Keras config that is code or not Keras, if any."""
    for obj in _walk_layers(config):
        class_name = str(obj.get("class_name"))
        module = obj.get("module") or ""
        inner = obj.get("config")
        name = inner.get("name") if isinstance(inner, dict) else None
        label = f" {name!r}" if isinstance(name, str) else ""
        if class_name in ("Lambda", "__lambda__") or "lambda" in class_name.lower():
            return (f"a {class_name} layer{label}, which would run arbitrary Python code")
        if module and not (module == "keras" or module.startswith("keras.")):
            return (f"the object {class_name!r}{label} of module {module!r}, which is not "
                    "part of Keras")
    return None


def _check_model_archive(model_path: Path) -> None:
    """Refuse a `.keras` archive whose config holds code (Lambda) or non-Keras classes."""
    problem = _unsafe_object(_read_archive_config(model_path))
    if problem is not None:
        raise ValueError(
            f"refusing to load {str(model_path)!r}: its config.json contains {problem}. "
            "rnnkit bundles hold only built-in Keras layers and load with safe_mode=True; "
            "this file was edited or comes from elsewhere. Load only bundles you trust, "
            "written by save_bundle."
        )


def _load_vocab(entry: Any, meta_path: Path) -> Any:
    if entry is None:
        return None
    if not isinstance(entry, dict) or entry.get("type") not in _VOCAB_TYPES:
        kind = entry.get("type") if isinstance(entry, dict) else entry
        raise ValueError(f"{str(meta_path)!r} has a vocab of type {kind!r}; expected one of "
                         f"{list(_VOCAB_TYPES)}.")
    from rnnkit import text

    cls = getattr(text, entry["type"], None)
    if cls is None:
        raise ValueError(f"{str(meta_path)!r} holds a {entry['type']}, which this rnnkit "
                         "does not provide; upgrade rnnkit.")
    try:
        return cls.from_json(json.dumps(entry.get("data")))
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"the vocab in {str(meta_path)!r} is damaged: {exc}") from None


def _load_windows(config: Any, meta_path: Path) -> Any:
    if config is None:
        return None
    from rnnkit.series import SeriesWindows

    try:
        return SeriesWindows.from_config(config)
    except (ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"the windows settings in {str(meta_path)!r} are damaged: "
                         f"{exc}") from None


def load_bundle(path: str | os.PathLike, *, job: str | None = None,
                compile: bool = True) -> Bundle:
    """Load a bundle written by :func:`save_bundle`.

    The model loads with `keras.saving.load_model(..., safe_mode=True)`, and
    before that its configuration is checked: a model holding a `Lambda`
    layer (Python code) or a class from outside Keras is refused. The
    vocabulary or the windows (with the saved scaler, not refitted) come back
    as the objects that were saved.

    Args:
        path: the bundle folder.
        job: the job you expect (`"classifier"`, `"forecaster"`,
            `"generator"`); a bundle written for another job is refused.
        compile: restore the compile settings (optimizer, loss) too; `False`
            loads faster when you only predict.

    Returns:
        A :class:`Bundle` with `.model`, `.job`, `.vocab`, `.windows`,
        `.metadata` and `.versions`.

    Raises:
        FileNotFoundError: if the folder, `model.keras` or `bundle.json` is
            missing.
        ValueError: if a file is damaged, has an unknown format version, holds
            unsafe code, or the bundle was written for another `job`.

    Example:
    >>> b = load_bundle("out/passengers", job="forecaster")  # doctest: +SKIP
    >>> b.windows.forecast(b.model, steps=12)  # doctest: +SKIP
    """
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise ValueError(f"path={path!r} must be a bundle folder path (str or Path).")
    if job is not None:
        check_choice("job", job, JOBS)
    folder = Path(path)
    if not folder.exists():
        leftovers = sorted(folder.parent.glob(f".{folder.name}.old-*")) \
            if folder.parent.is_dir() else []
        hint = (f" An interrupted save left the previous bundle in {str(leftovers[-1])!r}; "
                f"rename it to {str(folder)!r} to use it." if leftovers else "")
        raise FileNotFoundError(f"bundle folder {str(folder)!r} does not exist.{hint}")
    if not folder.is_dir():
        hint = (" It is a Keras model file: load it with keras.saving.load_model, or save a "
                "bundle with save_bundle." if folder.suffix in (".keras", ".h5") else "")
        raise ValueError(f"path={str(folder)!r} is a file, not a bundle folder.{hint}")
    document = _read_document(folder)
    meta_path = folder / META_FILE
    if job is not None and document["job"] != job:
        raise ValueError(f"{str(meta_path)!r} says this bundle holds a {document['job']}, "
                         f"not a {job}; use a bundle written for the {job} job (or load it "
                         f"with job={document['job']!r}).")
    model_path = folder / str(document.get("model_file") or MODEL_FILE)
    if model_path.name != MODEL_FILE or not model_path.is_file():
        raise FileNotFoundError(f"{str(folder / MODEL_FILE)!r} is missing: the bundle "
                                f"{str(folder)!r} is incomplete. Save it again with "
                                "save_bundle.")
    _check_model_archive(model_path)
    vocab = _load_vocab(document["vocab"], meta_path)
    windows = _load_windows(document["windows"], meta_path)
    if document["job"] == "generator" and vocab is None:
        raise ValueError(f"{str(meta_path)!r} is a generator bundle without its vocab; the "
                         "file is damaged. Save the bundle again with save_bundle.")
    if document["job"] == "forecaster" and windows is None:
        raise ValueError(f"{str(meta_path)!r} is a forecaster bundle without its windows; "
                         "the file is damaged. Save the bundle again with save_bundle.")
    try:
        model = keras.saving.load_model(model_path, compile=compile, safe_mode=True)
    except Exception as exc:  # Keras/TF errors: say which file, in one line
        raise ValueError(f"Keras could not load {str(model_path)!r} (safe_mode=True): "
                         f"{type(exc).__name__}: {exc}") from exc
    metadata = document["metadata"] if isinstance(document["metadata"], dict) else {}
    return Bundle(model=model, job=document["job"], vocab=vocab, windows=windows,
                  metadata=metadata, versions=dict(document.get("versions") or {}),
                  path=folder)
