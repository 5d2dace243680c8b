"""The search loop of :func:`rnnkit.tune`: each trial's model and training, over KerasTuner.

:class:`Runner` is KerasTuner's hypermodel (it builds a trial's model from the
job) and trains it with `rnnkit.training.fit`; it keeps one record per trial
and the best model so far, and prints the progress line. :func:`make_tuner`
makes the tuner of a search with rnnkit's :class:`Hooks` mixed in: no trial
starts once `seconds=` is spent, no `clear_session` between trials (the best
model stays usable), Hyperband goes on from an earlier trial's weights kept
in memory, and an error inside a trial stops the search (it is kept in
`Runner.error` for `tune` to raise as it is).

Example:
>>> import numpy as np
>>> plain(np.float32(0.5)), plain("gru")
(0.5, 'gru')
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rnnkit._tuning_jobs import Job
from rnnkit._tuning_space import DATA_KEYS, Param, register

__all__ = ["MISSING_TUNER", "MISSING_BAYESIAN", "keras_tuner", "require_bayesian", "plain",
           "Runner", "Hooks", "make_tuner"]

#: The message when KerasTuner is missing.
MISSING_TUNER = ('rnnkit.tune needs KerasTuner (keras-tuner), which is not installed: '
                 'pip install "rnnkit[tune]" (or pip install keras-tuner).')
#: The message when scikit-learn, which KerasTuner's Bayesian optimization needs, is missing.
MISSING_BAYESIAN = ("search='bayesian' needs scikit-learn (KerasTuner's Gaussian process), "
                    "which is not installed: pip install scikit-learn (or "
                    "\"keras-tuner[bayesian]\"); search='random' needs nothing more.")


def require_bayesian() -> None:
    """KerasTuner's Bayesian optimization needs scikit-learn: refuse early, with the fix."""
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise ImportError(MISSING_BAYESIAN) from None


def keras_tuner(flag: str | None = None) -> Any:
    """Import KerasTuner, or raise an `ImportError` (a `ValueError` naming `flag`) with the fix."""
    try:
        import keras_tuner
    except ImportError as exc:
        if flag is not None:
            raise ValueError(f"{flag}: {MISSING_TUNER}") from None
        raise ImportError(MISSING_TUNER) from exc
    return keras_tuner


def plain(value: Any) -> Any:
    """A NumPy scalar as its Python value (JSON types)."""
    return value.item() if hasattr(value, "item") else value


@dataclass
class Runner:
    """Builds and trains the model of each trial, keeps the records and the best model."""

    job: Job
    params: list[Param]
    objective: str
    direction: str
    epochs: int
    patience: int | None
    seed: int
    fit_options: dict[str, Any]
    verbose: bool
    deadline: float
    total: int | None
    searching: bool = False
    records: list[dict[str, Any]] = field(default_factory=list)
    best: dict[str, Any] | None = None
    weights: dict[str, Any] = field(default_factory=dict)  # Hyperband: trial → best weights
    error: BaseException | None = None

    def settings_of(self, values: dict[str, Any]) -> dict[str, Any]:
        return {p.name: plain(values[p.name]) for p in self.params if p.name in values}

    def data_of(self, settings: dict[str, Any]) -> dict[str, Any]:
        return {**self.job.data_defaults(),
                **{k: v for k, v in settings.items() if k in DATA_KEYS[self.job.name]}}

    def build(self, hp: Any) -> Any:
        """KerasTuner's hypermodel: the model of a trial (nothing before the search starts)."""
        from rnnkit.training import seed_everything

        if not self.searching:
            return None
        settings = self.settings_of(hp.values)
        # every trial starts from the same seeded state, as a lone run with these settings:
        # the same batches (the job gives a fresh training set), whatever ran before
        seed_everything(self.seed)
        model = self.job.build({k: v for k, v in settings.items()
                                if k not in DATA_KEYS[self.job.name]},
                               self.data_of(settings), self.seed)
        previous = hp.values.get("tuner/trial_id")
        if previous is not None:  # Hyperband goes on training an earlier trial's model
            model.set_weights(self.weights[previous])
        return model

    def run(self, model: Any, values: dict[str, Any], trial_id: str) -> dict[str, float]:
        """Train one trial's model; record it; return its objective for KerasTuner."""
        from rnnkit import training

        settings = self.settings_of(values)
        data = self.data_of(settings)
        args, kwargs = self.job.fit_data(data, self.seed, self.fit_options)
        if values.get("tuner/initial_epoch"):
            kwargs["initial_epoch"] = values["tuner/initial_epoch"]
        monitor = self.objective if self.objective in ("val_loss", "val_accuracy") \
            else "val_loss"
        start = time.perf_counter()
        history = training.fit(model, *args, epochs=values.get("tuner/epochs", self.epochs),
                               patience=self.patience, seed=self.seed, verbose=0,
                               monitor=monitor, **kwargs)
        score = self.job.score(self.objective, model, history, data)
        record = {**settings, self.objective: score}
        if self.objective != "val_loss":
            record["val_loss"] = self.job.score("val_loss", model, history, data)
        record.update(epochs=len(history.epoch), seconds=time.perf_counter() - start,
                      trial=len(self.records) + 1)
        self.records.append(record)
        if "tuner/epochs" in values:
            self.weights[trial_id] = model.get_weights()
        if self._better(score):
            self.best = {"model": model, "settings": settings, "history": history,
                         "data": data, "score": score}
        self._report(record)
        worst = math.inf if self.direction == "min" else -math.inf
        return {self.objective: score if math.isfinite(score) else worst}

    def _better(self, score: float) -> bool:
        if not math.isfinite(score):
            return False
        if self.best is None:
            return True
        return score < self.best["score"] if self.direction == "min" \
            else score > self.best["score"]

    def _report(self, record: dict[str, Any]) -> None:
        if not self.verbose:
            return
        shown = {k: (float(f"{v:.4g}") if isinstance(v, float) else v)
                 for k, v in record.items() if k in {p.name for p in self.params}}
        of = f"/{self.total}" if self.total else ""
        best = self.best["score"] if self.best else math.nan
        print(f"trial {record['trial']}{of}: {shown} {self.objective}="
              f"{record[self.objective]:.4f} (best so far {best:.4f}; "
              f"{record['epochs']} epochs, {record['seconds']:.1f} s)",
              file=sys.stderr, flush=True)

    def out_of_time(self) -> bool:
        return time.perf_counter() >= self.deadline and bool(self.records)


class Hooks:
    """What rnnkit changes in a KerasTuner tuner (mixed in before the tuner's own class)."""

    runner: Runner

    def pre_create_trial(self) -> None:
        if self.runner.out_of_time():  # seconds= spent: the oracle starts no more trials
            self.oracle.max_trials = len(self.oracle.trials)  # type: ignore[attr-defined]

    def _build_hypermodel(self, hp: Any) -> Any:
        return self.hypermodel.build(hp)  # type: ignore[attr-defined]

    def _try_build(self, hp: Any) -> Any:
        # no keras.backend.clear_session(): the best model so far must stay usable
        return self._build_hypermodel(hp)

    def run_trial(self, trial: Any, *args: Any, **kwargs: Any) -> dict[str, float]:
        from keras_tuner.errors import FatalError

        try:
            model = self._try_build(trial.hyperparameters)
            return self.runner.run(model, trial.hyperparameters.values, trial.trial_id)
        except Exception as exc:  # stop the search; tune raises the error itself
            self.runner.error = exc
            raise FatalError(str(exc)) from exc


def make_tuner(search: str, runner: Runner, trials: int | None, folder: Path,
               start: dict[str, Any] | None = None) -> Any:
    """The KerasTuner tuner of `search`, with rnnkit's hooks, seeded, silent.

    With `start` (random and Bayesian search), the first trial takes those
    settings (the others their KerasTuner default) instead of a random draw.
    """
    kt = keras_tuner()
    base = {"grid": kt.GridSearch, "random": kt.RandomSearch,
            "bayesian": kt.BayesianOptimization, "hyperband": kt.Hyperband}[search]
    tuner_class = type("RnnkitTuner", (Hooks, base), {})
    kwargs: dict[str, Any] = dict(
        hypermodel=runner.build, objective=kt.Objective(runner.objective, runner.direction),
        seed=runner.seed + 1, hyperparameters=register(kt.HyperParameters(), runner.params),
        tune_new_entries=False, allow_new_entries=False, directory=str(folder),
        project_name="rnnkit_tune", overwrite=True)
    if search == "hyperband":
        kwargs["max_epochs"] = runner.epochs
    else:
        kwargs["max_trials"] = trials
    tuner = tuner_class(**kwargs)
    tuner.runner = runner
    if search == "hyperband" and trials is not None:
        tuner.oracle.max_trials = trials
    tuner.oracle.verbose = 0
    if start and search in ("random", "bayesian"):
        _start_with(tuner.oracle, start)
    return tuner


def _start_with(oracle: Any, start: dict[str, Any]) -> None:
    """Make the oracle's first trial `start` (the rest of the settings at their defaults)."""
    draw = oracle.populate_space

    def populate_space(trial_id: str) -> dict[str, Any]:
        if oracle.trials:  # a later trial: the search's own draw
            return draw(trial_id)
        return {"status": "RUNNING", "values": {**oracle.hyperparameters.values, **start}}

    oracle.populate_space = populate_space
