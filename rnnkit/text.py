"""Text encoders: `WordVocab` (classification), `CharVocab` and `text_dataset` (generation).

An encoder undoes what it does (`encode` / `decode`) and travels with the
model as JSON (`to_json` / `from_json`), never as a pickle.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

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
    >>> from rnnkit.datasets import load_food_reviews
    >>> reviews = load_food_reviews()
    >>> vocab = WordVocab.from_texts(reviews["text"], max_tokens=10_000)
    >>> ids = vocab.encode_batch(reviews["text"], max_length=200)   # (5000, 200) int32
    >>> model = build_classifier((None,), 2, vocab_size=len(vocab))
    """

    PAD = 0
    UNKNOWN = 1
    _RESERVED = ("<pad>", "<unk>")

    def __init__(self, tokens: Sequence[str]):
        tokens = list(tokens)
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
        from rnnkit._checks import check_int, check_optional_int

        max_tokens = check_optional_int("max_tokens", max_tokens, minimum=3)
        min_count = check_int("min_count", min_count)
        if isinstance(texts, str):
            raise ValueError("texts is a single str; pass a list of texts, e.g. [text].")
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
            max_length: cut longer texts to this many words; `None` pads to
                the longest text.
            truncate: `"post"` keeps the first `max_length` words, `"pre"` the
                last ones.

        Returns:
            An int32 array of shape `(len(texts), length)`.

        Example:
        >>> WordVocab(["food", "good"]).encode_batch(["good food", "food"])
        array([[3, 2],
               [2, 0]], dtype=int32)
        """
        from rnnkit._checks import check_choice, check_optional_int

        max_length = check_optional_int("max_length", max_length)
        check_choice("truncate", truncate, ("post", "pre"))
        if isinstance(texts, str):
            raise ValueError("texts is a single str; pass a list of texts, e.g. [text].")
        encoded = [self.encode(t) for t in texts]
        if max_length is not None:
            encoded = [e[:max_length] if truncate == "post" else e[-max_length:]
                       for e in encoded]
        length = max((len(e) for e in encoded), default=0)
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
        for i in np.asarray(ids, dtype=np.int64).ravel():
            if i == self.PAD:
                continue
            if not 0 <= i < len(self):
                raise ValueError(f"id {int(i)} is outside this vocabulary's 0..{len(self) - 1}.")
            words.append(self._RESERVED[i] if i < 2 else self.tokens[i - 2])
        return " ".join(words)

    def to_json(self) -> str:
        """Serialise the vocabulary as a JSON string.

        Example:
        >>> WordVocab.from_json(vocab.to_json()).tokens == vocab.tokens  # doctest: +SKIP
        True
        """
        return json.dumps({"type": "WordVocab", "tokens": self.tokens}, ensure_ascii=False)

    @classmethod
    def from_json(cls, data: str) -> WordVocab:
        """Rebuild a vocabulary written by :meth:`to_json`.

        Raises:
            ValueError: if the JSON is not a `WordVocab`.
        """
        try:
            obj = json.loads(data)
        except (TypeError, json.JSONDecodeError) as exc:
            raise ValueError(f"WordVocab.from_json: not valid JSON ({exc}).") from None
        if not isinstance(obj, dict) or obj.get("type") != "WordVocab" or "tokens" not in obj:
            raise ValueError("WordVocab.from_json: the JSON is not a WordVocab "
                             "(expected {'type': 'WordVocab', 'tokens': [...]}).")
        return cls(obj["tokens"])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordVocab) and self.tokens == other.tokens

    __hash__ = None  # type: ignore[assignment]
