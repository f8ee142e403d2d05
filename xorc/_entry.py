"""The ``xorc`` command's entry point (``[project.scripts]`` and ``python -m xorc``): signals first.

Importing numpy and the compiled core takes about a third of a second, and a Ctrl-C
(or SIGTERM) in that time must end the command as one at any other time does: the
line "xorc: interrupted" and status 130 (143), never a traceback. So this module
takes SIGINT and SIGTERM as it is imported, before it imports more (it is the
command's alone; ``xorc/__init__.py`` imports nothing at start-up): a signal is noted,
and nothing is raised, while ``main`` imports the command (``xorc.cli``); then ``main``
turns a noted signal into the line, or runs the command. Noted and not raised, because
an exception raised while modules import can land anywhere: numpy turns it into an
ImportError, and in a weakref callback of the import machinery Python prints it as
"Exception ignored" with its traceback, and goes on.

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


def _note(signum: int, frame: FrameType | None) -> None:
    """Until the command is ready: a signal is noted, and nothing is raised. (An exception
    raised while modules import can land anywhere, in a weakref callback of the import
    machinery too, where Python prints it as "Exception ignored" and goes on.)"""
    _noted.append(signum)


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
    finally:
        for signum in _STOPPING:
            signal.signal(signum, signal.SIG_IGN)


def _main() -> int:
    from ._signals import Terminated, raise_terminated, report, signal_of

    if not _noted:
        from .cli import main as command  # (a signal meanwhile is noted: the import runs to its end)

        # The command's own handling from here: Ctrl-C as Python raises it, SIGTERM as Terminated.
        if _found[signal.SIGINT] is not signal.SIG_IGN:
            signal.signal(signal.SIGINT, signal.default_int_handler)
        if _found[signal.SIGTERM] is not signal.SIG_IGN:
            signal.signal(signal.SIGTERM, raise_terminated)
    if _noted:  # a signal before the command could take it: the one line, its status
        return report(Terminated() if _noted[0] == signal.SIGTERM else KeyboardInterrupt())
    try:
        return command()
    except KeyboardInterrupt as stop:  # after the command's end: it has said what it had to
        return 128 + int(signal_of(stop))
