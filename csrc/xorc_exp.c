/*
 * xorc_exp.c — the exponential's out-of-line paths (xorc_exp.h), for the values the
 * hot path does not take: built on the one-lane instance of the hot path's own
 * reduction (xorc_exp-inl.h), with a scaling that stays exact near overflow and in
 * the subnormal range. Kept out of line: a training step calls them only for lanes
 * whose x lies outside the hot path.
 */
#include "xorc_compiler.h"
#include "xorc_exp.h"

#include <math.h>
#include <stdint.h>

#define LEVEL wide
#define LANES 1
#include "xorc_lanes-inl.h"
#include "xorc_exp-inl.h"

/* s_j 2^(e - shift) as a double, for the k of exp_reduce (shift keeps it normal). */
static double scale_shifted(uint64_t k, uint64_t scale_bits, uint64_t shift)
{
    return xorc_double(exp_scale_bits_wide(k, scale_bits) - (shift << 52));
}

double xorc_exp_wide(double x)
{
    if (x != x) {
        return x + x;
    }
    if (x > 710.0) {
        return HUGE_VAL;
    }
    if (x < -746.0) {
        return 0.0;
    }
    uint64_t k, scale_bits;
    const double p = exp_reduce_wide(x, &k, &scale_bits);
    if (x > 0) {
        /* 700 <= x <= 710, 1009 <= e <= 1025: 2^(e - 64) s_j (1 + p) is normal, and
         * multiplying it by 2^64 is exact, or overflows to infinity. */
        const double s = scale_shifted(k, scale_bits, 64);
        return (s + s * p) * 0x1p64;
    }
    /* -746 <= x <= -700, -1077 <= e <= -1010: y = exp(x) / 2^-1022 is computed with
     * the normal s = 2^(e + 1022) s_j; then y 2^-1022 is exact if y >= 1. */
    const double s = scale_shifted(k, scale_bits, (uint64_t)0 - 1022);
    double y = s + s * p;
    if (y < 1.0) {
        /* The result is subnormal, a multiple of 2^-1074: y must be rounded to a
         * multiple of 2^-52 once, not to 53 bits first. 1 + y rounds it so; lo
         * carries the rounding error of y into that one rounding. */
        double lo = s - y + s * p;
        const double hi = 1.0 + y;
        lo = 1.0 - hi + y + lo;
        y = (hi + lo) - 1.0;
    }
    return y * 0x1p-1022;
}

/* Beyond +-128 the result is 0 or infinity anyway: clamping there keeps 2^e a normal
 * double. A NaN fails both tests and stays NaN. */
float xorc_exp_s_wide(float x)
{
    double xd = x;
    xd = xd < -128.0 ? -128.0 : xd;
    xd = xd > 128.0 ? 128.0 : xd;
    return (float)exp_core_s_wide(xd);
}
