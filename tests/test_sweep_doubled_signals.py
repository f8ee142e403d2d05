"""A second Ctrl-C (or SIGTERM) never loses finished seeds (issue 22, defect 2).

`timeout -s INT` signals twice, and so does an impatient user. Real signals to a real
`xorc sweep --out`: a first one at a random moment of the sweep, a second one 0 to 40 ms
later (while the sweep stops its threads and writes its file), in many runs. Every run
must end with the one line "xorc: interrupted after D of T seeds" and status 130 (143),
and the file must hold exactly those D seeds, each as training it alone gives.
"""

from __future__ import annotations

import random
import re
import signal
import sys
import time

import pytest

import installed
import xorc

RUNS = 12
SEEDS = 200_000
STEPS = 1500
LR = 0.5


def wait_for(predicate, seconds=60.0):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def interrupted_twice(tmp_path, run, first, second, rng):
    out = tmp_path / f"s{run}.npz"
    argv = [sys.executable, "-m", "xorc", "sweep", "--seeds", f"0:{SEEDS}", "--steps", str(STEPS), "--lr", str(LR)]
    argv += ["--threads", "2", "--quiet", "--out", str(out), "--checkpoint-every", "0.05"]
    process = installed.start(argv, tmp_path)
    try:
        wait_for(lambda: out.exists() or process.poll() is not None)
        time.sleep(rng.uniform(0.0, 0.4))  # at a random moment: between, or during, the checkpoints
        assert process.poll() is None, process.communicate()[1]
        process.send_signal(first)
        time.sleep(rng.choice([0.0, 0.0, rng.uniform(0.0, 0.005), rng.uniform(0.0, 0.04)]))
        if process.poll() is None:
            process.send_signal(second)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        process.kill()
    return process.returncode, stdout, stderr, out


@pytest.mark.parametrize("first, second", [(signal.SIGINT, signal.SIGINT), (signal.SIGTERM, signal.SIGINT)])
def test_a_second_signal_never_loses_finished_seeds(tmp_path, first, second):
    rng = random.Random(22 + int(first))
    kept_counts = []
    for run in range(RUNS):
        status, stdout, stderr, out = interrupted_twice(tmp_path, run, first, second, rng)
        lines = stderr.splitlines()
        assert status in (130, 143), (run, status, stderr)
        assert len(lines) == 1, (run, stderr)
        match = re.fullmatch(rf"xorc: interrupted after (\d+) of {SEEDS} seeds", lines[0])
        assert match, (run, stderr)
        assert stdout == ""
        done = int(match.group(1))
        kept = xorc.load_sweep(out)  # it existed before the signals; it holds at least what it held then
        assert len(kept) == done, (run, len(kept), done)
        kept_counts.append(done)
        # Spot checks: what was kept is what training alone gives.
        for index in rng.sample(range(done), min(2, done)):
            net = xorc.train(seed=int(kept.seeds[index]), steps=STEPS, lr=LR, log_every=0)
            assert kept.losses[index] == net.history[-1][1]
        assert not [name for name in (p.name for p in tmp_path.iterdir()) if name.endswith(".tmp")]
    assert all(count > 0 for count in kept_counts)
