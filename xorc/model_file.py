"""Model files: a Network saved in numpy's .npz format, written atomically, read without pickle.

A model file is a zip of .npy arrays, as ``np.savez`` writes it:

- ``format_version``: int64 scalar, FORMAT_VERSION; a reader refuses a newer one.
- ``meta``: a string scalar holding a JSON object: ``shape`` [n_in, hidden, n_out],
  ``dtype``, ``bias``, ``task``, ``lr``, ``seed``, ``steps_trained``, ``loss`` (the
  last of the history) and ``xorc_version``; null where xorc does not know the value.
- ``W1`` (n_in, hidden), ``W2`` (hidden, n_out), and ``b1`` (hidden,), ``b2``
  (n_out,) only when the network has biases: the weights, in its dtype.
- ``history_step`` int64 (k,) and ``history_loss`` float64 (k,): its history.

Reading never unpickles: ``np.load(..., allow_pickle=False)``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from typing import Any, BinaryIO

import numpy as np

from ._files import write_atomically
from ._validate import DTYPES
from ._version import __version__
from .data import TASKS, truth_table
from .network import Network, Settings

#: The version of the layout written by this xorc; files with a higher one are refused.
FORMAT_VERSION = 1

_DTYPES: dict[str, np.dtype] = {name: np.dtype(name) for name in DTYPES}


class ModelFileError(ValueError):
    """A model file that cannot be loaded; the message names the file and the problem."""


def save(net: Network, path: str | os.PathLike[str]) -> None:
    """Write `net` to `path` atomically (see ``Network.save``)."""
    if not isinstance(net, Network):
        raise TypeError(f"net must be an xorc.Network, got {type(net).__name__}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or path-like, got {type(path).__name__}")
    weights: dict[str, np.ndarray] = {"W1": net.W1, "W2": net.W2}
    if net.b1 is not None and net.b2 is not None:
        weights.update(b1=net.b1, b2=net.b2)
    for name, array in weights.items():
        if not np.all(np.isfinite(array)):
            raise ValueError(f"the network's {name} contains NaN or infinity: there is nothing worth saving")
    steps = np.array([step for step, _ in net.history], dtype=np.int64)
    losses = np.array([loss for _, loss in net.history], dtype=np.float64)
    if not np.all(np.isfinite(losses)):
        raise ValueError("the network's history holds a NaN or infinite loss: there is nothing worth saving")
    meta = {
        "shape": list(net.shape),
        "dtype": net.dtype.name,
        "bias": net.bias,
        "task": net.settings.task,
        "lr": net.settings.lr,
        "seed": net.settings.seed,
        "steps_trained": net.steps_trained,
        "loss": float(losses[-1]) if len(losses) else None,
        "xorc_version": __version__,
    }
    arrays: dict[str, Any] = {
        "format_version": np.array(FORMAT_VERSION, dtype=np.int64),
        "meta": np.array(json.dumps(meta, allow_nan=False)),
        **weights,
        "history_step": steps,
        "history_loss": losses,
    }

    def write(file: BinaryIO) -> None:
        np.savez(file, **arrays)

    write_atomically(path, write)


def load(path: str | os.PathLike[str]) -> Network:
    """The Network saved at `path`, predicting and training on bit for bit as the saved one.

    Raises ModelFileError (a ValueError) naming the file and the problem when the file
    is missing or unreadable, damaged, not an xorc model, from a newer format version,
    or holds weights of the wrong shape or dtype, NaN or infinity, or pickled objects.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or path-like, got {type(path).__name__}")
    name = os.fspath(path)
    arrays = _read_arrays(name)

    def fail(problem: str) -> ModelFileError:
        return ModelFileError(f"model file {name!r}: {problem}")

    if "format_version" not in arrays:
        raise fail("not an xorc model file (it has no 'format_version' array)")
    version = arrays["format_version"]
    if version.shape != () or version.dtype.kind not in "iu":
        raise fail(f"format_version must be a whole number, got {version.dtype} {version.shape}")
    if int(version) > FORMAT_VERSION:
        raise fail(
            f"format version {int(version)} is newer than this xorc {__version__} reads "
            f"(up to {FORMAT_VERSION}); upgrade xorc to load it"
        )
    if int(version) < 1:
        raise fail(f"format version {int(version)} is not valid")

    meta = _meta(arrays, fail)
    n_in, hidden, n_out = meta["shape"]
    dtype = _DTYPES[meta["dtype"]]
    expected: dict[str, tuple[int, ...]] = {"W1": (n_in, hidden), "W2": (hidden, n_out)}
    if meta["bias"]:
        expected.update(b1=(hidden,), b2=(n_out,))
    for key, shape in expected.items():
        _check_array(arrays, key, dtype, shape, fail)
    for key in ("b1", "b2"):
        if key in arrays and not meta["bias"]:
            raise fail(f"holds a {key} array but its metadata says the network has no biases")

    steps = _check_array(arrays, "history_step", np.dtype(np.int64), None, fail)
    losses = _check_array(arrays, "history_loss", np.dtype(np.float64), None, fail)
    if steps.shape != losses.shape:
        raise fail(f"history_step {steps.shape} and history_loss {losses.shape} differ in length")

    task = meta["task"]
    if task in TASKS:
        table_X, table_y = truth_table(task)
        if (table_X.shape[1], table_y.shape[1]) != (n_in, n_out):
            raise fail(
                f"its task {task!r} has {table_X.shape[1]} inputs and {table_y.shape[1]} output, "
                f"but its weights have {n_in} and {n_out}"
            )

    net = Network(*(arrays[key] for key in expected))
    net.steps_trained = meta["steps_trained"]
    net.history = [(int(step), float(loss)) for step, loss in zip(steps, losses, strict=True)]
    net.settings = Settings(task=task, lr=meta["lr"], seed=meta["seed"])
    return net


def _read_arrays(name: str) -> dict[str, np.ndarray]:
    """Every array of the .npz file `name`, read in full, or a ModelFileError saying why not."""

    def fail(problem: str) -> ModelFileError:
        return ModelFileError(f"model file {name!r}: {problem}")

    try:
        with open(name, "rb") as file:
            magic = file.read(len(_NPY_MAGIC))
    except FileNotFoundError:
        raise fail("no such file") from None
    except IsADirectoryError:
        raise fail("is a folder, not a file") from None
    except OSError as error:
        raise fail(f"cannot be read ({error.strerror or error})") from None
    if not magic:
        raise fail("is empty")
    if magic.startswith(_NPY_MAGIC):
        raise fail("holds a single .npy array, not an xorc model (.npz)")
    if magic.startswith(_PICKLE_MAGIC):
        raise fail("is a Python pickle, which xorc never loads")
    if not magic.startswith(_ZIP_MAGIC):
        raise fail("not an .npz archive (it does not begin as a zip file does)")
    try:
        archive = np.load(name, allow_pickle=False)
    except Exception as error:
        # Whatever numpy or zipfile raise on a zip that cannot be opened (a truncated
        # file, a damaged directory): the file is damaged, and the user is told so.
        raise fail(f"damaged, not a readable .npz archive ({_detail(error)})") from None
    arrays = {}
    with archive:
        for key in archive.files:
            try:
                arrays[key] = archive[key]
            except Exception as error:
                # An object array, which allow_pickle=False refuses to unpickle, or a damaged
                # member (a bad CRC, a broken header, a mangled name).
                if isinstance(error, ValueError) and "allow_pickle" in str(error):
                    raise fail(f"its array {key[:40]!r} holds pickled Python objects, which xorc never loads") from None
                raise fail(f"damaged: its array {key[:40]!r} cannot be read ({_detail(error)})") from None
    return arrays


_ZIP_MAGIC = b"PK\x03\x04"
_NPY_MAGIC = b"\x93NUMPY"
_PICKLE_MAGIC = b"\x80"


def _detail(error: BaseException) -> str:
    """An exception as a short single line: its type and the start of its message."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text if len(text) <= 150 else text[:147] + "..."


_Fail = Callable[[str], ModelFileError]


def _meta(arrays: dict[str, np.ndarray], fail: _Fail) -> dict[str, Any]:
    """The metadata, parsed and checked field by field."""
    if "meta" not in arrays:
        raise fail("the array 'meta' is missing")
    raw = arrays["meta"]
    if raw.shape != () or raw.dtype.kind != "U":
        raise fail(f"the array 'meta' must be a single string, got {raw.dtype} {raw.shape}")
    try:
        meta = json.loads(str(raw[()]))
    except ValueError as error:
        raise fail(f"the metadata is not valid JSON ({error})") from None
    if not isinstance(meta, dict):
        raise fail("the metadata is not a JSON object")

    def field(key: str, check: Any, wanted: str, optional: bool = False) -> None:
        if key not in meta:
            raise fail(f"the metadata has no {key!r}")
        value = meta[key]
        if (value is None and not optional) or (value is not None and not check(value)):
            raise fail(f"the metadata's {key!r} must be {wanted}, got {value!r}")

    def whole(value: Any, minimum: int) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= minimum

    def number(value: Any) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)

    field("shape", lambda v: isinstance(v, list) and len(v) == 3 and all(whole(n, 1) for n in v), "3 sizes ≥ 1")
    field("dtype", lambda v: v in _DTYPES, " or ".join(repr(name) for name in DTYPES))
    field("bias", lambda v: isinstance(v, bool), "true or false")
    field("task", lambda v: isinstance(v, str), "a string or null", optional=True)
    field("lr", lambda v: number(v) and v > 0, "a number > 0 or null", optional=True)
    field("seed", lambda v: whole(v, 0), "a whole number or null", optional=True)
    field("steps_trained", lambda v: whole(v, 0), "a whole number ≥ 0")
    field("loss", number, "a number or null", optional=True)
    field("xorc_version", lambda v: isinstance(v, str), "a string")
    if meta["lr"] is not None:
        meta["lr"] = float(meta["lr"])
    return meta


def _check_array(
    arrays: dict[str, np.ndarray], key: str, dtype: np.dtype, shape: tuple[int, ...] | None, fail: _Fail
) -> np.ndarray:
    """arrays[key], checked: present, of `dtype` (native byte order), of `shape` (any 1-D if None), finite."""
    if key not in arrays:
        raise fail(f"the array {key!r} is missing")
    array = arrays[key]
    if array.dtype != dtype:
        raise fail(f"{key} has dtype {array.dtype}, expected {dtype}")
    if shape is None:
        if array.ndim != 1:
            raise fail(f"{key} must be 1-D, got shape {array.shape}")
    elif array.shape != shape:
        raise fail(f"{key} has shape {array.shape}, expected {shape}")
    if dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise fail(f"{key} contains NaN or infinity")
    return array
