/*
 * lockstep_ab.c — compares the speed of two or more builds of the C core on the
 * seed recipe in lockstep, on a machine too noisy for one-after-the-other timings.
 *
 *     lockstep_ab LEVEL ROUNDS STEPS core_a.so core_b.so ...
 *
 * Each core_*.so is a build of csrc/ as a shared object, for instance
 *
 *     gcc -std=c99 -O3 -ffp-contract=off -fPIC -shared -Icsrc csrc/xorc*.c -lm -o core_a.so
 *
 * LEVEL is a number (XORC_SIMD_*: 0 scalar, 1 SSE2, 2 AVX2, 3 AVX-512). In each of
 * ROUNDS rounds, every build trains the same 64 networks (seeds 0..63, the XOR table,
 * lr 0.01) for STEPS steps, the builds in a rotating order; a round takes a few
 * milliseconds. On a shared virtual machine, the speed the host leaves us changes
 * over seconds, by a third or more, so runs minutes apart are not comparable, and
 * even the best of many runs of each build moves by 10%. Builds timed in the same
 * round see the same host: the median over rounds of each build's time divided by
 * the first build's time is steady to a few percent. It prints that ratio (with the
 * quartiles) and each build's fastest and median ns per network-step.
 */
#include "driver.h"
#include "xorc.h"

#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NETS 64
#define MAX_BUILDS 16

typedef int (*train_fn)(double *, double *, double *, double *, double *, double *, double *,
                        int64_t *, double *, size_t, const double *, const double *, size_t, size_t,
                        size_t, size_t, size_t, const xorc_options *, int);
typedef void (*uniform_fn)(double *, size_t, double, double, uint32_t);

static int by_value(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: %s LEVEL ROUNDS STEPS core_a.so core_b.so ...\n", argv[0]);
        return 2;
    }
    const int level = atoi(argv[1]);
    const int rounds = atoi(argv[2]);
    const uint64_t steps = strtoull(argv[3], NULL, 10);
    const int builds = argc - 4;
    if (rounds < 1 || steps < 1 || builds > MAX_BUILDS) {
        fprintf(stderr, "ROUNDS and STEPS must be positive, at most %d builds\n", MAX_BUILDS);
        return 2;
    }
    train_fn train[MAX_BUILDS];
    uniform_fn uniform = NULL;
    for (int b = 0; b < builds; b++) {
        void *core = dlopen(argv[4 + b], RTLD_NOW | RTLD_LOCAL);
        if (core == NULL) {
            fprintf(stderr, "%s\n", dlerror());
            return 1;
        }
        /* dlsym returns functions as void * (POSIX); ISO C only lets their bits be copied. */
        void *train_sym = dlsym(core, "xorc_train_lockstep_d");
        void *uniform_sym = dlsym(core, "xorc_random_uniform_d");
        memcpy(&train[b], &train_sym, sizeof train_sym);
        memcpy(&uniform, &uniform_sym, sizeof uniform_sym);
        if (train_sym == NULL || uniform_sym == NULL) {
            fprintf(stderr, "%s: not a build of xorc's core\n", argv[4 + b]);
            return 1;
        }
    }

    static double W1[NETS * 6], W2[NETS * 3], loss[NETS], out[NETS * 4], work[4096];
    static int64_t learned_at[NETS];
    double *ns = malloc(sizeof(double) * (size_t)rounds * (size_t)builds);
    double *sorted = malloc(sizeof(double) * (size_t)rounds);
    if (ns == NULL || sorted == NULL) {
        return 1;
    }
    for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < builds; i++) {
            const int b = (i + r) % builds;
            for (uint32_t k = 0; k < NETS; k++) {
                double w[9];
                uniform(w, 9, -1, 1, k);
                memcpy(W1 + 6 * k, w, 6 * sizeof(double));
                memcpy(W2 + 3 * k, w + 6, 3 * sizeof(double));
                learned_at[k] = -1;
            }
            xorc_options options;
            memset(&options, 0, sizeof options);
            options.lr = 0.01;
            options.steps = steps;
            options.check_every = 100;
            const double started = seconds();
            const int status = train[b](W1, NULL, W2, NULL, NULL, loss, out, learned_at, work, 4096,
                                        XOR_X, XOR_Y, 4, 2, 3, 1, NETS, &options, level);
            ns[r * builds + b] = (seconds() - started) * 1e9 / NETS / (double)steps;
            if (status != XORC_OK) {
                fprintf(stderr, "%s: status %d\n", argv[4 + b], status);
                return 1;
            }
        }
    }
    for (int b = 0; b < builds; b++) {
        for (int r = 0; r < rounds; r++) {
            sorted[r] = ns[r * builds + b] / ns[r * builds];
        }
        qsort(sorted, (size_t)rounds, sizeof(double), by_value);
        const double median = sorted[rounds / 2], q1 = sorted[rounds / 4],
                     q3 = sorted[3 * rounds / 4];
        for (int r = 0; r < rounds; r++) {
            sorted[r] = ns[r * builds + b];
        }
        qsort(sorted, (size_t)rounds, sizeof(double), by_value);
        printf("%-24s time / first's: median %.3f (quartiles %.3f, %.3f); ns per "
               "network-step: fastest %.2f, median %.2f\n",
               argv[4 + b], median, q1, q3, sorted[0], sorted[rounds / 2]);
    }
    free(ns);
    free(sorted);
    return 0;
}
