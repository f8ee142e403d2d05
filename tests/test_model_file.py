"""Model files: what they hold, bit-identical loading, atomic saving, and every kind of damage refused."""

import json
import os
import re
import stat

import numpy as np
import pytest
from test_seed_program import FINAL_OUTPUTS, FINAL_W1, FINAL_W2, SSE_EVERY_10000

import reference
import xorc
from xorc import _files, model_file

X, Y = xorc.truth_table("xor")


@pytest.fixture(scope="module")
def seed_net():
    return xorc.train()


@pytest.fixture
def saved(tmp_path, seed_net):
    """The seed program's trained network, saved: (path, its bytes)."""
    path = tmp_path / "xor.npz"
    seed_net.save(path)
    return path, path.read_bytes()


def same_network(a, b):
    """Equal bit for bit: weights, dtype, counters, history, settings."""
    weights = ("W1", "W2", "b1", "b2")
    return (
        a.shape == b.shape
        and a.dtype == b.dtype
        and a.bias == b.bias
        and all(
            (getattr(a, w) is None and getattr(b, w) is None) or getattr(a, w).tobytes() == getattr(b, w).tobytes()
            for w in weights
        )
        and a.steps_trained == b.steps_trained
        and a.history == b.history
        and a.settings == b.settings
    )


def rewrite(path, **changes):
    """Write the arrays of the model file at `path` back with `changes` (None deletes an array)."""
    arrays = dict(np.load(path, allow_pickle=False))
    for key, value in changes.items():
        if value is None:
            del arrays[key]
        else:
            arrays[key] = value
    with open(path, "wb") as file:
        np.savez(file, **arrays)


def rewrite_meta(path, **changes):
    meta = json.loads(str(np.load(path)["meta"][()]))
    for key, value in changes.items():
        if value is ...:
            del meta[key]
        else:
            meta[key] = value
    rewrite(path, meta=np.array(json.dumps(meta)))


# What the file holds


def test_file_holds_weights_and_metadata(saved, seed_net):
    path, _ = saved
    with np.load(path, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    assert sorted(arrays) == ["W1", "W2", "format_version", "history_loss", "history_step", "meta"]
    assert arrays["format_version"] == 2 and arrays["format_version"].dtype == np.int64
    np.testing.assert_allclose(arrays["W1"], FINAL_W1, atol=1e-9)  # the seed program's own numbers
    np.testing.assert_allclose(arrays["W2"], FINAL_W2, atol=1e-9)
    assert arrays["W1"].tobytes() == seed_net.W1.tobytes()
    assert arrays["history_step"].tolist() == list(range(0, 60001, 10000))
    np.testing.assert_allclose(arrays["history_loss"], SSE_EVERY_10000, atol=1e-10)
    meta = json.loads(str(arrays["meta"][()]))
    assert meta == {
        "shape": [2, 3, 1],
        "dtype": "float64",
        "bias": False,
        "task": "xor",
        "lr": 0.01,
        "seed": 1234,
        "steps_trained": 60000,
        "loss": arrays["history_loss"][-1],
        "xorc_version": xorc.__version__,
        "activation": "sigmoid",
        "optimizer": "gd",
        "momentum": 0.9,
        "update": "batch",
        "init": 1.0,
        "optimizer_state": None,
    }


def test_biases_are_saved_only_when_the_network_has_them(tmp_path):
    net = xorc.train(steps=100, bias=True, dtype="float32", seed=7, lr=0.5)
    net.save(tmp_path / "b.npz")
    with np.load(tmp_path / "b.npz") as archive:
        assert {"b1", "b2"} <= set(archive.files)
        assert archive["b1"].dtype == np.float32 and archive["b1"].shape == (3,)
        meta = json.loads(str(archive["meta"][()]))
    assert meta["bias"] is True and meta["dtype"] == "float32" and meta["seed"] == 7 and meta["lr"] == 0.5


def test_untrained_network_from_given_weights_has_unknown_settings(tmp_path):
    net = xorc.Network([[1.0, 2.0]], [[0.5], [-0.5]])
    net.save(tmp_path / "u.npz")
    meta = json.loads(str(np.load(tmp_path / "u.npz")["meta"][()]))
    assert meta["task"] is None and meta["lr"] is None and meta["seed"] is None
    assert meta["steps_trained"] == 0 and meta["loss"] is None
    assert same_network(xorc.load(tmp_path / "u.npz"), net)


# What train and fit record


def test_train_records_task_lr_and_seed():
    net = xorc.train(*xorc.truth_table("nand"), lr=0.3, steps=50, seed=99)
    assert net.settings == xorc.network.Settings(
        task="nand", lr=0.3, seed=99, optimizer="gd", momentum=0.9, update="batch", init=1.0
    )
    assert xorc.train(steps=10).settings.task == "xor"  # the default table
    assert xorc.train([[0, 1], [1, 0]], [[1], [1]], steps=10).settings.task is None  # not a truth table


def test_fit_updates_lr_task_and_steps():
    net = xorc.Network.random(seed=5)
    assert net.settings == xorc.network.Settings(task=None, lr=None, seed=5, init=1.0)
    net.fit(X, Y, lr=0.1, steps=20)
    assert (net.settings.task, net.settings.lr, net.steps_trained) == ("xor", 0.1, 20)
    net.fit(*xorc.truth_table("and"), lr=0.2, steps=30)
    assert (net.settings.task, net.settings.lr, net.steps_trained) == ("and", 0.2, 50)
    net.fit(X, Y, lr=0.7, steps=0)  # no step taken: nothing to record
    assert (net.settings.task, net.settings.lr) == ("and", 0.2)


# Loading


@pytest.mark.parametrize(
    "make",
    [
        lambda: xorc.train(steps=3000),
        lambda: xorc.train(steps=3000, dtype="float32", lr=0.5),
        lambda: xorc.train(steps=3000, bias=True, hidden=5, seed=11),
        lambda: xorc.train(*xorc.truth_table("parity3"), hidden=6, lr=0.5, steps=2000, bias=True),
        lambda: xorc.train(X, np.hstack([Y, 1 - Y]), steps=500, dtype="float32"),
    ],
    ids=["float64", "float32", "bias", "parity3", "two-outputs"],
)
def test_load_gives_back_the_same_network(tmp_path, make):
    net = make()
    path = tmp_path / "net.npz"
    net.save(path)
    loaded = xorc.load(path)
    assert same_network(loaded, net)
    rows = np.random.RandomState(0).uniform(-0.5, 1.5, (50, net.shape[0]))
    assert loaded.predict(rows).tobytes() == net.predict(rows).tobytes()
    b1 = None if loaded.b1 is None else loaded.b1.astype(np.float64)
    b2 = None if loaded.b2 is None else loaded.b2.astype(np.float64)
    numpy_out = reference.forward(rows, loaded.W1.astype(np.float64), loaded.W2.astype(np.float64), b1, b2)[1]
    np.testing.assert_allclose(loaded.predict(rows), numpy_out, atol=1e-6 if net.dtype == np.float32 else 1e-12)


def test_load_takes_str_and_pathlike(saved, seed_net):
    path, _ = saved
    assert same_network(xorc.load(str(path)), seed_net)
    assert same_network(xorc.load(path), seed_net)


def test_training_continues_as_if_it_never_stopped(tmp_path):
    half = xorc.train(steps=30000)
    half.save(tmp_path / "half.npz")
    resumed = xorc.load(tmp_path / "half.npz")
    resumed.fit(X, Y, lr=resumed.settings.lr, steps=30000)
    straight = xorc.train(steps=60000)
    assert resumed.W1.tobytes() == straight.W1.tobytes()
    assert resumed.W2.tobytes() == straight.W2.tobytes()
    assert resumed.history == straight.history and resumed.steps_trained == 60000
    assert resumed.settings == straight.settings
    np.testing.assert_allclose(resumed.predict(X)[:, 0], FINAL_OUTPUTS, atol=1e-9)  # the seed program's outputs


# Saving atomically


def temp_files(folder):
    return [name for name in os.listdir(folder) if name.endswith(".tmp")]


def test_save_replaces_an_old_file_and_keeps_its_permissions(saved):
    path, old = saved
    os.chmod(path, 0o640)
    net = xorc.train(steps=10)
    net.save(path)
    assert path.read_bytes() != old and same_network(xorc.load(path), net)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert temp_files(path.parent) == []


def test_new_file_gets_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        xorc.train(steps=1).save(tmp_path / "new.npz")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(os.stat(tmp_path / "new.npz").st_mode) == 0o644


def test_save_through_a_symlink_replaces_the_target(tmp_path, saved):
    path, _ = saved
    link = tmp_path / "link.npz"
    link.symlink_to(path)
    net = xorc.train(steps=10)
    net.save(link)
    assert link.is_symlink() and same_network(xorc.load(path), net)


def failing_savez(file, **arrays):
    file.write(b"PK\x03\x04 half an archive")
    raise OSError(28, "No space left on device")


def interrupted_savez(file, **arrays):
    file.write(b"PK\x03\x04 half an archive")
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    "target, replacement, error",
    [
        (np, ("savez", failing_savez), OSError),
        (np, ("savez", interrupted_savez), KeyboardInterrupt),
        (os, ("fsync", lambda fd: (_ for _ in ()).throw(OSError(5, "Input/output error"))), OSError),
        (os, ("replace", lambda src, dst: (_ for _ in ()).throw(OSError(13, "Permission denied"))), OSError),
    ],
    ids=["write-fails", "interrupted", "fsync-fails", "replace-fails"],
)
def test_a_failed_save_leaves_the_old_file_whole_and_no_temporary(
    monkeypatch, saved, seed_net, target, replacement, error
):
    path, old = saved
    monkeypatch.setattr(target, *replacement)
    with pytest.raises(error):
        xorc.train(steps=10).save(path)
    monkeypatch.undo()
    assert path.read_bytes() == old
    assert same_network(xorc.load(path), seed_net)
    assert temp_files(path.parent) == []


def test_a_failed_first_save_creates_nothing(monkeypatch, tmp_path):
    monkeypatch.setattr(np, "savez", failing_savez)
    with pytest.raises(OSError):
        xorc.train(steps=10).save(tmp_path / "new.npz")
    assert os.listdir(tmp_path) == []


def test_write_atomically_really_fsyncs_before_replacing(monkeypatch, tmp_path):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: calls.append("fsync") or real_fsync(fd))
    monkeypatch.setattr(os, "replace", lambda a, b: calls.append("replace") or real_replace(a, b))
    _files.write_atomically(tmp_path / "f", lambda file: file.write(b"data"))
    assert calls[:2] == ["fsync", "replace"] and (tmp_path / "f").read_bytes() == b"data"


def test_save_refuses_bad_arguments_and_diverged_weights(tmp_path):
    with pytest.raises(TypeError, match="path must be a str or path-like"):
        xorc.train(steps=1).save(42)
    with pytest.raises(TypeError, match=r"net must be an xorc\.Network"):
        model_file.save("net", tmp_path / "x.npz")
    diverged = xorc.Network([[2.0], [-2.0]], [[1.0]])
    diverged._W1[0, 0] = np.nan  # (fit never leaves NaN weights: it raises DivergenceError)
    with pytest.raises(ValueError, match="W1 contains NaN or infinity"):
        diverged.save(tmp_path / "x.npz")
    net = xorc.train(steps=10)
    net.history.append((11, float("nan")))
    with pytest.raises(ValueError, match="history holds a NaN or infinite loss"):
        net.save(tmp_path / "x.npz")
    assert os.listdir(tmp_path) == []
    with pytest.raises(OSError):
        xorc.train(steps=1).save(tmp_path / "no" / "such" / "folder.npz")


# Refusing bad files: each a real file, made damaged here


def refused(path, *words):
    with pytest.raises(xorc.ModelFileError) as error:
        xorc.load(path)
    message = str(error.value)
    assert isinstance(error.value, ValueError)
    assert str(path) in message, message
    for word in words:
        assert word in message, message
    return message


def test_missing_file(tmp_path):
    refused(tmp_path / "absent.npz", "no such file")


def test_folder_and_empty_file(tmp_path):
    refused(tmp_path, "is a folder")
    (tmp_path / "empty.npz").write_bytes(b"")
    refused(tmp_path / "empty.npz", "is empty")


def test_other_formats(tmp_path):
    np.save(tmp_path / "array.npy", np.ones(3))
    refused(tmp_path / "array.npy", "single .npy array")
    (tmp_path / "text.npz").write_text("W1 = [[1, 2]]\n")
    refused(tmp_path / "text.npz", "not an .npz archive")
    import pickle

    (tmp_path / "net.pkl").write_bytes(pickle.dumps({"W1": [[1.0]]}))
    refused(tmp_path / "net.pkl", "pickle")
    np.savez(tmp_path / "other.npz", a=np.ones(2))
    refused(tmp_path / "other.npz", "not an xorc model file")


def test_truncated_files(saved):
    path, good = saved
    for length in [*range(1, len(good), 13), len(good) - 1]:
        path.write_bytes(good[:length])
        refused(path)


def test_every_flipped_byte_is_refused_or_harmless(saved, seed_net):
    """Flip each byte (every other one, to keep this quick): the file loads as before or is refused.

    The zip format checks a CRC-32 of every array and its header, and the names and sizes
    twice; the bytes it does not check (timestamps, attributes) change nothing loaded.
    """
    path, good = saved
    harmless = 0
    for offset in range(0, len(good), 2):
        damaged = bytearray(good)
        damaged[offset] ^= 0xFF
        path.write_bytes(bytes(damaged))
        try:
            loaded = xorc.load(path)
        except xorc.ModelFileError as error:
            assert str(path) in str(error) and "\n" not in str(error)
        else:
            assert same_network(loaded, seed_net), f"byte {offset} flipped changed the network silently"
            harmless += 1
    assert harmless < len(good) // 4  # most damage is noticed


def test_newer_format_version(saved):
    path, _ = saved
    rewrite(path, format_version=np.array(3, dtype=np.int64))
    refused(path, "format version 3 is newer", "upgrade xorc")
    rewrite(path, format_version=np.array(0, dtype=np.int64))
    refused(path, "format version 0 is not valid")
    rewrite(path, format_version=np.array(1.0))
    refused(path, "format_version must be a whole number")


@pytest.mark.parametrize(
    "changes, words",
    [
        (dict(W1=np.ones((3, 2))), ["W1 has shape (3, 2), expected (2, 3)"]),
        (dict(W2=np.ones((3,))), ["W2 has shape (3,), expected (3, 1)"]),
        (dict(W1=np.ones((2, 3), np.float32)), ["W1 has dtype float32, expected float64"]),
        (dict(W2=np.ones((3, 1), np.int64)), ["W2 has dtype int64, expected float64"]),
        (dict(W1=np.ones((2, 3), ">f4")), ["W1 has dtype >f4, expected float64"]),
        (dict(W1=np.array([[1.0, np.nan, 0.0], [0.0, 0.0, 0.0]])), ["W1 contains NaN or infinity"]),
        (dict(W2=np.array([[1.0], [np.inf], [0.0]])), ["W2 contains NaN or infinity"]),
        (dict(W2=None), ["the array 'W2' is missing"]),
        (dict(W1=None), ["the array 'W1' is missing"]),
        (dict(meta=None), ["the array 'meta' is missing"]),
        (dict(history_loss=None), ["the array 'history_loss' is missing"]),
        (dict(history_loss=np.zeros(3)), ["history_step (7,) and history_loss (3,) differ"]),
        (dict(history_loss=np.full(7, np.nan)), ["history_loss contains NaN"]),
        (dict(b1=np.zeros(3)), ["holds a b1 array but its metadata says the network has no biases"]),
        (dict(W1=np.array([[1, 2, 3], [4, 5, 6]], dtype=object)), ["'W1' holds pickled Python objects"]),
        (dict(meta=np.array(b"not a string")), ["meta must be a single string"]),
        (dict(meta=np.array("{not json")), ["metadata is not valid JSON"]),
        (dict(meta=np.array("[1, 2]")), ["metadata is not a JSON object"]),
    ],
)
def test_edited_arrays(saved, changes, words):
    path, _ = saved
    rewrite(path, **changes)
    refused(path, *words)


@pytest.mark.parametrize(
    "changes, words",
    [
        (dict(shape=[2, 4, 1]), ["W1 has shape (2, 3), expected (2, 4)"]),
        (dict(shape=[2, 3]), ["'shape' must be 3 sizes"]),
        (dict(dtype="float32"), ["W1 has dtype float64, expected float32"]),
        (dict(dtype="float16"), ["'dtype' must be 'float32' or 'float64'"]),
        (dict(bias=True), ["the array 'b1' is missing"]),
        (dict(bias="no"), ["'bias' must be true or false"]),
        (dict(task="parity3"), ["task 'parity3' has 3 inputs"]),
        (dict(task=3), ["'task' must be a string or null"]),
        (dict(lr=-1), ["'lr' must be a number > 0"]),
        (dict(seed=1.5), ["'seed' must be a whole number"]),
        (dict(steps_trained=-1), ["'steps_trained' must be a whole number"]),
        (dict(steps_trained=True), ["'steps_trained' must be a whole number"]),
        (dict(steps_trained=...), ["the metadata has no 'steps_trained'"]),
        (dict(xorc_version=None), ["'xorc_version' must be a string"]),
    ],
)
def test_edited_metadata(saved, changes, words):
    path, _ = saved
    rewrite_meta(path, **changes)
    refused(path, *words)


def test_unknown_task_name_loads_with_its_task_kept(saved, seed_net):
    path, _ = saved
    rewrite_meta(path, task="xor-from-the-future")
    loaded = xorc.load(path)
    assert loaded.settings.task == "xor-from-the-future"
    assert loaded.W1.tobytes() == seed_net.W1.tobytes()


def test_load_refuses_a_non_path():
    with pytest.raises(TypeError, match="path must be a str or path-like"):
        xorc.load(None)


# What save accepts, load reads back: the attributes are checked by the reader's own rules


@pytest.mark.parametrize(
    "attribute, value, words",
    [
        ("steps_trained", -1, "net.steps_trained must be a whole number"),
        ("steps_trained", 1.5, "net.steps_trained must be a whole number"),
        ("settings.lr", -1.0, "net.settings.lr must be a number > 0"),
        ("settings.lr", float("inf"), "net.settings.lr must be a number > 0"),
        ("settings.seed", -3, "net.settings.seed must be a whole number from 0 to 4294967295"),
        ("settings.seed", 2**32, "net.settings.seed must be a whole number from 0 to 4294967295"),
        ("settings.task", 5, "net.settings.task must be a string"),
        ("settings.task", "parity3", "its task 'parity3' has 3 inputs"),
        ("history", [(0, 1.0), (0, 0.5)], "net.history's steps must increase"),
        ("history", [(0, 1.0), (99, 0.5)], "net.history reaches step 99, beyond the 10 steps trained"),
        ("history", [(0, -1.0)], "net.history's last loss must be a number ≥ 0"),
        ("history", [(0, "1.0")], "net.history[0]'s loss must be a number"),
        ("history", [0.5], "net.history[0] must be a pair"),
    ],
)
def test_save_refuses_what_load_would_refuse_and_keeps_the_old_file(saved, attribute, value, words):
    path, old = saved
    net = xorc.train(steps=10)
    owner, _, name = attribute.rpartition(".")
    setattr(net.settings if owner else net, name, value)
    with pytest.raises(ValueError, match=re.escape(words)):
        net.save(path)
    assert path.read_bytes() == old and temp_files(path.parent) == []


def test_numpy_scalars_save_and_load_back(tmp_path):
    net = xorc.train(steps=10)
    net.settings.lr = np.float32(0.25)
    net.settings.seed = np.uint32(7)
    net.settings.task = np.str_("xor")
    net.steps_trained = np.int64(10)
    net.history = [(np.int64(step), np.float64(loss)) for step, loss in net.history]
    net.save(tmp_path / "n.npz")
    loaded = xorc.load(tmp_path / "n.npz")
    assert loaded.settings == xorc.network.Settings(
        task="xor", lr=0.25, seed=7, optimizer="gd", momentum=0.9, update="batch", init=1.0
    )
    assert loaded.steps_trained == 10 and type(loaded.steps_trained) is int
    assert loaded.history == [(int(step), float(loss)) for step, loss in net.history]
