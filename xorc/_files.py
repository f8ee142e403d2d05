"""Writing a file atomically: the path holds the old content or the complete new one, never a part.

The one writer of xorc (model files and pictures). It never harms what was there: it
replaces only a regular file (or creates one where there is nothing), never a folder,
device, FIFO or socket; the new file keeps the old one's permission bits from the moment
it is created; and every error names the path the user gave, not the temporary file.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Callable
from typing import BinaryIO, NamedTuple

#: The longest file name most file systems take, where the system does not say (bytes).
_NAME_MAX = 255
#: What the temporary name adds to the target's name: "." + name + ".xxxxxxxx.tmp".
_TEMP_EXTRA = len(".") + len(".00000000.tmp")


class _Target(NamedTuple):
    path: str  # the file to create or replace, symbolic links resolved
    folder: str
    mode: int | None  # the permission bits of the file replaced; None when there is none
    owner: tuple[int, int] | None  # its (uid, gid)


def write_atomically(path: str | os.PathLike[str], write: Callable[[BinaryIO], object]) -> None:
    """Create or replace the file at `path` with what `write(file)` writes to `file`.

    The content goes to a new temporary file in the same folder, which is flushed
    and fsynced and then renamed over `path` (``os.replace``, atomic on POSIX and
    Windows). If anything fails or is interrupted before the rename, the temporary
    file is removed and `path` is untouched. A symbolic link is followed: the file
    it points to is replaced. A replaced file keeps its permission bits (and, where
    the system allows, its owner); a new one gets the usual ones (0o666 less the umask).

    Raises OSError naming `path` when it cannot be written, ends in a slash, or names
    anything but a regular file (a folder, a device such as /dev/null, a FIFO).
    """
    given = os.fspath(path)
    target, temp, fd = _begin(given)
    try:
        with os.fdopen(fd, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        # Checked again just before the rename: what is at the target may have changed.
        _target(given)
        os.replace(temp, target.path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(error, OSError) and error.filename in (temp, target.path, None):
            raise _naming(error, given) from None
        raise
    _sync_folder(target.folder)


def check_writable(path: str | os.PathLike[str]) -> None:
    """Raise the OSError write_atomically would raise for `path`, without writing it.

    For a command to fail before its work, not after: checks what is at `path`, then
    creates and removes a temporary file beside it (which proves the folder writable,
    also for root and on read-only file systems).
    """
    _, temp, fd = _begin(os.fspath(path))
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(temp)


def _begin(given: str) -> tuple[_Target, str, int]:
    """The checked target of `given`, and a new temporary file beside it (its path and descriptor)."""
    target = _target(given)
    try:
        temp, fd = _create_temporary(target)
    except OSError as error:
        raise _naming(error, given) from None
    return target, temp, fd


def _target(given: str) -> _Target:
    """Where `given` leads, checked: a regular file or nothing, in an existing folder."""
    if not given:
        raise FileNotFoundError(errno.ENOENT, "an empty path names no file", given)
    if given.endswith(("/", os.sep, os.altsep or os.sep)):
        raise IsADirectoryError(errno.EISDIR, "a path ending in a slash names a folder, not a file", given)
    if "\0" in given:
        raise ValueError(f"path {given!r} holds a NUL character, which no file name can")
    path = os.path.realpath(given)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return _Target(path, os.path.dirname(path), None, None)
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder", given)
    if not stat.S_ISREG(info.st_mode):
        # Renaming over a device, FIFO or socket would swap it for a regular file (as
        # root, /dev/null would be gone): xorc writes only regular files.
        problem = f"is a {_kind(info.st_mode)}, not a regular file; xorc replaces only regular files"
        raise OSError(errno.EEXIST, problem, given)
    return _Target(path, os.path.dirname(path), stat.S_IMODE(info.st_mode), (info.st_uid, info.st_gid))


def _kind(mode: int) -> str:
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISFIFO(mode):
        return "FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special file"


def _naming(error: OSError, given: str) -> OSError:
    """`error` with `given` (the user's path) as its file name, of the same type."""
    if error.errno is None:
        return error
    return type(error)(error.errno, error.strerror, given)


def _create_temporary(target: _Target) -> tuple[str, int]:
    """A new, empty, hidden file beside the target: its path and an open descriptor.

    It is created with the target's permission bits (so a 0600 file's content is never
    readable by others, not even while being written), and its name stays within the
    file system's limit on name length, however long the target's name is.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    stem = _temporary_stem(target)
    while True:
        temp = os.path.join(target.folder, _temporary_name(stem, os.urandom(4).hex()))
        try:
            fd = os.open(temp, flags, 0o600 if target.mode is not None else 0o666)
        except FileExistsError:
            continue
        except BaseException:
            # A signal during the open raises as it returns (Ctrl-C, or SIGTERM in the
            # command): the file may exist, and its name is ours alone.
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        break
    try:
        if target.mode is not None:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, target.mode)  # the exact bits, whatever the umask
            else:
                os.chmod(temp, target.mode)
            if target.owner is not None and hasattr(os, "fchown"):
                with contextlib.suppress(OSError):  # only root may give a file away
                    os.fchown(fd, *target.owner)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return temp, fd


def _temporary_name(stem: str, tag: str) -> str:
    """The temporary file's name: ".NAME.xxxxxxxx.tmp", hidden, with 8 random hex digits."""
    return f".{stem}.{tag}.tmp"


def remove_temporaries(path: str | os.PathLike[str]) -> list[str]:
    """Remove the temporary files of `path` that a write killed before its rename left behind; their names.

    A kill -9 (or a power cut) during ``write_atomically`` leaves its temporary file,
    as large as the file. Only a caller that knows no write of `path` is under way may
    call this (a sweep holding the file's writer lock, ``sweeping.writer_lock``): the names are
    those that ``write_atomically`` gives this path's temporaries, and no other.
    """
    try:
        target = _target(os.fspath(path))
        names = os.listdir(target.folder)
    except (OSError, ValueError):
        return []
    stem = _temporary_stem(target)
    removed = []
    for name in names:
        tag = name[len(stem) + 2 : -len(".tmp")]
        if name != _temporary_name(stem, tag) or len(tag) != 8 or not all(c in "0123456789abcdef" for c in tag):
            continue
        temp = os.path.join(target.folder, name)
        with contextlib.suppress(OSError):
            if stat.S_ISREG(os.lstat(temp).st_mode):
                os.unlink(temp)
                removed.append(name)
    return removed


def _temporary_stem(target: _Target) -> str:
    """The target's name, cut (at a character boundary) so that the temporary name fits."""
    try:
        limit = os.pathconf(target.folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):
        limit = _NAME_MAX
    stem = os.path.basename(target.path)
    while stem and len(os.fsencode(stem)) + _TEMP_EXTRA > limit:
        stem = stem[:-1]
    return stem or "xorc"


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
