"""The ``xorc`` command, a front end over the public API.

``main(argv)`` returns the exit status: 0 on success, 1 when the work fails at
run time, 2 for a usage error (a bad flag or value). Errors are one line on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

import numpy as np

from . import __version__
from ._validate import SEED_MAX
from .data import TASKS, truth_table
from .plotting import plot, plot_sweep, require_matplotlib
from .training import progress_line, train

if TYPE_CHECKING:
    from .sweeps import SweepResult


class UsageError(Exception):
    """A bad command line: exit status 2."""


class RunError(Exception):
    """The work failed at run time (an unreadable model, a bad --input, a file not written): exit status 1."""


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors raised as one-line UsageErrors instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text}")
    return value


def _positive_count(text: str) -> int:
    value = _count(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def _learning_rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not (0 < value < float("inf")):
        raise argparse.ArgumentTypeError(f"must be a finite number greater than 0, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="xorc", description="Train the classic XOR neural network, fast and exactly.")
    parser.add_argument("--version", action="version", version=f"xorc {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    run = commands.add_parser(
        "train",
        help="train a network (the defaults are the blog post's program)",
        description="Train a network on a truth table by full-batch gradient descent on the "
        "sum of squared errors. The defaults reproduce the seed program: XOR, 2-3-1, "
        "lr 0.01, 60000 steps, seed 1234, float64.",
    )
    run.add_argument("--task", default="xor", choices=TASKS, help="the truth table to learn (default: xor)")
    run.add_argument("--hidden", type=_positive_count, default=3, metavar="N", help="hidden units (default: 3)")
    run.add_argument("--lr", type=_learning_rate, default=0.01, help="learning rate (default: 0.01)")
    run.add_argument("--steps", type=_count, default=60000, metavar="N", help="gradient-descent steps (default: 60000)")
    run.add_argument(
        "--seed", type=_count, default=1234, help="seed of numpy's RandomState for the weights (default: 1234)"
    )
    run.add_argument("--dtype", default="float64", choices=("float32", "float64"), help="precision (default: float64)")
    run.add_argument(
        "--bias", action="store_true", help="give the network biases b1, b2 (the seed program has none; off by default)"
    )
    run.add_argument(
        "--log-every",
        type=_count,
        default=10000,
        metavar="N",
        help="print the loss every N steps; 0 for the last step only (default: 10000)",
    )
    run.add_argument("--quiet", action="store_true", help="print no progress lines")
    run.add_argument("--json", action="store_true", help="print one JSON object on stdout (progress goes to stderr)")
    run.add_argument("--save", metavar="FILE", help="save the trained network to FILE (.npz), for xorc predict")
    run.add_argument(
        "--plot",
        metavar="PNG",
        help='draw the loss curve and the decision surface to PNG (needs pip install "xorc[plot]")',
    )
    run.set_defaults(handler=_train)

    predict = commands.add_parser(
        "predict",
        help="print a saved network's outputs",
        description="Load a network saved by 'xorc train --save' (or Network.save) and print its "
        "output for every row of the truth table it learned, or for the rows given with --input.",
    )
    predict.add_argument("model", metavar="MODEL", help="the model file (.npz)")
    predict.add_argument(
        "--input",
        action="append",
        metavar="X1,X2",
        help="a row of inputs, comma-separated (--input=-1,0 for a negative first value); "
        "repeat for more rows (default: every row of the model's truth table)",
    )
    predict.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    predict.set_defaults(handler=_predict)
    _add_sweep_parser(commands)
    return parser


def _check_output(flag: str, path: str) -> None:
    """Fail before training, not after, when `path` cannot be where a file is written."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise RunError(f"{flag} {path}: the folder {folder} does not exist")
    if os.path.isdir(path):
        raise RunError(f"{flag} {path}: is a folder")


def _curve_interval(steps: int, log_every: int) -> int:
    """A log interval that gives a loss curve of about 250 points and still hits every progress point.

    The progress points are the multiples of `log_every` (and the last step), so the
    interval is the largest divisor of `log_every` near steps / 250; when there is none
    near it, `log_every` itself.
    """
    target = max(1, steps // 250)
    if log_every == 0 or log_every >= steps:
        return target
    if log_every <= target:
        return log_every
    for interval in range(target, max(1, target // 4, target - 10000) - 1, -1):
        if log_every % interval == 0:
            return interval
    return log_every


def _train(args: argparse.Namespace) -> int:
    if args.save is not None and args.plot is not None and os.path.abspath(args.save) == os.path.abspath(args.plot):
        raise UsageError(f"--save and --plot name the same file, {args.save}")
    if args.save is not None:
        _check_output("--save", args.save)
    if args.plot is not None:
        _check_output("--plot", args.plot)
        try:
            require_matplotlib()
        except ImportError as error:
            raise RunError(f"--plot: {error}") from None
    X, y = truth_table(args.task)
    progress = sys.stderr if args.json else sys.stdout
    # A picture's loss curve wants more points than the progress lines: then the network
    # logs finer, which changes no result (the steps are the same, only cut differently).
    log_every = _curve_interval(args.steps, args.log_every) if args.plot is not None else args.log_every

    def progress_point(step: int) -> bool:
        return step in (0, args.steps) or (args.log_every > 0 and step % args.log_every == 0)

    def report(step: int, loss: float) -> None:
        if not args.quiet and progress_point(step):
            print(progress_line(step, loss), file=progress, flush=True)

    try:
        net = train(
            X,
            y,
            hidden=args.hidden,
            lr=args.lr,
            steps=args.steps,
            seed=args.seed,
            dtype=args.dtype,
            log_every=log_every,
            callback=report,
            bias=args.bias,
        )
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from None
    if args.save is not None:
        try:
            net.save(args.save)
        except OSError as error:
            raise RunError(f"--save {args.save}: cannot write it ({error.strerror or error})") from None
        except ValueError as error:
            raise RunError(f"--save {args.save}: {error}") from None
    if args.plot is not None:
        try:
            plot(net, args.plot)
        except ImportError as error:
            raise RunError(f"--plot: {error}") from None
        except OSError as error:
            raise RunError(f"--plot {args.plot}: cannot write it ({error.strerror or error})") from None
    outputs = net.predict(X)
    step, loss = net.history[-1]
    if args.json:
        result = {
            "task": args.task,
            "shape": list(net.shape),
            "dtype": net.dtype.name,
            "bias": net.bias,
            "lr": args.lr,
            "seed": args.seed,
            "steps": step,
            "loss": loss,
            "inputs": X.tolist(),
            "targets": y.tolist(),
            "outputs": outputs.tolist(),
            "history": [list(point) for point in net.history if progress_point(point[0])],
            "W1": net.W1.tolist(),
            "W2": net.W2.tolist(),
            "save": args.save,
            "plot": args.plot,
        }
        for name, bias in (("b1", net.b1), ("b2", net.b2)):
            if bias is not None:
                result[name] = bias.tolist()
        print(_json(result))
        return 0
    n_in = X.shape[1]
    print()
    print("  ".join([f"x{m + 1}" for m in range(n_in)]) + "    output        target")
    for row, out, target in zip(X, outputs, y, strict=False):
        inputs = "  ".join(f"{value:>2g}" for value in row)
        print(f"{inputs}    {out[0]:.10f}  {target[0]:g}")
    if args.save is not None or args.plot is not None:
        print()
    if args.save is not None:
        print(f"network saved to {args.save}")
    if args.plot is not None:
        print(f"picture saved to {args.plot}")
    return 0


def _input_row(text: str, n_in: int) -> list[float]:
    """One --input value, "1,0", as n_in finite numbers."""
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise RunError(f"--input {text!r}: expected {n_in} numbers separated by commas") from None
    if len(values) != n_in:
        raise RunError(f"--input {text!r}: the network takes {n_in} inputs, got {len(values)}")
    if not all(math.isfinite(value) for value in values):
        raise RunError(f"--input {text!r}: inputs must be finite numbers")
    return values


def _predict(args: argparse.Namespace) -> int:
    from .model_file import ModelFileError, load

    try:
        net = load(args.model)
    except ModelFileError as error:
        raise RunError(str(error)) from None
    n_in, _, n_out = net.shape
    task = net.settings.task
    targets = None
    if args.input:
        X = np.array([_input_row(text, n_in) for text in args.input], dtype=np.float64)
    elif task in TASKS:
        X, targets = truth_table(task)
    else:
        reason = (
            f"its task {task!r} is unknown to this xorc" if task else "it does not record the truth table it learned"
        )
        example = ",".join(["1"] + ["0"] * (n_in - 1))
        raise RunError(f"{args.model}: {reason}; give the rows to predict with --input, e.g. --input {example}")
    outputs = net.predict(X)
    if args.json:
        result = {
            "model": args.model,
            "task": task,
            "shape": list(net.shape),
            "dtype": net.dtype.name,
            "inputs": X.tolist(),
            "outputs": outputs.tolist(),
            "targets": None if targets is None else targets.tolist(),
        }
        print(_json(result))
        return 0
    cells = [[f"{value:g}" for value in row] for row in X]
    width = max(2, *(len(cell) for row in cells for cell in row))
    names = ["output"] if n_out == 1 else [f"output{k + 1}" for k in range(n_out)]
    header = "  ".join(f"x{m + 1}".rjust(width) for m in range(n_in)) + "    " + "  ".join(f"{n:<12}" for n in names)
    print((header + ("  target" if targets is not None else "")).rstrip())
    for k, row in enumerate(cells):
        line = "  ".join(cell.rjust(width) for cell in row) + "    " + "  ".join(f"{out:.10f}" for out in outputs[k])
        if targets is not None:
            line += "  " + "  ".join(f"{target:g}" for target in targets[k])
        print(line)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return args.handler(args)
    except UsageError as error:
        print(f"xorc: error: {_one_line(error)}", file=sys.stderr)
        return 2
    except RunError as error:
        print(f"xorc: error: {_one_line(error)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("xorc: interrupted", file=sys.stderr)
        return 130


def _json(document: Any) -> str:
    """One JSON object on one line (json is imported here: the command's start-up doesn't need it)."""
    import json

    return json.dumps(document)


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


# xorc sweep: one recipe from many seeds, or several recipes side by side (--compare).

#: The most seeds one command line may ask for (10**8 seeds of the post's recipe take days).
SEEDS_PER_RUN_MAX = 10**8


def _seed_bound(text: str, whole: str) -> int:
    if not text.isdigit():
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


def _on_off(text: str) -> bool:
    words = {"on": True, "off": False, "true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}
    try:
        return words[text.lower()]
    except KeyError:
        raise argparse.ArgumentTypeError(f"expected on or off, got {text!r}") from None


def _one_of(choices: Sequence[str]) -> Callable[[str], str]:
    def choose(text: str) -> str:
        if text not in choices:
            raise argparse.ArgumentTypeError(f"expected one of {', '.join(choices)}, got {text!r}")
        return text

    return choose


#: The settings --compare can vary, each with the parser of its values.
COMPARABLE: dict[str, Callable[[str], Any]] = {
    "hidden": _positive_count,
    "bias": _on_off,
    "lr": _learning_rate,
    "steps": _count,
    "dtype": _one_of(("float32", "float64")),
    "task": _one_of(TASKS),
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


def _add_sweep_parser(commands: Any) -> None:
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
    run.add_argument("--task", default="xor", choices=TASKS, help="the truth table to learn (default: xor)")
    run.add_argument("--hidden", type=_positive_count, default=3, metavar="N", help="hidden units (default: 3)")
    run.add_argument("--bias", action="store_true", help="give the networks biases b1, b2 (default: none)")
    run.add_argument("--lr", type=_learning_rate, default=0.01, help="learning rate (default: 0.01)")
    run.add_argument("--steps", type=_count, default=60000, metavar="N", help="gradient-descent steps (default: 60000)")
    run.add_argument("--dtype", default="float64", choices=("float32", "float64"), help="precision (default: float64)")
    run.add_argument(
        "--threads", type=_positive_count, default=None, metavar="N", help="worker threads (default: every core)"
    )
    run.add_argument(
        "--compare",
        type=_compare_axis,
        nargs="+",
        metavar="KEY=V1,V2",
        help="sweep every combination of these settings and print them side by side, e.g. "
        f"--compare hidden=3,5 bias=off,on (KEY: {', '.join(COMPARABLE)})",
    )
    run.add_argument("--quiet", action="store_true", help="no progress on stderr")
    run.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    run.add_argument(
        "--plot", metavar="OUT.png", help="draw the histogram of final losses to this PNG (needs matplotlib)"
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

    def __call__(self, done: int, total: int) -> None:
        now = time.perf_counter()
        elapsed = now - self.started
        text = f"{self.label}{done}/{total} seeds ({100 * done // total}%), {elapsed:.1f} s"
        if 0 < done < total:
            left = elapsed * (total - done) / done
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
    if key == "bias":
        return "on" if value else "off"
    if key == "lr":
        return f"{value:g}"
    return str(value)


def _check_plot_path(path: str) -> None:
    """Fail before the sweep, not after it, when the picture could not be drawn or saved."""
    if os.path.isdir(path):
        raise UsageError(f"--plot: {path!r} is a directory; give a file name such as sweep.png")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise UsageError(f"--plot: the directory {directory!r} does not exist")
    try:
        require_matplotlib()
    except ImportError as error:
        raise RunError(str(error)) from None


def _sweep(args: argparse.Namespace) -> int:
    from .sweeps import sweep

    if args.plot is not None:
        _check_plot_path(args.plot)
    axes = args.compare or []
    keys = [key for key, _ in axes]
    repeated = {key for key in keys if keys.count(key) > 1}
    if repeated:
        raise UsageError(f"--compare: {', '.join(sorted(repeated))} given more than once")
    base = {"task": args.task, "hidden": args.hidden, "bias": args.bias, "lr": args.lr, "steps": args.steps}
    base["dtype"] = args.dtype
    settings = [dict(zip(keys, values, strict=True)) for values in itertools.product(*(v for _, v in axes))]

    runs: list[tuple[dict[str, Any], SweepResult]] = []
    for number, setting in enumerate(settings, 1):
        recipe = {**base, **setting}
        label = ""
        if axes:
            label = (
                f"[{number}/{len(settings)} " + " ".join(f"{k}={_describe(k, v)}" for k, v in setting.items()) + "] "
            )
        X, y = truth_table(recipe["task"])
        try:
            result = sweep(
                args.seeds,
                X,
                y,
                hidden=recipe["hidden"],
                bias=recipe["bias"],
                lr=recipe["lr"],
                steps=recipe["steps"],
                dtype=recipe["dtype"],
                threads=args.threads,
                progress=None if args.quiet else _Progress(sys.stderr, "sweep " + label),
            )
        except (TypeError, ValueError) as error:
            raise UsageError(str(error)) from None
        runs.append((recipe, result))

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
        print(_json(document))
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
    fixed = ", ".join(f"{key} {_describe(key, value)}" for key, value in base.items() if key not in keys)
    header = [*keys, "learned", "95% CI (Wilson)", "median loss", "time"]
    rows = []
    for setting, result in zip(settings, results, strict=True):
        low, high = result.ci95
        rows.append(
            [
                *(_describe(key, setting[key]) for key in keys),
                f"{result.n_learned}/{len(result)} = {100 * result.fraction_learned:.1f}%",
                f"{100 * low:.1f}% to {100 * high:.1f}%",
                f"{result.loss_quantiles['median']:.4g}",
                f"{result.seconds:.1f} s",
            ]
        )
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    lines = [f"seeds {seeds_text} ({len(results[0])} per setting); {fixed}; {results[0].threads} threads", ""]
    for row in [header, *rows]:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)
