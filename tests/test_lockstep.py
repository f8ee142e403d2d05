"""Lockstep training (the core's xorc_train_lockstep_*) against each network trained alone.

Every SIMD level this processor has is run through the binding directly (the level is
an argument of each call), on the seed recipe, other shapes with and without biases,
batches that do not fill the last vector, saturating networks and pieces of a long
run; each network must end bit for bit where ``xorc.train`` / ``Network.fit`` takes it
alone. The numpy reference confirms the numbers are the network's, not only xorc's.
"""

import itertools
import os
import subprocess
import sys

import numpy as np
import pytest

import installed
import reference
import xorc
from xorc import _binding, _simd
from xorc.network import initial_weights

LEVELS = list(range(_binding.simd_best() + 1))
X, Y = xorc.truth_table("xor")


def level_id(level):
    return _binding.simd_name(level)


def stack(networks, dtype):
    """The batch layout: (batch, ...) arrays of each parameter, None for absent biases."""
    arrays = []
    for position in range(4):
        parts = [net[position] for net in networks]
        arrays.append(None if parts[0] is None else np.ascontiguousarray(np.stack(parts), dtype=dtype))
    return arrays


def train_batch(networks, X, y, lr, steps, level, check_every=0, pieces=1):
    """The networks trained in lockstep at `level`, in `pieces` calls; (W1, W2, b1, b2, losses, outputs, learned_at)."""
    dtype = networks[0][0].dtype
    W1, W2, b1, b2 = stack(networks, dtype)
    learned_at = np.full(len(networks), -1, dtype=np.int64)
    work = _binding.lockstep_workspace(X.shape[0], W1.shape[1], W1.shape[2], W2.shape[2], dtype, _simd.level())
    bounds = np.linspace(0, steps, pieces + 1).astype(int)
    for first, last in itertools.pairwise(bounds):
        losses, outputs = _binding.train_lockstep(
            W1, W2, b1, b2, X, y, {"lr": lr}, int(last - first),
            first_step=int(first), check_every=check_every, learned_at=learned_at, level=level, work=work,
        )  # fmt: skip
    return W1, W2, b1, b2, losses, outputs, learned_at


def alone(network, X, y, lr, steps):
    """One network trained by the scalar core: (Network, loss)."""
    W1, W2, b1, b2 = (None if a is None else a.copy() for a in network)
    net = xorc.Network(W1, W2, b1, b2)
    net.fit(X, y, lr=lr, steps=steps, log_every=0)
    return net, net.history[-1][1]


def assert_same_as_alone(networks, X, y, lr, steps, level, pieces=1):
    W1, W2, b1, b2, losses, outputs, _ = train_batch(networks, X, y, lr, steps, level, pieces=pieces)
    for k, network in enumerate(networks):
        net, loss = alone(network, X, y, lr, steps)
        assert W1[k].tobytes() == net.W1.tobytes(), f"network {k}: W1"
        assert W2[k].tobytes() == net.W2.tobytes(), f"network {k}: W2"
        if b1 is not None:
            assert b1[k].tobytes() == net.b1.tobytes() and b2[k].tobytes() == net.b2.tobytes(), f"network {k}"
        assert float(losses[k]) == loss, f"network {k}: loss"
        assert outputs[k].tobytes() == net.predict(X).tobytes(), f"network {k}: outputs"


@pytest.mark.parametrize("level", LEVELS, ids=level_id)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_seed_recipe_every_batch_size(level, dtype):
    lanes = _binding.simd_lanes(level)
    for batch in sorted({1, 2, lanes, lanes + 1, 2 * lanes + 1, 3 * lanes + 1}):
        networks = [initial_weights(seed, 2, 3, 1, np.dtype(dtype), False) for seed in range(batch)]
        assert_same_as_alone(networks, X.astype(dtype), Y.astype(dtype), 0.01, 500, level)


@pytest.mark.parametrize("level", LEVELS, ids=level_id)
def test_seed_job_and_the_numpy_reference(level):
    """Seed 1234 among others, 60000 steps: the seed program's numbers, and numpy's reference."""
    seeds = [3, 1234, 8, 9, 10]
    networks = [initial_weights(seed, 2, 3, 1, np.dtype("float64"), False) for seed in seeds]
    _W1, _W2, _, _, losses, outputs, _ = train_batch(networks, X, Y, 0.01, 60000, level)
    assert losses[1] == pytest.approx(0.028419013716879406, abs=1e-9)
    np.testing.assert_allclose(outputs[1].ravel(), [0.92166771, 0.11738477, 0.92157444, 0.04851096], atol=1e-8)
    for k in (0, 1):
        ref_W1, ref_W2, _, _ = reference.train(X, Y, *networks[k][:2], 0.01, 2000)
        short = train_batch([networks[k]], X, Y, 0.01, 2000, level)
        np.testing.assert_allclose(short[0][0], ref_W1, atol=1e-12)
        np.testing.assert_allclose(short[1][0], ref_W2, atol=1e-12)


@pytest.mark.parametrize("level", LEVELS, ids=level_id)
@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("shape", [(3, 5, 2), (2, 16, 1), (1, 1, 1), (4, 3, 3)])
def test_other_shapes(level, bias, shape):
    rng = np.random.default_rng(sum(shape) + 10 * bias)
    n_in, hidden, n_out = shape
    X = rng.uniform(-2, 2, (6, n_in))
    y = rng.uniform(0, 1, (6, n_out))
    lanes = _binding.simd_lanes(level)
    networks = [initial_weights(seed, n_in, hidden, n_out, np.dtype("float64"), bias) for seed in range(2 * lanes + 1)]
    assert_same_as_alone(networks, X, y, 0.2, 150, level, pieces=3)


@pytest.mark.parametrize("level", LEVELS, ids=level_id)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_saturating_networks_mixed_with_others(level, dtype):
    """Some lanes' exponentials leave the hot path (|x| >= 700, or 100 in float) and others' do not."""
    dtype = np.dtype(dtype)
    rng = np.random.default_rng(5)
    lanes = _binding.simd_lanes(level)
    networks = []
    for k in range(2 * lanes + 2):
        W1, W2, b1, b2 = initial_weights(k, 2, 3, 1, dtype, True)
        scale = dtype.type(10.0 ** rng.integers(0, 6)) if k % 3 == 0 else dtype.type(1)
        networks.append((W1 * scale, W2 * scale, b1 * scale, b2))
    assert_same_as_alone(networks, X.astype(dtype), Y.astype(dtype), 0.05, 80, level)


@pytest.mark.parametrize("level", LEVELS, ids=level_id)
def test_learned_at_against_a_step_by_step_search(level):
    """learned_at: the first multiple of check_every at which every output is on its target's side."""
    check_every, steps, lr = 25, 3000, 1.0
    networks = [initial_weights(seed, 2, 3, 1, np.dtype("float64"), False) for seed in range(7)]
    *_, learned_at = train_batch(networks, X, Y, lr, steps, level, check_every=check_every, pieces=4)
    assert (learned_at >= 0).sum() >= 3, "the recipe should teach most of these networks XOR"
    for k, (W1, W2, _, _) in enumerate(networks):
        W1, W2 = W1.copy(), W2.copy()
        want = -1
        for step in range(0, steps, check_every):
            out = reference.forward(X, W1, W2)[1]
            if np.all(np.where(Y > 0.5, out > 0.5, out < 0.5)):
                want = step
                break
            W1, W2, _, _ = reference.train(X, Y, W1, W2, lr, check_every)
        assert learned_at[k] == want, f"network {k}"


def test_a_failed_call_names_the_problem_and_writes_nothing():
    networks = [initial_weights(seed, 2, 3, 1, np.dtype("float64"), False) for seed in range(3)]
    W1, W2, _, _ = stack(networks, np.float64)
    before = W1.copy()
    work = _binding.lockstep_workspace(4, 2, 3, 1, np.float64, _simd.level())
    options = {"lr": 0.01}
    with pytest.raises(ValueError, match="SIMD level"):
        _binding.train_lockstep(
            W1, W2, None, None, X, Y, options, 10, first_step=0, check_every=0, learned_at=None, level=99, work=work
        )
    with pytest.raises(ValueError, match="workspace"):
        _binding.train_lockstep(
            W1, W2, None, None, X, Y, options, 10, first_step=0, check_every=0, learned_at=None, level=0, work=work[:5]
        )
    assert W1.tobytes() == before.tobytes()


def run_python(code, **env):
    """`code` in a fresh interpreter (XORC_SIMD is read at import), from outside the checkout."""
    environment = {**installed.environment(), **env}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, cwd=os.path.expanduser("~")
    )


def test_simd_level_names_the_level_in_use():
    assert xorc.simd_level() in _simd.LEVELS
    assert _simd.LEVELS.index(xorc.simd_level()) <= _binding.simd_best()


@pytest.mark.parametrize("level", LEVELS, ids=level_id)
def test_xorc_simd_forces_a_level(level):
    name = _binding.simd_name(level)
    done = run_python("import xorc; print(xorc.simd_level())", XORC_SIMD=name.upper())
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == name


@pytest.mark.parametrize("value", ["avx1024", "fast", "3"])
def test_xorc_simd_unknown_is_a_clear_error(value):
    done = run_python("import xorc; xorc.simd_level()", XORC_SIMD=value)
    assert done.returncode != 0
    assert f"XORC_SIMD={value!r} is not a SIMD level" in done.stderr


@pytest.mark.skipif(_binding.simd_best() == 3, reason="this processor has every level")
def test_xorc_simd_above_the_processor_is_a_clear_error():
    done = run_python("import xorc; xorc.simd_level()", XORC_SIMD="avx512")
    assert done.returncode != 0
    assert "XORC_SIMD=avx512 asks for more than this processor supports" in done.stderr


SWEEP_SEEDS, SWEEP_STEPS = 300, 3000


@pytest.fixture(scope="module")
def trained_alone():
    """Each seed of the sweep below trained alone by xorc.train: (losses, outputs)."""
    nets = [xorc.train(seed=seed, steps=SWEEP_STEPS, log_every=0) for seed in range(SWEEP_SEEDS)]
    return np.array([net.history[-1][1] for net in nets]), np.stack([net.predict(X) for net in nets])


@pytest.mark.parametrize("level", LEVELS, ids=level_id)
def test_sweep_under_each_forced_level_equals_train(level, trained_alone, tmp_path):
    name = _binding.simd_name(level)
    path = tmp_path / "sweep.npz"
    code = (
        "import numpy as np, xorc; "
        f"r = xorc.sweep(range({SWEEP_SEEDS}), steps={SWEEP_STEPS}, threads=2); "
        f"np.savez({str(path)!r}, losses=r.losses, outputs=r.outputs, simd=r.simd)"
    )
    done = run_python(code, XORC_SIMD=name)
    assert done.returncode == 0, done.stderr
    with np.load(path) as swept:
        assert str(swept["simd"]) == name
        assert swept["losses"].tobytes() == trained_alone[0].tobytes()
        assert swept["outputs"].tobytes() == trained_alone[1].tobytes()
