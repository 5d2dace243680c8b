"""Property-based tests (hypothesis): `CharVocab` and `WordVocab` round trips."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rnnkit.text import CharVocab, WordVocab

pytestmark = pytest.mark.filterwarnings("ignore:You are using a softmax over axis -1:UserWarning")


def examples(count: int) -> settings:
    """Modest, deadline-free settings (the first call of a TF op can be slow)."""
    return settings(max_examples=count, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


# ============================================================================ vocabularies

@examples(80)
@given(st.text(min_size=1, max_size=300))
def test_char_vocab_round_trip(text):
    vocab = CharVocab.from_text(text)
    assert vocab.chars == sorted(set(text)) and len(vocab) == len(set(text))
    ids = vocab.encode(text)
    assert ids.dtype == np.int32 and ids.shape == (len(text),)
    assert ids.min() >= 0 and ids.max() < len(vocab)
    assert vocab.decode(ids) == text
    assert vocab.decode(ids.tolist()) == text
    again = CharVocab.from_json(vocab.to_json())
    assert again == vocab
    np.testing.assert_array_equal(again.encode(text), ids)


@examples(60)
@given(st.text(min_size=1, max_size=50), st.text(min_size=1, max_size=50))
def test_char_vocab_names_unknown_characters_and_replaces_them(known, other):
    vocab = CharVocab.from_text(known)
    text = known + other
    unknown = [i for i, char in enumerate(text) if char not in set(known)]
    if not unknown:
        assert vocab.decode(vocab.encode(text)) == text
        return
    with pytest.raises(ValueError) as info:
        vocab.encode(text)
    first = unknown[0]
    assert f"{text[first]!r} at {first}" in str(info.value)
    stand_in = vocab.chars[0]
    replaced = vocab.decode(vocab.encode(text, replace=stand_in))
    assert replaced == "".join(stand_in if i in set(unknown) else c for i, c in enumerate(text))


texts = st.lists(st.text(alphabet="abcAB z'.,!\n19é-", max_size=60), min_size=1, max_size=12)


@examples(80)
@given(texts, st.integers(1, 12), st.integers(3, 10))
def test_word_vocab_round_trips(corpus, max_length, max_tokens):
    words = [WordVocab.tokenize(text) for text in corpus]
    if not any(words):
        with pytest.raises(ValueError, match="no words"):
            WordVocab.from_texts(corpus)
        return
    vocab = WordVocab.from_texts(corpus, max_tokens=None)
    # ids: 0 padding, 1 unknown, then the words by decreasing frequency (ties alphabetical)
    counts = {t: sum(ws.count(t) for ws in words) for t in vocab.tokens}
    assert sorted(counts) == sorted(set(sum(words, [])))
    assert vocab.tokens == sorted(vocab.tokens, key=lambda t: (-counts[t], t))
    for text, tokens in zip(corpus, words, strict=True):
        ids = vocab.encode(text)
        assert (ids >= 2).all() and len(ids) == len(tokens)
        assert vocab.decode(ids) == " ".join(tokens)
    # a padded batch: each row is the text's ids, cut to max_length ("post" or "pre"), then 0s
    for truncate in ("post", "pre"):
        batch = vocab.encode_batch(corpus, max_length=max_length, truncate=truncate)
        assert batch.shape == (len(corpus), max_length) and batch.dtype == np.int32
        for row, text in zip(batch, corpus, strict=True):
            ids = vocab.encode(text)
            kept = ids[:max_length] if truncate == "post" else ids[len(ids) - max_length:]
            kept = kept if len(ids) > max_length else ids
            np.testing.assert_array_equal(row[: len(kept)], kept)
            assert (row[len(kept):] == 0).all()
    longest = vocab.encode_batch(corpus)
    assert longest.shape == (len(corpus), max(1, max(len(ws) for ws in words)))
    # JSON keeps the ids
    again = WordVocab.from_json(vocab.to_json())
    assert again == vocab
    np.testing.assert_array_equal(again.encode_batch(corpus), longest)
    # a capped vocabulary keeps the most frequent words; the others decode as <unk>
    small = WordVocab.from_texts(corpus, max_tokens=max_tokens)
    assert small.tokens == vocab.tokens[: max_tokens - 2] and len(small) <= max_tokens
    for text, tokens in zip(corpus, words, strict=True):
        expected = [t if t in small.tokens else "<unk>" for t in tokens]
        assert small.decode(small.encode(text)) == " ".join(expected)


