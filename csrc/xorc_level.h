/*
 * xorc_level.h — what a SIMD level's source file (xorc_level_*.c) includes before
 * it instantiates the level (xorc_level-inl.h): the core's headers, and on x86-64
 * the intrinsics, the target pragmas and the exponential's table loads.
 *
 * Each level is compiled once, in its own file, the wider levels inside a target
 * pragma, as Highway and numpy compile one source for several instruction sets in
 * one binary: the baseline build runs on any x86-64, and the AVX2 and AVX-512 code
 * is only entered when the processor reports it (xorc_simd_best). The pragmas add
 * instructions, never -ffast-math or contraction: every level computes the same bits.
 */
#ifndef XORC_LEVEL_H
#define XORC_LEVEL_H

#include "xorc_compiler.h"
#include "xorc_exp.h"
#include "xorc_internal.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
#define XORC_X86_LEVELS 1
#include <immintrin.h>

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
 * an add per lane, and registers to hold the addresses, which the compiler spilled.
 * The doubling is one shift of the index vector.
 */
#define XORC_ENTRY(j2, l)                                                                          \
    _mm_loadu_pd((const double *)(const void *)((const char *)xorc_exp_table + 8 * (j2)[l]))
typedef char xorc_exp_entry_is_a_pair[sizeof(struct xorc_exp_entry) == 16 ? 1 : -1];
#else
#define XORC_X86_LEVELS 0
#endif

#endif /* XORC_LEVEL_H */
