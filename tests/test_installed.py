"""The newcomer's trap: xorc imported from a source tree without its compiled core, and the suite's
subprocesses, which must run the installed xorc (editable or not), never the source tree."""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import installed
import xorc

# The newcomer's trap: the source tree without its compiled core


def copy_package(destination, with_sources):
    """xorc's Python files, without the compiled core, as a checkout has them before any build."""
    package = os.path.dirname(os.path.abspath(xorc.__file__))
    shutil.copytree(package, destination / "xorc", ignore=shutil.ignore_patterns("_ffi*", "__pycache__"))
    if with_sources:
        (destination / "csrc").mkdir()
        (destination / "csrc" / "xorc.c").write_text("/* the C core */\n")


@pytest.mark.parametrize("with_sources", [True, False], ids=["source-tree", "broken-install"])
def test_importing_xorc_without_its_compiled_core_says_what_to_do(tmp_path, with_sources):
    copy_package(tmp_path, with_sources)
    # Without site (-S), so that no editable install's import hook finds the real xorc; numpy
    # from its folder, on PYTHONPATH after the working folder, which -c puts first.
    numpy_home = os.path.dirname(os.path.dirname(np.__file__))
    environment = dict(os.environ, PYTHONPATH=numpy_home)
    environment.pop("PYTHONSAFEPATH", None)
    done = subprocess.run(
        [sys.executable, "-S", "-c", "import xorc"], cwd=tmp_path, capture_output=True, text=True, env=environment
    )
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: ") and "ModuleNotFoundError" not in done.stderr
    if with_sources:
        assert "imported from its source tree" in last and "run Python from another folder" in last
        assert "pip install -e ." in last
    else:
        assert "compiled core (xorc._ffi) is missing" in last and "reinstall xorc" in last


@pytest.mark.skipif(sys.version_info < (3, 11), reason="PYTHONSAFEPATH is new in Python 3.11")
def test_subprocesses_of_the_suite_run_the_xorc_this_process_imported(tmp_path):
    """Even from a folder holding a source tree without a core: the tests test the installed package."""
    copy_package(tmp_path, with_sources=True)
    done = installed.run(["-c", "import xorc, numpy; print(xorc.__file__)"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert os.path.samefile(done.stdout.strip(), xorc.__file__)
    assert np.isfinite(
        float(
            installed.run(
                ["-c", "import xorc; print(xorc.train(steps=5).loss(*xorc.truth_table('xor')))"], tmp_path
            ).stdout
        )
    )
