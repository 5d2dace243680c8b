"""The transforms of a series, each beside its inverse: log, first difference, scaler.

Each transform has `fit` / `transform` / `inverse_transform` and
`to_dict` / `from_dict`. `SeriesWindows` applies them in this order: `Log`,
then `Difference`, then the `Scaler` (fit on the training part only), and
undoes them in the reverse order through one :class:`TransformChain`
wherever values come back to the user.

The scaler's dict (`kind`, `columns`, `center`, `scale`) is what bundles
save: a scaler rebuilt from it scales and unscales to the same bits.

Example:
>>> import numpy as np
>>> values = np.array([[100.0], [110.0], [121.0]])
>>> levels = Log().fit(values).transform(values)
>>> changes = Difference().transform(levels)
>>> scaler = Scaler("standard").fit(changes, ["sales"])
>>> chain = TransformChain(Log(), Difference(), scaler)
>>> chain.inverse_transform(scaler.transform(changes), anchor=levels[0]).round(6).tolist()
[[110.0], [121.0]]
"""

from __future__ import annotations

import reprlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Log", "Difference", "Scaler", "TransformChain", "SCALES"]

#: The kinds of scaler: standardise (mean 0, std 1), min-max (to [0, 1]) or none.
SCALES = ("standard", "minmax", None)


class _Parameterless:
    """A transform with nothing to save: its dict is its kind."""

    kind = ""

    def to_dict(self) -> dict[str, Any]:
        """`{"kind": kind}`."""
        return {"kind": self.kind}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Any:
        """The inverse of :meth:`to_dict`."""
        if not isinstance(data, Mapping) or data.get("kind") != cls.kind:
            raise ValueError(f"{data!r} is not a saved {cls.kind} transform "
                             f"({{'kind': {cls.kind!r}}}).")
        return cls()


class Log(_Parameterless):
    """The natural log (all values must be > 0); its inverse exponentiates.

    Example:
    >>> Log().inverse_transform(Log().transform(np.array([1.0, 10.0]))).round(12).tolist()
    [1.0, 10.0]
    """

    kind = "log"

    def fit(self, values: np.ndarray, *, columns: Sequence[str] | None = None,
            index: Sequence[Any] | None = None) -> Log:
        """Check that every value is > 0; `columns` and `index` name the first that is not.

        Example:
        >>> Log().fit(np.array([[2.0], [0.0]]), columns=["sales"], index=["2020", "2021"])
        Traceback (most recent call last):
        ...
        ValueError: log=True needs values > 0, but column 'sales' holds 0 at 2021. Pass \
log=False, or shift the series to be positive.
        """
        values = np.asarray(values, dtype="float64").reshape(len(values), -1)
        if (values <= 0).any():
            r, c = np.argwhere(values <= 0)[0]
            column = columns[c] if columns is not None else int(c)
            label = index[r] if index is not None else int(r)
            raise ValueError(
                f"log=True needs values > 0, but column {column!r} holds {values[r, c]:g} "
                f"at {label!s}. Pass log=False, or shift the series to be positive.")
        return self

    def transform(self, values: np.ndarray) -> np.ndarray:
        """`log(values)`."""
        return np.log(values)

    def inverse_transform(self, values: np.ndarray) -> np.ndarray:
        """`exp(values)`."""
        return np.exp(values)


class Difference(_Parameterless):
    """First differences along time (`x[t] - x[t-1]`; the first row is dropped).

    Its inverse adds the changes up again, from an anchor: the level of the
    step just before the first change.

    Example:
    >>> changes = Difference().transform(np.array([5.0, 7.0, 6.0]))
    >>> changes.tolist(), Difference().inverse_transform(changes, anchor=5.0).tolist()
    ([2.0, -1.0], [7.0, 6.0])
    """

    kind = "difference"

    def fit(self, values: np.ndarray) -> Difference:
        """Nothing to learn: first differences have no parameters."""
        return self

    def transform(self, values: np.ndarray) -> np.ndarray:
        """`values[1:] - values[:-1]` along the first axis."""
        return np.diff(values, axis=0)

    def inverse_transform(self, changes: np.ndarray, anchor: Any) -> np.ndarray:
        """The levels after `anchor` that the consecutive `changes` lead to (a cumulative sum)."""
        return anchor + np.cumsum(changes, axis=0)

    def inverse_step(self, changes: np.ndarray, previous: np.ndarray) -> np.ndarray:
        """Each change applied to its own previous level (one-step-ahead predictions).

        Example:
        >>> Difference().inverse_step(np.array([1.0, 1.0]), np.array([10.0, 20.0])).tolist()
        [11.0, 21.0]
        """
        return previous + changes


class Scaler:
    """Per-column scaling `(x - center) / scale`, fit on the training part only.

    Args:
        kind: `"standard"` (center = mean, scale = standard deviation),
            `"minmax"` (center = minimum, scale = maximum - minimum) or `None`
            (center 0, scale 1). A constant column gets scale 1.
        columns, center, scale: a fitted scaler's state (see :meth:`from_dict`).

    Example:
    >>> scaler = Scaler("minmax").fit(np.array([[1.0], [3.0]]), ["v"])
    >>> scaler.to_dict()
    {'kind': 'minmax', 'columns': ['v'], 'center': [1.0], 'scale': [2.0]}
    >>> scaler.inverse_transform(scaler.transform(np.array([[2.0]]))).tolist()
    [[2.0]]
    """

    def __init__(self, kind: str | None = "standard", columns: Sequence[str] = (),
                 center: Sequence[float] = (), scale: Sequence[float] = ()):
        if kind not in SCALES:
            raise ValueError(f"the scaler's kind {kind!r} is not one of {list(SCALES)}.")
        if not len(columns) == len(center) == len(scale):
            raise ValueError(f"the scaler has {len(columns)} columns but {len(center)} centers "
                             f"and {len(scale)} scales; they must match.")
        self.kind = kind
        self.columns = [str(c) for c in columns]
        self.center = np.asarray(center, dtype="float64")
        self.scale = np.asarray(scale, dtype="float64")

    def fit(self, values: np.ndarray, columns: Sequence[str]) -> Scaler:
        """Learn `center` and `scale` of each column of `values` (rows = time steps)."""
        if self.kind == "standard":
            center, spread = values.mean(axis=0), values.std(axis=0)
        elif self.kind == "minmax":
            center, spread = values.min(axis=0), values.max(axis=0) - values.min(axis=0)
        else:
            center, spread = np.zeros(len(columns)), np.ones(len(columns))
        self.columns = [str(c) for c in columns]
        self.center = np.asarray(center, dtype="float64")
        self.scale = np.asarray(np.where(spread > 0, spread, 1.0), dtype="float64")
        return self

    def transform(self, values: np.ndarray) -> np.ndarray:
        """`(values - center) / scale`, in float64."""
        scaled = values - self.center  # one float64 temporary, divided in place
        scaled /= self.scale
        return scaled

    def inverse_transform(self, values: Any) -> np.ndarray:
        """`values * scale + center`, in float64."""
        return np.asarray(values, dtype="float64") * self.scale + self.center

    def subset(self, columns: Sequence[str]) -> Scaler:
        """The scaler of some of the columns (e.g. the targets), in the given order."""
        positions = [self.columns.index(c) for c in columns]
        return Scaler(self.kind, list(columns), self.center[positions].tolist(),
                      self.scale[positions].tolist())

    def to_dict(self) -> dict[str, Any]:
        """The scaler as JSON types: `{"kind", "columns", "center", "scale"}`."""
        return {"kind": self.kind, "columns": list(self.columns),
                "center": [float(v) for v in self.center],
                "scale": [float(v) for v in self.scale]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scaler:
        """The inverse of :meth:`to_dict` (e.g. the `"scaler"` of a saved config)."""
        if not isinstance(data, Mapping) or not {"kind", "columns", "center", "scale"} <= set(
                data):
            raise ValueError(f"scaler={data!r} must be a fitted scaler's dict with the keys "
                             "kind, columns, center and scale (e.g. SeriesWindows(...).scaler).")
        return cls(data["kind"], data["columns"], data["center"], data["scale"])

    def __repr__(self) -> str:
        return f"Scaler({self.kind!r}, columns={self.columns})"


@dataclass(frozen=True)
class TransformChain:
    """Log, difference and scaler of some columns, undone in reverse order.

    `log` and `difference` are `None` when not used. Values come in scaled
    and go out in the series' own units.

    Example:
    >>> chain = TransformChain(None, Difference(), Scaler(None, ["v"], [0.0], [1.0]))
    >>> chain.inverse_transform(np.array([[1.0], [2.0]]), anchor=np.array([10.0])).tolist()
    [[11.0], [13.0]]
    >>> chain.inverse_transform(np.array([[1.0], [2.0]]), previous=np.array([[10.0], [20.0]]))
    array([[11.],
           [22.]])
    """

    log: Log | None
    difference: Difference | None
    scaler: Scaler

    def to_levels(self, values: Any) -> np.ndarray:
        """Original values → levels (logged with `log`), e.g. an anchor given by the user."""
        values = np.asarray(values, dtype="float64")
        return self.log.transform(values) if self.log is not None else values

    def inverse_transform(self, values: Any, *, anchor: Any = None,
                          previous: Any = None) -> np.ndarray:
        """Scaled values → original units.

        Args:
            values: scaled values, `(steps, columns)`.
            anchor: with a difference: the level (after log) just before
                `values[0]`; the changes are added up from it.
            previous: with a difference, instead of `anchor`: the level (after
                log) before each row, for one-step-ahead predictions.

        Returns:
            A float64 array of the same shape.
        """
        out = self.scaler.inverse_transform(values)
        if self.difference is not None:
            out = self.difference.inverse_step(out, previous) if previous is not None else \
                self.difference.inverse_transform(out, anchor)
        return self.log.inverse_transform(out) if self.log is not None else out


    def undo(self, values: Any, *, anchor: Any = None, last_level: Any = None) -> np.ndarray:
        """Scaled values a user passes (e.g. a model's output) → original units, checked.

        Args:
            values: `(steps,)` (one column) or `(steps, columns)` numbers.
            anchor: with a difference: the original-unit value(s) of the step
                before `values[0]`; default `last_level`.
            last_level: the level (after log) to add the changes up from when
                no `anchor` is given (the last row of the data).

        Returns:
            A float64 array of the shape of `values`.

        Example:
        >>> chain = TransformChain(Log(), None, Scaler(None, ["v"], [0.0], [1.0]))
        >>> chain.undo([0.0, np.log(2.0)]).tolist()
        [1.0, 2.0]
        """
        try:
            array = np.asarray(values, dtype="float64")
        except (TypeError, ValueError):
            raise ValueError(f"values={reprlib.repr(values)} must be numbers: an array of shape "
                             "(steps,) or (steps, targets), e.g. model.predict(x)[0].") from None
        squeeze = array.ndim == 1
        array = array[:, None] if squeeze else array
        count = len(self.scaler.columns)
        if array.ndim != 2 or array.shape[1] != count:
            raise ValueError(f"values of shape {np.shape(values)} do not fit {count} "
                             "target column(s); pass (steps,) or (steps, targets).")
        start = None
        if self.difference is not None:
            start = last_level
            if anchor is not None:
                try:
                    start = np.asarray(anchor, dtype="float64").reshape(-1)
                except (TypeError, ValueError):
                    raise ValueError(f"anchor={reprlib.repr(anchor)} must be the number(s) in "
                                     "original units of the step before values[0].") from None
                start = self.to_levels(start)
        out = self.inverse_transform(array, anchor=start)
        return out[:, 0] if squeeze else out
