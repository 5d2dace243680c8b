"""JSON documents checked against a schema before anything is built from them.

A schema is data: a `dict` for a JSON object (key → schema of its value;
:class:`Key` marks a key that may be absent), :class:`ListOf` for a list, and
a :class:`Rule` (what the value must be, in words, and the test) for
everything else. :func:`check_document` walks a document and raises at the
first value that breaks its rule, with one message template
(:data:`TEMPLATE`): where the value is, the value, and what it must be.
Keys the schema does not name are left alone (a later rnnkit of the same
format version may add some).

Example:
>>> schema = {"window": INT, "scale": ListOf(NUMBER, length="columns"),
...           "columns": ListOf(STR), Key("note"): nullable(STR)}
>>> check_document({"window": 4, "scale": [1.0], "columns": ["v"]}, schema)
>>> check_document({"window": 4, "scale": [1.0, 2.0], "columns": ["v"]}, schema)
Traceback (most recent call last):
...
ValueError: scale=[1.0, 2.0] must be a list of 1 item(s) (as many as columns)
"""

from __future__ import annotations

import math
import numbers
import reprlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["TEMPLATE", "Rule", "Key", "ListOf", "check_document", "nullable", "one_of",
           "integer", "STR", "INT", "BOOL", "NUMBER", "OBJECT", "ANY"]

#: The one message of a broken rule: where the value is, the value, and what it must be.
TEMPLATE = "{where}={value} must be {expected}"

_shown = reprlib.Repr()
_shown.maxstring, _shown.maxother, _shown.maxlist, _shown.maxdict = 60, 60, 4, 4


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


@dataclass(frozen=True)
class Rule:
    """A leaf rule: `expected` says in words what passes `test`.

    Example:
    >>> Rule("an even integer", lambda v: v % 2 == 0).test(4)
    True
    """

    expected: str
    test: Callable[[Any], bool]


@dataclass(frozen=True)
class Key:
    """A key of an object that may be absent (when present, its schema applies).

    Example:
    >>> Key("season").name
    'season'
    """

    name: str


@dataclass(frozen=True)
class ListOf:
    """A list whose items each follow `item`.

    Attributes:
        item: the schema of each item.
        length: the exact length (an int), or the name of a key of the nearest
            enclosing object whose list it must match in length.
        min_length: the smallest length.
    """

    item: Any
    length: int | str | None = None
    min_length: int = 0


def _real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def integer(minimum: int | None = None) -> Rule:
    """An integer (not a bool), at least `minimum` when given.

    Example:
    >>> integer(1).test(0), integer(1).expected
    (False, 'an integer >= 1')
    """
    words = "an integer" + ("" if minimum is None else f" >= {minimum}")
    return Rule(words, lambda v: isinstance(v, numbers.Integral) and not isinstance(v, bool)
                and (minimum is None or v >= minimum))


def one_of(choices: Sequence[Any]) -> Rule:
    """One of `choices` (compared with `==`, types included: `True` is not `1`).

    Example:
    >>> one_of(["int", "str"]).test("str")
    True
    """
    allowed = tuple(choices)
    return Rule("one of " + ", ".join(repr(c) for c in allowed),
                lambda v: any(type(v) is type(c) and v == c for c in allowed))


def nullable(schema: Any) -> Any:
    """`null`, or what `schema` allows (a `Rule`, a `ListOf` or an object).

    Example:
    >>> nullable(STR).test(None), nullable(STR).expected
    (True, 'null or a string')
    """
    if isinstance(schema, Rule):
        return Rule(f"null or {schema.expected}", lambda v: v is None or schema.test(v))
    return _Nullable(schema)


@dataclass(frozen=True)
class _Nullable:
    schema: Any


STR = Rule("a string", lambda v: isinstance(v, str))
INT = integer()
BOOL = Rule("true or false", lambda v: isinstance(v, bool))
NUMBER = Rule("a finite number", lambda v: _real(v) and math.isfinite(v))
OBJECT = Rule("a JSON object", lambda v: isinstance(v, dict))
ANY = Rule("any JSON value", lambda v: True)


def _fail(where: str, value: Any, expected: str) -> None:
    raise ValueError(TEMPLATE.format(where=where or "the document", value=_shown.repr(value),
                                     expected=expected))


def _check_list(value: Any, schema: ListOf, where: str, parent: dict) -> None:
    length = schema.length
    expected, count = "a list", None
    if isinstance(length, str):
        count = len(parent[length]) if isinstance(parent.get(length), list) else None
        if count is not None:
            expected = f"a list of {count} item(s) (as many as {length})"
    elif length is not None:
        count, expected = length, f"a list of {length} item(s)"
    elif schema.min_length:
        expected = f"a list of at least {schema.min_length} item(s)"
    if not isinstance(value, list) or (count is not None and len(value) != count) \
            or len(value) < schema.min_length:
        _fail(where, value, expected)
    for i, item in enumerate(value):
        _check(item, schema.item, f"{where}[{i}]", parent)


def _check(value: Any, schema: Any, where: str, parent: dict) -> None:
    if isinstance(schema, _Nullable):
        if value is not None:
            _check(value, schema.schema, where, parent)
    elif isinstance(schema, Rule):
        if not schema.test(value):
            _fail(where, value, schema.expected)
    elif isinstance(schema, ListOf):
        _check_list(value, schema, where, parent)
    else:  # an object: key -> schema
        if not isinstance(value, dict):
            _fail(where, value, "a JSON object")
        for key, item in schema.items():
            name = key.name if isinstance(key, Key) else key
            inner = f"{where}.{name}" if where else name
            if name not in value:
                if isinstance(key, Key):
                    continue
                _fail(inner, _MISSING, "present")
            _check(value[name], item, inner, value)


def check_document(document: Any, schema: Any, *, where: str = "") -> None:
    """Raise a `ValueError` (:data:`TEMPLATE`) at the first value that breaks `schema`.

    Args:
        document: the parsed JSON.
        schema: its schema (see the module docstring).
        where: how the message names the document's root (`""`: keys as they are).

    Example:
    >>> check_document({"kind": "minmax"}, {"kind": one_of(["standard", "minmax"])})
    >>> check_document({"kind": 3}, {"kind": one_of(["standard"])}, where="scaler")
    Traceback (most recent call last):
    ...
    ValueError: scaler.kind=3 must be one of 'standard'
    """
    _check(document, schema, where, document if isinstance(document, dict) else {})
