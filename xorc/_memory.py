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

#: Where Linux shows a container the memory limit of its control group: cgroup v2 ("max"
#: for none), then v1 (a number near 2**63 for none, which the physical memory undercuts).
CGROUP_LIMIT_FILES = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")


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


def cgroup_limit(paths: tuple[str, ...] = CGROUP_LIMIT_FILES) -> int | None:
    """The first limit in bytes that one of `paths` states, or None where none does."""
    for path in paths:
        try:
            with open(path, encoding="ascii") as file:
                text = file.read().strip()
        except (OSError, UnicodeDecodeError):
            continue
        if text.isdigit() and int(text) > 0:
            return int(text)
    return None


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
