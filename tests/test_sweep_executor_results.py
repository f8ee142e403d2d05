"""An executor cannot slip garbage into a sweep (issue 22, defect 5).

Every chunk's result is checked (its type, the shapes and dtypes of its arrays, its
seeds and its learning steps) before it is copied in, and a sweep returns only when
every seed it was asked for has a result: otherwise it raises, naming what came back
wrong, and nothing wrong reaches the result or the checkpoint.
"""

from __future__ import annotations

import dataclasses
from concurrent.futures import Executor, Future, ThreadPoolExecutor

import numpy as np
import pytest

import xorc

RECIPE = {"steps": 300, "lr": 0.5, "check_every": 50}
SEEDS = list(range(10))


class Tampering(Executor):
    """Runs each chunk here, then hands back `tamper(result, seeds)` instead of its result."""

    def __init__(self, tamper):
        self.tamper = tamper

    def submit(self, fn, /, *args, **kwargs):
        future = Future()
        try:
            future.set_result(self.tamper(fn(*args, **kwargs), np.asarray(args[1])))
        except Exception as error:
            future.set_exception(error)
        return future


def replace(**changes):
    return lambda result, seeds: dataclasses.replace(
        result,
        **{name: change(getattr(result, name)) if callable(change) else change for name, change in changes.items()},
    )


def tampered(tamper, first_only=False):
    """tamper, on the first chunk only if asked."""
    calls = []

    def apply(result, seeds):
        calls.append(1)
        return tamper(result, seeds) if len(calls) == 1 or not first_only else result

    return apply


BAD = {
    "None": (lambda result, seeds: None, "None"),
    "a tuple": (lambda result, seeds: (result.losses, result.outputs), "tuple"),
    "a dict": (lambda result, seeds: dataclasses.asdict(result), "dict"),
    "losses short": (replace(losses=lambda a: a[:-1]), "losses"),
    "losses as float32": (replace(losses=lambda a: a.astype(np.float32)), "losses"),
    "losses as a list": (replace(losses=lambda a: a.tolist()), "losses"),
    "losses 2-D": (replace(losses=lambda a: a[:, None]), "losses"),
    "outputs float32": (replace(outputs=lambda a: a.astype(np.float32)), "outputs"),
    "outputs of another shape": (replace(outputs=lambda a: a[:, :2]), "outputs"),
    "outputs transposed": (replace(outputs=lambda a: np.ascontiguousarray(a.transpose(0, 2, 1))), "outputs"),
    "learned_at float": (replace(learned_at=lambda a: a.astype(np.float64)), "learned_at"),
    "learned_at beyond steps": (replace(learned_at=lambda a: a + 10**6), "learned_at"),
    "learned_at below -1": (replace(learned_at=lambda a: a - 5), "learned_at"),
    "learned_at off the checked steps": (
        replace(learned_at=lambda a: np.where(np.arange(a.size) == 0, 1, a)),
        "learned_at",
    ),
    "other seeds": (replace(seeds=lambda a: a + 1000), "seeds"),
    "seeds reversed": (replace(seeds=lambda a: a[::-1].copy()), "seeds"),
    "seeds as int32": (replace(seeds=lambda a: a.astype(np.int32)), "seeds"),
    "simd not a string": (replace(simd=None), "simd"),
    "simd unknown": (replace(simd="avx1024"), "simd"),
}


@pytest.mark.parametrize("name", list(BAD))
@pytest.mark.parametrize("first_only", [False, True])
def test_a_chunk_that_comes_back_wrong_is_refused_by_name(tmp_path, name, first_only):
    tamper, named = BAD[name]
    out = tmp_path / "s.npz"
    with pytest.raises(RuntimeError, match=named) as caught:
        xorc.sweep(SEEDS, executor=Tampering(tampered(tamper, first_only)), chunk_size=4, checkpoint=out, **RECIPE)
    assert "chunk" in str(caught.value)
    # What was checkpointed is only what came back right: each seed as trained alone.
    if out.exists():
        kept = xorc.load_sweep(out)
        for seed, loss in zip(kept.seeds, kept.losses, strict=True):
            net = xorc.train(seed=int(seed), steps=RECIPE["steps"], lr=RECIPE["lr"], log_every=0)
            assert loss == net.history[-1][1]


def test_an_executor_that_drops_chunks_is_refused():
    class Dropping(Executor):
        """Settles every future but the second one's with its result; that one is cancelled."""

        def __init__(self):
            self.count = 0

        def submit(self, fn, /, *args, **kwargs):
            self.count += 1
            future = Future()
            if self.count == 2:
                future.cancel()
                future.set_running_or_notify_cancel()
            else:
                future.set_result(fn(*args, **kwargs))
            return future

    with pytest.raises(BaseException) as caught:
        xorc.sweep(SEEDS, executor=Dropping(), chunk_size=3, **RECIPE)
    assert not isinstance(caught.value, KeyboardInterrupt)


def test_an_executor_whose_submit_returns_no_future_is_refused():
    class NoFuture(Executor):
        def submit(self, fn, /, *args, **kwargs):
            return fn(*args, **kwargs)

    with pytest.raises(TypeError, match="Future"):
        xorc.sweep(SEEDS, executor=NoFuture(), chunk_size=3, **RECIPE)


def test_an_executor_whose_chunks_raise_passes_the_error_on():
    class Failing(Executor):
        def submit(self, fn, /, *args, **kwargs):
            future = Future()
            future.set_exception(ArithmeticError("the worker broke"))
            return future

    with pytest.raises(ArithmeticError, match="the worker broke"):
        xorc.sweep(SEEDS, executor=Failing(), chunk_size=3, **RECIPE)


def test_a_thread_pool_that_returns_none_without_a_stop_is_refused():
    """None is what a chunk returns when the sweep asked it to stop; unasked, it is garbage."""

    class Stopping(ThreadPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            return super().submit(lambda *a: None, *args)

    with Stopping(max_workers=2) as pool, pytest.raises(RuntimeError, match="None"):
        xorc.sweep(SEEDS, executor=pool, chunk_size=3, **RECIPE)


def test_right_results_still_pass_and_equal_training_alone():
    honest = Tampering(lambda result, seeds: result)
    result = xorc.sweep(SEEDS, executor=honest, chunk_size=4, **RECIPE)
    for index, seed in enumerate(SEEDS):
        net = xorc.train(seed=seed, steps=RECIPE["steps"], lr=RECIPE["lr"], log_every=0)
        assert result.losses[index] == net.history[-1][1]
