"""The members of a `SeriesCollection`, one `SeriesWindows` per series: made, saved, used.

Everything a collection does series by series lives here:

* :func:`member_frames` cuts the data: a long table by its id column (see
  :mod:`~rnnkit.series.long_format`), a wide one by its target columns (each
  with the shared feature columns); :func:`build_members` windows each part;
* :func:`for_series` runs a member's method, its error naming the series;
  :func:`stacked` stacks the members' results under a first index level
  `series`; :func:`future_parts` cuts `forecast(future=)` per series;
* the config (what bundles save): :func:`collection_config`,
  :func:`check_collection_config`, :func:`members_from_config`.

The config, JSON types, is::

    {"version": 1, "kind": "collection", "id_column": "region" | null,
     "multi_series": true | false, "series": {id: SeriesWindows config, ...},
     "read_series": {...} | null}

where each series' config is its `SeriesWindows.to_config()` (settings,
fitted scaler, calibration, data), so a round trip is bit-exact.

Example:
>>> import pandas as pd
>>> wide = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0], "f": [0.0, 1.0]})
>>> {name: (list(frame.columns), target) for name, (frame, target) in
...  member_frames(wide, id_column=None, multi_series=True, target=None,
...                features=["f"]).items()}
{'a': (['a', 'f'], ['a']), 'b': (['b', 'f'], ['b'])}
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rnnkit._checks import check_bool, check_names
from rnnkit._schema import BOOL, OBJECT, STR, Key, Rule, check_document, integer, nullable, one_of
from rnnkit.series.config import CONFIG_VERSION, check_config
from rnnkit.series.frames import as_frame
from rnnkit.series.io import read_series
from rnnkit.series.long_format import frames_by_id

__all__ = ["COLLECTION_SCHEMA", "windows_class", "member_frames", "build_members", "for_series",
           "check_shapes", "names_several", "file_options", "end_to_end", "stacked",
           "future_parts", "collection_config", "check_collection_config",
           "frames_for_config", "members_from_config", "is_collection_config"]

#: What a collection's config holds besides its series' configs (`rnnkit._schema` rules).
COLLECTION_SCHEMA: dict[Any, Any] = {
    Key("version"): integer(1),
    "kind": one_of(["collection"]),
    "id_column": nullable(STR),
    "multi_series": BOOL,
    "series": Rule("a JSON object of one SeriesWindows config per series (at least one)",
                   lambda v: isinstance(v, dict) and len(v) > 0),
    Key("read_series"): nullable(OBJECT),
}
#: The settings every series of a collection shares (the targets differ with multi_series).
SHARED = ("window", "features", "known_features", "calendar", "output_steps", "split", "scale",
          "log", "difference")


def windows_class() -> type:
    """`SeriesWindows` (imported when used: `windows.py` hands collections to `collection.py`)."""
    from rnnkit.series.windows import SeriesWindows

    return SeriesWindows


def for_series(name: str, call: Callable[[], Any], rows: int | None = None) -> Any:
    """`call()`, its error prefixed by the series it is about (and its length, if too short).

    Example:
    >>> for_series("north", lambda: {}["x"])
    Traceback (most recent call last):
    ...
    KeyError: "series 'north': x"
    """
    try:
        return call()
    except (ValueError, KeyError) as exc:
        message = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
        if rows is not None and "needs at least" in message:
            message += f" (series {name!r} has {rows} rows; or leave it out of the data.)"
        raise type(exc)(f"series {name!r}: {message}") from None


def build_members(frames: Mapping[str, tuple[pd.DataFrame, list[str] | None]],
                  settings: Mapping[str, Any],
                  scaler: Mapping[str, Any] | None) -> dict[str, Any]:
    """One `SeriesWindows` per series, with the shared settings (and its saved scaler)."""
    if scaler is not None:
        missing = [name for name in frames if name not in scaler]
        if missing:
            raise KeyError(f"scaler holds no scaler for series {missing}; pass "
                           "{id: scaler dict} with one for every series.")
    windows = windows_class()
    members = {}
    for name, (frame, target) in frames.items():
        options = {**settings, "target": target,
                   "scaler": None if scaler is None else scaler[name]}
        members[name] = for_series(name, lambda f=frame, o=options: windows(f, **o),
                                   rows=len(frame))
    return members


def check_shapes(members: dict[str, Any]) -> dict[str, Any]:
    """The members, unless their inputs differ in shape (one model takes them all)."""
    first = next(iter(members.values()))
    odd = [name for name, m in members.items() if m.input_shape != first.input_shape]
    if odd:
        raise ValueError(f"series {odd} have inputs of shape {members[odd[0]].input_shape}, "
                         f"others {first.input_shape}; the series of one model need the same "
                         "columns.")
    return dict(members)


def names_several(options: Mapping[str, Any]) -> bool:
    """True when a constructor's options name several series (`id_column` / `multi_series`).

    Example:
    >>> names_several({"window": 4}), names_several({"window": 4, "id_column": "region"})
    (False, True)
    """
    return options.get("id_column") is not None or bool(options.get("multi_series", False))


def file_options(options: Mapping[str, Any],
                 keywords: Sequence[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """`from_file`'s options → (the constructor's keywords, `read_series`' options).

    `id_column` goes to both; unless `columns=` is given, only the target and
    feature columns are read.

    Example:
    >>> file_options({"window": 4, "id_column": "r", "target": "v", "sheet": 1},
    ...              ("window", "id_column", "target"))
    ({'window': 4, 'id_column': 'r', 'target': 'v'}, {'sheet': 1, 'id_column': 'r', \
'columns': ['v']})
    """
    read = dict(options)
    chosen = {name: read.pop(name) for name in keywords if name in read}
    if chosen.get("id_column") is not None:
        read["id_column"] = chosen["id_column"]
    targets = check_names("target", chosen.get("target"))
    extra = [name for key in ("features", "known_features")
             for name in check_names(key, chosen.get(key)) or []]
    if "columns" not in read and targets is not None:
        read["columns"] = targets + [c for c in extra if c not in targets]
    return chosen, {k: (list(v) if isinstance(v, (list, tuple)) else v) for k, v in read.items()}


def end_to_end(members: Mapping[str, Any],
               split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every member's scaled inputs and targets end to end, and the part's window starts.

    The starts are each member's own (`_sample_starts`), shifted by where the
    member begins in the joined arrays: no window crosses into the next series.
    """
    items = list(members.items())
    inputs = np.concatenate([m._inputs for _, m in items])
    targets = inputs if all(m._targets_scaled is m._inputs for _, m in items) else \
        np.concatenate([m._targets_scaled for _, m in items])
    offsets = np.cumsum([0] + [len(m._inputs) for _, m in items])
    starts = [np.arange(*for_series(name, lambda m=m: m._sample_starts(split))) + offset
              for (name, m), offset in zip(items, offsets, strict=False)]
    return inputs, targets, np.concatenate(starts)


def stacked(results: dict[str, Any], inner: str | None = None) -> Any:
    """The members' frames under a first index level `series`; their notes prefixed by id.

    `inner` names the members' own (first) index level where it has no name.

    Example:
    >>> table = pd.DataFrame({"MAE": [1.0]}, index=["model"])
    >>> stacked({"a": table, "b": table}, "method").index.tolist()
    [('a', 'model'), ('b', 'model')]
    """
    table = pd.concat(results, names=["series"])
    if inner is not None and table.index.names[1] is None:
        table.index = table.index.set_names(inner, level=1)
    first = next(iter(results.values()))
    if isinstance(first, pd.DataFrame):
        names = {r.columns.name for r in results.values()}
        table.columns.name = names.pop() if len(names) == 1 else first.columns.name
    table.attrs = dict(first.attrs)
    if "notes" in first.attrs:
        table.attrs["notes"] = [f"{name}: {note}" for name, r in results.items()
                                for note in r.attrs.get("notes", [])]
    return table


def future_parts(future: Any, id_column: str | None, names: Sequence[str]) -> dict[str, Any]:
    """`forecast(future=)` cut per series: a dict by id, a long frame by its id column, or
    (a wide table, whose known features are shared) the same frame for every series."""
    if isinstance(future, Mapping):
        parts = {str(k): v for k, v in future.items()}
    elif id_column is not None:
        parts = frames_by_id(future, id_column, what="future")
    else:
        return dict.fromkeys(names, future)
    missing = [name for name in names if name not in parts]
    if missing:
        raise KeyError(f"future holds no values for series {missing}; give every series' "
                       "future known features (a long DataFrame with the id column, or "
                       "{id: DataFrame}).")
    return parts


def is_collection_config(config: Any) -> bool:
    """True for the config of a `SeriesCollection` (`"kind": "collection"`)."""
    return isinstance(config, dict) and config.get("kind") == "collection"


def member_frames(data: Any, *, id_column: str | None, multi_series: bool,
                  target: str | Sequence[str] | None,
                  features: str | Sequence[str] | None,
                  known_features: str | Sequence[str] | None = None,
                  what: str = "data") -> dict[str, tuple[pd.DataFrame, list[str] | None]]:
    """The data of each series and its target(s): `{id: (frame, target)}`.

    Args:
        data: a long DataFrame (with `id_column`) or a wide one (`multi_series`).
        id_column: the column naming each row's series, or `None`.
        multi_series: one series per target column (a wide table).
        target, features, known_features: the settings (column names).
        what: the data's name in messages.

    Raises:
        ValueError: for both or neither of `id_column` and `multi_series`, or
            `multi_series` with fewer than two target columns.
        KeyError: for a column that is not in the data.
    """
    multi_series = check_bool("multi_series", multi_series)
    if (id_column is None) == (not multi_series):
        raise ValueError(
            "name the series one way: id_column='...' for a long table (one column names each "
            "row's series) or multi_series=True for a wide one (one series per target "
            f"column), not {'both' if multi_series else 'neither'}.")
    if id_column is not None:
        parts = frames_by_id(data, id_column, what=what)
        return {name: (frame, None if target is None else check_names("target", target))
                for name, frame in parts.items()}
    frame = as_frame(data)
    shared = [c for key, value in (("features", features), ("known_features", known_features))
              for c in check_names(key, value) or []]
    targets = check_names("target", target) or [c for c in frame.columns if c not in shared]
    unknown = [c for c in targets + shared if c not in frame.columns]
    if unknown:
        raise KeyError(f"column(s) {unknown} (target/features) not found in {what}; its columns "
                       f"are {list(frame.columns)}.")
    if len(targets) < 2:
        raise ValueError(
            f"multi_series=True makes one series per target column, but target selects "
            f"{targets}. Name two or more columns (target=[...]), or drop multi_series for "
            "one series.")
    return {name: (frame[[name, *[c for c in shared if c != name]]], [name])
            for name in targets}


def collection_config(collection: Any, *, include_data: bool = True) -> dict[str, Any]:
    """The config of a `SeriesCollection` (see the module docstring)."""
    read = collection._read_settings
    return {"version": CONFIG_VERSION, "kind": "collection",
            "id_column": collection.id_column, "multi_series": collection.multi_series,
            "series": {name: member.to_config(include_data=include_data)
                       for name, member in collection.members.items()},
            "read_series": dict(read) if read else None}


def check_collection_config(config: Any, *, where: str = "config") -> None:
    """Raise unless `config` is a whole `SeriesCollection.to_config()` dict this rnnkit reads.

    Each series' config is checked by :func:`rnnkit.series.config.check_config`, and
    the series must share their window settings.

    Example:
    >>> check_collection_config({"kind": "collection", "id_column": "region",
    ...                          "multi_series": False, "series": {}})
    Traceback (most recent call last):
    ...
    ValueError: config.series={} must be a JSON object of one SeriesWindows config per series \
(at least one)
    """
    if not is_collection_config(config):
        raise ValueError("config must be the dict returned by SeriesCollection.to_config().")
    version = config.get("version", CONFIG_VERSION)
    if isinstance(version, int) and not isinstance(version, bool) and version > CONFIG_VERSION:
        raise ValueError(f"config version {version} is newer than this rnnkit understands "
                         f"({CONFIG_VERSION}); upgrade rnnkit.")
    check_document(config, COLLECTION_SCHEMA, where=where)
    if (config["id_column"] is None) == (not config["multi_series"]):
        raise ValueError(f"{where} must name its series by id_column or multi_series=true "
                         f"(exactly one), not id_column={config['id_column']!r} with "
                         f"multi_series={config['multi_series']}.")
    first_name, first = next(iter(config["series"].items()))
    for name, member in config["series"].items():
        check_config(member, where=f"{where}.series[{name!r}]")
        for key in SHARED:
            if member.get(key) != first.get(key):
                raise ValueError(
                    f"{where}.series[{name!r}].{key}={member.get(key)!r} differs from series "
                    f"{first_name!r} ({first.get(key)!r}): the series of one collection "
                    "share their settings.")


def frames_for_config(config: dict[str, Any], data: Any) -> dict[str, pd.DataFrame]:
    """New data for a saved collection, one frame per saved series it holds.

    A path is read with the saved `read_series` settings. The data may hold
    some of the saved series (those are windowed), but no other: a series
    without a saved scaler cannot be scaled as the model expects.
    """
    if isinstance(data, (str, os.PathLike)):
        data = read_series(data, **(config.get("read_series") or {}))
    saved: Mapping[str, Any] = config["series"]
    first = next(iter(saved.values()))
    if config["multi_series"]:  # the saved series' columns, each with the shared ones
        frame = as_frame(data)
        present = [name for name in saved if name in frame.columns]
        if not present:
            raise KeyError(f"the data holds none of the saved series' columns {list(saved)}; "
                           f"its columns are {list(frame.columns)}.")
        shared = [c for key in ("features", "known_features") for c in first.get(key) or []
                  if c in frame.columns]
        return {name: frame[[name, *shared]] for name in present}
    frames = frames_by_id(data, config["id_column"], what="data")
    unknown = [name for name in frames if name not in saved]
    if unknown:
        raise ValueError(f"series {unknown} of the data are not in the saved collection, "
                         f"which has scalers for {list(saved)}; leave them out, or build and "
                         "train a collection that holds them.")
    return frames


def members_from_config(config: dict[str, Any], data: Any = None) -> dict[str, Any]:
    """The members of a checked config: from their saved data, or over new `data`."""
    windows, saved = windows_class(), config["series"]
    if data is None:
        return {name: for_series(name, lambda c=c: windows.from_config(c))
                for name, c in saved.items()}
    frames = frames_for_config(config, data)
    return {name: for_series(name, lambda n=name, f=frame: windows.from_config(
        {k: v for k, v in saved[n].items() if k != "data"}, data=f))
        for name, frame in frames.items()}
