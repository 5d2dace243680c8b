"""Training pairs for a character model: `text_dataset` cuts a text into `(ids, next ids)`.

`text_dataset(files=..., vocab=...)` streams text files instead (one or more
paths or a glob pattern; see `rnnkit.text.streaming`): for a corpus larger
than memory. A `str` as first argument is always the text itself.

The only text module that needs TensorFlow, and only when it is called: the
pairs travel as a `tf.data.Dataset` (imported inside the function), so
`import rnnkit.text` works without TensorFlow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rnnkit._checks import check_bool, check_int, check_seed
from rnnkit.text.chars import CharVocab, check_text
from rnnkit.text.streaming import Files, text_files_dataset

if TYPE_CHECKING:
    import tensorflow as tf

__all__ = ["text_dataset"]


def _check_arguments(text: str, vocab: CharVocab, seq_length: int, batch_size: int,
                     shuffle: bool, seed: int | None,
                     drop_remainder: bool) -> tuple[int, int, int | None]:
    """Refuse a bad argument of :func:`text_dataset`, naming it; return the checked numbers."""
    check_text(text)
    if not isinstance(vocab, CharVocab):
        raise ValueError(f"vocab is a {type(vocab).__name__}; pass a CharVocab "
                         "(CharVocab.from_text(text)).")
    seq_length = check_int("seq_length", seq_length)
    batch_size = check_int("batch_size", batch_size)
    check_bool("shuffle", shuffle)
    check_bool("drop_remainder", drop_remainder)
    seed = check_seed("seed", seed)
    if len(text) < seq_length + 1:
        raise ValueError(
            f"text has {len(text)} characters, too short for seq_length={seq_length}: it needs "
            f"at least seq_length + 1 = {seq_length + 1}. Pass a longer text or a smaller "
            "seq_length."
        )
    return seq_length, batch_size, seed


def text_dataset(
    text: str | None = None,
    vocab: CharVocab | None = None,
    *,
    files: Files | None = None,
    seq_length: int = 100,
    batch_size: int = 64,
    shuffle: bool = True,
    seed: int | None = None,
    drop_remainder: bool = False,
) -> tf.data.Dataset:
    """Cut a text into `(ids, ids shifted by one)` training pairs for a character model.

    The text is encoded once (vectorised) and cut into consecutive,
    non-overlapping chunks of `seq_length + 1` characters sharing their edge
    character: chunk `i` gives the inputs `ids[i*L : i*L + L]` and the targets
    `ids[i*L + 1 : i*L + L + 1]`, where `L = seq_length`. No Python loop runs
    over the text; a million characters take a few milliseconds.

    Args:
        text: the text (non-empty, at least `seq_length + 1` characters).
        vocab: the `CharVocab` that encodes it (every character must be in it).
        files: instead of `text`, text files to stream (a path, a glob
            pattern or a list of them): the pairs of their concatenated text,
            read a chunk at a time, shuffled within a buffer
            (:func:`rnnkit.text.streaming.text_files_dataset`).
        seq_length: characters per training sequence (≥ 1).
        batch_size: sequences per batch (≥ 1).
        shuffle: shuffle the sequences (again each epoch).
        seed: seed of the shuffle (an integer in `[0, 2**31 - 1]`), for a
            repeatable order; `None` gives a different order each run.
        drop_remainder: drop the last, smaller batch.

    Returns:
        A batched `tf.data.Dataset` of `(inputs, targets)`, both int32 of
        shape `(batch, seq_length)`.

    Raises:
        ValueError: on an empty or too short text, characters outside
            `vocab`, or a bad `seq_length`, `batch_size`, `shuffle`,
            `drop_remainder` or `seed`.

    Example:
    >>> text = "to be or not to be, that is the question. " * 4
    >>> vocab = CharVocab.from_text(text)
    >>> train = text_dataset(text, vocab, seq_length=10, batch_size=4, seed=0)
    >>> inputs, targets = next(iter(train))
    >>> tuple(inputs.shape), tuple(targets.shape)
    ((4, 10), (4, 10))
    >>> bool((inputs[:, 1:] == targets[:, :-1]).numpy().all())
    True
    >>> streamed = text_dataset(files="data/text/*.txt", vocab=CharVocab.from_files(
    ...     "data/text/*.txt"), seq_length=50, shuffle=False)
    """
    if files is not None:
        if text is not None:
            raise ValueError("pass either text (the text itself) or files= (text files to "
                             "stream), not both.")
        return text_files_dataset(files, vocab, seq_length=seq_length, batch_size=batch_size,
                                  shuffle=shuffle, seed=seed, drop_remainder=drop_remainder)
    if text is None:
        raise ValueError("text_dataset needs the text (a str) or files= (text files to "
                         "stream); neither was given.")
    seq_length, batch_size, seed = _check_arguments(text, vocab, seq_length, batch_size,
                                                    shuffle, seed, drop_remainder)
    from rnnkit._backend import tf

    ids = vocab.encode(text)
    count = (len(ids) - 1) // seq_length
    inputs = ids[: count * seq_length].reshape(count, seq_length)
    targets = ids[1 : count * seq_length + 1].reshape(count, seq_length)
    dataset = tf.data.Dataset.from_tensor_slices((inputs, targets))
    if shuffle:
        dataset = dataset.shuffle(count, seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
