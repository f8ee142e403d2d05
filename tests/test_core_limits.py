"""The core refuses sizes whose training workspace would overflow size_t, before touching memory."""

import numpy as np

from xorc._ffi import ffi, lib


def test_train_refuses_a_workspace_too_large_to_count():
    # n_hidden = 2^60 passes the per-buffer checks (2^60 doubles... on paper), but the
    # workspace holds a block of rows' activations, XORC_BLOCK * n_hidden: too many.
    hidden_units = 2**60
    assert lib.xorc_train_workspace_len(1, hidden_units, 1) == 0
    buffer = np.zeros(16)
    pointer = ffi.from_buffer("double[]", buffer)
    loss = ffi.new("double *")
    status = lib.xorc_train_d(
        pointer, ffi.NULL, pointer, ffi.NULL, loss, pointer, 16, pointer, pointer, 1, 1, hidden_units, 1, 0.1, 1
    )
    assert status == lib.XORC_ERR_SIZE
    assert not buffer.any()
