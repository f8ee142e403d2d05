"""How much memory this process can have, and refusing what can never fit in it.

Linux overcommits: numpy's ``np.empty`` of more than the machine has succeeds, and
the kernel kills the process once training touches the pages, with no exception to
catch. So the training paths count the bytes a call is about to hold and refuse,
with a MemoryError naming hidden, what exceeds the most this process can ever have:
the machine's physical memory, or its container's (cgroup's) limit where lower. Not
the memory available now, which moves with whatever else runs: a request within
the limit can still run out (then numpy's MemoryError, or the kernel's choice).
"""

from __future__ import annotations

import functools
import os

#: Where Linux shows a container the memory limit of its control group, at the root of the
#: hierarchy: cgroup v2 ("max" for none), then v1 (a number near 2**63 for none, which the
#: physical memory undercuts). The process's own cgroup is found from /proc (``cgroup_limit_files``).
CGROUP_LIMIT_FILES = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")
#: The limit's file in a cgroup's folder, by version.
_LIMIT_FILE = {"cgroup2": "memory.max", "cgroup": "memory.limit_in_bytes"}


class BeyondMemoryError(MemoryError):
    """A request refused before it ran, for exceeding ``memory_limit()``; `threads`: how many threads'
    work at once it counted (more than one: fewer threads may fit)."""

    def __init__(self, message: str, threads: int = 1) -> None:
        super().__init__(message)
        self.threads = threads


def physical_memory() -> int | None:
    """The machine's physical memory (RAM) in bytes, or None where the system does not say."""
    try:
        pages, page_size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows), or not these names
        return None
    return pages * page_size if pages > 0 and page_size > 0 else None


def cgroup_limit_files(proc: str = "/proc/self") -> tuple[str, ...]:
    """The files that state a memory limit on this process: those of its own cgroup and of every cgroup
    above it (a limit binds all below it), v2 and v1, and CGROUP_LIMIT_FILES.

    A job under Slurm or ``systemd-run -p MemoryMax`` has its limit on its own cgroup, not at the
    root. `proc`/cgroup names the process's cgroup per hierarchy ("0::/PATH" for v2, "N:memory:/PATH"
    for v1's memory controller), relative to the hierarchy's root; `proc`/mountinfo says where each
    hierarchy is mounted, and which of its folders the mount shows (a container sees its own
    subtree as the root). Unreadable or unexpected lines are passed over.
    """
    try:
        with open(os.path.join(proc, "cgroup"), encoding="utf-8") as file:
            own = file.read().splitlines()
        with open(os.path.join(proc, "mountinfo"), encoding="utf-8") as file:
            mounts = file.read().splitlines()
    except (OSError, UnicodeDecodeError):
        return CGROUP_LIMIT_FILES
    paths = {}  # version -> the process's cgroup in that hierarchy
    for line in own:
        parts = line.split(":", 2)
        if len(parts) == 3 and parts[0] == "0" and parts[1] == "":
            paths["cgroup2"] = parts[2]
        elif len(parts) == 3 and "memory" in parts[1].split(","):
            paths["cgroup"] = parts[2]
    files = []
    for mount in mounts:
        # "ID PARENT MAJOR:MINOR ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER_OPTIONS"
        fields = mount.split(" ")
        if "-" not in fields[6:]:
            continue
        dash = fields.index("-", 6)
        kind = fields[dash + 1] if dash + 1 < len(fields) else ""
        if kind not in paths or (kind == "cgroup" and "memory" not in fields[-1].split(",")):
            continue
        root, point = _unescape(fields[3]), _unescape(fields[4])
        path = paths[kind]
        below = os.path.relpath(path, root) if path == root or path.startswith(root.rstrip("/") + "/") else "."
        folder = os.path.normpath(os.path.join(point, below))
        while True:  # the cgroup's folder, then each folder above it up to the mount point
            files.append(os.path.join(folder, _LIMIT_FILE[kind]))
            if folder == point or len(folder) <= len(point):
                break
            folder = os.path.dirname(folder)
    return tuple(dict.fromkeys([*files, *CGROUP_LIMIT_FILES]))


def _unescape(field: str) -> str:
    """A path of mountinfo, where space, tab, newline and backslash are written as octal escapes."""
    for escaped, character in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(escaped, character)
    return field


def cgroup_limit(paths: tuple[str, ...] | None = None) -> int | None:
    """The lowest limit in bytes that one of `paths` (default: ``cgroup_limit_files()``) states, or None
    where none does."""
    limits = []
    for path in cgroup_limit_files() if paths is None else paths:
        try:
            with open(path, encoding="ascii") as file:
                text = file.read().strip()
        except (OSError, UnicodeDecodeError):
            continue
        if text.isdigit() and int(text) > 0:
            limits.append(int(text))
    return min(limits) if limits else None


@functools.cache
def memory_limit() -> int | None:
    """The most memory this process can have, in bytes: the physical memory or the cgroup's limit,
    the lower; None where neither is known. Read once (a sweep asks for every seed)."""
    known = [limit for limit in (physical_memory(), cgroup_limit()) if limit is not None]
    return min(known) if known else None


def not_enough_memory(n_in: int, hidden_units: int, n_out: int, what: str = "a network") -> str:
    shape = f"({n_in}, {hidden_units}, {n_out})"
    return f"not enough memory for {what} of shape {shape}: hidden={hidden_units} is too large"


def in_units(nbytes: int) -> str:
    """A byte count for people: 412.3 GiB."""
    value, unit = float(nbytes), "bytes"
    for larger in ("KiB", "MiB", "GiB", "TiB", "PiB"):
        if value < 1024:
            break
        value, unit = value / 1024, larger
    return f"{value:.1f} {unit}"


def refuse_beyond_memory(
    n_in: int, hidden_units: int, n_out: int, nbytes: int, what: str = "a network", threads: int = 1
) -> None:
    """BeyondMemoryError (a MemoryError) naming hidden if `nbytes`, for `what` of this shape (the work of
    `threads` threads at once), exceed ``memory_limit()``. Where the limit is not known, nothing is refused.
    """
    limit = memory_limit()
    if limit is not None and nbytes > limit:
        raise BeyondMemoryError(
            f"{not_enough_memory(n_in, hidden_units, n_out, what)}: "
            f"{in_units(nbytes)} needed, {in_units(limit)} of memory here",
            threads,
        )
