"""The executor seam: a sweep's results are the same bit for bit whatever runs the chunks and however they are cut."""

import pickle
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

import xorc
from xorc.sweeping.chunks import Recipe, train_chunk
from xorc.sweeps import prepare, run_jobs

X, Y = xorc.truth_table("xor")
RECIPE = {"steps": 1200, "lr": 0.5, "check_every": 50}


def same(a, b):
    for name in ("seeds", "losses", "outputs", "learned", "learned_at"):
        assert getattr(a, name).tobytes() == getattr(b, name).tobytes(), name


@pytest.fixture(scope="module")
def alone():
    """Each seed trained alone by xorc.train: what every sweep must equal."""
    seeds = [9, 0, 31, 4, 17, 2, 25]
    return seeds, [xorc.train(seed=s, steps=RECIPE["steps"], lr=RECIPE["lr"], log_every=0) for s in seeds]


def check_against_train(result, alone):
    seeds, nets = alone
    assert result.seeds.tolist() == seeds
    for index, net in enumerate(nets):
        assert result.losses[index] == net.history[-1][1]
        assert result.outputs[index].tobytes() == net.predict(X).tobytes()


@pytest.mark.parametrize("threads, chunk_size", [(1, None), (2, 1), (2, 3), (3, 100)])
def test_local_threads_and_chunking(alone, threads, chunk_size):
    result = xorc.sweep(alone[0], threads=threads, chunk_size=chunk_size, **RECIPE)
    check_against_train(result, alone)
    assert result.threads == min(threads, len(alone[0])) and result.executor == ""


def test_a_given_thread_pool_and_a_process_pool(alone):
    reference = xorc.sweep(alone[0], threads=1, **RECIPE)
    with ThreadPoolExecutor(max_workers=2) as pool:
        in_threads = xorc.sweep(alone[0], executor=pool, chunk_size=2, **RECIPE)
    with ProcessPoolExecutor(max_workers=2) as pool:
        in_processes = xorc.sweep(alone[0], executor=pool, chunk_size=3, **RECIPE)
    for result in (in_threads, in_processes):
        same(result, reference)
        assert result.threads == 0
    assert in_processes.executor == "ProcessPoolExecutor"
    check_against_train(reference, alone)


def test_recipes_run_together_equal_each_alone():
    options = [{"hidden": 2, "bias": True}, {"hidden": 4, "dtype": "float32"}, {"steps": 300}]
    jobs = [prepare(range(6), **{**RECIPE, **option}) for option in options]
    together = run_jobs(jobs, threads=2, chunk_size=4)
    for option, result in zip(options, together, strict=True):
        same(result, xorc.sweep(range(6), threads=1, **{**RECIPE, **option}))


def test_a_chunk_travels_by_pickle():
    recipe = prepare(range(3), **RECIPE).recipe
    copy = pickle.loads(pickle.dumps(recipe))
    assert isinstance(copy, Recipe) and copy.shape == recipe.shape and copy.X.tobytes() == recipe.X.tobytes()
    seeds = np.array([5, 1], dtype=np.int64)
    here, there = train_chunk(recipe, seeds), pickle.loads(pickle.dumps(train_chunk(copy, seeds)))
    for name in ("seeds", "losses", "outputs", "learned_at"):
        assert getattr(here, name).tobytes() == getattr(there, name).tobytes()
    assert len(pickle.dumps(recipe)) < 2000  # small: it goes out with every chunk


def test_bad_executor_and_chunk_size():
    with pytest.raises(TypeError, match="executor"):
        xorc.sweep(range(2), steps=1, executor="local")
    with pytest.raises(ValueError, match="chunk_size"):
        xorc.sweep(range(2), steps=1, chunk_size=0)
    with pytest.raises(ValueError, match="check_every"):
        xorc.sweep(range(2), steps=1, check_every=0)
