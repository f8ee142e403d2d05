/*
 * xorc.c — the compiled core: status messages, size checks, and the math of
 * xorc_kernels.h instantiated for double (_d) and float (_s).
 */
#include "xorc.h"
#include "xorc_sizes.h"

#include <math.h>
#include <stdint.h>

const char *xorc_strerror(int status)
{
    switch (status) {
    case XORC_OK:
        return "success";
    case XORC_ERR_NULL:
        return "a required buffer is NULL, or only one of the two biases is given";
    case XORC_ERR_SIZE:
        return "a dimension is zero, or a buffer size overflows size_t";
    case XORC_ERR_LR:
        return "the learning rate must be finite and positive";
    case XORC_ERR_WORKSPACE:
        return "the workspace is shorter than xorc_train_workspace_len() or "
               "xorc_lockstep_workspace_len()";
    case XORC_ERR_SIMD:
        return "the SIMD level is unknown, or this processor does not support it";
    default:
        return "unknown status code";
    }
}

/* The training loop runs forward and backward over blocks of this many rows. */
#define XORC_BLOCK 4

/* a * b, stored in *product, unless it exceeds `limit` (then 0 is returned). */
int xorc_mul_within(size_t a, size_t b, size_t limit, size_t *product)
{
    if (b != 0 && a > limit / b) {
        return 0;
    }
    *product = a * b;
    return 1;
}

/*
 * Every dimension is at least 1 and every buffer of these sizes, counted in
 * bytes of the wider type (double), fits in size_t.
 */
int xorc_sizes_ok(size_t n, size_t n_in, size_t n_hidden, size_t n_out)
{
    const size_t limit = SIZE_MAX / sizeof(double);
    size_t unused;
    if (n == 0 || n_in == 0 || n_hidden == 0 || n_out == 0) {
        return 0;
    }
    return xorc_mul_within(n, n_in, limit, &unused) && xorc_mul_within(n, n_hidden, limit, &unused)
           && xorc_mul_within(n, n_out, limit, &unused)
           && xorc_mul_within(n_in, n_hidden, limit, &unused)
           && xorc_mul_within(n_hidden, n_out, limit, &unused);
}

size_t xorc_train_workspace_len(size_t n_in, size_t n_hidden, size_t n_out)
{
    /* dW1 (n_in·n_hidden), dW2 (n_hidden·n_out), db1, db2, and for a block of
     * XORC_BLOCK rows: h (n_hidden each), o and delta (n_out each). */
    const size_t limit = SIZE_MAX / sizeof(double);
    size_t w1, w2;
    if (!xorc_sizes_ok(1, n_in, n_hidden, n_out) || !xorc_mul_within(n_in, n_hidden, limit, &w1)
        || !xorc_mul_within(n_hidden, n_out, limit, &w2)) {
        return 0;
    }
    size_t h, o;
    if (!xorc_mul_within(n_hidden, XORC_BLOCK, limit, &h)
        || !xorc_mul_within(n_out, XORC_BLOCK, limit, &o)) {
        return 0;
    }
    size_t total = w1;
    const size_t parts[] = {w2, n_hidden, n_out, h, o, o};
    for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++) {
        if (parts[p] > limit - total) {
            return 0;
        }
        total += parts[p];
    }
    return total;
}

/* MT19937 (Matsumoto and Nishimura 1998), as numpy's RandomState runs it. */
enum { MT_N = 624, MT_M = 397 };

/* The next 32-bit output; regenerates the 624 words of state when they are used up. */
static uint32_t mt_next(uint32_t mt[MT_N], size_t *next)
{
    if (*next == MT_N) {
        for (size_t i = 0; i < MT_N; i++) {
            uint32_t y =
                (mt[i] & UINT32_C(0x80000000)) | (mt[(i + 1) % MT_N] & UINT32_C(0x7fffffff));
            mt[i] = mt[(i + MT_M) % MT_N] ^ (y >> 1) ^ ((y & 1) ? UINT32_C(0x9908b0df) : 0);
        }
        *next = 0;
    }
    uint32_t y = mt[(*next)++];
    y ^= y >> 11;
    y ^= (y << 7) & UINT32_C(0x9d2c5680);
    y ^= (y << 15) & UINT32_C(0xefc60000);
    return y ^ (y >> 18);
}

int xorc_random_uniform_d(double *out, size_t n, double low, double high, uint32_t seed)
{
    if (out == NULL) {
        return XORC_ERR_NULL;
    }
    uint32_t mt[MT_N];
    size_t next = MT_N;
    mt[0] = seed;
    for (size_t i = 1; i < MT_N; i++) {
        mt[i] = (uint32_t)(UINT32_C(1812433253) * (mt[i - 1] ^ (mt[i - 1] >> 30)) + (uint32_t)i);
    }
    const double range = high - low;
    for (size_t i = 0; i < n; i++) {
        uint32_t a = mt_next(mt, &next) >> 5;
        uint32_t b = mt_next(mt, &next) >> 6;
        out[i] = low + range * (((double)a * 67108864.0 + (double)b) / 9007199254740992.0);
    }
    return XORC_OK;
}

#include "xorc_compiler.h"
#include "xorc_exp.h"

#define REAL double
#define EXP exp_d
#define FN(name) name##_d
#include "xorc_kernels.h"
#undef REAL
#undef EXP
#undef FN

#define REAL float
#define EXP exp_s
#define FN(name) name##_s
#include "xorc_kernels.h"
#undef REAL
#undef EXP
#undef FN
