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
import os
import zipfile
from typing import Any, BinaryIO

import numpy as np

from .. import _npz
from .._files import write_atomically
from .._learned import DIVERGED, NOT_LEARNED, on_target_side
from .._validate import SEED_MAX, is_whole, short
from ..data import task_of
from ..recipe import Recipe, read_meta
from ..recipe import differences as recipe_differences

FORMAT = "xorc sweep"
#: The version of the layout written by this xorc; files with a higher one are refused.
FORMAT_VERSION = 1
MEMBERS = ("meta", "X", "y", "seeds", "losses", "outputs", "learned_at")
#: The date of every member: zip's earliest, so that the bytes do not depend on when they were written.
_DATE = (1980, 1, 1, 0, 0, 0)
#: The largest size (rows, n_in, hidden, n_out) a sweep file may declare.
_SIZE_MAX = 2**31 - 1


class SweepFileError(_npz.FileError):
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
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "task": task_of(recipe.X, recipe.y),
        "shape": list(recipe.shape),
        "rows": int(recipe.X.shape[0]),
        "n_seeds": int(seeds.size),
        **recipe.stored(),
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

    with _npz.reading(name, fail) as file, _npz.archive_of(file, fail, "an xorc sweep file") as archive:
        members = _npz.Members(archive, fail, MEMBERS, compressed=False)
        if "meta" not in members:
            raise fail("not an xorc sweep file (it has no 'meta' member)")
        if members.unknown:
            raise fail(f"not an xorc sweep file: unexpected member {members.unknown[0][:40]!r}")
        return _read_contents(members, fail)


def _read_contents(members: _npz.Members, fail: _npz.Fail) -> Contents:
    meta = _meta(members.read_meta(), fail)
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
    arrays = {member: members.read(member, dtype=kind, shape=shape) for member, (kind, shape) in layout.items()}
    X, y, seeds, learned_at = arrays["X"], arrays["y"], arrays["seeds"], arrays["learned_at"]
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise fail("X or y contains NaN or infinity")
    if np.any(y == 0.5):
        raise fail("y contains 0.5, which no sweep trains on")
    if n and (seeds[0] < 0 or seeds[-1] > SEED_MAX or np.any(np.diff(seeds) <= 0)):
        raise fail(f"its seeds must be increasing and lie in [0, {SEED_MAX}]")
    try:
        recipe = Recipe.checked(X, y, {**meta["options"], "hidden": hidden})
    except (TypeError, ValueError) as error:
        raise fail(f"its metadata holds a recipe xorc does not sweep ({error})") from None
    if task_of(X, y) != meta["task"]:
        raise fail(f"its task {meta['task']!r} does not match its X and y")
    _check_results(recipe, arrays["losses"], arrays["outputs"], learned_at, fail)
    return Contents(recipe, seeds, arrays["losses"], arrays["outputs"], learned_at)


def loss_terms(recipe: Recipe, outputs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The recipe's loss of each network's outputs against y, in float64 (csrc/xorc.h's formulas: the cross-entropy
    clips the outputs to [eps, 1 - eps] of the recipe's dtype), and the sum of its terms' sizes."""
    y, out = recipe.y.astype(np.float64), outputs.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        if recipe.loss == "cross_entropy":
            eps = float(np.finfo(recipe.dtype).eps)
            p = np.clip(out, eps, 1 - eps)
            terms = -(y * np.log(p) + (1 - y) * np.log(1 - p))
        else:
            terms = (y - out) ** 2
    return np.sum(terms, axis=(1, 2)), np.sum(np.abs(terms), axis=(1, 2))


def _check_results(
    recipe: Recipe, losses: np.ndarray, outputs: np.ndarray, learned_at: np.ndarray, fail: _npz.Fail
) -> None:
    """The results are what training the recipe can produce, each and together.

    Each: an output is a sigmoid's, in [0, 1] (or NaN, when training diverged); an SSE is
    a sum of squares, ≥ 0 (or NaN or +inf). Together: a finite loss is the recipe's loss of
    the outputs against y, within the rounding of its sum in the recipe's dtype; learned_at
    is a checked step, NOT_LEARNED or DIVERGED; never a step when the loss is not finite;
    the last step only when the final outputs are on their targets' side
    (``on_target_side``), and never NOT_LEARNED when they are and the loss is finite.
    """
    steps, check_every = recipe.steps, recipe.check_every
    unlearned = (learned_at == NOT_LEARNED) | (learned_at == DIVERGED)
    checked = unlearned | ((learned_at >= 0) & (learned_at % check_every == 0)) | (learned_at == steps)
    if not np.all(checked & (learned_at <= steps)):
        raise fail("learned_at holds a step that is not a checked step of the recipe")
    if np.any((outputs < 0) | (outputs > 1)):
        raise fail("its outputs hold a value outside [0, 1], which no sigmoid gives")
    if recipe.loss == "sse" and np.any((losses < 0) | (losses == -np.inf)):
        raise fail("its losses hold a negative value, but a sum of squares is ≥ 0")
    finite = np.isfinite(losses)
    expected, size = loss_terms(recipe, outputs)
    # The core sums rows·n_out terms in the dtype: each operation rounds by at most a few eps.
    terms = recipe.y.size
    eps, tiny = np.finfo(recipe.dtype).eps, np.finfo(recipe.dtype).tiny
    if not np.all(np.abs(losses[finite] - expected[finite]) <= 4 * (terms + 2) * (eps * size[finite] + tiny)):
        what = "cross-entropies" if recipe.loss == "cross_entropy" else "sums of squared errors"
        raise fail(f"its losses are not the {what} of its outputs against y")
    on_target = on_target_side(outputs, recipe.y)
    if np.any(~finite & ~unlearned):
        raise fail("learned_at holds a step for a network whose loss is not finite, which never learned")
    if np.any(on_target & finite & (learned_at == NOT_LEARNED)):
        raise fail("learned_at says never for a network whose final outputs have learned the table")
    if np.any(~(on_target & finite) & (learned_at == steps)):
        raise fail("learned_at says learned at the last step for a network whose final outputs have not")


#: The fields of the metadata beside the recipe's options (``xorc.recipe``, the ones it keeps "sweep").
_FIELDS: dict[str, _npz.Field] = {
    "shape": (
        lambda v: isinstance(v, list) and len(v) == 3 and all(is_whole(n, 1, _SIZE_MAX) for n in v),
        f"3 sizes from 1 to {_SIZE_MAX}",
        False,
    ),
    "task": (lambda v: isinstance(v, str), "a string or null", True),
    "rows": (lambda v: is_whole(v, 1, _SIZE_MAX), f"a whole number from 1 to {_SIZE_MAX}", False),
    "n_seeds": (lambda v: is_whole(v, 0, SEED_MAX + 1), f"a whole number from 0 to {SEED_MAX + 1}", False),
}


def _meta(meta: dict[str, Any], fail: _npz.Fail) -> dict[str, Any]:
    """The metadata checked key by key: the layout's here, the recipe's options by the table."""
    if meta.get("format") != FORMAT:
        raise fail("not an xorc sweep file (its metadata does not say so)")
    version: Any = meta.get("format_version")
    if not is_whole(version, 1):
        raise fail(f"its format_version must be a whole number >= 1, got {short(version)}")
    if version > FORMAT_VERSION:
        raise fail(f"format version {version} is newer than this xorc reads (up to {FORMAT_VERSION}); upgrade xorc")
    _npz.check_fields(meta, _FIELDS, fail, lambda key: f"its metadata's {key!r}")
    options = read_meta(meta, "sweep", ("format", "format_version", *_FIELDS), fail)
    return {**meta, "options": options}


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
    return found + recipe_differences(there, here)
