"""An independent plain-numpy implementation of the seed program's network.

It shares no code with xorc: it is the oracle the C core is checked against.
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def forward(X, W1, W2, b1=None, b2=None):
    z1 = X @ W1 + (0 if b1 is None else b1)
    hidden = sigmoid(z1)
    z2 = hidden @ W2 + (0 if b2 is None else b2)
    return hidden, sigmoid(z2)


def sse(out, y):
    return float(np.sum((y - out) ** 2))


def gradients(X, y, W1, W2, b1=None, b2=None):
    """dSSE/dW1, dSSE/dW2, dSSE/db1, dSSE/db2 by the chain rule."""
    hidden, out = forward(X, W1, W2, b1, b2)
    delta = 2 * (out - y) * out * (1 - out)
    dz1 = (delta @ W2.T) * hidden * (1 - hidden)
    return X.T @ dz1, hidden.T @ delta, dz1.sum(axis=0), delta.sum(axis=0)


def train(X, y, W1, W2, lr, steps, b1=None, b2=None):
    """Full-batch gradient descent; returns the trained copies of the weights."""
    W1, W2 = W1.copy(), W2.copy()
    b1 = None if b1 is None else b1.copy()
    b2 = None if b2 is None else b2.copy()
    for _ in range(steps):
        dW1, dW2, db1, db2 = gradients(X, y, W1, W2, b1, b2)
        W1 -= lr * dW1
        W2 -= lr * dW2
        if b1 is not None:
            b1 -= lr * db1
            b2 -= lr * db2
    return W1, W2, b1, b2
