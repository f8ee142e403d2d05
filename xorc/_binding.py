"""The boundary between numpy and the compiled core (``xorc._ffi``).

Arrays reach C without copies through ``ffi.from_buffer``, which reinterprets
bytes without looking at them: so every array is checked here, once, for its
dtype, C-contiguity, alignment, shape and (for outputs) writability before its
address is taken, and inputs are checked before outputs are allocated. Callers
pass arrays already converted by ``xorc._validate``; a check failing here is a
bug in xorc or a misuse of this private module, and raises instead of letting C
read or write out of bounds.

cffi releases the GIL around every call into the core, so these functions let
other Python threads run while C trains.
"""

from __future__ import annotations

import contextlib
import numbers
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np

from . import _memory, _settings
from ._cost import step_work


def _missing_core(error: ModuleNotFoundError) -> ImportError:
    """What to do when the compiled core is not there, as numpy says it from its source tree."""
    package = os.path.dirname(os.path.abspath(__file__))
    if os.path.exists(os.path.join(os.path.dirname(package), "csrc", "xorc.c")):
        return ImportError(
            f"xorc is being imported from its source tree ({package}), where its compiled core "
            "(xorc._ffi) has not been built. To use the installed xorc, run Python from another "
            "folder; to work on this tree, build the core in place here with: pip install -e ."
        )
    return ImportError(f"xorc's compiled core (xorc._ffi) is missing from {package}: reinstall xorc ({error})")


try:
    from ._ffi import ffi, lib
except ModuleNotFoundError as error:
    if error.name != f"{__package__}._ffi":
        raise
    raise _missing_core(error) from None


class _Precision(NamedTuple):
    """One precision's C type name, numpy scalar type and entry points in the compiled core."""

    ctype: str
    scalar: type
    forward: Callable[..., int]
    loss: Callable[..., int]
    backward: Callable[..., int]
    update: Callable[..., int]
    train: Callable[..., int]
    exp: Callable[..., int]
    sigmoid: Callable[..., int]
    train_lockstep: Callable[..., int]
    on_target: Callable[..., int]


_PRECISIONS = {
    np.dtype(np.float64): _Precision(
        "double",
        np.float64,
        lib.xorc_forward_d,
        lib.xorc_loss_d,
        lib.xorc_backward_d,
        lib.xorc_update_d,
        lib.xorc_train_d,
        lib.xorc_exp_d,
        lib.xorc_sigmoid_d,
        lib.xorc_train_lockstep_d,
        lib.xorc_on_target_d,
    ),
    np.dtype(np.float32): _Precision(
        "float",
        np.float32,
        lib.xorc_forward_s,
        lib.xorc_loss_s,
        lib.xorc_backward_s,
        lib.xorc_update_s,
        lib.xorc_train_s,
        lib.xorc_exp_s,
        lib.xorc_sigmoid_s,
        lib.xorc_train_lockstep_s,
        lib.xorc_on_target_s,
    ),
}


def _precision(name: str, array: Any) -> _Precision:
    """The precision that `array` (whose dtype decides it for the call) selects."""
    kind = _PRECISIONS.get(array.dtype) if isinstance(array, np.ndarray) else None
    if kind is None:
        got = f"dtype {array.dtype}" if isinstance(array, np.ndarray) else type(array).__name__
        raise TypeError(f"{name} must be a float32 or float64 numpy array, got {got}")
    return kind


def _matrix_shape(name: str, array: Any) -> tuple[int, int]:
    """(rows, columns) of a 2-D numpy array; anything else raises."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"{name} must be a numpy array, got {type(array).__name__}")
    if array.ndim != 2:
        raise ValueError(f"{name} must be 2-D, got shape {array.shape}")
    return array.shape[0], array.shape[1]


def _buffer(
    name: str, array: Any, kind: _Precision, shape: tuple | None, writable: bool = False, optional: bool = False
):
    """The C pointer to `array`'s data, after checking everything C relies on.

    shape None: any shape. optional: None is allowed (the biases), and gives NULL.
    """
    if array is None and optional:
        return ffi.NULL
    if not isinstance(array, np.ndarray) or _PRECISIONS.get(array.dtype) is not kind:
        raise TypeError(f"{name} must be a numpy array of {kind.ctype}")
    if shape is not None and array.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {array.shape}")
    if not array.flags.c_contiguous:
        raise ValueError(f"{name} must be C-contiguous")
    if not array.flags.aligned:
        # A misaligned pointer is undefined behaviour in C, and a fault on some machines.
        raise ValueError(f"{name} is not aligned for {kind.ctype}")
    if writable and not array.flags.writeable:
        raise ValueError(f"{name} is read-only, but the core writes its result there")
    if array.size == 0:
        raise ValueError(f"{name} is empty")
    return ffi.from_buffer(kind.ctype + "[]", array, require_writable=writable)


def _learning_rate(lr: Any, kind: _Precision) -> float:
    """lr rounded to the precision, in numpy.

    A double beyond float's range becomes inf there, which C then refuses; C's own
    conversion of such a double to float would be undefined behaviour.
    """
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real):
        raise TypeError(f"lr must be a real number, got {type(lr).__name__}")
    with np.errstate(over="ignore", under="ignore"):
        return float(kind.scalar(lr))


#: The training options (``xorc.recipe``) the core takes, each a field of ``struct xorc_options``
#: of the same name (``update`` is the field ``online``): a new option of the core is one name more here.
CORE_OPTIONS = ("lr", "activation", "loss", "optimizer", "momentum", "update")


def _core_field(kind: _Precision, name: str, value: Any) -> tuple[str, Any]:
    """An option's field of ``xorc_options`` and its value there: lr rounded to the precision first
    (``_learning_rate``), a named setting as its ``XORC_*`` value."""
    if name == "lr":
        return name, _learning_rate(value, kind)
    if name == "update":
        return "online", int(value == "online")
    if name in ("activation", "loss", "optimizer"):
        return name, _settings.core_value(name, value)
    return name, value


def _options(kind: _Precision, values: Mapping[str, Any] | None = None, **fields: Any) -> Any:
    """A new ``xorc_options`` for the core: the CORE_OPTIONS found in `values` (a recipe's checked
    options, by name) and the `fields` given (options or the struct's own fields); every other field
    zero, its default."""
    given = {name: values[name] for name in CORE_OPTIONS if name in values} if values is not None else {}
    options = ffi.new("xorc_options *")
    for name, value in {**given, **fields}.items():
        setattr(options, *_core_field(kind, name, value))
    return options


def optimizer_state_len(n_in: int, hidden_units: int, n_out: int, bias: bool) -> int:
    """The values of optimizer state one network has (``xorc_optimizer_state_len``)."""
    return int(lib.xorc_optimizer_state_len(n_in, hidden_units, n_out, int(bias)))


def _state_buffer(state: np.ndarray | None, kind: _Precision, shape: tuple, options: Any):
    """The optimizer state's pointer: NULL for an optimizer without state, else the checked array."""
    if options.optimizer == lib.XORC_OPTIMIZER_GD:
        return ffi.NULL
    if state is None:
        raise ValueError("the optimizer needs its state array")
    return _buffer("state", state, kind, shape, writable=True)


def _check(status: int, function: str) -> None:
    if status != lib.XORC_OK:
        raise ValueError(f"{function}: {ffi.string(lib.xorc_strerror(status)).decode()}")


def _biases(b1, b2) -> bool:
    if (b1 is None) != (b2 is None):
        raise ValueError("b1 and b2 must be given together, or both be None")
    return b1 is not None


def forward(X, W1, W2, b1=None, b2=None, activation: str = "sigmoid"):
    """(hidden, out) of the network (W1, W2, b1, b2) with these hidden units on the rows of X."""
    kind = _precision("W1", W1)
    _biases(b1, b2)
    n, n_in = _matrix_shape("X", X)
    hidden_units, n_out = _matrix_shape("W2", W2)
    inputs = (
        _buffer("X", X, kind, (n, n_in)),
        _buffer("W1", W1, kind, (n_in, hidden_units)),
        _buffer("b1", b1, kind, (hidden_units,), optional=True),
        _buffer("W2", W2, kind, (hidden_units, n_out)),
        _buffer("b2", b2, kind, (n_out,), optional=True),
    )
    hidden = np.empty((n, hidden_units), dtype=W1.dtype)
    out = np.empty((n, n_out), dtype=W1.dtype)
    _check(
        kind.forward(
            _buffer("hidden", hidden, kind, (n, hidden_units), writable=True),
            _buffer("out", out, kind, (n, n_out), writable=True),
            *inputs,
            n,
            n_in,
            hidden_units,
            n_out,
            _options(kind, activation=activation),
        ),
        "xorc_forward",
    )
    return hidden, out


def loss(out, y, loss: str = "sse") -> float:
    """The loss (the sum of squared errors, or the cross-entropy) of outputs against targets."""
    kind = _precision("out", out)
    n, n_out = _matrix_shape("out", out)
    result = ffi.new(kind.ctype + "*")
    _check(
        kind.loss(
            result,
            _buffer("out", out, kind, (n, n_out)),
            _buffer("y", y, kind, (n, n_out)),
            n,
            n_out,
            _options(kind, loss=loss),
        ),
        "xorc_loss",
    )
    return float(result[0])


def backward(X, y, hidden, out, W2, bias: bool, activation: str = "sigmoid", loss: str = "sse"):
    """The loss's gradients (dW1, dW2, db1, db2), the biases' None when bias is False."""
    kind = _precision("W2", W2)
    n, n_in = _matrix_shape("X", X)
    hidden_units, n_out = _matrix_shape("W2", W2)
    inputs = (
        _buffer("X", X, kind, (n, n_in)),
        _buffer("y", y, kind, (n, n_out)),
        _buffer("hidden", hidden, kind, (n, hidden_units)),
        _buffer("out", out, kind, (n, n_out)),
        _buffer("W2", W2, kind, (hidden_units, n_out)),
    )
    dW1 = np.empty((n_in, hidden_units), dtype=W2.dtype)
    dW2 = np.empty((hidden_units, n_out), dtype=W2.dtype)
    db1 = np.empty(hidden_units, dtype=W2.dtype) if bias else None
    db2 = np.empty(n_out, dtype=W2.dtype) if bias else None
    delta = np.empty((n, n_out), dtype=W2.dtype)
    _check(
        kind.backward(
            _buffer("dW1", dW1, kind, (n_in, hidden_units), writable=True),
            _buffer("db1", db1, kind, (hidden_units,), writable=True, optional=True),
            _buffer("dW2", dW2, kind, (hidden_units, n_out), writable=True),
            _buffer("db2", db2, kind, (n_out,), writable=True, optional=True),
            _buffer("delta", delta, kind, (n, n_out), writable=True),
            *inputs,
            n,
            n_in,
            hidden_units,
            n_out,
            _options(kind, activation=activation, loss=loss),
        ),
        "xorc_backward",
    )
    return dW1, dW2, db1, db2


def update(W, grad, lr: float, state=None, **fields: Any) -> None:
    """One update of W from grad, in place: W <- W - lr * grad, or by the optimizer of `fields` (the
    options and fields of ``xorc_options``: optimizer, momentum, updates_done, restart) with its `state`
    (2 * W.size values)."""
    kind = _precision("W", W)
    options = _options(kind, lr=lr, **fields)
    _check(
        kind.update(
            _buffer("W", W, kind, None, writable=True),
            _state_buffer(state, kind, (2 * W.size,), options),
            _buffer("grad", grad, kind, W.shape),
            W.size,
            options,
        ),
        "xorc_update",
    )


def _elementwise(function: str, values: np.ndarray) -> np.ndarray:
    kind = _precision("x", values)
    values = np.ascontiguousarray(values)
    out = np.empty_like(values)
    if values.size:
        _check(
            getattr(kind, function)(
                _buffer("out", out, kind, values.shape, writable=True),
                _buffer("x", values, kind, values.shape),
                values.size,
            ),
            "xorc_" + function,
        )
    return out


def exp(x: np.ndarray) -> np.ndarray:
    """The core's own exponential, elementwise (for checking it against a reference)."""
    return _elementwise("exp", x)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The core's sigmoid 1 / (1 + exp(-z)), elementwise."""
    return _elementwise("sigmoid", z)


def on_target(outputs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per network of outputs (batch, rows, n_out): is every output on its target's side of 0.5?

    The core's own test (``xorc_on_target_*``), the one training applies for learned_at.
    """
    kind = _precision("outputs", outputs)
    batch, n, n_out = _batch_shape("outputs", outputs, 3)
    flags = np.empty(batch, dtype=np.uint8)
    if batch:
        _check(
            kind.on_target(
                ffi.from_buffer("unsigned char[]", flags, require_writable=True),
                _buffer("outputs", np.ascontiguousarray(outputs), kind, (batch, n, n_out)),
                _buffer("y", np.ascontiguousarray(y, dtype=outputs.dtype), kind, (n, n_out)),
                batch,
                n,
                n_out,
            ),
            "xorc_on_target",
        )
    return flags.astype(bool)


def random_uniform(n: int, seed: int, low: float = -1.0, high: float = 1.0) -> np.ndarray:
    """numpy's RandomState(seed).uniform(low, high, n), drawn by the core (no numpy.random import)."""
    out = np.empty(n, dtype=np.float64)
    _check(
        lib.xorc_random_uniform_d(ffi.from_buffer("double[]", out, require_writable=True), n, low, high, seed),
        "xorc_random_uniform",
    )
    return out


@contextlib.contextmanager
def allocating(n_in: int, hidden_units: int, n_out: int, nbytes: int) -> Iterator[None]:
    """Memory for a network of this shape: a MemoryError that names hidden when the `nbytes` the block
    will hold exceed the memory (``_memory.refuse_beyond_memory``, before it runs) or when it runs out."""
    _memory.refuse_beyond_memory(n_in, hidden_units, n_out, nbytes)
    try:
        yield
    except MemoryError:
        raise MemoryError(_memory.not_enough_memory(n_in, hidden_units, n_out)) from None


def workspace(n_in: int, hidden_units: int, n_out: int, dtype: np.dtype, held: int = 0) -> np.ndarray:
    """Scratch space for ``train`` on networks of this shape.

    `held`: the bytes the caller keeps while it trains (the network's weights), counted
    with the workspace against the memory (``_memory.refuse_beyond_memory``).
    """
    length = lib.xorc_train_workspace_len(n_in, hidden_units, n_out)
    if length == 0 or length * np.dtype(dtype).itemsize > sys.maxsize:
        raise ValueError(
            f"hidden={hidden_units}: no training workspace fits a network of shape ({n_in}, {hidden_units}, {n_out})"
        )
    with allocating(n_in, hidden_units, n_out, nbytes=held + length * np.dtype(dtype).itemsize):
        return np.empty(length, dtype=dtype)


def train(W1, W2, b1, b2, X, y, lr: float, steps: int, work: np.ndarray) -> float:
    """`steps` gradient-descent steps (the seed recipe) in place on (W1, W2, b1, b2); the SSE after them."""
    return Trainer(W1, W2, b1, b2, X, y, {"lr": lr}, work).run(steps)


#: An SSE no training produces (a sum of squares is never negative). ``Trainer.run``
#: stores it where C writes the loss, so that C's write shows the call ran to its end.
_NOT_RUN = -1.0

#: Work units (``_cost.step_work``) in one piece of training: about 2 to 3 ms on the
#: 2-core machine of the README's Performance section, which does some 2.5 ns a unit.
PIECE_UNITS = 1 << 20


def piece_steps(n: int, n_in: int, hidden_units: int, n_out: int) -> int:
    """How many steps of training on n rows make one piece of about PIECE_UNITS units of work.

    Training runs in pieces of this many steps, so that the main thread sees signals
    (Ctrl-C) between them within milliseconds; a piece is at least one step, as C
    cannot stop inside one.
    """
    return max(1, PIECE_UNITS // step_work(n, n_in, hidden_units, n_out))


class Trainer:
    """``train`` on the same arrays again and again: checked once, then one C call per ``run``.

    ``steps_done`` counts the steps of every call that ran to its end in C, and
    ``loss`` is the SSE after them (None before any call ended). When an exception
    (a KeyboardInterrupt from a signal) is raised as a call returns, before
    ``run`` could count it, ``settle()`` counts it: cffi releases the GIL, so Python
    handles a signal that arrives during the C call only once the call is over,
    and the weights have then moved on by its steps.
    """

    def __init__(
        self,
        W1,
        W2,
        b1,
        b2,
        X,
        y,
        options: Mapping[str, Any],
        work: np.ndarray,
        state: np.ndarray | None = None,
        updates: int = 0,
        restart: bool = False,
    ) -> None:
        kind = _precision("W1", W1)
        bias = _biases(b1, b2)
        n, n_in = _matrix_shape("X", X)
        hidden_units, n_out = _matrix_shape("W2", W2)
        self._train = kind.train
        self._result = ffi.new(kind.ctype + "*")
        self._options = _options(kind, options)
        state_shape = (optimizer_state_len(n_in, hidden_units, n_out, bias),)
        self._arguments = (
            _buffer("W1", W1, kind, (n_in, hidden_units), writable=True),
            _buffer("b1", b1, kind, (hidden_units,), writable=True, optional=True),
            _buffer("W2", W2, kind, (hidden_units, n_out), writable=True),
            _buffer("b2", b2, kind, (n_out,), writable=True, optional=True),
            _state_buffer(state, kind, state_shape, self._options),
            self._result,
            ffi.NULL,
            ffi.NULL,
            _buffer("work", work, kind, None, writable=True),
            work.size,
            _buffer("X", X, kind, (n, n_in)),
            _buffer("y", y, kind, (n, n_out)),
            n,
            n_in,
            hidden_units,
            n_out,
        )
        # The optimizer's updates before the first call (Adam's t), and per step (one per row online).
        self._updates = updates
        self._updates_per_step = n if self._options.online else 1
        self._restart = restart
        self.steps_done = 0
        self.loss: float | None = None
        self._running = 0  # the steps of the call under way, until counted

    def run(self, steps: int) -> float:
        """`steps` more steps in place; the SSE after them."""
        self._result[0] = _NOT_RUN
        self._running = steps
        self._options.steps = steps
        self._options.updates_done = self.updates_done
        # The state starts afresh at the first update (a call of 0 steps only computes the loss).
        self._restart = self._restart and self.steps_done == 0
        self._options.restart = int(self._restart and steps > 0)
        _check(self._train(*self._arguments, self._options), "xorc_train")
        self.settle()
        return self._result[0]

    @property
    def updates_done(self) -> int:
        """The optimizer's updates after the steps counted (Adam's t)."""
        return self._updates + self.steps_done * self._updates_per_step

    def settle(self) -> None:
        """Count the last call, if C ran it to its end and it is not counted yet."""
        if self._result[0] != _NOT_RUN:
            # Plain stores, with no call between them, where Python could raise a second interrupt.
            self.steps_done, self._running, self.loss = self.steps_done + self._running, 0, self._result[0]


def simd_best() -> int:
    """The highest SIMD level (an ``XORC_SIMD_*`` value) this build and processor support."""
    return int(lib.xorc_simd_best())


def simd_name(level: int) -> str | None:
    """The level's name ("scalar", "sse2", "avx2", "avx512"), or None for an unknown level."""
    name = lib.xorc_simd_name(level)
    return None if name == ffi.NULL else ffi.string(name).decode()


def simd_lanes(level: int) -> int:
    """The networks one vector holds at this level."""
    return int(lib.xorc_simd_lanes(level))


def lockstep_workspace_len(
    rows: int, n_in: int, hidden_units: int, n_out: int, dtype: np.dtype, level: int | None = None
) -> int:
    """The elements of scratch space ``train_lockstep`` needs at SIMD `level` (None: the widest, the
    most any level needs); a ValueError naming hidden if none can fit."""
    level = lib.XORC_SIMD_AVX512 if level is None else level
    length = lib.xorc_lockstep_workspace_len(rows, n_in, hidden_units, n_out, level)
    if length == 0 or length * np.dtype(dtype).itemsize > sys.maxsize:
        raise ValueError(
            f"hidden={hidden_units}: no training workspace fits networks of shape ({n_in}, {hidden_units}, {n_out}) "
            f"on {rows} rows"
        )
    return int(length)


def lockstep_workspace_bytes(
    rows: int, n_in: int, hidden_units: int, n_out: int, dtype: np.dtype, level: int | None = None
) -> int:
    """The bytes of the lockstep workspace at SIMD `level` (None: the widest), what it costs in memory
    for the refusals of ``_memory``; a ValueError naming hidden if none can fit."""
    return lockstep_workspace_len(rows, n_in, hidden_units, n_out, dtype, level) * np.dtype(dtype).itemsize


def lockstep_workspace(
    rows: int, n_in: int, hidden_units: int, n_out: int, dtype: np.dtype, level: int | None = None
) -> np.ndarray:
    """Scratch space for ``train_lockstep`` at SIMD `level` (None: any) on networks of this shape and rows."""
    length = lockstep_workspace_len(rows, n_in, hidden_units, n_out, dtype, level)
    with allocating(n_in, hidden_units, n_out, nbytes=length * np.dtype(dtype).itemsize):
        return np.empty(length, dtype=dtype)


def _batch_shape(name: str, array: Any, ndim: int) -> tuple[int, ...]:
    if not isinstance(array, np.ndarray):
        raise TypeError(f"{name} must be a numpy array, got {type(array).__name__}")
    if array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D (one row per network), got shape {array.shape}")
    return tuple(array.shape)


def train_lockstep(
    W1,
    W2,
    b1,
    b2,
    X,
    y,
    options: Mapping[str, Any],
    steps: int,
    *,
    first_step: int,
    check_every: int,
    learned_at: np.ndarray | None,
    level: int,
    work: np.ndarray,
    finish: bool = False,
    state: np.ndarray | None = None,
    updates_done: int = 0,
    restart: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Trains a batch of networks in lockstep, in place; returns (losses, outputs) after the steps.

    W1 (batch, n_in, hidden), W2 (batch, hidden, n_out), b1 (batch, hidden) and b2
    (batch, n_out) or None: network k is (W1[k], W2[k], b1[k], b2[k]), trained bit for
    bit as ``train`` trains it alone. learned_at, int64 (batch,), is updated as
    ``xorc_train_lockstep_*`` documents (first_step places the checks; with `finish`,
    the networks after the last step are checked too, and a network whose loss or
    weights are not finite gets XORC_DIVERGED); it may be None when check_every is 0.
    losses (batch,) and outputs (batch, rows, n_out) are in the batch's dtype. `state`
    (batch, ``optimizer_state_len``): the networks' optimizer state (None for gd), after
    `updates_done` updates, set to its start first with `restart`.
    """
    kind = _precision("W1", W1)
    bias = _biases(b1, b2)
    batch, n_in, hidden_units = _batch_shape("W1", W1, 3)
    n_out = _batch_shape("W2", W2, 3)[2]
    n = _matrix_shape("X", X)[0]
    if learned_at is not None:
        if not isinstance(learned_at, np.ndarray) or learned_at.dtype != np.int64 or learned_at.shape != (batch,):
            raise TypeError(f"learned_at must be an int64 numpy array of shape ({batch},)")
        if not (learned_at.flags.c_contiguous and learned_at.flags.aligned and learned_at.flags.writeable):
            raise ValueError("learned_at must be C-contiguous, aligned and writable")
        learned_buffer = ffi.from_buffer("int64_t[]", learned_at, require_writable=True)
    elif check_every:
        raise ValueError("learned_at is needed when check_every > 0")
    else:
        learned_buffer = ffi.NULL
    inputs = (
        _buffer("X", X, kind, (n, n_in)),
        _buffer("y", y, kind, (n, n_out)),
    )
    options = _options(
        kind,
        options,
        steps=steps,
        first_step=first_step,
        check_every=check_every,
        finish=int(finish),
        updates_done=updates_done,
        restart=int(restart),
    )
    state_shape = (batch, optimizer_state_len(n_in, hidden_units, n_out, bias))
    losses = np.empty(batch, dtype=W1.dtype)
    outputs = np.empty((batch, n, n_out), dtype=W1.dtype)
    _check(
        kind.train_lockstep(
            _buffer("W1", W1, kind, (batch, n_in, hidden_units), writable=True),
            _buffer("b1", b1, kind, (batch, hidden_units), writable=True, optional=True),
            _buffer("W2", W2, kind, (batch, hidden_units, n_out), writable=True),
            _buffer("b2", b2, kind, (batch, n_out), writable=True, optional=True),
            _state_buffer(state, kind, state_shape, options),
            _buffer("losses", losses, kind, (batch,), writable=True),
            _buffer("outputs", outputs, kind, (batch, n, n_out), writable=True),
            learned_buffer,
            _buffer("work", work, kind, None, writable=True),
            work.size,
            *inputs,
            n,
            n_in,
            hidden_units,
            n_out,
            batch,
            options,
            level,
        ),
        "xorc_train_lockstep",
    )
    return losses, outputs
