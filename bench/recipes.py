"""How fast each recipe trains in lockstep, against the seed recipe in the same run.

    python bench/recipes.py           # the table (about half a minute)
    python bench/recipes.py --quick   # one repetition of fewer steps (a few seconds)
    python bench/recipes.py --callgrind  # instructions per network-step instead of time (valgrind)

Each row changes one setting of the seed recipe (XOR, 2-3-1, no biases, sigmoid
hidden units, the SSE, full-batch gradient descent at lr 0.01): the other hidden
activations, the cross-entropy, each optimizer, online updates. Each trains 256
networks (seeds 0 .. 255) in lockstep through the C core (bench/lockstep_driver.c,
built from the core's sources with the extension's own flags), at the best SIMD
level of this processor and at the scalar level, in float64. The time is the
median of the repetitions, the settings interleaved so that the machine's noise
falls on all of them alike; the ratio is to the seed recipe's median in the same run.
The limits are issue 20's: each setting at most this many times the seed recipe
(RPROP has none: it moves each weight by up to 50 at a step, the exponentials leave
their fast path, and its time depends on where its networks go).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from callgrind import build_driver, per_step

from bench import machine

#: (setting, the lockstep driver's word for it, the most it may cost against the seed recipe)
SETTINGS = [
    ("seed recipe", None, None),
    ("activation tanh", "tanh", 2.0),
    ("activation relu", "relu", 2.0),
    ("loss cross_entropy", "cross_entropy", 2.0),
    ("optimizer momentum", "momentum", 2.0),
    ("optimizer nesterov", "nesterov", 2.0),
    ("optimizer adam", "adam", 3.0),
    ("update online", "online", 4.0),
    ("optimizer rprop", "rprop", None),
]

BATCH = 256


def levels() -> list[str]:
    """The best SIMD level of this processor (xorc's own answer) and the scalar level."""
    from xorc import _binding

    best = _binding.simd_name(_binding.simd_best())
    return [best, "scalar"] if best != "scalar" else ["scalar"]


def nanoseconds(driver: str, level: str, word: str | None, steps: int) -> float:
    """The driver's own timing of one run: ns per network-step."""
    args = [driver, str(steps), level, "d", str(BATCH)] + ([word] if word else [])
    line = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    return float(line.rsplit(",", 1)[1].split()[0])


def timed_table(driver: str, steps: int, repetitions: int) -> None:
    names = levels()
    times: dict[tuple[str, str], list[float]] = {(label, level): [] for label, _, _ in SETTINGS for level in names}
    for _ in range(repetitions):
        for level in names:
            for label, word, _ in SETTINGS:
                times[(label, level)].append(nanoseconds(driver, level, word, steps))
    medians = {key: statistics.median(values) for key, values in times.items()}
    header = " | ".join(f"{level} ns | {level} ratio" for level in names)
    print(
        f"### Recipes in lockstep: ns per network-step, float64, {BATCH} networks, {steps} steps, "
        f"median of {repetitions}"
    )
    print()
    print(f"| setting | {header} | at most |")
    print("| --- |" + " ---: | ---: |" * len(names) + " ---: |")
    for label, _, limit in SETTINGS:
        cells = []
        for level in names:
            value = medians[(label, level)]
            cells.append(f"{value:.1f} | {value / medians[(SETTINGS[0][0], level)]:.2f}x")
        print(f"| {label} | {' | '.join(cells)} | {'-' if limit is None else f'{limit:g}x'} |")
    print()


def callgrind_table(driver: str, directory: str) -> None:
    names = [name for name in levels() if name != "avx512"]  # valgrind cannot run AVX-512
    print(f"### Recipes in lockstep: instructions per network-step (callgrind), float64, {BATCH} networks")
    print()
    print("| setting | " + " | ".join(f"{level} | {level} ratio" for level in names) + " | at most |")
    print("| --- |" + " ---: | ---: |" * len(names) + " ---: |")
    seed = {}
    for label, word, limit in SETTINGS:
        cells = []
        for level in names:
            count = per_step(driver, [level, "d", str(BATCH)] + ([word] if word else []), directory, 20, 60) / BATCH
            seed.setdefault(level, count)
            cells.append(f"{count:.0f} | {count / seed[level]:.2f}x")
        print(f"| {label} | {' | '.join(cells)} | {'-' if limit is None else f'{limit:g}x'} |", flush=True)
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one repetition of 1000 steps")
    parser.add_argument("--callgrind", action="store_true", help="count instructions with valgrind instead")
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    with tempfile.TemporaryDirectory() as directory:
        driver, command = build_driver(directory, "lockstep_driver")
        print("compiler and flags: " + " ".join(command))
        print()
        if args.callgrind:
            callgrind_table(driver, directory)
        else:
            timed_table(driver, 1000 if args.quick else 5000, 1 if args.quick else 5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
