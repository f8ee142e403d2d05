"""Throughput of xorc.sweep: 1 thread against 2, the per-seed Python overhead, and 10,000 seeds extrapolated.

    python bench/sweep.py [--seeds 300] [--steps 60000] [--repeat 2] [--full]

Every figure is measured in this run, on this machine; timings on a shared machine
vary, so each is the best of --repeat runs, alternated (1 thread, 2 threads, 1, 2, ...)
so that a burst of load from elsewhere hits both. The load average is printed with them.

- C work per seed: the same seeds trained by bare C calls (``_binding.train``), in a loop, one thread.
- Python overhead per seed: a sweep with steps=0 (drawing the weights, one C call
  that trains nothing, the outputs, the bookkeeping), divided by its seeds.
- Throughput: seeds per second of ``xorc.sweep`` with 1 and with 2 threads; the ratio
  (target: at least 1.8 on 2 cores).
- 10,000 seeds: extrapolated from the best measured rate (target: at most 60 s on
  2 cores), or run in full with --full.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import xorc
from xorc import _binding
from xorc.network import initial_weights
from xorc.sweeps import available_cores


def load() -> str:
    try:
        return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "load average unknown"


def c_work_per_seed(seeds: range, steps: int) -> float:
    """Seconds per seed of the bare C training call, weights drawn beforehand, one thread."""
    X, y = xorc.truth_table("xor")
    work = _binding.workspace(2, 3, 1, np.dtype(np.float64))
    total = 0.0
    for seed in seeds:
        W1, W2, b1, b2 = initial_weights(seed, 2, 3, 1, np.dtype(np.float64), False)
        started = time.perf_counter()
        _binding.train(W1, W2, b1, b2, X, y, 0.01, steps, work)
        total += time.perf_counter() - started
    return total / len(seeds)


def sweep_seconds(seeds: range, steps: int, threads: int) -> tuple[float, float]:
    """(wall-clock seconds, process CPU seconds / wall-clock seconds) of one sweep.

    The second is how many cores the sweep kept busy: about 2 with 2 threads when the
    GIL is out of the way and the machine is otherwise idle, 1 if the work serialised.
    """
    cpu = time.process_time()
    wall = xorc.sweep(seeds, steps=steps, threads=threads).seconds
    return wall, (time.process_time() - cpu) / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=300, help="seeds per timed sweep (default: 300)")
    parser.add_argument("--steps", type=int, default=60000, help="steps per seed (default: 60000, the recipe)")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs of each kind; the best counts (default: 2)")
    parser.add_argument("--full", action="store_true", help="also run 10,000 seeds in full on every core")
    args = parser.parse_args()
    seeds = range(args.seeds)

    print(f"xorc {xorc.__version__}; {available_cores()} cores available; {load()}")
    print(f"recipe: xor 2-3-1, no biases, lr 0.01, {args.steps} steps; {args.seeds} seeds a run, best of {args.repeat}")
    print()

    overhead = min(sweep_seconds(range(5000), 0, 1)[0] for _ in range(args.repeat)) / 5000
    c_work = min(c_work_per_seed(seeds, args.steps) for _ in range(args.repeat))
    one = two = (float("inf"), 0.0)
    for _ in range(args.repeat):
        one = min(one, sweep_seconds(seeds, args.steps, 1))
        two = min(two, sweep_seconds(seeds, args.steps, 2))
    (one, busy_one), (two, busy_two) = one, two
    rate_one, rate_two = args.seeds / one, args.seeds / two

    print(f"{'C work per seed (bare C call)':<44}{1e3 * c_work:10.2f} ms")
    share = 100 * overhead / c_work
    print(f"{'Python overhead per seed (steps=0 sweep)':<44}{1e6 * overhead:10.1f} us  ({share:.2f}% of C)")
    print(f"{'sweep, 1 thread':<44}{rate_one:10.1f} seeds/s  ({one:.2f} s, {busy_one:.2f} cores busy)")
    print(f"{'sweep, 2 threads':<44}{rate_two:10.1f} seeds/s  ({two:.2f} s, {busy_two:.2f} cores busy)")
    print(f"{'2 threads / 1 thread':<44}{rate_two / rate_one:10.2f} x  (target >= 1.8)")
    print(f"{'1 thread / bare C':<44}{c_work * rate_one:10.3f}    (1.000 = no overhead at all)")
    best = max(rate_one, rate_two)
    print(f"{'10,000 seeds, extrapolated':<44}{10_000 / best:10.1f} s  (target <= 60 s)")
    if args.full:
        result = xorc.sweep(range(10_000), steps=args.steps)
        print(f"{f'10,000 seeds, measured ({result.threads} threads)':<44}{result.seconds:10.1f} s")
        print(f"{'':<44}learned {result.n_learned} of 10000 = {100 * result.fraction_learned:.1f}%")
    print()
    print(load())


if __name__ == "__main__":
    main()
