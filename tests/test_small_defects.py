"""Issue 22's small defects: flag abbreviations (10), a run that resumes every seed (12), a bad
XORC_SIMD from the command (7), and a checkpoint folder the API cannot write (9)."""

from __future__ import annotations

import argparse
import os
import stat
import subprocess
import sys

import pytest

import installed
import xorc
from xorc import _simd
from xorc.cli import build_parser, main


def every_parser(parser):
    """The parser and every subcommand's parser below it."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from every_parser(sub)


def test_no_parser_takes_an_abbreviated_flag():
    parsers = list(every_parser(build_parser()))
    assert len(parsers) >= 4  # xorc, train, predict, sweep
    assert all(parser.allow_abbrev is False for parser in parsers)


@pytest.mark.parametrize(
    "argv",
    [
        ["sweep", "--seed", "5", "--steps", "10", "--quiet"],  # would be --seeds 5
        ["sweep", "--seeds", "0:2", "--step", "10", "--quiet"],  # --steps
        ["sweep", "--seeds", "0:2", "--steps", "10", "--quie"],  # --quiet
        ["train", "--steps", "10", "--log", "0"],  # --log-every
        ["train", "--step", "10"],
        ["predict", "m.npz", "--inp", "1,0"],  # --input
        ["--vers"],  # --version
    ],
)
def test_an_abbreviated_flag_is_a_usage_error(argv, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("xorc: error: "), captured.err
    assert captured.out == ""  # (--vers printed the version)


def test_a_run_that_resumes_every_seed_says_so_without_a_rate_or_an_empty_simd(tmp_path, capsys):
    out = str(tmp_path / "a.npz")
    argv = ["sweep", "--seeds", "0:20", "--steps", "200", "--out", out, "--quiet"]
    assert main(argv) == 0
    first = capsys.readouterr().out.splitlines()[-1]
    assert first.startswith("time: ") and first.rstrip().endswith(f"SIMD {xorc.simd_level()}")
    assert main(argv) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("time: "), last
    assert "seeds/s" not in last and not last.rstrip().endswith("SIMD"), last
    assert "all 20 seeds resumed from the checkpoint" in last, last
    # The result itself says what ran: nothing, at no SIMD level.
    again = xorc.sweep(range(20), steps=200, checkpoint=out)
    assert again.resumed == 20 and again.simd == ""
    assert "seeds/s" not in again.summary() and "SIMD" not in again.summary()


def test_a_compare_run_that_resumes_every_seed_names_no_empty_simd(tmp_path, capsys):
    argv = ["sweep", "--seeds", "0:8", "--steps", "100", "--out", str(tmp_path / "c.npz"), "--quiet"]
    argv += ["--compare", "hidden=2,3"]
    assert main(argv) == 0
    capsys.readouterr()
    assert main(argv) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert not head.rstrip().endswith("SIMD") and "resumed" in head, head


@pytest.mark.parametrize("name", ["avx-512", "neon", "AVX 2", "9"])
def test_an_unknown_xorc_simd_is_one_line_from_the_command(tmp_path, name):
    for argv in (["sweep", "--seeds", "0:3", "--steps", "10"], ["sweep", "--seeds", "0:3", "--steps", "10", "--json"]):
        env = {**installed.environment(), "XORC_SIMD": name}
        done = subprocess.run(
            [sys.executable, "-m", "xorc", *argv], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert done.returncode == 2, done.stderr
        assert done.stderr.splitlines() == [
            f"xorc: error: XORC_SIMD={name!r} is not a SIMD level; use one of {', '.join(_simd.LEVELS)}"
        ], done.stderr
        assert done.stdout == ""


def test_an_unknown_xorc_simd_stops_the_api_before_training(monkeypatch, tmp_path):
    monkeypatch.setattr(_simd, "_CHOSEN", ValueError("XORC_SIMD='avx-512' is not a SIMD level"))
    out = tmp_path / "s.npz"
    with pytest.raises(ValueError, match="XORC_SIMD"):
        xorc.sweep(range(3), steps=10, checkpoint=out)
    assert not out.exists()


def cannot_create_in(folder) -> bool:
    try:
        fd = os.open(os.path.join(folder, ".xorc-probe"), os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError:
        return True
    os.close(fd)
    os.unlink(os.path.join(folder, ".xorc-probe"))
    return False


@pytest.fixture
def unwritable_folder(tmp_path):
    """A folder where no file can be created: one without write permission, or (for root, whom
    permissions do not stop) /sys, where Linux creates no file."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if cannot_create_in(folder):
            yield str(folder)
        elif os.path.isdir("/sys") and cannot_create_in("/sys"):
            yield "/sys"
        else:
            pytest.skip("no folder here refuses to create a file")
    finally:
        folder.chmod(stat.S_IRWXU)


def test_the_api_refuses_an_unwritable_checkpoint_before_training(unwritable_folder, monkeypatch):
    from xorc.sweeping import run

    trained = []
    real = run.train_chunk
    monkeypatch.setattr(run, "train_chunk", lambda *a, **k: trained.append(1) or real(*a, **k))
    path = os.path.join(unwritable_folder, "xorc-s.npz")
    before = sorted(os.listdir(unwritable_folder))
    with pytest.raises(OSError) as caught:
        xorc.sweep(range(4), steps=10, checkpoint=path, checkpoint_every=1000)
    assert caught.value.filename == path
    assert trained == []
    assert sorted(os.listdir(unwritable_folder)) == before
