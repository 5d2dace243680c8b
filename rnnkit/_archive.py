"""Safe-mode inspection of a `.keras` archive: refuse code and classes from outside Keras.

A bundle's model loads with `keras.saving.load_model(..., safe_mode=True)`.
Before that, and right after a save, rnnkit reads the archive's
`config.json` and walks every serialised object in it: a `Lambda` layer (or
any lambda) would run arbitrary Python code, and a class whose module is not
Keras' would import code from elsewhere, so both are refused with a message
that names the object.

Example:
>>> unsafe_object({"class_name": "Dense", "module": "keras.layers", "config": {}}) is None
True
>>> unsafe_object({"class_name": "Lambda", "module": "keras.layers",
...                "config": {"name": "double"}})
"a Lambda layer 'double', which would run arbitrary Python code"
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["check_archive", "read_config", "unsafe_object"]


def _serialised_objects(config: Any) -> Iterator[dict[str, Any]]:
    """Yield every serialised object (dict with a `class_name`) in a Keras config."""
    if isinstance(config, dict):
        if "class_name" in config:
            yield config
        for value in config.values():
            yield from _serialised_objects(value)
    elif isinstance(config, list):
        for value in config:
            yield from _serialised_objects(value)


def read_config(model_path: Path) -> Any:
    """The parsed `config.json` of a `.keras` archive, or a clear error if it is damaged."""
    try:
        with zipfile.ZipFile(model_path) as archive:
            return json.loads(archive.read("config.json"))
    except zipfile.BadZipFile:
        raise ValueError(f"{str(model_path)!r} is not a Keras archive (not a zip file); the "
                         "file is damaged. Save the bundle again with save_bundle.") from None
    except KeyError:
        raise ValueError(f"{str(model_path)!r} has no config.json inside; the file is "
                         "damaged. Save the bundle again with save_bundle.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"config.json inside {str(model_path)!r} is not valid JSON "
                         f"({exc}).") from None


def unsafe_object(config: Any) -> str | None:
    """Describe the first object in a Keras config that is code or not Keras, if any."""
    for obj in _serialised_objects(config):
        class_name = str(obj.get("class_name"))
        module = obj.get("module") or ""
        inner = obj.get("config")
        name = inner.get("name") if isinstance(inner, dict) else None
        label = f" {name!r}" if isinstance(name, str) else ""
        if class_name in ("Lambda", "__lambda__") or "lambda" in class_name.lower():
            return f"a {class_name} layer{label}, which would run arbitrary Python code"
        if module and not (module == "keras" or module.startswith("keras.")):
            return (f"the object {class_name!r}{label} of module {module!r}, which is not "
                    "part of Keras")
    return None


def check_archive(model_path: Path, *, saving: bool) -> None:
    """Refuse a `.keras` archive whose config holds code (Lambda) or non-Keras classes.

    Args:
        model_path: the archive.
        saving: `True` right after `save_bundle` wrote it (the message asks to
            replace the layer), `False` before loading it (the message warns
            that the file was edited or comes from elsewhere).

    Raises:
        ValueError: naming the offending object.
    """
    problem = unsafe_object(read_config(model_path))
    if problem is None:
        return
    if saving:
        raise ValueError(
            f"model contains {problem}; a bundle must load with safe_mode=True, so it can "
            "hold only built-in Keras layers. Replace it (e.g. a Lambda by a built-in "
            "layer) before saving."
        )
    raise ValueError(
        f"refusing to load {str(model_path)!r}: its config.json contains {problem}. "
        "rnnkit bundles hold only built-in Keras layers and load with safe_mode=True; "
        "this file was edited or comes from elsewhere. Load only bundles you trust, "
        "written by save_bundle."
    )
