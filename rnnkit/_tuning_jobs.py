"""The three jobs :func:`rnnkit.tune` searches: what each builds, trains on and scores.

:func:`make_job` dispatches on the data: a `SeriesWindows` is a forecaster
(:func:`rnnkit.models.build_seq2seq`; validation = the windows' val part,
in time order), a tuple `(x, y)` of arrays with `validation_data` a
classifier (:func:`rnnkit.models.build_classifier`), a `str` a character
generator (:func:`rnnkit.models.build_generator`; validation = the last tenth
of the text). Each job applies the data settings (`batch_size`, `window`,
`seq_length`), builds a model from the model settings, hands the data to
`rnnkit.training.fit` and scores a trained model on the objective.

Example:
>>> from rnnkit.series import SeriesWindows
>>> job = make_job(SeriesWindows(list(range(80)), window=4, seed=0))
>>> job.name, job.data_defaults(), job.default_objective
('forecaster', {'window': 4, 'batch_size': 32}, 'val_loss')
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from rnnkit._checks import check_int
from rnnkit._tuning_space import bad

__all__ = ["Job", "make_job", "check_fit_options", "HELD_OUT"]

#: The share of a text held out, at its end, to validate a character model.
HELD_OUT = 0.1
#: The `rnnkit.training.fit` keywords that `tune` sets itself.
_OWN_FIT_KEYS = ("x", "y", "validation_data", "epochs", "patience", "seed", "verbose",
                 "batch_size", "monitor", "backup_dir", "resume", "initial_epoch", "shuffle")


class Job:
    """What one job needs: its name, settings, data, model and objective (a base class)."""

    name = ""
    factory = ""
    #: The objectives (`name → "min"/"max"`) and the one used by default.
    objectives: dict[str, str] = {"val_loss": "min"}
    default_objective = "val_loss"
    inferred: tuple[str, ...] = ()  # factory arguments the job takes from the data

    def __init__(self, build: Any = None):
        self.build_kwargs = self._check_build(build)

    def _check_build(self, build: Any) -> dict[str, Any]:
        from rnnkit import models

        if build is None:
            return {}
        if not isinstance(build, Mapping):
            raise bad("build", build, "is not a dict",
                      f"Give fixed arguments of {self.factory}, e.g. build={{'l2': 1e-4}}.")
        allowed = [n for n in inspect.signature(getattr(models, self.factory)).parameters
                   if n not in self.inferred or n in self._overridable()]
        for key in build:
            if key not in allowed:
                raise ValueError(f"build[{key!r}] is not an argument {self.name} search can "
                                 f"fix; use {', '.join(sorted(allowed))} (the data set the "
                                 f"others).")
        return dict(build)

    def _overridable(self) -> tuple[str, ...]:
        return ()

    # -- data settings -------------------------------------------------------------------
    def data_defaults(self) -> dict[str, Any]:
        """The data settings used when they are not searched."""
        raise NotImplementedError

    def check_data(self, key: str, value: Any, where: str) -> None:
        """Refuse a data-setting candidate the data cannot take (default: any goes)."""

    def check_space(self, candidates: dict[str, tuple[Any, ...]]) -> None:
        """Refuse a combination of candidates the job cannot build (default: any goes)."""

    def extras(self, data: dict[str, Any]) -> dict[str, Any]:
        """What the result carries besides the model (`windows`, `vocab`)."""
        return {}

    # -- a trial -------------------------------------------------------------------------
    def build(self, model: dict[str, Any], data: dict[str, Any], seed: int) -> Any:
        raise NotImplementedError

    def fit_data(self, data: dict[str, Any], seed: int, options: dict[str, Any]
                 ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """The positional data and the keywords of `rnnkit.training.fit` for a trial."""
        raise NotImplementedError

    def score(self, objective: str, model: Any, history: Any, data: dict[str, Any]) -> float:
        """The trial's objective: the best epoch's value (the weights kept are that epoch's)."""
        values = [v for v in history.history.get(objective, []) if math.isfinite(v)]
        if not values:
            return math.nan
        return min(values) if self.objectives[objective] == "min" else max(values)

    def check_objective(self, objective: Any) -> str:
        if objective is None:
            return self.default_objective
        if objective not in self.objectives:
            allowed = ", ".join(repr(o) for o in self.objectives)
            raise ValueError(f"objective={objective!r} is not an objective of a {self.name} "
                             f"search; use one of {allowed}.")
        return objective


# ============================================================================ forecaster

class Forecaster(Job):
    name, factory = "forecaster", "build_seq2seq"
    objectives = {"val_loss": "min", "val_mase": "min"}
    inferred = ("input_shape", "output_dim", "output_steps")

    def __init__(self, windows: Any, *, horizon: Any = None, build: Any = None):
        super().__init__(build)
        self.windows = windows
        self.horizon = None if horizon is None else check_int("horizon", horizon)
        self.default_objective = "val_loss" if horizon is None else "val_mase"
        self._cache: dict[tuple[int, int], Any] = {}
        if self.horizon is not None:
            self._check_horizon(windows, "horizon")

    def data_defaults(self) -> dict[str, Any]:
        return {"window": self.windows.window, "batch_size": self.windows.batch_size}

    def windows_for(self, data: dict[str, Any]) -> Any:
        """The windows with these settings (the given windows when they are unchanged)."""
        from rnnkit.series import SeriesWindows

        key = (data["window"], data["batch_size"])
        if key == (self.windows.window, self.windows.batch_size):
            return self.windows
        if key not in self._cache:
            old = self.windows
            fresh = SeriesWindows(old.frame, **{**old.spec.to_dict(), "window": key[0],
                                               "batch_size": key[1]})
            read = old.to_config(include_data=False)["read_series"]
            if read:  # keep how the file was read, for bundles and .apply(path)
                config = {**fresh.to_config(include_data=False), "read_series": read}
                fresh = SeriesWindows.from_config(config, data=fresh.frame)
            self._cache[key] = fresh
        return self._cache[key]

    def _check_horizon(self, windows: Any, where: str) -> None:
        from rnnkit.series.backtest import longest_horizon

        longest = longest_horizon(windows, "val")
        if self.horizon is not None and self.horizon > longest:
            raise ValueError(
                f"{where}: horizon={self.horizon} is longer than the validation part allows "
                f"with window={windows.window} (at most {max(longest, 0)} steps ahead); use a "
                "smaller horizon or window, or a larger validation split.")

    def check_data(self, key: str, value: Any, where: str) -> None:
        settings = {**self.data_defaults(), key: value}
        try:
            windows = self.windows_for(settings)
        except ValueError as exc:
            raise ValueError(f"{where}={value!r}: {exc}") from None
        self._check_horizon(windows, f"{where}={value!r}")
        season = self.build_kwargs.get("season_skip")
        if season is not None and windows.window < season:  # build_seq2seq would refuse it
            raise ValueError(f"{where}={value!r}: build={{'season_skip': {season}}} needs a "
                             f"window of at least one season; search windows >= {season}.")

    def check_space(self, names: dict[str, tuple[Any, ...]]) -> None:
        if True in names.get("bidirectional", ()) and self.windows.output_steps is None:
            raise ValueError("space['bidirectional'] holds True, but the windows are "
                             "many-to-many (output_steps=None): each step's prediction would "
                             "read the future. Search it only with SeriesWindows(..., "
                             "output_steps=k), or drop True.")

    def extras(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"windows": self.windows_for(data)}

    def build(self, model: dict[str, Any], data: dict[str, Any], seed: int) -> Any:
        from rnnkit.models import build_seq2seq

        w = self.windows_for(data)
        return build_seq2seq(w.input_shape, output_dim=w.output_dim,
                             output_steps=w.output_steps, seed=seed,
                             **{**self.build_kwargs, **model})

    def fit_data(self, data: dict[str, Any], seed: int, options: dict[str, Any]
                 ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        w = self.windows_for(data)  # a fresh training set: each trial sees the same batches
        return (w.dataset("train", fresh=True),), {"validation_data": w.val, **options}

    def score(self, objective: str, model: Any, history: Any, data: dict[str, Any]) -> float:
        if objective != "val_mase":
            return super().score(objective, model, history, data)
        if not history.history.get("val_loss") or \
                not all(math.isfinite(v) for v in history.history["val_loss"]):
            return math.nan  # diverged: its forecasts mean nothing
        table = self.windows_for(data).backtest(model, self.horizon, split="val")
        return float(table.loc["model", "MASE"])


# ============================================================================ classifier

def _split_arrays(name: str, value: Any) -> tuple[np.ndarray, np.ndarray]:
    """`(x, y)` as arrays: x `(n, steps, features)` floats or `(n, steps)` ids, y labels."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise bad(name, type(value).__name__, "is not a pair (x, y) of arrays",
                  f"Pass {name}=(x, y): sequences and their integer labels.")
    x, y = np.asarray(value[0]), np.asarray(value[1])
    if x.ndim not in (2, 3) or x.dtype.kind not in "iuf" or not len(x):
        raise bad(f"{name}[0]", f"<array {x.shape} {x.dtype}>", "is not a batch of sequences",
                  "Give floats of shape (n, timesteps, features), or token ids (integers) "
                  "of shape (n, timesteps).")
    y = y.reshape(-1) if y.ndim == 2 and y.shape[1] == 1 else y
    if y.shape != (len(x),) or y.dtype.kind not in "iu" or (y < 0).any():
        raise bad(f"{name}[1]", f"<array {y.shape} {y.dtype}>", "is not one label per sequence",
                  f"Give integer labels 0..num_classes-1 of shape ({len(x)},).")
    if x.dtype.kind == "f" and not np.isfinite(x).all():
        raise bad(f"{name}[0]", "<array with NaN or inf>", "holds non-finite values",
                  "Fill or drop them first (numpy.isfinite(x).all() must be True).")
    return x, y.astype("int32")


class Classifier(Job):
    name, factory = "classifier", "build_classifier"
    objectives = {"val_loss": "min", "val_accuracy": "max"}
    inferred = ("input_shape", "num_classes", "vocab_size")

    def __init__(self, data: Any, validation_data: Any, *, build: Any = None):
        super().__init__(build)
        if validation_data is None:
            raise ValueError("validation_data=(x_val, y_val) is needed to search a classifier: "
                             "each trial is scored on it (tune never shuffles a split off the "
                             "training data).")
        self.train = _split_arrays("data", data)
        self.val = _split_arrays("validation_data", validation_data)
        (x, y), (xv, yv) = self.train, self.val
        tokens = x.ndim == 2 and x.dtype.kind in "iu"
        if x.ndim == 2 and not tokens:  # one float feature per step
            self.train, self.val = (x[..., None], y), (xv[..., None], yv)
        if self.train[0].shape[1:] != self.val[0].shape[1:]:
            raise ValueError(f"data has sequences of shape {self.train[0].shape[1:]} but "
                             f"validation_data of shape {self.val[0].shape[1:]}; they must "
                             "match.")
        self.inferred_kwargs: dict[str, Any] = {
            "input_shape": self.train[0].shape[1:],
            "num_classes": max(int(max(y.max(), yv.max())) + 1, 2)}
        if tokens:
            self.inferred_kwargs["vocab_size"] = max(int(max(x.max(), xv.max())) + 1, 2)

    def _overridable(self) -> tuple[str, ...]:
        return ("num_classes", "vocab_size")

    def data_defaults(self) -> dict[str, Any]:
        return {"batch_size": 32}

    def build(self, model: dict[str, Any], data: dict[str, Any], seed: int) -> Any:
        from rnnkit.models import build_classifier

        kwargs = {**self.inferred_kwargs, **self.build_kwargs, **model}
        return build_classifier(kwargs.pop("input_shape"), kwargs.pop("num_classes"),
                                seed=seed, **kwargs)

    def fit_data(self, data: dict[str, Any], seed: int, options: dict[str, Any]
                 ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        return self.train, {"validation_data": self.val, "batch_size": data["batch_size"],
                            **options}


# ============================================================================ generator

class Generator(Job):
    name, factory = "generator", "build_generator"
    inferred = ("vocab_size",)

    def __init__(self, text: str, vocab: Any = None, *, build: Any = None):
        from rnnkit.text import CharVocab
        from rnnkit.text.chars import check_text

        super().__init__(build)
        check_text(text, "data")
        self.vocab = CharVocab.from_text(text) if vocab is None else vocab
        if not isinstance(self.vocab, CharVocab):
            raise ValueError(f"vocab is a {type(vocab).__name__}; pass a CharVocab "
                             "(CharVocab.from_text(text)), or leave it out.")
        missing = sorted(set(text) - set(self.vocab.chars))
        if missing:
            raise ValueError(f"data holds {len(missing)} character(s) outside vocab: "
                             f"{''.join(missing[:20])!r}. Leave vocab= out (the text's own "
                             "characters), or give a CharVocab that holds them.")
        held = max(1, int(len(text) * HELD_OUT))
        self.train_text, self.val_text = text[:-held], text[-held:]
        if len(self.val_text) < 2:
            raise ValueError(f"data has {len(text)} characters; its last tenth (the "
                             "validation text) needs at least 2. Pass a longer text.")

    def data_defaults(self) -> dict[str, Any]:
        return {"seq_length": min(100, len(self.val_text) - 1), "batch_size": 64}

    def check_data(self, key: str, value: Any, where: str) -> None:
        longest = len(self.val_text) - 1
        if key == "seq_length" and value > longest:
            raise bad(where, value, f"is too long for the validation text (the last tenth of "
                      f"the data: {len(self.val_text)} characters)",
                      f"Use seq_length <= {longest}, or a longer text.")

    def extras(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"vocab": self.vocab}

    def build(self, model: dict[str, Any], data: dict[str, Any], seed: int) -> Any:
        from rnnkit.models import build_generator

        return build_generator(len(self.vocab), seed=seed, **{**self.build_kwargs, **model})

    def fit_data(self, data: dict[str, Any], seed: int, options: dict[str, Any]
                 ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        from rnnkit.text import text_dataset

        length, batch = data["seq_length"], data["batch_size"]
        train = text_dataset(self.train_text, self.vocab, seq_length=length, batch_size=batch,
                             seed=seed)
        if options.get("steps_per_epoch"):  # epochs of a set number of batches
            train = train.repeat()
        val = text_dataset(self.val_text, self.vocab, seq_length=length, batch_size=batch,
                           shuffle=False)
        return (train,), {"validation_data": val, **options}


# ============================================================================ dispatch

def make_job(data: Any, *, validation_data: Any = None, vocab: Any = None, horizon: Any = None,
             build: Any = None) -> Job:
    """The job of `data`: windows → forecaster, `(x, y)` → classifier, text → generator.

    Raises:
        ValueError: on data of another kind, or an argument the job does not take.
    """
    from rnnkit.series import SeriesWindows

    extra = {"validation_data": validation_data, "vocab": vocab, "horizon": horizon}
    takes = {"forecaster": ("horizon",), "classifier": ("validation_data",),
             "generator": ("vocab",)}
    if isinstance(data, SeriesWindows):
        job: Job = Forecaster(data, horizon=horizon, build=build)
    elif isinstance(data, str):
        job = Generator(data, vocab, build=build)
    elif isinstance(data, (tuple, list)):
        job = Classifier(data, validation_data, build=build)
    else:
        raise bad("data", type(data).__name__, "is not data tune can search on",
                  "Pass a SeriesWindows (forecaster), a tuple (x, y) of arrays with "
                  "validation_data=(x_val, y_val) (classifier), or a str (text generator).")
    for name, value in extra.items():
        if value is not None and name not in takes[job.name]:
            raise ValueError(f"{name}= does not apply to a {job.name} search; leave it out.")
    return job


def check_fit_options(options: Any) -> dict[str, Any]:
    """`fit_options`: more keywords of `rnnkit.training.fit`, none that `tune` sets itself."""
    if options is None:
        return {}
    if not isinstance(options, Mapping):
        raise bad("fit_options", options, "is not a dict",
                  "Give more keywords of rnnkit.training.fit, e.g. {'steps_per_epoch': 100}.")
    for key in options:
        if key in _OWN_FIT_KEYS:
            raise ValueError(f"fit_options[{key!r}] is set by tune itself; use tune's own "
                             "arguments (epochs=, patience=, seed=, space={'batch_size': "
                             "[...]}) instead.")
    return dict(options)

