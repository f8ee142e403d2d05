"""learned_at: the first checked step at which a network had learned, against a brute force one step at a time."""

import json

import numpy as np
import pytest

import xorc
from xorc import _binding, sweeps
from xorc._learned import DIVERGED
from xorc.cli import main
from xorc.recipe import SWEEP, options_of
from xorc.sweeping.chunks import Recipe, train_chunk, train_networks
from xorc.sweeps import prepare

#: Every option of a sweep at its default (the tests below set the ones they vary).
SWEEP_DEFAULTS = {option.name: option.default for option in options_of(SWEEP) if option.name != "task"}


def on_its_side(out, y):
    return all((o > 0.5) if t > 0.5 else (o < 0.5) for o, t in zip(out.ravel(), y.ravel(), strict=True))


def brute_force(seed, X, y, *, hidden, bias, lr, steps, dtype, check_every):
    """Train seed's network one step at a time with the core's single operations; check at every checked step.

    Returns (learned_at, final outputs, final loss). The weights are drawn by hand as the seed
    program does (RandomState(seed).uniform(-1, 1, ...), W1, W2, then b1, b2).
    """
    rng = np.random.RandomState(seed)
    n_in, n_out = X.shape[1], y.shape[1]
    params = [rng.uniform(-1, 1, (n_in, hidden)), rng.uniform(-1, 1, (hidden, n_out))]
    if bias:
        params += [rng.uniform(-1, 1, hidden), rng.uniform(-1, 1, n_out)]
    params = [np.ascontiguousarray(p.astype(dtype)) for p in params]
    X, y = X.astype(dtype), y.astype(dtype)
    learned_at = -1
    for step in range(steps + 1):
        hidden_out, out = _binding.forward(X, *params)
        if learned_at < 0 and (step % check_every == 0 or step == steps) and on_its_side(out, y):
            learned_at = step
        if step == steps:
            break
        grads = _binding.backward(X, y, hidden_out, out, params[1], bias=bias)
        for param, grad in zip(params, grads, strict=False):
            _binding.update(param, grad, lr)
    loss = _binding.loss(out, y)
    if not np.isfinite(loss):
        learned_at = -1
    return learned_at, out, loss


CASES = [
    ("xor", {"hidden": 3, "bias": False, "lr": 1.0, "steps": 700, "dtype": "float64", "check_every": 25}),
    ("xor", {"hidden": 2, "bias": True, "lr": 1.0, "steps": 333, "dtype": "float32", "check_every": 7}),
    ("parity3", {"hidden": 4, "bias": True, "lr": 0.5, "steps": 460, "dtype": "float64", "check_every": 150}),
    ("and", {"hidden": 3, "bias": False, "lr": 2.0, "steps": 120, "dtype": "float64", "check_every": 1}),
]


@pytest.mark.parametrize("task, recipe", CASES)
def test_learned_at_equals_the_brute_force(task, recipe):
    X, y = xorc.truth_table(task)
    seeds = list(range(10))
    result = xorc.sweep(seeds, X, y, threads=2, chunk_size=3, **recipe)
    expected = [brute_force(seed, X, y, **recipe) for seed in seeds]
    for index, (learned_at, out, loss) in enumerate(expected):
        assert result.outputs[index].tobytes() == out.tobytes()  # the brute force is the same training
        assert result.losses[index] == loss
        assert result.learned_at[index] == learned_at, f"seed {seeds[index]}"
        assert result.learned[index] == on_its_side(out, y)
    at = result.learned_at
    assert np.all((at == -1) | (at % recipe["check_every"] == 0) | (at == recipe["steps"]))
    assert np.all(at[result.learned] >= 0)


@pytest.mark.parametrize("task, recipe", CASES)
def test_the_brute_force_cases_see_learning_at_different_steps(task, recipe):
    # The cases above are worth something only if seeds learn at different checked steps, and some never.
    result = xorc.sweep(range(10), *xorc.truth_table(task), threads=1, **recipe)
    learned = result.learned_at[result.learned_at > 0]
    assert len(set(learned.tolist())) >= 3 and np.any(result.learned_at == -1)


def test_train_networks_checks_only_its_own_range():
    """first_step not a multiple of check_every; a network already learned keeps its step; the end is not checked."""
    X, y = xorc.truth_table("xor")
    seeds, lr, check_every = [0, 1, 2, 3, 4, 5], 0.5, 100
    first, count = 150, 400  # checks at 200, 300, 400, 500; not 550
    W1 = np.empty((len(seeds), 2, 3))
    W2 = np.empty((len(seeds), 3, 1))
    for index, seed in enumerate(seeds):
        net = xorc.train(seed=seed, steps=first, lr=lr, log_every=0)
        W1[index], W2[index] = net.W1, net.W2
    learned_at = np.full(len(seeds), -1, dtype=np.int64)
    learned_at[0] = 12345  # already learned: left alone
    losses, outputs = train_networks(W1, W2, None, None, X, y, {"lr": lr}, first, count, check_every, learned_at)
    assert learned_at[0] == 12345
    for index, seed in enumerate(seeds):
        net = xorc.train(seed=seed, steps=first + count, lr=lr, log_every=0)
        assert W1[index].tobytes() == net.W1.tobytes() and W2[index].tobytes() == net.W2.tobytes()
        assert outputs[index].tobytes() == net.predict(X).tobytes() and losses[index] == net.history[-1][1]
        if index == 0:
            continue
        expected = -1
        for step in range(200, first + count, check_every):
            if on_its_side(xorc.train(seed=seed, steps=step, lr=lr, log_every=0).predict(X), y):
                expected = step
                break
        assert learned_at[index] == expected
    assert len(set(learned_at[1:].tolist())) >= 2


def test_a_network_with_a_non_finite_loss_never_learned():
    # Finite targets so large that the squared error overflows: the outputs are on the targets' side
    # of 0.5, but such a network has not learned anything.
    X, _ = xorc.truth_table("xor")
    y = np.array([[1e200], [-1e200], [1e200], [-1e200]])
    recipe = Recipe(
        X=X,
        y=y,
        values={**SWEEP_DEFAULTS, **dict(hidden=3, bias=False, lr=0.01, steps=3, dtype="float64", check_every=1)},
    )
    result = train_chunk(recipe, np.array([1, 2], dtype=np.int64))
    assert not np.all(np.isfinite(result.losses))
    diverged = int(np.sum(~np.isfinite(result.losses)))
    assert result.learned_at[~np.isfinite(result.losses)].tolist() == [DIVERGED] * diverged


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_a_network_whose_weights_are_not_finite_never_learned(dtype):
    # W2 = -inf: every output is exactly 0, on the side of its target 0, and the loss is 0, finite;
    # the weights are not. Such a network has diverged (issue 22, item 11: a float32 sweep at lr 1.35e38
    # counted one learned at step 0). Its twin with a finite W2 has learned, at the last step.
    X, _ = xorc.truth_table("xor")
    X, y = X.astype(dtype), np.zeros((4, 1), dtype=dtype)
    W1 = np.full((2, 2, 3), 0.5, dtype=dtype)
    W2 = np.full((2, 3, 1), -1e30, dtype=dtype)
    W2[0] = -np.inf
    for level in range(_binding.simd_best() + 1):
        learned_at = np.full(2, -1, dtype=np.int64)
        losses, outputs = train_networks(
            W1.copy(), W2.copy(), None, None, X, y, {"lr": 0.01}, 0, 0, 1, learned_at, level=level, finish=True
        )
        assert losses.tolist() == [0.0, 0.0] and not outputs.any()
        assert learned_at.tolist() == [DIVERGED, 0]


def test_a_chunk_with_diverged_networks_is_accepted_and_counted():
    # Targets so large that the squared error overflows (the API refuses them; a chunk's recipe can hold
    # them): both networks diverge. Their chunk's result is a valid one, and the summary counts them.
    X, _ = xorc.truth_table("xor")
    y = np.array([[1e200], [-1e200], [1e200], [-1e200]])
    recipe = Recipe(
        X=X,
        y=y,
        values={**SWEEP_DEFAULTS, **dict(hidden=3, bias=False, lr=0.01, steps=3, dtype="float64", check_every=1)},
    )
    result = train_chunk(recipe, np.array([1, 2], dtype=np.int64))
    assert result.learned_at.tolist() == [DIVERGED, DIVERGED]
    job = prepare(range(1, 3), steps=3, check_every=1)  # the same seeds and shapes, XOR's targets
    job.store(np.arange(2), result)  # checked as every chunk's result is (check_chunk)
    assert job.done.all()
    summary = sweeps._result(job, threads=1, executor="", seconds=None, resumed=0)
    assert summary.n_diverged == 2 and summary.n_learned == 0 and summary.to_dict()["n_diverged"] == 2
    assert "diverged: 2 (loss or weights not finite; never learned)" in summary.summary()
    assert "diverged" not in xorc.sweep(range(4), lr=0.5, steps=20, threads=1).summary()


def test_summary_json_and_learning_curve():
    result = xorc.sweep(range(40), lr=0.5, steps=1500, check_every=50, threads=2)
    learners = np.sort(result.learned_at[result.learned])
    quartiles = np.quantile(learners, [0.25, 0.5, 0.75])
    assert result.steps_to_learn == {"25%": quartiles[0], "median": quartiles[1], "75%": quartiles[2]}
    text = result.summary()
    assert f"steps to learn: median {quartiles[1]:g}, quartiles {quartiles[0]:g} to {quartiles[2]:g}" in text
    assert f"SIMD {xorc.simd_level()}" in text.splitlines()[-1] and result.simd == xorc.simd_level()
    steps, fraction = result.learning_curve()
    assert steps.tolist() == list(range(0, 1501, 50))
    for step, value in zip(steps, fraction, strict=True):
        reached = sum(1 for at in result.learned_at if 0 <= at <= step)
        assert value == reached / 40
    assert fraction[-1] >= result.fraction_learned
    document = json.loads(json.dumps(result.to_dict()))
    assert document["learned_at"] == result.learned_at.tolist() and document["check_every"] == 50
    assert document["steps_to_learn"]["median"] == quartiles[1] and document["simd"] == xorc.simd_level()


def test_learning_curve_includes_a_last_step_off_the_grid():
    result = xorc.sweep(range(5), lr=0.5, steps=130, check_every=50, threads=1)
    assert result.learning_curve()[0].tolist() == [0, 50, 100, 130]


def test_the_command_reports_steps_to_learn(capsys):
    argv = ["sweep", "--seeds", "0:12", "--steps", "900", "--lr", "0.5", "--check-every", "30", "--quiet"]
    assert main([*argv, "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    expected = xorc.sweep(range(12), steps=900, lr=0.5, check_every=30)
    assert document["learned_at"] == expected.learned_at.tolist() and document["check_every"] == 30
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"steps to learn: median {expected.steps_to_learn['median']:g}" in out
    assert main([*argv, "--compare", "bias=off,on"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert "median steps to learn" in rows[2]
    on = xorc.sweep(range(12), steps=900, lr=0.5, check_every=30, bias=True)
    assert rows[3].split()[-1] == f"{expected.steps_to_learn['median']:g}"
    assert rows[4].split()[-1] == f"{on.steps_to_learn['median']:g}"


def test_the_picture_draws_the_learning_curves(tmp_path):
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    from xorc.plotting import SETTING_COLOURS, _learning_curves, plot_sweep

    results = [xorc.sweep(range(30), lr=0.5, steps=900, check_every=30, bias=bias) for bias in (False, True)]
    axes = Figure().subplots()
    _learning_curves(axes, results, ["off", "on"], SETTING_COLOURS[:2], ["-", "-"])
    assert len(axes.lines) == 2
    for line, result in zip(axes.lines, results, strict=True):
        steps = result.learning_curve()[0]
        assert line.get_xdata().tolist() == steps.tolist()
        # The fraction as counted from learned_at, independently of learning_curve.
        counted = [100 * np.mean((result.learned_at >= 0) & (result.learned_at <= step)) for step in steps]
        np.testing.assert_allclose(line.get_ydata(), counted, rtol=1e-12)
    path = tmp_path / "sweep.png"
    plot_sweep(results, path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
