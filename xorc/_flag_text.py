"""The values of command-line flags, read from their text.

Each parser returns the value or raises ValueError with the reason; the command
(``_cli_args.flag_type``) turns that into argparse's one line naming the flag. The
options of ``xorc.recipe`` name theirs; other flags (--threads, --chunk-size) use them too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

#: The most hidden units the command trains (the API has no such limit): beyond it the
#: weights alone take gigabytes, and a step seconds.
HIDDEN_MAX = 100_000
#: The largest whole number a flag takes (int64's, as the API's counts).
INT_MAX = 2**63 - 1


def count(text: str) -> int:
    """A whole number >= 0: ASCII digits 0-9 only, the rule of every integer flag.

    (Python's int() would also take "٣", "1_0" or " 7 ".)
    """
    if not (text.isascii() and text.isdigit()):
        if text.startswith("-") and text[1:].isascii() and text[1:].isdigit():
            raise ValueError(f"must not be negative, got {text}")
        raise ValueError(f"expected a whole number (digits 0-9), got {text!r}")
    value = int(text[:20])  # (int() refuses over 4300 digits, and nothing here needs more than 19)
    if len(text) > 19 or value > INT_MAX:
        raise ValueError(f"must be at most {INT_MAX}, got {text[:30]}{'...' if len(text) > 30 else ''}")
    return value


def positive_count(text: str) -> int:
    """A whole number >= 1."""
    value = count(text)
    if value < 1:
        raise ValueError(f"must be at least 1, got {text}")
    return value


def hidden_units(text: str) -> int:
    """From 1 to HIDDEN_MAX."""
    value = positive_count(text)
    if value > HIDDEN_MAX:
        raise ValueError(f"must be at most {HIDDEN_MAX}, got {text}")
    return value


def positive_number(text: str) -> float:
    """A finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"expected a number, got {text!r}") from None
    if not (0 < value < math.inf):
        raise ValueError(f"must be a finite number greater than 0, got {text}")
    return value


def on_off(text: str) -> bool:
    """on/off (or true/false, yes/no, 1/0)."""
    words = {"on": True, "off": False, "true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}
    try:
        return words[text.lower()]
    except KeyError:
        raise ValueError(f"expected on or off, got {text!r}") from None


def one_of(choices: Iterable[str]) -> Callable[[str], str]:
    """One of `choices`, exactly."""
    names = tuple(choices)

    def choose(text: str) -> str:
        if text not in names:
            raise ValueError(f"expected one of {', '.join(names)}, got {text!r}")
        return text

    return choose
