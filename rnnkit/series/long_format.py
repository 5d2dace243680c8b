"""Long-format tables: many series one under the other, told apart by an id column.

A long table holds a date column, an id column naming the series (a region,
a store, a product) and the value column(s). This module reads the ids as
text labels and cuts the table into one frame per id, ids in the order of
their first row, each with its own dates checked: a date may appear once per
id (the same date in two ids is the point of the format), and the dates of
an id increase in file order or are sorted. `read_series(path,
id_column=...)` and `SeriesCollection` both go through it.

Example:
>>> import pandas as pd
>>> dates = pd.to_datetime(["2020-01-01", "2020-01-01", "2020-02-01", "2020-02-01"])
>>> table = pd.DataFrame({"region": ["b", "a", "b", "a"], "v": [10.0, 1.0, 20.0, 2.0]},
...                      index=dates)
>>> {name: part["v"].tolist() for name, part in frames_by_id(table, "region").items()}
{'b': [10.0, 20.0], 'a': [1.0, 2.0]}
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rnnkit.series.parsing import blank, check_unique_dates, row_number
from rnnkit.series.quality import check_order

__all__ = ["check_id_column", "id_labels", "positions_by_id", "read_long", "frames_by_id"]


def check_id_column(id_column: Any, available: Sequence[str], *, date_name: str | None,
                    columns: Sequence[str] | None, where: str) -> None:
    """Raise unless `id_column` names a column that is neither the dates nor a value column.

    Example:
    >>> check_id_column("store", ["month", "region", "v"], date_name="month", columns=None,
    ...                 where="'a.csv'")
    Traceback (most recent call last):
    ...
    KeyError: "id_column='store' is not a column of 'a.csv'; its columns are ['month', \
'region', 'v']."
    """
    if not isinstance(id_column, str):
        raise ValueError(f"id_column={id_column!r} must be the name of the column that names "
                         "each row's series (e.g. id_column='region'), or None.")
    if id_column not in available:
        raise KeyError(f"id_column={id_column!r} is not a column of {where}; its columns are "
                       f"{list(available)}.")
    if id_column == date_name:
        raise ValueError(f"id_column={id_column!r} is also the date_column; the id column "
                         "names the series, the date column their dates.")
    if columns is not None and id_column in columns:
        raise ValueError(f"column {id_column!r} is the id_column; leave it out of columns.")


def id_labels(cells: pd.Series, *, name: str, where: str,
              rows: np.ndarray | None = None) -> np.ndarray:
    """The ids as text (`3.0` → `"3"`, blanks stripped); raise naming the first blank cell.

    Args:
        cells: the id column.
        name: its name, for the message.
        where: what it belongs to (a file, `"data"`), for the message.
        rows: the file's data-row position of each cell, to name spreadsheet rows.

    Example:
    >>> id_labels(pd.Series([" north", 3.0, 7]), name="store", where="data").tolist()
    ['north', '3', '7']
    """
    empty = blank(cells).to_numpy()
    if empty.any():
        pos = int(np.flatnonzero(empty)[0])
        at = f"row {row_number(int(rows[pos]))}" if rows is not None else \
            f"the row labelled {cells.index[pos]!s}"
        raise ValueError(f"id column {name!r} of {where} has {int(empty.sum())} empty "
                         f"cell(s), the first in {at}. Every row needs the id of its series.")

    def label(value: Any) -> str:
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            return str(int(value))
        return str(value).strip()

    return np.array([label(v) for v in cells.to_numpy()], dtype=object)


def positions_by_id(labels: np.ndarray) -> dict[str, np.ndarray]:
    """The row positions of each id, ids in the order of their first row.

    Example:
    >>> {k: v.tolist() for k, v in positions_by_id(np.array(["b", "a", "b"])).items()}
    {'b': [0, 2], 'a': [1]}
    """
    codes, uniques = pd.factorize(np.asarray(labels, dtype=object))
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return {str(u): order[bounds[i]: bounds[i + 1]] for i, u in enumerate(uniques)}


def _dated(part: pd.DataFrame, dates: pd.DatetimeIndex, rows: np.ndarray | None, where: str,
           sort: bool) -> pd.DataFrame:
    """One id's rows indexed by its dates: each once, in order (or sorted with `sort`)."""
    part = part.set_axis(dates, axis=0)
    check_unique_dates(dates, where, rows)
    if dates.is_monotonic_increasing:
        return part
    if not sort:
        check_order(dates, where, rows)
    return part.sort_index(kind="stable")


def read_long(frame: pd.DataFrame, labels: np.ndarray, dates: pd.DatetimeIndex | None, *,
              id_name: str, where: str, rows: np.ndarray, sort: bool,
              fill: Callable[[pd.DataFrame, str], pd.DataFrame]) -> pd.DataFrame:
    """`read_series(id_column=)`: the value columns cut by id, each id's dates on their own.

    Args:
        frame: the value columns, one row per data row of the file.
        labels: the id of each row (see :func:`id_labels`).
        dates: the parsed date of each row, or `None` (each id's rows counted from 0).
        id_name: the id column's name (the first column of the result).
        where: the file (and sheet), for the messages.
        rows: the file's data-row position of each row, for the messages.
        sort: sort each id's rows by date instead of refusing disorder.
        fill: `(part, where) -> part`, what `missing=` does to one id's rows.

    Returns:
        The rows grouped by id (ids in the order of their first row), the id
        column first (text), indexed by the dates.
    """
    parts = []
    for label, positions in positions_by_id(labels).items():
        here = f"{where} ({id_name} {label!r})"
        part = frame.iloc[positions]
        if dates is None:
            part = part.reset_index(drop=True)
        else:
            part = _dated(part, dates[positions], rows[positions],
                          f"date column {dates.name!r} of {here}", sort)
        part = fill(part, here)
        part.insert(0, id_name, label)
        parts.append(part)
    result = pd.concat(parts)
    result.index.name = None if dates is None else dates.name
    return result


def frames_by_id(data: pd.DataFrame, id_column: str, *,
                 what: str = "data") -> dict[str, pd.DataFrame]:
    """A long DataFrame → `{id: its rows}`, without the id column, each sorted by its index.

    Args:
        data: the table, with `id_column` among its columns and the dates (or
            row numbers) as its index.
        id_column: the column naming each row's series.
        what: the table's name in messages.

    Returns:
        One frame per id (ids as text, in the order of their first row).

    Raises:
        KeyError: when `id_column` is not a column.
        ValueError: for an empty id, or a date that appears twice within one id.
    """
    if not isinstance(data, pd.DataFrame):
        raise ValueError(f"with id_column={id_column!r}, {what} must be a DataFrame in long "
                         f"format (the id column, the value columns), not a "
                         f"{type(data).__name__}.")
    if id_column not in data.columns:
        raise KeyError(f"id_column={id_column!r} is not a column of {what}; its columns are "
                       f"{[str(c) for c in data.columns]}.")
    labels = id_labels(data[id_column], name=id_column, where=what)
    frames = {}
    for label, positions in positions_by_id(labels).items():
        part = data.iloc[positions].drop(columns=id_column)
        if not part.index.is_monotonic_increasing:
            part = part.sort_index(kind="stable")
        check_unique_dates(part.index, f"the index of {id_column} {label!r} in {what}")
        frames[label] = part
    return frames
