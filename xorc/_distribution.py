"""The name xorc is installed under, and the pip line every install hint shows.

The package index's ``xorc`` is an unrelated project, so xorc is distributed as
``xorc-trainer``; the import name (``import xorc``) and the command (``xorc``) stay.
pyproject.toml's ``name`` is the same string (tests/test_distribution.py checks it).
"""

from __future__ import annotations

#: The distribution name on the package index: ``pip install xorc-trainer``.
DISTRIBUTION = "xorc-trainer"


def install_line(extra: str | None = None) -> str:
    """The pip command a message tells the user to run: ``pip install "xorc-trainer[plot]"``."""
    if extra is None:
        return f"pip install {DISTRIBUTION}"
    return f'pip install "{DISTRIBUTION}[{extra}]"'
