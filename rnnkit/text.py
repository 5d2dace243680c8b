"""Text encoders: `WordVocab` (classification), `CharVocab` and `text_dataset` (generation).

An encoder undoes what it does (`encode` / `decode`) and travels with the
model as JSON (`to_json` / `from_json`), never as a pickle.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import tensorflow as tf

__all__ = ["WordVocab", "CharVocab", "text_dataset"]

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
        from rnnkit._checks import check_int, check_optional_int

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
        from rnnkit._checks import check_choice, check_optional_int

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


# ----------------------------------------------------------------------------- characters

def _code_points(text: str) -> np.ndarray:
    """The Unicode code points of `text` as a uint32 array (vectorised, no Python loop)."""
    return np.frombuffer(text.encode("utf-32-le"), dtype="<u4")


class CharVocab:
    """A character vocabulary: the sorted distinct characters of a text, id = rank.

    Encoding and decoding are vectorised (NumPy over code points), so a
    million-character text encodes in milliseconds. The vocabulary travels
    with a model as JSON (`to_json` / `from_json`).

    Args:
        chars: the distinct characters, in id order (`from_text` sorts them).

    Example:
    >>> vocab = CharVocab.from_text("hello world")
    >>> len(vocab), vocab.chars
    (8, [' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w'])
    >>> vocab.decode(vocab.encode("hello"))
    'hello'
    """

    def __init__(self, chars: Sequence[str]):
        if isinstance(chars, str):
            chars = list(chars)
        chars = list(chars)
        bad = [c for c in chars if not isinstance(c, str) or len(c) != 1]
        if bad:
            raise ValueError(f"chars must be single characters; got {bad[:10]!r}.")
        if len(chars) < 1:
            raise ValueError("chars is empty; a CharVocab needs at least one character.")
        duplicates = sorted(c for c, n in Counter(chars).items() if n > 1)
        if duplicates:
            raise ValueError(f"chars contain duplicates: {duplicates[:10]!r}.")
        self.chars: list[str] = chars
        self._points = _code_points("".join(chars))
        self._order = np.argsort(self._points, kind="stable")
        self._sorted = self._points[self._order]

    @classmethod
    def from_text(cls, text: str) -> CharVocab:
        """Build the vocabulary of a text: its distinct characters, sorted.

        Args:
            text: the training text (non-empty `str`).

        Returns:
            A `CharVocab`.

        Raises:
            ValueError: if `text` is not a non-empty string.

        Example:
        >>> CharVocab.from_text("abba").chars
        ['a', 'b']
        """
        _check_text(text)
        points = np.unique(_code_points(text))
        return cls(list(points.astype("<u4").tobytes().decode("utf-32-le")))

    def __len__(self) -> int:
        """Number of characters (the model's `vocab_size`)."""
        return len(self.chars)

    def __repr__(self) -> str:
        return f"CharVocab({len(self)} chars: {''.join(self.chars[:40])!r}...)"

    def __contains__(self, char: object) -> bool:
        return isinstance(char, str) and len(char) == 1 and self._lookup(char)[1].all()

    def _lookup(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        points = _code_points(text)
        pos = np.searchsorted(self._sorted, points)
        pos = np.minimum(pos, len(self._sorted) - 1)
        known = self._sorted[pos] == points
        return self._order[pos].astype(np.int32), known

    def encode(self, text: str, *, replace: str | None = None) -> np.ndarray:
        """Encode a string as an int32 array of character ids.

        Args:
            text: the string to encode.
            replace: a vocabulary character that stands in for characters
                outside the vocabulary; `None` (default) raises instead.

        Returns:
            An int32 array of shape `(len(text),)`.

        Raises:
            ValueError: if `text` holds characters outside the vocabulary
                (naming them and their positions) and `replace` is `None`,
                or if `replace` is not a vocabulary character.

        Example:
        >>> CharVocab.from_text("abc").encode("cab")
        array([2, 0, 1], dtype=int32)
        >>> CharVocab.from_text("abc").encode("abz", replace="a")
        array([0, 1, 0], dtype=int32)
        """
        if not isinstance(text, str):
            raise ValueError(f"text={text!r:.60} is a {type(text).__name__}; pass a str.")
        ids, known = self._lookup(text)
        if known.all():
            return ids
        if replace is not None:
            if replace not in self:
                raise ValueError(f"replace={replace!r} is not a character of this vocabulary; "
                                 "pick one of vocab.chars, e.g. replace=' '.")
            ids[~known] = self._lookup(replace)[0][0]
            return ids
        positions = np.flatnonzero(~known)
        unknown = sorted(set(text[i] for i in positions[:10_000]))
        shown = ", ".join(f"{text[i]!r} at {int(i)}" for i in positions[:10])
        more = f" and {len(positions) - 10} more" if len(positions) > 10 else ""
        raise ValueError(
            f"text holds {len(positions)} character(s) outside the vocabulary: "
            f"{unknown[:20]!r} ({shown}{more}). Remove them, or pass replace=' ' (any "
            "vocabulary character) to map them to it."
        )

    def decode(self, ids: Iterable[int] | np.ndarray) -> str:
        """Turn character ids back into a string.

        Args:
            ids: integer ids in `[0, len(vocab))` (a list, NumPy array or tensor).

        Returns:
            The string.

        Raises:
            ValueError: if an id is outside the vocabulary.

        Example:
        >>> vocab = CharVocab.from_text("abc")
        >>> vocab.decode([2, 0, 1])
        'cab'
        """
        array = np.asarray(ids)
        if array.size == 0:
            return ""
        if not np.issubdtype(array.dtype, np.integer):
            raise ValueError(f"ids must be integers; got dtype {array.dtype}.")
        array = array.ravel().astype(np.int64)
        bad = (array < 0) | (array >= len(self))
        if bad.any():
            raise ValueError(f"id {int(array[bad][0])} is outside this vocabulary's "
                             f"0..{len(self) - 1}.")
        return self._points[array].astype("<u4").tobytes().decode("utf-32-le")

    def to_json(self) -> str:
        """Serialise the vocabulary as a JSON string.

        Example:
        >>> vocab = CharVocab.from_text("ab\n")
        >>> CharVocab.from_json(vocab.to_json()) == vocab
        True
        """
        return json.dumps({"type": "CharVocab", "chars": "".join(self.chars)},
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, data: str) -> CharVocab:
        """Rebuild a vocabulary written by :meth:`to_json`.

        Args:
            data: the JSON string.

        Returns:
            A `CharVocab` equal to the saved one.

        Raises:
            ValueError: if `data` is not the JSON of a `CharVocab`.
        """
        try:
            obj = json.loads(data)
        except (TypeError, json.JSONDecodeError) as exc:
            raise ValueError(f"CharVocab.from_json: not valid JSON ({exc}).") from None
        if not isinstance(obj, dict) or obj.get("type") != "CharVocab" \
                or not isinstance(obj.get("chars"), str):
            raise ValueError("CharVocab.from_json: the JSON is not a CharVocab "
                             "(expected {'type': 'CharVocab', 'chars': '...'}).")
        return cls(list(obj["chars"]))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CharVocab) and self.chars == other.chars

    __hash__ = None  # type: ignore[assignment]


def _check_text(text: Any, name: str = "text") -> str:
    if not isinstance(text, str):
        raise ValueError(f"{name} is a {type(text).__name__}; pass a str (e.g. "
                         "Path(file).read_text()).")
    if not text:
        raise ValueError(f"{name} is empty; pass a non-empty string.")
    return text


def text_dataset(
    text: str,
    vocab: CharVocab,
    *,
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
        seq_length: characters per training sequence (≥ 1).
        batch_size: sequences per batch (≥ 1).
        shuffle: shuffle the sequences (again each epoch).
        seed: seed of the shuffle (an integer ≥ 0), for a repeatable order;
            `None` gives a different order each run.
        drop_remainder: drop the last, smaller batch.

    Returns:
        A batched `tf.data.Dataset` of `(inputs, targets)`, both int32 of
        shape `(batch, seq_length)`.

    Raises:
        ValueError: on an empty or too short text, characters outside
            `vocab`, or a bad `seq_length`, `batch_size`, `shuffle`,
            `drop_remainder` or `seed`.

    Example:
    >>> text = load_shakespeare()
    >>> vocab = CharVocab.from_text(text)
    >>> train = text_dataset(text, vocab, seq_length=100, batch_size=64, seed=0)
    >>> model = build_generator(len(vocab))
    >>> model.fit(train, epochs=3)  # doctest: +SKIP
    """

    from rnnkit._checks import check_bool, check_int, check_optional_int

    _check_text(text)
    if not isinstance(vocab, CharVocab):
        raise ValueError(f"vocab is a {type(vocab).__name__}; pass a CharVocab "
                         "(CharVocab.from_text(text)).")
    seq_length = check_int("seq_length", seq_length)
    batch_size = check_int("batch_size", batch_size)
    check_bool("shuffle", shuffle)
    check_bool("drop_remainder", drop_remainder)
    check_optional_int("seed", seed, minimum=0)
    if len(text) < seq_length + 1:
        raise ValueError(
            f"text has {len(text)} characters, too short for seq_length={seq_length}: it needs "
            f"at least seq_length + 1 = {seq_length + 1}. Pass a longer text or a smaller "
            "seq_length."
        )
    import tensorflow as tf

    ids = vocab.encode(text)
    count = (len(ids) - 1) // seq_length
    inputs = ids[: count * seq_length].reshape(count, seq_length)
    targets = ids[1 : count * seq_length + 1].reshape(count, seq_length)
    dataset = tf.data.Dataset.from_tensor_slices((inputs, targets))
    if shuffle:
        dataset = dataset.shuffle(count, seed=seed, reshuffle_each_iteration=True)
    return dataset.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
