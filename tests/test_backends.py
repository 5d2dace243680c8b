"""Bundles cross backends: saved under this Keras backend, loaded under the other one.

A child process with the other `KERAS_BACKEND` loads each bundle (with Keras'
`safe_mode=True`, as `load_bundle` always does), predicts on the same inputs and
writes the predictions; they must match this process's to 1e-5. The test is
skipped, with the reason, when the other backend is not installed (the `jax`
extra).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import keras
import numpy as np
import pytest

from rnnkit import CharVocab, build_classifier, build_generator, build_seq2seq, generate
from rnnkit.bundle import save_bundle
from rnnkit.series import SeriesWindows

THIS = keras.backend.backend()
OTHER = {"tensorflow": "jax", "jax": "tensorflow"}.get(THIS)
ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, sys
import numpy as np
import keras
from rnnkit import generate
from rnnkit.bundle import load_bundle

folder = sys.argv[1]
out = {"backend": keras.backend.backend()}
clf = load_bundle(f"{folder}/clf")
out["clf"] = clf.model.predict(np.load(f"{folder}/x_clf.npy"), verbose=0).tolist()
fc = load_bundle(f"{folder}/fc")
out["fc"] = np.ravel(np.asarray(fc.windows.forecast(fc.model, 6), float)).tolist()
gen = load_bundle(f"{folder}/gen")
out["gen_logits"] = gen.model.predict(np.load(f"{folder}/x_gen.npy"), verbose=0).tolist()
out["gen_text"] = generate(gen.model, gen.vocab, "to be", length=20, temperature=0)
print(json.dumps(out))
"""


def _other_backend_missing() -> str | None:
    if OTHER is None:
        return f"no second backend is tested for {THIS!r}"
    if find_spec(OTHER) is None:
        return f"the {OTHER} backend is not installed (pip install -e '.[jax]')"
    return None


@pytest.mark.skipif(_other_backend_missing() is not None,
                    reason=_other_backend_missing() or "")
def test_bundles_saved_here_predict_the_same_under_the_other_backend(tmp_path):
    rng = np.random.default_rng(0)
    x_clf = rng.normal(size=(5, 6, 3)).astype("float32")
    clf = build_classifier((6, 3), 4, units=8, seed=0)
    save_bundle(tmp_path / "clf", clf)
    np.save(tmp_path / "x_clf.npy", x_clf)

    w = SeriesWindows.from_file(ROOT / "data/series/airpassengers.csv", target="passengers",
                                date_column="month", window=12)
    fc = build_seq2seq(w.input_shape, units=8, seed=0)
    fc.fit(w.train, epochs=1, verbose=0)
    save_bundle(tmp_path / "fc", fc, windows=w)

    vocab = CharVocab.from_text("to be or not to be, that is the question")
    gen = build_generator(len(vocab), units=16, embedding_dim=8, seed=0)
    x_gen = vocab.encode("to be or not")[None, :].astype("int32")
    save_bundle(tmp_path / "gen", gen, vocab=vocab)
    np.save(tmp_path / "x_gen.npy", x_gen)

    env = {**os.environ, "KERAS_BACKEND": OTHER, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    there = json.loads(done.stdout.strip().splitlines()[-1])
    assert there["backend"] == OTHER
    np.testing.assert_allclose(there["clf"], clf.predict(x_clf, verbose=0), atol=1e-5)
    np.testing.assert_allclose(there["fc"], np.ravel(np.asarray(w.forecast(fc, 6), float)),
                               rtol=1e-5)
    np.testing.assert_allclose(there["gen_logits"], gen.predict(x_gen, verbose=0), atol=1e-5)
    assert there["gen_text"] == generate(gen, vocab, "to be", length=20, temperature=0)
