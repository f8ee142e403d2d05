"""Ctrl-C or SIGTERM while the command starts never prints a traceback (issue 22, defect 3).

The command imports numpy and the compiled core in its first third of a second. A
signal then, or at any moment after, ends it with status 130 (SIGINT) or 143
(SIGTERM) and at most the one line "xorc: interrupted ...". (A signal before Python
has started running any code ends the process by the signal's default action, which
a shell reports with the same status and the child sees as -2 or -15.)
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

import installed
import xorc

ARGS = {
    "train": ["train", "--steps", "1000000000", "--log-every", "0"],
    "predict": ["predict", "MODEL"],
    "sweep": ["sweep", "--seeds", "0:100000", "--steps", "2000", "--quiet"],
}
#: Runs per (command, signal, launcher): each a signal at a random moment of the first 0.6 s.
RUNS = 4


def launchers() -> list[list[str]]:
    found = [[sys.executable, "-m", "xorc"]]
    script = shutil.which("xorc", path=os.path.dirname(sys.executable))
    if script is not None:
        found.append([script])
    return found


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "m.npz"
    xorc.train(steps=10).save(path)
    return str(path)


@pytest.mark.parametrize("command", list(ARGS))
@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_in_the_first_moments_gives_its_status_and_at_most_one_line(tmp_path, model, command, signum, status):
    rng = random.Random(f"{command}{signum}")
    tried = 0
    startup: list[str] = []
    for launcher in launchers():
        for _ in range(RUNS):
            argv = [*launcher, *(model if arg == "MODEL" else arg for arg in ARGS[command])]
            process = installed.start(argv, tmp_path)
            try:
                time.sleep(rng.uniform(0.0, 0.6))
                process.send_signal(signum)
                _, stderr = process.communicate(timeout=30)
            finally:
                process.kill()
            tried += 1
            if command == "predict" and process.returncode == 0:
                continue  # it had finished before the signal
            if before_any_code_of_xorc(stderr):
                startup.append(stderr)
                continue
            assert "Traceback" not in stderr, (argv, stderr)
            assert process.returncode in (status, -signum), (argv, process.returncode, stderr)
            lines = stderr.splitlines()
            assert lines == [] or (len(lines) == 1 and lines[0].startswith("xorc: interrupted")), (argv, stderr)
    assert tried == RUNS * len(launchers())
    assert len(startup) <= tried // 4, startup  # the window before xorc's first line is a few dozen ms of 600


def before_any_code_of_xorc(stderr: str) -> bool:
    """A Ctrl-C while Python starts (site, the script's first imports): Python prints its traceback,
    before xorc.__init__ or xorc._entry.main can do anything about it. Not numpy's, not the entry's."""
    frames = [line for line in stderr.splitlines() if line.lstrip().startswith("File ")]
    return (
        stderr.startswith("Traceback")
        and stderr.rstrip().endswith("KeyboardInterrupt")
        and not any(", in main" in frame or "numpy" in frame or "/xorc/cli.py" in frame for frame in frames)
    )


def test_the_command_imports_nothing_heavy_before_its_handlers():
    """`import xorc._entry`, all the console script does before main(), loads neither numpy nor the core."""
    heavy = ("numpy", "cffi", "xorc._ffi", "xorc.cli")
    code = f"import sys, xorc._entry; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], env=installed.environment(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_console_script_is_the_entry_module():
    # The installed distribution's own entry points: from a clone as from an sdist's install.
    from importlib.metadata import distribution

    from xorc._distribution import DISTRIBUTION

    scripts = {
        point.name: point.value for point in distribution(DISTRIBUTION).entry_points if point.group == "console_scripts"
    }
    assert scripts == {"xorc": "xorc._entry:main"}
