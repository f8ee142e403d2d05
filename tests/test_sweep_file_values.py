"""Sweep files are trusted no more than model files (issue 22, defect 1).

Each crafted file here was accepted by 0.2.0, or made `xorc sweep --out` print a
traceback: zip damage, metadata numbers beyond what xorc writes, values training cannot
produce, values that disagree with each other. Each is now refused in one line, by the
API and by the command, and left byte for byte as it was. Real sweeps of many kinds
(float32, biases, three inputs, diverged networks) still read back.
"""

import json
import re

import numpy as np
import pytest
from npz_edits import archive_bytes, array, members, npy

import xorc
from xorc.cli import main

ARGV = ["sweep", "--seeds", "0:40", "--steps", "2000", "--quiet"]


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "a.npz"
    assert main([*ARGV, "--out", str(path)]) == 0
    return path.read_bytes()


def with_meta(data, **changes):
    parts = members(data)
    meta = json.loads(str(array(parts, "meta.npy")[()]))
    meta.update(changes)
    parts["meta.npy"] = npy(np.array(json.dumps(meta, sort_keys=True)))
    return archive_bytes(parts)


def with_arrays(data, **arrays):
    parts = members(data)
    parts.update({name + ".npy": npy(value) for name, value in arrays.items()})
    return archive_bytes(parts)


def edited(data, name, edit):
    value = array(members(data), name + ".npy")
    edit(value)
    return with_arrays(data, **{name: value})


def version_needed_bit(data):
    """Bit 0x80 of the "version needed" field of the first central-directory entry (offset 6)."""
    damaged = bytearray(data)
    damaged[damaged.index(b"PK\x01\x02") + 6] |= 0x80
    return bytes(damaged)


def learned_but_never(data):
    """Seed 0's final outputs all on their targets' side, its loss theirs, learned_at still -1."""
    parts = members(data)
    y, outputs, losses = array(parts, "y.npy"), array(parts, "outputs.npy"), array(parts, "losses.npy")
    assert array(parts, "learned_at.npy")[0] == -1
    outputs[0] = np.where(y > 0.5, 0.875, 0.125)
    losses[0] = np.sum((y - outputs[0]) ** 2)
    return with_arrays(data, outputs=outputs, losses=losses)


def learned_at_last_step_but_not(data):
    parts = members(data)
    learned_at = array(parts, "learned_at.npy")
    learned_at[0] = 2000
    return with_arrays(data, learned_at=learned_at)


def step_for_a_diverged_network(data):
    parts = members(data)
    losses, learned_at = array(parts, "losses.npy"), array(parts, "learned_at.npy")
    losses[0], learned_at[0] = np.nan, 100
    return with_arrays(data, losses=losses, learned_at=learned_at)


CRAFTED = {
    "zip version needed": (version_needed_bit, "damaged, not a readable zip archive"),
    "check_every 2**63": (lambda d: with_meta(d, check_every=2**63), "'check_every' must be a whole number"),
    "400-digit lr": (lambda d: with_meta(d, lr=10**400), "'lr' must be a number > 0"),
    "steps 2**63": (lambda d: with_meta(d, steps=2**63), "'steps' must be a whole number"),
    "an unknown setting": (lambda d: with_meta(d, weight_decay=0.001), "does not know, 'weight_decay'"),
    "negative loss": (lambda d: edited(d, "losses", lambda a: a.__setitem__(0, -1.0)), "negative"),
    "output 7": (lambda d: edited(d, "outputs", lambda a: a.__setitem__((0, 0, 0), 7.0)), "outside [0, 1]"),
    "output below 0": (lambda d: edited(d, "outputs", lambda a: a.__setitem__((0, 0, 0), -0.25)), "outside [0, 1]"),
    "loss of other outputs": (
        lambda d: edited(d, "losses", lambda a: a.__setitem__(0, a[0] * 0.5)),
        "not the sums of squared errors",
    ),
    "learned with learned_at -1": (learned_but_never, "says never for a network whose final outputs have learned"),
    "learned_at the last step, not learned": (learned_at_last_step_but_not, "at the last step"),
    "a diverged network learned": (step_for_a_diverged_network, "loss is not finite"),
}


@pytest.mark.parametrize("name", CRAFTED)
def test_crafted_file_is_refused_by_the_api_and_left_alone(tmp_path, good, name):
    craft, words = CRAFTED[name]
    data = craft(good)
    path = tmp_path / "a.npz"
    path.write_bytes(data)
    with pytest.raises(xorc.SweepFileError, match=re.escape(words)) as refused:
        xorc.load_sweep(path)
    assert "a.npz" in str(refused.value) and "\n" not in str(refused.value)
    with pytest.raises(xorc.SweepFileError, match=re.escape(words)):
        xorc.sweep(range(40), steps=2000, checkpoint=path)
    assert path.read_bytes() == data


@pytest.mark.parametrize("name", CRAFTED)
def test_crafted_file_is_one_line_from_the_command(tmp_path, good, name, capsys):
    craft, words = CRAFTED[name]
    data = craft(good)
    path = tmp_path / "a.npz"
    path.write_bytes(data)
    assert main([*ARGV, "--out", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith("xorc: error: --out: sweep file") and words in captured.err
    assert path.read_bytes() == data


@pytest.mark.parametrize(
    "recipe",
    [
        dict(steps=3000, lr=0.5),
        dict(steps=3000, lr=0.5, dtype="float32"),
        dict(steps=3000, lr=0.5, bias=True, hidden=5, check_every=7),
        dict(steps=0),
        dict(steps=50, lr=1e38, dtype="float32"),  # diverges: non-finite losses and outputs
        dict(steps=50, lr=1e300),
    ],
)
def test_real_sweeps_read_back(tmp_path, recipe):
    """What training produces passes every check: the checks bound, they do not guess."""
    for task in ("xor", "parity3"):
        X, y = xorc.truth_table(task)
        path = tmp_path / f"{task}.npz"
        result = xorc.sweep(range(64), X, y, checkpoint=path, **recipe)
        loaded = xorc.load_sweep(path)
        assert loaded.losses.tobytes() == result.losses.tobytes()
        assert loaded.learned_at.tobytes() == result.learned_at.tobytes()
