"""Shared fixtures of the tests (the environment is set in the project's root conftest.py)."""

from pathlib import Path

import pytest

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
