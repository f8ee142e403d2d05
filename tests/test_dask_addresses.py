"""--scheduler and --connect-timeout: one clear line, at once or within the timeout, never a traceback
(issue 22, defects 6 and 12).

Every server here is on 127.0.0.1 and stops with its test. The command runs as a user
runs it (a process of its own), so that what Python prints at exit (Dask's
``Client.__del__``) is seen too.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time

import pytest

import installed

pytest.importorskip("distributed")

TIMEOUT = 3.0
#: Start-up of a process that imports numpy and dask, on a machine shared by others (a wide margin:
#: without the fixes the stalls were 8 to 20 s, and the junk server's a traceback).
START = 4.0


def xorc_sweep(*flags: str, cwd) -> tuple[int, str, str, float]:
    argv = [sys.executable, "-m", "xorc", "sweep", "--seeds", "0:4", "--steps", "10", "--quiet", *flags]
    started = time.monotonic()
    done = subprocess.run(argv, cwd=cwd, env=installed.environment(), capture_output=True, text=True, timeout=120)
    return done.returncode, done.stdout, done.stderr, time.monotonic() - started


def one_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


@pytest.mark.parametrize(
    "address",
    [
        "garbage",
        "tcp://",
        "tcp://127.0.0.1:18786/extra",
        "tls://127.0.0.1:18786",
        "ucx://127.0.0.1:18786",
        "inproc://127.0.0.1/1/2",
        "tcp://127.0.0.1:99999",
        "tcp://127.0.0.1:0",
        "tcp://:18786",
        "tcp://127.0.0.1",
        "tcp://[::1:18786",
        "tcp://[nonsense]:18786",
        "tcp://127.0.0.1:18786:1",
        "tcp://127.0.0.1: 18786",
        "tcp://exa mple:18786",
    ],
)
def test_a_malformed_address_is_a_usage_error_at_once(tmp_path, address):
    status, out, err, took = xorc_sweep("--scheduler", address, "--connect-timeout", str(TIMEOUT), cwd=tmp_path)
    assert status == 2, err
    line = one_line(err)
    assert line.startswith("xorc: error: --scheduler: ") and "tcp://HOST:PORT" in line, line
    assert out == ""
    assert took < TIMEOUT + 1.0 + START, took


@pytest.mark.parametrize("value", ["1e10", "3601", "inf", "1e400"])
def test_a_connect_timeout_beyond_an_hour_is_a_usage_error(tmp_path, value):
    status, _, err, _ = xorc_sweep("--scheduler", "tcp://127.0.0.1:18786", "--connect-timeout", value, cwd=tmp_path)
    assert status == 2
    assert one_line(err).startswith("xorc: error: argument --connect-timeout: must be")


def unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_refused_connection_says_refused(tmp_path):
    address = f"tcp://127.0.0.1:{unused_port()}"
    status, _, err, took = xorc_sweep("--scheduler", address, "--connect-timeout", str(TIMEOUT), cwd=tmp_path)
    assert status == 1
    line = one_line(err)
    assert line == (
        f"xorc: error: --scheduler: cannot reach the Dask scheduler at {address}: the connection was refused "
        f"(nothing listens on port {address.rsplit(':', 1)[1]})"
    )
    assert took < TIMEOUT + 1.0 + START


@contextlib.contextmanager
def junk_server(reply: bytes | None):
    """A TCP server on 127.0.0.1 that sends `reply` to each connection (None: closes it at once) and
    then keeps it open without a word; it stops at the end of the block."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.1)
    stop = threading.Event()
    held = []

    def serve():
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            if reply is None:
                connection.close()
                continue
            with contextlib.suppress(OSError):
                connection.sendall(reply)
            held.append(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        listener.close()
        for connection in held:
            connection.close()


JUNK = {
    "an HTTP server": b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
    "an SSH server": b"SSH-2.0-OpenSSH_9.6\r\n",
    "bytes 0 to 255": bytes(range(256)) * 16,
    "a huge length": (2**62).to_bytes(8, "little") + b"x" * 64,
    "a server that closes at once": None,
}


@pytest.mark.parametrize("kind", list(JUNK))
def test_a_junk_server_is_named_as_not_a_scheduler(tmp_path, kind):
    with junk_server(JUNK[kind]) as address:
        status, out, err, took = xorc_sweep("--scheduler", address, "--connect-timeout", str(TIMEOUT), cwd=tmp_path)
    assert status == 1, err
    line = one_line(err)
    assert line.startswith(f"xorc: error: --scheduler: something listens at {address}, but it "), line
    assert "scheduler's port?" in line and "allocate" not in line and "EiB" not in line
    assert out == ""
    assert took < TIMEOUT + 1.0 + START


def test_a_server_that_greets_then_goes_quiet_is_bounded(tmp_path):
    """A plausible greeting length, then nothing: Dask's client waits; the command gives up in time."""
    with junk_server((40).to_bytes(8, "little")) as address:
        status, _, err, took = xorc_sweep("--scheduler", address, "--connect-timeout", str(TIMEOUT), cwd=tmp_path)
    assert status == 1
    line = one_line(err)
    assert line.startswith("xorc: error: --scheduler: ") and address in line
    assert took < TIMEOUT + 1.0 + START


def test_no_file_is_left_by_a_refused_address(tmp_path):
    out = tmp_path / "s.npz"
    status, _, _, _ = xorc_sweep("--scheduler", "garbage", "--out", str(out), cwd=tmp_path)
    assert status == 2
    assert os.listdir(tmp_path) == []
