"""The distribution name: installed under it, and the only name an install hint gives.

The package index's ``xorc`` is an unrelated project, so an install line naming it would
install that project instead of this one.
"""

import importlib.metadata
import re
from pathlib import Path

import xorc
from xorc._distribution import DISTRIBUTION, install_line

SOURCE = Path(xorc.__file__).parent
DOCS = Path(__file__).resolve().parents[1]
#: An install of the index's other project: `pip install xorc`, `pip install "xorc[plot]"`, ...
OTHER_PROJECT = re.compile(r"""pip install ["']?xorc(?![\w-])""")


def test_installed_under_the_distribution_name():
    metadata = importlib.metadata.metadata(DISTRIBUTION)
    assert metadata["Name"] == "xorc-trainer" == DISTRIBUTION
    assert metadata["Version"] == xorc.__version__


def test_install_line_names_the_distribution_and_its_extra():
    assert install_line("plot") == 'pip install "xorc-trainer[plot]"'


def test_no_install_hint_names_the_other_project():
    files = [*SOURCE.glob("*.py"), *DOCS.glob("README.md"), *DOCS.glob("docs/*.md")]
    assert any(path.suffix == ".py" for path in files)
    wrong = [
        f"{path.name}: {line.strip()}"
        for path in files
        for line in path.read_text(encoding="utf-8").splitlines()
        if OTHER_PROJECT.search(line)
    ]
    assert wrong == []
