"""xorc: a small, exact and fast trainer for the classic XOR neural network.

>>> import xorc
>>> net = xorc.train()          # the post's program: 2-3-1, lr 0.01, 60000 steps
>>> net.predict(xorc.truth_table("xor")[0])
>>> net.save("xor.npz"); xorc.load("xor.npz")   # a model file, loaded back bit for bit
>>> xorc.plot(net, "xor.png")   # loss curve and decision surface (needs xorc[plot])
>>> xorc.sweep(range(1000)).fraction_learned   # how reliable is the recipe?
>>> xorc.simd_level()           # the vector instructions sweeps train with, e.g. "avx2"
>>> xorc.sweep(range(1000), checkpoint="s.npz")  # kept as it runs, resumed when run again
>>> xorc.load_sweep("s.npz").learned_at        # when each network learned
"""

from __future__ import annotations

import importlib
import importlib.util

from ._version import __version__

#: (Not typing's: importing typing costs the command's start-up 4 ms; type checkers take any TYPE_CHECKING.)
TYPE_CHECKING = False
if TYPE_CHECKING:  # the names as type checkers see them (re-exported: X as X); at run time, imported on first use
    from typing import Any

    from ._simd import simd_level as simd_level
    from .data import TASKS as TASKS
    from .data import truth_table as truth_table
    from .model_file import ModelFileError as ModelFileError
    from .model_file import load as load
    from .network import DivergenceError as DivergenceError
    from .network import Network as Network
    from .plotting import plot as plot
    from .plotting import plot_sweep as plot_sweep
    from .sweeps import (
        SweepFileError as SweepFileError,
    )
    from .sweeps import (
        SweepInterrupted as SweepInterrupted,
    )
    from .sweeps import (
        SweepResult as SweepResult,
    )
    from .sweeps import (
        load_sweep as load_sweep,
    )
    from .sweeps import (
        sweep as sweep,
    )
    from .training import train as train

# Every name is imported on first use, so that `import xorc` (and any xorc.x, which imports
# this first) loads only this file: the command installs its signal handlers before numpy and
# the core load (a third of a second, when a Ctrl-C must not print a traceback; xorc._entry),
# and model files, pictures and sweeps bring json, zipfile and threads only when used.
_LAZY = {
    "TASKS": "data",
    "truth_table": "data",
    "DivergenceError": "network",
    "Network": "network",
    "simd_level": "_simd",
    "train": "training",
    "ModelFileError": "model_file",
    "load": "model_file",
    "plot": "plotting",
    "plot_sweep": "plotting",
    "SweepFileError": "sweeps",
    "SweepInterrupted": "sweeps",
    "SweepResult": "sweeps",
    "load_sweep": "sweeps",
    "sweep": "sweeps",
}

__all__ = ["__version__", *_LAZY]

# Without its compiled core xorc cannot work: `import xorc` says so at once, and what to do
# (the binding's ImportError), as it did when it imported the core itself.
if importlib.util.find_spec(f"{__name__}._ffi") is None:
    from . import _binding  # noqa: F401


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    elif not name.startswith("__") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        value = importlib.import_module(f".{name}", __name__)  # a module of the package: xorc.network
    else:
        raise AttributeError(f"module 'xorc' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
