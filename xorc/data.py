"""Truth tables to learn: the post's program's XOR and its relatives."""

from __future__ import annotations

import itertools

import numpy as np

# The post's program's rows, in its order; every two-input table uses them.
_TWO_INPUTS: tuple[tuple[int, ...], ...] = ((1, 0), (0, 0), (0, 1), (1, 1))

_GATES = {
    "xor": lambda a, b: a ^ b,
    "and": lambda a, b: a & b,
    "or": lambda a, b: a | b,
    "nand": lambda a, b: 1 - (a & b),
    "nor": lambda a, b: 1 - (a | b),
    "xnor": lambda a, b: 1 - (a ^ b),
}

TASKS = (*_GATES, "parity3")


def truth_table(name: str = "xor") -> tuple[np.ndarray, np.ndarray]:
    """The inputs X (rows, n_in) and targets y (rows, 1), as float64 arrays.

    The two-input tables ("xor", "and", "or", "nand", "nor", "xnor") list their
    rows in the post's program's order: (1,0), (0,0), (0,1), (1,1). "parity3" has
    the eight rows of three inputs in binary counting order, 000 to 111, with
    target 1 where an odd number of inputs is 1.
    """
    if name in _GATES:
        rows = _TWO_INPUTS
        targets = [_GATES[name](a, b) for a, b in rows]
    elif name == "parity3":
        rows = tuple(itertools.product((0, 1), repeat=3))
        targets = [sum(row) % 2 for row in rows]
    else:
        raise ValueError(f"unknown truth table {name!r}; known: {', '.join(TASKS)}")
    X = np.array(rows, dtype=np.float64)
    y = np.array(targets, dtype=np.float64).reshape(-1, 1)
    return X, y


def task_of(X: np.ndarray, y: np.ndarray) -> str | None:
    """The name of the truth table whose rows and targets are exactly X and y, in order; else None."""
    for name in TASKS:
        table_X, table_y = truth_table(name)
        if np.array_equal(X, table_X) and np.array_equal(y, table_y):
            return name
    return None
