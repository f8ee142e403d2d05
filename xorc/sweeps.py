"""``xorc.sweep``: one recipe trained from many seeds, on every core or through any executor.

How reliable is a recipe (a shape, a learning rate, a number of steps)? Train it
from many random initialisations and count how often it learns the table, and
when. Each seed's network is exactly ``Network.random(n_in, hidden, n_out, seed,
dtype, bias)`` trained by the same C core ``xorc.train`` uses, so a seed's result
is bit for bit the one ``xorc.train(seed=s, ...)`` gives, whatever the executor,
the chunking and the number of threads.

The layers: this module checks the arguments, reads a checkpoint to resume from,
and builds the ``SweepResult``; ``sweeping.run`` hands chunks of seeds to a
``concurrent.futures.Executor`` (by default a pool of local threads) and collects
their results, progress and checkpoints on the calling thread; ``sweeping.chunks``
trains one chunk where it runs; ``sweeping.file`` writes and reads the checkpoints.
Only the final loss, outputs and learning step of a seed are kept, so memory does
not grow with the number of steps, and grows with the number of seeds by a few
dozen bytes each.
"""

from __future__ import annotations

import math
import numbers
import os
import time
from collections.abc import Iterable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _binding, _validate
from ._files import check_writable, remove_temporaries
from ._learned import diverged_flags, learned_flags
from ._validate import SEED_MAX
from .recipe import BY_NAME, DEFAULTS, SWEEP, Recipe, arguments_of
from .sweeping import file as sweep_file
from .sweeping import writer_lock
from .sweeping.chunks import refuse_chunks_beyond_memory
from .sweeping.file import SweepFileError
from .sweeping.run import Job, Progress, SweepInterrupted, run

__all__ = ["SweepFileError", "SweepInterrupted", "SweepResult", "load_sweep", "sweep", "wilson_interval"]

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
    errors; ``learned[i]`` whether every final output is on the same side of 0.5 as
    its target (and the loss is finite); ``learned_at[i]`` the first checked step
    (0, check_every, 2·check_every, ..., and the last step) at which it was so, -1 if
    at none.
    """

    seeds: np.ndarray  # (n,) int64
    losses: np.ndarray  # (n,) float64
    outputs: np.ndarray  # (n, rows, n_out), in the sweep's dtype
    learned: np.ndarray  # (n,) bool
    learned_at: np.ndarray  # (n,) int64
    recipe: Recipe  # X, y and the options (hidden, bias, lr, steps, dtype, check_every, ...): result.lr reads it
    threads: int  # local worker threads; 0 when an executor ran the chunks, or read from a file
    executor: str  # the executor's type when one was given, else ""
    seconds: float | None  # wall-clock time of the sweep; None for a result read from a file
    resumed: int  # seeds whose results came from the checkpoint file, not trained in this run
    simd: str  # the SIMD level(s) the networks were trained at, e.g. "avx2" ("" for a result read from a file)

    def __getattr__(self, name: str) -> Any:
        """The recipe's options as attributes: result.lr, result.steps, result.check_every, ..."""
        if name in BY_NAME and "recipe" in self.__dict__:
            return getattr(self.__dict__["recipe"], name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def inputs(self) -> np.ndarray:
        """(rows, n_in): the X the networks were trained on."""
        return self.recipe.X

    @property
    def targets(self) -> np.ndarray:
        """(rows, n_out): the y the networks were trained on."""
        return self.recipe.y

    @property
    def shape(self) -> tuple[int, int, int]:
        """(n_in, hidden, n_out)."""
        return self.recipe.shape

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
    def n_diverged(self) -> int:
        """The seeds whose network's loss or weights stopped being finite (never learned)."""
        return int(np.count_nonzero(diverged_flags(self.losses, self.learned_at)))

    @property
    def ci95(self) -> tuple[float, float]:
        """The 95% confidence interval of ``fraction_learned`` (Wilson score interval)."""
        return wilson_interval(self.n_learned, len(self))

    @property
    def loss_quantiles(self) -> dict[str, float]:
        """Quantiles of the final losses: min, 5%, 25%, median, 75%, 95%, max (linear interpolation).

        Between two infinite losses the interpolation is inf - inf: NaN, without a warning.
        """
        with np.errstate(invalid="ignore"):
            values = np.quantile(self.losses, [q for _, q in QUANTILES])
        return {name: float(value) for (name, _), value in zip(QUANTILES, values, strict=True)}

    @property
    def steps_to_learn(self) -> dict[str, float] | None:
        """Quartiles of ``learned_at`` over the networks that learned: 25%, median, 75%; None if none learned."""
        if not self.n_learned:
            return None
        values = np.quantile(self.learned_at[self.learned], [0.25, 0.5, 0.75])
        return {name: float(value) for name, value in zip(("25%", "median", "75%"), values, strict=True)}

    def learning_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """(steps, fraction): at each checked step, the fraction of seeds that had learned the table by then.

        The checked steps are 0, check_every, 2·check_every, ... and the last step; a
        seed counts from its ``learned_at`` on. One sweep of many steps answers "how
        many steps are enough?" for every smaller budget at once.
        """
        checked = np.arange(0, self.steps + 1, self.check_every, dtype=np.int64)
        if checked[-1] != self.steps:
            checked = np.append(checked, self.steps)
        reached = np.sort(self.learned_at[self.learned_at >= 0])
        return checked, np.searchsorted(reached, checked, side="right") / len(self)

    def settings(self) -> str:
        """The recipe in words, e.g. ``2-3-1, no biases, lr 0.01, 60000 steps, float64``."""
        return self.recipe.settings()

    def summary(self) -> str:
        """A few lines for people: the recipe, the fraction learned with its interval, steps to learn, losses, time."""
        low, high = self.ci95
        quantiles = "  ".join(f"{name} {value:.3g}" for name, value in self.loss_quantiles.items())
        to_learn = self.steps_to_learn
        if to_learn is None:
            learning = "steps to learn: none learned"
        else:
            learning = (
                f"steps to learn: median {to_learn['median']:g}, quartiles {to_learn['25%']:g} to {to_learn['75%']:g}"
                f"  (checked every {self.check_every} steps)"
            )
        lines = [
            f"{len(self)} seeds, {self.settings()}",
            f"learned: {self.n_learned} of {len(self)} = {100 * self.fraction_learned:.1f}%"
            f"  (95% CI {100 * low:.1f}% to {100 * high:.1f}%, Wilson)",
            *([f"diverged: {self.n_diverged} (loss or weights not finite; never learned)"] if self.n_diverged else []),
            learning,
            f"final loss: {quantiles}",
        ]
        if self.seconds is not None:
            lines.append(f"time: {self.seconds:.1f} s{self.ran_on()}")
        return "\n".join(lines)

    def ran_on(self) -> str:
        """Where and how fast the run trained, as " on 2 threads (5123 seeds/s), SIMD avx2"; a run that
        trained nothing (every seed resumed) has neither a rate nor a SIMD level, and says so."""
        trained = len(self) - self.resumed
        if trained == 0:
            return f", all {len(self)} seeds resumed from the checkpoint"
        rate = trained / self.seconds if self.seconds else float("inf")
        where = self.executor or f"{self.threads} thread{'s' * (self.threads != 1)}"
        resumed = f", {self.resumed} resumed from the checkpoint" if self.resumed else ""
        return f" on {where} ({rate:.0f} seeds/s{resumed}), SIMD {self.simd}"

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON-ready values."""
        return {
            "shape": list(self.shape),
            **self.recipe.stored(),
            "n_seeds": len(self),
            "n_learned": self.n_learned,
            "n_diverged": self.n_diverged,
            "fraction_learned": self.fraction_learned,
            "ci95": list(self.ci95),
            "loss_quantiles": self.loss_quantiles,
            "steps_to_learn": self.steps_to_learn,
            "threads": self.threads,
            "executor": self.executor,
            "seconds": self.seconds,
            "resumed": self.resumed,
            "simd": self.simd,
            "inputs": self.inputs.tolist(),
            "targets": self.targets.tolist(),
            "seeds": self.seeds.tolist(),
            "losses": self.losses.tolist(),
            "learned": self.learned.tolist(),
            "learned_at": self.learned_at.tolist(),
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
    hidden: int = DEFAULTS["hidden"],
    bias: bool = DEFAULTS["bias"],
    lr: float = DEFAULTS["lr"],
    steps: int = DEFAULTS["steps"],
    dtype: Any = DEFAULTS["dtype"],
    check_every: int = DEFAULTS["check_every"],
    activation: str = DEFAULTS["activation"],
    loss: str = DEFAULTS["loss"],
    optimizer: str = DEFAULTS["optimizer"],
    momentum: float = DEFAULTS["momentum"],
    update: str = DEFAULTS["update"],
    init: float | str = DEFAULTS["init"],
    threads: int | None = None,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    checkpoint: str | os.PathLike[str] | None = None,
    checkpoint_every: float = 2.0,
    progress: Progress | None = None,
) -> SweepResult:
    """Train the recipe from every seed in `seeds`; return what each learned, when, and the summary.

    X and y default to the XOR truth table; n_in and n_out come from their shapes.
    Seed s gives the network ``Network.random(n_in, hidden, n_out, seed=s, dtype=dtype,
    bias=bias, activation=activation, init=init)`` trained for `steps` steps at learning
    rate `lr` by `loss`, `optimizer` (with `momentum`) and `update`, as ``Network.fit``
    trains: the same numbers, bit for bit, as ``xorc.train(X, y, seed=s, ...)``. A network has learned
    the table when each output lies on the same side of 0.5 as its target (targets
    must not be 0.5 themselves) and its loss is finite; it is checked after 0,
    `check_every`, 2·`check_every`, ... steps and after the last (``learned_at``).

    Where it runs: `executor` None trains on a pool of `threads` local threads
    (default: every core this process may use); any ``concurrent.futures.Executor``
    (a ``ProcessPoolExecutor``, a thread pool, Dask's ``Client.get_executor()``)
    receives the work as chunks of `chunk_size` seeds (default: chosen from the
    work), each a call of ``xorc.sweeping.chunks.train_chunk``. The results do not
    depend on any of these.

    `checkpoint`, a path (.npz), keeps the finished seeds' results in a sweep file
    (see ``xorc.sweeping.file``) as the sweep runs: every `checkpoint_every` seconds
    (less often when writing takes longer than a twentieth of that), when the sweep
    is interrupted or fails, and at the end. If the file exists, the seeds it holds
    are not trained again: the sweep resumes. A file of another recipe is refused
    (SweepFileError) and left as it is; seeds it holds that are not in `seeds` are
    kept in it. A checkpoint that cannot be written (its folder read-only, its name
    a folder) raises OSError naming it before any training.

    `progress(done, total)`, if given, is called from the calling thread as seeds
    finish (at least at the start and the end). Ctrl-C raises SweepInterrupted (a
    KeyboardInterrupt) within a fraction of a second, after the local threads have
    stopped, the outstanding chunks of an executor have been cancelled and what
    finished has been checkpointed.

    A MemoryError naming hidden is raised before any training, the checkpoint left
    as it is, when one network of the recipe, or the chunks the local threads would
    train at once, need more than the memory this process can have (the machine's, or its
    container's limit).
    """
    job = prepare(seeds, X, y, checkpoint=checkpoint, **arguments_of(SWEEP, locals()))
    return run_jobs(
        [job],
        threads=threads,
        executor=executor,
        chunk_size=chunk_size,
        checkpoint_every=checkpoint_every,
        progress=progress,
    )[0]


def prepare(
    seeds: Iterable[int],
    X: Any = None,
    y: Any = None,
    *,
    checkpoint: str | os.PathLike[str] | None = None,
    **options: Any,
) -> Job:
    """One recipe's sweep, its arguments checked and its checkpoint (if any) read, ready for run_jobs.

    `options`: ``xorc.sweep``'s options by name (``xorc.recipe``), the table's default for
    any not given. Every error a user can cause is raised here, before any
    training: so a grid of recipes (``xorc sweep --compare``) is prepared whole before it runs.
    """
    seed_array = check_seeds(seeds)
    dtype = _validate.dtype(options.get("dtype", DEFAULTS["dtype"]))
    X, y = _validate.training_data(X, y, dtype)
    if np.any(y == 0.5):
        raise ValueError("y must not contain 0.5: a network learns a target by ending on its side of 0.5")
    # X and y may be the caller's own arrays: copies, never their flags.
    recipe = Recipe.checked(_frozen(X), _frozen(y), options)
    _binding.lockstep_workspace_len(X.shape[0], *recipe.shape, dtype)  # names hidden if it cannot be
    refuse_chunks_beyond_memory([(recipe, 1)])  # one network, before the checkpoint is read (run checks the threads)
    job = Job.new(recipe, seed_array)
    if checkpoint is not None:
        _attach_checkpoint(job, checkpoint)
    return job


def run_jobs(
    jobs: list[Job],
    *,
    threads: int | None = None,
    executor: Executor | None = None,
    chunk_size: int | None = None,
    checkpoint_every: float = 2.0,
    progress: Progress | None = None,
) -> list[SweepResult]:
    """Run prepared sweeps together (one stream of chunks, so workers stay busy across them); their results."""
    try:
        return _run_jobs(
            jobs,
            threads=threads,
            executor=executor,
            chunk_size=chunk_size,
            checkpoint_every=checkpoint_every,
            progress=progress,
        )
    finally:
        for job in jobs:
            job.release()


def _run_jobs(
    jobs: list[Job],
    *,
    threads: int | None,
    executor: Executor | None,
    chunk_size: int | None,
    checkpoint_every: float,
    progress: Progress | None,
) -> list[SweepResult]:
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise TypeError(f"executor must be a concurrent.futures.Executor, got {type(executor).__name__}")
    if threads is None:
        threads = available_cores()
    threads = _validate.integer("threads", threads, minimum=1, maximum=4096)
    if chunk_size is not None:
        chunk_size = _validate.integer("chunk_size", chunk_size, minimum=1)
    if isinstance(checkpoint_every, bool) or not isinstance(checkpoint_every, numbers.Real):
        raise TypeError(f"checkpoint_every must be a number of seconds, got {type(checkpoint_every).__name__}")
    if not 0 < checkpoint_every < math.inf:
        raise ValueError(f"checkpoint_every must be a finite number of seconds > 0, got {checkpoint_every!r}")
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable, got {type(progress).__name__}")

    resumed = [int(np.count_nonzero(job.done)) for job in jobs]
    missing = sum(job.seeds.size for job in jobs) - sum(resumed)
    threads = max(1, min(threads, missing))
    started = time.perf_counter()
    run(
        jobs,
        threads=threads,
        executor=executor,
        chunk=chunk_size,
        progress=progress,
        checkpoint_every=float(checkpoint_every),
    )
    seconds = time.perf_counter() - started
    ran_on = "" if executor is None else type(executor).__name__
    return [
        _result(job, threads=0 if executor is not None else threads, executor=ran_on, seconds=seconds, resumed=count)
        for job, count in zip(jobs, resumed, strict=True)
    ]


def load_sweep(path: str | os.PathLike[str]) -> SweepResult:
    """The SweepResult kept in the sweep file at `path` (the seeds finished so far, in increasing order).

    Raises SweepFileError (a ValueError) naming the file when it is missing,
    unreadable, damaged or not a sweep file; it never unpickles anything.
    """
    contents = sweep_file.read(path)
    if contents.seeds.size == 0:
        raise SweepFileError(f"sweep file {os.fspath(path)!r}: holds no finished seed yet")
    job = Job.new(contents.recipe, contents.seeds)
    job.losses, job.outputs, job.learned_at = contents.losses, contents.outputs, contents.learned_at
    return _result(job, threads=0, executor="", seconds=None, resumed=0)


def _frozen(array: np.ndarray) -> np.ndarray:
    copy = np.array(array, copy=True, order="C")
    copy.flags.writeable = False
    return copy


def _result(job: Job, *, threads: int, executor: str, seconds: float | None, resumed: int) -> SweepResult:
    recipe = job.recipe
    for array in (job.seeds, job.losses, job.outputs, job.learned_at):
        array.flags.writeable = False
    learned = learned_flags(job.outputs, recipe.y, job.learned_at)
    learned.flags.writeable = False
    return SweepResult(
        seeds=job.seeds,
        losses=job.losses,
        outputs=job.outputs,
        learned=learned,
        learned_at=job.learned_at,
        recipe=recipe,
        threads=threads,
        executor=executor,
        seconds=seconds,
        resumed=resumed,
        simd=",".join(sorted(job.simd)),
    )


def _attach_checkpoint(job: Job, checkpoint: str | os.PathLike[str]) -> None:
    """Resume `job` from the sweep file `checkpoint` if there is one, and make the job keep it up to date.

    The job holds the file's writer lock (``sweeping.writer_lock``) from before it reads the file
    until its sweep ends (``Job.release``): a second sweep of the same file is refused at
    once, and the temporary files that a killed write of it left behind are removed.
    """
    if not isinstance(checkpoint, (str, os.PathLike)):
        raise TypeError(f"checkpoint must be a path (str or path-like), got {type(checkpoint).__name__}")
    path = os.fspath(checkpoint)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ValueError(f"checkpoint {path!r}: the folder {folder} does not exist")
    # The first write comes seconds into the work (or at its end): a file that cannot be
    # written is found now, by the writer's own checks, before any training (OSError naming path).
    check_writable(path)
    try:
        job.lock = writer_lock.take(path)
    except writer_lock.WriterBusyError as error:
        raise SweepFileError(
            f"checkpoint {path!r}: {error.strerror}; wait for it to end, or give another file "
            "(the seeds it writes are kept when this sweep runs again after it)"
        ) from None
    try:
        kept = _resume(job, path)
    except BaseException:
        job.release()
        raise
    remove_temporaries(path)

    def write(job: Job) -> None:
        parts = [(job.seeds[job.done], job.losses[job.done], job.outputs[job.done], job.learned_at[job.done])]
        if kept is not None:
            parts.append(kept)
        seeds, losses, outputs, learned_at = (np.concatenate(column) for column in zip(*parts, strict=True))
        sweep_file.write(path, job.recipe, seeds, losses, outputs, learned_at)

    job.checkpoint = write


def _resume(job: Job, path: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """The results of `job`'s seeds that the sweep file at `path` holds, copied in (none if there is no
    file); and the file's seeds that the job does not ask for, with their results, to keep in it."""
    if not os.path.exists(path):
        return None
    contents = sweep_file.read(path)
    differs = sweep_file.differences(contents.recipe, job.recipe)
    if differs:
        raise SweepFileError(
            f"checkpoint {path!r} holds the results of another recipe ({'; '.join(differs)}); "
            "it was left as it is: give another file, or the recipe it was written for"
        )
    if contents.seeds.size:
        found = np.minimum(np.searchsorted(contents.seeds, job.seeds), contents.seeds.size - 1)
        present = contents.seeds[found] == job.seeds
        job.losses[present] = contents.losses[found[present]]
        job.outputs[present] = contents.outputs[found[present]]
        job.learned_at[present] = contents.learned_at[found[present]]
        job.done[present] = True
    others = ~np.isin(contents.seeds, job.seeds)
    return contents.seeds[others], contents.losses[others], contents.outputs[others], contents.learned_at[others]
