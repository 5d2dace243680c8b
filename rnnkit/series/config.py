"""The config of `SeriesWindows` (what bundles save): settings, scaler and data as JSON types.

Version 1 holds `version`, the settings of :class:`~rnnkit.series.spec.WindowSpec`
(`window`, `target`, `features`, `output_steps`, `split`, `scale`, `log`,
`difference`, `batch_size`, `shuffle`, `seed`), the fitted `scaler`
(`kind`, `columns`, `center`, `scale`), `frequency`, `index_name`, the
`read_series` settings of `from_file` (or `None`) and, optionally, the
`data` (see :func:`frame_to_json`). A config saved by an older rnnkit loads
unchanged; a setting it lacks takes its default.

Keys added since (still version 1: an older rnnkit ignores them, and they are
written only when set, so a config without them is exactly what an older
rnnkit wrote): the `season`, `known_features` and `calendar` (the names of
the encodings) settings, after the other settings, and the
`calibration` of the prediction intervals (see
:class:`~rnnkit.series.intervals.Calibration`), after `read_series`.

Example:
>>> import pandas as pd
>>> frame = pd.DataFrame({"value": [1, 2, 3]})
>>> frame_to_json(frame)
{'index': [0, 1, 2], 'index_kind': 'int', 'columns': ['value'], 'dtypes': ['int64'], \
'values': [[1], [2], [3]]}
>>> frame_from_json(frame_to_json(frame)).equals(frame)
True
"""

from __future__ import annotations

import os
import re
from typing import Any

import numpy as np
import pandas as pd

from rnnkit._schema import (
    NUMBER,
    OBJECT,
    STR,
    TEMPLATE,
    Key,
    ListOf,
    Rule,
    check_document,
    integer,
    nullable,
    one_of,
)
from rnnkit.series.covariates import calendar_columns
from rnnkit.series.intervals import Calibration
from rnnkit.series.io import read_series
from rnnkit.series.spec import PARTS, WindowSpec
from rnnkit.series.transforms import SCALES

__all__ = ["CONFIG_VERSION", "CONFIG_SCHEMA", "config_of", "check_config", "config_settings",
           "config_data",
           "windows_from_config", "frame_to_json", "frame_from_json"]

#: The version of `SeriesWindows.to_config()`; a newer one is refused.
CONFIG_VERSION = 1
#: Settings added after version 1, written only when set (not `None`, empty or `False`).
LATER_SETTINGS = ("season", "known_features", "calendar")


def _is_frequency(value: Any) -> bool:
    try:
        pd.tseries.frequencies.to_offset(value)
    except (TypeError, ValueError):
        return False
    return True


_INDEX_KINDS = ("datetime", "int", "str")
_DTYPE = Rule("a NumPy dtype name such as 'float64' or 'int64'",
              lambda v: isinstance(v, str) and re.fullmatch(r"(u?int|float)(8|16|32|64)", v)
              is not None)
_POSITIVE = Rule("a finite number > 0", lambda v: NUMBER.test(v) and v > 0)
_NON_NEGATIVE = Rule("a finite number >= 0", lambda v: NUMBER.test(v) and v >= 0)
#: What a config holds besides the settings (which `WindowSpec` checks), as rules (`_schema`).
CONFIG_SCHEMA: dict[Any, Any] = {
    Key("version"): integer(1),
    "scaler": {"kind": one_of(SCALES), "columns": ListOf(STR, min_length=1),
               "center": ListOf(NUMBER, length="columns"),
               "scale": ListOf(_POSITIVE, length="columns")},
    Key("frequency"): Rule("null or a pandas frequency such as 'MS' or 'D'",
                           lambda v: v is None or isinstance(v, str) and _is_frequency(v)),
    Key("index_name"): nullable(STR),
    Key("read_series"): nullable(OBJECT),
    Key("calibration"): nullable({
        "method": one_of(["split-conformal"]),
        "errors": ListOf(ListOf(ListOf(_NON_NEGATIVE, min_length=1), min_length=1),
                         min_length=1),
        Key("split"): one_of(("val+test", *PARTS)), Key("stride"): integer(1),
        Key("model"): nullable(STR), Key("origins"): integer(1)}),
    Key("data"): nullable({
        "index": ListOf(Rule("a string or an integer", lambda v: isinstance(v, (str, int))
                             and not isinstance(v, bool)), min_length=1),
        Key("index_kind"): one_of(_INDEX_KINDS), "columns": ListOf(STR, min_length=1),
        Key("dtypes"): ListOf(_DTYPE, length="columns"),
        "values": ListOf(ListOf(NUMBER, length="columns"), length="index")}),
}
#: What each part of a config is, added to a message about a value inside it.
_PARTS_ARE = {"scaler": "a fitted scaler's dict (SeriesWindows(...).scaler)",
              "calibration": "the dict of Calibration.to_dict()",
              "data": "the frame as frame_to_json(frame) writes it"}


def config_of(windows: Any, *, include_data: bool = True) -> dict[str, Any]:
    """The config of a `SeriesWindows` (see the module docstring for its keys)."""
    frame = windows.frame
    read = windows._read_settings
    settings = {name: value for name, value in windows.spec.to_dict().items()
                if name not in LATER_SETTINGS or value not in (None, [], False)}
    config: dict[str, Any] = {
        "version": CONFIG_VERSION,
        **settings,
        "scaler": windows.scaler,
        "frequency": windows.frequency,
        "index_name": None if frame.index.name is None else str(frame.index.name),
        "read_series": dict(read) if read else None,
    }
    if windows.calibration is not None:
        config["calibration"] = windows.calibration.to_dict()
    if include_data:
        config["data"] = frame_to_json(frame)
    return config


def check_config(config: Any, *, where: str = "config") -> None:
    """Raise unless `config` is a whole `to_config()` dict of a version this rnnkit reads.

    Every value is checked before anything is built from it: the settings
    with `WindowSpec`'s rules, the rest with :data:`CONFIG_SCHEMA`; `where`
    names the config in the messages (e.g. `"windows"` inside a bundle).

    Example:
    >>> from rnnkit.series import SeriesWindows
    >>> config = SeriesWindows(list(range(40)), window=4).to_config()
    >>> config["scaler"]["center"] = [1.0, 2.0]
    >>> check_config(config)
    Traceback (most recent call last):
    ...
    ValueError: config.scaler.center=[1.0, 2.0] must be a list of 1 item(s) (as many as \
columns) (scaler must be a fitted scaler's dict (SeriesWindows(...).scaler))
    """
    if isinstance(config, dict) and config.get("kind") == "collection":
        from rnnkit.series.collection_members import check_collection_config

        return check_collection_config(config, where=where)
    if not isinstance(config, dict) or "window" not in config or "scaler" not in config:
        raise ValueError("config must be the dict returned by SeriesWindows.to_config().")
    version = config.get("version", CONFIG_VERSION)
    if isinstance(version, int) and not isinstance(version, bool) and version > CONFIG_VERSION:
        raise ValueError(f"config version {config['version']} is newer than this rnnkit "
                         f"understands ({CONFIG_VERSION}); upgrade rnnkit.")
    try:
        WindowSpec.from_dict(config)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    try:
        check_document(config, CONFIG_SCHEMA, where=where)
    except ValueError as exc:
        part = next((p for p in _PARTS_ARE if str(exc).startswith(f"{where}.{p}")), None)
        if part is None:
            raise
        raise ValueError(f"{exc} ({part} must be {_PARTS_ARE[part]})") from None
    data, columns = config.get("data"), config["scaler"]["columns"]
    names = config.get("calendar") or ()
    expected = data and data["columns"] + calendar_columns(names if names is not True else ())
    if data is not None and columns != expected:
        also = " and calendar columns" if names else ""
        raise ValueError(TEMPLATE.format(where=f"{where}.scaler.columns", value=repr(columns),
                                         expected=f"the saved data's columns{also} {expected}"))
    _check_index(data, where)
    _check_calibration(config, where)


def _check_index(data: Any, where: str) -> None:
    """The saved index reads as its kind says (dates as dates, integers as integers)."""
    if data is None:
        return
    kind, index = data.get("index_kind", "int"), data["index"]
    bad = None
    if kind == "datetime":
        for label in index:
            try:
                pd.Timestamp(label)
            except (TypeError, ValueError):
                bad, expected = label, "an ISO date such as '2020-01-31T00:00:00'"
                break
    elif kind == "int":
        bad = next((v for v in index if not isinstance(v, int)), None)
        expected = "an integer (index_kind 'int')"
    if bad is not None:
        raise ValueError(TEMPLATE.format(where=f"{where}.data.index[{index.index(bad)}]",
                                         value=repr(bad), expected=expected))


def _check_calibration(config: dict[str, Any], where: str) -> None:
    """The calibration's errors form one `(horizon, targets, origins)` block."""
    errors = (config.get("calibration") or {}).get("errors")
    if errors is None:
        return
    targets, origins = len(errors[0]), len(errors[0][0])
    for step, row in enumerate(errors):
        if len(row) != targets:
            raise ValueError(TEMPLATE.format(
                where=f"{where}.calibration.errors[{step}]", value=f"<{len(row)} lists>",
                expected=f"{targets} lists (one per target, like errors[0])"))
        for target, values in enumerate(row):
            if len(values) != origins:
                raise ValueError(TEMPLATE.format(
                    where=f"{where}.calibration.errors[{step}][{target}]",
                    value=f"<{len(values)} errors>",
                    expected=f"{origins} errors (one per origin, like errors[0][0])"))


def config_settings(config: dict[str, Any]) -> dict[str, Any]:
    """The settings in a config, by name (those of `WindowSpec` that it holds)."""
    return {name: config[name] for name in WindowSpec.names() if name in config}


def config_data(config: dict[str, Any], data: Any = None) -> Any:
    """The data to window: the saved frame, or `data` (a file is read with the saved settings)."""
    if data is None:
        if config.get("data") is None:
            raise ValueError("this config holds no data (to_config(include_data=False)); "
                             "pass data= (a DataFrame or a file path).")
        return frame_from_json(config["data"], name=config.get("index_name"))
    if isinstance(data, (str, os.PathLike)):
        return read_series(data, **(config.get("read_series") or {}))
    return data


def windows_from_config(cls: type, config: dict[str, Any], data: Any = None) -> Any:
    """`SeriesWindows.from_config`: the windows of a config, with its scaler and calibration."""
    check_config(config)
    windows = cls(config_data(config, data), **config_settings(config), scaler=config["scaler"])
    windows._read_settings = config.get("read_series")
    if config.get("calibration") is not None:
        calibration = Calibration.from_dict(config["calibration"])
        if calibration.errors.shape[1] != windows.output_dim:
            raise ValueError(f"the saved calibration holds errors of "
                             f"{calibration.errors.shape[1]} target(s), but the windows "
                             f"predict {windows.output_dim}; calibrate again "
                             "(SeriesWindows.calibrate).")
        windows._calibration = calibration
    if data is None:  # the saved data held whole windows in every part; new data need not
        windows._check_parts()
    return windows


def frame_to_json(frame: pd.DataFrame) -> dict[str, Any]:
    """The frame as JSON types: `{"index", "index_kind", "columns", "dtypes", "values"}`.

    `index_kind` is `"datetime"` (ISO strings), `"int"` or `"str"`; integer
    columns keep their values as integers.
    """
    index = frame.index
    if isinstance(index, pd.DatetimeIndex):
        kind, labels = "datetime", [t.isoformat() for t in index]
    elif pd.api.types.is_integer_dtype(index.dtype):
        kind, labels = "int", [int(v) for v in index]
    else:
        kind, labels = "str", [str(v) for v in index]
    dtypes = [str(frame[c].dtype) for c in frame.columns]
    values = [[int(v) if dt.startswith("int") else float(v)
               for v, dt in zip(row, dtypes, strict=True)]
              for row in frame.itertuples(index=False, name=None)]
    return {"index": labels, "index_kind": kind, "columns": [str(c) for c in frame.columns],
            "dtypes": dtypes, "values": values}


def frame_from_json(data: dict[str, Any], *, name: str | None = None) -> pd.DataFrame:
    """The inverse of :func:`frame_to_json`; `name` names the index."""
    kind = data.get("index_kind", "int")
    if kind == "datetime":
        index: pd.Index = pd.DatetimeIndex(pd.to_datetime(data["index"]), name=name)
    elif kind == "int":
        index = pd.Index(np.asarray(data["index"], dtype="int64"), name=name)
    else:
        index = pd.Index(data["index"], name=name)
    columns = list(data["columns"])
    values = np.asarray(data["values"], dtype="float64").reshape(len(index), len(columns))
    frame = pd.DataFrame(values, index=index, columns=columns)
    for column, dtype in zip(columns, data.get("dtypes", ["float64"] * len(columns)),
                             strict=True):
        if dtype.startswith("int"):
            frame[column] = frame[column].astype(dtype)
    return frame
