"""The one reader of xorc's .npz files (model files and sweep files), which trusts nothing it has not checked.

One policy for every file xorc reads back:

- Opening: regular files only, opened without blocking and checked on the open
  descriptor (a FIFO would block forever, a device is no file of xorc's).
- The archive: it must begin as a zip does; whatever the zip module raises on a
  damaged archive (BadZipFile, EOFError, NotImplementedError for a "version needed"
  it does not know, ...) is the file's damage, said in one line.
- Members: only the ones the format names, each once, refused before anything is read.
- Headers: each member's .npy header (dtype, shape) is checked against what the
  metadata declares before memory is taken for its data; the member must hold exactly
  the bytes the header declares, and its CRC-32 is checked by reading to the end.
  Nothing is ever unpickled.
- Values: the format checks them (``model_file``, ``sweeping.file``), with the
  metadata's recipe fields checked by the table in ``xorc.recipe``.

Every failure is the `fail` function's exception (a FileError: a ModelFileError or a
SweepFileError, naming the file); running out of memory or nesting too deep says so in the same way.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import stat
import zipfile
from collections.abc import Callable, Iterator
from typing import IO, Any

import numpy as np

from ._validate import short


class FileError(ValueError):
    """A file xorc refuses to read (the base of ModelFileError and SweepFileError); the message names it."""


#: Makes the exception a reader raises, from the problem in words (it names the file).
Fail = Callable[[str], FileError]

ZIP_MAGIC = b"PK\x03\x04"
NPY_MAGIC = b"\x93NUMPY"
PICKLE_MAGIC = b"\x80"
#: The longest metadata string read, in characters (xorc writes a few hundred).
META_MAX = 1 << 16


def detail(error: BaseException) -> str:
    """An exception as a short single line: its type and the start of its message."""
    text = " ".join(f"{type(error).__name__}: {error}".split())
    return text if len(text) <= 150 else text[:147] + "..."


@contextlib.contextmanager
def reading(name: str, fail: Fail) -> Iterator[IO[bytes]]:
    """The regular file `name` opened for reading; MemoryError and RecursionError inside become `fail`."""
    try:
        with _open_regular(name, fail) as file:
            yield file
    except MemoryError:
        raise fail("does not fit in memory (what it declares is too large for this machine)") from None
    except RecursionError:
        raise fail("damaged: its contents are nested too deeply to read") from None


@contextlib.contextmanager
def _open_regular(name: str, fail: Fail) -> Iterator[IO[bytes]]:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(name, flags)
    except FileNotFoundError:
        raise fail("no such file") from None
    except IsADirectoryError:
        raise fail("is a folder, not a file") from None
    except OSError as error:
        raise fail(f"cannot be read ({error.strerror or error})") from None
    except ValueError as error:  # a NUL character, or a name the system cannot encode
        raise fail(f"is not a usable path ({error})") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise fail("is a folder, not a file")
        if not stat.S_ISREG(mode):
            raise fail("is not a regular file (a device, FIFO or socket)")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        file = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with file:
        yield file


@contextlib.contextmanager
def archive_of(file: IO[bytes], fail: Fail, what: str) -> Iterator[zipfile.ZipFile]:
    """The zip archive in `file`, which must be `what` ("an xorc model (.npz)"): refused in words if it is
    empty, a single .npy array, a pickle, not a zip, or a zip the zip module cannot open."""
    try:
        magic = file.read(len(NPY_MAGIC))
    except OSError as error:
        raise fail(f"cannot be read ({error.strerror or error})") from None
    if not magic:
        raise fail(f"is empty, not {what}")
    if magic.startswith(NPY_MAGIC):
        raise fail(f"holds a single .npy array, not {what}")
    if magic.startswith(PICKLE_MAGIC):
        raise fail("is a Python pickle, which xorc never loads")
    if not magic.startswith(ZIP_MAGIC):
        raise fail(f"not {what} (it does not begin as a zip archive does)")
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except Exception as error:
        # A truncated file, a damaged directory, a "version needed" the zip module does not know
        # (NotImplementedError): the file is damaged, and the user is told so.
        raise fail(f"damaged, not a readable zip archive ({detail(error)})") from None
    with archive:
        yield archive


#: A field of a file's metadata beside the recipe's options: (check of its JSON value, what it
#: must be in words, whether null is allowed).
Field = tuple[Callable[[Any], bool], str, bool]


def check_fields(
    meta: dict[str, Any], fields: dict[str, Field], fail: Callable[[str], Exception], label: Callable[[str], str]
) -> None:
    """Each of `fields` present in `meta` and valid; else `fail`, naming it (`label(key)`)."""
    for key, (check, wanted, nullable) in fields.items():
        if key not in meta:
            raise fail(f"the metadata has no {key!r}")
        value = meta[key]
        if (value is None and not nullable) or (value is not None and not check(value)):
            raise fail(f"{label(key)} must be {wanted}, got {short(value)}")


class Members:
    """The .npy members of an open archive, each read only after its header is checked.

    `known`: the member names (without ".npy") the format has; any other member, or one
    of them twice, is refused. `compressed`: whether a compressed member may be read
    (inflated no further than its header declares).
    """

    def __init__(self, archive: zipfile.ZipFile, fail: Fail, known: tuple[str, ...], compressed: bool) -> None:
        self.archive = archive
        self.fail = fail
        self.known = known
        self.infos: dict[str, zipfile.ZipInfo] = {}
        self.unknown: list[str] = []
        for info in archive.infolist():
            key = info.filename.removesuffix(".npy")
            if key not in known or not info.filename.endswith(".npy"):
                self.unknown.append(info.filename)
            elif key in self.infos:
                # A zip may hold two members of one name, and readers differ on which one counts.
                raise fail(f"damaged: it holds the array {key!r} twice")
            else:
                self.infos[key] = info
            if not compressed and info.compress_type != zipfile.ZIP_STORED:
                raise fail(f"the member {info.filename[:40]!r} is compressed; xorc writes these files uncompressed")

    def refuse_unknown(self, what: str) -> None:
        """Refuse a member that is not one of the format's: xorc reads nothing it does not check."""
        if self.unknown:
            raise self.fail(
                f"holds a member {self.unknown[0][:40]!r} that is not part of {what} ({', '.join(self.known)})"
            )

    def __contains__(self, key: str) -> bool:
        return key in self.infos

    def read(
        self,
        key: str,
        *,
        dtype: np.dtype | None = None,
        kinds: str = "",
        max_itemsize: int | None = None,
        wanted: str = "",
        shape: tuple[int, ...] | None = None,
        max_length: int | None = None,
        length_of: tuple[str, int] | None = None,
    ) -> np.ndarray:
        """The array `key`, in native byte order and C order.

        Its .npy header must declare `dtype` (in either byte order; or, without it, one of
        `kinds` of at most `max_itemsize` bytes, described as `wanted`) and `shape` (or,
        without it, a 1-D length of at most `max_length`, or exactly the length of another
        array, `length_of`), and the member must hold exactly the bytes the header
        declares. All this is checked before memory is taken for the data.
        """
        fail = self.fail
        if key not in self.infos:
            raise fail(f"damaged: the array {key!r} is missing")
        info = self.infos[key]
        try:
            with self.archive.open(info) as stream:
                declared_shape, fortran, declared = _npy_header(stream)
                if declared.hasobject:
                    raise fail(f"its array {key!r} holds pickled Python objects, which xorc never loads")
                native = declared.newbyteorder("=")
                if dtype is not None and native != dtype:
                    raise fail(f"{key} has dtype {declared}, expected {dtype}")
                if dtype is None and (native.kind not in kinds or native.itemsize > (max_itemsize or 0)):
                    raise fail(f"{key} must be {wanted}, got {declared} {declared_shape}")
                if shape == () and declared_shape != () and wanted:
                    raise fail(f"{key} must be {wanted}, got {declared} {declared_shape}")
                if shape is not None and declared_shape != shape:
                    raise fail(f"{key} has shape {declared_shape}, expected {shape}")
                if shape is None and len(declared_shape) != 1:
                    raise fail(f"{key} must be 1-D, got shape {declared_shape}")
                if length_of is not None and declared_shape[0] != length_of[1]:
                    raise fail(f"{length_of[0]} ({length_of[1]},) and {key} {declared_shape} differ in length")
                if max_length is not None and declared_shape[0] > max_length:
                    raise fail(f"{key} holds {declared_shape[0]} points, more than the steps trained allow")
                count = math.prod(declared_shape)
                size = count * declared.itemsize
                if info.file_size != stream.tell() + size:
                    raise fail(
                        f"damaged: its array {key!r} is {info.file_size} bytes, but its header declares "
                        f"{stream.tell()} + {size}"
                    )
                data = np.empty(count, dtype=declared)
                _read_into(stream, data.view(np.uint8).data)
                if stream.read(1):  # (reading to the end also checks the member's CRC-32)
                    raise fail(f"damaged: its array {key!r} holds more than its header declares")
        except (FileError, MemoryError, RecursionError):
            raise
        except Exception as error:
            # Whatever zipfile or numpy raise on a damaged member: a bad CRC, a broken
            # header, a compression it does not know, an encrypted member.
            raise fail(f"damaged: its array {key!r} cannot be read ({detail(error)})") from None
        array = data.reshape(declared_shape, order="F" if fortran else "C")
        return array.astype(native, order="C", copy=False)

    def read_meta(self, key: str = "meta") -> dict[str, Any]:
        """The JSON object in the string member `key`, parsed (its fields are the format's to check)."""
        wanted = f"a single string of at most {META_MAX} characters"
        raw = self.read(key, shape=(), kinds="U", max_itemsize=4 * META_MAX, wanted=wanted)
        try:
            meta = json.loads(str(raw[()]))
        except ValueError as error:
            raise self.fail(f"its metadata is not valid JSON ({detail(error)})") from None
        except RecursionError:
            raise self.fail("its metadata is not valid JSON (nested too deeply to read)") from None
        if not isinstance(meta, dict):
            raise self.fail("its metadata is not a JSON object")
        return meta


def _npy_header(stream: IO[bytes]) -> tuple[tuple[int, ...], bool, np.dtype]:
    """(shape, fortran_order, dtype) of the .npy array that `stream` starts with."""
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(stream)
    if version == (2, 0):
        return np.lib.format.read_array_header_2_0(stream)
    raise ValueError(f"npy format version {version}, which xorc does not write")


def _read_into(stream: IO[bytes], buffer: memoryview) -> None:
    done = 0
    while done < len(buffer):
        got = stream.readinto(buffer[done:])  # type: ignore[attr-defined]
        if not got:
            raise EOFError(f"the data ends after {done} of {len(buffer)} bytes")
        done += got
