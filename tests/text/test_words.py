"""Tests of rnnkit.text.words: raw texts → padded token ids and back, JSON, unknown words."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rnnkit.text import CharVocab, WordVocab
from tests._bad_input import bad_input_test, case, t

TEXTS = ["The food was good, the service good.", "Bad food!", "I don't like it"]


@pytest.fixture
def vocab() -> WordVocab:
    return WordVocab.from_texts(TEXTS)


def test_tokenize_lowercases_and_keeps_contractions():
    assert WordVocab.tokenize("I LOVE it, don't you? 10/10") == [
        "i", "love", "it", "don't", "you", "10", "10"]
    assert WordVocab.tokenize("") == []


def test_ids_reserve_padding_and_unknown_then_rank_by_frequency(vocab):
    # "good", "food" and "the" appear twice; ties are alphabetical
    assert vocab.tokens[:3] == ["food", "good", "the"]
    assert len(vocab) == len(vocab.tokens) + 2
    assert vocab.encode("food good the").tolist() == [2, 3, 4]
    assert WordVocab.PAD == 0 and WordVocab.UNKNOWN == 1


def test_encode_maps_unknown_words_to_one(vocab):
    ids = vocab.encode("Good pizza")
    assert ids.dtype == np.int32
    assert ids.tolist() == [vocab.encode("good")[0], WordVocab.UNKNOWN]


def test_max_tokens_counts_the_reserved_ids_and_min_count_drops_rare_words():
    small = WordVocab.from_texts(TEXTS, max_tokens=4)
    assert len(small) == 4 and small.tokens == ["food", "good"]
    frequent = WordVocab.from_texts(TEXTS, min_count=2)
    assert frequent.tokens == ["food", "good", "the"]
    assert len(WordVocab.from_texts(TEXTS, max_tokens=None)) == len(set(
        w for t in TEXTS for w in WordVocab.tokenize(t))) + 2


def test_encode_batch_pads_with_zeros_at_the_end(vocab):
    batch = vocab.encode_batch(["bad food", "food", "good food was bad"])
    assert batch.dtype == np.int32 and batch.shape == (3, 4)
    food, bad = vocab.encode("food")[0], vocab.encode("bad")[0]
    assert batch[0].tolist() == [bad, food, 0, 0]
    assert batch[1].tolist() == [food, 0, 0, 0]
    assert (batch[2] != 0).all()


def test_encode_batch_max_length_truncates_post_or_pre(vocab):
    text = "the food was bad"
    ids = vocab.encode(text)
    post = vocab.encode_batch([text, "food"], max_length=2)
    pre = vocab.encode_batch([text, "food"], max_length=2, truncate="pre")
    assert post.shape == pre.shape == (2, 2)
    assert post[0].tolist() == ids[:2].tolist()
    assert pre[0].tolist() == ids[-2:].tolist()
    # max_length is the width: batches encoded separately line up
    short = vocab.encode_batch(["food"], max_length=10)
    assert short.shape == (1, 10) and short[0, 1:].tolist() == [0] * 9


def test_encode_batch_accepts_series_and_empty_texts(vocab):
    pd = pytest.importorskip("pandas")
    batch = vocab.encode_batch(pd.Series(["", "food"]))
    assert batch.tolist() == [[0], [vocab.encode("food")[0]]]
    assert vocab.encode_batch([""]).shape == (1, 1)


def test_decode_inverts_encode_for_known_words_and_marks_unknown(vocab):
    text = "the food was good"
    assert vocab.decode(vocab.encode(text)) == text
    assert vocab.decode([vocab.encode("food")[0], 1, 0, 0]) == "food <unk>"
    padded = vocab.encode_batch(["bad food", "food was good"])
    assert [vocab.decode(row) for row in padded] == ["bad food", "food was good"]


def test_decode_rejects_negative_ids(vocab):
    # (an id past the end is a row of BAD_INPUT below)
    with pytest.raises(ValueError, match="-1"):
        vocab.decode([2, -1])


def test_json_round_trip_keeps_the_ids(vocab):
    text = vocab.to_json()
    assert json.loads(text)["type"] == "WordVocab"
    again = WordVocab.from_json(text)
    assert again == vocab and again is not vocab
    np.testing.assert_array_equal(again.encode_batch(TEXTS), vocab.encode_batch(TEXTS))


def test_json_round_trip_keeps_non_ascii_words():
    vocab = WordVocab.from_texts(["café crème brûlée"])
    assert WordVocab.from_json(vocab.to_json()).tokens == vocab.tokens


@pytest.mark.parametrize("data", [json.dumps(["a"]), None])
def test_from_json_rejects_other_data(data):
    # (invalid JSON and a CharVocab's JSON are rows of BAD_INPUT below)
    with pytest.raises(ValueError, match="WordVocab"):
        WordVocab.from_json(data)


@pytest.mark.parametrize(
    "call,argument",
    # (the other bad arguments are rows of BAD_INPUT below)
    [(lambda: WordVocab("abc"), "tokens='abc'"),
     (lambda: WordVocab(["a", 3]), "tokens="),
     (lambda: WordVocab.from_json('{"type": "WordVocab", "tokens": "ab"}'), "tokens='ab'")],
)
def test_bad_input_raises_value_error_naming_the_argument(call, argument):
    with pytest.raises(ValueError, match=argument.replace("(", r"\(")):
        call()


def test_real_reviews_encode_to_a_padded_matrix():
    from rnnkit.datasets import load_food_reviews

    texts = load_food_reviews()["text"]
    vocab = WordVocab.from_texts(texts, max_tokens=5_000)
    ids = vocab.encode_batch(texts, max_length=200)
    assert ids.shape == (5_000, 200) and ids.dtype == np.int32
    assert ids.min() == 0 and ids.max() == len(vocab) - 1
    unknown_rate = (ids == 1).sum() / (ids > 0).sum()
    assert 0 < unknown_rate < 0.05  # the 5,000 most frequent words cover most of the text


def test_the_vocabulary_declares_the_job_of_its_model():
    assert WordVocab.job == "classifier" and WordVocab(["a"]).job == "classifier"


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
