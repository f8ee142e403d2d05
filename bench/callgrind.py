"""Instructions per training step of the C core, counted by valgrind's callgrind.

    python bench/callgrind.py            # the tables
    python bench/callgrind.py --max 1200 # also exit 1 if the seed job (float64) needs more
    python bench/callgrind.py --lockstep-max 350  # ... or lockstep at AVX2 more per network-step

The first table is one network trained alone (xorc_train_*); the second is the seed
recipe trained in lockstep (xorc_train_lockstep_*, 64 networks) at each SIMD level
this processor has that valgrind can run (not AVX-512), per network-step.

Builds bench/step_driver.c with the core's sources and the extension's own compile
flags (``SOURCES`` and ``compile_args()`` in xorc/_ffi_build.py), runs it under callgrind for two
step counts and divides the difference of the instruction counts by the
difference of the steps, so the fixed cost (process start, the final loss)
cancels out. Instruction counts, unlike times, do not depend on what else the
machine is doing; they do depend on the compiler and its version.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), os.pardir))

# (label, driver arguments after STEPS): the seed job in both precisions, then other shapes.
CASES = [
    ("seed job 2-3-1, 4 rows, float64", ["d"]),
    ("seed job 2-3-1, 4 rows, float32", ["s"]),
    ("2-3-1 with biases, 4 rows, float64", ["d", "3", "4", "bias"]),
    ("2-16-1, 4 rows, float64", ["d", "16", "4"]),
    ("2-64-1, 4 rows, float64", ["d", "64", "4"]),
    ("2-3-1, 64 rows, float64", ["d", "3", "64"]),
]


def build_script():
    """xorc's cffi build script, for the flags and the sources the extension is compiled from."""
    spec = importlib.util.spec_from_file_location("_ffi_build", os.path.join(ROOT, "xorc", "_ffi_build.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_driver(directory: str, name: str = "step_driver") -> tuple[str, list[str]]:
    compiler = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    script = build_script()
    flags = list(script.compile_args())
    binary = os.path.join(directory, name)
    command = [
        *compiler,
        *flags,
        "-I" + os.path.join(ROOT, "csrc"),
        os.path.join(ROOT, "bench", name + ".c"),
        *(os.path.join(ROOT, "csrc", source) for source in script.SOURCES),
        "-lm",
        "-o",
        binary,
    ]
    subprocess.run(command, check=True)
    return binary, [*compiler, *flags]


def instructions(binary: str, steps: int, args: list[str], directory: str) -> int:
    result = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=" + os.path.join(directory, "callgrind.out"),
            binary,
            str(steps),
            *args,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"Collected\s*:\s*(\d+)", result.stderr)
    if match is None:
        raise RuntimeError("callgrind printed no instruction count:\n" + result.stderr)
    return int(match.group(1))


def per_step(binary: str, args: list[str], directory: str, low: int = 1000, high: int = 3000) -> float:
    return (instructions(binary, high, args, directory) - instructions(binary, low, args, directory)) / (high - low)


#: The networks the lockstep driver trains at once, and the levels valgrind can run.
LOCKSTEP_BATCH = 64
VALGRIND_LEVELS = ("scalar", "sse2", "avx2")


def lockstep_levels() -> list[str]:
    """The SIMD levels this processor has that valgrind can run, from xorc itself when it is installed."""
    try:
        from xorc import _binding
    except ImportError:
        return ["scalar"]
    best = _binding.simd_best()
    names = [_binding.simd_name(level) for level in range(best + 1)]
    return [name for name in names if name in VALGRIND_LEVELS]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max", type=float, help="fail if the seed job in float64 takes more instructions per step")
    parser.add_argument("--seed-only", action="store_true", help="count the seed job only (float64 and float32)")
    parser.add_argument(
        "--lockstep-max", type=float, help="fail if lockstep at AVX2 (float64) takes more instructions per network-step"
    )
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("bench/callgrind.py: valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as directory:
        binary, command = build_driver(directory)
        print("compiler and flags: " + " ".join(command))
        print()
        print("| case | instructions per step |")
        print("| --- | ---: |")
        counts = {}
        for label, case in CASES[:2] if args.seed_only else CASES:
            counts[label] = per_step(binary, case, directory)
            print(f"| {label} | {counts[label]:.0f} |", flush=True)
        print()
        lockstep, _ = build_driver(directory, "lockstep_driver")
        print(f"| seed recipe in lockstep, {LOCKSTEP_BATCH} networks | float64 | float32 |")
        print("| --- | ---: | ---: |")
        per_network = {}
        for level in lockstep_levels():
            row = [
                per_step(lockstep, [level, precision, str(LOCKSTEP_BATCH)], directory, 200, 600) / LOCKSTEP_BATCH
                for precision in ("d", "s")
            ]
            per_network[level] = row[0]
            print(f"| {level} | {row[0]:.0f} | {row[1]:.0f} |", flush=True)
    failed = False
    seed = counts[CASES[0][0]]
    if args.max is not None and seed > args.max:
        print(f"bench/callgrind.py: the seed job takes {seed:.0f} instructions per step, more than {args.max:.0f}")
        failed = True
    avx2 = per_network.get("avx2")
    if args.lockstep_max is not None and avx2 is not None and avx2 > args.lockstep_max:
        print(
            f"bench/callgrind.py: lockstep at AVX2 takes {avx2:.0f} instructions per network-step, more than "
            f"{args.lockstep_max:.0f}"
        )
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
