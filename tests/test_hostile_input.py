"""What a careful, hostile user passed through the API: each a clear exception naming the argument,
and a network left exactly as it was."""

import contextlib
import resource
import tracemalloc

import numpy as np
import pytest

import installed
import xorc
from xorc import _binding, _memory
from xorc.sweeping import chunks as _sweep_chunks
from xorc.sweeps import prepare, run_jobs

X, Y = xorc.truth_table("xor")


def state(net):
    return (
        net.W1.tobytes(),
        net.W2.tobytes(),
        None if net.b1 is None else net.b1.tobytes(),
        net.steps_trained,
        list(net.history),
        repr(net.settings),
    )


@pytest.fixture
def trained():
    net = xorc.Network.random(seed=3, bias=True)
    net.fit(X, Y, lr=0.5, steps=100, log_every=50)
    return net


# Targets whose loss overflows the precision: refused before training


@pytest.mark.parametrize("dtype, big", [("float64", 1e200), ("float64", 1e155), ("float32", 1e19)])
def test_targets_whose_loss_overflows_are_refused(trained, dtype, big):
    y = np.full((4, 1), big)
    with pytest.raises(ValueError, match=f"y holds targets too large for {dtype}"):
        xorc.train(X, y, steps=10, dtype=dtype)
    net = xorc.Network.random(dtype=dtype)
    before = state(net)
    with pytest.raises(ValueError, match="loss, a sum of squared errors, would overflow"):
        net.fit(X, y, steps=10)
    assert state(net) == before


@pytest.mark.parametrize("dtype, big", [("float64", 1e150), ("float32", 1e18)])
def test_large_targets_whose_loss_fits_still_train(dtype, big):
    """The bound is the worst loss, sum(max(y², (1-y)²)): just below it, training runs and stays finite."""
    net = xorc.train(X, np.full((4, 1), big), steps=10, dtype=dtype)
    step, loss = net.history[-1]
    assert step == 10 and np.isfinite(loss)


# Training that diverges: raised, and the network put back as it was


@pytest.mark.parametrize("dtype, big, lr", [("float64", 1e150, 1e200), ("float32", 1e17, 1e30)])
@pytest.mark.parametrize("bias", [False, True])
def test_fit_that_diverges_raises_and_restores_the_network(dtype, big, lr, bias):
    net = xorc.Network.random(seed=3, bias=bias, dtype=dtype)
    net.fit(X, Y, lr=0.5, steps=100, log_every=50)
    before = state(net)
    view = net.W1
    with pytest.raises(xorc.DivergenceError, match="training diverged: the loss is nan") as error:
        net.fit(X, Y * big, lr=lr, steps=1000, log_every=100)
    assert isinstance(error.value, ValueError) and "left as it was" in str(error.value)
    assert state(net) == before
    assert view.tobytes() == before[0]  # a view handed out before follows the restored weights


def test_weights_that_overflow_behind_a_finite_loss_count_as_divergence(trained, monkeypatch):
    """A saturated sigmoid can hide infinite weights from the loss: fit checks the weights at the end."""
    real_run = xorc.network._binding.Trainer.run

    def overflowing(self, steps):
        loss = real_run(self, steps)
        if steps:  # the last call of fit(steps=10): the loss is computed, then W2 overflows
            trained._W2[0, 0] = np.inf
        return loss

    before = state(trained)
    monkeypatch.setattr(xorc.network._binding.Trainer, "run", overflowing)
    with pytest.raises(xorc.DivergenceError, match="the weights overflowed after 10 steps"):
        trained.fit(X, Y, steps=10)
    assert state(trained) == before


def test_train_that_diverges_raises():
    with pytest.raises(xorc.DivergenceError):
        xorc.train(X, Y * 1e17, lr=1e30, steps=1000, dtype="float32")


# Errors that name the argument


def test_a_learning_rate_too_large_for_a_float():
    with pytest.raises(ValueError, match="lr must be a finite number greater than 0"):
        xorc.train(lr=10**400)


def test_ints_beyond_int64_are_numbers():
    net = xorc.train([[2**70, 0], [0, 0]], [[1], [0]], steps=5)
    assert net.predict([[2**70, 0]]).shape == (1, 1)
    with pytest.raises(ValueError, match="X holds a number beyond the range of float64"):
        xorc.train([[10**400, 0]], [[1]], steps=5)
    with pytest.raises(TypeError, match="X must hold real numbers"):
        xorc.train([[2**70, "a"]], [[1]], steps=5)


def test_float16_weights_name_the_array():
    with pytest.raises(ValueError, match="W1 has dtype float16"):
        xorc.Network(np.ones((2, 3), np.float16), np.ones((3, 1), np.float16))
    with pytest.raises(ValueError, match="W2 has dtype float16"):
        xorc.Network(np.ones((2, 3), bool), np.ones((3, 1), np.float16))


def test_a_network_too_large_to_address_names_hidden():
    with pytest.raises(ValueError, match=r"hidden=4611686018427387904: .* more than this machine can address"):
        xorc.Network.random(hidden=2**62)
    with pytest.raises(ValueError, match="hidden=4611686018427387904: no training workspace fits"):
        _binding.workspace(2, 2**62, 1, np.dtype(np.float64))


MEMORY_LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
import xorc
xorc._memory.memory_limit = lambda: None  # what runs out here is the rlimit, not the machine
try:
    {call}
except MemoryError as error:
    print(error)
"""


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_AS"), reason="needs a memory limit")
def test_running_out_of_memory_names_hidden(tmp_path):
    """Under a memory limit of 1 GB (a subprocess: this machine would rather overcommit than fail)."""
    done = installed.run(["-c", MEMORY_LIMITED.format(call="xorc.Network.random(hidden=10**9)")], tmp_path)
    assert done.returncode == 0, done.stderr
    assert "not enough memory for a network of shape" in done.stdout and "hidden=" in done.stdout


# Requests beyond the memory the process can have: refused before allocating (Linux would
# overcommit, and kill the process once training touched the pages)

MEMORY = 64 << 20  # the memory of the machine these tests pretend to run on
HUGE = 2**21  # hidden units: drawing the weights alone (3 a unit, 16 bytes each: float64 and a copy) takes 96 MiB


@pytest.fixture
def small_machine(monkeypatch):
    monkeypatch.setattr(_memory, "memory_limit", lambda: MEMORY)


@contextlib.contextmanager
def allocating_at_most(nbytes):
    """Asserts that the block's allocations (numpy's included: tracemalloc follows them) peak under nbytes."""
    tracemalloc.start()
    try:
        yield
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < nbytes, f"{peak} bytes allocated"


@pytest.mark.parametrize(
    "call",
    [
        lambda: xorc.train(hidden=HUGE, steps=1),
        lambda: xorc.train(hidden=HUGE, steps=1, dtype="float32", bias=True),
        lambda: xorc.Network.random(hidden=HUGE),
        lambda: xorc.sweep(range(4), hidden=HUGE, steps=1),
        lambda: xorc.sweep(range(4), hidden=HUGE, steps=1, threads=1, chunk_size=1, dtype="float32"),
    ],
    ids=["train", "train-float32-bias", "Network.random", "sweep", "sweep-one-thread-float32"],
)
def test_a_network_beyond_the_memory_is_refused_before_allocating(small_machine, call):
    with allocating_at_most(1 << 20), pytest.raises(MemoryError) as refused:
        call()
    message = str(refused.value)
    assert message.startswith(f"not enough memory for a network of shape (2, {HUGE}, 1): hidden={HUGE} is too large")
    assert message.endswith(" needed, 64.0 MiB of memory here"), message


def test_fit_counts_the_weights_and_their_copy_with_the_workspace(small_machine):
    """Drawing this network (48 bytes a hidden unit) fits in 64 MiB, and so would the workspace of its
    training (64 bytes a unit) with the weights (24 bytes a unit); with the copy of the weights that fit
    keeps to put back on divergence (24 more), they do not."""
    net = xorc.Network.random(hidden=700_000)
    before = state(net)
    # (fit's check of the weights for NaN takes a byte per weight, 2 MiB; the workspace would take 43 MiB.)
    with allocating_at_most(4 << 20), pytest.raises(MemoryError, match=r"hidden=700000 is too large: 74\.8 MiB needed"):
        net.fit(X, Y, steps=1)
    assert state(net) == before


def test_small_networks_still_train_on_a_small_machine(small_machine):
    net = xorc.train(steps=100, log_every=0)
    assert net.steps_trained == 100
    result = xorc.sweep(range(8), steps=100, threads=2)
    assert result.seeds.tolist() == list(range(8))
    np.testing.assert_array_equal(result.losses[3], xorc.train(steps=100, seed=3).history[-1][1])


def test_a_sweep_refused_before_it_starts_leaves_its_checkpoint_as_it_was(monkeypatch, tmp_path):
    """A chunk of one network fits; four threads training one each at once do not: refused before any
    thread starts, and the checkpoint (two seeds done) is not touched. Two threads at once fit."""
    hidden = 1024
    checkpoint = tmp_path / "sweep.npz"
    xorc.sweep(range(2), hidden=hidden, steps=10, checkpoint=checkpoint)
    saved = checkpoint.read_bytes()
    one_chunk = _sweep_chunks.chunk_bytes(prepare(range(1), hidden=hidden, steps=10).recipe, 1)
    monkeypatch.setattr(_memory, "memory_limit", lambda: 5 * one_chunk // 2)

    with pytest.raises(MemoryError, match=rf"4 threads training 4 networks of shape \(2, {hidden}, 1\): hidden="):
        xorc.sweep(range(8), hidden=hidden, steps=10, threads=4, chunk_size=1, checkpoint=checkpoint)
    assert checkpoint.read_bytes() == saved

    result = xorc.sweep(range(8), hidden=hidden, steps=10, threads=2, chunk_size=1, checkpoint=checkpoint)
    assert result.resumed == 2
    assert xorc.load_sweep(checkpoint).seeds.tolist() == list(range(8))


def test_the_recipes_of_a_grid_share_the_threads_memory(monkeypatch):
    """Two recipes of one seed each: either chunk fits alone, both at once (one a thread) do not."""
    jobs = [prepare(range(1), hidden=1024, steps=10, lr=lr) for lr in (0.01, 0.02)]
    one_chunk = _sweep_chunks.chunk_bytes(jobs[0].recipe, 1)
    monkeypatch.setattr(_memory, "memory_limit", lambda: 3 * one_chunk // 2)
    with pytest.raises(MemoryError, match=r"2 threads training 2 networks of shape \(2, 1024, 1\)"):
        run_jobs(jobs, threads=2)
    assert [result.seeds.size for result in run_jobs(jobs, threads=1)] == [1, 1]


def test_the_memory_limit_is_a_containers_where_lower(monkeypatch, tmp_path):
    """cgroup v2 says "max" for no limit, v1 a number beyond any machine's; the first number stated
    counts, and the lower of it and the physical memory is the limit."""
    v2, v1 = tmp_path / "memory.max", tmp_path / "memory.limit_in_bytes"
    v2.write_text("max\n")
    v1.write_text("9223372036854771712\n")
    assert _memory.cgroup_limit((str(v2), str(v1))) == 9223372036854771712
    v2.write_text("536870912\n")
    assert _memory.cgroup_limit((str(v2), str(v1))) == 536870912
    assert _memory.cgroup_limit((str(tmp_path / "absent"),)) is None

    monkeypatch.setattr(_memory, "physical_memory", lambda: 8 << 30)
    for stated, limit in [(512 << 20, 512 << 20), (1 << 62, 8 << 30), (None, 8 << 30)]:
        monkeypatch.setattr(_memory, "cgroup_limit", lambda stated=stated: stated)
        _memory.memory_limit.cache_clear()
        try:
            assert _memory.memory_limit() == limit
        finally:
            _memory.memory_limit.cache_clear()


def test_a_sweep_refused_at_once_creates_no_checkpoint(small_machine, tmp_path):
    with pytest.raises(MemoryError, match=f"hidden={HUGE} is too large"):
        xorc.sweep(range(4), hidden=HUGE, steps=1, checkpoint=tmp_path / "sweep.npz")
    assert not (tmp_path / "sweep.npz").exists()


# Masked arrays: refused, never trained on the values under the mask


@pytest.mark.parametrize("where", ["X", "y"])
def test_masked_arrays_are_refused(where):
    data = {"X": X, "y": Y}
    data[where] = np.ma.masked_array(data[where], mask=np.zeros_like(data[where], dtype=bool))
    with pytest.raises(TypeError, match=f"{where} is a masked array"):
        xorc.train(data["X"], data["y"], steps=5)
    net = xorc.Network.random()
    with pytest.raises(TypeError, match=f"{where} is a masked array"):
        net.fit(data["X"], data["y"], steps=5)
    assert net.steps_trained == 0


def test_masked_weights_are_refused():
    with pytest.raises(TypeError, match="W1 is a masked array"):
        xorc.Network(np.ma.ones((2, 3)), np.ones((3, 1)))


# Callbacks


@pytest.mark.parametrize(
    "callback, words",
    [
        (lambda step: None, "callback must take two arguments"),
        (lambda step, loss, extra: None, "callback must take two arguments"),
        (lambda step, loss: np.array([True, False]), "callback must return a true value to stop"),
    ],
    ids=["one-argument", "three-arguments", "returns-array"],
)
def test_a_bad_callback_names_callback_and_changes_nothing(trained, callback, words):
    before = state(trained)
    with pytest.raises(TypeError, match=words):
        trained.fit(X, Y, steps=100, log_every=10, callback=callback)
    assert state(trained) == before


def test_a_callbacks_own_type_error_is_its_own(trained):
    def callback(step, loss):
        return len(step)  # a bug inside the callback, not its signature

    with pytest.raises(TypeError, match="has no len"):
        trained.fit(X, Y, steps=10, callback=callback)


def test_a_callback_returning_a_numpy_bool_works(trained):
    history = trained.fit(X, Y, steps=100, log_every=10, callback=lambda step, loss: np.bool_(step >= 30))
    assert [step for step, _ in history] == [0, 10, 20, 30]


# Seeds


@pytest.mark.parametrize("seeds", [range(0, 2**64), range(2**64, 0, -1), range(2**32 - 5, 2**70)])
def test_a_seed_range_beyond_randomstate_is_a_value_error(seeds):
    with pytest.raises(ValueError, match=r"seeds must lie in \[0, 4294967295\]"):
        xorc.sweep(seeds, steps=1)


def test_masked_seeds_are_refused():
    with pytest.raises(TypeError, match="seeds is a masked array"):
        xorc.sweep(np.ma.masked_array([1, 2, 3], mask=[0, 1, 0]), steps=1)


# History: its memory per point, and what the quiet command keeps


def test_a_history_point_takes_about_130_bytes():
    """fit's returned history and net.history share their points (they took 216 bytes together)."""
    import tracemalloc

    net = xorc.Network.random()
    tracemalloc.start()
    try:
        history = net.fit(X, Y, steps=5000, log_every=1)
        kept = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(history) == len(net.history) == 5001
    assert kept / 5001 < 150


def test_the_quiet_command_keeps_no_history_it_does_not_show(capsys):
    import tracemalloc

    from xorc.cli import main

    tracemalloc.start()
    try:
        assert main(["train", "--quiet", "--log-every", "1", "--steps", "100000"]) == 0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3_000_000  # (one point per step: 13 MB)
    assert capsys.readouterr().out.count("\n") == 6  # the table of outputs
