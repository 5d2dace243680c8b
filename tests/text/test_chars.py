"""Tests of rnnkit.text.chars."""

from __future__ import annotations

from rnnkit.text import CharVocab, WordVocab
from tests._bad_input import CHARS, bad_input_test, case, t

# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    # ---------------------------------------------------------------- CharVocab, text_dataset
    case("charvocab-empty-text", t(CharVocab.from_text, ""), ValueError, "text", "empty"),
    case("charvocab-text-not-str", t(CharVocab.from_text, None), ValueError, "text",
         "NoneType"),
    case("charvocab-chars-not-single", t(CharVocab, ["ab", "c"]), ValueError, "'ab'"),
    case("charvocab-chars-duplicate", t(CharVocab, ["a", "b", "a"]), ValueError, "duplicates",
         "'a'"),
    case("charvocab-encode-unknown", t(CharVocab.from_text(CHARS).encode, "abz#"), ValueError,
         "'z' at 2", "'#' at 3", "replace="),
    case("charvocab-encode-bad-replace",
         t(CharVocab.from_text(CHARS).encode, "abz", replace="#"), ValueError, "replace='#'"),
    case("charvocab-encode-not-str", t(CharVocab.from_text(CHARS).encode, 42), ValueError,
         "text=42", "int"),
    case("charvocab-decode-out-of-range", t(CharVocab.from_text(CHARS).decode, [0, 8]),
         ValueError, "id 8", "0..7"),
    case("charvocab-decode-floats", t(CharVocab.from_text(CHARS).decode, [0.5]), ValueError,
         "integers", "float"),
    case("charvocab-from-json-invalid", t(CharVocab.from_json, "{chars"), ValueError,
         "not valid JSON"),
    case("charvocab-from-json-wordvocab", t(CharVocab.from_json, WordVocab(["a"]).to_json()),
         ValueError, "not a CharVocab"),
]

test_bad_input = bad_input_test(BAD_INPUT)
