"""The time-ordered split of a series into train / val / test parts, and the windows in each.

Rows are counted in the transformed series (after `difference=True` drops
the first row). A window belongs to the part of the step(s) it predicts;
its inputs may reach back into the preceding part, never forward.

Example:
>>> bounds = split_bounds(143, (0.7, 0.15, 0.15))
>>> bounds
{'train': (0, 100), 'val': (100, 122), 'test': (122, 143)}
>>> window_starts(bounds, "val", window=24, output_steps=None)
(76, 98)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["split_bounds", "check_parts", "window_starts"]

Bounds = Mapping[str, tuple[int, int]]


def split_bounds(rows: int, split: Sequence[float]) -> dict[str, tuple[int, int]]:
    """The `[start, stop)` rows of each part, in time order, sized by the fractions.

    Args:
        rows: the length of the (transformed) series.
        split: the (train, val, test) fractions.

    Returns:
        `{"train": (0, b1), "val": (b1, b2), "test": (b2, rows)}`.
    """
    f_train, f_val, _ = split
    b1, b2 = int(round(rows * f_train)), int(round(rows * (f_train + f_val)))
    return {"train": (0, b1), "val": (b1, b2), "test": (b2, rows)}


def check_parts(bounds: Bounds, *, window: int, output_steps: int | None,
                split: Sequence[float], difference: bool) -> None:
    """Raise, with the row counts, unless each part is long enough for its windows.

    The training part needs `window` inputs and the horizon (`output_steps`,
    or 1); val and test need the horizon (their inputs may come from the
    part before).

    Example:
    >>> check_parts(split_bounds(40, (0.7, 0.15, 0.15)), window=30, output_steps=None,
    ...             split=(0.7, 0.15, 0.15), difference=False)
    Traceback (most recent call last):
    ...
    ValueError: window=30 with output_steps=None (one target) needs at least 31 rows in the \
training part (30 inputs + 1 target(s)) and 1 in each of val and test, but split=(0.7, 0.15, \
0.15) of 40 rows gives train 28, val 6, test 6 rows. Use a smaller window, a larger train \
fraction, or a longer series.
    """
    k = output_steps or 1
    need_train, need_other = window + k, k
    sizes = {name: hi - lo for name, (lo, hi) in bounds.items()}
    if sizes["train"] >= need_train and sizes["val"] >= need_other \
            and sizes["test"] >= need_other:
        return
    mode = "output_steps=None (one target)" if output_steps is None else \
        f"output_steps={output_steps}"
    dropped = " after difference=True dropped the first row" if difference else ""
    raise ValueError(
        f"window={window} with {mode} needs at least {need_train} rows in the "
        f"training part ({window} inputs + {k} target(s)) and "
        f"{need_other} in each of val and test, but split={tuple(split)} of "
        f"{sum(sizes.values())} rows{dropped} gives train {sizes['train']}, val "
        f"{sizes['val']}, test {sizes['test']} rows. Use a smaller window, a larger train "
        "fraction, or a longer series.")


def window_starts(bounds: Bounds, split: str, *, window: int,
                  output_steps: int | None) -> tuple[int, int]:
    """The `[start, stop)` start rows of the windows whose predicted steps all lie in `split`.

    Raises:
        ValueError: when the part holds no whole window.
    """
    lo, hi = bounds[split]
    first = max(lo, window)  # first predicted (transformed) row
    last = hi if output_steps is None else hi - output_steps + 1  # exclusive bound on it
    if last - first < 1:
        raise ValueError(f"the {split} part has no complete window; see the row counts.")
    return first - window, last - window
