/*
 * xorc_lockstep-inl.h — a batch of networks in lockstep at one SIMD level, one
 * precision: each group of BLOCKS * LANES networks copied into the lanes of a
 * group's state, trained by the step of xorc_step-inl.h, and copied back.
 * Included through xorc_precisions-inl.h by xorc_level-inl.h. There is deliberately
 * no include guard.
 */

/*
 * The parts of one network's optimizer state (xorc_optimizer_state_len's layout) and
 * the group's vectors of each, in the order W1, W2, b1, b2 of the first half, then of
 * the second: the length of each and where it starts in the network's state.
 */
struct FN(state_parts) {
    VR *group[8];
    size_t length[8], start[8];
    size_t count; /* 8 with biases, else 4 (b1, b2 skipped) */
};

XORC_INLINE struct FN(state_parts) FN(state_parts_of)(const struct FN(group) * g, size_t n_in,
                                                      size_t n_hidden, size_t n_out, int b_given)
{
    struct FN(state_parts) parts;
    VR *const first[4] = {g->mW1, g->mW2, g->mb1, g->mb2};
    VR *const second[4] = {g->sW1, g->sW2, g->sb1, g->sb2};
    const size_t lengths[4] = {n_in * n_hidden, n_hidden * n_out, n_hidden, n_out};
    const size_t kinds = b_given ? 4 : 2;
    size_t at = 0;
    parts.count = 0;
    for (size_t half = 0; half < 2; half++) {
        for (size_t k = 0; k < kinds; k++) {
            parts.group[parts.count] = half == 0 ? first[k] : second[k];
            parts.length[parts.count] = lengths[k];
            parts.start[parts.count] = at;
            at += lengths[k];
            parts.count++;
        }
    }
    return parts;
}

/*
 * Copies networks first .. first + BLOCKS * LANES - 1 of the batch into the group's
 * lanes (lanes past the end of the batch get copies of network `first`, trained
 * and thrown away), their optimizer state too unless it is not read (gd, or a
 * restart), and X and y into every lane of xs and ts. Once per group and call, so
 * one copy of the code, its sizes known at run time, serves every instance.
 */
XORC_NOINLINE_NOCLONE void
FN(group_load)(const struct FN(group) * g, VR *restrict xs, VR *restrict ts,
               int64_t *restrict learned, const REAL *restrict W1, const REAL *restrict b1,
               const REAL *restrict W2, const REAL *restrict b2, const REAL *restrict opt_state,
               const int64_t *restrict learned_at, const REAL *restrict X, const REAL *restrict y,
               size_t first, size_t batch, size_t n, size_t n_in, size_t n_hidden, size_t n_out)
{
    const size_t w1 = n_in * n_hidden, w2 = n_hidden * n_out;
    const struct FN(state_parts) parts = FN(state_parts_of)(g, n_in, n_hidden, n_out, b1 != NULL);
    const size_t state_len = parts.start[parts.count - 1] + parts.length[parts.count - 1];
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
            for (size_t k = 0; opt_state != NULL && k < parts.count; k++) {
                for (size_t p = 0; p < parts.length[k]; p++) {
                    LANE(parts.group[k][p * BLOCKS + u], l) =
                        opt_state[net * state_len + parts.start[k] + p];
                }
            }
            learned[u * LANES + l] = learned_at != NULL ? learned_at[net] : -1;
            for (size_t i = 0; i < n * n_in; i++) {
                LANE(xs[i * BLOCKS + u], l) = X[i];
            }
            for (size_t i = 0; i < n * n_out; i++) {
                LANE(ts[i * BLOCKS + u], l) = y[i];
            }
        }
    }
}

/* Copies the group's lanes that hold networks of the batch back to their places (one
 * copy of the code, as FN(group_load)). */
XORC_NOINLINE_NOCLONE void FN(group_store)(REAL *restrict W1, REAL *restrict b1, REAL *restrict W2,
                                           REAL *restrict b2, REAL *restrict opt_state,
                                           REAL *restrict loss, REAL *restrict out,
                                           int64_t *restrict learned_at, const struct FN(group) * g,
                                           const VR *restrict sse, const int64_t *restrict learned,
                                           size_t first, size_t batch, size_t n, size_t n_in,
                                           size_t n_hidden, size_t n_out)
{
    const size_t w1 = n_in * n_hidden, w2 = n_hidden * n_out;
    const struct FN(state_parts) parts = FN(state_parts_of)(g, n_in, n_hidden, n_out, b1 != NULL);
    const size_t state_len = parts.start[parts.count - 1] + parts.length[parts.count - 1];
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
            for (size_t k = 0; opt_state != NULL && k < parts.count; k++) {
                for (size_t p = 0; p < parts.length[k]; p++) {
                    opt_state[net * state_len + parts.start[k] + p] =
                        LANE(parts.group[k][p * BLOCKS + u], l);
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
 * Trains networks first .. first + BLOCKS * LANES - 1 of the batch (those that
 * exist) in one group whose state is `state`, laid out as xorc_group_layout(own)
 * places it for these sizes.
 */
XORC_INLINE void FN(group_run)(VR *restrict state, REAL *restrict W1, REAL *restrict b1,
                               REAL *restrict W2, REAL *restrict b2, REAL *restrict opt_state,
                               REAL *restrict loss, REAL *restrict out,
                               int64_t *restrict learned_at, const REAL *restrict X,
                               const REAL *restrict y, size_t first, size_t batch, size_t n,
                               size_t n_in, size_t n_hidden, size_t n_out, int b_given, int act,
                               int binary, int online, const xorc_options *opts)
{
    size_t at[XORC_PARTS + 1];
    (void)xorc_group_layout(at, 1, n, n_in, n_hidden, n_out, SIZE_MAX);
    const struct FN(group) g = FN(group_carve)(state, at);
    int64_t learned[BLOCKS * LANES];
    VR sse[BLOCKS];
    const int checks = opts->check_every > 0;
    /* The optimizer state is the caller's only for an optimizer that has one. */
    REAL *const kept = opts->optimizer != XORC_OPTIMIZER_GD ? opt_state : NULL;
    (void)FN(group_load)(&g, state + at[XORC_PART_XS] * BLOCKS, state + at[XORC_PART_TS] * BLOCKS,
                         learned, W1, b_given ? b1 : NULL, W2, b_given ? b2 : NULL,
                         opts->restart && opts->steps > 0 ? NULL : kept, checks ? learned_at : NULL,
                         X, y, first, batch, n, n_in, n_hidden, n_out);
    (void)FN(group_train)(&g, sse, learned, X, y, n, n_in, n_hidden, n_out, b_given, act, binary,
                          online, opts);
    (void)FN(group_store)(W1, b_given ? b1 : NULL, W2, b_given ? b2 : NULL, kept, loss, out,
                          checks ? learned_at : NULL, &g, sse, learned, first, batch, n, n_in,
                          n_hidden, n_out);
}

/*
 * The seed program's job on a two-input truth table (2-3-1, 4 rows, no biases, every
 * size and input literal and the group's state on the stack, so that the compiler
 * unrolls every loop but the steps' and keeps what it can in registers): the one
 * shape worth instances of its own, one per activation for full-batch steps, and one
 * for online updates of sigmoid units (each setting of the seed recipe then has its
 * own; the activation and the update mode are literals, so each keeps only its own
 * code). The loss and the optimizer are chosen at run time, by branches that go the
 * same way at every step. Any other shape or recipe trains with the state in the
 * workspace, sizes, biases and activation known at run time.
 */
#define XORC_TABLE2_INSTANCE(name, act, online)                                                    \
    static void FN(run_2_3_1_table2_##name)(REAL * W1, REAL * W2, REAL * opt_state, REAL * loss,   \
                                            REAL * out, int64_t * learned_at, const REAL *y,       \
                                            size_t first, size_t batch, const xorc_options *opts)  \
    {                                                                                              \
        VR state[XORC_GROUP_ENTRIES(4, 2, 3, 1) * BLOCKS];                                         \
        (void)FN(group_run)(state, W1, NULL, W2, NULL, opt_state, loss, out, learned_at,           \
                            FN(table2_X), y, first, batch, 4, 2, 3, 1, 0, act, 1, online, opts);   \
    }
XORC_TABLE2_INSTANCE(sigmoid, XORC_ACTIVATION_SIGMOID, 0)
XORC_TABLE2_INSTANCE(tanh, XORC_ACTIVATION_TANH, 0)
XORC_TABLE2_INSTANCE(relu, XORC_ACTIVATION_RELU, 0)
XORC_TABLE2_INSTANCE(sigmoid_online, XORC_ACTIVATION_SIGMOID, 1)
#undef XORC_TABLE2_INSTANCE

/* Whether the seed shape has an instance for this recipe (above). */
XORC_INLINE int FN(table2_instance_for)(const xorc_options *opts)
{
    return !opts->online || opts->activation == XORC_ACTIVATION_SIGMOID;
}

/* The seed shape's instance of the recipe's, for networks first ... of the batch
 * (FN(table2_instance_for) holds). */
static void FN(run_2_3_1_table2)(REAL *W1, REAL *W2, REAL *opt_state, REAL *loss, REAL *out,
                                 int64_t *learned_at, const REAL *y, size_t first, size_t batch,
                                 const xorc_options *opts)
{
    void (*instance)(REAL *, REAL *, REAL *, REAL *, REAL *, int64_t *, const REAL *, size_t,
                     size_t, const xorc_options *) = FN(run_2_3_1_table2_sigmoid);
    if (opts->online) {
        instance = FN(run_2_3_1_table2_sigmoid_online);
    } else if (opts->activation == XORC_ACTIVATION_TANH) {
        instance = FN(run_2_3_1_table2_tanh);
    } else if (opts->activation == XORC_ACTIVATION_RELU) {
        instance = FN(run_2_3_1_table2_relu);
    }
    instance(W1, W2, opt_state, loss, out, learned_at, y, first, batch, opts);
}

#if LANES > 1 /* the scalar level trains one network at a time, where it lies (xorc_single-inl.h)  \
               */
/* Every network of the batch, group by group. */
XORC_LEVEL_KERNEL(REAL, LV(PUB(xorc_lockstep)))
{
    const int table2 =
        FN(table2_instance_for)(opts) && FN(is_table2)(X, y, n, n_in, n_hidden, n_out, b1 != NULL);
    for (size_t first = 0; first < batch; first += BLOCKS * LANES) {
        if (table2) {
            (void)FN(run_2_3_1_table2)(W1, W2, opt_state, loss, out, learned_at, y, first, batch,
                                       opts);
        } else {
            (void)FN(group_run)(state, W1, b1, W2, b2, opt_state, loss, out, learned_at, X, y,
                                first, batch, n, n_in, n_hidden, n_out, b1 != NULL,
                                opts->activation, 0, opts->online, opts);
        }
    }
}
#endif
