"""One chunk of a sweep: a few seeds of one recipe, trained here, their results as plain arrays.

This is what an executor runs (a local thread pool, a process pool, a Dask
cluster): ``train_chunk(recipe, seeds)`` is a module-level function of picklable
arguments that returns picklable numpy arrays, so it can be sent to any
``concurrent.futures.Executor``. It imports only numpy and the core.

The training of a batch of networks goes through one function, ``train_networks``,
called for bounded ranges of steps (a few milliseconds each), so that a stop flag
is seen between two calls and a sweep stops within milliseconds when asked.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from .. import _binding, _memory, _settings, _simd
from .._learned import NOT_LEARNED
from .._learned import on_target_side as on_target_side  # read from here too: the one definition of "learned"
from ..network import drawing_bytes, initial_weights, weight_count
from ..recipe import Recipe  # (also the name by which older code imports it from here)

#: The work (``_cost.step_work`` units, times networks) one call of train_networks may take:
#: a few milliseconds on one core of lockstep training, so a stop flag is seen a few hundred
#: times a second and the calls themselves cost well under 1% of the time.
PIECE_WORK = 2**23


@dataclass(frozen=True, eq=False)
class ChunkResult:
    """The results of one chunk, per seed in the chunk's order."""

    seeds: np.ndarray  # (batch,) int64
    losses: np.ndarray  # (batch,) float64, the SSE after the last step
    outputs: np.ndarray  # (batch, rows, n_out) in the recipe's dtype, after the last step
    learned_at: np.ndarray  # (batch,) int64, the first checked step at which it had learned; -1 never
    simd: str  # the SIMD level it was trained at (xorc.simd_level() where it ran)


class StopFlag(Protocol):
    """What train_chunk asks of a stop flag (a threading.Event is one)."""

    def is_set(self) -> bool: ...


def chunk_bytes(recipe: Recipe, batch: int, level: int | None = None) -> int:
    """The bytes ``train_chunk`` holds at once for `batch` networks of `recipe`, at SIMD `level`
    (default: the one in use here).

    Counted: the batch's weights (and biases) and optimizer state, X and y, the lockstep workspace the level uses, and
    one seed's initial weights as ``initial_weights`` draws them (a float64 stream
    and its copies in the recipe's dtype). Left out: the padding between the arrays,
    the losses and the outputs, a few hundred bytes per network.
    """
    weights = weight_count(*recipe.shape, recipe.bias)
    dtype = np.dtype(recipe.dtype)
    level = _simd.level() if level is None else level
    workspace = _binding.lockstep_workspace_bytes(recipe.X.shape[0], *recipe.shape, dtype, level)
    state = 2 * weights if recipe.optimizer in _settings.STATEFUL else 0  # the optimizer's, per network
    held = (batch * (weights + state) + recipe.X.size + recipe.y.size) * dtype.itemsize + workspace
    return held + drawing_bytes(weights, dtype)


def refuse_chunks_beyond_memory(chunks: list[tuple[Recipe, int]]) -> None:
    """A MemoryError naming hidden if `chunks` (a recipe and a number of networks each), trained at once
    (one per thread), need more than the machine's memory (``_memory.refuse_beyond_memory``).

    The message names the shape of the largest chunk's recipe.
    """
    sizes = [chunk_bytes(recipe, batch) for recipe, batch in chunks]
    largest = chunks[sizes.index(max(sizes))][0]
    nbytes, threads, networks = sum(sizes), len(chunks), sum(batch for _, batch in chunks)
    what = (
        "a network"
        if networks == 1
        else f"{threads} thread{'s' * (threads != 1)} training {networks} network{'s' * (networks != 1)}"
    )
    _memory.refuse_beyond_memory(*largest.shape, nbytes, what, threads)


def train_chunk(recipe: Recipe, seeds: np.ndarray, stop: StopFlag | None = None) -> ChunkResult | None:
    """Train the networks of `seeds` (int64) by `recipe`, here; None if `stop` was set before the end.

    Seed s starts from ``initial_weights(s, ...)``, exactly as ``xorc.train(seed=s)``.
    The steps run in pieces of about PIECE_WORK (train_networks), `stop` checked
    between two. A network whose final loss or weights are not finite has diverged,
    whatever its outputs: its learned_at is DIVERGED.
    """
    seeds = np.asarray(seeds, dtype=np.int64)
    dtype = np.dtype(recipe.dtype)
    batch = seeds.size
    n_in, hidden, n_out = recipe.shape
    shapes = [(batch, n_in, hidden), (batch, hidden, n_out), recipe.X.shape, recipe.y.shape]
    stateful = recipe.optimizer in _settings.STATEFUL
    if stateful:
        shapes.append((batch, _binding.optimizer_state_len(*recipe.shape, recipe.bias)))
    if recipe.bias:
        shapes += [(batch, hidden), (batch, n_out)]
    level = _simd.level()
    with _binding.allocating(*recipe.shape, nbytes=chunk_bytes(recipe, batch, level)):
        arrays = private_arrays(shapes, dtype)
    W1, W2, X, y = arrays[:4]
    state = arrays[4] if stateful else None
    b1, b2 = (arrays[-2], arrays[-1]) if recipe.bias else (None, None)
    X[...], y[...] = recipe.X, recipe.y
    for index, seed in enumerate(seeds):
        drawn = initial_weights(int(seed), *recipe.shape, dtype, recipe.bias, recipe.init, recipe.activation)
        for target, source in zip((W1, W2, b1, b2), drawn, strict=True):
            if target is not None and source is not None:
                target[index] = source

    learned_at = np.full(batch, NOT_LEARNED, dtype=np.int64)
    work = _binding.lockstep_workspace(recipe.X.shape[0], *recipe.shape, dtype, level)
    # A batch trains in whole vectors: a lone network costs as much as a few.
    piece = max(1, PIECE_WORK // (max(batch, _simd.lanes() * 2) * recipe.step_work()))
    if 0 < recipe.check_every < piece:
        piece -= piece % recipe.check_every  # pieces end on checked steps
    done = 0
    while True:
        if stop is not None and stop.is_set():
            return None
        count = min(piece, recipe.steps - done)
        finish = done + count == recipe.steps  # the last step is always checked
        losses, outputs = train_networks(
            W1, W2, b1, b2, X, y, recipe.values, done, count, recipe.check_every, learned_at,
            level=level, work=work, finish=finish, state=state,
        )  # fmt: skip
        done += count
        if finish:
            break
    return ChunkResult(
        seeds=seeds, losses=losses, outputs=outputs, learned_at=learned_at, simd=_binding.simd_name(level) or ""
    )


def train_networks(
    W1: np.ndarray,
    W2: np.ndarray,
    b1: np.ndarray | None,
    b2: np.ndarray | None,
    X: np.ndarray,
    y: np.ndarray,
    options: Mapping[str, Any],
    first_step: int,
    steps: int,
    check_every: int,
    learned_at: np.ndarray,
    *,
    level: int | None = None,
    work: np.ndarray | None = None,
    finish: bool = False,
    state: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Train a batch of independent networks of one shape in place for `steps` steps; (losses, outputs) after.

    W1 (batch, n_in, hidden), W2 (batch, hidden, n_out), b1 (batch, hidden) and
    b2 (batch, n_out) or both None: C-contiguous, in the dtype of X (rows, n_in) and
    y (rows, n_out). `options`: the recipe's options (``Recipe.values``: lr, ...), which
    the binding hands to the core. The networks stand at step `first_step`. learned_at, int64
    (batch,), is updated in place: a network still at -1 gets the first step s in
    [first_step, first_step + steps) with s % check_every == 0 at which every output
    of the network as it stood after s steps was on its target's side of 0.5. With
    `finish` (the call that ends the training), the networks as they stand after the
    last step are checked too, and a network whose loss or weights are then not
    finite gets DIVERGED. Returns the losses (batch,) float64 and the outputs
    (batch, rows, n_out) of the networks after the steps.

    The networks train in lockstep (``xorc_train_lockstep_*``): side by side in the
    lanes of the processor's vector registers, at SIMD `level` (default: the one
    ``xorc.simd_level()`` names), each bit for bit as the scalar core trains it alone.
    `work` (``_binding.lockstep_workspace``) may be passed to reuse one. `state` (batch,
    ``_binding.optimizer_state_len``): the networks' optimizer state, None for gd; the
    networks started from zero state at step 0, and have had one update per step since
    (one per row with online updates), so it starts afresh when `first_step` is 0.
    """
    if level is None:
        level = _simd.level()
    if work is None:
        work = _binding.lockstep_workspace(X.shape[0], W1.shape[1], W1.shape[2], W2.shape[2], X.dtype, level)
    per_step = X.shape[0] if options.get("update") == "online" else 1
    losses, outputs = _binding.train_lockstep(
        W1, W2, b1, b2, X, y, options, steps,
        first_step=first_step, check_every=check_every, learned_at=learned_at, level=level, work=work,
        finish=finish, state=state, updates_done=first_step * per_step, restart=first_step == 0,
    )  # fmt: skip
    return losses.astype(np.float64), outputs


#: Bytes between the arrays of different chunks: two 64-byte cache lines (the second
#: against the prefetcher that fetches lines in pairs).
_SEPARATION = 128


def private_arrays(shapes: list[tuple[int, ...]], dtype: np.dtype) -> list[np.ndarray]:
    """Zeroed C-contiguous arrays of `dtype`, one per shape, each on fresh cache lines, padded at both ends.

    Small numpy arrays allocated by two threads often share a cache line, and C writes
    the weights and the workspace at every step: two cores would pass that line back
    and forth for the whole training (false sharing). Arrays cut from one padded
    block never share a line with another thread's.
    """
    spans = [-(-math.prod(shape) * dtype.itemsize // _SEPARATION) * _SEPARATION for shape in shapes]
    raw = np.zeros(sum(spans) + 3 * _SEPARATION, dtype=np.uint8)
    offset = _SEPARATION + (-raw.ctypes.data) % _SEPARATION
    arrays = []
    for shape, span in zip(shapes, spans, strict=True):
        arrays.append(raw[offset : offset + math.prod(shape) * dtype.itemsize].view(dtype).reshape(shape))
        offset += span
    return arrays
