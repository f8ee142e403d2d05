/*
 * step_driver.c — runs training steps through xorc_train_d or xorc_train_s, so
 * that bench/callgrind.py can count the instructions of one step.
 *
 *     step_driver STEPS [d|s] [HIDDEN] [ROWS] [bias]
 *
 * With the defaults (HIDDEN 3, ROWS 4, no biases) it is the seed program's job:
 * the XOR table and the initial weights of RandomState(1234), learning rate
 * 0.01; after 60000 steps it prints the seed program's final loss,
 * 0.0284190137168794 (to 1e-16) in double. Other shapes train 2-HIDDEN-1 on ROWS rows of
 * pseudo-random inputs in [-1, 1] and targets in [0, 1]. It prints the loss
 * after the steps, so the work cannot be optimised away.
 */
#include "driver.h"
#include "xorc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_HIDDEN 1024
#define MAX_ROWS 4096
#define MAX_WORK (2 * MAX_HIDDEN + MAX_HIDDEN + MAX_HIDDEN + 1 + 16 * MAX_HIDDEN + 64)

static double Xd[MAX_ROWS * 2], yd[MAX_ROWS], W1d[2 * MAX_HIDDEN], W2d[MAX_HIDDEN], b1d[MAX_HIDDEN],
    b2d[1];
static float Xs[MAX_ROWS * 2], ys[MAX_ROWS], W1s[2 * MAX_HIDDEN], W2s[MAX_HIDDEN], b1s[MAX_HIDDEN],
    b2s[1];
static double workd[MAX_WORK];
static float works[MAX_WORK];

/* The seed program's initial weights (its data: XOR_X, XOR_Y in driver.h). */
static const double SEED_W1[6] = {-0.6169610992422154, 0.24421754207966373, -0.12454452198577104,
                                  0.5707171674275384,  0.559951616237607,   -0.45481478943471676};
static const double SEED_W2[3] = {-0.4470714897138066, 0.6037443550700385, 0.9162787073674103};

/* A uniform number in [lo, hi) from a 64-bit linear congruential generator. */
static double uniform(unsigned long long *state, double lo, double hi)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return lo + (hi - lo) * (double)(*state >> 11) / 9007199254740992.0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s STEPS [d|s] [HIDDEN] [ROWS] [bias]\n", argv[0]);
        return 2;
    }
    unsigned long long steps = strtoull(argv[1], NULL, 10);
    int single = argc > 2 && strcmp(argv[2], "s") == 0;
    size_t hidden = argc > 3 ? (size_t)strtoul(argv[3], NULL, 10) : 3;
    size_t n = argc > 4 ? (size_t)strtoul(argv[4], NULL, 10) : 4;
    int bias = argc > 5 && strcmp(argv[5], "bias") == 0;
    size_t work_len = xorc_train_workspace_len(2, hidden, 1);
    if (hidden < 1 || hidden > MAX_HIDDEN || n < 1 || n > MAX_ROWS || work_len > MAX_WORK) {
        fprintf(stderr, "HIDDEN must be in 1..%d and ROWS in 1..%d\n", MAX_HIDDEN, MAX_ROWS);
        return 2;
    }

    if (hidden == 3 && n == 4 && !bias) {
        memcpy(Xd, XOR_X, sizeof XOR_X);
        memcpy(yd, XOR_Y, sizeof XOR_Y);
        memcpy(W1d, SEED_W1, sizeof SEED_W1);
        memcpy(W2d, SEED_W2, sizeof SEED_W2);
    } else {
        unsigned long long state = 1234;
        for (size_t p = 0; p < 2 * n; p++)
            Xd[p] = uniform(&state, -1, 1);
        for (size_t p = 0; p < n; p++)
            yd[p] = uniform(&state, 0, 1);
        for (size_t p = 0; p < 2 * hidden; p++)
            W1d[p] = uniform(&state, -1, 1);
        for (size_t p = 0; p < hidden; p++)
            W2d[p] = uniform(&state, -1, 1);
        for (size_t p = 0; p < hidden; p++)
            b1d[p] = uniform(&state, -1, 1);
        b2d[0] = uniform(&state, -1, 1);
    }
    for (size_t p = 0; p < 2 * n; p++)
        Xs[p] = (float)Xd[p];
    for (size_t p = 0; p < n; p++)
        ys[p] = (float)yd[p];
    for (size_t p = 0; p < 2 * hidden; p++)
        W1s[p] = (float)W1d[p];
    for (size_t p = 0; p < hidden; p++) {
        W2s[p] = (float)W2d[p];
        b1s[p] = (float)b1d[p];
    }
    b2s[0] = (float)b2d[0];

    xorc_options options;
    memset(&options, 0, sizeof options);
    options.lr = 0.01;
    options.steps = steps;
    int status;
    double loss;
    if (single) {
        float loss_s;
        status = xorc_train_s(W1s, bias ? b1s : NULL, W2s, bias ? b2s : NULL, NULL, &loss_s, NULL,
                              NULL, works, work_len, Xs, ys, n, 2, hidden, 1, &options);
        loss = loss_s;
    } else {
        status = xorc_train_d(W1d, bias ? b1d : NULL, W2d, bias ? b2d : NULL, NULL, &loss, NULL,
                              NULL, workd, work_len, Xd, yd, n, 2, hidden, 1, &options);
    }
    if (status != XORC_OK) {
        fprintf(stderr, "xorc_train: %s\n", xorc_strerror(status));
        return 1;
    }
    printf("%.17g\n", loss);
    return 0;
}
