"""The windows of `SeriesWindows` as NumPy views and `tf.data` pipelines, by part.

`SeriesWindows` inherits these methods from :class:`WindowViews`; they read
the state that `SeriesWindows` builds (`_inputs`, `_targets_scaled`,
`_bounds`, the settings) and never copy the windows: the arrays are
read-only views of the scaled inputs (`numpy.lib.stride_tricks`), and the
datasets stream the windows' start rows (:mod:`~rnnkit.series.pipeline`).

Example:
>>> from rnnkit.series import SeriesWindows
>>> w = SeriesWindows(list(range(60)), window=4, output_steps=2, scale=None)
>>> x, y = w.arrays("val")
>>> x.shape, y.shape, x.base is not None
((8, 4, 1), (8, 2, 1), True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rnnkit._checks import check_choice
from rnnkit.series import parts
from rnnkit.series.pipeline import window_dataset
from rnnkit.series.spec import PARTS

__all__ = ["PartDatasets", "WindowViews"]


class PartDatasets:
    """`.train`, `.val` and `.test`: the datasets of the three parts, from `self.dataset(part)`.

    The base of `SeriesWindows` (through :class:`WindowViews`) and of
    `SeriesCollection`, which each define `dataset`.
    """

    def dataset(self, split: str = "train") -> Any:  # each subclass streams its own windows
        raise NotImplementedError

    @property
    def train(self) -> Any:
        """Training windows, shuffled each epoch (with `shuffle=True`), batched."""
        return self.dataset("train")

    @property
    def val(self) -> Any:
        """Validation windows, in time order, batched."""
        return self.dataset("val")

    @property
    def test(self) -> Any:
        """Test windows, in time order, batched."""
        return self.dataset("test")


class WindowViews(PartDatasets):
    """The window views and datasets of `SeriesWindows` (a base class: see the module)."""

    _inputs: np.ndarray
    _targets_scaled: np.ndarray
    _bounds: dict[str, tuple[int, int]]
    _datasets: dict[str, Any]
    window: int
    output_steps: int | None
    batch_size: int
    shuffle: bool
    seed: int | None

    def _input_windows(self) -> np.ndarray:
        """Every input window, `(starts, window, inputs)`, as a view of the scaled inputs."""
        from numpy.lib.stride_tricks import sliding_window_view

        return sliding_window_view(self._inputs, self.window, axis=0).transpose(0, 2, 1)

    def _sample_starts(self, split: str) -> tuple[int, int]:
        """`[lo, hi)` window start rows whose predicted steps all lie inside `split`."""
        check_choice("split", split, PARTS)
        try:
            return parts.window_starts(self._bounds, split, window=self.window,
                                       output_steps=self.output_steps)
        except ValueError:
            self._check_parts()  # names the row counts of every part
            raise

    def arrays(self, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
        """The `(x, y)` windows of a part as read-only NumPy views (no copy).

        Args:
            split: `"train"`, `"val"` or `"test"`.

        Returns:
            `x` of shape `(n, window, inputs)` and `y` of shape
            `(n, window, targets)` (many-to-many) or `(n, output_steps, targets)`,
            scaled (and transformed).

        Example:
        >>> from rnnkit.series import SeriesWindows
        >>> w = SeriesWindows(list(range(60)), window=4, output_steps=2, scale=None)
        >>> x, y = w.arrays("val")
        >>> x[0, :, 0].tolist(), y[0, :, 0].tolist()
        ([38.0, 39.0, 40.0, 41.0], [42.0, 43.0])
        """
        return self._windows_between(*self._sample_starts(split))

    def _windows_between(self, s0: int, s1: int) -> tuple[np.ndarray, np.ndarray]:
        """The `(x, y)` views of the windows starting at rows `[s0, s1)`."""
        from numpy.lib.stride_tricks import sliding_window_view

        k = self.window if self.output_steps is None else self.output_steps
        y = sliding_window_view(self._targets_scaled, k, axis=0).transpose(0, 2, 1)
        shift = 1 if self.output_steps is None else self.window
        return self._input_windows()[s0:s1], y[s0 + shift: s1 + shift]

    def dataset(self, split: str = "train", *, fresh: bool = False) -> Any:
        """The batched `tf.data.Dataset` of `(x, y)` for a part (see `.train`).

        The dataset is made once and kept: the shuffled training part draws a
        new order each epoch, and goes on drawing across `fit` calls. With
        `fresh=True` it is made anew, so its orders start over from the seed
        (with Keras' global seed, see `rnnkit.training.seed_everything`): two
        models trained on fresh datasets see the same batches.
        """
        check_choice("split", split, PARTS)
        if fresh or split not in self._datasets:
            s0, s1 = self._sample_starts(split)
            self._datasets[split] = window_dataset(
                self._inputs, self._targets_scaled, start=s0, stop=s1, window=self.window,
                output_steps=self.output_steps, batch_size=self.batch_size,
                shuffle=split == "train" and self.shuffle, seed=self.seed)
        return self._datasets[split]
