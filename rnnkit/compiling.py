"""How the factories compile a model: Adam with gradient clipping, the fastest jit setting.

One place for what `build_classifier`, `build_seq2seq` and `build_generator`
share after their layers: the optimizer (Adam at `learning_rate`, gradients
clipped to a global norm of `clipnorm`), the jit setting that is fastest for
the model's decisive recurrent layer (`rnnkit.fastest`), several training
steps per compiled call, and the job recorded on the model (`rnnkit.jobs`).

Gradient clipping by the global norm (Pascanu et al., 2013) is standard for
recurrent networks: a rare exploding gradient, which a long sequence can
produce, is scaled down instead of throwing the weights far away. Adam's
steps hardly depend on the scale of the gradient, so clipping matters only
when a gradient is far larger than the usual ones. It is part of rnnkit's training recipe (see
`rnnkit.training`); `clipnorm=None` turns it off.

Example:
>>> optimizer = adam(1e-3, clipnorm=1.0)
>>> type(optimizer).__name__, optimizer.global_clipnorm
('Adam', 1.0)
"""

from __future__ import annotations

from typing import Any

from rnnkit._backend import keras
from rnnkit._checks import check_positive_float
from rnnkit.distribution import prepare_model
from rnnkit.fastest import STEPS_PER_EXECUTION, decisive_cell, fastest_jit_compile, mark_chosen
from rnnkit.jobs import record_job

__all__ = ["CLIPNORM", "LearningRate", "adam", "check_learning_rate", "compile_model"]

#: The factories' default gradient clipping: the global norm of the gradients is at most 1.
CLIPNORM = 1.0

LearningRate = float | keras.optimizers.schedules.LearningRateSchedule


def check_learning_rate(learning_rate: Any) -> LearningRate:
    """A positive float, or a Keras `LearningRateSchedule` as it is."""
    if isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        return learning_rate
    return check_positive_float("learning_rate", learning_rate)


def adam(learning_rate: Any, *, clipnorm: Any = CLIPNORM) -> keras.optimizers.Optimizer:
    """The factories' optimizer: Adam, with gradients clipped to a global norm of `clipnorm`.

    Args:
        learning_rate: a positive float or a Keras `LearningRateSchedule`.
        clipnorm: the largest global norm of the gradients (a positive
            float), or `None` for no clipping.

    Returns:
        A `keras.optimizers.Adam`.

    Raises:
        ValueError: naming the argument, when one is not a positive number.
    """
    learning_rate = check_learning_rate(learning_rate)
    if clipnorm is not None:
        clipnorm = check_positive_float("clipnorm", clipnorm)
    return keras.optimizers.Adam(learning_rate=learning_rate, global_clipnorm=clipnorm)


def compile_model(model: keras.Sequential, *, job: str, loss: Any, metrics: list[Any],
                  optimizer: keras.optimizers.Optimizer,
                  strategy: Any = None) -> keras.Sequential:
    """Compile with `optimizer` and the fastest jit setting, and record the model's job.

    Under a `tf.distribute` strategy (the factories build the layers, the
    optimizer and the model inside its scope) the compile setting is the one
    that works there (`rnnkit.distribution.prepare_model`).

    Args:
        model: the factory's model.
        job: `"classifier"`, `"forecaster"` or `"generator"`.
        loss: the loss.
        metrics: the metrics.
        optimizer: from :func:`adam`.
        strategy: the model's strategy, or `None`.

    Returns:
        The model, compiled.
    """
    cell, units = decisive_cell(model)
    model.compile(
        optimizer=optimizer,
        loss=loss,
        metrics=metrics,
        jit_compile=fastest_jit_compile(cell, None, units),  # fit adapts it to its batch
        steps_per_execution=STEPS_PER_EXECUTION,
    )
    if strategy is not None:
        prepare_model(model, strategy)
    return record_job(mark_chosen(model), job)
