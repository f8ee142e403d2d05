"""The name xorc is installed under, and the pip line every install hint shows.

The package index's ``xorc`` is an unrelated project, so xorc is distributed as
``xorc-trainer``; the import name (``import xorc``) and the command (``xorc``) stay.
pyproject.toml's ``name`` is the same string (tests/test_distribution.py checks it).
"""

from __future__ import annotations

#: The distribution name on the package index: ``pip install xorc-trainer``.
DISTRIBUTION = "xorc-trainer"


def install_line(extra: str) -> str:
    """The pip command that installs xorc with `extra`, as messages show it: ``pip install "xorc-trainer[plot]"``."""
    return f'pip install "{DISTRIBUTION}[{extra}]"'
