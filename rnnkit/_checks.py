"""Argument checks shared by the whole package: one place for every rule and its wording.

Every check raises a `ValueError` whose message names the argument, the value
received and what is allowed, so that a user can fix the call without reading
a traceback. A command line passes its own option name (`"--seed"`) as `name`,
so the same rule speaks in the caller's words.

The rules that several modules share are written once here: integers, numbers
in an interval, flags, choices, seeds (one rule for the whole package), paths,
learning rates, sampling settings (temperature, top-k, top-p), lists of
column names and the fit between a model's shapes and the data's.

Example:
>>> check_int("units", 16)
16
>>> check_seed("seed", -1)
Traceback (most recent call last):
...
ValueError: seed=-1 is too small: it must be an integer >= 0.
"""

from __future__ import annotations

import math
import numbers
import os
import reprlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: The largest seed: seeds travel as int32 into stateless random ops.
MAX_SEED = 2**31 - 1
#: Small counts as words, for messages.
_COUNTS = {2: "two", 3: "three", 4: "four"}


def check_int(name: str, value: Any, *, minimum: int = 1, maximum: int | None = None) -> int:
    """Return `value` as an `int`, or raise if it is not an integer in `[minimum, maximum]`.

    Example:
    >>> check_int("window", 24)
    24
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name}={value!r} must be an integer >= {minimum}.")
    if value < minimum:
        raise ValueError(f"{name}={value!r} is too small: it must be an integer >= {minimum}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name}={value!r} is too large: it must be an integer <= {maximum}.")
    return int(value)


def check_optional_int(name: str, value: Any, *, minimum: int = 1) -> int | None:
    """Like :func:`check_int`, but `None` passes through.

    Example:
    >>> check_optional_int("output_steps", None) is None
    True
    """
    return None if value is None else check_int(name, value, minimum=minimum)


def check_seed(name: str, value: Any) -> int | None:
    """The one seed rule of rnnkit: `None`, or an integer in `[0, 2**31 - 1]`.

    Example:
    >>> check_seed("seed", 7)
    7
    """
    return None if value is None else check_int(name, value, minimum=0, maximum=MAX_SEED)


def check_float(
    name: str,
    value: Any,
    *,
    low: float,
    high: float,
    low_inclusive: bool = True,
    high_inclusive: bool = False,
) -> float:
    """Return `value` as a `float`, or raise if it is not a number in the interval.

    Example:
    >>> check_float("dropout", 0.2, low=0.0, high=1.0)
    0.2
    """
    left = "[" if low_inclusive else "("
    right = "]" if high_inclusive else ")"
    interval = f"{left}{low}, {high}{right}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}={value!r} must be a number in {interval}.")
    value = float(value)
    above = value >= low if low_inclusive else value > low
    below = value <= high if high_inclusive else value < high
    if not (above and below):
        raise ValueError(f"{name}={value!r} is outside {interval}.")
    return value


def check_positive_float(name: str, value: Any) -> float:
    """A finite-or-not number > 0, e.g. a learning rate.

    Example:
    >>> check_positive_float("learning_rate", 0.01)
    0.01
    """
    return check_float(name, value, low=0.0, high=float("inf"), low_inclusive=False)


def check_bool(name: str, value: Any) -> bool:
    """Return `value` as a `bool`, or raise if it is not `True` or `False` (NumPy bools pass).

    Example:
    >>> check_bool("shuffle", True)
    True
    """
    if not isinstance(value, bool) and type(value).__name__ != "bool_":
        raise ValueError(f"{name}={value!r} must be True or False.")
    return bool(value)


def check_choice(name: str, value: Any, choices: tuple[Any, ...] | list[Any]) -> Any:
    """Return `value` if it is one of `choices`, or raise naming the allowed values.

    Example:
    >>> check_choice("scale", "minmax", ("standard", "minmax", None))
    'minmax'
    """
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name}={value!r} is not supported; use one of {allowed}.")
    return value


def check_path(name: str, value: Any, *, what: str = "file", example: str = "") -> Path:
    """Return `value` as a `Path`, or raise if it is not a non-empty str / `os.PathLike`.

    Args:
        name: the argument's name, e.g. `"path"`.
        value: what the caller passed.
        what: `"file"` or `"folder"`, for the message.
        example: an example call, appended to the message.

    Example:
    >>> check_path("path", "out/model")
    PosixPath('out/model')
    """
    if not isinstance(value, (str, os.PathLike)) or not str(value):
        hint = f", e.g. {example}" if example else ""
        raise ValueError(f"{name}={reprlib.repr(value)} must be a {what} path (a str or "
                         f"pathlib.Path){hint}.")
    return Path(value)


def check_names(name: str, value: Any) -> list[str] | None:
    """A column name or a list of column names, as a list (`None` passes through).

    Example:
    >>> check_names("target", "passengers")
    ['passengers']
    """
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ValueError(f"{name}={value!r} must be a column name or a list of column names.")


def check_top_k(name: str, value: Any, vocab_size: int | None = None) -> int | None:
    """`None`, or an integer in `[1, vocab_size]`.

    Example:
    >>> check_top_k("top_k", 5, vocab_size=65)
    5
    """
    value = check_optional_int(name, value)
    if value is not None and vocab_size is not None and value > vocab_size:
        raise ValueError(f"{name}={value} is larger than the vocabulary ({vocab_size} "
                         f"characters); use 1 <= top_k <= {vocab_size}, or None.")
    return value


def check_top_p(name: str, value: Any) -> float | None:
    """`None`, or a number in `(0, 1]`.

    Example:
    >>> check_top_p("top_p", 0.9)
    0.9
    """
    if value is None:
        return None
    return check_float(name, value, low=0.0, high=1.0, low_inclusive=False,
                       high_inclusive=True)


def check_temperatures(name: str, value: Any, count: int, *, what: str) -> list[float]:
    """`value` (one number ≥ 0, or a list of `count` numbers) as `count` floats.

    Args:
        name: the argument's name, e.g. `"temperature"`.
        value: a number ≥ 0 (0 = greedy) or a sequence of them.
        count: how many values are needed (one per sample or row).
        what: what the values are for, plural, e.g. `"samples"`.

    Example:
    >>> check_temperatures("temperature", 0.5, 2, what="samples")
    [0.5, 0.5]
    """
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        values, label = [value] * count, name
    else:
        values, label = list(getattr(value, "ravel", lambda: value)()), name + "[{}]"
        if len(values) != count:
            raise ValueError(
                f"{name} has {len(values)} values but there are {count} {what}; pass one "
                f"{name} per {what[:-1]}, or a single number for all.")
    out = []
    for i, item in enumerate(values):
        shown = label.format(i)
        if isinstance(item, bool) or not isinstance(item, numbers.Real):
            raise ValueError(f"{shown}={item!r} must be a number >= 0 (0 = greedy).")
        if not float(item) < float("inf") or item < 0:
            raise ValueError(f"{shown}={item!r} is invalid: use a finite number >= 0 "
                             "(0 = greedy, 1 = the model's own distribution).")
        out.append(float(item))
    return out


def shape_fits(expected: Sequence[int | None], got: Sequence[int | None]) -> bool:
    """True when two shapes have the same rank and agree wherever both are known.

    `None` (a variable dimension) matches anything.

    Example:
    >>> shape_fits((None, 28), (28, 28)), shape_fits((24, 1), (24, 2))
    (True, False)
    """
    expected, got = tuple(expected), tuple(got)
    return len(expected) == len(got) and all(
        e is None or g is None or e == g for e, g in zip(expected, got, strict=True))


def check_fractions(name: str, value: Any, parts: Sequence[str],
                    example: str) -> tuple[float, ...]:
    """Fractions, one per part, each > 0 and summing to 1.

    Args:
        name: the argument's name, e.g. `"split"`.
        value: the fractions the caller passed.
        parts: the name of each part, e.g. `("train", "val", "test")`.
        example: a valid value, for the message, e.g. `"(0.7, 0.15, 0.15)"`.

    Example:
    >>> check_fractions("split", (0.8, 0.1, 0.1), ("train", "val", "test"), "(0.7, 0.15, 0.15)")
    (0.8, 0.1, 0.1)
    """
    names = ", ".join(parts)
    count = _COUNTS.get(len(parts), str(len(parts)))
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != len(parts):
        raise ValueError(f"{name}={value!r} must be {count} fractions ({names}), "
                         f"e.g. {example}.")
    out = []
    for part, fraction in zip(parts, value, strict=True):
        if isinstance(fraction, bool) or not isinstance(fraction, numbers.Real) \
                or not math.isfinite(fraction) or fraction <= 0:
            raise ValueError(f"{name}={tuple(value)!r}: the {part} fraction {fraction} must be "
                             f"a number > 0, e.g. {name}={example}.")
        out.append(float(fraction))
    if abs(sum(out) - 1.0) > 1e-6:
        raise ValueError(f"{name}={tuple(value)!r} sums to {sum(out):g}; the {count} "
                         f"fractions ({names}) must sum to 1, e.g. {example}.")
    return tuple(out)
