"""Tests of rnnkit.text.dataset."""

from __future__ import annotations

from rnnkit.text import CharVocab, WordVocab, text_dataset
from tests._bad_input import CHARS, bad_input_test, case, t

# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    case("text-dataset-empty-text", t(text_dataset, "", CharVocab.from_text(CHARS)), ValueError,
         "text", "empty"),
    case("text-dataset-too-short",
         t(text_dataset, "abcde", CharVocab.from_text(CHARS), seq_length=10), ValueError,
         "5 characters", "seq_length=10", "11"),
    case("text-dataset-seq-length-zero",
         t(text_dataset, CHARS * 4, CharVocab.from_text(CHARS), seq_length=0), ValueError,
         "seq_length=0"),
    case("text-dataset-batch-size-zero",
         t(text_dataset, CHARS * 4, CharVocab.from_text(CHARS), seq_length=4, batch_size=0),
         ValueError, "batch_size=0"),
    case("text-dataset-unknown-chars",
         t(text_dataset, CHARS * 4 + "xyz", CharVocab.from_text(CHARS), seq_length=4),
         ValueError, "'x'", "'y'", "'z'"),
    case("text-dataset-word-vocab", t(text_dataset, CHARS * 4, WordVocab(["a"]), seq_length=4),
         ValueError, "vocab", "WordVocab", "CharVocab"),
    case("text-dataset-bad-seed",
         t(text_dataset, CHARS * 4, CharVocab.from_text(CHARS), seq_length=4, seed="x"),
         ValueError, "seed='x'"),
    case("text-dataset-float-seed",
         t(text_dataset, CHARS * 4, CharVocab.from_text(CHARS), seq_length=4, seed=1.5),
         ValueError, "seed=1.5"),
    case("text-dataset-bad-shuffle",
         t(text_dataset, CHARS * 4, CharVocab.from_text(CHARS), seq_length=4, shuffle="yes"),
         ValueError, "shuffle='yes'"),
]

test_bad_input = bad_input_test(BAD_INPUT)
