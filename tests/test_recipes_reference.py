"""Every recipe of xorc against the plain-numpy reference (tests/reference.py).

The grid: activation (sigmoid, tanh, relu) x loss (sse, cross_entropy) x optimizer (gd,
momentum, nesterov, adam, rprop) x update (batch, online; rprop is batch only) x biases
(without, with) x precision, on two problems: XOR on the seed's 2-3-1 network, and 3-bit
(parity, majority) on a 3-4-2 network, so that more than one output and more than four
rows are trained.

Tolerances, as measured on this grid (the largest deviation, then the margin left):
- float64: xorc and the reference do the same arithmetic in another order (the core's
  loops against numpy's matrix products), so they part by rounding: at most ~1e-12
  relative after 100 steps (3e-3 of the tolerance); held to rtol 1e-9, atol 1e-12 (for
  weights that pass near 0). The learning rates are per row (lr * 2 / rows): with larger
  ones some runs turn chaotic (a 1-ulp change of the start grows to ~3e-9 in 100 steps),
  which would test the weather, not xorc.
- float32 against the float64 reference started from the same (float32) weights: the
  float32 rounding of each step, grown by 100 steps: at most ~1e-3 relative (0.28 of the
  tolerance); held to rtol 3e-3, atol 3e-5. Changing any one setting of a recipe moves the
  reference's weights at least 2.2 tolerances (momentum against nesterov, online), so even
  float32 tells the settings apart (rprop's weights aside, which are the same for both
  losses in these short runs: its steps follow the gradients' signs; the loss is then told
  by the loss the history holds).
- rprop moves each weight by +-step, chosen by the sign of its gradient: a gradient near
  0 (a saturated unit's) takes its sign from the last bits, and one other choice moves a
  weight by a whole step. So its runs are short: 20 steps in float64, 10 in float32. In
  float64, 22 of the 24 rprop recipes here stay bit for bit equal to the reference for
  300 steps; the first to part (xor, tanh, cross_entropy, no biases) does at step 40,
  where dW2[0] is a sum over the rows of saturated tanh units' terms that cancel: xorc's
  row-by-row sum gives 8.4e-34, numpy's matrix product 0.0, and the weight moves by a
  whole step (-66.81 against -56.18) -- rounding, not a fault of either side, but another
  BLAS could sum in yet another order, hence 20 steps and not 30. The first float32 run
  to part from the float64 reference does at step 16.
"""

import inspect
import itertools

import numpy as np
import pytest

import reference
import xorc

# Each API the tests call, with the keyword it needs; the tests skip, naming what is missing, until it is there.
NEEDED = [
    (xorc.train, "optimizer"),
    (xorc.sweep, "activation"),
    (xorc.Network, "activation"),
    (xorc.Network.fit, "update"),
    (xorc.Network.random, "init"),
    (xorc.Network.gradients, "loss"),
]
MISSING = [
    f"{function.__qualname__}({keyword}=...)"
    for function, keyword in NEEDED
    if keyword not in inspect.signature(function).parameters
]
pytestmark = pytest.mark.skipif(bool(MISSING), reason="xorc lacks the recipes' API: " + ", ".join(MISSING))


def problems():
    """name -> (X, y, n_in, hidden, n_out, seed)."""
    X = np.array([[1, 0], [0, 0], [0, 1], [1, 1]], float)  # the post's rows and XOR
    y = np.array([[1], [0], [1], [0]], float)
    X3 = np.array([[(k >> bit) & 1 for bit in range(3)] for k in range(8)], float)
    y3 = np.column_stack([X3.sum(axis=1) % 2, X3.sum(axis=1) >= 2]).astype(float)  # parity, majority
    return {"xor": (X, y, 2, 3, 1, 1234), "bits3": (X3, y3, 3, 4, 2, 5)}


PROBLEMS = problems()
# Learning rates per row: a problem's lr is LR * 2 / rows (rprop uses none; xorc wants a valid one).
LR = {"gd": 0.5, "momentum": 0.1, "nesterov": 0.1, "adam": 0.05, "rprop": 0.01}
STEPS = 100
RPROP_STEPS = {"float64": 20, "float32": 10}
TOLERANCE = {"float64": {"rtol": 1e-9, "atol": 1e-12}, "float32": {"rtol": 3e-3, "atol": 3e-5}}

GRID = [
    (activation, loss, optimizer, update)
    for activation, loss, optimizer, update in itertools.product(
        reference.ACTIVATIONS, reference.LOSSES, reference.OPTIMIZERS, reference.UPDATES
    )
    if not (optimizer == "rprop" and update == "online")  # refused by the spec
]


def start_weights(problem, bias, dtype, init=1.0, activation="sigmoid"):
    """The reference's initial weights of the problem, rounded to dtype and held in float64."""
    _, _, n_in, hidden, n_out, seed = PROBLEMS[problem]
    weights = reference.initial_weights(seed, n_in, hidden, n_out, bias, init, activation)
    return [None if w is None else w.astype(dtype).astype(np.float64) for w in weights]


def weights_of(net):
    return [None if w is None else np.array(w, dtype=np.float64) for w in (net.W1, net.W2, net.b1, net.b2)]


def assert_weights_close(got, want, **tolerance):
    for name, g, w in zip(("W1", "W2", "b1", "b2"), got, want, strict=True):
        assert (g is None) == (w is None), name
        if w is not None:
            np.testing.assert_allclose(g, w, err_msg=name, **tolerance)


def moved(start, end):
    """How far training moved the weights (the largest change): a test must not pass by training nothing."""
    return max(float(np.max(np.abs(e - s))) for s, e in zip(start, end, strict=True) if s is not None)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("bias", [False, True], ids=["nobias", "bias"])
@pytest.mark.parametrize(("activation", "loss", "optimizer", "update"), GRID)
@pytest.mark.parametrize("problem", PROBLEMS)
def test_fit_matches_reference(problem, activation, loss, optimizer, update, bias, dtype):
    X, y, *_ = PROBLEMS[problem]
    lr = LR[optimizer] * 2 / X.shape[0]
    steps = RPROP_STEPS[dtype] if optimizer == "rprop" else STEPS
    start = start_weights(problem, bias, dtype)
    want = reference.train(
        X, y, start[0], start[1], lr, steps, start[2], start[3],
        activation=activation, loss=loss, optimizer=optimizer, update=update,
    )  # fmt: skip
    net = xorc.Network(*[None if w is None else w.astype(dtype) for w in start], activation=activation)
    history = net.fit(X, y, lr=lr, steps=steps, loss=loss, optimizer=optimizer, update=update, log_every=0)
    assert moved(start, want) > 0.05
    assert_weights_close(weights_of(net), want, **TOLERANCE[dtype])
    # the history's last point is the training loss of the trained network
    assert history[-1][0] == steps
    want_loss = reference.loss_of(reference.forward(X, *want, activation)[1], y, loss)
    assert history[-1][1] == pytest.approx(want_loss, rel=TOLERANCE[dtype]["rtol"])


@pytest.mark.parametrize("update", reference.UPDATES)
@pytest.mark.parametrize("optimizer", ["momentum", "nesterov"])
def test_momentum_keyword_matches_reference(optimizer, update):
    # mu = 0.5 (not the default 0.9) reaches the update: v = mu v - lr g
    X, y, *_ = PROBLEMS["bits3"]
    start = start_weights("bits3", True, "float64")
    kwargs = {"optimizer": optimizer, "update": update, "momentum": 0.5, "activation": "tanh"}
    want = reference.train(X, y, start[0], start[1], 0.05, STEPS, start[2], start[3], **kwargs)
    other = reference.train(X, y, start[0], start[1], 0.05, STEPS, start[2], start[3], **{**kwargs, "momentum": 0.9})
    assert moved(want, other) > 1e-3, "mu must matter in this run"
    net = xorc.Network(*start, activation="tanh")
    net.fit(X, y, lr=0.05, steps=STEPS, optimizer=optimizer, update=update, momentum=0.5, log_every=0)
    assert_weights_close(weights_of(net), want, **TOLERANCE["float64"])


@pytest.mark.parametrize(
    ("optimizer", "update"),
    [
        (o, u)
        for o in ("momentum", "nesterov", "adam", "rprop")
        for u in reference.UPDATES
        if (o, u) != ("rprop", "online")
    ],
)
def test_fit_in_pieces_and_another_optimizer_match_reference(optimizer, update):
    # The state goes on across fits: 3 fits of 10 steps are the reference's 30 steps with one
    # state (online: Adam's t goes on counting rows, 4 per step, across the fits). A fit with
    # another optimizer (gd), or another momentum, starts from zero state: a fresh reference run.
    X, y, *_ = PROBLEMS["xor"]
    start = start_weights("xor", True, "float64")

    def reference_run(weights, steps, optimizer, momentum=0.9, state=None):
        W1, W2, b1, b2 = weights
        return reference.train(
            X, y, W1, W2, 0.05, steps, b1, b2, activation="tanh", optimizer=optimizer, momentum=momentum,
            update=update, state=state,
        )  # fmt: skip

    net = xorc.Network(*start, activation="tanh")
    for _ in range(3):
        net.fit(X, y, lr=0.05, steps=10, optimizer=optimizer, update=update, log_every=0)
    params = [w.copy() for w in start]
    state = reference.Optimizer(optimizer, params, 0.05)
    want = reference_run(start, 30, optimizer, state=state)
    assert_weights_close(weights_of(net), want, **TOLERANCE["float64"])
    # the state itself: its update count (Adam's t) and its values, laid out [first: W1 W2 b1 b2][second: ...]
    assert net.optimizer_state.updates == state.t == 30 * (X.shape[0] if update == "online" else 1)
    want_values = np.concatenate([a.ravel() for a in state.first + state.second])
    np.testing.assert_allclose(net.optimizer_state.values, want_values, rtol=1e-9, atol=1e-15)
    net.fit(X, y, lr=0.05, steps=20, optimizer="gd", update=update, log_every=0)
    net.fit(X, y, lr=0.05, steps=10, optimizer=optimizer, update=update, log_every=0)
    want = reference_run(reference_run(want, 20, "gd"), 10, optimizer)
    assert_weights_close(weights_of(net), want, **TOLERANCE["float64"])
    if optimizer in ("momentum", "nesterov"):
        net.fit(X, y, lr=0.05, steps=10, optimizer=optimizer, momentum=0.5, update=update, log_every=0)
        want = reference_run(want, 10, optimizer, momentum=0.5)
        assert_weights_close(weights_of(net), want, **TOLERANCE["float64"])


INITS = [1.0, 0.5, 0.25, 3.0, "glorot"]


@pytest.mark.parametrize("activation", reference.ACTIVATIONS)
@pytest.mark.parametrize("init", INITS)
def test_random_weights_are_the_reference_draw(init, activation):
    # RandomState(seed).uniform(-a, a) for W1, W2, b1, b2 from one stream; glorot: each
    # layer's sklearn bound. Both numpy and the core compute low + (high - low) u: bit for bit.
    for n_in, hidden, n_out, seed in [(2, 3, 1, 1234), (3, 5, 2, 7)]:
        net = xorc.Network.random(n_in, hidden, n_out, seed=seed, bias=True, activation=activation, init=init)
        want = reference.initial_weights(seed, n_in, hidden, n_out, True, init, activation)
        for got, expected in zip(weights_of(net), want, strict=True):
            np.testing.assert_array_equal(got, expected)
        assert net.activation == activation


# A few recipes across the settings, for the paths that start from a seed.
RECIPES = [
    {"activation": "tanh", "loss": "cross_entropy", "optimizer": "adam", "init": "glorot", "bias": True},
    {"activation": "relu", "loss": "sse", "optimizer": "nesterov", "update": "online", "init": 0.5},
    {"activation": "sigmoid", "loss": "cross_entropy", "optimizer": "rprop", "init": 2.0, "bias": True, "steps": 30},
    {"activation": "tanh", "optimizer": "momentum", "update": "online", "bias": True, "dtype": "float32"},
    {"activation": "relu", "loss": "cross_entropy", "optimizer": "gd", "init": "glorot", "dtype": "float32"},
]


def recipe_id(recipe):
    return "-".join(str(value) for value in recipe.values())


@pytest.mark.parametrize("recipe", RECIPES, ids=recipe_id)
def test_train_matches_reference(recipe):
    X, y, *_ = PROBLEMS["xor"]
    options = {"steps": 200, "lr": 0.1, "dtype": "float64", "bias": False, **recipe}
    dtype = options["dtype"]
    net = xorc.train(X, y, seed=3, log_every=0, **options)
    start = reference.initial_weights(
        3, 2, 3, 1, options["bias"], options.get("init", 1.0), options.get("activation", "sigmoid")
    )
    start = [None if w is None else w.astype(dtype).astype(np.float64) for w in start]
    settings = {key: options[key] for key in ("activation", "loss", "optimizer", "update") if key in options}
    want = reference.train(X, y, start[0], start[1], options["lr"], options["steps"], start[2], start[3], **settings)
    assert moved(start, want) > 0.05
    assert_weights_close(weights_of(net), want, **TOLERANCE[dtype])


@pytest.mark.parametrize("recipe", RECIPES, ids=recipe_id)
def test_sweep_is_train_bit_for_bit(recipe):
    # A sweep trains the networks in lockstep; each equals xorc.train of its seed exactly:
    # outputs and the training loss.
    X, y, *_ = PROBLEMS["xor"]
    options = {"steps": 200, "lr": 0.1, **recipe}
    seeds = [0, 1, 2, 3, 17, 1234]
    result = xorc.sweep(seeds, X, y, threads=2, **options)
    for index, seed in enumerate(seeds):
        net = xorc.train(X, y, seed=seed, log_every=0, **options)
        np.testing.assert_array_equal(result.outputs[index], net.predict(X))
        assert result.losses[index] == net.history[-1][1]
        assert result.losses[index] == net.loss(X, y, loss=options.get("loss", "sse"))


@pytest.mark.parametrize("bias", [False, True], ids=["nobias", "bias"])
@pytest.mark.parametrize("loss", reference.LOSSES)
@pytest.mark.parametrize("activation", reference.ACTIVATIONS)
def test_gradients_match_finite_differences_and_reference(activation, loss, bias):
    # dL/dp against the central difference (L(p + h) - L(p - h)) / 2h of xorc's own loss,
    # and against the reference's chain rule.
    X, y, *_ = PROBLEMS["bits3"]
    weights = reference.initial_weights(11, 3, 4, 2, bias)
    net = xorc.Network(*weights, activation=activation)
    grads = net.gradients(X, y, loss=loss)
    params = [w for w in weights if w is not None]
    assert len(grads) == len(params)
    h = 1e-6
    for index, (param, grad) in enumerate(zip(params, grads, strict=True)):
        numeric = np.zeros_like(param)
        for position in np.ndindex(param.shape):
            values = [p.copy() for p in params]
            values[index][position] += h
            plus = xorc.Network(*values, activation=activation).loss(X, y, loss=loss)
            values[index][position] -= 2 * h
            minus = xorc.Network(*values, activation=activation).loss(X, y, loss=loss)
            numeric[position] = (plus - minus) / (2 * h)
        error = np.abs(grad - numeric) / np.maximum(1e-3, np.abs(grad) + np.abs(numeric))
        assert error.max() < 1e-6, f"parameter {index}: relative error {error.max():.2e}"
    want = [g for g in reference.gradients(X, y, *weights, activation, loss) if g is not None]
    for grad, expected in zip(grads, want, strict=True):
        np.testing.assert_allclose(grad, expected, rtol=1e-12, atol=1e-15)
    # and the loss itself
    out = reference.forward(X, *weights, activation)[1]
    assert net.loss(X, y, loss=loss) == pytest.approx(reference.loss_of(out, y, loss), rel=1e-13)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_cross_entropy_of_saturated_outputs(dtype):
    # Outputs of exactly 1 (or 0 in float32) on the wrong side: the loss clips them to
    # [eps, 1 - eps] with the precision's eps, so each such row costs -log(eps) (36.04 in
    # float64, 15.94 in float32) and nothing is infinite or NaN; the gradient at the output
    # is out - y, finite, as the reference's.
    X, y, *_ = PROBLEMS["xor"]
    X, y = X.astype(dtype), y.astype(dtype)
    W1 = np.array([[1, 2, 3], [4, 5, 6]], dtype)
    b1, b2 = np.zeros(3, dtype), np.zeros(1, dtype)
    eps = np.finfo(dtype).eps
    for W2, wrong in [(np.full((3, 1), 100, dtype), y == 0), (np.full((3, 1), -100, dtype), y == 1)]:
        net = xorc.Network(W1, W2, b1, b2)
        out = np.asarray(net.predict(X))
        want = reference.cross_entropy(out, y)
        assert want == pytest.approx(-np.log(eps) * wrong.sum(), rel=1e-6)  # the rows on the wrong side
        assert net.loss(X, y, loss="cross_entropy") == pytest.approx(want, rel=1e-6)
        grads = net.gradients(X, y, loss="cross_entropy")
        expected = reference.gradients(X, y, W1, W2, b1, b2, "sigmoid", "cross_entropy")
        for got, g in zip(grads, expected, strict=True):
            assert np.all(np.isfinite(got))
            np.testing.assert_allclose(got, g, rtol=1e-5 if dtype == "float32" else 1e-12)
