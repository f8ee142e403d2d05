"""Bad input raises a clear exception naming the argument, and changes nothing."""

import numpy as np
import pytest

import xorc

X, Y = xorc.truth_table("xor")


@pytest.fixture
def net():
    return xorc.Network.random(seed=1)


def unchanged(net, before):
    return net.W1.tobytes() == before[0] and net.W2.tobytes() == before[1] and net.steps_trained == 0


FIT_CASES = [
    # (keyword arguments to fit, exception, words the message must contain)
    (dict(X=[1.0, 0.0, 1.0]), ValueError, "X must be 2-D"),
    (dict(X=np.zeros((0, 2))), ValueError, "X has no rows"),
    (dict(X=np.zeros((4, 3))), ValueError, "X must have 2 columns"),
    (dict(y=np.zeros((3, 1))), ValueError, "y has 3 rows but X has 4"),
    (dict(y=np.zeros((4, 2))), ValueError, "y must have 1 columns"),
    (dict(X=[[1, 0], [0, 0], [0, np.nan], [1, 1]]), ValueError, "X contains NaN"),
    (dict(y=[[1], [np.inf], [1], [0]]), ValueError, "y contains NaN or infinity"),
    (dict(X=[["a", "b"]] * 4), TypeError, "X must hold real numbers"),
    (dict(X=[[1, 0], [0]]), ValueError, "X is not a rectangular array"),
    (dict(lr=0), ValueError, "lr must be a finite number greater than 0"),
    (dict(lr=-0.1), ValueError, "lr must be"),
    (dict(lr=float("nan")), ValueError, "lr must be"),
    (dict(lr=float("inf")), ValueError, "lr must be"),
    (dict(lr="0.01"), TypeError, "lr must be a number"),
    (dict(steps=-1), ValueError, "steps must be at least 0"),
    (dict(steps=1.5), ValueError, "steps must be an integer"),
    (dict(steps="10"), TypeError, "steps must be an integer"),
    (dict(steps=2**70), ValueError, "steps must be at most"),
    (dict(log_every=-5), ValueError, "log_every must be at least 0"),
    (dict(log_every=2.5), ValueError, "log_every must be an integer"),
    (dict(callback=42), TypeError, "callback must be callable"),
]


@pytest.mark.parametrize("kwargs, error, words", FIT_CASES)
def test_fit_rejects(net, kwargs, error, words):
    before = (net.W1.tobytes(), net.W2.tobytes())
    arguments = dict(X=X, y=Y, steps=10)
    arguments.update(kwargs)
    with pytest.raises(error, match=words):
        net.fit(**arguments)
    assert unchanged(net, before)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(hidden=0), ValueError, "hidden must be at least 1"),
        (dict(hidden=2.0), ValueError, "hidden must be an integer"),
        (dict(dtype="float16"), ValueError, "dtype must be 'float32' or 'float64'"),
        (dict(dtype="int32"), ValueError, "dtype must be"),
        (dict(dtype="banana"), TypeError, "dtype must be"),
        (dict(seed=-1), ValueError, "seed must be at least 0"),
        (dict(seed=2**32), ValueError, "seed must be at most"),
        (dict(lr=0.0), ValueError, "lr must be"),
        (dict(X=X), ValueError, "X and y must be given together"),
    ],
)
def test_train_rejects(kwargs, error, words):
    with pytest.raises(error, match=words):
        xorc.train(steps=10, **kwargs)


@pytest.mark.parametrize(
    "args, error, words",
    [
        (([[1.0, 2.0]], [[1.0], [2.0], [3.0]]), ValueError, r"W1 \(1, 2\) and W2 \(3, 1\) do not chain"),
        (([[np.nan, 1.0]], [[1.0], [2.0]]), ValueError, "W1 contains NaN"),
        (([[1.0, 1.0]], [[np.inf], [2.0]]), ValueError, "W2 contains NaN or infinity"),
        (([1.0, 2.0], [[1.0], [2.0]]), ValueError, "W1 must be 2-D"),
        (([[1.0, 2.0]], "abc"), TypeError, "W2 must hold real numbers"),
        (([[1.0, 2.0]], [[1.0], [2.0]], [0.0, 0.0], None), ValueError, "b1 and b2 must be given together"),
        (([[1.0, 2.0]], [[1.0], [2.0]], [0.0], [0.0]), ValueError, r"b1 must have shape \(2,\)"),
        ((np.ones((1, 2), np.float16), np.ones((2, 1), np.float16)), ValueError, "W1 has dtype float16"),
        ((np.ones((1, 2), np.complex128), np.ones((2, 1))), TypeError, "W1 must hold real numbers"),
    ],
)
def test_network_rejects(args, error, words):
    with pytest.raises(error, match=words):
        xorc.Network(*args)


def test_predict_loss_gradients_reject_bad_rows(net):
    with pytest.raises(ValueError, match="X must have 2 columns"):
        net.predict([[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="y has 1 rows but X has 4"):
        net.loss(X, [[1.0]])
    with pytest.raises(ValueError, match="X contains NaN"):
        net.gradients([[np.nan, 0.0]], [[1.0]])


def test_float32_network_rejects_lr_beyond_float32(net):
    net32 = xorc.Network.random(dtype="float32")
    before = (net32.W1.tobytes(), net32.W2.tobytes())
    with pytest.raises(ValueError, match="out of the range of float32"):
        net32.fit(X, Y, lr=1e300, steps=1)
    assert unchanged(net32, before)


def test_training_that_diverges_raises_and_leaves_the_network_as_it_was():
    # Finite but huge inputs overflow: x·W1 = inf - inf = NaN, and training would spread it.
    net = xorc.Network([[2.0], [-2.0]], [[1.0]])
    net.fit([[1.0, 0.0]], [[1.0]], steps=3)
    before = (net.W1.tobytes(), net.W2.tobytes(), net.steps_trained, list(net.history), repr(net.settings))
    with pytest.raises(xorc.DivergenceError, match="training diverged: the loss is nan after 0 steps"):
        net.fit([[1e308, 1e308]], [[1.0]], steps=1)
    assert (net.W1.tobytes(), net.W2.tobytes(), net.steps_trained, net.history, repr(net.settings)) == before
    assert isinstance(xorc.DivergenceError("x"), ValueError)


def test_nan_weights_are_reported_before_training_again():
    net = xorc.Network([[2.0], [-2.0]], [[1.0]])
    net._W1[0, 0] = np.nan  # (training never leaves NaN weights; this is the guard behind that)
    with pytest.raises(ValueError, match="the network's W1 contains NaN or infinity"):
        net.fit(X, Y, steps=1)


def test_weights_are_read_only_views(net):
    with pytest.raises(ValueError):
        net.W1[0, 0] = 5.0


def test_unknown_truth_table_lists_known_ones():
    with pytest.raises(ValueError, match="unknown truth table 'xr'; known: xor, and, or, nand, nor, xnor, parity3"):
        xorc.truth_table("xr")


@pytest.mark.parametrize("where", ["X", "y"])
def test_float32_network_rejects_data_beyond_float32(where):
    """1e39 is finite in float64 but infinite in float32, the precision C computes in."""
    net = xorc.Network.random(dtype="float32")
    before = (net.W1.tobytes(), net.W2.tobytes())
    data = {"X": X.copy(), "y": Y.copy()}
    data[where][0, 0] = 1e39
    message = f"{where} holds values beyond the range of float32"
    with pytest.raises(ValueError, match=message):
        net.fit(data["X"], data["y"], steps=10)
    with pytest.raises(ValueError, match=message):
        net.loss(data["X"], data["y"])
    if where == "X":
        with pytest.raises(ValueError, match=message):
            net.predict(data["X"])
    assert unchanged(net, before)
    np.testing.assert_array_equal(xorc.Network.random(dtype="float64").predict(data["X"]).shape, (4, 1))


@pytest.mark.parametrize("value", ["no", 1, np.array([1, 2]), None])
def test_bias_must_be_a_bool(value):
    with pytest.raises(TypeError, match="bias must be True or False"):
        xorc.Network.random(bias=value)
    with pytest.raises(TypeError, match="bias must be True or False"):
        xorc.train(bias=value, steps=0)
