/*
 * xorc_lockstep_entry.h — the public entry point xorc_train_lockstep_* (xorc.h):
 * its checks, then the chosen level's kernel. Included by xorc_lockstep.c once per
 * precision, with REAL and FN(name) (name_d or name_s) defined, after every level
 * has been instantiated. There is deliberately no include guard.
 */

int FN(xorc_train_lockstep)(REAL *W1, REAL *b1, REAL *W2, REAL *b2, REAL *loss, REAL *out,
                            int64_t *learned_at, REAL *work, size_t work_len, const REAL *X,
                            const REAL *y, size_t n, size_t n_in, size_t n_hidden, size_t n_out,
                            size_t batch, REAL lr, uint64_t first_step, uint64_t steps,
                            uint64_t check_every, int level)
{
    if (W1 == NULL || W2 == NULL || loss == NULL || out == NULL || work == NULL || X == NULL
        || y == NULL || (b1 == NULL) != (b2 == NULL) || (check_every > 0 && learned_at == NULL)) {
        return XORC_ERR_NULL;
    }
    const size_t needed = xorc_lockstep_workspace_len(n, n_in, n_hidden, n_out);
    /* learned_at holds a step as an int64: the steps checked must fit one. */
    if (!batch_ok(batch, n, n_in, n_hidden, n_out) || needed == 0
        || (check_every > 0 && (first_step > INT64_MAX || steps > INT64_MAX - first_step))) {
        return XORC_ERR_SIZE;
    }
    if (!(isfinite(lr) && lr > 0)) {
        return XORC_ERR_LR;
    }
    if (work_len < needed) {
        return XORC_ERR_WORKSPACE;
    }
    if (!level_ok(level)) {
        return XORC_ERR_SIMD;
    }
    void *state = aligned(work);
    switch (level) {
#if XORC_X86_LEVELS
    case XORC_SIMD_SSE2:
        XORC_AT(FN(lockstep), sse2)
        (W1, b1, W2, b2, loss, out, learned_at, state, X, y, n, n_in, n_hidden, n_out, batch, lr,
         first_step, steps, check_every);
        break;
    case XORC_SIMD_AVX2:
        XORC_AT(FN(lockstep), avx2)
        (W1, b1, W2, b2, loss, out, learned_at, state, X, y, n, n_in, n_hidden, n_out, batch, lr,
         first_step, steps, check_every);
        break;
    case XORC_SIMD_AVX512:
        XORC_AT(FN(lockstep), avx512)
        (W1, b1, W2, b2, loss, out, learned_at, state, X, y, n, n_in, n_hidden, n_out, batch, lr,
         first_step, steps, check_every);
        break;
#endif
    default:
        XORC_AT(FN(lockstep), scalar)
        (W1, b1, W2, b2, loss, out, learned_at, state, X, y, n, n_in, n_hidden, n_out, batch, lr,
         first_step, steps, check_every);
        break;
    }
    return XORC_OK;
}
