"""Checks and conversions of user input, done once where it enters xorc.

Every check raises TypeError (a value of the wrong kind) or ValueError (a value
out of range) with a message that names the argument, before anything changes.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .data import truth_table

DTYPES = ("float32", "float64")

#: The largest seed numpy's RandomState (and so xorc) accepts.
SEED_MAX = 2**32 - 1
#: The largest count of steps or updates (an int64, as the core keeps them).
INT64_MAX = 2**63 - 1
_DTYPES = frozenset(np.dtype(name) for name in DTYPES)


def dtype(value: Any) -> np.dtype:
    """The computing precision: float32 or float64, given by name or numpy dtype."""
    try:
        resolved = np.dtype(value)
    except TypeError:
        raise TypeError(f"dtype must be 'float32' or 'float64', got {value!r}") from None
    if resolved not in _DTYPES:  # (dtype.name is slow: this runs on every call)
        raise ValueError(f"dtype must be 'float32' or 'float64', got {value!r}")
    return resolved


def unmasked(name: str, value: Any) -> None:
    """Refuse a numpy masked array: xorc would read the values under the mask as if they were data."""
    if isinstance(value, np.ma.MaskedArray):
        raise TypeError(
            f"{name} is a masked array, and xorc does not honour masks: drop the masked rows, "
            f"or fill them with np.ma.filled({name}, value)"
        )


def real_array(name: str, value: Any) -> np.ndarray:
    """`value` as a numpy array of real numbers (bool, int or float), unconverted.

    Python ints too large for int64 (numpy makes them an object array) become float64,
    as long as float64 holds them.
    """
    unmasked(name, value)
    try:
        array = np.asarray(value)
    except (ValueError, TypeError, OverflowError) as error:
        raise ValueError(f"{name} is not a rectangular array of numbers: {error}") from None
    if array.dtype.kind == "O" and all(
        isinstance(item, numbers.Real) and not isinstance(item, bool | np.bool_) for item in array.flat
    ):
        try:
            array = array.astype(np.float64)
        except OverflowError:
            raise ValueError(f"{name} holds a number beyond the range of float64") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {array.dtype}")
    return array


def is_whole(value: Any, minimum: int, maximum: int = 2**63 - 1) -> bool:
    """A whole number (a Python int, not a bool) in [minimum, maximum]: a JSON value read from a file."""
    return isinstance(value, int) and not isinstance(value, bool) and minimum <= value <= maximum


def is_finite_number(value: Any) -> bool:
    """A finite real number (a Python int or float, not a bool; an int beyond float64 is not one)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def short(value: Any) -> str:
    """A value as a short single line, for a message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def finite(name: str, array: np.ndarray) -> None:
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinity")


def _finite_c_array(name: str, array: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """`array` as a finite, C-contiguous, aligned array of `dtype`: itself if it is one, else a copy.

    Finiteness is checked after the conversion, in the precision C computes in: 1e39 is
    finite in float64 but infinite in float32. (np.ascontiguousarray keeps an unaligned
    array as it is; C needs aligned memory.)
    """
    finite(name, array)
    with np.errstate(over="ignore"):
        converted = np.ascontiguousarray(array, dtype=dtype)
    if not np.all(np.isfinite(converted)):
        raise ValueError(f"{name} holds values beyond the range of {np.dtype(dtype).name}")
    return converted if converted.flags.aligned else converted.copy()


def matrix(name: str, value: Any, dtype: np.dtype, columns: int | None = None) -> np.ndarray:
    """A 2-D, finite, C-contiguous, aligned array of `dtype` with at least one row.

    Lists, int arrays, and non-contiguous, Fortran-ordered or unaligned arrays are copied into
    that form; an array that is already in it is returned as it is.
    """
    array = real_array(name, value)
    if array.ndim != 2:
        raise ValueError(f"{name} must be 2-D (rows, columns), got {array.ndim}-D shape {array.shape}")
    if array.shape[0] == 0:
        raise ValueError(f"{name} has no rows")
    if array.shape[1] == 0:
        raise ValueError(f"{name} has no columns")
    if columns is not None and array.shape[1] != columns:
        raise ValueError(f"{name} must have {columns} columns, got {array.shape[1]}")
    return _finite_c_array(name, array, dtype)


def vector(name: str, value: Any, dtype: np.dtype, length: int) -> np.ndarray:
    """A 1-D, finite, C-contiguous, aligned array of `dtype` and the given length."""
    array = real_array(name, value)
    if array.shape != (length,):
        raise ValueError(f"{name} must have shape ({length},), got {array.shape}")
    return _finite_c_array(name, array, dtype)


def samples(X: Any, y: Any, dtype: np.dtype, n_in: int | None = None, n_out: int | None = None):
    """Training rows X (n, n_in) and targets y (n, n_out) in the given precision.

    The loss of any network on them must be finite in that precision: every output lies in
    [0, 1], so the loss is at most sum(max(y², (1 - y)²)), which must not overflow. (float32
    overflows for 4 targets of about 1e19; float64 for about 1e154.)
    """
    X = matrix("X", X, dtype, n_in)
    y = matrix("y", y, dtype, n_out)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y has {y.shape[0]} rows but X has {X.shape[0]}; they must match")
    targets = y.astype(np.float64)
    with np.errstate(over="ignore"):
        worst_loss = float(np.sum(np.maximum(targets**2, (1 - targets) ** 2)))
    if not worst_loss <= float(np.finfo(dtype).max):
        raise ValueError(
            f"y holds targets too large for {np.dtype(dtype).name}: the loss, a sum of squared errors, "
            f"would overflow (up to {worst_loss:.3g}); scale y down"
        )
    return X, y


def integer(name: str, value: Any, minimum: int = 0, maximum: int = 2**63 - 1) -> int:
    """A whole number in [minimum, maximum], from a Python or numpy integer (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    whole = int(value)
    if whole < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {whole}")
    if whole > maximum:
        raise ValueError(f"{name} must be at most {maximum}, got {whole}")
    return whole


def flag(name: str, value: Any) -> bool:
    """True or False (a Python or numpy bool; not 1, "yes" or an array)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}")
    return bool(value)


def learning_rate(value: Any, dtype: np.dtype | None = None) -> float:
    """A finite, positive learning rate; with `dtype`, one that stays so in that precision."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"lr must be a number, got {type(value).__name__} {value!r}")
    try:
        lr = float(value)
    except OverflowError:
        raise ValueError(
            "lr must be a finite number greater than 0, got a number beyond the range of float64"
        ) from None
    if not math.isfinite(lr) or lr <= 0:
        raise ValueError(f"lr must be a finite number greater than 0, got {value!r}")
    if dtype is not None:
        with np.errstate(over="ignore", under="ignore"):
            rounded = np.dtype(dtype).type(lr)
        if not (np.isfinite(rounded) and rounded > 0):
            raise ValueError(f"lr {lr!r} is out of the range of {np.dtype(dtype).name}")
    return lr


def training_data(X: Any, y: Any, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) for a fresh network, in `dtype`: the XOR table when neither is given."""
    if X is None and y is None:
        X, y = truth_table("xor")
    elif X is None or y is None:
        raise ValueError("X and y must be given together (or neither, for the XOR table)")
    return samples(X, y, dtype)


def seed(value: Any) -> int:
    """A seed for numpy's RandomState: an integer in [0, 2**32 - 1]."""
    return integer("seed", value, maximum=SEED_MAX)
