"""What the command's subcommands share: their errors, flag parsers and checks.

A UsageError (a bad command line) exits with status 2, a RunError (the work failed
at run time) with status 1; ``xorc.cli.main`` prints either as one line.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import Any, NoReturn

from . import _flag_text, recipe
from ._files import check_writable
from .plotting import require_matplotlib


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


def flag_type(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """A text parser of ``xorc.recipe`` (ValueError with the reason) as an argparse type, whose
    ArgumentTypeError argparse prints as it is, after the flag's name."""

    def convert(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    convert.__name__ = parse.__name__
    return convert


# The flags' whole numbers, for the flags outside the recipe too (--threads, --chunk-size, ...).
count = flag_type(_flag_text.count)
positive_count = flag_type(_flag_text.positive_count)


def add_recipe_flags(parser: argparse.ArgumentParser, command: str) -> None:
    """The flags of a training recipe for `command` (``recipe.TRAIN`` or ``recipe.SWEEP``), from the table."""
    for option in recipe.options_of(command):
        if option.parse is None:  # an on/off setting, off by default: the flag alone turns it on
            parser.add_argument(option.flag, action="store_true", help=option.flag_help())
        elif option.choices:  # argparse checks them, and lists them in the usage
            parser.add_argument(option.flag, default=option.default, choices=option.choices, help=option.flag_help())
        else:
            parser.add_argument(
                option.flag,
                type=flag_type(option.parse),
                default=option.default,
                metavar=option.metavar,
                help=option.flag_help(),
            )


def recipe_values(args: argparse.Namespace, command: str) -> dict[str, Any]:
    """The values of `command`'s options (``xorc.recipe``) on the parsed command line, by name."""
    return {option.name: getattr(args, option.name) for option in recipe.options_of(command)}


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
