"""xorc.sweep and the xorc sweep command, against xorc.train, the numpy reference and hand-computed values."""

import json
import os
import sys
import threading
import tracemalloc

import numpy as np
import pytest

import installed
import reference
import xorc
from xorc.cli import main
from xorc.sweeps import check_seeds, wilson_interval

X, Y = xorc.truth_table("xor")


# Each seed alone, through xorc.train: the sweep must give its numbers bit for bit.


@pytest.mark.parametrize("threads", [1, 3])
def test_seed_recipe_equals_train_bit_for_bit(threads):
    seeds = [1234, 0, 7]  # not sorted: results follow the order of `seeds`
    result = xorc.sweep(seeds, threads=threads)
    assert result.seeds.tolist() == seeds and result.threads == threads
    for index, seed in enumerate(seeds):
        net = xorc.train(seed=seed)
        assert result.losses[index] == net.history[-1][1]
        assert result.outputs[index].tobytes() == net.predict(X).tobytes()
    # Seed 1234 is the post's program: its final SSE, as test_seed_program pins it.
    assert result.losses[0] == pytest.approx(0.0284190137, abs=1e-10)


@pytest.mark.parametrize(
    "options",
    [
        {"bias": True, "hidden": 4, "lr": 0.3, "steps": 2000},
        {"dtype": "float32", "lr": 0.5, "steps": 3000},
        {"bias": True, "dtype": "float32", "hidden": 2, "steps": 500, "lr": 1.0},
    ],
)
def test_other_recipes_equal_train_bit_for_bit(options):
    X3, y3 = xorc.truth_table("parity3")
    seeds = range(20, 26)
    result = xorc.sweep(seeds, X3, y3, threads=2, **options)
    assert result.outputs.dtype == np.dtype(options.get("dtype", "float64"))
    for index, seed in enumerate(seeds):
        net = xorc.train(X3, y3, seed=seed, log_every=700, **options)
        assert result.losses[index] == net.history[-1][1]
        assert result.outputs[index].tobytes() == net.predict(X3).tobytes()


def test_results_do_not_depend_on_the_number_of_threads():
    runs = [xorc.sweep(range(40), steps=1500, lr=0.5, threads=threads) for threads in (1, 2, 7)]
    for run in runs[1:]:
        assert run.losses.tobytes() == runs[0].losses.tobytes()
        assert run.outputs.tobytes() == runs[0].outputs.tobytes()
        assert run.learned.tolist() == runs[0].learned.tolist()


def test_learned_flags_against_the_numpy_reference():
    seeds = list(range(12))
    result = xorc.sweep(seeds, lr=0.5, steps=1500, threads=2)
    expected = []
    for index, seed in enumerate(seeds):
        rng = np.random.RandomState(seed)  # the seed program's draw, by hand
        W1, W2 = rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, (3, 1))
        trained = reference.train(X, Y, W1, W2, 0.5, 1500)
        out = reference.forward(X, *trained)[1]
        np.testing.assert_allclose(result.outputs[index], out, atol=1e-9)
        assert result.losses[index] == pytest.approx(reference.sse(out, Y), abs=1e-9)
        expected.append(bool(np.all(np.abs(out - Y) < 0.5)))
    assert result.learned.tolist() == expected
    assert 0 < sum(expected) < len(seeds), "the check needs seeds that learn and seeds that do not"
    assert result.n_learned == sum(expected)
    assert result.fraction_learned == sum(expected) / len(seeds)


def test_learned_means_every_output_on_its_targets_side():
    # Targets need not be 0 and 1: a network has learned them when each output is on its target's side of 0.5.
    X2, y_and = xorc.truth_table("and")
    y_soft = np.where(y_and > 0.5, 0.9, 0.2)
    result = xorc.sweep(range(8), X2, y_soft, lr=1.0, steps=100)
    expected = [
        all((o > 0.5) == (t > 0.5) for o, t in zip(out.ravel(), y_soft.ravel(), strict=True)) for out in result.outputs
    ]
    assert result.learned.tolist() == expected
    assert 0 < sum(expected) < 8, "the check needs seeds that learn and seeds that do not"


def test_the_callers_arrays_are_left_alone():
    X_mine, y_mine, seeds = X.copy(), Y.copy(), np.array([4, 2, 0])
    result = xorc.sweep(seeds, X_mine, y_mine, steps=10)
    assert X_mine.flags.writeable and y_mine.flags.writeable and seeds.flags.writeable
    assert X_mine.tolist() == X.tolist() and y_mine.tolist() == Y.tolist() and seeds.tolist() == [4, 2, 0]
    np.testing.assert_array_equal(result.targets, Y)


def test_summary_figures():
    result = xorc.sweep([3, 1, 4, 5, 9], steps=3000, lr=0.5, threads=1)
    ordered = np.sort(result.losses)
    quantiles = result.loss_quantiles
    assert list(quantiles) == ["min", "5%", "25%", "median", "75%", "95%", "max"]
    # Five values: the linear quantiles at 0, 25, 50, 75, 100% fall exactly on them.
    assert [quantiles[name] for name in ("min", "25%", "median", "75%", "max")] == ordered.tolist()
    assert quantiles["5%"] == pytest.approx(ordered[0] + 0.2 * (ordered[1] - ordered[0]), rel=1e-12)
    assert result.ci95 == wilson_interval(result.n_learned, 5)
    text = result.summary()
    assert f"learned: {result.n_learned} of 5" in text and "95% CI" in text and "median" in text
    for array in (result.seeds, result.losses, result.outputs, result.learned):
        assert not array.flags.writeable


# The Wilson interval, against published and hand-computed values.


def test_wilson_interval_known_values():
    # 8 of 10: the classic example (0.490, 0.943); 0 of 10 and 10 of 10 reach the bounds exactly.
    low, high = wilson_interval(8, 10)
    assert low == pytest.approx(0.4901625, abs=1e-6) and high == pytest.approx(0.9433178, abs=1e-6)
    low, high = wilson_interval(0, 10)
    assert low == 0.0 and high == pytest.approx(0.2775328, abs=1e-6)
    low, high = wilson_interval(10, 10)
    assert high == 1.0 and low == pytest.approx(1 - 0.2775328, abs=1e-6)


@pytest.mark.parametrize("successes, trials", [(118, 200), (1, 1000), (592, 1000), (3, 7)])
def test_wilson_interval_solves_its_quadratic(successes, trials):
    # The bounds are the roots in p of (p_hat - p)^2 = z^2 p (1 - p) / n.
    z, p_hat = 1.959963984540054, successes / trials
    roots = np.sort(np.roots([1 + z * z / trials, -(2 * p_hat + z * z / trials), p_hat * p_hat]).real)
    assert wilson_interval(successes, trials) == pytest.approx(tuple(roots), abs=1e-12)


# Bad input: clear errors that name the argument.


@pytest.mark.parametrize(
    "seeds, error",
    [
        ([], ValueError),
        (range(0), ValueError),
        (np.array([], dtype=np.int64), ValueError),
        ([-1], ValueError),
        (range(-2, 3), ValueError),
        (np.array([4, -4]), ValueError),
        ([2**32], ValueError),
        (range(2**32 - 2, 2**32 + 1), ValueError),
        (np.array([2**32], dtype=np.uint64), ValueError),
        ([1.5], ValueError),
        ([1.0], ValueError),
        (np.array([1.0, 2.0]), TypeError),
        ("123", TypeError),
        (["1"], TypeError),
        ([True, False], TypeError),
        (np.array([True]), TypeError),
        (5, TypeError),
        (None, TypeError),
        ([[1, 2]], TypeError),
        (np.array([[1, 2]]), ValueError),
        ([3, 1, 3], ValueError),
    ],
)
def test_bad_seeds(seeds, error):
    with pytest.raises(error, match="seeds"):
        xorc.sweep(seeds, steps=1)


def test_seeds_accepted_forms():
    for seeds in (range(3), (0, 1, 2), np.arange(3, dtype=np.uint32), [np.int64(0), 1, np.uint8(2)], iter([0, 1, 2])):
        assert check_seeds(seeds).tolist() == [0, 1, 2]
    assert check_seeds(range(9, 0, -4)).tolist() == [9, 5, 1]
    assert check_seeds([2**32 - 1, 0]).tolist() == [2**32 - 1, 0]


@pytest.mark.parametrize(
    "options, error, words",
    [
        ({"threads": 0}, ValueError, "threads"),
        ({"threads": 1.5}, ValueError, "threads"),
        ({"bias": "yes"}, TypeError, "bias"),
        ({"lr": 0}, ValueError, "lr"),
        ({"steps": -1}, ValueError, "steps"),
        ({"hidden": 0}, ValueError, "hidden"),
        ({"dtype": "float16"}, ValueError, "dtype"),
        ({"progress": "yes"}, TypeError, "progress"),
        ({"X": X}, ValueError, "X and y"),
        ({"X": X, "y": [[0.5], [0], [1], [0]]}, ValueError, "0.5"),
    ],
)
def test_bad_options(options, error, words):
    with pytest.raises(error, match=words):
        xorc.sweep(range(3), **{"steps": 1, **options})


# Progress, memory.


def test_progress_is_called_on_the_calling_thread():
    calls = []
    result = xorc.sweep(range(50), steps=200, threads=2, progress=lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 50) and calls[-1] == (50, 50) and len(result) == 50
    done = [d for d, _ in calls]
    assert done == sorted(done) and all(total == 50 for _, total in calls)
    callers = []
    xorc.sweep(range(5), steps=10, threads=2, progress=lambda *_: callers.append(threading.current_thread()))
    assert set(callers) == {threading.current_thread()}


def test_an_error_in_progress_stops_the_sweep():
    def fail(done, total):
        if done:
            raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        xorc.sweep(range(2000), steps=100, threads=2, progress=fail)


def test_memory_stays_flat_as_seeds_grow():
    def peak(n):
        tracemalloc.start()
        xorc.sweep(range(n), steps=2, threads=2)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    peak(10)  # once, for what is allocated only the first time
    per_seed = (peak(10_000) - peak(1_000)) / 9_000
    # A seed's results take 8 (seed) + 8 (loss) + 32 (outputs) + 1 (learned) bytes.
    assert 40 < per_seed < 150, f"{per_seed:.0f} bytes a seed"


# The command.


def run(capsys, *argv):
    status = main(["sweep", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_command_summary_and_progress(capsys):
    status, out, err = run(capsys, "--seeds", "0:30", "--steps", "3000", "--lr", "0.5")
    assert status == 0
    expected = xorc.sweep(range(30), steps=3000, lr=0.5)
    assert f"learned: {expected.n_learned} of 30" in out
    low, high = expected.ci95
    assert f"{100 * low:.1f}% to {100 * high:.1f}%" in out
    assert f"median {expected.loss_quantiles['median']:.3g}" in out
    lines = err.splitlines()  # not a terminal: plain lines, the last at 100%
    assert "\r" not in err and 1 <= len(lines) <= 11 and "30/30 seeds (100%)" in lines[-1]


def test_command_json(capsys):
    status, out, err = run(capsys, "--seeds", "0:3,10,20:22", "--steps", "2000", "--lr", "0.5", "--json", "--quiet")
    assert status == 0 and err == ""
    result = json.loads(out)
    assert result["seeds"] == [0, 1, 2, 10, 20, 21]
    for index, seed in enumerate(result["seeds"]):
        net = xorc.train(seed=seed, steps=2000, lr=0.5)
        assert result["losses"][index] == net.history[-1][1]
        assert result["outputs"][index] == net.predict(X).tolist()
        assert result["learned"][index] == bool(np.all(np.abs(net.predict(X) - Y) < 0.5))
    k = sum(result["learned"])
    assert result["fraction_learned"] == k / 6
    assert result["ci95"] == list(wilson_interval(k, 6))
    assert result["task"] == "xor" and result["shape"] == [2, 3, 1] and result["bias"] is False


def test_command_compare(capsys):
    argv = ["--seeds", "0:4", "--steps", "800", "--lr", "0.5", "--compare", "hidden=2,3", "bias=off,on", "--quiet"]
    status, out, _ = run(capsys, *argv, "--json")
    assert status == 0
    document = json.loads(out)
    assert document["seeds"] == [0, 1, 2, 3]
    settings = [entry["setting"] for entry in document["compare"]]
    assert settings == [{"hidden": h, "bias": b} for h in (2, 3) for b in (False, True)]
    for entry in document["compare"]:
        hidden, bias = entry["setting"]["hidden"], entry["setting"]["bias"]
        for index, seed in enumerate(entry["seeds"]):
            net = xorc.train(seed=seed, steps=800, lr=0.5, hidden=hidden, bias=bias)
            assert entry["losses"][index] == net.history[-1][1]

    status, out, _ = run(capsys, *argv)
    assert status == 0
    rows = [line.split() for line in out.splitlines()[3:]]
    assert [row[:2] for row in rows] == [["2", "off"], ["2", "on"], ["3", "off"], ["3", "on"]]
    for row, entry in zip(rows, document["compare"], strict=True):
        assert row[2] == f"{sum(entry['learned'])}/4"


@pytest.mark.parametrize(
    "argv, words",
    [
        (["--seeds", ""], "--seeds: expected A:B"),
        (["--seeds", "a:b"], "--seeds: expected A:B"),
        (["--seeds", "0:"], "--seeds: expected A:B"),
        (["--seeds", ":5"], "--seeds: expected A:B"),
        (["--seeds", "1:2:3"], "--seeds: expected A:B"),
        (["--seeds", "1,,2"], "--seeds: expected A:B"),
        (["--seeds", "1.5"], "--seeds: expected A:B"),
        (["--seeds=-1"], "--seeds: expected A:B"),
        (["--seeds", "5:3"], "--seeds: the range '5:3' is empty"),
        (["--seeds", "4:4"], "is empty"),
        (["--seeds", "0:4294967297"], "seeds go up to 4294967295"),
        (["--seeds", "4294967296"], "seeds go up to 4294967295"),
        (["--seeds", "0:10,5"], "seeds must not repeat: 5"),
        (["--seeds", "0:200000000"], "at most 100000000 seeds"),
        (["--threads", "0"], "--threads: must be at least 1"),
        (["--compare", "width=3"], "--compare: expected KEY=V1,V2"),
        (["--compare", "hidden"], "--compare: expected KEY=V1,V2"),
        (["--compare", "bias=maybe"], "--compare: bias: expected on or off"),
        (["--compare", "hidden=3,0"], "--compare: hidden: must be at least 1"),
        (["--compare", "hidden=3,3"], "a value is repeated"),
        (["--compare", "hidden=3", "hidden=4"], "hidden given more than once"),
        (["--seeds", "\u00b2"], "--seeds: expected A:B"),
        (["--hidden", "100001"], "--hidden: must be at most 100000"),
        (["--compare", "hidden=3,100001"], "--compare: hidden: must be at most 100000"),
    ],
)
def test_bad_command_lines_exit_2_with_one_line(capsys, argv, words):
    status, out, err = run(capsys, "--steps", "1", *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("xorc: error: ")
    assert words in err


def test_plot(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "losses.png"
    path.write_bytes(b"an older picture")
    status, _, _ = run(capsys, "--seeds", "0:20", "--steps", "2000", "--lr", "0.5", "--quiet", "--plot", str(path))
    assert status == 0
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert os.listdir(tmp_path) == ["losses.png"]  # no temporary file left behind
    compared = tmp_path / "compare.png"
    argv = ["--seeds", "0:5", "--steps", "200", "--quiet", "--compare", "bias=off,on", "--plot", str(compared)]
    assert run(capsys, *argv)[0] == 0
    assert compared.read_bytes()[:4] == b"\x89PNG"


def test_plot_sweep_leaves_pyplot_alone(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "one.png"
    code = (
        "import sys, xorc\n"
        "from xorc.plotting import plot_sweep\n"
        f"plot_sweep(xorc.sweep(range(3), steps=10), {str(path)!r})\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
    )
    done = installed.run(["-c", code], tmp_path)
    assert done.returncode == 0, done.stderr
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_plot_without_matplotlib_fails_before_the_sweep(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    status, out, err = run(capsys, "--seeds", "0:100000", "--plot", str(tmp_path / "x.png"))
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and 'pip install "xorc-trainer[plot]"' in err
    assert not os.listdir(tmp_path)
    from xorc.plotting import plot_sweep

    with pytest.raises(ImportError, match="xorc-trainer\\[plot\\]"):
        plot_sweep(xorc.sweep([1], steps=1), tmp_path / "y.png")


def test_help_lists_the_sweep_flags(capsys):
    with pytest.raises(SystemExit):
        main(["sweep", "--help"])
    text = capsys.readouterr().out
    for flag in ("--seeds", "--task", "--hidden", "--bias", "--lr", "--steps", "--dtype", "--threads", "--json"):
        assert flag in text
    assert "--plot" in text and "--compare" in text


@pytest.mark.parametrize("path, words", [("/nonexistent-dir/out.png", "does not exist"), (".", "is a folder")])
def test_plot_path_that_cannot_be_written_exits_1_before_the_sweep(capsys, path, words):
    status, out, err = run(capsys, "--steps", "1", "--seeds", "0:2", "--plot", path)
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and err.startswith("xorc: error: --plot") and words in err


def test_repeated_compare_flags_add_up(capsys):
    status, out, _ = run(
        capsys, "--seeds", "0:2", "--steps", "10", "--quiet", "--compare", "hidden=2,3", "--compare", "bias=off,on"
    )
    assert status == 0
    rows = [line.split() for line in out.splitlines()[3:]]
    assert [row[:2] for row in rows] == [["2", "off"], ["2", "on"], ["3", "off"], ["3", "on"]]


def test_float32_sweep_rejects_data_beyond_float32():
    X, y = xorc.truth_table("xor")
    X[0, 0] = 1e39
    with pytest.raises(ValueError, match="X holds values beyond the range of float32"):
        xorc.sweep([1, 2], X, y, dtype="float32", steps=10)
