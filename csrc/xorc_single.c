/*
 * xorc_single.c — one network at a time: the training step of xorc_step-inl.h at one
 * lane and one block, where a "vector" is a single value and a group is the
 * caller's own network. xorc_train_*, and each function of a step (forward, loss,
 * backward, update, the exponential, the sigmoid, the learned test), are this
 * instance, so they compute exactly what a lockstep lane computes.
 */
#include "xorc_level.h"

#define LEVEL scalar
#define LANES 1
#define BLOCKS 1
#include "xorc_lanes-inl.h"
#include "xorc_exp-inl.h"
#define XORC_PER_PRECISION "xorc_single-inl.h"
#include "xorc_precisions-inl.h"

size_t xorc_train_workspace_len(size_t n_in, size_t n_hidden, size_t n_out)
{
    size_t at[XORC_PARTS + 1];
    if (!xorc_sizes_ok(1, n_in, n_hidden, n_out)
        || !xorc_group_layout(at, 0, 1, n_in, n_hidden, n_out, SIZE_MAX / sizeof(double))) {
        return 0;
    }
    return at[XORC_PARTS];
}
