"""Sweep files: checkpoints written as a sweep runs, resumed, refused for another recipe, read with care."""

import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest
from npz_edits import archive_bytes, members, npy

import installed
import xorc
from xorc.cli import main
from xorc.sweeping.file import MEMBERS

RECIPE = {"steps": 400, "lr": 0.5, "check_every": 40}


def same_results(a, b):
    for name in ("seeds", "losses", "outputs", "learned", "learned_at"):
        assert getattr(a, name).tobytes() == getattr(b, name).tobytes(), name


def test_round_trip_and_the_documented_layout(tmp_path):
    path = tmp_path / "s.npz"
    seeds = [7, 3, 11, 0, 5]
    result = xorc.sweep(seeds, checkpoint=path, threads=2, **RECIPE)
    loaded = xorc.load_sweep(path)
    order = np.argsort(seeds)
    assert loaded.seeds.tolist() == sorted(seeds)  # the file keeps seeds in increasing order
    for name in ("losses", "outputs", "learned", "learned_at"):
        assert getattr(loaded, name).tobytes() == getattr(result, name)[order].tobytes(), name
    assert (loaded.shape, loaded.bias, loaded.lr, loaded.steps, loaded.dtype, loaded.check_every) == (
        (2, 3, 1),
        False,
        0.5,
        400,
        "float64",
        40,
    )
    assert loaded.seconds is None and "time:" not in loaded.summary()
    # The documented layout, read with numpy alone and no pickles.
    with np.load(path, allow_pickle=False) as archive:
        assert archive.files == list(MEMBERS)
        meta = json.loads(str(archive["meta"]))
        assert meta == {
            "format": "xorc sweep",
            "format_version": 1,
            "task": "xor",
            "shape": [2, 3, 1],
            "bias": False,
            "lr": 0.5,
            "steps": 400,
            "dtype": "float64",
            "check_every": 40,
            "activation": "sigmoid",
            "loss": "sse",
            "optimizer": "gd",
            "momentum": 0.9,
            "update": "batch",
            "init": 1.0,
            "rows": 4,
            "n_seeds": 5,
        }
        assert archive["seeds"].tolist() == sorted(seeds) and archive["learned_at"].dtype == np.int64
        np.testing.assert_array_equal(archive["X"], xorc.truth_table("xor")[0])
    with zipfile.ZipFile(path) as archive:
        assert all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist())
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_the_bytes_depend_only_on_the_recipe_and_results(tmp_path):
    a, b = tmp_path / "a.npz", tmp_path / "b.npz"
    xorc.sweep(range(12), checkpoint=a, threads=1, **RECIPE)
    time.sleep(1.1)  # another second on the clock: no timestamp may reach the file
    xorc.sweep(list(reversed(range(12))), checkpoint=b, threads=2, chunk_size=5, **RECIPE)
    assert a.read_bytes() == b.read_bytes()


def test_resume_trains_only_the_missing_seeds_and_ends_with_the_same_bytes(tmp_path):
    whole, resumed = tmp_path / "whole.npz", tmp_path / "resumed.npz"
    everything = xorc.sweep(range(30), checkpoint=whole, **RECIPE)
    xorc.sweep([4, 17, 29, 0], checkpoint=resumed, **RECIPE)
    calls = []
    result = xorc.sweep(range(30), checkpoint=resumed, progress=lambda d, t: calls.append((d, t)), **RECIPE)
    assert calls[0] == (4, 30) and calls[-1] == (30, 30)  # the four in the file were not trained again
    assert result.resumed == 4 and "4 resumed from the checkpoint" in result.summary()
    same_results(result, everything)
    assert resumed.read_bytes() == whole.read_bytes()
    again = xorc.sweep(range(30), checkpoint=resumed, **RECIPE)  # nothing left to train
    assert again.resumed == 30 and resumed.read_bytes() == whole.read_bytes()
    same_results(again, everything)


def test_seeds_of_the_file_outside_the_sweep_are_kept(tmp_path):
    path = tmp_path / "s.npz"
    xorc.sweep(range(0, 6), checkpoint=path, **RECIPE)
    result = xorc.sweep(range(4, 10), checkpoint=path, **RECIPE)
    assert result.seeds.tolist() == [4, 5, 6, 7, 8, 9] and result.resumed == 2
    assert xorc.load_sweep(path).seeds.tolist() == list(range(10))


@pytest.mark.parametrize(
    "change, words",
    [
        ({"steps": 401}, "steps 400 there, 401 here"),
        ({"lr": 0.25}, "lr 0.5 there, 0.25 here"),
        ({"hidden": 4}, "shape 2-3-1 there, 2-4-1 here"),
        ({"bias": True}, "bias False there, True here"),
        ({"dtype": "float32"}, "dtype float64 there, float32 here"),
        ({"check_every": 100}, "check_every 40 there, 100 here"),
        ({"task": "and"}, "task xor there, and here"),
        ({"y": [[1.0], [0.0], [1.0], [0.2]]}, "y differs"),
    ],
)
def test_a_file_of_another_recipe_is_refused_and_left_alone(tmp_path, change, words):
    path = tmp_path / "s.npz"
    xorc.sweep(range(3), checkpoint=path, **RECIPE)
    before = path.read_bytes()
    options = {**RECIPE, **change}
    X, y = xorc.truth_table(options.pop("task", "xor"))
    y = options.pop("y", y)
    with pytest.raises(xorc.SweepFileError, match=words) as refused:
        xorc.sweep(range(5), X, y, checkpoint=path, **options)
    assert "s.npz" in str(refused.value) and "\n" not in str(refused.value)
    assert path.read_bytes() == before


def test_the_command_refuses_another_recipe_with_one_line(tmp_path, capsys):
    path = tmp_path / "s.npz"
    argv = ["sweep", "--seeds", "0:3", "--steps", "400", "--lr", "0.5", "--quiet", "--out", str(path)]
    assert main(argv) == 0
    before = path.read_bytes()
    capsys.readouterr()
    assert main([*argv, "--bias", "--lr", "0.1"]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and captured.err.startswith("xorc: error: --out")
    assert "bias False there, True here" in captured.err and "lr 0.5 there, 0.1 here" in captured.err
    assert path.read_bytes() == before


def test_compare_keeps_one_file_per_setting(tmp_path, capsys):
    out = tmp_path / "grid.npz"
    argv = ["sweep", "--seeds", "0:4", "--steps", "300", "--lr", "0.5", "--quiet", "--out", str(out)]
    assert main([*argv, "--compare", "hidden=2,3", "bias=off,on"]) == 0
    names = sorted(os.listdir(tmp_path))
    assert names == [f"grid.hidden={h}.bias={b}.npz" for h in (2, 3) for b in ("off", "on")]
    kept = xorc.load_sweep(tmp_path / "grid.hidden=3.bias=on.npz")
    same_results(kept, xorc.sweep(range(4), steps=300, lr=0.5, hidden=3, bias=True))


# Damaged and foreign files: always a SweepFileError naming the file, never anything else.


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "s.npz"
    xorc.sweep(range(6), checkpoint=path, **RECIPE)
    return path.read_bytes()


def refused(tmp_path, data, words=None):
    path = tmp_path / "bad.npz"
    path.write_bytes(data)
    with pytest.raises(xorc.SweepFileError, match=words) as error:
        xorc.load_sweep(path)
    assert "bad.npz" in str(error.value)
    with pytest.raises(xorc.SweepFileError):
        xorc.sweep(range(3), checkpoint=path, **RECIPE)  # and a sweep never overwrites it
    assert path.read_bytes() == data


def test_truncated_files(tmp_path, good):
    for length in [0, 1, 4, 30, 100, len(good) // 3, len(good) // 2, len(good) - 22, len(good) - 1]:
        refused(tmp_path, good[:length])


def test_every_flipped_byte_is_refused_or_harmless(tmp_path, good):
    path = tmp_path / "flip.npz"
    reference = xorc.load_sweep(write(path, good))
    for position in range(0, len(good), 7):
        data = bytearray(good)
        data[position] ^= 0x5A
        write(path, bytes(data))
        try:
            loaded = xorc.load_sweep(path)
        except xorc.SweepFileError:
            continue
        same_results(loaded, reference)  # a byte the reader does not depend on (a date, an attribute)


def write(path, data):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "edit, words",
    [
        (lambda m: {**m, "extra.npy": npy([1])}, "unexpected member"),
        (lambda m: {k: v for k, v in m.items() if k != "losses.npy"}, "the array 'losses' is missing"),
        (lambda m: {k: v for k, v in m.items() if k != "meta.npy"}, "no 'meta' member"),
        (lambda m: {**m, "outputs.npy": npy(np.array([None, 1], dtype=object))}, "pickled"),
        (lambda m: {**m, "meta.npy": npy("{not json")}, "not valid JSON"),
        (lambda m: {**m, "meta.npy": npy("[" * 100000 + "]" * 100000)}, "at most 65536 characters"),
        (lambda m: {**m, "meta.npy": npy("[" * 5000 + "]" * 5000)}, "not valid JSON"),
        (lambda m: {**m, "meta.npy": npy(json.dumps({"format": "xorc sweep", "format_version": 9}))}, "newer"),
        (lambda m: {**m, "seeds.npy": npy(np.array([5, 4, 3, 2, 1, 0]))}, "increasing"),
        (lambda m: {**m, "seeds.npy": npy(np.arange(6, dtype=np.int32))}, "int32"),
        (lambda m: {**m, "learned_at.npy": npy(np.full(6, 13, dtype=np.int64))}, "checked step"),
        (lambda m: {**m, "outputs.npy": npy(np.zeros((6, 4, 1)))[:-8]}, "damaged"),
        (lambda m: {**m, "losses.npy": npy(np.zeros(10**6))}, "expected"),
        (lambda m: {**m, "X.npy": npy(np.full((4, 2), np.nan))}, "NaN"),
    ],
)
def test_crafted_files(tmp_path, good, edit, words):
    refused(tmp_path, archive_bytes(edit(members(good))), words)


def test_foreign_files(tmp_path):
    net_path = tmp_path / "model.npz"
    xorc.train(steps=10).save(net_path)
    refused(tmp_path, net_path.read_bytes(), "not an xorc sweep file")
    refused(tmp_path, npy(np.zeros(3)), "not an xorc sweep file")
    refused(tmp_path, b"hello", "not an xorc sweep file")
    # xorc writes its members uncompressed: a compressed one is refused before anything is read.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in MEMBERS:
            archive.writestr(name + ".npy", b"0" * 10)
    refused(tmp_path, buffer.getvalue(), "compressed")


def test_paths_that_are_not_files(tmp_path):
    with pytest.raises(xorc.SweepFileError, match="no such file"):
        xorc.load_sweep(tmp_path / "missing.npz")
    with pytest.raises(xorc.SweepFileError, match="is a folder"):
        xorc.load_sweep(tmp_path)
    fifo = tmp_path / "fifo.npz"
    os.mkfifo(fifo)
    with pytest.raises(xorc.SweepFileError, match="not a regular file"):
        xorc.load_sweep(fifo)  # refused before it is opened: opening a FIFO would wait forever
    with pytest.raises(ValueError, match="does not exist"):
        xorc.sweep(range(2), steps=1, checkpoint=tmp_path / "nofolder" / "s.npz")


# Killed for real: SIGKILL at many moments, resumed each time.


def file_state(path):
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


def test_killed_at_many_moments_and_resumed_ends_with_the_same_file(tmp_path):
    argv = ["--seeds", "0:1500", "--steps", "20000", "--lr", "0.5", "--threads", "2", "--quiet"]
    env = installed.environment()  # the installed xorc, run from tmp_path (not the checkout)
    command = [sys.executable, "-m", "xorc", "sweep", *argv, "--checkpoint-every", "0.02"]
    reference = tmp_path / "reference.npz"
    subprocess.run(
        [*command, "--out", str(reference)], check=True, env=env, cwd=tmp_path, capture_output=True, timeout=300
    )
    expected = xorc.load_sweep(reference)

    # Each run is killed at another moment: during start-up, or a little after it wrote a new
    # checkpoint (so that every run makes progress and the kills land before, during and after writes).
    path = tmp_path / "killed.npz"
    kills, seen = 0, []
    moments = [("start", 0.05), ("start", 0.15)] + [("written", delay) for delay in (0, 0.003, 0.006, 0.01, 0.015)]
    moments += [("written", delay) for delay in (0.02, 0.03, 0.045, 0.06, 0.08, 0.1)]
    for when, delay in moments:
        before = file_state(path)
        process = subprocess.Popen([*command, "--out", str(path)], env=env, cwd=tmp_path, stderr=subprocess.PIPE)
        started = time.monotonic()
        if when == "written":
            while file_state(path) == before and process.poll() is None and time.monotonic() - started < 60:
                time.sleep(0.002)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.communicate(timeout=60)
        if path.exists():  # never damaged: it reads back, and holds exactly the reference's numbers
            kept = xorc.load_sweep(path)
            positions = np.searchsorted(expected.seeds, kept.seeds)
            assert kept.seeds.tobytes() == expected.seeds[positions].tobytes()
            assert kept.losses.tobytes() == expected.losses[positions].tobytes()
            assert kept.outputs.tobytes() == expected.outputs[positions].tobytes()
            assert kept.learned_at.tobytes() == expected.learned_at[positions].tobytes()
            seen.append(len(kept))
    subprocess.run([*command, "--out", str(path)], check=True, env=env, cwd=tmp_path, capture_output=True, timeout=300)
    assert kills >= 10, f"only {kills} runs were killed: the sweep ended before the kills"
    assert len(set(seen)) >= 5, f"the kills found too few different states: {seen}"
    assert path.read_bytes() == reference.read_bytes()
