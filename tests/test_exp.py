"""The core's own exponential and sigmoid against libm (numpy) and a higher-precision reference.

xorc's sigmoid does not call libm's exp but an inlined table-driven one
(csrc/xorc_exp.h). These tests measure its error in units in the last place
(ulp) over random and edge inputs across the whole range, in double and float,
and check what the sigmoid must do: saturate to exactly 0 and 1, never give NaN
for a finite input. ``python tests/test_exp.py`` prints the measured errors.
"""

import os
import subprocess
import sys

import numpy as np
import pytest

from xorc import _binding

ROOT = os.path.join(os.path.dirname(__file__), os.pardir)

# x86-64's long double (64-bit significand) makes an exact-enough reference for double.
LONG_DOUBLE_REFERENCE = np.finfo(np.longdouble).nmant >= 63
needs_long_double = pytest.mark.skipif(not LONG_DOUBLE_REFERENCE, reason="long double is no wider than double here")


def double_inputs(count=200_000, seed=0):
    """Random doubles over exp's whole range, small magnitudes, and the edges of every path."""
    rng = np.random.default_rng(seed)
    ln2_128 = np.log(2) / 128
    k = rng.integers(-137_000, 131_000, count // 10)
    parts = [
        rng.uniform(-750, 712, count),  # everything: overflow, subnormal results, zero
        rng.uniform(-1, 1, count // 2),
        rng.choice([-1, 1], count // 4) * 10.0 ** rng.uniform(-30, 0, count // 4),
        (k + 0.5) * ln2_128 + rng.uniform(-1e-12, 1e-12, k.size),  # where k = round(x N / ln2) flips
        k * ln2_128,  # where the reduced argument is near 0
        np.linspace(707.9, 708.1, 2001),  # the fast path's edge
        np.linspace(-708.1, -707.9, 2001),
        np.linspace(-708.5, -708.3, 2001),  # the first subnormal results
        np.linspace(709.7, 709.8, 2001),  # the last finite results
        np.linspace(-745.2, -745.0, 2001),  # the last nonzero results
    ]
    edges = [0.0, -0.0, 5e-324, -5e-324, 1e-310, 1.0, -1.0, 708.0, -708.0, 709.782712893384, -745.1332191019411]
    return np.concatenate([*parts, edges])


def float_inputs(count=200_000, seed=1):
    rng = np.random.default_rng(seed)
    parts = [
        rng.uniform(-110, 95, count),
        rng.uniform(-1, 1, count // 2),
        rng.choice([-1, 1], count // 4) * 10.0 ** rng.uniform(-20, 0, count // 4),
        np.linspace(88.6, 88.8, 2001),  # the last finite results
        np.linspace(-87.4, -87.2, 2001),  # the first subnormal results
        np.linspace(-104.0, -103.8, 2001),  # the last nonzero results
    ]
    edges = [0.0, -0.0, 1e-45, -1e-45, 1.0, -1.0, 127.9, -127.9, 128.1, -128.1, 1e30, -1e30]
    return np.concatenate([*parts, edges]).astype(np.float32)


def ulp_errors(got, exact, dtype):
    """|got - exact| in ulps of `dtype` at the exact value; exact may be wider than dtype."""
    with np.errstate(over="ignore"):
        rounded = exact.astype(dtype)
    finite = np.isfinite(rounded)
    # Where the exact value rounds to infinity, the only right answer is infinity.
    assert np.all(got[~finite] == rounded[~finite])
    ulp = np.spacing(np.abs(rounded[finite])).astype(exact.dtype)
    return np.abs(got[finite].astype(exact.dtype) - exact[finite]) / ulp


def exp_double_error():
    x = double_inputs()
    with np.errstate(over="ignore"):
        exact = np.exp(x.astype(np.longdouble))
    return float(ulp_errors(_binding.exp(x), exact, np.float64).max())


def exp_float_error():
    x = float_inputs()
    with np.errstate(over="ignore"):
        exact = np.exp(x.astype(np.float64))  # double's error is 2^-29 of a float ulp
    return float(ulp_errors(_binding.exp(x), exact, np.float32).max())


def difference_from_libm(dtype):
    """(largest difference in ulps, share of results bit-identical) against libm's exp.

    numpy's exp on doubles is libm's (or, on AVX-512 processors, numpy's own, also
    within 1 ulp). For floats numpy has its own vectorised expf, less accurate than
    xorc's (up to 2 ulp from the true value here), so the reference is libm's
    double exp rounded to float.
    """
    x = double_inputs() if dtype == np.float64 else float_inputs()
    with np.errstate(over="ignore"):
        libm = np.exp(x.astype(np.float64)).astype(dtype)
    got = _binding.exp(x)
    finite = np.isfinite(libm)
    assert np.array_equal(np.isfinite(got), finite)
    ulps = np.abs(got[finite] - libm[finite]) / np.spacing(np.abs(libm[finite]))
    return float(ulps.max()), float(np.mean(got[finite] == libm[finite]))


@needs_long_double
def test_exp_double_within_0_52_ulp():
    error = exp_double_error()
    assert error < 0.52, f"max error {error:.4f} ulp"
    assert error > 0.5  # the reference is wide enough to see the last rounding


def test_exp_float_within_0_501_ulp():
    error = exp_float_error()
    assert error < 0.501, f"max error {error:.4f} ulp"


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_exp_within_one_ulp_of_libm(dtype):
    largest, _ = difference_from_libm(dtype)
    assert largest <= 1.0, f"differs from numpy's exp by {largest} ulp"


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_exp_special_values(dtype):
    big, small, huge = (710.0, -746.0, 1e300) if dtype == np.float64 else (89.0, -104.0, 1e30)
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, big, small, huge, -huge, 1.0], dtype=dtype)
    got = _binding.exp(x)
    assert got[:2].tolist() == [1.0, 1.0]
    assert got[2] == np.inf and got[3] == 0.0 and np.isnan(got[4])
    assert got[5] == np.inf and got[6] == 0.0 and got[7] == np.inf and got[8] == 0.0
    assert not np.signbit(got[[3, 6, 8]]).any()
    assert got[9] == dtype(np.e)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_saturates_cleanly_and_is_never_nan(dtype):
    info = np.finfo(dtype)
    rng = np.random.default_rng(2)
    z = np.concatenate(
        [
            rng.choice([-1, 1], 100_000) * 10.0 ** rng.uniform(-40, np.log10(float(info.max)), 100_000),
            [info.max, -info.max, info.tiny, -info.tiny, 0.0, -0.0],
        ]
    ).astype(dtype)
    s = _binding.sigmoid(z)
    assert not np.isnan(s).any()
    assert np.all((s >= 0) & (s <= 1))
    # Where 1 + e^-z rounds to 1 the sigmoid is exactly 1; where e^-z overflows, exactly 0.
    assert np.all(s[z > (40 if dtype == np.float64 else 17)] == 1.0)
    assert np.all(s[z < (-710 if dtype == np.float64 else -89)] == 0.0)
    assert s[-1] == 0.5 and s[-2] == 0.5
    special = _binding.sigmoid(np.array([np.inf, -np.inf, np.nan], dtype=dtype))
    assert special[0] == 1.0 and special[1] == 0.0 and np.isnan(special[2])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_matches_numpy_formula(dtype):
    rng = np.random.default_rng(3)
    # Below these, e^-z overflows and the formula gives 0 where the true sigmoid is tiny.
    lowest = -709.0 if dtype == np.float64 else -88.0
    z = np.concatenate([rng.uniform(lowest, 750, 50_000), rng.uniform(-40, 40, 50_000)]).astype(dtype)
    with np.errstate(over="ignore"):
        wide = np.float64 if dtype == np.float32 else np.longdouble
        exact = 1 / (1 + np.exp(-z.astype(wide)))
        numpy_sigmoid = (1 / (1 + np.exp(-z))).astype(dtype)
    got = _binding.sigmoid(z)
    if wide is np.longdouble and not LONG_DOUBLE_REFERENCE:
        exact = numpy_sigmoid.astype(wide)
    # exp's error plus the roundings of 1 + e and 1 / (1 + e): about 2.1 ulp at
    # worst, for xorc's sigmoid and for the same formula on numpy's exp alike.
    error, numpy_error = ulp_errors(got, exact, dtype).max(), ulp_errors(numpy_sigmoid, exact, dtype).max()
    assert error < 2.5 and error <= numpy_error + 0.25, f"{error:.3f} ulp, numpy {numpy_error:.3f}"
    assert np.abs(got - numpy_sigmoid).max() <= np.spacing(dtype(1))


def test_exp_table_is_the_generators():
    """csrc/xorc_exp.h's table is what tools/exp_table.py computes in exact arithmetic."""
    script = os.path.join(ROOT, "tools", "exp_table.py")
    assert subprocess.run([sys.executable, script, "--check"], check=False).returncode == 0


if __name__ == "__main__":
    print(f"exp, double: max error {exp_double_error():.4f} ulp (against long double)")
    print(f"exp, float:  max error {exp_float_error():.4f} ulp (against double)")
    for dtype in (np.float64, np.float32):
        largest, same = difference_from_libm(dtype)
        print(f"exp, {np.dtype(dtype).name} vs libm: max {largest:.0f} ulp apart, {same:.4%} bit-identical")
