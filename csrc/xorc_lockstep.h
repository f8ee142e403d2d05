/*
 * xorc_lockstep.h — lockstep training, written once over a lane type.
 *
 * Included by xorc_lanes.h once per SIMD level and precision, with:
 *   REAL, REAL_IS_FLOAT  the floating type
 *   VR, VM    LANES values of REAL in one vector, and what comparing two VR gives
 *   LV(vd), LV(vu), LV(md)  LANES doubles, uint64s and double-comparison masks
 *   LANES, BLOCKS, LANE, WIDEN, NARROW, ALL_TRUE, LV(gather_*), LV(as_*)  (xorc_lanes.h)
 *   FN(name)  the name with the precision's and the level's suffix
 * There is deliberately no include guard.
 *
 * A group is BLOCKS vectors of LANES networks each. Every quantity of a training
 * step (a weight, a gradient, an activation) is held as BLOCKS vectors, lane l of
 * vector k belonging to network k * LANES + l of the group, and every operation
 * of xorc_kernels.h is applied to them in the same order, lane by lane. So each
 * network sees exactly the operations xorc_train_* applies to it alone: the same
 * products and sums in the same order (no reassociation, no fused multiply-add:
 * the core is compiled with -ffp-contract=off), and the same exponential, whose
 * table loads are done per lane and whose rare inputs (|x| >= 700 in double,
 * |x| >= 100 in float) are sent lane by lane to the scalar kernel's own
 * out-of-line path.
 *
 * Why BLOCKS: one training step is a long chain of dependent operations
 * (exp, divide, the output, exp, divide, the gradients, the update), so a single
 * vector of networks leaves the processor waiting on latency. With BLOCKS
 * independent vectors in each loop body, the processor overlaps their chains.
 *
 * The group's state lives in vectors the caller provides: on the stack for the
 * shape worth specialising (all sizes literal, so the compiler keeps it in
 * registers where they suffice), else in the workspace.
 */

/*
 * s_j 2^e for each lane's k (xorc_exp_scale in xorc_exp.h), from the bits of s_j
 * that the table gives for j = k mod N: those plus k << 43, which puts e in the
 * exponent.
 */
XORC_INLINE LV(vd) FN(exp_scale)(LV(vu) k, LV(vu) scale_bits)
{
    return LV(as_double)(scale_bits + (k << (52 - XORC_EXP_TABLE_BITS)));
}

/* e^x in double for |x| < 700, lane by lane: exp_d's hot path (xorc_exp.h). */
XORC_INLINE LV(vd) FN(exp_core_d)(LV(vd) x)
{
    LV(vd) kd = x * xorc_exp_inv_ln2_n + XORC_EXP_SHIFT;
    LV(vu) k = LV(as_bits)(kd);
    kd = kd - XORC_EXP_SHIFT;
    LV(vd) r = x - kd * xorc_exp_ln2_hi_n;
    r = r - kd * xorc_exp_ln2_lo_n;
    LV(vd) r2 = r * r;
    LV(vd) t;
    LV(vu) scale_bits;
    LV(exp_entries)(k % XORC_EXP_N, &t, &scale_bits);
    LV(vd) p = t + r + r2 * (0.5 + r * (1.0 / 6) + r2 * (1.0 / 24));
    LV(vd) s = FN(exp_scale)(k, scale_bits);
    return s + s * p;
}

/*
 * The bounds on the weights and targets within which the truth-table shortcut is
 * exact (FN(gradients)): every z, g = W2·delta and dz1 of a step then stays finite,
 * with room for any number of units (2^400 · 2^100 in double, 2^40 · 2^20 in float).
 */
#if !REAL_IS_FLOAT
#define SHORTCUT_WEIGHT_MAX 0x1p400
#define SHORTCUT_TARGET_MAX 0x1p100
#else
#define SHORTCUT_WEIGHT_MAX 0x1p40f
#define SHORTCUT_TARGET_MAX 0x1p20f
#endif

#if !REAL_IS_FLOAT
/* exp_d: its hot path for |x| < 700, its out-of-line path (xorc_exp.h) elsewhere. */
#define EXP_HOT_LIMIT 700.0
#define EXP_WIDE xorc_exp_wide

XORC_INLINE VR FN(exp_hot)(VR x)
{
    return FN(exp_core_d)(x);
}
#else
/* exp_s: its hot path for |x| < 100, its out-of-line path (xorc_exp.h) elsewhere. */
#define EXP_HOT_LIMIT 100.0f
#define EXP_WIDE xorc_exp_s_wide

/* exp_s's hot path, lane by lane: in double lanes, rounded once to float. */
XORC_INLINE VR FN(exp_hot)(VR xf)
{
    LV(vd) x = WIDEN(xf);
    LV(vd) kd = x * xorc_exp_inv_ln2_n + XORC_EXP_SHIFT;
    LV(vu) k = LV(as_bits)(kd);
    kd = kd - XORC_EXP_SHIFT;
    LV(vd) r = x - kd * xorc_exp_ln2_n;
    LV(vd) unused_tail;
    LV(vu) scale_bits;
    LV(exp_entries)(k % XORC_EXP_N, &unused_tail, &scale_bits);
    LV(vd) s = FN(exp_scale)(k, scale_bits);
    return NARROW(s + s * (r + r * r * 0.5));
}
#endif

/* The scalar kernel's own out-of-line path, for the lanes outside the hot path. */
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
 * e^x, lane by lane, exactly as the scalar kernel's exponential. Three ways, chosen
 * by the caller with literals: `bounded`, the caller has shown that every lane's x
 * lies in the hot path, which is then all there is; else with `hot` given, every
 * lane takes the hot path and hot[lane] is cleared where x lies outside it (the
 * step is then done again the careful way, so no call sits in the hot loop to push
 * its values out of registers); with hot NULL, such lanes take the scalar kernel's
 * own edge path.
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
#undef EXP_WIDE

/* sigmoid(z) = 1 / (1 + e^-z), lane by lane; `bounded` and `hot` as FN(exp) takes them. */
XORC_INLINE VR FN(sigmoid)(VR z, int bounded, VM *hot)
{
    return (REAL)1 / ((REAL)1 + FN(exp)(-z, bounded, hot));
}

/*
 * One row of a layer for every block: out = sigmoid(in·W + b), W of shape
 * (n_in, n_out), as layer_row in xorc_kernels.h. Vector u of a quantity q is
 * q[u]; of entry i of an array, a[i * BLOCKS + u]. `bounded` and `hot` (BLOCKS
 * masks, or NULL) as FN(exp) takes them.
 */
XORC_INLINE void FN(layer)(VR *restrict out, const VR *restrict in, const VR *restrict W,
                           const VR *restrict b, size_t n_in, size_t n_out, int bounded, VM *hot)
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
            out[k * BLOCKS + u] = FN(sigmoid)(z[u], bounded, hot != NULL ? &hot[u] : NULL);
        }
    }
}

/*
 * The hidden layer of one row whose inputs are all exactly 0 or 1 (a truth table),
 * for every block, with the very bits FN(layer) gives: x·W1 is then the sum, in
 * order, of the rows m of W1 where x_m = 1, since x_m w = w exactly for x_m = 1, and
 * adding x_m w = +-0 for x_m = 0 leaves a sum unchanged but for the sign of a zero,
 * which the sigmoid does not see (e^-0 = e^+0). So z_k = sum over {m : x_m = 1} of
 * W1[m, k] (+ b1_k); a row without a 1 has z = 0 (or b1), and then, without biases,
 * h = sigmoid(0) for every network: `h_zero`, computed once.
 */
XORC_INLINE void FN(layer_binary)(VR *restrict out, const REAL *restrict x, const VR *restrict W,
                                  const VR *restrict b, VR h_zero, size_t n_in, size_t n_out,
                                  int bounded, VM *hot)
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
                any ? FN(sigmoid)(z[u], bounded, hot != NULL ? &hot[u] : NULL) : h_zero;
        }
    }
}

/*
 * One row of the backward pass for every block, added into the gradients, as
 * backward_row in xorc_kernels.h:
 *   delta = dSSE/dz2 = 2 (o - t) * o * (1 - o)
 *   dW2  += h^T · delta,                 db2 += delta
 *   dz1   = (W2 · delta) * h * (1 - h)
 *   dW1  += x^T · dz1,                   db1 += dz1
 * xr: the row's inputs when they are all exactly 0 or 1 (see FN(layer_binary)), else NULL.
 */
XORC_INLINE void FN(backward)(VR *restrict dW1, VR *restrict db1, VR *restrict dW2,
                              VR *restrict db2, VR *restrict delta, const VR *restrict x,
                              const REAL *restrict xr, const VR *restrict t, const VR *restrict h,
                              const VR *restrict o, const VR *restrict W2, size_t n_in,
                              size_t n_hidden, size_t n_out)
{
    for (size_t k = 0; k < n_out; k++) {
        for (size_t u = 0; u < BLOCKS; u++) {
            const VR ok = o[k * BLOCKS + u];
            delta[k * BLOCKS + u] = (REAL)2 * (ok - t[k * BLOCKS + u]) * ok * ((REAL)1 - ok);
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
            const VR hj = h[j * BLOCKS + u];
            const VR dz1 = g * hj * ((REAL)1 - hj);
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

/* W <- W - lr * grad, for `len` parameters of every block. */
XORC_INLINE void FN(descend)(VR *restrict W, const VR *restrict grad, size_t len, REAL lr)
{
    for (size_t p = 0; p < len * BLOCKS; p++) {
        W[p] -= lr * grad[p];
    }
}

/*
 * Whether each lane's outputs o (one row, every block) lie on their targets' side
 * of 0.5, and-ed into ok[u]: o > 0.5 where the target is above 0.5, o < 0.5 elsewhere.
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
 * The vectors of one group's state, carved from `state` (BLOCKS vectors per entry,
 * as many entries as xorc_lockstep_workspace_len counts): the parameters W1, W2, b1,
 * b2 and their gradients, XORC_ROWS rows' h and o, one row's delta, the rows of X
 * and y with each value copied to every lane, and the outputs on all rows after
 * training.
 */
struct FN(group) {
    VR *W1, *W2, *b1, *b2, *dW1, *dW2, *db1, *db2, *h, *o, *delta, *xs, *ts, *outs;
};

XORC_INLINE struct FN(group)
    FN(group_carve)(VR *state, size_t n, size_t n_in, size_t n_hidden, size_t n_out)
{
    struct FN(group) g;
    const size_t w1 = n_in * n_hidden * BLOCKS, w2 = n_hidden * n_out * BLOCKS;
    g.W1 = state;
    g.W2 = g.W1 + w1;
    g.b1 = g.W2 + w2;
    g.b2 = g.b1 + n_hidden * BLOCKS;
    g.dW1 = g.b2 + n_out * BLOCKS;
    g.dW2 = g.dW1 + w1;
    g.db1 = g.dW2 + w2;
    g.db2 = g.db1 + n_hidden * BLOCKS;
    g.h = g.db2 + n_out * BLOCKS;
    g.o = g.h + XORC_ROWS * n_hidden * BLOCKS;
    g.delta = g.o + XORC_ROWS * n_out * BLOCKS;
    g.xs = g.delta + n_out * BLOCKS;
    g.ts = g.xs + n * n_in * BLOCKS;
    g.outs = g.ts + n * n_out * BLOCKS;
    return g;
}

/*
 * Copies networks first .. first + BLOCKS * LANES - 1 of the batch into the group's
 * lanes (lanes past the end of the batch get copies of network `first`, trained
 * and thrown away), and X and y into every lane.
 */
XORC_INLINE void FN(group_load)(const struct FN(group) * g, int64_t *restrict learned,
                                const REAL *restrict W1, const REAL *restrict b1,
                                const REAL *restrict W2, const REAL *restrict b2,
                                const int64_t *restrict learned_at, const REAL *restrict X,
                                const REAL *restrict y, size_t first, size_t batch, size_t n,
                                size_t n_in, size_t n_hidden, size_t n_out)
{
    const size_t w1 = n_in * n_hidden, w2 = n_hidden * n_out;
    for (size_t u = 0; u < BLOCKS; u++) {
        for (size_t l = 0; l < LANES; l++) {
            const size_t lane_net = first + u * LANES + l;
            const size_t net = lane_net < batch ? lane_net : first;
            for (size_t p = 0; p < w1; p++) {
                LANE(g->W1[p * BLOCKS + u], l) = W1[net * w1 + p];
            }
            for (size_t p = 0; p < w2; p++) {
                LANE(g->W2[p * BLOCKS + u], l) = W2[net * w2 + p];
            }
            if (b1 != NULL) {
                for (size_t p = 0; p < n_hidden; p++) {
                    LANE(g->b1[p * BLOCKS + u], l) = b1[net * n_hidden + p];
                }
                for (size_t p = 0; p < n_out; p++) {
                    LANE(g->b2[p * BLOCKS + u], l) = b2[net * n_out + p];
                }
            }
            learned[u * LANES + l] = learned_at != NULL ? learned_at[net] : -1;
            for (size_t i = 0; i < n * n_in; i++) {
                LANE(g->xs[i * BLOCKS + u], l) = X[i];
            }
            for (size_t i = 0; i < n * n_out; i++) {
                LANE(g->ts[i * BLOCKS + u], l) = y[i];
            }
        }
    }
}

/* Copies the group's lanes that hold networks of the batch back to their places. */
XORC_INLINE void FN(group_store)(REAL *restrict W1, REAL *restrict b1, REAL *restrict W2,
                                 REAL *restrict b2, REAL *restrict loss, REAL *restrict out,
                                 int64_t *restrict learned_at, const struct FN(group) * g,
                                 const VR *restrict sse, const int64_t *restrict learned,
                                 size_t first, size_t batch, size_t n, size_t n_in, size_t n_hidden,
                                 size_t n_out)
{
    const size_t w1 = n_in * n_hidden, w2 = n_hidden * n_out;
    for (size_t u = 0; u < BLOCKS; u++) {
        for (size_t l = 0; l < LANES; l++) {
            const size_t net = first + u * LANES + l;
            if (net >= batch) {
                return;
            }
            for (size_t p = 0; p < w1; p++) {
                W1[net * w1 + p] = LANE(g->W1[p * BLOCKS + u], l);
            }
            for (size_t p = 0; p < w2; p++) {
                W2[net * w2 + p] = LANE(g->W2[p * BLOCKS + u], l);
            }
            if (b1 != NULL) {
                for (size_t p = 0; p < n_hidden; p++) {
                    b1[net * n_hidden + p] = LANE(g->b1[p * BLOCKS + u], l);
                }
                for (size_t p = 0; p < n_out; p++) {
                    b2[net * n_out + p] = LANE(g->b2[p * BLOCKS + u], l);
                }
            }
            loss[net] = LANE(sse[u], l);
            for (size_t i = 0; i < n * n_out; i++) {
                out[net * n * n_out + i] = LANE(g->outs[i * BLOCKS + u], l);
            }
            if (learned_at != NULL) {
                learned_at[net] = learned[u * LANES + l];
            }
        }
    }
}

/*
 * One step's gradients of every network of a group, as train_steps in
 * xorc_kernels.h computes them: zeroed, then for each row in order, the forward
 * pass and the row's gradients added in. Where `checking`, ok[u] is and-ed with
 * whether each network's outputs lie on their targets' side of 0.5 on every row.
 * `bounded` and `hot` as FN(exp) takes them (0 and NULL: the careful way).
 * `binary`: every value of X is exactly 0 or 1, and h_zero = sigmoid(0) (see
 * FN(layer_binary)).
 */
XORC_INLINE void FN(gradients)(const struct FN(group) * g, VM *restrict ok, const REAL *restrict X,
                               const REAL *restrict y, size_t n, size_t n_in, size_t n_hidden,
                               size_t n_out, int b_given, int binary, VR h_zero, int checking,
                               int bounded, VM *hot)
{
    const VR zero = {0};
    VR *b1 = b_given ? g->b1 : NULL, *b2 = b_given ? g->b2 : NULL;
    VR *db1 = b_given ? g->db1 : NULL, *db2 = b_given ? g->db2 : NULL;
    for (size_t p = 0; p < n_in * n_hidden * BLOCKS; p++) {
        g->dW1[p] = zero;
    }
    for (size_t p = 0; p < n_hidden * n_out * BLOCKS; p++) {
        g->dW2[p] = zero;
    }
    if (b_given) {
        for (size_t p = 0; p < n_hidden * BLOCKS; p++) {
            db1[p] = zero;
        }
        for (size_t p = 0; p < n_out * BLOCKS; p++) {
            db2[p] = zero;
        }
    }
    /* XORC_ROWS rows at a time, layer by layer: the exponentials of different rows
     * are independent, so the processor overlaps them. The loops over a block's rows
     * have a literal count, so they unroll completely and, on a literal truth table,
     * every test of an input is decided at compile time. */
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
    for (size_t i = 0; i < n; i += XORC_ROWS) {
        const size_t rows = n - i < XORC_ROWS ? n - i : XORC_ROWS;
        XORC_UNROLL
        for (size_t r = 0; r < XORC_ROWS; r++) {
            if (r >= rows) {
                break;
            }
            if (binary) {
                (void)FN(layer_binary)(g->h + r * n_hidden * BLOCKS, X + (i + r) * n_in, g->W1, b1,
                                       h_zero, n_in, n_hidden, bounded, hot);
            } else {
                (void)FN(layer)(g->h + r * n_hidden * BLOCKS, g->xs + (i + r) * n_in * BLOCKS,
                                g->W1, b1, n_in, n_hidden, bounded, hot);
            }
        }
        for (size_t r = 0; r < rows; r++) {
            (void)FN(layer)(g->o + r * n_out * BLOCKS, g->h + r * n_hidden * BLOCKS, g->W2, b2,
                            n_hidden, n_out, bounded, hot);
        }
        XORC_UNROLL
        for (size_t r = 0; r < XORC_ROWS; r++) {
            if (r >= rows) {
                break;
            }
            if (checking) {
                FN(check_row)(ok, g->o + r * n_out * BLOCKS, y + (i + r) * n_out, n_out);
            }
            (void)FN(backward)(g->dW1, db1, g->dW2, db2, g->delta, g->xs + (i + r) * n_in * BLOCKS,
                               binary ? X + (i + r) * n_in : NULL, g->ts + (i + r) * n_out * BLOCKS,
                               g->h + r * n_hidden * BLOCKS, g->o + r * n_out * BLOCKS, g->W2, n_in,
                               n_hidden, n_out);
        }
    }
}

/* FN(gradients) the careful way, for a step in which some exponential left its hot path. */
XORC_NOINLINE void FN(gradients_careful)(const struct FN(group) * g, VM *restrict ok,
                                         const REAL *restrict X, const REAL *restrict y, size_t n,
                                         size_t n_in, size_t n_hidden, size_t n_out, int b_given,
                                         int binary, VR h_zero, int checking)
{
    if (b_given) {
        (void)FN(gradients)(g, ok, X, y, n, n_in, n_hidden, n_out, 1, binary, h_zero, checking, 0,
                            NULL);
    } else {
        (void)FN(gradients)(g, ok, X, y, n, n_in, n_hidden, n_out, 0, binary, h_zero, checking, 0,
                            NULL);
    }
}

/*
 * Whether, on a truth table (inputs 0 or 1), every exponential of the step the group
 * is about to take lies in its hot path, so that no lane needs checking: the
 * weights (and biases) of each layer, in absolute value, sum to less than half the
 * hot path's limit. For every z of the step is a sum of some of them (times 1),
 * or of the output layer's times h with 0 <= h <= 1, and the rounding of such a
 * sum (and of the bound's own) cannot take it anywhere near twice the bound: for
 * that, n_in and n_hidden must stay below 2^20 (an error of at most about n_in
 * units in the last place of float). A weight that is not finite fails the test.
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

/*
 * `steps` full-batch steps of every network of a loaded group, as train_steps in
 * xorc_kernels.h takes each: the gradients (FN(gradients)), then W <- W - lr * dW
 * for each parameter. Then, as train_steps ends, the outputs on every row and the
 * SSE of the networks as they stand (sse[u], one lane per network).
 *
 * At each step s (counted from first_step) that is a multiple of check_every,
 * the forward pass also checks every network still unlearned: learned[lane] = s
 * where all its outputs are on their targets' side of 0.5. b_given says whether
 * the networks have biases, binary whether X holds only 0s and 1s (callers pass
 * literals, as they pass the sizes, where it pays).
 */
XORC_INLINE void FN(group_train)(const struct FN(group) * g, VR *restrict sse,
                                 int64_t *restrict learned, const REAL *restrict X,
                                 const REAL *restrict y, size_t n, size_t n_in, size_t n_hidden,
                                 size_t n_out, int b_given, int binary, REAL lr,
                                 uint64_t first_step, uint64_t steps, uint64_t check_every)
{
    const VR zero = {0};
    const VM none = {0};
    const VR h_zero = FN(sigmoid)(zero, 0, NULL);
    /* The next step to check: the first multiple of check_every at or after first_step. */
    uint64_t next_check = UINT64_MAX;
    if (check_every > 0 && first_step <= UINT64_MAX - (check_every - 1)) {
        next_check = (first_step + check_every - 1) / check_every * check_every;
    }

    for (uint64_t s = first_step; s - first_step < steps; s++) {
        const int checking = s == next_check;
        VM ok[BLOCKS], hot[BLOCKS];
        for (size_t u = 0; u < BLOCKS; u++) {
            ok[u] = hot[u] = ~none;
        }
        int all_hot = 1;
        if (binary && FN(bounded)(g, n_in, n_hidden, n_out, b_given)) {
            (void)FN(gradients)(g, ok, X, y, n, n_in, n_hidden, n_out, b_given, 1, h_zero, checking,
                                1, NULL);
        } else {
            (void)FN(gradients)(g, ok, X, y, n, n_in, n_hidden, n_out, b_given, binary, h_zero,
                                checking, 0, hot);
            for (size_t u = 0; u < BLOCKS; u++) {
                all_hot &= ALL_TRUE(hot[u]);
            }
        }
        if (!all_hot) {
            for (size_t u = 0; u < BLOCKS; u++) {
                ok[u] = ~none;
            }
            (void)FN(gradients_careful)(g, ok, X, y, n, n_in, n_hidden, n_out, b_given, 0, h_zero,
                                        checking);
        }
        if (checking) {
            for (size_t u = 0; u < BLOCKS; u++) {
                for (size_t l = 0; l < LANES; l++) {
                    if (LANE(ok[u], l) && learned[u * LANES + l] < 0) {
                        learned[u * LANES + l] = (int64_t)s;
                    }
                }
            }
            next_check = s <= UINT64_MAX - check_every ? s + check_every : UINT64_MAX;
        }
        FN(descend)(g->W1, g->dW1, n_in * n_hidden, lr);
        FN(descend)(g->W2, g->dW2, n_hidden * n_out, lr);
        if (b_given) {
            FN(descend)(g->b1, g->db1, n_hidden, lr);
            FN(descend)(g->b2, g->db2, n_out, lr);
        }
    }

    /* The outputs and the SSE of the networks as they now stand: sse = sum (t - o)^2,
     * the careful way (once per call, not worth a second pass). */
    for (size_t u = 0; u < BLOCKS; u++) {
        sse[u] = zero;
    }
    for (size_t i = 0; i < n; i++) {
        VR *o = g->outs + i * n_out * BLOCKS;
        (void)FN(layer)(g->h, g->xs + i * n_in * BLOCKS, g->W1, b_given ? g->b1 : NULL, n_in,
                        n_hidden, 0, NULL);
        (void)FN(layer)(o, g->h, g->W2, b_given ? g->b2 : NULL, n_hidden, n_out, 0, NULL);
        for (size_t k = 0; k < n_out; k++) {
            for (size_t u = 0; u < BLOCKS; u++) {
                const VR e = g->ts[(i * n_out + k) * BLOCKS + u] - o[k * BLOCKS + u];
                sse[u] += e * e;
            }
        }
    }
}

/*
 * Trains networks first .. first + BLOCKS * LANES - 1 of the batch (those that
 * exist) in one group whose state is `state`.
 */
XORC_INLINE void FN(group_run)(VR *restrict state, REAL *restrict W1, REAL *restrict b1,
                               REAL *restrict W2, REAL *restrict b2, REAL *restrict loss,
                               REAL *restrict out, int64_t *restrict learned_at,
                               const REAL *restrict X, const REAL *restrict y, size_t first,
                               size_t batch, size_t n, size_t n_in, size_t n_hidden, size_t n_out,
                               int b_given, int binary, REAL lr, uint64_t first_step,
                               uint64_t steps, uint64_t check_every)
{
    const struct FN(group) g = FN(group_carve)(state, n, n_in, n_hidden, n_out);
    int64_t learned[BLOCKS * LANES];
    VR sse[BLOCKS];
    (void)FN(group_load)(&g, learned, W1, b_given ? b1 : NULL, W2, b_given ? b2 : NULL,
                         check_every > 0 ? learned_at : NULL, X, y, first, batch, n, n_in, n_hidden,
                         n_out);
    (void)FN(group_train)(&g, sse, learned, X, y, n, n_in, n_hidden, n_out, b_given, binary, lr,
                          first_step, steps, check_every);
    (void)FN(group_store)(W1, b_given ? b1 : NULL, W2, b_given ? b2 : NULL, loss, out,
                          check_every > 0 ? learned_at : NULL, &g, sse, learned, first, batch, n,
                          n_in, n_hidden, n_out);
}

/*
 * The instances, as in xorc_kernels.h: the seed program's job (2-3-1, 4 rows, no
 * biases, every size literal and the group's state on the stack, so that the
 * compiler unrolls every loop but the steps' and keeps what it can in registers;
 * twice, for the inputs of the two-input truth tables and for any inputs), and any
 * shape, its state in the workspace.
 */
#define SEED_STATE_LEN ((2 * (6 + 3 + 3 + 1) + XORC_ROWS * (3 + 1) + 1 + 4 * 2 + 2 * 4) * BLOCKS)

/* The inputs of every two-input truth table (xorc.truth_table's row order). */
static const REAL FN(table2_X)[8] = {1, 0, 0, 0, 0, 1, 1, 1};

/* The seed shape on those inputs, known to the compiler: every test of an input is
 * decided at compile time (see FN(layer_binary)). */
static void FN(run_2_3_1_table2)(REAL *W1, REAL *W2, REAL *loss, REAL *out, int64_t *learned_at,
                                 const REAL *y, size_t first, size_t batch, REAL lr,
                                 uint64_t first_step, uint64_t steps, uint64_t check_every)
{
    VR state[SEED_STATE_LEN];
    (void)FN(group_run)(state, W1, NULL, W2, NULL, loss, out, learned_at, FN(table2_X), y, first,
                        batch, 4, 2, 3, 1, 0, 1, lr, first_step, steps, check_every);
}

static void FN(run_2_3_1_x4)(REAL *W1, REAL *W2, REAL *loss, REAL *out, int64_t *learned_at,
                             const REAL *X, const REAL *y, size_t first, size_t batch, REAL lr,
                             uint64_t first_step, uint64_t steps, uint64_t check_every)
{
    VR state[SEED_STATE_LEN];
    (void)FN(group_run)(state, W1, NULL, W2, NULL, loss, out, learned_at, X, y, first, batch, 4, 2,
                        3, 1, 0, 0, lr, first_step, steps, check_every);
}
#undef SEED_STATE_LEN

static void FN(run_any)(VR *state, REAL *W1, REAL *b1, REAL *W2, REAL *b2, REAL *loss, REAL *out,
                        int64_t *learned_at, const REAL *X, const REAL *y, size_t first,
                        size_t batch, size_t n, size_t n_in, size_t n_hidden, size_t n_out,
                        int binary, REAL lr, uint64_t first_step, uint64_t steps,
                        uint64_t check_every)
{
    if (b1 != NULL) {
        (void)FN(group_run)(state, W1, b1, W2, b2, loss, out, learned_at, X, y, first, batch, n,
                            n_in, n_hidden, n_out, 1, binary, lr, first_step, steps, check_every);
    } else {
        (void)FN(group_run)(state, W1, NULL, W2, NULL, loss, out, learned_at, X, y, first, batch, n,
                            n_in, n_hidden, n_out, 0, binary, lr, first_step, steps, check_every);
    }
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

/*
 * Every network of the batch, group by group. `work` holds the group state of
 * run_any, aligned for VR by the caller.
 */
static void FN(lockstep)(REAL *W1, REAL *b1, REAL *W2, REAL *b2, REAL *loss, REAL *out,
                         int64_t *learned_at, VR *work, const REAL *X, const REAL *y, size_t n,
                         size_t n_in, size_t n_hidden, size_t n_out, size_t batch, REAL lr,
                         uint64_t first_step, uint64_t steps, uint64_t check_every)
{
    const int seed_shape = b1 == NULL && n == 4 && n_in == 2 && n_hidden == 3 && n_out == 1;
    const int binary = FN(all_binary)(X, n * n_in, y, n * n_out);
    const int table2 = seed_shape && memcmp(X, FN(table2_X), sizeof FN(table2_X)) == 0;
    for (size_t first = 0; first < batch; first += BLOCKS * LANES) {
        if (table2) {
            (void)FN(run_2_3_1_table2)(W1, W2, loss, out, learned_at, y, first, batch, lr,
                                       first_step, steps, check_every);
        } else if (seed_shape) {
            (void)FN(run_2_3_1_x4)(W1, W2, loss, out, learned_at, X, y, first, batch, lr,
                                   first_step, steps, check_every);
        } else {
            (void)FN(run_any)(work, W1, b1, W2, b2, loss, out, learned_at, X, y, first, batch, n,
                              n_in, n_hidden, n_out, binary, lr, first_step, steps, check_every);
        }
    }
}

#undef SHORTCUT_WEIGHT_MAX
#undef SHORTCUT_TARGET_MAX
#undef EXP_HOT_LIMIT
