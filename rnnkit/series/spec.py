"""`WindowSpec`: the settings of `SeriesWindows`, written once, each with its check.

Every setting is one field below: its default and the check that validates
(and normalises) it. The constructor of `SeriesWindows`, `from_file`,
`from_config`, `to_config` and `apply` all go through this class, so adding a
setting means adding one field here (and its keyword to
`SeriesWindows.__init__`, whose explicit signature is the public API).

Example:
>>> spec = WindowSpec(window=24, target="passengers", log=True)
>>> spec.target, spec.features, spec.split
(('passengers',), (), (0.7, 0.15, 0.15))
>>> WindowSpec.from_dict(spec.to_dict()) == spec
True
"""

from __future__ import annotations

import dataclasses
import inspect
import operator
from collections.abc import Callable, Mapping
from typing import Any

from rnnkit._checks import (
    check_bool,
    check_choice,
    check_fractions,
    check_int,
    check_names,
    check_optional_int,
    check_seed,
)
from rnnkit.series.covariates import check_calendar
from rnnkit.series.transforms import SCALES

__all__ = ["WindowSpec", "PARTS", "settings_as_properties", "file_signature"]

#: The parts of a series, in time order.
PARTS = ("train", "val", "test")


def _names(name: str, value: Any) -> tuple[str, ...] | None:
    names = check_names(name, value)
    return None if names is None else tuple(names)


def _split(name: str, value: Any) -> tuple[float, ...]:
    return check_fractions(name, value, PARTS, "(0.7, 0.15, 0.15)")


def _setting(check: Callable[[str, Any], Any], default: Any = dataclasses.MISSING) -> Any:
    """A field of `WindowSpec`: its default and its check `(name, value) -> value`."""
    return dataclasses.field(default=default, metadata={"check": check})


@dataclasses.dataclass(frozen=True)
class WindowSpec:
    """The settings of `SeriesWindows`, checked when the spec is made (frozen afterwards).

    Args:
        window: input steps per sample (≥ 1).
        target: the column(s) to predict (a tuple of names); `None` means every
            column that is not a feature.
        features: further input columns (a tuple of names, maybe empty).
        output_steps: `None` for many-to-many, or the horizon `k ≥ 1`.
        split: (train, val, test) fractions, each > 0, summing to 1.
        scale: `"standard"`, `"minmax"` or `None`.
        log: take the natural log first.
        difference: model first differences.
        batch_size: batch size of the `tf.data` pipelines.
        shuffle: shuffle the training windows (again each epoch).
        seed: seed of the shuffle (`None` or an integer in `[0, 2**31 - 1]`).
        season: the season length in steps (≥ 1) of the seasonal-naive
            baseline, or `None` (found from the dates or the data).
        known_features: input columns whose future values are known (a tuple
            of names, maybe empty): read `output_steps or 1` steps ahead of
            the target (see :mod:`~rnnkit.series.covariates`).
        calendar: `False`, `True` (encodings picked from the frequency) or
            the names of calendar encodings, added as known features.

    Raises:
        ValueError: naming the setting, the value and what is allowed.

    Example:
    >>> WindowSpec(window=0)
    Traceback (most recent call last):
    ...
    ValueError: window=0 is too small: it must be an integer >= 1.
    """

    window: int = _setting(check_int)
    target: tuple[str, ...] | None = _setting(_names, None)
    features: tuple[str, ...] = _setting(lambda name, value: _names(name, value) or (), None)
    output_steps: int | None = _setting(check_optional_int, None)
    split: tuple[float, ...] = _setting(_split, (0.7, 0.15, 0.15))
    scale: str | None = _setting(lambda name, value: check_choice(name, value, SCALES),
                                 "standard")
    log: bool = _setting(check_bool, False)
    difference: bool = _setting(check_bool, False)
    batch_size: int = _setting(check_int, 32)
    shuffle: bool = _setting(check_bool, True)
    seed: int | None = _setting(check_seed, None)
    season: int | None = _setting(check_optional_int, None)
    known_features: tuple[str, ...] = _setting(lambda name, value: _names(name, value) or (),
                                               None)
    calendar: bool | tuple[str, ...] = _setting(check_calendar, False)

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            checked = field.metadata["check"](field.name, getattr(self, field.name))
            object.__setattr__(self, field.name, checked)

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The names of the settings, in order.

        Example:
        >>> WindowSpec.names()[:3]
        ('window', 'target', 'features')
        """
        return tuple(field.name for field in dataclasses.fields(cls))

    @classmethod
    def from_dict(cls, settings: Mapping[str, Any]) -> WindowSpec:
        """A spec from the settings found in `settings` (other keys are ignored).

        A setting that `settings` lacks takes its default, so a config saved
        before a setting existed still loads.

        Example:
        >>> WindowSpec.from_dict({"window": 3, "version": 1}).window
        3
        """
        return cls(**{name: settings[name] for name in cls.names() if name in settings})

    def to_dict(self) -> dict[str, Any]:
        """The settings as JSON types (tuples become lists), in field order.

        Example:
        >>> WindowSpec(window=3).to_dict()["split"]
        [0.7, 0.15, 0.15]
        """
        return {name: list(value) if isinstance(value, tuple) else value
                for name, value in ((n, getattr(self, n)) for n in self.names())}

    def with_columns(self, available: list[str]) -> WindowSpec:
        """The spec with `target`, `features` and `known_features` resolved against the columns.

        The targets default to every column that is neither a feature nor a
        known feature; a feature that is also a target is an input once, as
        a target.

        Raises:
            KeyError: for a target or feature that is not a column.
            ValueError: when no target column is left, or a known feature is
                also a target or a past feature.

        Example:
        >>> WindowSpec(window=3, features="f").with_columns(["y", "f"]).target
        ('y',)
        """
        features, known = list(self.features), list(self.known_features)
        targets = list(self.target) if self.target is not None else \
            [c for c in available if c not in features and c not in known]
        unknown = [c for c in targets + features + known if c not in available]
        if unknown:
            kinds = "target/features" + ("/known_features" if known else "")
            raise KeyError(f"column(s) {unknown} ({kinds}) not found in the data; its columns "
                           f"are {available}.")
        if not targets:
            raise ValueError("target selects no column; name the column(s) to predict.")
        both = [c for c in known if c in targets or c in features]
        if both:
            raise ValueError(f"column(s) {both} are known features and also targets or past "
                             "features; name each column once (a known feature is an input "
                             "whose future values are given to forecast).")
        return dataclasses.replace(self, target=tuple(targets),
                                   features=tuple(c for c in features if c not in targets))

    def horizon(self) -> int:
        """Target steps after the inputs that one sample needs: `output_steps`, or 1."""
        return self.output_steps or 1


def settings_as_properties(cls: type) -> type:
    """Class decorator: each setting becomes a read-only property reading `self._spec`.

    A setting the class already defines (e.g. `features` as a list) is left
    to the class.

    Example:
    >>> @settings_as_properties
    ... class Holder:
    ...     def __init__(self):
    ...         self._spec = WindowSpec(window=5)
    >>> Holder().window, Holder().shuffle
    (5, True)
    """
    for name in WindowSpec.names():
        if not hasattr(cls, name):
            setattr(cls, name, property(operator.attrgetter(f"_spec.{name}"),
                                        doc=f"The `{name}` setting (see `WindowSpec`)."))
    return cls


def file_signature(cls: type) -> tuple[tuple[str, ...], inspect.Signature]:
    """The keyword-only parameters of `cls`, and the signature of its `from_file` with them.

    `from_file(path, *, <the constructor's keywords>, **read_series_kwargs)`
    is what `help(SeriesWindows.from_file)` shows.

    Example:
    >>> class Windows:
    ...     def __init__(self, data, *, window, log=False):
    ...         pass
    >>> names, signature = file_signature(Windows)
    >>> names, str(signature)
    (('window', 'log'), "(cls, path: 'str | PathLike', *, window, log=False, \
**read_series_kwargs) -> 'SeriesWindows'")
    """
    kind = inspect.Parameter
    keywords = [p for p in inspect.signature(cls).parameters.values()
                if p.kind is kind.KEYWORD_ONLY]
    signature = inspect.Signature(
        [kind("cls", kind.POSITIONAL_OR_KEYWORD),
         kind("path", kind.POSITIONAL_OR_KEYWORD, annotation="str | PathLike"),
         *keywords, kind("read_series_kwargs", kind.VAR_KEYWORD)],
        return_annotation="SeriesWindows")
    return tuple(p.name for p in keywords), signature
