"""Settings for every test run (the tests and the docstring examples of the package).

A quiet TensorFlow, a non-interactive matplotlib and fast notebooks; docstring
examples run from the project root, so that they can read the shipped data
with paths such as `data/series/airpassengers.csv`.
"""

import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("RNNKIT_FAST", "1")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _examples_run_from_the_project_root(request: pytest.FixtureRequest,
                                        monkeypatch: pytest.MonkeyPatch):
    """Docstring examples: the project root as working directory; figures closed after."""
    if not isinstance(request.node, pytest.DoctestItem):
        yield
        return
    monkeypatch.chdir(ROOT)
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
