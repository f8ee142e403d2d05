"""The outputs shown in the docs' ```console blocks are what the commands print.

A console block is a short session: lines `$ COMMAND` (an `xorc` command) and below each
what it prints on stdout. The commands of a block run in order in one fresh folder, so
a later command can read a file an earlier one wrote. A shown line `...` matches any
number of printed lines (a time, a thread count); every other line must be printed as
shown. Long runs are not shown in console blocks: the docs name the command that prints
their numbers instead.
"""

import re
import shlex
from pathlib import Path

import pytest

import installed

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CONSOLE = re.compile(r"^```console\n(.*?)^```$", flags=re.MULTILINE | re.DOTALL)


def _console_blocks():
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in CONSOLE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            yield pytest.param(match.group(1), id=f"{page.name}:{line}")


def session(block):
    """[(command, shown output lines)] of a console block."""
    steps = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            assert steps, f"output before any command: {line!r}"
            steps[-1][1].append(line)
    return steps


def matches(shown, printed):
    """Whether the printed lines are the shown ones, a shown `...` standing for any lines."""
    if not shown:
        return not printed
    if shown[0] == "...":
        return any(matches(shown[1:], printed[skip:]) for skip in range(len(printed) + 1))
    return bool(printed) and printed[0] == shown[0] and matches(shown[1:], printed[1:])


def test_the_docs_have_console_blocks():
    assert len(list(_console_blocks())) >= 3


@pytest.mark.parametrize("block", list(_console_blocks()))
def test_console_block_shows_what_the_commands_print(block, tmp_path):
    for command, shown in session(block):
        words = shlex.split(command)
        assert words[0] == "xorc", f"only xorc commands are run: {command}"
        done = installed.run(["-m", "xorc", *words[1:]], tmp_path)
        assert done.returncode == 0, f"{command}: {done.stderr}"
        printed = done.stdout.splitlines()
        assert matches(shown, printed), (
            f"$ {command}\n--- shown:\n" + "\n".join(shown) + "\n--- printed:\n" + done.stdout
        )
