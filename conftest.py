"""The examples of README.md and docs/*.md (run by pytest-markdown-docs) each run in a fresh folder.

An example that saves a file (``net.save("xor.npz")``) writes it there, never into the checkout.
"""

import pytest


@pytest.fixture(autouse=True)
def _examples_run_in_a_fresh_folder(request):
    if request.node.get_closest_marker("markdown-docs") is not None:
        monkeypatch = request.getfixturevalue("monkeypatch")
        monkeypatch.chdir(request.getfixturevalue("tmp_path"))
