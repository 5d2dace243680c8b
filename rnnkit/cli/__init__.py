"""The `rnnkit` command: `rnnkit classify`, `rnnkit forecast`, `rnnkit generate`.

Each sub-command trains on a given file (or on the sample data when none is
given), shows Keras progress and writes its outputs to `--out`; with
`--model` it uses a saved bundle instead of training. One module per command
(:mod:`~rnnkit.cli.classify`, :mod:`~rnnkit.cli.forecast`,
:mod:`~rnnkit.cli.generate`) describes its options and runs it; what they
share (options, checks, training, reports) is in :mod:`rnnkit.cli._common`.
This module builds the parser, each sub-command registered with its handler
(`set_defaults(handler=...)`), and dispatches.

Heavy imports (TensorFlow, Keras) happen inside the handlers, so
`rnnkit --help` is instant. `python -m rnnkit.cli` runs the same command.

Example:
    $ rnnkit classify --epochs 2 --out out/

>>> args = build_parser().parse_args(["forecast", "--window", "12"])
>>> args.command, args.window, args.handler.__module__
('forecast', 12, 'rnnkit.cli.forecast')
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rnnkit.cli import classify, forecast, generate
from rnnkit.cli._common import Command

__all__ = ["COMMANDS", "build_parser", "main"]

#: The sub-commands, in the order `rnnkit --help` lists them.
COMMANDS: tuple[Command, ...] = (forecast.COMMAND, generate.COMMAND, classify.COMMAND)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser; each sub-command's parser sets its `handler`.

    Returns:
        The parser. Parsed arguments carry `command` (the sub-command's name,
        or `None`) and, for a sub-command, `handler` (its `run` function).

    Example:
    >>> build_parser().parse_args(["classify"]).units
    128
    """
    parser = argparse.ArgumentParser(
        prog="rnnkit",
        description="Recurrent neural networks in a few calls: classify sequences, forecast "
                    "series from Excel/CSV, generate text.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        sub = commands.add_parser(command.name, help=command.help,
                                  description=command.description)
        command.add_options(sub)
        sub.set_defaults(handler=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `rnnkit` command line.

    Args:
        argv: the arguments (default: `sys.argv[1:]`).

    Returns:
        The exit status: 0 on success, 2 on bad input (the message, naming
        the option, goes to stderr) or when no command is given (the help is
        printed), 130 when Ctrl-C stops it (one line on stderr; a stopped
        training says to resume with `--resume`; files are written whole or
        not at all).

    Example:
    >>> main(["classify", "--epochs", "0"])
    2
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except (ValueError, KeyError, FileNotFoundError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"rnnkit {args.command}: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C: no traceback
        print(f"rnnkit {args.command}: {exc.args[0] if exc.args else 'interrupted'}",
              file=sys.stderr)
        return 130
