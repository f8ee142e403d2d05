"""What "learned" means, defined once: the core's own test (every output on its target's side of
0.5), and the learned_at the core gives a network it trained to the end.

Used where networks are trained (``sweeping.chunks``) and where their results are read back
(``sweeping.file``), which must not import the worker module.
"""

from __future__ import annotations

import numpy as np

from . import _binding

#: learned_at of a network that has not learned, and of one whose loss or weights stopped being
#: finite (the core's XORC_NOT_LEARNED and XORC_DIVERGED).
NOT_LEARNED = -1
DIVERGED = -2


def on_target_side(outputs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per network of outputs (batch, rows, n_out): is every output on the same side of 0.5 as its target?

    (A NaN output is on neither side.) The core's own test, the one training applies.
    """
    return _binding.on_target(outputs, y)


def learned_flags(outputs: np.ndarray, y: np.ndarray, learned_at: np.ndarray) -> np.ndarray:
    """Per network of a finished training: every final output on its target's side of 0.5, and not
    diverged (the core sets learned_at at the last step for a network on target, and DIVERGED for one
    whose loss or weights are not finite; files of 0.2 have NOT_LEARNED for a non-finite loss)."""
    return on_target_side(outputs, y) & (learned_at >= 0)


def diverged_flags(losses: np.ndarray, learned_at: np.ndarray) -> np.ndarray:
    """Per network: its loss or weights stopped being finite (files of 0.2 record only the loss)."""
    return (learned_at == DIVERGED) | ~np.isfinite(losses)
