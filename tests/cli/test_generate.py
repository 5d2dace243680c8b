"""Tests of rnnkit.cli.generate."""

from __future__ import annotations

from tests._bad_input import CLI, TEXT, bad_input_test, case, using

# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    case("cli-generate-temperature-negative", ["generate", "--temperature", "-1"], CLI,
         "temperature=-1.0"),
    case("cli-generate-length-negative", ["generate", "--length", "-5"], CLI, "--length=-5"),
    case("cli-generate-seq-length-zero", ["generate", "--seq-length", "0"], CLI,
         "--seq-length=0"),
    case("cli-generate-top-p", ["generate", "--top-p", "1.5"], CLI, "top_p=1.5"),
    case("cli-generate-top-k-zero",
         using(lambda c: ["generate", str(c.write("t.txt", TEXT)), "--seq-length", "4",
                          "--top-k", "0", "--out", str(c.tmp / "out")]),
         CLI, "--top-k", "top_k=0"),
    case("cli-generate-seed-text-unknown",
         using(lambda c: ["generate", str(c.write("t.txt", TEXT)), "--seq-length", "4",
                          "--seed-text", "xyz", "--out", str(c.tmp / "out")]),
         CLI, "--seed-text", "'x' at 0"),
    case("cli-generate-epochs-zero",
         using(lambda c: ["generate", str(c.write("t.txt", TEXT)), "--seq-length", "4",
                          "--epochs", "0", "--out", str(c.tmp / "out")]),
         CLI, "--epochs=0"),
    case("cli-generate-missing-model-folder",
         using(lambda c: ["generate", "--model", str(c.tmp / "nowhere")]), CLI, "nowhere"),
    case("cli-generate-missing-text-file",
         using(lambda c: ["generate", str(c.tmp / "gone.txt")]), CLI, "gone.txt",
         "does not exist"),
]

test_bad_input = bad_input_test(BAD_INPUT)
