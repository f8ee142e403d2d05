"""The xorc command: output, --json, and one-line errors with exit status 2."""

import json

import numpy as np
import pytest
from test_seed_program import FINAL_OUTPUTS, SSE_EVERY_10000

import installed
from xorc.cli import main


def test_default_run_prints_progress_and_table(capsys):
    assert main(["train"]) == 0
    lines = capsys.readouterr().out.splitlines()
    progress = [line.split() for line in lines if line.startswith("step")]
    assert [int(words[1]) for words in progress] == list(range(0, 60001, 10000))
    np.testing.assert_allclose([float(words[3]) for words in progress], SSE_EVERY_10000, atol=1e-10)
    rows = [line.split() for line in lines[lines.index("") + 2 :]]
    assert [words[:2] for words in rows] == [["1", "0"], ["0", "0"], ["0", "1"], ["1", "1"]]
    np.testing.assert_allclose([float(words[2]) for words in rows], FINAL_OUTPUTS, atol=1e-10)
    assert [words[3] for words in rows] == ["1", "0", "1", "0"]


def test_json_output(capsys):
    assert main(["train", "--json", "--steps", "60000"]) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["steps"] == 60000
    np.testing.assert_allclose(result["outputs"], [[v] for v in FINAL_OUTPUTS], atol=1e-12)
    assert result["loss"] == pytest.approx(SSE_EVERY_10000[-1], abs=1e-12)
    assert [step for step, _ in result["history"]] == list(range(0, 60001, 10000))
    assert np.array(result["W1"]).shape == (2, 3) and np.array(result["W2"]).shape == (3, 1)
    assert captured.err.count("step") == 7  # progress went to stderr


def test_flags(capsys):
    assert (
        main(
            [
                "train",
                "--task",
                "parity3",
                "--hidden",
                "6",
                "--lr",
                "0.5",
                "--steps",
                "300",
                "--seed",
                "9",
                "--dtype",
                "float32",
                "--log-every",
                "100",
                "--quiet",
                "--json",
            ]
        )
        == 0
    )
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert captured.err == ""
    assert result["shape"] == [3, 6, 1] and result["dtype"] == "float32" and result["seed"] == 9
    assert [step for step, _ in result["history"]] == [0, 100, 200, 300]
    assert len(result["outputs"]) == 8


@pytest.mark.parametrize(
    "argv, words",
    [
        (["train", "--lr", "0"], "--lr: must be a finite number greater than 0"),
        (["train", "--lr", "nan"], "--lr: must be a finite number"),
        (["train", "--lr", "fast"], "--lr: expected a number"),
        (["train", "--steps", "-3"], "--steps: must not be negative"),
        (["train", "--steps", "1e3"], "--steps: expected a whole number"),
        (["train", "--hidden", "0"], "--hidden: must be at least 1"),
        (["train", "--seed", "99999999999"], "seed must be at most"),
        (["train", "--task", "xr"], "--task: invalid choice"),
        (["train", "--dtype", "float16"], "--dtype: invalid choice"),
        (["train", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_values_exit_2_with_one_line(capsys, argv, words):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("xorc: error: ")
    assert words in captured.err


def test_no_command_prints_the_usage_with_each_command_and_exits_2(capsys):
    assert main([]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("usage: xorc ")
    lines = captured.err.splitlines()
    for command in ("train", "predict", "sweep"):
        # each command on a line of its own, followed by what it does
        line = next((line for line in lines if line.split()[:1] == [command]), None)
        assert line is not None and len(line.split()) > 3, (command, captured.err)
    assert "the post's program" in captured.err and "seed program" not in captured.err


def test_bare_command_exits_2_without_traceback(tmp_path):
    run = installed.run(["-m", "xorc"], tmp_path)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith("usage: xorc ") and "Traceback" not in run.stderr


def test_help_documents_every_flag(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for flag in ("--task", "--hidden", "--lr", "--steps", "--seed", "--dtype", "--log-every", "--quiet", "--json"):
        assert flag in text


def test_python_dash_m_runs_without_traceback(tmp_path):
    ok = installed.run(["-m", "xorc", "train", "--steps", "10", "--quiet", "--json"], tmp_path)
    assert ok.returncode == 0 and json.loads(ok.stdout)["steps"] == 10
    bad = installed.run(["-m", "xorc", "train", "--lr", "-1"], tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and bad.stderr.startswith("xorc: error:")


def test_train_bias_flag_trains_the_biased_network(capsys):
    import reference

    assert main(["train", "--bias", "--steps", "500", "--lr", "0.5", "--seed", "7", "--quiet", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    # The initial weights drawn by hand, in the documented order: W1, W2, then b1, b2.
    rng = np.random.RandomState(7)
    W1, W2 = rng.uniform(-1, 1, (2, 3)), rng.uniform(-1, 1, (3, 1))
    b1, b2 = rng.uniform(-1, 1, 3), rng.uniform(-1, 1, 1)
    X, y = np.array([[1, 0], [0, 0], [0, 1], [1, 1]], float), np.array([[1], [0], [1], [0]], float)
    want = reference.train(X, y, W1, W2, 0.5, 500, b1, b2)
    assert result["bias"] is True
    for name, expected in zip(("W1", "W2", "b1", "b2"), want, strict=True):
        np.testing.assert_allclose(result[name], expected, rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(result["outputs"], reference.forward(X, *want)[1], atol=1e-11)

    assert main(["train", "--steps", "5", "--quiet", "--json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert plain["bias"] is False and "b1" not in plain and "b2" not in plain


def test_out_of_memory_is_one_line_and_exit_1(capsys, monkeypatch):
    import xorc.cli

    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(xorc.cli.Network, "random", no_memory)
    assert main(["train", "--hidden", "100000", "--quiet"]) == 1
    captured = capsys.readouterr()
    assert captured.err == "xorc: error: not enough memory for a network this large (try a smaller --hidden)\n"


def test_hidden_beyond_the_commands_limit_exits_2(capsys):
    assert main(["train", "--hidden", "100001"]) == 2
    assert "--hidden: must be at most 100000" in capsys.readouterr().err
