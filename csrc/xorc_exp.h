/*
 * xorc_exp.h — the exponential of xorc's sigmoid, in double (exp_d) and float
 * (exp_s), small enough to be inlined into the kernels.
 *
 * Why not libm's exp: a call clobbers every floating-point register (on x86-64
 * and AArch64 alike), so a training step that calls exp 16 times keeps reloading
 * its weights and activations from memory; an inlined exp lets the compiler keep
 * them in registers and overlap the exponentials of different hidden units.
 *
 * The method is the classic table-driven one (Tang 1989; the same scheme as
 * glibc's and musl's exp since 2018): with N = 128,
 *
 *     x = k ln2/N + r,  k = round(x N/ln2),  |r| <= ln2/(2N) (about 0.0027)
 *     exp(x) = 2^(k/N) e^r = 2^e s_j (1 + t_j) e^r,  k = N e + j,  0 <= j < N
 *            ~ 2^e (s_j + s_j (t_j + r + r^2/2 + r^3/6 + r^4/24 + r^5/120))
 *
 * The omitted Taylor term r^6/720 is below 6e-19 relative, k ln2/N is
 * subtracted in two parts (the first exact), and the table gives 2^(j/N) to
 * about 106 bits, so the result is within 0.52 ulp of e^x: the last addition's
 * rounding plus a few hundredths (tests/test_exp.py measures it against libm and
 * a higher-precision reference). exp_s evaluates the same scheme in double with
 * a degree-3 polynomial (error below 1e-11 relative) and rounds once to float.
 *
 * Outside |x| < 700 (results near overflow or the smallest normal, subnormal, 0,
 * infinity, NaN) exp_d takes a slower path that scales 2^e in two factors and
 * rounds a subnormal result once (as glibc and musl do), so it stays as accurate
 * in units of the subnormal spacing, and overflows cleanly to infinity. The
 * sigmoid 1 / (1 + exp(-z)) therefore saturates to exactly 0 or 1 and is never
 * NaN for a finite z.
 *
 * Requires IEEE binary64 doubles; rounding k through the constant 1.5 * 2^52
 * needs no particular rounding mode (in another mode |r| may exceed ln2/(2N)
 * slightly, which the polynomial still covers).
 */
#ifndef XORC_EXP_H
#define XORC_EXP_H

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#if DBL_MANT_DIG != 53 || DBL_MAX_EXP != 1024 || FLT_MANT_DIG != 24
#error "xorc_exp.h needs IEEE 754 binary64 double and binary32 float"
#endif

/* generated-begin: tools/exp_table.py */
#define XORC_EXP_N 128
static const double xorc_exp_inv_ln2_n = 0x1.71547652b82fep+7; /* N / ln2 */
static const double xorc_exp_ln2_hi_n = 0x1.62e42ff000000p-8; /* ln2 / N, 33 bits */
static const double xorc_exp_ln2_lo_n = -0x1.718432a1b0e26p-42; /* ln2 / N - hi */
static const double xorc_exp_ln2_n = 0x1.62e42fefa39efp-8; /* ln2 / N */
/* 2^(j/N) = s_j (1 + t_j): the bits of s_j minus j * 2^45, j = 0 .. N-1 */
static const uint64_t xorc_exp_scale_bits[XORC_EXP_N] = {
    UINT64_C(0x3ff0000000000000),
    UINT64_C(0x3feff63da9fb3335),
    UINT64_C(0x3fefec9a3e778061),
    UINT64_C(0x3fefe315e86e7f85),
    UINT64_C(0x3fefd9b0d3158574),
    UINT64_C(0x3fefd06b29ddf6de),
    UINT64_C(0x3fefc74518759bc8),
    UINT64_C(0x3fefbe3ecac6f383),
    UINT64_C(0x3fefb5586cf9890f),
    UINT64_C(0x3fefac922b7247f7),
    UINT64_C(0x3fefa3ec32d3d1a2),
    UINT64_C(0x3fef9b66affed31b),
    UINT64_C(0x3fef9301d0125b51),
    UINT64_C(0x3fef8abdc06c31cc),
    UINT64_C(0x3fef829aaea92de0),
    UINT64_C(0x3fef7a98c8a58e51),
    UINT64_C(0x3fef72b83c7d517b),
    UINT64_C(0x3fef6af9388c8dea),
    UINT64_C(0x3fef635beb6fcb75),
    UINT64_C(0x3fef5be084045cd4),
    UINT64_C(0x3fef54873168b9aa),
    UINT64_C(0x3fef4d5022fcd91d),
    UINT64_C(0x3fef463b88628cd6),
    UINT64_C(0x3fef3f49917ddc96),
    UINT64_C(0x3fef387a6e756238),
    UINT64_C(0x3fef31ce4fb2a63f),
    UINT64_C(0x3fef2b4565e27cdd),
    UINT64_C(0x3fef24dfe1f56381),
    UINT64_C(0x3fef1e9df51fdee1),
    UINT64_C(0x3fef187fd0dad990),
    UINT64_C(0x3fef1285a6e4030b),
    UINT64_C(0x3fef0cafa93e2f56),
    UINT64_C(0x3fef06fe0a31b715),
    UINT64_C(0x3fef0170fc4cd831),
    UINT64_C(0x3feefc08b26416ff),
    UINT64_C(0x3feef6c55f929ff1),
    UINT64_C(0x3feef1a7373aa9cb),
    UINT64_C(0x3feeecae6d05d866),
    UINT64_C(0x3feee7db34e59ff7),
    UINT64_C(0x3feee32dc313a8e5),
    UINT64_C(0x3feedea64c123422),
    UINT64_C(0x3feeda4504ac801c),
    UINT64_C(0x3feed60a21f72e2a),
    UINT64_C(0x3feed1f5d950a897),
    UINT64_C(0x3feece086061892d),
    UINT64_C(0x3feeca41ed1d0057),
    UINT64_C(0x3feec6a2b5c13cd0),
    UINT64_C(0x3feec32af0d7d3de),
    UINT64_C(0x3feebfdad5362a27),
    UINT64_C(0x3feebcb299fddd0d),
    UINT64_C(0x3feeb9b2769d2ca7),
    UINT64_C(0x3feeb6daa2cf6642),
    UINT64_C(0x3feeb42b569d4f82),
    UINT64_C(0x3feeb1a4ca5d920f),
    UINT64_C(0x3feeaf4736b527da),
    UINT64_C(0x3feead12d497c7fd),
    UINT64_C(0x3feeab07dd485429),
    UINT64_C(0x3feea9268a5946b7),
    UINT64_C(0x3feea76f15ad2148),
    UINT64_C(0x3feea5e1b976dc09),
    UINT64_C(0x3feea47eb03a5585),
    UINT64_C(0x3feea34634ccc320),
    UINT64_C(0x3feea23882552225),
    UINT64_C(0x3feea155d44ca973),
    UINT64_C(0x3feea09e667f3bcd),
    UINT64_C(0x3feea012750bdabf),
    UINT64_C(0x3fee9fb23c651a2f),
    UINT64_C(0x3fee9f7df9519484),
    UINT64_C(0x3fee9f75e8ec5f74),
    UINT64_C(0x3fee9f9a48a58174),
    UINT64_C(0x3fee9feb564267c9),
    UINT64_C(0x3feea0694fde5d3f),
    UINT64_C(0x3feea11473eb0187),
    UINT64_C(0x3feea1ed0130c132),
    UINT64_C(0x3feea2f336cf4e62),
    UINT64_C(0x3feea427543e1a12),
    UINT64_C(0x3feea589994cce13),
    UINT64_C(0x3feea71a4623c7ad),
    UINT64_C(0x3feea8d99b4492ed),
    UINT64_C(0x3feeaac7d98a6699),
    UINT64_C(0x3feeace5422aa0db),
    UINT64_C(0x3feeaf3216b5448c),
    UINT64_C(0x3feeb1ae99157736),
    UINT64_C(0x3feeb45b0b91ffc6),
    UINT64_C(0x3feeb737b0cdc5e5),
    UINT64_C(0x3feeba44cbc8520f),
    UINT64_C(0x3feebd829fde4e50),
    UINT64_C(0x3feec0f170ca07ba),
    UINT64_C(0x3feec49182a3f090),
    UINT64_C(0x3feec86319e32323),
    UINT64_C(0x3feecc667b5de565),
    UINT64_C(0x3feed09bec4a2d33),
    UINT64_C(0x3feed503b23e255d),
    UINT64_C(0x3feed99e1330b358),
    UINT64_C(0x3feede6b5579fdbf),
    UINT64_C(0x3feee36bbfd3f37a),
    UINT64_C(0x3feee89f995ad3ad),
    UINT64_C(0x3feeee07298db666),
    UINT64_C(0x3feef3a2b84f15fb),
    UINT64_C(0x3feef9728de5593a),
    UINT64_C(0x3feeff76f2fb5e47),
    UINT64_C(0x3fef05b030a1064a),
    UINT64_C(0x3fef0c1e904bc1d2),
    UINT64_C(0x3fef12c25bd71e09),
    UINT64_C(0x3fef199bdd85529c),
    UINT64_C(0x3fef20ab5fffd07a),
    UINT64_C(0x3fef27f12e57d14b),
    UINT64_C(0x3fef2f6d9406e7b5),
    UINT64_C(0x3fef3720dcef9069),
    UINT64_C(0x3fef3f0b555dc3fa),
    UINT64_C(0x3fef472d4a07897c),
    UINT64_C(0x3fef4f87080d89f2),
    UINT64_C(0x3fef5818dcfba487),
    UINT64_C(0x3fef60e316c98398),
    UINT64_C(0x3fef69e603db3285),
    UINT64_C(0x3fef7321f301b460),
    UINT64_C(0x3fef7c97337b9b5f),
    UINT64_C(0x3fef864614f5a129),
    UINT64_C(0x3fef902ee78b3ff6),
    UINT64_C(0x3fef9a51fbc74c83),
    UINT64_C(0x3fefa4afa2a490da),
    UINT64_C(0x3fefaf482d8e67f1),
    UINT64_C(0x3fefba1bee615a27),
    UINT64_C(0x3fefc52b376bba97),
    UINT64_C(0x3fefd0765b6e4540),
    UINT64_C(0x3fefdbfdad9cbe14),
    UINT64_C(0x3fefe7c1819e90d8),
    UINT64_C(0x3feff3c22b8f71f1),
};
/* t_j */
static const double xorc_exp_tail[XORC_EXP_N] = {
    0x0.0p+0,
    0x1.b3b4f1a88bf6ep-54,
    -0x1.160139cd8dc5dp-56,
    -0x1.05e7a108766d1p-54,
    0x1.cd2523567f613p-55,
    -0x1.bce8023f98efap-55,
    0x1.0f74e61e6c861p-57,
    0x1.0a3e45b33d399p-54,
    0x1.79aa65d837b6dp-54,
    0x1.eb51a92fdeffcp-55,
    0x1.ebe3d702f9cd1p-60,
    -0x1.a033489906e0bp-57,
    -0x1.556522a2fbd0ep-54,
    -0x1.080ef8c4eea55p-58,
    -0x1.1c923b9d5f416p-54,
    0x1.0d3e3e95c55afp-55,
    -0x1.01b15eaa59348p-55,
    -0x1.f1ff055de323dp-55,
    0x1.b898c3f1353bfp-55,
    -0x1.6d99c7611eb26p-54,
    0x1.aecf73e3a2f60p-54,
    -0x1.fe782cb86389dp-55,
    0x1.a6f4144a6c38dp-55,
    0x1.07a05b0e4047dp-55,
    0x1.68efde3a8a894p-54,
    0x1.75e18f274487dp-55,
    0x1.0472b981fe7f2p-55,
    -0x1.6b87b3f71085ep-54,
    0x1.2f7e16d09ab31p-55,
    -0x1.d219b1a6fbffap-60,
    0x1.b3782720c0ab4p-55,
    0x1.e149289cecb8fp-57,
    0x1.34d754db0abb6p-55,
    0x1.64201e2ac744cp-55,
    0x1.fdd395dd3f84ap-55,
    -0x1.6a3803b8e5b04p-55,
    -0x1.24aedcc4b5068p-54,
    -0x1.907f81b512d8ep-54,
    -0x1.1d1e83e9436d2p-56,
    -0x1.91919b3ce1b15p-54,
    0x1.59f48a72a4c6dp-55,
    -0x1.312607a28698ap-54,
    -0x1.8a78f4817895bp-58,
    -0x1.c2c9b67499a1bp-56,
    0x1.363ed60c2ac11p-59,
    0x1.666093b0664efp-54,
    0x1.ecce1daa10379p-57,
    0x1.3ff8e3f0f1230p-54,
    0x1.690cebb7aafb0p-56,
    0x1.31dbdeb54e077p-54,
    -0x1.f94340071a38ep-55,
    -0x1.7deccdc93a349p-55,
    -0x1.8dec6bd0f385fp-56,
    -0x1.61246ec7b5cf6p-55,
    0x1.3350518fdd78ep-54,
    0x1.b98b72f8a9b05p-56,
    0x1.063e1e21c5409p-54,
    0x1.4c7855019c6eap-60,
    0x1.432e62b64c035p-54,
    -0x1.ce44a6199769fp-55,
    -0x1.c33c53bef4da8p-55,
    -0x1.45378892be9aep-55,
    -0x1.3cedd78565858p-54,
    0x1.710aa807e1964p-58,
    -0x1.3b3efbf5e2228p-54,
    -0x1.a12ad8734b982p-57,
    -0x1.367efb86da9eep-57,
    -0x1.0dc3d54e08851p-55,
    -0x1.81f647e5a3ecfp-56,
    -0x1.6ee4ac08b7db0p-55,
    -0x1.619321e55e68ap-55,
    0x1.09ccb5e09d4d3p-54,
    -0x1.b32dcb94da51dp-56,
    0x1.4ecfd5467c06bp-54,
    0x1.5ebe1abd66c55p-57,
    -0x1.8a1c52fb3cf42p-55,
    -0x1.369b6f13b3734p-54,
    -0x1.05e843a19ff1ep-55,
    -0x1.4d450d872576ep-54,
    0x1.0ad675b0e8a00p-54,
    0x1.db72fc1f0eab4p-55,
    -0x1.5b6609cc5e7ffp-57,
    0x1.bf68359f35f44p-56,
    -0x1.3091fa71e3d83p-54,
    -0x1.da9b88b6c1e29p-58,
    -0x1.c23f97c90b959p-57,
    -0x1.2434322f4f9aap-54,
    -0x1.5ca6cd7668e4bp-55,
    0x1.1affc2b91ce27p-56,
    0x1.dd235e10a73bbp-57,
    -0x1.7c50422622263p-55,
    0x1.b1c86e3e231d5p-55,
    -0x1.1bbd1d3bcbb15p-54,
    0x1.0cc319cee31d2p-54,
    0x1.469846e735ab3p-55,
    -0x1.2dfcd978e9db4p-55,
    0x1.c1a7792cb3387p-55,
    -0x1.07b8f4ad1d9fap-54,
    -0x1.5c3d956dcaebap-58,
    -0x1.0a40e3da6f640p-54,
    -0x1.8d6f438ad9334p-57,
    -0x1.1eee26b588a35p-54,
    0x1.4ffd70a5fddcdp-56,
    -0x1.1bdfbfa9298acp-54,
    0x1.36eae30af0cb3p-56,
    0x1.ee3325c9ffd94p-55,
    0x1.4e08fd10959acp-55,
    0x1.3cdaf384e1a67p-57,
    0x1.76b2c6c921968p-57,
    -0x1.08a1883ccb5d2p-55,
    -0x1.fad5d3ffffa6fp-55,
    -0x1.00dae3875a949p-54,
    0x1.4a385a63d07a7p-56,
    -0x1.2919e2040220fp-55,
    0x1.e5a50d5c192acp-55,
    0x1.43a59ac016b4bp-55,
    -0x1.2d52107b43e1fp-55,
    -0x1.92ab93b470dc9p-55,
    0x1.4b604603a88d3p-56,
    0x1.3c5ec519d7271p-55,
    -0x1.ff7128fd391f0p-55,
    -0x1.dae98e223747dp-55,
    0x1.ec3bc41aa2008p-55,
    0x1.42b94c3a9eb32p-55,
    0x1.a64a931d185eep-55,
    -0x1.e37bae43be3edp-55,
    0x1.7893b4d91cd9dp-56,
    0x1.305c14160cc89p-58,
};
/* generated-end */

/* Adding 1.5 * 2^52 to a double of magnitude below 2^51 rounds it to an integer k,
 * which then sits in the low bits of the sum's representation. */
#define XORC_EXP_SHIFT 0x1.8p52

static inline uint64_t xorc_bits(double x)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    return bits;
}

static inline double xorc_double(uint64_t bits)
{
    double x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

/*
 * The reduction shared by both paths of exp_d: returns p with
 * exp(x) = 2^e s_j (1 + p), and sets *k to the k above in the low bits of a
 * uint64 (two's complement), from which j = k mod N and e = floor(k / N).
 */
XORC_INLINE double xorc_exp_reduce(double x, uint64_t *k)
{
    double kd = x * xorc_exp_inv_ln2_n + XORC_EXP_SHIFT;
    *k = xorc_bits(kd);
    kd -= XORC_EXP_SHIFT;
    double r = x - kd * xorc_exp_ln2_hi_n;
    r -= kd * xorc_exp_ln2_lo_n;
    double r2 = r * r;
    double t = xorc_exp_tail[*k % XORC_EXP_N];
    return t + r + r2 * (0.5 + r * (1.0 / 6)) + r2 * r2 * (1.0 / 24 + r * (1.0 / 120));
}

/* s_j 2^(e - shift) as a double, for the k of xorc_exp_reduce (shift keeps it normal). */
XORC_INLINE double xorc_exp_scale(uint64_t k, uint64_t shift)
{
    /* k << 45 is (e << 52) + (j << 45) modulo 2^64: the high bits of 1.5 * 2^52
     * shift out, and the table has j << 45 taken off already. */
    return xorc_double(xorc_exp_scale_bits[k % XORC_EXP_N] + (k << 45) - (shift << 52));
}

/* exp(x) where |x| >= 700 or x is NaN: the result is near overflow, near or below
 * the smallest normal double, 0, infinity or NaN. Kept out of line: the hot path
 * never takes it. */
XORC_NOINLINE double xorc_exp_wide(double x)
{
    if (x != x) {
        return x + x;
    }
    if (x > 710.0) {
        return HUGE_VAL;
    }
    if (x < -746.0) {
        return 0.0;
    }
    uint64_t k;
    double p = xorc_exp_reduce(x, &k);
    if (x > 0) {
        /* 700 <= x <= 710, 1009 <= e <= 1025: 2^(e - 64) s_j (1 + p) is normal, and
         * multiplying it by 2^64 is exact, or overflows to infinity. */
        double s = xorc_exp_scale(k, 64);
        return (s + s * p) * 0x1p64;
    }
    /* -746 <= x <= -700, -1077 <= e <= -1010: y = exp(x) / 2^-1022 is computed with
     * the normal s = 2^(e + 1022) s_j; then y 2^-1022 is exact if y >= 1. */
    double s = xorc_exp_scale(k, (uint64_t)0 - 1022);
    double y = s + s * p;
    if (y < 1.0) {
        /* The result is subnormal, a multiple of 2^-1074: y must be rounded to a
         * multiple of 2^-52 once, not to 53 bits first. 1 + y rounds it so; lo
         * carries the rounding error of y into that one rounding. */
        double lo = s - y + s * p;
        double hi = 1.0 + y;
        lo = 1.0 - hi + y + lo;
        y = (hi + lo) - 1.0;
    }
    return y * 0x1p-1022;
}

/* e^x in double, within 0.52 ulp. */
XORC_INLINE double exp_d(double x)
{
    /* Below -700, s * p could be subnormal and round coarsely. */
    if (!(fabs(x) < 700.0)) {
        return xorc_exp_wide(x);
    }
    uint64_t k;
    double p = xorc_exp_reduce(x, &k);
    double s = xorc_exp_scale(k, 0);
    return s + s * p;
}

/* e^x in float for |x| <= 128, computed in double (2^e stays a normal double) and
 * rounded once to float. */
XORC_INLINE float xorc_exp_s_core(double x)
{
    double kd = x * xorc_exp_inv_ln2_n + XORC_EXP_SHIFT;
    uint64_t k = xorc_bits(kd);
    kd -= XORC_EXP_SHIFT;
    double r = x - kd * xorc_exp_ln2_n;
    double s = xorc_exp_scale(k, 0);
    /* Rounding a double too large for float gives infinity (IEEE 754, C99 Annex F). */
    return (float)(s + s * (r + r * r * (0.5 + r * (1.0 / 6))));
}

/* e^x in float where |x| >= 100 or x is NaN. Beyond +-128 the result is 0 or
 * infinity anyway: clamping there keeps 2^e a normal double. A NaN fails both
 * tests and stays NaN. */
XORC_NOINLINE float xorc_exp_s_wide(float x)
{
    double xd = x;
    xd = xd < -128.0 ? -128.0 : xd;
    xd = xd > 128.0 ? 128.0 : xd;
    return xorc_exp_s_core(xd);
}

/* e^x in float, within 0.501 ulp. */
XORC_INLINE float exp_s(float x)
{
    if (!(fabsf(x) < 100.0f)) {
        return xorc_exp_s_wide(x);
    }
    return xorc_exp_s_core(x);
}

#endif /* XORC_EXP_H */
