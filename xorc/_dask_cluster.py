"""``xorc sweep --scheduler``: a Dask cluster's executor for the length of one sweep.

The sweep itself knows nothing of Dask: it hands chunks to a
``concurrent.futures.Executor``, and Dask's ``Client.get_executor()`` is one. This
module only connects the client (with a bounded wait), hands out its executor, and
closes the client after. It is imported by the command when --scheduler is given,
never by ``import xorc``, and it alone imports dask.

Why a thread for connecting: ``Client(address, timeout=...)`` bounds the TCP connect
but not the handshake after it, so an address where something listens but never
answers (a firewall's black hole, a wrong port) would wait forever. The client is
started on a helper thread and given up after the timeout; should it connect later
after all, it closes itself.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from concurrent.futures import Executor
from typing import Any

#: What a user without the extra must install.
INSTALL = 'pip install "xorc[dask]"'
#: Seconds to wait for the scheduler before giving up (the command's --connect-timeout default).
CONNECT_SECONDS = 10.0
#: Seconds to wait for the client to close (the scheduler may be gone by then).
CLOSE_SECONDS = 5.0


class ClusterError(Exception):
    """The scheduler could not be reached: one line saying why."""


class AddressError(ClusterError):
    """The scheduler's address is malformed (a usage error, not a failure to connect)."""


def require_dask() -> None:
    """Raise ImportError, naming the extra to install, unless dask.distributed can be imported."""
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ImportError(
            f"--scheduler needs dask.distributed, which is not installed: {INSTALL}", name="distributed"
        ) from None


@contextlib.contextmanager
def cluster_executor(address: str, timeout: float = CONNECT_SECONDS) -> Iterator[tuple[Executor, dict[str, int]]]:
    """(executor, {worker address: threads}) of the Dask scheduler at `address`, for a ``with`` block.

    Raises ClusterError within about `timeout` seconds when the scheduler cannot be
    reached. The client is closed at the end of the block, whatever ends it; its
    chunks still outstanding are cancelled by the sweep before that. Dask's own
    log lines are held back meanwhile (the command reports on one line itself).
    """
    require_dask()
    with _quiet_dask_logs():
        client = _connect(address, timeout)
        try:
            # pure=False: every chunk is new work; hashing its arguments into a key would only cost.
            yield client.get_executor(pure=False), dict(client.nthreads())
        finally:
            with contextlib.suppress(Exception):
                client.close(timeout=CLOSE_SECONDS)


def _connect(address: str, timeout: float) -> Any:
    from distributed import Client

    outcome: dict[str, Any] = {}
    settled = threading.Lock()  # the helper keeps its client, or the caller gives up on it: one of the two

    def start() -> None:
        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except Exception as error:
            outcome["error"] = error
            return
        with settled:
            too_late = "given up" in outcome
            if not too_late:
                outcome["client"] = client
        if too_late:  # nobody will use it
            with contextlib.suppress(Exception):
                client.close(timeout=CLOSE_SECONDS)

    thread = threading.Thread(target=start, name="xorc-dask-connect", daemon=True)
    thread.start()
    thread.join(timeout + 1.0)  # Client's own timeout comes first when the TCP connect is what fails
    with settled:
        outcome["given up"] = True
        if "client" in outcome:
            return outcome["client"]
    error = outcome.get("error")
    if isinstance(error, ValueError):  # a malformed address: Dask says what is wrong with it
        raise AddressError(f"{address!r} is not a scheduler address ({error}); expected tcp://HOST:PORT")
    if error is not None:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({error})")
    raise ClusterError(f"the Dask scheduler at {address} did not answer within {timeout:g} s")


@contextlib.contextmanager
def _quiet_dask_logs() -> Iterator[None]:
    """Dask's loggers (``distributed`` and those below it that set a level of their own) at CRITICAL
    for the block, as they were after it: a scheduler that goes away mid-sweep would otherwise
    print a dozen lines of retries before the command's own one."""
    import logging

    names = ["distributed"] + [name for name in logging.root.manager.loggerDict if name.startswith("distributed.")]
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
