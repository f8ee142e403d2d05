"""Benchmark: training 2×N networks on 2 threads versus one after another.

Each network is the seed job (2-3-1 on XOR, lr 0.01, 60000 steps, float64, log
every 10000 steps), with seeds 1234, 1235, ... . The serial run trains all 2N in
this thread; the threaded run gives N to each of two threads. cffi releases the
GIL inside every C call, so on a machine with two free cores the threaded run
should take about half the time. Serial and threaded runs alternate, each
repeated, so that a change in the machine's load affects both; the table shows
the best and the median wall time, and for the best run its CPU time over its
wall time (about 2 when both threads ran all along, less when other work on the
machine took a core). The trained weights of the two runs are compared bit for bit.

    python bench/threads.py [--per-thread N] [--repeats R]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import threading
import time

import xorc


def train_all(seeds: list[int]) -> list[xorc.Network]:
    return [xorc.train(seed=seed) for seed in seeds]


def serial(seeds: list[int]) -> list[xorc.Network]:
    return train_all(seeds)


def threaded(seeds: list[int]) -> list[xorc.Network]:
    halves = [seeds[: len(seeds) // 2], seeds[len(seeds) // 2 :]]
    results: list[list[xorc.Network]] = [[], []]

    def work(index: int) -> None:
        results[index] = train_all(halves[index])

    threads = [threading.Thread(target=work, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results[0] + results[1]


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def load_average() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-thread", type=int, default=50, help="networks per thread, N (default 50)")
    parser.add_argument("--repeats", type=int, default=5, help="serial and threaded runs each (default 5)")
    args = parser.parse_args()
    seeds = [1234 + i for i in range(2 * args.per_thread)]

    print(f"machine: {usable_cpus()} usable CPUs (nproc), {cpu_model()}; Python {platform.python_version()}")
    print(f"load average before: {load_average()}")
    train_all(seeds[:1])  # warm up: imports, first calls

    times: dict[str, list[tuple[float, float]]] = {"serial": [], "2 threads": []}
    reference = None
    identical = True
    for _ in range(args.repeats):
        for name, run in (("serial", serial), ("2 threads", threaded)):
            wall, cpu = time.perf_counter(), time.process_time()
            nets = run(seeds)
            times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
            weights = [(net.W1.tobytes(), net.W2.tobytes()) for net in nets]
            if reference is None:
                reference = weights
            identical &= weights == reference
    print(f"load average after:  {load_average()}")
    print()

    jobs = len(seeds)
    base = min(wall for wall, _ in times["serial"])
    print(f"{jobs} networks (2 x {args.per_thread}), seed job each: 2-3-1, XOR, 60000 steps, float64")
    print(f"{'run':<10} {'best s':>8} {'median s':>9} {'networks/s':>11} {'CPU/wall':>9} {'speed-up':>9}")
    for name, runs in times.items():
        best, cpu = min(runs)
        median = statistics.median(wall for wall, _ in runs)
        print(f"{name:<10} {best:>8.3f} {median:>9.3f} {jobs / best:>11.1f} {cpu / best:>9.2f} {base / best:>8.2f}x")
    print(f"threaded weights identical to serial: {'yes' if identical else 'NO'}")


if __name__ == "__main__":
    main()
