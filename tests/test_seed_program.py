"""xorc.train() reproduces the blog post's program, number for number.

The expected values were printed by the post's program run as written (float64)
on PyTensor 3.0.7 and on Theano 1.0.5, which agree with each other.
"""

import numpy as np
import pytest

import xorc

SEED_W1 = [
    [-0.6169610992422154, 0.24421754207966373, -0.12454452198577104],
    [0.5707171674275384, 0.559951616237607, -0.45481478943471676],
]
SEED_W2 = [[-0.4470714897138066], [0.6037443550700385], [0.9162787073674103]]
FINAL_OUTPUTS = [0.9216677120792811, 0.11738477160349597, 0.9215744371130303, 0.048510956158810715]
FINAL_W1 = [
    [-2.898119087085724, 4.747276333300586, 5.38372318516688],
    [5.38923665660938, 4.91914620270699, -2.898378358151456],
]
FINAL_W2 = [[-6.9138860248298295], [9.77765084081096], [-6.898629146968343]]
SSE_EVERY_10000 = [
    1.0682484368686982,
    0.9969913076102249,
    0.8644858131636437,
    0.24446880846236438,
    0.07221767163380854,
    0.04091623251055219,
    0.028419013716879406,
]


@pytest.fixture(scope="module")
def seed_net():
    return xorc.train()


def test_initial_weights_are_the_seed_programs_exactly():
    net = xorc.Network.random(seed=1234)
    assert net.W1.tolist() == SEED_W1
    assert net.W2.tolist() == SEED_W2
    assert net.shape == (2, 3, 1) and net.dtype == np.float64


def test_xor_table_is_the_seed_programs():
    X, y = xorc.truth_table("xor")
    assert X.tolist() == [[1, 0], [0, 0], [0, 1], [1, 1]]
    assert y.tolist() == [[1], [0], [1], [0]]


def test_final_outputs(seed_net):
    X, _ = xorc.truth_table("xor")
    np.testing.assert_allclose(seed_net.predict(X).ravel(), FINAL_OUTPUTS, rtol=0, atol=1e-9)


def test_final_weights(seed_net):
    np.testing.assert_allclose(seed_net.W1, FINAL_W1, rtol=0, atol=1e-8)
    np.testing.assert_allclose(seed_net.W2, FINAL_W2, rtol=0, atol=1e-8)


def test_loss_history(seed_net):
    steps = [step for step, _ in seed_net.history]
    losses = [loss for _, loss in seed_net.history]
    assert steps == list(range(0, 60001, 10000))
    np.testing.assert_allclose(losses, SSE_EVERY_10000, rtol=0, atol=1e-9)


def test_fit_returns_the_same_history():
    X, y = xorc.truth_table("xor")
    history = xorc.Network.random().fit(X, y)
    np.testing.assert_allclose([loss for _, loss in history], SSE_EVERY_10000, rtol=0, atol=1e-9)


def test_float32_agrees_with_float64(seed_net):
    X, _ = xorc.truth_table("xor")
    net32 = xorc.train(dtype="float32")
    assert net32.dtype == np.float32 and net32.predict(X).dtype == np.float32
    np.testing.assert_allclose(net32.predict(X).ravel(), FINAL_OUTPUTS, rtol=0, atol=1e-3)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_reruns_are_bit_identical(dtype):
    first, second = xorc.train(dtype=dtype, steps=5000), xorc.train(dtype=dtype, steps=5000)
    assert first.W1.tobytes() == second.W1.tobytes()
    assert first.W2.tobytes() == second.W2.tobytes()


def test_matches_plain_numpy_training():
    """A short run against the independent reference, step for step."""
    import reference

    X, y = xorc.truth_table("xor")
    start = xorc.Network.random(seed=7)
    W1, W2, _, _ = reference.train(X, y, start.W1, start.W2, 0.01, 2000)
    start.fit(X, y, steps=2000)
    np.testing.assert_allclose(start.W1, W1, rtol=0, atol=1e-12)
    np.testing.assert_allclose(start.W2, W2, rtol=0, atol=1e-12)
