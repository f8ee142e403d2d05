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
the program it is part of. One exception, for as long as a sweep runs
(``SignalsHeld``): the handlers found are wrapped so that once one of them has
raised (the first Ctrl-C), later signals only cut waiting short and raise nothing
until the sweep has written what finished. Then the handlers found are back.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from types import FrameType, TracebackType


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


def raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """Within the block, SIGTERM raises Terminated (in the main thread); as before afterwards.

    A SIGTERM that the process was started to ignore stays ignored, as Python does for
    SIGINT; outside the main thread (where no handler can be set) nothing changes.
    """
    try:
        previous = signal.signal(signal.SIGTERM, raise_terminated)
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


#: The signals that stop work (as exceptions, where a Python handler raises one).
STOPPING = (signal.SIGINT, signal.SIGTERM)


class SignalsHeld:
    """For a ``with`` block: the first SIGINT or SIGTERM acts as its handler says (raises KeyboardInterrupt,
    or Terminated in the command); from then on, or from ``hold()``, later ones raise nothing.

    A held signal sets `again`, which the cleanup reads to stop waiting (for threads to
    finish their piece), never to skip writing what finished. The handlers found come back
    at the end of the block; a held signal is not raised again (the work is stopping anyway).
    Only Python handlers are wrapped (SIG_DFL ends the process, SIG_IGN ignores, as before),
    and only in the main thread, the one Python runs signal handlers in.
    """

    def __init__(self) -> None:
        self.holding = False
        self.again = threading.Event()
        self._found: dict[int, Callable[[int, FrameType | None], object]] = {}

    def __enter__(self) -> SignalsHeld:
        if threading.current_thread() is threading.main_thread():
            for signum in STOPPING:
                handler = signal.getsignal(signum)
                if callable(handler):
                    self._found[signum] = handler
                    signal.signal(signum, self._handle)
        return self

    def hold(self) -> None:
        """Hold every later signal (the work is stopping for another reason: it writes what finished)."""
        self.holding = True

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.holding:
            self.again.set()
            return
        try:
            self._found[signum](signum, frame)
        except BaseException:
            self.holding = True  # the work stops now: from here on, only its cleanup runs
            raise

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        for signum, handler in self._found.items():
            if signal.getsignal(signum) == self._handle:  # (unless the program changed it meanwhile)
                signal.signal(signum, handler)


def report(interrupt: KeyboardInterrupt) -> int:
    """Print the one line that says what an interrupted command did; return its exit status."""
    number = signal_of(interrupt)
    done = f" {interrupt.done}" if isinstance(interrupt, Interrupted) else ""
    with contextlib.suppress(KeyboardInterrupt, OSError):  # a second signal, a closed stderr
        print(f"xorc: interrupted{done}", file=sys.stderr, flush=True)
    return 128 + int(number)
