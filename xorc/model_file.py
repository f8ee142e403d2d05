"""Model files: a Network saved in numpy's .npz format, written atomically, read without pickle.

A model file is a zip of .npy arrays, as ``np.savez`` writes it, and nothing else:

- ``format_version``: int64 scalar, FORMAT_VERSION; a reader refuses a newer one.
- ``meta``: a string scalar holding a JSON object: ``shape`` [n_in, hidden, n_out],
  ``dtype``, ``bias``, ``task``, ``lr``, ``seed``, ``steps_trained``, ``loss`` (the
  last of the history) and ``xorc_version``; null where xorc does not know the value.
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

import contextlib
import json
import math
import numbers
import os
import stat
import sys
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, Any, BinaryIO

import numpy as np

from ._files import write_atomically
from ._validate import DTYPES, SEED_MAX
from ._version import __version__
from .data import TASKS, truth_table
from .network import Network, Settings

#: The version of the layout written by this xorc; files with a higher one are refused.
FORMAT_VERSION = 1

_DTYPES: dict[str, np.dtype] = {name: np.dtype(name) for name in DTYPES}
_INT64_MAX = 2**63 - 1
#: The members of a model file, each stored as "<name>.npy"; the biases only with bias.
_MEMBERS = ("format_version", "meta", "W1", "W2", "b1", "b2", "history_step", "history_loss")
#: The longest metadata read, in characters (xorc writes about 200).
_META_MAX = 1 << 16


class ModelFileError(ValueError):
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
        "dtype": net.dtype.name,
        "bias": net.bias,
        "task": _plain(settings.task),
        "lr": _plain(settings.lr),
        "seed": _plain(settings.seed),
        "steps_trained": _plain(net.steps_trained),
        "loss": float(losses[-1]) if len(losses) else None,
        "xorc_version": __version__,
    }
    attribute = {"task": "settings.task", "lr": "settings.lr", "seed": "settings.seed", "loss": "history's last loss"}
    _check_meta(meta, fail, lambda key: "net." + attribute.get(key, key))
    _check_history(steps, losses, meta, fail, "net.history")

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


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python number, bool or str it holds (JSON knows only those)."""
    return value.item() if isinstance(value, np.generic) else value


def _history_arrays(history: Any, fail: _Fail) -> tuple[np.ndarray, np.ndarray]:
    """net.history, a list of (step, loss), as the int64 and float64 arrays a file holds."""
    if not isinstance(history, list):
        raise fail(f"net.history must be a list of (step, loss), got {type(history).__name__}")
    steps, losses = [], []
    for k, point in enumerate(history):
        if not (isinstance(point, tuple | list) and len(point) == 2):
            raise fail(f"net.history[{k}] must be a pair (step, loss), got {_short(point)}")
        step, loss = point
        whole = isinstance(step, numbers.Integral) and not isinstance(step, bool | np.bool_)
        if not (whole and 0 <= int(step) <= _INT64_MAX):
            raise fail(f"net.history[{k}]'s step must be a whole number ≥ 0, got {_short(step)}")
        if isinstance(loss, bool | np.bool_) or not isinstance(loss, numbers.Real):
            raise fail(f"net.history[{k}]'s loss must be a number, got {_short(loss)}")
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

    try:
        with _open_regular(name, fail) as file:
            return _read_model(file, fail)
    except MemoryError:
        raise fail("does not fit in memory (the network it declares is too large for this machine)") from None
    except RecursionError:
        raise fail("damaged: its contents are nested too deeply to read") from None


@contextlib.contextmanager
def _open_regular(name: str, fail: _Fail) -> Iterator[IO[bytes]]:
    """The file `name`, opened for reading if it is a regular file.

    Opened without blocking and checked on the open descriptor (no race between a check
    and the open): a FIFO would otherwise block forever, and a device is not a model.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(name, flags)
    except FileNotFoundError:
        raise fail("no such file") from None
    except IsADirectoryError:
        raise fail("is a folder, not a file") from None
    except OSError as error:
        raise fail(f"cannot be read ({error.strerror or error})") from None
    except ValueError as error:  # a NUL character, or a name the system cannot encode
        raise fail(f"is not a usable path ({error})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise fail("is a folder, not a file")
        if not stat.S_ISREG(mode):
            raise fail("is not a regular file (a device, FIFO or socket); a model file is a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        file = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with file:
        yield file


def _read_model(file: IO[bytes], fail: _Fail) -> Network:
    magic = file.read(len(_NPY_MAGIC))
    if not magic:
        raise fail("is empty")
    if magic.startswith(_NPY_MAGIC):
        raise fail("holds a single .npy array, not an xorc model (.npz)")
    if magic.startswith(_PICKLE_MAGIC):
        raise fail("is a Python pickle, which xorc never loads")
    if not magic.startswith(_ZIP_MAGIC):
        raise fail("not an .npz archive (it does not begin as a zip file does)")
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except Exception as error:
        # Whatever zipfile raises on a zip that cannot be opened (a truncated file, a
        # damaged directory): the file is damaged, and the user is told so.
        raise fail(f"damaged, not a readable .npz archive ({_detail(error)})") from None
    with archive:
        return _read_network(_Members(archive, fail), fail)


def _read_network(members: _Members, fail: _Fail) -> Network:
    if "format_version" not in members:
        raise fail("not an xorc model file (it has no 'format_version' array)")
    members.refuse_unknown()
    version = members.read("format_version", shape=(), kinds="iu", max_itemsize=8, wanted="a whole number")
    if int(version) > FORMAT_VERSION:
        raise fail(
            f"format version {int(version)} is newer than this xorc {__version__} reads "
            f"(up to {FORMAT_VERSION}); upgrade xorc to load it"
        )
    if int(version) < 1:
        raise fail(f"format version {int(version)} is not valid")

    meta = _read_meta(members, fail)
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

    try:
        net = Network(*weights.values())
    except (TypeError, ValueError) as error:
        raise fail(str(error)) from None
    net.steps_trained = meta["steps_trained"]
    net.history = [(int(step), float(loss)) for step, loss in zip(steps, losses, strict=True)]
    net.settings = Settings(task=meta["task"], lr=meta["lr"], seed=meta["seed"])
    return net


class _Members:
    """The arrays of an open .npz archive, each read only after its header is checked."""

    def __init__(self, archive: zipfile.ZipFile, fail: _Fail) -> None:
        self.archive = archive
        self.fail = fail
        self.infos: dict[str, zipfile.ZipInfo] = {}
        self.unknown: list[str] = []
        for info in archive.infolist():
            key = info.filename.removesuffix(".npy")
            if key not in _MEMBERS or not info.filename.endswith(".npy"):
                self.unknown.append(info.filename)
            elif key in self.infos:
                # A zip may hold two members of one name, and readers differ on which one counts.
                raise fail(f"holds the array {key!r} twice")
            else:
                self.infos[key] = info

    def refuse_unknown(self) -> None:
        """Refuse a member that is not one of a model's: xorc reads nothing it does not check."""
        if self.unknown:
            known = ", ".join(_MEMBERS)
            raise self.fail(f"holds a member {self.unknown[0][:40]!r} that is not part of an xorc model ({known})")

    def __contains__(self, key: str) -> bool:
        return key in self.infos

    def read(
        self,
        key: str,
        *,
        dtype: np.dtype | None = None,
        kinds: str = "",
        max_itemsize: int | None = None,
        wanted: str = "",
        shape: tuple[int, ...] | None = None,
        max_length: int | None = None,
        length_of: tuple[str, int] | None = None,
    ) -> np.ndarray:
        """The array `key`, in native byte order and C order.

        Its .npy header must declare `dtype` (in either byte order; or, without it, one of
        `kinds` of at most `max_itemsize` bytes, described as `wanted`) and `shape` (or, without it, a 1-D length of
        at most `max_length`, or exactly the length of another array, `length_of`), and the
        member must hold exactly the bytes the header declares. All this is checked before
        memory is taken for the data.
        """
        fail = self.fail
        if key not in self.infos:
            raise fail(f"the array {key!r} is missing")
        info = self.infos[key]
        try:
            with self.archive.open(info) as stream:
                declared_shape, fortran, declared = _npy_header(stream)
                if declared.hasobject:
                    raise fail(f"its array {key!r} holds pickled Python objects, which xorc never loads")
                native = declared.newbyteorder("=")
                if dtype is not None and native != dtype:
                    raise fail(f"{key} has dtype {declared}, expected {dtype}")
                if dtype is None and (native.kind not in kinds or native.itemsize > (max_itemsize or 0)):
                    raise fail(f"{key} must be {wanted}, got {declared} {declared_shape}")
                if shape == () and declared_shape != () and wanted:
                    raise fail(f"{key} must be {wanted}, got {declared} {declared_shape}")
                if shape is not None and declared_shape != shape:
                    raise fail(f"{key} has shape {declared_shape}, expected {shape}")
                if shape is None and len(declared_shape) != 1:
                    raise fail(f"{key} must be 1-D, got shape {declared_shape}")
                if length_of is not None and declared_shape[0] != length_of[1]:
                    raise fail(f"{length_of[0]} ({length_of[1]},) and {key} {declared_shape} differ in length")
                if max_length is not None and declared_shape[0] > max_length:
                    raise fail(f"{key} holds {declared_shape[0]} points, more than the steps trained allow")
                count = math.prod(declared_shape)
                size = count * declared.itemsize
                if info.file_size != stream.tell() + size:
                    raise fail(
                        f"damaged: its array {key!r} is {info.file_size} bytes, but its header declares "
                        f"{stream.tell()} + {size}"
                    )
                data = np.empty(count, dtype=declared)
                _read_into(stream, data.view(np.uint8).data)
                if stream.read(1):  # (reading to the end also checks the member's CRC-32)
                    raise fail(f"damaged: its array {key!r} holds more than its header declares")
        except ModelFileError:
            raise
        except (MemoryError, RecursionError):
            raise
        except Exception as error:
            # Whatever zipfile or numpy raise on a damaged member: a bad CRC, a broken
            # header, a compression it does not know, an encrypted member.
            raise fail(f"damaged: its array {key!r} cannot be read ({_detail(error)})") from None
        array = data.reshape(declared_shape, order="F" if fortran else "C")
        return array.astype(native, order="C", copy=False)


def _npy_header(stream: IO[bytes]) -> tuple[tuple[int, ...], bool, np.dtype]:
    """(shape, fortran_order, dtype) of the .npy array that `stream` starts with."""
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(stream)
    if version == (2, 0):
        return np.lib.format.read_array_header_2_0(stream)
    raise ValueError(f"npy format version {version}, which np.savez does not write for xorc's arrays")


def _read_into(stream: IO[bytes], buffer: memoryview) -> None:
    done = 0
    while done < len(buffer):
        got = stream.readinto(buffer[done:])  # type: ignore[attr-defined]
        if not got:
            raise EOFError(f"the data ends after {done} of {len(buffer)} bytes")
        done += got


_ZIP_MAGIC = b"PK\x03\x04"
_NPY_MAGIC = b"\x93NUMPY"
_PICKLE_MAGIC = b"\x80"


def _detail(error: BaseException) -> str:
    """An exception as a short single line: its type and the start of its message."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text if len(text) <= 150 else text[:147] + "..."


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _read_meta(members: _Members, fail: _Fail) -> dict[str, Any]:
    """The metadata, parsed and checked field by field."""
    wanted = f"a single string of at most {_META_MAX} characters"
    raw = members.read("meta", shape=(), kinds="U", max_itemsize=4 * _META_MAX, wanted=wanted)
    try:
        meta = json.loads(str(raw[()]))
    except ValueError as error:
        raise fail(f"the metadata is not valid JSON ({error})") from None
    if not isinstance(meta, dict):
        raise fail("the metadata is not a JSON object")
    _check_meta(meta, fail, lambda key: f"the metadata's {key!r}")
    if meta["lr"] is not None:
        meta["lr"] = float(meta["lr"])
    return meta


def _whole(value: Any, minimum: int, maximum: int = _INT64_MAX) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and minimum <= value <= maximum


def _number(value: Any) -> bool:
    """A finite real number (an int too large for a float is not one)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


#: The fields of the metadata: (check, what it must be, whether None is allowed).
_FIELDS: dict[str, tuple[Callable[[Any], bool], str, bool]] = {
    "shape": (
        lambda v: isinstance(v, list) and len(v) == 3 and all(_whole(n, 1) for n in v),
        "3 sizes ≥ 1",
        False,
    ),
    "dtype": (lambda v: isinstance(v, str) and v in _DTYPES, " or ".join(repr(name) for name in DTYPES), False),
    "bias": (lambda v: isinstance(v, bool), "true or false", False),
    "task": (lambda v: isinstance(v, str), "a string or null", True),
    "lr": (lambda v: _number(v) and v > 0, "a number > 0 or null", True),
    "seed": (lambda v: _whole(v, 0, SEED_MAX), f"a whole number from 0 to {SEED_MAX} or null", True),
    "steps_trained": (lambda v: _whole(v, 0), f"a whole number from 0 to {_INT64_MAX}", False),
    "loss": (lambda v: _number(v) and v >= 0, "a number ≥ 0 or null", True),
    "xorc_version": (lambda v: isinstance(v, str), "a string", False),
}


def _check_meta(meta: dict[str, Any], fail: _Fail, label: Callable[[str], str]) -> None:
    """Every field of `meta` present and valid, and its task one of its shape; `label` names a field."""
    for key, (check, wanted, optional) in _FIELDS.items():
        if key not in meta:
            raise fail(f"the metadata has no {key!r}")
        value = meta[key]
        if (value is None and not optional) or (value is not None and not check(value)):
            raise fail(f"{label(key)} must be {wanted}, got {_short(value)}")
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


def _check_history(steps: np.ndarray, losses: np.ndarray, meta: dict[str, Any], fail: _Fail, name: str) -> None:
    """The history's steps increasing within [0, steps_trained], its losses finite, ≥ 0, the last in meta."""
    if steps.shape != losses.shape:
        raise fail(f"history_step {steps.shape} and history_loss {losses.shape} differ in length")
    if not np.all(np.isfinite(losses)):
        raise fail("history_loss contains NaN or infinity")
    if np.any(losses < 0):
        raise fail(f"{name} holds a negative loss, but a sum of squares is ≥ 0")
    if steps.size and (steps[0] < 0 or np.any(np.diff(steps) <= 0)):
        raise fail(f"{name}'s steps must increase from 0 or more, got {_short(steps.tolist())}")
    if steps.size and steps[-1] > meta["steps_trained"]:
        raise fail(f"{name} reaches step {steps[-1]}, beyond the {meta['steps_trained']} steps trained")
    last = float(losses[-1]) if losses.size else None
    if meta["loss"] != last:
        raise fail(f"its metadata's loss {meta['loss']!r} is not the last loss of its history, {last!r}")
