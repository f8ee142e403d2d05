"""Ctrl-C and SIGTERM during a sweep: real signals, the time to stop, what is left behind."""

import importlib.util
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest

import installed
import xorc

# The bound the issue states is 0.5 s; the machine is shared, so the tests allow twice that.
BOUND = 1.0
LONG = {"steps": 10**7, "lr": 0.5}  # far more work than any test waits for


def interrupt_after(seconds):
    """Send SIGINT to this process after `seconds`; returns a function giving the moment it was sent."""
    sent = []

    def send():
        sent.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    timer = threading.Timer(seconds, send)
    timer.start()
    return lambda: (timer.join(), sent[0])[1]


def sweep_threads():
    return [thread for thread in threading.enumerate() if thread.name.startswith("xorc-sweep")]


def test_ctrl_c_stops_a_local_sweep_and_its_threads(tmp_path):
    path = tmp_path / "s.npz"
    sent_at = interrupt_after(0.5)
    with pytest.raises(xorc.SweepInterrupted) as stopped:
        xorc.sweep(range(200), threads=2, checkpoint=path, **LONG)
    took = time.monotonic() - sent_at()
    assert isinstance(stopped.value, KeyboardInterrupt)
    assert took < BOUND, f"stopped {took:.2f} s after the signal"
    assert sweep_threads() == []  # no worker thread left running
    assert stopped.value.total == 200 and stopped.value.done == 0  # no seed can finish 10**7 steps here
    assert not path.exists()  # nothing finished, so nothing was written


def test_ctrl_c_keeps_what_finished(tmp_path):
    path = tmp_path / "s.npz"
    sent_at = interrupt_after(0.6)
    with pytest.raises(xorc.SweepInterrupted) as stopped:
        # About 10 s of work on two cores, so the signal always comes before the end.
        xorc.sweep(range(100000), threads=2, checkpoint=path, checkpoint_every=100, steps=6000, lr=0.5)
    assert time.monotonic() - sent_at() < BOUND
    done = stopped.value.done
    assert 0 < done < 100000
    kept = xorc.load_sweep(path)  # written when interrupted, although no periodic write was due
    assert len(kept) == done
    again = xorc.sweep(kept.seeds, threads=2, steps=6000, lr=0.5)
    assert kept.losses.tobytes() == again.losses.tobytes()
    assert kept.learned_at.tobytes() == again.learned_at.tobytes()


def test_ctrl_c_with_a_given_thread_pool_cancels_and_stops_its_chunks():
    with ThreadPoolExecutor(max_workers=2) as pool:
        sent_at = interrupt_after(0.4)
        with pytest.raises(xorc.SweepInterrupted):
            xorc.sweep(range(64), executor=pool, chunk_size=2, **LONG)
        assert time.monotonic() - sent_at() < BOUND
        started = time.monotonic()
        pool.shutdown(wait=True)  # the running chunks saw the stop flag; the others were cancelled
        assert time.monotonic() - started < BOUND


def test_ctrl_c_with_a_process_pool_cancels_the_outstanding_chunks():
    # Chunks of one seed of about 30 ms each: 400 of them are 6 s of work on two processes. Once
    # interrupted, only the chunks already running may finish; the others must have been cancelled.
    with ProcessPoolExecutor(max_workers=2) as pool:
        pool.submit(int).result()  # the workers are up before the clock starts
        sent_at = interrupt_after(0.5)
        with pytest.raises(xorc.SweepInterrupted):
            xorc.sweep(range(400), executor=pool, chunk_size=1, steps=100000, lr=0.5)
        assert time.monotonic() - sent_at() < BOUND
        started = time.monotonic()
        pool.shutdown(wait=True)
        assert time.monotonic() - started < 2.0


def test_the_sweep_goes_on_after_an_interrupt_elsewhere():
    # The stop flag belongs to one sweep: the next one runs to the end.
    result = xorc.sweep(range(4), steps=50, threads=2)
    assert len(result) == 4


def wait_for(predicate, seconds=30.0):
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_the_command_stops_on_a_signal_and_keeps_what_finished(tmp_path, signum, status):
    out = tmp_path / "s.npz"
    argv = ["--seeds", "0:1000000", "--steps", "2000", "--lr", "0.5", "--threads", "2", "--quiet"]
    argv += ["--out", str(out), "--checkpoint-every", "0.2"]
    if importlib.util.find_spec("matplotlib") is not None:  # the picture is not drawn for an interrupted run
        argv += ["--plot", str(tmp_path / "p.png")]
    process = subprocess.Popen(
        [sys.executable, "-m", "xorc", "sweep", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=installed.environment(),  # the installed xorc, run from tmp_path (not the checkout)
        cwd=tmp_path,
    )
    try:
        wait_for(lambda: out.exists() or process.poll() is not None)
        assert process.poll() is None, process.communicate()[1]
        sent = time.monotonic()
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=30)
        took = time.monotonic() - sent
    finally:
        process.kill()
    assert process.returncode == status, stderr
    assert took < BOUND + 0.5  # the process also exits its interpreter
    lines = stderr.decode().splitlines()
    assert (
        len(lines) == 1 and lines[0].startswith("xorc: interrupted after ") and lines[0].endswith(" of 1000000 seeds")
    )
    done = int(lines[0].split()[3])
    assert stdout == b""  # no summary, no picture, for an interrupted run
    assert not (tmp_path / "p.png").exists()
    kept = xorc.load_sweep(out)
    assert len(kept) == done > 0
    some = kept.seeds[:: max(1, done // 5)]
    again = xorc.sweep(some, steps=2000, lr=0.5, threads=1)
    assert kept.losses[:: max(1, done // 5)].tobytes() == again.losses.tobytes()
