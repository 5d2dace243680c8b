"""Tests of rnnkit.text.words."""

from __future__ import annotations

from rnnkit.text import CharVocab, WordVocab
from tests._bad_input import bad_input_test, case, t

# ============================================================================ bad input
# Rows of the bad-input table for this area (see tests/_bad_input.py for the runner).

BAD_INPUT = [
    # ---------------------------------------------------------------- WordVocab
    case("wordvocab-no-words", t(WordVocab.from_texts, ["!!", ""]), ValueError, "no words"),
    case("wordvocab-empty-list", t(WordVocab.from_texts, []), ValueError, "texts"),
    case("wordvocab-single-str", t(WordVocab.from_texts, "good food"), ValueError,
         "single str"),
    case("wordvocab-texts-none", t(WordVocab.from_texts, None), ValueError, "texts"),
    case("wordvocab-text-not-str", t(WordVocab.from_texts, ["good", 3]), ValueError, "text=3"),
    case("wordvocab-max-tokens", t(WordVocab.from_texts, ["good food"], max_tokens=2),
         ValueError, "max_tokens=2", ">= 3"),
    case("wordvocab-min-count", t(WordVocab.from_texts, ["good food"], min_count=0), ValueError,
         "min_count=0"),
    case("wordvocab-duplicate-tokens", t(WordVocab, ["good", "good"]), ValueError, "duplicates",
         "'good'"),
    case("wordvocab-empty-token", t(WordVocab, ["good", ""]), ValueError, "tokens="),
    case("wordvocab-max-length-zero", t(WordVocab(["good"]).encode_batch, ["good"],
                                        max_length=0), ValueError, "max_length=0"),
    case("wordvocab-truncate", t(WordVocab(["good"]).encode_batch, ["good"], truncate="middle"),
         ValueError, "truncate='middle'", "'post'", "'pre'"),
    case("wordvocab-encode-batch-str", t(WordVocab(["good"]).encode_batch, "good"), ValueError,
         "single str"),
    case("wordvocab-encode-not-str", t(WordVocab(["good"]).encode, None), ValueError,
         "text=None"),
    case("wordvocab-decode-out-of-range", t(WordVocab(["good"]).decode, [2, 7]), ValueError,
         "id 7", "0..2"),
    case("wordvocab-decode-not-ids", t(WordVocab(["good"]).decode, ["good"]), ValueError,
         "ids", "'good'"),
    case("wordvocab-encode-batch-none", t(WordVocab(["good"]).encode_batch, None), ValueError,
         "texts"),
    case("wordvocab-from-json-invalid", t(WordVocab.from_json, "nope"), ValueError,
         "not valid JSON"),
    case("wordvocab-from-json-charvocab", t(WordVocab.from_json, CharVocab(["a"]).to_json()),
         ValueError, "not a WordVocab"),
]

test_bad_input = bad_input_test(BAD_INPUT)
