"""The ``xorc`` command's entry point (``[project.scripts]`` and ``python -m xorc``): signals first.

Importing numpy and the compiled core takes about a third of a second, and a Ctrl-C
(or SIGTERM) in that time must end the command as one at any other time does: the
line "xorc: interrupted" and status 130 (143), never a traceback. So this module
takes SIGINT and SIGTERM as it is imported, before it imports more (it is the
command's alone; ``xorc/__init__.py`` imports nothing at start-up): a signal is noted,
and raised as KeyboardInterrupt once ``main`` is ready to turn it into the line. Then
``main`` imports the command (``xorc.cli``) and runs it. Noted, also, because an
extension module interrupted while it loads may raise something else in the
signal's place (numpy: an ImportError).

Once the command has returned, its work is done and its line printed: a signal after
that has nothing left to stop, and is ignored while the process exits, so that it can
neither print a second line nor change the status. (A signal before this module runs,
while Python itself starts, ends the process as the signal's default action does, or
as Python reports a Ctrl-C during its start-up.)
"""

from __future__ import annotations

import signal
from types import FrameType

_STOPPING = (signal.SIGINT, signal.SIGTERM)
_found = {signum: signal.getsignal(signum) for signum in _STOPPING}
_noted: list[int] = []
_raising = False  # whether a noted signal raises now (in main's try), or waits for it


def _note(signum: int, frame: FrameType | None) -> None:
    _noted.append(signum)
    if _raising:
        raise KeyboardInterrupt


for _signum, _handler in _found.items():
    if _handler is not signal.SIG_IGN:  # (as Python leaves a SIGINT ignored from the start ignored)
        signal.signal(_signum, _note)


def main() -> int:
    """Run the command on sys.argv; its exit status."""
    try:
        return _main()
    except KeyboardInterrupt as stop:
        # A signal in a moment that no handler inside covers: its status (130, 143), quietly,
        # never Python's own death by SIGINT for an uncaught KeyboardInterrupt.
        for signum in _STOPPING:
            signal.signal(signum, signal.SIG_IGN)
        from ._signals import signal_of

        return 128 + int(_noted[0] if _noted else signal_of(stop))


def _main() -> int:
    global _raising
    from ._signals import Terminated, raise_terminated, report, signal_of

    def interrupt() -> KeyboardInterrupt:
        return Terminated() if _noted[0] == signal.SIGTERM else KeyboardInterrupt()

    try:
        try:
            _raising = True
            if _noted:
                raise interrupt()
            from .cli import main as command

            # The command's own handling from here: Ctrl-C as Python raises it, SIGTERM as
            # Terminated. (Set inside this try: a signal noted until both are set is caught below.)
            if _found[signal.SIGINT] is not signal.SIG_IGN:
                signal.signal(signal.SIGINT, signal.default_int_handler)
            if _found[signal.SIGTERM] is not signal.SIG_IGN:
                signal.signal(signal.SIGTERM, raise_terminated)
        except BaseException:
            if not _noted:
                raise
            return report(interrupt())
        try:
            return command()
        except KeyboardInterrupt as stop:  # after the command's end: it has said what it had to
            return 128 + int(signal_of(stop))
    finally:
        for signum in _STOPPING:
            signal.signal(signum, signal.SIG_IGN)
