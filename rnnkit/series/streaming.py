"""Series collections larger than memory: training windows streamed from many files.

:func:`files_dataset` feeds a model the windows of several files, one file in
memory at a time, with the settings and the SAVED scaler of windows already
made (`SeriesWindows` or `SeriesCollection`, e.g. built on a sample or loaded
from a bundle): each file is read with the saved `read_series` settings and
windowed by `windows.apply(path)` (no refit), its windows are yielded in
blocks, shuffled within a buffer and batched. Memory holds one file's
windows (views of its scaled values), the shuffle buffer and the prefetched
batches, however many files there are. Under a multi-worker strategy,
`rnnkit.training.fit` shards the dataset per worker (DATA).

Example:
>>> from rnnkit.series import SeriesWindows
>>> w = SeriesWindows.from_file("data/series/airpassengers.csv", target="passengers",
...                             date_column="month", window=12, log=True)
>>> ds = files_dataset(w, ["data/series/airpassengers.csv"] * 2, shuffle=False,
...                    batch_size=64)  # doctest: +SKIP
>>> sum(len(x) for x, y in ds)  # 132 windows per file  # doctest: +SKIP
264
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np

from rnnkit._checks import check_bool, check_int, check_seed
from rnnkit.text.streaming import SHUFFLE_BUFFER, Files, resolve_files

__all__ = ["files_dataset", "file_windows", "BLOCK"]

#: Windows handed to `tf.data` per Python call (one copy of at most this many windows).
BLOCK = 4096


def file_windows(windows: Any, path: Any) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Every whole `(x, y)` window of one file's series, in blocks of at most :data:`BLOCK`.

    The file is windowed by `windows.apply(path)`: the same settings, the
    saved scaler; each series of a collection in turn. A series too short
    for one window gives none (with a warning naming it).
    """
    applied = windows.apply(str(path))
    members = getattr(applied, "members", {str(path): applied})
    for name, member in members.items():
        count = len(member._inputs) - member.window - member.spec.horizon() + 1
        if count < 1:
            warnings.warn(f"{name!r} in {str(path)!r} has {len(member)} rows: too short for "
                          f"one window of {member.window} (+ {member.spec.horizon()}); "
                          "it gives no training window.", stacklevel=2)
            continue
        for start in range(0, count, BLOCK):
            x, y = member._windows_between(start, min(start + BLOCK, count))
            yield np.ascontiguousarray(x), np.ascontiguousarray(y)


def files_dataset(windows: Any, files: Files, *, batch_size: int | None = None,
                  shuffle: bool = True, shuffle_buffer: int = SHUFFLE_BUFFER,
                  seed: int | None = None) -> Any:
    """A `tf.data.Dataset` of the training windows of many files, read one file at a time.

    Args:
        windows: a `SeriesWindows` or `SeriesCollection` whose settings, saved
            scaler(s) and `read_series` settings every file shares.
        files: a path, a glob pattern (`"stores/*.csv"`) or a list of them
            (Excel or CSV, read as `read_series` reads them).
        batch_size: windows per batch; default `windows.batch_size`.
        shuffle: shuffle the windows within a buffer (again each epoch).
        shuffle_buffer: windows held by the buffer.
        seed: the seed of the shuffle; default `windows.seed`.

    Returns:
        A batched `tf.data.Dataset` of `(x, y)`, shapes as `windows.train`
        (of unknown length: `fit` counts the steps of the first epoch).

    Raises:
        FileNotFoundError: naming a path that does not exist, or a pattern
            that matches no file.
        ValueError: for a bad setting, or a file that `windows.apply` refuses
            (other columns, a file the saved settings cannot read), when it is
            reached.
    """
    from rnnkit._backend import tf

    paths = resolve_files(files, name="files")
    batch_size = check_int("batch_size", windows.batch_size if batch_size is None
                           else batch_size)
    check_bool("shuffle", shuffle)
    check_int("shuffle_buffer", shuffle_buffer)
    seed = check_seed("seed", windows.seed if seed is None else seed)
    steps = windows.window if windows.output_steps is None else windows.output_steps
    signature = (tf.TensorSpec((None, *windows.input_shape), tf.float32),
                 tf.TensorSpec((None, steps, windows.output_dim), tf.float32))

    def blocks() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for path in paths:
            yield from file_windows(windows, path)

    ds = tf.data.Dataset.from_generator(blocks, output_signature=signature).unbatch()
    if shuffle:
        ds = ds.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)
