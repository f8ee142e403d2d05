"""xorc.sweep: its own throughput, and one table against the same sweep written with JAX, numba and numpy.

Rerun the measurements of docs/performance.md (JAX and numba rows need ``pip install -e ".[bench]"``;
without them those rows are skipped with a note):

    python bench/sweep.py --seeds 10000 --steps 60000 --repeat 1 --no-scaling --dtypes float64   # the 10,000-seed sweep
    python bench/sweep.py --seeds 2000 --steps 20000 --repeat 3 --no-scaling                     # both precisions

    python bench/sweep.py [--seeds 300] [--steps 60000] [--repeat 2] [--threads N]
                          [--peers jax,numba,numpy] [--dtypes float64,float32] [--numpy-steps 2000]
                          [--no-scaling] [--full] [--quick]

Every figure is measured in this run, on this machine; timings on a shared machine
vary, so each is the best of --repeat runs, alternated (1 thread, 2 threads, 1, 2, ...;
xorc, JAX, numba, numpy, xorc, ...) so that a burst of load from elsewhere hits all of
them. The load average is printed with them.

xorc.sweep itself (skipped with --no-scaling):
- C work per seed: the same seeds trained by bare C calls (``_binding.train``), in a loop, one thread.
- Python overhead per seed: a sweep with steps=0 (drawing the weights, one C call
  that trains nothing, the outputs, the bookkeeping), divided by its seeds.
- Throughput: seeds per second of ``xorc.sweep`` with 1 and with 2 threads; the ratio
  (target: at least 1.8 on 2 cores).
- 10,000 seeds: extrapolated from the best measured rate, or run in full with --full.

Against its peers (bench/peers.py says how each is written and why): one table, a row
per program and precision, every program on --threads threads (numpy: one) training
--seeds seeds of the seed program for --steps steps, from the seed program's weights.
Columns: seconds; network-steps per second (seeds x steps / seconds); the time over
xorc.sweep's in the same precision (2.0 = xorc is twice as fast); the CPU seconds and
the cores kept busy (CPU time / wall time: on a machine that others load too, a row that
got less than its cores shows it, and its CPU seconds compare more fairly than its wall
time); and the check against xorc in the same run: the seeds that learned
the table must be the same ones, and the final losses equal within 1e-9 in float64
(5e-4 in float32, whose trajectories part by rounding over tens of thousands of steps),
the largest difference printed. A program that fails the check is marked WRONG and
gets no ratio, and the script exits with status 1. JAX's and numba's compilation is
done before the timing on the same shapes, measured, and excluded. numpy runs at most
--numpy-steps steps (one Python iteration each; its cost per step is constant), its
time is scaled to --steps, and it is checked against a sweep of that many steps.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

import xorc
from xorc import _binding
from xorc.network import initial_weights
from xorc.sweeps import available_cores

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import peers  # bench/peers.py, beside this script

PEERS = ("jax", "numba", "numpy")
#: The largest |loss - xorc's loss| a peer may show, by precision.
TOLERANCE = {"float64": 1e-9, "float32": 5e-4}


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


def scaling(args: argparse.Namespace) -> None:
    """xorc.sweep alone: bare C against the sweep, 1 thread against 2, 10,000 seeds."""
    seeds = range(args.seeds)
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
    print(f"{'10,000 seeds, extrapolated':<44}{10_000 / best:10.1f} s  (target <= 10 s)")
    if args.full:
        result = xorc.sweep(range(10_000), steps=args.steps)
        print(f"{f'10,000 seeds, measured ({result.threads} threads)':<44}{result.seconds:10.1f} s")
        print(f"{'':<44}learned {result.n_learned} of 10000 = {100 * result.fraction_learned:.1f}%")
    print()


# --- the table against the peers ---------------------------------------------------------

#: train(steps) -> (final losses (seeds,) float64, outputs (seeds, rows, n_out)), from fresh initial weights.
Runner = Callable[[int], tuple[np.ndarray, np.ndarray]]


@dataclass
class Row:
    """One program in one precision: how to run it, and its best run so far."""

    program: str
    dtype: str
    run: Runner
    steps: int  # the steps it runs (numpy: possibly fewer than the job's)
    compile_seconds: float | None = None
    seconds: float = float("inf")  # the best run's wall-clock time, scaled to the job's steps
    busy: float = 0.0  # the best run's CPU time / wall-clock time
    losses: np.ndarray | None = None
    outputs: np.ndarray | None = None
    check: str = ""
    wrong: bool = False

    def measure(self, job_steps: int) -> None:
        cpu, started = time.process_time(), time.perf_counter()
        losses, outputs = self.run(self.steps)
        wall = time.perf_counter() - started
        busy = (time.process_time() - cpu) / wall
        seconds = wall * job_steps / self.steps if self.steps else wall
        if seconds < self.seconds:
            self.seconds, self.busy = seconds, busy
        self.losses, self.outputs = losses, outputs


def learned(outputs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per seed: is every output on the same side of 0.5 as its target (xorc.sweep's rule)."""
    return np.all(np.where(y > 0.5, outputs > 0.5, outputs < 0.5), axis=(1, 2))


def xorc_runner(seeds: np.ndarray, X: np.ndarray, y: np.ndarray, dtype: np.dtype, threads: int) -> Runner:
    def run(steps: int) -> tuple[np.ndarray, np.ndarray]:
        result = xorc.sweep(seeds, X, y, lr=peers.LR, steps=steps, dtype=dtype, threads=threads)
        return result.losses, result.outputs

    return run


def peer_rows(
    names: list[str], seeds: np.ndarray, dtype: np.dtype, args: argparse.Namespace, notes: list[str]
) -> list[Row]:
    """The rows of the peers in `names` that are installed, compiled for the job's shapes."""
    X, y = peers.XOR_X.astype(dtype), peers.XOR_Y.astype(dtype)
    W1, W2 = peers.seed_weights(seeds, dtype)

    def fresh(train: peers.Train) -> Runner:
        return lambda steps: train(W1.copy(), W2.copy(), X, y, peers.LR, steps)

    rows = []
    for name in names:
        if name != "numpy" and importlib.util.find_spec(name) is None:
            note = f"{name}: not installed, its rows skipped (pip install -e '.[bench]')"
            if note not in notes:
                notes.append(note)
            continue
        if name == "jax":
            train, compile_for = peers.jax_trainer(dtype, args.threads)
            compiled = compile_for(W1, W2, X, y, peers.LR)
            rows.append(Row("JAX vmap + fori_loop, one jit", dtype.name, fresh(train), args.steps, compiled))
        elif name == "numba":
            train = peers.numba_trainer(dtype, args.threads)
            started = time.perf_counter()
            train(W1.copy(), W2.copy(), X, y, peers.LR, 1)  # compiles for these types
            compiled = time.perf_counter() - started
            rows.append(Row("numba njit(parallel), prange", dtype.name, fresh(train), args.steps, compiled))
        else:
            steps = min(args.steps, args.numpy_steps)
            rows.append(Row("numpy batched, a Python step", dtype.name, fresh(peers.numpy_batched), steps))
    return rows


def check(row: Row, reference: Row, y: np.ndarray) -> None:
    """Is the peer's result xorc's: the same seeds learned, the final losses within tolerance?"""
    assert row.losses is not None and row.outputs is not None
    assert reference.losses is not None and reference.outputs is not None
    tolerance = TOLERANCE[row.dtype]
    if row.losses.shape != reference.losses.shape:
        row.check, row.wrong = f"{row.losses.shape[0]} networks, xorc {reference.losses.shape[0]}", True
        return
    ours, theirs = learned(row.outputs, y), learned(reference.outputs, y)
    difference = float(np.max(np.abs(row.losses - reference.losses)))
    row.check = f"{np.count_nonzero(ours)} learned, max abs diff {difference:.1e}"
    if not np.array_equal(ours, theirs):
        row.check += f"; {np.count_nonzero(ours != theirs)} seeds disagree on learned"
        row.wrong = True
    if not difference <= tolerance:  # NaN fails too
        row.check += f" > {tolerance:g}"
        row.wrong = True


def table(args: argparse.Namespace) -> bool:
    """Measure xorc.sweep and the peers in one run; print the table. False if a peer is wrong."""
    seeds = np.arange(args.seeds)
    names = [name for name in PEERS if name in args.peers]
    notes: list[str] = []
    groups = []  # (xorc's row, the peers' rows, the reference for a shorter numpy run)
    for dtype in (np.dtype(name) for name in args.dtypes):
        X, y = peers.XOR_X.astype(dtype), peers.XOR_Y.astype(dtype)
        mine = Row("xorc.sweep", dtype.name, xorc_runner(seeds, X, y, dtype, args.threads), args.steps)
        groups.append((mine, peer_rows(names, seeds, dtype, args, notes), y))
    rows = [row for mine, others, _ in groups for row in (mine, *others)]
    for _ in range(args.repeat):
        for row in rows:
            row.measure(args.steps)

    versions = [f"numpy {np.__version__}"] + [
        f"{name} {importlib.import_module(name).__version__}"
        for name in names
        if name != "numpy" and importlib.util.find_spec(name)
    ]
    print(f"{', '.join(versions)}")
    print(
        f"{args.seeds} seeds x {args.steps} steps of the seed program (2-3-1, no biases, lr {peers.LR}), "
        f"{args.threads} thread{'s' * (args.threads != 1)}, best of {args.repeat}; {load()}"
    )
    print()
    print(
        "| program | dtype | seconds | network-steps/s | time / xorc's | CPU seconds | cores busy "
        "| check against xorc.sweep |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |")
    all_right = True
    for mine, others, y in groups:
        for row in (mine, *others):
            if row is not mine:
                reference = mine
                if row.steps != mine.steps:
                    reference = Row("xorc.sweep", mine.dtype, mine.run, row.steps)
                    reference.measure(row.steps)
                check(row, reference, y)
                if reference is not mine:
                    row.check = f"after {row.steps} steps: {row.check}"
            else:
                row.check = f"{np.count_nonzero(learned(row.outputs, y))} learned (the reference)"
            all_right &= not row.wrong
            rate = args.seeds * args.steps / row.seconds
            ratio = "WRONG" if row.wrong else f"{row.seconds / mine.seconds:.2f}"
            extra = []
            if row.compile_seconds is not None:
                extra.append(f"compiled in {row.compile_seconds:.1f} s, excluded")
            if row.steps != args.steps:
                extra.append(f"timed over {row.steps} steps, scaled to {args.steps}")
            name = row.program + (f" ({'; '.join(extra)})" if extra else "")
            print(
                f"| {name} | {row.dtype} | {row.seconds:.2f} | {rate:.3g} | {ratio} | {row.seconds * row.busy:.2f} "
                f"| {row.busy:.2f} | {row.check} |"
            )
    print()
    for note in notes:
        print(note)
    if "numpy" in names:
        print("numpy: one thread (its batched matmul and ufuncs run on one core)")
    if any(row.wrong for row in rows):
        print("WRONG: a peer's results differ from xorc's (see its check); it is not timed as a win")
    print(load())
    return all_right


def comma_list(allowed: tuple[str, ...]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        values = [value.strip() for value in text.split(",") if value.strip() and value.strip() != "none"]
        unknown = [value for value in values if value not in allowed]
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown {', '.join(unknown)}; choose from {', '.join(allowed)}")
        return values

    return parse


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, help="seeds per timed sweep (default: 300)")
    parser.add_argument("--steps", type=int, help="steps per seed (default: 60000, the recipe)")
    parser.add_argument("--repeat", type=int, help="timed runs of each kind; the best counts (default: 2)")
    parser.add_argument(
        "--threads", type=int, default=available_cores(), help="threads of every program (default: all cores)"
    )
    parser.add_argument(
        "--peers",
        type=comma_list(PEERS),
        default=list(PEERS),
        help="peers in the table (default: jax,numba,numpy; none)",
    )
    parser.add_argument(
        "--dtypes",
        type=comma_list(("float64", "float32")),
        default=["float64", "float32"],
        help="precisions of the table",
    )
    parser.add_argument(
        "--numpy-steps", type=int, default=2000, help="numpy runs at most this many steps, scaled (default: 2000)"
    )
    parser.add_argument("--no-scaling", action="store_true", help="only the table, not xorc.sweep's own measures")
    parser.add_argument("--full", action="store_true", help="also run 10,000 seeds of xorc.sweep in full")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 20 seeds, 1000 steps, once")
    args = parser.parse_args()
    quick = {"seeds": 20, "steps": 1000, "repeat": 1} if args.quick else {"seeds": 300, "steps": 60000, "repeat": 2}
    for name, default in quick.items():
        if getattr(args, name) is None:
            setattr(args, name, default)
    for name in ("seeds", "steps", "repeat", "threads", "numpy_steps"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")

    level = f"; SIMD level {xorc.simd_level()}" if hasattr(xorc, "simd_level") else ""
    print(f"xorc {xorc.__version__}{level}; {available_cores()} cores available; {load()}")
    if not args.no_scaling:
        print(f"xor 2-3-1, no biases, lr 0.01, {args.steps} steps; {args.seeds} seeds a run, best of {args.repeat}")
        print()
        scaling(args)
    return 0 if table(args) else 1


if __name__ == "__main__":
    sys.exit(main())
