"""Benchmark: training 2×N networks on 2 threads versus one after another.

Each network is the seed job (2-3-1 on XOR, lr 0.01, 60000 steps, float64, log
every 10000 steps), with seeds 1234, 1235, ... . Three ways to train them all:

  serial       one after another, in this thread
  2 threads    N in each of two threads of this process
  2 processes  N in each of two worker processes (no GIL shared at all): the
               most that two threads could reach on this machine right now

cffi releases the GIL inside every C call, so on a machine with two free cores
the threaded run should take about half the serial time, like the processes.
The three runs alternate, each repeated, so that a change in the machine's load
affects all of them; the table gives the best and the median wall time, and for
the best run its CPU time over its wall time (about 2 when both threads or
processes ran all along, less when other work on the machine took a core).
The trained weights of every run are compared bit for bit with the serial ones.

    python bench/threads.py [--per-thread N] [--repeats R]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import platform
import statistics
import threading
import time

import xorc

Weights = list[tuple[bytes, bytes]]


def train_all(seeds: list[int]) -> Weights:
    nets = [xorc.train(seed=seed) for seed in seeds]
    return [(net.W1.tobytes(), net.W2.tobytes()) for net in nets]


def halves(seeds: list[int]) -> list[list[int]]:
    return [seeds[: len(seeds) // 2], seeds[len(seeds) // 2 :]]


def serial(seeds: list[int], pool) -> tuple[Weights, float]:
    cpu = time.process_time()
    return train_all(seeds), time.process_time() - cpu


def threaded(seeds: list[int], pool) -> tuple[Weights, float]:
    results: list[Weights] = [[], []]

    def work(index: int, part: list[int]) -> None:
        results[index] = train_all(part)

    cpu = time.process_time()
    threads = [threading.Thread(target=work, args=(index, part)) for index, part in enumerate(halves(seeds))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results[0] + results[1], time.process_time() - cpu


def timed_train_all(seeds: list[int]) -> tuple[Weights, float]:
    cpu = time.process_time()
    weights = train_all(seeds)
    return weights, time.process_time() - cpu


def processes(seeds: list[int], pool) -> tuple[Weights, float]:
    parts = pool.map(timed_train_all, halves(seeds))
    return parts[0][0] + parts[1][0], parts[0][1] + parts[1][1]


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
    parser.add_argument("--repeats", type=int, default=5, help="runs of each kind (default 5)")
    args = parser.parse_args()
    seeds = [1234 + i for i in range(2 * args.per_thread)]

    print(f"machine: {usable_cpus()} usable CPUs (nproc), {cpu_model()}; Python {platform.python_version()}")
    print(f"load average before: {load_average()}")
    runs = {"serial": serial, "2 threads": threaded, "2 processes": processes}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    with multiprocessing.Pool(2) as pool:
        pool.map(train_all, [[1], [2]])  # warm up: the workers' imports and first calls
        reference = train_all(seeds)
        identical = True
        for _ in range(args.repeats):
            for name, run in runs.items():
                start = time.perf_counter()
                weights, cpu = run(seeds, pool)
                times[name].append((time.perf_counter() - start, cpu))
                identical &= weights == reference
    print(f"load average after:  {load_average()}")
    print()

    jobs = len(seeds)
    base = min(wall for wall, _ in times["serial"])
    print(f"{jobs} networks (2 x {args.per_thread}), seed job each: 2-3-1, XOR, 60000 steps, float64")
    print(f"{'run':<12} {'best s':>8} {'median s':>9} {'networks/s':>11} {'CPU/wall':>9} {'speed-up':>9}")
    for name, results in times.items():
        best, cpu = min(results)
        median = statistics.median(wall for wall, _ in results)
        print(f"{name:<12} {best:>8.3f} {median:>9.3f} {jobs / best:>11.1f} {cpu / best:>9.2f} {base / best:>8.2f}x")
    print(f"weights identical to serial in every run: {'yes' if identical else 'NO'}")


if __name__ == "__main__":
    main()
