"""Tests of rnnkit.text.dataset: targets are the inputs shifted by one, seeded shuffles."""

from __future__ import annotations

import numpy as np
import pytest

from rnnkit.text import CharVocab, WordVocab, text_dataset
from tests._bad_input import CHARS, bad_input_test, case, t


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
        # (empty or short text, seq_length=0, batch_size=0 and unknown characters are rows of
        # BAD_INPUT below)
        (dict(seq_length=2.5), "seq_length"),
    ],
)
def test_text_dataset_bad_input(kwargs, match):
    vocab = CharVocab.from_text("abcdefgh")
    args = dict(text="abcdefghabcdefgh", seq_length=4) | kwargs
    text = args.pop("text")
    with pytest.raises(ValueError, match=match):
        text_dataset(text, vocab, **args)


def test_seed_follows_the_one_seed_rule():
    vocab = CharVocab.from_text("abcdefgh")
    for seed in (-1, 2**31):
        with pytest.raises(ValueError, match=f"seed={seed}"):
            text_dataset("abcdefgh" * 4, vocab, seq_length=4, seed=seed)
    assert text_dataset("abcdefgh" * 4, vocab, seq_length=4, seed=2**31 - 1) is not None

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
