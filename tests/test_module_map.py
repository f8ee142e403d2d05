"""docs/development.md's map of modules names every module of the package, and only those."""

import re
from pathlib import Path

import xorc

PACKAGE = Path(xorc.__file__).parent
MAP = Path(__file__).resolve().parents[1] / "docs" / "development.md"


def modules_in_the_package():
    return {f"xorc/{path.relative_to(PACKAGE).as_posix()}" for path in PACKAGE.rglob("*.py")}


def modules_in_the_map():
    """The `xorc/....py` names in the first column of the map's table."""
    return set(re.findall(r"^\| `(xorc/[\w/]+\.py)` \|", MAP.read_text(encoding="utf-8"), flags=re.MULTILINE))


def test_every_module_is_in_the_map():
    assert "xorc/network.py" in modules_in_the_package()  # the package was found
    missing = modules_in_the_package() - modules_in_the_map()
    assert not missing, f"add these modules to the map in docs/development.md: {sorted(missing)}"


def test_the_map_names_no_module_that_is_gone():
    gone = modules_in_the_map() - modules_in_the_package()
    assert not gone, f"docs/development.md's map names modules that do not exist: {sorted(gone)}"
