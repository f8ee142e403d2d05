"""The one cost model: the work of one training step of one network, in units of about a multiply-add.

Training is cut into pieces by it (``_binding.piece_steps`` for one network,
``sweeping.chunks.train_chunk`` for a batch in lockstep) and a remote sweep's chunks
are sized by it (``sweeping.run.chunk_sizes``). Only the sizes of pieces and chunks
depend on it, never a result.
"""

from __future__ import annotations


def step_work(rows: int, n_in: int, hidden: int, n_out: int) -> int:
    """The units of one full-batch step of an (n_in, hidden, n_out) network on `rows` rows.

    Per row: the multiply-adds of forward and backward through both layers
    (n_in·hidden + hidden·n_out) and the sigmoids of the hidden and output units
    (hidden + n_out); per step: one unit per weight for the update.
    """
    per_row = n_in * hidden + hidden * n_out + hidden + n_out
    return rows * per_row + n_in * hidden + hidden * n_out
