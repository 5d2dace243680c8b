"""Argument checks shared by the public API: one place for the wording of errors.

Every check raises a `ValueError` whose message names the argument, the value
received and what is allowed, so that a user can fix the call without reading
a traceback.
"""

from __future__ import annotations

import numbers
from typing import Any


def check_int(name: str, value: Any, *, minimum: int = 1) -> int:
    """Return `value` as an `int`, or raise if it is not an integer ≥ `minimum`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name}={value!r} must be an integer >= {minimum}.")
    if value < minimum:
        raise ValueError(f"{name}={value!r} is too small: it must be an integer >= {minimum}.")
    return int(value)


def check_optional_int(name: str, value: Any, *, minimum: int = 1) -> int | None:
    """Like :func:`check_int`, but `None` passes through."""
    return None if value is None else check_int(name, value, minimum=minimum)


def check_float(
    name: str,
    value: Any,
    *,
    low: float,
    high: float,
    low_inclusive: bool = True,
    high_inclusive: bool = False,
) -> float:
    """Return `value` as a `float`, or raise if it is not a number in the interval."""
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


def check_bool(name: str, value: Any) -> bool:
    """Return `value` as a `bool`, or raise if it is not `True` or `False` (NumPy bools pass)."""
    if not isinstance(value, bool) and type(value).__name__ != "bool_":
        raise ValueError(f"{name}={value!r} must be True or False.")
    return bool(value)


def check_choice(name: str, value: Any, choices: tuple[Any, ...] | list[Any]) -> Any:
    """Return `value` if it is one of `choices`, or raise naming the allowed values."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name}={value!r} is not supported; use one of {allowed}.")
    return value
