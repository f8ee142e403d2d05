"""The name by which pickles made by xorc 0.2 refer to a sweep's worker function: ``xorc.sweep``
sends ``train_chunk`` to an executor by reference, and a Dask worker unpickles it by its module's
name. The function lives in ``xorc.sweeping.chunks``."""

from .sweeping.chunks import ChunkResult as ChunkResult
from .sweeping.chunks import train_chunk as train_chunk
