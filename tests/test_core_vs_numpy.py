"""The C core against the independent numpy reference, on random shapes and data."""

import numpy as np
import pytest

import reference
import xorc
from xorc import _binding

SHAPES = [(4, 2, 3, 1), (8, 3, 5, 2), (1, 1, 1, 1), (17, 6, 16, 4), (64, 10, 64, 3)]
TOLERANCE = {"float64": 1e-12, "float32": 2e-5}


def random_problem(shape, dtype, bias, seed=0):
    n, n_in, hidden, n_out = shape
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, (n, n_in))
    y = rng.uniform(0, 1, (n, n_out))
    net = xorc.Network.random(n_in, hidden, n_out, seed=seed, dtype=dtype, bias=bias)
    return net, X, y


def reference_args(net):
    """The network's weights in float64, for the reference."""
    return [None if a is None else a.astype(np.float64) for a in (net.W1, net.W2, net.b1, net.b2)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("bias", [False, True])
def test_predict_loss_gradients(shape, dtype, bias):
    net, X, y = random_problem(shape, dtype, bias)
    W1, W2, b1, b2 = reference_args(net)
    Xc, yc = X.astype(dtype).astype(np.float64), y.astype(dtype).astype(np.float64)
    _, expected_out = reference.forward(Xc, W1, W2, b1, b2)
    tol = TOLERANCE[dtype]

    out = net.predict(X)
    assert out.shape == (shape[0], shape[3]) and out.dtype == np.dtype(dtype)
    np.testing.assert_allclose(out, expected_out, rtol=tol, atol=tol)
    assert net.loss(X, y) == pytest.approx(reference.sse(expected_out, yc), rel=tol, abs=tol)

    expected = reference.gradients(Xc, yc, W1, W2, b1, b2)
    got = net.gradients(X, y)
    assert len(got) == (4 if bias else 2)
    for grad, want in zip(got, expected, strict=False):
        assert grad.dtype == np.dtype(dtype)
        np.testing.assert_allclose(grad, want, rtol=tol * 10, atol=tol * 10)


@pytest.mark.parametrize("shape", SHAPES[:4])
@pytest.mark.parametrize("bias", [False, True])
def test_gradients_match_finite_differences(shape, bias):
    net, X, y = random_problem(shape, "float64", bias, seed=3)
    params = [net.W1, net.W2] + ([net.b1, net.b2] if bias else [])
    grads = net.gradients(X, y)
    eps = 1e-5
    for index, (param, grad) in enumerate(zip(params, grads, strict=False)):
        numeric = np.empty_like(grad)
        for position in np.ndindex(param.shape):
            values = [p.copy() for p in params]
            values[index][position] += eps
            plus = xorc.Network(*values).loss(X, y)
            values[index][position] -= 2 * eps
            minus = xorc.Network(*values).loss(X, y)
            numeric[position] = (plus - minus) / (2 * eps)
        error = np.abs(grad - numeric) / np.maximum(1e-3, np.abs(grad) + np.abs(numeric))
        assert error.max() < 1e-6, f"parameter {index}: relative error {error.max():.2e}"


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("bias", [False, True])
def test_training_matches_reference(dtype, bias):
    net, X, y = random_problem((6, 3, 4, 2), dtype, bias, seed=11)
    W1, W2, b1, b2 = reference_args(net)
    Xc, yc = X.astype(dtype).astype(np.float64), y.astype(dtype).astype(np.float64)
    expected = reference.train(Xc, yc, W1, W2, 0.05, 300, b1, b2)
    net.fit(X, y, lr=0.05, steps=300)
    tol = 1e-11 if dtype == "float64" else 1e-4
    for got, want in zip((net.W1, net.W2, net.b1, net.b2), expected, strict=False):
        if want is not None:
            np.testing.assert_allclose(got, want, rtol=tol, atol=tol)


def test_train_steps_equal_single_steps_bit_for_bit():
    net, X, y = random_problem((5, 2, 4, 1), "float64", True, seed=5)
    stepwise = [a.copy() for a in (net.W1, net.W2, net.b1, net.b2)]
    X, y = X.astype(np.float64), y.astype(np.float64)
    for _ in range(25):
        hidden, out = _binding.forward(X, *stepwise[:2], *stepwise[2:])
        grads = _binding.backward(X, y, hidden, out, stepwise[1], bias=True)
        for param, grad in zip(stepwise, grads, strict=False):
            _binding.update(param, grad, 0.1)
    net.fit(X, y, lr=0.1, steps=25)
    for got, want in zip((net.W1, net.W2, net.b1, net.b2), stepwise, strict=False):
        assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize(
    "shape, bias",
    [
        ((4, 2, 3, 1), False),  # the seed program's shape: xorc_train's specialised path
        ((9, 2, 3, 1), False),  # the same path with a partial block of rows
        ((4, 2, 3, 1), True),
        ((9, 3, 5, 2), True),
        ((3, 4, 7, 1), False),
        ((1, 1, 1, 1), False),
    ],
)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_train_equals_public_steps_bit_for_bit_every_path(shape, bias, dtype):
    """k steps of xorc_train are k rounds of xorc_forward, xorc_backward, xorc_update."""
    net, X, y = random_problem(shape, dtype, bias, seed=8)
    X, y = X.astype(dtype), y.astype(dtype)
    stepwise = [a.copy() for a in (net.W1, net.W2, net.b1, net.b2) if a is not None]
    lr = 0.5
    for _ in range(40):
        hidden, out = _binding.forward(X, *stepwise)
        grads = _binding.backward(X, y, hidden, out, stepwise[1], bias=bias)
        for param, grad in zip(stepwise, grads, strict=False):
            _binding.update(param, grad, lr)
    history = net.fit(X, y, lr=lr, steps=40, log_every=15)
    for got, want in zip((net.W1, net.W2, net.b1, net.b2), stepwise, strict=False):
        assert got.tobytes() == want.tobytes()
    hidden, out = _binding.forward(X, *stepwise)
    assert history[-1][1] == _binding.loss(out, y)


def test_saturated_sigmoid_stays_finite():
    net = xorc.Network([[800.0, -800.0]], [[900.0], [-900.0]])
    out = net.predict([[1.0], [-1.0]])
    assert np.all(np.isfinite(out))
    np.testing.assert_array_equal(out, [[1.0], [0.0]])
