"""Editing .npz archives in memory, for the tests that craft damaged or hostile files."""

import io
import zipfile

import numpy as np


def members(data):
    """The members of the archive `data` (bytes), in order: {name: bytes}."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def archive_bytes(parts):
    """An uncompressed archive of `parts` ({name: bytes}), in order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def npy(array):
    """`array` as the bytes of a .npy file (object arrays pickled: readers must refuse them)."""
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.asarray(array), allow_pickle=True)
    return buffer.getvalue()


def array(parts, name):
    """The member `name` of `parts` as a writable array."""
    return np.lib.format.read_array(io.BytesIO(parts[name]), allow_pickle=False).copy()
