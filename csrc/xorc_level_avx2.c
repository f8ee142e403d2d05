/* xorc_level_avx2.c — lockstep at AVX2, 4 networks per vector, inside a target pragma. */
#include "xorc_level.h"

#if XORC_X86_LEVELS
XORC_TARGET_BEGIN("avx2")
#define LEVEL avx2
#define LANES 4
#define BLOCKS XORC_BLOCKS
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
#define XORC_SQRT_D(v) ((vd_avx2)_mm256_sqrt_pd((__m256d)(v)))
#define XORC_SQRT_F(v) ((vf_avx2)_mm_sqrt_ps((__m128)(v)))
#include "xorc_level-inl.h"
XORC_TARGET_END
#else
typedef int xorc_level_avx2_absent; /* ISO C: a translation unit is never empty */
#endif
