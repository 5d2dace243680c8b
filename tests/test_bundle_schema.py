"""bundle.json is checked whole against its schema before anything is built from it.

Every value of a forecaster's, a generator's and a classifier's bundle.json is replaced by
values of other types and lengths (and deleted, and its lists shortened): each damaged file is
either refused with rnnkit's own message naming bundle.json, before Keras loads the model, or
loads into a bundle that works. Plus: `model_file` must stay inside the bundle folder.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rnnkit import bundle as bundle_module
from rnnkit._backend import keras
from rnnkit.bundle import load_bundle, save_bundle
from rnnkit.models import build_classifier, build_generator, build_seq2seq
from rnnkit.sampling import generate
from rnnkit.series import SeriesWindows
from rnnkit.text import CharVocab, WordVocab
from tests._bad_input import LEAKS

#: What each value is replaced by: other types, other lengths, other sizes.
REPLACEMENTS = [None, True, -1, 0, 2.5, "x", [], [1, "a"], {}, {"k": 1}, [[1]], 10**6]


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    """Three small bundles (a calibrated forecaster, a generator, a token classifier)."""
    root = tmp_path_factory.mktemp("schema")
    index = pd.date_range("2000-01-01", periods=40, freq="MS", name="month")
    windows = SeriesWindows(pd.DataFrame({"v": np.arange(40.0) + 1}, index=index), window=6,
                            seed=0)
    forecaster = build_seq2seq(windows.input_shape, units=2, seed=0)
    windows.calibrate(forecaster, 2)
    generator = build_generator(5, units=2, embedding_dim=2, seed=0)
    classifier = build_classifier((None,), 2, vocab_size=4, embedding_dim=2, units=2, seed=0)
    return {
        "forecaster": (save_bundle(root / "f", forecaster, windows=windows, epochs=1),
                       forecaster),
        "generator": (save_bundle(root / "g", generator, vocab=CharVocab.from_text("abcde")),
                      generator),
        "classifier": (save_bundle(root / "c", classifier, vocab=WordVocab(["a", "b"])),
                       classifier),
    }


def _paths(document, path=()):
    """Every key path of a document (lists: the first two items and the last)."""
    yield path
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _paths(value, (*path, key))
    elif isinstance(document, list):
        for i in sorted({0, 1, len(document) - 1} & set(range(len(document)))):
            yield from _paths(document[i], (*path, i))


def _damaged(document, path):
    """Copies of `document` with the value at `path` replaced, deleted or shortened."""
    parent_path, last = path[:-1], path[-1]
    for replacement in [*REPLACEMENTS, "DELETE", "SHORTEN"]:
        damaged = copy.deepcopy(document)
        parent = damaged
        for key in parent_path:
            parent = parent[key]
        if replacement == "DELETE":
            if not isinstance(parent, dict):
                continue
            del parent[last]
        elif replacement == "SHORTEN":
            if not isinstance(parent[last], list) or not parent[last]:
                continue
            parent[last].pop()
        else:
            parent[last] = replacement
        yield replacement, damaged


def _use(bundle):
    """Use a loaded bundle the way its job is used."""
    if bundle.job == "forecaster":
        bundle.windows.forecast(bundle.model, steps=2, interval=0.8)
    elif bundle.job == "generator":
        generate(bundle.model, bundle.vocab, "ab", length=3, seed=0)
    else:
        ids = bundle.vocab.encode("a b") if bundle.vocab is not None else [1, 2, 3]
        bundle.model.predict(np.array([ids]), verbose=0)


@pytest.mark.parametrize("job", ["forecaster", "generator", "classifier"])
def test_every_damaged_value_is_refused_by_name_or_loads_into_a_working_bundle(
        bundles, job, tmp_path, monkeypatch):
    source, model = bundles[job]
    loads = []

    def load_model(path, **kwargs):  # the saved model, without reading the archive each time
        loads.append(path)
        return model

    def predict(self, x, batch_size=None, verbose=0, **kwargs):  # without Keras' tf.data
        return keras.ops.convert_to_numpy(self(np.asarray(x), training=False))

    monkeypatch.setattr(keras.saving, "load_model", load_model)
    monkeypatch.setattr(keras.Model, "predict", predict)
    document = json.loads((source / "bundle.json").read_text())
    refused = worked = 0
    for path in _paths(document):
        if not path or path[:2] == ("windows", "data") and len(path) > 3:
            continue  # (a few values of the saved data stand for all of them)
        for replacement, damaged in _damaged(document, path):
            folder = tmp_path / "b"
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(source, folder)
            (folder / "bundle.json").write_text(json.dumps(damaged))
            loads.clear()
            where = f"{'.'.join(map(str, path))} <- {replacement!r}"
            try:
                _use(load_bundle(folder, compile=False))
            except (ValueError, FileNotFoundError) as exc:
                message = str(exc)
                assert type(exc).__module__ == "builtins", where
                assert "bundle.json" in message or "model.keras" in message, (where, message)
                assert not any(leak in message for leak in LEAKS), (where, message)
                # refused from bundle.json alone, or by checking it against the loaded model
                assert not loads or "does not fit the model" in message, (where, message)
                refused += 1
            else:
                worked += 1
    assert refused > 100 and worked > 10, (refused, worked)


def _forecaster_json(bundles, tmp_path, **scaler):
    folder = tmp_path / "f"
    shutil.copytree(bundles["forecaster"][0], folder)
    document = json.loads((folder / "bundle.json").read_text())
    document["windows"]["scaler"].update(scaler)
    (folder / "bundle.json").write_text(json.dumps(document))
    return folder


def test_a_scaler_of_the_wrong_length_is_refused_before_the_model_loads(bundles, tmp_path,
                                                                        monkeypatch):
    folder = _forecaster_json(bundles, tmp_path, center=[1.0, 2.0], scale=[1.0, 1.0],
                              columns=["v", "w"])
    monkeypatch.setattr(keras.saving, "load_model", lambda *a, **k: pytest.fail("loaded"))
    with pytest.raises(ValueError, match=r"bundle\.json' is damaged: windows\.scaler\."
                                         r"columns=\['v', 'w'\] must be the saved data's "
                                         r"columns \['v'\]"):
        load_bundle(folder)
    folder = _forecaster_json(bundles, tmp_path / "2", center=[[1.0]])
    with pytest.raises(ValueError, match=r"windows\.scaler\.center\[0\]=\[1\.0\] must be a "
                                         r"finite number"):
        load_bundle(folder)


# ----------------------------------------------------------------------------- model_file

def _with_model_file(source: Path, folder: Path, model_file: str) -> Path:
    shutil.copytree(source, folder)
    document = json.loads((folder / "bundle.json").read_text())
    document["model_file"] = model_file
    (folder / "bundle.json").write_text(json.dumps(document))
    return folder


@pytest.mark.parametrize("where", ["absolute", "parent", "sub"])
def test_a_model_file_outside_the_bundle_folder_is_refused(bundles, tmp_path, where):
    source = bundles["generator"][0]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(source / "model.keras", elsewhere / "model.keras")
    model_file = {"absolute": str(elsewhere / "model.keras"),
                  "parent": "../elsewhere/model.keras", "sub": "sub/model.keras"}[where]
    folder = _with_model_file(source, tmp_path / "b", model_file)
    with pytest.raises(ValueError, match=r"is damaged: model_file=.* must be the name of a "
                                         r"file inside the bundle folder.*outside"):
        load_bundle(folder)


def test_a_model_file_linked_to_outside_the_folder_is_refused(bundles, tmp_path):
    source = bundles["generator"][0]
    outside = tmp_path / "outside.keras"
    shutil.copy(source / "model.keras", outside)
    folder = tmp_path / "b"
    shutil.copytree(source, folder)
    (folder / "model.keras").unlink()
    os.symlink(outside, folder / "model.keras")
    with pytest.raises(ValueError, match=r"model\.keras' is a link to .*outside\.keras', "
                                         r"outside the bundle folder"):
        load_bundle(folder)
    # a link that stays inside the folder is fine
    (folder / "model.keras").unlink()
    shutil.move(outside, folder / "weights.keras")
    os.symlink("weights.keras", folder / "model.keras")
    assert load_bundle(folder, compile=False).job == "generator"


def test_bundle_module_checks_the_model_path_before_reading_the_archive(bundles, tmp_path,
                                                                        monkeypatch):
    source = bundles["generator"][0]
    folder = _with_model_file(source, tmp_path / "b", "../b/model.keras")
    monkeypatch.setattr(bundle_module, "check_archive", lambda *a, **k: pytest.fail("read"))
    with pytest.raises(ValueError, match="model_file='../b/model.keras'"):
        load_bundle(folder)
