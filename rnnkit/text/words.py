"""Words to ids and back: `WordVocab`, the vocabulary of a token classifier.

Texts are lower-cased and split into words; the most frequent words of the
training texts get ids, every other word becomes the unknown id. The
vocabulary travels with the model as JSON (`to_json` / `from_json`), never
as a pickle. Pure Python and NumPy: no TensorFlow needed.

Example:
>>> vocab = WordVocab.from_texts(["good food", "bad food"])
>>> vocab.encode_batch(["good food", "awful food"])
array([[4, 2],
       [1, 2]], dtype=int32)
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from rnnkit._checks import check_choice, check_int, check_optional_int
from rnnkit.text._vocab_json import read_vocab_json, write_vocab_json

__all__ = ["WordVocab"]

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


class WordVocab:
    """A word-level vocabulary that turns raw texts into padded token ids.

    Texts are lower-cased and split into words (letters and digits, with
    contractions such as "don't" kept whole). Id 0 is padding, id 1 stands
    for any word outside the vocabulary, and ids 2, 3, ... go to the most
    frequent words of the training texts (ties broken alphabetically).

    Args:
        tokens: the vocabulary words, most frequent first (ids 2, 3, ...).

    Example:
    >>> texts = ["good food", "bad food", "good value"]
    >>> vocab = WordVocab.from_texts(texts, max_tokens=10_000)
    >>> vocab.tokens, len(vocab)
    (['food', 'good', 'bad', 'value'], 6)
    >>> vocab.encode_batch(["good food", "awful food"], max_length=3)
    array([[3, 2, 0],
           [1, 2, 0]], dtype=int32)

    `len(vocab)` is the `vocab_size` of the classifier that reads these ids,
    e.g. `build_classifier((3,), 2, vocab_size=len(vocab))`.
    """

    PAD = 0
    UNKNOWN = 1
    _RESERVED = ("<pad>", "<unk>")
    #: The job of a model that reads these ids (what a bundle saved with it holds).
    job = "classifier"

    def __init__(self, tokens: Sequence[str]):
        if isinstance(tokens, str):
            raise ValueError(f"tokens={tokens!r} must be a list of non-empty str words.")
        tokens = list(tokens)
        if not all(isinstance(t, str) and t for t in tokens):
            raise ValueError(f"tokens={tokens!r} must be a list of non-empty str words.")
        duplicates = [t for t, n in Counter(tokens).items() if n > 1]
        if duplicates:
            raise ValueError(f"tokens contain duplicates: {duplicates[:10]!r}.")
        self.tokens: list[str] = tokens
        self._index = {token: i + 2 for i, token in enumerate(tokens)}

    @staticmethod
    def tokenize(text: str) -> list[str]:
        """Split a text into lower-case words.

        Args:
            text: any string.

        Returns:
            The list of words.

        Example:
        >>> WordVocab.tokenize("I LOVE it, don't you?")
        ['i', 'love', 'it', "don't", 'you']
        """
        if not isinstance(text, str):
            raise ValueError(f"text={text!r} is a {type(text).__name__}; pass a str.")
        return _TOKEN.findall(text.lower())

    @classmethod
    def from_texts(
        cls, texts: Iterable[str], *, max_tokens: int | None = 20_000, min_count: int = 1
    ) -> WordVocab:
        """Build a vocabulary from the most frequent words of some texts.

        Args:
            texts: the training texts (a list, a pandas Series, ...).
            max_tokens: size limit of the whole vocabulary, padding and
                unknown ids included (so at most `max_tokens - 2` words), or
                `None` for no limit.
            min_count: drop words seen fewer times than this.

        Returns:
            A `WordVocab`.

        Example:
        >>> vocab = WordVocab.from_texts(["good food", "bad food"])
        >>> vocab.tokens
        ['food', 'bad', 'good']
        """
        max_tokens = check_optional_int("max_tokens", max_tokens, minimum=3)
        min_count = check_int("min_count", min_count)
        texts = _check_texts(texts)
        counts: Counter[str] = Counter()
        n = 0
        for text in texts:
            counts.update(cls.tokenize(text))
            n += 1
        if n == 0 or not counts:
            raise ValueError("texts holds no words; pass a non-empty list of texts.")
        ranked = sorted((t for t, c in counts.items() if c >= min_count),
                        key=lambda t: (-counts[t], t))
        if max_tokens is not None:
            ranked = ranked[: max_tokens - 2]
        return cls(ranked)

    def __len__(self) -> int:
        """Number of ids, padding and unknown included (the model's `vocab_size`)."""
        return len(self.tokens) + 2

    def __repr__(self) -> str:
        return f"WordVocab({len(self)} ids: <pad>, <unk>, {self.tokens[:5]!r}...)"

    def encode(self, text: str) -> np.ndarray:
        """Encode one text as an int32 array of ids (unknown words → 1).

        Example:
        >>> WordVocab(["food"]).encode("Food, food!")
        array([2, 2], dtype=int32)
        """
        return np.fromiter((self._index.get(t, self.UNKNOWN) for t in self.tokenize(text)),
                           dtype=np.int32)

    def encode_batch(
        self, texts: Iterable[str], *, max_length: int | None = None, truncate: str = "post"
    ) -> np.ndarray:
        """Encode texts as one padded `(n, length)` int32 array (0 = padding, at the end).

        Args:
            texts: the texts to encode.
            max_length: the width of the result: longer texts are cut to this
                many words, shorter ones padded to it (so batches encoded
                separately line up, and fit a model built with
                `input_shape=(max_length,)`). `None` pads to the longest text.
            truncate: `"post"` keeps the first `max_length` words, `"pre"` the
                last ones.

        Returns:
            An int32 array of shape `(len(texts), max_length or longest)`.

        Example:
        >>> WordVocab(["food", "good"]).encode_batch(["good food", "food"])
        array([[3, 2],
               [2, 0]], dtype=int32)
        """
        max_length = check_optional_int("max_length", max_length)
        check_choice("truncate", truncate, ("post", "pre"))
        encoded = [self.encode(t) for t in _check_texts(texts)]
        if max_length is not None:
            encoded = [e[:max_length] if truncate == "post" else e[-max_length:]
                       for e in encoded]
        length = max((len(e) for e in encoded), default=0) if max_length is None else max_length
        out = np.zeros((len(encoded), max(length, 1)), dtype=np.int32)
        for row, ids in zip(out, encoded, strict=True):
            row[: len(ids)] = ids
        return out

    def decode(self, ids: Iterable[int]) -> str:
        """Turn ids back into space-separated words (padding dropped, unknown → `<unk>`).

        Example:
        >>> WordVocab(["food"]).decode([2, 1, 0])
        'food <unk>'
        """
        words = []
        for i in _check_ids(ids):
            if i == self.PAD:
                continue
            if not 0 <= i < len(self):
                raise ValueError(f"id {int(i)} is outside this vocabulary's 0..{len(self) - 1}.")
            words.append(self._RESERVED[i] if i < 2 else self.tokens[i - 2])
        return " ".join(words)

    def to_json(self) -> str:
        """Serialise the vocabulary as a JSON string.

        Example:
        >>> WordVocab(["food", "good"]).to_json()
        '{"type": "WordVocab", "tokens": ["food", "good"]}'
        """
        return write_vocab_json("WordVocab", "tokens", self.tokens)

    @classmethod
    def from_json(cls, data: str) -> WordVocab:
        """Rebuild a vocabulary written by :meth:`to_json`.

        Args:
            data: the JSON string.

        Returns:
            A `WordVocab` equal to the saved one.

        Raises:
            ValueError: if the JSON is not a `WordVocab`.

        Example:
        >>> vocab = WordVocab(["food", "good"])
        >>> WordVocab.from_json(vocab.to_json()) == vocab
        True
        """
        return cls(read_vocab_json(data, "WordVocab", "tokens", object))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordVocab) and self.tokens == other.tokens

    __hash__ = None  # type: ignore[assignment]


def _check_texts(texts: Any) -> Iterable[Any]:
    """Refuse a single str or something that is not an iterable of texts, naming `texts`."""
    if isinstance(texts, str):
        raise ValueError("texts is a single str; pass a list of texts, e.g. [text].")
    if texts is None or isinstance(texts, (bytes, bytearray)) or not isinstance(texts, Iterable):
        raise ValueError(f"texts={texts!r} is a {type(texts).__name__}; pass a list (or "
                         "pandas Series) of str texts.")
    return texts


def _check_ids(ids: Any) -> np.ndarray:
    """Return `ids` as a flat int64 array, or raise naming `ids` and the offending value."""
    if isinstance(ids, str):
        raise ValueError(f"ids={ids!r} is a str; pass integer ids, e.g. [2, 5, 1].")
    try:
        array = np.asarray(ids)
    except (TypeError, ValueError) as exc:  # ragged nested lists
        raise ValueError(f"ids={ids!r} is not a sequence of integer ids ({exc}).") from None
    if array.size == 0:
        return np.zeros(0, dtype=np.int64)
    array = array.ravel()
    if np.issubdtype(array.dtype, np.integer):
        return array.astype(np.int64)
    if np.issubdtype(array.dtype, np.floating) and np.all(np.isfinite(array)) \
            and np.all(array == np.round(array)):
        return array.astype(np.int64)
    bad = next((v for v in array.tolist()
                if isinstance(v, bool) or not isinstance(v, (int, float))
                or v != v or float(v) != round(float(v))), array.tolist()[0])
    raise ValueError(f"ids must hold integers; {bad!r} is not one (dtype {array.dtype}).")
