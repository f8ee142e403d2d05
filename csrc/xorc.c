/*
 * xorc.c — what the core's entry points share: status messages, the size and option
 * checks, and the seed program's random initial weights. The math is in
 * xorc_step-inl.h and xorc_exp-inl.h.
 */
#include "xorc_internal.h"

#include <float.h>
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
    case XORC_ERR_OPTION:
        return "an option is unknown or out of its range";
    default:
        return "unknown status code";
    }
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

int xorc_updates_fit(const xorc_options *options, size_t n)
{
    const uint64_t per_step = options->online ? (uint64_t)n : 1;
    const uint64_t room = (uint64_t)INT64_MAX
                          - (options->updates_done <= (uint64_t)INT64_MAX ? options->updates_done
                                                                          : (uint64_t)INT64_MAX);
    return options->updates_done <= (uint64_t)INT64_MAX
           && (options->steps == 0 || options->steps <= room / per_step);
}

int xorc_checked_steps_fit(const xorc_options *options)
{
    return options->check_every == 0
           || (options->first_step <= INT64_MAX
               && options->steps <= INT64_MAX - options->first_step);
}

int xorc_options_check(const xorc_options *options, int is_float, int uses_lr)
{
    const double lr = options->lr;
    if (uses_lr && !(isfinite(lr) && lr > 0 && (!is_float || (lr <= FLT_MAX && (float)lr > 0)))) {
        return XORC_ERR_LR;
    }
    const double mu = options->momentum;
    if (options->activation < XORC_ACTIVATION_SIGMOID || options->activation > XORC_ACTIVATION_RELU
        || options->loss < XORC_LOSS_SSE || options->loss > XORC_LOSS_CROSS_ENTROPY
        || options->optimizer < XORC_OPTIMIZER_GD || options->optimizer > XORC_OPTIMIZER_RPROP
        || !(mu >= 0 && mu < 1) || (is_float && !((float)mu < 1))
        || (options->online != 0 && options->online != 1)
        || (options->online && options->optimizer == XORC_OPTIMIZER_RPROP)) {
        return XORC_ERR_OPTION;
    }
    return XORC_OK;
}

size_t xorc_optimizer_state_len(size_t n_in, size_t n_hidden, size_t n_out, int biases)
{
    const size_t limit = SIZE_MAX / sizeof(double) / 2;
    size_t w1, w2;
    if (!xorc_sizes_ok(1, n_in, n_hidden, n_out) || !xorc_mul_within(n_in, n_hidden, limit, &w1)
        || !xorc_mul_within(n_hidden, n_out, limit, &w2) || w2 > limit - w1) {
        return 0;
    }
    size_t params = w1 + w2;
    if (biases) {
        if (n_hidden > limit - params || n_out > limit - params - n_hidden) {
            return 0;
        }
        params += n_hidden + n_out;
    }
    return 2 * params;
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
