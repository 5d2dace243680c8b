"""Tests of rnnkit.cli.classify."""

from __future__ import annotations

import numpy as np

from tests._bad_input import CLI, bad_input_test, case, using

# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    # ---------------------------------------------------------------- command line
    case("cli-classify-npz-missing-key",
         using(lambda c: ["classify", str(c.npz(x_train=np.zeros((4, 3, 2)), y_train=np.zeros(4),
                                                x_val=np.zeros((2, 3, 2))))]),
         CLI, "data.npz", "['y_val']", "x_train"),
    case("cli-classify-missing-file", using(lambda c: ["classify", str(c.tmp / "gone.npz")]),
         CLI, "gone.npz", "does not exist"),
    case("cli-classify-not-npz", using(lambda c: ["classify", str(c.write("d.csv", "1,2"))]),
         CLI, "d.csv", ".npz"),
    case("cli-classify-epochs-zero",
         using(lambda c: ["classify", str(c.npz(x_train=np.zeros((4, 3, 2)), y_train=np.zeros(4),
                                                x_val=np.zeros((2, 3, 2)), y_val=np.zeros(2))),
                          "--epochs", "0"]),
         CLI, "--epochs=0"),
    case("cli-classify-bad-cell",
         using(lambda c: ["classify", str(c.npz(x_train=np.zeros((4, 3, 2)), y_train=np.zeros(4),
                                                x_val=np.zeros((2, 3, 2)), y_val=np.zeros(2))),
                          "--cell", "transformer", "--epochs", "1"]),
         CLI, "cell='transformer'"),
]

test_bad_input = bad_input_test(BAD_INPUT)
