"""Builds xorc's compiled core through cffi; the project's metadata is in pyproject.toml.

cffi compiles the extension against CPython's stable ABI (``Py_LIMITED_API``), so the
module is named ``_ffi.abi3.so``; tagging the wheel ``cp310-abi3`` lets one wheel per
platform serve every CPython from 3.10 on.
"""

import platform

from setuptools import setup

options = {}
if platform.python_implementation() == "CPython":
    options["bdist_wheel"] = {"py_limited_api": "cp310"}

setup(cffi_modules=["xorc/_ffi_build.py:ffibuilder"], options=options)
