"""``xorc.sweep``: one recipe trained from many seeds, on every core.

How reliable is a recipe (a shape, a learning rate, a number of steps)? Train it
from many random initialisations and count how often it learns the table. Each
seed's network is exactly ``Network.random(n_in, hidden, n_out, seed, dtype, bias)``
trained by the same C entry point ``xorc.train`` uses, so a seed's result is bit
for bit the one ``xorc.train(seed=s, ...)`` gives, whatever the number of threads.

The seeds are independent, so they are spread over a pool of threads. Each worker
thread keeps its own random generator and workspace and takes small chunks of
seeds from a shared counter; per seed it draws the weights (a few microseconds of
Python) and makes one call into C, which trains all the steps with the GIL
released. Only the final loss and outputs of a seed are kept, in arrays allocated
up front, so memory does not grow with the number of steps and grows with the
number of seeds by a few dozen bytes each.
"""

from __future__ import annotations

import math
import numbers
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _binding, _validate
from ._validate import SEED_MAX
from .network import initial_weights

#: progress(done, total): called from the calling thread as seeds finish.
Progress = Callable[[int, int], Any]
#: (W1, W2, b1, b2), the biases None for a network without them.
Weights = tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]

#: The loss quantiles a result reports, by name: (name, q).
QUANTILES = (("min", 0.0), ("5%", 0.05), ("25%", 0.25), ("median", 0.5), ("75%", 0.75), ("95%", 0.95), ("max", 1.0))
#: The standard normal's 97.5% quantile: the z of a two-sided 95% interval.
Z95 = 1.959963984540054


def wilson_interval(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion: successes of trials, at normal quantile z.

    The bounds are the two p with |successes/trials - p| = z * sqrt(p (1 - p) / trials);
    unlike the textbook p ± z·sqrt(p(1-p)/n), it stays inside [0, 1] and keeps its
    coverage near 0% and 100%.
    """
    if trials <= 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials and trials > 0, got {successes} of {trials}")
    p = successes / trials
    z2n = z * z / trials
    center = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * (1 - p) / trials + z2n / (4 * trials))
    low = 0.0 if successes == 0 else max(0.0, center - half)
    high = 1.0 if successes == trials else min(1.0, center + half)
    return low, high


@dataclass(frozen=True, eq=False)
class SweepResult:
    """What a sweep found: per seed (in the order of `seeds`), and in summary.

    The arrays are read-only. ``outputs[i]`` holds the outputs, shape (rows, n_out),
    of the network trained from ``seeds[i]``; ``losses[i]`` its final sum of squared
    errors; ``learned[i]`` whether every output is on the same side of 0.5 as its
    target.
    """

    seeds: np.ndarray  # (n,) int64
    losses: np.ndarray  # (n,) float64
    outputs: np.ndarray  # (n, rows, n_out), in the sweep's dtype
    learned: np.ndarray  # (n,) bool
    targets: np.ndarray  # (rows, n_out), the y the networks were trained on
    shape: tuple[int, int, int]  # (n_in, hidden, n_out)
    bias: bool
    lr: float
    steps: int
    dtype: str
    threads: int
    seconds: float  # wall-clock time of the sweep

    def __len__(self) -> int:
        return int(self.seeds.size)

    @property
    def n_learned(self) -> int:
        return int(np.count_nonzero(self.learned))

    @property
    def fraction_learned(self) -> float:
        """The fraction of seeds whose network learned the table."""
        return self.n_learned / len(self)

    @property
    def ci95(self) -> tuple[float, float]:
        """The 95% confidence interval of ``fraction_learned`` (Wilson score interval)."""
        return wilson_interval(self.n_learned, len(self))

    @property
    def loss_quantiles(self) -> dict[str, float]:
        """Quantiles of the final losses: min, 5%, 25%, median, 75%, 95%, max (linear interpolation)."""
        values = np.quantile(self.losses, [q for _, q in QUANTILES])
        return {name: float(value) for (name, _), value in zip(QUANTILES, values, strict=True)}

    def settings(self) -> str:
        """The recipe in words, e.g. ``2-3-1, no biases, lr 0.01, 60000 steps, float64``."""
        n_in, hidden, n_out = self.shape
        biases = "biases" if self.bias else "no biases"
        return f"{n_in}-{hidden}-{n_out}, {biases}, lr {self.lr:g}, {self.steps} steps, {self.dtype}"

    def summary(self) -> str:
        """A few lines for people: the recipe, the fraction learned with its interval, loss quantiles."""
        low, high = self.ci95
        quantiles = "  ".join(f"{name} {value:.3g}" for name, value in self.loss_quantiles.items())
        rate = len(self) / self.seconds if self.seconds > 0 else float("inf")
        return "\n".join(
            [
                f"{len(self)} seeds, {self.settings()}",
                f"learned: {self.n_learned} of {len(self)} = {100 * self.fraction_learned:.1f}%"
                f"  (95% CI {100 * low:.1f}% to {100 * high:.1f}%, Wilson)",
                f"final loss: {quantiles}",
                f"time: {self.seconds:.1f} s on {self.threads} thread{'s' * (self.threads != 1)} ({rate:.0f} seeds/s)",
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready values."""
        n_in, hidden, n_out = self.shape
        return {
            "shape": [n_in, hidden, n_out],
            "bias": self.bias,
            "lr": self.lr,
            "steps": self.steps,
            "dtype": self.dtype,
            "n_seeds": len(self),
            "n_learned": self.n_learned,
            "fraction_learned": self.fraction_learned,
            "ci95": list(self.ci95),
            "loss_quantiles": self.loss_quantiles,
            "threads": self.threads,
            "seconds": self.seconds,
            "targets": self.targets.tolist(),
            "seeds": self.seeds.tolist(),
            "losses": self.losses.tolist(),
            "learned": self.learned.tolist(),
            "outputs": self.outputs.tolist(),
        }


def available_cores() -> int:
    """The number of cores this process may run on (its CPU affinity where the OS has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def check_seeds(seeds: Any) -> np.ndarray:
    """`seeds` as a 1-D int64 array of distinct integers in [0, 2**32 - 1], in the given order.

    Accepts a range, a numpy integer array or any iterable of integers (Python or
    numpy, not bools, floats or strings). A repeated seed is an error: it is the same
    network trained twice, and would count twice in the fraction learned.
    """
    if isinstance(seeds, str | bytes):
        raise TypeError(f"seeds must be integers, e.g. range(1000), got the string {seeds!r}")
    _validate.unmasked("seeds", seeds)
    if isinstance(seeds, range):
        if not seeds:  # (not len(): a range longer than sys.maxsize has no len)
            raise ValueError("seeds is empty; give at least one seed, e.g. range(1000)")
        low, high = min(seeds[0], seeds[-1]), max(seeds[0], seeds[-1])
        if low < 0 or high > SEED_MAX:
            raise ValueError(f"seeds must lie in [0, {SEED_MAX}] (numpy's RandomState), got {seeds}")
        return np.arange(seeds.start, seeds.stop, seeds.step, dtype=np.int64)
    if isinstance(seeds, np.ndarray) and seeds.dtype.kind != "O":
        if seeds.dtype.kind not in "iu":
            raise TypeError(f"seeds must be integers, got an array of {seeds.dtype}")
        if seeds.ndim != 1:
            raise ValueError(f"seeds must be 1-D, got shape {seeds.shape}")
        array = seeds
    elif isinstance(seeds, Iterable):
        values = []
        for position, value in enumerate(seeds):
            if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
                raise TypeError(f"seeds must be integers; seeds[{position}] is {type(value).__name__} {value!r}")
            if not isinstance(value, numbers.Integral):
                raise ValueError(f"seeds must be integers; seeds[{position}] is {type(value).__name__} {value!r}")
            value = int(value)
            if not 0 <= value <= SEED_MAX:
                raise ValueError(
                    f"seeds must lie in [0, {SEED_MAX}] (numpy's RandomState); seeds[{position}] is {value}"
                )
            values.append(value)
        array = np.array(values, dtype=np.int64)
    else:
        raise TypeError(
            f"seeds must be an iterable of integers, e.g. range(1000), got {type(seeds).__name__} {seeds!r}"
        )
    if array.size == 0:
        raise ValueError("seeds is empty; give at least one seed, e.g. range(1000)")
    if array.min() < 0 or array.max() > SEED_MAX:
        bad = array[(array < 0) | (array > SEED_MAX)][0]
        raise ValueError(f"seeds must lie in [0, {SEED_MAX}] (numpy's RandomState), got {bad}")
    array = array.astype(np.int64)
    ordered = np.sort(array)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if repeated.size:
        raise ValueError(
            f"seeds must not repeat: {repeated[0]} appears more than once "
            "(the same seed trains the same network, and would count twice)"
        )
    return array


def sweep(
    seeds: Iterable[int],
    X: Any = None,
    y: Any = None,
    *,
    hidden: int = 3,
    bias: bool = False,
    lr: float = 0.01,
    steps: int = 60000,
    dtype: Any = "float64",
    threads: int | None = None,
    progress: Progress | None = None,
) -> SweepResult:
    """Train the recipe from every seed in `seeds`; return what each learned and the summary.

    X and y default to the XOR truth table; n_in and n_out come from their shapes.
    Seed s gives the network ``Network.random(n_in, hidden, n_out, seed=s, dtype=dtype,
    bias=bias)`` trained for `steps` full-batch steps at learning rate `lr`: the same
    numbers, bit for bit, as ``xorc.train(X, y, seed=s, ...)``. A network has learned
    the table when each output lies on the same side of 0.5 as its target (targets
    must not be 0.5 themselves).

    `threads` (default: every core this process may use) worker threads train the
    seeds; the results do not depend on it. `progress(done, total)`, if given, is
    called from the calling thread as seeds finish (at least at the start and the end).
    """
    seed_array = check_seeds(seeds)
    dtype = _validate.dtype(dtype)
    X, y = _validate.training_data(X, y, dtype)
    if np.any(y == 0.5):
        raise ValueError("y must not contain 0.5: a network learns a target by ending on its side of 0.5")
    hidden = _validate.integer("hidden", hidden, minimum=1)
    bias = _validate.flag("bias", bias)
    lr = _validate.learning_rate(lr, dtype)
    steps = _validate.integer("steps", steps)
    threads = available_cores() if threads is None else _validate.integer("threads", threads, minimum=1, maximum=4096)
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable, got {type(progress).__name__}")

    shape = (X.shape[1], hidden, y.shape[1])
    total = seed_array.size
    losses = np.empty(total, dtype=np.float64)
    outputs = np.empty((total, *y.shape), dtype=dtype)

    def worker_state() -> _WorkerState:
        return _WorkerState(X, y, shape, dtype, bias)

    def train_seed(index: int, state: _WorkerState) -> None:
        W1, W2, b1, b2 = state.load(initial_weights(int(seed_array[index]), *shape, dtype, bias))
        losses[index] = _binding.train(W1, W2, b1, b2, state.X, state.y, lr, steps, state.work)
        outputs[index] = _binding.forward(state.X, W1, W2, b1, b2)[1]

    started = time.perf_counter()
    threads = min(threads, total)
    _run_parallel(worker_state, train_seed, total, threads, progress)
    seconds = time.perf_counter() - started

    learned = np.all(np.where(y > 0.5, outputs > 0.5, outputs < 0.5), axis=(1, 2))
    targets = y.copy()  # y may be the caller's own array: never touch its flags
    for array in (seed_array, losses, outputs, learned, targets):
        array.flags.writeable = False
    return SweepResult(
        seeds=seed_array,
        losses=losses,
        outputs=outputs,
        learned=learned,
        targets=targets,
        shape=shape,
        bias=bias,
        lr=lr,
        steps=steps,
        dtype=dtype.name,
        threads=threads,
        seconds=seconds,
    )


#: Bytes between the buffers of different workers: two 64-byte cache lines (the
#: second against the prefetcher that fetches lines in pairs).
_SEPARATION = 128


class _WorkerState:
    """One worker thread's own copies of everything C writes or reads per step.

    The weights, the workspace, X and y of a worker lie in one private block, each
    starting on a fresh cache line, with padding at both ends. Small numpy arrays
    allocated by two threads often share a cache line (one seed in five, measured),
    and as C writes the weights and the workspace at every step, two cores would
    pass that line back and forth for the whole training (false sharing).
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, shape: tuple[int, int, int], dtype: np.dtype, bias: bool) -> None:
        n_in, hidden, n_out = shape
        shapes = [(n_in, hidden), (hidden, n_out), (_binding.workspace(*shape, dtype).size,), X.shape, y.shape]
        if bias:
            shapes += [(hidden,), (n_out,)]
        spans = [-(-math.prod(each) * dtype.itemsize // _SEPARATION) * _SEPARATION for each in shapes]
        raw = np.zeros(sum(spans) + 3 * _SEPARATION, dtype=np.uint8)
        offset = _SEPARATION + (-raw.ctypes.data) % _SEPARATION
        arrays = []
        for each, span in zip(shapes, spans, strict=True):
            arrays.append(raw[offset : offset + math.prod(each) * dtype.itemsize].view(dtype).reshape(each))
            offset += span
        self.W1, self.W2, self.work, self.X, self.y = arrays[:5]
        self.b1: np.ndarray | None = arrays[5] if bias else None
        self.b2: np.ndarray | None = arrays[6] if bias else None
        self.X[...] = X
        self.y[...] = y

    def load(self, weights: Weights) -> Weights:
        """Copy (W1, W2, b1, b2) into this worker's block; return the block's arrays."""
        mine = (self.W1, self.W2, self.b1, self.b2)
        for target, source in zip(mine, weights, strict=True):
            if target is not None and source is not None:
                target[...] = source
        return mine


def _run_parallel(
    worker_state: Callable[[], _WorkerState],
    train_seed: Callable[[int, _WorkerState], None],
    total: int,
    threads: int,
    progress: Progress | None,
) -> None:
    """train_seed(i, state) for i in range(total) on `threads` workers; progress on this thread.

    Each worker makes its own state (worker_state()) and takes chunks of consecutive
    indices from a shared counter until none are left. A worker reports each finished
    chunk on a queue, which this thread reads to call `progress`. When anything fails
    (a worker, the progress callback, a KeyboardInterrupt here) the workers stop after
    their current seed and the error is raised.
    """
    chunk = max(1, min(16, total // (threads * 16)))
    next_start = iter(range(0, total, chunk))
    lock = threading.Lock()
    stop = threading.Event()
    finished: queue.SimpleQueue[int | None] = queue.SimpleQueue()

    def worker() -> None:
        try:
            state = worker_state()
            while not stop.is_set():
                with lock:
                    start = next(next_start, None)
                if start is None:
                    return
                end = min(start + chunk, total)
                for index in range(start, end):
                    if stop.is_set():
                        return
                    train_seed(index, state)
                finished.put(end - start)
        except BaseException:
            stop.set()
            raise
        finally:
            finished.put(None)

    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="xorc-sweep") as pool:
        workers = [pool.submit(worker) for _ in range(threads)]
        try:
            if progress is not None:
                progress(0, total)
            done, running = 0, threads
            while running:
                try:
                    count = finished.get(timeout=0.25)  # a timeout keeps Ctrl-C responsive
                except queue.Empty:
                    continue
                if count is None:
                    running -= 1
                else:
                    done += count
                    if progress is not None:
                        progress(done, total)
        except BaseException:
            stop.set()
            raise
    for future in workers:
        future.result()  # a worker's exception, raised here
