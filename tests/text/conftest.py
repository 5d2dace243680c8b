"""Fixtures of the text tests: the shipped Shakespeare sample and its vocabulary."""

import pytest

from rnnkit.datasets import load_shakespeare
from rnnkit.text import CharVocab


@pytest.fixture(scope="session")
def shakespeare() -> str:
    return load_shakespeare()


@pytest.fixture(scope="session")
def vocab(shakespeare) -> CharVocab:
    return CharVocab.from_text(shakespeare)
