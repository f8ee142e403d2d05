/*
 * lockstep_driver.c — trains a batch of the seed recipe's networks in lockstep
 * through xorc_train_lockstep_d or _s, so that bench/callgrind.py can count the
 * instructions of one network-step at each SIMD level, and so that its speed can be
 * timed without Python.
 *
 *     lockstep_driver STEPS LEVEL [d|s] [BATCH] [SETTING ...]
 *
 * LEVEL is a name (scalar, sse2, avx2, avx512). The networks are those of seeds
 * 0 .. BATCH-1 (default 64) on the XOR table, learning rate 0.01, checked every 100
 * steps, by the seed recipe but for the SETTINGs given: tanh, relu, cross_entropy,
 * momentum, nesterov, adam, rprop, online (bench/bench.py's recipe table). It prints
 * the level, the mean final loss (so the work cannot be optimised away) and the wall
 * time per network-step.
 */
#include "driver.h"
#include "xorc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BATCH 4096

static double W1d[MAX_BATCH * 6], W2d[MAX_BATCH * 3], lossd[MAX_BATCH], outd[MAX_BATCH * 4];
static float W1s[MAX_BATCH * 6], W2s[MAX_BATCH * 3], losss[MAX_BATCH], outs[MAX_BATCH * 4];
static double stated[MAX_BATCH * 18];
static float states[MAX_BATCH * 18];
static int64_t learned_at[MAX_BATCH];

/* The recipe's settings, by their names in xorc (xorc/recipe.py). */
static const struct {
    const char *name;
    int activation, loss, optimizer, online;
} SETTINGS[] = {
    {"tanh", XORC_ACTIVATION_TANH, -1, -1, -1},
    {"relu", XORC_ACTIVATION_RELU, -1, -1, -1},
    {"cross_entropy", -1, XORC_LOSS_CROSS_ENTROPY, -1, -1},
    {"momentum", -1, -1, XORC_OPTIMIZER_MOMENTUM, -1},
    {"nesterov", -1, -1, XORC_OPTIMIZER_NESTEROV, -1},
    {"adam", -1, -1, XORC_OPTIMIZER_ADAM, -1},
    {"rprop", -1, -1, XORC_OPTIMIZER_RPROP, -1},
    {"online", -1, -1, -1, 1},
};

/* Sets the named setting in options; 0 if there is no such setting. */
static int set_setting(xorc_options *options, const char *name)
{
    for (size_t k = 0; k < sizeof SETTINGS / sizeof SETTINGS[0]; k++) {
        if (strcmp(name, SETTINGS[k].name) == 0) {
            options->activation =
                SETTINGS[k].activation >= 0 ? SETTINGS[k].activation : options->activation;
            options->loss = SETTINGS[k].loss >= 0 ? SETTINGS[k].loss : options->loss;
            options->optimizer =
                SETTINGS[k].optimizer >= 0 ? SETTINGS[k].optimizer : options->optimizer;
            options->online = SETTINGS[k].online >= 0 ? SETTINGS[k].online : options->online;
            return 1;
        }
    }
    return 0;
}
static double workd[4096];
static float works[4096];

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s STEPS LEVEL [d|s] [BATCH] [SETTING ...]\n", argv[0]);
        return 2;
    }
    unsigned long long steps = strtoull(argv[1], NULL, 10);
    int level = -1;
    for (int l = XORC_SIMD_SCALAR; l <= XORC_SIMD_AVX512; l++) {
        if (strcmp(argv[2], xorc_simd_name(l)) == 0) {
            level = l;
        }
    }
    int single = argc > 3 && strcmp(argv[3], "s") == 0;
    size_t batch = argc > 4 ? (size_t)strtoul(argv[4], NULL, 10) : 64;
    size_t work_len = level < 0 ? 0 : xorc_lockstep_workspace_len(4, 2, 3, 1, level);
    if (level < 0 || batch < 1 || batch > MAX_BATCH || work_len > 4096) {
        fprintf(stderr, "LEVEL must be scalar, sse2, avx2 or avx512, and BATCH in 1..%d\n",
                MAX_BATCH);
        return 2;
    }
    float Xs[8], ys[4];
    for (size_t i = 0; i < 8; i++) {
        Xs[i] = (float)XOR_X[i];
    }
    for (size_t i = 0; i < 4; i++) {
        ys[i] = (float)XOR_Y[i];
    }
    for (size_t k = 0; k < batch; k++) {
        double w[9];
        xorc_random_uniform_d(w, 9, -1, 1, (uint32_t)k);
        memcpy(W1d + 6 * k, w, 6 * sizeof(double));
        memcpy(W2d + 3 * k, w + 6, 3 * sizeof(double));
        for (size_t p = 0; p < 6; p++) {
            W1s[6 * k + p] = (float)w[p];
        }
        for (size_t p = 0; p < 3; p++) {
            W2s[3 * k + p] = (float)w[6 + p];
        }
        learned_at[k] = -1;
    }

    xorc_options options;
    memset(&options, 0, sizeof options);
    options.lr = 0.01;
    options.steps = steps;
    options.check_every = 100;
    options.momentum = 0.9;
    options.restart = 1;
    for (int a = 5; a < argc; a++) {
        if (!set_setting(&options, argv[a])) {
            fprintf(stderr, "unknown setting %s\n", argv[a]);
            return 2;
        }
    }
    const double started = seconds();
    int status;
    double mean = 0;
    if (single) {
        status = xorc_train_lockstep_s(W1s, NULL, W2s, NULL, states, losss, outs, learned_at, works,
                                       work_len, Xs, ys, 4, 2, 3, 1, batch, &options, level);
        for (size_t k = 0; k < batch; k++) {
            mean += losss[k] / (double)batch;
        }
    } else {
        status = xorc_train_lockstep_d(W1d, NULL, W2d, NULL, stated, lossd, outd, learned_at, workd,
                                       work_len, XOR_X, XOR_Y, 4, 2, 3, 1, batch, &options, level);
        for (size_t k = 0; k < batch; k++) {
            mean += lossd[k] / (double)batch;
        }
    }
    const double took = seconds() - started;
    if (status != XORC_OK) {
        fprintf(stderr, "xorc_train_lockstep: %s\n", xorc_strerror(status));
        return 1;
    }
    printf("%s %s: mean loss %.17g, %.2f ns per network-step\n", xorc_simd_name(level),
           single ? "float" : "double", mean,
           took * 1e9 / (double)batch / (double)(steps ? steps : 1));
    return 0;
}
