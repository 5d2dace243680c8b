"""Streaming text files: the same pairs and vocabulary as the in-memory text, bounded reads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rnnkit.text import CharVocab, streaming, text_dataset, text_files_dataset
from rnnkit.text.streaming import read_chunks, resolve_files
from tests._bad_input import bad_input_test, case, t, using

TEXTS = ["To be, or not to be: that is the question.\r\nWhether 'tis nobler\n",
         "Ça va? Ünïcödé — and emoji 🙂 across a chunk edge.\n" * 3,
         "The end, without a final newline"]


@pytest.fixture
def corpus(tmp_path: Path) -> list[Path]:
    paths = []
    for i, text in enumerate(TEXTS):
        path = tmp_path / f"part{i}.txt"
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    return paths


def _whole(paths: list[Path]) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in paths)  # universal newlines


def _pairs(dataset) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = zip(*[(x.numpy(), y.numpy()) for x, y in dataset], strict=True)
    return np.concatenate(xs), np.concatenate(ys)


@pytest.mark.parametrize("chunk", [7, 64, streaming.CHUNK_CHARS])
@pytest.mark.parametrize("seq_length", [1, 9, 40])
def test_files_give_the_pairs_of_the_whole_text(corpus, monkeypatch, chunk, seq_length):
    monkeypatch.setattr(streaming, "CHUNK_CHARS", chunk)  # windows across chunk edges
    text = _whole(corpus)
    vocab = CharVocab.from_text(text)
    expected = _pairs(text_dataset(text, vocab, seq_length=seq_length, batch_size=5,
                                   shuffle=False))
    got = _pairs(text_dataset(files=corpus, vocab=vocab, seq_length=seq_length, batch_size=5,
                              shuffle=False))
    assert len(expected[0]) == (len(text) - 1) // seq_length
    np.testing.assert_array_equal(got[0], expected[0])
    np.testing.assert_array_equal(got[1], expected[1])


def test_shuffled_stream_holds_the_same_windows(corpus):
    text = _whole(corpus)
    vocab = CharVocab.from_text(text)
    ordered = _pairs(text_files_dataset(corpus, vocab, seq_length=8, shuffle=False))[0]
    shuffled = _pairs(text_files_dataset(corpus, vocab, seq_length=8, seed=0,
                                         shuffle_buffer=50))[0]
    assert not np.array_equal(ordered, shuffled)
    assert sorted(map(bytes, ordered.astype("<i4"))) == sorted(map(bytes, shuffled.astype("<i4")))


def test_a_glob_names_the_files_in_order(corpus):
    pattern = str(corpus[0].parent / "part*.txt")
    assert resolve_files(pattern) == corpus
    assert resolve_files([corpus[2], corpus[0]]) == [corpus[2], corpus[0]]


def test_vocab_from_files_equals_from_text(corpus, monkeypatch):
    assert CharVocab.from_files(corpus) == CharVocab.from_text(_whole(corpus))
    monkeypatch.setattr(streaming, "CHUNK_CHARS", 5)
    assert CharVocab.from_files(str(corpus[0].parent / "*.txt")) == \
        CharVocab.from_text(_whole(corpus))
    assert "\r" not in CharVocab.from_files(corpus).chars  # read as read_text reads


def test_reads_are_bounded_by_the_chunk(corpus):
    assert max(len(c) for c in read_chunks(corpus, chunk_chars=16)) == 16
    assert "".join(read_chunks(corpus, chunk_chars=16)) == _whole(corpus)


def test_a_streamed_corpus_trains_a_generator(corpus):
    from rnnkit.models import build_generator
    from rnnkit.training import fit

    vocab = CharVocab.from_files(corpus)
    model = build_generator(len(vocab), units=8, embedding_dim=4, seed=0)
    history = fit(model, text_dataset(files=corpus, vocab=vocab, seq_length=20, batch_size=4,
                                      seed=0), epochs=1, verbose=0, seed=0)
    assert np.isfinite(history.history["loss"][0])


BAD_INPUT = [
    case("text-files-missing", t(text_files_dataset, "no/such/corpus.txt",
                                 CharVocab.from_text("ab")),
         FileNotFoundError, "no/such/corpus.txt", "does not exist"),
    case("text-files-empty-glob", t(CharVocab.from_files, "no/such/dir/*.txt"),
         FileNotFoundError, "no/such/dir/*.txt", "matches no file"),
    case("text-files-folder", using(lambda c: t(CharVocab.from_files, c.tmp)),
         FileNotFoundError, "is a folder"),
    case("text-files-empty-list", t(text_files_dataset, [], CharVocab.from_text("ab")),
         ValueError, "files=[]", "glob pattern"),
    case("text-files-and-text", t(text_dataset, "abc", CharVocab.from_text("abc"),
                                  files="x.txt"),
         ValueError, "either text", "files="),
    case("text-files-empty-file",
         using(lambda c: (c.tmp.joinpath("e.txt").write_text(""),
                          t(CharVocab.from_files, c.tmp / "e.txt"))[1]),
         ValueError, "hold no text"),
    case("text-files-too-short",
         using(lambda c: (c.tmp.joinpath("s.txt").write_text("abc"),
                          t(text_files_dataset, c.tmp / "s.txt", CharVocab.from_text("abc"),
                            seq_length=10))[1]),
         ValueError, "3 bytes", "seq_length=10"),
]

test_bad_input = bad_input_test(BAD_INPUT)
