"""Running sweeps through an executor: chunks of seeds out, results in, progress and checkpoints here.

Every sweep, local or not, is the same loop on the calling thread: chunks of seeds
(``sweeping.chunks.train_chunk`` calls) are submitted to a ``concurrent.futures.Executor``,
a bounded number at a time; as each finishes, its arrays are copied into the
sweep's results, progress is reported and, every few seconds, the checkpoints are
written. Several recipes (a --compare grid) share one stream of chunks, so the
workers stay busy across the whole grid.

Stopping: the calling thread waits for results with a timeout, so Ctrl-C (or any
exception) is raised here at once; then the chunks not started are cancelled, the
running ones of a thread pool see the stop flag within one piece of work (a few
ms) and end, finished results are kept and checkpointed, and the exception goes on.
"""

from __future__ import annotations

import contextlib
import math
import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .. import _simd
from .._learned import DIVERGED, NOT_LEARNED
from .._signals import SignalsHeld
from ..recipe import Recipe
from .chunks import ChunkResult, chunk_bytes, refuse_chunks_beyond_memory, train_chunk
from .writer_lock import WriterLock

#: progress(done, total): called from the calling thread as seeds finish.
Progress = Callable[[int, int], Any]

#: Seconds of work a remote chunk aims at, so that the executor's cost per chunk stays
#: under 1% of it: Dask spends 1 to 5 ms of a worker's CPU on a chunk (bench/dask_sweep.py).
REMOTE_CHUNK_SECONDS = 0.5
#: Seconds per unit of ``_cost.step_work`` (a multiply-add, roughly) of lockstep training
#: on one core: the seed recipe's network-step (61 units) in about 25 ns at AVX2, 40 per µs.
#: A slower worker (a lower SIMD level, a busy core) makes the chunks longer, never shorter.
SECONDS_PER_WORK = 0.4e-9
#: A remote chunk's seeds come in whole multiples of this many: lockstep training fills
#: vectors of 1 to 16 networks (AVX-512, float32), and a part-filled vector costs a full one.
REMOTE_CHUNK_MULTIPLE = 16


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM, where the command turns it into this) stopped a sweep.

    ``done`` seeds of ``total`` had finished (counting those resumed from checkpoints);
    they are in the checkpoint files, when the sweep had any.
    """

    def __init__(self, done: int, total: int) -> None:
        super().__init__(f"interrupted after {done} of {total} seeds")
        self.done = done
        self.total = total


@dataclass(eq=False)
class Job:
    """One recipe's sweep: its seeds (in the caller's order) and their results as they come in."""

    recipe: Recipe
    seeds: np.ndarray
    losses: np.ndarray
    outputs: np.ndarray
    learned_at: np.ndarray
    done: np.ndarray  # (n,) bool: which seeds have their results
    #: write(job): writes the job's finished results to its checkpoint; None without one.
    checkpoint: Callable[[Job], None] | None = None
    #: the checkpoint's writer lock (``sweeping.writer_lock``), held from before it is read until the sweep ends.
    lock: WriterLock | None = None
    dirty: bool = field(default=False)  # results not yet in the checkpoint
    #: the SIMD levels the chunks were trained at (a remote worker uses its own processor's best).
    simd: set[str] = field(default_factory=set)

    @classmethod
    def new(cls, recipe: Recipe, seeds: np.ndarray) -> Job:
        n = seeds.size
        return cls(
            recipe=recipe,
            seeds=seeds,
            losses=np.empty(n, dtype=np.float64),
            outputs=np.empty((n, *recipe.y.shape), dtype=recipe.dtype),
            learned_at=np.full(n, -1, dtype=np.int64),
            done=np.zeros(n, dtype=bool),
        )

    def store(self, positions: np.ndarray, result: object) -> None:
        """Copy a finished chunk's results in, once checked (``check_chunk``); `done` is set last, so a
        half-copied chunk counts as not done."""
        result = check_chunk(result, self.recipe, self.seeds[positions])
        self.losses[positions] = result.losses
        self.outputs[positions] = result.outputs
        self.learned_at[positions] = result.learned_at
        self.simd.add(result.simd)
        self.done[positions] = True
        self.dirty = True

    def release(self) -> None:
        """Give the checkpoint's writer lock back: the sweep of this job has ended, or will not run."""
        if self.lock is not None:
            self.lock.release()
            self.lock = None

    def save(self) -> None:
        if self.checkpoint is not None and self.dirty:
            self.checkpoint(self)
            self.dirty = False


class ChunkResultError(RuntimeError):
    """A chunk came back from the executor as something train_chunk does not return."""


def check_chunk(result: object, recipe: Recipe, seeds: np.ndarray) -> ChunkResult:
    """`result` if it is what ``train_chunk(recipe, seeds)`` returns, else ChunkResultError saying what is wrong.

    Any executor may run a chunk (another process, another machine, the caller's own
    class), and what comes back is copied into the sweep's arrays, where numpy would cast
    a wrong dtype and broadcast a wrong shape without a word. So: a ChunkResult, of these
    very seeds in this order, each array of its dtype and shape, every learned_at
    NOT_LEARNED, DIVERGED or a checked step (a multiple of check_every, or the last step),
    and a SIMD level's name.
    """
    sent = f"the chunk of {seeds.size} seed{'s' * (seeds.size != 1)} from seed {seeds[0]}"
    if not isinstance(result, ChunkResult):
        raise ChunkResultError(f"{sent} came back as {type(result).__name__}, not a ChunkResult")
    batch, (rows, n_out) = seeds.size, recipe.y.shape
    expected: dict[str, tuple[np.dtype, tuple[int, ...]]] = {
        "seeds": (np.dtype(np.int64), (batch,)),
        "losses": (np.dtype(np.float64), (batch,)),
        "outputs": (np.dtype(recipe.dtype), (batch, rows, n_out)),
        "learned_at": (np.dtype(np.int64), (batch,)),
    }
    for name, (dtype, shape) in expected.items():
        array = getattr(result, name)
        if not isinstance(array, np.ndarray) or array.dtype != dtype or array.shape != shape:
            got = f"{array.dtype} {array.shape}" if isinstance(array, np.ndarray) else type(array).__name__
            raise ChunkResultError(f"{sent} came back with {name} {got}, not {dtype} {shape}")
    if not np.array_equal(result.seeds, seeds):
        raise ChunkResultError(f"{sent} came back with other seeds than it was sent")
    at = result.learned_at
    step = (at >= 0) & (at <= recipe.steps) & ((at % recipe.check_every == 0) | (at == recipe.steps))
    checked = (at == NOT_LEARNED) | (at == DIVERGED) | step
    if not np.all(checked):
        raise ChunkResultError(
            f"{sent} came back with learned_at {at[~checked][0]}, which is no checked step of {recipe.steps}"
        )
    if not isinstance(result.simd, str) or result.simd not in _simd.LEVELS:
        raise ChunkResultError(f"{sent} came back with simd {result.simd!r}, not one of {', '.join(_simd.LEVELS)}")
    return result


def chunk_sizes(jobs: list[Job], workers: int | None) -> list[int]:
    """Seeds per chunk, per job: several chunks per worker for balance, and, for a remote
    executor (workers None), chunks long enough that the per-chunk overhead does not matter.

    Remote: about REMOTE_CHUNK_SECONDS of lockstep work each, per recipe (a grid of 1,000
    and 60,000 steps gets chunks 60 times larger for the first), in whole vectors, at most
    4096 seeds, and small enough that the whole sweep makes at least 16 chunks.
    """
    missing = sum(int(np.count_nonzero(~job.done)) for job in jobs)
    if workers is not None:
        return [max(1, min(64, math.ceil(missing / (workers * 8))))] * len(jobs)
    balanced = math.ceil(missing / 16)
    sizes = []
    for job in jobs:
        seconds_per_seed = max(job.recipe.steps, 1) * job.recipe.step_work() * SECONDS_PER_WORK
        wanted = math.ceil(REMOTE_CHUNK_SECONDS / seconds_per_seed / REMOTE_CHUNK_MULTIPLE) * REMOTE_CHUNK_MULTIPLE
        sizes.append(max(1, min(4096, wanted, balanced)))
    return sizes


def refuse_threads_beyond_memory(jobs: list[Job], sizes: list[int], threads: int) -> None:
    """A MemoryError naming hidden if the chunks the local threads may train at once need more than the
    machine's memory: raised before any thread starts.

    The jobs of a grid share the threads, so any `threads` chunks of any jobs may run
    together: the check counts the `threads` largest (``sweeping.chunks.chunk_bytes``)
    among each job's first chunks of `sizes` seeds not done yet. A sweep refused so
    may fit with fewer threads or smaller chunks.
    """
    chunks = []
    for job, size in zip(jobs, sizes, strict=True):
        missing = int(np.count_nonzero(~job.done))
        chunks += [(job.recipe, min(size, missing - start)) for start in range(0, min(missing, threads * size), size)]
    at_once = sorted(chunks, key=lambda chunk: chunk_bytes(*chunk), reverse=True)[:threads]
    if at_once:
        refuse_chunks_beyond_memory(at_once)


def run(
    jobs: list[Job],
    *,
    threads: int,
    executor: Executor | None,
    chunk: int | None,
    progress: Progress | None,
    checkpoint_every: float,
) -> None:
    """Train every seed of every job that is not done yet, through `executor` (None: a pool of `threads`)."""
    total = sum(job.seeds.size for job in jobs)
    sizes = chunk_sizes(jobs, threads if executor is None else None) if chunk is None else [chunk] * len(jobs)
    # An executor's workers may be other processes or machines: train_chunk checks each chunk where it runs.
    if executor is None:
        refuse_threads_beyond_memory(jobs, sizes, threads)
    stop = threading.Event()
    own_pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="xorc-sweep") if executor is None else None
    pool: Executor = own_pool if own_pool is not None else executor  # type: ignore[assignment]
    # A pool of threads in this process shares the stop flag; a process or a cluster cannot.
    shares_flag = isinstance(pool, ThreadPoolExecutor)
    window = 4 * threads if own_pool is not None else 1024  # outstanding chunks at a time
    pending: dict[Future[ChunkResult | None], tuple[Job, np.ndarray]] = {}
    # Each chunk, once done, is put here by whichever thread settles it. Waiting on this
    # queue rather than with concurrent.futures.wait matters for Ctrl-C: wait() takes the
    # lock of every pending future in a Python loop, and an interrupt landing in that loop
    # leaves some held for ever, so the thread that later settles one of those futures
    # (a pool's worker, the Dask client's event loop) blocks, and the sweep cannot stop.
    # SimpleQueue.get is one C call, which an interrupt leaves with no lock held.
    done: queue.SimpleQueue[Future[ChunkResult | None]] = queue.SimpleQueue()
    chunks = _chunks(jobs, sizes)

    def done_count() -> int:
        return sum(int(np.count_nonzero(job.done)) for job in jobs)

    def refill() -> None:
        while len(pending) < window:
            item = next(chunks, None)
            if item is None:
                return
            job, positions = item
            seeds = job.seeds[positions]
            future = (
                pool.submit(train_chunk, job.recipe, seeds, stop)
                if shares_flag
                else pool.submit(train_chunk, job.recipe, seeds)
            )
            if not isinstance(future, Future):
                raise TypeError(f"executor.submit returned {type(future).__name__}, not a concurrent.futures.Future")
            pending[future] = (job, positions)
            future.add_done_callback(done.put)

    def collect(finished: set[Future[ChunkResult | None]]) -> None:
        for future in finished:
            job, positions = pending.pop(future)
            job.store(positions, future.result())  # (None only after a stop, which ends this loop)

    def save_all() -> None:
        for job in jobs:
            job.save()

    # A second signal (an impatient user, `timeout -s INT`) must not cut the saving of what finished
    # short: SignalsHeld lets the first one raise here, and only notes the later ones (`again`),
    # which then only end the wait for the running chunks.
    with SignalsHeld() as signals:
        try:
            if progress is not None:
                progress(done_count(), total)
            refill()
            saved_at = time.monotonic()
            write_seconds = 0.0
            while pending:
                try:
                    finished = {done.get(timeout=0.1)}
                except queue.Empty:
                    continue
                with contextlib.suppress(queue.Empty):
                    while True:
                        finished.add(done.get_nowait())
                collect(finished)
                refill()
                if progress is not None:
                    progress(done_count(), total)
                # Every checkpoint_every seconds, or less often when writing takes more than 5% of the time.
                if time.monotonic() - saved_at >= max(checkpoint_every, 20 * write_seconds):
                    started = time.monotonic()
                    save_all()
                    saved_at = time.monotonic()
                    write_seconds = saved_at - started
            save_all()
        except BaseException as error:
            signals.hold()
            stop.set()
            for future in pending:
                future.cancel()
            if own_pool is not None:
                # The running chunks see the stop flag within a piece (a few ms) and end; a later signal stops
                # the waiting for them (they end on their own), never the saving below.
                own_pool.shutdown(wait=False, cancel_futures=True)
                while not signals.again.is_set() and not all(future.done() for future in pending):
                    with contextlib.suppress(queue.Empty):
                        done.get(timeout=0.02)
            # What finished before the stop is kept: collected and checkpointed.
            finished = {future for future in pending if future.done() and not future.cancelled()}
            for future in finished:
                job, positions = pending.pop(future)
                if future.exception() is None and (result := future.result()) is not None:
                    with contextlib.suppress(ChunkResultError):  # not kept; the error on its way says why we stop
                        job.store(positions, result)
            save_all()
            if isinstance(error, KeyboardInterrupt) and not isinstance(error, SweepInterrupted):
                raise SweepInterrupted(done_count(), total) from error
            raise
        finally:
            if own_pool is not None:
                own_pool.shutdown(wait=not signals.again.is_set())
    missing = [job.seeds[~job.done] for job in jobs if not job.done.all()]
    if missing:  # (a sweep returns only with every seed's result)
        raise ChunkResultError(f"no result came back for seed {missing[0][0]} (and {sum(map(len, missing)) - 1} more)")


def _chunks(jobs: list[Job], sizes: list[int]) -> Iterator[tuple[Job, np.ndarray]]:
    """(job, positions of up to its size of seeds not done yet), job after job."""
    for job, size in zip(jobs, sizes, strict=True):
        missing = np.flatnonzero(~job.done)
        for start in range(0, missing.size, size):
            yield job, missing[start : start + size]
