"""`--ensemble K` of `rnnkit forecast`: train the model under K seeds and keep their average.

Member `i` (from 0) is built and trained with the seed `--seed` + `i` (its
initial weights and its batches' order; the first member is the model the
flags train without `--ensemble`), backed up in `OUT/backup/seed-S`; the bundle
holds :func:`rnnkit.ensembles.average_models` of the members and records their
seeds. K times the training time; the forecast costs K model calls per step.

Example:
>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> add_ensemble_option(parser)
>>> parser.parse_args(["--ensemble", "3"]).ensemble
3
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rnnkit.cli import _common as common

__all__ = ["add_ensemble_option", "check_ensemble", "train_members"]


def add_ensemble_option(parser: argparse.ArgumentParser) -> None:
    """Add `--ensemble K` (default 1: one model)."""
    parser.add_argument(
        "--ensemble", type=int, default=1, metavar="K",
        help="train the model K times, with seeds --seed .. --seed+K-1, and forecast with the "
             "average of the K models (steadier, and usually more accurate, than one seed; "
             "K times the training time; default 1)")


def check_ensemble(args: argparse.Namespace) -> None:
    """Refuse `--ensemble` above 1 with `--model` or `--search`, naming the flags.

    (`--ensemble` below 1 is refused with the command's other numbers.)

    Example:
    >>> check_ensemble(argparse.Namespace(ensemble=2, model=None, search=4))
    Traceback (most recent call last):
    ...
    ValueError: --ensemble 2 cannot be combined with --search: the search keeps its best \
trial alone. Search first, then train its settings (printed) with --ensemble 2.
    """
    count = getattr(args, "ensemble", 1)
    if count == 1:
        return
    if getattr(args, "model", None) is not None:
        raise ValueError(f"--ensemble {count} trains new models; --model uses a saved "
                         "bundle without training (an ensemble's bundle forecasts as one "
                         "model). Leave one of them out.")
    if getattr(args, "search", None):
        raise ValueError(f"--ensemble {count} cannot be combined with --search: the search "
                         "keeps its best trial alone. Search first, then train its settings "
                         f"(printed) with --ensemble {count}.")


def train_members(args: argparse.Namespace, backup: Path,
                  train_one: Callable[[argparse.Namespace, Path], tuple[Any, Any]]
                  ) -> tuple[Any, Any, dict[str, Any]]:
    """Train `--ensemble` models with `train_one(args, backup)`, each with its own seed.

    Args:
        args: the parsed arguments (`--ensemble`, `--seed`).
        backup: the backup folder of the training.
        train_one: trains the flags' model with `args.seed` in a backup folder;
            returns `(model, history)`.

    Returns:
        The model (the average with several members), the first member's
        `History`, and the bundle's record: `{"ensemble": {"members", "seeds"}}`
        with several members, else `{}`.
    """
    from rnnkit.ensembles import average_models

    count = getattr(args, "ensemble", 1)
    if count == 1:
        model, history = train_one(args, backup)
        return model, history, {}
    seeds = [args.seed + i for i in range(count)]
    trained = []  # (model, history) of each member
    for i, seed in enumerate(seeds, start=1):
        print(f"ensemble member {i}/{len(seeds)}: --seed {seed}", flush=True)
        trained.append(train_one(argparse.Namespace(**{**vars(args), "seed": seed}),
                                 backup / f"seed-{seed}"))
    common.remove_empty_folder(backup)
    print(f"forecasting with the average of {len(seeds)} models (seeds {seeds[0]}.."
          f"{seeds[-1]})")
    return average_models([model for model, _ in trained]), trained[0][1], {
        "ensemble": {"members": len(seeds), "seeds": seeds}}
