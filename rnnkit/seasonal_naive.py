"""The seasonal-naive forecast as fixed stock layers: a skip a forecaster adds to its outputs.

With `build_seq2seq(..., season_skip=s)` the network's head learns the
*correction* to the seasonal-naive forecast ("the same as one season ago")
instead of the whole next value: an untrained model already forecasts like
the seasonal-naive baseline, and training moves it away only where the data
say so. :func:`seasonal_naive` builds that forecast from the model's input
window, in the units the model reads (scaled; first differences with
`differenced=True`):

* **levels**: the target `s` steps before the forecast step, `x[t + 1 - s]`;
* **first differences** (`differenced=True`): the change that brings the
  level back to the level of one season ago, `-(x[t] + ... + x[t + 2 - s])`
  (the changes of any `s` steps in a row then sum to zero). Repeating the
  changes of one season ago instead would add the last season's drift, which
  forecast worse on the shipped series (`bench/bench_forecast_quality.py`).

A standard scaler only shifts these by a constant, which the head's bias
learns. Many-to-many models (`output_steps=None`) get it at every step (the
first `s - 1` steps of a window, which lack a whole season, from the part
they have); a direct model of `output_steps=k` (`k <= s`) for its `k` steps.
Only stock Keras layers with stock initializers are used (`Dense` with the
identity kernel to pick the target columns, `ZeroPadding1D`, `Cropping1D`,
`DepthwiseConv1D` with a constant kernel, `Concatenate`), all frozen, so the
model saves, clones and loads with `safe_mode=True` like any other.

Example:
>>> import numpy as np
>>> window = keras.Input((6, 1))
>>> naive = keras.Model(window, seasonal_naive(window, season=3, output_dim=1))
>>> naive.predict(np.arange(1.0, 7.0).reshape(1, 6, 1), verbose=0).ravel().tolist()
[0.0, 0.0, 1.0, 2.0, 3.0, 4.0]
"""

from __future__ import annotations

from typing import Any

from rnnkit._backend import keras
from rnnkit._checks import check_bool, check_int

__all__ = ["check_season_skip", "check_skip_options", "plus_seasonal_naive", "season_skip_problem",
           "seasonal_naive"]


def season_skip_problem(season: int | None, window: int | None,
                        output_steps: int | None) -> str | None:
    """Why a seasonal-naive skip of `season` steps cannot be built, in neutral words, or `None`.

    Example:
    >>> season_skip_problem(12, 8, None)
    'the window of 8 steps holds less than one season of 12'
    >>> season_skip_problem(12, 24, 6) is None
    True
    """
    if not season:
        return "no season is known"
    if season < 2:
        return f"a season of {season} step is no season (at least 2 steps)"
    if window is not None and window < season:
        return f"the window of {window} steps holds less than one season of {season}"
    if output_steps is not None and output_steps > season:
        return (f"a direct model of {output_steps} steps per call forecasts more than one "
                f"season of {season}")
    if output_steps is not None and window is None:
        return "a direct model needs a fixed window length"
    return None


def check_season_skip(season: Any, window: int | None, output_steps: int | None) -> int:
    """Check `season_skip=`: a season of at least 2 steps that the window holds.

    Example:
    >>> check_season_skip(12, 24, None)
    12
    >>> check_season_skip(12, 8, None)
    Traceback (most recent call last):
    ValueError: season_skip=12 cannot be built: the window of 8 steps holds less than one season \
of 12. Give the season length (e.g. 12 for monthly data) with a window of at least one season \
(input_shape=(window, features)) and at most one season of output_steps, or leave \
season_skip=None.
    """
    season = check_int("season_skip", season)
    problem = season_skip_problem(season, window, output_steps)
    if problem:
        raise ValueError(f"season_skip={season} cannot be built: {problem}. Give the season "
                         "length (e.g. 12 for monthly data) with a window of at least one season "
                         "(input_shape=(window, features)) and at most one season of "
                         "output_steps, or leave season_skip=None.")
    return season


def check_skip_options(season_skip: Any, differenced: Any, window: int | None,
                       output_steps: int | None) -> tuple[int | None, bool]:
    """`build_seq2seq`'s `season_skip=` and `differenced=`, checked together.

    Example:
    >>> check_skip_options(None, False, 24, None), check_skip_options(12, True, 24, None)
    ((None, False), (12, True))
    """
    differenced = check_bool("differenced", differenced)
    if season_skip is not None:
        return check_season_skip(season_skip, window, output_steps), differenced
    if differenced:
        raise ValueError("differenced=True only says how to build the seasonal-naive skip; "
                         "give season_skip=s with it, or leave differenced=False.")
    return None, False


def plus_seasonal_naive(window: Any, layers: list[keras.layers.Layer], *, season: int,
                        output_dim: int, output_steps: int | None, differenced: bool,
                        name: str) -> keras.Model:
    """A functional model: `layers` applied to `window`, plus its seasonal-naive forecast.

    The sum is the layer `"plus_seasonal_naive"`; see :func:`seasonal_naive`.
    """
    outputs = window
    for layer in layers:
        outputs = layer(outputs)
    naive = seasonal_naive(window, season=season, output_dim=output_dim,
                           output_steps=output_steps, differenced=differenced)
    return keras.Model(window, keras.layers.Add(name="plus_seasonal_naive")([outputs, naive]),
                       name=name)


def _frozen(layer: keras.layers.Layer) -> keras.layers.Layer:
    layer.trainable = False
    return layer


def _targets(window: Any, output_dim: int) -> Any:
    """The target columns of the window (the first `output_dim` inputs)."""
    if window.shape[-1] == output_dim:
        return window
    return _frozen(keras.layers.Dense(output_dim, use_bias=False, kernel_initializer="identity",
                                      name="seasonal_targets"))(window)


def _back_to_last_season(targets: Any, season: int) -> Any:
    """At each step, minus the sum of the changes of the `season - 1` steps up to it."""
    padded = keras.layers.ZeroPadding1D((season - 2, 0), name="seasonal_padding")(targets)
    return _frozen(keras.layers.DepthwiseConv1D(
        season - 1, use_bias=False, depthwise_initializer=keras.initializers.Constant(-1.0),
        name="seasonal_change"))(padded)


def seasonal_naive(window: Any, *, season: int, output_dim: int,
                   output_steps: int | None = None, differenced: bool = False) -> Any:
    """The seasonal-naive forecast of a model's outputs, from its input window (frozen layers).

    Args:
        window: the model's input, `(batch, steps, inputs)`, the targets first.
        season: the season length `s` (see :func:`check_season_skip`).
        output_dim: the target columns.
        output_steps: `None` (many-to-many: one forecast per input step) or
            the `k <= s` steps after the window (a direct model).
        differenced: the inputs are first differences (see the module).

    Returns:
        A tensor shaped like the model's outputs: `(batch, steps, output_dim)`
        or `(batch, k, output_dim)`.
    """
    steps = window.shape[1]
    season = check_season_skip(season, steps, output_steps)
    targets = _targets(window, output_dim)
    if output_steps is None:
        if differenced:
            return _back_to_last_season(targets, season)
        padded = keras.layers.ZeroPadding1D((season - 1, 0), name="seasonal_padding")(targets)
        return keras.layers.Cropping1D((0, season - 1), name="seasonal_lag")(padded)
    if not differenced:  # the k values one season before the forecast steps
        return keras.layers.Cropping1D((steps - season, season - output_steps),
                                       name="seasonal_lag")(targets)
    first = keras.layers.Cropping1D((steps - 1, 0), name="seasonal_first")(
        _back_to_last_season(targets, season))
    if output_steps == 1:
        return first
    rest = keras.layers.Cropping1D((steps + 1 - season, season - output_steps),
                                   name="seasonal_lag")(targets)
    return keras.layers.Concatenate(axis=1, name="seasonal_steps")([first, rest])
