"""The ``xorc`` command's entry point (``[project.scripts]`` and ``python -m xorc``): signals first.

Importing numpy and the compiled core takes about a third of a second, and a Ctrl-C
(or SIGTERM) in that time must end the command as one at any other time does: the
line "xorc: interrupted" and status 130 (143), never a traceback. So this module,
whose import loads nothing heavy (``xorc/__init__.py`` imports nothing at start-up),
makes both signals raise, and notes them, before it imports the command
(``xorc.cli``). Noted, because an extension module interrupted while it loads may
raise something else in the signal's place (numpy: an ImportError).

Once the command has returned, its work is done and its line printed: a signal after
that has nothing left to stop, and is ignored while the process exits, so that it can
neither print a second line nor change the status. (A signal before this code runs,
while Python itself starts, ends the process as the signal's default action does, or
as Python reports a Ctrl-C during its start-up.)
"""

from __future__ import annotations

import signal
from types import FrameType

from ._signals import STOPPING, Terminated, raise_terminated, report, signal_of


def main() -> int:
    """Run the command on sys.argv; its exit status."""
    found = {signum: signal.getsignal(signum) for signum in STOPPING}
    noted: list[int] = []

    def note(signum: int, frame: FrameType | None) -> None:
        noted.append(signum)
        raise _interrupt(signum)

    for signum, handler in found.items():
        if handler is not signal.SIG_IGN:  # (as Python leaves a SIGINT ignored from the start ignored)
            signal.signal(signum, note)
    try:
        try:
            from .cli import main as command
        except BaseException as error:
            if not noted:
                raise
            return report(error if isinstance(error, KeyboardInterrupt) else _interrupt(noted[0]))
        # The command's own handling from here: Ctrl-C as Python raises it, SIGTERM as Terminated.
        if found[signal.SIGINT] is not signal.SIG_IGN:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        if found[signal.SIGTERM] is not signal.SIG_IGN:
            signal.signal(signal.SIGTERM, raise_terminated)
        try:
            return command()
        except KeyboardInterrupt as interrupt:  # after the command's end: it has said what it had to
            return 128 + int(signal_of(interrupt))
    finally:
        for signum in STOPPING:
            signal.signal(signum, signal.SIG_IGN)


def _interrupt(signum: int) -> KeyboardInterrupt:
    return Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()
