"""CharVocab and text_dataset: exact round trips, clear errors, targets shifted by one."""

import numpy as np
import pytest

from rnnkit.datasets import load_shakespeare
from rnnkit.text import CharVocab, text_dataset


@pytest.fixture(scope="module")
def shakespeare():
    return load_shakespeare()


@pytest.fixture(scope="module")
def vocab(shakespeare):
    return CharVocab.from_text(shakespeare)


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


@pytest.mark.parametrize("data", ["not json", '{"type": "WordVocab", "tokens": []}', "[1, 2]"])
def test_from_json_rejects_other_json(data):
    with pytest.raises(ValueError, match="CharVocab"):
        CharVocab.from_json(data)


def test_unknown_character_error_names_character_and_position(vocab):
    with pytest.raises(ValueError) as info:
        vocab.encode("Good morrow€ sir ü")
    message = str(info.value)
    assert "'€'" in message and "'ü'" in message
    assert "at 11" in message and "at 17" in message
    assert "replace" in message  # says how to fix it


def test_replace_maps_unknown_characters(vocab):
    ids = vocab.encode("ab€c", replace=" ")
    assert vocab.decode(ids) == "ab c"
    with pytest.raises(ValueError, match="replace"):
        vocab.encode("ab€c", replace="€")


def test_decode_rejects_out_of_range_ids(vocab):
    with pytest.raises(ValueError, match="outside"):
        vocab.decode([0, len(vocab)])
    with pytest.raises(ValueError, match="outside"):
        vocab.decode([-1])
    assert vocab.decode([]) == ""


@pytest.mark.parametrize("text", ["", None, 42])
def test_from_text_rejects_empty_or_non_text(text):
    with pytest.raises(ValueError, match="text"):
        CharVocab.from_text(text)


def test_targets_are_inputs_shifted_by_one_exactly(shakespeare, vocab):
    text = shakespeare[:20_000]
    seq = 37
    ids = vocab.encode(text)
    count = (len(ids) - 1) // seq
    data = list(text_dataset(text, vocab, seq_length=seq, batch_size=16, shuffle=False))
    x = np.concatenate([b[0].numpy() for b in data])
    y = np.concatenate([b[1].numpy() for b in data])
    assert x.shape == y.shape == (count, seq)
    np.testing.assert_array_equal(x.ravel(), ids[: count * seq])
    np.testing.assert_array_equal(y.ravel(), ids[1 : count * seq + 1])
    np.testing.assert_array_equal(y[:, :-1], x[:, 1:])


def test_shuffle_is_seeded_and_keeps_every_pair(shakespeare, vocab):
    text = shakespeare[:5_000]
    ids = vocab.encode(text)

    def rows(seed):
        batches = text_dataset(text, vocab, seq_length=20, batch_size=8, seed=seed)
        return np.concatenate([np.concatenate([x, y[:, -1:]], axis=1)
                               for x, y in batches.as_numpy_iterator()])

    a, b, c = rows(1), rows(1), rows(2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    # every row is a genuine window of the text: its targets are its inputs shifted by one
    starts = sorted(int(np.flatnonzero(
        np.all(np.lib.stride_tricks.sliding_window_view(ids, 21)[::20] == row, axis=1))[0])
        for row in a)
    assert starts == list(range(len(a)))


def test_text_dataset_on_the_whole_sample(shakespeare, vocab):
    data = text_dataset(shakespeare, vocab, seq_length=100, batch_size=64, seed=0)
    assert len(data) == -(-((len(shakespeare) - 1) // 100) // 64)
    x, y = next(iter(data))
    assert x.shape == (64, 100) and x.dtype.name == "int32"
    np.testing.assert_array_equal(x.numpy()[:, 1:], y.numpy()[:, :-1])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(text=""), "empty"),
        (dict(text="abcdef", seq_length=10), "too short"),
        (dict(seq_length=0), "seq_length"),
        (dict(seq_length=2.5), "seq_length"),
        (dict(batch_size=0), "batch_size"),
        (dict(text="abc€ab"), "outside the vocabulary"),
    ],
)
def test_text_dataset_bad_input(kwargs, match):
    vocab = CharVocab.from_text("abcdefgh")
    args = dict(text="abcdefghabcdefgh", seq_length=4) | kwargs
    text = args.pop("text")
    with pytest.raises(ValueError, match=match):
        text_dataset(text, vocab, **args)


def test_text_dataset_needs_a_char_vocab():
    with pytest.raises(ValueError, match="CharVocab"):
        text_dataset("abcdefgh", {"a": 0}, seq_length=2)
