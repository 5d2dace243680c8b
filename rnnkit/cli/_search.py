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

__all__ = ["search"]


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
    space = default_space(data, horizon=kwargs.get("horizon"), **centres)
    print(f"Searching {args.search} settings with KerasTuner (each trial: at most --epochs "
          f"{args.epochs}, --patience {args.patience}); a line per trial follows on stderr.")
    if args.no_recipe:  # (build= and fit_options= may be given as None)
        kwargs["build"] = {**(kwargs.get("build") or {}), **recipe_options(args)}
        kwargs["fit_options"] = {**(kwargs.get("fit_options") or {}), "recipe": False}
    result = tune(data, space=space, trials=args.search, epochs=args.epochs,
                  patience=args.patience, seed=args.seed,
                  verbose=getattr(args, "verbose", None) != 0, **kwargs)
    print(result.summary())
    return result
