"""Model files crafted by a hostile user: the one reader refuses each with a ModelFileError naming the file.

Non-regular files, members that are not .npy arrays, unknown, repeated or oversized
members, metadata that is nested, mistyped or out of range, and histories that cannot be.
"""

import io
import json
import os
import threading
import tracemalloc
import warnings
import zipfile

import numpy as np
import pytest

import xorc
from xorc import model_file


@pytest.fixture
def saved(tmp_path):
    net = xorc.train(steps=2000, log_every=500)
    path = tmp_path / "xor.npz"
    net.save(path)
    return path, net


def members_of(path):
    """The members of a zip file, in order: [(name, bytes)]."""
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def write_zip(path, members, compression=zipfile.ZIP_STORED):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a duplicate name, which is the point
        with zipfile.ZipFile(path, "w", compression=compression) as archive:
            for name, data in members:
                archive.writestr(name, data)


def npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def replace_member(path, name, data):
    write_zip(path, [(each, data if each == name else content) for each, content in members_of(path)])


def edit_meta(path, **changes):
    meta = json.loads(str(np.load(path)["meta"][()]))
    meta.update(changes)
    replace_member(path, "meta.npy", npy(np.array(json.dumps(meta))))


def refused(path, *words):
    with pytest.raises(xorc.ModelFileError) as error:
        xorc.load(path)
    message = str(error.value)
    assert str(os.fspath(path)) in message and "\n" not in message, message
    for word in words:
        assert word in message, message
    return message


# Files that are not regular files


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "model.npz"
    os.mkfifo(fifo)
    outcome = []

    def load():
        try:
            xorc.load(fifo)
        except Exception as error:
            outcome.append(error)

    thread = threading.Thread(target=load, daemon=True)
    thread.start()
    thread.join(timeout=20)
    if thread.is_alive():  # blocked in open(): a writer releases it, then fail
        with open(fifo, "wb"):
            pass
        thread.join(timeout=20)
        pytest.fail("xorc.load blocked on a FIFO")
    assert isinstance(outcome[0], xorc.ModelFileError)
    assert "not a regular file" in str(outcome[0]) and str(fifo) in str(outcome[0])


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_a_device_is_refused():
    refused("/dev/zero", "not a regular file")


def test_a_path_with_a_nul_character_is_a_model_file_error(tmp_path):
    with pytest.raises(xorc.ModelFileError, match="not a usable path"):
        xorc.load(str(tmp_path / "a\0b.npz"))


# Members that are not what they claim


@pytest.mark.parametrize("member", ["meta", "W1", "format_version", "history_step", "history_loss"])
def test_a_member_that_is_not_an_npy_array(saved, member):
    path, _ = saved
    replace_member(path, member + ".npy", b"these bytes are no .npy array")
    refused(path, "damaged", repr(member))


def test_an_npy_header_that_lies_about_the_size(saved):
    path, net = saved
    replace_member(path, "W1.npy", npy(net.W1) + b"\0" * 8)  # the header says 48 bytes; 56 follow
    refused(path, "'W1' is", "its header declares")


def test_an_unknown_member_is_refused_before_anything_is_read(saved):
    """A compressed member of 50 MB of zeros (50 KB on disk) is refused without being inflated."""
    path, _ = saved
    huge = npy(np.zeros(6_250_000))
    write_zip(path, [*members_of(path), ("junk.npy", huge)], compression=zipfile.ZIP_DEFLATED)
    del huge
    tracemalloc.start()
    try:
        refused(path, "'junk.npy'", "not part of an xorc model")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000


def test_a_declared_shape_is_checked_before_memory_is_taken(saved):
    path, _ = saved
    edit_meta(path, shape=[2, 10**12, 1])
    tracemalloc.start()
    try:
        refused(path, "W1 has shape (2, 3), expected (2, 1000000000000)")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000
    edit_meta(path, shape=[2**62, 2**62, 1])
    refused(path, "needs more memory than this machine can address")


def test_a_history_longer_than_the_steps_trained_is_refused_unread(saved):
    path, _ = saved
    replace_member(path, "history_step.npy", npy(np.arange(10**6, dtype=np.int64)))
    replace_member(path, "history_loss.npy", npy(np.zeros(10**6)))
    refused(path, "history_step holds 1000000 points, more than the steps trained allow")


def test_running_out_of_memory_says_so(saved, monkeypatch):
    path, _ = saved

    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(model_file.np, "empty", no_memory)
    refused(path, "does not fit in memory")


def test_a_repeated_member_is_refused(saved):
    path, _ = saved
    write_zip(path, [*members_of(path), ("W1.npy", npy(np.zeros((2, 3))))])
    refused(path, "holds the array 'W1' twice")


# Metadata


def test_deeply_nested_metadata(saved):
    path, _ = saved
    replace_member(path, "meta.npy", npy(np.array("[" * 30_000 + "]" * 30_000)))
    refused(path, "nested too deeply")


def test_metadata_too_long(saved):
    path, _ = saved
    replace_member(path, "meta.npy", npy(np.array(" " * 70_000 + "{}")))
    refused(path, "meta must be a single string of at most 65536 characters")


@pytest.mark.parametrize(
    "changes, words",
    [
        (dict(dtype=["float64"]), ["'dtype' must be 'float32' or 'float64'"]),
        (dict(shape=[2, [3], 1]), ["'shape' must be 3 sizes"]),
        (dict(seed=10**100), ["'seed' must be a whole number from 0 to 4294967295"]),
        (dict(lr=10**400), ["'lr' must be a number > 0"]),
        (dict(steps_trained=2**63), ["'steps_trained' must be a whole number"]),
        (dict(loss=-1.0), ["'loss' must be a number ≥ 0"]),
        (dict(loss=0.5), ["loss 0.5 is not the last loss of its history"]),
        (dict(steps_trained=1000), ["reaches step 2000, beyond the 1000 steps trained"]),
    ],
)
def test_metadata_out_of_range(saved, changes, words):
    path, _ = saved
    edit_meta(path, **changes)
    refused(path, *words)


# Histories


def test_an_empty_history_with_a_loss_in_meta(saved):
    path, _ = saved
    replace_member(path, "history_step.npy", npy(np.zeros(0, dtype=np.int64)))
    replace_member(path, "history_loss.npy", npy(np.zeros(0)))
    refused(path, "loss", "is not the last loss of its history, None")


def test_negative_or_unordered_history_steps(saved):
    path, net = saved
    steps = np.array([step for step, _ in net.history], dtype=np.int64)
    for bad in (steps - 500, steps[::-1].copy()):
        replace_member(path, "history_step.npy", npy(bad))
        refused(path, "steps must increase from 0 or more")


# What numpy reads fine, xorc reads too


def test_big_endian_and_fortran_ordered_weights_load_converted(saved):
    path, net = saved
    replace_member(path, "W1.npy", npy(np.asfortranarray(net.W1.astype(">f8"))))
    replace_member(path, "history_loss.npy", npy(np.array([loss for _, loss in net.history], dtype=">f8")))
    loaded = xorc.load(path)
    assert loaded.W1.dtype == np.float64 and loaded.W1.dtype.isnative
    assert loaded.W1.tobytes() == net.W1.tobytes() and loaded.history == net.history
    X = xorc.truth_table("xor")[0]
    assert loaded.predict(X).tobytes() == net.predict(X).tobytes()


def test_a_compressed_model_file_loads(saved):
    path, net = saved
    write_zip(path, members_of(path), compression=zipfile.ZIP_DEFLATED)
    assert xorc.load(path).W2.tobytes() == net.W2.tobytes()
