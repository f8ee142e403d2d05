"""xorc: a small, exact and fast trainer for the classic XOR neural network.

>>> import xorc
>>> net = xorc.train()          # the seed program: 2-3-1, lr 0.01, 60000 steps
>>> net.predict(xorc.truth_table("xor")[0])
>>> net.save("xor.npz"); xorc.load("xor.npz")   # a model file, loaded back bit for bit
>>> xorc.plot(net, "xor.png")   # loss curve and decision surface (needs xorc[plot])
"""

from ._version import __version__
from .data import TASKS, truth_table
from .model_file import ModelFileError, load
from .network import Network
from .plot import plot
from .sweep import SweepResult, sweep
from .training import train

__all__ = [
    "TASKS",
    "ModelFileError",
    "Network",
    "SweepResult",
    "__version__",
    "load",
    "plot",
    "sweep",
    "train",
    "truth_table",
]
