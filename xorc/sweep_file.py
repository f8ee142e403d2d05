"""Sweep files: a sweep's finished seeds, kept as it runs (checkpoints) and read back.

A sweep file is a zip archive of .npy arrays (numpy's .npz), without pickles and
without compression, written by one writer so that its bytes depend on nothing but
the recipe and the results: the members in a fixed order, each dated 1980-01-01,
the seeds in increasing order. A sweep interrupted and resumed any number of times
therefore ends with the very bytes of an uninterrupted run.

Members, in this order:

- ``meta``: a string scalar holding a JSON object (keys sorted): ``format``
  ("xorc sweep"), ``format_version`` (1), ``task`` (the name of the truth table X, y
  are, or null), ``shape`` [n_in, hidden, n_out], ``bias``, ``lr``, ``steps``,
  ``dtype``, ``check_every``, ``rows`` and ``n_seeds``.
- ``X`` (rows, n_in) and ``y`` (rows, n_out): the data, in the sweep's dtype.
- ``seeds`` int64 (n,), strictly increasing; ``losses`` float64 (n,);
  ``outputs`` (n, rows, n_out) in the sweep's dtype; ``learned_at`` int64 (n,).

Reading trusts nothing: the file must be a regular file; the archive must hold
exactly these members, uncompressed, each no larger than its shape in ``meta``
implies, which is checked before a member is read; every value is then checked.
Any failure is a ``SweepFileError`` (a ValueError) naming the file.
"""

from __future__ import annotations

import io
import json
import math
import os
import stat
import zipfile
from typing import Any, BinaryIO

import numpy as np

from ._files import write_atomically
from ._sweep_chunks import Recipe
from ._validate import DTYPES, SEED_MAX
from .data import task_of

FORMAT = "xorc sweep"
#: The version of the layout written by this xorc; files with a higher one are refused.
FORMAT_VERSION = 1
MEMBERS = ("meta", "X", "y", "seeds", "losses", "outputs", "learned_at")
#: The date of every member: zip's earliest, so that the bytes do not depend on when they were written.
_DATE = (1980, 1, 1, 0, 0, 0)
#: The largest metadata member read (it holds a small JSON object).
_META_MAX = 1 << 16
#: An .npy header is at most this long (numpy pads it to 64 bytes; version 1 holds 65535).
_HEADER_MAX = 65536 + 16


class SweepFileError(ValueError):
    """A sweep file that cannot be read, or that belongs to another recipe; the message names the file."""


class Contents:
    """What a sweep file holds: its recipe and, per seed (increasing), the results."""

    def __init__(
        self, recipe: Recipe, seeds: np.ndarray, losses: np.ndarray, outputs: np.ndarray, learned_at: np.ndarray
    ) -> None:
        self.recipe = recipe
        self.seeds = seeds
        self.losses = losses
        self.outputs = outputs
        self.learned_at = learned_at


def write(
    path: str | os.PathLike[str],
    recipe: Recipe,
    seeds: np.ndarray,
    losses: np.ndarray,
    outputs: np.ndarray,
    learned_at: np.ndarray,
) -> None:
    """Write a sweep file atomically: the results of `seeds` (any order; written in increasing order)."""
    order = np.argsort(seeds, kind="stable")
    n_in, hidden, n_out = recipe.shape
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "task": task_of(recipe.X, recipe.y),
        "shape": [n_in, hidden, n_out],
        "bias": recipe.bias,
        "lr": recipe.lr,
        "steps": recipe.steps,
        "dtype": recipe.dtype,
        "check_every": recipe.check_every,
        "rows": int(recipe.X.shape[0]),
        "n_seeds": int(seeds.size),
    }
    arrays = {
        "meta": np.array(json.dumps(meta, sort_keys=True, allow_nan=False)),
        "X": recipe.X,
        "y": recipe.y,
        "seeds": np.ascontiguousarray(seeds[order], dtype=np.int64),
        "losses": np.ascontiguousarray(losses[order], dtype=np.float64),
        "outputs": np.ascontiguousarray(outputs[order], dtype=recipe.dtype),
        "learned_at": np.ascontiguousarray(learned_at[order], dtype=np.int64),
    }

    def write_archive(file: BinaryIO) -> None:
        with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_STORED) as archive:
            for name in MEMBERS:
                info = zipfile.ZipInfo(name + ".npy", date_time=_DATE)
                info.create_system = 3  # fixed (Unix), so the bytes do not depend on the system either
                info.external_attr = 0o644 << 16
                buffer = io.BytesIO()
                np.lib.format.write_array(buffer, arrays[name], version=(1, 0), allow_pickle=False)
                archive.writestr(info, buffer.getvalue())

    write_atomically(path, write_archive)


def read(path: str | os.PathLike[str]) -> Contents:
    """The contents of the sweep file at `path`, checked; SweepFileError naming the file and the problem."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or path-like, got {type(path).__name__}")
    name = os.fspath(path)

    def fail(problem: str) -> SweepFileError:
        return SweepFileError(f"sweep file {name!r}: {problem}")

    try:
        mode = os.stat(name).st_mode
    except FileNotFoundError:
        raise fail("no such file") from None
    except (OSError, ValueError) as error:
        raise fail(f"cannot be read ({_detail(error)})") from None
    if not stat.S_ISREG(mode):
        raise fail("is a folder" if stat.S_ISDIR(mode) else "is not a regular file")
    try:
        with open(name, "rb") as file:
            if file.read(4) != b"PK\x03\x04":
                raise fail("not an xorc sweep file (it does not begin as a zip archive does)")
            file.seek(0)
            with zipfile.ZipFile(file) as archive:
                return _read_archive(archive, fail)
    except SweepFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
        raise fail(f"damaged, not a readable zip archive ({_detail(error)})") from None
    except OSError as error:
        raise fail(f"cannot be read ({_detail(error)})") from None


def _read_archive(archive: zipfile.ZipFile, fail: Any) -> Contents:
    infos = archive.infolist()
    names = [info.filename for info in infos]
    expected = [member + ".npy" for member in MEMBERS]
    if len(set(names)) != len(names):
        raise fail("damaged: a member appears twice in the archive")
    if "meta.npy" not in names:
        raise fail("not an xorc sweep file (it has no 'meta' member)")
    unexpected = sorted(set(names) - set(expected))
    if unexpected:
        raise fail(f"not an xorc sweep file: unexpected member {unexpected[0][:40]!r}")
    missing = [member for member in expected if member not in names]
    if missing:
        raise fail(f"damaged: the member {missing[0]!r} is missing")
    by_name = {info.filename: info for info in infos}
    for info in infos:
        if info.compress_type != zipfile.ZIP_STORED:
            raise fail(f"the member {info.filename!r} is compressed; xorc writes sweep files uncompressed")

    raw_meta = _read_member(archive, by_name["meta.npy"], fail, _META_MAX)
    if raw_meta.shape != () or raw_meta.dtype.kind != "U":
        raise fail(f"'meta' must be a single string, got {raw_meta.dtype} {raw_meta.shape}")
    meta = _meta(str(raw_meta[()]), fail)
    n_in, hidden, n_out = meta["shape"]
    rows, n = meta["rows"], meta["n_seeds"]
    dtype = np.dtype(meta["dtype"])
    layout: dict[str, tuple[np.dtype, tuple[int, ...]]] = {
        "X": (dtype, (rows, n_in)),
        "y": (dtype, (rows, n_out)),
        "seeds": (np.dtype(np.int64), (n,)),
        "losses": (np.dtype(np.float64), (n,)),
        "outputs": (dtype, (n, rows, n_out)),
        "learned_at": (np.dtype(np.int64), (n,)),
    }
    arrays = {}
    for member, (kind, shape) in layout.items():
        limit = math.prod(shape) * kind.itemsize + _HEADER_MAX
        array = _read_member(archive, by_name[member + ".npy"], fail, limit)
        if array.dtype != kind or array.shape != shape:
            raise fail(f"{member} has {array.dtype} {array.shape}, expected {kind} {shape}")
        arrays[member] = array

    X, y, seeds, learned_at = arrays["X"], arrays["y"], arrays["seeds"], arrays["learned_at"]
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise fail("X or y contains NaN or infinity")
    if np.any(y == 0.5):
        raise fail("y contains 0.5, which no sweep trains on")
    if n and (seeds[0] < 0 or seeds[-1] > SEED_MAX or np.any(np.diff(seeds) <= 0)):
        raise fail(f"its seeds must be increasing and lie in [0, {SEED_MAX}]")
    steps, check_every = meta["steps"], meta["check_every"]
    checked = (learned_at == -1) | ((learned_at >= 0) & (learned_at % check_every == 0)) | (learned_at == steps)
    if not np.all(checked & (learned_at <= steps)):
        raise fail("learned_at holds a step that is not a checked step of the recipe")
    recipe = Recipe(
        X=X,
        y=y,
        shape=(n_in, hidden, n_out),
        bias=meta["bias"],
        lr=meta["lr"],
        steps=steps,
        dtype=dtype.name,
        check_every=check_every,
    )
    if task_of(X, y) != meta["task"]:
        raise fail(f"its task {meta['task']!r} does not match its X and y")
    return Contents(recipe, seeds, arrays["losses"], arrays["outputs"], learned_at)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, fail: Any, limit: int) -> np.ndarray:
    """One .npy member, its declared size checked against `limit` before anything is read."""
    if info.file_size > limit:
        raise fail(f"the member {info.filename!r} is larger ({info.file_size} bytes) than its shape allows")
    try:
        data = archive.read(info)
        return np.lib.format.read_array(io.BytesIO(data), allow_pickle=False)
    except Exception as error:
        # A bad CRC, a truncated member, a broken .npy header, an object array (refused, never unpickled).
        raise fail(f"damaged: the member {info.filename!r} cannot be read ({_detail(error)})") from None


def _meta(text: str, fail: Any) -> dict[str, Any]:
    """The metadata, parsed and checked field by field."""
    try:
        meta = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise fail(f"its metadata is not valid JSON ({_detail(error)})") from None
    if not isinstance(meta, dict):
        raise fail("its metadata is not a JSON object")
    if meta.get("format") != FORMAT:
        raise fail("not an xorc sweep file (its metadata does not say so)")
    version: Any = meta.get("format_version")
    if not _whole(version, 1):
        raise fail(f"its format_version must be a whole number >= 1, got {version!r}")
    if version > FORMAT_VERSION:
        raise fail(f"format version {version} is newer than this xorc reads (up to {FORMAT_VERSION}); upgrade xorc")

    def field(key: str, check: Any, wanted: str) -> None:
        if key not in meta:
            raise fail(f"its metadata has no {key!r}")
        if not check(meta[key]):
            raise fail(f"its metadata's {key!r} must be {wanted}, got {_short(meta[key])}")

    field("shape", lambda v: isinstance(v, list) and len(v) == 3 and all(_whole(n, 1) for n in v), "3 sizes >= 1")
    field("dtype", lambda v: isinstance(v, str) and v in DTYPES, " or ".join(DTYPES))
    field("bias", lambda v: isinstance(v, bool), "true or false")
    field("task", lambda v: v is None or isinstance(v, str), "a string or null")
    field("lr", lambda v: _number(v) and v > 0, "a number > 0")
    field("steps", lambda v: _whole(v, 0), "a whole number >= 0")
    field("check_every", lambda v: _whole(v, 1), "a whole number >= 1")
    field("rows", lambda v: _whole(v, 1), "a whole number >= 1")
    field("n_seeds", lambda v: _whole(v, 0) and v <= SEED_MAX + 1, "a whole number of seeds")
    if not all(size < 2**31 for size in (*meta["shape"], meta["rows"])):
        raise fail("its metadata's sizes are out of range")
    meta["lr"] = float(meta["lr"])
    return meta


def _whole(value: Any, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _detail(error: BaseException) -> str:
    """An exception as a short single line: its type and the start of its message."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text if len(text) <= 150 else text[:147] + "..."


def differences(there: Recipe, here: Recipe) -> list[str]:
    """What differs between the recipe of a file (`there`) and a sweep's (`here`), in words; [] if nothing."""
    found = []
    task_there, task_here = task_of(there.X, there.y), task_of(here.X, here.y)
    if task_there != task_here and task_there is not None and task_here is not None:
        found.append(f"task {task_there} there, {task_here} here")
    else:
        for name in ("X", "y"):
            a, b = getattr(there, name), getattr(here, name)
            if a.shape != b.shape or a.dtype != b.dtype or a.tobytes() != b.tobytes():
                found.append(f"{name} differs" + (" (another truth table)" if task_there != task_here else ""))
    if there.shape != here.shape:
        found.append(f"shape {'-'.join(map(str, there.shape))} there, {'-'.join(map(str, here.shape))} here")
    for key in ("bias", "lr", "steps", "dtype", "check_every"):
        a, b = getattr(there, key), getattr(here, key)
        if a != b:
            found.append(f"{key} {a} there, {b} here")
    return found
