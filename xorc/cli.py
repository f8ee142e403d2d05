"""The ``xorc`` command, a front end over the public API.

``main(argv)`` returns the exit status: 0 on success, 1 when the work fails at
run time, 2 for a usage error (a bad flag or value). Errors are one line on
stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from . import __version__
from .data import TASKS, truth_table
from .training import progress_line, train


class UsageError(Exception):
    """A bad command line: exit status 2."""


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
        "--log-every",
        type=_count,
        default=10000,
        metavar="N",
        help="print the loss every N steps; 0 for the last step only (default: 10000)",
    )
    run.add_argument("--quiet", action="store_true", help="print no progress lines")
    run.add_argument("--json", action="store_true", help="print one JSON object on stdout (progress goes to stderr)")
    return parser


def _train(args: argparse.Namespace) -> int:
    X, y = truth_table(args.task)
    progress = sys.stderr if args.json else sys.stdout

    def report(step: int, loss: float) -> None:
        if not args.quiet:
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
            log_every=args.log_every,
            callback=report,
        )
    except (TypeError, ValueError) as error:
        raise UsageError(str(error)) from None
    outputs = net.predict(X)
    step, loss = net.history[-1]
    if args.json:
        import json  # only here: start-up time matters more than import style

        result = {
            "task": args.task,
            "shape": list(net.shape),
            "dtype": net.dtype.name,
            "lr": args.lr,
            "seed": args.seed,
            "steps": step,
            "loss": loss,
            "inputs": X.tolist(),
            "targets": y.tolist(),
            "outputs": outputs.tolist(),
            "history": [list(point) for point in net.history],
            "W1": net.W1.tolist(),
            "W2": net.W2.tolist(),
        }
        print(json.dumps(result))
        return 0
    n_in = X.shape[1]
    print()
    print("  ".join([f"x{m + 1}" for m in range(n_in)]) + "    output        target")
    for row, out, target in zip(X, outputs, y, strict=False):
        inputs = "  ".join(f"{value:>2g}" for value in row)
        print(f"{inputs}    {out[0]:.10f}  {target[0]:g}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        return _train(args)
    except UsageError as error:
        print(f"xorc: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("xorc: interrupted", file=sys.stderr)
        return 130
