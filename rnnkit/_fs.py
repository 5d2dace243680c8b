"""Atomic writes: a file or a whole folder appears complete, or not at all.

Every file rnnkit writes for a user (bundles, predictions, plots, generated
text, the training backup's own state) goes through here: the content is
written to a temporary sibling, flushed and fsynced, then renamed over the
target, and the parent folder is fsynced so that the rename itself survives a
crash. A failure at any point leaves the previous file or folder as it was
and removes the temporary one.

Example:
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> atomic_write(folder / "note.txt", lambda p: p.write_text("hello"))
>>> (folder / "note.txt").read_text()
'hello'
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["atomic_write", "atomic_write_text", "atomic_write_json", "atomic_folder",
           "check_writable_folder", "fsync_path"]


def _may_write(folder: Path) -> bool:
    """Whether you may create files in `folder` (always true for root)."""
    return os.access(folder, os.W_OK | os.X_OK)


def check_writable_folder(name: str, path: str | os.PathLike) -> Path:
    """Refuse a folder path that cannot be written, before anything is computed for it.

    The folder may exist or not; what is refused: a path that is a file, a
    path under a file (`notes.txt/out`), and a path whose nearest existing
    folder you may not write to. Nothing is created.

    Args:
        name: how the message names the path (`"path"`, or `"--out"` from the CLI).
        path: the folder to be written.

    Returns:
        `path` as a `Path`.

    Raises:
        ValueError: naming `name`, the path and the fix.

    Example:
    >>> import tempfile
    >>> note = Path(tempfile.mkdtemp()) / "notes.txt"
    >>> _ = note.write_text("x")
    >>> check_writable_folder("--out", note / "run1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: --out='...notes.txt/run1' lies under '...notes.txt', which is a file; ...
    """
    path = Path(path)
    existing = path
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        what = "is a file" if existing.exists() else "is a broken link"
        where = (f"{name}={str(path)!r} {what}" if existing == path else
                 f"{name}={str(path)!r} lies under {str(existing)!r}, which {what}")
        raise ValueError(f"{where}; give a folder path (a new folder, or an existing one) "
                         "that no file stands in the way of.")
    if not _may_write(existing):
        raise ValueError(f"{name}={str(path)!r} cannot be written: you have no write "
                         f"permission in {str(existing)!r}. Give a folder you can write to.")
    return path


def fsync_path(path: Path) -> None:
    """Flush a file or folder to disk (a no-op where folders cannot be opened, e.g. Windows).

    Example:
    >>> fsync_path(Path("."))
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _temporary(path: Path, kind: str) -> Path:
    return path.with_name(f".{path.name}.{kind}-{uuid.uuid4().hex[:8]}")


def atomic_write(path: str | os.PathLike, write: Callable[[Path], Any]) -> None:
    """Write a file through a temporary sibling, then rename it into place.

    Args:
        path: the file to write.
        write: called with the temporary path; it writes the whole content there
            (e.g. `lambda p: frame.to_csv(p)`, `lambda p: figure.savefig(p)`).
            The temporary name keeps `path`'s suffix, so writers that pick a
            format from the suffix work.

    Example:
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "x.csv"
    >>> atomic_write(target, lambda p: p.write_text("a,b\\n"))
    >>> target.read_text()
    'a,b\\n'
    """
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.tmp-{uuid.uuid4().hex[:8]}{path.suffix}")
    try:
        write(tmp)
        fsync_path(tmp)
        os.replace(tmp, path)
        fsync_path(path.parent)
    finally:
        if tmp.exists():
            tmp.unlink()


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write UTF-8 text atomically (see :func:`atomic_write`).

    Example:
    >>> import tempfile
    >>> atomic_write_text(Path(tempfile.mkdtemp()) / "t.txt", "to be")
    """
    atomic_write(path, lambda p: p.write_text(text, encoding="utf-8"))


def atomic_write_json(path: str | os.PathLike, document: Any, *, indent: int | None = 2) -> None:
    """Write a JSON document atomically: UTF-8, no NaN or infinity, a final newline.

    Example:
    >>> import tempfile
    >>> atomic_write_json(Path(tempfile.mkdtemp()) / "d.json", {"a": 1})
    """
    text = json.dumps(document, indent=indent, ensure_ascii=False, allow_nan=False) + "\n"
    atomic_write_text(path, text)


@contextmanager
def atomic_folder(path: str | os.PathLike) -> Iterator[Path]:
    """Build a folder in a temporary sibling; on success it replaces `path` whole.

    The `with` body fills the yielded temporary folder. When it finishes, the
    temporary folder takes the place of `path` by renames (the old folder, if
    any, is moved aside first and put back if the swap fails), and both are
    fsynced. When the body raises, `path` is untouched and the temporary
    folder is removed.

    Example:
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "bundle"
    >>> with atomic_folder(target) as tmp:
    ...     _ = (tmp / "a.txt").write_text("a")
    >>> sorted(p.name for p in target.iterdir())
    ['a.txt']
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp, old = _temporary(target, "tmp"), _temporary(target, "old")
    try:
        tmp.mkdir()
        yield tmp
        for item in tmp.iterdir():
            if item.is_file():
                fsync_path(item)
        fsync_path(tmp)
        if target.exists():
            os.replace(target, old)
            try:
                os.replace(tmp, target)
            except BaseException:
                os.replace(old, target)
                raise
        else:
            os.replace(tmp, target)
        fsync_path(target.parent)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
