"""The cffi build script: compiles csrc/ into the extension module ``xorc._ffi``.

cffi's out-of-line API mode: ``setup.py`` names this file in ``cffi_modules``, and
setuptools compiles the C sources together with the wrapper cffi generates. The
C declarations are read from the public header (between its ``cdef-begin`` and
``cdef-end`` markers), so the header is their one source of truth.
"""

import os
import sys

from cffi import FFI

CSRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "csrc")

#: The core's source files: the shared checks, the exponential's edges, one network at
#: a time (and the scalar level), the lockstep entry points, and one file per SIMD level.
SOURCES = [
    "xorc.c",
    "xorc_exp.c",
    "xorc_single.c",
    "xorc_lockstep.c",
    "xorc_level_sse2.c",
    "xorc_level_avx2.c",
    "xorc_level_avx512.c",
]


def public_declarations(header_path: str) -> str:
    """The part of the header between the cdef markers, which cffi can parse."""
    with open(header_path, encoding="utf-8") as header:
        text = header.read()
    begin = text.index("/* cdef-begin")
    end = text.index("/* cdef-end */")
    return text[text.index("\n", begin) + 1 : end]


def compile_args() -> list:
    """Optimised, for the baseline instruction set, with exact IEEE arithmetic.

    -O3 unrolls and schedules the shape-specialised training step (bench/callgrind.py
    counts 606 instructions per step of the post's job against 989 with -O2). No -march:
    a wheel must run on any processor of its architecture. No fused multiply-add
    contraction and no fast-math, so results do not depend on the processor. -g0 drops
    the debug information that Python's own CFLAGS ask for (-g), a quarter of the
    build's time for the unrolled kernels; the C test program (csrc/Makefile) keeps -g.
    """
    if sys.platform == "win32":
        return ["/O2", "/fp:precise"]
    return ["-std=c99", "-O3", "-g0", "-ffp-contract=off", "-fno-fast-math"]


ffibuilder = FFI()
ffibuilder.cdef(public_declarations(os.path.join(CSRC, "xorc.h")))
ffibuilder.set_source(
    "xorc._ffi",
    '#include "xorc.h"',
    sources=[os.path.join("csrc", name) for name in SOURCES],
    depends=sorted(os.path.join("csrc", name) for name in os.listdir(CSRC) if name.endswith(".h")),
    include_dirs=["csrc"],
    extra_compile_args=compile_args(),
    libraries=[] if sys.platform == "win32" else ["m"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
