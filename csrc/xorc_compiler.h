/*
 * xorc_compiler.h — what the core needs to say to the compiler: forced inlining,
 * kept-out-of-line functions, and C99's restrict under MSVC. Included by each
 * source file of the core before its kernels.
 */
#ifndef XORC_COMPILER_H
#define XORC_COMPILER_H

/*
 * The kernels' functions are inlined into their callers, so that literal sizes
 * propagate into them (see xorc_kernels.h); the rare path of exp_d stays out of line.
 */
#if defined(__GNUC__) || defined(__clang__)
#define XORC_INLINE static inline __attribute__((always_inline))
#define XORC_NOINLINE static __attribute__((noinline))
#elif defined(_MSC_VER)
#define XORC_INLINE static __forceinline
#define XORC_NOINLINE static __declspec(noinline)
#else
#define XORC_INLINE static inline
#define XORC_NOINLINE static
#endif
#if defined(_MSC_VER) && !defined(__STDC_VERSION__)
#define restrict __restrict /* C99's restrict, as MSVC spells it before /std:c11 */
#endif

#endif /* XORC_COMPILER_H */
