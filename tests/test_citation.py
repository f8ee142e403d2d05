"""CITATION.cff cites this version of xorc and the post whose program it reproduces."""

import re
from pathlib import Path

import xorc

CITATION = Path(__file__).resolve().parents[1] / "CITATION.cff"


def test_citation_names_this_version_and_the_post():
    text = CITATION.read_text(encoding="utf-8")
    assert text.startswith("# ") and "cff-version: 1.2.0" in text
    assert re.search(r'^version: "([^"]+)"$', text, flags=re.MULTILINE).group(1) == xorc.__version__
    assert 'title: "A Neural Network in 28 Lines of Theano"' in text
    assert "https://github.com/codekansas/ml/blob/master/theano_stuff/two_layer.py" in text
