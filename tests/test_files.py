"""The one writer (xorc/_files.py): it replaces only a regular file or nothing, and never harms what was there."""

import errno
import os
import stat

import pytest

import xorc
from xorc import _files
from xorc.cli import main


@pytest.fixture(scope="module")
def net():
    return xorc.train(steps=100)


def temporaries(folder):
    return [name for name in os.listdir(folder) if name.endswith(".tmp")]


needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


@needs_fifo
def test_a_fifo_is_never_replaced(tmp_path, net):
    fifo = tmp_path / "model.npz"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="FIFO") as error:
        net.save(fifo)
    assert error.value.filename == str(fifo)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and temporaries(tmp_path) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="mknod needs root")
def test_a_device_node_is_never_replaced(tmp_path, net):
    """As root, a save to /dev/null replaced it with a regular file: here a copy of /dev/null's node."""
    node = tmp_path / "null"
    os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    link = tmp_path / "link.npz"
    link.symlink_to(node)
    for target in (node, link):
        with pytest.raises(OSError, match="is a device, not a regular file"):
            net.save(target)
    assert stat.S_ISCHR(os.lstat(node).st_mode) and temporaries(tmp_path) == []


@needs_fifo
@pytest.mark.parametrize("flag", ["--save", "--plot"])
def test_the_command_refuses_a_fifo_before_training(tmp_path, capsys, monkeypatch, flag):
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    if flag == "--plot":
        pytest.importorskip("matplotlib")
    import xorc.cli

    monkeypatch.setattr(xorc.cli.Network, "fit", lambda *a, **k: pytest.fail("trained before checking the output"))
    assert main(["train", "--quiet", flag, str(fifo)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"xorc: error: {flag} {fifo}: cannot write it") and "FIFO" in err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_save_checks_the_output_before_training(tmp_path, capsys, monkeypatch):
    """A file name the system refuses (here too long) fails in a moment, not after the training."""
    import xorc.cli

    monkeypatch.setattr(xorc.cli.Network, "fit", lambda *a, **k: pytest.fail("trained before checking --save"))
    long_name = str(tmp_path / ("x" * 300 + ".npz"))
    assert main(["train", "--quiet", "--save", long_name]) == 1
    assert "cannot write it (File name too long)" in capsys.readouterr().err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes anywhere")
def test_save_to_a_read_only_folder_fails_before_training(tmp_path, capsys, monkeypatch):
    import xorc.cli

    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    monkeypatch.setattr(xorc.cli.Network, "fit", lambda *a, **k: pytest.fail("trained before checking --save"))
    assert main(["train", "--quiet", "--save", str(folder / "x.npz")]) == 1
    assert "Permission denied" in capsys.readouterr().err


@pytest.mark.parametrize("length", [240, 250, 255])
def test_file_names_up_to_the_limit_are_saved(tmp_path, net, length):
    path = tmp_path / ("n" * (length - len(".npz")) + ".npz")
    net.save(path)
    assert xorc.load(path).W1.tobytes() == net.W1.tobytes() and temporaries(tmp_path) == []


def test_errors_name_the_users_path_not_the_temporary_file(tmp_path, net):
    given = os.path.join("nofolder", "x.npz")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with pytest.raises(FileNotFoundError) as error:
            net.save(given)
    finally:
        os.chdir(cwd)
    assert error.value.filename == given and ".tmp" not in str(error.value)


def test_a_full_disk_names_the_users_path(tmp_path):
    def full(file):
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError) as error:
        _files.write_atomically(tmp_path / "f.npz", full)
    assert error.value.errno == errno.ENOSPC and error.value.filename == str(tmp_path / "f.npz")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o444])
def test_the_temporary_file_has_the_targets_mode_from_the_start(tmp_path, mode):
    target = tmp_path / "secret.npz"
    target.write_bytes(b"old")
    target.chmod(mode)
    seen = []
    _files.write_atomically(target, lambda file: seen.append(stat.S_IMODE(os.fstat(file.fileno()).st_mode)))
    assert seen == [mode] and stat.S_IMODE(os.stat(target).st_mode) == mode


def test_a_trailing_slash_means_a_folder(tmp_path, net):
    with pytest.raises(IsADirectoryError, match="ending in a slash"):
        net.save(str(tmp_path / "x.npz") + "/")
    assert os.listdir(tmp_path) == []


def test_a_folder_is_never_replaced(tmp_path, net):
    (tmp_path / "dir.npz").mkdir()
    with pytest.raises(IsADirectoryError):
        net.save(tmp_path / "dir.npz")
    assert (tmp_path / "dir.npz").is_dir() and temporaries(tmp_path) == []


def test_a_nul_character_in_the_path_is_a_value_error_naming_it(tmp_path, net):
    with pytest.raises(ValueError, match="holds a NUL character"):
        net.save(str(tmp_path / "a\0b.npz"))
    assert os.listdir(tmp_path) == []
