"""``xorc sweep``: one recipe trained from many seeds, or several recipes side by side (--compare)."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import itertools
import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError, Executor
from typing import TYPE_CHECKING, Any, TextIO

import numpy as np

from ._cli_args import (
    RunError,
    UsageError,
    add_recipe_flags,
    check_output,
    check_plot,
    flag_type,
    positive_count,
    recipe_values,
    to_json,
)
from ._distribution import install_line
from ._flag_text import on_off
from ._signals import Interrupted
from ._validate import SEED_MAX
from .data import truth_table
from .plotting import plot_sweep
from .recipe import BY_NAME, SWEEP, options_of
from .sweeping.dask_cluster import CONNECT_SECONDS, CONNECT_SECONDS_MAX, AddressError, require_dask, scheduler_address

if TYPE_CHECKING:
    from .sweeps import SweepResult

#: The most seeds one command line may ask for (10**8 seeds of the post's recipe take days).
SEEDS_PER_RUN_MAX = 10**8


def _seed_bound(text: str, whole: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(
            f"expected A:B (seeds A to B-1), N, or a comma-separated list of those, got {whole!r}"
        )
    return int(text)


def _seed_list(text: str) -> np.ndarray:
    """--seeds: "A:B" (the half-open range A, A+1, ..., B-1), "N", or a comma list of them ("0:100,200:300,7")."""
    parts = []
    for item in text.split(","):
        item = item.strip()
        if item.count(":") == 1:
            start, stop = (_seed_bound(bound.strip(), text) for bound in item.split(":"))
            if stop <= start:
                raise argparse.ArgumentTypeError(f"the range {item!r} is empty: A:B means A to B-1, so B must exceed A")
            if stop - 1 > SEED_MAX:
                raise argparse.ArgumentTypeError(f"seeds go up to {SEED_MAX} (numpy's RandomState), got {item!r}")
            if stop - start > SEEDS_PER_RUN_MAX:
                raise argparse.ArgumentTypeError(f"at most {SEEDS_PER_RUN_MAX} seeds per run, got {item!r}")
            parts.append(np.arange(start, stop, dtype=np.int64))
        else:
            seed = _seed_bound(item, text)
            if seed > SEED_MAX:
                raise argparse.ArgumentTypeError(f"seeds go up to {SEED_MAX} (numpy's RandomState), got {seed}")
            parts.append(np.array([seed], dtype=np.int64))
    seeds = np.concatenate(parts)
    if seeds.size > SEEDS_PER_RUN_MAX:
        raise argparse.ArgumentTypeError(f"at most {SEEDS_PER_RUN_MAX} seeds per run, got {seeds.size}")
    return seeds


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value < math.inf:
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds > 0, got {text}")
    return value


def _connect_seconds(text: str) -> float:
    """--connect-timeout: seconds > 0, at most CONNECT_SECONDS_MAX (Dask's deadline must stay on the clock)."""
    value = _seconds(text)
    if value > CONNECT_SECONDS_MAX:
        raise argparse.ArgumentTypeError(f"must be at most {CONNECT_SECONDS_MAX:g} seconds, got {text}")
    return value


#: The settings --compare can vary (``xorc.recipe``), each with the parser of its values
#: (an on/off flag's values are on and off).
COMPARABLE: dict[str, Callable[[str], Any]] = {
    option.name: flag_type(option.parse or on_off) for option in options_of(SWEEP) if option.compare
}


def _compare_axis(text: str) -> tuple[str, list[Any]]:
    """One --compare word: KEY=V1,V2,... -> (KEY, [V1, V2, ...])."""
    key, equals, values = text.partition("=")
    if not equals or key not in COMPARABLE:
        raise argparse.ArgumentTypeError(
            f"expected KEY=V1,V2,... with KEY one of {', '.join(COMPARABLE)}, got {text!r}"
        )
    try:
        parsed = [COMPARABLE[key](value.strip()) for value in values.split(",")]
    except argparse.ArgumentTypeError as error:
        raise argparse.ArgumentTypeError(f"{key}: {error}") from None
    if len(set(parsed)) != len(parsed):
        raise argparse.ArgumentTypeError(f"{key}: a value is repeated in {text!r}")
    return key, parsed


def add_sweep_parser(commands: Any) -> None:
    run = commands.add_parser(
        "sweep",
        help="train one recipe from many seeds: how often does it learn the table?",
        description="Train the same recipe from many seeds (on every core) and report how often it "
        "learns the table (every output on the right side of 0.5), with a 95% confidence interval "
        "(Wilson), and the quantiles of the final loss. Seed s trains exactly the network of "
        "'xorc train --seed s'. --compare puts several recipes side by side.",
    )
    run.add_argument(
        "--seeds",
        type=_seed_list,
        default="0:1000",
        metavar="A:B,...",
        help="the seeds: A:B for A to B-1, N, or a comma list of those, e.g. 0:1000 or 1,5,9 (default: 0:1000)",
    )
    add_recipe_flags(run, SWEEP)
    run.add_argument(
        "--threads", type=positive_count, default=None, metavar="N", help="worker threads (default: every core)"
    )
    run.add_argument(
        "--compare",
        type=_compare_axis,
        nargs="+",
        action="extend",
        metavar="KEY=V1,V2",
        help="sweep every combination of these settings and print them side by side, e.g. "
        f"--compare hidden=3,5 bias=off,on (KEY: {', '.join(COMPARABLE)})",
    )
    run.add_argument(
        "--out",
        metavar="FILE.npz",
        help="keep the finished seeds' results in this sweep file as the sweep runs; run the same command "
        "again to resume (with --compare: one file per setting, FILE.KEY=VALUE....npz)",
    )
    run.add_argument(
        "--checkpoint-every",
        type=_seconds,
        default=2.0,
        metavar="SECONDS",
        help="write --out at least this often (default: 2)",
    )
    run.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help=f"run the chunks on the Dask cluster of this scheduler (needs {install_line('dask')} here and "
        "on every worker); the results are the same as on this machine",
    )
    run.add_argument(
        "--connect-timeout",
        type=_connect_seconds,
        default=CONNECT_SECONDS,
        metavar="SECONDS",
        help=f"give up on --scheduler after this long, at most {CONNECT_SECONDS_MAX:g} (default: {CONNECT_SECONDS:g})",
    )
    run.add_argument(
        "--chunk-size",
        type=positive_count,
        default=None,
        metavar="N",
        help="seeds per chunk of work (default: on a cluster, about half a second of work each)",
    )
    run.add_argument("--quiet", action="store_true", help="no progress on stderr")
    run.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    run.add_argument(
        "--plot",
        metavar="OUT.png",
        help="draw the histogram of final losses and the fraction learned against steps to this PNG (needs matplotlib)",
    )
    run.set_defaults(handler=_sweep)


class _Progress:
    """Progress of a sweep on `stream`: one line rewritten in place on a terminal, else a line every 10%."""

    def __init__(self, stream: TextIO, label: str) -> None:
        self.stream = stream
        self.label = label
        self.terminal = stream.isatty()
        self.started = time.perf_counter()
        self.shown_at = -math.inf
        self.tenths_shown = 0
        self.resumed: int | None = None  # seeds done at the first call: resumed from --out, not trained now

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        elapsed = now - self.started
        if self.resumed is None:
            self.resumed = done
        text = f"{self.label}{done}/{total} seeds ({100 * done // total}%), {elapsed:.1f} s"
        if self.resumed < done < total:
            left = elapsed * (total - done) / (done - self.resumed)
            text += f", about {left:.0f} s left" if left >= 10 else f", about {left:.1f} s left"
        if self.terminal:
            if done == total or now - self.shown_at >= 0.1:
                self.stream.write("\r" + text + "\x1b[K" + ("\n" if done == total else ""))
                self.stream.flush()
                self.shown_at = now
        elif done == total or 10 * done // total > self.tenths_shown:
            self.tenths_shown = 10 * done // total
            print(text, file=self.stream, flush=True)


def _describe(key: str, value: Any) -> str:
    return BY_NAME[key].describe(value)


def _sweep(args: argparse.Namespace) -> int:
    from .sweeps import SweepFileError, prepare

    if args.plot is not None:
        check_plot(args.plot)
    if args.scheduler is not None:
        if args.threads is not None:
            raise UsageError("--threads is for this machine; a Dask cluster's workers set their own (--nthreads)")
        try:
            scheduler_address(args.scheduler)
        except AddressError as error:
            raise UsageError(f"--scheduler: {error}") from None
        try:
            require_dask()
        except ImportError as error:
            raise RunError(str(error)) from None
    if args.out is not None:
        check_output("--out", args.out)
        if args.plot is not None and os.path.abspath(args.out) == os.path.abspath(args.plot):
            raise UsageError(f"--out and --plot name the same file, {args.out}")
    axes = args.compare or []
    keys = [key for key, _ in axes]
    repeated = {key for key in keys if keys.count(key) > 1}
    if repeated:
        raise UsageError(f"--compare: {', '.join(sorted(repeated))} given more than once")
    base = recipe_values(args, SWEEP)
    settings = [dict(zip(keys, values, strict=True)) for values in itertools.product(*(v for _, v in axes))]

    # Every setting is checked (and its checkpoint read) before any is trained; then all run as one sweep.
    recipes, jobs = [], []
    for setting in settings:
        recipe = {**base, **setting}
        X, y = truth_table(recipe["task"])
        out = None if args.out is None else _out_path(args.out, setting)
        options = {name: value for name, value in recipe.items() if name != "task"}
        try:
            jobs.append(prepare(args.seeds, X, y, checkpoint=out, **options))
        except SweepFileError as error:
            raise RunError(f"--out: {error}") from None
        except OSError as error:  # (each --compare setting has a file name of its own)
            raise RunError(f"--out {out}: cannot write it ({error.strerror or error})") from None
        except (TypeError, ValueError) as error:
            raise UsageError(str(error)) from None
        recipes.append(recipe)
    try:
        results, executor = _run(args, jobs)
    except Interrupted:
        raise
    except KeyboardInterrupt as interrupt:
        # A signal after the sweep had stopped or ended (while the cluster's client closed, or
        # the results were gathered): what finished is in --out all the same, and the line says how much.
        done, total = sum(int(np.count_nonzero(job.done)) for job in jobs), sum(job.seeds.size for job in jobs)
        raise Interrupted(interrupt, f"after {done} of {total} seeds") from None
    if executor is not None:
        results = [dataclasses.replace(result, executor=f"Dask cluster {args.scheduler}") for result in results]
    runs = list(zip(recipes, results, strict=True))

    seeds_text = _seeds_text(args.seeds)
    if args.json:

        def record(recipe: dict[str, Any], result: SweepResult) -> dict[str, Any]:
            return {"task": recipe["task"], **result.to_dict()}

        if axes:
            document: dict[str, Any] = {
                "seeds": args.seeds.tolist(),
                "compare": [{"setting": setting, **record(*run)} for setting, run in zip(settings, runs, strict=True)],
            }
        else:
            document = record(*runs[0])
        print(to_json(document))
    elif axes:
        print(_compare_table(keys, settings, base, seeds_text, [result for _, result in runs]))
    else:
        print(f"task {args.task}, seeds {seeds_text}")
        print(runs[0][1].summary())

    if args.plot is not None:
        labels = [f"{recipe['task']}, seeds {seeds_text}: {result.settings()}" for recipe, result in runs]
        try:
            plot_sweep([result for _, result in runs], args.plot, labels)
        except (ImportError, OSError) as error:
            raise RunError(f"--plot: {error}") from None
    return 0


def _run(args: argparse.Namespace, jobs: list[Any]) -> tuple[list[SweepResult], Executor | None]:
    """The prepared jobs run on this machine or the --scheduler's cluster: their results, and the executor."""
    from .sweeps import SweepInterrupted, run_jobs

    with _executor(args) as executor:
        try:
            results = run_jobs(
                jobs,
                threads=args.threads,
                executor=executor,
                chunk_size=args.chunk_size,
                checkpoint_every=args.checkpoint_every,
                progress=None if args.quiet else _Progress(sys.stderr, "sweep "),
            )
        except SweepInterrupted as stop:
            # The command's one line and status (130, or 143 for SIGTERM): xorc._signals.report.
            cause = stop.__cause__ if isinstance(stop.__cause__, KeyboardInterrupt) else stop
            raise Interrupted(cause, f"after {stop.done} of {stop.total} seeds") from None
        except Exception as error:
            # A file error carries its errno; a lost connection to the cluster is an OSError too, without one.
            if isinstance(error, OSError) and (executor is None or error.errno is not None):
                raise RunError(f"--out {args.out}: cannot write it ({error.strerror or error})") from None
            if executor is None:
                raise
            # A chunk failed on the cluster (xorc missing on a worker, a worker lost too often, the
            # scheduler gone): the finished seeds are in --out already; say what happened, once.
            kept = "; the finished seeds are in --out" if args.out is not None else ""
            failed = f"the sweep failed on the cluster ({_why(error)}){kept}"
            raise RunError(f"--scheduler {args.scheduler}: {failed}") from None
    return results, executor


@contextlib.contextmanager
def _executor(args: argparse.Namespace) -> Iterator[Executor | None]:
    """The Dask cluster's executor for --scheduler (connected here, closed after); None for this machine."""
    if args.scheduler is None:
        yield None
        return
    from .sweeping.dask_cluster import AddressError, ClusterError, cluster_executor

    with contextlib.ExitStack() as stack:
        try:
            executor, workers = stack.enter_context(cluster_executor(args.scheduler, args.connect_timeout))
        except AddressError as error:
            raise UsageError(f"--scheduler: {error}") from None
        except ClusterError as error:
            raise RunError(f"--scheduler: {error}") from None
        if not args.quiet:
            threads = sum(workers.values())
            where = (
                f"{len(workers)} worker{'s' * (len(workers) != 1)}, {threads} thread{'s' * (threads != 1)}"
                if workers
                else "no workers yet; the chunks wait for them"
            )
            print(f"sweep on the Dask cluster at {args.scheduler}: {where}", file=sys.stderr, flush=True)
        yield executor


def _why(error: BaseException) -> str:
    """An exception from a cluster, on one line; a worker without xorc says so."""
    if isinstance(error, ModuleNotFoundError) and error.name == "xorc":
        return f"a worker has no xorc: {install_line('dask')} on every worker"
    if isinstance(error, CancelledError):
        return "its chunks were cancelled: the scheduler went away or was restarted"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _out_path(out: str, setting: dict[str, Any]) -> str:
    """--out for one setting of a --compare: sweep.npz -> sweep.hidden=3.bias=on.npz (as given without one)."""
    if not setting:
        return out
    stem, extension = os.path.splitext(out)
    return stem + "".join(f".{key}={_describe(key, value)}" for key, value in setting.items()) + extension


def _seeds_text(seeds: np.ndarray) -> str:
    """The seeds, shortly: "0:1000" for a run of consecutive seeds, else their count and extremes."""
    if seeds.size > 1 and np.all(np.diff(seeds) == 1):
        return f"{seeds[0]}:{seeds[-1] + 1}"
    if seeds.size <= 5:
        return ",".join(str(seed) for seed in seeds)
    return f"{seeds.size} seeds from {seeds.min()} to {seeds.max()}"


def _compare_table(
    keys: list[str], settings: list[dict[str, Any]], base: dict[str, Any], seeds_text: str, results: list[SweepResult]
) -> str:
    """The comparison: one row per setting, with its fraction learned, interval and median loss."""
    fixed = ", ".join(
        f"{key} {_describe(key, value)}" for key, value in base.items() if key not in keys and BY_NAME[key].compare
    )
    header = [*keys, "learned", "95% CI (Wilson)", "median loss", "median steps to learn"]
    rows = []
    for setting, result in zip(settings, results, strict=True):
        low, high = result.ci95
        rows.append(
            [
                *(_describe(key, setting[key]) for key in keys),
                f"{result.n_learned}/{len(result)} = {100 * result.fraction_learned:.1f}%",
                f"{100 * low:.1f}% to {100 * high:.1f}%",
                f"{result.loss_quantiles['median']:.4g}",
                _median_steps(result),
            ]
        )
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    first = results[0]
    where = first.executor or f"{first.threads} thread{'s' * (first.threads != 1)}"
    levels = sorted({level for result in results for level in result.simd.split(",") if level})
    # (No level when the grid trained nothing: every seed of every setting came from --out.)
    ran = f"on {where}, SIMD {','.join(levels)}" if levels else "every seed resumed from the checkpoints"
    lines = [
        f"seeds {seeds_text} ({len(first)} per setting); {fixed}; steps to learn checked every {first.check_every}; "
        f"{first.seconds or 0.0:.1f} s {ran}",
        "",
    ]
    for row in [header, *rows]:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _median_steps(result: SweepResult) -> str:
    to_learn = result.steps_to_learn
    return "-" if to_learn is None else f"{to_learn['median']:g}"
