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
rnnkit wrote): the `season` setting, after the other settings, and the
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
from typing import Any

import numpy as np
import pandas as pd

from rnnkit.series.intervals import Calibration
from rnnkit.series.io import read_series
from rnnkit.series.spec import WindowSpec

__all__ = ["CONFIG_VERSION", "config_of", "check_config", "config_settings", "config_data",
           "windows_from_config", "frame_to_json", "frame_from_json"]

#: The version of `SeriesWindows.to_config()`; a newer one is refused.
CONFIG_VERSION = 1
#: Settings added after version 1, written only when they are not `None`.
LATER_SETTINGS = ("season",)


def config_of(windows: Any, *, include_data: bool = True) -> dict[str, Any]:
    """The config of a `SeriesWindows` (see the module docstring for its keys)."""
    frame = windows.frame
    read = windows._read_settings
    settings = {name: value for name, value in windows.spec.to_dict().items()
                if name not in LATER_SETTINGS or value is not None}
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


def check_config(config: Any) -> None:
    """Raise unless `config` looks like a `to_config()` dict of a version this rnnkit reads."""
    if not isinstance(config, dict) or "window" not in config or "scaler" not in config:
        raise ValueError("config must be the dict returned by SeriesWindows.to_config().")
    if config.get("version", CONFIG_VERSION) > CONFIG_VERSION:
        raise ValueError(f"config version {config['version']} is newer than this rnnkit "
                         f"understands ({CONFIG_VERSION}); upgrade rnnkit.")


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
        windows._calibration = Calibration.from_dict(config["calibration"])
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
