"""What the command's subcommands share: their errors, flag parsers and checks.

A UsageError (a bad command line) exits with status 2, a RunError (the work failed
at run time) with status 1; ``xorc.cli.main`` prints either as one line.
"""

from __future__ import annotations

import argparse
import os
from typing import Any, NoReturn

from ._files import check_writable
from ._validate import DTYPES
from .data import TASKS
from .plotting import require_matplotlib

#: The most hidden units the command trains (the API has no such limit): beyond it the
#: weights alone take gigabytes, and a step seconds.
HIDDEN_MAX = 100_000
#: The largest whole number a flag takes (int64's, as the API's counts).
INT_MAX = 2**63 - 1


class UsageError(Exception):
    """A bad command line: exit status 2."""


class RunError(Exception):
    """The work failed at run time (an unreadable model, a bad --input, a file not written): exit status 1."""


class Parser(argparse.ArgumentParser):
    """argparse, with its errors raised as one-line UsageErrors instead of exiting, and no abbreviations.

    argparse takes any unambiguous prefix of a flag for the flag (``--seed 5`` for
    ``--seeds 5``): a typo then runs other work than asked. Every parser of the
    command is a Parser (the subcommands' too, through ``parser_class``), so none does.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def count(text: str) -> int:
    """A flag's whole number >= 0: ASCII digits 0-9 only, the rule of every integer flag.

    (Python's int() would also take "٣", "1_0" or " 7 "; --seeds never did, and no flag does.)
    """
    if not (text.isascii() and text.isdigit()):
        if text.startswith("-") and text[1:].isascii() and text[1:].isdigit():
            raise argparse.ArgumentTypeError(f"must not be negative, got {text}")
        raise argparse.ArgumentTypeError(f"expected a whole number (digits 0-9), got {text!r}")
    value = int(text[:20])  # (int() refuses over 4300 digits, and nothing here needs more than 19)
    if len(text) > 19 or value > INT_MAX:
        raise argparse.ArgumentTypeError(f"must be at most {INT_MAX}, got {text[:30]}{'...' if len(text) > 30 else ''}")
    return value


def positive_count(text: str) -> int:
    """A flag's whole number >= 1."""
    value = count(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def hidden_units(text: str) -> int:
    """--hidden: from 1 to HIDDEN_MAX."""
    value = positive_count(text)
    if value > HIDDEN_MAX:
        raise argparse.ArgumentTypeError(f"must be at most {HIDDEN_MAX}, got {text}")
    return value


def learning_rate(text: str) -> float:
    """--lr: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (0 < value < float("inf")):
        raise argparse.ArgumentTypeError(f"must be a finite number greater than 0, got {text}")
    return value


def add_recipe_flags(parser: argparse.ArgumentParser, networks: str) -> None:
    """The flags of a training recipe, as `train` and `sweep` share them."""
    parser.add_argument("--task", default="xor", choices=TASKS, help="the truth table to learn (default: xor)")
    parser.add_argument(
        "--hidden", type=hidden_units, default=3, metavar="N", help=f"hidden units, at most {HIDDEN_MAX} (default: 3)"
    )
    parser.add_argument(
        "--bias", action="store_true", help=f"give {networks} biases b1, b2 (the seed program has none; default: off)"
    )
    parser.add_argument("--lr", type=learning_rate, default=0.01, help="learning rate (default: 0.01)")
    parser.add_argument(
        "--steps", type=count, default=60000, metavar="N", help="gradient-descent steps (default: 60000)"
    )
    parser.add_argument("--dtype", default="float64", choices=DTYPES, help="precision (default: float64)")


def check_output(flag: str, path: str) -> None:
    """Fail before training, not after, when the file `path` could not be written.

    The same checks as the writer's (a regular file or nothing, no trailing slash, a
    name within the limit), and a file created and removed in its folder.
    """
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise RunError(f"{flag} {path}: the folder {folder} does not exist")
    try:
        check_writable(path)
    except OSError as error:
        raise RunError(f"{flag} {path}: cannot write it ({error.strerror or error})") from None


def check_plot(path: str) -> None:
    """check_output for --plot, and matplotlib (the plot extra) must be there."""
    check_output("--plot", path)
    try:
        require_matplotlib()
    except ImportError as error:
        raise RunError(f"--plot: {error}") from None


def to_json(document: Any) -> str:
    """One JSON object on one line (json is imported here: the command's start-up doesn't need it)."""
    import json

    return json.dumps(document)


def one_line(error: Exception) -> str:
    return " ".join(str(error).split())
