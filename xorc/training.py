"""``xorc.train``: the post's program's job, with every setting open."""

from __future__ import annotations

import sys
from typing import Any

from . import _validate
from .network import Callback, Network
from .recipe import DEFAULTS, FIT, TRAIN, arguments_of, check, options_of


def progress_line(step: int, loss: float) -> str:
    """The line printed at a log point: the step and the SSE after it."""
    return f"step {step:>8}  loss {loss:.10f}"


def train(
    X: Any = None,
    y: Any = None,
    *,
    hidden: int = DEFAULTS["hidden"],
    lr: float = DEFAULTS["lr"],
    steps: int = DEFAULTS["steps"],
    seed: int = DEFAULTS["seed"],
    dtype: Any = DEFAULTS["dtype"],
    log_every: int = DEFAULTS["log_every"],
    callback: Callback | None = None,
    verbose: bool = False,
    bias: bool = DEFAULTS["bias"],
    activation: str = DEFAULTS["activation"],
    loss: str = DEFAULTS["loss"],
    optimizer: str = DEFAULTS["optimizer"],
    momentum: float = DEFAULTS["momentum"],
    update: str = DEFAULTS["update"],
    init: float | str = DEFAULTS["init"],
) -> Network:
    """Train a fresh network on (X, y) and return it; the defaults are the post's program.

    X and y default to the XOR truth table; n_in and n_out come from their shapes.
    The weights are drawn by ``Network.random(n_in, hidden, n_out, seed, dtype, bias,
    activation, init)``, then trained by ``Network.fit`` with lr, steps, loss, optimizer,
    momentum and update (see there); the network's ``history`` holds the loss at
    each log point. With verbose=True a progress line is printed at each of them.
    Ctrl-C raises KeyboardInterrupt within milliseconds (see ``Network.fit``), and the
    network is lost with it: to keep an interrupted run's network, make it with
    ``Network.random`` and train it with ``fit``.
    """
    options = check(TRAIN, arguments_of(TRAIN, locals()))  # every option, before any work
    dtype = _validate.dtype(dtype)
    X, y = _validate.training_data(X, y, dtype)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable, got {type(callback).__name__}")
    net = Network.random(
        X.shape[1], hidden, y.shape[1], seed=seed, dtype=dtype, bias=bias, activation=activation, init=init
    )

    def report(step: int, loss: float) -> Any:
        if verbose:
            print(progress_line(step, loss), file=sys.stdout, flush=True)
        return callback(step, loss) if callback is not None else None

    net.fit(X, y, callback=report, **{option.name: options[option.name] for option in options_of(FIT)})
    return net
