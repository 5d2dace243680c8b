"""Shared test settings: quiet TensorFlow, a non-interactive matplotlib, fast notebooks."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("RNNKIT_FAST", "1")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The project's sample data folder."""
    return DATA


@pytest.fixture(scope="session")
def shared(tmp_path_factory: pytest.TempPathFactory):
    """Tiny models, windows and a saved bundle for the bad-input rows, built on first use."""
    from tests._bad_input import Shared

    return Shared(tmp_path_factory.mktemp("shared"))
