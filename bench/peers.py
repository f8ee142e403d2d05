"""The programs a user would write instead of ``xorc.sweep``: numpy, numba and JAX, each at its best.

Each peer trains many seeds of the seed program's network at once and shares no
code with xorc: the XOR table and the initial weights come from the seed program
itself (``RandomState(seed).uniform(-1, 1, ...)``, W1 then W2), and the math is its
math, full-batch gradient descent on the sum of squared errors of
``out = sigmoid(sigmoid(X·W1)·W2)``, no biases, lr 0.01:

    delta = 2 (out - y) * out * (1 - out)          dW2 = hidden^T · delta
    dz1   = (delta · W2^T) * hidden * (1 - hidden)  dW1 = X^T · dz1
    W <- W - lr * dW

Every peer returns, per seed, the SSE of the trained network and its outputs
(what ``xorc.sweep`` keeps), so that bench/sweep.py can check it against xorc in
the same run. Each is written the way the people who use that framework best
would write it for this job; the choices are stated where each is made.

- numpy: arrays of shape (seeds, ...), one Python iteration per step; stacked
  ``@`` (numpy's batched matmul) is the fastest numpy form of these tiny products
  (measured against ``einsum`` and broadcast-multiply-and-sum, 2000 and 10,000
  seeds: 1.1 to 1.8x and 1.4 to 2.7x slower).
- numba: ``@njit(parallel=True, fastmath=False)``, ``prange`` over seeds, and per
  seed a scalar loop over steps and rows with the nine weights, their gradients
  and the activations in local variables (registers). It is written for 2-3-1,
  the benchmark's shape: the same loops over small arrays of any shape took 1.6x
  the CPU time, so the specialised form is the strongest numba program for this job.
- JAX: ``jax.vmap`` of one full-batch gradient step of one network over all
  seeds, in ``jax.lax.fori_loop``, the whole training one ``jax.jit``, compiled
  ahead of time (``.lower().compile()``) so that the compilation is measured
  apart. The gradient is written out (as above) rather than taken by
  ``jax.grad``: the same numbers, and about 20% faster under XLA. With more than
  one thread the seeds are sharded over that many CPU devices (the one way to
  spread a jitted computation of this kind over cores; a single device runs it
  on one core).
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable

import numpy as np

#: The seed program's table: inputs (1,0), (0,0), (0,1), (1,1), targets 1, 0, 1, 0.
XOR_X = np.array([[1, 0], [0, 0], [0, 1], [1, 1]], dtype=np.float64)
XOR_Y = np.array([[1], [0], [1], [0]], dtype=np.float64)
LR = 0.01

#: train(W1, W2, X, y, lr, steps) -> (losses (seeds,) float64, outputs (seeds, rows, n_out)).
#: W1 (seeds, n_in, hidden) and W2 (seeds, hidden, n_out) are the initial weights, in the
#: peer's dtype; X and y are in the same dtype. The peer may train W1 and W2 in place.
Train = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float, int], tuple[np.ndarray, np.ndarray]]


def seed_weights(seeds: np.ndarray, dtype: np.dtype, n_in: int = 2, hidden: int = 3, n_out: int = 1):
    """(W1, W2) stacked over seeds, drawn as the seed program draws them, then cast to dtype.

    rng = np.random.RandomState(seed); W1 = rng.uniform(-1, 1, (n_in, hidden));
    W2 = rng.uniform(-1, 1, (hidden, n_out)), in float64 as the program does.
    """
    W1 = np.empty((len(seeds), n_in, hidden))
    W2 = np.empty((len(seeds), hidden, n_out))
    for index, seed in enumerate(seeds):
        rng = np.random.RandomState(int(seed))
        W1[index] = rng.uniform(-1, 1, (n_in, hidden))
        W2[index] = rng.uniform(-1, 1, (hidden, n_out))
    return W1.astype(dtype), W2.astype(dtype)


# numpy ---------------------------------------------------------------------------------


def numpy_batched(
    W1: np.ndarray, W2: np.ndarray, X: np.ndarray, y: np.ndarray, lr: float, steps: int
) -> tuple[np.ndarray, np.ndarray]:
    """All seeds as one stack of networks, one Python iteration per step (single-threaded)."""

    def sigmoid(z: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-z))

    lr = X.dtype.type(lr)
    for _ in range(steps):
        hidden = sigmoid(X @ W1)  # (seeds, rows, hidden)
        out = sigmoid(hidden @ W2)  # (seeds, rows, n_out)
        delta = 2.0 * (out - y) * out * (1.0 - out)
        dz1 = (delta @ W2.transpose(0, 2, 1)) * hidden * (1.0 - hidden)
        W1 -= lr * (X.T @ dz1)
        W2 -= lr * (hidden.transpose(0, 2, 1) @ delta)
    out = sigmoid(sigmoid(X @ W1) @ W2)
    return ((y - out) ** 2).sum(axis=(1, 2), dtype=np.float64), out


# numba ---------------------------------------------------------------------------------


def numba_trainer(dtype: np.dtype, threads: int) -> Train:
    """The numba peer in `dtype` on `threads` threads; raises ImportError without numba.

    The constants are numbers of `dtype`, so that float32 stays float32 all through
    (numba, like C, would promote a float32 times the literal 2.0 to float64).
    """
    import numba

    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    zero, one, two = dtype.type(0), dtype.type(1), dtype.type(2)

    @numba.njit(parallel=True, fastmath=False)
    def train_2_3_1(W1, W2, X, y, lr, steps, losses, outputs):  # pragma: no cover - compiled
        for s in numba.prange(W1.shape[0]):
            a00, a01, a02 = W1[s, 0, 0], W1[s, 0, 1], W1[s, 0, 2]  # W1, input 0 -> hidden 0, 1, 2
            a10, a11, a12 = W1[s, 1, 0], W1[s, 1, 1], W1[s, 1, 2]  # W1, input 1 -> hidden 0, 1, 2
            b0, b1, b2 = W2[s, 0, 0], W2[s, 1, 0], W2[s, 2, 0]  # W2, hidden 0, 1, 2 -> out
            for _ in range(steps):
                g00, g01, g02, g10, g11, g12 = zero, zero, zero, zero, zero, zero  # dW1
                c0, c1, c2 = zero, zero, zero  # dW2
                for r in range(X.shape[0]):
                    x0, x1 = X[r, 0], X[r, 1]
                    h0 = one / (one + math.exp(-(x0 * a00 + x1 * a10)))
                    h1 = one / (one + math.exp(-(x0 * a01 + x1 * a11)))
                    h2 = one / (one + math.exp(-(x0 * a02 + x1 * a12)))
                    o = one / (one + math.exp(-(h0 * b0 + h1 * b1 + h2 * b2)))
                    d = two * (o - y[r, 0]) * o * (one - o)  # delta
                    c0 += h0 * d
                    c1 += h1 * d
                    c2 += h2 * d
                    e0 = d * b0 * h0 * (one - h0)  # dz1
                    e1 = d * b1 * h1 * (one - h1)
                    e2 = d * b2 * h2 * (one - h2)
                    g00 += x0 * e0
                    g01 += x0 * e1
                    g02 += x0 * e2
                    g10 += x1 * e0
                    g11 += x1 * e1
                    g12 += x1 * e2
                a00, a01, a02 = a00 - lr * g00, a01 - lr * g01, a02 - lr * g02
                a10, a11, a12 = a10 - lr * g10, a11 - lr * g11, a12 - lr * g12
                b0, b1, b2 = b0 - lr * c0, b1 - lr * c1, b2 - lr * c2
            loss = zero  # the SSE of the trained network, and its outputs
            for r in range(X.shape[0]):
                x0, x1 = X[r, 0], X[r, 1]
                h0 = one / (one + math.exp(-(x0 * a00 + x1 * a10)))
                h1 = one / (one + math.exp(-(x0 * a01 + x1 * a11)))
                h2 = one / (one + math.exp(-(x0 * a02 + x1 * a12)))
                o = one / (one + math.exp(-(h0 * b0 + h1 * b1 + h2 * b2)))
                outputs[s, r, 0] = o
                loss += (y[r, 0] - o) * (y[r, 0] - o)
            losses[s] = loss

    def train(W1, W2, X, y, lr, steps):
        if W1.shape[1:] != (2, 3) or W2.shape[1:] != (3, 1) or X.shape[1] != 2 or y.shape[1] != 1:
            raise ValueError("the numba peer is written for the benchmark's 2-3-1 network")
        losses = np.empty(W1.shape[0], dtype=dtype)
        outputs = np.empty((W1.shape[0], *y.shape), dtype=dtype)
        train_2_3_1(W1, W2, X, y, dtype.type(lr), steps, losses, outputs)
        return losses.astype(np.float64), outputs

    return train


# JAX -----------------------------------------------------------------------------------


def jax_trainer(dtype: np.dtype, threads: int) -> tuple[Train, Callable[..., float]]:
    """The JAX peer in `dtype` on `threads` CPU devices; raises ImportError without JAX.

    Returns (train, compile): compile(W1, W2, X, y, lr) compiles the training for these
    shapes ahead of time and returns the seconds it took; train then runs it (any
    number of steps: the step count is an argument, not a constant of the program).
    The first call decides the number of CPU devices for the whole process (XLA reads
    it once, when JAX starts).
    """
    if "jax" not in sys.modules:
        os.environ["XLA_FLAGS"] = (
            os.environ.get("XLA_FLAGS", "") + f" --xla_force_host_platform_device_count={threads}"
        ).strip()
    import jax
    import jax.numpy as jnp
    from jax.sharding import Mesh, NamedSharding, PartitionSpec

    jax.config.update("jax_enable_x64", True)
    devices = jax.devices("cpu")[:threads]
    by_seed = NamedSharding(Mesh(np.array(devices), ("seeds",)), PartitionSpec("seeds"))
    replicated = NamedSharding(by_seed.mesh, PartitionSpec())

    def sigmoid(z):
        return 1 / (1 + jnp.exp(-z))

    def step(W1, W2, X, y, lr):
        """One full-batch gradient step of one network."""
        hidden = sigmoid(X @ W1)
        out = sigmoid(hidden @ W2)
        delta = 2 * (out - y) * out * (1 - out)
        dz1 = (delta @ W2.T) * hidden * (1 - hidden)
        return W1 - lr * (X.T @ dz1), W2 - lr * (hidden.T @ delta)

    def loss_and_outputs(W1, W2, X, y):
        out = sigmoid(sigmoid(X @ W1) @ W2)
        return jnp.sum((y - out) ** 2), out

    steps_all = jax.vmap(step, in_axes=(0, 0, None, None, None))

    def training(W1, W2, X, y, lr, steps):
        W1, W2 = jax.lax.fori_loop(0, steps, lambda _, W: steps_all(*W, X, y, lr), (W1, W2))
        return jax.vmap(loss_and_outputs, in_axes=(0, 0, None, None))(W1, W2, X, y)

    shardings = (by_seed, by_seed, replicated, replicated, replicated, replicated)
    jitted = jax.jit(
        training,
        in_shardings=shardings,
        out_shardings=(by_seed, by_seed),
    )
    compiled: dict[tuple, Callable] = {}

    def padded(W: np.ndarray) -> np.ndarray:
        """W with its first network repeated at the end, so that every device gets as many seeds."""
        extra = -len(W) % len(devices)
        return np.concatenate([W, np.repeat(W[:1], extra, axis=0)]) if extra else W

    def arguments(W1, W2, X, y, lr, steps):
        return (padded(W1), padded(W2), X, y, np.asarray(lr, dtype), np.asarray(steps, np.int64))

    def compile_for(W1, W2, X, y, lr) -> float:
        started = time.perf_counter()
        args = arguments(W1, W2, X, y, lr, 0)
        key = tuple((a.shape, a.dtype) for a in args)
        compiled[key] = jitted.lower(*args).compile()
        return time.perf_counter() - started

    def train(W1, W2, X, y, lr, steps):
        args = arguments(W1, W2, X, y, lr, steps)
        program = compiled[tuple((a.shape, a.dtype) for a in args)]
        losses, outputs = program(*(jax.device_put(a, s) for a, s in zip(args, shardings, strict=True)))
        return np.asarray(losses, dtype=np.float64)[: len(W1)], np.asarray(outputs)[: len(W1)]

    return train, compile_for
