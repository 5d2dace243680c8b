"""Characters to ids and back: `CharVocab`, the vocabulary of a character model.

The vocabulary is the sorted set of a text's distinct characters (id =
rank). Encoding and decoding are vectorised over Unicode code points, and
the vocabulary travels with the model as JSON (`to_json` / `from_json`),
never as a pickle. Pure Python and NumPy: no TensorFlow needed.

Example:
>>> vocab = CharVocab.from_text("to be or not to be")
>>> vocab.encode("be")
array([1, 2], dtype=int32)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path  # noqa: F401 (used by the examples)
from typing import Any

import numpy as np

from rnnkit.text._vocab_json import read_vocab_json, write_vocab_json

__all__ = ["CharVocab", "check_text"]


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

    #: The job of a model that reads these ids (what a bundle saved with it holds).
    job = "generator"

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
        check_text(text)
        points = np.unique(_code_points(text))
        return cls(list(points.astype("<u4").tobytes().decode("utf-32-le")))

    @classmethod
    def from_files(cls, files: Any, *, encoding: str = "utf-8") -> CharVocab:
        """Build the vocabulary of text files in one streaming pass, with bounded memory.

        The files are read a chunk at a time (`rnnkit.text.streaming`), as
        `Path.read_text` reads them; the result equals
        `CharVocab.from_text(<the files' text concatenated>)`.

        Args:
            files: a path, a glob pattern (`"corpus/*.txt"`) or a list of them.
            encoding: the files' encoding.

        Returns:
            A `CharVocab`.

        Raises:
            FileNotFoundError: naming a missing file or a pattern without matches.
            ValueError: if the files hold no text.

        Example:
        >>> CharVocab.from_files("data/text/*.txt") == CharVocab.from_text(
        ...     "".join(p.read_text() for p in sorted(Path("data/text").glob("*.txt"))))
        True
        """
        from rnnkit.text.streaming import read_chunks, resolve_files

        paths = resolve_files(files)
        seen: set[str] = set()
        for chunk in read_chunks(paths, encoding=encoding):
            seen.update(chunk)  # a set of at most the distinct characters: bounded
        if not seen:
            raise ValueError(f"files={[str(p) for p in paths][:5]!r} hold no text; pass "
                             "non-empty text files.")
        return cls(sorted(seen))  # by code point, as from_text

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
        >>> CharVocab.from_text("ab ").to_json()
        '{"type": "CharVocab", "chars": " ab"}'
        """
        return write_vocab_json("CharVocab", "chars", "".join(self.chars))

    @classmethod
    def from_json(cls, data: str) -> CharVocab:
        """Rebuild a vocabulary written by :meth:`to_json`.

        Args:
            data: the JSON string.

        Returns:
            A `CharVocab` equal to the saved one.

        Raises:
            ValueError: if `data` is not the JSON of a `CharVocab`.

        Example:
        >>> vocab = CharVocab.from_text("to be")
        >>> CharVocab.from_json(vocab.to_json()) == vocab
        True
        """
        return cls(list(read_vocab_json(data, "CharVocab", "chars", str)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CharVocab) and self.chars == other.chars

    __hash__ = None  # type: ignore[assignment]


def check_text(text: Any, name: str = "text") -> str:
    """Return `text` if it is a non-empty `str`, or raise naming `name` and the fix.

    Example:
    >>> check_text("to be")
    'to be'
    """
    if not isinstance(text, str):
        raise ValueError(f"{name} is a {type(text).__name__}; pass a str (e.g. "
                         "Path(file).read_text()).")
    if not text:
        raise ValueError(f"{name} is empty; pass a non-empty string.")
    return text
