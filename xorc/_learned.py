"""What "learned" means, defined once: every output on its target's side of 0.5, and a finite loss.

Used where networks are trained (``_sweep_chunks``) and where their results are read back
(``sweep_file``), which must not import the worker module.
"""

from __future__ import annotations

import numpy as np


def on_target_side(outputs: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per network of outputs (batch, rows, n_out): is every output on the same side of 0.5 as its target?

    (A NaN output is on neither side.)
    """
    return np.all(np.where(y > 0.5, outputs > 0.5, outputs < 0.5), axis=(1, 2))


def learned_flags(outputs: np.ndarray, y: np.ndarray, losses: np.ndarray) -> np.ndarray:
    """Per network: every final output on its target's side of 0.5, and a finite final loss."""
    return on_target_side(outputs, y) & np.isfinite(losses)
