"""Training in threads: cffi releases the GIL around the C core, and threads do not disturb results.

The proof that the GIL is released is not a count of iterations (the switch
interval alone lets the main thread run thousands of them before the worker even
reaches C), but the longest pause of a main-thread loop that time-stamps every
iteration while a worker thread is inside one long C call. If that call held the
GIL, the main thread would stop for the whole call; since it does not, the main
thread only ever waits for the worker's few Python bytecodes before and after
the call, each wait bounded by the switch interval.
"""

import sys
import threading
import time

import numpy as np
import pytest

import xorc
from xorc import _binding

SWITCH_INTERVAL = 0.005  # CPython's default; set explicitly so the bound below holds whatever the environment
CALL_SECONDS = 0.5  # the C call must last at least this long
QUARTER = 0.25  # the longest main-thread pause must be under this fraction of the call


@pytest.fixture
def switch_interval():
    previous = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    yield
    sys.setswitchinterval(previous)


def pauses_during(call):
    """Run call() in a worker thread while this thread time-stamps a loop.

    Returns (longest pause between two stamps, the call's start and end as the
    worker measured them, the first and last stamps). The loop's first stamp is
    taken before the worker is let go, and its last after the worker has left C,
    so the stamps cover the whole call.
    """
    go, finished = threading.Event(), threading.Event()
    span = {}

    def worker():
        go.wait()
        span["start"] = time.perf_counter()
        call()
        span["end"] = time.perf_counter()
        finished.set()

    thread = threading.Thread(target=worker)
    thread.start()
    first = last = time.perf_counter()
    go.set()
    longest = 0.0
    while not finished.is_set():
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
    now = time.perf_counter()
    longest = max(longest, now - last)
    thread.join()
    return longest, span["start"], span["end"], first, now


def seed_training_call(steps):
    """One call into C: `steps` steps of the seed job (2-3-1, XOR), as Network.fit makes them."""
    X, y = xorc.truth_table("xor")
    net = xorc.Network.random()
    W1, W2 = np.array(net.W1), np.array(net.W2)
    work = _binding.workspace(2, 3, 1, np.dtype("float64"))
    return lambda: _binding.train(W1, W2, None, None, X, y, 0.01, steps, work)


def steps_for(seconds):
    """The number of seed-job steps that take about `seconds` on this machine now."""
    probe = 50000
    call = seed_training_call(probe)
    start = time.perf_counter()
    call()
    per_step = (time.perf_counter() - start) / probe
    return int(seconds / per_step) + 1


def test_the_gil_is_released_during_a_c_training_call(switch_interval):
    # Aim at 0.8 s so the call lasts at least 0.5 s even if the machine (shared,
    # 2 cores) speeds up after the calibration; if it was still shorter, lengthen
    # it and run again.
    steps = steps_for(1.6 * CALL_SECONDS)
    for _ in range(4):
        longest, start, end, first, last = pauses_during(seed_training_call(steps))
        if end - start >= CALL_SECONDS:
            break
        steps *= 2
    duration = end - start
    assert duration >= CALL_SECONDS, f"could not make a C call last {CALL_SECONDS} s"
    assert first <= start and end <= last, "the stamps do not cover the whole call"
    # The switch interval bounds each wait for the worker's Python code; it is far below the bound.
    assert sys.getswitchinterval() < QUARTER * duration / 10
    assert longest < QUARTER * duration, (
        f"the main thread paused {longest:.3f} s during a {duration:.3f} s C call: the GIL was held"
    )


def test_the_probe_sees_a_call_that_holds_the_gil(switch_interval):
    """The same probe around a builtin that holds the GIL throughout: the pause is the whole call.

    sum() over a range runs in C without releasing the GIL or checking for a
    switch request, as a C extension that kept the GIL would. This shows that
    the test above can fail.
    """
    longest, start, end, _, _ = pauses_during(lambda: sum(range(3_000_000)))
    assert longest >= QUARTER * (end - start), f"paused {longest:.3f} s during a {end - start:.3f} s call"


# Different seeds, shapes, precisions and biases: each trained alone, then all at once.
JOBS = [
    dict(seed=1, hidden=3, dtype="float64", bias=False),
    dict(seed=2, hidden=5, dtype="float64", bias=True),
    dict(seed=3, hidden=4, dtype="float32", bias=False),
    dict(seed=4, hidden=6, dtype="float32", bias=True),
]


def train_job(job, barrier=None):
    X, y = xorc.truth_table("parity3")
    net = xorc.Network.random(3, job["hidden"], 1, seed=job["seed"], dtype=job["dtype"], bias=job["bias"])
    if barrier is not None:
        barrier.wait()
    start = time.perf_counter()
    net.fit(X, y, lr=0.1, steps=20000, log_every=2500)
    return net, (start, time.perf_counter())


def test_concurrent_training_is_bit_identical_to_serial():
    serial = [train_job(job)[0] for job in JOBS]

    barrier = threading.Barrier(len(JOBS))
    results = [None] * len(JOBS)

    def run(index):
        results[index] = train_job(JOBS[index], barrier)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(JOBS))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    spans = [span for _, span in results]
    for i, (start, end) in enumerate(spans):
        others = spans[:i] + spans[i + 1 :]
        assert any(start < other_end and other_start < end for other_start, other_end in others), (
            f"run {i} overlapped no other run"
        )
    for job, alone, (together, _) in zip(JOBS, serial, results, strict=True):
        for name in ("W1", "W2", "b1", "b2"):
            a, b = getattr(alone, name), getattr(together, name)
            assert (a is None and b is None) or a.tobytes() == b.tobytes(), f"{job}: {name} differs"
        assert together.history == alone.history, f"{job}: the loss history differs"
        assert together.steps_trained == alone.steps_trained == 20000
