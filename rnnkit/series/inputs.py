"""The model inputs of `SeriesWindows`: transformed, split, scaled, known features ahead.

:func:`prepare_inputs` does, in this order: the optional `log`, then the first
`difference` of the target and past-feature columns; the time-ordered split
into parts; one scaler fit on the training part only (or the saved one) over
every input column; then the known features (and calendar encodings) moved
`lead = output_steps or 1` rows ahead of the target (see
:mod:`~rnnkit.series.covariates`). Known features are scaled but neither
logged nor differenced: a 0/1 law or a calendar phase is read as it is.

The last `lead` rows of the known columns lie after the data: they are
`NaN` in the inputs, never read by a training window, and filled from
`future=` when forecasting.

Example:
>>> import pandas as pd
>>> from rnnkit.series.spec import WindowSpec
>>> frame = pd.DataFrame({"y": [1.0, 2, 3, 4, 5, 6], "law": [0.0, 0, 0, 1, 1, 1]})
>>> spec = WindowSpec(window=2, known_features=("law",), scale=None,
...                   split=(0.5, 0.25, 0.25)).with_columns(list(frame.columns))
>>> state = prepare_inputs(frame, spec, known_columns=["law"], scaler=None)
>>> state.inputs.tolist()  # row t: the target at t, the law at t + 1
[[1.0, 0.0], [2.0, 0.0], [3.0, 1.0], [4.0, 1.0], [5.0, 1.0], [6.0, nan]]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rnnkit.series import parts
from rnnkit.series.covariates import known_values
from rnnkit.series.spec import WindowSpec
from rnnkit.series.transforms import Difference, Log, Scaler, TransformChain

__all__ = ["InputState", "prepare_inputs"]


@dataclass(frozen=True)
class InputState:
    """What `SeriesWindows` keeps of its data once transformed.

    Attributes:
        levels: the target and past-feature values after `log`, before
            differencing (float64, one row per frame row).
        offset: the frame row of transformed row 0 (1 with `difference`).
        bounds: the `[start, stop)` transformed rows of each part.
        scaler: the fitted scaler of every input column.
        undo: the targets' `TransformChain` (scaled → original units).
        inputs: the model inputs `(rows, inputs)` float32: targets, past
            features, known features `lead` rows ahead.
        targets_scaled: the scaled targets `(rows, targets)` (maybe a view of
            `inputs`).
    """

    levels: np.ndarray
    offset: int
    bounds: dict[str, tuple[int, int]]
    scaler: Scaler
    undo: TransformChain
    inputs: np.ndarray
    targets_scaled: np.ndarray


def prepare_inputs(frame: pd.DataFrame, spec: WindowSpec, *, known_columns: Sequence[str],
                   scaler: Mapping[str, Any] | None,
                   check_parts: Any = None) -> InputState:
    """Transform, split and scale the frame's columns into model inputs.

    Args:
        frame: the data: target, past-feature, then known-feature columns.
        spec: the settings, resolved to the columns (`spec.with_columns`),
            with the calendar encodings resolved to names.
        known_columns: the names of the known input columns: the known
            features, then the calendar columns.
        scaler: a fitted scaler's dict to use instead of fitting one.
        check_parts: called with the parts' bounds before fitting a scaler,
            to raise when a part is too short.

    Returns:
        An :class:`InputState`.

    Raises:
        ValueError: when the saved scaler is for other columns.
    """
    own = list(spec.target) + list(spec.features)  # logged, differenced
    values = frame[own].to_numpy(dtype="float64")
    log = Log().fit(values, columns=own, index=frame.index) if spec.log else None
    levels = log.transform(values) if log else values
    difference = Difference() if spec.difference else None
    changes = difference.transform(levels) if difference else levels
    offset = 1 if difference else 0
    known = known_values(frame, spec.known_features, spec.calendar or ())[offset:]
    every = np.concatenate([changes, known], axis=1)
    columns = own + list(known_columns)
    bounds = parts.split_bounds(len(changes), spec.split)
    fitted = _scaler(every, columns, bounds, spec, scaler, check_parts)
    scaled = fitted.transform(every)
    lead = spec.horizon()
    if known.shape[1]:  # input row t holds the known values of row t + lead
        scaled[:, len(own):] = np.concatenate(
            [scaled[lead:, len(own):], np.full((min(lead, len(scaled)), known.shape[1]),
                                               np.nan)])[: len(scaled)]
    inputs = np.ascontiguousarray(scaled, dtype="float32")
    targets = len(spec.target)
    return InputState(
        levels=levels, offset=offset, bounds=bounds, scaler=fitted,
        undo=TransformChain(log, difference, fitted.subset(list(spec.target))), inputs=inputs,
        targets_scaled=inputs if inputs.shape[1] == targets else
        np.ascontiguousarray(inputs[:, :targets]))


def _scaler(values: np.ndarray, columns: list[str], bounds: dict[str, tuple[int, int]],
            spec: WindowSpec, saved: Mapping[str, Any] | None, check_parts: Any) -> Scaler:
    """The saved scaler (checked against the columns), or one fit on the training rows."""
    if saved is None:
        if check_parts is not None:
            check_parts(bounds)
        lo, hi = bounds["train"]
        return Scaler(spec.scale).fit(values[lo:hi], columns)
    fitted = Scaler.from_dict(saved)
    if fitted.columns != columns:
        raise ValueError(f"the saved scaler is for columns {fitted.columns}, but the "
                         f"windows use {columns}.")
    return fitted
