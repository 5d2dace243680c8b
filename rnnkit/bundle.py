"""Whole, safe artifacts: a trained model with everything needed to use it.

A bundle is a folder holding two files:

* `model.keras` — the Keras model (architecture, weights, compile settings),
  loaded back with `keras.saving.load_model(..., safe_mode=True)`;
* `bundle.json` — everything else, as plain JSON (`rnnkit._bundle_json`):
  the format version, the job (`"classifier"`, `"forecaster"` or
  `"generator"`), the vocabulary of a text model (`CharVocab` or
  `WordVocab`) or the window settings and fitted scaler of a forecaster, the
  rnnkit / Keras versions and the user's metadata.

The job is known, never guessed from a name: the caller states it
(`job=`), or what is saved with the model says it (`windows=` → forecaster,
a vocabulary's `.job`), or the model carries it (`rnnkit.jobs.job_of`: the
factories record it, and :func:`load_bundle` records it on the model it
loads, so a loaded bundle can be saved again).

No pickle anywhere (`rnnkit._archive` refuses Lambda layers and classes from
outside Keras). Saving is atomic (`rnnkit._fs.atomic_folder`): both files
are written into a temporary sibling folder, which then replaces the old
bundle whole, so an interrupted save leaves the previous bundle as it was.

Example:
>>> import tempfile
>>> from pathlib import Path
>>> from rnnkit.models import build_classifier
>>> model = build_classifier((4, 2), 2, units=2, seed=0)
>>> path = save_bundle(Path(tempfile.mkdtemp()) / "clf", model, epochs=0)
>>> bundle = load_bundle(path, job="classifier", compile=False)
>>> bundle.job, bundle.metadata
('classifier', {'epochs': 0})
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rnnkit._archive import check_archive
from rnnkit._backend import keras
from rnnkit._bundle_json import (
    FORMAT_VERSION,
    META_FILE,
    MODEL_FILE,
    VOCAB_TYPES,
    describe,
    load_vocab,
    load_windows,
    read_document,
)
from rnnkit._checks import check_choice, check_path, shape_fits
from rnnkit._fs import atomic_folder, atomic_write_json, check_writable_folder
from rnnkit.jobs import JOBS, job_of, record_job

__all__ = ["Bundle", "save_bundle", "load_bundle", "JOBS", "FORMAT_VERSION"]


@dataclass
class Bundle:
    """A loaded bundle: the model and what it needs to be used.

    Attributes:
        model: the Keras model (compiled when it was saved compiled), with
            its job recorded (`rnnkit.jobs.job_of(bundle.model) == bundle.job`).
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


# ----------------------------------------------------------------------------- the job

def _job_given(vocab: Any, windows: Any) -> str | None:
    """The job that `vocab` or `windows` belongs to (each is checked), or `None`."""
    if vocab is not None and windows is not None:
        raise ValueError("pass vocab= (text models) or windows= (forecasters), not both.")
    if vocab is not None and not isinstance(vocab, tuple(VOCAB_TYPES.values())):
        raise ValueError(f"vocab={vocab!r} is a {type(vocab).__name__}; pass a CharVocab "
                         "(generator) or a WordVocab (token classifier).")
    if windows is not None and not hasattr(windows, "to_config"):
        raise ValueError(f"windows={windows!r} is a {type(windows).__name__}; pass the "
                         "SeriesWindows the forecaster was trained on.")
    if windows is not None:
        return "forecaster"
    return None if vocab is None else vocab.job


def _decide_job(model: keras.Model, vocab: Any, windows: Any, job: str | None) -> str:
    """The job: the caller's `job=`, else what was given, else the model's; checked to fit."""
    given = _job_given(vocab, windows)
    if job is not None:
        check_choice("job", job, JOBS)
    decided = job or given or job_of(model)
    if decided is None:
        raise ValueError(
            f"cannot tell the job of model {model.name!r}: it was not built by rnnkit's "
            "factories (build_classifier / build_seq2seq / build_generator) nor loaded with "
            "load_bundle, and no vocab= or windows= says it. Pass job='classifier', "
            "job='forecaster' (with windows=) or job='generator' (with vocab=)."
        )
    if given is not None and decided != given:
        what = "windows=" if windows is not None else f"a {type(vocab).__name__}"
        raise ValueError(f"job={decided!r} does not fit {what}, which belongs to a "
                         f"{given}. Drop job= or pass what a {decided} needs.")
    if decided == "generator" and vocab is None:
        raise ValueError("a generator bundle needs its vocabulary: pass vocab=CharVocab "
                         "(the one the model was trained with).")
    if decided == "forecaster" and windows is None:
        raise ValueError("a forecaster bundle needs its windows: pass windows=SeriesWindows "
                         "(the one the model was trained on; it holds the fitted scaler).")
    _check_fit(model, decided, vocab, windows)
    return decided


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
        if expected and len(expected) == len(got) and not shape_fits(expected, got):
            raise ValueError(f"windows.input_shape={expected} does not fit the model's input "
                             f"shape {got}; pass the SeriesWindows the model was trained on.")


# ----------------------------------------------------------------------------- save

def _check_save_target(target: Path, overwrite: bool) -> None:
    """Refuse to write over a file, a folder that is not a bundle, or (`overwrite=False`) one."""
    check_writable_folder("path", target)  # a file, or a path under one, is refused here
    if not target.exists():
        return
    contents = [p.name for p in target.iterdir()]
    if contents and META_FILE not in contents:
        raise ValueError(f"path={str(target)!r} is a folder that is not an rnnkit bundle "
                         f"(it has no {META_FILE}); refusing to replace it. Pick a new "
                         "folder name.")
    if contents and not overwrite:
        raise ValueError(f"path={str(target)!r} holds a bundle already; pass "
                         "overwrite=True to replace it.")


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
    versions, the metadata). The job is `job=` when given; else `windows`
    makes a forecaster, a `CharVocab` a generator and a `WordVocab` a token
    classifier; else it is the job the model carries (recorded by rnnkit's
    factories and by :func:`load_bundle`). A model built elsewhere, saved
    without `vocab`/`windows`, needs `job=`. The job is checked against the
    model and what is saved with it.

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
        job: `"classifier"`, `"forecaster"` or `"generator"`, to state the job.
        overwrite: replace an existing bundle at `path`; `False` raises
            instead.
        **metadata: anything else to keep with the model (JSON values: str,
            numbers, bools, None, lists, dicts), e.g. `epochs=20,
            val_loss=0.31`. The names `path`, `model`, `vocab`, `windows`,
            `job` and `overwrite` are taken.

    Returns:
        The bundle folder, as a `Path`.

    Raises:
        ValueError: if the parts do not fit together, the job cannot be told,
            a metadata value is not JSON (NaN included), or `path` is a file,
            lies under a file, cannot be written, or is a folder that is not
            a bundle.

    Example:
    >>> from rnnkit.models import build_seq2seq
    >>> from rnnkit.series import SeriesWindows
    >>> w = SeriesWindows.from_file("data/series/airpassengers.csv", target="passengers",
    ...                             date_column="month", window=24)
    >>> model = build_seq2seq(w.input_shape, units=8, seed=0)
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp()) / "passengers"
    >>> save_bundle(folder, model, windows=w, epochs=50) == folder
    True
    >>> sorted(p.name for p in folder.iterdir())
    ['bundle.json', 'model.keras']
    """
    target = check_path("path", path, what="folder")
    if not isinstance(model, keras.Model):
        raise ValueError(f"model={model!r} is a {type(model).__name__}, not a Keras model.")
    if not model.built or not model.inputs:
        raise ValueError("model is not built; train it (or call model.build) before saving.")
    _check_save_target(target, overwrite)
    job = _decide_job(model, vocab, windows, job)
    document = describe(model, job=job, vocab=vocab, windows=windows, metadata=metadata)
    with atomic_folder(target) as folder:
        model.save(folder / MODEL_FILE)
        check_archive(folder / MODEL_FILE, saving=True)
        atomic_write_json(folder / META_FILE, document)
    return target


# ----------------------------------------------------------------------------- load

def _check_load_folder(folder: Path) -> None:
    """Refuse a bundle folder that does not exist or is a file, saying what is there instead."""
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


def _model_path(folder: Path, document: dict[str, Any]) -> Path:
    """The model file named by `bundle.json`, refused unless it lies inside the bundle folder."""
    model_path = folder / str(document.get("model_file") or MODEL_FILE)
    if model_path.name != MODEL_FILE or not model_path.is_file():
        raise FileNotFoundError(f"{str(folder / MODEL_FILE)!r} is missing: the bundle "
                                f"{str(folder)!r} is incomplete. Save it again with "
                                "save_bundle.")
    real = model_path.resolve()
    if not real.is_relative_to(folder.resolve()):
        raise ValueError(f"{str(model_path)!r} is a link to {str(real)!r}, outside the bundle "
                         f"folder {str(folder)!r}; a bundle's model must lie inside its "
                         "folder (refused for safety). Copy the model file into the folder.")
    return model_path


def _check_loaded_fit(model: keras.Model, document: dict[str, Any], vocab: Any, windows: Any,
                      meta_path: Path) -> None:
    """Refuse a vocabulary or windows in `bundle.json` that do not fit the loaded model."""
    try:
        _check_fit(model, document["job"], vocab, windows)
        if windows is not None and model.outputs and not shape_fits(
                (windows.output_dim,), tuple(model.outputs[0].shape)[-1:]):
            raise ValueError(f"the windows predict {windows.output_dim} column(s), but the "
                             f"model outputs {model.outputs[0].shape[-1]}.")
    except ValueError as exc:
        raise ValueError(f"{str(meta_path)!r} does not fit the model beside it: {exc} The "
                         "bundle is damaged; save it again with save_bundle.") from None


def load_bundle(path: str | os.PathLike, *, job: str | None = None,
                compile: bool = True) -> Bundle:
    """Load a bundle written by :func:`save_bundle`.

    The model loads with `keras.saving.load_model(..., safe_mode=True)`, and
    before that its configuration is checked: a model holding a `Lambda`
    layer (Python code) or a class from outside Keras is refused. The
    vocabulary or the windows (with the saved scaler, not refitted) come back
    as the objects that were saved, and the bundle's job is recorded on the
    model, so that `save_bundle` can save it again.

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
        ValueError: if a file is damaged (every value of `bundle.json` is
            checked before anything is built), has an unknown format version,
            holds unsafe code, names a model file outside the bundle folder
            (or one linked to outside it), does not fit the model, or the
            bundle was written for another `job`.

    Example:
    >>> import tempfile
    >>> import numpy as np
    >>> from rnnkit.models import build_classifier
    >>> model = build_classifier((4, 2), 2, units=2, seed=0)
    >>> folder = save_bundle(Path(tempfile.mkdtemp()) / "clf", model, classes=["no", "yes"])
    >>> b = load_bundle(folder, job="classifier", compile=False)  # only to predict
    >>> b.metadata["classes"], b.model.output_shape
    (['no', 'yes'], (None, 2))
    >>> x = np.ones((1, 4, 2), "float32")
    >>> bool(np.allclose(b.model.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6))
    True

    A forecaster bundle brings back its windows, with the saved scaler:
    `load_bundle(folder, job="forecaster").windows.forecast(b.model, steps=12)`.
    """
    folder = check_path("path", path, what="bundle folder")
    if job is not None:
        check_choice("job", job, JOBS)
    _check_load_folder(folder)
    document = read_document(folder)
    meta_path = folder / META_FILE
    if job is not None and document["job"] != job:
        raise ValueError(f"{str(meta_path)!r} says this bundle holds a {document['job']}, "
                         f"not a {job}; use a bundle written for the {job} job (or load it "
                         f"with job={document['job']!r}).")
    model_path = _model_path(folder, document)
    check_archive(model_path, saving=False)
    vocab = load_vocab(document["vocab"], meta_path)
    windows = load_windows(document["windows"], meta_path)
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
    _check_loaded_fit(model, document, vocab, windows, meta_path)
    metadata = document["metadata"] if isinstance(document["metadata"], dict) else {}
    return Bundle(model=record_job(model, document["job"]), job=document["job"], vocab=vocab,
                  windows=windows, metadata=metadata,
                  versions=dict(document.get("versions") or {}), path=folder)
