"""`tune`: hyperparameter search over rnnkit's factories and the data's settings (KerasTuner).

:func:`tune` dispatches on the data (:mod:`rnnkit._tuning_jobs`):

* a :class:`~rnnkit.series.SeriesWindows` → a forecaster
  (:func:`~rnnkit.models.build_seq2seq`). Validation is the windows' val part,
  in time order and never shuffled (it lies after every training window).
  With `horizon=`, a trial is scored by the MASE of a backtest of the val part
  at that horizon (`objective="val_mase"`, `windows.backtest(model, horizon,
  split="val")`), else by its best `val_loss`. Searching `window` rebuilds the
  windows with the same other settings (and the same `read_series` settings).
* a tuple `(x, y)` of arrays with `validation_data=(x_val, y_val)` → a
  classifier (:func:`~rnnkit.models.build_classifier`): `num_classes` is
  inferred from the labels; integer inputs of shape `(n, timesteps)` are token
  ids (`vocab_size` = largest id + 1 unless given in `build=`); float inputs of
  that shape are one feature per step. Objective `val_loss` or `val_accuracy`.
* a `str` → a character generator (:func:`~rnnkit.models.build_generator` on
  :func:`~rnnkit.text.text_dataset`): validation is the last 10 % of the text
  (time order); `vocab=` a `CharVocab`, else the text's own.

The space (:mod:`rnnkit._tuning_space`) names model settings (`cell`, `units`,
`layers`, `dropout`, `recurrent_dropout`, `learning_rate`, `bidirectional`,
`embedding_dim`) and data settings (`batch_size`; `window` for series,
`seq_length` for text). `param_grid={"units": [16, 32], ...}` (lists only)
runs a grid search over the product (KerasTuner `GridSearch`). In `space=`, a
list is a choice and a `(low, high)` tuple a range (an integer range, or a
float range sampled on a log scale for `learning_rate`); `search=` is
`"grid"` (the default when every entry is a list), `"random"` (the default
otherwise), `"bayesian"` or `"hyperband"`. Without either, :func:`default_space`.

Budget: `trials=` (at most that many) and/or `seconds=` (no trial starts once
that time is spent; at least one runs). Each trial builds with `seed=seed`
and trains with `rnnkit.training.fit(..., epochs=, patience=, seed=seed)`
(early stopping keeps the best epoch's weights); the search's own random
choices are seeded too (KerasTuner seed `seed + 1`, as it reads 0 as "none"),
so the same seed gives the same trials on a CPU. KerasTuner prints nothing;
with `verbose`, one line per trial goes to stderr. Its working files go to a
temporary folder removed at the end, unless `directory=` is given. An error
inside a trial stops the search and is raised as it is (no trial is skipped
silently); a trial whose loss diverges scores NaN and is ranked last.

Example:
>>> space = {"units": [8, 16], "learning_rate": (1e-3, 1e-1)}
>>> [p.kind for p in parse_space("classifier", space)]
['int', 'log']
>>> from rnnkit.series import SeriesWindows
>>> w = SeriesWindows.from_file("data/series/airpassengers.csv", target="passengers",
...                             date_column="month", window=24, log=True, difference=True)
>>> result = tune(w, param_grid={"units": [8, 16], "learning_rate": [1e-3, 1e-2]},
...               epochs=20, horizon=12)  # doctest: +SKIP
>>> result.settings, result.trials  # doctest: +SKIP
"""

from __future__ import annotations

import math
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rnnkit._checks import (
    check_bool,
    check_int,
    check_optional_int,
    check_path,
    check_positive_float,
    check_seed,
)
from rnnkit._tuning_jobs import Job, check_fit_options, make_job
from rnnkit._tuning_search import (
    MISSING_TUNER,
    Runner,
    keras_tuner,
    make_tuner,
    require_bayesian,
)
from rnnkit._tuning_space import (
    DATA_KEYS,
    Param,
    around,
    choose_search,
    grid_size,
    parse_space,
    parse_start,
)

__all__ = ["tune", "TuneResult", "default_space", "parse_space", "MISSING_TUNER"]

#: Trials of a random or Bayesian search when neither trials= nor seconds= is given.
DEFAULT_TRIALS = 10
#: The factories' default units, the centre of the default space.
_UNITS = {"classifier": 128, "forecaster": 64, "generator": 256}


@dataclass
class TuneResult:
    """What :func:`tune` found.

    Attributes:
        model: the best model, trained (its best epoch's weights).
        settings: the best trial's settings (JSON types), e.g. `{"units": 16}`.
        trials: a `pandas.DataFrame` of every trial, best first: one column
            per searched setting, the objective (and `val_loss` when the
            objective is another), `epochs` run, `seconds`, and `trial` (the
            order they ran in, from 1).
        objective: the objective's name, e.g. `"val_loss"`.
        search: `"grid"`, `"random"`, `"bayesian"` or `"hyperband"`.
        history: the best trial's Keras `History`.
        windows: (series) the windows the best model fits (its `window`).
        vocab: (text) the `CharVocab` of the model.
    """

    model: Any
    settings: dict[str, Any]
    trials: Any
    objective: str
    search: str
    history: Any = None
    windows: Any = None
    vocab: Any = None

    @property
    def best(self) -> float:
        """The best trial's objective value."""
        return float(self.trials[self.objective].iloc[0])

    def record(self) -> dict[str, Any]:
        """A JSON summary for a bundle's metadata: search, objective, best value, settings.

        Example:
        >>> import pandas as pd
        >>> r = TuneResult(None, {"units": 8}, pd.DataFrame({"val_loss": [0.5]}), "val_loss",
        ...                "grid")
        >>> r.record()
        {'search': 'grid', 'objective': 'val_loss', 'best': 0.5, 'trials': 1, \
'settings': {'units': 8}}
        """
        best = self.best
        return {"search": self.search, "objective": self.objective,
                "best": best if math.isfinite(best) else None, "trials": len(self.trials),
                "settings": dict(self.settings)}

    def summary(self) -> str:
        """The trials table, best first, under a line naming the best settings.

        Example:
        >>> import pandas as pd
        >>> table = pd.DataFrame({"units": [8, 4], "val_loss": [0.5, 0.7], "epochs": [3, 3],
        ...                       "seconds": [1.0, 1.2], "trial": [2, 1]})
        >>> print(TuneResult(None, {"units": 8}, table, "val_loss", "grid").summary())
        grid search, 2 trials: best val_loss 0.5000 with units=8
         units  val_loss  epochs  seconds  trial
             8       0.5       3        1      2
             4       0.7       3      1.2      1
        """
        import pandas as pd

        chosen = ", ".join(f"{k}={v!r}" if isinstance(v, (str, bool)) else f"{k}={v:g}"
                           for k, v in self.settings.items())
        with pd.option_context("display.width", 200, "display.max_columns", 30):
            table = self.trials.to_string(index=False, float_format=lambda v: f"{v:.4g}")
        return (f"{self.search} search, {len(self.trials)} trials: best {self.objective} "
                f"{self.best:.4f} with {chosen}\n{table}")


def _budget(search: str, trials: Any, seconds: Any) -> tuple[int | None, float]:
    """The most trials KerasTuner may start (`None`: its own end), and the seconds allowed."""
    trials = check_optional_int("trials", trials)
    seconds = math.inf if seconds is None else check_positive_float("seconds", seconds)
    if trials is None and seconds == math.inf and search in ("random", "bayesian"):
        trials = DEFAULT_TRIALS
    return trials, seconds


def _check_candidates(job: Job, params: list[Param]) -> None:
    """Refuse, before any training, a data-setting candidate the data cannot take."""
    for p in params:
        if p.name in DATA_KEYS[job.name]:
            for value in p.candidates():
                job.check_data(p.name, value, f"space[{p.name!r}]")
    job.check_space({p.name: p.candidates() for p in params})


def default_space(data: Any, *, horizon: int | None = None, units: int | None = None,
                  learning_rate: float | None = None, batch_size: int | None = None,
                  window: int | None = None, seq_length: int | None = None,
                  build: dict[str, Any] | None = None) -> dict[str, Any]:
    """A sensible space for `data`, centred on the given (or the data's, the factory's) values.

    Cell LSTM or GRU; half, once and twice `units`; 1 or 2 layers; dropout 0
    or 0.2; a learning rate from a quarter to four times `learning_rate`
    (log scale); half, once and twice the batch size, and the window (series)
    or sequence length (text), keeping only those the data can take.

    Args:
        data: the data as :func:`tune` takes it.
        horizon: (series) the backtest horizon each window must allow.
        units, learning_rate, batch_size, window, seq_length: the centres;
            default the factory's units and learning rate 1e-3 and the data's
            own settings.
        build: the fixed factory arguments the search will use (`tune`'s
            `build=`): data settings they cannot take are left out (e.g.
            windows shorter than `season_skip`).

    Returns:
        A `space` dict for :func:`tune` (lists, and a range for the learning rate).

    Example:
    >>> import numpy as np
    >>> x, y = np.zeros((8, 5, 2), "float32"), np.zeros(8, "int32")
    >>> default_space((x, y), units=16, batch_size=32)  # doctest: +NORMALIZE_WHITESPACE
    {'cell': ['lstm', 'gru'], 'units': [8, 16, 32], 'layers': [1, 2], 'dropout': [0.0, 0.2],
     'learning_rate': (0.00025, 0.004), 'batch_size': [16, 32, 64]}
    """
    job = make_job(data, validation_data=data if isinstance(data, (tuple, list)) else None,
                   horizon=horizon, build=build)
    defaults = job.data_defaults()
    rate = learning_rate or 1e-3
    space: dict[str, Any] = {
        "cell": ["lstm", "gru"], "units": around(units or _UNITS[job.name]), "layers": [1, 2],
        "dropout": [0.0, 0.2], "learning_rate": (rate / 4, rate * 4)}
    centres = {"batch_size": batch_size, "window": window, "seq_length": seq_length}
    for key in DATA_KEYS[job.name]:
        fits = []
        for value in around(centres[key] or defaults[key]):
            try:
                job.check_data(key, value, key)
            except ValueError:
                continue
            fits.append(value)
        space[key] = fits or [defaults[key]]
    return space


def _results(runner: Runner, search: str) -> TuneResult:
    """The trials table, best first, and the best trial's model and data."""
    import pandas as pd

    if runner.best is None:
        raise ValueError(f"every trial diverged ({len(runner.records)} trials, their "
                         f"{runner.objective} was NaN or infinite): search smaller learning "
                         "rates, e.g. space={'learning_rate': (1e-4, 1e-3)}.")
    table = pd.DataFrame(runner.records)
    table = table.sort_values([runner.objective, "trial"], ascending=[
        runner.direction == "min", True], na_position="last", kind="stable")
    best = runner.best
    return TuneResult(best["model"], best["settings"], table.reset_index(drop=True),
                      runner.objective, search, best["history"],
                      **runner.job.extras(best["data"]))


def tune(data: Any, *, space: dict[str, Any] | None = None,
         param_grid: dict[str, list[Any]] | None = None, search: str | None = None,
         trials: int | None = None, seconds: float | None = None, epochs: int = 20,
         patience: int | None = 5, validation_data: Any = None, objective: str | None = None,
         horizon: int | None = None, vocab: Any = None, build: dict[str, Any] | None = None,
         fit_options: dict[str, Any] | None = None, seed: int = 0,
         directory: str | Path | None = None, verbose: bool = True,
         start: dict[str, Any] | None = None) -> TuneResult:
    """Search the settings of a model and its data with KerasTuner; return the best model.

    See the module docstring for how each kind of data is searched and validated.

    Args:
        data: a `SeriesWindows` (forecaster), a tuple `(x, y)` of arrays
            (classifier, with `validation_data`), or a `str` (text generator).
        space: setting → a list of values (a choice) or a `(low, high)` range;
            default :func:`default_space`.
        param_grid: setting → a list of values: a grid search over their
            product (instead of `space`).
        search: `"grid"`, `"random"`, `"bayesian"` or `"hyperband"`; default
            grid when every entry is a list, else random.
        trials: the most trials to run (default: the whole grid; 10 for a
            random or Bayesian search without `seconds`).
        seconds: start no trial after this many seconds (at least one runs).
        epochs: the most epochs per trial (Hyperband's largest budget).
        patience: early stopping's patience in each trial (`None`: off).
        validation_data: `(x_val, y_val)` for a classifier.
        objective: `"val_loss"` (default), `"val_accuracy"` (classifier), or
            `"val_mase"` (series with `horizon`, its default).
        horizon: (series) score each trial by a backtest of the validation
            part at this many steps ahead.
        vocab: (text) a `CharVocab`; default the text's characters.
        build: fixed arguments of the factory, e.g. `{"num_classes": 10}`,
            `{"l2": 1e-4}`.
        fit_options: more keywords of `rnnkit.training.fit` for every trial,
            e.g. `{"steps_per_epoch": 100}`.
        seed: seeds every model, training and the search (an integer >= 0).
        directory: keep KerasTuner's files there (default: a temporary folder,
            removed at the end).
        verbose: print one line per trial on stderr.
        start: (random and Bayesian search) the settings of the first trial,
            e.g. the model you would train without a search: the best trial is
            then never worse than it on the objective. Settings left out take
            a choice's first value, a range's low end. (A grid tries every
            combination anyway; Hyperband draws its own.)

    Returns:
        A :class:`TuneResult`: `.model`, `.settings`, `.trials`, `.windows` (series),
        `.vocab` (text).

    Raises:
        ValueError: on a bad argument (before any training), or when every
            trial diverged.
        ImportError: when KerasTuner is not installed (`pip install "rnnkit[tune]"`),
            or scikit-learn for `search="bayesian"`.

    Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(64, 6, 1)).astype("float32")
    >>> y = (x.sum(axis=(1, 2)) > 0).astype("int32")
    >>> result = tune((x[:48], y[:48]), validation_data=(x[48:], y[48:]),
    ...               param_grid={"units": [4, 8], "learning_rate": [1e-3, 1e-2]},
    ...               epochs=3)  # doctest: +SKIP
    >>> len(result.trials), result.settings  # doctest: +SKIP
    (4, {'units': 8, 'learning_rate': 0.01})
    """
    keras_tuner()
    job = make_job(data, validation_data=validation_data, vocab=vocab, horizon=horizon,
                   build=build)
    if space is not None and param_grid is not None:
        raise ValueError("space= and param_grid= cannot both be given: param_grid is a grid "
                         "(lists only), space takes lists and (low, high) ranges. Pass one.")
    grid = param_grid is not None
    params = parse_space(job.name, param_grid if grid else space if space is not None
                         else default_space(data, horizon=horizon),
                         "param_grid" if grid else "space")
    search = choose_search(search, params, grid)
    if search == "bayesian":
        require_bayesian()
    trials, seconds = _budget(search, trials, seconds)
    objective = job.check_objective(objective)
    if objective == "val_mase" and getattr(job, "horizon", None) is None:
        raise ValueError("objective='val_mase' scores a backtest of the validation part; it "
                         "needs horizon= (the steps ahead), e.g. horizon=12.")
    both = [p.name for p in params if p.name in job.build_kwargs]
    if both:
        raise ValueError(f"build[{both[0]!r}] is also searched; fix it in build= or search it "
                         "in the space, not both.")
    _check_candidates(job, params)
    start = parse_start(params, start) if start is not None else None
    if seed is None:
        raise ValueError("seed=None: tune needs an integer seed >= 0, e.g. seed=0.")
    runner = Runner(
        job, params, objective, job.objectives[objective], check_int("epochs", epochs),
        check_optional_int("patience", patience, minimum=0), check_seed("seed", seed),
        check_fit_options(fit_options), check_bool("verbose", verbose), math.inf,
        _total(search, params, trials))
    return _search(runner, search, trials, seconds, directory, start)


def _total(search: str, params: list[Param], trials: int | None) -> int | None:
    """How many trials the progress lines count towards (`None` when unknown)."""
    size = grid_size(params)
    if search == "hyperband":
        return trials
    if size is None:
        return trials
    return size if trials is None else min(size, trials)


def _search(runner: Runner, search: str, trials: int | None, seconds: float,
            directory: Any, start: dict[str, Any] | None = None) -> TuneResult:
    """Run the search in KerasTuner's folder (a temporary one unless `directory` is given)."""
    from keras_tuner.errors import FatalError

    temporary = directory is None
    folder = Path(tempfile.mkdtemp(prefix="rnnkit-tune-")) if temporary \
        else check_path("directory", directory, what="folder")
    try:
        tuner = make_tuner(search, runner, trials, folder, start)
        runner.searching, runner.deadline = True, time.perf_counter() + seconds
        try:
            tuner.search()
        except FatalError:
            if runner.error is None:
                raise
            raise runner.error from None
        if runner.verbose and runner.out_of_time() and seconds != math.inf:
            print(f"seconds={seconds:g} spent: {len(runner.records)} trials ran",
                  file=sys.stderr, flush=True)
        return _results(runner, search)
    finally:
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)

