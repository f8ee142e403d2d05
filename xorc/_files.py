"""Writing a file atomically: the path holds the old content or the complete new one, never a part."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from typing import BinaryIO


def write_atomically(path: str | os.PathLike[str], write: Callable[[BinaryIO], object]) -> None:
    """Create or replace the file at `path` with what `write(file)` writes to `file`.

    The content goes to a new temporary file in the same folder, which is flushed
    and fsynced and then renamed over `path` (``os.replace``, atomic on POSIX and
    Windows). If anything fails or is interrupted before the rename, the temporary
    file is removed and `path` is untouched. A symbolic link is followed: the file
    it points to is replaced. A replaced file keeps its permission bits; a new one
    gets the usual ones (0o666 less the umask).
    """
    target = os.path.realpath(os.fspath(path))
    folder = os.path.dirname(target)
    temp, fd = _create_temporary(folder, os.path.basename(target))
    try:
        with os.fdopen(fd, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_folder(folder)


def _create_temporary(folder: str, name: str) -> tuple[str, int]:
    """A new, empty, hidden file beside `name` in `folder`: its path and an open descriptor."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temp = os.path.join(folder, f".{name}.{os.urandom(4).hex()}.tmp")
        try:
            return temp, os.open(temp, flags, 0o666)
        except FileExistsError:
            continue


def _sync_folder(folder: str) -> None:
    """Make the rename durable: fsync the folder's entry list, where the system allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
