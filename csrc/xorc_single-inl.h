/*
 * xorc_single-inl.h — the public functions of one network, for one precision, at one
 * lane and one block (xorc_single.c). Included through xorc_precisions-inl.h. There
 * is deliberately no include guard.
 */

/* The scalar level's lockstep kernel, and the seed shape's instance on the stack. */
#include "xorc_lockstep-inl.h"

/*
 * One network of any shape, trained where it lies: the group's parameters, their
 * optimizer state, X, y and outputs are the caller's own buffers (a one-lane vector
 * is a value), and its gradients and activations are carved from `work`
 * (xorc_group_layout, not own). n_out: passed as a literal where it pays (one
 * output: the loops over outputs vanish).
 */
XORC_INLINE void FN(train_where_it_lies)(REAL *W1, REAL *b1, REAL *W2, REAL *b2, REAL *opt_state,
                                         REAL *loss, REAL *out, int64_t *learned_at, REAL *work,
                                         const REAL *X, const REAL *y, size_t n, size_t n_in,
                                         size_t n_hidden, size_t n_out, const xorc_options *opts)
{
    size_t at[XORC_PARTS + 1];
    (void)xorc_group_layout(at, 0, n, n_in, n_hidden, n_out, SIZE_MAX);
    struct FN(group) g = FN(group_carve)(work, at);
    g.W1 = W1;
    g.W2 = W2;
    g.b1 = b1;
    g.b2 = b2;
    if (opts->optimizer != XORC_OPTIMIZER_GD) {
        /* xorc_optimizer_state_len's layout: [first: W1 W2 b1 b2][second: W1 W2 b1 b2]. */
        const size_t w1 = n_in * n_hidden, w2 = n_hidden * n_out;
        const size_t params = w1 + w2 + (b1 != NULL ? n_hidden + n_out : 0);
        g.mW1 = opt_state;
        g.mW2 = opt_state + w1;
        g.sW1 = opt_state + params;
        g.sW2 = opt_state + params + w1;
        if (b1 != NULL) {
            g.mb1 = opt_state + w1 + w2;
            g.mb2 = opt_state + w1 + w2 + n_hidden;
            g.sb1 = opt_state + params + w1 + w2;
            g.sb2 = opt_state + params + w1 + w2 + n_hidden;
        }
    }
    g.xs = X;
    g.ts = y;
    g.outs = out;
    const int checks = opts->check_every > 0;
    int64_t learned[1] = {checks ? learned_at[0] : -1};
    (void)FN(group_train)(&g, loss, learned, X, y, n, n_in, n_hidden, n_out, b1 != NULL,
                          opts->activation, 0, opts->online, opts);
    if (checks) {
        learned_at[0] = learned[0];
    }
}

/* The instances: one output (the common case: its loops over outputs vanish), and any. */
XORC_NOINLINE void FN(train_one_output)(REAL *W1, REAL *b1, REAL *W2, REAL *b2, REAL *opt_state,
                                        REAL *loss, REAL *out, int64_t *learned_at, REAL *work,
                                        const REAL *X, const REAL *y, size_t n, size_t n_in,
                                        size_t n_hidden, const xorc_options *opts)
{
    (void)FN(train_where_it_lies)(W1, b1, W2, b2, opt_state, loss, out, learned_at, work, X, y, n,
                                  n_in, n_hidden, 1, opts);
}

XORC_NOINLINE void FN(train_any)(REAL *W1, REAL *b1, REAL *W2, REAL *b2, REAL *opt_state,
                                 REAL *loss, REAL *out, int64_t *learned_at, REAL *work,
                                 const REAL *X, const REAL *y, size_t n, size_t n_in,
                                 size_t n_hidden, size_t n_out, const xorc_options *opts)
{
    (void)FN(train_where_it_lies)(W1, b1, W2, b2, opt_state, loss, out, learned_at, work, X, y, n,
                                  n_in, n_hidden, n_out, opts);
}

void PUB(xorc_train_one)(REAL *W1, REAL *b1, REAL *W2, REAL *b2, REAL *opt_state, REAL *loss,
                         REAL *out, int64_t *learned_at, REAL *work, const REAL *X, const REAL *y,
                         size_t n, size_t n_in, size_t n_hidden, size_t n_out,
                         const xorc_options *opts)
{
    if (FN(table2_instance_for)(opts)
        && FN(is_table2)(X, y, n, n_in, n_hidden, n_out, b1 != NULL)) {
        REAL outputs[4];
        (void)FN(run_2_3_1_table2)(W1, W2, opt_state, loss, outputs, learned_at, y, 0, 1, opts);
        if (out != NULL) {
            memcpy(out, outputs, sizeof outputs);
        }
    } else if (n_out == 1) {
        (void)FN(train_one_output)(W1, b1, W2, b2, opt_state, loss, out, learned_at, work, X, y, n,
                                   n_in, n_hidden, opts);
    } else {
        (void)FN(train_any)(W1, b1, W2, b2, opt_state, loss, out, learned_at, work, X, y, n, n_in,
                            n_hidden, n_out, opts);
    }
}

/* The scalar level: one network after another, each where it lies. */
XORC_LEVEL_KERNEL(REAL, LV(PUB(xorc_lockstep)))
{
    const size_t w1 = n_in * n_hidden, w2 = n_hidden * n_out;
    const size_t state_len = xorc_optimizer_state_len(n_in, n_hidden, n_out, b1 != NULL);
    const int kept = opts->optimizer != XORC_OPTIMIZER_GD;
    for (size_t b = 0; b < batch; b++) {
        PUB(xorc_train_one)
        (W1 + b * w1, b1 != NULL ? b1 + b * n_hidden : NULL, W2 + b * w2,
         b2 != NULL ? b2 + b * n_out : NULL, kept ? opt_state + b * state_len : NULL, loss + b,
         out + b * n * n_out, learned_at != NULL ? learned_at + b : NULL, (REAL *)state, X, y, n,
         n_in, n_hidden, n_out, opts);
    }
}

int PUB(xorc_exp)(REAL *out, const REAL *x, size_t n)
{
    if (out == NULL || x == NULL) {
        return XORC_ERR_NULL;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = FN(exp)(x[i], 0, NULL);
    }
    return XORC_OK;
}

int PUB(xorc_sigmoid)(REAL *out, const REAL *z, size_t n)
{
    if (out == NULL || z == NULL) {
        return XORC_ERR_NULL;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = FN(sigmoid)(z[i], 0, NULL);
    }
    return XORC_OK;
}

int PUB(xorc_forward)(REAL *hidden, REAL *out, const REAL *X, const REAL *W1, const REAL *b1,
                      const REAL *W2, const REAL *b2, size_t n, size_t n_in, size_t n_hidden,
                      size_t n_out, const xorc_options *options)
{
    if (hidden == NULL || out == NULL || X == NULL || W1 == NULL || W2 == NULL
        || (b1 == NULL) != (b2 == NULL) || options == NULL) {
        return XORC_ERR_NULL;
    }
    if (!xorc_sizes_ok(n, n_in, n_hidden, n_out)) {
        return XORC_ERR_SIZE;
    }
    const int status = xorc_options_check(options, REAL_IS_FLOAT, 0);
    if (status != XORC_OK) {
        return status;
    }
    for (size_t i = 0; i < n; i++) {
        FN(layer)
        (hidden + i * n_hidden, X + i * n_in, W1, b1, n_in, n_hidden, options->activation, 0, NULL);
        FN(layer)
        (out + i * n_out, hidden + i * n_hidden, W2, b2, n_hidden, n_out, XORC_ACTIVATION_SIGMOID,
         0, NULL);
    }
    return XORC_OK;
}

int PUB(xorc_loss)(REAL *loss, const REAL *out, const REAL *y, size_t n, size_t n_out,
                   const xorc_options *options)
{
    if (loss == NULL || out == NULL || y == NULL || options == NULL) {
        return XORC_ERR_NULL;
    }
    if (!xorc_sizes_ok(n, 1, 1, n_out)) {
        return XORC_ERR_SIZE;
    }
    const int status = xorc_options_check(options, REAL_IS_FLOAT, 0);
    if (status != XORC_OK) {
        return status;
    }
    REAL sum = 0;
    for (size_t i = 0; i < n * n_out; i++) {
        sum += FN(loss_term)(options->loss, out[i], y[i]);
    }
    *loss = sum;
    return XORC_OK;
}

int PUB(xorc_backward)(REAL *dW1, REAL *db1, REAL *dW2, REAL *db2, REAL *delta, const REAL *X,
                       const REAL *y, const REAL *hidden, const REAL *out, const REAL *W2, size_t n,
                       size_t n_in, size_t n_hidden, size_t n_out, const xorc_options *options)
{
    if (dW1 == NULL || dW2 == NULL || delta == NULL || X == NULL || y == NULL || hidden == NULL
        || out == NULL || W2 == NULL || (db1 == NULL) != (db2 == NULL) || options == NULL) {
        return XORC_ERR_NULL;
    }
    if (!xorc_sizes_ok(n, n_in, n_hidden, n_out)) {
        return XORC_ERR_SIZE;
    }
    const int status = xorc_options_check(options, REAL_IS_FLOAT, 0);
    if (status != XORC_OK) {
        return status;
    }
    memset(dW1, 0, n_in * n_hidden * sizeof(REAL));
    memset(dW2, 0, n_hidden * n_out * sizeof(REAL));
    if (db1 != NULL) {
        memset(db1, 0, n_hidden * sizeof(REAL));
        memset(db2, 0, n_out * sizeof(REAL));
    }
    for (size_t i = 0; i < n; i++) {
        (void)FN(backward)(dW1, db1, dW2, db2, delta + i * n_out, X + i * n_in, NULL, y + i * n_out,
                           hidden + i * n_hidden, out + i * n_out, W2, n_in, n_hidden, n_out,
                           options->activation, options->loss);
    }
    return XORC_OK;
}

int PUB(xorc_update)(REAL *W, REAL *state, const REAL *grad, size_t len,
                     const xorc_options *options)
{
    if (W == NULL || grad == NULL || options == NULL
        || (state == NULL && options->optimizer != XORC_OPTIMIZER_GD)) {
        return XORC_ERR_NULL;
    }
    if (len == 0 || len > SIZE_MAX / sizeof(double) / 2) {
        return XORC_ERR_SIZE;
    }
    const int status = xorc_options_check(options, REAL_IS_FLOAT, 1);
    if (status != XORC_OK) {
        return status;
    }
    struct FN(rule)
        rule = {options->optimizer, (REAL)options->lr, (REAL)options->momentum, 0, options->lr};
    REAL *first = state, *second = state != NULL ? state + len : NULL;
    if (options->restart && state != NULL) {
        FN(optimizer_start)(options->optimizer, first, second, len);
    }
    (void)FN(rule_next)(&rule, options->updates_done + 1);
    FN(optimize)(&rule, W, first, second, grad, len);
    return XORC_OK;
}

int PUB(xorc_on_target)(unsigned char *on_target, const REAL *out, const REAL *y, size_t batch,
                        size_t n, size_t n_out)
{
    size_t unused;
    if (on_target == NULL || out == NULL || y == NULL) {
        return XORC_ERR_NULL;
    }
    if (batch == 0 || !xorc_sizes_ok(n, 1, 1, n_out)
        || !xorc_mul_within(batch, n * n_out, SIZE_MAX / sizeof(double), &unused)) {
        return XORC_ERR_SIZE;
    }
    for (size_t b = 0; b < batch; b++) {
        VM ok = ~(VM)0;
        for (size_t i = 0; i < n; i++) {
            FN(check_row)(&ok, out + (b * n + i) * n_out, y + i * n_out, n_out);
        }
        on_target[b] = ok != 0;
    }
    return XORC_OK;
}

int PUB(xorc_train)(REAL *W1, REAL *b1, REAL *W2, REAL *b2, REAL *opt_state, REAL *loss, REAL *out,
                    int64_t *learned_at, REAL *work, size_t work_len, const REAL *X, const REAL *y,
                    size_t n, size_t n_in, size_t n_hidden, size_t n_out,
                    const xorc_options *options)
{
    if (W1 == NULL || W2 == NULL || loss == NULL || work == NULL || X == NULL || y == NULL
        || (b1 == NULL) != (b2 == NULL) || options == NULL
        || (options->check_every > 0 && learned_at == NULL)
        || (options->optimizer != XORC_OPTIMIZER_GD && opt_state == NULL)) {
        return XORC_ERR_NULL;
    }
    /* Sizes that fit can still add up to a workspace length that does not (then 0). */
    const size_t needed = xorc_train_workspace_len(n_in, n_hidden, n_out);
    if (!xorc_sizes_ok(n, n_in, n_hidden, n_out) || needed == 0 || !xorc_checked_steps_fit(options)
        || !xorc_updates_fit(options, n)) {
        return XORC_ERR_SIZE;
    }
    const int status = xorc_options_check(options, REAL_IS_FLOAT, 1);
    if (status != XORC_OK) {
        return status;
    }
    if (work_len < needed) {
        return XORC_ERR_WORKSPACE;
    }
    PUB(xorc_train_one)
    (W1, b1, W2, b2, opt_state, loss, out, learned_at, work, X, y, n, n_in, n_hidden, n_out,
     options);
    return XORC_OK;
}
