/*
 * xorc_step-inl.h — the training step, written once over a lane type.
 *
 * Included by xorc_level-inl.h once per precision, after the level's lane types
 * (xorc_lanes-inl.h) and exponential (xorc_exp-inl.h), with:
 *   REAL, REAL_IS_FLOAT  the floating type
 *   VR, VM    LANES values of REAL in one vector, and what comparing two VR gives
 *   ABS, ALL_TRUE        |v| and "every lane true" for VR and VM
 *   LANES, BLOCKS, LANE, WIDEN, NARROW, LV(...)  (xorc_lanes-inl.h, the level)
 *   FN(name)  the name with the precision's and the level's suffix
 * There is deliberately no include guard.
 *
 * A group is BLOCKS vectors of LANES networks each. Every quantity of a training
 * step (a weight, a gradient, an activation) is held as BLOCKS vectors, lane l of
 * vector k belonging to network k * LANES + l of the group, and every operation
 * below is applied to them lane by lane. With LANES = BLOCKS = 1 a group is one
 * network and a vector one value: that instance is xorc_train_* and the functions
 * of a step (xorc_single.c); the wider ones train in lockstep (xorc_level-inl.h).
 * So each network sees the same products and sums in the same order at every
 * level (no reassociation, no fused multiply-add: the core is compiled with
 * -ffp-contract=off), and the same exponential.
 *
 * Why BLOCKS: one training step is a long chain of dependent operations
 * (exp, divide, the output, exp, divide, the gradients, the update), so a single
 * vector of networks leaves the processor waiting on latency. With BLOCKS
 * independent vectors in each loop body, the processor overlaps their chains.
 */

#if !REAL_IS_FLOAT
#define EXP_HOT_LIMIT XORC_EXP_HOT_D
#define EXP_WIDE xorc_exp_wide
#define REAL_MAX DBL_MAX
/* The bounds on the weights and targets within which the truth-table shortcut is
 * exact (FN(gradients)): every z, g = W2·delta and dz1 of a step then stays finite,
 * with room for any number of units (2^400 · 2^100 in double, 2^40 · 2^20 in float). */
#define SHORTCUT_WEIGHT_MAX 0x1p400
#define SHORTCUT_TARGET_MAX 0x1p100

/* e^x for |x| < EXP_HOT_LIMIT, lane by lane. */
XORC_INLINE VR FN(exp_hot)(VR x)
{
    return LV(exp_core_d)(x);
}
#else
#define EXP_HOT_LIMIT XORC_EXP_HOT_S
#define EXP_WIDE xorc_exp_s_wide
#define REAL_MAX FLT_MAX
#define SHORTCUT_WEIGHT_MAX 0x1p40f
#define SHORTCUT_TARGET_MAX 0x1p20f

/* e^x for |x| < EXP_HOT_LIMIT, lane by lane: in double lanes, rounded once to float. */
XORC_INLINE VR FN(exp_hot)(VR x)
{
    return NARROW(LV(exp_core_s)(WIDEN(x)));
}
#endif

/* The out-of-line path (xorc_exp.c), for the lanes outside the hot path. */
XORC_NOINLINE VR FN(exp_edges)(VR x, VR e)
{
    for (size_t l = 0; l < LANES; l++) {
        if (!(LANE(x, l) < EXP_HOT_LIMIT && LANE(x, l) > -EXP_HOT_LIMIT)) {
            LANE(e, l) = EXP_WIDE(LANE(x, l));
        }
    }
    return e;
}

/*
 * e^x, lane by lane. Three ways, chosen by the caller with literals: `bounded`, the
 * caller has shown that every lane's x lies in the hot path, which is then all
 * there is; else with `hot` given, every lane takes the hot path and hot[lane] is
 * cleared where x lies outside it (the step is then done again the careful way, so
 * no call sits in the hot loop to push its values out of registers); with hot
 * NULL, such lanes take the out-of-line path.
 */
XORC_INLINE VR FN(exp)(VR x, int bounded, VM *hot)
{
    VR e = FN(exp_hot)(x);
    if (bounded) {
        return e;
    }
    VM inside = (VM)(ABS(x) < EXP_HOT_LIMIT);
    if (hot != NULL) {
        *hot &= inside;
    } else if (!ALL_TRUE(inside)) {
        e = FN(exp_edges)(x, e);
    }
    return e;
}

/*
 * The activations. Each is a value a = f(z) and its backward step g f'(z) written
 * from the value a (genann's pattern): the gradient g at a reaches z as g f'(z).
 * `bounded` and `hot` as FN(exp) takes them.
 */

/* sigmoid: a = 1 / (1 + e^-z); g f'(z) = g a (1 - a). */
XORC_INLINE VR FN(sigmoid)(VR z, int bounded, VM *hot)
{
    return (REAL)1 / ((REAL)1 + FN(exp)(-z, bounded, hot));
}

XORC_INLINE VR FN(sigmoid_back)(VR g, VR a)
{
    return g * a * ((REAL)1 - a);
}

/* tanh: a = 2 / (1 + e^-2z) - 1 (= 2 sigmoid(2z) - 1, exactly -1 or 1 where it
 * saturates, and +0 at z = +-0); g f'(z) = g (1 - a^2). */
XORC_INLINE VR FN(tanh)(VR z, int bounded, VM *hot)
{
    return (REAL)2 / ((REAL)1 + FN(exp)(-(z + z), bounded, hot)) - (REAL)1;
}

XORC_INLINE VR FN(tanh_back)(VR g, VR a)
{
    return g * ((REAL)1 - a * a);
}

/* relu: a = z where z > 0, else +0 (also for z = -0 or NaN); g f'(z) = g where a > 0,
 * else +0 (the derivative at 0 taken as 0, as scikit-learn takes it). */
XORC_INLINE VR FN(relu)(VR z)
{
    const VR zero = {0};
    return SELECT((VM)(z > (REAL)0), z, zero);
}

XORC_INLINE VR FN(relu_back)(VR g, VR a)
{
    const VR zero = {0};
    return SELECT((VM)(a > (REAL)0), g, zero);
}

/* The hidden layer's activation `act` (an XORC_ACTIVATION_*, a literal at every call
 * that pays: the switch then vanishes). */
XORC_INLINE VR FN(activate)(int act, VR z, int bounded, VM *hot)
{
    switch (act) {
    case XORC_ACTIVATION_TANH:
        return FN(tanh)(z, bounded, hot);
    case XORC_ACTIVATION_RELU:
        return FN(relu)(z);
    default: /* XORC_ACTIVATION_SIGMOID */
        return FN(sigmoid)(z, bounded, hot);
    }
}

XORC_INLINE VR FN(activate_back)(int act, VR g, VR a)
{
    switch (act) {
    case XORC_ACTIVATION_TANH:
        return FN(tanh_back)(g, a);
    case XORC_ACTIVATION_RELU:
        return FN(relu_back)(g, a);
    default: /* XORC_ACTIVATION_SIGMOID */
        return FN(sigmoid_back)(g, a);
    }
}

/*
 * The cross-entropy of one output o against its target t, lane by lane:
 * -(t log o' + (1 - t) log(1 - o')), o' being o clipped to [eps, 1 - eps] (eps the
 * precision's machine epsilon, as scikit-learn clips), so that a saturated output
 * costs a finite amount. libm's log, one value at a time: the loss is computed once
 * per call, out of the hot loop.
 */
XORC_NOINLINE VR FN(cross_entropy)(VR o, VR t)
{
    const REAL eps = REAL_IS_FLOAT ? FLT_EPSILON : DBL_EPSILON;
    VR term = o;
    for (size_t l = 0; l < LANES; l++) {
        REAL p = LANE(o, l);
        const REAL y = LANE(t, l);
        p = p < eps ? eps : (p > (REAL)1 - eps ? (REAL)1 - eps : p); /* NaN stays NaN */
        LANE(term, l) = -(y * LOG(p) + ((REAL)1 - y) * LOG((REAL)1 - p));
    }
    return term;
}

/* The loss `loss` (an XORC_LOSS_*) of one output: (t - o)^2, or the cross-entropy. */
XORC_INLINE VR FN(loss_term)(int loss, VR o, VR t)
{
    if (loss == XORC_LOSS_CROSS_ENTROPY) {
        return FN(cross_entropy)(o, t);
    }
    const VR e = t - o;
    return e * e;
}

/* The loss's gradient at the output's pre-activation z2: for the SSE,
 * 2 (o - t) o (1 - o); for the cross-entropy of a sigmoid output, o - t (no division
 * by o (1 - o), so nothing overflows where the output saturates). */
XORC_INLINE VR FN(output_delta)(int loss, VR o, VR t)
{
    if (loss == XORC_LOSS_CROSS_ENTROPY) {
        return o - t;
    }
    return FN(sigmoid_back)((REAL)2 * (o - t), o);
}

/*
 * One row of a layer for every block: out = f(in·W + b), W of shape (n_in, n_out),
 * f the activation `act`. Vector u of a quantity q is q[u]; of entry i of an
 * array, a[i * BLOCKS + u]. The hidden layer is layer(h, x, W1, b1, n_in, n_hidden,
 * act), the output layer layer(o, h, W2, b2, n_hidden, n_out, sigmoid).
 */
XORC_INLINE void FN(layer)(VR *restrict out, const VR *restrict in, const VR *restrict W,
                           const VR *restrict b, size_t n_in, size_t n_out, int act, int bounded,
                           VM *hot)
{
    for (size_t k = 0; k < n_out; k++) {
        VR z[BLOCKS];
        for (size_t u = 0; u < BLOCKS; u++) {
            z[u] = in[u] * W[k * BLOCKS + u];
        }
        for (size_t m = 1; m < n_in; m++) {
            for (size_t u = 0; u < BLOCKS; u++) {
                z[u] += in[m * BLOCKS + u] * W[(m * n_out + k) * BLOCKS + u];
            }
        }
        if (b != NULL) {
            for (size_t u = 0; u < BLOCKS; u++) {
                z[u] += b[k * BLOCKS + u];
            }
        }
        for (size_t u = 0; u < BLOCKS; u++) {
            out[k * BLOCKS + u] = FN(activate)(act, z[u], bounded, hot != NULL ? &hot[u] : NULL);
        }
    }
}

/*
 * The hidden layer of one row whose inputs are all exactly 0 or 1 (a truth table),
 * for every block, with the very bits FN(layer) gives: x·W1 is then the sum, in
 * order, of the rows m of W1 where x_m = 1, since x_m w = w exactly for x_m = 1, and
 * adding x_m w = +-0 for x_m = 0 leaves a sum unchanged but for the sign of a zero,
 * which the activation does not see (f(-0) = f(+0)). So z_k = sum over {m : x_m = 1}
 * of W1[m, k] (+ b1_k); a row without a 1 has z = 0 (or b1), and then, without
 * biases, h = f(0) for every network: `h_zero`, computed once.
 */
XORC_INLINE void FN(layer_binary)(VR *restrict out, const REAL *restrict x, const VR *restrict W,
                                  const VR *restrict b, VR h_zero, size_t n_in, size_t n_out,
                                  int act, int bounded, VM *hot)
{
    const VR zero = {0};
    for (size_t k = 0; k < n_out; k++) {
        VR z[BLOCKS];
        int any = 0;
        for (size_t u = 0; u < BLOCKS; u++) {
            z[u] = zero; /* never read: the first term replaces it */
        }
        for (size_t m = 0; m < n_in; m++) {
            if (x[m] != 0) {
                for (size_t u = 0; u < BLOCKS; u++) {
                    z[u] = any ? z[u] + W[(m * n_out + k) * BLOCKS + u]
                               : W[(m * n_out + k) * BLOCKS + u];
                }
                any = 1;
            }
        }
        if (b != NULL) {
            for (size_t u = 0; u < BLOCKS; u++) {
                z[u] = any ? z[u] + b[k * BLOCKS + u] : b[k * BLOCKS + u];
            }
            any = 1;
        }
        for (size_t u = 0; u < BLOCKS; u++) {
            out[k * BLOCKS + u] =
                any ? FN(activate)(act, z[u], bounded, hot != NULL ? &hot[u] : NULL) : h_zero;
        }
    }
}

/*
 * One row of the backward pass for every block, added into the gradients:
 *   delta = dL/dz2 (FN(output_delta))
 *   dW2  += h^T · delta,                 db2 += delta
 *   dz1   = (W2 · delta) f'(z1), written from h (FN(activate_back))
 *   dW1  += x^T · dz1,                   db1 += dz1
 * xr: the row's inputs when they are all exactly 0 or 1 (see FN(layer_binary)), else NULL.
 */
XORC_INLINE void FN(backward)(VR *restrict dW1, VR *restrict db1, VR *restrict dW2,
                              VR *restrict db2, VR *restrict delta, const VR *restrict x,
                              const REAL *restrict xr, const VR *restrict t, const VR *restrict h,
                              const VR *restrict o, const VR *restrict W2, size_t n_in,
                              size_t n_hidden, size_t n_out, int act, int loss)
{
    for (size_t k = 0; k < n_out; k++) {
        for (size_t u = 0; u < BLOCKS; u++) {
            delta[k * BLOCKS + u] = FN(output_delta)(loss, o[k * BLOCKS + u], t[k * BLOCKS + u]);
        }
    }
    for (size_t j = 0; j < n_hidden; j++) {
        for (size_t k = 0; k < n_out; k++) {
            for (size_t u = 0; u < BLOCKS; u++) {
                dW2[(j * n_out + k) * BLOCKS + u] += h[j * BLOCKS + u] * delta[k * BLOCKS + u];
            }
        }
    }
    if (db2 != NULL) {
        for (size_t k = 0; k < n_out; k++) {
            for (size_t u = 0; u < BLOCKS; u++) {
                db2[k * BLOCKS + u] += delta[k * BLOCKS + u];
            }
        }
    }
    for (size_t j = 0; j < n_hidden; j++) {
        for (size_t u = 0; u < BLOCKS; u++) {
            VR g = W2[j * n_out * BLOCKS + u] * delta[u];
            for (size_t k = 1; k < n_out; k++) {
                g += W2[(j * n_out + k) * BLOCKS + u] * delta[k * BLOCKS + u];
            }
            const VR dz1 = FN(activate_back)(act, g, h[j * BLOCKS + u]);
            for (size_t m = 0; m < n_in; m++) {
                if (xr == NULL) {
                    dW1[(m * n_hidden + j) * BLOCKS + u] += x[m * BLOCKS + u] * dz1;
                } else if (xr[m] != 0) {
                    /* x_m = 1: x_m dz1 = dz1. (x_m = 0 would add +-0 to a sum that starts
                     * at +0 and so is never -0: no change at all.) */
                    dW1[(m * n_hidden + j) * BLOCKS + u] += dz1;
                }
            }
            if (db1 != NULL) {
                db1[j * BLOCKS + u] += dz1;
            }
        }
    }
}

/*
 * The update rule of one call (xorc.h): the optimizer, lr and mu in the precision,
 * and Adam's lr_t of the update under way (FN(rule_next)).
 */
struct FN(rule) {
    int optimizer;
    REAL lr, mu, lr_t;
    double lr_double;
};

/* Adam's step size for update number t, lr sqrt(1 - b2^t) / (1 - b1^t): in double with
 * libm's pow, once per update for every network, rounded to the precision once. */
XORC_INLINE void FN(rule_next)(struct FN(rule) * rule, uint64_t t)
{
    if (rule->optimizer == XORC_OPTIMIZER_ADAM) {
        const double td = (double)t;
        rule->lr_t = (REAL)(rule->lr_double * sqrt(1 - pow(XORC_ADAM_BETA2, td))
                            / (1 - pow(XORC_ADAM_BETA1, td)));
    }
}

/* Gradient descent, W <- W - lr * grad, for `len` parameters of every block. */
XORC_INLINE void FN(descend)(VR *restrict W, const VR *restrict grad, size_t len, REAL lr)
{
    for (size_t p = 0; p < len * BLOCKS; p++) {
        W[p] -= lr * grad[p];
    }
}

/*
 * One update of `len` parameters W of every block from their gradients, by the rule
 * (xorc.h gives the formulas), with their optimizer state `first` and `second` (not
 * touched by gd). Lane by lane, in the order the formulas are written.
 */
XORC_INLINE void FN(optimize)(const struct FN(rule) * rule, VR *restrict W, VR *restrict first,
                              VR *restrict second, const VR *restrict grad, size_t len)
{
    const VR zero = {0};
    const REAL lr = rule->lr, mu = rule->mu;
    const size_t count = len * BLOCKS;
    switch (rule->optimizer) {
    case XORC_OPTIMIZER_MOMENTUM:
        for (size_t p = 0; p < count; p++) {
            const VR v = mu * first[p] - lr * grad[p];
            first[p] = v;
            W[p] += v;
        }
        break;
    case XORC_OPTIMIZER_NESTEROV:
        for (size_t p = 0; p < count; p++) {
            const VR v = mu * first[p] - lr * grad[p];
            first[p] = v;
            W[p] += mu * v - lr * grad[p];
        }
        break;
    case XORC_OPTIMIZER_ADAM: {
        const REAL b1 = (REAL)XORC_ADAM_BETA1, b2 = (REAL)XORC_ADAM_BETA2;
        const REAL eps = (REAL)XORC_ADAM_EPSILON, lr_t = rule->lr_t;
        for (size_t p = 0; p < count; p++) {
            const VR g = grad[p];
            const VR m = b1 * first[p] + ((REAL)1 - b1) * g;
            const VR v = b2 * second[p] + ((REAL)1 - b2) * (g * g);
            first[p] = m;
            second[p] = v;
            W[p] += (-lr_t * m) / (SQRT(v) + eps);
        }
        break;
    }
    case XORC_OPTIMIZER_RPROP: {
        const VR up_max = zero + (REAL)XORC_RPROP_MAX;
        for (size_t p = 0; p < count; p++) {
            /* The signs compared, not their product, which can underflow to -0 (a sign
             * change missed) for tiny gradients; a zero is of either sign. */
            const VM same = ((VM)(grad[p] >= (REAL)0) & (VM)(second[p] >= (REAL)0))
                            | ((VM)(grad[p] <= (REAL)0) & (VM)(second[p] <= (REAL)0));
            const VR up = first[p] * (REAL)XORC_RPROP_UP;
            const VR down = first[p] * (REAL)XORC_RPROP_DOWN;
            const VR step = SELECT(same, SELECT((VM)(up < up_max), up, up_max),
                                   SELECT((VM)(down > (REAL)0), down, zero));
            const VR g = SELECT(same, grad[p], zero);
            W[p] -= SELECT((VM)(g > (REAL)0), step, zero) - SELECT((VM)(g < (REAL)0), step, zero);
            first[p] = step;
            second[p] = g;
        }
        break;
    }
    default: /* XORC_OPTIMIZER_GD */
        FN(descend)(W, grad, len, lr);
        break;
    }
}

/* FN(optimize) for the optimizers that have state: one copy, its length known at run
 * time, serves every instance (their updates are a small part of a step). */
XORC_NOINLINE_NOCLONE void FN(optimize_stateful)(const struct FN(rule) * rule, VR *restrict W,
                                                 VR *restrict first, VR *restrict second,
                                                 const VR *restrict grad, size_t len)
{
    FN(optimize)(rule, W, first, second, grad, len);
}

/* The optimizer state of `len` parameters of every block at its start: 0, but RPROP's
 * step sizes, XORC_RPROP_START. */
XORC_INLINE void FN(optimizer_start)(int optimizer, VR *restrict first, VR *restrict second,
                                     size_t len)
{
    const VR zero = {0};
    const VR start = optimizer == XORC_OPTIMIZER_RPROP ? zero + (REAL)XORC_RPROP_START : zero;
    for (size_t p = 0; p < len * BLOCKS; p++) {
        first[p] = start;
        second[p] = zero;
    }
}

/*
 * "Learned", the one definition: whether each lane's outputs o (one row, every
 * block) lie on their targets' side of 0.5, and-ed into ok[u]: o > 0.5 where the
 * target is above 0.5, o < 0.5 elsewhere (a NaN is on neither side).
 */
XORC_INLINE void FN(check_row)(VM *restrict ok, const VR *restrict o, const REAL *restrict t,
                               size_t n_out)
{
    for (size_t k = 0; k < n_out; k++) {
        for (size_t u = 0; u < BLOCKS; u++) {
            ok[u] &= t[k] > (REAL)0.5 ? (VM)(o[k * BLOCKS + u] > (REAL)0.5)
                                      : (VM)(o[k * BLOCKS + u] < (REAL)0.5);
        }
    }
}

/*
 * The vectors of one group's state, in the parts xorc_group_layout lays out: the
 * parameters W1, W2, b1, b2, their gradients, and their optimizer state (the first
 * and the second half of xorc_optimizer_state_len's: mW1 ... and sW1 ...; NULL for
 * gd), XORC_ROWS rows' h and o, one row's delta, the rows of X and y with each value
 * in every lane, and the outputs on all rows after training (NULL: not kept).
 */
struct FN(group) {
    VR *W1, *W2, *b1, *b2, *dW1, *dW2, *db1, *db2, *h, *o, *delta, *outs;
    VR *mW1, *mW2, *mb1, *mb2, *sW1, *sW2, *sb1, *sb2;
    const VR *xs, *ts;
};

/*
 * The group's vectors carved from `state` as xorc_group_layout places them (`at`:
 * its offsets, in entries of BLOCKS vectors). The parts it leaves empty (without
 * `own`: the parameters and their optimizer state, X, y, the outputs) are NULL, for
 * the caller to point at its own buffers.
 */
XORC_INLINE struct FN(group) FN(group_carve)(VR *state, const size_t at[XORC_PARTS + 1])
{
    struct FN(group) g;
    VR *part[XORC_PARTS];
    for (size_t p = 0; p < XORC_PARTS; p++) {
        part[p] = at[p + 1] > at[p] ? state + at[p] * BLOCKS : NULL;
    }
    g.W1 = part[XORC_PART_W1];
    g.W2 = part[XORC_PART_W2];
    g.b1 = part[XORC_PART_B1];
    g.b2 = part[XORC_PART_B2];
    g.dW1 = part[XORC_PART_DW1];
    g.dW2 = part[XORC_PART_DW2];
    g.db1 = part[XORC_PART_DB1];
    g.db2 = part[XORC_PART_DB2];
    g.mW1 = part[XORC_PART_FIRST_W1];
    g.mW2 = part[XORC_PART_FIRST_W2];
    g.mb1 = part[XORC_PART_FIRST_B1];
    g.mb2 = part[XORC_PART_FIRST_B2];
    g.sW1 = part[XORC_PART_SECOND_W1];
    g.sW2 = part[XORC_PART_SECOND_W2];
    g.sb1 = part[XORC_PART_SECOND_B1];
    g.sb2 = part[XORC_PART_SECOND_B2];
    g.h = part[XORC_PART_H];
    g.o = part[XORC_PART_O];
    g.delta = part[XORC_PART_DELTA];
    g.xs = part[XORC_PART_XS];
    g.ts = part[XORC_PART_TS];
    g.outs = part[XORC_PART_OUTS];
    return g;
}

/* Row `row` of the data, the block's row r: its learned check where `checking`, then
 * its gradients added in (FN(backward)). Arguments as FN(rows_gradients) takes them. */
XORC_INLINE void FN(row_backward)(const struct FN(group) * g, VM *restrict ok,
                                  const REAL *restrict X, const REAL *restrict y, size_t row,
                                  size_t r, size_t n_in, size_t n_hidden, size_t n_out,
                                  VR *restrict db1, VR *restrict db2, int act, int loss, int binary,
                                  int checking)
{
    if (checking) {
        FN(check_row)(ok, g->o + r * n_out * BLOCKS, y + row * n_out, n_out);
    }
    (void)FN(backward)(g->dW1, db1, g->dW2, db2, g->delta, g->xs + row * n_in * BLOCKS,
                       binary ? X + row * n_in : NULL, g->ts + row * n_out * BLOCKS,
                       g->h + r * n_hidden * BLOCKS, g->o + r * n_out * BLOCKS, g->W2, n_in,
                       n_hidden, n_out, act, loss);
}

/*
 * Forward and backward over rows i .. i + rows - 1 (rows <= XORC_ROWS) for every
 * block, the rows' gradients added into the group's, layer by layer across the rows:
 * their exponentials are independent, so the processor overlaps them. On a literal
 * truth table (binary, and n a literal, so rows is one too), the loops over the rows
 * unroll completely and every test of an input is decided at compile time.
 * Arguments as FN(gradients) takes them.
 */
XORC_INLINE void FN(rows_gradients)(const struct FN(group) * g, VM *restrict ok,
                                    const REAL *restrict X, const REAL *restrict y, size_t i,
                                    size_t rows, size_t n_in, size_t n_hidden, size_t n_out,
                                    int b_given, int act, int loss, int binary, VR h_zero,
                                    int checking, int bounded, VM *hot)
{
    VR *b1 = b_given ? g->b1 : NULL, *b2 = b_given ? g->b2 : NULL;
    VR *db1 = b_given ? g->db1 : NULL, *db2 = b_given ? g->db2 : NULL;
    if (binary) {
        /* Inputs known to the compiler: unrolled, each test of an input decided. */
        XORC_UNROLL
        for (size_t r = 0; r < rows; r++) {
            (void)FN(layer_binary)(g->h + r * n_hidden * BLOCKS, X + (i + r) * n_in, g->W1, b1,
                                   h_zero, n_in, n_hidden, act, bounded, hot);
        }
    } else {
        for (size_t r = 0; r < rows; r++) {
            (void)FN(layer)(g->h + r * n_hidden * BLOCKS, g->xs + (i + r) * n_in * BLOCKS, g->W1,
                            b1, n_in, n_hidden, act, bounded, hot);
        }
    }
    for (size_t r = 0; r < rows; r++) {
        (void)FN(layer)(g->o + r * n_out * BLOCKS, g->h + r * n_hidden * BLOCKS, g->W2, b2,
                        n_hidden, n_out, XORC_ACTIVATION_SIGMOID, bounded, hot);
    }
    if (binary) {
        XORC_UNROLL
        for (size_t r = 0; r < rows; r++) {
            (void)FN(row_backward)(g, ok, X, y, i + r, r, n_in, n_hidden, n_out, db1, db2, act,
                                   loss, binary, checking);
        }
    } else {
        for (size_t r = 0; r < rows; r++) {
            (void)FN(row_backward)(g, ok, X, y, i + r, r, n_in, n_hidden, n_out, db1, db2, act,
                                   loss, binary, checking);
        }
    }
}

/*
 * The gradients of every network of a group over rows first .. first + count - 1 (all
 * the rows for a full-batch step, one for an online update): zeroed, then for each
 * row in order, the forward pass and the row's gradients added in. Where `checking`, ok[u]
 * is and-ed with whether each network's outputs lie on their targets' side of 0.5
 * on every row. `bounded` and `hot` as FN(exp) takes them (0 and NULL: the careful
 * way). `binary`: every value of X is exactly 0 or 1, and h_zero = f(0) (see
 * FN(layer_binary)); the callers pass a literal 1 only where X is literal too.
 */
XORC_INLINE void FN(gradients)(const struct FN(group) * g, VM *restrict ok, const REAL *restrict X,
                               const REAL *restrict y, size_t first, size_t count, size_t n_in,
                               size_t n_hidden, size_t n_out, int b_given, int act, int loss,
                               int binary, VR h_zero, int checking, int bounded, VM *hot)
{
    const VR zero = {0};
    for (size_t p = 0; p < n_in * n_hidden * BLOCKS; p++) {
        g->dW1[p] = zero;
    }
    for (size_t p = 0; p < n_hidden * n_out * BLOCKS; p++) {
        g->dW2[p] = zero;
    }
    if (b_given) {
        for (size_t p = 0; p < n_hidden * BLOCKS; p++) {
            g->db1[p] = zero;
        }
        for (size_t p = 0; p < n_out * BLOCKS; p++) {
            g->db2[p] = zero;
        }
    }
    if (binary && hot != NULL) {
        /* The shortcut drops products 0·w and 0·dz1; they are +-0 only while w and dz1
         * are finite. |W1|, |W2| < SHORTCUT_WEIGHT_MAX (and |y| < SHORTCUT_TARGET_MAX,
         * checked at the entry) keep every z, g and dz1 of the step finite; a step where
         * a weight is larger, or not finite, is done again the careful way. (A bounded
         * step's weights are far smaller: see FN(bounded).) */
        for (size_t p = 0; p < n_in * n_hidden * BLOCKS; p++) {
            hot[p % BLOCKS] &= (VM)(ABS(g->W1[p]) < (REAL)SHORTCUT_WEIGHT_MAX);
        }
        for (size_t p = 0; p < n_hidden * n_out * BLOCKS; p++) {
            hot[p % BLOCKS] &= (VM)(ABS(g->W2[p]) < (REAL)SHORTCUT_WEIGHT_MAX);
        }
    }
    for (size_t i = first; i < first + count; i += XORC_ROWS) {
        const size_t rows = first + count - i < XORC_ROWS ? first + count - i : XORC_ROWS;
        (void)FN(rows_gradients)(g, ok, X, y, i, rows, n_in, n_hidden, n_out, b_given, act, loss,
                                 binary, h_zero, checking, bounded, hot);
    }
}

/* FN(gradients) the careful way, for a step in which some exponential left its hot
 * path: rare, so one copy, its sizes known at run time, serves every instance. */
XORC_NOINLINE_NOCLONE void FN(gradients_careful)(const struct FN(group) * g, VM *restrict ok,
                                                 const REAL *restrict X, const REAL *restrict y,
                                                 size_t first, size_t count, size_t n_in,
                                                 size_t n_hidden, size_t n_out, int b_given,
                                                 int act, int loss, int checking)
{
    const VR unused = {0};
    (void)FN(gradients)(g, ok, X, y, first, count, n_in, n_hidden, n_out, b_given, act, loss, 0,
                        unused, checking, 0, NULL);
}

/*
 * Whether, on a truth table (inputs 0 or 1), every exponential of the step the group
 * is about to take lies in its hot path, so that no lane needs checking, for sigmoid
 * hidden units (the seed recipe's: the other activations take the hot path with each
 * lane watched, which costs them no more): the weights (and biases) of each layer,
 * in absolute value, sum to less than half the hot path's limit. For every z of the
 * step is a sum of some of them (times 1), or of the output layer's times h with
 * |h| <= 1, and the rounding of such a sum (and of the bound's own) cannot take it
 * anywhere near twice the bound: for that, n_in and n_hidden must stay below 2^20
 * (an error of at most about n_in units in the last place of float). A weight that
 * is not finite fails the test.
 */
XORC_INLINE int FN(bounded)(const struct FN(group) * g, size_t n_in, size_t n_hidden, size_t n_out,
                            int b_given)
{
    const REAL half = EXP_HOT_LIMIT / 2;
    if (n_in >= ((size_t)1 << 20) || n_hidden >= ((size_t)1 << 20)) {
        return 0;
    }
    int within = 1;
    for (size_t u = 0; u < BLOCKS; u++) {
        VR sum1 = ABS(g->W1[u]), sum2 = ABS(g->W2[u]);
        for (size_t p = 1; p < n_in * n_hidden; p++) {
            sum1 += ABS(g->W1[p * BLOCKS + u]);
        }
        for (size_t p = 1; p < n_hidden * n_out; p++) {
            sum2 += ABS(g->W2[p * BLOCKS + u]);
        }
        if (b_given) {
            for (size_t p = 0; p < n_hidden; p++) {
                sum1 += ABS(g->b1[p * BLOCKS + u]);
            }
            for (size_t p = 0; p < n_out; p++) {
                sum2 += ABS(g->b2[p * BLOCKS + u]);
            }
        }
        within &= ALL_TRUE((VM)(sum1 < half) & (VM)(sum2 < half));
    }
    return within;
}

/* Per lane: every parameter finite, and-ed into fin[u]. */
XORC_INLINE void FN(check_finite)(VM *restrict fin, const struct FN(group) * g, size_t n_in,
                                  size_t n_hidden, size_t n_out, int b_given)
{
    for (size_t p = 0; p < n_in * n_hidden * BLOCKS; p++) {
        fin[p % BLOCKS] &= (VM)(ABS(g->W1[p]) <= REAL_MAX);
    }
    for (size_t p = 0; p < n_hidden * n_out * BLOCKS; p++) {
        fin[p % BLOCKS] &= (VM)(ABS(g->W2[p]) <= REAL_MAX);
    }
    if (b_given) {
        for (size_t p = 0; p < n_hidden * BLOCKS; p++) {
            fin[p % BLOCKS] &= (VM)(ABS(g->b1[p]) <= REAL_MAX);
        }
        for (size_t p = 0; p < n_out * BLOCKS; p++) {
            fin[p % BLOCKS] &= (VM)(ABS(g->b2[p]) <= REAL_MAX);
        }
    }
}

/*
 * The networks of a group as they stand, on every row, the careful way: their
 * outputs (into g->outs where the group keeps them), their loss into loss[u] (one
 * lane per network) where loss is not NULL, and where ok is not NULL, whether each
 * network's outputs all lie on their targets' side of 0.5, and-ed into ok[u]. Once
 * per call, or per check of online training: one copy of the code, its sizes known
 * at run time, serves every instance.
 */
XORC_NOINLINE_NOCLONE void FN(group_outputs)(const struct FN(group) * g, VR *restrict loss,
                                             VM *restrict ok, const REAL *restrict y, size_t n,
                                             size_t n_in, size_t n_hidden, size_t n_out,
                                             int b_given, int act, int loss_kind)
{
    const VR zero = {0};
    for (size_t u = 0; u < BLOCKS && loss != NULL; u++) {
        loss[u] = zero;
    }
    for (size_t i = 0; i < n; i++) {
        VR *o = g->outs != NULL ? g->outs + i * n_out * BLOCKS : g->o;
        (void)FN(layer)(g->h, g->xs + i * n_in * BLOCKS, g->W1, b_given ? g->b1 : NULL, n_in,
                        n_hidden, act, 0, NULL);
        (void)FN(layer)(o, g->h, g->W2, b_given ? g->b2 : NULL, n_hidden, n_out,
                        XORC_ACTIVATION_SIGMOID, 0, NULL);
        if (loss != NULL) {
            for (size_t k = 0; k < n_out; k++) {
                for (size_t u = 0; u < BLOCKS; u++) {
                    loss[u] += FN(loss_term)(loss_kind, o[k * BLOCKS + u],
                                             g->ts[(i * n_out + k) * BLOCKS + u]);
                }
            }
        }
        if (ok != NULL) {
            FN(check_row)(ok, o, y + i * n_out, n_out);
        }
    }
}

/*
 * The loss of the networks of a group as they stand (loss[u], one lane per network),
 * their outputs on every row into g->outs where the group keeps them, and with
 * opts->finish the last learned check and the verdict on diverged networks (see
 * FN(group_train)). Once per call, the careful way (FN(group_outputs)).
 */
XORC_NOINLINE_NOCLONE void FN(group_finish)(const struct FN(group) * g, VR *restrict loss,
                                            int64_t *restrict learned, const REAL *restrict y,
                                            size_t n, size_t n_in, size_t n_hidden, size_t n_out,
                                            int b_given, int act, const xorc_options *opts)
{
    const VM none = {0};
    const int finishing = opts->finish && opts->check_every > 0;
    VM ok[BLOCKS];
    for (size_t u = 0; u < BLOCKS; u++) {
        ok[u] = ~none;
    }
    (void)FN(group_outputs)(g, loss, finishing ? ok : NULL, y, n, n_in, n_hidden, n_out, b_given,
                            act, opts->loss);
    if (finishing) {
        VM fin[BLOCKS];
        for (size_t u = 0; u < BLOCKS; u++) {
            fin[u] = (VM)(ABS(loss[u]) <= REAL_MAX);
        }
        (void)FN(check_finite)(fin, g, n_in, n_hidden, n_out, b_given);
        for (size_t u = 0; u < BLOCKS; u++) {
            for (size_t l = 0; l < LANES; l++) {
                int64_t *at = &learned[u * LANES + l];
                if (!LANE(fin[u], l)) {
                    *at = XORC_DIVERGED;
                } else if (LANE(ok[u], l) && *at == XORC_NOT_LEARNED) {
                    *at = (int64_t)(opts->first_step + opts->steps);
                }
            }
        }
    }
}

/*
 * The gradients of every network of a group over rows first .. first + count - 1:
 * the fast way where it is exact (FN(bounded), for full-batch steps of sigmoid units;
 * or the hot path with each lane watched), else again the careful way. Where `checking`, ok[u] as
 * FN(gradients) sets it. Arguments as FN(group_train) takes them.
 */
XORC_INLINE void FN(step_gradients)(const struct FN(group) * g, VM *restrict ok,
                                    const REAL *restrict X, const REAL *restrict y, size_t first,
                                    size_t count, size_t n_in, size_t n_hidden, size_t n_out,
                                    int b_given, int act, int loss, int binary, VR h_zero,
                                    int checking)
{
    const VM none = {0};
    VM hot[BLOCKS];
    for (size_t u = 0; u < BLOCKS; u++) {
        hot[u] = ~none;
    }
    int all_hot = 1;
    if (binary && count > 1 && act == XORC_ACTIVATION_SIGMOID
        && FN(bounded)(g, n_in, n_hidden, n_out, b_given)) {
        (void)FN(gradients)(g, ok, X, y, first, count, n_in, n_hidden, n_out, b_given, act, loss, 1,
                            h_zero, checking, 1, NULL);
    } else {
        (void)FN(gradients)(g, ok, X, y, first, count, n_in, n_hidden, n_out, b_given, act, loss,
                            binary, h_zero, checking, 0, hot);
        for (size_t u = 0; u < BLOCKS; u++) {
            all_hot &= ALL_TRUE(hot[u]);
        }
    }
    if (!all_hot) {
        for (size_t u = 0; u < BLOCKS && checking; u++) {
            ok[u] = ~none;
        }
        (void)FN(gradients_careful)(g, ok, X, y, first, count, n_in, n_hidden, n_out, b_given, act,
                                    loss, checking);
    }
}

/* One update of every parameter of every network of a group from its gradients, by
 * the rule, as update number t (FN(optimize)). */
XORC_INLINE void FN(update_all)(const struct FN(group) * g, struct FN(rule) * rule, uint64_t t,
                                size_t n_in, size_t n_hidden, size_t n_out, int b_given)
{
    if (rule->optimizer == XORC_OPTIMIZER_GD) { /* the seed recipe's, inline */
        FN(descend)(g->W1, g->dW1, n_in * n_hidden, rule->lr);
        FN(descend)(g->W2, g->dW2, n_hidden * n_out, rule->lr);
        if (b_given) {
            FN(descend)(g->b1, g->db1, n_hidden, rule->lr);
            FN(descend)(g->b2, g->db2, n_out, rule->lr);
        }
        return;
    }
    (void)FN(rule_next)(rule, t);
    FN(optimize_stateful)(rule, g->W1, g->mW1, g->sW1, g->dW1, n_in * n_hidden);
    FN(optimize_stateful)(rule, g->W2, g->mW2, g->sW2, g->dW2, n_hidden * n_out);
    if (b_given) {
        FN(optimize_stateful)(rule, g->b1, g->mb1, g->sb1, g->db1, n_hidden);
        FN(optimize_stateful)(rule, g->b2, g->mb2, g->sb2, g->db2, n_out);
    }
}

/* Where checks are due: learned[lane] = s for each lane still unlearned whose ok holds. */
XORC_INLINE void FN(record_learned)(int64_t *restrict learned, const VM *restrict ok, uint64_t s)
{
    for (size_t u = 0; u < BLOCKS; u++) {
        for (size_t l = 0; l < LANES; l++) {
            if (LANE(ok[u], l) && learned[u * LANES + l] == XORC_NOT_LEARNED) {
                learned[u * LANES + l] = (int64_t)s;
            }
        }
    }
}

/*
 * opts->steps training steps of every network of a group. A full-batch step is the
 * gradients over all rows (FN(step_gradients)) and one update of every parameter
 * (FN(update_all)); an online step (opts->online) is, for each row in order, that
 * row's gradients and one update. With opts->restart, the optimizer state starts
 * afresh first. Then the loss of the networks as they stand (loss[u], one lane per
 * network), and their outputs on every row into g->outs where the group keeps them.
 *
 * At each step s (counted from opts->first_step) that is a multiple of
 * check_every, the networks still unlearned are checked as they stand after s
 * steps: learned[lane] = s where all its outputs are on their targets' side of 0.5
 * (for a full-batch step, in its own forward pass; for an online step, in a forward
 * pass of its own before it); with opts->finish, so is the network as it stands
 * after the last step, and a network whose loss or parameters are then not finite
 * gets learned = XORC_DIVERGED. b_given says whether the networks have biases, act
 * is the hidden layer's activation, binary whether X holds only 0s and 1s, online
 * is opts->online (callers pass literals, as they pass the sizes, where it pays).
 */
XORC_INLINE void FN(group_train)(const struct FN(group) * g, VR *restrict loss,
                                 int64_t *restrict learned, const REAL *restrict X,
                                 const REAL *restrict y, size_t n, size_t n_in, size_t n_hidden,
                                 size_t n_out, int b_given, int act, int binary, int online,
                                 const xorc_options *opts)
{
    const VR zero = {0};
    const VM none = {0};
    const VR h_zero = FN(activate)(act, zero, 0, NULL);
    const int loss_kind = opts->loss;
    struct FN(rule) rule = {opts->optimizer, (REAL)opts->lr, (REAL)opts->momentum, 0, opts->lr};
    uint64_t t = opts->updates_done;
    const uint64_t first_step = opts->first_step, steps = opts->steps;
    const uint64_t check_every = opts->check_every;
    /* The next step to check: the first multiple of check_every at or after first_step. */
    uint64_t next_check = UINT64_MAX;
    if (check_every > 0 && first_step <= UINT64_MAX - (check_every - 1)) {
        next_check = (first_step + check_every - 1) / check_every * check_every;
    }
    if (opts->restart && steps > 0 && opts->optimizer != XORC_OPTIMIZER_GD) {
        FN(optimizer_start)(opts->optimizer, g->mW1, g->sW1, n_in * n_hidden);
        FN(optimizer_start)(opts->optimizer, g->mW2, g->sW2, n_hidden * n_out);
        if (b_given) {
            FN(optimizer_start)(opts->optimizer, g->mb1, g->sb1, n_hidden);
            FN(optimizer_start)(opts->optimizer, g->mb2, g->sb2, n_out);
        }
    }

    for (uint64_t s = first_step; s - first_step < steps; s++) {
        const int checking = check_every > 0 && s == next_check;
        VM ok[BLOCKS];
        for (size_t u = 0; u < BLOCKS; u++) {
            ok[u] = ~none;
        }
        if (online) {
            if (checking) {
                (void)FN(group_outputs)(g, NULL, ok, y, n, n_in, n_hidden, n_out, b_given, act,
                                        loss_kind);
            }
            for (size_t i = 0; i < n; i++) {
                (void)FN(step_gradients)(g, NULL, X, y, i, 1, n_in, n_hidden, n_out, b_given, act,
                                         loss_kind, binary, h_zero, 0);
                (void)FN(update_all)(g, &rule, ++t, n_in, n_hidden, n_out, b_given);
            }
        } else {
            (void)FN(step_gradients)(g, ok, X, y, 0, n, n_in, n_hidden, n_out, b_given, act,
                                     loss_kind, binary, h_zero, checking);
            (void)FN(update_all)(g, &rule, ++t, n_in, n_hidden, n_out, b_given);
        }
        if (checking) {
            (void)FN(record_learned)(learned, ok, s);
            next_check = s <= UINT64_MAX - check_every ? s + check_every : UINT64_MAX;
        }
    }

    (void)FN(group_finish)(g, loss, learned, y, n, n_in, n_hidden, n_out, b_given, act, opts);
}

/* Whether every input is exactly 0 or 1 (a truth table) and every target moderate:
 * see FN(layer_binary) and FN(gradients). */
static int FN(all_binary)(const REAL *X, size_t len, const REAL *y, size_t y_len)
{
    for (size_t i = 0; i < len; i++) {
        if (!(X[i] == 0 || X[i] == 1)) {
            return 0;
        }
    }
    for (size_t i = 0; i < y_len; i++) {
        if (!(y[i] < (REAL)SHORTCUT_TARGET_MAX && y[i] > -(REAL)SHORTCUT_TARGET_MAX)) {
            return 0;
        }
    }
    return 1;
}

/* The inputs of every two-input truth table (xorc.truth_table's row order): the seed
 * shape on them is worth an instance of its own, where every test of an input is
 * decided at compile time (see FN(layer_binary)). */
static const REAL FN(table2_X)[8] = {1, 0, 0, 0, 0, 1, 1, 1};

XORC_INLINE int FN(is_table2)(const REAL *X, const REAL *y, size_t n, size_t n_in, size_t n_hidden,
                              size_t n_out, int b_given)
{
    return !b_given && n == 4 && n_in == 2 && n_hidden == 3 && n_out == 1
           && memcmp(X, FN(table2_X), sizeof FN(table2_X)) == 0 && FN(all_binary)(X, 8, y, 4);
}

#undef EXP_HOT_LIMIT
#undef EXP_WIDE
#undef REAL_MAX
#undef SHORTCUT_WEIGHT_MAX
#undef SHORTCUT_TARGET_MAX
