"""The Network: weights, and the operations of the compiled core on them."""

from __future__ import annotations

import dataclasses
import math
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import _binding, _settings, _validate
from .data import task_of
from .recipe import BY_NAME, DEFAULTS, FIT, arguments_of, check

Callback = Callable[[int, float], Any]


@dataclass
class Settings:
    """How a network was made and trained, as far as xorc knows; None where it does not.

    ``Network.random`` records the seed and the range (``init``) of the initial weights;
    ``fit`` records the learning rate, optimizer, momentum and update of its last
    training and the truth table it trained on (its name when X and y are exactly one of
    ``xorc.TASKS``, else None). Saved with the network:
    a field named as an option of ``xorc.recipe`` that model files keep is recorded by
    ``fit`` (when fit takes it) and written and read by model files under the option's key.
    """

    task: str | None = None
    lr: float | None = None
    seed: int | None = None
    optimizer: str | None = None
    momentum: float | None = None
    update: str | None = None
    init: float | str | None = None


@dataclass(frozen=True)
class OptimizerState:
    """What an optimizer keeps between updates, which belongs to the network (``Network.optimizer_state``).

    ``values`` holds 2 * P numbers for P weights and biases, laid out as the core takes them
    (``xorc_optimizer_state_len`` in csrc/xorc.h): momentum's velocity, Adam's first moment or
    RPROP's step sizes for W1, W2, b1, b2, then Adam's second moment or RPROP's last gradients.
    ``updates`` counts the updates it has seen (Adam's t).
    """

    optimizer: str
    momentum: float | None  # for momentum and nesterov only
    updates: int
    values: np.ndarray


#: The fields of Settings: model files keep those of the recipe's options (``xorc.recipe``) by the same names.
_SETTINGS = tuple(field.name for field in dataclasses.fields(Settings))


class Network:
    """A two-layer network: out = sigmoid(act(X·W1 + b1)·W2 + b2).

    W1 has shape (n_in, hidden) and W2 (hidden, n_out); the biases b1 (hidden,)
    and b2 (n_out,) are optional (the post's program has none). act, the hidden units'
    activation, is "sigmoid" (the post's), "tanh" or "relu". The weights' dtype,
    float32 or float64, is the precision every computation runs in. The network
    owns copies of the arrays it is given; its attributes are read-only views
    that follow training.
    """

    def __init__(
        self, W1: Any, W2: Any, b1: Any = None, b2: Any = None, activation: str = DEFAULTS["activation"]
    ) -> None:
        activation = BY_NAME["activation"].check(activation, {})
        arrays = [_validate.real_array(name, value) for name, value in (("W1", W1), ("W2", W2))]
        if (b1 is None) != (b2 is None):
            raise ValueError("b1 and b2 must be given together, or both be None")
        if b1 is not None:
            arrays += [_validate.real_array("b1", b1), _validate.real_array("b2", b2)]
        dtype = np.result_type(*arrays)
        if dtype.kind != "f":
            dtype = np.dtype(np.float64)
        elif dtype not in (np.float32, np.float64):  # float16, longdouble: name the array that brings it
            names = ("W1", "W2", "b1", "b2")[: len(arrays)]
            name = next(name for name, array in zip(names, arrays, strict=True) if array.dtype == dtype)
            raise ValueError(f"{name} has dtype {dtype}; the weights must be float32 or float64")
        W1 = _validate.matrix("W1", arrays[0], dtype)
        W2 = _validate.matrix("W2", arrays[1], dtype)
        if W2.shape[0] != W1.shape[1]:
            raise ValueError(
                f"W1 {W1.shape} and W2 {W2.shape} do not chain: W2 needs {W1.shape[1]} rows, one per hidden unit"
            )
        self._W1 = W1.copy()
        self._W2 = W2.copy()
        self._b1 = self._b2 = None
        if b1 is not None:
            self._b1 = _validate.vector("b1", arrays[2], dtype, W1.shape[1]).copy()
            self._b2 = _validate.vector("b2", arrays[3], dtype, W2.shape[1]).copy()
        #: (step, loss) after every log point of every ``fit``, steps counted from the start.
        self.history: list[tuple[int, float]] = []
        #: the number of gradient-descent steps this network has been trained for.
        self.steps_trained = 0
        #: the task, learning rate and seed it was trained with, where known.
        self.settings = Settings()
        self._activation: str = activation
        # The optimizer's state (OptimizerState): its key (optimizer, momentum), updates, and values.
        self._state_key: tuple[str, float | None] | None = None
        self._state_updates = 0
        self._state: np.ndarray | None = None

    @classmethod
    def random(
        cls,
        n_in: int = 2,
        hidden: int = DEFAULTS["hidden"],
        n_out: int = 1,
        seed: int = DEFAULTS["seed"],
        dtype: Any = DEFAULTS["dtype"],
        bias: bool = DEFAULTS["bias"],
        activation: str = DEFAULTS["activation"],
        init: float | str = DEFAULTS["init"],
    ) -> Network:
        """Weights drawn as the post's program draws them, in the range `init`.

        W1 = RandomState(seed).uniform(-a, a, (n_in, hidden)), then W2 from the same
        generator with shape (hidden, n_out), then (with bias=True) b1 and b2 the same
        way, all in float64 and then cast to `dtype`; a = init (the post's is 1).
        init="glorot" takes each layer's a from scikit-learn's rule, sqrt(6 / (fan_in +
        fan_out)), or sqrt(2 / ...) for sigmoid units; the biases use their layer's. (The
        core draws numpy's RandomState stream itself: see xorc_random_uniform_d in csrc/xorc.h.)
        """
        n_in = _validate.integer("n_in", n_in, minimum=1)
        hidden = _validate.integer("hidden", hidden, minimum=1)
        n_out = _validate.integer("n_out", n_out, minimum=1)
        dtype = _validate.dtype(dtype)
        seed = _validate.seed(seed)
        bias = _validate.flag("bias", bias)
        activation = BY_NAME["activation"].check(activation, {})
        init = BY_NAME["init"].check(init, {"dtype": dtype})
        net = cls(*initial_weights(seed, n_in, hidden, n_out, dtype, bias, init, activation), activation=activation)
        net.settings.seed = seed
        net.settings.init = init
        return net

    # The weights, as read-only views of the arrays that training updates.
    @property
    def W1(self) -> np.ndarray:
        return _read_only(self._W1)

    @property
    def W2(self) -> np.ndarray:
        return _read_only(self._W2)

    @property
    def b1(self) -> np.ndarray | None:
        return None if self._b1 is None else _read_only(self._b1)

    @property
    def b2(self) -> np.ndarray | None:
        return None if self._b2 is None else _read_only(self._b2)

    @property
    def bias(self) -> bool:
        return self._b1 is not None

    @property
    def activation(self) -> str:
        """The hidden units' activation: "sigmoid", "tanh" or "relu"."""
        return self._activation

    @property
    def optimizer_state(self) -> OptimizerState | None:
        """What the optimizer of the last ``fit`` keeps between updates (a read-only copy), or None when
        that optimizer keeps nothing (gd) or the network has not been trained. A ``fit`` with the same
        optimizer (and momentum) goes on from it; another starts from zero state."""
        if self._state_key is None or self._state is None:
            return None
        values = self._state.copy()
        values.flags.writeable = False
        return OptimizerState(*self._state_key, updates=self._state_updates, values=values)

    @property
    def dtype(self) -> np.dtype:
        return self._W1.dtype

    @property
    def shape(self) -> tuple[int, int, int]:
        """(n_in, hidden, n_out)."""
        return (self._W1.shape[0], self._W1.shape[1], self._W2.shape[1])

    def __repr__(self) -> str:
        n_in, hidden, n_out = self.shape
        bias = ", bias=True" if self.bias else ""
        activation = "" if self.activation == DEFAULTS["activation"] else f" {self.activation}"
        return (
            f"<xorc.Network {n_in}-{hidden}-{n_out}{activation} {self.dtype.name}{bias}, "
            f"{self.steps_trained} steps trained>"
        )

    def _inputs(self, X: Any) -> np.ndarray:
        return _validate.matrix("X", X, self.dtype, self.shape[0])

    def _samples(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        return _validate.samples(X, y, self.dtype, self.shape[0], self.shape[2])

    def _check_weights(self) -> None:
        for name in ("W1", "W2", "b1", "b2"):
            array = getattr(self, "_" + name)
            if array is not None and not np.all(np.isfinite(array)):
                raise ValueError(f"the network's {name} contains NaN or infinity (did training diverge?)")

    def predict(self, X: Any) -> np.ndarray:
        """The network's outputs (n, n_out) for the rows of X (n, n_in)."""
        X = self._inputs(X)
        return _binding.forward(X, self._W1, self._W2, self._b1, self._b2, self.activation)[1]

    def loss(self, X: Any, y: Any, loss: str = DEFAULTS["loss"]) -> float:
        """The loss of predict(X) against y: "sse", sum((y - out)**2), or "cross_entropy",
        sum(-(y log out + (1 - y) log(1 - out))) with out clipped to [eps, 1 - eps]."""
        loss = BY_NAME["loss"].check(loss, {})
        X, y = self._samples(X, y)
        out = _binding.forward(X, self._W1, self._W2, self._b1, self._b2, self.activation)[1]
        return _binding.loss(out, y, loss)

    def gradients(self, X: Any, y: Any, loss: str = DEFAULTS["loss"]) -> tuple[np.ndarray, ...]:
        """The loss's gradients, one per parameter: (dW1, dW2), then (db1, db2) with biases."""
        loss = BY_NAME["loss"].check(loss, {})
        X, y = self._samples(X, y)
        hidden, out = _binding.forward(X, self._W1, self._W2, self._b1, self._b2, self.activation)
        dW1, dW2, db1, db2 = _binding.backward(X, y, hidden, out, self._W2, self.bias, self.activation, loss)
        return (dW1, dW2, db1, db2) if self.bias else (dW1, dW2)

    def fit(
        self,
        X: Any,
        y: Any,
        lr: float = DEFAULTS["lr"],
        steps: int = DEFAULTS["steps"],
        log_every: int = DEFAULTS["log_every"],
        callback: Callback | None = None,
        loss: str = DEFAULTS["loss"],
        optimizer: str = DEFAULTS["optimizer"],
        momentum: float = DEFAULTS["momentum"],
        update: str = DEFAULTS["update"],
    ) -> list[tuple[int, float]]:
        """Training in place, by default the post's: full-batch gradient descent on the SSE; returns the history.

        `loss` is "sse" or "cross_entropy"; `optimizer` "gd", "momentum", "nesterov" (both with
        `momentum`, mu), "adam" or "rprop" (iRPROP-, which does not use lr); `update` "batch" (one
        update per step from all rows) or "online" (one per row, in order). csrc/xorc.h states each
        formula. The optimizer's state belongs to the network (``optimizer_state``): a ``fit`` with the
        same optimizer and momentum goes on from it, bit for bit as one longer fit; with another, it
        starts from zero.

        The history holds (step, loss) at step 0, at every multiple of `log_every`
        and at the last step, `loss` being the SSE after `step` updates
        (log_every=0: only the first and the last). `callback(step, loss)` is called
        at each of those points; when it returns a true value, training stops
        there. Once a step has run, ``settings`` records the options and the task of (X, y).

        Every point is also appended to ``history``, which is never trimmed: a point
        takes about 130 bytes, so log_every=1 keeps some 130 MB per million steps.

        Raises DivergenceError (a ValueError) if the loss or the weights stop being
        finite, with the network put back as it was before the call; and MemoryError,
        naming hidden and changing nothing, if the weights and the training's
        workspace together exceed the memory this process can have (see xorc/_memory.py).

        The steps run in C, in pieces of a few milliseconds, between which Python
        handles signals: Ctrl-C raises KeyboardInterrupt within a piece's time. The
        network then holds the weights after ``steps_trained`` steps, and
        ``history`` ends with the loss after them, so that ``fit`` can go on from
        there to the weights of an uninterrupted run, bit for bit.
        """
        X, y = self._samples(X, y)
        options = check(FIT, arguments_of(FIT, locals()), dtype=self.dtype)
        lr, steps, log_every = options["lr"], options["steps"], options["log_every"]
        if callback is not None and not callable(callback):
            raise TypeError(f"callback must be callable, got {type(callback).__name__}")
        self._check_weights()
        # C updates the weights in place and reads X and y throughout: they must not overlap.
        weights = [w for w in (self._W1, self._W2, self._b1, self._b2) if w is not None]
        X, y = (a.copy() if any(np.may_share_memory(a, w) for w in weights) else a for a in (X, y))

        _settings.targets_for(options["loss"], y)
        # The optimizer's state: the network's own if it is this optimizer's, else a fresh one.
        key = _state_key(options["optimizer"], options["momentum"])
        fresh = key != self._state_key
        per_step = X.shape[0] if options["update"] == "online" else 1
        if (0 if fresh else self._state_updates) + steps * per_step > _validate.INT64_MAX:
            raise ValueError(f"steps={steps}: the optimizer state would count more than {_validate.INT64_MAX} updates")
        state = None
        if options["optimizer"] in _settings.STATEFUL:
            state = self._state if not fresh and self._state is not None else self._new_state()
        # Training holds at once the weights and the state, their copies to put back (_State, below)
        # and the workspace: all count against the memory.
        held = 2 * (sum(w.nbytes for w in weights) + (0 if state is None else state.nbytes))
        work = _binding.workspace(*self.shape, self.dtype, held=held)
        trainer = _binding.Trainer(
            self._W1, self._W2, self._b1, self._b2, X, y, {**options, "activation": self.activation}, work,
            state=state, updates=0 if fresh else self._state_updates, restart=fresh,
        )  # fmt: skip
        piece = _binding.piece_steps(X.shape[0], *self.shape)
        task = task_of(X, y)
        trained = _Trained(options, task, trainer, key, state)
        before = _State(self)
        start = self.steps_trained
        history: list[tuple[int, float]] = []
        try:
            last_loss = trainer.run(0)  # the loss before the first step
            while True:
                if not math.isfinite(last_loss):
                    before.restore(self)
                    raise DivergenceError(
                        f"training diverged: the loss is {last_loss} after {trainer.steps_done} steps at lr {lr:g}; "
                        "the network is left as it was (try a smaller lr)"
                    )
                done = trainer.steps_done
                point = (self.steps_trained, last_loss)
                history.append(point if done == self.steps_trained else (done, last_loss))
                if not self.history or self.history[-1][0] != self.steps_trained:
                    self.history.append(point)
                if callback is not None and _callback_says_stop(callback, done, last_loss, before, self):
                    break
                if done == steps:
                    break
                next_point = min(done + log_every, steps) if log_every else steps
                # Pieces up to the next point; a non-finite loss ends them early, and the check above raises.
                while trainer.steps_done < next_point and math.isfinite(last_loss):
                    last_loss = trainer.run(min(piece, next_point - trainer.steps_done))
                    self.steps_trained = start + trainer.steps_done
                    self._record(trained)
        except BaseException:
            if not before.restored:  # an interrupt: keep what C finished (a failure put the network back)
                self._stopped(trained, start)
            raise
        # The loss can stay finite while weights overflow (a saturated sigmoid hides them).
        if not all(np.all(np.isfinite(w)) for w in weights):
            before.restore(self)
            raise DivergenceError(
                f"training diverged: the weights overflowed after {trainer.steps_done} steps at lr {lr:g}; "
                "the network is left as it was (try a smaller lr)"
            )
        return history

    def _new_state(self) -> np.ndarray:
        """Zeroed optimizer state for this network (the core sets it to its start at the first update)."""
        return np.zeros(_binding.optimizer_state_len(*self.shape, self.bias), dtype=self.dtype)

    def _record(self, trained: _Trained) -> None:
        """Once a step of ``fit`` has run: the task and the options it trained with that ``settings`` has,
        and the optimizer's state, now this optimizer's."""
        self.settings.task = trained.task
        for name, value in trained.options.items():
            if name in _SETTINGS:
                setattr(self.settings, name, value)
        self._state_key, self._state = trained.key, trained.state
        self._state_updates = trained.trainer.updates_done

    def _stopped(self, trained: _Trained, start: int) -> None:
        """After an exception inside ``fit`` (Ctrl-C): count what C finished, end the history there."""
        trainer = trained.trainer
        trainer.settle()
        self.steps_trained = start + trainer.steps_done
        if trainer.steps_done:
            self._record(trained)
        if trainer.loss is not None and (not self.history or self.history[-1][0] != self.steps_trained):
            self.history.append((self.steps_trained, trainer.loss))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the network to `path` (numpy's .npz format, no pickle), atomically.

        The file holds the weights, the shape, dtype, ``settings``, ``steps_trained``,
        ``history`` and the xorc version; ``xorc.load(path)`` gives the network back,
        predicting and training on bit for bit as this one would. `path` is written
        as given (no suffix is added). The new file replaces an old one only once it
        is complete: a failed save leaves the old file as it was.
        """
        from . import model_file  # model_file builds Networks, so it imports this module

        model_file.save(self, path)


def _state_key(optimizer: str, momentum: float) -> tuple[str, float | None]:
    """What an optimizer's state belongs to: the optimizer, and mu for the two that use it."""
    return (optimizer, momentum if optimizer in _settings.USES_MOMENTUM else None)


@dataclass
class _Trained:
    """One ``fit`` under way: its checked options, the task of its data, its Trainer, and the optimizer
    state it trains (its key, and its values: None for gd)."""

    options: dict[str, Any]
    task: str | None
    trainer: _binding.Trainer
    key: tuple[str, float | None]
    state: np.ndarray | None


class DivergenceError(ValueError):
    """Training reached a non-finite loss or weights; the network was put back as it was before."""


class _State:
    """What ``fit`` changes, saved on entry so that a failed fit can put it back exactly."""

    def __init__(self, net: Network) -> None:
        self.weights = [None if w is None else w.copy() for w in (net._W1, net._W2, net._b1, net._b2)]
        self.state_key, self.state_updates, self.state = net._state_key, net._state_updates, net._state
        self.state_values = None if net._state is None else net._state.copy()
        self.steps_trained = net.steps_trained
        self.history_length = len(net.history)
        self.settings = dataclasses.replace(net.settings)
        self.restored = False

    def restore(self, net: Network) -> None:
        self.restored = True
        for saved, current in zip(self.weights, (net._W1, net._W2, net._b1, net._b2), strict=True):
            if saved is not None and current is not None:
                current[...] = saved  # in place: views handed out keep following the network
        net._state_key, net._state_updates, net._state = self.state_key, self.state_updates, self.state
        if self.state is not None:
            self.state[...] = self.state_values  # a fit that went on from it wrote there
        net.steps_trained = self.steps_trained
        del net.history[self.history_length :]
        for name in _SETTINGS:  # in place: the caller may hold net.settings
            setattr(net.settings, name, getattr(self.settings, name))


def _callback_says_stop(callback: Callback, step: int, loss: float, before: _State, net: Network) -> bool:
    """callback(step, loss) as a bool; a callback that cannot be called so, or returns no truth value,
    is a TypeError naming it, and the network is put back as it was before ``fit``."""
    try:
        answer = callback(step, loss)
    except TypeError as error:
        if _takes_two_arguments(callback):
            raise  # a TypeError of the callback's own
        before.restore(net)
        raise TypeError(f"callback must take two arguments (step, loss): {error}") from None
    try:
        return bool(answer)
    except Exception as error:  # an array, or anything else without a single truth value
        before.restore(net)
        raise TypeError(
            f"callback must return a true value to stop or a false one (None) to go on, "
            f"got {type(answer).__name__}: {error}"
        ) from None


def _takes_two_arguments(callback: Callback) -> bool:
    import inspect  # only when a callback failed: the command's start-up does not need it

    try:
        inspect.signature(callback).bind(0, 0.0)
    except TypeError:
        return False
    except ValueError:  # no signature to inspect (some builtins): assume it does
        return True
    return True


def weight_count(n_in: int, hidden: int, n_out: int, bias: bool) -> int:
    """How many weights (and biases) a network of this shape has: what ``initial_weights`` draws."""
    return sum(math.prod(shape) for shape in _weight_shapes(n_in, hidden, n_out, bias))


def drawing_bytes(weights: int, dtype: np.dtype) -> int:
    """The bytes ``initial_weights`` holds at once for `weights` weights: the float64 stream and
    its copies in `dtype`."""
    return weights * (np.dtype(np.float64).itemsize + np.dtype(dtype).itemsize)


def _weight_shapes(n_in: int, hidden: int, n_out: int, bias: bool) -> list[tuple[int, ...]]:
    """The shapes of W1, W2 and (with bias) b1, b2, in the order they are cut from the stream."""
    return [(n_in, hidden), (hidden, n_out)] + ([(hidden,), (n_out,)] if bias else [])


def initial_weights(
    seed: int,
    n_in: int,
    hidden: int,
    n_out: int,
    dtype: np.dtype,
    bias: bool,
    init: float | str = 1.0,
    activation: str = "sigmoid",
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """(W1, W2, b1, b2) as ``RandomState(seed).uniform(-a, a, ...)`` draws them, cast to `dtype`.

    The one definition of the post's program's initialisation, used by ``Network.random``
    and ``xorc.sweep``: W1, then W2, then (with bias) b1 and b2, cut in that order from
    one stream. a is `init` (the post's is 1), or with "glorot" each layer's bound
    (``_settings.glorot_bound``; a bias takes its layer's). The core draws the stream
    u in [0, 1) (``xorc_random_uniform_d``, numpy's MT19937 bit for bit), and each value
    is -a + (a - -a) u, as numpy's uniform computes it: importing numpy.random would cost
    more start-up time than the whole seed job takes to train.
    """
    shapes = _weight_shapes(n_in, hidden, n_out, bias)
    sizes = [math.prod(shape) for shape in shapes]
    if sum(sizes) * np.dtype(np.float64).itemsize > sys.maxsize:
        raise ValueError(
            f"hidden={hidden}: a network of shape ({n_in}, {hidden}, {n_out}) has {sum(sizes)} weights, "
            "more than this machine can address"
        )
    if init == "glorot":
        first, second = (_settings.glorot_bound(*fans, activation) for fans in ((n_in, hidden), (hidden, n_out)))
        bounds = [first, second, first, second]
    else:
        bounds = [float(init)] * 4
    with _binding.allocating(n_in, hidden, n_out, nbytes=drawing_bytes(sum(sizes), dtype)):
        stream = _binding.random_uniform(sum(sizes), seed, 0.0, 1.0)
        arrays, start = [], 0
        for shape, size, bound in zip(shapes, sizes, bounds, strict=False):
            low = -bound
            drawn = low + (bound - low) * stream[start : start + size]
            arrays.append(drawn.reshape(shape).astype(dtype))
            start += size
    W1, W2 = arrays[:2]
    return (W1, W2, arrays[2], arrays[3]) if bias else (W1, W2, None, None)


def _read_only(array: np.ndarray) -> np.ndarray:
    view = array.view()
    view.flags.writeable = False
    return view
