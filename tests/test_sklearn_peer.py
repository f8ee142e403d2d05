"""The recipes against scikit-learn's own MLPClassifier, a peer written by others.

MLPClassifier with one hidden layer and a binary target is xorc's network with biases:
hidden = f(X·W1 + b1), out = sigmoid(hidden·W2 + b2), trained on the log-loss. It is
started from the same weights (``_init_coef`` overridden to hand them out), with
alpha = 0 (no L2 term), shuffle = False and a constant learning rate, and kept from
stopping early.

Its log-loss and gradients are means over the rows of a batch; the recipes' are sums. So,
with n rows per batch and g the summed gradient:
- sgd (gd, momentum, nesterov): sklearn's update at lr uses lr (g / n) = (lr / n) g, the
  update of the sum at lr / n;
- adam: m and s scale by 1/n and 1/n^2, so m / (sqrt(s) + eps) of the mean equals
  m / (sqrt(s) + n eps) of the sum: the sum at eps = 1e-8 is the mean at eps = 1e-8 / n,
  with the same lr.
With batch_size = 1 (online updates, rows in order) n = 1 and nothing is rescaled.

First the plain-numpy reference (tests/reference.py) is held to sklearn, which needs
nothing of xorc; then xorc itself, once it has the recipes' keywords.
"""

import inspect
import warnings

import numpy as np
import pytest

import reference

sklearn = pytest.importorskip("sklearn", reason="scikit-learn is the peer these tests compare with (the test extra)")
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

import xorc  # noqa: E402

# sklearn's names of the hidden activations.
SKLEARN_ACTIVATION = {"sigmoid": "logistic", "tanh": "tanh", "relu": "relu"}
# sklearn's solver and its momentum settings for each optimizer of the spec.
SKLEARN_OPTIMIZER = {
    "gd": {"solver": "sgd", "momentum": 0.0, "nesterovs_momentum": False},
    "momentum": {"solver": "sgd", "momentum": 0.9, "nesterovs_momentum": False},
    "nesterov": {"solver": "sgd", "momentum": 0.9, "nesterovs_momentum": True},
    "adam": {"solver": "adam"},
}
# sklearn's learning rates: large enough that the weights travel far from the start.
SKLEARN_LR = {"gd": 0.5, "momentum": 0.1, "nesterov": 0.1, "adam": 0.01}
STEPS = 300
# float64: the reference and sklearn compute the same math in a different order (sums vs
# means, lr / n vs g / n), so they differ by rounding, which 300 steps grow to ~1e-13 here.
RTOL = 1e-9


class StartedMLP(MLPClassifier):
    """An MLPClassifier whose layers start from given weights instead of its own draw.

    sklearn calls _init_coef once per layer, in order; ``start`` is [(W1, b1), (W2, b2)].
    """

    start: list

    def _init_coef(self, fan_in, fan_out, dtype):
        W, b = self.start.pop(0)
        assert W.shape == (fan_in, fan_out), "the weights handed out must fit the layer sklearn builds"
        return W.astype(dtype, copy=True), b.astype(dtype, copy=True)


def problems():
    """(name, X, y, weights): XOR on a 2-3-1 net, and 3-bit parity on a 3-4-1 net."""
    X, y = np.array([[1, 0], [0, 0], [0, 1], [1, 1]], float), np.array([[1], [0], [1], [0]], float)
    yield "xor", X, y, reference.initial_weights(1234, 2, 3, 1, bias=True)
    X3 = np.array([[(k >> bit) & 1 for bit in range(3)] for k in range(8)], float)
    y3 = X3.sum(axis=1, keepdims=True) % 2
    yield "parity3", X3, y3, reference.initial_weights(7, 3, 4, 1, bias=True, init=0.8)


PROBLEMS = {name: (X, y, weights) for name, X, y, weights in problems()}


def sklearn_fit(X, y, weights, activation, optimizer, lr, steps, batch_size, epsilon=1e-8):
    """sklearn's trained (W1, W2, b1, b2) and its loss curve (mean log-loss per epoch)."""
    W1, W2, b1, b2 = weights
    extra = {"epsilon": epsilon} if optimizer == "adam" else {}
    model = StartedMLP(
        hidden_layer_sizes=(W1.shape[1],),
        activation=SKLEARN_ACTIVATION[activation],
        alpha=0.0,
        batch_size=batch_size,
        learning_rate="constant",
        learning_rate_init=lr,
        max_iter=steps,
        shuffle=False,
        random_state=0,
        tol=0.0,
        # stops after n_iter_no_change epochs without improvement: never, within max_iter
        n_iter_no_change=steps + 1,
        **SKLEARN_OPTIMIZER[optimizer],
        **extra,
    )
    model.start = [(W1, b1), (W2, b2)]
    with warnings.catch_warnings():
        # sklearn warns that max_iter was reached "without convergence": that is the point
        # here (a fixed number of steps, as the recipes train), not a failure.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y.ravel())
    assert model.n_iter_ == steps, "sklearn must train every step asked for, without stopping early"
    W1s, W2s = model.coefs_
    b1s, b2s = model.intercepts_
    return (W1s, W2s, b1s, b2s), np.array(model.loss_curve_)


def assert_weights_close(got, want, rtol, atol=0.0):
    for name, g, w in zip(("W1", "W2", "b1", "b2"), got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, err_msg=name)


def moved(start, end):
    """How far training moved the weights (the largest change), so a test cannot pass by training nothing."""
    return max(float(np.max(np.abs(e - s))) for s, e in zip(start, end, strict=True))


def reference_settings(optimizer, n_rows, lr):
    """The reference's lr (and the momentum it must use) that equal sklearn's at lr; see the module's docstring."""
    if optimizer == "adam":
        return lr, 0.9
    return lr / n_rows, SKLEARN_OPTIMIZER[optimizer]["momentum"] or 0.9


# --- the reference against sklearn -------------------------------------------------------


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("optimizer", SKLEARN_OPTIMIZER)
@pytest.mark.parametrize("activation", reference.ACTIVATIONS)
def test_reference_batch_equals_sklearn(problem, optimizer, activation):
    X, y, weights = PROBLEMS[problem]
    n = X.shape[0]
    lr = SKLEARN_LR[optimizer]
    want, curve = sklearn_fit(X, y, weights, activation, optimizer, lr, STEPS, batch_size=n, epsilon=1e-8 / n)
    ref_lr, mu = reference_settings(optimizer, n, lr)
    W1, W2, b1, b2 = weights
    state = None
    losses = []
    # step by step, to read the loss before every step as sklearn's loss curve holds it
    for _ in range(STEPS):
        losses.append(reference.cross_entropy(reference.forward(X, W1, W2, b1, b2, activation)[1], y))
        if state is None:
            params = [W1.copy(), W2.copy(), b1.copy(), b2.copy()]
            state = reference.Optimizer(optimizer, params, ref_lr, mu)
        W1, W2, b1, b2 = reference.train(
            X, y, W1, W2, ref_lr, 1, b1, b2, activation=activation, loss="cross_entropy",
            optimizer=optimizer, momentum=mu, state=state,
        )  # fmt: skip
    assert moved(weights, want) > 0.05
    assert_weights_close((W1, W2, b1, b2), want, RTOL)
    # sklearn's loss of an epoch is the mean log-loss before its update: the reference's sum / n
    np.testing.assert_allclose(np.array(losses) / n, curve, rtol=RTOL)


@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("optimizer", SKLEARN_OPTIMIZER)
@pytest.mark.parametrize("activation", reference.ACTIVATIONS)
def test_reference_online_equals_sklearn(problem, optimizer, activation):
    # batch_size = 1 without shuffling: one update per row, rows in order, Adam's t counting
    # updates (not epochs) -- the spec's online update; n = 1 row per batch, so sklearn's lr
    # and epsilon are the reference's.
    X, y, weights = PROBLEMS[problem]
    lr = SKLEARN_LR[optimizer] / X.shape[0]  # one epoch makes n updates: keep the travel comparable
    steps = STEPS // 3
    want, _ = sklearn_fit(X, y, weights, activation, optimizer, lr, steps, batch_size=1)
    mu = SKLEARN_OPTIMIZER[optimizer].get("momentum") or 0.9
    got = reference.train(
        X, y, weights[0], weights[1], lr, steps, weights[2], weights[3], activation=activation,
        loss="cross_entropy", optimizer=optimizer, momentum=mu, update="online",
    )  # fmt: skip
    assert moved(weights, want) > 0.05
    assert_weights_close(got, want, RTOL)


@pytest.mark.parametrize("activation", reference.ACTIVATIONS)
def test_reference_glorot_bounds_are_sklearns(activation):
    # sklearn's _init_coef draws uniform(-bound, bound) for each layer's weights and bias;
    # record the bounds it asks for instead of drawing.
    asked = []

    class Recorder:
        def uniform(self, low, high, size):
            asked.append((low, high, size if isinstance(size, tuple) else (size,)))
            return np.zeros(size)

    model = MLPClassifier(activation=SKLEARN_ACTIVATION[activation])
    model._random_state = Recorder()
    shapes = [(2, 3), (3, 1), (5, 8), (8, 2)]
    for fan_in, fan_out in shapes:
        model._init_coef(fan_in, fan_out, np.float64)
    for k, (fan_in, fan_out) in enumerate(shapes):
        bound = reference.glorot_bound(fan_in, fan_out, activation)
        assert asked[2 * k] == (-bound, bound, (fan_in, fan_out))
        assert asked[2 * k + 1] == (-bound, bound, (fan_out,))


# --- xorc against sklearn, once xorc has the recipes' keywords ---------------------------

HAS_RECIPES = "optimizer" in inspect.signature(xorc.Network.fit).parameters and "activation" in (
    inspect.signature(xorc.Network).parameters
)
needs_recipes = pytest.mark.skipif(
    not HAS_RECIPES, reason="xorc has no recipes API yet (Network.fit(optimizer=...), Network(activation=...))"
)


def xorc_fit(X, y, weights, activation, optimizer, lr, steps, update, momentum):
    net = xorc.Network(*weights, activation=activation)
    net.fit(
        X, y, lr=lr, steps=steps, loss="cross_entropy", optimizer=optimizer, momentum=momentum, update=update,
        log_every=steps,
    )  # fmt: skip
    return tuple(np.array(a) for a in (net.W1, net.W2, net.b1, net.b2))


@needs_recipes
@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("optimizer", SKLEARN_OPTIMIZER)
@pytest.mark.parametrize("activation", reference.ACTIVATIONS)
def test_xorc_batch_equals_sklearn(problem, optimizer, activation):
    X, y, weights = PROBLEMS[problem]
    n = X.shape[0]
    lr = SKLEARN_LR[optimizer]
    want, _ = sklearn_fit(X, y, weights, activation, optimizer, lr, STEPS, batch_size=n, epsilon=1e-8 / n)
    xorc_lr, mu = reference_settings(optimizer, n, lr)
    got = xorc_fit(X, y, weights, activation, optimizer, xorc_lr, STEPS, "batch", mu)
    assert moved(weights, want) > 0.05
    assert_weights_close(got, want, RTOL)


@needs_recipes
@pytest.mark.parametrize("problem", PROBLEMS)
@pytest.mark.parametrize("optimizer", SKLEARN_OPTIMIZER)
@pytest.mark.parametrize("activation", reference.ACTIVATIONS)
def test_xorc_online_equals_sklearn(problem, optimizer, activation):
    X, y, weights = PROBLEMS[problem]
    lr = SKLEARN_LR[optimizer] / X.shape[0]
    steps = STEPS // 3
    want, _ = sklearn_fit(X, y, weights, activation, optimizer, lr, steps, batch_size=1)
    mu = SKLEARN_OPTIMIZER[optimizer].get("momentum") or 0.9
    got = xorc_fit(X, y, weights, activation, optimizer, lr, steps, "online", mu)
    assert moved(weights, want) > 0.05
    assert_weights_close(got, want, RTOL)
