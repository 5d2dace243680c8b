"""Fixtures of the series tests: one small forecaster trained on airpassengers."""

from __future__ import annotations

import pytest

from rnnkit.series import SeriesWindows


@pytest.fixture(scope="package")
def airpassengers():
    """A small many-to-many model trained on airpassengers (log + difference)."""
    import keras

    from rnnkit.datasets import sample_path
    from rnnkit.models import build_seq2seq

    w = SeriesWindows.from_file(sample_path("series/airpassengers.xlsx"), target="passengers",
                                date_column="month", window=24, log=True, difference=True,
                                batch_size=16, seed=0)
    keras.utils.set_random_seed(0)
    model = build_seq2seq(w.input_shape, output_dim=w.output_dim, output_steps=w.output_steps,
                          units=8, layers=1, learning_rate=1e-2, seed=0)
    model.fit(w.train, validation_data=w.val, epochs=50, shuffle=False, verbose=0)
    return w, model
