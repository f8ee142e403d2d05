"""bench/sweep.py's peers train the seed program's network, and its check catches one that does not.

The peers (bench/peers.py) are checked against tests/reference.py here, independently
of xorc; the JAX and numba peers only where those packages are installed. The
benchmark's own check (bench/sweep.py) must mark a peer whose results differ as wrong.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import reference

BENCH = Path(__file__).resolve().parent.parent / "bench"
if not (BENCH / "peers.py").exists():  # the sdist's tests run without bench/ beside them
    pytest.skip("bench/ is not beside tests/", allow_module_level=True)
sys.path.insert(0, str(BENCH))
peers = pytest.importorskip("peers")
sweep_bench = pytest.importorskip("sweep")

SEEDS = np.array([0, 1, 2, 7, 1234])
STEPS = 300


def expected(dtype):
    """Final losses and outputs of reference.train, seed by seed, from the seed program's weights."""
    X, y = peers.XOR_X, peers.XOR_Y
    losses, outputs = [], []
    for seed in SEEDS:
        rng = np.random.RandomState(seed)
        W1 = rng.uniform(-1, 1, (2, 3)).astype(dtype).astype(np.float64)
        W2 = rng.uniform(-1, 1, (3, 1)).astype(dtype).astype(np.float64)
        W1, W2, _, _ = reference.train(X, y, W1, W2, peers.LR, STEPS)
        out = reference.forward(X, W1, W2)[1]
        losses.append(reference.sse(out, y))
        outputs.append(out)
    return np.array(losses), np.array(outputs)


#: A child process trains the seeds with one peer and saves (losses, outputs) to an .npz file:
#: JAX and numba start threads, which must not live in the pytest process (other tests fork).
CHILD = """
import sys
import numpy as np
sys.path.insert(0, sys.argv[1])
import peers
name, dtype, path = sys.argv[2], np.dtype(sys.argv[3]), sys.argv[4]
seeds = np.array([int(seed) for seed in sys.argv[5].split(",")])
steps = int(sys.argv[6])
X, y = peers.XOR_X.astype(dtype), peers.XOR_Y.astype(dtype)
W1, W2 = peers.seed_weights(seeds, dtype)
if name == "jax":
    train, compile_for = peers.jax_trainer(dtype, 2)
    compile_for(W1, W2, X, y, peers.LR)
else:
    train = peers.numba_trainer(dtype, 2)
losses, outputs = train(W1, W2, X, y, peers.LR, steps)
np.savez(path, losses=losses, outputs=outputs)
"""


def trained(name, dtype, tmp_path):
    """(losses, outputs) of the peer `name` on SEEDS for STEPS steps."""
    if name == "numpy":
        W1, W2 = peers.seed_weights(SEEDS, dtype)
        return peers.numpy_batched(W1, W2, peers.XOR_X.astype(dtype), peers.XOR_Y.astype(dtype), peers.LR, STEPS)
    if importlib.util.find_spec(name) is None:
        pytest.skip(f"{name} is not installed (the bench extra)")
    path = tmp_path / "trained.npz"
    seeds = ",".join(str(seed) for seed in SEEDS)
    subprocess.run(
        [sys.executable, "-c", CHILD, str(BENCH), name, dtype.name, str(path), seeds, str(STEPS)],
        check=True,
        timeout=600,
    )
    with np.load(path) as saved:
        return saved["losses"], saved["outputs"]


# float64 agrees with the reference to rounding; float32 to float32's precision over 300 steps.
@pytest.mark.parametrize("name", ["numpy", "numba", "jax"])
@pytest.mark.parametrize(
    ("dtype", "tolerance"), [(np.dtype(np.float64), 1e-12), (np.dtype(np.float32), 1e-4)], ids=["float64", "float32"]
)
def test_peers_train_the_seed_program(name, dtype, tolerance, tmp_path):
    losses, outputs = expected(dtype)
    got_losses, got_outputs = trained(name, dtype, tmp_path)
    assert got_losses.shape == (len(SEEDS),)
    assert got_outputs.shape == (len(SEEDS), 4, 1) and got_outputs.dtype == dtype
    np.testing.assert_allclose(got_losses, losses, rtol=0, atol=tolerance)
    np.testing.assert_allclose(got_outputs, outputs, rtol=0, atol=tolerance)


def test_seed_weights_are_the_seed_programs():
    W1, W2 = peers.seed_weights(SEEDS, np.dtype(np.float64))
    rng = np.random.RandomState(SEEDS[-1])
    assert np.array_equal(W1[-1], rng.uniform(-1, 1, (2, 3)))
    assert np.array_equal(W2[-1], rng.uniform(-1, 1, (3, 1)))


def row(losses, outputs):
    result = sweep_bench.Row("a program", "float64", run=lambda steps: (losses, outputs), steps=STEPS)
    result.measure(STEPS)
    return result


def test_the_check_marks_a_peer_that_disagrees_as_wrong():
    y = peers.XOR_Y
    outputs = np.repeat(np.where(y > 0.5, 0.9, 0.1)[None], 3, axis=0)  # three networks that learned
    losses = np.array([0.04, 0.04, 0.04])
    xorc_row = row(losses, outputs)

    same = row(losses + 1e-12, outputs)
    sweep_bench.check(same, xorc_row, y)
    assert not same.wrong and "3 learned" in same.check

    off = row(losses + np.array([0, 2e-9, 0]), outputs)
    sweep_bench.check(off, xorc_row, y)
    assert off.wrong and "> 1e-09" in off.check

    unlearned = outputs.copy()
    unlearned[1, 0, 0] = 0.4  # network 1 no longer learned row 0 (target 1)
    sweep_bench.check(not_learned := row(losses, unlearned), xorc_row, y)
    assert not_learned.wrong and "1 seeds disagree" in not_learned.check

    nan = row(np.array([0.04, np.nan, 0.04]), outputs)
    sweep_bench.check(nan, xorc_row, y)
    assert nan.wrong

    fewer = row(losses[:2], outputs[:2])
    sweep_bench.check(fewer, xorc_row, y)
    assert fewer.wrong and "2 networks, xorc 3" in fewer.check
