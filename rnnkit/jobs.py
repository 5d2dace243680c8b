"""The three jobs of rnnkit, and the job a model carries.

A model built by a factory of `rnnkit.models` carries its job:
`"classifier"` (`build_classifier`), `"forecaster"` (`build_seq2seq`) or
`"generator"` (`build_generator`); `rnnkit.bundle.load_bundle` records it on
the model it loads. `save_bundle` reads it with :func:`job_of` when the
caller says nothing else. The job follows the model object, not its name:
renaming a model does not change it; a model built elsewhere (or cloned)
has none.

Example:
>>> from rnnkit._backend import keras
>>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
>>> job_of(model) is None
True
>>> job_of(record_job(model, "classifier"))
'classifier'
"""

from __future__ import annotations

from typing import Any

from rnnkit._checks import check_choice

__all__ = ["JOBS", "job_of", "record_job"]

#: The jobs a model can do (and a bundle be written for).
JOBS = ("classifier", "forecaster", "generator")
#: The attribute on which a model carries its job.
_JOB_ATTRIBUTE = "_rnnkit_job"


def record_job(model: Any, job: str) -> Any:
    """Record on `model` the job it does (the factories and `load_bundle` call this).

    Args:
        model: a Keras model.
        job: `"classifier"`, `"forecaster"` or `"generator"`.

    Returns:
        The same model.

    Raises:
        ValueError: if `job` is not one of :data:`JOBS`.
    """
    setattr(model, _JOB_ATTRIBUTE, check_choice("job", job, JOBS))
    return model


def job_of(model: Any) -> str | None:
    """The job recorded on a model by rnnkit (a factory or `load_bundle`), or `None`.

    Args:
        model: any object (a Keras model).

    Returns:
        `"classifier"`, `"forecaster"`, `"generator"` or `None`.

    Example:
    >>> from rnnkit.models import build_generator
    >>> model = build_generator(8, units=4, seed=0)
    >>> model.name = "my_classifier"  # the name says nothing about the job
    >>> job_of(model)
    'generator'
    """
    job = getattr(model, _JOB_ATTRIBUTE, None)
    return job if job in JOBS else None
