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
 * glibc's and musl's exp since 2018, with a larger table): with N = 512,
 *
 *     x = k ln2/N + r,  k = round(x N/ln2),  |r| <= ln2/(2N) (about 0.00068)
 *     exp(x) = 2^(k/N) e^r = 2^e s_j (1 + t_j) e^r,  k = N e + j,  0 <= j < N
 *            ~ 2^e (s_j + s_j (t_j + r + r^2/2 + r^3/6 + r^4/24))
 *
 * The omitted Taylor term r^5/120 is below 1.2e-18 relative, k ln2/N is
 * subtracted in two parts (the first exact), and the table gives 2^(j/N) to
 * about 106 bits (a table of 512 pairs, 8 KiB), so the result is within
 * 0.52 ulp of e^x: the last addition's rounding plus about a hundredth
 * (tests/test_exp.py measures 0.509 against a higher-precision reference, and
 * compares with libm). A larger table means a shorter polynomial: N = 128 (as
 * in glibc) needs degree 5, 6% more instructions per training step. exp_s
 * evaluates the same scheme in double with a degree-2 polynomial (error below
 * 6e-11 relative, a thousandth of a float ulp) and rounds once to float: within
 * 0.501 ulp.
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

/* The generator's layout, kept as it writes it: */
/* clang-format off */
/* generated-begin: tools/exp_table.py */
#define XORC_EXP_TABLE_BITS 9
#define XORC_EXP_N (1 << XORC_EXP_TABLE_BITS)
static const double xorc_exp_inv_ln2_n = 0x1.71547652b82fep+9; /* N / ln2 */
static const double xorc_exp_ln2_hi_n = 0x1.62e42ff000000p-10; /* ln2 / N, 33 bits */
static const double xorc_exp_ln2_lo_n = -0x1.718432a1b0e26p-44; /* ln2 / N - hi */
static const double xorc_exp_ln2_n = 0x1.62e42fefa39efp-10; /* ln2 / N */
/* 2^(j/N) = s_j (1 + t_j), j = 0 .. N-1: t_j, and the bits of s_j minus j * 2^43 */
struct xorc_exp_entry {
    double tail;
    uint64_t scale_bits;
};
static const struct xorc_exp_entry xorc_exp_table[XORC_EXP_N] = {
    {0x0.0p+0, UINT64_C(0x3ff0000000000000)},
    {-0x1.5d87ade1f60d5p-56, UINT64_C(0x3feffd8c86da1c0a)},
    {-0x1.4e82fc61851acp-55, UINT64_C(0x3feffb1afa5abcbf)},
    {0x1.bffdaa7ac4bacp-54, UINT64_C(0x3feff8ab5b2cbd11)},
    {0x1.b3b4f1a88bf6ep-54, UINT64_C(0x3feff63da9fb3335)},
    {0x1.5c18e5ae0563ap-56, UINT64_C(0x3feff3d1e77170b4)},
    {-0x1.2985dd8521d32p-55, UINT64_C(0x3feff168143b0281)},
    {-0x1.05b1125cf49a5p-56, UINT64_C(0x3fefef003103b10e)},
    {-0x1.160139cd8dc5dp-56, UINT64_C(0x3fefec9a3e778061)},
    {0x1.f879abbff3f87p-54, UINT64_C(0x3fefea363d42b027)},
    {0x1.51e617061bfbdp-57, UINT64_C(0x3fefe7d42e11bbcc)},
    {0x1.b14003824712ap-54, UINT64_C(0x3fefe57411915a8a)},
    {-0x1.05e7a108766d1p-54, UINT64_C(0x3fefe315e86e7f85)},
    {0x1.1cbf0f38af658p-57, UINT64_C(0x3fefe0b9b35659d8)},
    {0x1.45fad437fa426p-55, UINT64_C(0x3fefde5f72f654b1)},
    {-0x1.a3316383dcbc5p-54, UINT64_C(0x3fefdc0727fc1762)},
    {0x1.cd2523567f613p-55, UINT64_C(0x3fefd9b0d3158574)},
    {0x1.901c9e0e797fdp-54, UINT64_C(0x3fefd75c74f0bec2)},
    {-0x1.54529642b232fp-54, UINT64_C(0x3fefd50a0e3c1f89)},
    {-0x1.9b3236d111646p-55, UINT64_C(0x3fefd2b99fa6407c)},
    {-0x1.bce8023f98efap-55, UINT64_C(0x3fefd06b29ddf6de)},
    {-0x1.cb191be99b1b0p-55, UINT64_C(0x3fefce1ead925493)},
    {0x1.293708ef5c32ep-55, UINT64_C(0x3fefcbd42b72a836)},
    {-0x1.acb71e83765b7p-54, UINT64_C(0x3fefc98ba42e7d30)},
    {0x1.0f74e61e6c861p-57, UINT64_C(0x3fefc74518759bc8)},
    {0x1.cd3e58b03697ep-58, UINT64_C(0x3fefc50088f8093f)},
    {-0x1.5b9280905b2a4p-54, UINT64_C(0x3fefc2bdf66607e0)},
    {-0x1.bfb07d4755452p-55, UINT64_C(0x3fefc07d61701716)},
    {0x1.0a3e45b33d399p-54, UINT64_C(0x3fefbe3ecac6f383)},
    {0x1.aedeb3e7b14cdp-55, UINT64_C(0x3fefbc02331b9715)},
    {0x1.4f31f32c4b7e7p-55, UINT64_C(0x3fefb9c79b1f3919)},
    {0x1.a8eb1f3d914b4p-54, UINT64_C(0x3fefb78f03834e52)},
    {0x1.79aa65d837b6dp-54, UINT64_C(0x3fefb5586cf9890f)},
    {-0x1.5b9eb0402507bp-55, UINT64_C(0x3fefb323d833d93f)},
    {0x1.407fb30d06420p-54, UINT64_C(0x3fefb0f145e46c85)},
    {-0x1.3f0f225bbf3eep-54, UINT64_C(0x3fefaec0b6bdae53)},
    {0x1.eb51a92fdeffcp-55, UINT64_C(0x3fefac922b7247f7)},
    {-0x1.c3fe7282d1784p-54, UINT64_C(0x3fefaa65a4b520ba)},
    {-0x1.a5d04b3b9911bp-54, UINT64_C(0x3fefa83b23395dec)},
    {0x1.c8be44bf4cde8p-54, UINT64_C(0x3fefa612a7b26300)},
    {0x1.ebe3d702f9cd1p-60, UINT64_C(0x3fefa3ec32d3d1a2)},
    {0x1.20c5444c93c44p-55, UINT64_C(0x3fefa1c7c55189c6)},
    {-0x1.37a01f0739546p-54, UINT64_C(0x3fef9fa55fdfa9c5)},
    {-0x1.4c6baeb580d7ap-55, UINT64_C(0x3fef9d8503328e6d)},
    {-0x1.a033489906e0bp-57, UINT64_C(0x3fef9b66affed31b)},
    {0x1.657aa1b0d9f83p-55, UINT64_C(0x3fef994a66f951ce)},
    {0x1.b8268b04ef0a5p-55, UINT64_C(0x3fef973028d7233e)},
    {0x1.2f2c7fd6ee145p-57, UINT64_C(0x3fef9517f64d9ef1)},
    {-0x1.556522a2fbd0ep-54, UINT64_C(0x3fef9301d0125b51)},
    {-0x1.b0b2789925e90p-57, UINT64_C(0x3fef90edb6db2dc1)},
    {-0x1.ac46e44a2ebccp-54, UINT64_C(0x3fef8edbab5e2ab6)},
    {-0x1.3aad17d197faep-54, UINT64_C(0x3fef8ccbae51a5c8)},
    {-0x1.080ef8c4eea55p-58, UINT64_C(0x3fef8abdc06c31cc)},
    {-0x1.89c464a07ad70p-54, UINT64_C(0x3fef88b1e264a0e9)},
    {-0x1.5704e90c9f860p-57, UINT64_C(0x3fef86a814f204ab)},
    {-0x1.2c338fce197f4p-56, UINT64_C(0x3fef84a058cbae1e)},
    {-0x1.1c923b9d5f416p-54, UINT64_C(0x3fef829aaea92de0)},
    {-0x1.dca724cea0eb6p-57, UINT64_C(0x3fef809717425438)},
    {-0x1.97cea57e46280p-55, UINT64_C(0x3fef7e95934f312e)},
    {0x1.64770b955d34dp-59, UINT64_C(0x3fef7c962388149e)},
    {0x1.0d3e3e95c55afp-55, UINT64_C(0x3fef7a98c8a58e51)},
    {-0x1.62811c114424fp-54, UINT64_C(0x3fef789d83606e12)},
    {0x1.6f01429e2b9d2p-58, UINT64_C(0x3fef76a45471c3c2)},
    {0x1.ec58e74904dd4p-55, UINT64_C(0x3fef74ad3c92df73)},
    {-0x1.01b15eaa59348p-55, UINT64_C(0x3fef72b83c7d517b)},
    {0x1.d63b0ab2d5bbfp-55, UINT64_C(0x3fef70c554eaea89)},
    {0x1.e653b2459034bp-57, UINT64_C(0x3fef6ed48695bbc0)},
    {-0x1.ca9effbeeac92p-54, UINT64_C(0x3fef6ce5d23816c9)},
    {-0x1.f1ff055de323dp-55, UINT64_C(0x3fef6af9388c8dea)},
    {0x1.bda920de0f6e2p-55, UINT64_C(0x3fef690eba4df41f)},
    {0x1.2cc7ea345b7dcp-54, UINT64_C(0x3fef672658375d2f)},
    {-0x1.a597f9a5ff71cp-54, UINT64_C(0x3fef654013041dc2)},
    {0x1.b898c3f1353bfp-55, UINT64_C(0x3fef635beb6fcb75)},
    {0x1.0835b125aa573p-58, UINT64_C(0x3fef6179e2363cf8)},
    {0x1.57bfb2876ea9ep-54, UINT64_C(0x3fef5f99f8138a1c)},
    {0x1.aaa13d61aec1fp-55, UINT64_C(0x3fef5dbc2dc40bf0)},
    {-0x1.6d99c7611eb26p-54, UINT64_C(0x3fef5be084045cd4)},
    {0x1.a4f81aa7110bdp-55, UINT64_C(0x3fef5a06fb91588f)},
    {0x1.cdc1873af2155p-55, UINT64_C(0x3fef582f95281c6b)},
    {-0x1.817fd6a313e3ep-57, UINT64_C(0x3fef565a51860746)},
    {0x1.aecf73e3a2f60p-54, UINT64_C(0x3fef54873168b9aa)},
    {-0x1.6236af85fd26ap-54, UINT64_C(0x3fef52b6358e15e8)},
    {-0x1.493684653a131p-54, UINT64_C(0x3fef50e75eb44027)},
    {0x1.795eb4523abe7p-56, UINT64_C(0x3fef4f1aad999e82)},
    {-0x1.fe782cb86389dp-55, UINT64_C(0x3fef4d5022fcd91d)},
    {0x1.fe58b91b40095p-55, UINT64_C(0x3fef4b87bf9cda38)},
    {-0x1.8e2899077520ap-54, UINT64_C(0x3fef49c18438ce4d)},
    {0x1.1ecaa860c614ap-54, UINT64_C(0x3fef47fd7190241e)},
    {0x1.a6f4144a6c38dp-55, UINT64_C(0x3fef463b88628cd6)},
    {-0x1.e45c83ba0bbcbp-60, UINT64_C(0x3fef447bc96ffc18)},
    {0x1.120fcd4f59273p-54, UINT64_C(0x3fef42be3578a819)},
    {-0x1.9fd3bea07b4eep-61, UINT64_C(0x3fef4102cd3d09b9)},
    {0x1.07a05b0e4047dp-55, UINT64_C(0x3fef3f49917ddc96)},
    {0x1.7f1c7350e256dp-55, UINT64_C(0x3fef3d9282fc1f27)},
    {0x1.9b788c188c9b8p-55, UINT64_C(0x3fef3bdda27912d1)},
    {0x1.20dac6c124f4fp-59, UINT64_C(0x3fef3a2af0b63bff)},
    {0x1.68efde3a8a894p-54, UINT64_C(0x3fef387a6e756238)},
    {-0x1.9501d09bc09fdp-54, UINT64_C(0x3fef36cc1c78903a)},
    {0x1.77afbca90ef84p-55, UINT64_C(0x3fef351ffb82140a)},
    {0x1.3baf864dc8675p-56, UINT64_C(0x3fef33760c547f15)},
    {0x1.75e18f274487dp-55, UINT64_C(0x3fef31ce4fb2a63f)},
    {0x1.1b0575c1eaf54p-54, UINT64_C(0x3fef3028c65fa1ff)},
    {0x1.1512f082876eep-54, UINT64_C(0x3fef2e85711ece75)},
    {-0x1.0364bc9ce33abp-54, UINT64_C(0x3fef2ce450b3cb82)},
    {0x1.0472b981fe7f2p-55, UINT64_C(0x3fef2b4565e27cdd)},
    {-0x1.548165d85ed32p-56, UINT64_C(0x3fef29a8b16f0a30)},
    {0x1.a02f0c7d75ec6p-54, UINT64_C(0x3fef280e341ddf29)},
    {0x1.c3b977a68e32cp-56, UINT64_C(0x3fef2675eeb3ab98)},
    {-0x1.6b87b3f71085ep-54, UINT64_C(0x3fef24dfe1f56381)},
    {-0x1.3a255f697ecfep-54, UINT64_C(0x3fef234c0ea83f36)},
    {-0x1.03297e78260bfp-55, UINT64_C(0x3fef21ba7591bb70)},
    {0x1.d2d19edc1e550p-55, UINT64_C(0x3fef202b17779965)},
    {0x1.2f7e16d09ab31p-55, UINT64_C(0x3fef1e9df51fdee1)},
    {-0x1.6b2173113dd8cp-56, UINT64_C(0x3fef1d130f50d65c)},
    {-0x1.5b77e5ccd9fbfp-54, UINT64_C(0x3fef1b8a66d10f13)},
    {0x1.11aa5f853590bp-55, UINT64_C(0x3fef1a03fc675d1f)},
    {-0x1.d219b1a6fbffap-60, UINT64_C(0x3fef187fd0dad990)},
    {0x1.1d61a34c8aa02p-57, UINT64_C(0x3fef16fde4f2e280)},
    {-0x1.1e75c40b4251ep-54, UINT64_C(0x3fef157e39771b2f)},
    {-0x1.1f892bf6b286dp-54, UINT64_C(0x3fef1400cf2f6c18)},
    {0x1.b3782720c0ab4p-55, UINT64_C(0x3fef1285a6e4030b)},
    {0x1.590c65c20e680p-56, UINT64_C(0x3fef110cc15d5346)},
    {0x1.8a911f1f7785ap-54, UINT64_C(0x3fef0f961f641589)},
    {0x1.6fe320b5c1e9dp-55, UINT64_C(0x3fef0e21c1c14833)},
    {0x1.e149289cecb8fp-57, UINT64_C(0x3fef0cafa93e2f56)},
    {-0x1.03cd8b2f25790p-54, UINT64_C(0x3fef0b3fd6a454d2)},
    {-0x1.1e7c998db7dbbp-57, UINT64_C(0x3fef09d24abd886b)},
    {0x1.b3bf786a54a87p-56, UINT64_C(0x3fef08670653dfe4)},
    {0x1.34d754db0abb6p-55, UINT64_C(0x3fef06fe0a31b715)},
    {0x1.4bb6c41732885p-56, UINT64_C(0x3fef05975721b004)},
    {0x1.5425c11faadf4p-55, UINT64_C(0x3fef0432edeeb2fd)},
    {-0x1.9d7399abb9a8bp-54, UINT64_C(0x3fef02d0cf63eeac)},
    {0x1.64201e2ac744cp-55, UINT64_C(0x3fef0170fc4cd831)},
    {-0x1.451d60c6ac9ebp-58, UINT64_C(0x3fef001375752b40)},
    {-0x1.79517a03e2847p-54, UINT64_C(0x3feefeb83ba8ea32)},
    {0x1.787a210ceafd9p-55, UINT64_C(0x3feefd5f4fb45e20)},
    {0x1.fdd395dd3f84ap-55, UINT64_C(0x3feefc08b26416ff)},
    {-0x1.88d1e4629943dp-55, UINT64_C(0x3feefab46484ebb4)},
    {-0x1.00e2a46da4beep-55, UINT64_C(0x3feef96266e3fa2d)},
    {-0x1.3369c544088b6p-54, UINT64_C(0x3feef812ba4ea77d)},
    {-0x1.6a3803b8e5b04p-55, UINT64_C(0x3feef6c55f929ff1)},
    {0x1.5373ce4eb6dfbp-55, UINT64_C(0x3feef57a577dd72b)},
    {-0x1.7430803972b34p-55, UINT64_C(0x3feef431a2de883b)},
    {0x1.3adec8265a67fp-55, UINT64_C(0x3feef2eb428335b4)},
    {-0x1.24aedcc4b5068p-54, UINT64_C(0x3feef1a7373aa9cb)},
    {-0x1.35388bcac6bc5p-55, UINT64_C(0x3feef06581d3f669)},
    {-0x1.54de30ae02d94p-54, UINT64_C(0x3feeef26231e754a)},
    {0x1.27cdb4e4b6640p-56, UINT64_C(0x3feeede91be9c811)},
    {-0x1.907f81b512d8ep-54, UINT64_C(0x3feeecae6d05d866)},
    {0x1.6c2696a26af35p-55, UINT64_C(0x3feeeb761742d808)},
    {-0x1.4f2487e1c03ecp-54, UINT64_C(0x3feeea401b7140ef)},
    {0x1.88f6ff06b979ap-55, UINT64_C(0x3feee90c7a61d55b)},
    {-0x1.1d1e83e9436d2p-56, UINT64_C(0x3feee7db34e59ff7)},
    {-0x1.9d5efaabc2030p-55, UINT64_C(0x3feee6ac4bcdf3ea)},
    {0x1.14a5432fcb2f4p-54, UINT64_C(0x3feee57fbfec6cf4)},
    {-0x1.6b8867f91c9d6p-56, UINT64_C(0x3feee4559212ef89)},
    {-0x1.91919b3ce1b15p-54, UINT64_C(0x3feee32dc313a8e5)},
    {0x1.4c9c0b5157fe6p-54, UINT64_C(0x3feee20853c10f28)},
    {0x1.9c3bba5562a2fp-56, UINT64_C(0x3feee0e544ede173)},
    {-0x1.2455345b51c8ep-57, UINT64_C(0x3feedfc4976d27fa)},
    {0x1.59f48a72a4c6dp-55, UINT64_C(0x3feedea64c123422)},
    {-0x1.3331de45477d0p-54, UINT64_C(0x3feedd8a63b0a09b)},
    {-0x1.5a71612e21658p-55, UINT64_C(0x3feedc70df1c5175)},
    {-0x1.5f84d39b39b16p-54, UINT64_C(0x3feedb59bf29743f)},
    {-0x1.312607a28698ap-54, UINT64_C(0x3feeda4504ac801c)},
    {-0x1.2ba4dc7c4d562p-56, UINT64_C(0x3feed932b07a35df)},
    {0x1.6421f6f1d24d6p-55, UINT64_C(0x3feed822c367a024)},
    {-0x1.44f25dc02691fp-55, UINT64_C(0x3feed7153e4a136a)},
    {-0x1.8a78f4817895bp-58, UINT64_C(0x3feed60a21f72e2a)},
    {-0x1.88d328eb9b501p-55, UINT64_C(0x3feed5016f44d8f5)},
    {-0x1.348a6815fce65p-54, UINT64_C(0x3feed3fb2709468a)},
    {0x1.f0bec42ddb15ap-56, UINT64_C(0x3feed2f74a1af3f1)},
    {-0x1.c2c9b67499a1bp-56, UINT64_C(0x3feed1f5d950a897)},
    {-0x1.15f0a2b9cd452p-57, UINT64_C(0x3feed0f6d5817663)},
    {0x1.35c43984d9871p-55, UINT64_C(0x3feecffa3f84b9d4)},
    {-0x1.c2e465a919e1dp-55, UINT64_C(0x3feecf0018321a1a)},
    {0x1.363ed60c2ac11p-59, UINT64_C(0x3feece086061892d)},
    {-0x1.65dfd02bd08f1p-55, UINT64_C(0x3feecd1318eb43ec)},
    {-0x1.32afc8d9473a0p-57, UINT64_C(0x3feecc2042a7d232)},
    {-0x1.e68cec89b1762p-55, UINT64_C(0x3feecb2fde7006f4)},
    {0x1.666093b0664efp-54, UINT64_C(0x3feeca41ed1d0057)},
    {-0x1.8ae858eb682cap-59, UINT64_C(0x3feec9566f8827d0)},
    {-0x1.5fc5e44de020ep-54, UINT64_C(0x3feec86d668b3237)},
    {0x1.dd71277c0915fp-58, UINT64_C(0x3feec786d3001fe5)},
    {0x1.ecce1daa10379p-57, UINT64_C(0x3feec6a2b5c13cd0)},
    {0x1.2001325ecd7fbp-54, UINT64_C(0x3feec5c10fa920a1)},
    {-0x1.ea0148327c42fp-56, UINT64_C(0x3feec4e1e192aed2)},
    {0x1.5ace6e2870332p-57, UINT64_C(0x3feec4052c5916c4)},
    {0x1.3ff8e3f0f1230p-54, UINT64_C(0x3feec32af0d7d3de)},
    {-0x1.595c55690ffafp-54, UINT64_C(0x3feec2532feaada6)},
    {-0x1.a843ad1a88022p-56, UINT64_C(0x3feec17dea6db7d7)},
    {-0x1.b401ba9fb5199p-55, UINT64_C(0x3feec0ab213d5283)},
    {0x1.690cebb7aafb0p-56, UINT64_C(0x3feebfdad5362a27)},
    {0x1.df82bf324cc57p-57, UINT64_C(0x3feebf0d073537ca)},
    {0x1.92ca3bf144e63p-55, UINT64_C(0x3feebe41b817c114)},
    {0x1.7cae38641c7bbp-54, UINT64_C(0x3feebd78e8bb586b)},
    {0x1.31dbdeb54e077p-54, UINT64_C(0x3feebcb299fddd0d)},
    {0x1.2d80c5c4a2b67p-57, UINT64_C(0x3feebbeeccbd7b2a)},
    {-0x1.02c99b04aa8b0p-54, UINT64_C(0x3feebb2d81d8abff)},
    {0x1.f39c10d12eaf0p-55, UINT64_C(0x3feeba6eba2e35f0)},
    {-0x1.f94340071a38ep-55, UINT64_C(0x3feeb9b2769d2ca7)},
    {-0x1.0b582d74a55d9p-55, UINT64_C(0x3feeb8f8b804f127)},
    {0x1.3e34f67e67118p-56, UINT64_C(0x3feeb8417f4531ee)},
    {-0x1.b4e327ff434cap-57, UINT64_C(0x3feeb78ccd3deb0d)},
    {-0x1.7deccdc93a349p-55, UINT64_C(0x3feeb6daa2cf6642)},
    {-0x1.92dca38593e20p-58, UINT64_C(0x3feeb62b00da3b14)},
    {-0x1.5a3b1197ba0f0p-56, UINT64_C(0x3feeb57de83f4eef)},
    {-0x1.5daca9994833ep-55, UINT64_C(0x3feeb4d359dfd53d)},
    {-0x1.8dec6bd0f385fp-56, UINT64_C(0x3feeb42b569d4f82)},
    {-0x1.80b4321bc6daep-54, UINT64_C(0x3feeb385df598d78)},
    {0x1.1bd2888075068p-55, UINT64_C(0x3feeb2e2f4f6ad27)},
    {-0x1.390afec5241c5p-55, UINT64_C(0x3feeb24298571b06)},
    {-0x1.61246ec7b5cf6p-55, UINT64_C(0x3feeb1a4ca5d920f)},
    {0x1.f15cdafe7d586p-55, UINT64_C(0x3feeb1098bed1bdf)},
    {-0x1.96be8ae89ef8fp-55, UINT64_C(0x3feeb070dde910d2)},
    {-0x1.10aa91ae9b67fp-54, UINT64_C(0x3feeafdac1351819)},
    {0x1.3350518fdd78ep-54, UINT64_C(0x3feeaf4736b527da)},
    {0x1.57e1b67462375p-54, UINT64_C(0x3feeaeb63f4d854c)},
    {-0x1.8e6ac90348602p-55, UINT64_C(0x3feeae27dbe2c4cf)},
    {0x1.124d5051552a7p-55, UINT64_C(0x3feead9c0d59ca07)},
    {0x1.b98b72f8a9b05p-56, UINT64_C(0x3feead12d497c7fd)},
    {-0x1.ca103952ecf1fp-60, UINT64_C(0x3feeac8c32824135)},
    {-0x1.1af7f1365c3acp-54, UINT64_C(0x3feeac0827ff07cc)},
    {0x1.73345c02a4fd6p-56, UINT64_C(0x3feeab86b5f43d92)},
    {0x1.063e1e21c5409p-54, UINT64_C(0x3feeab07dd485429)},
    {-0x1.09d2a0fce20f2p-54, UINT64_C(0x3feeaa8b9ee20d1e)},
    {-0x1.43a3540d1898ap-54, UINT64_C(0x3feeaa11fba87a03)},
    {-0x1.24f2cb4f81746p-54, UINT64_C(0x3feea99af482fc8f)},
    {0x1.4c7855019c6eap-60, UINT64_C(0x3feea9268a5946b7)},
    {-0x1.43592a0a9846bp-54, UINT64_C(0x3feea8b4be135acc)},
    {-0x1.51f58ddaa8090p-54, UINT64_C(0x3feea84590998b93)},
    {-0x1.56bc85d444f4fp-54, UINT64_C(0x3feea7d902d47c65)},
    {0x1.432e62b64c035p-54, UINT64_C(0x3feea76f15ad2148)},
    {0x1.14d1e4218319fp-54, UINT64_C(0x3feea707ca0cbf0f)},
    {-0x1.2e1648e50a17cp-55, UINT64_C(0x3feea6a320dceb71)},
    {0x1.71c93709313f4p-54, UINT64_C(0x3feea6411b078d26)},
    {-0x1.ce44a6199769fp-55, UINT64_C(0x3feea5e1b976dc09)},
    {0x1.f88303b60d222p-56, UINT64_C(0x3feea584fd15612a)},
    {0x1.5f30eda98a575p-54, UINT64_C(0x3feea52ae6cdf6f4)},
    {0x1.0125ca18d4b5bp-56, UINT64_C(0x3feea4d3778bc944)},
    {-0x1.c33c53bef4da8p-55, UINT64_C(0x3feea47eb03a5585)},
    {0x1.592ea73798b11p-54, UINT64_C(0x3feea42c91c56acd)},
    {0x1.17ecda8a72159p-54, UINT64_C(0x3feea3dd1d1929fd)},
    {-0x1.371d6d7d75739p-54, UINT64_C(0x3feea390532205d8)},
    {-0x1.45378892be9aep-55, UINT64_C(0x3feea34634ccc320)},
    {-0x1.ac05fd996f807p-55, UINT64_C(0x3feea2fec30678b7)},
    {-0x1.345f3cee1ae6ep-54, UINT64_C(0x3feea2b9febc8fb7)},
    {-0x1.1f5067d03653ap-54, UINT64_C(0x3feea277e8dcc390)},
    {-0x1.3cedd78565858p-54, UINT64_C(0x3feea23882552225)},
    {0x1.17339c86ce3adp-54, UINT64_C(0x3feea1fbcc140be7)},
    {-0x1.5c33fdf910406p-55, UINT64_C(0x3feea1c1c70833f6)},
    {-0x1.7e66065ba2500p-56, UINT64_C(0x3feea18a7420a036)},
    {0x1.710aa807e1964p-58, UINT64_C(0x3feea155d44ca973)},
    {0x1.64c827ee6b49ap-54, UINT64_C(0x3feea123e87bfb7a)},
    {0x1.1079ab5789604p-55, UINT64_C(0x3feea0f4b19e9538)},
    {-0x1.28311a3c73480p-54, UINT64_C(0x3feea0c830a4c8d4)},
    {-0x1.3b3efbf5e2228p-54, UINT64_C(0x3feea09e667f3bcd)},
    {0x1.82c79e185e981p-55, UINT64_C(0x3feea077541ee718)},
    {0x1.27df161cd7778p-56, UINT64_C(0x3feea052fa75173e)},
    {-0x1.b48cea80b043bp-55, UINT64_C(0x3feea0315a736c75)},
    {-0x1.a12ad8734b982p-57, UINT64_C(0x3feea012750bdabf)},
    {-0x1.f4863bc8e5180p-59, UINT64_C(0x3fee9ff64b30aa09)},
    {0x1.3f9924a05b767p-54, UINT64_C(0x3fee9fdcddd47645)},
    {0x1.54835dd4b7548p-54, UINT64_C(0x3fee9fc62dea2f8a)},
    {-0x1.367efb86da9eep-57, UINT64_C(0x3fee9fb23c651a2f)},
    {-0x1.bf41f59b59f8ap-55, UINT64_C(0x3fee9fa10a38cee8)},
    {-0x1.7557939a8b5efp-55, UINT64_C(0x3fee9f9298593ae5)},
    {-0x1.f652fde52775cp-55, UINT64_C(0x3fee9f86e7ba9fef)},
    {-0x1.0dc3d54e08851p-55, UINT64_C(0x3fee9f7df9519484)},
    {-0x1.b0300defbcf98p-56, UINT64_C(0x3fee9f77ce1303f6)},
    {0x1.1ed2f56fa9d1ap-58, UINT64_C(0x3fee9f7466f42e87)},
    {-0x1.9dab646035dc0p-55, UINT64_C(0x3fee9f73c4eaa988)},
    {-0x1.81f647e5a3ecfp-56, UINT64_C(0x3fee9f75e8ec5f74)},
    {-0x1.1f0c230588ddep-54, UINT64_C(0x3fee9f7ad3ef9011)},
    {-0x1.8e67a9006c909p-55, UINT64_C(0x3fee9f8286ead08a)},
    {0x1.106450507a28cp-54, UINT64_C(0x3fee9f8d02d50b8f)},
    {-0x1.6ee4ac08b7db0p-55, UINT64_C(0x3fee9f9a48a58174)},
    {-0x1.129729a10f3a0p-54, UINT64_C(0x3fee9faa5953c849)},
    {0x1.6597566977ac8p-55, UINT64_C(0x3fee9fbd35d7cbfd)},
    {0x1.81a70a5124f67p-56, UINT64_C(0x3fee9fd2df29ce7c)},
    {-0x1.619321e55e68ap-55, UINT64_C(0x3fee9feb564267c9)},
    {0x1.41626ea62646dp-54, UINT64_C(0x3feea0069c1a861d)},
    {0x1.2c0b7028a5c3ap-54, UINT64_C(0x3feea024b1ab6e09)},
    {-0x1.40b9f54365b7cp-54, UINT64_C(0x3feea04597eeba8f)},
    {0x1.09ccb5e09d4d3p-54, UINT64_C(0x3feea0694fde5d3f)},
    {0x1.73455e0e826c1p-55, UINT64_C(0x3feea08fda749e5d)},
    {0x1.a30faf49cc78cp-55, UINT64_C(0x3feea0b938ac1cf6)},
    {0x1.4f006ad874e3ep-54, UINT64_C(0x3feea0e56b7fcf03)},
    {-0x1.b32dcb94da51dp-56, UINT64_C(0x3feea11473eb0187)},
    {-0x1.f6d693d0973bbp-55, UINT64_C(0x3feea14652e958aa)},
    {-0x1.2dad3519d7b5bp-54, UINT64_C(0x3feea17b0976cfdb)},
    {0x1.8c5ee2b7e7848p-58, UINT64_C(0x3feea1b2988fb9ec)},
    {0x1.4ecfd5467c06bp-54, UINT64_C(0x3feea1ed0130c132)},
    {-0x1.8b25e045d207bp-55, UINT64_C(0x3feea22a4456e7a3)},
    {0x1.7d51410fd15c2p-55, UINT64_C(0x3feea26a62ff86f0)},
    {-0x1.9cb3314060ca7p-57, UINT64_C(0x3feea2ad5e2850ac)},
    {0x1.5ebe1abd66c55p-57, UINT64_C(0x3feea2f336cf4e62)},
    {0x1.7a0b15d19e0bbp-55, UINT64_C(0x3feea33bedf2e1b9)},
    {-0x1.60a3629969871p-56, UINT64_C(0x3feea3878491c491)},
    {0x1.4aa7212bfa73cp-54, UINT64_C(0x3feea3d5fbab091f)},
    {-0x1.8a1c52fb3cf42p-55, UINT64_C(0x3feea427543e1a12)},
    {-0x1.1e688272a8a12p-55, UINT64_C(0x3feea47b8f4abaa9)},
    {0x1.b18c6e3fdef5dp-55, UINT64_C(0x3feea4d2add106d9)},
    {0x1.ab7b7112ec9d5p-59, UINT64_C(0x3feea52cb0d1736a)},
    {-0x1.369b6f13b3734p-54, UINT64_C(0x3feea589994cce13)},
    {0x1.a1e274eed4476p-55, UINT64_C(0x3feea5e968443d9a)},
    {0x1.0ec1ddcb1390ap-54, UINT64_C(0x3feea64c1eb941f7)},
    {0x1.4a533a59324dap-54, UINT64_C(0x3feea6b1bdadb46d)},
    {-0x1.05e843a19ff1ep-55, UINT64_C(0x3feea71a4623c7ad)},
    {0x1.a56d2760d087dp-56, UINT64_C(0x3feea785b91e07f1)},
    {-0x1.22cea4f3afa1ep-58, UINT64_C(0x3feea7f4179f5b21)},
    {0x1.1682c1c6e8b05p-54, UINT64_C(0x3feea86562ab00ec)},
    {-0x1.4d450d872576ep-54, UINT64_C(0x3feea8d99b4492ed)},
    {0x1.9ea99cf7a9591p-55, UINT64_C(0x3feea950c27004c2)},
    {0x1.c88549b958471p-56, UINT64_C(0x3feea9cad931a436)},
    {-0x1.9e57d8f92ff8ep-58, UINT64_C(0x3feeaa47e08e1957)},
    {0x1.0ad675b0e8a00p-54, UINT64_C(0x3feeaac7d98a6699)},
    {0x1.09b176e05a9cdp-54, UINT64_C(0x3feeab4ac52be8f7)},
    {0x1.31143962f7877p-54, UINT64_C(0x3feeabd0a478580f)},
    {0x1.11607f1952c95p-56, UINT64_C(0x3feeac597875c644)},
    {0x1.db72fc1f0eab4p-55, UINT64_C(0x3feeace5422aa0db)},
    {0x1.69608f0f86431p-55, UINT64_C(0x3feead74029db01e)},
    {0x1.3e9e96f112479p-54, UINT64_C(0x3feeae05bad61778)},
    {-0x1.f1ced15c5c5c0p-56, UINT64_C(0x3feeae9a6bdb5598)},
    {-0x1.5b6609cc5e7ffp-57, UINT64_C(0x3feeaf3216b5448c)},
    {0x1.14b97be3f7b4ep-57, UINT64_C(0x3feeafccbc6c19e6)},
    {-0x1.dac42a4a38df0p-55, UINT64_C(0x3feeb06a5e0866d9)},
    {0x1.1c1701c359530p-55, UINT64_C(0x3feeb10afc931857)},
    {0x1.bf68359f35f44p-56, UINT64_C(0x3feeb1ae99157736)},
    {-0x1.edb1bf6809287p-55, UINT64_C(0x3feeb2553499284b)},
    {0x1.b99dd98b1ed84p-55, UINT64_C(0x3feeb2fed0282c8a)},
    {-0x1.ba58ce7a736d3p-55, UINT64_C(0x3feeb3ab6ccce12c)},
    {-0x1.3091fa71e3d83p-54, UINT64_C(0x3feeb45b0b91ffc6)},
    {-0x1.3fc025e1db9cep-54, UINT64_C(0x3feeb50dad829e70)},
    {-0x1.885ad50cbb750p-56, UINT64_C(0x3feeb5c353aa2fe2)},
    {-0x1.d737c7d71382ep-55, UINT64_C(0x3feeb67bff148396)},
    {-0x1.da9b88b6c1e29p-58, UINT64_C(0x3feeb737b0cdc5e5)},
    {0x1.ae88c43905293p-57, UINT64_C(0x3feeb7f669e2802b)},
    {-0x1.2d5e85f3e0301p-55, UINT64_C(0x3feeb8b82b5f98e5)},
    {-0x1.3d1f7661fe51bp-54, UINT64_C(0x3feeb97cf65253d1)},
    {-0x1.c23f97c90b959p-57, UINT64_C(0x3feeba44cbc8520f)},
    {0x1.51b68797ffc1cp-57, UINT64_C(0x3feebb0faccf9243)},
    {-0x1.1669428996971p-58, UINT64_C(0x3feebbdd9a7670b3)},
    {0x1.4579c5ceed70bp-58, UINT64_C(0x3feebcae95cba768)},
    {-0x1.2434322f4f9aap-54, UINT64_C(0x3feebd829fde4e50)},
    {0x1.7298413381667p-55, UINT64_C(0x3feebe59b9bddb5b)},
    {0x1.1f2b2c1c4c014p-56, UINT64_C(0x3feebf33e47a22a2)},
    {-0x1.05000be64e965p-54, UINT64_C(0x3feec01121235681)},
    {-0x1.5ca6cd7668e4bp-55, UINT64_C(0x3feec0f170ca07ba)},
    {-0x1.9fb12e3454b73p-55, UINT64_C(0x3feec1d4d47f2598)},
    {-0x1.294f304f166b6p-54, UINT64_C(0x3feec2bb4d53fe0d)},
    {0x1.be2a03697693bp-56, UINT64_C(0x3feec3a4dc5a3dd3)},
    {0x1.1affc2b91ce27p-56, UINT64_C(0x3feec49182a3f090)},
    {0x1.0622b15810eeap-54, UINT64_C(0x3feec581414380f2)},
    {-0x1.a1e58414c07d3p-55, UINT64_C(0x3feec674194bb8d5)},
    {0x1.9a5ecc875d327p-65, UINT64_C(0x3feec76a0bcfc15e)},
    {0x1.dd235e10a73bbp-57, UINT64_C(0x3feec86319e32323)},
    {0x1.8ea486a3350efp-55, UINT64_C(0x3feec95f4499c647)},
    {-0x1.9740b58a20091p-56, UINT64_C(0x3feeca5e8d07f29e)},
    {-0x1.a2ee551d4c40fp-56, UINT64_C(0x3feecb60f4424fcb)},
    {-0x1.7c50422622263p-55, UINT64_C(0x3feecc667b5de565)},
    {0x1.9c31f7e38028bp-55, UINT64_C(0x3feecd6f23701b15)},
    {0x1.165830a2b96c2p-54, UINT64_C(0x3feece7aed8eb8bb)},
    {-0x1.fac13f4e005a3p-58, UINT64_C(0x3feecf89dacfe68c)},
    {0x1.b1c86e3e231d5p-55, UINT64_C(0x3feed09bec4a2d33)},
    {0x1.d8aced7162e89p-56, UINT64_C(0x3feed1b1231475f7)},
    {-0x1.03d5cbe27874bp-54, UINT64_C(0x3feed2c980460ad8)},
    {-0x1.48f50cea7269fp-55, UINT64_C(0x3feed3e504f696b1)},
    {-0x1.1bbd1d3bcbb15p-54, UINT64_C(0x3feed503b23e255d)},
    {0x1.21eb9a08a0542p-55, UINT64_C(0x3feed625893523d4)},
    {0x1.986178980fce0p-58, UINT64_C(0x3feed74a8af46052)},
    {-0x1.133a953131cfdp-57, UINT64_C(0x3feed872b8950a73)},
    {0x1.0cc319cee31d2p-54, UINT64_C(0x3feed99e1330b358)},
    {0x1.9e95e6f4a0ae4p-55, UINT64_C(0x3feedacc9be14dca)},
    {-0x1.9472975b1f2a5p-55, UINT64_C(0x3feedbfe53c12e59)},
    {-0x1.0260cf07cb311p-54, UINT64_C(0x3feedd333beb0b7e)},
    {0x1.469846e735ab3p-55, UINT64_C(0x3feede6b5579fdbf)},
    {0x1.bca400a7b939dp-62, UINT64_C(0x3feedfa6a1897fd2)},
    {0x1.d8157a34b7e7fp-56, UINT64_C(0x3feee0e521356eba)},
    {0x1.140bc34dfc19fp-54, UINT64_C(0x3feee226d59a09ee)},
    {-0x1.2dfcd978e9db4p-55, UINT64_C(0x3feee36bbfd3f37a)},
    {-0x1.c9b1da461ab87p-55, UINT64_C(0x3feee4b3e100301e)},
    {0x1.c8a4e231ebb7dp-55, UINT64_C(0x3feee5ff3a3c2774)},
    {0x1.c115f23ebea8ep-55, UINT64_C(0x3feee74dcca5a413)},
    {0x1.c1a7792cb3387p-55, UINT64_C(0x3feee89f995ad3ad)},
    {-0x1.dcab99f23f84ep-57, UINT64_C(0x3feee9f4a17a4735)},
    {-0x1.88c8d11a142e5p-55, UINT64_C(0x3feeeb4ce622f2ff)},
    {0x1.0a43e8b7e4bfep-57, UINT64_C(0x3feeeca868742ee4)},
    {-0x1.07b8f4ad1d9fap-54, UINT64_C(0x3feeee07298db666)},
    {0x1.15b1397075f04p-54, UINT64_C(0x3feeef692a8fa8cd)},
    {0x1.89c2ea41433c7p-55, UINT64_C(0x3feef0ce6c9a8952)},
    {-0x1.39f7a1f04d2b0p-55, UINT64_C(0x3feef236f0cf3f3a)},
    {-0x1.5c3d956dcaebap-58, UINT64_C(0x3feef3a2b84f15fb)},
    {-0x1.6a510f31e13e6p-55, UINT64_C(0x3feef511c43bbd62)},
    {-0x1.274aedac8ff80p-56, UINT64_C(0x3feef68415b749b1)},
    {-0x1.2887ea88e7340p-54, UINT64_C(0x3feef7f9ade433c6)},
    {-0x1.0a40e3da6f640p-54, UINT64_C(0x3feef9728de5593a)},
    {-0x1.e57ac604759bap-57, UINT64_C(0x3feefaeeb6ddfc87)},
    {0x1.5c620ce76df06p-55, UINT64_C(0x3feefc6e29f1c52a)},
    {0x1.e6c6db4f83226p-55, UINT64_C(0x3feefdf0e844bfc6)},
    {-0x1.8d6f438ad9334p-57, UINT64_C(0x3feeff76f2fb5e47)},
    {-0x1.d1bf10460dba0p-55, UINT64_C(0x3fef01004b3a7804)},
    {-0x1.fda52e1b51e41p-55, UINT64_C(0x3fef028cf22749e4)},
    {0x1.e5d80813dddfcp-55, UINT64_C(0x3fef041ce8e77680)},
    {-0x1.1eee26b588a35p-54, UINT64_C(0x3fef05b030a1064a)},
    {0x1.caff9640f2dcbp-55, UINT64_C(0x3fef0746ca7a67a7)},
    {-0x1.2141a7b3e2cd8p-60, UINT64_C(0x3fef08e0b79a6f1f)},
    {0x1.a77557fd62db3p-56, UINT64_C(0x3fef0a7df9285775)},
    {0x1.4ffd70a5fddcdp-56, UINT64_C(0x3fef0c1e904bc1d2)},
    {-0x1.51ba6128db749p-57, UINT64_C(0x3fef0dc27e2cb5e5)},
    {-0x1.02899507554e5p-60, UINT64_C(0x3fef0f69c3f3a207)},
    {-0x1.c0ffefdc5e251p-56, UINT64_C(0x3fef111462c95b60)},
    {-0x1.1bdfbfa9298acp-54, UINT64_C(0x3fef12c25bd71e09)},
    {-0x1.b6cd058bfd6fap-55, UINT64_C(0x3fef1473b0468d30)},
    {-0x1.0dda2d4c0010cp-55, UINT64_C(0x3fef16286141b33d)},
    {0x1.23759b8aca76dp-54, UINT64_C(0x3fef17e06ff301f4)},
    {0x1.36eae30af0cb3p-56, UINT64_C(0x3fef199bdd85529c)},
    {-0x1.95498a73dac7dp-55, UINT64_C(0x3fef1b5aab23e61e)},
    {-0x1.a007daadf8d68p-55, UINT64_C(0x3fef1d1cd9fa652c)},
    {0x1.51de924583108p-55, UINT64_C(0x3fef1ee26b34e065)},
    {0x1.ee3325c9ffd94p-55, UINT64_C(0x3fef20ab5fffd07a)},
    {-0x1.c5fe4051ba06cp-55, UINT64_C(0x3fef2277b9881650)},
    {0x1.36909391181d3p-55, UINT64_C(0x3fef244778fafb22)},
    {-0x1.d1816c0a9ac07p-57, UINT64_C(0x3fef261a9f8630ad)},
    {0x1.4e08fd10959acp-55, UINT64_C(0x3fef27f12e57d14b)},
    {-0x1.af5c67c4e8235p-56, UINT64_C(0x3fef29cb269e601f)},
    {-0x1.11cd7dbdf9547p-55, UINT64_C(0x3fef2ba88988c933)},
    {-0x1.304ef0045d575p-55, UINT64_C(0x3fef2d89584661a1)},
    {0x1.3cdaf384e1a67p-57, UINT64_C(0x3fef2f6d9406e7b5)},
    {0x1.725f94f910375p-55, UINT64_C(0x3fef31553dfa8313)},
    {-0x1.ac28b7bef6621p-56, UINT64_C(0x3fef33405751c4db)},
    {0x1.b53e99f9191e8p-56, UINT64_C(0x3fef352ee13da7cb)},
    {0x1.76b2c6c921968p-57, UINT64_C(0x3fef3720dcef9069)},
    {-0x1.10a79e6d7e2b8p-55, UINT64_C(0x3fef39164b994d23)},
    {-0x1.030587207b9e1p-56, UINT64_C(0x3fef3b0f2e6d1675)},
    {0x1.40635f6d2a9c0p-55, UINT64_C(0x3fef3d0b869d8f0f)},
    {-0x1.08a1883ccb5d2p-55, UINT64_C(0x3fef3f0b555dc3fa)},
    {0x1.49eeef9ec910cp-58, UINT64_C(0x3fef410e9be12cb9)},
    {-0x1.cc734592af7fcp-55, UINT64_C(0x3fef43155b5bab74)},
    {-0x1.335827ffb9dcep-55, UINT64_C(0x3fef451f95018d17)},
    {-0x1.fad5d3ffffa6fp-55, UINT64_C(0x3fef472d4a07897c)},
    {0x1.45563980ef762p-57, UINT64_C(0x3fef493e7ba2c38c)},
    {0x1.7752a44f587e8p-55, UINT64_C(0x3fef4b532b08c968)},
    {-0x1.cd0205eb2aab2p-55, UINT64_C(0x3fef4d6b596f948c)},
    {-0x1.00dae3875a949p-54, UINT64_C(0x3fef4f87080d89f2)},
    {-0x1.aab80ceab2b4ap-55, UINT64_C(0x3fef51a638197a3c)},
    {0x1.5b66fefeef52ep-55, UINT64_C(0x3fef53c8eacaa1d6)},
    {-0x1.f870f40a8ba1bp-55, UINT64_C(0x3fef55ef2158a91f)},
    {0x1.4a385a63d07a7p-56, UINT64_C(0x3fef5818dcfba487)},
    {0x1.3c119f18464c5p-55, UINT64_C(0x3fef5a461eec14be)},
    {0x1.159d9d908a96ep-58, UINT64_C(0x3fef5c76e862e6d3)},
    {-0x1.a628c2be4e7c7p-58, UINT64_C(0x3fef5eab3a99745b)},
    {-0x1.2919e2040220fp-55, UINT64_C(0x3fef60e316c98398)},
    {-0x1.2550d76be719ap-56, UINT64_C(0x3fef631e7e2d479d)},
    {0x1.c254d16117a68p-55, UINT64_C(0x3fef655d71ff6075)},
    {-0x1.2090274667d12p-55, UINT64_C(0x3fef679ff37adb4a)},
    {0x1.e5a50d5c192acp-55, UINT64_C(0x3fef69e603db3285)},
    {0x1.5f7d28150cac4p-56, UINT64_C(0x3fef6c2fa45c4dfd)},
    {-0x1.d8c329fbd0e03p-55, UINT64_C(0x3fef6e7cd63a8315)},
    {0x1.90de9296f4cd1p-55, UINT64_C(0x3fef70cd9ab294e4)},
    {0x1.43a59ac016b4bp-55, UINT64_C(0x3fef7321f301b460)},
    {0x1.32ff9978b34bcp-55, UINT64_C(0x3fef7579e065807d)},
    {-0x1.ea6e6fbd5f2a6p-55, UINT64_C(0x3fef77d5641c0658)},
    {-0x1.303b63dda1980p-56, UINT64_C(0x3fef7a347f63c159)},
    {-0x1.2d52107b43e1fp-55, UINT64_C(0x3fef7c97337b9b5f)},
    {-0x1.1f2ba385f2f95p-55, UINT64_C(0x3fef7efd81a2ece1)},
    {-0x1.3e8e3eab2cbb4p-57, UINT64_C(0x3fef81676b197d17)},
    {0x1.68d9144ae12fcp-56, UINT64_C(0x3fef83d4f11f8220)},
    {-0x1.92ab93b470dc9p-55, UINT64_C(0x3fef864614f5a129)},
    {0x1.53687f542403bp-55, UINT64_C(0x3fef88bad7dcee90)},
    {-0x1.b7966cd0d2cd9p-55, UINT64_C(0x3fef8b333b16ee12)},
    {-0x1.36ed2de40b407p-56, UINT64_C(0x3fef8daf3fe592e8)},
    {0x1.4b604603a88d3p-56, UINT64_C(0x3fef902ee78b3ff6)},
    {-0x1.14ef56c770f3bp-57, UINT64_C(0x3fef92b2334ac7ee)},
    {-0x1.76caa4c2ff1cfp-56, UINT64_C(0x3fef953924676d76)},
    {0x1.df7d1353d8e88p-55, UINT64_C(0x3fef97c3bc24e350)},
    {0x1.3c5ec519d7271p-55, UINT64_C(0x3fef9a51fbc74c83)},
    {-0x1.50bed64091b8ap-55, UINT64_C(0x3fef9ce3e4933c7e)},
    {-0x1.1d5fc525d9940p-55, UINT64_C(0x3fef9f7977cdb740)},
    {0x1.9d852381c317fp-55, UINT64_C(0x3fefa212b6bc3181)},
    {-0x1.ff7128fd391f0p-55, UINT64_C(0x3fefa4afa2a490da)},
    {0x1.8a00e3cca04c4p-57, UINT64_C(0x3fefa7503ccd2be5)},
    {0x1.55cd8aaea3d21p-55, UINT64_C(0x3fefa9f4867cca6e)},
    {-0x1.a1f25ce94cae7p-58, UINT64_C(0x3fefac9c80faa594)},
    {-0x1.dae98e223747dp-55, UINT64_C(0x3fefaf482d8e67f1)},
    {-0x1.fb5f3ee307976p-57, UINT64_C(0x3fefb1f78d802dc2)},
    {0x1.269947c2bed4ap-55, UINT64_C(0x3fefb4aaa2188510)},
    {0x1.37e8ae802b851p-56, UINT64_C(0x3fefb7616ca06dd6)},
    {0x1.ec3bc41aa2008p-55, UINT64_C(0x3fefba1bee615a27)},
    {0x1.75119560e34afp-55, UINT64_C(0x3fefbcda28a52e59)},
    {-0x1.3b6137e9afe9ep-55, UINT64_C(0x3fefbf9c1cb6412a)},
    {-0x1.431c3840929c6p-56, UINT64_C(0x3fefc261cbdf5be7)},
    {0x1.42b94c3a9eb32p-55, UINT64_C(0x3fefc52b376bba97)},
    {-0x1.cb472d2e86b99p-55, UINT64_C(0x3fefc7f860a70c22)},
    {-0x1.9fa74878ba7c7p-57, UINT64_C(0x3fefcac948dd7274)},
    {0x1.3f5df2fde16a8p-55, UINT64_C(0x3fefcd9df15b82ac)},
    {0x1.a64a931d185eep-55, UINT64_C(0x3fefd0765b6e4540)},
    {0x1.eef18336b62e3p-55, UINT64_C(0x3fefd35288633625)},
    {0x1.01f3a75ee0efep-54, UINT64_C(0x3fefd632798844f8)},
    {0x1.0d23f87b50a2ap-55, UINT64_C(0x3fefd916302bd526)},
    {-0x1.e37bae43be3edp-55, UINT64_C(0x3fefdbfdad9cbe14)},
    {0x1.302dee657c8e6p-55, UINT64_C(0x3fefdee8f32a4b45)},
    {-0x1.16a9ce6ed84fap-58, UINT64_C(0x3fefe1d802243c89)},
    {-0x1.b0caa080df170p-56, UINT64_C(0x3fefe4cadbdac61d)},
    {0x1.7893b4d91cd9dp-56, UINT64_C(0x3fefe7c1819e90d8)},
    {0x1.617a9f2fd24e5p-56, UINT64_C(0x3fefeabbf4c0ba54)},
    {-0x1.99c7db2effc76p-57, UINT64_C(0x3fefedba3692d514)},
    {0x1.5f103b8fd5ca7p-56, UINT64_C(0x3feff0bc4866e8ad)},
    {0x1.305c14160cc89p-58, UINT64_C(0x3feff3c22b8f71f1)},
    {0x1.e70b094fa075ap-55, UINT64_C(0x3feff6cbe15f6314)},
    {0x1.4b458677f9840p-57, UINT64_C(0x3feff9d96b2a23d9)},
    {-0x1.2ec9a3e5d680ap-56, UINT64_C(0x3feffceaca4391b6)},
};
/* generated-end */
/* clang-format on */

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
    double t = xorc_exp_table[*k % XORC_EXP_N].tail;
    return t + r + r2 * (0.5 + r * (1.0 / 6) + r2 * (1.0 / 24));
}

/* s_j 2^(e - shift) as a double, for the k of xorc_exp_reduce (shift keeps it normal). */
XORC_INLINE double xorc_exp_scale(uint64_t k, uint64_t shift)
{
    /* k << 43 is (e << 52) + (j << 43) modulo 2^64: the high bits of 1.5 * 2^52
     * shift out, and the table has j << 43 taken off already. */
    return xorc_double(xorc_exp_table[k % XORC_EXP_N].scale_bits + (k << (52 - XORC_EXP_TABLE_BITS))
                       - (shift << 52));
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
    return (float)(s + s * (r + r * r * 0.5));
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
