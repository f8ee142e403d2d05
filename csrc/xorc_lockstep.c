/*
 * xorc_lockstep.c — the public lockstep entry points: the choice of SIMD level, the
 * workspace a level needs, and xorc_train_lockstep_*'s checks before the chosen
 * level's kernel (xorc_level_*.c; the scalar level is in xorc_single.c).
 *
 * Nothing here keeps state: the caller passes the level to each call, so the
 * choice (and the XORC_SIMD override) lives with the caller.
 */
#include "xorc_internal.h"

#include <float.h>
#include <math.h>
#include <stdint.h>

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#define XORC_X86_LEVELS 1
#include <cpuid.h>

/* The extended control register XCR0: which register states the OS saves. */
static uint64_t xorc_xgetbv0(void)
{
    uint32_t eax, edx;
    __asm__("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}
#else
#define XORC_X86_LEVELS 0
#endif

int xorc_simd_best(void)
{
#if XORC_X86_LEVELS
    unsigned a, b, c, d;
    /* AVX needs the CPU's AVX and the OS's saving of the SSE and AVX registers
     * (XCR0 bits 1, 2); AVX-512 also the opmask and upper ZMM registers (bits 5-7). */
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27)) || !(c & (1u << 28))) {
        return XORC_SIMD_SSE2;
    }
    const uint64_t xcr0 = xorc_xgetbv0();
    if ((xcr0 & 0x6) != 0x6 || __get_cpuid_max(0, NULL) < 7) {
        return XORC_SIMD_SSE2;
    }
    __cpuid_count(7, 0, a, b, c, d);
    if (!(b & (1u << 5))) {
        return XORC_SIMD_SSE2;
    }
    if ((b & (1u << 16)) && (xcr0 & 0xe0) == 0xe0) {
        return XORC_SIMD_AVX512;
    }
    return XORC_SIMD_AVX2;
#else
    return XORC_SIMD_SCALAR;
#endif
}

const char *xorc_simd_name(int level)
{
    switch (level) {
    case XORC_SIMD_SCALAR:
        return "scalar";
    case XORC_SIMD_SSE2:
        return "sse2";
    case XORC_SIMD_AVX2:
        return "avx2";
    case XORC_SIMD_AVX512:
        return "avx512";
    default:
        return NULL;
    }
}

size_t xorc_simd_lanes(int level)
{
    switch (level) {
    case XORC_SIMD_SCALAR:
        return 1;
    case XORC_SIMD_SSE2:
        return 2;
    case XORC_SIMD_AVX2:
        return 4;
    case XORC_SIMD_AVX512:
        return 8;
    default:
        return 0;
    }
}

size_t xorc_lockstep_workspace_len(size_t n, size_t n_in, size_t n_hidden, size_t n_out, int level)
{
    /* A group's state, as xorc_group_layout lays it out, each entry a value of every
     * network of a group (LANES * BLOCKS), and room to align the start. The scalar
     * level trains each network where it lies: its group holds no copies. */
    const int scalar = level == XORC_SIMD_SCALAR;
    const size_t group = scalar ? 1 : xorc_simd_lanes(level) * XORC_BLOCKS;
    size_t at[XORC_PARTS + 1];
    if (xorc_simd_name(level) == NULL || !xorc_sizes_ok(n, n_in, n_hidden, n_out)
        || !xorc_group_layout(at, !scalar, n, n_in, n_hidden, n_out,
                              SIZE_MAX / sizeof(double) / group - XORC_ALIGN)) {
        return 0;
    }
    return at[XORC_PARTS] * group + XORC_ALIGN / sizeof(float);
}

/* The sizes of a batch: each network's buffers, and the batch's, fit in size_t. */
static int batch_ok(size_t batch, size_t n, size_t n_in, size_t n_hidden, size_t n_out)
{
    const size_t limit = SIZE_MAX / sizeof(double);
    size_t w1, w2, rows_out, unused;
    return batch > 0 && xorc_sizes_ok(n, n_in, n_hidden, n_out)
           && xorc_mul_within(n_in, n_hidden, limit, &w1)
           && xorc_mul_within(n_hidden, n_out, limit, &w2)
           && xorc_mul_within(n, n_out, limit, &rows_out)
           && xorc_mul_within(batch, w1, limit, &unused)
           && xorc_mul_within(batch, w2, limit, &unused)
           && xorc_mul_within(batch, n_hidden, limit, &unused)
           && xorc_mul_within(batch, rows_out, limit, &unused);
}

/* The batch's optimizer state fits in size_t. */
static int state_ok(size_t batch, size_t n_in, size_t n_hidden, size_t n_out, int biases)
{
    size_t unused;
    const size_t len = xorc_optimizer_state_len(n_in, n_hidden, n_out, biases);
    return len > 0 && xorc_mul_within(batch, len, SIZE_MAX / sizeof(double), &unused);
}

/* The first XORC_ALIGN-byte boundary in `work` (the workspace has room for it). */
static void *aligned(void *work)
{
    const uintptr_t at = (uintptr_t)work;
    return (char *)work + (XORC_ALIGN - at % XORC_ALIGN) % XORC_ALIGN;
}

/* The checks of xorc_train_lockstep_*, in the order xorc_train_* makes them too (NULL,
 * sizes, options, then the level and the workspace it needs, which depends on it). */
static int lockstep_check(const void *W1, const void *b1, const void *W2, const void *b2,
                          const void *opt_state, const void *loss, const void *out,
                          const int64_t *learned_at, const void *work, size_t work_len,
                          const void *X, const void *y, size_t n, size_t n_in, size_t n_hidden,
                          size_t n_out, size_t batch, const xorc_options *options, int level,
                          int is_float)
{
    if (W1 == NULL || W2 == NULL || loss == NULL || out == NULL || work == NULL || X == NULL
        || y == NULL || (b1 == NULL) != (b2 == NULL) || options == NULL
        || (options->check_every > 0 && learned_at == NULL)
        || (options->optimizer != XORC_OPTIMIZER_GD && opt_state == NULL)) {
        return XORC_ERR_NULL;
    }
    if (!batch_ok(batch, n, n_in, n_hidden, n_out)
        || xorc_lockstep_workspace_len(n, n_in, n_hidden, n_out, XORC_SIMD_SCALAR) == 0
        || !state_ok(batch, n_in, n_hidden, n_out, b1 != NULL) || !xorc_checked_steps_fit(options)
        || !xorc_updates_fit(options, n)) {
        return XORC_ERR_SIZE;
    }
    const int status = xorc_options_check(options, is_float, 1);
    if (status != XORC_OK) {
        return status;
    }
    if (xorc_simd_name(level) == NULL || level > xorc_simd_best()) {
        return XORC_ERR_SIMD;
    }
    /* A wider level's workspace can overflow where the scalar level's does not. */
    const size_t needed = xorc_lockstep_workspace_len(n, n_in, n_hidden, n_out, level);
    if (needed == 0) {
        return XORC_ERR_SIZE;
    }
    if (work_len < needed) {
        return XORC_ERR_WORKSPACE;
    }
    return XORC_OK;
}

#define XORC_LOCKSTEP_ENTRY(REAL, suffix, is_float)                                                \
    int xorc_train_lockstep_##suffix(REAL *W1, REAL *b1, REAL *W2, REAL *b2, REAL *opt_state,      \
                                     REAL *loss, REAL *out, int64_t *learned_at, REAL *work,       \
                                     size_t work_len, const REAL *X, const REAL *y, size_t n,      \
                                     size_t n_in, size_t n_hidden, size_t n_out, size_t batch,     \
                                     const xorc_options *options, int level)                       \
    {                                                                                              \
        const int status =                                                                         \
            lockstep_check(W1, b1, W2, b2, opt_state, loss, out, learned_at, work, work_len, X, y, \
                           n, n_in, n_hidden, n_out, batch, options, level, is_float);             \
        if (status != XORC_OK) {                                                                   \
            return status;                                                                         \
        }                                                                                          \
        void (*kernel)(REAL *, REAL *, REAL *, REAL *, REAL *, REAL *, REAL *, int64_t *, void *,  \
                       const REAL *, const REAL *, size_t, size_t, size_t, size_t, size_t,         \
                       const xorc_options *) = xorc_lockstep_##suffix##_scalar;                    \
        XORC_X86_KERNEL(kernel, suffix, level);                                                    \
        kernel(W1, b1, W2, b2, opt_state, loss, out, learned_at, aligned(work), X, y, n, n_in,     \
               n_hidden, n_out, batch, options);                                                   \
        return XORC_OK;                                                                            \
    }

#if XORC_X86_LEVELS
#define XORC_X86_KERNEL(kernel, suffix, level)                                                     \
    if ((level) == XORC_SIMD_SSE2) {                                                               \
        kernel = xorc_lockstep_##suffix##_sse2;                                                    \
    } else if ((level) == XORC_SIMD_AVX2) {                                                        \
        kernel = xorc_lockstep_##suffix##_avx2;                                                    \
    } else if ((level) == XORC_SIMD_AVX512) {                                                      \
        kernel = xorc_lockstep_##suffix##_avx512;                                                  \
    }
#else
#define XORC_X86_KERNEL(kernel, suffix, level) (void)(level)
#endif

XORC_LOCKSTEP_ENTRY(double, d, 0)
XORC_LOCKSTEP_ENTRY(float, s, 1)
