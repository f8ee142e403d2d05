/*
 * xorc_kernels.h — the math of xorc, written once.
 *
 * Included by xorc.c once per precision, with three macros defined:
 *   REAL      the floating type (double or float)
 *   EXP       its exponential (exp_d or exp_s, from xorc_exp.h)
 *   FN(name)  the name with the precision's suffix (name_d or name_s)
 * and XORC_INLINE (static inline, forced where the compiler allows it).
 * There is deliberately no include guard.
 *
 * The row functions below (layer_row, sse_row, backward_row,
 * descend) are the only place where arithmetic happens; the public entry points
 * and the training loop all call them, so one training step through
 * xorc_train_* is bit for bit the same as xorc_forward_*, xorc_backward_* and
 * xorc_update_* called one after another.
 *
 * Speed comes from the compiler, not from second copies of the math: the row
 * functions and the training loop are inlined into each caller, and
 * xorc_train_* calls the loop with literal sizes for the shapes worth it (the
 * seed program's 2-3-1, and one output), so the compiler unrolls the same
 * loops and drops the tests there. The training loop
 * goes layer by layer over blocks of XORC_BLOCK rows, so the exponentials of
 * different rows are independent and the processor overlaps them. The
 * floating-point operations, and the order of every sum, are the same in every
 * instance and in the public functions (xorc.c is compiled with
 * -ffp-contract=off and without -ffast-math, so the compiler may not
 * reassociate or fuse them).
 *
 * A call too long for one line is written (void)FN(name)(...): the cast changes
 * nothing, and tells clang-format that the line is a call, not a macro.
 */

/* sigmoid(z) = 1 / (1 + e^-z); saturates cleanly to 0 or 1 for large |z|. */
XORC_INLINE REAL FN(sigmoid)(REAL z)
{
    return (REAL)1 / ((REAL)1 + EXP(-z));
}

/*
 * One row of a layer: out = sigmoid(in·W + b), W of shape (n_in, n_out). The
 * hidden layer is layer_row(h, x, W1, b1, n_in, n_hidden), the output layer
 * layer_row(o, h, W2, b2, n_hidden, n_out).
 */
XORC_INLINE void FN(layer_row)(REAL *restrict out, const REAL *restrict in, const REAL *restrict W,
                               const REAL *restrict b, size_t n_in, size_t n_out)
{
    for (size_t k = 0; k < n_out; k++) {
        REAL z = in[0] * W[k];
        for (size_t m = 1; m < n_in; m++) {
            z += in[m] * W[m * n_out + k];
        }
        if (b != NULL) {
            z += b[k];
        }
        out[k] = FN(sigmoid)(z);
    }
}

/* One row's squared error: sum over k of (t_k - o_k)^2, added to *sse. */
XORC_INLINE void FN(sse_row)(REAL *restrict sse, const REAL *restrict o, const REAL *restrict t,
                             size_t n_out)
{
    for (size_t k = 0; k < n_out; k++) {
        REAL e = t[k] - o[k];
        *sse += e * e;
    }
}

/*
 * One row of the backward pass, added into the gradient accumulators:
 *   delta = dSSE/dz2 = 2 (o - t) * o * (1 - o)
 *   dW2  += h^T · delta,                 db2 += delta
 *   dz1   = (W2 · delta) * h * (1 - h)
 *   dW1  += x^T · dz1,                   db1 += dz1
 */
XORC_INLINE void FN(backward_row)(REAL *restrict dW1, REAL *restrict db1, REAL *restrict dW2,
                                  REAL *restrict db2, REAL *restrict delta, const REAL *restrict x,
                                  const REAL *restrict t, const REAL *restrict h,
                                  const REAL *restrict o, const REAL *restrict W2, size_t n_in,
                                  size_t n_hidden, size_t n_out)
{
    for (size_t k = 0; k < n_out; k++) {
        delta[k] = (REAL)2 * (o[k] - t[k]) * o[k] * ((REAL)1 - o[k]);
    }
    for (size_t j = 0; j < n_hidden; j++) {
        for (size_t k = 0; k < n_out; k++) {
            dW2[j * n_out + k] += h[j] * delta[k];
        }
    }
    if (db2 != NULL) {
        for (size_t k = 0; k < n_out; k++) {
            db2[k] += delta[k];
        }
    }
    for (size_t j = 0; j < n_hidden; j++) {
        REAL g = W2[j * n_out] * delta[0];
        for (size_t k = 1; k < n_out; k++) {
            g += W2[j * n_out + k] * delta[k];
        }
        REAL dz1 = g * h[j] * ((REAL)1 - h[j]);
        for (size_t m = 0; m < n_in; m++) {
            dW1[m * n_hidden + j] += x[m] * dz1;
        }
        if (db1 != NULL) {
            db1[j] += dz1;
        }
    }
}

/* W <- W - lr * grad, element by element. */
XORC_INLINE void FN(descend)(REAL *restrict W, const REAL *restrict grad, size_t len, REAL lr)
{
    for (size_t p = 0; p < len; p++) {
        W[p] -= lr * grad[p];
    }
}

XORC_INLINE void FN(zero)(REAL *restrict buf, size_t len)
{
    for (size_t p = 0; p < len; p++) {
        buf[p] = 0;
    }
}

static int FN(lr_ok)(REAL lr)
{
    return isfinite(lr) && lr > 0;
}

/*
 * Forward and backward over rows i .. i + rows - 1 (rows <= XORC_BLOCK), the
 * gradients added into the accumulators. Layer by layer across the rows: their
 * exponentials are independent, so the processor overlaps them.
 */
XORC_INLINE void FN(train_block)(REAL *restrict dW1, REAL *restrict db1, REAL *restrict dW2,
                                 REAL *restrict db2, REAL *restrict h, REAL *restrict o,
                                 REAL *restrict delta, const REAL *restrict W1,
                                 const REAL *restrict b1, const REAL *restrict W2,
                                 const REAL *restrict b2, const REAL *restrict X,
                                 const REAL *restrict y, size_t i, size_t rows, size_t n_in,
                                 size_t n_hidden, size_t n_out)
{
    for (size_t r = 0; r < rows; r++) {
        FN(layer_row)(h + r * n_hidden, X + (i + r) * n_in, W1, b1, n_in, n_hidden);
    }
    for (size_t r = 0; r < rows; r++) {
        FN(layer_row)(o + r * n_out, h + r * n_hidden, W2, b2, n_hidden, n_out);
    }
    for (size_t r = 0; r < rows; r++) {
        (void)FN(backward_row)(dW1, db1, dW2, db2, delta + r * n_out, X + (i + r) * n_in,
                               y + (i + r) * n_out, h + r * n_hidden, o + r * n_out, W2, n_in,
                               n_hidden, n_out);
    }
}

/*
 * `steps` full-batch steps in place, then the SSE of the network as it then
 * stands. Each step: zero the gradients, forward and backward over blocks of
 * XORC_BLOCK rows (the block's hidden layers, then its outputs, then its
 * gradients, accumulated in row order as xorc_backward does), then
 * W <- W - lr * dW for each parameter (as xorc_update does). `work` is
 * carved as xorc_train_workspace_len() counts it. b1 and b2 are both NULL or
 * both not; callers pass a literal NULL, and literal sizes, to get a
 * specialised instance.
 */
XORC_INLINE REAL FN(train_steps)(REAL *restrict W1, REAL *restrict b1, REAL *restrict W2,
                                 REAL *restrict b2, REAL *restrict work, const REAL *restrict X,
                                 const REAL *restrict y, size_t n, size_t n_in, size_t n_hidden,
                                 size_t n_out, REAL lr, uint64_t steps)
{
    /* The workspace: gradient accumulators, then a block of rows' activations. */
    REAL *dW1 = work;
    REAL *dW2 = dW1 + n_in * n_hidden;
    REAL *db1 = b1 != NULL ? dW2 + n_hidden * n_out : NULL;
    REAL *db2 = b1 != NULL ? dW2 + n_hidden * n_out + n_hidden : NULL;
    REAL *h = dW2 + n_hidden * n_out + n_hidden + n_out;
    REAL *o = h + XORC_BLOCK * n_hidden;
    REAL *delta = o + XORC_BLOCK * n_out;

    for (uint64_t s = 0; s < steps; s++) {
        FN(zero)(dW1, n_in * n_hidden);
        FN(zero)(dW2, n_hidden * n_out);
        if (b1 != NULL) {
            FN(zero)(db1, n_hidden);
            FN(zero)(db2, n_out);
        }
        size_t i = 0;
        for (; i + XORC_BLOCK <= n; i += XORC_BLOCK) {
            (void)FN(train_block)(dW1, db1, dW2, db2, h, o, delta, W1, b1, W2, b2, X, y, i,
                                  XORC_BLOCK, n_in, n_hidden, n_out);
        }
        if (i < n) {
            (void)FN(train_block)(dW1, db1, dW2, db2, h, o, delta, W1, b1, W2, b2, X, y, i, n - i,
                                  n_in, n_hidden, n_out);
        }
        FN(descend)(W1, dW1, n_in * n_hidden, lr);
        FN(descend)(W2, dW2, n_hidden * n_out, lr);
        if (b1 != NULL) {
            FN(descend)(b1, db1, n_hidden, lr);
            FN(descend)(b2, db2, n_out, lr);
        }
    }

    /* The SSE of the network as it now stands. */
    REAL sse = 0;
    for (size_t i = 0; i < n; i++) {
        FN(layer_row)(h, X + i * n_in, W1, b1, n_in, n_hidden);
        FN(layer_row)(o, h, W2, b2, n_hidden, n_out);
        FN(sse_row)(&sse, o, y + i * n_out, n_out);
    }
    return sse;
}

/*
 * The instances of train_steps: the seed program's shape (all sizes literal, no
 * biases: every loop but the one over rows unrolls), one output (the loops over
 * outputs vanish: about 25% fewer instructions than the general instance), and
 * any shape.
 */
static REAL FN(train_2_3_1)(REAL *restrict W1, REAL *restrict W2, REAL *restrict work,
                            const REAL *restrict X, const REAL *restrict y, size_t n, REAL lr,
                            uint64_t steps)
{
    return FN(train_steps)(W1, NULL, W2, NULL, work, X, y, n, 2, 3, 1, lr, steps);
}

static REAL FN(train_one_output)(REAL *restrict W1, REAL *restrict b1, REAL *restrict W2,
                                 REAL *restrict b2, REAL *restrict work, const REAL *restrict X,
                                 const REAL *restrict y, size_t n, size_t n_in, size_t n_hidden,
                                 REAL lr, uint64_t steps)
{
    return FN(train_steps)(W1, b1, W2, b2, work, X, y, n, n_in, n_hidden, 1, lr, steps);
}

static REAL FN(train_any)(REAL *restrict W1, REAL *restrict b1, REAL *restrict W2,
                          REAL *restrict b2, REAL *restrict work, const REAL *restrict X,
                          const REAL *restrict y, size_t n, size_t n_in, size_t n_hidden,
                          size_t n_out, REAL lr, uint64_t steps)
{
    return FN(train_steps)(W1, b1, W2, b2, work, X, y, n, n_in, n_hidden, n_out, lr, steps);
}

int FN(xorc_exp)(REAL *out, const REAL *x, size_t n)
{
    if (out == NULL || x == NULL) {
        return XORC_ERR_NULL;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = EXP(x[i]);
    }
    return XORC_OK;
}

int FN(xorc_sigmoid)(REAL *out, const REAL *z, size_t n)
{
    if (out == NULL || z == NULL) {
        return XORC_ERR_NULL;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = FN(sigmoid)(z[i]);
    }
    return XORC_OK;
}

int FN(xorc_forward)(REAL *hidden, REAL *out, const REAL *X, const REAL *W1, const REAL *b1,
                     const REAL *W2, const REAL *b2, size_t n, size_t n_in, size_t n_hidden,
                     size_t n_out)
{
    if (hidden == NULL || out == NULL || X == NULL || W1 == NULL || W2 == NULL
        || (b1 == NULL) != (b2 == NULL)) {
        return XORC_ERR_NULL;
    }
    if (!xorc_sizes_ok(n, n_in, n_hidden, n_out)) {
        return XORC_ERR_SIZE;
    }
    for (size_t i = 0; i < n; i++) {
        FN(layer_row)(hidden + i * n_hidden, X + i * n_in, W1, b1, n_in, n_hidden);
        FN(layer_row)(out + i * n_out, hidden + i * n_hidden, W2, b2, n_hidden, n_out);
    }
    return XORC_OK;
}

int FN(xorc_loss)(REAL *loss, const REAL *out, const REAL *y, size_t n, size_t n_out)
{
    if (loss == NULL || out == NULL || y == NULL) {
        return XORC_ERR_NULL;
    }
    if (!xorc_sizes_ok(n, 1, 1, n_out)) {
        return XORC_ERR_SIZE;
    }
    REAL sse = 0;
    for (size_t i = 0; i < n; i++) {
        FN(sse_row)(&sse, out + i * n_out, y + i * n_out, n_out);
    }
    *loss = sse;
    return XORC_OK;
}

int FN(xorc_backward)(REAL *dW1, REAL *db1, REAL *dW2, REAL *db2, REAL *delta, const REAL *X,
                      const REAL *y, const REAL *hidden, const REAL *out, const REAL *W2, size_t n,
                      size_t n_in, size_t n_hidden, size_t n_out)
{
    if (dW1 == NULL || dW2 == NULL || delta == NULL || X == NULL || y == NULL || hidden == NULL
        || out == NULL || W2 == NULL || (db1 == NULL) != (db2 == NULL)) {
        return XORC_ERR_NULL;
    }
    if (!xorc_sizes_ok(n, n_in, n_hidden, n_out)) {
        return XORC_ERR_SIZE;
    }
    FN(zero)(dW1, n_in * n_hidden);
    FN(zero)(dW2, n_hidden * n_out);
    if (db1 != NULL) {
        FN(zero)(db1, n_hidden);
        FN(zero)(db2, n_out);
    }
    for (size_t i = 0; i < n; i++) {
        (void)FN(backward_row)(dW1, db1, dW2, db2, delta + i * n_out, X + i * n_in, y + i * n_out,
                               hidden + i * n_hidden, out + i * n_out, W2, n_in, n_hidden, n_out);
    }
    return XORC_OK;
}

int FN(xorc_update)(REAL *W, const REAL *grad, size_t len, REAL lr)
{
    if (W == NULL || grad == NULL) {
        return XORC_ERR_NULL;
    }
    if (len == 0 || len > SIZE_MAX / sizeof(double)) {
        return XORC_ERR_SIZE;
    }
    if (!FN(lr_ok)(lr)) {
        return XORC_ERR_LR;
    }
    FN(descend)(W, grad, len, lr);
    return XORC_OK;
}

int FN(xorc_train)(REAL *W1, REAL *b1, REAL *W2, REAL *b2, REAL *loss, REAL *work, size_t work_len,
                   const REAL *X, const REAL *y, size_t n, size_t n_in, size_t n_hidden,
                   size_t n_out, REAL lr, uint64_t steps)
{
    if (W1 == NULL || W2 == NULL || loss == NULL || work == NULL || X == NULL || y == NULL
        || (b1 == NULL) != (b2 == NULL)) {
        return XORC_ERR_NULL;
    }
    /* Sizes that fit can still add up to a workspace length that does not (then 0). */
    if (!xorc_sizes_ok(n, n_in, n_hidden, n_out)
        || xorc_train_workspace_len(n_in, n_hidden, n_out) == 0) {
        return XORC_ERR_SIZE;
    }
    if (!FN(lr_ok)(lr)) {
        return XORC_ERR_LR;
    }
    if (work_len < xorc_train_workspace_len(n_in, n_hidden, n_out)) {
        return XORC_ERR_WORKSPACE;
    }
    if (b1 == NULL && n_in == 2 && n_hidden == 3 && n_out == 1) {
        *loss = FN(train_2_3_1)(W1, W2, work, X, y, n, lr, steps);
    } else if (n_out == 1) {
        *loss = FN(train_one_output)(W1, b1, W2, b2, work, X, y, n, n_in, n_hidden, lr, steps);
    } else {
        *loss = FN(train_any)(W1, b1, W2, b2, work, X, y, n, n_in, n_hidden, n_out, lr, steps);
    }
    return XORC_OK;
}
