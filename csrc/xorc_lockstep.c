/*
 * xorc_lockstep.c — lockstep training of a batch of networks, for every SIMD
 * level this build knows, and the choice among them.
 *
 * The kernel is written once (xorc_lockstep.h, over the lane types of
 * xorc_lanes.h) and compiled here once per level, the wider levels inside a
 * target pragma, as Highway and numpy compile one source for several instruction
 * sets in one binary: the baseline build runs on any x86-64, and the AVX2 and
 * AVX-512 code is only entered when the processor reports it (xorc_simd_best).
 * The pragmas add instructions, never -ffast-math or contraction: every level
 * computes the same bits.
 *
 * Nothing here keeps state: the caller passes the level to each call, so the
 * choice (and the XORC_SIMD override) lives with the caller.
 */
#include "xorc.h"
#include "xorc_compiler.h"
#include "xorc_exp.h"
#include "xorc_sizes.h"

#include <math.h>
#include <stdint.h>

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#define XORC_X86_LEVELS 1
#include <cpuid.h>
#include <immintrin.h>
#else
#define XORC_X86_LEVELS 0
#endif

/* The most elements one entry of a group's state takes at any level (LANES * BLOCKS),
 * and the alignment the widest vectors need, in bytes. */
#define XORC_GROUP_MAX 16
#define XORC_ALIGN 64

/* A training step runs forward over blocks of this many rows, layer by layer. */
#define XORC_ROWS 4

/* ---- the levels ---- */

#define LEVEL scalar
#define LANES 1
#define BLOCKS 2
#include "xorc_lanes.h"

#if XORC_X86_LEVELS

#if defined(__clang__)
#define XORC_TARGET_BEGIN(isa)                                                                     \
    _Pragma(XORC_STR(clang attribute push(__attribute__((target(isa))), apply_to = function)))
#define XORC_TARGET_END _Pragma("clang attribute pop")
#else
#define XORC_TARGET_BEGIN(isa) _Pragma("GCC push_options") _Pragma(XORC_STR(GCC target(isa)))
#define XORC_TARGET_END _Pragma("GCC pop_options")
#endif
#define XORC_STR(x) #x

/*
 * The table entries of a vector's lanes, at the levels below AVX-512: one 16-byte
 * load per lane reads its pair (tail, scale bits), and unpacking the pairs gives
 * the vector of tails and the vector of scale bits. (AVX2's gathers would need
 * two, each slower on some processors than these loads.)
 *
 * Lane l's load takes the lane's index in doubles, j2 = 2j: the table's address
 * plus 8 j2 bytes (counted from the table's first byte, as ISO C allows within any
 * object) is one addressing mode, where &xorc_exp_table[j] would cost a shift and
 * an add per lane, and registers to hold the addresses, which the compiler spilled
 * (237 instructions per network-step at AVX2 against 184). The doubling is one
 * shift of the index vector.
 */
#define XORC_ENTRY(j2, l)                                                                          \
    _mm_loadu_pd((const double *)(const void *)((const char *)xorc_exp_table + 8 * (j2)[l]))
typedef char xorc_exp_entry_is_a_pair[sizeof(struct xorc_exp_entry) == 16 ? 1 : -1];

/* SSE2 is x86-64's baseline: no pragma. */
#define LEVEL sse2
#define LANES 2
#define BLOCKS 2
#define XORC_EXP_ENTRIES(j, tail, scale_bits)                                                      \
    do {                                                                                           \
        const vu_sse2 j2_ = (j) << 1;                                                              \
        const __m128d e0_ = XORC_ENTRY(j2_, 0), e1_ = XORC_ENTRY(j2_, 1);                          \
        *(tail) = (vd_sse2)_mm_unpacklo_pd(e0_, e1_);                                              \
        *(scale_bits) = (vu_sse2)_mm_unpackhi_pd(e0_, e1_);                                        \
    } while (0)
#define XORC_ALL_TRUE_D(m) (_mm_movemask_pd((__m128d)(m)) == 0x3)
#include "xorc_lanes.h"

XORC_TARGET_BEGIN("avx2")
#define LEVEL avx2
#define LANES 4
#define BLOCKS 2
/* Lanes 0 and 2 in one register, 1 and 3 in the other: unpacking then pairs them in order. */
#define XORC_EXP_ENTRIES(j, tail, scale_bits)                                                      \
    do {                                                                                           \
        const vu_avx2 j2_ = (j) << 1;                                                              \
        const __m256d e02_ = _mm256_insertf128_pd(_mm256_castpd128_pd256(XORC_ENTRY(j2_, 0)),      \
                                                  XORC_ENTRY(j2_, 2), 1);                          \
        const __m256d e13_ = _mm256_insertf128_pd(_mm256_castpd128_pd256(XORC_ENTRY(j2_, 1)),      \
                                                  XORC_ENTRY(j2_, 3), 1);                          \
        *(tail) = (vd_avx2)_mm256_unpacklo_pd(e02_, e13_);                                         \
        *(scale_bits) = (vu_avx2)_mm256_unpackhi_pd(e02_, e13_);                                   \
    } while (0)
#define XORC_ALL_TRUE_D(m) (_mm256_movemask_pd((__m256d)(m)) == 0xf)
#define XORC_ALL_TRUE_F(m) (_mm_movemask_ps((__m128)(m)) == 0xf)
#include "xorc_lanes.h"
XORC_TARGET_END

XORC_TARGET_BEGIN("avx512f")
#define LEVEL avx512
#define LANES 8
#define BLOCKS 2
/* Two gathers, each 16 j bytes from entry 0's half (the index 2j, scaled by 8). */
#define XORC_EXP_ENTRIES(j, tail, scale_bits)                                                      \
    do {                                                                                           \
        const __m512i at_ = (__m512i)((j)*2);                                                      \
        *(tail) = (vd_avx512)_mm512_i64gather_pd(at_, &xorc_exp_table[0].tail, 8);                 \
        *(scale_bits) = (vu_avx512)_mm512_i64gather_epi64(at_, &xorc_exp_table[0].scale_bits, 8);  \
    } while (0)
#define XORC_ALL_TRUE_D(m) (_mm512_test_epi64_mask((__m512i)(m), (__m512i)(m)) == 0xff)
#define XORC_ALL_TRUE_F(m) (_mm256_movemask_ps((__m256)(m)) == 0xff)
#include "xorc_lanes.h"
XORC_TARGET_END
#undef XORC_ENTRY

/* The extended control register XCR0: which register states the OS saves. */
static uint64_t xorc_xgetbv0(void)
{
    uint32_t eax, edx;
    __asm__("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((uint64_t)edx << 32) | eax;
}
#endif /* XORC_X86_LEVELS */

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

/* *total += a * b, unless that exceeds `limit` (then 0). */
static int add_product(size_t *total, size_t a, size_t b, size_t limit)
{
    size_t product;
    if (!xorc_mul_within(a, b, limit, &product) || product > limit - *total) {
        return 0;
    }
    *total += product;
    return 1;
}

size_t xorc_lockstep_workspace_len(size_t n, size_t n_in, size_t n_hidden, size_t n_out)
{
    /* A group's state, as group_carve in xorc_lockstep.h lays it out: the parameters
     * and their gradients (twice n_in n_hidden + n_hidden n_out + n_hidden + n_out),
     * XORC_ROWS rows' h and o, one row's delta, the rows of X and y, the outputs on
     * every row; each entry up to XORC_GROUP_MAX elements; and room to align the start. */
    const size_t limit = SIZE_MAX / sizeof(double) / XORC_GROUP_MAX;
    size_t entries = 0;
    if (!xorc_sizes_ok(n, n_in, n_hidden, n_out)
        || !add_product(&entries, 2 * n_in, n_hidden, limit)
        || !add_product(&entries, 2 * n_hidden, n_out, limit)
        || !add_product(&entries, 2 + XORC_ROWS, n_hidden, limit)
        || !add_product(&entries, 3 + XORC_ROWS, n_out, limit)
        || !add_product(&entries, n, n_in, limit) || !add_product(&entries, 2 * n, n_out, limit)) {
        return 0;
    }
    return entries * XORC_GROUP_MAX + XORC_ALIGN / sizeof(float);
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

static int level_ok(int level)
{
    return xorc_simd_name(level) != NULL && level <= xorc_simd_best();
}

/* The first XORC_ALIGN-byte boundary in `work` (the workspace has room for it). */
static void *aligned(void *work)
{
    const uintptr_t at = (uintptr_t)work;
    return (char *)work + (XORC_ALIGN - at % XORC_ALIGN) % XORC_ALIGN;
}

/* name_level, for a name that is itself a macro call (FN(lockstep) at level avx2 gives
 * lockstep_d_avx2). */
#define XORC_AT(name, level) XORC_AT_(name, level)
#define XORC_AT_(name, level) name##_##level

#define REAL double
#define FN(name) name##_d
#include "xorc_lockstep_entry.h"
#undef REAL
#undef FN

#define REAL float
#define FN(name) name##_s
#include "xorc_lockstep_entry.h"
#undef REAL
#undef FN
