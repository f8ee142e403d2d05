"""The command with model files: train --save, predict, and exit status 1 for failures at run time."""

import json
import os

import numpy as np
import pytest
from test_seed_program import FINAL_OUTPUTS, SSE_EVERY_10000

import installed
import reference
import xorc
from xorc.cli import main


def one_line_error(captured, *words):
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("xorc: error: "), captured.err
    for word in words:
        assert word in captured.err, captured.err


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """The seed program's network, saved by `xorc train --save`."""
    path = tmp_path_factory.mktemp("models") / "xor.npz"
    assert main(["train", "--quiet", "--save", str(path)]) == 0
    return path


def table_rows(text):
    lines = text.splitlines()
    return [line.split() for line in lines[1:]], lines[0].split()


def test_train_save_writes_the_trained_network(model, capsys):
    net = xorc.load(model)
    assert net.steps_trained == 60000 and net.settings.task == "xor" and net.settings.seed == 1234
    np.testing.assert_allclose(net.predict(xorc.truth_table("xor")[0])[:, 0], FINAL_OUTPUTS, atol=1e-10)
    np.testing.assert_allclose([loss for _, loss in net.history], SSE_EVERY_10000, atol=1e-10)


def test_train_save_says_where_and_json_names_the_file(tmp_path, capsys):
    path = tmp_path / "m.npz"
    assert main(["train", "--steps", "100", "--quiet", "--save", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == f"network saved to {path}"
    assert main(["train", "--steps", "100", "--quiet", "--json", "--save", str(path)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["save"] == str(path) and result["plot"] is None


def test_predict_prints_the_task_table(model, capsys):
    assert main(["predict", str(model)]) == 0
    rows, header = table_rows(capsys.readouterr().out)
    assert header == ["x1", "x2", "output", "target"]
    assert [row[:2] for row in rows] == [["1", "0"], ["0", "0"], ["0", "1"], ["1", "1"]]
    np.testing.assert_allclose([float(row[2]) for row in rows], FINAL_OUTPUTS, atol=1e-10)
    assert [row[3] for row in rows] == ["1", "0", "1", "0"]


def test_predict_json(model, capsys):
    assert main(["predict", str(model), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["task"] == "xor" and result["shape"] == [2, 3, 1] and result["dtype"] == "float64"
    assert result["inputs"] == [[1, 0], [0, 0], [0, 1], [1, 1]]
    assert result["targets"] == [[1], [0], [1], [0]]
    np.testing.assert_allclose(np.ravel(result["outputs"]), FINAL_OUTPUTS, atol=1e-10)


def test_predict_given_rows_match_the_numpy_reference(model, capsys):
    rows = ["1,0", "0.5, 0.5", "0.25,1", "-1,2"]
    assert main(["predict", str(model), *(f"--input={row}" for row in rows), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    X = np.array([[1, 0], [0.5, 0.5], [0.25, 1], [-1, 2]])
    net = xorc.load(model)
    expected = reference.forward(X, np.array(net.W1), np.array(net.W2))[1]
    assert result["inputs"] == X.tolist() and result["targets"] is None
    np.testing.assert_allclose(result["outputs"], expected, atol=1e-12)
    assert main(["predict", str(model), "--input", "0.5,0.5", "--input", "1,1"]) == 0
    lines, header = table_rows(capsys.readouterr().out)
    assert header == ["x1", "x2", "output"]
    assert [line[:2] for line in lines] == [["0.5", "0.5"], ["1", "1"]]
    expected = reference.forward(np.array([[0.5, 0.5], [1, 1]]), np.array(net.W1), np.array(net.W2))[1]
    np.testing.assert_allclose([float(line[2]) for line in lines], expected[:, 0], atol=1e-10)


def test_predict_other_tasks_and_shapes(tmp_path, capsys):
    parity = tmp_path / "parity3.npz"
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
                "200",
                "--quiet",
                "--save",
                str(parity),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["predict", str(parity)]) == 0
    rows, header = table_rows(capsys.readouterr().out)
    assert header == ["x1", "x2", "x3", "output", "target"] and len(rows) == 8
    assert [row[4] for row in rows] == ["0", "1", "1", "0", "1", "0", "0", "1"]
    two_out = tmp_path / "two.npz"
    X, y = xorc.truth_table("xor")
    xorc.train(X, np.hstack([y, 1 - y]), steps=100).save(two_out)
    assert main(["predict", str(two_out), "--input", "1,0"]) == 0
    rows, header = table_rows(capsys.readouterr().out)
    assert header == ["x1", "x2", "output1", "output2"] and len(rows[0]) == 4


def test_predict_without_a_known_task_needs_input(tmp_path, capsys):
    path = tmp_path / "custom.npz"
    xorc.train([[0, 0], [1, 1]], [[0], [1]], steps=100).save(path)
    assert main(["predict", str(path)]) == 1
    one_line_error(capsys.readouterr(), "does not record the truth table", "--input 1,0")
    assert main(["predict", str(path), "--input", "1,1"]) == 0


@pytest.mark.parametrize(
    "rows, words",
    [
        (["1,x"], "--input '1,x': expected 2 numbers separated by commas"),
        ([""], "--input '': expected 2 numbers"),
        (["1,0,1"], "--input '1,0,1': the network takes 2 inputs, got 3"),
        (["1"], "the network takes 2 inputs, got 1"),
        (["1,0", "nan,0"], "--input 'nan,0': inputs must be finite numbers"),
        (["inf,0"], "inputs must be finite numbers"),
    ],
)
def test_bad_input_exits_1(model, capsys, rows, words):
    assert main(["predict", str(model), *(f"--input={row}" for row in rows)]) == 1
    one_line_error(capsys.readouterr(), words)


def test_unreadable_models_exit_1(tmp_path, model, capsys):
    assert main(["predict", str(tmp_path / "absent.npz")]) == 1
    one_line_error(capsys.readouterr(), "absent.npz", "no such file")
    damaged = tmp_path / "damaged.npz"
    damaged.write_bytes(model.read_bytes()[:900])
    assert main(["predict", str(damaged)]) == 1
    one_line_error(capsys.readouterr(), "damaged.npz", "damaged")
    flipped = bytearray(model.read_bytes())
    flipped[len(flipped) // 2] ^= 0xFF
    damaged.write_bytes(bytes(flipped))
    assert main(["predict", str(damaged)]) == 1
    one_line_error(capsys.readouterr(), "damaged.npz")


@pytest.mark.parametrize(
    "argv, words",
    [
        (["predict"], "the following arguments are required: MODEL"),
        (["predict", "m.npz", "--bogus"], "unrecognized arguments: --bogus"),
        (["predict", "m.npz", "--input"], "--input: expected one argument"),
    ],
)
def test_predict_usage_errors_exit_2(capsys, argv, words):
    assert main(argv) == 2
    one_line_error(capsys.readouterr(), words)


def test_save_failures_exit_1_after_checking_before_training(tmp_path, monkeypatch, capsys):
    assert main(["train", "--save", str(tmp_path / "no" / "m.npz")]) == 1
    one_line_error(capsys.readouterr(), "--save", "does not exist")  # nothing trained: no output at all
    assert main(["train", "--save", str(tmp_path)]) == 1
    one_line_error(capsys.readouterr(), "is a folder")
    assert main(["train", "--save", "same.png", "--plot", "same.png"]) == 2
    one_line_error(capsys.readouterr(), "--save and --plot name the same file")

    def denied(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", denied)
    assert main(["train", "--steps", "10", "--quiet", "--save", str(tmp_path / "m.npz")]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"xorc: error: --save {tmp_path / 'm.npz'}: cannot write it (Permission denied)\n"
    assert os.listdir(tmp_path) == []


def test_save_and_help_flags_documented(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = capsys.readouterr().out
    assert "--save" in text and "--plot" in text and 'pip install "xorc-trainer[plot]"' in text
    with pytest.raises(SystemExit):
        main(["predict", "--help"])
    text = capsys.readouterr().out
    assert "--input" in text and "--json" in text and "MODEL" in text


def test_no_traceback_for_a_bad_model_file(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_text("not a model")
    done = installed.run(["-m", "xorc", "predict", str(bad)], tmp_path)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("xorc: error: model file") and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
