"""The search space of :func:`rnnkit.tune`: which settings each job searches, and their checks.

A space maps a setting to its candidates: a list is a choice (a KerasTuner
`Choice`), a `(low, high)` tuple of numbers a range (`Int`, or `Float` with
log sampling for `learning_rate`). A `param_grid` holds only lists and means a
grid search over their product. Every rule is data (:data:`RULES`: the kind
of each setting and the check of one value, from `rnnkit._checks`), and every
message about a space follows one template (:data:`TEMPLATE`): the entry, the
value, what is wrong, and the fix.

Settings are of two sorts: model settings (the keywords of the job's factory,
e.g. `units`) and data settings (`batch_size`; `window` for series,
`seq_length` for text), which :mod:`rnnkit._tuning_jobs` applies to the data.

Example:
>>> [p.name for p in parse_space("forecaster", {"units": [8, 16], "learning_rate": (1e-3, 1e-1)})]
['units', 'learning_rate']
>>> parse_space("forecaster", {"unit": [8]})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: space['unit'] is not a setting of a forecaster. The settings are ...
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rnnkit._checks import (
    check_bool,
    check_choice,
    check_float,
    check_int,
    check_positive_float,
)

__all__ = ["RULES", "MODEL_KEYS", "DATA_KEYS", "SEARCHES", "TEMPLATE", "Param", "parse_space",
           "choose_search", "register", "grid_size", "around", "bad", "parse_start"]

#: The searches: KerasTuner's GridSearch, RandomSearch, BayesianOptimization, Hyperband.
SEARCHES = ("grid", "random", "bayesian", "hyperband")
#: The one template of every message about a space entry.
TEMPLATE = "{where}={value} {problem}. {fix}"


def bad(where: str, value: Any, problem: str, fix: str) -> ValueError:
    """A `ValueError` in the one template: the entry, its value, what is wrong, the fix.

    Example:
    >>> str(bad("space['units']", 16, "is not a list or a range", "Use [16, 32]."))
    "space['units']=16 is not a list or a range. Use [16, 32]."
    """
    return ValueError(TEMPLATE.format(where=where, value=_shown(value), problem=problem,
                                      fix=fix))


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _cell(name: str, value: Any) -> str:
    from rnnkit.cells import resolve_cell

    try:
        return resolve_cell(value)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def _count(name: str, value: Any) -> int:
    return check_int(name, value, minimum=1)


def _fraction(name: str, value: Any) -> float:
    return check_float(name, value, low=0.0, high=1.0)


@dataclass(frozen=True)
class Rule:
    """How one setting is searched: `kind` (`"int"`, `"float"`, `"log"` or `"choice"`:
    lists only), the check of one value, and an example space entry."""

    kind: str
    check: Callable[[str, Any], Any]
    example: str


#: Every searchable setting: its kind, its check and an example.
RULES: dict[str, Rule] = {
    "cell": Rule("choice", _cell, "['lstm', 'gru']"),
    "units": Rule("int", _count, "[32, 64, 128]"),
    "layers": Rule("int", _count, "[1, 2]"),
    "bidirectional": Rule("choice", check_bool, "[False, True]"),
    "dropout": Rule("float", _fraction, "[0.0, 0.2]"),
    "recurrent_dropout": Rule("float", _fraction, "[0.0, 0.2]"),
    "learning_rate": Rule("log", check_positive_float, "(1e-4, 1e-2)"),
    "embedding_dim": Rule("int", _count, "[32, 64]"),
    "batch_size": Rule("int", _count, "[32, 64]"),
    "window": Rule("int", _count, "[12, 24, 36]"),
    "seq_length": Rule("int", _count, "[50, 100]"),
}
_COMMON = ("cell", "units", "layers", "dropout", "recurrent_dropout", "learning_rate")
#: The factory keywords each job searches.
MODEL_KEYS = {"classifier": (*_COMMON, "bidirectional", "embedding_dim"),
              "forecaster": (*_COMMON, "bidirectional"),
              "generator": (*_COMMON, "embedding_dim")}
#: The data settings each job searches.
DATA_KEYS = {"classifier": ("batch_size",), "forecaster": ("window", "batch_size"),
             "generator": ("seq_length", "batch_size")}
_FACTORY = {"classifier": "build_classifier", "forecaster": "build_seq2seq",
            "generator": "build_generator"}


@dataclass(frozen=True)
class Param:
    """One searched setting: a choice among `values`, or a range `low..high`.

    Example:
    >>> Param("units", "int", values=(8, 16)).choices
    (8, 16)
    """

    name: str
    kind: str
    values: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None

    @property
    def choices(self) -> tuple[Any, ...] | None:
        """The candidates of a choice; `None` for a range."""
        return self.values

    def candidates(self) -> tuple[Any, ...]:
        """The values to check against the data: the choices, or a range's two ends."""
        return self.values if self.values is not None else (self.low, self.high)


def _allowed(job: str) -> str:
    return ", ".join(sorted(MODEL_KEYS[job] + DATA_KEYS[job]))


def _check_key(job: str, arg: str, key: Any) -> str:
    if isinstance(key, str) and key in MODEL_KEYS[job] + DATA_KEYS[job]:
        return key
    fix = (f"The settings are {_allowed(job)}; fixed arguments of {_FACTORY[job]} go in "
           "build=, e.g. build={'l2': 1e-4}.")
    raise ValueError(f"{arg}[{key!r}] is not a setting of a {job}. {fix}")


def _choice(arg: str, key: str, value: Any, rule: Rule) -> Param:
    where = f"{arg}[{key!r}]"
    if not value:
        raise bad(where, value, "is empty", f"Give at least one value, e.g. {rule.example}.")
    values = [rule.check(f"{where}[{i}]", v) for i, v in enumerate(value)]
    if rule.kind in ("float", "log"):
        values = [float(v) for v in values]
    return Param(key, rule.kind, values=tuple(dict.fromkeys(values)))


def _range(arg: str, key: str, value: tuple[Any, ...], rule: Rule) -> Param:
    where = f"{arg}[{key!r}]"
    if rule.kind == "choice":
        raise bad(where, value, f"is a range, but {key} takes a list of choices",
                  f"Use a list, e.g. {rule.example}.")
    if len(value) != 2 or not all(isinstance(v, numbers.Real) and not isinstance(v, bool)
                                  for v in value):
        raise bad(where, value, "is not a (low, high) range of two numbers",
                  f"Use a (low, high) tuple or a list of values, e.g. {rule.example}.")
    low, high = (rule.check(f"{where}[{i}]", v) for i, v in enumerate(value))
    if not low < high:
        raise bad(where, value, "has low >= high",
                  f"Give (low, high) with low < high, or a one-value list [{low!r}].")
    if rule.kind == "int":
        return Param(key, "int", low=int(low), high=int(high))
    return Param(key, rule.kind, low=float(low), high=float(high))


def _entry(arg: str, key: str, value: Any) -> Param:
    """One space entry as a `Param`, every value checked."""
    rule = RULES[key]
    if isinstance(value, list):
        return _choice(arg, key, value, rule)
    if isinstance(value, tuple) and arg == "space":
        return _range(arg, key, value, rule)
    if arg == "param_grid":
        raise bad(f"{arg}[{key!r}]", value, "is not a list",
                  f"A grid takes a list of values per setting, e.g. {rule.example}; ranges "
                  "go in space= (random, bayesian or hyperband search).")
    raise bad(f"{arg}[{key!r}]", value, "is neither a list of values nor a (low, high) range",
              f"Use a list (a choice) or a tuple (a range), e.g. {rule.example}.")


def parse_space(job: str, space: Any, arg: str = "space") -> list[Param]:
    """The entries of a `space` (or `param_grid`, with `arg="param_grid"`) as checked `Param`s.

    Args:
        job: `"classifier"`, `"forecaster"` or `"generator"`.
        space: a dict of setting → list of values, or (space only) `(low, high)`.
        arg: the argument's name, for messages.

    Returns:
        One `Param` per entry, in the dict's order.

    Raises:
        ValueError: naming the entry, the allowed settings and the fix.

    Example:
    >>> parse_space("classifier", {"cell": ["LSTM", "gru"]})[0].choices
    ('lstm', 'gru')
    """
    if not isinstance(space, Mapping):
        raise bad(arg, space, "is not a dict",
                  f"Map each setting to its values, e.g. {arg}={{'units': [32, 64], "
                  "'learning_rate': [1e-3, 1e-2]}.")
    if not space:
        raise bad(arg, dict(space), "is empty",
                  f"Name at least one setting to search: {_allowed(job)}.")
    return [_entry(arg, _check_key(job, arg, key), value) for key, value in space.items()]


def choose_search(search: Any, params: list[Param], grid: bool) -> str:
    """The search to run: `search` checked against the space, else grid or random.

    A `param_grid` (`grid=True`) means a grid search; `search=None` picks a
    grid when every entry is a list, else a random search.

    Example:
    >>> choose_search(None, [Param("units", "int", low=8, high=64)], grid=False)
    'random'
    """
    if search is not None:
        check_choice("search", search, SEARCHES)
    if grid and search not in (None, "grid"):
        raise ValueError(f"param_grid= means a grid search, but search={search!r}. Pass the "
                         f"lists as space= for a {search} search, or leave search out.")
    ranges = [p.name for p in params if p.values is None]
    if search == "grid" and ranges:
        raise bad(f"space[{ranges[0]!r}]", _range_of(params, ranges[0]),
                  "is a range, but a grid needs lists of values",
                  f"Give a list, e.g. {RULES[ranges[0]].example}, or search='random'.")
    return search or ("random" if ranges else "grid")


def _range_of(params: list[Param], name: str) -> tuple[Any, Any]:
    param = next(p for p in params if p.name == name)
    return (param.low, param.high)


def grid_size(params: list[Param]) -> int | None:
    """How many combinations the choices make; `None` when a setting is a range.

    Example:
    >>> grid_size([Param("units", "int", values=(8, 16)), Param("cell", "choice", ("gru",))])
    2
    """
    if any(p.values is None for p in params):
        return None
    return math.prod(len(p.values) for p in params)  # type: ignore[arg-type]


def parse_start(params: list[Param], start: Any) -> dict[str, Any]:
    """The settings of a search's first trial (`tune(start=)`), each checked against its entry.

    Args:
        params: the searched settings (:func:`parse_space`).
        start: setting → value; each value one of its entry's choices, or inside
            its range. Settings left out take KerasTuner's default (a choice's
            first value, a range's low end).

    Returns:
        The checked values (a cell name resolved, a rate as a float).

    Raises:
        ValueError: naming the entry, the value and the fix.

    Example:
    >>> params = parse_space("forecaster", {"units": [8, 16], "cell": ["lstm", "gru"]})
    >>> parse_start(params, {"units": 16, "cell": "GRU"})
    {'units': 16, 'cell': 'gru'}
    """
    if not isinstance(start, Mapping):
        raise bad("start", start, "is not a dict", "Map searched settings to the values "
                  "to try first, e.g. start={'units': 64}.")
    by_name = {p.name: p for p in params}
    values = {}
    for key, value in start.items():
        where = f"start[{key!r}]"
        if key not in by_name:
            raise bad(where, value, "is not a searched setting",
                      f"Give only settings of the space: {', '.join(by_name)}.")
        param = by_name[key]
        value = RULES[key].check(where, value)
        if param.values is not None and value not in param.values:
            raise bad(where, value, "is not one of the space's choices",
                      f"Pick one of {list(param.values)}, or add it to the space.")
        if param.values is None and not param.low <= value <= param.high:  # type: ignore
            raise bad(where, value, "lies outside the space's range",
                      f"Pick a value in [{param.low}, {param.high}], or widen the range.")
        values[key] = value
    return values


def register(hp: Any, params: list[Param]) -> Any:
    """Declare the params on a `keras_tuner.HyperParameters` (choices, ranges); return it."""
    for p in params:
        if p.values is not None:
            hp.Choice(p.name, list(p.values))
        elif p.kind == "int":
            hp.Int(p.name, int(p.low), int(p.high))
        else:
            hp.Float(p.name, p.low, p.high, sampling="log" if p.kind == "log" else "linear")
    return hp


def around(value: int) -> list[int]:
    """Half, the value and twice it (at least 1), for a default space.

    Example:
    >>> around(16), around(1)
    ([8, 16, 32], [1, 2])
    """
    return sorted({max(1, value // 2), value, 2 * value})
