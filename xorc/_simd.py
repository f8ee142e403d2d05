"""The SIMD level that lockstep training (``xorc.sweep``) runs at.

The compiled core holds code for several instruction sets and reports the best one
this processor (and its operating system) supports; every level computes the same
bits, only faster. The environment variable ``XORC_SIMD`` (``scalar``, ``sse2``,
``avx2`` or ``avx512``), read once when xorc is imported, forces a level at or below
that best one, for tests and benchmarks. A level the processor lacks, or a name xorc
does not know, is an error when the level is first asked for (so that the command
can report it on one line), never a silent fallback.
"""

from __future__ import annotations

import os

from . import _binding

#: Every level's name, lowest first; its index is the level's number in the core.
LEVELS = tuple(name for name in (_binding.simd_name(level) for level in range(8)) if name is not None)


def _choose(forced: str | None) -> int | ValueError:
    """The level to use: the best one, or the forced one; a ValueError saying what is wrong."""
    best = _binding.simd_best()
    if forced is None or not forced.strip():
        return best
    name = forced.strip().lower()
    if name not in LEVELS:
        return ValueError(f"XORC_SIMD={forced!r} is not a SIMD level; use one of {', '.join(LEVELS)}")
    level = LEVELS.index(name)
    if level > best:
        return ValueError(
            f"XORC_SIMD={name} asks for more than this processor supports "
            f"(levels here: {', '.join(LEVELS[: best + 1])})"
        )
    return level


_CHOSEN = _choose(os.environ.get("XORC_SIMD"))


def level() -> int:
    """The level lockstep training runs at (raises ValueError if XORC_SIMD asked for one it cannot)."""
    if isinstance(_CHOSEN, ValueError):
        raise ValueError(str(_CHOSEN))
    return _CHOSEN


def simd_level() -> str:
    """The name of the SIMD level ``xorc.sweep`` trains at: "scalar", "sse2", "avx2" or "avx512".

    The best this processor supports, unless the environment variable XORC_SIMD,
    read when xorc was imported, chose a lower one. Every level gives the same
    results, bit for bit.
    """
    return LEVELS[level()]


def lanes() -> int:
    """The networks one vector holds at the level in use."""
    return _binding.simd_lanes(level())
