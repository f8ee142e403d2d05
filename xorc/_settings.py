"""The names of the recipe's settings, their checks, and what the core calls them.

The activations, losses, optimizers and update modes of ``xorc.recipe``'s options, each
by its name in the API, with the ``XORC_*`` value of ``csrc/xorc.h`` it stands for; the
checks of a choice, of ``momentum`` and of ``init``; and the glorot bounds. The formulas
are the core's (csrc/xorc.h); the names are scikit-learn's where it has the setting.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

#: The hidden layer's activation (the output layer's is always the sigmoid).
ACTIVATIONS = ("sigmoid", "tanh", "relu")
#: The loss: the seed's sum of squared errors, or the cross-entropy (log-loss).
LOSSES = ("sse", "cross_entropy")
#: The update rule: gradient descent, with momentum, with Nesterov's momentum, Adam, iRPROP-.
OPTIMIZERS = ("gd", "momentum", "nesterov", "adam", "rprop")
#: One update per step from all rows (the seed's), or one per row in order (FANN's incremental).
UPDATES = ("batch", "online")

#: The optimizers that keep state between updates; momentum matters to these two only.
STATEFUL = ("momentum", "nesterov", "adam", "rprop")
USES_MOMENTUM = ("momentum", "nesterov")


def core_value(name: str, value: str) -> int:
    """The ``XORC_*`` enum of a setting's value: its place in its tuple, which csrc/xorc.h keeps."""
    choices = {"activation": ACTIVATIONS, "loss": LOSSES, "optimizer": OPTIMIZERS, "update": UPDATES}[name]
    return choices.index(value)


def choice(name: str, choices: tuple[str, ...]):
    """The check of a setting named by a string: one of `choices`; a ValueError listing them."""

    def check(value: Any, _: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
        return value

    return check


def momentum(value: Any, earlier: Any = None) -> float:
    """mu of momentum and Nesterov: a real number with 0 <= mu < 1, also once rounded to the precision
    (`earlier`'s dtype, where known: 0.99999999 is 1 in float32)."""
    mu = _real(value)
    dtype = (earlier or {}).get("dtype")
    if mu is None or not 0 <= mu < 1:
        raise ValueError(f"momentum must be a number from 0 up to (not including) 1, got {_short(value)}")
    if dtype is not None and not np.dtype(dtype).type(mu) < 1:
        raise ValueError(
            f"momentum must be below 1 in {np.dtype(dtype).name} too, got {_short(value)} (it rounds to 1)"
        )
    return mu


def _real(value: Any) -> float | None:
    """A real number (not a bool) as a float; None for anything else, or one beyond float's range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        return float(value)
    except OverflowError:
        return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def update(value: Any, earlier: Any) -> str:
    """The update mode; RPROP adapts its steps to the signs of full-batch gradients, so not online."""
    mode = choice("update", UPDATES)(value, earlier)
    if mode == "online" and earlier.get("optimizer") == "rprop":
        raise ValueError(
            "update='online' cannot be used with optimizer='rprop' (RPROP adapts each step size to the sign of "
            "the full-batch gradient); use update='batch', or one of 'gd', 'momentum', 'nesterov', 'adam'"
        )
    return mode


def init(value: Any, earlier: Any = None) -> float | str:
    """The initial weights' range: a number a > 0 (uniform in [-a, a)) whose 2a the precision holds
    (`earlier`'s dtype, where known; float64's otherwise), or "glorot"."""
    if isinstance(value, str) and value == "glorot":
        return value
    a = _real(value)
    dtype = np.dtype((earlier or {}).get("dtype") or np.float64)
    largest = float(np.finfo(dtype).max) / 2
    if a is None or not 0 < a <= largest:
        raise ValueError(
            f"init must be a number > 0 and at most {largest:.3g} ({dtype.name}), or 'glorot', got {_short(value)}"
        )
    return a


def targets_for(loss: str, y: np.ndarray) -> None:
    """The cross-entropy is of probabilities: its targets must lie in [0, 1] (as scikit-learn's labels do)."""
    if loss == "cross_entropy" and not bool(np.all((y >= 0) & (y <= 1))):
        outside = y[~((y >= 0) & (y <= 1))].flat[0]
        raise ValueError(f"loss='cross_entropy' needs targets y in [0, 1], got {outside:g}")


def init_flag(text: str) -> float | str:
    """--init's value: a number > 0 or glorot (ValueError with the reason)."""
    if text == "glorot":
        return text
    try:
        return init(float(text))
    except ValueError:
        raise ValueError(f"expected a finite number > 0 or glorot, got {text!r}") from None


def momentum_flag(text: str) -> float:
    """--momentum's value."""
    try:
        return momentum(float(text))
    except ValueError:
        raise ValueError(f"expected a number from 0 up to (not including) 1, got {text!r}") from None


def glorot_bound(fan_in: int, fan_out: int, activation: str) -> float:
    """scikit-learn's initial range of a layer: sqrt(6 / (fan_in + fan_out)), sqrt(2 / ...) for sigmoid units
    (the hidden activation's rule, which MLPClassifier applies to every layer)."""
    factor = 2.0 if activation == "sigmoid" else 6.0
    return math.sqrt(factor / (fan_in + fan_out))
