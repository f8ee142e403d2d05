"""Starting xorc in a subprocess as a user would: the installed package, never the source tree.

The subprocess runs in a folder outside the checkout, and with PYTHONSAFEPATH (Python
3.11+) so that the working folder is not put first on sys.path for `-m` and `-c`: the
source tree's xorc/ has no compiled core after a regular `pip install .`. It finds the
very xorc this test process imported: installed in site-packages, or, installed editable,
the checkout with its core built in place.
"""

import os
import subprocess
import sys

import xorc

#: The folder holding the xorc package this process imported.
XORC_HOME = os.path.dirname(os.path.dirname(os.path.abspath(xorc.__file__)))


def environment():
    """os.environ, with xorc's own folder first on PYTHONPATH, and the working folder off sys.path."""
    paths = [XORC_HOME, *(os.environ.get("PYTHONPATH") or "").split(os.pathsep)]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(path for path in paths if path), PYTHONSAFEPATH="1")


def run(arguments, cwd, **options):
    """`python ARGUMENTS` in the folder `cwd` (a tmp_path: never the checkout), text captured."""
    assert os.path.isdir(cwd)
    if "stdout" not in options and "stderr" not in options:
        options.setdefault("capture_output", True)
    return subprocess.run([sys.executable, *arguments], cwd=cwd, env=environment(), text=True, **options)


def start(argv, cwd):
    """`argv` started in the folder `cwd` (a tmp_path) on the installed xorc, its output piped as text."""
    assert os.path.isdir(cwd)
    return subprocess.Popen(argv, cwd=cwd, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
