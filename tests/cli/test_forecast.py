"""Tests of rnnkit.cli.forecast."""

from __future__ import annotations

from tests._bad_input import CLI, bad_input_test, case, dated, using

# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    case("cli-forecast-missing-file", using(lambda c: ["forecast", str(c.tmp / "gone.xlsx")]),
         CLI, "gone.xlsx"),
    case("cli-forecast-unknown-target",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--target", "price"]),
         CLI, "'price'", "'value'"),
    case("cli-forecast-window-zero",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "0"]),
         CLI, "window=0"),
    case("cli-forecast-window-too-long",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "24"]),
         CLI, "window=24", "train 21"),
    case("cli-forecast-bad-cell",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "3", "--cell", "tcn"]),
         CLI, "cell='tcn'"),
    case("cli-forecast-epochs-zero",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "3", "--epochs", "0",
                          "--units", "2", "--out", str(c.tmp / "out")]),
         CLI, "--epochs=0"),
    case("cli-forecast-steps-zero",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "3", "--steps", "0",
                          "--out", str(c.tmp / "out")]),
         CLI, "--steps=0"),
    case("cli-forecast-patience-negative",
         using(lambda c: ["forecast", str(c.csv(dated(30))), "--window", "3", "--patience",
                          "-1", "--out", str(c.tmp / "out")]),
         CLI, "--patience=-1"),
]

test_bad_input = bad_input_test(BAD_INPUT)
