/*
 * test_lockstep.h — the checks of xorc_train_lockstep_*, written once.
 *
 * Included by test_xorc.c once per precision, after test_cases.h and with the same
 * macros. There is deliberately no include guard.
 *
 * The oracle is the scalar core, already checked against finite differences, hand
 * values and the seed program: each network of a lockstep batch must end with the
 * very bits xorc_train_* gives it alone (weights, biases, loss), its outputs must
 * be xorc_forward_*'s, and learned_at must be what a step-by-step search finds.
 */

/* A batch of networks of one shape, laid out as xorc_train_lockstep_* takes them. */
struct FN(batch) {
    struct dims d;
    size_t count;
    REAL *X, *y, *W1, *b1, *W2, *b2;
};

/*
 * `count` networks, weights and biases uniform in [-scale, scale), on X uniform in
 * [-x_scale, x_scale) and y uniform in [0, 1). A large scale saturates the
 * sigmoids and sends exponentials off their hot path.
 */
static struct FN(batch) FN(batch_random)(struct dims d, size_t count, int bias, double scale,
                                         double x_scale, uint64_t seed)
{
    struct rng r = {seed};
    struct FN(batch) b;
    b.d = d;
    b.count = count;
    b.X = FN(alloc)(d.n * d.n_in);
    b.y = FN(alloc)(d.n * d.n_out);
    b.W1 = FN(alloc)(count * d.n_in * d.n_hidden);
    b.W2 = FN(alloc)(count * d.n_hidden * d.n_out);
    FN(fill_uniform)(b.X, d.n * d.n_in, &r, -x_scale, x_scale);
    FN(fill_uniform)(b.y, d.n * d.n_out, &r, 0, 1);
    FN(fill_uniform)(b.W1, count * d.n_in * d.n_hidden, &r, -scale, scale);
    FN(fill_uniform)(b.W2, count * d.n_hidden * d.n_out, &r, -scale, scale);
    b.b1 = b.b2 = NULL;
    if (bias) {
        b.b1 = FN(alloc)(count * d.n_hidden);
        b.b2 = FN(alloc)(count * d.n_out);
        FN(fill_uniform)(b.b1, count * d.n_hidden, &r, -scale, scale);
        FN(fill_uniform)(b.b2, count * d.n_out, &r, -scale, scale);
    }
    return b;
}

/* The seed program's XOR table, with `count` networks drawn as numpy's RandomState(s) would, s = 0,
 * 1, ... */
static struct FN(batch) FN(batch_seeds)(size_t count)
{
    struct FN(batch) b;
    double w[9];
    b.d.n = 4;
    b.d.n_in = 2;
    b.d.n_hidden = 3;
    b.d.n_out = 1;
    b.count = count;
    b.X = FN(from_doubles)(SEED_X, 8);
    b.y = FN(from_doubles)(SEED_Y, 4);
    b.W1 = FN(alloc)(count * 6);
    b.W2 = FN(alloc)(count * 3);
    b.b1 = b.b2 = NULL;
    for (size_t k = 0; k < count; k++) {
        (void)xorc_random_uniform_d(w, 9, -1, 1, (uint32_t)k);
        for (size_t p = 0; p < 6; p++) {
            b.W1[k * 6 + p] = (REAL)w[p];
        }
        for (size_t p = 0; p < 3; p++) {
            b.W2[k * 3 + p] = (REAL)w[6 + p];
        }
    }
    return b;
}

/* A random batch on a truth table: X holds every pattern of n_in bits (n = 2^n_in rows),
 * the inputs the kernel trains by its exact shortcut for zeros and ones. */
static struct FN(batch) FN(batch_table)(size_t n_in, size_t n_hidden, size_t n_out, size_t count,
                                        int bias, uint64_t seed)
{
    const struct dims d = {(size_t)1 << n_in, n_in, n_hidden, n_out};
    struct FN(batch) b = FN(batch_random)(d, count, bias, 1, 1, seed);
    for (size_t i = 0; i < d.n; i++) {
        for (size_t m = 0; m < n_in; m++) {
            b.X[i * n_in + m] = (REAL)((i >> m) & 1u);
        }
    }
    return b;
}

/* A 2-input truth table's rows in xorc.truth_table's order, the order that the kernel
 * knows at compile time (FN(run_2_3_1_table2) in xorc_lockstep-inl.h). */
static void FN(batch_table_rows_of_xorc)(struct FN(batch) * b)
{
    static const REAL rows[8] = {1, 0, 0, 0, 0, 1, 1, 1};
    memcpy(b->X, rows, sizeof rows);
}

/* Every other network gets one weight of W1 and one of W2 beyond the truth-table
 * shortcut's bounds, infinite or NaN, each network at a different place. */
static void FN(batch_make_wild)(struct FN(batch) * b)
{
    static const double wild[] = {0x1p401, INFINITY, -INFINITY, NAN, 1e300};
    const size_t w1 = b->d.n_in * b->d.n_hidden, w2 = b->d.n_hidden * b->d.n_out;
    for (size_t k = 0; k < b->count; k += 2) {
        b->W1[k * w1 + (k / 2) % w1] = (REAL)wild[(k / 2) % 5];
        b->W2[k * w2 + (k / 2) % w2] = (REAL)wild[(k / 2 + 1) % 5];
    }
}

static void FN(batch_free)(struct FN(batch) * b)
{
    free(b->X);
    free(b->y);
    free(b->W1);
    free(b->b1);
    free(b->W2);
    free(b->b2);
}

/* Network k of the batch, as a network of its own (a copy). */
static struct FN(net) FN(batch_net)(const struct FN(batch) * b, size_t k)
{
    const struct dims d = b->d;
    const size_t w1 = d.n_in * d.n_hidden, w2 = d.n_hidden * d.n_out;
    struct FN(net) net;
    net.d = d;
    net.X = FN(copy_of)(b->X, d.n * d.n_in);
    net.y = FN(copy_of)(b->y, d.n * d.n_out);
    net.W1 = FN(copy_of)(b->W1 + k * w1, w1);
    net.W2 = FN(copy_of)(b->W2 + k * w2, w2);
    net.b1 = b->b1 == NULL ? NULL : FN(copy_of)(b->b1 + k * d.n_hidden, d.n_hidden);
    net.b2 = b->b2 == NULL ? NULL : FN(copy_of)(b->b2 + k * d.n_out, d.n_out);
    return net;
}

/*
 * The same bits, or both NaN: a NaN's sign and payload depend on which operand of a
 * commutative operation the compiler puts first, in one instance as in another,
 * so only NaN-ness is compared (the NaN weights of a network that has diverged).
 */
static int FN(same_or_nan)(const REAL *a, const REAL *b, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (memcmp(&a[i], &b[i], sizeof(REAL)) != 0 && !(isnan(a[i]) && isnan(b[i]))) {
            return 0;
        }
    }
    return 1;
}

/* Whether every output in `out` (n rows) lies on its target's side of 0.5. */
static int FN(all_right)(const REAL *out, const REAL *y, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!(y[i] > (REAL)0.5 ? out[i] > (REAL)0.5 : out[i] < (REAL)0.5)) {
            return 0;
        }
    }
    return 1;
}

/*
 * What xorc_train_lockstep_* must give network `net`: trained alone by xorc_train_*
 * one step at a time from step first_step, looking for learned_at as defined in
 * xorc.h (if *learned < 0 on entry and check_every > 0). Leaves the trained network
 * in `net`, its loss in *loss and its outputs in `out`.
 */
static int FN(train_alone)(struct FN(net) * net, REAL *loss, REAL *out, int64_t *learned, REAL lr,
                           uint64_t first_step, uint64_t steps, uint64_t check_every)
{
    const struct dims d = net->d;
    const size_t work_len = xorc_train_workspace_len(d.n_in, d.n_hidden, d.n_out);
    REAL *work = FN(alloc)(work_len), *hidden = FN(alloc)(d.n * d.n_hidden);
    int ok = 1;
    for (uint64_t s = first_step; s - first_step < steps; s++) {
        if (check_every > 0 && *learned < 0 && s % check_every == 0) {
            ok &= FN(forward)(hidden, out, net->X, net->W1, net->b1, net->W2, net->b2, d.n, d.n_in,
                              d.n_hidden, d.n_out)
                  == XORC_OK;
            if (FN(all_right)(out, net->y, d.n * d.n_out)) {
                *learned = (int64_t)s;
            }
        }
        ok &= FN(train)(net->W1, net->b1, net->W2, net->b2, loss, work, work_len, net->X, net->y,
                        d.n, d.n_in, d.n_hidden, d.n_out, lr, 1)
              == XORC_OK;
    }
    ok &= FN(train)(net->W1, net->b1, net->W2, net->b2, loss, work, work_len, net->X, net->y, d.n,
                    d.n_in, d.n_hidden, d.n_out, lr, 0)
          == XORC_OK;
    ok &= FN(forward)(hidden, out, net->X, net->W1, net->b1, net->W2, net->b2, d.n, d.n_in,
                      d.n_hidden, d.n_out)
          == XORC_OK;
    free(work);
    free(hidden);
    return ok;
}

/*
 * Trains the batch at `level` in `calls` calls (the steps split between them, as
 * xorc.sweep cuts long runs) and checks every network against train_alone.
 */
static void FN(check_lockstep)(struct tally *t, const char *label, const struct FN(batch) * start,
                               int level, REAL lr, uint64_t steps, uint64_t check_every, int calls)
{
    const struct dims d = start->d;
    const size_t count = start->count, w1 = d.n_in * d.n_hidden, w2 = d.n_hidden * d.n_out;
    const size_t work_len =
        xorc_lockstep_workspace_len(d.n, d.n_in, d.n_hidden, d.n_out, XORC_SIMD_AVX512);
    const int bias = start->b1 != NULL;
    REAL *W1 = FN(copy_of)(start->W1, count * w1), *W2 = FN(copy_of)(start->W2, count * w2);
    REAL *b1 = bias ? FN(copy_of)(start->b1, count * d.n_hidden) : NULL;
    REAL *b2 = bias ? FN(copy_of)(start->b2, count * d.n_out) : NULL;
    REAL *loss = FN(alloc)(count), *out = FN(alloc)(count * d.n * d.n_out);
    REAL *work = FN(alloc)(work_len), *want_out = FN(alloc)(d.n * d.n_out);
    int64_t *learned_at = (int64_t *)xmalloc(count * sizeof(int64_t));
    int ok = work_len > 0, same = 1;
    size_t first_wrong = count;

    for (size_t k = 0; k < count; k++) {
        learned_at[k] = -1;
    }
    for (int c = 0; c < calls; c++) {
        const uint64_t from = steps * (uint64_t)c / (uint64_t)calls;
        const uint64_t to = steps * (uint64_t)(c + 1) / (uint64_t)calls;
        xorc_options options = FN(options)(lr, to - from);
        options.first_step = from;
        options.check_every = check_every;
        ok &= FN(xorc_train_lockstep)(W1, b1, W2, b2, NULL, loss, out, learned_at, work, work_len,
                                      start->X, start->y, d.n, d.n_in, d.n_hidden, d.n_out, count,
                                      &options, level)
              == XORC_OK;
    }
    for (size_t k = 0; k < count && ok; k++) {
        struct FN(net) alone = FN(batch_net)(start, k);
        REAL want_loss = -1;
        int64_t want_learned = -1;
        ok &=
            FN(train_alone)(&alone, &want_loss, want_out, &want_learned, lr, 0, steps, check_every);
        const int net_same = FN(same_or_nan)(alone.W1, W1 + k * w1, w1)
                             && FN(same_or_nan)(alone.W2, W2 + k * w2, w2)
                             && (!bias
                                 || (FN(same_or_nan)(alone.b1, b1 + k * d.n_hidden, d.n_hidden)
                                     && FN(same_or_nan)(alone.b2, b2 + k * d.n_out, d.n_out)))
                             && FN(same_or_nan)(&want_loss, loss + k, 1)
                             && FN(same_or_nan)(want_out, out + k * d.n * d.n_out, d.n * d.n_out)
                             && (check_every == 0 || want_learned == learned_at[k]);
        if (!net_same && same) {
            first_wrong = k;
        }
        same &= net_same;
        FN(net_free)(&alone);
    }
    check(t, ok && same,
          "lockstep %s, %s, level %s, %zu networks, %llu steps in %d calls: %s (network %zu)",
          label, REAL_NAME, xorc_simd_name(level), count, (unsigned long long)steps, calls,
          ok ? "not bit for bit the network trained alone" : "a call failed", first_wrong);
    free(W1);
    free(W2);
    free(b1);
    free(b2);
    free(loss);
    free(out);
    free(work);
    free(want_out);
    free(learned_at);
}

/* Every batch size from 1 to 3 groups' worth and a partial one, on shapes with and without biases.
 */
static void FN(test_lockstep_level)(struct tally *t, int level)
{
    static const struct dims shapes[] = {
        {4, 2, 3, 1}, {1, 1, 1, 1}, {5, 3, 4, 2}, {8, 3, 5, 1}, {3, 5, 2, 4}};
    const size_t lanes = xorc_simd_lanes(level);
    /* The seed program's recipe over seeds 0 .. count-1 (the kernel's own shape). */
    for (size_t count = 1; count <= 3 * lanes + 1; count++) {
        struct FN(batch) b = FN(batch_seeds)(count);
        FN(check_lockstep)(t, "seed recipe", &b, level, (REAL)0.01, 300, 100, 1);
        FN(batch_free)(&b);
    }
    {
        /* Long enough that most networks learn XOR (lr 2), checked every 7 steps, in 3 calls. */
        struct FN(batch) b = FN(batch_seeds)(2 * lanes + 3);
        FN(check_lockstep)(t, "XOR learned, lr 2", &b, level, (REAL)2, 1500, 7, 3);
        FN(check_lockstep)(t, "no checks", &b, level, (REAL)0.5, 40, 0, 1);
        FN(check_lockstep)(t, "0 steps", &b, level, (REAL)0.5, 0, 1, 1);
        FN(batch_free)(&b);
    }
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const size_t counts[] = {1, lanes + 1, 3 * lanes + 1};
        for (int bias = 0; bias <= 1; bias++) {
            for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
                const uint64_t seed = 500 + 10 * s + 2 * c + (uint64_t)bias;
                struct FN(batch) b = FN(batch_random)(shapes[s], counts[c], bias, 1, 2, seed);
                FN(check_lockstep)(t, "random shape", &b, level, (REAL)0.3, 60, 5, 2);
                FN(batch_free)(&b);
            }
        }
    }
    for (int bias = 0; bias <= 1; bias++) {
        /* Truth tables (X all 0s and 1s) of several shapes, with and without biases. */
        struct FN(batch) xor_table =
            FN(batch_table)(2, 3, 1, 2 * lanes + 1, bias, 60 + (uint64_t)bias);
        struct FN(batch) parity = FN(batch_table)(3, 4, 2, lanes + 3, bias, 62 + (uint64_t)bias);
        FN(check_lockstep)(t, "truth table 2-3-1", &xor_table, level, (REAL)0.5, 200, 10, 2);
        FN(check_lockstep)(t, "truth table 3-4-2", &parity, level, (REAL)0.5, 200, 10, 2);
        FN(batch_free)(&xor_table);
        FN(batch_free)(&parity);
    }
    {
        /* Truth tables with weights beyond the shortcut's bounds, infinite or NaN: the
         * products by 0 that the shortcut drops are NaN there, as alone. */
        for (int rows_of_xorc = 0; rows_of_xorc <= 1; rows_of_xorc++) {
            struct FN(batch) b = FN(batch_table)(2, 3, 1, 2 * lanes + 1, 0, 70);
            if (rows_of_xorc) {
                FN(batch_table_rows_of_xorc)(&b);
            }
            FN(batch_make_wild)(&b);
            FN(check_lockstep)
            (t, "truth table, weights huge or not finite", &b, level, (REAL)0.5, 20, 5, 1);
            FN(batch_free)(&b);
        }
        struct FN(batch) b = FN(batch_table)(3, 4, 2, 2 * lanes + 1, 1, 71);
        FN(batch_make_wild)(&b);
        FN(check_lockstep)
        (t, "truth table 3-4-2, weights huge or not finite", &b, level, (REAL)0.5, 20, 5, 1);
        FN(batch_free)(&b);
    }
    {
        /* Truth tables whose weights' sums straddle the bound under which a step needs
         * no check of its exponentials (half the hot path's limit: 350 in double, 50 in
         * float), some lanes within it and some not, crossing it as they learn. */
        const double half = sizeof(REAL) == sizeof(float) ? 50 : 350;
        struct FN(batch) b = FN(batch_table)(2, 3, 1, 3 * lanes + 1, 0, 80);
        FN(batch_table_rows_of_xorc)(&b);
        for (size_t k = 0; k < b.count; k++) {
            const double near = 0.97 + 0.06 * (double)k / (double)b.count;
            for (size_t p = 0; p < 6; p++) {
                b.W1[k * 6 + p] = (REAL)((p % 2 ? -near : near) * half / 6);
            }
            for (size_t p = 0; p < 3; p++) {
                b.W2[k * 3 + p] = (REAL)((p % 2 ? near : -near) * half / 3);
            }
            if (k % 3 == 2) {
                /* Within twice the bound but not the bound: a z of the row (1, 1) lies
                 * beyond the hot path's limit, where it overflows e^-z. */
                for (size_t p = 0; p < 6; p++) {
                    b.W1[k * 6 + p] = (REAL)(p % 3 ? 0.25 : -1.04 * half);
                }
            }
        }
        FN(check_lockstep)(t, "truth table, weights about the bound", &b, level, (REAL)3, 60, 3, 2);
        FN(batch_free)(&b);
    }
    for (int bias = 0; bias <= 1; bias++) {
        /* Saturated sigmoids, exponentials off the hot path in some lanes and not others. */
        const struct dims d = {4, 2, 3, 1}, wide = {5, 3, 4, 2};
        struct FN(batch) big =
            FN(batch_random)(d, 2 * lanes + 1, bias, 300, 2, 40 + (uint64_t)bias);
        struct FN(batch) huge =
            FN(batch_random)(wide, lanes + 2, bias, 1e6, 2, 42 + (uint64_t)bias);
        struct FN(batch) edge_x = FN(batch_random)(d, lanes + 1, bias, 1, 900, 44 + (uint64_t)bias);
        FN(check_lockstep)(t, "saturating weights", &big, level, (REAL)0.1, 30, 3, 1);
        FN(check_lockstep)(t, "huge weights", &huge, level, (REAL)0.1, 20, 4, 2);
        FN(check_lockstep)
        (t, "inputs far outside the hot path", &edge_x, level, (REAL)0.1, 20, 2, 1);
        FN(batch_free)(&big);
        FN(batch_free)(&huge);
        FN(batch_free)(&edge_x);
    }
}

/* ---- error codes ---- */

/* The buffers of one small lockstep call, with biases, by L_* name; compared before and after. */
struct FN(lbufs) {
    void *at[L_COUNT];
    size_t bytes[L_COUNT];
};

static struct FN(lbufs) FN(lbufs_new)(struct dims d, size_t count)
{
    struct FN(lbufs) b;
    struct rng r = {77};
    const size_t len[L_COUNT] = {
        count * d.n_in * d.n_hidden,
        count * d.n_hidden,
        count * d.n_hidden * d.n_out,
        count * d.n_out,
        count,
        count * d.n * d.n_out,
        count,
        xorc_lockstep_workspace_len(d.n, d.n_in, d.n_hidden, d.n_out, XORC_SIMD_AVX512),
        d.n * d.n_in,
        d.n * d.n_out};
    for (int k = 0; k < L_COUNT; k++) {
        const size_t size = k == L_LEARNED ? sizeof(int64_t) : sizeof(REAL);
        b.bytes[k] = len[k] * size;
        b.at[k] = xmalloc(b.bytes[k]);
        if (k == L_LEARNED) {
            for (size_t i = 0; i < len[k]; i++) {
                ((int64_t *)b.at[k])[i] = -1;
            }
        } else {
            FN(fill_uniform)((REAL *)b.at[k], len[k], &r, -1, 1);
        }
    }
    return b;
}

static int FN(lbufs_same)(const struct FN(lbufs) * a, const struct FN(lbufs) * b)
{
    for (int k = 0; k < L_COUNT; k++) {
        if (memcmp(a->at[k], b->at[k], a->bytes[k]) != 0) {
            return 0;
        }
    }
    return 1;
}

static struct FN(lbufs) FN(lbufs_copy)(const struct FN(lbufs) * src)
{
    struct FN(lbufs) b;
    for (int k = 0; k < L_COUNT; k++) {
        b.bytes[k] = src->bytes[k];
        b.at[k] = xmalloc(b.bytes[k]);
        memcpy(b.at[k], src->at[k], b.bytes[k]);
    }
    return b;
}

static void FN(lbufs_free)(struct FN(lbufs) * b)
{
    for (int k = 0; k < L_COUNT; k++) {
        free(b->at[k]);
    }
}

/* The arguments of one lockstep call in the error tests. */
struct FN(lcall) {
    struct dims d;
    size_t count, work_len;
    double lr;
    uint64_t check_every;
    int level;
    int activation;
    int no_options;  /* pass NULL for the options */
    unsigned nulled; /* bit k: the k-th pointer argument (L_* order) is NULL */
};

static const char *const FN(lockstep_args)[] = {"W1",  "b1",         "W2",   "b2", "loss",
                                                "out", "learned_at", "work", "X",  "y"};

static void FN(expect_lockstep)(struct tally *t, struct FN(lbufs) * b, const struct FN(lcall) * c,
                                int expected, const char *why)
{
    struct FN(lbufs) before = FN(lbufs_copy)(b);
    void *p[L_COUNT];
    for (int k = 0; k < L_COUNT; k++) {
        p[k] = (c->nulled >> k) & 1u ? NULL : b->at[k];
    }
    xorc_options options = FN(options)(c->lr, 3);
    options.check_every = c->check_every;
    options.activation = c->activation;
    const int status = FN(xorc_train_lockstep)(
        (REAL *)p[L_W1], (REAL *)p[L_B1], (REAL *)p[L_W2], (REAL *)p[L_B2], NULL, (REAL *)p[L_LOSS],
        (REAL *)p[L_OUT], (int64_t *)p[L_LEARNED], (REAL *)p[L_WORK], c->work_len,
        (const REAL *)p[L_X], (const REAL *)p[L_Y], c->d.n, c->d.n_in, c->d.n_hidden, c->d.n_out,
        c->count, c->no_options ? NULL : &options, c->level);
    const int untouched = FN(lbufs_same)(b, &before);
    check(t, status == expected && (expected == XORC_OK || untouched),
          "xorc_train_lockstep (%s) with %s: status %d, expected %d%s", REAL_NAME, why, status,
          expected, expected == XORC_OK || untouched ? "" : ", and it wrote to a buffer");
    FN(lbufs_free)(&before);
}

static void FN(test_lockstep_errors)(struct tally *t)
{
    const struct dims d = {3, 2, 4, 2};
    struct FN(lbufs) b = FN(lbufs_new)(d, 5);
    struct FN(lcall) valid, c;
    char why[160];
    valid.d = d;
    valid.count = 5;
    valid.work_len =
        xorc_lockstep_workspace_len(d.n, d.n_in, d.n_hidden, d.n_out, XORC_SIMD_SCALAR);
    valid.lr = 0.1;
    valid.check_every = 1;
    valid.level = XORC_SIMD_SCALAR;
    valid.activation = XORC_ACTIVATION_SIGMOID;
    valid.no_options = 0;
    valid.nulled = 0;

    FN(expect_lockstep)(t, &b, &valid, XORC_OK, "valid arguments");
    c = valid;
    c.nulled = 1u << L_B1 | 1u << L_B2;
    FN(expect_lockstep)(t, &b, &c, XORC_OK, "no biases");
    c = valid;
    c.nulled = 1u << L_LEARNED;
    c.check_every = 0;
    FN(expect_lockstep)(t, &b, &c, XORC_OK, "no learned_at and no checks");
    for (int k = 0; k < L_COUNT; k++) {
        c = valid;
        c.nulled = 1u << k;
        snprintf(why, sizeof why, "NULL %s", FN(lockstep_args)[k]);
        FN(expect_lockstep)(t, &b, &c, XORC_ERR_NULL, why);
    }
    for (size_t k = 0; k < N_BAD_DIMS; k++) {
        c = valid;
        c.d = BAD_DIMS[k];
        snprintf(why, sizeof why, "sizes n=%zu n_in=%zu n_hidden=%zu n_out=%zu", c.d.n, c.d.n_in,
                 c.d.n_hidden, c.d.n_out);
        FN(expect_lockstep)(t, &b, &c, XORC_ERR_SIZE, why);
    }
    {
        /* A batch of 0, or one whose buffers' sizes overflow. */
        const size_t bad_counts[] = {0, SIZE_MAX, ELEMENTS_MAX / 2 + 1, ELEMENTS_MAX / 8 + 1};
        for (size_t k = 0; k < sizeof bad_counts / sizeof bad_counts[0]; k++) {
            c = valid;
            c.count = bad_counts[k];
            snprintf(why, sizeof why, "batch=%zu", bad_counts[k]);
            FN(expect_lockstep)(t, &b, &c, XORC_ERR_SIZE, why);
        }
    }
    {
        const double bad[] = {NAN, INFINITY, -INFINITY, 0.0, -0.0, -0.01};
        for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
            c = valid;
            c.lr = bad[k];
            snprintf(why, sizeof why, "lr=%g", bad[k]);
            FN(expect_lockstep)(t, &b, &c, XORC_ERR_LR, why);
        }
    }
    {
        /* With checks, learned_at must hold the steps: first_step + steps within int64. */
        struct FN(lbufs) before = FN(lbufs_copy)(&b);
        xorc_options options = FN(options)(0.1, 1);
        options.first_step = (uint64_t)INT64_MAX;
        options.check_every = 1;
        const int status = FN(xorc_train_lockstep)(
            (REAL *)b.at[L_W1], (REAL *)b.at[L_B1], (REAL *)b.at[L_W2], (REAL *)b.at[L_B2], NULL,
            (REAL *)b.at[L_LOSS], (REAL *)b.at[L_OUT], (int64_t *)b.at[L_LEARNED],
            (REAL *)b.at[L_WORK], valid.work_len, (const REAL *)b.at[L_X], (const REAL *)b.at[L_Y],
            d.n, d.n_in, d.n_hidden, d.n_out, valid.count, &options, XORC_SIMD_SCALAR);
        check(t, status == XORC_ERR_SIZE && FN(lbufs_same)(&b, &before),
              "xorc_train_lockstep (%s) with steps beyond int64: status %d", REAL_NAME, status);
        FN(lbufs_free)(&before);
    }
    c = valid;
    c.no_options = 1;
    FN(expect_lockstep)(t, &b, &c, XORC_ERR_NULL, "NULL options");
    c = valid;
    c.activation = 3;
    FN(expect_lockstep)(t, &b, &c, XORC_ERR_OPTION, "an unknown activation");
    c = valid;
    c.work_len = valid.work_len - 1;
    FN(expect_lockstep)(t, &b, &c, XORC_ERR_WORKSPACE, "a workspace one element short");
    {
        const int bad_levels[] = {-1, XORC_SIMD_AVX512 + 1, INT_MAX, INT_MIN, xorc_simd_best() + 1};
        for (size_t k = 0; k < sizeof bad_levels / sizeof bad_levels[0]; k++) {
            c = valid;
            c.level = bad_levels[k];
            snprintf(why, sizeof why, "level=%d (best here %d)", bad_levels[k], xorc_simd_best());
            FN(expect_lockstep)(t, &b, &c, XORC_ERR_SIMD, why);
        }
    }
    FN(lbufs_free)(&b);
}

/* Every level from scalar up to max_level (the best this machine has, or less when asked). */
static void FN(test_lockstep)(struct tally *t, int max_level)
{
    for (int level = XORC_SIMD_SCALAR; level <= max_level; level++) {
        FN(test_lockstep_level)(t, level);
    }
    FN(test_lockstep_errors)(t);
}
