"""An independent plain-numpy implementation of xorc's networks and recipes.

It shares no code with xorc: it is the oracle the C core is checked against. It is
written from the formulas of the recipes' spec (issue 20) and of scikit-learn's
``_stochastic_optimizers.py``, plainly: matrix form for a batch step, a loop over the
rows for an online step.

The network: hidden = f(X·W1 + b1), out = sigmoid(hidden·W2 + b2), with f the hidden
activation (sigmoid, tanh or relu) and the biases optional. Every computation runs in
the dtype of the arrays given (float64 unless the caller passes float32).
"""

import math

import numpy as np

ACTIVATIONS = ("sigmoid", "tanh", "relu")
LOSSES = ("sse", "cross_entropy")
OPTIMIZERS = ("gd", "momentum", "nesterov", "adam", "rprop")
UPDATES = ("batch", "online")

# Adam's constants (Kingma and Ba; scikit-learn's defaults).
ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON = 0.9, 0.999, 1e-8
# iRPROP-'s constants, FANN's defaults: step sizes start at 0.1, grow by 1.2 up to 50 and
# shrink by 0.5 down to 0.
RPROP_START, RPROP_INCREASE, RPROP_DECREASE, RPROP_MAX, RPROP_MIN = 0.1, 1.2, 0.5, 50.0, 0.0


# --- activations -------------------------------------------------------------------------


def sigmoid(z):
    """sigmoid(z) = 1 / (1 + e^-z)."""
    with np.errstate(over="ignore"):  # e^-z = inf for z << 0: the sigmoid is then 0, as it should be
        return 1.0 / (1.0 + np.exp(-z))


def activate(z, activation="sigmoid"):
    """The hidden layer's activation f(z)."""
    if activation == "sigmoid":
        return sigmoid(z)
    if activation == "tanh":
        # the spec's tanh(z) = 2 / (1 + e^-2z) - 1, as the core computes it: np.tanh differs in
        # the last bits, and rprop's sign tests of gradients near 0 (a saturated unit's) would
        # turn those bits into different steps (scikit-learn's np.tanh is held to this within 1e-9)
        with np.errstate(over="ignore"):  # e^-2z = inf for z << 0: tanh is then -1
            return 2 / (1 + np.exp(-2 * z)) - 1
    if activation == "relu":
        return np.where(z > 0, z, np.zeros_like(z))  # z > 0 ? z : 0
    raise ValueError(f"unknown activation {activation!r}")


def slope(a, activation="sigmoid"):
    """f'(z) written from the output a = f(z): a (1 - a), 1 - a^2, or [a > 0]."""
    if activation == "sigmoid":
        return a * (1 - a)
    if activation == "tanh":
        return 1 - a * a
    if activation == "relu":
        return (a > 0).astype(a.dtype)
    raise ValueError(f"unknown activation {activation!r}")


# --- the network ---------------------------------------------------------------------------


def forward(X, W1, W2, b1=None, b2=None, activation="sigmoid"):
    """(hidden, out): hidden = f(X·W1 + b1), out = sigmoid(hidden·W2 + b2)."""
    z1 = X @ W1 + (0 if b1 is None else b1)
    hidden = activate(z1, activation)
    z2 = hidden @ W2 + (0 if b2 is None else b2)
    return hidden, sigmoid(z2)


def sse(out, y):
    """The seed's cost: L = sum over rows and outputs of (y - out)^2."""
    return float(np.sum((y - out) ** 2))


def cross_entropy(out, y):
    """L = sum -(y log o' + (1 - y) log(1 - o')), o' = out clipped to [eps, 1 - eps].

    eps is the machine epsilon of out's dtype, as in scikit-learn's log-loss.
    """
    eps = np.finfo(out.dtype).eps
    o = np.clip(out, eps, 1 - eps)
    return float(np.sum(-(y * np.log(o) + (1 - y) * np.log(1 - o))))


def loss_of(out, y, loss="sse"):
    """The loss named by ``loss`` ("sse" or "cross_entropy") of the outputs against y."""
    if loss == "sse":
        return sse(out, y)
    if loss == "cross_entropy":
        return cross_entropy(out, y)
    raise ValueError(f"unknown loss {loss!r}")


def output_delta(out, y, loss="sse"):
    """dL/dz2, the gradient at the output's pre-activation (the output is sigmoid).

    sse: d/dz2 (y - o)^2 = 2 (o - y) o (1 - o).  cross_entropy: o - y (the clip is not
    differentiated, as in scikit-learn).
    """
    if loss == "sse":
        return 2 * (out - y) * out * (1 - out)
    if loss == "cross_entropy":
        return out - y
    raise ValueError(f"unknown loss {loss!r}")


def gradients(X, y, W1, W2, b1=None, b2=None, activation="sigmoid", loss="sse"):
    """dL/dW1, dL/dW2, dL/db1, dL/db2 by the chain rule, summed over the rows of X.

    dz2 = dL/dz2;  dW2 = H^T · dz2;  db2 = sum_rows dz2;
    dz1 = (dz2 · W2^T) * f'(z1);  dW1 = X^T · dz1;  db1 = sum_rows dz1.
    The bias gradients are None when the network has no biases.
    """
    hidden, out = forward(X, W1, W2, b1, b2, activation)
    dz2 = output_delta(out, y, loss)
    dz1 = (dz2 @ W2.T) * slope(hidden, activation)
    if b1 is None:
        return X.T @ dz1, hidden.T @ dz2, None, None
    return X.T @ dz1, hidden.T @ dz2, dz1.sum(axis=0), dz2.sum(axis=0)


# --- the optimizers ------------------------------------------------------------------------


class Optimizer:
    """One optimizer's state for a list of parameters, and its update (in place).

    ``first`` and ``second`` hold, per parameter, the velocity (momentum, nesterov),
    Adam's m and s, or rprop's step sizes and previous gradients; ``t`` counts updates.
    """

    def __init__(self, optimizer, params, lr, momentum=0.9):
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r}")
        self.optimizer, self.lr, self.mu = optimizer, lr, momentum
        self.t = 0
        start = RPROP_START if optimizer == "rprop" else 0.0
        self.first = [np.full_like(p, start) for p in params]
        self.second = [np.zeros_like(p) for p in params]

    def update(self, params, grads):
        """One update of every parameter p from its gradient g."""
        self.t += 1
        for p, g, first, second in zip(params, grads, self.first, self.second, strict=True):
            getattr(self, "_" + self.optimizer)(p, g, first, second)

    def _gd(self, p, g, first, second):
        # p -= lr g
        p -= self.lr * g

    def _momentum(self, p, g, v, second):
        # v = mu v - lr g;  p += v
        v[...] = self.mu * v - self.lr * g
        p += v

    def _nesterov(self, p, g, v, second):
        # v = mu v - lr g;  p += mu v - lr g
        v[...] = self.mu * v - self.lr * g
        p += self.mu * v - self.lr * g

    def _adam(self, p, g, m, s):
        # m = b1 m + (1 - b1) g;  s = b2 s + (1 - b2) g^2;
        # lr_t = lr sqrt(1 - b2^t) / (1 - b1^t) (in double, then in p's precision);
        # p += (-lr_t m) / (sqrt(s) + eps)
        m[...] = ADAM_BETA1 * m + (1 - ADAM_BETA1) * g
        s[...] = ADAM_BETA2 * s + (1 - ADAM_BETA2) * (g * g)
        lr_t = p.dtype.type(self.lr * math.sqrt(1 - ADAM_BETA2**self.t) / (1 - ADAM_BETA1**self.t))
        p += (-lr_t * m) / (np.sqrt(s) + p.dtype.type(ADAM_EPSILON))

    def _rprop(self, p, g, step, gprev):
        # iRPROP- (FANN's): where g and gprev have the same sign (or one is 0), step = min(1.2 step,
        # 50); where they differ, step = max(0.5 step, 0) and g is taken as 0.  p -= sign(g) step;
        # gprev = g. (Signs, not the product g gprev, which underflows to 0 for tiny gradients.)
        same = ((g >= 0) & (gprev >= 0)) | ((g <= 0) & (gprev <= 0))
        grown = np.minimum(step * RPROP_INCREASE, RPROP_MAX)
        shrunk = np.maximum(step * RPROP_DECREASE, RPROP_MIN)
        step[...] = np.where(same, grown, shrunk)
        g = np.where(same, g, np.zeros_like(g))
        p -= np.sign(g) * step
        gprev[...] = g


# --- initial weights and training ----------------------------------------------------------


def glorot_bound(fan_in, fan_out, activation="sigmoid"):
    """scikit-learn's bound: sqrt(6 / (fan_in + fan_out)), sqrt(2 / ...) for a sigmoid hidden layer."""
    factor = 2.0 if activation == "sigmoid" else 6.0
    return math.sqrt(factor / (fan_in + fan_out))


def initial_weights(seed, n_in=2, hidden=3, n_out=1, bias=False, init=1.0, activation="sigmoid"):
    """W1, W2, b1, b2 drawn from one RandomState(seed) stream, in that order.

    init a: every array from uniform(-a, a).  init "glorot": each layer's weights and
    bias from uniform(-bound, bound) with its layer's glorot_bound.
    """
    if init == "glorot":
        bound1 = glorot_bound(n_in, hidden, activation)
        bound2 = glorot_bound(hidden, n_out, activation)
    else:
        bound1 = bound2 = float(init)
    stream = np.random.RandomState(seed)
    W1 = stream.uniform(-bound1, bound1, (n_in, hidden))
    W2 = stream.uniform(-bound2, bound2, (hidden, n_out))
    if not bias:
        return W1, W2, None, None
    b1 = stream.uniform(-bound1, bound1, hidden)
    b2 = stream.uniform(-bound2, bound2, n_out)
    return W1, W2, b1, b2


def train(
    X,
    y,
    W1,
    W2,
    lr,
    steps,
    b1=None,
    b2=None,
    *,
    activation="sigmoid",
    loss="sse",
    optimizer="gd",
    momentum=0.9,
    update="batch",
    state=None,
):
    """Trains copies of the weights for ``steps`` steps; returns (W1, W2, b1, b2).

    batch: one update per step from the gradient summed over all rows.  online: each step
    is one pass over the rows in order, one update per row from that row's gradient.
    ``state``, an Optimizer, continues an earlier training (it is updated in place);
    without it the optimizer starts from zero state.
    """
    if update not in UPDATES:
        raise ValueError(f"unknown update {update!r}")
    if optimizer == "rprop" and update == "online":
        raise ValueError("rprop needs batch updates")
    params = [W1.copy(), W2.copy()]
    if b1 is not None:
        params += [b1.copy(), b2.copy()]
    if state is None:
        state = Optimizer(optimizer, params, lr, momentum)
    # batch: one part, all rows; online: one part per row, in order
    parts = [(X, y)] if update == "batch" else [(X[row : row + 1], y[row : row + 1]) for row in range(X.shape[0])]
    for _ in range(steps):
        for X_part, y_part in parts:
            grads = gradients(X_part, y_part, *params[:2], *(params[2:] or [None, None]), activation, loss)
            state.update(params, [g for g in grads if g is not None])
    if b1 is None:
        return params[0], params[1], None, None
    return tuple(params)
