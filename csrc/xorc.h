/*
 * xorc — training a two-layer network, exactly.
 *
 * The network maps an input row x (n_in values) to an output row (n_out values):
 *
 *     h   = act(x · W1 + b1)             hidden activations, n_hidden values
 *     out = sigmoid(h · W2 + b2)         outputs, n_out values
 *     L   = the loss, a sum over rows and outputs: sum (y - out)^2 by default
 *
 * and learns W1, W2 (and b1, b2) by gradient descent on L: by default, full batch,
 * W <- W - lr * dL/dW, one step per pass over all n rows (the seed program's recipe).
 * The hidden activation, the loss, the update rule (momentum, Nesterov, Adam, RPROP)
 * and online updates (one per row) are the options (struct xorc_options).
 *
 * Conventions, shared by every entry point:
 *  - All buffers are owned by the caller, contiguous and row-major:
 *      X (n, n_in), y (n, n_out), W1 (n_in, n_hidden), W2 (n_hidden, n_out),
 *      b1 (n_hidden), b2 (n_out), hidden (n, n_hidden), out (n, n_out).
 *  - Outputs come first in the argument list, then inputs, then sizes. An output
 *    buffer must not overlap any other buffer argument, unless the function
 *    says it may (xorc_exp_*, xorc_sigmoid_*).
 *  - b1 and b2 are optional: pass NULL for a network without biases (and then
 *    NULL for db1, db2). b1 and b2 must be both NULL or both non-NULL.
 *  - Every function returns XORC_OK or a negative XORC_ERR_* code; on an error
 *    nothing has been written. xorc_strerror() describes a code.
 *  - The library keeps no state, allocates nothing, never prints and never
 *    exits: any number of threads may call it on different buffers.
 *  - Each function comes twice, with the BLAS suffixes: _d for double, _s for
 *    float. Both, and every SIMD level of the lockstep functions, are built from
 *    one definition of the training step (xorc_step-inl.h) and of the exponential
 *    (xorc_exp-inl.h): a single network is that definition's one-lane instance.
 *  - What to train is said once, in struct xorc_options: every entry point that
 *    trains, or computes a part of a step, takes a pointer to it.
 */
#ifndef XORC_H
#define XORC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* cdef-begin: the declarations below are read by xorc/_ffi_build.py */

/* Status codes. */
enum {
    XORC_OK = 0,
    XORC_ERR_NULL = -1,      /* a required buffer is NULL, or only one bias is given */
    XORC_ERR_SIZE = -2,      /* a dimension is zero, or a buffer size overflows size_t */
    XORC_ERR_LR = -3,        /* the learning rate is not finite and positive */
    XORC_ERR_WORKSPACE = -4, /* the workspace is shorter than xorc_*_workspace_len() */
    XORC_ERR_SIMD = -5,      /* the SIMD level is unknown, or this processor lacks it */
    XORC_ERR_OPTION = -6     /* an option other than lr is unknown or out of its range */
};

/*
 * The hidden layer's activation (the output layer's is always the sigmoid):
 *   sigmoid  a = 1 / (1 + e^-z)
 *   tanh     a = 2 / (1 + e^-2z) - 1
 *   relu     a = max(z, 0), its derivative taken as 0 at z = 0
 */
enum { XORC_ACTIVATION_SIGMOID = 0, XORC_ACTIVATION_TANH = 1, XORC_ACTIVATION_RELU = 2 };

/*
 * The loss, a sum over the rows and outputs:
 *   sse            (y - o)^2, whose gradient at the output's pre-activation z2 is
 *                  2 (o - y) o (1 - o)
 *   cross_entropy  -(y log o' + (1 - y) log(1 - o')), o' being o clipped to
 *                  [eps, 1 - eps] (eps: the precision's machine epsilon, as
 *                  scikit-learn clips), whose gradient at z2 is o - y
 */
enum { XORC_LOSS_SSE = 0, XORC_LOSS_CROSS_ENTROPY = 1 };

/*
 * The update of each parameter p from its gradient g (scikit-learn's formulas; RPROP
 * is FANN's iRPROP-):
 *   gd        p -= lr g
 *   momentum  v = mu v - lr g;  p += v
 *   nesterov  v = mu v - lr g;  p += mu v - lr g
 *   adam      t += 1;  m = b1 m + (1 - b1) g;  s = b2 s + (1 - b2) g^2;
 *             p += (-lr_t m) / (sqrt(s) + eps),  lr_t = lr sqrt(1 - b2^t) / (1 - b1^t)
 *             computed in double (libm's pow) and rounded to the precision once;
 *             b1 = 0.9, b2 = 0.999, eps = 1e-8
 *   rprop     if g and gprev have the same sign (or either is 0): step = min(1.2 step, 50),
 *             else step = max(0.5 step, 0) and g = 0; then p -= sign(g) step (sign(0) = 0)
 *             and gprev = g. Steps start at 0.1; lr is not used. (The signs are compared,
 *             not the product g gprev, which can underflow to 0 for tiny gradients.)
 * Each network's optimizer state (v; m and s; step and gprev) is the caller's: see
 * xorc_optimizer_state_len.
 */
enum {
    XORC_OPTIMIZER_GD = 0,
    XORC_OPTIMIZER_MOMENTUM = 1,
    XORC_OPTIMIZER_NESTEROV = 2,
    XORC_OPTIMIZER_ADAM = 3,
    XORC_OPTIMIZER_RPROP = 4
};

/*
 * The settings of training, one struct for every entry point, so that a new setting
 * is a new field here and not a new argument everywhere. Start from all zeros
 * (`xorc_options opts = {0};`): every field's zero is the seed program's recipe, but
 * lr, which must be set.
 *   lr           the learning rate: finite and > 0 (for _s, also once rounded to float)
 *   steps        how many training steps to take
 *   activation   the hidden layer's XORC_ACTIVATION_*
 *   first_step   the steps the networks have had before this call: it only places
 *                the checks of learned_at
 *   check_every  0: learned_at is neither read nor written (it may be NULL); else the
 *                networks are checked at every step that is a multiple of it (below)
 *   finish       nonzero: this call ends the training, and the networks are also
 *                checked as they stand after its last step (below)
 *   loss         XORC_LOSS_*
 *   optimizer    XORC_OPTIMIZER_*
 *   momentum     mu of momentum and nesterov: 0 <= mu < 1 (for _s, also once rounded to float)
 *   online       0: a step is one update from the gradient over all rows; 1: a step
 *                is one pass over the rows in order, one update from each row's
 *                gradient (not with rprop). A learned check at step s (below) sees
 *                the network as it stood after s steps.
 *   updates_done the updates the optimizer state has seen before this call (Adam's
 *                t: the call's first update has t = updates_done + 1); with the call's
 *                updates (steps, times n online) it must fit an int64
 *   restart      nonzero: the optimizer state is set to its start before the call's
 *                first update (v, m, s and gprev 0; rprop's steps 0.1), not read; a
 *                call of 0 steps leaves it as it is
 */
typedef struct xorc_options {
    double lr;
    uint64_t steps;
    int activation;
    uint64_t first_step;
    uint64_t check_every;
    int finish;
    int loss;
    int optimizer;
    double momentum;
    int online;
    uint64_t updates_done;
    int restart;
} xorc_options;

/* A static, human-readable description of a status code. */
const char *xorc_strerror(int status);

/*
 * The elementwise functions the network is made of, over n values (n may be 0):
 * out[i] = exp(x[i]), within 0.52 ulp (xorc's own, not libm's; see xorc_exp.h), and
 * out[i] = sigmoid(z[i]) = 1 / (1 + exp(-z[i])), exactly 0 or 1 where it saturates.
 * out may be x (or z) itself.
 */
int xorc_exp_d(double *out, const double *x, size_t n);
int xorc_exp_s(float *out, const float *x, size_t n);
int xorc_sigmoid_d(double *out, const double *z, size_t n);
int xorc_sigmoid_s(float *out, const float *z, size_t n);

/*
 * Forward pass over n rows: hidden = act(X·W1 + b1), out = sigmoid(hidden·W2 + b2),
 * act being options->activation.
 */
int xorc_forward_d(double *hidden, double *out, const double *X, const double *W1, const double *b1,
                   const double *W2, const double *b2, size_t n, size_t n_in, size_t n_hidden,
                   size_t n_out, const xorc_options *options);
int xorc_forward_s(float *hidden, float *out, const float *X, const float *W1, const float *b1,
                   const float *W2, const float *b2, size_t n, size_t n_in, size_t n_hidden,
                   size_t n_out, const xorc_options *options);

/* The loss: *loss = options->loss summed over n rows of n_out values. */
int xorc_loss_d(double *loss, const double *out, const double *y, size_t n, size_t n_out,
                const xorc_options *options);
int xorc_loss_s(float *loss, const float *out, const float *y, size_t n, size_t n_out,
                const xorc_options *options);

/*
 * Backward pass: the gradients of the loss, given the forward pass's hidden and out.
 *   delta = dL/dZ2  (sse: 2 (out - y) * out * (1 - out); cross_entropy: out - y)  (n, n_out)
 *   dW2   = hidden^T · delta,   db2 = column sums of delta
 *   dZ1   = (delta · W2^T) * act'   (written from hidden: sigmoid h (1 - h), tanh 1 - h^2,
 *                                    relu 1 where h > 0, else 0)
 *   dW1   = X^T · dZ1,          db1 = column sums of dZ1
 * delta is an output too (the gradient at the output pre-activations).
 * db1, db2 may be NULL (both) for a network without biases.
 */
int xorc_backward_d(double *dW1, double *db1, double *dW2, double *db2, double *delta,
                    const double *X, const double *y, const double *hidden, const double *out,
                    const double *W2, size_t n, size_t n_in, size_t n_hidden, size_t n_out,
                    const xorc_options *options);
int xorc_backward_s(float *dW1, float *db1, float *dW2, float *db2, float *delta, const float *X,
                    const float *y, const float *hidden, const float *out, const float *W2,
                    size_t n, size_t n_in, size_t n_hidden, size_t n_out,
                    const xorc_options *options);

/*
 * The values of optimizer state one network has (twice its parameters: P =
 * n_in*n_hidden + n_hidden*n_out, plus n_hidden + n_out with biases), 0 if a size is
 * zero or the count overflows. They lie as [first: W1 W2 b1 b2][second: W1 W2 b1 b2],
 * first being momentum's v, Adam's m or RPROP's step, second Adam's s or RPROP's
 * gprev. Gradient descent has none: then the state is neither read nor written, and
 * may be NULL.
 */
size_t xorc_optimizer_state_len(size_t n_in, size_t n_hidden, size_t n_out, int biases);

/*
 * One update of one parameter buffer by options->optimizer (the update number
 * options->updates_done + 1): W[p] from grad[p], and state, 2 * len values laid out
 * [first][second] (NULL for gd), updated with it.
 */
int xorc_update_d(double *W, double *state, const double *grad, size_t len,
                  const xorc_options *options);
int xorc_update_s(float *W, float *state, const float *grad, size_t len,
                  const xorc_options *options);

/*
 * Whether each of `batch` networks has learned: on_target[b] = 1 where every output
 * of network b (out[b * n * n_out ...], n rows of n_out) lies on its target's side
 * of 0.5 (out > 0.5 where y > 0.5, out < 0.5 elsewhere; NaN on neither side), else 0.
 * The very test training applies for learned_at (below).
 */
int xorc_on_target_d(unsigned char *on_target, const double *out, const double *y, size_t batch,
                     size_t n, size_t n_out);
int xorc_on_target_s(unsigned char *on_target, const float *out, const float *y, size_t batch,
                     size_t n, size_t n_out);

/*
 * The number of elements (doubles for _d, floats for _s) that xorc_train_*
 * needs as workspace for these sizes; 0 if a size is zero or the count
 * overflows size_t. It does not depend on the rows.
 */
size_t xorc_train_workspace_len(size_t n_in, size_t n_hidden, size_t n_out);

/*
 * Trains one network in place: options->steps steps on the n rows, each exactly
 * forward, backward and update as the functions above compute them (one update, or
 * with options->online one per row), the optimizer state in opt_state
 * (xorc_optimizer_state_len values; NULL for gd). Then:
 *   *loss            the loss of the network as it then stands (with steps = 0, of
 *                    the network as given),
 *   out              if not NULL, its outputs on the n rows (n * n_out values),
 *   *learned_at      as xorc_train_lockstep_* sets it, for a batch of one.
 * `work` holds work_len elements of scratch space, at least
 * xorc_train_workspace_len(n_in, n_hidden, n_out).
 */
int xorc_train_d(double *W1, double *b1, double *W2, double *b2, double *opt_state, double *loss,
                 double *out, int64_t *learned_at, double *work, size_t work_len, const double *X,
                 const double *y, size_t n, size_t n_in, size_t n_hidden, size_t n_out,
                 const xorc_options *options);
int xorc_train_s(float *W1, float *b1, float *W2, float *b2, float *opt_state, float *loss,
                 float *out, int64_t *learned_at, float *work, size_t work_len, const float *X,
                 const float *y, size_t n, size_t n_in, size_t n_hidden, size_t n_out,
                 const xorc_options *options);

/*
 * The initial weights of the seed program: out[i] for i < n are the first n
 * numbers that numpy's legacy generator, np.random.RandomState(seed), draws with
 * .uniform(low, high): the Mersenne Twister MT19937 seeded as its reference
 * init_genrand(seed) does, 53-bit u = (a * 2^26 + b) / 2^53 in [0, 1) from two
 * 32-bit outputs a >> 5 and b >> 6, and out[i] = low + (high - low) * u.
 * W1 = uniform(-1, 1, (n_in, n_hidden)) and then W2 from the same generator are
 * the first n_in * n_hidden numbers and the next n_hidden * n_out.
 */
int xorc_random_uniform_d(double *out, size_t n, double low, double high, uint32_t seed);

/*
 * Lockstep training: a batch of independent networks of one shape, trained on the
 * same X, y and options, with the networks across the lanes of the processor's
 * vector registers, so that each arithmetic operation of a training step is one
 * vector operation serving LANES networks. Every network ends bit for bit where
 * xorc_train_* takes it alone: both are instances of one definition of the step,
 * lane by lane. (A network whose values become NaN ends NaN where it does alone; a
 * NaN's sign and payload are not part of the promise.)
 *
 * The SIMD level says which instructions run; every level gives the same bits.
 *   XORC_SIMD_SCALAR  one network at a time (any processor, any compiler)
 *   XORC_SIMD_SSE2    2 networks per vector (x86-64's baseline)
 *   XORC_SIMD_AVX2    4 networks per vector
 *   XORC_SIMD_AVX512  8 networks per vector (AVX-512F)
 */
enum { XORC_SIMD_SCALAR = 0, XORC_SIMD_SSE2 = 1, XORC_SIMD_AVX2 = 2, XORC_SIMD_AVX512 = 3 };

/* The highest level that both this build and this processor (and its OS) support. */
int xorc_simd_best(void);

/* The level's name ("scalar", "sse2", "avx2", "avx512"), or NULL for an unknown level. */
const char *xorc_simd_name(int level);

/* The networks one vector holds at this level (1, 2, 4 or 8); 0 for an unknown level. */
size_t xorc_simd_lanes(int level);

/*
 * The number of elements (doubles for _d, floats for _s) of workspace that
 * xorc_train_lockstep_* needs for networks of these sizes on n rows at this SIMD
 * level; 0 if a size is zero, the count overflows, or the level is unknown. It does
 * not depend on the batch.
 */
size_t xorc_lockstep_workspace_len(size_t n, size_t n_in, size_t n_hidden, size_t n_out, int level);

/* learned_at's values that are not steps: not learned (yet), and diverged. */
enum { XORC_NOT_LEARNED = -1, XORC_DIVERGED = -2 };

/*
 * Trains `batch` networks in place, each as xorc_train_* would train it alone. The
 * networks lie one after another: network b's W1 is W1[b * n_in * n_hidden ...]
 * laid out as xorc_train_* takes it, W2 likewise, b1 and b2 (NULL for none) too,
 * and its optimizer state at opt_state[b * xorc_optimizer_state_len(...)] (NULL for gd).
 * Then:
 *   loss[b]          the loss of network b after the steps,
 *   out[b * n * n_out ...]   its outputs on the n rows after the steps,
 *   learned_at[b]    only read and written when options->check_every > 0 (else it
 *                    may be NULL). If learned_at[b] is XORC_NOT_LEARNED on entry:
 *                    the first step s, first_step <= s < first_step + steps and s a multiple of
 *                    check_every, at which every output of the network as it stood
 *                    after s steps was on its target's side of 0.5 (xorc_on_target_*);
 *                    left as it was if there is none. With options->finish, the
 *                    network as it stands after the last step is checked too (s =
 *                    first_step + steps), and a network whose loss or weights are
 *                    then not finite has diverged, which is never learned: its
 *                    learned_at becomes XORC_DIVERGED.
 * With checks, first_step + steps must fit an int64. `work` holds work_len elements,
 * at least xorc_lockstep_workspace_len(n, n_in, n_hidden, n_out, level); level is an
 * XORC_SIMD_* value at most xorc_simd_best().
 */
int xorc_train_lockstep_d(double *W1, double *b1, double *W2, double *b2, double *opt_state,
                          double *loss, double *out, int64_t *learned_at, double *work,
                          size_t work_len, const double *X, const double *y, size_t n, size_t n_in,
                          size_t n_hidden, size_t n_out, size_t batch, const xorc_options *options,
                          int level);
int xorc_train_lockstep_s(float *W1, float *b1, float *W2, float *b2, float *opt_state, float *loss,
                          float *out, int64_t *learned_at, float *work, size_t work_len,
                          const float *X, const float *y, size_t n, size_t n_in, size_t n_hidden,
                          size_t n_out, size_t batch, const xorc_options *options, int level);

/* cdef-end */

#ifdef __cplusplus
}
#endif

#endif /* XORC_H */
