"""The JSON form shared by the vocabularies: `{"type": <class name>, <field>: <value>}`.

Example:
>>> read_vocab_json('{"type": "CharVocab", "chars": "ab"}', "CharVocab", "chars", str)
'ab'
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["read_vocab_json", "write_vocab_json"]


def write_vocab_json(kind: str, field: str, value: Any) -> str:
    """The JSON string of a vocabulary: its type name and its one field (UTF-8 kept as is)."""
    return json.dumps({"type": kind, field: value}, ensure_ascii=False)


def read_vocab_json(data: Any, kind: str, field: str, value_type: type) -> Any:
    """The value of `field` in the JSON of a `kind` vocabulary, or a `ValueError` naming `kind`.

    Args:
        data: the JSON string.
        kind: the vocabulary's type name, e.g. `"CharVocab"`.
        field: the name of its field, e.g. `"chars"`.
        value_type: the type the field's value must have (`object` for any).
    """
    try:
        obj = json.loads(data)
    except (TypeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{kind}.from_json: not valid JSON ({exc}).") from None
    if not isinstance(obj, dict) or obj.get("type") != kind or field not in obj \
            or not isinstance(obj[field], value_type):
        example = "'...'" if value_type is str else "[...]"
        raise ValueError(f"{kind}.from_json: the JSON is not a {kind} (expected "
                         f"{{'type': '{kind}', '{field}': {example}}}).")
    return obj[field]
