"""Generates the table and constants of csrc/xorc_exp.h, in exact decimal arithmetic.

    python tools/exp_table.py            # prints the generated block
    python tools/exp_table.py --check    # exit 1 if csrc/xorc_exp.h differs from it

For j = 0 .. N-1 (N = 2^9 = 512), with s_j the double nearest to 2^(j/N) and t_j
the double nearest to the relative error (2^(j/N) - s_j) / s_j (so 2^(j/N) =
s_j (1 + t_j) to about 106 bits), entry j of the table holds t_j and the bits of
s_j minus j * 2^43: adding k * 2^43 (k = N e + j) to those then gives the bits of
s_j 2^e. The two halves of an entry sit side by side, so that one 16-byte load
reads both (the lockstep kernel loads a lane's pair so). ln2/N is split into a
high part of 33 significant bits (so k * hi is exact for |k| < 2^20) and the
rest, lo.
"""

from __future__ import annotations

import decimal
import os
import struct
import sys

TABLE_BITS = 9
N = 1 << TABLE_BITS
HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "csrc", "xorc_exp.h")
BEGIN = "/* generated-begin: tools/exp_table.py */"
END = "/* generated-end */"


def _rounded_bits(value: decimal.Decimal, bits: int) -> float:
    """`value` rounded to a binary float with `bits` significant bits (value > 0)."""
    exponent = 0
    while value >= 2:
        value /= 2
        exponent += 1
    while value < 1:
        value *= 2
        exponent -= 1
    scaled = (value * (1 << (bits - 1))).to_integral_value(rounding=decimal.ROUND_HALF_EVEN)
    return float(int(scaled)) * 2.0 ** (exponent - bits + 1)


def generate() -> str:
    decimal.getcontext().prec = 80
    ln2 = decimal.Decimal(2).ln()
    ln2_n = ln2 / N
    hi = _rounded_bits(ln2_n, 33)
    lo = float(ln2_n - decimal.Decimal(hi))
    lines = [
        BEGIN,
        f"#define XORC_EXP_TABLE_BITS {TABLE_BITS}",
        "#define XORC_EXP_N (1 << XORC_EXP_TABLE_BITS)",
        f"static const double xorc_exp_inv_ln2_n = {float(N / ln2).hex()}; /* N / ln2 */",
        f"static const double xorc_exp_ln2_hi_n = {hi.hex()}; /* ln2 / N, 33 bits */",
        f"static const double xorc_exp_ln2_lo_n = {lo.hex()}; /* ln2 / N - hi */",
        f"static const double xorc_exp_ln2_n = {float(ln2_n).hex()}; /* ln2 / N */",
    ]
    bits, tails = [], []
    for j in range(N):
        exact = (ln2 * j / N).exp()
        s = float(exact)
        tails.append(float((exact - decimal.Decimal(s)) / decimal.Decimal(s)))
        bits.append(struct.unpack("<Q", struct.pack("<d", s))[0] - (j << (52 - TABLE_BITS)))
    lines.append(f"/* 2^(j/N) = s_j (1 + t_j), j = 0 .. N-1: t_j, and the bits of s_j minus j * 2^{52 - TABLE_BITS} */")
    lines.append("struct xorc_exp_entry {")
    lines.append("    double tail;")
    lines.append("    uint64_t scale_bits;")
    lines.append("};")
    lines.append("static const struct xorc_exp_entry xorc_exp_table[XORC_EXP_N] = {")
    lines += [f"    {{{t.hex()}, UINT64_C({b:#018x})}}," for t, b in zip(tails, bits, strict=True)]
    lines += ["};", END]
    return "\n".join(lines) + "\n"


def current() -> str:
    with open(HEADER, encoding="utf-8") as header:
        text = header.read()
    return text[text.index(BEGIN) : text.index(END) + len(END)] + "\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["--check"]:
        sys.exit(0 if current() == generate() else 1)
    sys.stdout.write(generate())
