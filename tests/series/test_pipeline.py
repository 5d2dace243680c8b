"""Tests of rnnkit.series.pipeline: the `tf.data` windows of `SeriesWindows`."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from rnnkit.series import SeriesWindows
from tests.series._helpers import counting


@pytest.mark.parametrize("output_steps", [None, 2])
def test_tf_datasets_hold_the_same_windows(output_steps):
    w = SeriesWindows(counting(60, columns=2), window=5, target="c0", features=["c1"],
                      output_steps=output_steps, batch_size=7, seed=3)
    assert w.input_shape == (5, 2) and w.output_dim == 1
    for split in ("train", "val", "test"):
        x, y = w.arrays(split)
        xs, ys = zip(*[(a.numpy(), b.numpy()) for a, b in w.dataset(split)], strict=True)
        xs, ys = np.concatenate(xs), np.concatenate(ys)
        assert xs.shape == x.shape and ys.shape == y.shape
        if split == "train":  # shuffled: same windows, other order
            order = np.argsort(xs[:, 0, 0])
            xs, ys = xs[order], ys[order]
        np.testing.assert_array_equal(xs, x)
        np.testing.assert_array_equal(ys, y)


def test_training_order_is_seeded_and_changes_each_epoch():
    def first_column(w):
        return np.concatenate([x.numpy()[:, 0, 0] for x, _ in w.train])

    make = lambda: SeriesWindows(counting(300), window=4, batch_size=16, seed=7)  # noqa: E731
    a, b = make(), make()
    epoch1, epoch2 = first_column(a), first_column(a)
    assert not np.array_equal(epoch1, epoch2)
    np.testing.assert_array_equal(epoch1, first_column(b))
    np.testing.assert_array_equal(np.sort(epoch1), np.sort(epoch2))


def test_a_fresh_training_set_starts_its_orders_over_from_the_seed():
    from rnnkit.training import seed_everything

    def first_column(dataset):
        return np.concatenate([x.numpy()[:, 0, 0] for x, _ in dataset])

    w = SeriesWindows(counting(300), window=4, batch_size=16, seed=7)
    seed_everything(0)
    epoch1 = first_column(w.dataset("train", fresh=True))
    assert not np.array_equal(first_column(w.train), epoch1)  # the kept one draws on
    seed_everything(0)
    np.testing.assert_array_equal(first_column(w.dataset("train", fresh=True)), epoch1)
    seed_everything(1)  # Keras' global seed is part of the shuffle's seed
    assert not np.array_equal(first_column(w.dataset("train", fresh=True)), epoch1)


@pytest.mark.parametrize("output_steps", [None, 2])
def test_explicit_start_rows_stream_exactly_those_windows(output_steps):
    from rnnkit.series.pipeline import window_dataset

    base = np.arange(30, dtype="float32")[:, None]
    starts = np.array([0, 1, 2, 15, 16, 25])
    k = output_steps or 3
    ds = window_dataset(base, base, starts=starts, window=3, output_steps=output_steps,
                        batch_size=4, shuffle=False, seed=None)
    x = np.concatenate([a.numpy() for a, _ in ds])[..., 0]
    y = np.concatenate([b.numpy() for _, b in ds])[..., 0]
    np.testing.assert_array_equal(x, starts[:, None] + np.arange(3))
    shift = 1 if output_steps is None else 3
    np.testing.assert_array_equal(y, starts[:, None] + shift + np.arange(k))
    shuffled = window_dataset(base, base, starts=starts, window=3, output_steps=output_steps,
                              batch_size=4, shuffle=True, seed=2)
    firsts = np.concatenate([a.numpy()[:, 0, 0] for a, _ in shuffled])
    np.testing.assert_array_equal(np.sort(firsts), starts)
    with pytest.raises(ValueError, match="either start= and stop=, or starts="):
        window_dataset(base, base, start=0, stop=3, starts=starts, window=3, output_steps=None,
                       batch_size=4, shuffle=False, seed=None)


def test_only_the_pipeline_needs_tensorflow():
    code = (
        "import sys\n"
        "sys.modules['tensorflow'] = None; sys.modules['keras'] = None\n"
        "from rnnkit.series import SeriesWindows, read_series\n"
        "df = read_series('data/series/airpassengers.csv', date_column='month')\n"
        "w = SeriesWindows(df, window=24, log=True, difference=True)\n"
        "x, y = w.arrays('test')\n"
        "print(x.shape, w.inverse_transform(y[0, :, 0]).shape)\n"
        "try:\n"
        "    w.train\n"
        "except ImportError as exc:\n"
        "    print('needs', 'rnnkit[cpu]' in str(exc))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["(21, 24, 1) (24,)", "needs True"]
