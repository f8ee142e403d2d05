"""One writer per sweep file, and no temporary files left for ever (issue 22, defect 4).

Two `xorc sweep --out c.npz` runs at once used to both exit 0 while the file kept the
seeds of one. Now the second is refused at once with one line (the first holds the
file's lock for its run), and run again after the first it adds its seeds to the
file. Temporary files that a kill -9 left during a write are removed by the next run
of the same file, never those of another file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

import installed
import xorc
from xorc.cli import main
from xorc.sweeps import SweepFileError, prepare

RECIPE = {"steps": 400, "lr": 0.5}


def xorc_sweep(seeds: str, out, *extra: str, cwd) -> subprocess.Popen:
    argv = [sys.executable, "-m", "xorc", "sweep", "--seeds", seeds, "--steps", str(RECIPE["steps"])]
    return installed.start([*argv, "--lr", str(RECIPE["lr"]), "--out", str(out), "--quiet", *extra], cwd)


def alone(seed: int) -> float:
    return xorc.train(seed=seed, log_every=0, **RECIPE).history[-1][1]


def test_a_second_writer_is_refused_at_once_and_adds_its_seeds_after(tmp_path):
    out = tmp_path / "c.npz"
    first = xorc_sweep("0:400000", out, "--threads", "1", "--checkpoint-every", "0.2", cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        while not out.exists():
            assert first.poll() is None and time.monotonic() < deadline, first.communicate()
            time.sleep(0.01)
        second = xorc_sweep("1000000:1000010", out, cwd=tmp_path)
        _, err = second.communicate(timeout=30)
        assert second.returncode == 1, err
        assert err.splitlines() == [
            f"xorc: error: --out: checkpoint {str(out)!r}: another sweep (process {first.pid}) is writing it; "
            "wait for it to end, or give another file (the seeds it writes are kept when this sweep runs again "
            "after it)"
        ]
        assert first.poll() is None  # the first goes on
        first.send_signal(signal.SIGINT)
        _, first_err = first.communicate(timeout=30)
    finally:
        first.kill()
    assert first.returncode == 130, first_err
    held = len(xorc.load_sweep(out))
    assert held > 0
    assert not (tmp_path / ".c.npz.lock").exists()  # the first run took its lock file away
    # Now the second runs: both runs' seeds are in the file.
    again = xorc_sweep("1000000:1000010", out, cwd=tmp_path)
    _, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    result = xorc.load_sweep(out)
    assert len(result) == held + 10
    assert result.seeds[-10:].tolist() == list(range(1000000, 1000010))
    assert result.losses[-1] == alone(1000009) and result.losses[0] == alone(0)
    assert sorted(os.listdir(tmp_path)) == ["c.npz"]


def test_two_sweeps_at_once_never_lose_work(tmp_path):
    """Started together with disjoint seeds: one runs, the other is refused; none exits 0 having lost seeds."""
    for attempt in range(3):
        out = tmp_path / f"d{attempt}.npz"
        runs = [xorc_sweep(seeds, out, cwd=tmp_path) for seeds in ("0:60", "100:160")]
        outcomes = [(run.wait(timeout=120), run.stderr.read()) for run in runs]
        for run in runs:
            run.stdout.close()
            run.stderr.close()
        held = set(xorc.load_sweep(out).seeds.tolist())
        for (status, err), wanted in zip(outcomes, (set(range(60)), set(range(100, 160))), strict=True):
            if status == 0:
                assert wanted <= held, (status, err)
            else:
                assert status == 1 and "another sweep" in err and len(err.splitlines()) == 1, err
        assert any(status == 0 for status, _ in outcomes)


def test_the_api_refuses_a_second_sweep_of_a_file_it_is_writing(tmp_path):
    out = tmp_path / "s.npz"
    holding = prepare(range(3), checkpoint=out, **RECIPE)  # holds the lock until it runs or is released
    try:
        with pytest.raises(SweepFileError, match=f"process {os.getpid()}"):
            xorc.sweep(range(5), checkpoint=out, **RECIPE)
        # Through a symbolic link: the same file, the same lock.
        link = tmp_path / "link.npz"
        out.touch()
        link.symlink_to(out)
        with pytest.raises(SweepFileError, match="another sweep"):
            xorc.sweep(range(5), checkpoint=link, **RECIPE)
        out.unlink()
    finally:
        holding.release()
    assert xorc.sweep(range(5), checkpoint=out, **RECIPE).losses[4] == alone(4)
    assert sorted(os.listdir(tmp_path)) == ["link.npz", "s.npz"]


def test_a_sweep_on_another_thread_holds_its_file_until_it_ends(tmp_path):
    out = tmp_path / "s.npz"
    started, results = threading.Event(), []

    def progress(done, total):
        started.set()

    worker = threading.Thread(
        target=lambda: results.append(
            xorc.sweep(range(400), steps=20000, lr=0.5, checkpoint=out, threads=1, progress=progress)
        )
    )
    worker.start()
    assert started.wait(60)
    with pytest.raises(SweepFileError, match="another sweep"):
        xorc.sweep(range(400, 410), steps=20000, lr=0.5, checkpoint=out)
    worker.join(300)
    assert len(results[0]) == 400
    assert len(xorc.sweep(range(400, 410), steps=20000, lr=0.5, checkpoint=out, threads=1)) == 10
    assert len(xorc.load_sweep(out)) == 410


def test_a_refused_compare_grid_leaves_no_lock_behind(tmp_path, capsys):
    xorc.sweep(range(2), hidden=5, checkpoint=tmp_path / "g.hidden=5.npz", steps=10)
    (tmp_path / "g.hidden=5.npz").write_bytes(b"not a sweep file")
    argv = ["sweep", "--seeds", "0:4", "--steps", "10", "--out", str(tmp_path / "g.npz"), "--compare", "hidden=3,5"]
    assert main(argv) == 1
    assert "g.hidden=5.npz" in capsys.readouterr().err
    assert sorted(os.listdir(tmp_path)) == ["g.hidden=5.npz"]


def test_stale_temporaries_of_the_file_are_removed_and_no_others(tmp_path):
    out = tmp_path / "s.npz"
    own = [".s.npz.0123abcd.tmp", ".s.npz.ffffffff.tmp"]
    others = [".t.npz.0123abcd.tmp", ".s.npz.0123abc.tmp", ".s.npz.0123ABCD.tmp", "s.npz.0123abcd.tmp", ".s.npz.tmp"]
    for name in own + others:
        (tmp_path / name).write_bytes(b"x" * 100)
    (tmp_path / ".s.npz.deadbeef.tmp").mkdir()  # not a file: not ours to remove
    xorc.sweep(range(3), checkpoint=out, **RECIPE)
    assert sorted(os.listdir(tmp_path)) == sorted(["s.npz", ".s.npz.deadbeef.tmp", *others])


SLOW_WRITE = """
import os, sys, time
from xorc.cli import main

real_fsync = os.fsync

def slow_fsync(fd):  # a slow disk: the kill comes while a checkpoint's temporary file is synced
    print("syncing", flush=True)
    time.sleep(60)
    real_fsync(fd)

os.fsync = slow_fsync
sys.exit(main(sys.argv[1:]))
"""


def test_kill_9_leftovers_are_cleaned_by_the_next_run(tmp_path):
    """Real kills during writes: each leaves its temporary file; the next run of the file removes it."""
    (tmp_path / "child.py").write_text(SLOW_WRITE)
    out = tmp_path / "s.npz"
    for kill in range(3):
        argv = [sys.executable, "child.py", "sweep", "--seeds", f"{kill * 10}:{kill * 10 + 10}", "--steps", "10"]
        child = installed.start([*argv, "--out", str(out), "--quiet"], tmp_path)
        try:
            assert child.stdout.readline() == "syncing\n", child.communicate()
            child.send_signal(signal.SIGKILL)
            child.communicate(timeout=30)
        finally:
            child.kill()
        # Each run removed what the kill before left, and left its own.
        left = [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
        assert len(left) == 1 and left[0].startswith(".s.npz."), left
    finish = xorc_sweep("0:20", out, cwd=tmp_path)
    _, err = finish.communicate(timeout=120)
    assert finish.returncode == 0, err
    assert sorted(os.listdir(tmp_path)) == ["child.py", "s.npz"]
