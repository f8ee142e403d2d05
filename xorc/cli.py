"""The ``xorc`` command, a front end over the public API.

``main(argv)`` returns the exit status: 0 on success, 1 when the work fails at
run time, 2 for a usage error (a bad flag or value). Errors are one line on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable, Sequence

import numpy as np

from . import __version__
from ._cli_args import (
    Parser,
    RunError,
    UsageError,
    add_recipe_flags,
    check_output,
    check_plot,
    one_line,
    recipe_values,
    to_json,
)
from ._distribution import install_line
from ._memory import BeyondMemoryError
from ._signals import Interrupted, report, sigterm_raises
from ._sweep_command import add_sweep_parser
from .data import TASKS, truth_table
from .network import DivergenceError, Network
from .plotting import plot
from .recipe import FIT, TRAIN, options_of
from .training import progress_line


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="xorc", description="Train the classic XOR neural network, fast and exactly.")
    parser.add_argument("--version", action="version", version=f"xorc {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    commands.required = True

    run = commands.add_parser(
        "train",
        help="train a network (the defaults are the post's program)",
        description="Train a network on a truth table by full-batch gradient descent on the "
        "sum of squared errors. The defaults reproduce the post's program: XOR, 2-3-1, "
        "lr 0.01, 60000 steps, seed 1234, float64.",
    )
    add_recipe_flags(run, TRAIN)
    run.add_argument("--quiet", action="store_true", help="print no progress lines")
    run.add_argument("--json", action="store_true", help="print one JSON object on stdout (progress goes to stderr)")
    run.add_argument("--save", metavar="FILE", help="save the trained network to FILE (.npz), for xorc predict")
    run.add_argument(
        "--plot",
        metavar="PNG",
        help=f"draw the loss curve and the decision surface to PNG (needs {install_line('plot')})",
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
    add_sweep_parser(commands)
    return parser


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


class _Done:
    """What `xorc train` has done so far: its network (once made) and the files it wrote."""

    def __init__(self) -> None:
        self.net: Network | None = None
        self.written: list[str] = []
        self.writing: tuple[str, str, tuple[int, int] | None] | None = None  # (what, path, its identity before)

    def write(self, what: str, path: str, write: Callable[[], object]) -> None:
        """write(), then note `what` as written."""
        self.writing = (what, path, _identity(path))
        write()
        self.written.append(what)
        self.writing = None

    def files(self) -> list[str]:
        """What was written, also by a write that an interrupt cut short after its rename."""
        if self.writing is not None and _identity(self.writing[1]) != self.writing[2]:
            return [*self.written, self.writing[0]]
        return self.written


def _identity(path: str) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`: an atomic write replaces it with a new one."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _train(args: argparse.Namespace) -> int:
    done = _Done()
    try:
        return _train_run(args, done)
    except KeyboardInterrupt as interrupt:
        # A file is written whole or not at all (its temporary file removed), so --save and
        # --plot hold what they held before the run unless the line says they were written.
        steps = done.net.steps_trained if done.net is not None else 0
        files = done.files() or (["nothing saved"] if args.save is not None or args.plot is not None else [])
        raise Interrupted(interrupt, ", ".join([f"after {steps} of {args.steps} steps", *files])) from None


def _train_run(args: argparse.Namespace, done: _Done) -> int:
    if args.save is not None and args.plot is not None and os.path.abspath(args.save) == os.path.abspath(args.plot):
        raise UsageError(f"--save and --plot name the same file, {args.save}")
    if args.save is not None:
        check_output("--save", args.save)
    if args.plot is not None:
        check_plot(args.plot)
    X, y = truth_table(args.task)
    progress = sys.stderr if args.json else sys.stdout
    # A picture's loss curve wants more points than the progress lines: then the network
    # logs finer, which changes no result (the steps are the same, only cut differently).
    log_every = _curve_interval(args.steps, args.log_every) if args.plot is not None else args.log_every
    if args.quiet and not args.json and args.plot is None and args.save is None:
        # Nothing shows or saves the progress points: the network keeps only the first and last
        # (a history point takes about 130 bytes; --log-every 1 would keep 130 MB per million steps).
        log_every = 0

    def progress_point(step: int) -> bool:
        return step in (0, args.steps) or (args.log_every > 0 and step % args.log_every == 0)

    def report(step: int, loss: float) -> None:
        if not args.quiet and progress_point(step):
            print(progress_line(step, loss), file=progress, flush=True)

    try:
        # xorc.train's two steps, so that an interrupted run can say how far it came.
        net = done.net = Network.random(
            X.shape[1], args.hidden, y.shape[1], args.seed, args.dtype, args.bias, args.activation, args.init
        )
        fit = {**recipe_values(args, FIT), "log_every": log_every}
        net.fit(X, y, callback=report, **fit)
    except DivergenceError as error:
        raise RunError(str(error)) from None
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from None
    if args.save is not None:
        try:
            done.write(f"network saved to {args.save}", args.save, lambda: net.save(args.save))
        except OSError as error:
            raise RunError(f"--save {args.save}: cannot write it ({error.strerror or error})") from None
        except ValueError as error:
            raise RunError(f"--save {args.save}: {error}") from None
    if args.plot is not None:
        try:
            done.write(f"picture saved to {args.plot}", args.plot, lambda: plot(net, args.plot))
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
            **{option.name: getattr(args, option.name) for option in options_of(TRAIN) if option.model or option.sweep},
            "steps": step,
            # "loss" is the loss after the last step; the loss function (the option) is "loss_function".
            "loss_function": args.loss,
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
        print(to_json(result))
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


def _input_row(text: str, n_in: int, dtype: np.dtype) -> list[float]:
    """One --input value, "1,0", as n_in numbers finite in the model's precision."""
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise RunError(f"--input {text!r}: expected {n_in} numbers separated by commas") from None
    if len(values) != n_in:
        raise RunError(f"--input {text!r}: the network takes {n_in} inputs, got {len(values)}")
    if not all(math.isfinite(value) for value in values):
        raise RunError(f"--input {text!r}: inputs must be finite numbers")
    if any(abs(value) > float(np.finfo(dtype).max) for value in values):
        raise RunError(f"--input {text!r}: beyond the range of the model's precision, {dtype.name}")
    return values


def _predict(args: argparse.Namespace) -> int:
    from .model_file import ModelFileError, load

    try:
        net = load(args.model)
    except ModelFileError as error:
        raise RunError(str(error)) from None
    except KeyboardInterrupt as interrupt:
        raise Interrupted(interrupt, f"while reading {args.model}") from None
    n_in, _, n_out = net.shape
    task = net.settings.task
    targets = None
    if args.input:
        X = np.array([_input_row(text, n_in, net.dtype) for text in args.input], dtype=np.float64)
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
        print(to_json(result))
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
        try:
            print(line)
        except KeyboardInterrupt as interrupt:
            raise Interrupted(interrupt, f"after printing {k} of {len(cells)} rows") from None
    return 0


#: The exit status when stdout is a pipe whose reader has gone (`xorc sweep | head -1`):
#: 128 + SIGPIPE, the status of a Unix tool that the signal stopped, as `yes | head -1` has.
EXIT_CLOSED_PIPE = 141


def main(argv: Sequence[str] | None = None) -> int:
    # SIGTERM raises as Ctrl-C does, so that both stop the work with its cleanup (see _signals).
    with sigterm_raises():
        try:
            return _run(argv)
        except KeyboardInterrupt as interrupt:
            return report(interrupt)


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    arguments = sys.argv[1:] if argv is None else list(argv)
    if not arguments:
        # `xorc` alone: a person meeting the command gets its usage, the commands with a line
        # each, rather than an error about a missing argument; the status is still a usage error's.
        parser.print_help(sys.stderr)
        return 2
    args = None
    try:
        args = parser.parse_args(arguments)
        if sys.stdout is None:  # started with stdout closed (`>&-`): the output would be lost
            raise RunError("standard output is closed; redirect it (to /dev/null to discard the output)")
        status = args.handler(args)
        sys.stdout.flush()  # a closed pipe shows here, not at exit where Python would print a traceback
        return status
    except BrokenPipeError:
        # The reader of stdout is gone: stop quietly, as Unix tools do. Python would try again
        # to flush at exit, so stdout now points to /dev/null.
        _discard_stdout()
        return EXIT_CLOSED_PIPE
    except UsageError as error:
        print(f"xorc: error: {one_line(error)}", file=sys.stderr)
        return 2
    except RunError as error:
        print(f"xorc: error: {one_line(error)}", file=sys.stderr)
        return 1
    except MemoryError as error:
        # Parsing takes memory only for --seeds; a sweep for its seeds and networks.
        sweep = args is None or args.command == "sweep"
        what = one_line(error) or f"not enough memory for {'this sweep' if sweep else 'a network this large'}"
        hint = "try fewer --seeds or a smaller --hidden" if sweep else "try a smaller --hidden"
        if isinstance(error, BeyondMemoryError) and error.threads > 1:
            hint = "try fewer --threads or a smaller --hidden"
        print(f"xorc: error: {what} ({hint})", file=sys.stderr)
        return 1
    except OSError as error:  # stdout on a full disk, or opened read-only
        print(f"xorc: error: cannot write the output ({one_line(error)})", file=sys.stderr)
        return 1


def _discard_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
