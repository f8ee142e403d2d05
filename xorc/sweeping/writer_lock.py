"""One writer at a time per sweep file: a lock held beside it for as long as a sweep keeps it.

Two sweeps that keep one file would each rewrite it with their own seeds, and the
last write would drop the other's work. So a sweep with a checkpoint takes an
exclusive lock before it reads the file, and holds it until it ends; a second sweep
of the same file is refused at once (``WriterBusyError``), naming the process that has it.

The lock is ``flock`` on a small file beside the sweep file, ``.NAME.npz.lock`` (the
sweep file itself cannot carry it: each checkpoint replaces it by a rename). The
system releases the lock when its holder ends, however (a kill -9 included), so a
lock file left behind by a killed run locks nothing; the next run takes it over and
removes it at its end. Where the system has no ``flock`` (Windows) there is no lock.
"""

from __future__ import annotations

import contextlib
import errno
import os

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


class WriterBusyError(OSError):
    """Another process (or another sweep of this one) is writing the file: its lock is taken."""


class WriterLock:
    """The exclusive lock of one file's writer, taken by ``take(path)``; ``release()`` gives it back."""

    def __init__(self, fd: int | None, path: str) -> None:
        self._fd = fd
        self.path = path  # the lock file

    def release(self) -> None:
        """Remove the lock file and release the lock (idempotent)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        # Removed while still held: a run waiting for it finds, once it has it, that its
        # file is gone, and tries again with a new one (see take).
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        os.close(fd)

    def __del__(self) -> None:
        self.release()


def lock_path(path: str) -> str:
    """The lock file of the file at `path` (symbolic links followed): .NAME.lock beside it."""
    real = os.path.realpath(path)
    return os.path.join(os.path.dirname(real), f".{os.path.basename(real)}.lock")


def take(path: str | os.PathLike[str]) -> WriterLock:
    """The writer's lock of the file at `path`, taken now; WriterBusyError at once if another holds it.

    The lock file records the holder's process id, for the message of the next one.
    """
    target = lock_path(os.fspath(path))
    if fcntl is None:
        return WriterLock(None, target)
    while True:
        fd = os.open(target, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            holder = _holder(fd)
            os.close(fd)
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                by = f"process {holder}" if holder else "another process"
                raise WriterBusyError(errno.EBUSY, f"another sweep ({by}) is writing it", os.fspath(path)) from None
            raise
        except BaseException:
            os.close(fd)
            raise
        # The holder before may have removed the file between our open and our lock: then
        # this lock is on a file nobody else can see, and another run may lock a new one.
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(target))
        except OSError:
            same = False
        if same:
            break
        os.close(fd)
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
    return WriterLock(fd, target)


def _holder(fd: int) -> str:
    """The process id the lock file records (digits only), or ''."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return text if text.isdigit() else ""
