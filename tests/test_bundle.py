"""Bundles: exact round trips for the three jobs, the job known (never guessed from a name),
safe loading, atomic saves through rnnkit._fs, bundles written before load, clear errors."""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import pytest

from rnnkit import _fs
from rnnkit import bundle as bundle_module
from rnnkit.bundle import FORMAT_VERSION, load_bundle, save_bundle
from rnnkit.jobs import job_of
from rnnkit.models import build_classifier, build_generator, build_seq2seq
from rnnkit.text import CharVocab, WordVocab
from tests._bad_input import bad_input_test, case, t, using

# Loading a bundle of a compiled but untrained model: Keras notes that the optimizer has no
# state to restore yet.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Skipping variable loading for optimizer:UserWarning")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 6, 3)).astype("float32")
Y = (X[:, :, 0].sum(axis=1) > 0).astype("int32")


@pytest.fixture(scope="module")
def classifier() -> keras.Model:
    model = build_classifier((6, 3), 2, units=4, seed=0)
    model.fit(X, Y, epochs=1, batch_size=32, verbose=0)
    return model


@pytest.fixture(scope="module")
def saved(tmp_path_factory, classifier) -> Path:
    """A classifier bundle written once; tests copy it before damaging it."""
    return save_bundle(tmp_path_factory.mktemp("b") / "clf", classifier, epochs=1)


def _copy(saved: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(saved, target)
    return target


def _siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


# ----------------------------------------------------------------------------- round trips

def test_classifier_round_trip_is_exact(tmp_path, classifier):
    path = save_bundle(tmp_path / "clf", classifier, epochs=1, classes=["neg", "pos"],
                       val_loss=np.float32(0.5), notes={"data": "random"})
    assert sorted(p.name for p in path.iterdir()) == ["bundle.json", "model.keras"]
    assert _siblings(path) == ["clf"]  # no temporary folder left behind
    b = load_bundle(path, job="classifier")
    assert b.job == "classifier" and b.vocab is None and b.windows is None
    assert b.metadata == {"epochs": 1, "classes": ["neg", "pos"], "val_loss": 0.5,
                          "notes": {"data": "random"}}
    assert b.versions["keras"] == keras.__version__
    expected = classifier.predict(X, verbose=0)
    np.testing.assert_array_equal(b.model.predict(X, verbose=0), expected)
    # The compile settings come back too: the loaded model trains and evaluates.
    assert b.model.evaluate(X, Y, verbose=0)[0] == pytest.approx(
        classifier.evaluate(X, Y, verbose=0)[0], rel=1e-6)


def test_bundle_holds_no_pickle(saved):
    assert sorted(p.name for p in saved.iterdir()) == ["bundle.json", "model.keras"]
    with zipfile.ZipFile(saved / "model.keras") as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json",
                                              "model.weights.h5"]
    for file in saved.iterdir():
        # Pickle streams start with the PROTO opcode 0x80 followed by the protocol number.
        assert not file.read_bytes().startswith(b"\x80")
    document = json.loads((saved / "bundle.json").read_text())
    assert document["format_version"] == FORMAT_VERSION and document["job"] == "classifier"


def test_token_classifier_round_trip_with_word_vocab(tmp_path):
    texts = ["good food great taste", "bad food awful", "great great price", "awful smell",
             "good value", "bad bad service"] * 4
    labels = np.array([1, 0, 1, 0, 1, 0] * 4, dtype="int32")
    vocab = WordVocab.from_texts(texts, max_tokens=50)
    ids = vocab.encode_batch(texts, max_length=5)
    model = build_classifier((None,), 2, vocab_size=len(vocab), embedding_dim=4, units=4,
                             seed=1)
    model.fit(ids, labels, epochs=1, batch_size=32, verbose=0)
    path = save_bundle(tmp_path / "reviews", model, vocab=vocab)
    b = load_bundle(path)
    assert b.job == "classifier" and isinstance(b.vocab, WordVocab) and b.vocab == vocab
    new = ["great food", "awful awful service and unknownword"]
    np.testing.assert_array_equal(b.vocab.encode_batch(new), vocab.encode_batch(new))
    np.testing.assert_array_equal(b.model.predict(b.vocab.encode_batch(new), verbose=0),
                                  model.predict(vocab.encode_batch(new), verbose=0))


def test_forecaster_round_trip_is_exact_in_original_units(tmp_path):
    from rnnkit.datasets import load_series
    from rnnkit.series import SeriesWindows

    frame = load_series("airpassengers")
    w = SeriesWindows(frame, window=12, log=True, difference=True, batch_size=16, seed=0)
    model = build_seq2seq(w.input_shape, output_dim=w.output_dim, output_steps=w.output_steps,
                          units=4, layers=1, seed=0)
    model.fit(w.train, epochs=1, verbose=0)
    path = save_bundle(tmp_path / "passengers", model, windows=w)
    b = load_bundle(path, job="forecaster")
    assert b.vocab is None and b.windows.scaler == w.scaler
    expected = w.predict(model)
    got = b.windows.predict(b.model)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    pd.testing.assert_series_equal(b.windows.forecast(b.model, 6), w.forecast(model, 6),
                                   check_exact=True)
    # The saved scaler is reused on new data (no refit): same settings, same statistics.
    recent = b.windows.apply(frame.iloc[-40:])
    assert recent.scaler == w.scaler


def test_forecaster_bundle_keeps_the_calibration_of_its_intervals(tmp_path, monkeypatch):
    from rnnkit.datasets import load_series
    from rnnkit.series import SeriesWindows, intervals

    w = SeriesWindows(load_series("airpassengers"), window=12, log=True, difference=True,
                      batch_size=16, seed=0)
    model = build_seq2seq(w.input_shape, output_dim=w.output_dim, units=4, layers=1, seed=0)
    model.fit(w.train, epochs=1, verbose=0)
    w.calibrate(model, 6)
    expected = w.forecast(model, 6, interval=0.8)
    b = load_bundle(save_bundle(tmp_path / "passengers", model, windows=w), job="forecaster")
    np.testing.assert_array_equal(b.windows.calibration.errors, w.calibration.errors)

    def refuse(*args, **kwargs):
        raise AssertionError("the loaded bundle calibrated again")

    monkeypatch.setattr(intervals, "calibrate", refuse)
    pd.testing.assert_frame_equal(b.windows.forecast(b.model, 6, interval=0.8), expected,
                                  check_exact=True)
    recent = b.windows.apply(load_series("airpassengers").iloc[-40:])
    assert recent.calibration.model == w.calibration.model


def test_generator_round_trip_is_exact(tmp_path):
    from rnnkit.sampling import generate
    from rnnkit.text import text_dataset

    text = "to be or not to be, that is the question. " * 20
    vocab = CharVocab.from_text(text)
    model = build_generator(len(vocab), units=8, embedding_dim=4, seed=0)
    model.fit(text_dataset(text, vocab, seq_length=20, batch_size=16, seed=0), epochs=1,
              verbose=0)
    path = save_bundle(tmp_path / "bard", model, vocab=vocab)
    b = load_bundle(path, job="generator")
    assert b.vocab == vocab
    ids = vocab.encode("to be or not")[None, :]
    np.testing.assert_array_equal(b.model.predict(ids, verbose=0),
                                  model.predict(ids, verbose=0))
    expected = generate(model, vocab, "to be", length=40, temperature=0.8, seed=3)
    assert generate(b.model, b.vocab, "to be", length=40, temperature=0.8, seed=3) == expected


# ----------------------------------------------------------------------------- the job

def test_renaming_a_model_does_not_change_what_a_bundle_infers(tmp_path):
    # the names rnnkit's factories give (and one of none of them): the job stays the factory's
    for name in ("lstm_classifier", "lstm_seq2seq", "lstm_generator", "my_model"):
        model = build_classifier((6, 3), 2, units=4, seed=0)
        model.name = name
        assert job_of(model) == "classifier"
        b = load_bundle(save_bundle(tmp_path / name, model))
        assert b.job == "classifier" and job_of(b.model) == "classifier"
    generator = build_generator(5, units=4, embedding_dim=2, seed=0)
    generator.name = "lstm_classifier"
    assert load_bundle(save_bundle(tmp_path / "g", generator,
                                   vocab=CharVocab.from_text("abcde"))).job == "generator"
    forecaster = build_seq2seq((6, 1), units=4, layers=1, seed=0)
    forecaster.name = "lstm_classifier"
    with pytest.raises(ValueError, match="a forecaster bundle needs its windows"):
        save_bundle(tmp_path / "f", forecaster)  # still a forecaster, not a classifier


def test_factories_record_the_job_and_load_bundle_records_it_again(tmp_path, saved):
    assert job_of(build_seq2seq((6, 1), units=4, layers=1, seed=0)) == "forecaster"
    assert job_of(build_generator(5, units=4, embedding_dim=2, seed=0)) == "generator"
    b = load_bundle(saved)
    assert job_of(b.model) == b.job == "classifier"
    # a loaded model saves again without being told its job, whatever its name
    b.model.name = "renamed"
    assert load_bundle(save_bundle(tmp_path / "again", b.model)).job == "classifier"


def test_a_model_built_elsewhere_is_saved_with_an_explicit_job(tmp_path):
    model = keras.Sequential([keras.Input((6, 3)), keras.layers.LSTM(4),
                              keras.layers.Dense(2, activation="softmax")], name="mine")
    assert job_of(model) is None
    with pytest.raises(ValueError):  # (the message is a row of BAD_INPUT below)
        save_bundle(tmp_path / "a", model)
    assert list(tmp_path.iterdir()) == []
    b = load_bundle(save_bundle(tmp_path / "a", model, job="classifier"))
    assert b.job == "classifier" and job_of(b.model) == "classifier"
    # what is saved with the model says its job too: a vocabulary declares it
    assert load_bundle(save_bundle(tmp_path / "w", model, vocab=WordVocab(["x"]))).job == \
        "classifier"


def test_vocabularies_are_recognised_by_their_class_not_their_name(tmp_path):
    class Letters(CharVocab):
        pass

    generator = build_generator(5, units=4, embedding_dim=2, seed=0)
    path = save_bundle(tmp_path / "g", generator, vocab=Letters(list("abcde")))
    document = json.loads((path / "bundle.json").read_text())
    assert document["job"] == "generator" and document["vocab"]["type"] == "CharVocab"
    assert load_bundle(path).vocab == CharVocab(list("abcde"))
    impostor = type("CharVocab", (), {"job": "generator", "__len__": lambda self: 5})()
    with pytest.raises(ValueError, match="vocab=.* is a CharVocab; pass a CharVocab"):
        save_bundle(tmp_path / "x", generator, vocab=impostor)


# ----------------------------------------------------------------------------- written before

#: bundle.json exactly as rnnkit 0.1.0 wrote it before the restructuring (format_version 1).
OLD_GENERATOR_JSON = """{
  "format": "rnnkit-bundle",
  "format_version": 1,
  "job": "generator",
  "model_file": "model.keras",
  "model": {
    "name": "lstm_generator",
    "input_shape": [
      null
    ],
    "output_shape": [
      null,
      5
    ]
  },
  "vocab": {
    "type": "CharVocab",
    "data": {
      "type": "CharVocab",
      "chars": "abcde"
    }
  },
  "windows": null,
  "versions": {
    "rnnkit": "0.1.0",
    "keras": "3.15.1",
    "backend": "tensorflow",
    "python": "3.11.7"
  },
  "metadata": {
    "seed_text": "abc",
    "epochs": 3
  }
}
"""

OLD_WORD_CLASSIFIER_VOCAB = {"type": "WordVocab", "data": {"type": "WordVocab",
                                                           "tokens": ["good", "bad"]}}


def test_a_bundle_written_before_loads_and_saves_again(tmp_path):
    generator = build_generator(5, units=4, embedding_dim=2, seed=0)
    old = tmp_path / "old"
    old.mkdir()
    generator.save(old / "model.keras")
    (old / "bundle.json").write_text(OLD_GENERATOR_JSON)
    b = load_bundle(old, job="generator")
    assert b.vocab == CharVocab(list("abcde")) and b.metadata == {"seed_text": "abc",
                                                                   "epochs": 3}
    assert b.versions["rnnkit"] == "0.1.0" and job_of(b.model) == "generator"
    ids = np.array([[0, 1, 2]], "int32")
    np.testing.assert_allclose(b.model.predict(ids, verbose=0), generator.predict(ids, verbose=0),
                               atol=1e-6)
    again = load_bundle(save_bundle(tmp_path / "again", b.model, vocab=b.vocab, **b.metadata))
    assert again.job == "generator" and again.vocab == b.vocab
    # a token classifier written before: its WordVocab entry keeps its on-disk name
    classifier = build_classifier((None,), 2, vocab_size=4, embedding_dim=2, units=2, seed=0)
    words = tmp_path / "words"
    words.mkdir()
    classifier.save(words / "model.keras")
    document = json.loads(OLD_GENERATOR_JSON)
    document.update(job="classifier", vocab=OLD_WORD_CLASSIFIER_VOCAB,
                    model={"name": "lstm_classifier", "input_shape": [None],
                           "output_shape": [2]})
    (words / "bundle.json").write_text(json.dumps(document, indent=2))
    b = load_bundle(words, job="classifier")
    assert b.vocab == WordVocab(["good", "bad"]) and job_of(b.model) == "classifier"


# ----------------------------------------------------------------------------- safe loading

def _add_lambda(model_path: Path, function: dict) -> None:
    """Rewrite config.json inside a .keras archive to insert a Lambda layer."""
    with zipfile.ZipFile(model_path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    layers = config["config"]["layers"]
    layers.insert(len(layers) - 1, {
        "module": "keras.layers", "class_name": "Lambda", "registered_name": None,
        "config": {"name": "injected", "trainable": True, "dtype": "float32",
                   "function": function, "arguments": {}},
    })
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(model_path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


@pytest.mark.parametrize("function", [
    {"class_name": "__lambda__",
     "config": {"code": "4wAAAAAAAAAAAAAAAAEAAAADAAAA", "defaults": None, "closure": None}},
    {"module": "keras.ops", "class_name": "function", "config": "abs",
     "registered_name": "function"},
], ids=["python-lambda", "keras-function"])
def test_lambda_layer_in_config_is_refused(saved, tmp_path, function):
    path = _copy(saved, tmp_path)
    _add_lambda(path / "model.keras", function)
    with pytest.raises(ValueError, match=r"refusing to load .*model\.keras.*Lambda layer "
                                         r"'injected'.*arbitrary Python code"):
        load_bundle(path)


def test_non_keras_class_in_config_is_refused(saved, tmp_path):
    path = _copy(saved, tmp_path)
    archive_path = path / "model.keras"
    with zipfile.ZipFile(archive_path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    config["config"]["layers"][-1]["module"] = "os"
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(archive_path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ValueError, match=r"module 'os', which is not part of Keras"):
        load_bundle(path)


def test_load_uses_safe_mode(saved, monkeypatch):
    calls = []
    original = keras.saving.load_model

    def spy(*args, **kwargs):
        calls.append(kwargs.get("safe_mode"))
        return original(*args, **kwargs)

    monkeypatch.setattr(keras.saving, "load_model", spy)
    load_bundle(saved)
    assert calls == [True]


def test_saving_a_lambda_model_is_refused(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(lambda t: t * 2),
                              keras.layers.Dense(2, activation="softmax")])
    with pytest.raises(ValueError, match="Lambda layer"):
        save_bundle(tmp_path / "lam", model, job="classifier")
    assert not (tmp_path / "lam").exists() and list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- atomic saves

def _fail_model_save(monkeypatch):
    original = keras.Model.save

    def broken(self, filepath, *args, **kwargs):
        original(self, filepath, *args, **kwargs)
        with open(filepath, "r+b") as f:  # leave a half-written archive, then fail
            f.truncate(100)
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(keras.Model, "save", broken)


def _fail_json_write(monkeypatch):
    def broken(path, text):  # half of bundle.json is written, then the disk is full
        Path(path).write_text(text[:40])
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(_fs, "atomic_write_text", broken)


def _fail_swap(monkeypatch):
    original = os.replace

    def broken(src, dst):
        # the old bundle was moved aside; the new folder fails to move into its place
        if Path(dst).name == "clf" and ".tmp-" in Path(src).name:
            raise OSError("rename failed (simulated)")
        return original(src, dst)

    monkeypatch.setattr(os, "replace", broken)


@pytest.mark.parametrize("failure", [_fail_model_save, _fail_json_write, _fail_swap],
                         ids=["model.save", "bundle.json write", "rename"])
def test_interrupted_save_keeps_previous_bundle(tmp_path, classifier, monkeypatch, failure):
    path = save_bundle(tmp_path / "clf", classifier, version=1)
    before = {p.name: p.read_bytes() for p in path.iterdir()}
    other = build_classifier((6, 3), 2, units=4, seed=99)
    failure(monkeypatch)
    with pytest.raises(OSError, match="simulated"):
        save_bundle(path, other, version=2)
    monkeypatch.undo()
    assert _siblings(path) == ["clf"]  # no stray temporary or backup folder
    assert {p.name: p.read_bytes() for p in path.iterdir()} == before
    b = load_bundle(path)
    assert b.metadata == {"version": 1}
    np.testing.assert_array_equal(b.model.predict(X, verbose=0),
                                  classifier.predict(X, verbose=0))


def test_save_replaces_an_existing_bundle(tmp_path, classifier):
    path = save_bundle(tmp_path / "clf", classifier, version=1)
    save_bundle(path, classifier, version=2)
    assert load_bundle(path).metadata == {"version": 2}
    assert _siblings(path) == ["clf"]
    # (overwrite=False on an existing bundle is a row of BAD_INPUT below)


def test_saves_go_through_the_atomic_folder_and_json_writes_of_rnnkit_fs(tmp_path, classifier,
                                                                         monkeypatch):
    calls = []
    folder, write_json = bundle_module.atomic_folder, bundle_module.atomic_write_json

    def spy_folder(path):
        calls.append(("atomic_folder", Path(path)))
        return folder(path)

    def spy_json(path, document, **kwargs):
        calls.append(("atomic_write_json", Path(path).name))
        return write_json(path, document, **kwargs)

    monkeypatch.setattr(bundle_module, "atomic_folder", spy_folder)
    monkeypatch.setattr(bundle_module, "atomic_write_json", spy_json)
    path = save_bundle(tmp_path / "clf", classifier)
    assert calls == [("atomic_folder", path), ("atomic_write_json", "bundle.json")]
    assert not hasattr(bundle_module, "_fsync_dir") and not hasattr(bundle_module, "_write_json")


# ----------------------------------------------------------------------------- errors

def _edit_json(**changes):
    def edit(path):
        document = json.loads((path / "bundle.json").read_text())
        document.update(changes)
        (path / "bundle.json").write_text(json.dumps(document))
    return edit


# (a missing file or folder, invalid JSON, a file that is not a bundle description, a newer
# format version, an unknown or other job and a damaged archive are rows of BAD_INPUT below)
LOAD_ERRORS = [
    ("bad-version", _edit_json(format_version="one"), {}, ValueError,
     r"format_version='one'.*damaged"),
    ("unknown-vocab", _edit_json(vocab={"type": "BPEVocab", "data": {}}), {}, ValueError,
     r"damaged: vocab\.type='BPEVocab' must be one of \['CharVocab', 'WordVocab'\]"),
    ("damaged-vocab", _edit_json(vocab={"type": "WordVocab", "data": {"x": 1}}), {}, ValueError,
     r"the vocab in .*bundle\.json' is damaged"),
]


@pytest.mark.parametrize(("damage", "kwargs", "error", "pattern"),
                         [case[1:] for case in LOAD_ERRORS], ids=[c[0] for c in LOAD_ERRORS])
def test_load_errors_name_the_file_and_the_problem(saved, tmp_path, damage, kwargs, error,
                                                   pattern):
    path = _copy(saved, tmp_path)
    damage(path)
    with pytest.raises(error, match=pattern):
        load_bundle(path, **kwargs)


def test_load_missing_folder_points_at_the_bundle_an_interrupted_save_left(tmp_path, saved):
    # (a missing folder and a model file given as the folder are rows of BAD_INPUT below)
    shutil.copytree(saved, tmp_path / ".clf.old-1234abcd")
    with pytest.raises(FileNotFoundError, match=r"clf' does not exist\. An interrupted save "
                                                r"left the previous bundle in .*old-1234abcd"):
        load_bundle(tmp_path / "clf")


def test_save_errors(tmp_path, classifier):
    # (metadata that is not JSON or NaN, a folder that is not a bundle, a generator without its
    # vocabulary or with one of another size, and a vocab that is not one are rows of
    # BAD_INPUT below; here: what stays on disk, and the errors no row pins)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.tex").write_text("precious")
    with pytest.raises(ValueError):
        save_bundle(tmp_path / "mine", classifier)
    assert (tmp_path / "mine" / "thesis.tex").read_text() == "precious"
    with pytest.raises(ValueError, match=r"a forecaster bundle needs its windows"):
        save_bundle(tmp_path / "a", classifier, job="forecaster")
    with pytest.raises(ValueError, match=r"job='generator' does not fit a WordVocab"):
        save_bundle(tmp_path / "a", classifier, vocab=WordVocab(["x"]), job="generator")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]  # nothing half-written


# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    # ---------------------------------------------------------------- bundles: load
    case("bundle-missing-folder", using(lambda c: t(load_bundle, c.tmp / "nowhere")),
         FileNotFoundError, "nowhere", "does not exist"),
    case("bundle-missing-model",
         using(lambda c: t(load_bundle, c.bundle(lambda p: (p / "model.keras").unlink()))),
         FileNotFoundError, "model.keras", "missing"),
    case("bundle-missing-json",
         using(lambda c: t(load_bundle, c.bundle(lambda p: (p / "bundle.json").unlink()))),
         FileNotFoundError, "bundle.json", "missing"),
    case("bundle-invalid-json",
         using(lambda c: t(load_bundle, c.bundle(lambda p: (p / "bundle.json")
                                                 .write_text('{"format": ')))),
         ValueError, "bundle.json", "not valid JSON", "line 1"),
    case("bundle-json-not-a-bundle",
         using(lambda c: t(load_bundle, c.bundle(lambda p: (p / "bundle.json")
                                                 .write_text("[1, 2]")))),
         ValueError, "bundle.json", "rnnkit-bundle"),
    case("bundle-unknown-format-version",
         using(lambda c: t(load_bundle, c.edit_bundle_json(format_version=99))),
         ValueError, "bundle.json", "format_version=99", "newer"),
    case("bundle-unknown-job-in-file",
         using(lambda c: t(load_bundle, c.edit_bundle_json(job="translator"))),
         ValueError, "bundle.json", "job='translator'"),
    case("bundle-wrong-job", using(lambda c: t(load_bundle, c.bundle(), job="generator")),
         ValueError, "bundle.json", "classifier", "generator"),
    case("bundle-bad-job-argument", using(lambda c: t(load_bundle, c.bundle(), job="forecast")),
         ValueError, "job='forecast'", "'forecaster'"),
    case("bundle-json-lacks-key",
         using(lambda c: t(load_bundle, c.bundle(lambda p: (p / "bundle.json").write_text(
             json.dumps({k: v for k, v in json.loads((p / "bundle.json").read_text()).items()
                         if k != "metadata"}))))),
         ValueError, "bundle.json", "'metadata'"),
    case("bundle-damaged-model",
         using(lambda c: t(load_bundle, c.bundle(lambda p: (p / "model.keras")
                                                 .write_text("not a zip")))),
         ValueError, "model.keras", "not a Keras archive"),
    case("bundle-path-is-a-file",
         using(lambda c: t(load_bundle, c.bundle() / "model.keras")),
         ValueError, "model.keras", "is a file", "keras.saving.load_model"),
    case("bundle-path-none", t(load_bundle, None), ValueError, "path=None"),
    # ---------------------------------------------------------------- bundles: save
    case("bundle-save-non-json-metadata",
         using(lambda c: t(save_bundle, c.tmp / "b", c.shared.classifier, note=object())),
         ValueError, "note=", "JSON"),
    case("bundle-save-nan-metadata",
         using(lambda c: t(save_bundle, c.tmp / "b", c.shared.classifier,
                           score=float("nan"))),
         ValueError, "score=nan", "NaN"),
    case("bundle-save-vocab-and-windows",
         using(lambda c: t(save_bundle, c.tmp / "b", c.shared.generator, vocab=c.shared.vocab,
                           windows=c.shared.windows)),
         ValueError, "vocab=", "windows=", "not both"),
    case("bundle-save-generator-without-vocab",
         using(lambda c: t(save_bundle, c.tmp / "b", c.shared.generator)),
         ValueError, "generator", "vocab=CharVocab"),
    case("bundle-save-vocab-does-not-fit",
         using(lambda c: t(save_bundle, c.tmp / "b", c.shared.generator_9,
                           vocab=c.shared.vocab)),
         ValueError, "8 characters", "9 logits"),
    case("bundle-save-windows-do-not-fit",
         using(lambda c: t(save_bundle, c.tmp / "b", c.shared.short_model,
                           windows=c.shared.windows)),
         ValueError, "(8, 1)", "(5, 1)"),
    case("bundle-save-bad-vocab",
         using(lambda c: t(save_bundle, c.tmp / "b", c.shared.classifier, vocab={"a": 1})),
         ValueError, "vocab=", "dict"),
    case("bundle-save-bad-job",
         using(lambda c: t(save_bundle, c.tmp / "b", c.shared.classifier, job="translator")),
         ValueError, "job='translator'"),
    case("bundle-save-not-a-model",
         using(lambda c: t(save_bundle, c.tmp / "b", "model.keras")),
         ValueError, "model=", "str"),
    case("bundle-save-over-other-folder",
         using(lambda c: t(save_bundle, c.write("notes.txt", "x").parent, c.shared.classifier)),
         ValueError, "not an rnnkit bundle", "bundle.json"),
    case("bundle-save-no-overwrite",
         using(lambda c: t(save_bundle, c.bundle(), c.shared.classifier, overwrite=False)),
         ValueError, "overwrite=True"),
    case("bundle-save-job-unknown",
         using(lambda c: t(save_bundle, c.tmp / "b", keras.Sequential(
             [keras.Input((3,)), keras.layers.Dense(2, activation="softmax")], name="mine"))),
         ValueError, "cannot tell the job of model 'mine'", "job='classifier'"),
    case("bundle-save-path-none",
         using(lambda c: t(save_bundle, None, c.shared.classifier)), ValueError,
         "path=None", "folder path"),
]



def _forecaster_bundle(c, **scaler):
    """A saved forecaster bundle whose scaler entries are replaced by `scaler`."""
    path = save_bundle(c.tmp / "f", c.shared.model, windows=c.shared.windows)
    document = json.loads((path / "bundle.json").read_text())
    document["windows"]["scaler"].update(scaler)
    (path / "bundle.json").write_text(json.dumps(document))
    return path


def _generator_bundle(c, chars):
    """A saved generator bundle whose vocabulary is replaced by `chars`."""
    path = save_bundle(c.tmp / "g", c.shared.generator, vocab=c.shared.vocab)
    document = json.loads((path / "bundle.json").read_text())
    document["vocab"]["data"]["chars"] = chars
    (path / "bundle.json").write_text(json.dumps(document))
    return path


def _linked_model(path):
    outside = path.parent / "outside.keras"
    (path / "model.keras").rename(outside)
    os.symlink(outside, path / "model.keras")


BAD_INPUT += [
    # ---------------------------------------------------------------- bundles: damaged contents
    case("bundle-scaler-wrong-length",
         using(lambda c: t(load_bundle, _forecaster_bundle(c, center=[1.0, 2.0]))),
         ValueError, "bundle.json' is damaged", "windows.scaler.center=[1.0, 2.0]",
         "as many as columns", "save_bundle"),
    case("bundle-scaler-zero-scale",
         using(lambda c: t(load_bundle, _forecaster_bundle(c, scale=[0.0]))),
         ValueError, "windows.scaler.scale[0]=0.0", "a finite number > 0"),
    case("bundle-window-not-an-integer",
         using(lambda c: t(load_bundle, c.edit_bundle_json(windows={"window": "24",
                                                                    "scaler": {}}))),
         ValueError, "bundle.json' is damaged", "windows: window='24'"),
    case("bundle-metadata-not-an-object",
         using(lambda c: t(load_bundle, c.edit_bundle_json(metadata=[1, 2]))),
         ValueError, "bundle.json' is damaged", "metadata=[1, 2] must be a JSON object"),
    case("bundle-versions-not-an-object",
         using(lambda c: t(load_bundle, c.edit_bundle_json(versions="3.1"))),
         ValueError, "versions='3.1'", "JSON object of version strings"),
    case("bundle-vocab-type-unhashable",
         using(lambda c: t(load_bundle, c.edit_bundle_json(vocab={"type": [1], "data": {}}))),
         ValueError, "vocab.type=[1] must be one of ['CharVocab', 'WordVocab']"),
    case("bundle-vocab-does-not-fit-the-model",
         using(lambda c: t(load_bundle, _generator_bundle(c, "xyz"))),
         ValueError, "does not fit the model beside it", "3 characters", "8 logits"),
    # ---------------------------------------------------------------- bundles: model_file
    case("bundle-model-file-absolute",
         using(lambda c: t(load_bundle, c.edit_bundle_json(model_file="/etc/model.keras"))),
         ValueError, "model_file='/etc/model.keras'", "outside the bundle folder"),
    case("bundle-model-file-parent",
         using(lambda c: t(load_bundle, c.edit_bundle_json(model_file="../x/model.keras"))),
         ValueError, "model_file='../x/model.keras'", "inside the bundle folder"),
    case("bundle-model-file-linked-outside",
         using(lambda c: t(load_bundle, c.bundle(_linked_model))),
         ValueError, "model.keras' is a link to", "outside.keras", "outside the bundle folder"),
    # ---------------------------------------------------------------- bundles: save paths
    case("bundle-save-under-a-file",
         using(lambda c: t(save_bundle, c.write("notes.txt", "x") / "clf", c.shared.classifier)),
         ValueError, "path=", "notes.txt/clf", "lies under", "which is a file"),
]


def test_saving_into_a_folder_you_may_not_write_is_refused_before_writing(tmp_path,
                                                                           classifier,
                                                                           monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    monkeypatch.setattr(_fs, "_may_write", lambda folder: Path(folder) != locked)
    with pytest.raises(ValueError, match=r"path='.*locked/run/clf' cannot be written: you have "
                                         r"no write permission in '.*locked'"):
        save_bundle(locked / "run" / "clf", classifier)
    assert list(locked.iterdir()) == []


test_bad_input = bad_input_test(BAD_INPUT)
