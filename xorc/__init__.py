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
from typing import Any

from ._simd import simd_level
from ._version import __version__
from .data import TASKS, truth_table
from .network import DivergenceError, Network
from .training import train

# Imported on first use, so that `import xorc` and the command's start-up load only
# what training needs (model files, pictures and sweeps bring json, zipfile, threads).
_LAZY = {
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

__all__ = ["TASKS", "DivergenceError", "Network", "__version__", "simd_level", "train", "truth_table", *_LAZY]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'xorc' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
