"""The public API's contract: inputs it accepts, fit's history and callback, tables."""

import numpy as np
import pytest

import xorc
from xorc import _binding

X, Y = xorc.truth_table("xor")


def test_version():
    assert isinstance(xorc.__version__, str) and xorc.__version__.count(".") == 2


@pytest.mark.parametrize(
    "name, inputs, targets",
    [
        ("xor", [[1, 0], [0, 0], [0, 1], [1, 1]], [1, 0, 1, 0]),
        ("and", [[1, 0], [0, 0], [0, 1], [1, 1]], [0, 0, 0, 1]),
        ("or", [[1, 0], [0, 0], [0, 1], [1, 1]], [1, 0, 1, 1]),
        ("nand", [[1, 0], [0, 0], [0, 1], [1, 1]], [1, 1, 1, 0]),
        ("nor", [[1, 0], [0, 0], [0, 1], [1, 1]], [0, 1, 0, 0]),
        ("xnor", [[1, 0], [0, 0], [0, 1], [1, 1]], [0, 1, 0, 1]),
        (
            "parity3",
            [[0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 1], [1, 0, 0], [1, 0, 1], [1, 1, 0], [1, 1, 1]],
            [0, 1, 1, 0, 1, 0, 0, 1],
        ),
    ],
)
def test_truth_tables(name, inputs, targets):
    table_X, table_y = xorc.truth_table(name)
    assert table_X.dtype == np.float64 and table_y.dtype == np.float64
    assert table_X.tolist() == inputs
    assert table_y.tolist() == [[t] for t in targets]


def test_inputs_accepted_as_numpy_users_pass_them():
    net = xorc.Network.random()
    expected = net.predict(X)
    seed_X = np.asarray([[1, 0], [0, 0], [0, 1], [1, 1]])  # int, as in the seed program
    fortran = np.asfortranarray(X)
    strided = np.repeat(X, 2, axis=0)[::2]
    assert not fortran.flags.c_contiguous and not strided.flags.c_contiguous
    for value in (X.tolist(), seed_X, fortran, strided, X.astype(np.float32), X.astype(bool)):
        np.testing.assert_array_equal(net.predict(value), expected)


def test_fit_history_points_and_steps():
    net = xorc.Network.random()
    history = net.fit(X, Y, steps=2500, log_every=1000)
    assert [step for step, _ in history] == [0, 1000, 2000, 2500]
    assert history[-1][1] == pytest.approx(net.loss(X, Y), abs=0)
    assert net.steps_trained == 2500
    assert net.fit(X, Y, steps=100, log_every=0) == [(0, history[-1][1]), (100, net.loss(X, Y))]
    assert [step for step, _ in net.history] == [0, 1000, 2000, 2500, 2600]


def test_fit_zero_steps_changes_nothing():
    net = xorc.Network.random()
    before = net.W1.copy()
    assert net.fit(X, Y, steps=0) == [(0, net.loss(X, Y))]
    np.testing.assert_array_equal(net.W1, before)


def test_callback_sees_each_point_and_can_stop():
    seen = []
    net = xorc.train(steps=60000, log_every=10000, callback=lambda step, loss: seen.append(step) or step >= 20000)
    assert seen == [0, 10000, 20000]
    assert net.steps_trained == 20000
    straight = xorc.train(steps=20000)
    assert net.W1.tobytes() == straight.W1.tobytes()


def _count_c_calls(monkeypatch) -> list[int]:
    """The number of steps of each C training call, as they happen."""
    calls: list[int] = []
    real_run = _binding.Trainer.run

    def counting(self, steps):
        calls.append(steps)
        return real_run(self, steps)

    monkeypatch.setattr(_binding.Trainer, "run", counting)
    return calls


def test_one_c_call_per_log_point(monkeypatch):
    calls = _count_c_calls(monkeypatch)
    xorc.train(steps=60000, log_every=10000)
    assert calls == [0] + [10000] * 6


def test_long_stretches_run_in_pieces_of_bounded_work(monkeypatch):
    """Between log points the steps run in equal pieces (the last one shorter) that Ctrl-C can fall between."""
    calls = _count_c_calls(monkeypatch)
    net = xorc.train(steps=1_000_003, log_every=0)
    assert calls[0] == 0 and sum(calls) == 1_000_003 and net.steps_trained == 1_000_003
    pieces = calls[1:]
    assert len(pieces) > 10 and len(set(pieces[:-1])) == 1 and 0 < pieces[-1] <= pieces[0]
    # A piece is bounded by its work, rows x weights per step: 4 x 9 for the seed job.
    assert pieces[0] * 4 * 9 <= _binding.PIECE_UNITS
    calls.clear()
    wide = xorc.Network.random(2, 200, 1)
    wide.fit(*xorc.truth_table("xor"), steps=10_000, log_every=0)
    assert max(calls) * 4 * 600 <= _binding.PIECE_UNITS and sum(calls) == 10_000


def test_verbose_prints_progress(capsys):
    xorc.train(steps=200, log_every=100, verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1] for line in lines] == ["0", "100", "200"]


def test_train_other_tables_and_shapes():
    X3, y3 = xorc.truth_table("parity3")
    net = xorc.train(X3, y3, hidden=8, lr=0.5, steps=20000, seed=3, bias=True)
    assert net.shape == (3, 8, 1) and net.bias
    assert np.all((net.predict(X3) > 0.5) == (y3 > 0.5))
    Xa, ya = xorc.truth_table("and")
    assert np.all((xorc.train(Xa, ya, steps=20000, lr=0.5).predict(Xa) > 0.5) == (ya > 0.5))


def test_mixed_precision_weights_promote():
    net = xorc.Network(np.ones((2, 3), np.float32), np.ones((3, 1), np.float64))
    assert net.dtype == np.float64
    assert xorc.Network([[1, 2]], [[1], [2]]).dtype == np.float64


def test_fit_on_data_that_is_the_networks_own_weights():
    """X may be a view of W1 (absurd, but reachable): C must still read a fixed X."""
    net = xorc.Network.random(n_in=3, hidden=3, n_out=1, seed=4)
    twin = xorc.Network(net.W1, net.W2)
    X, y = np.array(net.W1), [[0.0], [1.0], [0.0]]
    net.fit(net.W1, y, steps=50, lr=0.5)
    twin.fit(X, y, steps=50, lr=0.5)
    assert net.W1.tobytes() == twin.W1.tobytes()
