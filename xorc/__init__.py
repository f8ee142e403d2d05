"""xorc: a small, exact and fast trainer for the classic XOR neural network.

>>> import xorc
>>> net = xorc.train()          # the seed program: 2-3-1, lr 0.01, 60000 steps
>>> net.predict(xorc.truth_table("xor")[0])
"""

from ._version import __version__
from .data import TASKS, truth_table
from .network import Network
from .sweep import SweepResult, sweep
from .training import train

__all__ = ["TASKS", "Network", "SweepResult", "__version__", "sweep", "train", "truth_table"]
