/* xorc_level_avx512.c — lockstep at AVX-512F, 8 networks per vector, inside a target pragma. */
#include "xorc_level.h"

#if XORC_X86_LEVELS
XORC_TARGET_BEGIN("avx512f")
#define LEVEL avx512
#define LANES 8
#define BLOCKS XORC_BLOCKS
/* Two gathers, each 16 j bytes from entry 0's half (the index 2j, scaled by 8). */
#define XORC_EXP_ENTRIES(j, tail, scale_bits)                                                      \
    do {                                                                                           \
        const __m512i at_ = (__m512i)((j)*2);                                                      \
        *(tail) = (vd_avx512)_mm512_i64gather_pd(at_, &xorc_exp_table[0].tail, 8);                 \
        *(scale_bits) = (vu_avx512)_mm512_i64gather_epi64(at_, &xorc_exp_table[0].scale_bits, 8);  \
    } while (0)
#define XORC_ALL_TRUE_D(m) (_mm512_test_epi64_mask((__m512i)(m), (__m512i)(m)) == 0xff)
#define XORC_ALL_TRUE_F(m) (_mm256_movemask_ps((__m256)(m)) == 0xff)
#define XORC_SQRT_D(v) ((vd_avx512)_mm512_sqrt_pd((__m512d)(v)))
#define XORC_SQRT_F(v) ((vf_avx512)_mm256_sqrt_ps((__m256)(v)))
#include "xorc_level-inl.h"
XORC_TARGET_END
#else
typedef int xorc_level_avx512_absent; /* ISO C: a translation unit is never empty */
#endif
