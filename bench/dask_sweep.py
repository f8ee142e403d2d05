"""Sweeps on Dask against the local sweep: throughput with 1 and 2 worker processes, and the cost of a chunk.

    python bench/dask_sweep.py [--seeds 2000] [--steps 20000] [--repeat 1] [--quick]

Needs the dask extra (pip install "xorc-trainer[dask]", or -e ".[dask]" in a clone). Every figure is measured in this
run, on this machine, against the local sweep measured in the same run; the clusters
are LocalClusters of worker processes with one thread each, on 127.0.0.1.

- Throughput: network-steps per second (seeds x steps / wall-clock seconds) of
  xorc.sweep on 1 and 2 local threads, and on a cluster of 1 and 2 worker processes
  with the default chunk size (about 0.5 s of work a chunk on a fast core).
- Chunk cost: the same work in chunks of 16 seeds (many tiny chunks) against the
  default; and chunks of 0 steps, one seed each, whose wall-clock time per chunk is
  all overhead, split into the CPU time it costs this process (the client and, in a
  LocalCluster, the scheduler) and the workers.
- Bytes: what one chunk sends (the recipe and its seeds) and gets back (the
  ChunkResult), pickled as Dask pickles them, per seed and per chunk.
"""

from __future__ import annotations

import argparse
import logging
import os
import pickle
from collections.abc import Callable

import numpy as np

import xorc
from xorc.sweeping.chunks import train_chunk
from xorc.sweeping.run import chunk_sizes
from xorc.sweeps import prepare


def load() -> str:
    try:
        return "load average " + ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "load average unknown"


def best_seconds(run: Callable[[], float], repeat: int) -> float:
    return min(run() for _ in range(repeat))


def bytes_per_chunk() -> tuple[float, float, float, float]:
    """(bytes out per chunk, per seed; bytes back per chunk, per seed) of the XOR recipe, pickled.

    Out: the function (by reference), the recipe and the seeds; back: the ChunkResult.
    Neither depends on the number of steps. From chunks of 16 and of 1016 seeds.
    """
    recipe = prepare(range(1), steps=0).recipe
    out, back = {}, {}
    for n in (16, 1016):
        seeds = np.arange(n, dtype=np.int64)
        out[n] = len(pickle.dumps((train_chunk, recipe, seeds), protocol=5))
        back[n] = len(pickle.dumps(train_chunk(recipe, seeds), protocol=5))
    out_seed, back_seed = (out[1016] - out[16]) / 1000, (back[1016] - back[16]) / 1000
    return out[16] - 16 * out_seed, out_seed, back[16] - 16 * back_seed, back_seed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=2000)
    parser.add_argument("--steps", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs of each sweep")
    parser.add_argument("--overhead-chunks", type=int, default=400, help="chunks of 0 steps for the chunk cost")
    parser.add_argument("--quick", action="store_true", help="a smoke run for CI: small and once")
    args = parser.parse_args()
    if args.quick:
        args.seeds, args.steps, args.repeat, args.overhead_chunks = 200, 2000, 1, 50

    import psutil
    from distributed import Client, LocalCluster

    # A LocalCluster closed just after a sweep may log that its workers held results that the
    # client was still releasing: true and harmless here, and pages long.
    for name in ("distributed", "distributed.scheduler", "distributed.core", "distributed.worker"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)

    seeds = range(args.seeds)
    recipe = {"steps": args.steps, "lr": 0.5}
    work = args.seeds * args.steps  # network-steps
    print(f"xorc {xorc.__version__}, SIMD {xorc.simd_level()}; {args.seeds} seeds x {args.steps} steps; {load()}")

    def local(threads: int) -> float:
        return xorc.sweep(seeds, threads=threads, **recipe).seconds or 0.0

    rows: list[tuple[str, str, str]] = []
    local_seconds = {threads: best_seconds(lambda t=threads: local(t), args.repeat) for threads in (1, 2)}
    for threads, seconds in local_seconds.items():
        ratio = "1.00x" if threads == 1 else f"{local_seconds[1] / seconds:.2f}x of 1 thread"
        rows.append((f"local sweep, {threads} thread{'s' * (threads > 1)}", f"{work / seconds / 1e6:.1f} M", ratio))

    cluster_seconds = {}
    for workers in (1, 2):
        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
            ) as cluster,
            Client(cluster, set_as_default=False) as client,
        ):
            client.wait_for_workers(workers)
            executor = client.get_executor(pure=False)

            def remote(chunk: int | None, executor=executor) -> float:
                return xorc.sweep(seeds, executor=executor, chunk_size=chunk, **recipe).seconds or 0.0

            remote(None)  # the workers import xorc and numpy once, before the clock
            seconds = cluster_seconds[workers] = best_seconds(lambda: remote(None), args.repeat)
            ratio = f"{local_seconds[workers] / seconds:.2f}x of local {workers} thread{'s' * (workers > 1)}"
            if workers == 2:
                ratio += f", {cluster_seconds[1] / seconds:.2f}x of 1 worker"
            name = f"Dask, {workers} worker process{'es' * (workers > 1)}, default chunks"
            rows.append((name, f"{work / seconds / 1e6:.1f} M", ratio))
            if workers < 2:
                continue
            tiny = best_seconds(lambda: remote(16), args.repeat)
            rows.append(("Dask, 2 workers, chunks of 16 seeds", f"{work / tiny / 1e6:.1f} M", f"{seconds / tiny:.2f}x"))

            # Chunks of one seed and 0 steps: nothing but the cost of a chunk.
            pids = list(client.run(os.getpid).values())
            processes = [psutil.Process(pid) for pid in pids]

            def cpu(process: psutil.Process) -> float:
                times = process.cpu_times()
                return times.user + times.system

            here, there = cpu(psutil.Process()), sum(cpu(p) for p in processes)
            n = args.overhead_chunks
            wall = xorc.sweep(range(n), steps=0, executor=executor, chunk_size=1).seconds or 0.0
            here, there = cpu(psutil.Process()) - here, sum(cpu(p) for p in processes) - there
            rows.append(("a chunk of 0 steps (2 workers): wall-clock", f"{wall / n * 1e3:.2f} ms", ""))
            rows.append(("  CPU in this process (client + scheduler)", f"{here / n * 1e3:.2f} ms", ""))
            rows.append(("  CPU in the worker processes", f"{there / n * 1e3:.2f} ms", ""))

    chunk = chunk_sizes([prepare(seeds, **recipe)], None)[0]
    per_chunk = chunk * args.steps / (work / cluster_seconds[1])
    rows.append(("default chunk: seeds, seconds of work on 1 worker", f"{chunk}, {per_chunk:.3f} s", ""))
    out_chunk, out_seed, back_chunk, back_seed = bytes_per_chunk()
    rows.append(("bytes out: per chunk + per seed", f"{out_chunk:.0f} + {out_seed:.0f}", ""))
    rows.append(("bytes back: per chunk + per seed", f"{back_chunk:.0f} + {back_seed:.0f}", ""))

    width = max(len(name) for name, _, _ in rows)
    print(f"{'measure':<{width}}  {'network-steps/s':>15}  ratio (time against time)")
    for name, value, ratio in rows:
        print(f"{name:<{width}}  {value:>15}  {ratio}".rstrip())
    print(load())


if __name__ == "__main__":
    main()
