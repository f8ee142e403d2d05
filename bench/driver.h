/*
 * driver.h — what the C drivers in bench/ share: the seed program's XOR table and a
 * wall clock. Each driver is one program of its own; this header has no object file.
 */
#ifndef XORC_BENCH_DRIVER_H
#define XORC_BENCH_DRIVER_H

/* clock_gettime: included before any system header (each driver includes this first). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 199309L
#endif
#include <time.h>

/* The seed program's data, rows in xorc.truth_table's order (inputs, then targets). */
static const double XOR_X[8] = {1, 0, 0, 0, 0, 1, 1, 1};
static const double XOR_Y[4] = {1, 0, 1, 0};

/* Seconds on the monotonic clock. */
static inline double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

#endif
