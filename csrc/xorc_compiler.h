/*
 * xorc_compiler.h — what the core needs to say to the compiler: forced inlining,
 * kept-out-of-line functions, and C99's restrict under MSVC. Included by each
 * source file of the core before its kernels.
 */
#ifndef XORC_COMPILER_H
#define XORC_COMPILER_H

/*
 * The kernels' functions are inlined into their callers, so that literal sizes
 * propagate into them (see xorc_step-inl.h); the rare paths stay out of line.
 */
#if defined(__clang__)
#define XORC_INLINE static inline __attribute__((always_inline))
#define XORC_NOINLINE static __attribute__((noinline))
#define XORC_NOINLINE_NOCLONE XORC_NOINLINE
#elif defined(__GNUC__)
#define XORC_INLINE static inline __attribute__((always_inline))
#define XORC_NOINLINE static __attribute__((noinline))
/* Nor specialised for the constants of a call (GCC's IPA-CP clones): one copy of the code. */
#define XORC_NOINLINE_NOCLONE static __attribute__((noinline, noclone))
#elif defined(_MSC_VER)
#define XORC_INLINE static __forceinline
#define XORC_NOINLINE static __declspec(noinline)
#define XORC_NOINLINE_NOCLONE XORC_NOINLINE
#else
#define XORC_INLINE static inline
#define XORC_NOINLINE static
#define XORC_NOINLINE_NOCLONE XORC_NOINLINE
#endif
/*
 * Unroll the next loop completely where its trip count is a literal: for loops
 * whose bodies are too large for the compiler's own limit but whose unrolled
 * copies let it decide tests on literal data (the truth-table inputs).
 */
#if defined(__clang__)
#define XORC_UNROLL _Pragma("unroll 4")
#elif defined(__GNUC__)
#define XORC_UNROLL _Pragma("GCC unroll 4")
#else
#define XORC_UNROLL
#endif
#if defined(_MSC_VER) && !defined(__STDC_VERSION__)
#define restrict __restrict /* C99's restrict, as MSVC spells it before /std:c11 */
#endif

#endif /* XORC_COMPILER_H */
