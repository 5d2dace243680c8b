"""Tests of rnnkit.text.chars: CharVocab's exact round trips, its JSON form, clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from rnnkit.text import CharVocab, WordVocab
from tests._bad_input import CHARS, bad_input_test, case, t


def test_vocab_is_the_sorted_distinct_characters(shakespeare, vocab):
    assert vocab.chars == sorted(set(shakespeare))
    assert len(vocab) == len(set(shakespeare))


def test_round_trip_on_the_whole_sample(shakespeare, vocab):
    ids = vocab.encode(shakespeare)
    assert ids.dtype == np.int32 and ids.shape == (len(shakespeare),)
    assert ids.min() == 0 and ids.max() == len(vocab) - 1
    assert vocab.decode(ids) == shakespeare
    # ids follow the sorted order: id i is vocab.chars[i]
    sample = shakespeare[:500]
    assert [vocab.chars[i] for i in vocab.encode(sample)] == list(sample)


def test_round_trip_beyond_the_basic_plane():
    text = "naïve — 𝄞 music 😀!\n"
    vocab = CharVocab.from_text(text)
    assert vocab.decode(vocab.encode(text)) == text
    assert CharVocab.from_json(vocab.to_json()) == vocab


def test_json_round_trip(vocab):
    data = vocab.to_json()
    assert isinstance(data, str)
    again = CharVocab.from_json(data)
    assert again == vocab and again.chars == vocab.chars
    line = "Now, fair Hippolyta"
    assert again.encode(line).tolist() == vocab.encode(line).tolist()


@pytest.mark.parametrize("data", ["[1, 2]"])
def test_from_json_rejects_other_json(data):
    # (invalid JSON and a WordVocab's JSON are rows of BAD_INPUT below)
    with pytest.raises(ValueError, match="CharVocab"):
        CharVocab.from_json(data)


def test_replace_maps_unknown_characters(vocab):
    ids = vocab.encode("ab€c", replace=" ")
    assert vocab.decode(ids) == "ab c"


def test_decode_rejects_negative_ids_and_decodes_nothing(vocab):
    # (an id past the end is a row of BAD_INPUT below)
    with pytest.raises(ValueError, match="outside"):
        vocab.decode([-1])
    assert vocab.decode([]) == ""


def test_the_vocabulary_declares_the_job_of_its_model():
    assert CharVocab.job == "generator" and CharVocab.from_text("ab").job == "generator"

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
