"""Model files: a Network saved in numpy's .npz format, written atomically, read without pickle.

A model file is a zip of .npy arrays, as ``np.savez`` writes it, and nothing else:

- ``format_version``: int64 scalar, FORMAT_VERSION; a reader refuses a newer one.
- ``meta``: a string scalar holding a JSON object: ``shape`` [n_in, hidden, n_out],
  ``dtype``, ``bias``, ``task``, ``lr``, ``seed``, ``steps_trained``, ``loss`` (the
  last of the history), ``xorc_version``, and from format 2 on ``activation``, the last
  fit's ``optimizer``, ``momentum`` and ``update``, the weights' ``init``, and
  ``optimizer_state``: null, or what the optimizer's state belongs to, {``optimizer``,
  ``momentum`` (null but for momentum and nesterov), ``updates``}; null where xorc does
  not know the value. (The recipe's keys are its options that model files keep,
  ``xorc.recipe``; a file of format 1 has none of the newer keys: it was made with the
  defaults, and has no optimizer state.)
- ``optimizer_state`` (2 P,), in the weights' dtype, when the metadata's is not null:
  ``Network.optimizer_state``'s values.
- ``W1`` (n_in, hidden), ``W2`` (hidden, n_out), and ``b1`` (hidden,), ``b2``
  (n_out,) only when the network has biases: the weights, in its dtype.
- ``history_step`` int64 (k,) and ``history_loss`` float64 (k,): its history, the steps
  strictly increasing from 0 up to at most ``steps_trained``, the losses finite and ≥ 0.

One reader, which trusts nothing it has not checked: it opens regular files only (never
blocking on a FIFO or a device), refuses members it does not know and repeated ones, and
checks each array's .npy header (shape, dtype) against ``meta`` before reading its data,
so that a file never takes more memory than the network it declares. It never unpickles.
Whatever goes wrong is a ModelFileError naming the file.

``save`` checks what it writes with the same rules, so whatever it accepts ``load`` reads back.
"""

from __future__ import annotations

import dataclasses
import json
import math
import numbers
import os
import sys
from collections.abc import Callable
from typing import Any, BinaryIO

import numpy as np

from . import _npz, _settings
from ._files import write_atomically
from ._validate import DTYPES, is_finite_number, is_whole, short
from ._version import __version__
from .data import TASKS, truth_table
from .network import Network, OptimizerState, Settings
from .recipe import OPTIONS, read_meta

#: The version of the layout written by this xorc; files with a higher one are refused.
FORMAT_VERSION = 2

_DTYPES: dict[str, np.dtype] = {name: np.dtype(name) for name in DTYPES}
_INT64_MAX = 2**63 - 1
#: The members of a model file, each stored as "<name>.npy"; the biases only with bias.
_MEMBERS = ("format_version", "meta", "W1", "W2", "b1", "b2", "history_step", "history_loss", "optimizer_state")


class ModelFileError(_npz.FileError):
    """A model file that cannot be loaded; the message names the file and the problem."""


_Fail = Callable[[str], Exception]


def save(net: Network, path: str | os.PathLike[str]) -> None:
    """Write `net` to `path` atomically (see ``Network.save``).

    Raises ValueError naming the attribute when the network holds something a model
    file cannot (NaN weights, a negative ``steps_trained``, ``settings.lr = -1``, a task
    of another shape, a history whose steps do not increase...), before writing anything.
    """
    if not isinstance(net, Network):
        raise TypeError(f"net must be an xorc.Network, got {type(net).__name__}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or path-like, got {type(path).__name__}")

    def fail(problem: str) -> Exception:
        return ValueError(f"cannot save the network: {problem}")

    weights: dict[str, np.ndarray] = {"W1": net.W1, "W2": net.W2}
    if net.b1 is not None and net.b2 is not None:
        weights.update(b1=net.b1, b2=net.b2)
    for name, array in weights.items():
        if not np.all(np.isfinite(array)):
            raise ValueError(f"the network's {name} contains NaN or infinity: there is nothing worth saving")
    steps, losses = _history_arrays(net.history, fail)
    settings = net.settings if isinstance(net.settings, Settings) else None
    if settings is None:
        raise fail(f"net.settings must be an xorc Settings, got {type(net.settings).__name__}")
    meta = {
        "shape": list(net.shape),
        "task": _plain(settings.task),
        **{option.name: _plain(_option_value(net, option.name)) for option in OPTIONS if option.model},
        "steps_trained": _plain(net.steps_trained),
        "loss": float(losses[-1]) if len(losses) else None,
        "xorc_version": __version__,
        "optimizer_state": _state_meta(net.optimizer_state),
    }
    # The order of 0.2's keys, so that a network saves to the same bytes; a newer option's key follows.
    meta = {key: meta[key] for key in sorted(meta, key=lambda key: _KEY_ORDER.get(key, len(_KEY_ORDER)))}

    def label(key: str) -> str:
        if key == "loss":
            return "net.history's last loss"
        return "net.settings." + key if key in _SETTINGS or key == "task" else "net." + key

    _check_meta(meta, fail, label)
    _check_history(steps, losses, meta, fail, "net.history")

    arrays: dict[str, Any] = {
        "format_version": np.array(FORMAT_VERSION, dtype=np.int64),
        "meta": np.array(json.dumps(meta, allow_nan=False)),
        **weights,
        "history_step": steps,
        "history_loss": losses,
    }
    state = net.optimizer_state
    if state is not None:
        if not np.all(np.isfinite(state.values)):
            raise ValueError("the network's optimizer state contains NaN or infinity: there is nothing worth saving")
        arrays["optimizer_state"] = state.values

    def write(file: BinaryIO) -> None:
        np.savez(file, **arrays)

    write_atomically(path, write)


def _state_meta(state: OptimizerState | None) -> dict[str, Any] | None:
    """What the optimizer state belongs to, as the metadata keeps it."""
    if state is None:
        return None
    return {"optimizer": state.optimizer, "momentum": state.momentum, "updates": state.updates}


def _state_meta_ok(value: Any) -> bool:
    """An optimizer_state's metadata that xorc can have written."""
    if not (isinstance(value, dict) and set(value) == {"optimizer", "momentum", "updates"}):
        return False
    optimizer, momentum = value["optimizer"], value["momentum"]
    if optimizer not in _settings.STATEFUL or not is_whole(value["updates"], 1):
        return False
    if optimizer in _settings.USES_MOMENTUM:
        return is_finite_number(momentum) and 0 <= momentum < 1
    return momentum is None


#: The recipe's options that model files keep from format 2 on.
_FORMAT_2_OPTIONS = ("activation", "optimizer", "momentum", "update", "init")


def _check_state(state: np.ndarray, optimizer: str, fail: _Fail) -> None:
    """Values the optimizer can have reached: Adam's second moments (the second half) ≥ 0, RPROP's step
    sizes (the first half) within [0, 50]."""
    first, second = state[: state.size // 2], state[state.size // 2 :]
    if optimizer == "adam" and np.any(second < 0):
        raise fail("optimizer_state holds a negative second moment of Adam's, which is a mean of squares")
    if optimizer == "rprop" and np.any((first < 0) | (first > 50)):
        raise fail("optimizer_state holds an RPROP step size outside [0, 50]")


def _plain(value: Any) -> Any:
    """A numpy scalar or dtype as the Python number, bool or str it holds (JSON knows only those)."""
    if isinstance(value, np.dtype):
        return value.name
    return value.item() if isinstance(value, np.generic) else value


def _option_value(net: Network, name: str) -> Any:
    """The value of the recipe's option `name` for `net`: in its settings, or a property (bias, dtype)."""
    return getattr(net.settings, name) if name in _SETTINGS else getattr(net, name)


#: The Settings fields, which model files keep under the names of the options.
_SETTINGS = tuple(field.name for field in dataclasses.fields(Settings))
#: The order of the metadata's keys in the files of xorc 0.2.
_KEY_ORDER = {
    key: place
    for place, key in enumerate(
        ("shape", "dtype", "bias", "task", "lr", "seed", "steps_trained", "loss", "xorc_version")
    )
}


def _history_arrays(history: Any, fail: _Fail) -> tuple[np.ndarray, np.ndarray]:
    """net.history, a list of (step, loss), as the int64 and float64 arrays a file holds."""
    if not isinstance(history, list):
        raise fail(f"net.history must be a list of (step, loss), got {type(history).__name__}")
    steps, losses = [], []
    for k, point in enumerate(history):
        if not (isinstance(point, tuple | list) and len(point) == 2):
            raise fail(f"net.history[{k}] must be a pair (step, loss), got {short(point)}")
        step, loss = point
        whole = isinstance(step, numbers.Integral) and not isinstance(step, bool | np.bool_)
        if not (whole and 0 <= int(step) <= _INT64_MAX):
            raise fail(f"net.history[{k}]'s step must be a whole number ≥ 0, got {short(step)}")
        if isinstance(loss, bool | np.bool_) or not isinstance(loss, numbers.Real):
            raise fail(f"net.history[{k}]'s loss must be a number, got {short(loss)}")
        steps.append(int(step))
        losses.append(float(loss))
    if not all(math.isfinite(loss) for loss in losses):
        raise ValueError("the network's history holds a NaN or infinite loss: there is nothing worth saving")
    return np.array(steps, dtype=np.int64), np.array(losses, dtype=np.float64)


def load(path: str | os.PathLike[str]) -> Network:
    """The Network saved at `path`, predicting and training on bit for bit as the saved one.

    Raises ModelFileError (a ValueError) naming the file and the problem when the file
    is missing or unreadable, not a regular file, damaged, not an xorc model, from a
    newer format version, holds members or sizes its metadata does not declare, weights
    of the wrong shape or dtype, NaN or infinity, or pickled objects, or does not fit in memory.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or path-like, got {type(path).__name__}")
    name = os.fspath(path)

    def fail(problem: str) -> ModelFileError:
        return ModelFileError(f"model file {name!r}: {problem}")

    with _npz.reading(name, fail) as file, _npz.archive_of(file, fail, "an .npz archive") as archive:
        return _read_network(_npz.Members(archive, fail, _MEMBERS, compressed=True), fail)


def _read_network(members: _npz.Members, fail: _npz.Fail) -> Network:
    if "format_version" not in members:
        raise fail("not an xorc model file (it has no 'format_version' array)")
    members.refuse_unknown("an xorc model")
    version = members.read("format_version", shape=(), kinds="iu", max_itemsize=8, wanted="a whole number")
    if int(version) > FORMAT_VERSION:
        raise fail(
            f"format version {int(version)} is newer than this xorc {__version__} reads "
            f"(up to {FORMAT_VERSION}); upgrade xorc to load it"
        )
    if int(version) < 1:
        raise fail(f"format version {int(version)} is not valid")

    meta = _read_meta(members, fail, int(version))
    n_in, hidden, n_out = meta["shape"]
    dtype = _DTYPES[meta["dtype"]]
    expected: dict[str, tuple[int, ...]] = {"W1": (n_in, hidden), "W2": (hidden, n_out)}
    if meta["bias"]:
        expected.update(b1=(hidden,), b2=(n_out,))
    for key in ("b1", "b2"):
        if key in members and not meta["bias"]:
            raise fail(f"holds a {key} array but its metadata says the network has no biases")
    weights = {key: members.read(key, shape=shape, dtype=dtype) for key, shape in expected.items()}
    for key, array in weights.items():
        if not np.all(np.isfinite(array)):
            raise fail(f"{key} contains NaN or infinity")

    # A history has at most one point per step trained, and its two arrays the same length.
    steps = members.read("history_step", dtype=np.dtype(np.int64), max_length=meta["steps_trained"] + 1)
    losses = members.read("history_loss", dtype=np.dtype(np.float64), length_of=("history_step", steps.shape[0]))
    _check_history(steps, losses, meta, fail, "the history")

    state = None
    if meta["optimizer_state"] is not None:
        length = 2 * sum(math.prod(shape) for shape in expected.values())
        state = members.read("optimizer_state", shape=(length,), dtype=dtype)
        if not np.all(np.isfinite(state)):
            raise fail("optimizer_state contains NaN or infinity")
    elif "optimizer_state" in members:
        raise fail("holds an optimizer_state array but its metadata says the network has none")
    if state is not None:
        _check_state(state, meta["optimizer_state"]["optimizer"], fail)
    try:
        net = Network(weights["W1"], weights["W2"], weights.get("b1"), weights.get("b2"), meta["activation"])
    except (TypeError, ValueError) as error:
        raise fail(str(error)) from None
    if state is not None:
        net._state_key = (meta["optimizer_state"]["optimizer"], meta["optimizer_state"]["momentum"])
        net._state_updates = meta["optimizer_state"]["updates"]
        net._state = np.array(state, dtype=dtype)
    net.steps_trained = meta["steps_trained"]
    net.history = [(int(step), float(loss)) for step, loss in zip(steps, losses, strict=True)]
    net.settings = Settings(
        task=meta["task"],
        **{option.name: meta[option.name] for option in OPTIONS if option.model and option.name in _SETTINGS},
    )
    return net


def _read_meta(members: _npz.Members, fail: _npz.Fail, version: int) -> dict[str, Any]:
    """The metadata, parsed and checked field by field."""
    meta = members.read_meta()
    if version < 2:  # before recipes: the defaults, and no optimizer state
        newer = [key for key in ("optimizer_state", *_FORMAT_2_OPTIONS) if key in meta]
        if newer or "optimizer_state" in members:
            raise fail(f"format version {version} has no {(newer or ['optimizer_state'])[0]!r}")
        meta["optimizer_state"] = None
    values = _check_meta(meta, fail, lambda key: f"the metadata's {key!r}")
    return {**meta, **values}


#: The fields of the metadata beside the recipe's options (``xorc.recipe``, the ones it keeps "model").
_FIELDS: dict[str, _npz.Field] = {
    "shape": (
        lambda v: isinstance(v, list) and len(v) == 3 and all(is_whole(n, 1) for n in v),
        "3 sizes ≥ 1",
        False,
    ),
    "task": (lambda v: isinstance(v, str), "a string or null", True),
    "steps_trained": (lambda v: is_whole(v, 0), f"a whole number from 0 to {_INT64_MAX}", False),
    "loss": (lambda v: is_finite_number(v) and v >= 0, "a number ≥ 0 or null", True),
    "xorc_version": (lambda v: isinstance(v, str), "a string", False),
    "optimizer_state": (
        _state_meta_ok,
        "null or {optimizer: one with state, momentum: mu for momentum and nesterov else null, updates: ≥ 1}",
        True,
    ),
}


def _check_meta(meta: dict[str, Any], fail: Callable[[str], Exception], label: Callable[[str], str]) -> dict[str, Any]:
    """Every field of `meta` present and valid, and its task one of its shape; `label` names a field.
    Returns the recipe's options it holds, by name, as the API takes them."""
    _npz.check_fields(meta, _FIELDS, fail, label)
    values = read_meta(meta, "model", _FIELDS, fail, label)
    n_in, hidden, n_out = meta["shape"]
    weights = (n_in * hidden + hidden * n_out + hidden + n_out) * _DTYPES[meta["dtype"]].itemsize
    if weights > sys.maxsize:
        raise fail(f"its shape {tuple(meta['shape'])} needs more memory than this machine can address")
    task = meta["task"]
    if task in TASKS:
        table_X, table_y = truth_table(task)
        if (table_X.shape[1], table_y.shape[1]) != (n_in, n_out):
            raise fail(
                f"its task {task!r} has {table_X.shape[1]} inputs and {table_y.shape[1]} output, "
                f"but its weights have {n_in} and {n_out}"
            )
    return values


def _check_history(steps: np.ndarray, losses: np.ndarray, meta: dict[str, Any], fail: _Fail, name: str) -> None:
    """The history's steps increasing within [0, steps_trained], its losses finite, ≥ 0, the last in meta."""
    if steps.shape != losses.shape:
        raise fail(f"history_step {steps.shape} and history_loss {losses.shape} differ in length")
    if not np.all(np.isfinite(losses)):
        raise fail("history_loss contains NaN or infinity")
    if np.any(losses < 0):
        raise fail(f"{name} holds a negative loss, but a sum of squares is ≥ 0")
    if steps.size and (steps[0] < 0 or np.any(np.diff(steps) <= 0)):
        raise fail(f"{name}'s steps must increase from 0 or more, got {short(steps.tolist())}")
    if steps.size and steps[-1] > meta["steps_trained"]:
        raise fail(f"{name} reaches step {steps[-1]}, beyond the {meta['steps_trained']} steps trained")
    last = float(losses[-1]) if losses.size else None
    if meta["loss"] != last:
        raise fail(f"its metadata's loss {meta['loss']!r} is not the last loss of its history, {last!r}")
