/*
 * xorc_exp-inl.h — the exponential's hot path, written once over the lane types of
 * one level (xorc_lanes-inl.h): e^x for LANES values at once, each lane exactly
 * what the one-lane instance gives. The method, its table and its accuracy are in
 * xorc_exp.h. Included once per translation unit, after xorc_lanes-inl.h.
 */

/*
 * The reduction: p with e^x = 2^e s_j (1 + p), where x = k ln2/N + r, k = N e + j;
 * k is left in the low bits of *k (two's complement), and the table's bits of s_j
 * in *scale_bits:
 *     p = t_j + r + r^2 (1/2 + r/6 + r^2/24)
 * with k ln2/N taken off in two parts (the first exact).
 */
XORC_INLINE LV(vd) LV(exp_reduce)(LV(vd) x, LV(vu) * k, LV(vu) * scale_bits)
{
    LV(vd) kd = x * xorc_exp_inv_ln2_n + XORC_EXP_SHIFT;
    *k = LV(as_bits)(kd);
    kd = kd - XORC_EXP_SHIFT;
    LV(vd) r = x - kd * xorc_exp_ln2_hi_n;
    r = r - kd * xorc_exp_ln2_lo_n;
    LV(vd) r2 = r * r;
    LV(vd) t;
    LV(exp_entries)(*k % XORC_EXP_N, &t, scale_bits);
    return t + r + r2 * (0.5 + r * (1.0 / 6) + r2 * (1.0 / 24));
}

/*
 * The bits of s_j 2^e: those of s_j plus k << 43, which puts e in the exponent (the
 * high bits of 1.5 * 2^52 shift out, and the table has j << 43 taken off already).
 */
XORC_INLINE LV(vu) LV(exp_scale_bits)(LV(vu) k, LV(vu) scale_bits)
{
    return scale_bits + (k << (52 - XORC_EXP_TABLE_BITS));
}

/* e^x in double for |x| < XORC_EXP_HOT_D: 2^e s_j + 2^e s_j p. */
XORC_INLINE LV(vd) LV(exp_core_d)(LV(vd) x)
{
    LV(vu) k, scale_bits;
    const LV(vd) p = LV(exp_reduce)(x, &k, &scale_bits);
    const LV(vd) s = LV(as_double)(LV(exp_scale_bits)(k, scale_bits));
    return s + s * p;
}

/*
 * e^x for float, in double lanes, for |x| <= 128 (2^e stays a normal double): the
 * same scheme with ln2/N in one part and a degree-2 polynomial, s + s (r + r^2/2);
 * the caller rounds the result once to float (a double too large for float rounds
 * to infinity).
 */
XORC_INLINE LV(vd) LV(exp_core_s)(LV(vd) x)
{
    LV(vd) kd = x * xorc_exp_inv_ln2_n + XORC_EXP_SHIFT;
    const LV(vu) k = LV(as_bits)(kd);
    kd = kd - XORC_EXP_SHIFT;
    const LV(vd) r = x - kd * xorc_exp_ln2_n;
    LV(vd) unused_tail;
    LV(vu) scale_bits;
    LV(exp_entries)(k % XORC_EXP_N, &unused_tail, &scale_bits);
    const LV(vd) s = LV(as_double)(LV(exp_scale_bits)(k, scale_bits));
    return s + s * (r + r * r * 0.5);
}
