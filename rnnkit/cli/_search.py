"""`--search TRIALS` on the three commands: `rnnkit.tune` around the flags' values.

Example:
>>> import argparse
>>> args = argparse.Namespace(search=4, epochs=20, patience=5, seed=0, no_recipe=False)
>>> result = search(args, windows, horizon=12, units=16)  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
from typing import Any

from rnnkit.cli._common import recipe_options

__all__ = ["search", "flags_start"]


def search(args: argparse.Namespace, data: Any, **kwargs: Any) -> Any:
    """`rnnkit.tune` for `--search TRIALS`, around the flags' values; prints the trials table.

    `args` gives `--search`, `--epochs`, `--patience` and `--seed`; `kwargs`
    the centres of `rnnkit.tuning.default_space` (`units`, `learning_rate`,
    `batch_size`, `window`, `seq_length`) and more keywords of `tune`
    (`horizon`, `validation_data`, `vocab`, `build`, ...). Returns the `TuneResult`.

    Example:
    >>> result = search(args, windows, horizon=12, units=16)  # doctest: +SKIP
    """
    from rnnkit.tuning import default_space, tune

    centres = {k: kwargs.pop(k) for k in ("units", "learning_rate", "batch_size", "window",
                                          "seq_length") if k in kwargs}
    space = default_space(data, horizon=kwargs.get("horizon"), build=kwargs.get("build"),
                          **centres)
    print(f"Searching {args.search} settings with KerasTuner (each trial: at most --epochs "
          f"{args.epochs}, --patience {args.patience}); a line per trial follows on stderr.")
    if args.no_recipe:  # (build= and fit_options= may be given as None)
        kwargs["build"] = {**(kwargs.get("build") or {}), **recipe_options(args)}
        kwargs["fit_options"] = {**(kwargs.get("fit_options") or {}), "recipe": False}
    result = tune(data, space=space, trials=args.search, epochs=args.epochs,
                  patience=args.patience, seed=args.seed, start=flags_start(args, space, centres),
                  verbose=getattr(args, "verbose", None) != 0, **kwargs)
    print(result.summary())
    return result


def flags_start(args: argparse.Namespace, space: dict[str, Any],
                centres: dict[str, Any]) -> dict[str, Any]:
    """The first trial of `--search`: the model the flags alone would train.

    The flags' cell, layers and dropout and the centres (units, learning rate,
    batch size, window, sequence length), where the space holds them; so the
    search's best is never worse than the unsearched model on the objective.

    Example:
    >>> args = argparse.Namespace(cell="gru", layers=2, dropout=0.0)
    >>> flags_start(args, {"cell": ["lstm", "gru"], "units": [8, 16, 32], "layers": [1, 2],
    ...                    "learning_rate": (2.5e-4, 4e-3)}, {"units": 16, "learning_rate": 1e-3})
    {'cell': 'gru', 'layers': 2, 'learning_rate': 0.001, 'units': 16}
    """
    wanted = {key: getattr(args, key) for key in ("cell", "layers", "dropout")
              if getattr(args, key, None) is not None}
    wanted.update({"learning_rate": 1e-3, **centres})
    start = {}
    for key, value in wanted.items():
        value, entry = value.lower() if isinstance(value, str) else value, space.get(key)
        if isinstance(entry, list) and value in entry or \
                isinstance(entry, tuple) and entry[0] <= value <= entry[1]:
            start[key] = value
    return start
