"""Several trained models as one: the average of their outputs (an ensemble).

Networks trained alike but from other seeds end in other minima and make
partly independent errors; the average of their outputs errs less than a
typical member, and does not depend on the luck of one seed. On the shipped
series, the average of three seeds' forecasters is measured against one
model in `bench/bench_forecast_quality.py` (`-- --ensemble 3`).

:func:`average_models` makes one functional Keras model from the members: a
copy of each (its weights as trained; the given models are left untouched)
reads the same input, and a `keras.layers.Average` layer averages their
outputs. Stock layers only: it saves, loads with `safe_mode=True` and goes
into bundles like a factory's model, under either backend, and carries the
members' job. A recursive forecast feeds the average back, not each
member's own forecast. Generators are refused: sampling runs a generator one
step at a time on its own recurrent state (`rnnkit.step_model`), which an
average of several networks does not have.

Example:
>>> import numpy as np
>>> from rnnkit.models import build_seq2seq, job_of
>>> members = [build_seq2seq((12, 1), units=4, layers=1, seed=s) for s in (0, 1)]
>>> model = average_models(members)
>>> x = np.ones((1, 12, 1), "float32")
>>> mean = (members[0].predict(x, verbose=0) + members[1].predict(x, verbose=0)) / 2
>>> bool(np.allclose(model.predict(x, verbose=0), mean, atol=1e-6)), job_of(model)
(True, 'forecaster')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rnnkit._backend import keras
from rnnkit.jobs import job_of, record_job

__all__ = ["average_models", "members_of"]

#: The name of the layer that averages the members' outputs.
AVERAGE_LAYER = "average_of_members"


def _check_members(models: Any) -> list[Any]:
    """The models as a list, refused (naming the problem) unless they can be averaged."""
    if isinstance(models, keras.Model) or not isinstance(models, Sequence) or not models:
        raise ValueError("average_models takes a list of one or more Keras models, e.g. "
                         "average_models([model_a, model_b]).")
    for i, model in enumerate(models):
        if not isinstance(model, keras.Model) or not model.built:
            raise ValueError(f"models[{i}] is not a built Keras model ({type(model).__name__}); "
                             "pass trained models, e.g. from rnnkit.models' factories.")
    first = models[0]
    for i, model in enumerate(models[1:], start=1):
        for what in ("input_shape", "output_shape"):
            if getattr(model, what) != getattr(first, what):
                raise ValueError(
                    f"models[{i}] has {what} {getattr(model, what)}, models[0] "
                    f"{getattr(first, what)}: only models with the same inputs and outputs "
                    "can be averaged (e.g. the same window and steps).")
    jobs = {job_of(model) for model in models}
    if len(jobs) > 1:
        raise ValueError(f"the models do different jobs ({sorted(map(str, jobs))}): average "
                         "models of one job.")
    if jobs == {"generator"}:
        raise ValueError("generators cannot be averaged: sampling runs a generator one step at "
                         "a time on its own recurrent state, which an average does not have. "
                         "Sample from each generator instead.")
    return list(models)


def average_models(models: Sequence[Any], *, name: str | None = None) -> Any:
    """One Keras model whose output is the average of the models' outputs.

    Args:
        models: trained Keras models with the same input and output shapes
            (e.g. one factory's model trained with several seeds). One model
            is returned as it is.
        name: the new model's name (default `average_of_<n>`).

    Returns:
        A functional `keras.Model` holding a copy of each member, compiled as
        the first member is (when it is), with the members' job recorded
        (see `rnnkit.models.job_of`).

    Raises:
        ValueError: naming the problem: no models, a model that is not built,
            other shapes, other jobs, or generators.

    Example:
    >>> from rnnkit.models import build_classifier
    >>> members = [build_classifier((6, 2), 3, units=4, seed=s) for s in (0, 1, 2)]
    >>> model = average_models(members)
    >>> model.name, model.output_shape, len(members_of(model))
    ('average_of_3', (None, 3), 3)
    """
    models = _check_members(models)
    if len(models) == 1:
        return models[0]
    first = models[0]
    copies = []
    for i, model in enumerate(models, start=1):
        copy = keras.models.clone_model(model)
        copy.set_weights(model.get_weights())
        copy.name = f"member_{i}"
        copies.append(copy)
    inputs = keras.Input(shape=first.input_shape[1:], dtype=first.inputs[0].dtype,
                         name=first.inputs[0].name)
    outputs = keras.layers.Average(name=AVERAGE_LAYER)([copy(inputs) for copy in copies])
    average = keras.Model(inputs, outputs, name=name or f"average_of_{len(models)}")
    if first.compiled:  # as the first member, so that evaluate() and a bundle work alike
        average.compile_from_config(first.get_compile_config())
        average.optimizer.build(average.trainable_variables)
    job = job_of(first)
    return record_job(average, job) if job else average


def members_of(model: Any) -> list[Any]:
    """The members of a model made by :func:`average_models` (`[model]` for any other model).

    Example:
    >>> from rnnkit.models import build_seq2seq
    >>> model = build_seq2seq((12, 1), units=4, layers=1, seed=0)
    >>> members_of(model) == [model]
    True
    """
    names = [layer.name for layer in getattr(model, "layers", [])]
    if AVERAGE_LAYER not in names:
        return [model]
    return [layer for layer in model.layers if isinstance(layer, keras.Model)]
