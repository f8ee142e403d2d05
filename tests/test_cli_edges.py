"""The command at its edges: closed pipes and stdout, integer flags, --compare, --input, memory, divergence."""

import os
import subprocess
import sys

import pytest

import installed
import xorc
from xorc.cli import EXIT_CLOSED_PIPE, main


def one_line_error(capsys, *words):
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and captured.err.startswith("xorc: error: "), captured.err
    for word in words:
        assert word in captured.err, captured.err
    return captured


# A closed pipe: stop quietly, as Unix tools do


needs_posix = pytest.mark.skipif(os.name != "posix", reason="pipes and closed descriptors as on Unix")


@needs_posix
@pytest.mark.parametrize(
    "arguments",
    [
        ["train", "--steps", "100000", "--log-every", "1"],  # fails while training, at a progress line
        ["sweep", "--seeds", "0:20", "--steps", "100", "--quiet"],  # fails at the end, printing the table
        ["predict", "MODEL"],
    ],
    ids=["train", "sweep", "predict"],
)
def test_a_closed_pipe_exits_quietly_with_status_141(tmp_path, arguments):
    """`xorc ... | head -0`: the reader is gone before the first write."""
    xorc.train(steps=10).save(tmp_path / "m.npz")
    arguments = [str(tmp_path / "m.npz") if a == "MODEL" else a for a in arguments]
    read, write = os.pipe()
    os.close(read)
    try:
        done = installed.run(["-m", "xorc", *arguments], tmp_path, stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert done.returncode == EXIT_CLOSED_PIPE == 141, done.stderr
    assert done.stderr == ""


@needs_posix
def test_head_of_a_long_training_takes_its_first_line_and_stops_it(tmp_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "xorc", "train", "--steps", "100000000", "--log-every", "1"],
        cwd=tmp_path,
        env=installed.environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout.readline().startswith(b"step        0  loss")
    process.stdout.close()
    try:
        status = process.wait(timeout=60)  # (the run would take minutes: it stops at the next write)
    finally:
        process.kill()
    assert status == 141 and process.stderr.read() == b""


@needs_posix
@pytest.mark.parametrize("command", ["train", "sweep", "predict"])
def test_a_closed_stdout_is_an_error_on_stderr(tmp_path, command):
    """`xorc train >&-`: the output would be lost; say so and exit 1, before any work."""
    xorc.train(steps=10).save(tmp_path / "m.npz")
    arguments = {"train": ["train", "--steps", "10"], "sweep": ["sweep", "--seeds", "0:3", "--steps", "10"]}
    arguments["predict"] = ["predict", str(tmp_path / "m.npz")]
    done = installed.run(
        ["-m", "xorc", *arguments[command]], tmp_path, stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1)
    )
    assert done.returncode == 1
    assert done.stderr == "xorc: error: standard output is closed; redirect it (to /dev/null to discard the output)\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_stdout_on_a_full_disk_is_one_line(tmp_path):
    with open("/dev/full", "w") as full:
        done = installed.run(["-m", "xorc", "train", "--steps", "10"], tmp_path, stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert done.stderr.startswith("xorc: error: cannot write the output") and "No space left" in done.stderr


# One rule for every integer flag: ASCII digits


@pytest.mark.parametrize("value", ["０１０", "٣", "1_0", " 7", "+5", "1e3", "0x10"])
@pytest.mark.parametrize("flag", ["--steps", "--seed", "--log-every", "--hidden"])
def test_integer_flags_take_ascii_digits_only(capsys, flag, value):
    assert main(["train", flag, value]) == 2
    one_line_error(capsys, f"{flag}: expected a whole number (digits 0-9)")


@pytest.mark.parametrize("arguments", [["sweep", "--threads", "٣"], ["sweep", "--steps", "1_0"]])
def test_sweep_integer_flags_follow_the_same_rule(capsys, arguments):
    assert main(arguments) == 2
    one_line_error(capsys, "expected a whole number (digits 0-9)")


def test_integer_flags_beyond_int64_and_negative(capsys):
    assert main(["train", "--steps", "9" * 5000]) == 2
    err = one_line_error(capsys, "--steps: must be at most 9223372036854775807").err
    assert len(err) < 200
    assert main(["train", "--steps", "-1"]) == 2
    one_line_error(capsys, "--steps: must not be negative")


# --compare: every combination checked before any trains


def test_compare_checks_every_combination_before_training(capsys, monkeypatch):
    import xorc.sweeps

    monkeypatch.setattr(xorc.sweeps, "run_jobs", lambda *a, **k: pytest.fail("a sweep ran before all were checked"))
    assert main(["sweep", "--compare", "dtype=float64,float32", "--lr", "1e39", "--seeds", "0:400"]) == 2
    one_line_error(capsys, "lr 1e+39 is out of the range of float32")


# predict --input beyond a float32 model's range


def test_predict_input_beyond_float32_is_one_line(tmp_path, capsys):
    xorc.train(steps=10, dtype="float32").save(tmp_path / "f32.npz")
    assert main(["predict", str(tmp_path / "f32.npz"), "--input", "1e39,0"]) == 1
    one_line_error(capsys, "--input '1e39,0': beyond the range of the model's precision, float32")
    assert main(["predict", str(tmp_path / "f32.npz"), "--input", "3e38,0"]) == 0  # within float32


# Memory and divergence


def test_a_sweep_out_of_memory_names_the_seeds(capsys, monkeypatch):
    import xorc.sweeps

    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(xorc.sweeps, "run_jobs", no_memory)
    assert main(["sweep", "--seeds", "0:1000"]) == 1
    one_line_error(capsys, "not enough memory for this sweep (try fewer --seeds or a smaller --hidden)")


def test_a_network_beyond_the_machines_memory_is_one_line(capsys, monkeypatch):
    """--hidden 100000 on a machine of 1 MiB: refused before allocating, whichever command; where one
    thread's chunk would fit, the hint is fewer threads; a --compare grid is refused before any of its
    sweeps runs."""
    import xorc.sweeps
    from xorc import _memory

    one_chunk = xorc.sweeping.chunks.chunk_bytes(xorc.sweeps.prepare(range(1), hidden=100000, steps=1).recipe, 1)
    monkeypatch.setattr(_memory, "memory_limit", lambda: 1 << 20)
    too_large = "hidden=100000 is too large: "
    assert main(["train", "--hidden", "100000", "--quiet"]) == 1
    one_line_error(capsys, too_large, "needed, 1.0 MiB of memory here (try a smaller --hidden)")
    assert main(["sweep", "--hidden", "100000", "--seeds", "0:4", "--steps", "1", "--quiet"]) == 1
    one_line_error(capsys, too_large, "(try fewer --seeds or a smaller --hidden)")
    monkeypatch.setattr(_memory, "memory_limit", lambda: 3 * one_chunk // 2)  # one thread's chunk fits, two do not
    assert main(["sweep", "--hidden", "100000", "--seeds", "0:2", "--steps", "1", "--threads", "2", "--quiet"]) == 1
    one_line_error(capsys, "2 threads training 2 networks", "(try fewer --threads or a smaller --hidden)")
    monkeypatch.setattr(_memory, "memory_limit", lambda: 1 << 20)
    monkeypatch.setattr(xorc.sweeps, "run_jobs", lambda *a, **k: pytest.fail("a sweep ran before all were checked"))
    assert main(["sweep", "--compare", "hidden=3,100000", "--seeds", "0:4", "--quiet"]) == 1
    one_line_error(capsys, too_large)


def test_training_that_diverges_exits_1_with_one_line(capsys, monkeypatch):
    """The truth tables never diverge (their targets are 0 and 1); any other run that does is one line."""
    import xorc.cli

    def diverging(*args, **kwargs):
        raise xorc.DivergenceError("training diverged: the loss is nan after 100 steps at lr 1e+30")

    monkeypatch.setattr(xorc.cli.Network, "fit", diverging)
    assert main(["train", "--quiet"]) == 1
    one_line_error(capsys, "training diverged")
