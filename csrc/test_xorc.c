/*
 * test_xorc.c — the C core tested as C, without Python.
 *
 * Checks every entry point of xorc.h, for double and for float:
 *  - forward, loss and delta against values worked out by hand for a tiny network;
 *  - backward against central finite differences of the loss, on random shapes,
 *    with and without biases;
 *  - update against hand-computed values;
 *  - xorc_train_* for k steps against k calls of forward, backward and update,
 *    bit for bit, and against the seed program's published losses;
 *  - every recipe (activation, loss, optimizer, online updates): gradients against finite
 *    differences, updates against their formulas, lockstep against one network alone
 *    (test_recipes.h);
 *  - every status code: NULL buffers, one bias without the other, zero dimensions,
 *    dimension products that overflow size_t, a short workspace, learning rates
 *    that are not finite and positive — and that a failing call writes nothing.
 *
 * The checks are written once, in test_cases.h, and included once per precision,
 * the way the core instantiates xorc_step-inl.h (xorc_precisions-inl.h). Build and run: `make -C
 * csrc test` (also `sanitize` and `valgrind`). The last line printed is "N passed, N failed"; the
 * exit status is 1 if anything failed.
 */
#include "xorc.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ln 3: sigmoid(k ln 3) = 3^k / (3^k + 1), so multiples of it give hand-checkable values. */
#define LN3 1.0986122886681098

/* The counts of one run. */
struct tally {
    int passed;
    int failed;
};

/* Counts one check; on failure prints what failed (a printf format and its values). */
static void check(struct tally *t, int ok, const char *format, ...)
{
    va_list args;
    if (ok) {
        t->passed++;
        return;
    }
    t->failed++;
    fputs("FAIL: ", stdout);
    va_start(args, format);
    vprintf(format, args);
    va_end(args);
    putchar('\n');
}

/* xorshift64*: a small deterministic generator whose state lives with the caller. */
struct rng {
    uint64_t state;
};

static uint64_t rng_next(struct rng *r)
{
    r->state ^= r->state >> 12;
    r->state ^= r->state << 25;
    r->state ^= r->state >> 27;
    return r->state * UINT64_C(2685821657736338717);
}

/* Uniform in [lo, hi), from the top 53 bits. */
static double rng_uniform(struct rng *r, double lo, double hi)
{
    return lo + (hi - lo) * ((double)(rng_next(r) >> 11) * 0x1.0p-53);
}

/* malloc that never returns NULL (a test may exit; the library may not). */
static void *xmalloc(size_t bytes)
{
    void *p = malloc(bytes == 0 ? 1 : bytes);
    if (p == NULL) {
        fputs("test_xorc: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

/* A network's sizes. */
struct dims {
    size_t n, n_in, n_hidden, n_out;
};

/*
 * The arguments of one call in the error tests: sizes, the update's length,
 * the workspace length given, the learning rate, the number of steps, and
 * which pointer arguments are replaced by NULL (bit k: the k-th, 0-based).
 */
struct call {
    struct dims d;
    size_t len;
    size_t work_len;
    double lr;
    uint64_t steps;
    int activation;
    int no_options; /* pass NULL for the options */
    unsigned nulled;
};

/* The buffers of the error tests, by name: every one is compared before and after a call. */
enum {
    B_X,
    B_Y,
    B_W1,
    B_B1,
    B_W2,
    B_B2,
    B_HIDDEN,
    B_OUT,
    B_DW1,
    B_DB1,
    B_DW2,
    B_DB2,
    B_DELTA,
    B_WORK,
    B_LOSS,
    B_COUNT
};

/* The buffers of the lockstep error tests, in the order of xorc_train_lockstep_*'s pointers. */
enum { L_W1, L_B1, L_W2, L_B2, L_LOSS, L_OUT, L_LEARNED, L_WORK, L_X, L_Y, L_COUNT };

/* The seed program's 2-3-1 network (no biases), its XOR table and its numbers. */
static const double SEED_X[4 * 2] = {1, 0, 0, 0, 0, 1, 1, 1};
static const double SEED_Y[4 * 1] = {1, 0, 1, 0};
static const double SEED_W1[2 * 3] = {
    -0.6169610992422154, 0.24421754207966373, -0.12454452198577104,
    0.5707171674275384,  0.559951616237607,   -0.45481478943471676,
};
static const double SEED_W2[3 * 1] = {-0.4470714897138066, 0.6037443550700385, 0.9162787073674103};
static const double SEED_LOSS_0 = 1.0682484368686982;
static const double SEED_LOSS_60000 = 0.028419013716879406;
static const double SEED_OUT_60000[4] = {
    0.9216677120792811,
    0.11738477160349597,
    0.9215744371130303,
    0.048510956158810715,
};

/*
 * Dimensions that must be rejected with XORC_ERR_SIZE, usable with tiny real
 * buffers because the core must reject them before touching memory. HALF is
 * 2^(bits of size_t / 2): HALF * HALF wraps around to 0.
 */
#define HALF ((size_t)1 << (sizeof(size_t) * CHAR_BIT / 2))
#define THIRD (SIZE_MAX / 3 + 1) /* 3 * THIRD wraps around to 2 (SIZE_MAX is 3 * odd) */
#define ELEMENTS_MAX (SIZE_MAX / sizeof(double))

static const struct dims BAD_DIMS[] = {
    {0, 2, 4, 2},
    {3, 0, 4, 2},
    {3, 2, 0, 2},
    {3, 2, 4, 0},                /* a zero dimension */
    {HALF, HALF, 1, 1},          /* n * n_in wraps to 0 */
    {HALF, 1, HALF, 1},          /* n * n_hidden wraps to 0 */
    {HALF, 1, 1, HALF},          /* n * n_out wraps to 0 */
    {1, HALF, HALF, 1},          /* n_in * n_hidden wraps to 0 */
    {1, 1, HALF, HALF},          /* n_hidden * n_out wraps to 0 */
    {THIRD, 3, 1, 1},            /* n * n_in wraps to 2 */
    {HALF, HALF / 8, 1, 1},      /* fits in elements, not in bytes */
    {SIZE_MAX, 1, 1, 1},         /* one dimension alone */
    {ELEMENTS_MAX + 1, 1, 1, 1}, /* just too many bytes */
};
#define N_BAD_DIMS (sizeof BAD_DIMS / sizeof BAD_DIMS[0])

/*
 * Sizes that each fit, but whose training workspace (about 2 n_hidden + ...
 * elements) does not: xorc_train_* must reject them, not run on a short workspace.
 */
static const struct dims WORKSPACE_OVERFLOW = {1, 1, ELEMENTS_MAX / 2 + 1, 1};

/* ---- double ---- */
#define REAL double
#define REAL_NAME "double"
#define FN(name) name##_d
/*
 * Hand values pass through a handful of roundings (ln 3 itself, a product,
 * a sum, exp, a division), each at most half an ulp, and the sigmoid's slope is
 * at most 1/4, so 8 ulps of 1 bounds their error with room to spare (measured:
 * half an ulp of 1, in double and in float).
 */
#define HAND_TOL (8 * DBL_EPSILON)
/*
 * Central differences with step 1e-5: truncation error ~ eps^2 |L'''| / 6 ~ 1e-11,
 * rounding error ~ DBL_EPSILON |L| / eps ~ 1e-11; relative to max(1e-3, |g| + |fd|)
 * that is ~1e-8 (measured: at most 1.3e-8), well under the required 1e-6.
 */
#define FD_EPS 1e-5
#define FD_FLOOR 1e-3
#define FD_TOL 1e-6
/* The seed program's own float64 numbers, as tests/test_seed_program.py checks them. */
#define SEED_TOL 1e-9
#define TINY_GRADIENT 1e-170
#define REAL_IS_FLOAT_TEST 0
#include "test_cases.h"
#include "test_lockstep.h"
#include "test_recipes.h"
#undef REAL
#undef REAL_NAME
#undef FN
#undef HAND_TOL
#undef FD_EPS
#undef FD_FLOOR
#undef FD_TOL
#undef SEED_TOL
#undef TINY_GRADIENT
#undef REAL_IS_FLOAT_TEST

/* ---- float ---- */
#define REAL float
#define REAL_NAME "float"
#define FN(name) name##_s
#define HAND_TOL (8 * FLT_EPSILON)
/*
 * In float, central differences are limited by the rounding of the two losses,
 * ~ FLT_EPSILON |L| / eps with |L| up to a few units, and by the truncation,
 * ~ eps^2 |L'''| / 6 with inputs up to 2 in size; eps = 2^-6 keeps both near
 * 1e-4. Relative to max(1e-2, |g| + |fd|) that is up to ~1e-2, and the measured
 * maximum over these shapes is 1e-3 (with eps = 2^-7 or 2^-8 it is 2e-3 to
 * 4e-3), so the bound is 1e-2: ten times the measurement, and far below what a
 * wrong gradient gives (a missing factor of 2 is 1/3, a sign error 1).
 */
#define FD_EPS 0x1.0p-6
#define FD_FLOOR 1e-2
#define FD_TOL 1e-2
/* 60000 float steps drift from the float64 run: measured 2.4e-6 in the loss and 5.6e-6 in an
 * output. */
#define SEED_TOL 1e-4
#define TINY_GRADIENT 1e-23f
#define REAL_IS_FLOAT_TEST 1
#include "test_cases.h"
#include "test_lockstep.h"
#include "test_recipes.h"
#undef REAL
#undef REAL_NAME
#undef FN
#undef HAND_TOL
#undef FD_EPS
#undef FD_FLOOR
#undef FD_TOL
#undef SEED_TOL
#undef TINY_GRADIENT
#undef REAL_IS_FLOAT_TEST

/* Every status code has its own description; unknown codes get one too. */
static void test_strerror(struct tally *t)
{
    const int codes[] = {XORC_OK,        XORC_ERR_NULL,      XORC_ERR_SIZE,
                         XORC_ERR_LR,    XORC_ERR_WORKSPACE, XORC_ERR_SIMD,
                         XORC_ERR_OPTION};
    const int unknown[] = {1, -7, INT_MIN, INT_MAX};
    const size_t n_codes = sizeof codes / sizeof codes[0];
    const char *unknown_text = xorc_strerror(unknown[0]);
    check(t, unknown_text != NULL && unknown_text[0] != '\0', "xorc_strerror(1) is empty");
    for (size_t i = 0; i < n_codes; i++) {
        const char *text = xorc_strerror(codes[i]);
        int distinct = text != NULL && text[0] != '\0' && unknown_text != NULL
                       && strcmp(text, unknown_text) != 0;
        for (size_t j = 0; distinct && j < i; j++) {
            distinct = strcmp(text, xorc_strerror(codes[j])) != 0;
        }
        check(t, distinct, "xorc_strerror(%d) is empty or not its own", codes[i]);
    }
    for (size_t i = 1; i < sizeof unknown / sizeof unknown[0]; i++) {
        const char *text = xorc_strerror(unknown[i]);
        check(t, text != NULL && unknown_text != NULL && strcmp(text, unknown_text) == 0,
              "xorc_strerror(%d) is not the unknown-code text", unknown[i]);
    }
}

/* The workspace length: enough for the buffers it holds, 0 for sizes that cannot be. */
static void test_workspace_len(struct tally *t)
{
    /* dW1, dW2, db1, db2 and one row's h, o, delta: 2*3 + 3*1 + 3 + 1 + 3 + 1 + 1. */
    check(t, xorc_train_workspace_len(2, 3, 1) >= 2 * 3 + 3 * 1 + 3 + 1 + 3 + 1 + 1,
          "xorc_train_workspace_len(2, 3, 1) = %zu is too short",
          xorc_train_workspace_len(2, 3, 1));
    check(t,
          xorc_train_workspace_len(0, 3, 1) == 0 && xorc_train_workspace_len(2, 0, 1) == 0
              && xorc_train_workspace_len(2, 3, 0) == 0,
          "xorc_train_workspace_len is not 0 for a zero dimension");
    check(t,
          xorc_train_workspace_len(HALF, HALF, 1) == 0
              && xorc_train_workspace_len(1, HALF, HALF) == 0,
          "xorc_train_workspace_len is not 0 when a product wraps around");
    check(t,
          xorc_train_workspace_len(SIZE_MAX, 1, 1) == 0
              && xorc_train_workspace_len(1, 1, SIZE_MAX) == 0,
          "xorc_train_workspace_len is not 0 for a dimension of SIZE_MAX");
    check(t,
          xorc_train_workspace_len(WORKSPACE_OVERFLOW.n_in, WORKSPACE_OVERFLOW.n_hidden,
                                   WORKSPACE_OVERFLOW.n_out)
              == 0,
          "xorc_train_workspace_len is not 0 when the total overflows");
}

/* The SIMD levels: named, with their lanes, and the best one at least the baseline. */
static void test_simd_levels(struct tally *t)
{
    static const char *const names[] = {"scalar", "sse2", "avx2", "avx512"};
    static const size_t lanes[] = {1, 2, 4, 8};
    for (int level = XORC_SIMD_SCALAR; level <= XORC_SIMD_AVX512; level++) {
        const char *name = xorc_simd_name(level);
        check(t,
              name != NULL && strcmp(name, names[level]) == 0
                  && xorc_simd_lanes(level) == lanes[level],
              "SIMD level %d is not %s with %zu lanes", level, names[level], lanes[level]);
    }
    check(t, xorc_simd_name(-1) == NULL && xorc_simd_name(4) == NULL && xorc_simd_lanes(4) == 0,
          "an unknown SIMD level has a name or lanes");
    check(t, xorc_simd_best() >= XORC_SIMD_SCALAR && xorc_simd_best() <= XORC_SIMD_AVX512,
          "xorc_simd_best() = %d is not a level", xorc_simd_best());
#if defined(__x86_64__) || defined(_M_X64)
    check(t, xorc_simd_best() >= XORC_SIMD_SSE2, "x86-64 without SSE2");
#endif
    for (int level = XORC_SIMD_SCALAR; level <= XORC_SIMD_AVX512; level++) {
        check(t,
              xorc_lockstep_workspace_len(0, 2, 3, 1, level) == 0
                  && xorc_lockstep_workspace_len(4, 0, 3, 1, level) == 0
                  && xorc_lockstep_workspace_len(HALF, HALF, 1, 1, level) == 0
                  && xorc_lockstep_workspace_len(1, 1, ELEMENTS_MAX / 2 + 1, 1, level) == 0,
              "xorc_lockstep_workspace_len at %s is not 0 for sizes that cannot be",
              xorc_simd_name(level));
    }
    check(t,
          xorc_lockstep_workspace_len(4, 2, 3, 1, -1) == 0
              && xorc_lockstep_workspace_len(4, 2, 3, 1, XORC_SIMD_AVX512 + 1) == 0,
          "xorc_lockstep_workspace_len is not 0 for an unknown level");
    {
        /* A level holds a group's entries once per network of the group, plus room to
         * align: the scalar level, which trains each network where it lies, holds no
         * copies of X, y or the outputs, so its length does not grow with the rows. */
        const size_t scalar = xorc_lockstep_workspace_len(4, 2, 16, 1, XORC_SIMD_SCALAR);
        const size_t scalar_rows = xorc_lockstep_workspace_len(4000, 2, 16, 1, XORC_SIMD_SCALAR);
        const size_t avx2 = xorc_lockstep_workspace_len(4, 2, 16, 1, XORC_SIMD_AVX2);
        const size_t avx512 = xorc_lockstep_workspace_len(4, 2, 16, 1, XORC_SIMD_AVX512);
        check(t,
              scalar == scalar_rows && scalar < xorc_train_workspace_len(2, 16, 1) + 64
                  && 8 * scalar < avx2 && avx2 < avx512,
              "lockstep workspace lengths: scalar %zu (%zu on 4000 rows), avx2 %zu, avx512 %zu",
              scalar, scalar_rows, avx2, avx512);
    }
}

/*
 * The highest level to test: the best this machine has, or the level XORC_SIMD
 * names if it is lower (valgrind cannot run AVX-512 code: `make valgrind` caps it).
 */
static int max_level_to_test(void)
{
    const char *forced = getenv("XORC_SIMD");
    int best = xorc_simd_best();
    if (forced != NULL && forced[0] != '\0') {
        for (int level = XORC_SIMD_SCALAR; level < best; level++) {
            if (strcmp(forced, xorc_simd_name(level)) == 0) {
                return level;
            }
        }
    }
    return best;
}

int main(void)
{
    struct tally t = {0, 0};
    const int max_level = max_level_to_test();
    printf("lockstep levels tested: scalar to %s (best here: %s)\n", xorc_simd_name(max_level),
           xorc_simd_name(xorc_simd_best()));
    test_strerror(&t);
    test_workspace_len(&t);
    test_simd_levels(&t);
    run_tests_d(&t);
    run_tests_s(&t);
    test_lockstep_d(&t, max_level);
    test_lockstep_s(&t, max_level);
    test_recipes_d(&t, max_level);
    test_recipes_s(&t, max_level);
    printf("%d passed, %d failed\n", t.passed, t.failed);
    return t.failed == 0 ? 0 : 1;
}
