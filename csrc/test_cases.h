/*
 * test_cases.h — the checks of test_xorc.c, written once.
 *
 * Included by test_xorc.c once per precision, with these macros defined:
 *   REAL       the floating type (double or float)
 *   REAL_NAME  its name, for messages
 *   FN(name)   the name with the precision's suffix (name_d or name_s); it also
 *              names the core's entry points: FN(xorc_forward) is xorc_forward_d
 *   HAND_TOL   the largest error allowed against the hand-computed values
 *   FD_EPS, FD_FLOOR, FD_TOL   the finite-difference step, the floor of the
 *              relative error's denominator, and the largest relative error
 *   SEED_TOL   the largest difference from the seed program's float64 numbers
 * There is deliberately no include guard.
 *
 * Every buffer is allocated on the heap at exactly its length, so that
 * AddressSanitizer and valgrind see any access past its end.
 *
 * (void)FN(name)(...) marks a long call for clang-format, as in xorc_step-inl.h.
 */

static REAL *FN(alloc)(size_t len)
{
    return (REAL *)xmalloc(len * sizeof(REAL));
}

/* A heap copy of `len` values, converted to REAL. */
static REAL *FN(from_doubles)(const double *values, size_t len)
{
    REAL *buf = FN(alloc)(len);
    for (size_t i = 0; i < len; i++) {
        buf[i] = (REAL)values[i];
    }
    return buf;
}

static REAL *FN(copy_of)(const REAL *values, size_t len)
{
    REAL *buf = FN(alloc)(len);
    memcpy(buf, values, len * sizeof(REAL));
    return buf;
}

/*
 * The core's entry points as most checks here call them: the options built from the
 * learning rate and steps that vary (every other option zero, its default).
 */
static xorc_options FN(options)(double lr, uint64_t steps)
{
    xorc_options options;
    memset(&options, 0, sizeof options);
    options.lr = lr;
    options.steps = steps;
    return options;
}

static int FN(forward)(REAL *hidden, REAL *out, const REAL *X, const REAL *W1, const REAL *b1,
                       const REAL *W2, const REAL *b2, size_t n, size_t n_in, size_t n_hidden,
                       size_t n_out)
{
    const xorc_options options = FN(options)(0, 0);
    return FN(xorc_forward)(hidden, out, X, W1, b1, W2, b2, n, n_in, n_hidden, n_out, &options);
}

static int FN(loss)(REAL *loss, const REAL *out, const REAL *y, size_t n, size_t n_out)
{
    const xorc_options options = FN(options)(0, 0);
    return FN(xorc_loss)(loss, out, y, n, n_out, &options);
}

static int FN(backward)(REAL *dW1, REAL *db1, REAL *dW2, REAL *db2, REAL *delta, const REAL *X,
                        const REAL *y, const REAL *hidden, const REAL *out, const REAL *W2,
                        size_t n, size_t n_in, size_t n_hidden, size_t n_out)
{
    const xorc_options options = FN(options)(0, 0);
    return FN(xorc_backward)(dW1, db1, dW2, db2, delta, X, y, hidden, out, W2, n, n_in, n_hidden,
                             n_out, &options);
}

static int FN(update)(REAL *W, const REAL *grad, size_t len, REAL lr)
{
    const xorc_options options = FN(options)(lr, 0);
    return FN(xorc_update)(W, NULL, grad, len, &options);
}

static int FN(train)(REAL *W1, REAL *b1, REAL *W2, REAL *b2, REAL *loss, REAL *work,
                     size_t work_len, const REAL *X, const REAL *y, size_t n, size_t n_in,
                     size_t n_hidden, size_t n_out, REAL lr, uint64_t steps)
{
    const xorc_options options = FN(options)(lr, steps);
    return FN(xorc_train)(W1, b1, W2, b2, NULL, loss, NULL, NULL, work, work_len, X, y, n, n_in,
                          n_hidden, n_out, &options);
}

static void FN(fill_uniform)(REAL *buf, size_t len, struct rng *r, double lo, double hi)
{
    for (size_t i = 0; i < len; i++) {
        buf[i] = (REAL)rng_uniform(r, lo, hi);
    }
}

/* max |got - want| over `len` values; NaN if any difference is NaN. */
static double FN(max_error)(const REAL *got, const double *want, size_t len)
{
    double worst = 0;
    for (size_t i = 0; i < len; i++) {
        double e = fabs((double)got[i] - want[i]);
        if (isnan(e) || e > worst) {
            worst = e;
        }
        if (isnan(worst)) {
            break;
        }
    }
    return worst;
}

/* Whether two buffers hold the same bits (a and b may both be NULL). */
static int FN(same_bits)(const REAL *a, const REAL *b, size_t len)
{
    if (a == NULL || b == NULL) {
        return a == b;
    }
    return memcmp(a, b, len * sizeof(REAL)) == 0;
}

/* A network and its data: X (n, n_in), y (n, n_out), W1, b1, W2, b2 (biases optional). */
struct FN(net) {
    struct dims d;
    REAL *X, *y, *W1, *b1, *W2, *b2;
};

/* X uniform in [-2, 2), y in [0, 1), weights and biases in [-1, 1), from `seed`. */
static struct FN(net) FN(net_random)(struct dims d, int bias, uint64_t seed)
{
    struct rng r = {seed};
    struct FN(net) net;
    net.d = d;
    net.X = FN(alloc)(d.n * d.n_in);
    net.y = FN(alloc)(d.n * d.n_out);
    net.W1 = FN(alloc)(d.n_in * d.n_hidden);
    net.W2 = FN(alloc)(d.n_hidden * d.n_out);
    FN(fill_uniform)(net.X, d.n * d.n_in, &r, -2, 2);
    FN(fill_uniform)(net.y, d.n * d.n_out, &r, 0, 1);
    FN(fill_uniform)(net.W1, d.n_in * d.n_hidden, &r, -1, 1);
    FN(fill_uniform)(net.W2, d.n_hidden * d.n_out, &r, -1, 1);
    net.b1 = net.b2 = NULL;
    if (bias) {
        net.b1 = FN(alloc)(d.n_hidden);
        net.b2 = FN(alloc)(d.n_out);
        FN(fill_uniform)(net.b1, d.n_hidden, &r, -1, 1);
        FN(fill_uniform)(net.b2, d.n_out, &r, -1, 1);
    }
    return net;
}

/* The seed program's network and XOR table. */
static struct FN(net) FN(net_seed)(void)
{
    struct FN(net) net;
    net.d.n = 4;
    net.d.n_in = 2;
    net.d.n_hidden = 3;
    net.d.n_out = 1;
    net.X = FN(from_doubles)(SEED_X, 4 * 2);
    net.y = FN(from_doubles)(SEED_Y, 4 * 1);
    net.W1 = FN(from_doubles)(SEED_W1, 2 * 3);
    net.W2 = FN(from_doubles)(SEED_W2, 3 * 1);
    net.b1 = net.b2 = NULL;
    return net;
}

static struct FN(net) FN(net_copy)(const struct FN(net) * src)
{
    struct FN(net) net;
    const struct dims d = src->d;
    net.d = d;
    net.X = FN(copy_of)(src->X, d.n * d.n_in);
    net.y = FN(copy_of)(src->y, d.n * d.n_out);
    net.W1 = FN(copy_of)(src->W1, d.n_in * d.n_hidden);
    net.W2 = FN(copy_of)(src->W2, d.n_hidden * d.n_out);
    net.b1 = src->b1 == NULL ? NULL : FN(copy_of)(src->b1, d.n_hidden);
    net.b2 = src->b2 == NULL ? NULL : FN(copy_of)(src->b2, d.n_out);
    return net;
}

static void FN(net_free)(struct FN(net) * net)
{
    free(net->X);
    free(net->y);
    free(net->W1);
    free(net->b1);
    free(net->W2);
    free(net->b2);
}

/* Whether two networks' weights and biases hold the same bits. */
static int FN(net_same)(const struct FN(net) * a, const struct FN(net) * b)
{
    const struct dims d = a->d;
    return FN(same_bits)(a->W1, b->W1, d.n_in * d.n_hidden)
           && FN(same_bits)(a->W2, b->W2, d.n_hidden * d.n_out)
           && FN(same_bits)(a->b1, b->b1, d.n_hidden) && FN(same_bits)(a->b2, b->b2, d.n_out);
}

/* The SSE of `net` on its data, by xorc_forward and xorc_loss; *ok is cleared on a failed call. */
static REAL FN(sse)(const struct FN(net) * net, REAL *hidden, REAL *out, int *ok)
{
    const struct dims d = net->d;
    REAL loss = 0;
    *ok &= FN(forward)(hidden, out, net->X, net->W1, net->b1, net->W2, net->b2, d.n, d.n_in,
                       d.n_hidden, d.n_out)
           == XORC_OK;
    *ok &= FN(loss)(&loss, out, net->y, d.n, d.n_out) == XORC_OK;
    return loss;
}

/*
 * Forward, loss and delta of a tiny network, worked out by hand.
 *
 * n = 3 rows, 2 inputs, 2 hidden units, 2 outputs; L = ln 3, so that
 * sigmoid(kL) = 3^k / (3^k + 1): sigmoid(0) = 1/2, sigmoid(L) = 3/4,
 * sigmoid(-L) = 1/4, sigmoid(2L) = 9/10, sigmoid(3L) = 27/28.
 *
 *   X = [1 0]   W1 = [L -L]   W2 = [ 4L  0 ]   y = [1 0]
 *       [0 1]        [0  L]        [-4L 4L ]       [0 1]
 *       [1 1]                                       [1 0]
 *
 * Without biases (both asymmetric, so a transposed W1 or W2 would show):
 *   X·W1   = [L -L; 0 L; L 0]          hidden = [3/4 1/4; 1/2 3/4; 3/4 1/2]
 *   h·W2   = [3L-L  L; 2L-3L 3L; 3L-2L 2L] = [2L L; -L 3L; L 2L]
 *   out    = [9/10 3/4; 1/4 27/28; 3/4 9/10]
 *   SSE    = (1/10)^2 + (3/4)^2 + (1/4)^2 + (1/28)^2 + (1/4)^2 + (9/10)^2
 *          = 1/100 + 9/16 + 1/16 + 1/784 + 1/16 + 81/100 = 7393/4900
 *   delta  = 2 (out - y) out (1 - out), element by element:
 *            row 1: 2(-1/10)(9/10)(1/10) = -9/500,   2(3/4)(3/4)(1/4)    = 9/32
 *            row 2: 2(1/4)(1/4)(3/4)     = 3/32,     2(-1/28)(27/28)(1/28) = -27/10976
 *            row 3: 2(-1/4)(3/4)(1/4)    = -3/32,    2(9/10)(9/10)(1/10) = 81/500
 *
 * With b1 = [-L 0], b2 = [L -L]:
 *   X·W1+b1 = [0 -L; -L L; 0 0]        hidden = [1/2 1/4; 1/4 3/4; 1/2 1/2]
 *   h·W2+b2 = [(2L-L)+L  L-L; (L-3L)+L 3L-L; (2L-2L)+L 2L-L] = [2L 0; -L 2L; L L]
 *   out    = [9/10 1/2; 1/4 9/10; 3/4 3/4]
 *   SSE    = 1/100 + 1/4 + 1/16 + 1/100 + 1/16 + 9/16 = 383/400
 *   delta  = row 1: -9/500, 2(1/2)(1/2)(1/2) = 1/4;  row 2: 3/32, 2(-1/10)(9/10)(1/10) = -9/500;
 *            row 3: -3/32, 2(3/4)(3/4)(1/4) = 9/32
 */
static void FN(test_by_hand)(struct tally *t)
{
    const REAL L = (REAL)LN3;
    const REAL X_values[3 * 2] = {1, 0, 0, 1, 1, 1};
    const REAL y_values[3 * 2] = {1, 0, 0, 1, 1, 0};
    const REAL W1_values[2 * 2] = {L, -L, 0, L};
    const REAL W2_values[2 * 2] = {4 * L, 0, -4 * L, 4 * L};
    const REAL b1_values[2] = {-L, 0};
    const REAL b2_values[2] = {L, -L};
    static const double hidden_plain[3 * 2] = {0.75, 0.25, 0.5, 0.75, 0.75, 0.5};
    static const double out_plain[3 * 2] = {0.9, 0.75, 0.25, 27.0 / 28, 0.75, 0.9};
    static const double delta_plain[3 * 2] = {-9.0 / 500,    9.0 / 32,  3.0 / 32,
                                              -27.0 / 10976, -3.0 / 32, 81.0 / 500};
    static const double hidden_bias[3 * 2] = {0.5, 0.25, 0.25, 0.75, 0.5, 0.5};
    static const double out_bias[3 * 2] = {0.9, 0.5, 0.25, 0.9, 0.75, 0.75};
    static const double delta_bias[3 * 2] = {-9.0 / 500, 0.25,      3.0 / 32,
                                             -9.0 / 500, -3.0 / 32, 9.0 / 32};
    const double loss_plain = 7393.0 / 4900, loss_bias = 383.0 / 400;

    REAL *X = FN(copy_of)(X_values, 6), *y = FN(copy_of)(y_values, 6);
    REAL *W1 = FN(copy_of)(W1_values, 4), *W2 = FN(copy_of)(W2_values, 4);
    REAL *b1 = FN(copy_of)(b1_values, 2), *b2 = FN(copy_of)(b2_values, 2);
    REAL *hidden = FN(alloc)(6), *out = FN(alloc)(6), *delta = FN(alloc)(6);
    REAL *dW1 = FN(alloc)(4), *dW2 = FN(alloc)(4), *db1 = FN(alloc)(2), *db2 = FN(alloc)(2);
    for (int bias = 0; bias <= 1; bias++) {
        const char *label = bias ? "with biases" : "without biases";
        REAL *B1 = bias ? b1 : NULL, *B2 = bias ? b2 : NULL;
        REAL loss = -1;
        int ok = FN(forward)(hidden, out, X, W1, B1, W2, B2, 3, 2, 2, 2) == XORC_OK;
        ok &= FN(loss)(&loss, out, y, 3, 2) == XORC_OK;
        ok &= FN(backward)(dW1, bias ? db1 : NULL, dW2, bias ? db2 : NULL, delta, X, y, hidden, out,
                           W2, 3, 2, 2, 2)
              == XORC_OK;
        check(t, ok, "by hand, %s, %s: a call failed", REAL_NAME, label);
        double e = FN(max_error)(hidden, bias ? hidden_bias : hidden_plain, 6);
        check(t, e <= HAND_TOL, "by hand, %s, %s: hidden off by %.3g", REAL_NAME, label, e);
        e = FN(max_error)(out, bias ? out_bias : out_plain, 6);
        check(t, e <= HAND_TOL, "by hand, %s, %s: out off by %.3g", REAL_NAME, label, e);
        e = FN(max_error)(&loss, bias ? &loss_bias : &loss_plain, 1);
        check(t, e <= 4 * HAND_TOL, "by hand, %s, %s: loss off by %.3g", REAL_NAME, label, e);
        e = FN(max_error)(delta, bias ? delta_bias : delta_plain, 6);
        check(t, e <= HAND_TOL, "by hand, %s, %s: delta off by %.3g", REAL_NAME, label, e);
    }
    free(X);
    free(y);
    free(W1);
    free(W2);
    free(b1);
    free(b2);
    free(hidden);
    free(out);
    free(delta);
    free(dW1);
    free(dW2);
    free(db1);
    free(db2);
}

/*
 * The backward pass against central differences of the SSE: for every
 * parameter p, (SSE(p + eps) - SSE(p - eps)) / (2 eps), each SSE by
 * xorc_forward and xorc_loss. The relative error is
 * |g - fd| / max(FD_FLOOR, |g| + |fd|).
 */
static void FN(test_backward_fd)(struct tally *t, struct dims d, int bias, uint64_t seed)
{
    struct FN(net) net = FN(net_random)(d, bias, seed);
    REAL *hidden = FN(alloc)(d.n * d.n_hidden), *out = FN(alloc)(d.n * d.n_out),
         *delta = FN(alloc)(d.n * d.n_out);
    REAL *grads[4];
    REAL *params[4] = {net.W1, net.W2, net.b1, net.b2};
    const size_t lens[4] = {d.n_in * d.n_hidden, d.n_hidden * d.n_out, d.n_hidden, d.n_out};
    const char *const names[4] = {"dW1", "dW2", "db1", "db2"};
    const int n_params = bias ? 4 : 2;
    int ok = 1;
    for (int p = 0; p < 4; p++) {
        grads[p] = p < n_params ? FN(alloc)(lens[p]) : NULL;
    }
    FN(sse)(&net, hidden, out, &ok);
    ok &= FN(backward)(grads[0], grads[2], grads[1], grads[3], delta, net.X, net.y, hidden, out,
                       net.W2, d.n, d.n_in, d.n_hidden, d.n_out)
          == XORC_OK;

    for (int p = 0; p < n_params; p++) {
        double worst = 0;
        for (size_t i = 0; i < lens[p]; i++) {
            const REAL saved = params[p][i];
            const REAL plus = (REAL)(saved + FD_EPS), minus = (REAL)(saved - FD_EPS);
            params[p][i] = plus;
            const REAL loss_plus = FN(sse)(&net, hidden, out, &ok);
            params[p][i] = minus;
            const REAL loss_minus = FN(sse)(&net, hidden, out, &ok);
            params[p][i] = saved;
            /* The steps actually taken, (REAL)(p + eps) - (REAL)(p - eps), are the denominator. */
            const double fd =
                ((double)loss_plus - (double)loss_minus) / ((double)plus - (double)minus);
            const double g = (double)grads[p][i];
            const double e = fabs(g - fd) / fmax(FD_FLOOR, fabs(g) + fabs(fd));
            if (isnan(e) || e > worst) {
                worst = e;
            }
            if (isnan(worst)) {
                break;
            }
        }
        check(t, ok && worst < FD_TOL,
              "finite differences, %s, %zux%zu-%zu-%zu%s: %s relative error %.3g%s", REAL_NAME, d.n,
              d.n_in, d.n_hidden, d.n_out, bias ? " with biases" : "", names[p], worst,
              ok ? "" : " (a call failed)");
    }
    for (int p = 0; p < 4; p++) {
        free(grads[p]);
    }
    free(hidden);
    free(out);
    free(delta);
    FN(net_free)(&net);
}

/* W <- W - lr * grad on exactly-representable values; the element past `len` is left alone. */
static void FN(test_update_by_hand)(struct tally *t)
{
    /* 1.5 - 0.5 * 0.25 = 1.375,  -2 - 0.5 * (-1) = -1.5,  0.25 - 0.5 * 0.5 = 0;  7 untouched. */
    static const double W_values[4] = {1.5, -2, 0.25, 7};
    static const double grad_values[4] = {0.25, -1, 0.5, 100};
    static const double expected[4] = {1.375, -1.5, 0, 7};
    REAL *W = FN(from_doubles)(W_values, 4), *grad = FN(from_doubles)(grad_values, 4);
    const int status = FN(update)(W, grad, 3, (REAL)0.5);
    check(t, status == XORC_OK && FN(max_error)(W, expected, 4) == 0,
          "update by hand, %s: status %d, W = %g %g %g %g", REAL_NAME, status, (double)W[0],
          (double)W[1], (double)W[2], (double)W[3]);
    free(W);
    free(grad);
}

/*
 * xorc_train_* for `steps` steps against `steps` rounds of xorc_forward,
 * xorc_backward and xorc_update on a copy, bit for bit: the weights, the biases
 * and the loss after them. Also train in two calls (as Network.fit does
 * between log points): the same bits again.
 */
static void FN(test_train_is_steps)(struct tally *t, const char *label,
                                    const struct FN(net) * start, REAL lr, uint64_t steps)
{
    const struct dims d = start->d;
    const int bias = start->b1 != NULL;
    struct FN(net) trained = FN(net_copy)(start), stepped = FN(net_copy)(start),
                   halves = FN(net_copy)(start);
    const size_t work_len = xorc_train_workspace_len(d.n_in, d.n_hidden, d.n_out);
    REAL *work = FN(alloc)(work_len);
    REAL *hidden = FN(alloc)(d.n * d.n_hidden), *out = FN(alloc)(d.n * d.n_out),
         *delta = FN(alloc)(d.n * d.n_out);
    REAL *dW1 = FN(alloc)(d.n_in * d.n_hidden), *dW2 = FN(alloc)(d.n_hidden * d.n_out);
    REAL *db1 = bias ? FN(alloc)(d.n_hidden) : NULL, *db2 = bias ? FN(alloc)(d.n_out) : NULL;
    REAL loss_trained = -1, loss_halves = -1, loss_first_half = -1;
    int ok = 1;

    ok &= FN(train)(trained.W1, trained.b1, trained.W2, trained.b2, &loss_trained, work, work_len,
                    trained.X, trained.y, d.n, d.n_in, d.n_hidden, d.n_out, lr, steps)
          == XORC_OK;

    for (uint64_t s = 0; s < steps; s++) {
        ok &= FN(forward)(hidden, out, stepped.X, stepped.W1, stepped.b1, stepped.W2, stepped.b2,
                          d.n, d.n_in, d.n_hidden, d.n_out)
              == XORC_OK;
        ok &= FN(backward)(dW1, db1, dW2, db2, delta, stepped.X, stepped.y, hidden, out, stepped.W2,
                           d.n, d.n_in, d.n_hidden, d.n_out)
              == XORC_OK;
        ok &= FN(update)(stepped.W1, dW1, d.n_in * d.n_hidden, lr) == XORC_OK;
        ok &= FN(update)(stepped.W2, dW2, d.n_hidden * d.n_out, lr) == XORC_OK;
        if (bias) {
            ok &= FN(update)(stepped.b1, db1, d.n_hidden, lr) == XORC_OK;
            ok &= FN(update)(stepped.b2, db2, d.n_out, lr) == XORC_OK;
        }
    }
    const REAL loss_stepped = FN(sse)(&stepped, hidden, out, &ok);

    ok &= FN(train)(halves.W1, halves.b1, halves.W2, halves.b2, &loss_first_half, work, work_len,
                    halves.X, halves.y, d.n, d.n_in, d.n_hidden, d.n_out, lr, steps / 2)
          == XORC_OK;
    ok &= FN(train)(halves.W1, halves.b1, halves.W2, halves.b2, &loss_halves, work, work_len,
                    halves.X, halves.y, d.n, d.n_in, d.n_hidden, d.n_out, lr, steps - steps / 2)
          == XORC_OK;

    check(t, ok, "train vs steps, %s, %s, %llu steps: a call failed", REAL_NAME, label,
          (unsigned long long)steps);
    check(t, FN(net_same)(&trained, &stepped) && FN(same_bits)(&loss_trained, &loss_stepped, 1),
          "train vs steps, %s, %s, %llu steps: not bit for bit (loss %.17g vs %.17g)", REAL_NAME,
          label, (unsigned long long)steps, (double)loss_trained, (double)loss_stepped);
    check(t, FN(net_same)(&trained, &halves) && FN(same_bits)(&loss_trained, &loss_halves, 1),
          "train in two calls, %s, %s, %llu steps: not bit for bit", REAL_NAME, label,
          (unsigned long long)steps);
    if (steps == 0) {
        /* Zero steps: the weights as given, and the loss of that network. */
        check(t, FN(net_same)(&trained, start), "train, %s, %s, 0 steps: changed the weights",
              REAL_NAME, label);
    } else {
        check(t, !FN(net_same)(&trained, start),
              "train, %s, %s, %llu steps: left the weights as they were", REAL_NAME, label,
              (unsigned long long)steps);
    }

    free(work);
    free(hidden);
    free(out);
    free(delta);
    free(dW1);
    free(dW2);
    free(db1);
    free(db2);
    FN(net_free)(&trained);
    FN(net_free)(&stepped);
    FN(net_free)(&halves);
}

/* The seed program's job, in C: its SSE before training and after 60000 steps, and its outputs. */
static void FN(test_seed_job)(struct tally *t)
{
    struct FN(net) net = FN(net_seed)();
    const size_t work_len = xorc_train_workspace_len(2, 3, 1);
    REAL *work = FN(alloc)(work_len), *hidden = FN(alloc)(4 * 3), *out = FN(alloc)(4);
    REAL loss_0 = -1, loss_60000 = -1;
    int ok = FN(train)(net.W1, NULL, net.W2, NULL, &loss_0, work, work_len, net.X, net.y, 4, 2, 3,
                       1, (REAL)0.01, 0)
             == XORC_OK;
    ok &= FN(train)(net.W1, NULL, net.W2, NULL, &loss_60000, work, work_len, net.X, net.y, 4, 2, 3,
                    1, (REAL)0.01, 60000)
          == XORC_OK;
    ok &= FN(forward)(hidden, out, net.X, net.W1, NULL, net.W2, NULL, 4, 2, 3, 1) == XORC_OK;
    const double e0 = fabs((double)loss_0 - SEED_LOSS_0),
                 e1 = fabs((double)loss_60000 - SEED_LOSS_60000);
    const double e_out = FN(max_error)(out, SEED_OUT_60000, 4);
    check(t, ok && e0 <= SEED_TOL && e1 <= SEED_TOL && e_out <= SEED_TOL,
          "seed job, %s: loss off by %.3g at step 0, by %.3g at 60000, outputs by %.3g", REAL_NAME,
          e0, e1, e_out);
    free(work);
    free(hidden);
    free(out);
    FN(net_free)(&net);
}

/* ---- error codes ---- */

/* Every buffer an entry point can read or write, at the sizes of one small network with biases. */
struct FN(bufs) {
    REAL *at[B_COUNT];
    size_t len[B_COUNT];
};

static struct FN(bufs) FN(bufs_new)(struct dims d, uint64_t seed)
{
    struct FN(bufs) b;
    struct rng r = {seed};
    b.len[B_X] = d.n * d.n_in;
    b.len[B_Y] = d.n * d.n_out;
    b.len[B_W1] = b.len[B_DW1] = d.n_in * d.n_hidden;
    b.len[B_B1] = b.len[B_DB1] = d.n_hidden;
    b.len[B_W2] = b.len[B_DW2] = d.n_hidden * d.n_out;
    b.len[B_B2] = b.len[B_DB2] = d.n_out;
    b.len[B_HIDDEN] = d.n * d.n_hidden;
    b.len[B_OUT] = b.len[B_DELTA] = d.n * d.n_out;
    b.len[B_WORK] = xorc_train_workspace_len(d.n_in, d.n_hidden, d.n_out);
    b.len[B_LOSS] = 1;
    for (int k = 0; k < B_COUNT; k++) {
        b.at[k] = FN(alloc)(b.len[k]);
        FN(fill_uniform)(b.at[k], b.len[k], &r, -1, 1);
    }
    return b;
}

static struct FN(bufs) FN(bufs_copy)(const struct FN(bufs) * src)
{
    struct FN(bufs) b;
    for (int k = 0; k < B_COUNT; k++) {
        b.len[k] = src->len[k];
        b.at[k] = FN(copy_of)(src->at[k], src->len[k]);
    }
    return b;
}

static int FN(bufs_same)(const struct FN(bufs) * a, const struct FN(bufs) * b)
{
    for (int k = 0; k < B_COUNT; k++) {
        if (!FN(same_bits)(a->at[k], b->at[k], a->len[k])) {
            return 0;
        }
    }
    return 1;
}

static void FN(bufs_free)(struct FN(bufs) * b)
{
    for (int k = 0; k < B_COUNT; k++) {
        free(b->at[k]);
    }
}

/* Buffer `which`, or NULL when the call replaces argument `position` by NULL. */
static REAL *FN(arg)(struct FN(bufs) * b, const struct call *c, int position, int which)
{
    return (c->nulled >> position) & 1u ? NULL : b->at[which];
}

/* Each entry point called on the buffers, with the call's sizes, lr, steps and NULLs. */
typedef int (*FN(caller))(struct FN(bufs) * b, const struct call *c);

/* The options of a call: its lr, steps and activation, or NULL where it asks for that. */
static const xorc_options *FN(call_options)(const struct call *c, xorc_options *options)
{
    *options = FN(options)(c->lr, c->steps);
    options->activation = c->activation;
    return c->no_options ? NULL : options;
}

static const char *const FN(forward_args)[] = {"hidden", "out", "X", "W1", "b1", "W2", "b2"};
static int FN(call_forward)(struct FN(bufs) * b, const struct call *c)
{
    xorc_options options;
    return FN(xorc_forward)(FN(arg)(b, c, 0, B_HIDDEN), FN(arg)(b, c, 1, B_OUT),
                            FN(arg)(b, c, 2, B_X), FN(arg)(b, c, 3, B_W1), FN(arg)(b, c, 4, B_B1),
                            FN(arg)(b, c, 5, B_W2), FN(arg)(b, c, 6, B_B2), c->d.n, c->d.n_in,
                            c->d.n_hidden, c->d.n_out, FN(call_options)(c, &options));
}

static const char *const FN(loss_args)[] = {"loss", "out", "y"};
static int FN(call_loss)(struct FN(bufs) * b, const struct call *c)
{
    xorc_options options;
    return FN(xorc_loss)(FN(arg)(b, c, 0, B_LOSS), FN(arg)(b, c, 1, B_OUT), FN(arg)(b, c, 2, B_Y),
                         c->d.n, c->d.n_out, FN(call_options)(c, &options));
}

static const char *const FN(backward_args)[] = {"dW1", "db1", "dW2",    "db2", "delta",
                                                "X",   "y",   "hidden", "out", "W2"};
static int FN(call_backward)(struct FN(bufs) * b, const struct call *c)
{
    xorc_options options;
    return FN(xorc_backward)(FN(arg)(b, c, 0, B_DW1), FN(arg)(b, c, 1, B_DB1),
                             FN(arg)(b, c, 2, B_DW2), FN(arg)(b, c, 3, B_DB2),
                             FN(arg)(b, c, 4, B_DELTA), FN(arg)(b, c, 5, B_X),
                             FN(arg)(b, c, 6, B_Y), FN(arg)(b, c, 7, B_HIDDEN),
                             FN(arg)(b, c, 8, B_OUT), FN(arg)(b, c, 9, B_W2), c->d.n, c->d.n_in,
                             c->d.n_hidden, c->d.n_out, FN(call_options)(c, &options));
}

static const char *const FN(update_args)[] = {"W", "grad"};
static int FN(call_update)(struct FN(bufs) * b, const struct call *c)
{
    xorc_options options;
    return FN(xorc_update)(FN(arg)(b, c, 0, B_W1), NULL, FN(arg)(b, c, 1, B_DW1), c->len,
                           FN(call_options)(c, &options));
}

static const char *const FN(train_args)[] = {"W1", "b1", "W2", "b2", "loss", "work", "X", "y"};
static int FN(call_train)(struct FN(bufs) * b, const struct call *c)
{
    xorc_options options;
    return FN(xorc_train)(FN(arg)(b, c, 0, B_W1), FN(arg)(b, c, 1, B_B1), FN(arg)(b, c, 2, B_W2),
                          FN(arg)(b, c, 3, B_B2), NULL, FN(arg)(b, c, 4, B_LOSS), NULL, NULL,
                          FN(arg)(b, c, 5, B_WORK), c->work_len, FN(arg)(b, c, 6, B_X),
                          FN(arg)(b, c, 7, B_Y), c->d.n, c->d.n_in, c->d.n_hidden, c->d.n_out,
                          FN(call_options)(c, &options));
}

/* One call expected to return `expected`; when that is an error, no buffer may have changed. */
static void FN(expect)(struct tally *t, struct FN(bufs) * b, const char *entry, FN(caller) call,
                       const struct call *c, int expected, const char *why)
{
    struct FN(bufs) before = FN(bufs_copy)(b);
    const int status = call(b, c);
    const int untouched = FN(bufs_same)(b, &before);
    check(t, status == expected && (expected == XORC_OK || untouched),
          "%s (%s) with %s: status %d, expected %d%s", entry, REAL_NAME, why, status, expected,
          expected == XORC_OK || untouched ? "" : ", and it wrote to a buffer");
    FN(bufs_free)(&before);
}

/* Each pointer argument NULL in turn: XORC_ERR_NULL (for a bias alone: only one bias given). */
static void FN(expect_nulls)(struct tally *t, struct FN(bufs) * b, const char *entry,
                             FN(caller) call, const struct call *valid, const char *const *args,
                             int n_args)
{
    for (int k = 0; k < n_args; k++) {
        struct call c = *valid;
        char why[64];
        c.nulled = 1u << k;
        snprintf(why, sizeof why, "NULL %s", args[k]);
        FN(expect)(t, b, entry, call, &c, XORC_ERR_NULL, why);
    }
}

/* Each of the sizes: XORC_ERR_SIZE, with the tiny real buffers left untouched. */
static void FN(expect_sizes)(struct tally *t, struct FN(bufs) * b, const char *entry,
                             FN(caller) call, const struct call *valid, const struct dims *bad,
                             size_t n_bad)
{
    for (size_t k = 0; k < n_bad; k++) {
        struct call c = *valid;
        char why[160];
        c.d = bad[k];
        snprintf(why, sizeof why, "sizes n=%zu n_in=%zu n_hidden=%zu n_out=%zu", bad[k].n,
                 bad[k].n_in, bad[k].n_hidden, bad[k].n_out);
        FN(expect)(t, b, entry, call, &c, XORC_ERR_SIZE, why);
    }
}

/* Learning rates that are not finite and positive: XORC_ERR_LR. */
static void FN(expect_bad_lrs)(struct tally *t, struct FN(bufs) * b, const char *entry,
                               FN(caller) call, const struct call *valid)
{
    const double bad[] = {NAN, INFINITY, -INFINITY, 0.0, -0.0, -0.01, -1e-30};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        struct call c = *valid;
        char why[64];
        c.lr = bad[k];
        snprintf(why, sizeof why, "lr=%g", bad[k]);
        FN(expect)(t, b, entry, call, &c, XORC_ERR_LR, why);
    }
}

static void FN(test_errors)(struct tally *t)
{
    const struct dims d = {3, 2, 4, 2};
    struct FN(bufs) b = FN(bufs_new)(d, 99);
    struct call valid, c;
    const unsigned no_bias_forward = 1u << 4 | 1u << 6, no_bias_backward = 1u << 1 | 1u << 3;
    const unsigned no_bias_train = 1u << 1 | 1u << 3;
    /* For xorc_loss only n and n_out count. */
    const struct dims bad_loss[] = {
        {0, 1, 1, 2},           {3, 1, 1, 0},
        {HALF, 1, 1, HALF},     {THIRD, 1, 1, 3},
        {HALF, 1, 1, HALF / 8}, {SIZE_MAX, 1, 1, 1},
        {1, 1, 1, SIZE_MAX},    {ELEMENTS_MAX + 1, 1, 1, 1},
    };

    valid.d = d;
    valid.len = b.len[B_W1];
    valid.work_len = b.len[B_WORK];
    valid.lr = 0.1;
    valid.steps = 2;
    valid.activation = XORC_ACTIVATION_SIGMOID;
    valid.no_options = 0;
    valid.nulled = 0;

    /* The valid calls succeed (so every rejection below is for the one thing changed). */
    FN(expect)(t, &b, "xorc_forward", FN(call_forward), &valid, XORC_OK, "valid arguments");
    FN(expect)(t, &b, "xorc_loss", FN(call_loss), &valid, XORC_OK, "valid arguments");
    FN(expect)(t, &b, "xorc_backward", FN(call_backward), &valid, XORC_OK, "valid arguments");
    FN(expect)(t, &b, "xorc_update", FN(call_update), &valid, XORC_OK, "valid arguments");
    FN(expect)(t, &b, "xorc_train", FN(call_train), &valid, XORC_OK, "valid arguments");
    c = valid;
    c.nulled = no_bias_forward;
    FN(expect)(t, &b, "xorc_forward", FN(call_forward), &c, XORC_OK, "no biases");
    c.nulled = no_bias_backward;
    FN(expect)(t, &b, "xorc_backward", FN(call_backward), &c, XORC_OK, "no biases");
    c.nulled = no_bias_train;
    FN(expect)(t, &b, "xorc_train", FN(call_train), &c, XORC_OK, "no biases");
    c = valid;
    c.steps = 0;
    FN(expect)(t, &b, "xorc_train", FN(call_train), &c, XORC_OK, "0 steps");

    FN(expect_nulls)(t, &b, "xorc_forward", FN(call_forward), &valid, FN(forward_args), 7);
    FN(expect_nulls)(t, &b, "xorc_loss", FN(call_loss), &valid, FN(loss_args), 3);
    FN(expect_nulls)(t, &b, "xorc_backward", FN(call_backward), &valid, FN(backward_args), 10);
    FN(expect_nulls)(t, &b, "xorc_update", FN(call_update), &valid, FN(update_args), 2);
    FN(expect_nulls)(t, &b, "xorc_train", FN(call_train), &valid, FN(train_args), 8);

    FN(expect_sizes)(t, &b, "xorc_forward", FN(call_forward), &valid, BAD_DIMS, N_BAD_DIMS);
    (void)FN(expect_sizes)(t, &b, "xorc_loss", FN(call_loss), &valid, bad_loss,
                           sizeof bad_loss / sizeof bad_loss[0]);
    FN(expect_sizes)(t, &b, "xorc_backward", FN(call_backward), &valid, BAD_DIMS, N_BAD_DIMS);
    FN(expect_sizes)(t, &b, "xorc_train", FN(call_train), &valid, BAD_DIMS, N_BAD_DIMS);
    FN(expect_sizes)(t, &b, "xorc_train", FN(call_train), &valid, &WORKSPACE_OVERFLOW, 1);
    {
        const size_t bad_len[] = {0, SIZE_MAX, ELEMENTS_MAX + 1};
        for (size_t k = 0; k < sizeof bad_len / sizeof bad_len[0]; k++) {
            char why[64];
            c = valid;
            c.len = bad_len[k];
            snprintf(why, sizeof why, "len=%zu", bad_len[k]);
            FN(expect)(t, &b, "xorc_update", FN(call_update), &c, XORC_ERR_SIZE, why);
        }
    }

    FN(expect_bad_lrs)(t, &b, "xorc_update", FN(call_update), &valid);
    FN(expect_bad_lrs)(t, &b, "xorc_train", FN(call_train), &valid);
    c = valid;
    c.steps = 0;
    FN(expect_bad_lrs)(t, &b, "xorc_train (0 steps)", FN(call_train), &c);

    /* The options: NULL, an unknown activation, and for float an lr that rounds to 0 or
     * to infinity; the functions that do not use lr take any. */
    {
        static const struct {
            const char *entry;
            FN(caller) call;
            int uses_lr;
        } entries[] = {{"xorc_forward", FN(call_forward), 0},
                       {"xorc_loss", FN(call_loss), 0},
                       {"xorc_backward", FN(call_backward), 0},
                       {"xorc_update", FN(call_update), 1},
                       {"xorc_train", FN(call_train), 1}};
        for (size_t k = 0; k < sizeof entries / sizeof entries[0]; k++) {
            c = valid;
            c.no_options = 1;
            FN(expect)(t, &b, entries[k].entry, entries[k].call, &c, XORC_ERR_NULL, "NULL options");
            c = valid;
            c.activation = 3;
            (void)FN(expect)(t, &b, entries[k].entry, entries[k].call, &c, XORC_ERR_OPTION,
                             "an unknown activation");
            c.activation = -1;
            (void)FN(expect)(t, &b, entries[k].entry, entries[k].call, &c, XORC_ERR_OPTION,
                             "activation -1");
            c = valid;
            c.lr = sizeof(REAL) == sizeof(float) ? 1e39 : 0.25;
            (void)FN(expect)(t, &b, entries[k].entry, entries[k].call, &c,
                             entries[k].uses_lr && sizeof(REAL) == sizeof(float) ? XORC_ERR_LR
                                                                                 : XORC_OK,
                             "lr 1e39 (beyond float)");
            c.lr = sizeof(REAL) == sizeof(float) ? 1e-50 : 0.25;
            (void)FN(expect)(t, &b, entries[k].entry, entries[k].call, &c,
                             entries[k].uses_lr && sizeof(REAL) == sizeof(float) ? XORC_ERR_LR
                                                                                 : XORC_OK,
                             "lr 1e-50 (0 in float)");
            c.lr = NAN;
            (void)FN(expect)(t, &b, entries[k].entry, entries[k].call, &c,
                             entries[k].uses_lr ? XORC_ERR_LR : XORC_OK, "lr NaN");
        }
    }

    c = valid;
    c.work_len = valid.work_len - 1;
    (void)FN(expect)(t, &b, "xorc_train", FN(call_train), &c, XORC_ERR_WORKSPACE,
                     "a workspace one element short");
    c.work_len = 0;
    FN(expect)(t, &b, "xorc_train", FN(call_train), &c, XORC_ERR_WORKSPACE, "work_len=0");

    FN(bufs_free)(&b);
}

static void FN(run_tests)(struct tally *t)
{
    static const struct dims shapes[] = {
        {4, 2, 3, 1}, {1, 1, 1, 1}, {5, 3, 4, 2}, {7, 4, 6, 3}, {3, 5, 2, 4}};
    FN(test_by_hand)(t);
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        for (int bias = 0; bias <= 1; bias++) {
            FN(test_backward_fd)(t, shapes[s], bias, 1000 + 2 * s + (uint64_t)bias);
        }
    }
    FN(test_update_by_hand)(t);
    {
        static const uint64_t seed_steps[] = {0, 1, 2, 3, 100};
        static const uint64_t bias_steps[] = {0, 1, 7, 100};
        const struct dims with_bias = {5, 3, 4, 2}, tiny = {1, 1, 1, 1};
        struct FN(net) seed = FN(net_seed)();
        struct FN(net) biased = FN(net_random)(with_bias, 1, 7);
        struct FN(net) plain = FN(net_random)(tiny, 0, 8);
        for (size_t k = 0; k < sizeof seed_steps / sizeof seed_steps[0]; k++) {
            FN(test_train_is_steps)(t, "seed 2-3-1", &seed, (REAL)0.01, seed_steps[k]);
        }
        for (size_t k = 0; k < sizeof bias_steps / sizeof bias_steps[0]; k++) {
            FN(test_train_is_steps)(t, "5x3-4-2 with biases", &biased, (REAL)0.1, bias_steps[k]);
        }
        FN(test_train_is_steps)(t, "1x1-1-1", &plain, (REAL)0.5, 50);
        FN(net_free)(&seed);
        FN(net_free)(&biased);
        FN(net_free)(&plain);
    }
    FN(test_seed_job)(t);
    FN(test_errors)(t);
}
