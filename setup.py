"""Builds xorc's compiled core through cffi; the project's metadata is in pyproject.toml."""

from setuptools import setup

setup(cffi_modules=["xorc/_ffi_build.py:ffibuilder"])
