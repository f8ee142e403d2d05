/*
 * test_recipes.h — the checks of the recipes (xorc.h's options: activation, loss,
 * optimizer, online), written once.
 *
 * Included by test_xorc.c once per precision, after test_lockstep.h and with the same
 * macros. There is deliberately no include guard.
 *
 *  - the backward pass of every activation and loss against central differences of
 *    the loss (the math: each pair of a value and its derivative);
 *  - xorc_update_* of every optimizer against its formula, written here again in
 *    plain C, over updates with gradients that keep and change their signs;
 *  - every recipe trained in lockstep at every level, in two calls, against the
 *    same network trained alone one step at a time, bit for bit (weights, loss,
 *    outputs, optimizer state, learned_at): the seed shape's instances and the
 *    general one, with and without biases; and the seed shape's instances against
 *    the general one on the same networks;
 *  - the option checks: unknown values, momentum out of [0, 1), RPROP with online
 *    updates, and a missing optimizer state.
 */

/* Every setting that is not the seed recipe's, by the names xorc gives them. */
static const char *const FN(activation_names)[] = {"sigmoid", "tanh", "relu"};
static const char *const FN(loss_names)[] = {"sse", "cross_entropy"};
static const char *const FN(optimizer_names)[] = {"gd", "momentum", "nesterov", "adam", "rprop"};

/* The options of a recipe; lr and steps as given, momentum 0.9, every other field zero. */
static xorc_options FN(recipe)(int activation, int loss, int optimizer, int online, double lr,
                               uint64_t steps)
{
    xorc_options options = FN(options)(lr, steps);
    options.activation = activation;
    options.loss = loss;
    options.optimizer = optimizer;
    options.online = online;
    options.momentum = 0.9;
    return options;
}

/* The loss of the network by the recipe's activation and loss (xorc_forward_*, xorc_loss_*). */
static REAL FN(recipe_loss)(const struct FN(net) * net, const xorc_options *options, REAL *hidden,
                            REAL *out, int *ok)
{
    const struct dims d = net->d;
    REAL loss = 0;
    *ok &= FN(xorc_forward)(hidden, out, net->X, net->W1, net->b1, net->W2, net->b2, d.n, d.n_in,
                            d.n_hidden, d.n_out, options)
           == XORC_OK;
    *ok &= FN(xorc_loss)(&loss, out, net->y, d.n, d.n_out, options) == XORC_OK;
    return loss;
}

/* Whether some hidden unit is active (h > 0) in one of `a`, `b` but not the other. */
static int FN(kink_between)(const REAL *a, const REAL *b, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if ((a[i] > 0) != (b[i] > 0)) {
            return 1;
        }
    }
    return 0;
}

/* The backward pass of one activation and loss against central differences of the loss,
 * as FN(test_backward_fd) checks the seed recipe's. relu has no derivative where a unit's
 * z is 0: a difference whose two sides put a unit on either side of it is skipped (in
 * float, whose step is large, a few are; most must remain). */
static void FN(recipe_backward_fd)(struct tally *t, int activation, int loss, int bias,
                                   uint64_t seed)
{
    const struct dims d = {5, 3, 4, 2};
    const xorc_options options = FN(recipe)(activation, loss, XORC_OPTIMIZER_GD, 0, 0, 0);
    struct FN(net) net = FN(net_random)(d, bias, seed);
    REAL *hidden = FN(alloc)(d.n * d.n_hidden), *out = FN(alloc)(d.n * d.n_out),
         *delta = FN(alloc)(d.n * d.n_out), *hidden_plus = FN(alloc)(d.n * d.n_hidden);
    REAL *grads[4];
    REAL *params[4] = {net.W1, net.W2, net.b1, net.b2};
    const size_t lens[4] = {d.n_in * d.n_hidden, d.n_hidden * d.n_out, d.n_hidden, d.n_out};
    const int n_params = bias ? 4 : 2;
    int ok = 1;
    size_t compared = 0, skipped = 0;
    double worst = 0;
    for (int p = 0; p < 4; p++) {
        grads[p] = p < n_params ? FN(alloc)(lens[p]) : NULL;
    }
    (void)FN(recipe_loss)(&net, &options, hidden, out, &ok);
    ok &= FN(xorc_backward)(grads[0], grads[2], grads[1], grads[3], delta, net.X, net.y, hidden,
                            out, net.W2, d.n, d.n_in, d.n_hidden, d.n_out, &options)
          == XORC_OK;
    for (int p = 0; p < n_params; p++) {
        for (size_t i = 0; i < lens[p]; i++) {
            const REAL saved = params[p][i];
            const REAL plus = (REAL)(saved + FD_EPS), minus = (REAL)(saved - FD_EPS);
            params[p][i] = plus;
            const REAL loss_plus = FN(recipe_loss)(&net, &options, hidden_plus, out, &ok);
            params[p][i] = minus;
            const REAL loss_minus = FN(recipe_loss)(&net, &options, hidden, out, &ok);
            params[p][i] = saved;
            if (FN(kink_between)(hidden_plus, hidden, d.n * d.n_hidden)) {
                skipped++;
                continue;
            }
            compared++;
            const double fd =
                ((double)loss_plus - (double)loss_minus) / ((double)plus - (double)minus);
            const double g = (double)grads[p][i];
            const double e = fabs(g - fd) / fmax(FD_FLOOR, fabs(g) + fabs(fd));
            worst = isnan(e) || e > worst ? e : worst;
        }
    }
    check(t, ok && worst < FD_TOL && skipped < compared,
          "finite differences, %s, %s hidden units, %s loss%s: relative error %.3g, %zu compared, "
          "%zu skipped at relu's kink%s",
          REAL_NAME, FN(activation_names)[activation], FN(loss_names)[loss], bias ? ", biases" : "",
          worst, compared, skipped, ok ? "" : " (a call failed)");
    for (int p = 0; p < 4; p++) {
        free(grads[p]);
    }
    free(hidden);
    free(hidden_plus);
    free(out);
    free(delta);
    FN(net_free)(&net);
}

/*
 * One update of parameter w from gradient g by the optimizer's formula (xorc.h), with
 * its state *first, *second, as update number t: the formulas written once more, one
 * value at a time, in the order xorc.h states them.
 */
static REAL FN(formula)(int optimizer, REAL w, REAL g, REAL *first, REAL *second, double lr,
                        double mu, uint64_t t)
{
    const REAL lr_r = (REAL)lr, mu_r = (REAL)mu;
    switch (optimizer) {
    case XORC_OPTIMIZER_MOMENTUM:
        *first = mu_r * *first - lr_r * g;
        return w + *first;
    case XORC_OPTIMIZER_NESTEROV:
        *first = mu_r * *first - lr_r * g;
        return w + (mu_r * *first - lr_r * g);
    case XORC_OPTIMIZER_ADAM: {
        const REAL b1 = (REAL)0.9, b2 = (REAL)0.999;
        const REAL lr_t = (REAL)(lr * sqrt(1 - pow(0.999, (double)t)) / (1 - pow(0.9, (double)t)));
        *first = b1 * *first + ((REAL)1 - b1) * g;
        *second = b2 * *second + ((REAL)1 - b2) * (g * g);
        return w + (-lr_t * *first) / ((REAL)sqrt((double)*second) + (REAL)1e-8);
    }
    case XORC_OPTIMIZER_RPROP: {
        REAL step = *first;
        if ((g >= 0 && *second >= 0) || (g <= 0 && *second <= 0)) {
            step = step * (REAL)1.2 < (REAL)50 ? step * (REAL)1.2 : (REAL)50;
        } else {
            step = step * (REAL)0.5 > 0 ? step * (REAL)0.5 : 0;
            g = 0;
        }
        *first = step;
        *second = g;
        return g > 0 ? w - step : (g < 0 ? w + step : w);
    }
    default:
        return w - lr_r * g;
    }
}

/* RPROP's sign test on gradients whose product underflows: g = -tiny after gprev = +tiny is a
 * sign change (the weight stays, the step halves), though g gprev rounds to -0. */
static void FN(recipe_rprop_tiny)(struct tally *t)
{
    const REAL tiny = TINY_GRADIENT;
    REAL W[1] = {1}, state[2] = {(REAL)0.1, tiny}, grad[1] = {-tiny};
    xorc_options options = FN(recipe)(0, 0, XORC_OPTIMIZER_RPROP, 0, 0.1, 0);
    options.updates_done = 1;
    const int status = FN(xorc_update)(W, state, grad, 1, &options);
    check(t, status == XORC_OK && W[0] == 1 && state[0] == (REAL)0.05 && state[1] == 0,
          "rprop (%s) with gradients whose product underflows: W %g, step %g, gprev %g", REAL_NAME,
          (double)W[0], (double)state[0], (double)state[1]);
}

/* xorc_update_* of every optimizer, four updates in a row (the first a restart), against
 * FN(formula). The gradients flip sign between updates at some places, so that RPROP's
 * steps grow at some and shrink at others. */
static void FN(recipe_updates)(struct tally *t)
{
    enum { LEN = 7, UPDATES = 4 };
    for (int optimizer = XORC_OPTIMIZER_GD; optimizer <= XORC_OPTIMIZER_RPROP; optimizer++) {
        struct rng r = {UINT64_C(77) + (uint64_t)optimizer};
        REAL W[LEN], want[LEN], grad[LEN], state[2 * LEN], first[LEN], second[LEN];
        int ok = 1, same = 1;
        FN(fill_uniform)(W, LEN, &r, -1, 1);
        memcpy(want, W, sizeof W);
        for (size_t p = 0; p < LEN; p++) {
            first[p] = optimizer == XORC_OPTIMIZER_RPROP ? (REAL)0.1 : 0;
            second[p] = 0;
            state[p] = state[LEN + p] = (REAL)-7; /* a restart must not read these */
        }
        for (uint64_t u = 0; u < UPDATES; u++) {
            FN(fill_uniform)(grad, LEN, &r, -1, 1);
            xorc_options options = FN(recipe)(0, 0, optimizer, 0, 0.05, 0);
            options.momentum = 0.8;
            options.updates_done = u;
            options.restart = u == 0;
            ok &= FN(xorc_update)(W, state, grad, LEN, &options) == XORC_OK;
            for (size_t p = 0; p < LEN; p++) {
                want[p] = FN(formula)(optimizer, want[p], grad[p], &first[p], &second[p], 0.05, 0.8,
                                      u + 1);
            }
        }
        for (size_t p = 0; p < LEN; p++) {
            same &= memcmp(&W[p], &want[p], sizeof(REAL)) == 0;
            if (optimizer != XORC_OPTIMIZER_GD) {
                same &= memcmp(&state[p], &first[p], sizeof(REAL)) == 0
                        && memcmp(&state[LEN + p], &second[p], sizeof(REAL)) == 0;
            }
        }
        check(t, ok && same, "xorc_update (%s), %s: %s", REAL_NAME, FN(optimizer_names)[optimizer],
              ok ? "not bit for bit the formula" : "a call failed");
    }
}

/*
 * The network of `net` and its optimizer state `state` trained alone by `recipe`, one
 * step per xorc_train_* call (a restart in the first when the recipe asks for one,
 * updates_done counted), with learned_at searched step by step as xorc.h defines it:
 * the network as it stands after s steps, for each multiple s of check_every.
 */
static int FN(recipe_alone)(struct FN(net) * net, REAL *state, REAL *loss, REAL *out,
                            int64_t *learned, const xorc_options *recipe, uint64_t check_every)
{
    const struct dims d = net->d;
    const size_t work_len = xorc_train_workspace_len(d.n_in, d.n_hidden, d.n_out);
    REAL *work = FN(alloc)(work_len), *hidden = FN(alloc)(d.n * d.n_hidden);
    const uint64_t per_step = recipe->online ? d.n : 1;
    int ok = 1;
    for (uint64_t s = 0; s <= recipe->steps; s++) {
        if (check_every > 0 && *learned < 0 && s % check_every == 0) {
            ok &= FN(xorc_forward)(hidden, out, net->X, net->W1, net->b1, net->W2, net->b2, d.n,
                                   d.n_in, d.n_hidden, d.n_out, recipe)
                  == XORC_OK;
            *learned = FN(all_right)(out, net->y, d.n * d.n_out) ? (int64_t)s : -1;
        }
        xorc_options one = *recipe;
        one.steps = s < recipe->steps ? 1 : 0;
        one.updates_done = recipe->updates_done + s * per_step;
        one.restart = recipe->restart && s == 0;
        ok &= FN(xorc_train)(net->W1, net->b1, net->W2, net->b2, state, loss, out, NULL, work,
                             work_len, net->X, net->y, d.n, d.n_in, d.n_hidden, d.n_out, &one)
              == XORC_OK;
    }
    free(work);
    free(hidden);
    return ok;
}

/*
 * The batch trained by `recipe` at `level` in two calls (the first a restart), each
 * network against FN(recipe_alone): the very bits of its weights, loss, outputs and
 * optimizer state, and its learned_at.
 */
static void FN(recipe_lockstep)(struct tally *t, const char *shape, const struct FN(batch) * start,
                                const xorc_options *recipe, int level)
{
    const struct dims d = start->d;
    const int bias = start->b1 != NULL;
    const size_t count = start->count, w1 = d.n_in * d.n_hidden, w2 = d.n_hidden * d.n_out;
    const size_t state_len = xorc_optimizer_state_len(d.n_in, d.n_hidden, d.n_out, bias);
    const size_t work_len = xorc_lockstep_workspace_len(d.n, d.n_in, d.n_hidden, d.n_out, level);
    const uint64_t check_every = 3, per_step = recipe->online ? d.n : 1;
    REAL *W1 = FN(copy_of)(start->W1, count * w1), *W2 = FN(copy_of)(start->W2, count * w2);
    REAL *b1 = bias ? FN(copy_of)(start->b1, count * d.n_hidden) : NULL;
    REAL *b2 = bias ? FN(copy_of)(start->b2, count * d.n_out) : NULL;
    REAL *state = FN(alloc)(count * state_len), *loss = FN(alloc)(count);
    REAL *out = FN(alloc)(count * d.n * d.n_out), *work = FN(alloc)(work_len);
    REAL *alone_state = FN(alloc)(state_len), *want_out = FN(alloc)(d.n * d.n_out);
    int64_t *learned_at = (int64_t *)xmalloc(count * sizeof(int64_t));
    int ok = 1, same = 1;
    size_t first_wrong = count;
    for (size_t k = 0; k < count; k++) {
        learned_at[k] = -1;
    }
    for (uint64_t c = 0; c < 2; c++) {
        xorc_options options = *recipe;
        const uint64_t from = recipe->steps * c / 2, to = recipe->steps * (c + 1) / 2;
        options.steps = to - from;
        options.first_step = from;
        options.check_every = check_every;
        options.finish = c == 1;
        options.updates_done = from * per_step;
        options.restart = c == 0;
        ok &= FN(xorc_train_lockstep)(W1, b1, W2, b2, state, loss, out, learned_at, work, work_len,
                                      start->X, start->y, d.n, d.n_in, d.n_hidden, d.n_out, count,
                                      &options, level)
              == XORC_OK;
    }
    for (size_t k = 0; k < count && ok; k++) {
        struct FN(net) alone = FN(batch_net)(start, k);
        xorc_options options = *recipe;
        REAL want_loss = -1;
        int64_t want_learned = -1;
        options.restart = 1;
        ok &= FN(recipe_alone)(&alone, alone_state, &want_loss, want_out, &want_learned, &options,
                               check_every);
        const int kept = recipe->optimizer != XORC_OPTIMIZER_GD;
        const int diverged = !(fabs((double)want_loss) <= DBL_MAX);
        const int net_same =
            FN(same_or_nan)(alone.W1, W1 + k * w1, w1) && FN(same_or_nan)(alone.W2, W2 + k * w2, w2)
            && (!bias
                || (FN(same_or_nan)(alone.b1, b1 + k * d.n_hidden, d.n_hidden)
                    && FN(same_or_nan)(alone.b2, b2 + k * d.n_out, d.n_out)))
            && FN(same_or_nan)(&want_loss, loss + k, 1)
            && FN(same_or_nan)(want_out, out + k * d.n * d.n_out, d.n * d.n_out)
            && (!kept || FN(same_or_nan)(alone_state, state + k * state_len, state_len))
            && (diverged || want_learned == learned_at[k]);
        if (!net_same && same) {
            first_wrong = k;
        }
        same &= net_same;
        FN(net_free)(&alone);
    }
    check(t, ok && same, "lockstep recipe %s/%s/%s%s, %s, %s, level %s: %s (network %zu)",
          FN(activation_names)[recipe->activation], FN(loss_names)[recipe->loss],
          FN(optimizer_names)[recipe->optimizer], recipe->online ? "/online" : "", shape, REAL_NAME,
          xorc_simd_name(level), ok ? "not bit for bit the network trained alone" : "a call failed",
          first_wrong);
    free(W1);
    free(W2);
    free(b1);
    free(b2);
    free(state);
    free(loss);
    free(out);
    free(work);
    free(alone_state);
    free(want_out);
    free(learned_at);
}

/*
 * The seed shape's own instances (xorc_lockstep-inl.h) against the general one: the
 * same networks trained by `recipe` on the XOR table, once as it is and once with
 * its zeros written -0.0, which no instance knows at compile time (the general
 * instance then trains it) and which gives the very same numbers (a product -0 w
 * is a zero too, and a sum of it with +0 or with anything else is unchanged but
 * for the sign of a zero, which the sigmoid does not see and the updates do not
 * keep). Weights, losses, outputs and optimizer state must agree bit for bit.
 */
static void FN(recipe_instances_agree)(struct tally *t, const struct FN(batch) * seeds,
                                       const xorc_options *recipe, int level)
{
    const size_t count = seeds->count, state_len = xorc_optimizer_state_len(2, 3, 1, 0);
    const size_t work_len = xorc_lockstep_workspace_len(4, 2, 3, 1, level);
    REAL *W1[2], *W2[2], *state[2], *loss[2], *out[2], *work = FN(alloc)(work_len);
    REAL *X_negzero = FN(copy_of)(seeds->X, 8);
    int ok = 1;
    for (size_t i = 0; i < 8; i++) {
        X_negzero[i] = X_negzero[i] == 0 ? (REAL)-0.0 : X_negzero[i];
    }
    for (int k = 0; k < 2; k++) {
        xorc_options options = *recipe;
        options.restart = 1;
        W1[k] = FN(copy_of)(seeds->W1, count * 6);
        W2[k] = FN(copy_of)(seeds->W2, count * 3);
        state[k] = FN(alloc)(count * state_len);
        loss[k] = FN(alloc)(count);
        out[k] = FN(alloc)(count * 4);
        ok &= FN(xorc_train_lockstep)(W1[k], NULL, W2[k], NULL, state[k], loss[k], out[k], NULL,
                                      work, work_len, k == 0 ? seeds->X : X_negzero, seeds->y, 4, 2,
                                      3, 1, count, &options, level)
              == XORC_OK;
    }
    const int kept = recipe->optimizer != XORC_OPTIMIZER_GD;
    check(t,
          ok && FN(same_or_nan)(W1[0], W1[1], count * 6) && FN(same_or_nan)(W2[0], W2[1], count * 3)
              && FN(same_or_nan)(loss[0], loss[1], count)
              && FN(same_or_nan)(out[0], out[1], count * 4)
              && (!kept || FN(same_or_nan)(state[0], state[1], count * state_len)),
          "seed shape's instance against the general one, %s/%s/%s%s, %s, level %s: %s",
          FN(activation_names)[recipe->activation], FN(loss_names)[recipe->loss],
          FN(optimizer_names)[recipe->optimizer], recipe->online ? "/online" : "", REAL_NAME,
          xorc_simd_name(level), ok ? "not bit for bit" : "a call failed");
    for (int k = 0; k < 2; k++) {
        free(W1[k]);
        free(W2[k]);
        free(state[k]);
        free(loss[k]);
        free(out[k]);
    }
    free(work);
    free(X_negzero);
}

/* The option checks of every entry point that trains: each bad value refused with
 * XORC_ERR_OPTION, a missing optimizer state with XORC_ERR_NULL, nothing written. */
static void FN(recipe_refusals)(struct tally *t)
{
    struct FN(batch) b = FN(batch_seeds)(3);
    const size_t work_len = xorc_lockstep_workspace_len(4, 2, 3, 1, XORC_SIMD_SCALAR);
    const size_t state_len = xorc_optimizer_state_len(2, 3, 1, 0);
    REAL *work = FN(alloc)(work_len), *state = FN(alloc)(3 * state_len), loss[3], out[12];
    REAL *W1_before = FN(copy_of)(b.W1, 18), grad[6] = {0};
    struct {
        const char *why;
        int activation, loss, optimizer, online;
        double momentum;
        int expected;
    } cases[] = {
        {"activation 3", 3, 0, 0, 0, 0.9, XORC_ERR_OPTION},
        {"loss 2", 0, 2, 0, 0, 0.9, XORC_ERR_OPTION},
        {"loss -1", 0, -1, 0, 0, 0.9, XORC_ERR_OPTION},
        {"optimizer 5", 0, 0, 5, 0, 0.9, XORC_ERR_OPTION},
        {"optimizer -1", 0, 0, -1, 0, 0.9, XORC_ERR_OPTION},
        {"online 2", 0, 0, 0, 2, 0.9, XORC_ERR_OPTION},
        {"momentum 1", 0, 0, 1, 0, 1.0, XORC_ERR_OPTION},
        {"momentum -0.1", 0, 0, 1, 0, -0.1, XORC_ERR_OPTION},
        {"momentum NaN", 0, 0, 1, 0, NAN, XORC_ERR_OPTION},
        {"rprop with online updates", 0, 0, 4, 1, 0.9, XORC_ERR_OPTION},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        xorc_options options = FN(recipe)(cases[c].activation, cases[c].loss, cases[c].optimizer,
                                          cases[c].online, 0.1, 2);
        options.momentum = cases[c].momentum;
        const int single = FN(xorc_train)(b.W1, NULL, b.W2, NULL, state, loss, out, NULL, work,
                                          work_len, b.X, b.y, 4, 2, 3, 1, &options);
        const int lockstep =
            FN(xorc_train_lockstep)(b.W1, NULL, b.W2, NULL, state, loss, out, NULL, work, work_len,
                                    b.X, b.y, 4, 2, 3, 1, 3, &options, XORC_SIMD_SCALAR);
        const int update = FN(xorc_update)(b.W1, state, grad, 6, &options);
        check(t,
              single == cases[c].expected && lockstep == cases[c].expected
                  && update == cases[c].expected && memcmp(b.W1, W1_before, 18 * sizeof(REAL)) == 0,
              "recipe options (%s), %s: train %d, lockstep %d, update %d, expected %d", REAL_NAME,
              cases[c].why, single, lockstep, update, cases[c].expected);
    }
    xorc_options options = FN(recipe)(0, 0, XORC_OPTIMIZER_ADAM, 0, 0.1, 2);
    const int single = FN(xorc_train)(b.W1, NULL, b.W2, NULL, NULL, loss, out, NULL, work, work_len,
                                      b.X, b.y, 4, 2, 3, 1, &options);
    const int lockstep =
        FN(xorc_train_lockstep)(b.W1, NULL, b.W2, NULL, NULL, loss, out, NULL, work, work_len, b.X,
                                b.y, 4, 2, 3, 1, 3, &options, XORC_SIMD_SCALAR);
    const int update = FN(xorc_update)(b.W1, NULL, grad, 6, &options);
    check(t,
          single == XORC_ERR_NULL && lockstep == XORC_ERR_NULL && update == XORC_ERR_NULL
              && memcmp(b.W1, W1_before, 18 * sizeof(REAL)) == 0,
          "recipe options (%s), adam without optimizer state: train %d, lockstep %d, update %d",
          REAL_NAME, single, lockstep, update);
    /* Updates that would pass int64 (Adam's t), and mu that rounds to 1 in float. */
    options = FN(recipe)(0, 0, XORC_OPTIMIZER_ADAM, 1, 0.1, 2);
    options.updates_done = (uint64_t)INT64_MAX - 7; /* 2 online steps of 4 rows: 8 updates */
    check(t,
          FN(xorc_train)(b.W1, NULL, b.W2, NULL, state, loss, out, NULL, work, work_len, b.X, b.y,
                         4, 2, 3, 1, &options)
              == XORC_ERR_SIZE,
          "recipe options (%s): updates beyond int64 not refused", REAL_NAME);
    options = FN(recipe)(0, 0, XORC_OPTIMIZER_MOMENTUM, 0, 0.1, 2);
    options.momentum = 0.99999999;
    options.restart = 1; /* the state, never written so far, is not read */
    check(t,
          FN(xorc_update)(b.W1, state, grad, 6, &options)
              == (REAL_IS_FLOAT_TEST ? XORC_ERR_OPTION : XORC_OK),
          "recipe options (%s): momentum 0.99999999 (1 in float)", REAL_NAME);
    /* A restart of 0 steps leaves the state as it is. */
    for (size_t p = 0; p < 3 * state_len; p++) {
        state[p] = (REAL)7;
    }
    options = FN(recipe)(0, 0, XORC_OPTIMIZER_ADAM, 0, 0.1, 0);
    options.restart = 1;
    int kept =
        FN(xorc_train_lockstep)(b.W1, NULL, b.W2, NULL, state, loss, out, NULL, work, work_len, b.X,
                                b.y, 4, 2, 3, 1, 3, &options, XORC_SIMD_SCALAR)
        == XORC_OK;
    for (size_t p = 0; p < 3 * state_len; p++) {
        kept &= state[p] == (REAL)7;
    }
    check(t, kept, "recipe options (%s): a restart of 0 steps changed the state", REAL_NAME);
    check(t,
          state_len == 18 && xorc_optimizer_state_len(2, 3, 1, 1) == 26
              && xorc_optimizer_state_len(0, 3, 1, 0) == 0
              && xorc_optimizer_state_len(SIZE_MAX / 4, 4, 1, 0) == 0,
          "xorc_optimizer_state_len: %zu for 2-3-1", state_len);
    free(work);
    free(state);
    free(W1_before);
    FN(batch_free)(&b);
}

static void FN(test_recipes)(struct tally *t, int max_level)
{
    for (int activation = 0; activation < 3; activation++) {
        for (int loss = 0; loss < 2; loss++) {
            for (int bias = 0; bias < 2; bias++) {
                FN(recipe_backward_fd)(t, activation, loss, bias, UINT64_C(5) + (uint64_t)bias);
            }
        }
    }
    FN(recipe_updates)(t);
    FN(recipe_rprop_tiny)(t);
    FN(recipe_refusals)(t);

    /* The seed shape (its instances of each activation), and a shape with biases on rows
     * that are not a truth table (the general instance). */
    struct FN(batch) seeds = FN(batch_seeds)(19);
    const struct dims d = {5, 3, 4, 2};
    struct FN(batch) general = FN(batch_random)(d, 11, 1, 1, 2, UINT64_C(909));
    for (int activation = 0; activation < 3; activation++) {
        for (int loss = 0; loss < 2; loss++) {
            for (int optimizer = 0; optimizer <= XORC_OPTIMIZER_RPROP; optimizer++) {
                for (int online = 0; online < 2; online++) {
                    if (online && optimizer == XORC_OPTIMIZER_RPROP) {
                        continue;
                    }
                    /* lr 0.5 for gd, smaller for the faster rules, so that they move but
                     * stay finite over 24 steps. */
                    const double lr = optimizer == XORC_OPTIMIZER_GD ? 0.5 : 0.05;
                    const xorc_options recipe =
                        FN(recipe)(activation, loss, optimizer, online, lr, 24);
                    for (int level = XORC_SIMD_SCALAR; level <= max_level; level++) {
                        FN(recipe_lockstep)(t, "2-3-1 XOR", &seeds, &recipe, level);
                        FN(recipe_lockstep)(t, "3-4-2 with biases", &general, &recipe, level);
                        FN(recipe_instances_agree)(t, &seeds, &recipe, level);
                    }
                }
            }
        }
    }
    FN(batch_free)(&seeds);
    FN(batch_free)(&general);
}
