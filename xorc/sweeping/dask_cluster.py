"""``xorc sweep --scheduler``: a Dask cluster's executor for the length of one sweep.

The sweep itself knows nothing of Dask: it hands chunks to a
``concurrent.futures.Executor``, and Dask's ``Client.get_executor()`` is one. This
module connects a client (with a bounded wait), hands out an executor of the same
kind (``_ClusterExecutor``: cheap cancelling, and no chunk left waiting when the
scheduler is lost), and closes the client after. It is imported by the command when
--scheduler is given, never by ``import xorc``, and it alone imports dask.

Why a thread for connecting: ``Client(address, timeout=...)`` bounds the TCP connect
but not the handshake after it, so an address where something listens but never
answers (a firewall's black hole, a wrong port) would wait forever. The client is
started on a helper thread and given up after the timeout; should it connect later
after all, it closes itself.

Before any client, the address is read here (``scheduler_address``: tcp://HOST:PORT,
a malformed one a usage error at once, where Dask would stall and print a traceback
from ``Client.__del__``), and a plain TCP connection is tried (``_probe``): an unknown
host is said so at once, a connection refused until the timeout is said to be refused
(Dask reports "Timed out"), and something that accepts the connection but answers
what no Dask scheduler says (Dask: "Unable to allocate 3.01 EiB" for a length read
from text) is reported as not a Dask scheduler.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, InvalidStateError
from types import TracebackType
from typing import Any

from .._distribution import install_line

#: What a user without the extra must install.
INSTALL = install_line("dask")
#: Seconds to wait for the scheduler before giving up (the command's --connect-timeout default).
CONNECT_SECONDS = 10.0
#: The longest wait a caller may ask for (an hour): Dask turns the timeout into a deadline, and
#: one beyond the clock's range (--connect-timeout 1e10) raised OverflowError.
CONNECT_SECONDS_MAX = 3600.0
#: Seconds to wait for the client to close (the scheduler may be gone by then).
CLOSE_SECONDS = 5.0
#: Seconds between two looks at whether the client still has its scheduler.
WATCH_SECONDS = 0.25


class ClusterError(Exception):
    """The scheduler could not be reached: one line saying why."""


class AddressError(ClusterError):
    """The scheduler's address is malformed (a usage error, not a failure to connect)."""


def scheduler_address(address: str) -> tuple[str, int]:
    """(host, port) of a scheduler's address, tcp://HOST:PORT (or HOST:PORT); AddressError saying what is wrong.

    HOST is a name or an IPv4 address, or an IPv6 one in brackets (tcp://[::1]:8786);
    PORT a number from 1 to 65535; nothing may follow it. Only tcp:// is taken: tls://
    needs certificates that --scheduler has no way to give, and ucx:// and inproc:// are
    for other setups than a sweep's command line.
    """
    expected = "expected tcp://HOST:PORT, e.g. tcp://127.0.0.1:8786"
    scheme, separator, rest = address.partition("://")
    if not separator:
        scheme, rest = "tcp", address
    if scheme.lower() != "tcp":
        why = "it needs TLS settings that --scheduler does not take" if scheme.lower() == "tls" else f"not {scheme}://"
        raise AddressError(f"{address!r}: xorc connects to a scheduler over tcp:// only ({why}); {expected}")
    host, colon, port = rest.rpartition(":")
    if not colon or not host:
        raise AddressError(f"{address!r} has no {'port' if rest and not colon else 'host'}; {expected}")
    if not (port.isascii() and port.isdigit()) or not 1 <= int(port[:6]) <= 65535:
        raise AddressError(f"{address!r}: the port must be a number from 1 to 65535, got {port!r}; {expected}")
    if host.startswith("[") and host.endswith("]"):
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            raise AddressError(f"{address!r}: {host} is not an IPv6 address; {expected}") from None
        return host[1:-1], int(port)
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_")
    if not set(host) <= allowed or len(host) > 253:
        raise AddressError(f"{address!r}: {host!r} is not a host name or address; {expected}")
    return host, int(port)


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
    host, port = scheduler_address(address)
    if not 0 < timeout <= CONNECT_SECONDS_MAX:
        raise ValueError(f"the connect timeout must be more than 0 and at most {CONNECT_SECONDS_MAX:g} s")
    deadline = time.monotonic() + timeout
    _probe(address, host, port, timeout)
    with _quiet_dask_logs():
        client = _connect(address, timeout, left=max(deadline - time.monotonic(), 0.1))
        try:
            try:
                workers = dict(client.nthreads())
            except Exception as error:
                raise ClusterError(f"the Dask scheduler at {address} stopped answering ({error})") from None
            executor = _ClusterExecutor(client)
            try:
                yield executor, workers
            finally:
                executor.shutdown()
        finally:
            with contextlib.suppress(Exception):
                client.close(timeout=CLOSE_SECONDS)


class _ClusterExecutor(Executor):
    """``Client.get_executor()``, with two changes that a sweep needs from it.

    - Cancelling is cheap: Dask's executor cancels each future with a round trip to the
      scheduler, on the caller's thread, so Ctrl-C with a thousand chunks outstanding took
      3 to 8 s here (more under load); here a cancelled chunk is only noted, and a helper
      thread cancels the noted ones in one call every WATCH_SECONDS.
    - Losing the scheduler ends every outstanding chunk (ConnectionError): Dask cancels its
      futures then, but a result being fetched at that moment leaves its concurrent.futures
      twin pending for ever, and a sweep waiting only for that one would hang.

    Each chunk is ``client.submit(fn, *args, pure=False)`` (every chunk is new work; hashing
    its arguments into a key would only cost), relayed to a concurrent.futures.Future on the
    client's event loop, as Dask's own executor relays it.
    """

    def __init__(self, client: Any) -> None:
        self._client = client
        self._outstanding: weakref.WeakSet[Future[Any]] = weakref.WeakSet()
        self._to_cancel: list[Any] = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._watch = threading.Thread(target=self._watch_client, name="xorc-dask-watch", daemon=True)
        self._watch.start()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        task = self._client.submit(fn, *args, pure=False, **kwargs)
        future: Future[Any] = Future()

        def on_done(done: Future[Any]) -> None:
            if done.cancelled():
                with self._lock:
                    self._to_cancel.append(task)

        future.add_done_callback(on_done)
        with self._lock:
            self._outstanding.add(future)
        self._client.loop.add_callback(_relay, task, future)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._stopped.set()
        self._watch.join()
        self._cancel_noted()

    def _cancel_noted(self) -> None:
        with self._lock:
            tasks, self._to_cancel = self._to_cancel, []
        if tasks and self._client.status == "running":
            with contextlib.suppress(Exception):
                self._client.cancel(tasks)

    def _watch_client(self) -> None:
        while not self._stopped.wait(WATCH_SECONDS):
            self._cancel_noted()
            if self._client.status == "running":
                continue
            with self._lock:
                waiting = [future for future in self._outstanding if not future.done()]
            lost = f"lost the connection to the scheduler (the client is {self._client.status})"
            for future in waiting:
                with contextlib.suppress(InvalidStateError):  # Dask answered meanwhile
                    future.set_exception(ConnectionError(lost))


async def _relay(task: Any, future: Future[Any]) -> None:
    """On the client's event loop: the Dask future `task`'s outcome, passed on to `future` unless it has one.

    (Dask's ``_cascade_future`` does the same, but dies without a word when the connection
    drops while it fetches a result, and raises when the future was settled meanwhile.)
    """
    try:
        result = await task._result(raiseit=False)
    except Exception as error:
        result, status = error, "lost"
    else:
        status = task.status
    with contextlib.suppress(InvalidStateError, RuntimeError):  # cancelled or failed meanwhile
        if status == "finished":
            future.set_result(result)
        elif status == "cancelled":
            if future.cancel():
                future.set_running_or_notify_cancel()
        elif status == "lost":
            future.set_exception(ConnectionError(f"lost the connection to the scheduler ({result})"))
        else:  # "error": (type, exception, traceback) of what the chunk raised on its worker
            future.set_exception(result[1].with_traceback(result[2]))


#: The most bytes a Dask scheduler's first message (its handshake, a few hundred bytes) may announce.
HANDSHAKE_BYTES_MAX = 1 << 20


def _probe(address: str, host: str, port: int, timeout: float) -> None:
    """A TCP connection to the scheduler's port and the first 8 bytes it sends, then closed: a ClusterError
    that says why for a refused connection, an unknown host, and a server that does not start as a Dask
    scheduler does (where Dask says "Timed out", or "Unable to allocate 3.01 EiB").

    A refused connection is tried again until the timeout, as Dask does (a scheduler started
    with the sweep may not listen yet), and then reported as refused. A Dask scheduler speaks
    first: its handshake, a message whose first 8 bytes are its length (a uint64). Dask's
    client believes any length (text read as one asks for exabytes); here a length beyond
    HANDSHAKE_BYTES_MAX is not a scheduler, and a server silent until the timeout does not answer.
    """
    deadline = time.monotonic() + timeout
    try:
        with _connection(host, port, deadline) as connection:
            start = b""
            while len(start) < 8:
                connection.settimeout(max(deadline - time.monotonic(), 0.001))
                received = connection.recv(8 - len(start))
                if not received:
                    raise ClusterError(
                        f"something listens at {address}, but it closed the connection without the greeting a "
                        "Dask scheduler sends; is it the scheduler's port?"
                    )
                start += received
    except socket.gaierror as error:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address}: unknown host {host} ({error.strerror})"
        ) from None
    except ConnectionRefusedError:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address}: the connection was refused (nothing listens on port {port})"
        ) from None
    except TimeoutError:  # no connection, or no word on it: a Dask scheduler greets at once
        raise ClusterError(f"the Dask scheduler at {address} did not answer within {timeout:g} s") from None
    except OSError as error:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({error.strerror or error})") from None
    if int.from_bytes(start, sys.byteorder) > HANDSHAKE_BYTES_MAX:  # (Dask's struct "Q": native order)
        raise ClusterError(
            f"something listens at {address}, but it does not answer as a Dask scheduler does "
            f"(it began with {start!r}); is it the scheduler's port?"
        )


def _connect(address: str, timeout: float, left: float) -> Any:
    """A client of the scheduler at `address`, within `left` of the `timeout` seconds (+ 1 s); ClusterError."""
    from distributed import Client

    outcome: dict[str, Any] = {}
    settled = threading.Lock()  # the helper keeps its client, or the caller gives up on it: one of the two
    answered = threading.Event()

    def start() -> None:
        try:
            client = Client(address, timeout=left, set_as_default=False)
        except Exception as error:
            # Only words cross to the caller: a client that failed halfway (Dask leaves one, its
            # __del__ then waits seconds to close it and prints a traceback) stays on this thread,
            # which closes it after the caller has gone on.
            outcome["error"] = (type(error), str(error))
            answered.set()
            half_built = _client_in(error.__traceback__, Client)
            del error
            if half_built is not None:
                with contextlib.suppress(Exception):
                    half_built.close(timeout=CLOSE_SECONDS)
            return
        with settled:
            too_late = "given up" in outcome
            if not too_late:
                outcome["client"] = client
        answered.set()
        if too_late:  # nobody will use it
            with contextlib.suppress(Exception):
                client.close(timeout=CLOSE_SECONDS)

    thread = threading.Thread(target=start, name="xorc-dask-connect", daemon=True)
    thread.start()
    try:
        answered.wait(left + 1.0)  # Client's own timeout comes first when the TCP connect is what fails
    finally:
        with settled:
            outcome["given up"] = True
            client = outcome.get("client")
    if client is not None:
        return client
    if "error" not in outcome:
        raise ClusterError(f"the Dask scheduler at {address} did not answer within {timeout:g} s")
    kind, text = outcome["error"]
    if issubclass(kind, OSError):  # (TimeoutError and the connection's errors are OSErrors)
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({text})")
    # The port greeted as a scheduler does (see _probe), and then said what no Dask scheduler says.
    raise ClusterError(
        f"something listens at {address}, but it does not answer as a Dask scheduler does "
        f"({kind.__name__}); is it the scheduler's port?"
    )


def _client_in(traceback: TracebackType | None, kind: type) -> Any:
    """The object of type `kind` whose method raised along `traceback` (the client of a failed Client()), or None."""
    while traceback is not None:
        candidate = traceback.tb_frame.f_locals.get("self")
        if isinstance(candidate, kind):
            return candidate
        traceback = traceback.tb_next
    return None


def _connection(host: str, port: int, deadline: float) -> socket.socket:
    """A TCP connection to (host, port), refused ones tried again every 0.1 s until the deadline."""
    while True:
        try:
            return socket.create_connection((host, port), timeout=max(deadline - time.monotonic(), 0.001))
        except ConnectionRefusedError:
            if time.monotonic() + 0.1 >= deadline:
                raise
            time.sleep(0.1)


@contextlib.contextmanager
def _quiet_dask_logs() -> Iterator[None]:
    """Dask's loggers (``distributed``, ``tornado`` and those below them that set a level of their
    own) at CRITICAL for the block, as they were after it: a scheduler that goes away mid-sweep
    would otherwise print retries and tracebacks before the command's own line."""
    import logging

    names = dict.fromkeys(
        name
        for name in ["distributed", "tornado", *logging.root.manager.loggerDict]
        if name in ("distributed", "tornado") or name.startswith(("distributed.", "tornado."))
    )
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
