/*
 * xorc_kernels.h — the math of xorc, written once.
 *
 * Included by xorc.c once per precision, with three macros defined:
 *   REAL      the floating type (double or float)
 *   EXP       its exponential (exp or expf)
 *   FN(name)  the name with the precision's suffix (name_d or name_s)
 * There is deliberately no include guard.
 *
 * The row functions below are the only place where arithmetic happens; the
 * public entry points and the training loop all call them, so one training
 * step through xorc_train_* is bit for bit the same as xorc_forward_*,
 * xorc_backward_* and xorc_update_* called one after another.
 */

/* sigmoid(z) = 1 / (1 + e^-z); saturates cleanly to 0 or 1 for large |z|. */
static REAL FN(sigmoid)(REAL z)
{
    return (REAL)1 / ((REAL)1 + EXP(-z));
}

/* One row of the forward pass: h = sigmoid(x·W1 + b1), o = sigmoid(h·W2 + b2). */
static void FN(forward_row)(REAL *h, REAL *o, const REAL *x,
                            const REAL *W1, const REAL *b1,
                            const REAL *W2, const REAL *b2,
                            size_t n_in, size_t n_hidden, size_t n_out)
{
    for (size_t j = 0; j < n_hidden; j++) {
        REAL z = 0;
        for (size_t m = 0; m < n_in; m++) {
            z += x[m] * W1[m * n_hidden + j];
        }
        if (b1 != NULL) {
            z += b1[j];
        }
        h[j] = FN(sigmoid)(z);
    }
    for (size_t k = 0; k < n_out; k++) {
        REAL z = 0;
        for (size_t j = 0; j < n_hidden; j++) {
            z += h[j] * W2[j * n_out + k];
        }
        if (b2 != NULL) {
            z += b2[k];
        }
        o[k] = FN(sigmoid)(z);
    }
}

/* One row's squared error: sum over k of (t_k - o_k)^2, added to *sse. */
static void FN(sse_row)(REAL *sse, const REAL *o, const REAL *t, size_t n_out)
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
static void FN(backward_row)(REAL *dW1, REAL *db1, REAL *dW2, REAL *db2, REAL *delta,
                             const REAL *x, const REAL *t, const REAL *h,
                             const REAL *o, const REAL *W2,
                             size_t n_in, size_t n_hidden, size_t n_out)
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
        REAL g = 0;
        for (size_t k = 0; k < n_out; k++) {
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
static void FN(descend)(REAL *W, const REAL *grad, size_t len, REAL lr)
{
    for (size_t p = 0; p < len; p++) {
        W[p] -= lr * grad[p];
    }
}

static void FN(zero)(REAL *buf, size_t len)
{
    for (size_t p = 0; p < len; p++) {
        buf[p] = 0;
    }
}

static int FN(lr_ok)(REAL lr)
{
    return isfinite(lr) && lr > 0;
}

int FN(xorc_forward)(REAL *hidden, REAL *out,
                     const REAL *X, const REAL *W1, const REAL *b1,
                     const REAL *W2, const REAL *b2,
                     size_t n, size_t n_in, size_t n_hidden, size_t n_out)
{
    if (hidden == NULL || out == NULL || X == NULL || W1 == NULL || W2 == NULL
        || (b1 == NULL) != (b2 == NULL)) {
        return XORC_ERR_NULL;
    }
    if (!sizes_ok(n, n_in, n_hidden, n_out)) {
        return XORC_ERR_SIZE;
    }
    for (size_t i = 0; i < n; i++) {
        FN(forward_row)(hidden + i * n_hidden, out + i * n_out, X + i * n_in,
                        W1, b1, W2, b2, n_in, n_hidden, n_out);
    }
    return XORC_OK;
}

int FN(xorc_loss)(REAL *loss, const REAL *out, const REAL *y, size_t n, size_t n_out)
{
    if (loss == NULL || out == NULL || y == NULL) {
        return XORC_ERR_NULL;
    }
    if (!sizes_ok(n, 1, 1, n_out)) {
        return XORC_ERR_SIZE;
    }
    REAL sse = 0;
    for (size_t i = 0; i < n; i++) {
        FN(sse_row)(&sse, out + i * n_out, y + i * n_out, n_out);
    }
    *loss = sse;
    return XORC_OK;
}

int FN(xorc_backward)(REAL *dW1, REAL *db1, REAL *dW2, REAL *db2, REAL *delta,
                      const REAL *X, const REAL *y, const REAL *hidden,
                      const REAL *out, const REAL *W2,
                      size_t n, size_t n_in, size_t n_hidden, size_t n_out)
{
    if (dW1 == NULL || dW2 == NULL || delta == NULL || X == NULL || y == NULL
        || hidden == NULL || out == NULL || W2 == NULL || (db1 == NULL) != (db2 == NULL)) {
        return XORC_ERR_NULL;
    }
    if (!sizes_ok(n, n_in, n_hidden, n_out)) {
        return XORC_ERR_SIZE;
    }
    FN(zero)(dW1, n_in * n_hidden);
    FN(zero)(dW2, n_hidden * n_out);
    if (db1 != NULL) {
        FN(zero)(db1, n_hidden);
        FN(zero)(db2, n_out);
    }
    for (size_t i = 0; i < n; i++) {
        FN(backward_row)(dW1, db1, dW2, db2, delta + i * n_out,
                         X + i * n_in, y + i * n_out, hidden + i * n_hidden,
                         out + i * n_out, W2, n_in, n_hidden, n_out);
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

int FN(xorc_train)(REAL *W1, REAL *b1, REAL *W2, REAL *b2, REAL *loss,
                   REAL *work, size_t work_len,
                   const REAL *X, const REAL *y,
                   size_t n, size_t n_in, size_t n_hidden, size_t n_out,
                   REAL lr, uint64_t steps)
{
    if (W1 == NULL || W2 == NULL || loss == NULL || work == NULL || X == NULL
        || y == NULL || (b1 == NULL) != (b2 == NULL)) {
        return XORC_ERR_NULL;
    }
    /* Sizes that fit can still add up to a workspace length that does not (then 0). */
    if (!sizes_ok(n, n_in, n_hidden, n_out) || xorc_train_workspace_len(n_in, n_hidden, n_out) == 0) {
        return XORC_ERR_SIZE;
    }
    if (!FN(lr_ok)(lr)) {
        return XORC_ERR_LR;
    }
    if (work_len < xorc_train_workspace_len(n_in, n_hidden, n_out)) {
        return XORC_ERR_WORKSPACE;
    }
    /* The workspace: gradient accumulators, then one row's activations. */
    REAL *dW1 = work;
    REAL *dW2 = dW1 + n_in * n_hidden;
    REAL *db1 = dW2 + n_hidden * n_out;
    REAL *db2 = db1 + n_hidden;
    REAL *h = db2 + n_out;
    REAL *o = h + n_hidden;
    REAL *delta = o + n_out;
    const int has_bias = b1 != NULL;

    for (uint64_t s = 0; s < steps; s++) {
        FN(zero)(dW1, n_in * n_hidden);
        FN(zero)(dW2, n_hidden * n_out);
        if (has_bias) {
            FN(zero)(db1, n_hidden);
            FN(zero)(db2, n_out);
        }
        for (size_t i = 0; i < n; i++) {
            const REAL *x = X + i * n_in;
            FN(forward_row)(h, o, x, W1, b1, W2, b2, n_in, n_hidden, n_out);
            FN(backward_row)(dW1, has_bias ? db1 : NULL, dW2, has_bias ? db2 : NULL, delta,
                             x, y + i * n_out, h, o, W2, n_in, n_hidden, n_out);
        }
        FN(descend)(W1, dW1, n_in * n_hidden, lr);
        FN(descend)(W2, dW2, n_hidden * n_out, lr);
        if (has_bias) {
            FN(descend)(b1, db1, n_hidden, lr);
            FN(descend)(b2, db2, n_out, lr);
        }
    }

    /* The SSE of the network as it now stands. */
    REAL sse = 0;
    for (size_t i = 0; i < n; i++) {
        FN(forward_row)(h, o, X + i * n_in, W1, b1, W2, b2, n_in, n_hidden, n_out);
        FN(sse_row)(&sse, o, y + i * n_out, n_out);
    }
    *loss = sse;
    return XORC_OK;
}
