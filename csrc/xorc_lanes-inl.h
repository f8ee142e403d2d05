/*
 * xorc_lanes-inl.h — the lane types and lane operations of one SIMD level.
 *
 * Included once per translation unit (xorc_level-inl.h, xorc_exp.c), with these
 * macros defined:
 *   LEVEL    the level's name, a suffix of every name made here (avx2 gives vd_avx2)
 *   LANES    networks per vector: 1 (plain scalars, any compiler), or 2, 4, 8 (GCC
 *            and clang vector extensions, compiled for the level's instructions by
 *            the target pragma around the inclusion)
 * and optionally the lane operations below (XORC_EXP_ENTRIES, XORC_ALL_TRUE_*).
 *
 * What differs between levels is only what is here: how wide a vector is and how
 * its lanes are reached. The arithmetic is xorc_exp-inl.h's and xorc_step-inl.h's,
 * the same text for every level, and the table loads of the exponential are the
 * same loads done lane by lane, so every level computes the same bits.
 */

#define LV(name) LV_(name, LEVEL)
#define LV_(name, level) LV__(name, level)
#define LV__(name, level) name##_##level

#if LANES == 1
/* One lane: the vector types are the scalar types, and a lane is the value itself. */
typedef double LV(vd);
typedef float LV(vf);
typedef uint64_t LV(vu);
typedef int LV(md);
typedef int LV(mf);
#define LANE(v, l) (v)
XORC_INLINE LV(vu) LV(as_bits)(LV(vd) x)
{
    return xorc_bits(x);
}
XORC_INLINE LV(vd) LV(as_double)(LV(vu) u)
{
    return xorc_double(u);
}
#define WIDEN(v) ((double)(v))
#define NARROW(v) ((float)(v))
#define ABS_D(v) fabs(v)
#define ABS_F(v) fabsf(v)
/* a where the comparison m holds, else b. */
#define SELECT_D(m, a, b) ((m) ? (a) : (b))
#define SELECT_F(m, a, b) ((m) ? (a) : (b))
#else
/* LANES lanes in GCC's and clang's vector extensions: the arithmetic operators act
 * lane by lane, a scalar operand stands for a vector of copies of it, a comparison
 * gives -1 (all bits set) or 0 per lane, and a cast between vectors of one size
 * reinterprets their bits. */
typedef double LV(vd) __attribute__((vector_size(LANES * sizeof(double))));
typedef float LV(vf) __attribute__((vector_size(LANES * sizeof(float))));
typedef uint64_t LV(vu) __attribute__((vector_size(LANES * sizeof(uint64_t))));
typedef int64_t LV(md) __attribute__((vector_size(LANES * sizeof(int64_t))));
typedef int32_t LV(mf) __attribute__((vector_size(LANES * sizeof(int32_t))));
#define LANE(v, l) ((v)[l])
XORC_INLINE LV(vu) LV(as_bits)(LV(vd) x)
{
    return (LV(vu))x;
}
XORC_INLINE LV(vd) LV(as_double)(LV(vu) u)
{
    return (LV(vd))u;
}
#define WIDEN(v) __builtin_convertvector((v), LV(vd))
#define NARROW(v) __builtin_convertvector((v), LV(vf))
/* |v|: the sign bit cleared. */
#define ABS_D(v) ((LV(vd))((LV(md))(v)&INT64_MAX))
#define ABS_F(v) ((LV(vf))((LV(mf))(v)&INT32_MAX))
/* a where the comparison m holds, else b, lane by lane (a and b vectors): bits, no arithmetic. */
#define SELECT_D(m, a, b) ((LV(vd))(((LV(md))(a) & (m)) | ((LV(md))(b) & ~(m))))
#define SELECT_F(m, a, b) ((LV(vf))(((LV(mf))(a) & (m)) | ((LV(mf))(b) & ~(m))))
#endif

/*
 * The lane operations a level may do in a few instructions (the includer defines
 * XORC_EXP_ENTRIES, XORC_ALL_TRUE_D, XORC_ALL_TRUE_F with intrinsics); otherwise,
 * lane by lane. Both give the same bits: the loads are the one-lane instance's table
 * loads, and a mask test reads no floating-point value.
 */

/* Entry j of the exponential's table (xorc_exp.h) in each lane: its t_j into *tail,
 * its bits of s_j into *scale_bits. */
XORC_INLINE void LV(exp_entries)(LV(vu) j, LV(vd) * tail, LV(vu) * scale_bits)
{
#ifdef XORC_EXP_ENTRIES
    XORC_EXP_ENTRIES(j, tail, scale_bits);
#else
    for (size_t l = 0; l < LANES; l++) {
        LANE(*tail, l) = xorc_exp_table[LANE(j, l)].tail;
        LANE(*scale_bits, l) = xorc_exp_table[LANE(j, l)].scale_bits;
    }
#endif
}

/* The square root, lane by lane, correctly rounded (IEEE 754) in every way: the level's
 * instruction (XORC_SQRT_D, XORC_SQRT_F), or libm's, one lane at a time. */
XORC_INLINE LV(vd) LV(sqrt_d)(LV(vd) v)
{
#ifdef XORC_SQRT_D
    return XORC_SQRT_D(v);
#else
    for (size_t l = 0; l < LANES; l++) {
        LANE(v, l) = sqrt(LANE(v, l));
    }
    return v;
#endif
}
XORC_INLINE LV(vf) LV(sqrt_f)(LV(vf) v)
{
#ifdef XORC_SQRT_F
    return XORC_SQRT_F(v);
#else
    for (size_t l = 0; l < LANES; l++) {
        LANE(v, l) = sqrtf(LANE(v, l));
    }
    return v;
#endif
}

/* Whether every lane of a comparison's result is true. */
XORC_INLINE int LV(all_true_d)(LV(md) m)
{
#ifdef XORC_ALL_TRUE_D
    return XORC_ALL_TRUE_D(m);
#else
    int all = 1;
    for (size_t l = 0; l < LANES; l++) {
        all &= LANE(m, l) != 0;
    }
    return all;
#endif
}
XORC_INLINE int LV(all_true_f)(LV(mf) m)
{
#ifdef XORC_ALL_TRUE_F
    return XORC_ALL_TRUE_F(m);
#else
    int all = 1;
    for (size_t l = 0; l < LANES; l++) {
        all &= LANE(m, l) != 0;
    }
    return all;
#endif
}
