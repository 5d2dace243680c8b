"""`SeriesCollection`: many series, one model — windows from every series, results per series.

A collection is one :class:`~rnnkit.series.windows.SeriesWindows` per series
(its *members*), all with the same settings, each transformed, split and
scaled on its OWN training part. A global model trains on the windows of
every series at once (`.train`: one base array, the start rows of every
member's windows streamed and shuffled together, none crossing from one
series into the next), and whatever comes back (`predict`, `forecast`,
`evaluate`, `backtest`) is each member's own result, stacked under a first
index level `series`.

The series come from a long table (`id_column="region"`) or a wide one
(`multi_series=True`); `SeriesWindows(..., id_column=...)` makes a collection
(:func:`collection_or_none`). The work series by series is in
:mod:`~rnnkit.series.collection_members`.

Example:
>>> from rnnkit.series import read_series
>>> long = read_series("data/series/visnights_long.csv", date_column="quarter",
...                    id_column="region")
>>> c = SeriesCollection(long, id_column="region", window=8, output_steps=4, seed=0)
>>> len(c), c.series_ids[:2], c.input_shape
(20, ['NSWMetro', 'NSWNthCo'], (8, 1))
>>> x, y = c.arrays("train")  # every series' training windows (a copy)
>>> x.shape, y.shape
((840, 8, 1), (840, 4, 1))
"""

from __future__ import annotations

import dataclasses
import inspect
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rnnkit._checks import check_choice
from rnnkit.series import forecasting
from rnnkit.series.collection_members import (
    build_members,
    check_collection_config,
    check_shapes,
    collection_config,
    end_to_end,
    file_options,
    for_series,
    future_parts,
    is_collection_config,
    member_frames,
    members_from_config,
    names_several,
    stacked,
)
from rnnkit.series.io import read_series
from rnnkit.series.pipeline import window_dataset
from rnnkit.series.spec import PARTS, WindowSpec, settings_as_properties
from rnnkit.series.views import PartDatasets

__all__ = ["SeriesCollection", "collection_or_none", "collection_from_file",
           "collection_from_config"]


@settings_as_properties
class SeriesCollection(PartDatasets):
    """Several series windowed alike, for one global model; results come back per series.

    Each series (a *member*, a `SeriesWindows`) is transformed, split in time
    order and scaled on its own training part; the settings are those of
    `SeriesWindows` and shared by every member. `.train` streams the training
    windows of every series, shuffled together each epoch; `.val` and
    `.test` those of the other parts, series after series. The methods that
    use a trained model run each member's own and stack the results under a
    first index level `series`.

    Args:
        data: a long `DataFrame` (with `id_column`: one row per date and
            series, the dates as its index) or a wide one (`multi_series`:
            one column per series).
        id_column: the column of a long table naming each row's series; the
            ids become text (`"3"` for `3`), in the order of their first row.
        multi_series: a wide table: each target column is one series (named
            by its column); the `features` / `known_features` columns are
            inputs of every series.
        window, target, features, output_steps, split, scale, log, difference,
            batch_size, shuffle, seed, season: as in `SeriesWindows`, for every
            series (with `multi_series`, `target` lists the series' columns:
            default every column that is not a feature).
        known_features, calendar: as in `SeriesWindows` (passed on when set).
        scaler: `{id: scaler dict}`, each series' saved scaler (no refit).

    Raises:
        ValueError: for both or neither of `id_column` / `multi_series`, a
            date twice within one series, or a series too short for the
            window and split (naming it and its length).
        KeyError: for a column that is not in the data.

    Example:
    >>> import pandas as pd
    >>> wide = pd.read_csv("data/series/visnights.csv", index_col="quarter",
    ...                    parse_dates=True)
    >>> c = SeriesCollection(wide, multi_series=True, target=["NSWMetro", "VICMetro"],
    ...                      window=8, scale="minmax")
    >>> c
    SeriesCollection(2 series, columns ['NSWMetro', 'VICMetro'], features=[], window=8, \
output_steps=None, log=False, difference=False, scale='minmax', rows per series: train 53, \
val 12, test 11, frequency='QS-JAN')
    >>> c.members["VICMetro"].scaler["center"] == [float(wide["VICMetro"].iloc[:53].min())]
    True
    """

    def __init__(
        self,
        data: Any,
        *,
        id_column: str | None = None,
        multi_series: bool = False,
        window: int,
        target: str | Sequence[str] | None = None,
        features: str | Sequence[str] | None = None,
        known_features: str | Sequence[str] | None = None,
        calendar: bool | Sequence[str] = False,
        output_steps: int | None = None,
        split: Sequence[float] = (0.7, 0.15, 0.15),
        scale: str | None = "standard",
        log: bool = False,
        difference: bool = False,
        batch_size: int = 32,
        shuffle: bool = True,
        seed: int | None = None,
        season: int | None = None,
        scaler: Mapping[str, Mapping[str, Any]] | None = None,
    ):
        arguments = dict(locals())
        settings = {name: value for name, value in arguments.items()
                    if name in WindowSpec.names() and name not in ("known_features", "calendar")}
        if known_features is not None:  # passed on only when set
            settings["known_features"] = known_features
        if calendar is not False:
            settings["calendar"] = calendar
        WindowSpec.from_dict(settings)  # a bad setting is named once, not per series
        frames = member_frames(data, id_column=id_column, multi_series=multi_series,
                               target=target, features=features, known_features=known_features)
        self._setup(build_members(frames, settings, scaler), id_column=id_column,
                    multi_series=multi_series)

    def _setup(self, members: dict[str, Any], *, id_column: str | None,
               multi_series: bool) -> None:
        """Keep the members (all the same input shape) and the collection's settings."""
        self._members = check_shapes(members)
        self._first = first = next(iter(members.values()))
        self._id_column, self._multi_series = id_column, bool(multi_series)
        self._spec = dataclasses.replace(first.spec, target=tuple(members)) \
            if multi_series else first.spec
        self._read_settings: dict[str, Any] | None = None  # set by from_file / from_config
        self._datasets: dict[str, Any] = {}

    # ------------------------------------------------------------------ files and configs

    @classmethod
    def from_file(cls, path: str | os.PathLike, **options: Any) -> SeriesCollection:
        """Read a file with :func:`read_series` (passing `id_column` on) and window its series.

        Args:
            path: an `.xlsx`, `.xlsm`, `.csv`, `.tsv` or `.txt` file.
            **options: the keywords of `SeriesCollection` and of `read_series`
                (`date_column`, `sheet`, `missing`, ...; saved with the config).

        Returns:
            A `SeriesCollection`.

        Example:
        >>> c = SeriesCollection.from_file("data/series/visnights_long.csv", id_column="region",
        ...                                date_column="quarter", window=8)
        >>> len(c), c.frequency
        (20, 'QS-JAN')
        """
        keywords, options = file_options(options, _KEYWORDS)
        collection = cls(read_series(path, **options), **keywords)
        collection._read_settings = options
        return collection

    def to_config(self, *, include_data: bool = True) -> dict[str, Any]:
        """Every series' settings, scaler and (optionally) data, as JSON types.

        `{"version": 1, "kind": "collection", "id_column", "multi_series",
        "series": {id: SeriesWindows config}, "read_series"}`;
        `SeriesCollection.from_config(config)` rebuilds bit-identical windows.

        Example:
        >>> import json
        >>> c = SeriesCollection.from_file("data/series/visnights.csv", date_column="quarter",
        ...                                multi_series=True, window=8)
        >>> config = json.loads(json.dumps(c.to_config()))
        >>> again = SeriesCollection.from_config(config)
        >>> (again.arrays("test")[0] == c.arrays("test")[0]).all(), config["kind"]
        (np.True_, 'collection')
        """
        return collection_config(self, include_data=include_data)

    @classmethod
    def from_config(cls, config: dict[str, Any], data: Any = None) -> SeriesCollection:
        """Rebuild a collection from :meth:`to_config`, with the SAVED scalers (no refit).

        Args:
            config: the dict from `to_config` (possibly through JSON).
            data: new data (a long or wide DataFrame as saved, or a file read
                with the saved `read_series` settings) instead of the saved
                frames; it may hold some of the saved series, no others.

        Returns:
            A `SeriesCollection`.
        """
        check_collection_config(config)
        collection = object.__new__(cls)
        collection._setup(members_from_config(config, data), id_column=config["id_column"],
                          multi_series=config["multi_series"])
        collection._read_settings = config.get("read_series")
        return collection

    def apply(self, data_or_path: Any) -> SeriesCollection:
        """A collection over new data with the same settings and the SAVED scalers (no refit).

        Example:
        >>> c = SeriesCollection.from_file("data/series/visnights_long.csv", id_column="region",
        ...                                date_column="quarter", window=8)
        >>> c.apply("data/series/visnights_long.csv").members["QLDMetro"].scaler == \\
        ...     c.members["QLDMetro"].scaler
        True
        """
        return type(self).from_config(self.to_config(include_data=False), data=data_or_path)

    # ------------------------------------------------------------------ what it holds

    @property
    def members(self) -> dict[str, Any]:
        """The `SeriesWindows` of each series, by id (in order)."""
        return dict(self._members)

    @property
    def series_ids(self) -> list[str]:
        """The ids of the series, in order."""
        return list(self._members)

    @property
    def id_column(self) -> str | None:
        """The id column of a long table, or `None` (wide)."""
        return self._id_column

    @property
    def multi_series(self) -> bool:
        """True for a wide table (one series per target column)."""
        return self._multi_series

    @property
    def spec(self) -> WindowSpec:
        """The shared settings (with `multi_series`, `target` lists the series' columns)."""
        return self._spec

    @property
    def targets(self) -> list[str]:
        """The target columns (with `multi_series`, one per series)."""
        return list(self._spec.target)

    @property
    def features(self) -> list[str]:
        """The further input columns of every series."""
        return list(self._spec.features)

    @property
    def input_shape(self) -> tuple[int, int]:
        """`(window, inputs)` of every series, for `build_seq2seq`."""
        return self._first.input_shape

    @property
    def output_dim(self) -> int:
        """Targets predicted per step (per series: 1 with `multi_series`)."""
        return self._first.output_dim

    @property
    def frequency(self) -> str | None:
        """The series' frequency when they all share one, else `None`."""
        return self._common("frequency")

    @property
    def season(self) -> int | None:
        """The season length of the baselines when the series share one, else `None`."""
        return self._common("season")

    @property
    def calibration(self) -> dict[str, Any]:
        """Each series' calibration of prediction intervals (or `None`), by id."""
        return {name: m.calibration for name, m in self._members.items()}

    def _common(self, name: str) -> Any:
        values = {getattr(m, name) for m in self._members.values()}
        return values.pop() if len(values) == 1 else None

    def __len__(self) -> int:
        return len(self._members)

    def __repr__(self) -> str:
        by = f"by {self._id_column!r}, target={list(self._first.targets)}" \
            if self._id_column is not None else f"columns {self.targets}"
        sizes = ", ".join(f"{s} {hi - lo}" for s, (lo, hi) in self._first._bounds.items())
        per = "rows per series" if len({len(m) for m in self._members.values()}) == 1 \
            else f"rows of series {self.series_ids[0]!r}"
        return (f"SeriesCollection({len(self)} series, {by}, features={self.features}, "
                f"window={self.window}, output_steps={self.output_steps}, log={self.log}, "
                f"difference={self.difference}, scale={self.scale!r}, {per}: {sizes}, "
                f"frequency={self.frequency!r})")

    # ------------------------------------------------------------------ windows

    def arrays(self, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
        """The `(x, y)` windows of a part (`"train"`, `"val"`, `"test"`) of every series, a COPY.

        Unlike `SeriesWindows.arrays` (views), the windows of several series are
        copied into new arrays, series after series; train with `.train` (streamed).
        """
        check_choice("split", split, PARTS)
        pairs = [for_series(name, lambda m=m: m.arrays(split))
                 for name, m in self._members.items()]
        return (np.concatenate([x for x, _ in pairs]), np.concatenate([y for _, y in pairs]))

    def dataset(self, split: str = "train", *, fresh: bool = False) -> Any:
        """The batched `tf.data.Dataset` of `(x, y)` for a part, over every series.

        The members' scaled inputs lie end to end in one base array; the
        pipeline streams the start rows of each member's windows (none crossing
        into the next series), so no window is copied. `"train"` is shuffled
        over all series together, again each epoch (with `shuffle` and `seed`);
        `fresh=True` makes it anew, its orders starting over (see `SeriesWindows.dataset`).
        """
        check_choice("split", split, PARTS)
        if fresh or split not in self._datasets:
            inputs, targets, starts = end_to_end(self._members, split)
            self._datasets[split] = window_dataset(
                inputs, targets, starts=starts, window=self.window,
                output_steps=self.output_steps, batch_size=self.batch_size,
                shuffle=split == "train" and self.shuffle, seed=self.seed)
        return self._datasets[split]

    # ------------------------------------------------------------------ the use of a model

    def _each(self, model: Any, use: Callable[[str, Any], Any]) -> dict[str, Any]:
        """`use(name, member)` for each series, once the model is checked to fit."""
        forecasting.check_model(self, model)
        return {name: for_series(name, lambda n=name, m=m: use(n, m))
                for name, m in self._members.items()}

    def predict(self, model: Any, split: str = "test") -> pd.DataFrame:
        """Each series' one-step-ahead predictions (`SeriesWindows.predict`), stacked.

        Returns:
            A `DataFrame` indexed by (`series`, time), columns `actual`, `predicted`.
        """
        return stacked(self._each(model, lambda _, m: m.predict(model, split)))

    def forecast(self, model: Any, steps: int, *, interval: float | None = None,
                 future: Any = None) -> pd.Series | pd.DataFrame:
        """Each series' forecast of the `steps` after its data (`SeriesWindows.forecast`).

        Args:
            model: the trained global model.
            steps: steps to forecast (≥ 1).
            interval: `None`, or the level of each series' calibrated interval.
            future: the future values of the known features: a long
                `DataFrame` with the id column, a `{id: DataFrame}` dict, or
                (wide tables, whose known features are shared) one `DataFrame`.

        Returns:
            The members' results stacked under a first index level `series`.
        """
        parts = None if future is None else future_parts(future, self._id_column, self.series_ids)

        def one(name: str, member: Any) -> Any:
            extra = {} if parts is None else {"future": parts[name]}
            return member.forecast(model, steps, interval=interval, **extra)

        return stacked(self._each(model, one))

    def evaluate(self, model: Any, split: str = "test", season: int | None = None) -> pd.DataFrame:
        """Each series' errors against the naive baselines (`SeriesWindows.evaluate`), stacked.

        `table.groupby(level="method").mean()` averages over the series.
        """
        return stacked(self._each(model, lambda _, m: m.evaluate(model, split, season)),
                        "method")

    def backtest(self, model: Any, horizon: int, **options: Any) -> pd.DataFrame:
        """Each series' rolling-origin backtest (`SeriesWindows.backtest`, same keywords), stacked.

        Returns:
            A `DataFrame` indexed by (`series`, method, ...);
            `table.groupby(level="method").mean()` gives the mean over series.
        """
        return stacked(self._each(model, lambda _, m: m.backtest(model, horizon, **options)),
                        "method")

    def calibrate(self, model: Any, horizon: int, **options: Any) -> dict[str, Any]:
        """Calibrate each series' prediction intervals (`SeriesWindows.calibrate`).

        Returns:
            `{id: Calibration}`, also kept on each member (saved with the config).
        """
        return self._each(model, lambda _, m: m.calibrate(model, horizon, **options))


#: The keywords of the constructor, which `from_file` takes out of its options.
_KEYWORDS = tuple(p.name for p in inspect.signature(SeriesCollection).parameters.values()
                  if p.kind is inspect.Parameter.KEYWORD_ONLY)


def collection_or_none(data: Any, options: Mapping[str, Any]) -> SeriesCollection | None:
    """The hook of `SeriesWindows.__new__`: a collection when `id_column` or `multi_series`
    names several series, else `None` (one series)."""
    return SeriesCollection(data, **options) if names_several(options) else None


def collection_from_file(path: str | os.PathLike,
                         options: Mapping[str, Any]) -> SeriesCollection | None:
    """The hook of `SeriesWindows.from_file`: a collection when the options name several series."""
    return SeriesCollection.from_file(path, **options) if names_several(options) else None


def collection_from_config(config: Any, data: Any = None) -> SeriesCollection | None:
    """The hook of `SeriesWindows.from_config`: the collection of a collection's config."""
    return SeriesCollection.from_config(config, data) if is_collection_config(config) else None
