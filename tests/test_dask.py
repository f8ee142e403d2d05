"""Sweeps on a real Dask cluster (issue 12): a LocalCluster of 2 worker processes on 127.0.0.1.

What a sweep through the cluster gives must equal the local sweep bit for bit (which
test_sweep_executors checks against xorc.train seed by seed), however it is chunked,
and also when a worker process dies in the middle. The command's --scheduler must
fail on one line within its connect timeout when no scheduler answers, and stop on
Ctrl-C keeping what finished. The cluster tests are skipped without the dask extra;
the tests of what happens without it always run.
"""

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import xorc
from xorc.cli import main

needs_dask = pytest.mark.skipif(
    importlib.util.find_spec("distributed") is None, reason='needs the dask extra: pip install "xorc-trainer[dask]"'
)
RECIPE = {"steps": 1500, "lr": 0.5, "check_every": 50}
#: The seeds, out of order: results must come back in the caller's order.
SEEDS = np.random.RandomState(12).permutation(300).astype(np.int64)
#: Seconds to allow a cluster sweep that takes about one: the machine is shared, so generously.
SWEEP_BOUND = 90.0


def same(a, b):
    for name in ("seeds", "losses", "outputs", "learned", "learned_at"):
        assert getattr(a, name).tobytes() == getattr(b, name).tobytes(), name


def one_error_line(text):
    lines = text.splitlines()
    assert len(lines) == 1, text
    return lines[0]


def unused_port():
    """A port on 127.0.0.1 that nothing listens on (bound, then closed)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Without the extra, and what `import xorc` loads


def test_import_xorc_and_a_local_sweep_never_import_dask():
    code = (
        "import sys, xorc, xorc.cli\n"
        "assert xorc.cli.main(['sweep', '--seeds', '0:4', '--steps', '10', '--quiet']) == 0\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_scheduler_without_the_extra_names_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "distributed", None)  # what `import distributed` sees when it is absent
    assert main(["sweep", "--seeds", "0:4", "--steps", "10", "--quiet", "--scheduler", "tcp://127.0.0.1:8786"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    line = one_error_line(captured.err)
    assert (
        line.startswith("xorc: error: --scheduler needs dask.distributed")
        and 'pip install "xorc-trainer[dask]"' in line
    )


def test_threads_and_scheduler_together_is_a_usage_error(capsys):
    assert main(["sweep", "--threads", "2", "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    assert "--threads" in one_error_line(capsys.readouterr().err)


# A scheduler that cannot be reached


@needs_dask
@pytest.mark.parametrize("address, status", [("closed port", 1), ("silent listener", 1), ("no port", 2)])
def test_an_unreachable_scheduler_is_one_line_within_the_timeout(capsys, address, status):
    """A closed port (refused), a port that accepts and never answers (Dask alone would wait
    forever there): exit 1 with one line, within --connect-timeout + 1 s; a malformed address
    is a usage error (exit 2)."""
    timeout = 2.0
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # accepts connections in the kernel's backlog, never reads or writes
        target = {
            "closed port": f"tcp://127.0.0.1:{unused_port()}",
            "silent listener": f"tcp://127.0.0.1:{silent.getsockname()[1]}",
            "no port": "tcp://127.0.0.1",
        }[address]
        argv = ["sweep", "--seeds", "0:4", "--steps", "10", "--quiet", "--scheduler", target]
        started = time.monotonic()
        assert main([*argv, "--connect-timeout", str(timeout)]) == status
        took = time.monotonic() - started
    captured = capsys.readouterr()
    assert captured.out == ""
    line = one_error_line(captured.err)
    assert line.startswith("xorc: error: --scheduler: ") and "127.0.0.1" in line
    assert took < timeout + 1.0 + 3.0, f"gave up after {took:.1f} s"  # 3 s of margin for a shared machine


# On a LocalCluster of two worker processes


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)
    try:
        yield local
    finally:
        local.close(timeout=30)


@pytest.fixture(scope="module")
def client(cluster):
    from distributed import Client

    with Client(cluster.scheduler_address, set_as_default=False, timeout=30) as connected:
        connected.wait_for_workers(2, timeout=60)
        yield connected


@pytest.fixture(scope="module")
def local():
    return xorc.sweep(SEEDS, threads=2, **RECIPE)


def within(seconds, function):
    """function() on a helper thread, failing the test (not hanging it) after `seconds`."""
    with ThreadPoolExecutor(max_workers=1) as helper:
        return helper.submit(function).result(timeout=seconds)


@needs_dask
@pytest.mark.parametrize("chunk_size", [None, 5, 64, 300])
def test_the_cluster_gives_the_local_results(client, local, chunk_size):
    executor = client.get_executor(pure=False)
    result = within(SWEEP_BOUND, lambda: xorc.sweep(SEEDS, executor=executor, chunk_size=chunk_size, **RECIPE))
    same(result, local)
    assert result.executor == "ClientExecutor" and result.threads == 0
    assert result.simd and result.simd != "?"


@needs_dask
def test_compare_through_the_scheduler(cluster, capsys):
    argv = ["sweep", "--seeds", "0:60", "--steps", "600", "--lr", "0.5", "--json", "--quiet"]
    argv += ["--compare", "hidden=2,3", "bias=off,on"]
    assert main([*argv, "--threads", "2"]) == 0
    here = json.loads(capsys.readouterr().out)
    assert main([*argv, "--scheduler", cluster.scheduler_address]) == 0
    captured = capsys.readouterr()
    there = json.loads(captured.out)
    assert captured.err == ""
    assert [entry["setting"] for entry in there["compare"]] == [entry["setting"] for entry in here["compare"]]
    for a, b in zip(here["compare"], there["compare"], strict=True):
        for name in ("seeds", "losses", "outputs", "learned", "learned_at", "n_learned"):
            assert a[name] == b[name], (a["setting"], name)
        assert b["executor"] == f"Dask cluster {cluster.scheduler_address}" and b["threads"] == 0


@needs_dask
def test_a_worker_killed_mid_sweep_changes_nothing(client):
    """SIGKILL the busiest worker when the first chunk has come back: Dask reruns what it held."""
    recipe = {"steps": 20000, "lr": 0.5, "check_every": 100}
    seeds = np.arange(640, dtype=np.int64)
    reference = xorc.sweep(seeds, threads=2, **recipe)
    pids = client.run(os.getpid)  # {worker address: pid}
    killed = []

    def kill_the_busiest(done, total):
        if not killed and done > 0:
            holding = {address: len(keys) for address, keys in client.processing().items()}
            victim = max(holding, key=holding.get)
            os.kill(pids[victim], signal.SIGKILL)
            killed.append((holding[victim], done, total))

    executor = client.get_executor(pure=False)
    result = within(
        SWEEP_BOUND, lambda: xorc.sweep(seeds, executor=executor, chunk_size=32, progress=kill_the_busiest, **recipe)
    )
    assert killed, "the sweep ended before the kill"
    held, done, total = killed[0]
    assert held > 0 and done < total / 2  # the victim held chunks, and most of the work was still to do
    same(result, reference)
    client.wait_for_workers(2, timeout=60)  # its nanny starts it again, for the tests after this one


@needs_dask
@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_to_the_command_stops_it_and_keeps_what_finished(cluster, tmp_path, signum, status):
    out = tmp_path / "s.npz"
    argv = ["--seeds", "0:1000000", "--steps", "2000", "--lr", "0.5", "--quiet", "--chunk-size", "512"]
    argv += ["--out", str(out), "--checkpoint-every", "0.2", "--scheduler", cluster.scheduler_address]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    process = subprocess.Popen(
        [sys.executable, "-m", "xorc", "sweep", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        deadline = time.monotonic() + 60
        while not out.exists() and process.poll() is None:
            assert time.monotonic() < deadline, "no checkpoint written"
            time.sleep(0.05)
        assert process.poll() is None, process.communicate()[1]
        sent = time.monotonic()
        process.send_signal(signum)
        stdout, stderr = process.communicate(timeout=30)
        took = time.monotonic() - sent
    finally:
        process.kill()
    assert process.returncode == status, stderr
    line = one_error_line(stderr.decode())
    assert line.startswith("xorc: interrupted after ") and line.endswith(" of 1000000 seeds")
    assert stdout == b""
    assert took < 10.0  # cancelling, checkpointing, closing the client and exiting; generous for a shared machine
    done = int(line.split()[3])
    kept = xorc.load_sweep(out)
    assert len(kept) == done > 0
    some = kept.seeds[:: max(1, done // 7)]
    again = xorc.sweep(some, steps=2000, lr=0.5, threads=1)
    assert kept.losses[:: max(1, done // 7)].tobytes() == again.losses.tobytes()
    assert kept.learned_at[:: max(1, done // 7)].tobytes() == again.learned_at.tobytes()


@needs_dask
def test_a_scheduler_lost_mid_sweep_is_one_line_and_keeps_what_finished(tmp_path):
    """Dask's own commands: `dask scheduler` and `dask worker`; the scheduler SIGKILLed once seeds have finished."""
    address = f"tcp://127.0.0.1:{unused_port()}"
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    started = []
    try:
        scheduler = subprocess.Popen([*dask, "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1],
                                      "--no-dashboard"], **quiet)  # fmt: skip
        started.append(scheduler)
        worker = [sys.executable, "-m", "distributed.cli.dask_worker", address, "--host", "127.0.0.1"]
        started.append(subprocess.Popen([*worker, "--nthreads", "1", "--no-dashboard"], **quiet))
        out = tmp_path / "s.npz"
        argv = ["--seeds", "0:1000000", "--steps", "2000", "--lr", "0.5", "--quiet", "--chunk-size", "256"]
        argv += ["--out", str(out), "--checkpoint-every", "0.2", "--scheduler", address, "--connect-timeout", "30"]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
        command = subprocess.Popen(
            [sys.executable, "-m", "xorc", "sweep", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        started.append(command)
        deadline = time.monotonic() + 60
        while not out.exists() and command.poll() is None:
            assert time.monotonic() < deadline, "no checkpoint written"
            time.sleep(0.05)
        assert command.poll() is None, command.communicate()[1]
        scheduler.kill()
        stdout, stderr = command.communicate(timeout=60)
    finally:
        for process in started:
            process.kill()
            process.wait(timeout=30)
    assert command.returncode == 1, stderr
    line = one_error_line(stderr.decode())
    assert line.startswith(f"xorc: error: --scheduler {address}: the sweep failed on the cluster (")
    assert line.endswith("; the finished seeds are in --out") and stdout == b""
    kept = xorc.load_sweep(out)
    again = xorc.sweep(kept.seeds[:50], steps=2000, lr=0.5, threads=1)
    assert len(kept) > 0 and kept.losses[:50].tobytes() == again.losses.tobytes()
