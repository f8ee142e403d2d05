/*
 * xorc_internal.h — what the core's source files share with each other (not part
 * of the public API): the size checks, the layout of a group's state, the option
 * checks, and each SIMD level's lockstep kernel.
 */
#ifndef XORC_INTERNAL_H
#define XORC_INTERNAL_H

#include "xorc.h"

#include <stddef.h>
#include <stdint.h>

/* A training step runs forward over blocks of this many rows, layer by layer. */
#define XORC_ROWS 4

/* Independent vectors of networks in one loop body of a lockstep level (see
 * xorc_step-inl.h), and the alignment the widest vectors need, in bytes. */
#define XORC_BLOCKS 2
#define XORC_ALIGN 64

/* a * b, stored in *product, unless it exceeds `limit` (then 0 is returned). */
static inline int xorc_mul_within(size_t a, size_t b, size_t limit, size_t *product)
{
    if (b != 0 && a > limit / b) {
        return 0;
    }
    *product = a * b;
    return 1;
}

/*
 * Every dimension is at least 1 and every buffer of these sizes, counted in
 * bytes of the wider type (double), fits in size_t.
 */
int xorc_sizes_ok(size_t n, size_t n_in, size_t n_hidden, size_t n_out);

/* The optimizer's constants (xorc.h), and the first value of RPROP's step sizes. */
#define XORC_ADAM_BETA1 0.9
#define XORC_ADAM_BETA2 0.999
#define XORC_ADAM_EPSILON 1e-8
#define XORC_RPROP_START 0.1
#define XORC_RPROP_UP 1.2
#define XORC_RPROP_DOWN 0.5
#define XORC_RPROP_MAX 50

/* With checks (check_every > 0), learned_at holds a step as an int64: first_step + steps
 * must fit one. */
int xorc_checked_steps_fit(const xorc_options *options);

/* The optimizer's updates after the call, updates_done + steps (times n online), fit an int64. */
int xorc_updates_fit(const xorc_options *options, size_t n);

/* The options an entry point checks: every field known and in its range, and, where
 * it uses lr (uses_lr), lr finite and > 0, also once rounded to the precision
 * (is_float). XORC_OK or the status. */
int xorc_options_check(const xorc_options *options, int is_float, int uses_lr);

/*
 * The parts of a group's state (xorc_step-inl.h), in the order they are laid out,
 * each with its length in entries (an entry is one value of every network of the
 * group) as a product a * b, and whether only a group that holds its own copies of
 * the networks and the data has it (`owned`): the parameters W1, W2, b1, b2 and their
 * gradients, the optimizer state of each parameter (xorc_optimizer_state_len's first
 * and second halves), XORC_ROWS rows' h and o, one row's delta, the rows of X and y,
 * and the outputs on every row. This list is the one statement of the layout: the enum, the
 * layout function, and the size of a state on the stack all come from it.
 */
#define XORC_GROUP_PARTS(PART, n, n_in, n_hidden, n_out)                                           \
    PART(W1, 1, n_in, n_hidden)                                                                    \
    PART(W2, 1, n_hidden, n_out)                                                                   \
    PART(B1, 1, 1, n_hidden)                                                                       \
    PART(B2, 1, 1, n_out)                                                                          \
    PART(DW1, 0, n_in, n_hidden)                                                                   \
    PART(DW2, 0, n_hidden, n_out)                                                                  \
    PART(DB1, 0, 1, n_hidden)                                                                      \
    PART(DB2, 0, 1, n_out)                                                                         \
    PART(FIRST_W1, 1, n_in, n_hidden)                                                              \
    PART(FIRST_W2, 1, n_hidden, n_out)                                                             \
    PART(FIRST_B1, 1, 1, n_hidden)                                                                 \
    PART(FIRST_B2, 1, 1, n_out)                                                                    \
    PART(SECOND_W1, 1, n_in, n_hidden)                                                             \
    PART(SECOND_W2, 1, n_hidden, n_out)                                                            \
    PART(SECOND_B1, 1, 1, n_hidden)                                                                \
    PART(SECOND_B2, 1, 1, n_out)                                                                   \
    PART(H, 0, XORC_ROWS, n_hidden)                                                                \
    PART(O, 0, XORC_ROWS, n_out)                                                                   \
    PART(DELTA, 0, 1, n_out)                                                                       \
    PART(XS, 1, n, n_in)                                                                           \
    PART(TS, 1, n, n_out)                                                                          \
    PART(OUTS, 1, n, n_out)

#define XORC_PART_NAME(name, owned, a, b) XORC_PART_##name,
enum { XORC_GROUP_PARTS(XORC_PART_NAME, 0, 0, 0, 0) XORC_PARTS };
#undef XORC_PART_NAME

/* The entries of a state with its own copies, for literal sizes: a constant expression. */
#define XORC_PART_LENGTH(name, owned, a, b) +(a) * (b)
#define XORC_GROUP_ENTRIES(n, n_in, n_hidden, n_out)                                               \
    (0 XORC_GROUP_PARTS(XORC_PART_LENGTH, n, n_in, n_hidden, n_out))

/*
 * Where each part starts, in entries, into at[0 .. XORC_PARTS - 1], and the total
 * into at[XORC_PARTS]. `own`: the group holds its own copies (lockstep); else the
 * owned parts are empty and the group works on the caller's buffers (a single
 * network). 0 if the total would exceed `limit` entries. Inline, so that literal
 * sizes give literal offsets.
 */
static inline int xorc_group_layout(size_t at[XORC_PARTS + 1], int own, size_t n, size_t n_in,
                                    size_t n_hidden, size_t n_out, size_t limit)
{
#define XORC_PART_FACTORS(name, owned, a, b) {owned, a, b},
    const size_t factors[XORC_PARTS][3] = {
        XORC_GROUP_PARTS(XORC_PART_FACTORS, n, n_in, n_hidden, n_out)};
#undef XORC_PART_FACTORS
    size_t total = 0;
    for (size_t p = 0; p < XORC_PARTS; p++) {
        size_t length = 0;
        at[p] = total;
        if ((own || !factors[p][0])
            && (!xorc_mul_within(factors[p][1], factors[p][2], limit, &length)
                || length > limit - total)) {
            return 0;
        }
        total += length;
    }
    at[XORC_PARTS] = total;
    return 1;
}

/* Each level's lockstep kernel (xorc_level-inl.h): the batch, group by group, in a
 * state XORC_ALIGN-aligned of xorc_lockstep_workspace_len's length; arguments as
 * checked by xorc_train_lockstep_*. */
#define XORC_LEVEL_KERNEL(REAL, name)                                                              \
    void name(REAL *W1, REAL *b1, REAL *W2, REAL *b2, REAL *opt_state, REAL *loss, REAL *out,      \
              int64_t *learned_at, void *state, const REAL *X, const REAL *y, size_t n,            \
              size_t n_in, size_t n_hidden, size_t n_out, size_t batch, const xorc_options *opts)
XORC_LEVEL_KERNEL(double, xorc_lockstep_d_scalar);
XORC_LEVEL_KERNEL(float, xorc_lockstep_s_scalar);
XORC_LEVEL_KERNEL(double, xorc_lockstep_d_sse2);
XORC_LEVEL_KERNEL(float, xorc_lockstep_s_sse2);
XORC_LEVEL_KERNEL(double, xorc_lockstep_d_avx2);
XORC_LEVEL_KERNEL(float, xorc_lockstep_s_avx2);
XORC_LEVEL_KERNEL(double, xorc_lockstep_d_avx512);
XORC_LEVEL_KERNEL(float, xorc_lockstep_s_avx512);

/* One network where it lies, through the one-lane instance (xorc_single.c):
 * xorc_train_* after its checks. */
void xorc_train_one_d(double *W1, double *b1, double *W2, double *b2, double *opt_state,
                      double *loss, double *out, int64_t *learned_at, double *work, const double *X,
                      const double *y, size_t n, size_t n_in, size_t n_hidden, size_t n_out,
                      const xorc_options *opts);
void xorc_train_one_s(float *W1, float *b1, float *W2, float *b2, float *opt_state, float *loss,
                      float *out, int64_t *learned_at, float *work, const float *X, const float *y,
                      size_t n, size_t n_in, size_t n_hidden, size_t n_out,
                      const xorc_options *opts);

#endif /* XORC_INTERNAL_H */
