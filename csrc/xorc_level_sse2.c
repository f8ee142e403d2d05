/* xorc_level_sse2.c — lockstep at SSE2, 2 networks per vector: x86-64's baseline, no pragma. */
#include "xorc_level.h"

#if XORC_X86_LEVELS
#define LEVEL sse2
#define LANES 2
#define BLOCKS XORC_BLOCKS
#define XORC_EXP_ENTRIES(j, tail, scale_bits)                                                      \
    do {                                                                                           \
        const vu_sse2 j2_ = (j) << 1;                                                              \
        const __m128d e0_ = XORC_ENTRY(j2_, 0), e1_ = XORC_ENTRY(j2_, 1);                          \
        *(tail) = (vd_sse2)_mm_unpacklo_pd(e0_, e1_);                                              \
        *(scale_bits) = (vu_sse2)_mm_unpackhi_pd(e0_, e1_);                                        \
    } while (0)
#define XORC_ALL_TRUE_D(m) (_mm_movemask_pd((__m128d)(m)) == 0x3)
#define XORC_SQRT_D(v) ((vd_sse2)_mm_sqrt_pd((__m128d)(v)))
#include "xorc_level-inl.h"
#else
typedef int xorc_level_sse2_absent; /* ISO C: a translation unit is never empty */
#endif
