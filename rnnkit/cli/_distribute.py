"""`--strategy mirrored|multiworker`: training spread over devices or machines, from the CLI.

The flag names a strategy of :func:`rnnkit.distribution.strategy_for`; the
command builds its model under it (:func:`model_options`, with the
recipe's keywords) and trains under it (`rnnkit.cli._common.train`). The
strategy is made once per run, when the flag is checked, before any data is
read (a multi-worker strategy must come before any other TensorFlow work, and
waits for every worker named in `TF_CONFIG`). `rnnkit forecast` shares its
`--strategy` flag with the forecasting strategy (`recursive`, `direct`,
`auto`): both kinds may be given, comma-separated (`--strategy direct,mirrored`).

Example:
>>> import argparse
>>> args = argparse.Namespace(strategy="Multi-Worker", model="out/classifier")  # no training
>>> set_distribution(args, args.strategy)
>>> args.distribution
'multiworker'
"""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["DISTRIBUTIONS", "add_strategy_option", "set_distribution", "split_strategy",
           "strategy", "model_options", "STRATEGY_HELP"]

#: The values of `--strategy` that spread training (`none`: one device, the default).
DISTRIBUTIONS = ("none", "mirrored", "multiworker")
#: What `--strategy` says about distribution, in every command's help.
STRATEGY_HELP = ("mirrored: every GPU (or device) of this machine; multiworker: several "
                 "machines named by TF_CONFIG (JAX: keras.distribution's variables); "
                 "--batch-size is then the global batch")


def add_strategy_option(parser: argparse.ArgumentParser) -> None:
    """Add `--strategy none|mirrored|multiworker` (classify, generate)."""
    parser.add_argument("--strategy", default="none",
                        help=f"none (default), mirrored or multiworker: {STRATEGY_HELP}")


def set_distribution(args: argparse.Namespace, value: str | None) -> None:
    """Check a distribution strategy's name and keep it as `args.distribution`.

    Raises:
        ValueError: naming `--strategy` and the values allowed.
    """
    from rnnkit._checks import check_choice

    name = "none" if value is None else value.strip().lower().replace("-", "")
    args.distribution = check_choice("--strategy", name, DISTRIBUTIONS)
    if args.distribution != "none" and getattr(args, "search", None):
        raise ValueError(f"--search cannot be combined with --strategy {args.distribution}: "
                         "search on one machine, then train the chosen settings with "
                         "--strategy.")
    if args.distribution != "none" and getattr(args, "model", None) is None:
        strategy(args)  # now: a multi-worker strategy must come before any other TF work


def split_strategy(args: argparse.Namespace, kinds: tuple[str, ...]) -> str | None:
    """`rnnkit forecast`'s `--strategy`: one of `kinds` and/or a distribution, comma-separated.

    Keeps the distribution as `args.distribution` (see :func:`set_distribution`)
    and returns the other part, or `None`.

    Raises:
        ValueError: for an unknown value, or two of one kind, naming `--strategy`.

    Example:
    >>> args = argparse.Namespace(strategy="direct,mirrored", model="out/forecaster")
    >>> split_strategy(args, ("recursive", "direct")), args.distribution
    ('direct', 'mirrored')
    """
    from rnnkit._checks import check_choice

    parts = [p.strip().lower().replace("-", "") for p in (args.strategy or "").split(",")
             if p.strip()]
    for part in parts:
        check_choice("--strategy", part, (*kinds, *DISTRIBUTIONS))
    own = [p for p in parts if p in kinds]
    spread = [p for p in parts if p in DISTRIBUTIONS and p != "none"]
    if len(own) > 1 or len(spread) > 1:
        raise ValueError(f"--strategy={args.strategy!r} names two of one kind; give at most one "
                         f"of {', '.join(kinds)} (how to forecast) and one of mirrored, "
                         "multiworker (how to spread training), e.g. --strategy direct,mirrored.")
    set_distribution(args, spread[0] if spread else None)
    return own[0] if own else None


def strategy(args: argparse.Namespace) -> Any:
    """The strategy of `--strategy` (made once, on first use), or `None` for one device."""
    name = getattr(args, "distribution", "none")
    if name == "none":
        return None
    if getattr(args, "_strategy", None) is None:
        from rnnkit.distribution import strategy_for

        args._strategy = strategy_for(name)
        print(f"--strategy {name}: {_replicas(args._strategy)} replica(s) in sync")
    return args._strategy


def model_options(args: argparse.Namespace) -> dict[str, Any]:
    """The factories' keywords of the flags: the recipe's (`--no-recipe`) and the strategy.

    Example:
    >>> model_options(argparse.Namespace(no_recipe=True, distribution="none"))
    {'clipnorm': None}
    """
    from rnnkit.cli._common import recipe_options

    found = strategy(args)
    return {**recipe_options(args), **({"strategy": found} if found is not None else {})}


def _replicas(found: Any) -> int:
    """How many replicas train in sync under the strategy."""
    from rnnkit.distribution import num_replicas

    return num_replicas(found)
