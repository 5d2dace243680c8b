"""Corpora larger than memory: text files streamed in chunks, never read whole into Python.

:func:`text_files_dataset` (also `text_dataset(files=..., vocab=...)`) cuts
one or more text files into the same `(ids, next ids)` pairs as
:func:`rnnkit.text.text_dataset` cuts their concatenated text: a
`tf.data.Dataset.from_generator` over a reader that decodes each file in
chunks of :data:`CHUNK_CHARS` characters, encodes them with the vocabulary and
yields the finished windows. Memory holds one chunk, the shuffle buffer and
the prefetched batches, whatever the size of the corpus.
:func:`read_chunks` is the reader; `CharVocab.from_files` builds the
vocabulary with it in one pass.

Files are read as `Path.read_text` reads them (UTF-8 by default, universal
newlines), so `text_files_dataset([path], vocab)` gives the pairs of
`text_dataset(Path(path).read_text(), vocab)`.

Example:
>>> import tempfile
>>> from rnnkit.text import CharVocab
>>> path = Path(tempfile.mkdtemp()) / "corpus.txt"
>>> _ = path.write_text("to be or not to be, that is the question. " * 4)
>>> vocab = CharVocab.from_files(path)
>>> train = text_files_dataset(path, vocab, seq_length=10, batch_size=4, shuffle=False)
>>> inputs, targets = next(iter(train))
>>> vocab.decode(inputs[0].numpy())
'to be or n'
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from rnnkit._checks import check_bool, check_int, check_seed

if TYPE_CHECKING:
    import tensorflow as tf

    from rnnkit.text.chars import CharVocab

__all__ = ["CHUNK_CHARS", "SHUFFLE_BUFFER", "read_chunks", "resolve_files",
           "text_files_dataset"]

#: Characters decoded per read (4 MiB of text at most, 16 MiB as code points).
CHUNK_CHARS = 1 << 22
#: Windows held by the shuffle buffer of a streamed dataset (a full shuffle needs them all).
SHUFFLE_BUFFER = 10_000
_GLOB = set("*?[")

Files = str | os.PathLike | Sequence[str | os.PathLike]


def resolve_files(files: Any, name: str = "files") -> list[Path]:
    """The files named by a path, a glob pattern, or a list of them, in order.

    A pattern (`*`, `?`, `[`) gives its matches sorted by name; a plain path
    must be an existing file.

    Args:
        files: a path or glob pattern (str or `os.PathLike`), or a list of them.
        name: how messages name the argument (`"--text"` from a command line).

    Returns:
        The list of file paths.

    Raises:
        FileNotFoundError: naming the path that does not exist, or the pattern
            that matches no file.
        ValueError: if `files` is empty or not paths.

    Example:
    >>> resolve_files("data/text/*.txt")[0].suffix
    '.txt'
    """
    entries = [files] if isinstance(files, (str, os.PathLike)) else files
    if not isinstance(entries, Sequence) or not entries or not all(
            isinstance(e, (str, os.PathLike)) and str(e) for e in entries):
        raise ValueError(f"{name}={files!r:.80} must be a file path, a glob pattern such as "
                         "'corpus/*.txt', or a non-empty list of them.")
    paths: list[Path] = []
    for entry in entries:
        text = os.fspath(entry)
        if _GLOB & set(text):
            matches = sorted(glob.glob(text))
            if not matches:
                raise FileNotFoundError(f"{name}: the pattern {text!r} matches no file.")
            paths.extend(Path(m) for m in matches if Path(m).is_file())
        elif not Path(text).is_file():
            what = "is a folder, not a file" if Path(text).is_dir() else "does not exist"
            raise FileNotFoundError(f"{name}: {text!r} {what}. Pass text files (or a glob "
                                    "pattern such as 'corpus/*.txt').")
        else:
            paths.append(Path(text))
    return paths


def read_chunks(paths: Sequence[Path], *, chunk_chars: int = CHUNK_CHARS,
                encoding: str = "utf-8") -> Iterator[str]:
    """Yield the text of `paths`, one file after the other, in chunks of `chunk_chars`.

    Example:
    >>> [len(c) > 0 for c in read_chunks(resolve_files("data/text/*.txt"))][:1]
    [True]
    """
    for path in paths:
        with open(path, encoding=encoding) as file:
            while chunk := file.read(chunk_chars):
                yield chunk


def _windows(paths: Sequence[Path], vocab: CharVocab, seq_length: int, encoding: str,
             replace: str | None, chunk_chars: int) -> Iterator[np.ndarray]:
    """Blocks of consecutive `(seq_length + 1)`-id windows sharing their edge id."""
    step, carry = seq_length, np.zeros(0, np.int32)
    for chunk in read_chunks(paths, chunk_chars=chunk_chars, encoding=encoding):
        ids = np.concatenate([carry, vocab.encode(chunk, replace=replace)])
        count = (len(ids) - 1) // step
        if count:
            starts = np.arange(count)[:, None] * step
            yield ids[starts + np.arange(step + 1)]
        carry = ids[count * step:]


def text_files_dataset(
    files: Files,
    vocab: CharVocab,
    *,
    seq_length: int = 100,
    batch_size: int = 64,
    shuffle: bool = True,
    seed: int | None = None,
    drop_remainder: bool = False,
    shuffle_buffer: int = SHUFFLE_BUFFER,
    encoding: str = "utf-8",
    replace: str | None = None,
) -> tf.data.Dataset:
    """Stream text files into `(ids, ids shifted by one)` training pairs for a character model.

    The files are read in order, as one text, a chunk at a time: the pairs
    are those of `text_dataset(<the files' text concatenated>, vocab)`, in
    the same order without `shuffle`. With `shuffle`, a buffer of
    `shuffle_buffer` windows is shuffled (again each epoch), not the whole
    corpus. Under a multi-worker strategy, `rnnkit.training.fit` shards the
    dataset per worker (each worker reads every file and keeps its share).

    Args:
        files: a path, a glob pattern (`"corpus/*.txt"`) or a list of them.
        vocab: the `CharVocab` (e.g. `CharVocab.from_files(files)`).
        seq_length: characters per training sequence (≥ 1).
        batch_size: sequences per batch (≥ 1).
        shuffle: shuffle the sequences within a buffer.
        seed: seed of the shuffle, or `None`.
        drop_remainder: drop the last, smaller batch.
        shuffle_buffer: windows in the shuffle buffer (≥ 1).
        encoding: the files' encoding.
        replace: a vocabulary character for characters outside `vocab`
            (`None`: such a character stops the training with an error).

    Returns:
        A batched `tf.data.Dataset` of `(inputs, targets)`, int32
        `(batch, seq_length)`.

    Raises:
        FileNotFoundError: naming a missing file or a pattern without matches.
        ValueError: on a bad argument, or files too short for `seq_length`.
    """
    from rnnkit._backend import tf
    from rnnkit.text.chars import CharVocab

    paths = resolve_files(files)
    if not isinstance(vocab, CharVocab):
        raise ValueError(f"vocab is a {type(vocab).__name__}; pass a CharVocab "
                         "(CharVocab.from_files(files)).")
    seq_length = check_int("seq_length", seq_length)
    batch_size = check_int("batch_size", batch_size)
    shuffle_buffer = check_int("shuffle_buffer", shuffle_buffer)
    check_bool("shuffle", shuffle)
    check_bool("drop_remainder", drop_remainder)
    seed = check_seed("seed", seed)
    size = sum(p.stat().st_size for p in paths)
    if size < seq_length + 1:  # a character takes at least one byte
        raise ValueError(f"files hold {size} bytes, too few for seq_length={seq_length}: they "
                         f"need at least seq_length + 1 = {seq_length + 1} characters.")
    dataset = tf.data.Dataset.from_generator(
        lambda: _windows(paths, vocab, seq_length, encoding, replace, CHUNK_CHARS),
        output_signature=tf.TensorSpec((None, seq_length + 1), tf.int32),
    ).unbatch()
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer, seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    return dataset.map(lambda w: (w[:, :-1], w[:, 1:])).prefetch(tf.data.AUTOTUNE)
