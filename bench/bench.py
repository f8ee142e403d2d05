"""How fast xorc trains, against plain numpy measured in the same run.

    python bench/bench.py           # the full benchmark (about a minute)
    python bench/bench.py --quick   # fewer repetitions and steps (a few seconds)

Prints three markdown tables:

1. The seed job (XOR, 2-3-1, no biases, lr 0.01, 60000 steps): ``xorc.train()``
   as a user calls it (the Python layer included), in float64 and float32; the
   C loop alone (one ``xorc_train_d`` call of 60000 steps, from Python); and a
   plain-numpy implementation of the same training (one Python iteration per
   step). numpy runs fewer steps and its time is scaled to 60000 per step (its
   cost per step is constant); its loss after those steps is checked against
   xorc's. Each time is the median of several repetitions.
2. Scaling: ns per step for hidden sizes 3, 16, 64, 256 (4 rows) and for 4, 64
   and 1024 rows (3 hidden units), on random data, xorc against numpy.
3. Start-up: ``xorc train --steps 0 --quiet`` as a whole process against
   ``python -c "import numpy"``, the median of several runs each, interleaved.

Times are wall-clock and move with whatever else runs on the machine; the
medians damp that. bench/callgrind.py counts instructions, which do not move.
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np

import xorc
from xorc import _binding


def numpy_train(X: np.ndarray, y: np.ndarray, W1: np.ndarray, W2: np.ndarray, lr: float, steps: int):
    """The seed program's training in plain numpy: full-batch gradient descent on the SSE."""
    W1, W2 = W1.copy(), W2.copy()
    for _ in range(steps):
        hidden = 1.0 / (1.0 + np.exp(-(X @ W1)))
        out = 1.0 / (1.0 + np.exp(-(hidden @ W2)))
        delta = 2.0 * (out - y) * out * (1.0 - out)
        dz1 = (delta @ W2.T) * hidden * (1.0 - hidden)
        W1 -= lr * (X.T @ dz1)
        W2 -= lr * (hidden.T @ delta)
    return W1, W2


def xorc_steps(net: xorc.Network, X: np.ndarray, y: np.ndarray, steps: int) -> None:
    """`steps` steps of xorc's C loop from the network's weights, in one call (no Python per step)."""
    W1, W2 = net.W1.copy(), net.W2.copy()
    _binding.train(W1, W2, None, None, X, y, 0.01, steps, _binding.workspace(*net.shape, W1.dtype))


def median_seconds(run: Callable[[], object], repetitions: int) -> float:
    run()  # warm up: caches, lazy imports
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} cores; Python {platform.python_version()}, numpy {np.__version__}, "
        f"xorc {xorc.__version__}"
    )


def seed_table(quick: bool) -> None:
    steps = 60000
    repetitions = 5 if quick else 15
    numpy_steps = 500 if quick else 3000
    X, y = xorc.truth_table("xor")
    start = xorc.Network.random()

    rows = []
    for dtype in ("float64", "float32"):
        seconds = median_seconds(lambda dtype=dtype: xorc.train(dtype=dtype), repetitions)
        rows.append((f"`xorc.train()`, {dtype}", steps, seconds))

    c_loop = functools.partial(xorc_steps, start, X, y, steps)
    rows.append(("the C loop alone (one `xorc_train_d` call), float64", steps, median_seconds(c_loop, repetitions)))
    numpy_seconds = median_seconds(
        lambda: numpy_train(X, y, start.W1, start.W2, 0.01, numpy_steps), max(3, repetitions // 3)
    )
    rows.append((f"plain numpy, float64 ({numpy_steps} steps, scaled to {steps})", numpy_steps, numpy_seconds))

    # The same numbers: numpy's weights after numpy_steps against xorc's.
    check = xorc.Network.random()
    check.fit(X, y, steps=numpy_steps, log_every=0)
    W1, W2 = numpy_train(X, y, start.W1, start.W2, 0.01, numpy_steps)
    assert np.allclose(check.W1, W1, rtol=0, atol=1e-12) and np.allclose(check.W2, W2, rtol=0, atol=1e-12)

    numpy_per_step = numpy_seconds / numpy_steps
    print("### The seed job: XOR, 2-3-1, no biases, lr 0.01, 60000 steps")
    print()
    print("| implementation | ms for 60000 steps (median) | ns per step | speed-up over numpy |")
    print("| --- | ---: | ---: | ---: |")
    for label, count, seconds in rows:
        per_step = seconds / count
        print(f"| {label} | {per_step * steps * 1e3:.1f} | {per_step * 1e9:.0f} | {numpy_per_step / per_step:.0f}x |")
    print()


def scaling_table(quick: bool) -> None:
    repetitions = 3 if quick else 7
    rng = np.random.default_rng(0)
    cases = [(3, 4), (16, 4), (64, 4), (256, 4), (3, 64), (3, 1024)]
    print("### Scaling: ns per step, float64, random data, 2 inputs, 1 output, no biases")
    print()
    print("| hidden | rows | xorc ns/step | numpy ns/step | speed-up over numpy |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for hidden, n in cases:
        X = rng.uniform(-1, 1, (n, 2))
        y = rng.uniform(0, 1, (n, 1))
        net = xorc.Network.random(2, hidden, 1, seed=1)
        work = 2.0e6 if quick else 2.0e7  # about this many multiply-adds per measurement
        steps = max(50, int(work / (n * hidden * 8)))
        numpy_steps = max(20, steps // 200)

        run_numpy = functools.partial(numpy_train, X, y, net.W1, net.W2, 0.01, numpy_steps)
        xorc_per_step = median_seconds(functools.partial(xorc_steps, net, X, y, steps), repetitions) / steps
        numpy_per_step = median_seconds(run_numpy, repetitions) / numpy_steps
        print(
            f"| {hidden} | {n} | {xorc_per_step * 1e9:.0f} | {numpy_per_step * 1e9:.0f} "
            f"| {numpy_per_step / xorc_per_step:.0f}x |"
        )
    print()


def startup_table(quick: bool) -> None:
    runs = 7 if quick else 21
    script = shutil.which("xorc", path=os.path.dirname(sys.executable))
    xorc_command = [script] if script else [sys.executable, "-m", "xorc"]
    commands = {
        '`python -c "import numpy"`': [sys.executable, "-c", "import numpy"],
        "`xorc train --steps 0 --quiet`": [*xorc_command, "train", "--steps", "0", "--quiet"],
    }
    times: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(runs):
        for label, command in commands.items():
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
            times[label].append(time.perf_counter() - start)
    base = statistics.median(next(iter(times.values())))
    print(f"### Start-up: a whole process, median of {runs} runs each, interleaved")
    print()
    print("| command | ms (median) | ratio to importing numpy |")
    print("| --- | ---: | ---: |")
    for label, values in times.items():
        print(f"| {label} | {statistics.median(values) * 1e3:.0f} | {statistics.median(values) / base:.2f} |")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and steps: a smoke run")
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    print()
    seed_table(args.quick)
    scaling_table(args.quick)
    startup_table(args.quick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
