"""Memory refusals count what the work will hold.

The estimate of a sweep's chunk is checked against how much of its workspace training
really writes, at every SIMD level here; and the limit is the lowest that the process's
own cgroup, or any cgroup above it, states.
"""

from __future__ import annotations

import numpy as np
import pytest

import xorc
from xorc import _binding, _memory, _simd
from xorc.sweeping.chunks import chunk_bytes, train_networks
from xorc.sweeps import prepare

#: Hidden units of the measured networks: a workspace of 12.6 MB at the widest level, and not the seed shape
#: (whose kernels keep their state on the stack).
HIDDEN = 2**16
SENTINEL = 0x7FF4DEADBEEFCAFE  # a NaN that no training writes


def touched_bytes(level: int, dtype) -> int:
    """How far into its workspace lockstep training at `level` writes: measured, by filling the workspace
    with SENTINEL and finding the last element that a training step changed."""
    dtype = np.dtype(dtype)
    rows, n_in, n_out = 4, 2, 1
    length = _binding.lockstep_workspace_len(rows, n_in, HIDDEN, n_out, dtype, level)
    work = np.empty(length, dtype=dtype)
    bits = work.view(np.uint64 if dtype.itemsize == 8 else np.uint32)
    bits[...] = SENTINEL if dtype.itemsize == 8 else SENTINEL >> 32
    rng = np.random.default_rng(0)
    W1 = rng.uniform(-1, 1, (1, n_in, HIDDEN)).astype(dtype)
    W2 = rng.uniform(-1, 1, (1, HIDDEN, n_out)).astype(dtype)
    X, y = (array.astype(dtype) for array in xorc.truth_table("xor"))
    learned_at = np.full(1, -1, dtype=np.int64)
    train_networks(W1, W2, None, None, X, y, {"lr": 0.01}, 0, 2, 1, learned_at, level=level, work=work)
    changed = np.flatnonzero(bits != bits[-1])  # (the last element is alignment room, never written)
    return int(changed[-1] + 1) * dtype.itemsize


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("level", range(_simd.level() + 1), ids=lambda level: _simd.LEVELS[level])
def test_a_chunk_counts_the_workspace_its_level_touches(monkeypatch, level, dtype):
    """The estimate counts the workspace of the level that trains, which training fills; it counted
    AVX-512's at every level (25.1 GiB for 3 GB of work at hidden 2**24)."""
    touched = touched_bytes(level, dtype)
    recipe = prepare([0], hidden=HIDDEN, steps=1, dtype=dtype).recipe
    monkeypatch.setattr(_simd, "_CHOSEN", level)
    estimate = chunk_bytes(recipe, 1)
    weights = 3 * HIDDEN * np.dtype(dtype).itemsize
    # The rest of the estimate: the network's weights and their draw (a float64 stream and its copies).
    assert touched <= estimate <= touched + 8 * weights + (1 << 20), (touched, estimate)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def fake_system(tmp_path, own: str, mounts: list[str]) -> str:
    """A /proc/self of a process in the cgroups `own` (/proc/self/cgroup's lines), the hierarchies
    mounted as `mounts` (mountinfo's lines, with {root} standing for tmp_path)."""
    proc = tmp_path / "proc"
    write(proc / "cgroup", own)
    write(proc / "mountinfo", "\n".join(line.format(root=tmp_path) for line in mounts) + "\n")
    return str(proc)


def test_the_limit_of_the_processs_own_cgroup_v2_counts(tmp_path):
    """As under systemd-run -p MemoryMax or Slurm: the job's own cgroup has the limit, the root none."""
    proc = fake_system(
        tmp_path,
        "0::/system.slice/run-u7.service\n",
        [
            "25 1 0:22 / /proc rw - proc proc rw",
            "31 23 0:28 / {root}/cg rw,nosuid - cgroup2 cgroup2 rw,nsdelegate",
        ],
    )
    write(tmp_path / "cg/memory.max", "max\n")
    write(tmp_path / "cg/system.slice/memory.max", "max\n")
    write(tmp_path / "cg/system.slice/run-u7.service/memory.max", "1073741824\n")
    files = _memory.cgroup_limit_files(proc)
    assert str(tmp_path / "cg/system.slice/run-u7.service/memory.max") in files
    assert _memory.cgroup_limit(files) == 1 << 30
    # A parent's lower limit binds its children too.
    write(tmp_path / "cg/system.slice/memory.max", "536870912\n")
    assert _memory.cgroup_limit(_memory.cgroup_limit_files(proc)) == 512 << 20


def test_the_limit_of_the_processs_own_cgroup_v1_counts(tmp_path):
    """cgroup v1 (and the hybrid layout, v2 at /sys/fs/cgroup/unified): the memory controller's hierarchy."""
    proc = fake_system(
        tmp_path,
        "5:cpu,cpuacct:/slurm/uid_1/job_9\n4:memory:/slurm/uid_1/job_9\n0::/\n",
        [
            "32 31 0:29 / {root}/cg/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct",
            "34 31 0:31 / {root}/cg/memory rw,relatime - cgroup cgroup rw,memory",
            "35 31 0:32 / {root}/cg/unified rw - cgroup2 cgroup2 rw",
        ],
    )
    write(tmp_path / "cg/memory/memory.limit_in_bytes", "9223372036854771712\n")
    write(tmp_path / "cg/memory/slurm/uid_1/job_9/memory.limit_in_bytes", "2147483648\n")
    write(tmp_path / "cg/cpu,cpuacct/slurm/uid_1/job_9/memory.limit_in_bytes", "1\n")  # not the memory's
    write(tmp_path / "cg/unified/memory.max", "max\n")
    assert _memory.cgroup_limit(_memory.cgroup_limit_files(proc)) == 2 << 30


def test_a_container_that_sees_its_own_cgroup_as_the_root(tmp_path):
    """A container's mount shows its subtree (mountinfo's root field); /proc names the full path."""
    proc = fake_system(
        tmp_path,
        "0::/docker/abc\n",
        ["40 30 0:40 /docker/abc {root}/cg rw - cgroup2 cgroup2 rw"],
    )
    write(tmp_path / "cg/memory.max", "268435456\n")
    assert _memory.cgroup_limit(_memory.cgroup_limit_files(proc)) == 256 << 20


def test_unreadable_or_odd_proc_files_fall_back_to_the_roots(tmp_path):
    assert _memory.cgroup_limit_files(str(tmp_path / "absent")) == _memory.CGROUP_LIMIT_FILES
    proc = fake_system(tmp_path, "garbage\n::\n0::\n", ["nonsense", "1 2 3", "- - - - - - - -"])
    assert set(_memory.CGROUP_LIMIT_FILES) <= set(_memory.cgroup_limit_files(proc))
