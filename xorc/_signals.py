"""How the command stops when asked: SIGINT and SIGTERM as exceptions, one line, exit 130 or 143.

Python turns SIGINT (Ctrl-C) into KeyboardInterrupt, but SIGTERM (``kill``, a batch
system's time limit) ends the process on the spot, skipping every ``finally``: a
temporary file stays behind, a checkpoint is not written. While the command runs,
``sigterm_raises()`` makes SIGTERM raise ``Terminated``, a KeyboardInterrupt, so
both signals take one path: the work stops at its next check (training runs in C
pieces of a few milliseconds), ``finally`` and ``except BaseException`` clean up,
a subcommand may add what it had done (``Interrupted``), and ``cli.main`` prints
``report(interrupt)`` and exits with 128 + the signal's number, as a shell reports
a process the signal ended: 130 for SIGINT, 143 for SIGTERM.

Only the command installs a handler: the library leaves a process's signals to
the program it is part of.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from types import FrameType


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C raises KeyboardInterrupt (while ``sigterm_raises`` is on)."""


class Interrupted(KeyboardInterrupt):
    """An interrupt that a subcommand caught and raises again with what it had done.

    `done` completes the line "xorc: interrupted ...": what had been done, as in
    "after 1234000 of 100000000 steps", or where it stopped ("while reading x.npz").
    """

    def __init__(self, cause: KeyboardInterrupt, done: str) -> None:
        super().__init__(done)
        self.done = done
        self.signal = signal_of(cause)


def signal_of(interrupt: KeyboardInterrupt) -> signal.Signals:
    """The signal behind an interrupt: SIGTERM for Terminated, else SIGINT."""
    if isinstance(interrupt, Interrupted):
        return interrupt.signal
    return signal.SIGTERM if isinstance(interrupt, Terminated) else signal.SIGINT


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """Within the block, SIGTERM raises Terminated (in the main thread); as before afterwards.

    A SIGTERM that the process was started to ignore stays ignored, as Python does for
    SIGINT; outside the main thread (where no handler can be set) nothing changes.
    """
    try:
        previous = signal.signal(signal.SIGTERM, _raise_terminated)
    except ValueError:  # not the main thread
        yield
        return
    if previous is signal.SIG_IGN:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        yield
    finally:
        # (None: the handler before was not set from Python; the default is all there is to restore.)
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)


def report(interrupt: KeyboardInterrupt) -> int:
    """Print the one line that says what an interrupted command did; return its exit status."""
    number = signal_of(interrupt)
    done = f" {interrupt.done}" if isinstance(interrupt, Interrupted) else ""
    with contextlib.suppress(KeyboardInterrupt, OSError):  # a second signal, a closed stderr
        print(f"xorc: interrupted{done}", file=sys.stderr, flush=True)
    return 128 + int(number)
